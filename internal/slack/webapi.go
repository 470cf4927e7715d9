package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	slackgo "github.com/slack-go/slack"
)

// webAPI is the adapter's one Web API client. It sends JSON and reads back
// only what the bot uses (ok, error, a channel id, the bot's user id, the
// Socket Mode URL). slack-go's client decodes every answer whole, and Slack
// echoes each posted message, blocks and all, in its answer: building
// those blocks again only to drop them costs more than the 20% of the
// bot's CPU per reply that a hand-written path must save to stay
// (BenchmarkPost in this package; docs/performance.md). Failures are
// slack-go's error types, so callers need to know only one set.
type webAPI struct {
	http *http.Client
	base string // the Web API's base URL, ending in "/"
}

// maxResponseBytes bounds how much of an answer is read. Slack's answers to
// these methods are a few KB plus the echoed message or view.
const maxResponseBytes = 4 << 20

// apiResponse is what the bot reads of a Web API answer.
type apiResponse struct {
	OK    bool   `json:"ok"`
	Error string `json:"error"`
	// Channel is a channel id (chat.postMessage) or an object with one
	// (conversations.open).
	Channel   json.RawMessage `json:"channel"`
	UserID    string          `json:"user_id"`    // auth.test
	URL       string          `json:"url"`        // apps.connections.open
	TS        string          `json:"ts"`         // chat.postMessage, chat.update
	MessageTS string          `json:"message_ts"` // chat.postEphemeral
	Permalink string          `json:"permalink"`  // chat.getPermalink
	// Messages say what was wrong, e.g. which block of an invalid_blocks.
	Metadata struct {
		Messages []string `json:"messages"`
	} `json:"response_metadata"`
}

// postJSON calls method with a JSON body and token, and returns the answer
// once Slack said ok.
func (w *webAPI) postJSON(ctx context.Context, method, token string, payload []byte) (apiResponse, error) {
	return w.post(ctx, method, token, "application/json; charset=utf-8", payload)
}

// postForm calls a method that takes only form arguments: Slack's read
// methods (conversations.info, chat.getPermalink) ignore a JSON body.
func (w *webAPI) postForm(ctx context.Context, method, token string, args url.Values) (apiResponse, error) {
	return w.post(ctx, method, token, "application/x-www-form-urlencoded", []byte(args.Encode()))
}

func (w *webAPI) post(ctx context.Context, method, token, contentType string, payload []byte) (apiResponse, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.base+method, bytes.NewReader(payload))
	if err != nil {
		return apiResponse{}, err
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := w.http.Do(req)
	if err != nil {
		return apiResponse{}, err
	}
	defer drain(resp.Body)
	if err := statusError(resp); err != nil {
		return apiResponse{}, err
	}
	var a apiResponse
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxResponseBytes)).Decode(&a); err != nil {
		return apiResponse{}, fmt.Errorf("read %s answer: %w", method, err)
	}
	if !a.OK {
		if a.Error == "" {
			a.Error = "unknown_error"
		}
		return apiResponse{}, slackgo.SlackErrorResponse{Err: a.Error, ResponseMetadata: slackgo.ResponseMetadata{Messages: a.Metadata.Messages}}
	}
	return a, nil
}

// postWebhook posts payload to a response_url, which answers with a status
// only. The URL is the credential (anyone holding it can post as the bot),
// so no error carries it: net/http's errors quote it, and retries log
// errors before the caller sees them.
func (w *webAPI) postWebhook(ctx context.Context, responseURL string, payload []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, responseURL, bytes.NewReader(payload))
	if err != nil {
		return errors.New("invalid response_url")
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := w.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			return ue.Err // the cause (a *net.OpError for notSent), without the URL
		}
		return err
	}
	defer drain(resp.Body)
	return statusError(resp)
}

// statusError maps a non-200 answer to slack-go's errors: a 429 with a
// Retry-After in seconds is a RateLimitedError.
func statusError(resp *http.Response) error {
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		if s, err := strconv.Atoi(strings.TrimSpace(resp.Header.Get("Retry-After"))); err == nil && s >= 0 {
			return &slackgo.RateLimitedError{RetryAfter: time.Duration(s) * time.Second}
		}
	}
	return slackgo.StatusCodeError{Code: resp.StatusCode, Status: resp.Status}
}

// drain reads what is left of an answer (a little) so the connection can
// be reused, then closes it.
func drain(r io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(r, 64<<10))
	_ = r.Close()
}

// channelInfo is what the bot reads of a channel object
// (conversations.open, conversations.info).
type channelInfo struct {
	ID       string `json:"id"`
	IsMember bool   `json:"is_member"`
	IsIM     bool   `json:"is_im"`
}

func (a apiResponse) channel() (channelInfo, error) {
	var ch channelInfo
	if err := json.Unmarshal(a.Channel, &ch); err != nil || ch.ID == "" {
		return ch, errors.New("no channel in the answer")
	}
	return ch, nil
}

// postedChannel reads chat.postMessage's channel, a bare id.
func (a apiResponse) postedChannel() string {
	var id string
	_ = json.Unmarshal(a.Channel, &id) // absent or odd: the caller knows the channel it posted to
	return id
}

// channelID reads the id from conversations.open's channel object.
func (a apiResponse) channelID() (string, error) {
	var ch struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(a.Channel, &ch); err != nil || ch.ID == "" {
		return "", errors.New("no channel id in the answer")
	}
	return ch.ID, nil
}
