package slackbot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/blockkit"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
	"go.uber.org/zap"
)

// ackTimeout bounds an ack: slack-go queues it for the socket writer, and a
// dead connection must not stall the reader.
const ackTimeout = 2 * time.Second

// Things the bot says in several places.
const (
	sayBusy    = "I'm a bit busy right now. Please try again in a moment."
	saySorry   = "Sorry, something went wrong on my side. Please try again."
	sayNoModal = "Sorry, I couldn't open the assessment. Please run `/fractional-advisor` again."
	saySlow    = "You're sending me a lot of requests. Please wait a minute and try again."
)

// ack acknowledges an envelope, with an optional payload, and reports
// whether the ack was handed to the socket (a failure is logged here).
// received is when the envelope was read, for the ack latency metric.
func (b *Bot) ack(ctx context.Context, req *socketmode.Request, received time.Time, payload any) bool {
	if req == nil || req.EnvelopeID == "" {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, ackTimeout)
	defer cancel()
	if err := b.sm.AckCtx(ctx, req.EnvelopeID, payload); err != nil {
		b.log.Warn("ack failed", zap.String("envelope_id", req.EnvelopeID), zap.Error(err))
		return false
	}
	b.metrics.Acked(time.Since(received).Seconds())
	return true
}

// ackRoom is what an ack needs besides its payload: the envelope around it
// and Slack's envelope_id, with room to spare.
const ackRoom = 512

// slashReply is the reply to a slash command or a button, seen by the
// user alone (ephemeral) or by the channel: in an ack, or posted to a
// response_url. blocks are JSON already, or nil.
func slashReply(responseType, text string, blocks []byte) jsonObject {
	return jsonObject(nil).str("response_type", responseType).str("text", text).raw("blocks", blocks)
}

// privateReply is a slash command's reply in an ack, for its user alone.
func privateReply(text string, blocks []byte) json.RawMessage {
	return slashReply(slack.ResponseTypeEphemeral, text, blocks).end()
}

// ackPayload encodes msg as a private reply in an ack, and reports whether
// it is small enough to ride in one.
func ackPayload(msg blockkit.Message) (json.RawMessage, bool) {
	blocks, err := encodeBlocks(msg.Blocks)
	if err != nil {
		return nil, false
	}
	raw := privateReply(msg.Text, blocks)
	return raw, len(raw) <= blockkit.MaxAckPayload-ackRoom
}

// destination is where a reply goes. Exactly one way is used: a
// response_url, a thread or DM channel, or an ephemeral message.
type destination struct {
	responseURL  string
	inChannel    bool // response_url: visible to the channel
	channel      string
	threadTS     string
	ephemeralFor string // chat.postEphemeral to this user in channel
	dmUser       string // open a DM with this user and post there
}

// post sends msg to dest. Each Slack call has its own deadline and is
// retried only where that cannot post twice (retry.go).
func (b *Bot) post(ctx context.Context, dest destination, msg blockkit.Message) error {
	blocks, err := encodeBlocks(msg.Blocks)
	if err != nil {
		return err
	}
	if dest.responseURL != "" {
		return b.postToResponseURL(ctx, dest, msg.Text, blocks)
	}
	if dest.dmUser != "" {
		if dest.channel, err = b.openDM(ctx, dest.dmUser); err != nil {
			return err
		}
	}
	method := "chat.postMessage"
	if dest.ephemeralFor != "" {
		method = "chat.postEphemeral"
	}
	// user is chat.postEphemeral's recipient; no destination has both it
	// and a thread.
	payload := jsonObject(nil).str("channel", dest.channel).opt("user", dest.ephemeralFor).opt("thread_ts", dest.threadTS).
		str("text", msg.Text).raw("blocks", blocks).end()
	if _, err := b.send(ctx, method, false, payload); err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	return nil
}

// postToResponseURL answers through a response_url. It never replaces or
// deletes the message the response_url belongs to: Slack's default for
// those flags differs between kinds of interaction, so both are sent.
func (b *Bot) postToResponseURL(ctx context.Context, dest destination, text string, blocks []byte) error {
	if !b.urls.allowed(dest.responseURL) {
		return errors.New("response_url not on an allowed host")
	}
	rt := slack.ResponseTypeEphemeral
	if dest.inChannel {
		rt = slack.ResponseTypeInChannel
	}
	payload := slashReply(rt, text, blocks).boolean("replace_original", false).boolean("delete_original", false).end()
	err := b.call(ctx, "response_url", false, func(ctx context.Context) error {
		return postWebhook(ctx, b.http, dest.responseURL, payload)
	})
	if err != nil {
		return fmt.Errorf("post to response_url: %w", err)
	}
	return nil
}

