package slacktest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// ErrNoSuchButton: PressButton found no button with that action_id.
var ErrNoSuchButton = errors.New("slacktest: no such button")

// PressButton plays userID clicking the button with actionID in a post (a
// message or its update, an ephemeral or response_url message, a modal or
// the Home tab) and waits for the ack. It sends block_actions as Slack
// does: the button's block_id and value, a fresh trigger_id, the post's
// container, and for messages a response_url and, unless ephemeral, the
// message.
func (s *Server) PressButton(ctx context.Context, userID string, in Posted, actionID string) (Ack, error) {
	user := or(userID, s.cfg.DefaultUserID)
	blocks, ok := parseBlocks(decodeRaw(in.Blocks))
	if !ok {
		return Ack{}, fmt.Errorf("%w: post %d has no blocks", ErrNoSuchButton, in.Seq)
	}
	var action obj
	for _, b := range blocks {
		block, _ := b.(obj)
		for _, el := range interactive(block) {
			if el["type"] == "button" && el["action_id"] == actionID {
				action = obj{"type": "button", "action_id": actionID, "block_id": block["block_id"], "text": el["text"],
					"value": el["value"], "action_ts": fmt.Sprintf("%d.000000", in.At.Unix())}
			}
		}
	}
	if action == nil {
		return Ack{}, fmt.Errorf("%w: %q", ErrNoSuchButton, actionID)
	}
	s.mu.Lock()
	payload := obj{
		"type": "block_actions", "user": s.userJSON(user), "api_app_id": s.cfg.AppID, "token": verificationToken,
		"team": obj{"id": s.cfg.TeamID, "domain": "emulated"}, "trigger_id": s.issueTriggerLocked(user),
		"state": obj{"values": obj{}}, "actions": []any{action},
	}
	switch in.Kind {
	case "home", "view":
		payload["container"] = obj{"type": "view", "view_id": in.ViewID}
	default:
		// Slack sends no copy of an ephemeral message, only its container.
		ephemeral := in.Kind == "ephemeral" || in.Kind == "response_url" && in.ResponseType != "in_channel"
		container := obj{"type": "message", "message_ts": in.TS, "channel_id": in.Channel, "is_ephemeral": ephemeral}
		msg := obj{"type": "message", "user": s.cfg.BotUserID, "bot_id": s.cfg.BotID, "text": in.Text,
			"ts": in.TS, "blocks": decodeRaw(in.Blocks)}
		if in.ThreadTS != "" { // a reply's thread, for an answer there
			container["thread_ts"], msg["thread_ts"] = in.ThreadTS, in.ThreadTS
		}
		payload["container"] = container
		payload["channel"] = obj{"id": in.Channel, "name": s.channelName(in.Channel)}
		payload["response_url"] = s.newResponseURLLocked("actions", in.Channel, user)
		if !ephemeral {
			payload["message"] = msg
		}
	}
	s.mu.Unlock()
	return s.send(ctx, "interactive", payload, false)
}

// decodeRaw decodes JSON for reading; nil when it is not JSON.
func decodeRaw(raw []byte) any {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return nil
	}
	return v
}
