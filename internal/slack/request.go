package slack

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/blockkit"
)

// Handler acts on one request. In Socket Mode it runs on the connection's
// dispatch goroutine, one request after another; in HTTP mode on each
// request's own goroutine, many at once. Either way it must not wait on
// Slack: it acknowledges the request and hands slow work to others.
type Handler func(req *Request)

// Request is one delivery from Slack: an event and, for commands and
// interactions, the acknowledgement Slack waits for (3 s at most). Events
// API deliveries are acknowledged by the adapter before the handler sees
// them; for them the Ack methods do nothing.
type Request struct {
	Event Event
	// ID is the envelope's id, for logs.
	ID string
	// Received is when the envelope was read.
	Received time.Time

	mu    sync.Mutex
	acked bool
	send  func(payload []byte) error // nil: nothing to acknowledge
	onAck func(took time.Duration)
}

// ErrAckTooLarge means a reply does not fit in an ack; nothing was sent,
// and the request still waits for its ack.
var ErrAckTooLarge = errors.New("reply too large for an ack")

// ackRoom is what an ack needs besides its payload: the envelope around it
// and Slack's envelope_id, with room to spare.
const ackRoom = 512

// Ack acknowledges the request with nothing to say.
func (r *Request) Ack() error { return r.ack(nil) }

// AckReply acknowledges a slash command with a reply its user alone sees.
// A reply too large for an ack returns ErrAckTooLarge and sends nothing.
func (r *Request) AckReply(msg blockkit.Message) error {
	payload, err := replyPayload(msg, false)
	if err != nil {
		return err
	}
	if len(payload) > blockkit.MaxAckPayload-ackRoom {
		return ErrAckTooLarge
	}
	return r.ack(payload)
}

// AckErrors acknowledges a view submission by showing errors beside the
// modal's inputs (block id → message); the modal stays open.
func (r *Request) AckErrors(errs map[string]string) error {
	payload, err := json.Marshal(struct {
		ResponseAction string            `json:"response_action"`
		Errors         map[string]string `json:"errors"`
	}{"errors", errs})
	if err != nil {
		return fmt.Errorf("encode view errors: %w", err)
	}
	return r.ack(payload)
}

// Acked reports whether the request has been acknowledged.
func (r *Request) Acked() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.acked || r.send == nil
}

func (r *Request) ack(payload []byte) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.acked || r.send == nil {
		return nil
	}
	r.acked = true // once tried, never again: Slack takes only the first
	if err := r.send(payload); err != nil {
		return fmt.Errorf("ack: %w", err)
	}
	if r.onAck != nil {
		r.onAck(time.Since(r.Received))
	}
	return nil
}

// replyPayload is a reply seen by its user alone (ephemeral) or by the
// channel, for an ack or a response_url.
func replyPayload(msg blockkit.Message, inChannel bool) ([]byte, error) {
	blocks, err := encodeBlocks(msg)
	if err != nil {
		return nil, err
	}
	rt := "ephemeral"
	if inChannel {
		rt = "in_channel"
	}
	return json.Marshal(reply{ResponseType: rt, Text: msg.Text, Blocks: blocks})
}

// reply is a slash command's or a button's answer; a response_url takes two
// more fields.
type reply struct {
	ResponseType string          `json:"response_type"`
	Text         string          `json:"text"`
	Blocks       json.RawMessage `json:"blocks,omitempty"`
	// Slack's default for these differs between kinds of interaction, so
	// a response_url post sends both: it never replaces or deletes the
	// message it belongs to.
	ReplaceOriginal *bool `json:"replace_original,omitempty"`
	DeleteOriginal  *bool `json:"delete_original,omitempty"`
}

// encodeBlocks encodes a message's blocks once for every attempt of a
// call; no blocks encode to nothing, so the field is left out.
func encodeBlocks(msg blockkit.Message) (json.RawMessage, error) {
	if len(msg.Blocks) == 0 {
		return nil, nil
	}
	raw, err := json.Marshal(msg.Blocks)
	if err != nil {
		return nil, fmt.Errorf("encode blocks: %w", err)
	}
	return raw, nil
}
