package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"

	"github.com/fractional-advisor/fractional-advisor/internal/blockkit"
	slackgo "github.com/slack-go/slack"
)

// Target is where a message goes. Exactly one way is used, the first set
// of: a response_url, a DM with a user, an ephemeral message in a channel,
// a message in a channel (or one of its threads).
type Target struct {
	ResponseURL string
	InChannel   bool // response_url only: the channel sees it, not just the user
	DMUser      string
	Channel     string
	ThreadTS    string
	// EphemeralFor posts with chat.postEphemeral to this user in Channel.
	EphemeralFor string
}

// IsZero reports whether the target names nowhere.
func (t Target) IsZero() bool { return t == Target{} }

// Post sends msg to t. Each Slack call has its own deadline and is retried
// only where that cannot post twice.
func (c *Client) Post(ctx context.Context, t Target, msg blockkit.Message) error {
	_, err := c.Send(ctx, t, msg)
	return err
}

// Posted names a message the bot posted, for a later Update or
// Permalink. TS is "" for a post through a response_url, which Slack does
// not answer with one.
type Posted struct {
	Channel, TS string
}

// Send is Post, and says which message it posted.
func (c *Client) Send(ctx context.Context, t Target, msg blockkit.Message) (Posted, error) {
	if t.IsZero() {
		return Posted{}, errors.New("post: no destination")
	}
	if t.ResponseURL != "" {
		return Posted{}, c.respond(ctx, t, msg)
	}
	blocks, err := encodeBlocks(msg)
	if err != nil {
		return Posted{}, err
	}
	if t.DMUser != "" {
		if t.Channel, err = c.openDM(ctx, t.DMUser); err != nil {
			return Posted{}, err
		}
		t.ThreadTS, t.EphemeralFor = "", ""
	}
	method := "chat.postMessage"
	if t.EphemeralFor != "" {
		method = "chat.postEphemeral"
	}
	payload, err := json.Marshal(struct {
		Channel  string          `json:"channel"`
		User     string          `json:"user,omitempty"` // chat.postEphemeral's recipient
		ThreadTS string          `json:"thread_ts,omitempty"`
		Text     string          `json:"text"`
		Blocks   json.RawMessage `json:"blocks,omitempty"`
	}{t.Channel, t.EphemeralFor, t.ThreadTS, msg.Text, blocks})
	if err != nil {
		return Posted{}, fmt.Errorf("%s: %w", method, err)
	}
	resp, err := c.send(ctx, method, false, payload)
	if err != nil {
		return Posted{}, fmt.Errorf("%s: %w", method, err)
	}
	p := Posted{Channel: t.Channel, TS: resp.TS}
	if t.EphemeralFor != "" {
		p.TS = resp.MessageTS
	} else if ch := resp.postedChannel(); ch != "" {
		p.Channel = ch
	}
	return p, nil
}

// Update replaces a message the bot posted (chat.update). The new
// message replaces the old whole, so a retry is safe.
func (c *Client) Update(ctx context.Context, m Posted, msg blockkit.Message) error {
	blocks, err := encodeBlocks(msg)
	if err == nil {
		var payload []byte
		payload, err = json.Marshal(struct {
			Channel string          `json:"channel"`
			TS      string          `json:"ts"`
			Text    string          `json:"text"`
			Blocks  json.RawMessage `json:"blocks,omitempty"`
		}{m.Channel, m.TS, msg.Text, blocks})
		if err == nil {
			_, err = c.send(ctx, "chat.update", true, payload)
		}
	}
	if err != nil {
		return fmt.Errorf("chat.update: %w", err)
	}
	return nil
}

// respond answers through a response_url.
func (c *Client) respond(ctx context.Context, t Target, msg blockkit.Message) error {
	if !c.responseURLAllowed(t.ResponseURL) {
		return fmt.Errorf("post to response_url: %w", errURLNotAllowed)
	}
	blocks, err := encodeBlocks(msg)
	if err != nil {
		return err
	}
	no := false
	r := reply{ResponseType: "ephemeral", Text: msg.Text, Blocks: blocks, ReplaceOriginal: &no, DeleteOriginal: &no}
	if t.InChannel {
		r.ResponseType = "in_channel"
	}
	payload, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("post to response_url: %w", err)
	}
	err = c.call(ctx, "response_url", false, func(ctx context.Context) error {
		return c.web.postWebhook(ctx, t.ResponseURL, payload)
	})
	if err != nil {
		return fmt.Errorf("post to response_url: %w", err)
	}
	return nil
}