// openDM opens (or finds) the bot's DM with user and returns its channel.
func (b *Bot) openDM(ctx context.Context, user string) (string, error) {
	resp, err := b.send(ctx, "conversations.open", true, jsonObject(nil).str("users", user).end())
	if err != nil {
		return "", fmt.Errorf("conversations.open: %w", err)
	}
	id, err := resp.channelID()
	if err != nil {
		return "", fmt.Errorf("conversations.open: %w", err)
	}
	return id, nil
}

// send makes one Web API call through call's deadlines and retries.
func (b *Bot) send(ctx context.Context, method string, idempotent bool, payload []byte) (apiResponse, error) {
	var resp apiResponse
	err := b.call(ctx, method, idempotent, func(ctx context.Context) error {
		var err error
		resp, err = b.web.postJSON(ctx, method, payload)
		return err
	})
	return resp, err
}

// encodeBlocks encodes blocks once for every attempt of a call; no blocks
// encode to nothing, so the field is left out.
func encodeBlocks(blocks []slack.Block) (json.RawMessage, error) {
	if len(blocks) == 0 {
		return nil, nil
	}
	raw, err := blockkit.AppendBlocksJSON(nil, blocks)
	if err != nil {
		return nil, fmt.Errorf("encode blocks: %w", err)
	}
	return raw, nil
}

// note posts a one-line reply ("busy", "slow down") outside the pool, for
// when the pool is what is full. At most Config.Notes run at once; beyond
// that the note is dropped (and the drop logged), so a flood cannot start
// unbounded goroutines.
func (b *Bot) note(dest destination, blockID, text string) {
	if dest == (destination{}) {
		return
	}
	select {
	case b.notes <- struct{}{}:
	default:
		b.log.Debug("note dropped: too many in flight", zap.String("note", blockID))
		return
	}
	ctx := b.workCtx
	b.side.Go(func() {
		defer func() { <-b.notes }()
		if err := b.post(ctx, dest, blockkit.Note(blockID, text)); err != nil {
			b.log.Warn("note not sent", zap.String("note", blockID), zap.Error(err))
		}
	})
}

// request is one handled envelope, for the one log line it earns.
type request struct {
	kind  string // "command", "event:app_mention", "action:share_recommendation", …
	id    string // envelope or event id
	user  string
	start time.Time
	text  string // logged only in debug
}

// done logs the request's outcome, latency and, in debug, its text.
func (b *Bot) done(r request, outcome string, err error) {
	fields := []zap.Field{
		zap.String("type", r.kind),
		zap.String("id", r.id),
		zap.String("user", r.user),
		zap.Duration("latency", time.Since(r.start)),
		zap.String("outcome", outcome),
	}
	if b.cfg.Debug && r.text != "" {
		fields = append(fields, zap.String("text", r.text))
	}
	typ, _, _ := strings.Cut(r.kind, ":")
	status := outcome
	if err != nil {
		status = "error"
	}
	b.metrics.Envelope(typ, metricOutcome(status), time.Since(r.start).Seconds())
	if err != nil {
		b.log.Error("request failed", append(fields, zap.Error(err))...)
		return
	}
	b.log.Info("request", fields...)
}

// runLater queues work for after the ack. When the pool is full the user is
// told at once (through busy) and false is returned; a panic in work is
// logged by the pool and apologised for through sorry.
func (b *Bot) runLater(r request, work func(ctx context.Context) (string, error), sorry func(ctx context.Context)) bool {
	ok := b.pool.submit(job{
		id: r.id,
		run: func(ctx context.Context) {
			if b.beforeWork != nil {
				b.beforeWork(r)
			}
			outcome, err := work(ctx)
			b.done(r, outcome, err)
		},
		onPanic: func(ctx context.Context) {
			b.done(r, "panic", nil) // the pool has logged the panic with its stack
			if sorry != nil {
				sorry(ctx)
			}
		},
	})
	if !ok {
		b.metrics.Rejected()
		b.done(r, "busy", nil)
	}
	return ok
}

// metricOutcome keeps the outcome label's values few: "faq:cost" counts as
// "faq", "recommendation:caio" as "recommendation".
func metricOutcome(outcome string) string {
	o, _, _ := strings.Cut(outcome, ":")
	return o
}

// called records a Slack call's method and status for the metrics.
func (b *Bot) called(method string, err error) {
	b.metrics.SlackCall(method, callStatus(err))
}

// callStatus names a Slack call's result: ok, rate_limited, Slack's error
// code, http_NNN, or error.
func callStatus(err error) string {
	var rl *slack.RateLimitedError
	var se slack.SlackErrorResponse
	var sc slack.StatusCodeError
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &rl):
		return "rate_limited"
	case errors.As(err, &se):
		return se.Err
	case errors.As(err, &sc):
		return fmt.Sprintf("http_%d", sc.Code)
	}
	return "error"
}