// OpenView opens a modal with a trigger_id (valid once, for 3 s).
func (c *Client) OpenView(ctx context.Context, triggerID string, view slackgo.ModalViewRequest) error {
	return c.sendView(ctx, "views.open", false, struct {
		TriggerID string                   `json:"trigger_id"`
		View      slackgo.ModalViewRequest `json:"view"`
	}{triggerID, view})
}

// Publish replaces a user's Home tab. It replaces the whole tab, so a retry
// is safe.
func (c *Client) Publish(ctx context.Context, userID string, view slackgo.HomeTabViewRequest) error {
	return c.sendView(ctx, "views.publish", true, struct {
		UserID string                     `json:"user_id"`
		View   slackgo.HomeTabViewRequest `json:"view"`
	}{userID, view})
}

// sendView makes one of the views calls.
func (c *Client) sendView(ctx context.Context, method string, idempotent bool, body any) error {
	payload, err := json.Marshal(body)
	if err == nil {
		_, err = c.send(ctx, method, idempotent, payload)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	return nil
}

// Permalink returns a link to a message (chat.getPermalink).
func (c *Client) Permalink(ctx context.Context, m Posted) (string, error) {
	resp, err := c.read(ctx, "chat.getPermalink", url.Values{"channel": {m.Channel}, "message_ts": {m.TS}})
	if err == nil && resp.Permalink == "" {
		err = errors.New("no permalink in the answer")
	}
	if err != nil {
		return "", fmt.Errorf("chat.getPermalink: %w", err)
	}
	return resp.Permalink, nil
}

// IsMember reports whether the bot is a member of a channel
// (conversations.info), so the operator learns at start that it cannot
// post there rather than from every failed post.
func (c *Client) IsMember(ctx context.Context, channel string) (bool, error) {
	resp, err := c.read(ctx, "conversations.info", url.Values{"channel": {channel}})
	var ch channelInfo
	if err == nil {
		ch, err = resp.channel()
	}
	if err != nil {
		return false, fmt.Errorf("conversations.info: %w", err)
	}
	return ch.IsMember, nil
}

// read makes one call to a read method, which can always be retried.
func (c *Client) read(ctx context.Context, method string, args url.Values) (apiResponse, error) {
	var resp apiResponse
	err := c.call(ctx, method, true, func(ctx context.Context) error {
		var err error
		resp, err = c.web.postForm(ctx, method, c.cfg.BotToken, args)
		return err
	})
	return resp, err
}

// openDM opens (or finds) the bot's DM with user and returns its channel.
func (c *Client) openDM(ctx context.Context, user string) (string, error) {
	payload, err := json.Marshal(struct {
		Users string `json:"users"`
	}{user})
	if err != nil {
		return "", fmt.Errorf("conversations.open: %w", err)
	}
	resp, err := c.send(ctx, "conversations.open", true, payload)
	if err != nil {
		return "", fmt.Errorf("conversations.open: %w", err)
	}
	id, err := resp.channelID()
	if err != nil {
		return "", fmt.Errorf("conversations.open: %w", err)
	}
	return id, nil
}

// send makes one Web API call with the bot token, through call's deadlines
// and retries.
func (c *Client) send(ctx context.Context, method string, idempotent bool, payload []byte) (apiResponse, error) {
	var resp apiResponse
	err := c.call(ctx, method, idempotent, func(ctx context.Context) error {
		var err error
		resp, err = c.web.postJSON(ctx, method, c.cfg.BotToken, payload)
		return err
	})
	return resp, err
}

// errURLNotAllowed refuses a response_url on a host other than Slack's.
var errURLNotAllowed = errors.New("response_url not on an allowed host")

// responseURLAllowed says whether the bot will post to a response_url:
// https on Slack's hooks host, or on the configured Web API's host and
// scheme (which lets the emulator's plain-http URLs through only when
// SLACK_API_URL points at it). A response_url read back from
// private_metadata is otherwise a way to make the bot send requests
// anywhere.
func (c *Client) responseURLAllowed(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.User != nil || u.Opaque != "" {
		return false
	}
	switch {
	case u.Scheme == "https" && u.Host == "hooks.slack.com":
		return true
	case c.api != nil && u.Host == c.api.Host && u.Scheme == c.api.Scheme:
		return true
	}
	return false
}
