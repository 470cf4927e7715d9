package slacktest

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Shortcuts: a user choosing one of the app's global shortcuts, or one of
// its message shortcuts on a message. Both work anywhere, also where the
// bot is not: Slack sends them to the app regardless.

// ShortcutInfo is what a shortcut's payload carried, for later steps.
type ShortcutInfo struct {
	TriggerID   string
	ResponseURL string // message shortcuts only
}

// GlobalShortcutOpts changes a GlobalShortcut.
type GlobalShortcutOpts struct {
	// Expired sends a trigger_id already past TriggerTTL, as when
	// Slack's delivery was slow: views.open answers expired_trigger_id.
	Expired bool
}

// MessageRef names a message the emulator remembers.
type MessageRef struct {
	ChannelID, TS string
}

// File is a file on a user's message.
type File struct {
	ID, Name, Mimetype string
}

// GlobalShortcut sends the shortcut interaction of userID choosing the
// global shortcut callbackID, with a fresh trigger_id.
func (s *Server) GlobalShortcut(ctx context.Context, userID, callbackID string, opts ...GlobalShortcutOpts) (Ack, ShortcutInfo, error) {
	user := or(userID, s.cfg.DefaultUserID)
	s.mu.Lock()
	info := ShortcutInfo{TriggerID: s.issueTriggerLocked(user)}
	if len(opts) > 0 && opts[0].Expired {
		s.triggers.m[info.TriggerID].issued = time.Now().Add(-s.cfg.TriggerTTL - time.Millisecond)
	}
	s.mu.Unlock()
	payload := s.shortcutPayload("shortcut", user, callbackID, info.TriggerID)
	ack, err := s.send(ctx, "interactive", payload, false)
	return ack, info, err
}

// MessageShortcut sends the message_action interaction of userID choosing
// the message shortcut callbackID on a remembered message (a user's sent
// by a move or WriteMessage, or the bot's), with a fresh trigger_id and a
// response_url for the message's channel.
func (s *Server) MessageShortcut(ctx context.Context, userID, callbackID string, msg MessageRef) (Ack, ShortcutInfo, error) {
	user := or(userID, s.cfg.DefaultUserID)
	s.mu.Lock()
	m, ok := s.msgs.m[msgKey(msg.ChannelID, msg.TS)]
	var info ShortcutInfo
	if ok {
		info = ShortcutInfo{TriggerID: s.issueTriggerLocked(user), ResponseURL: s.newResponseURLLocked("actions", m.Channel, user)}
	}
	s.mu.Unlock()
	if !ok {
		return Ack{}, ShortcutInfo{}, fmt.Errorf("%w: %s in %q", ErrUnknownMessage, msg.TS, msg.ChannelID)
	}
	payload := s.shortcutPayload("message_action", user, callbackID, info.TriggerID)
	payload["response_url"] = info.ResponseURL
	payload["channel"] = obj{"id": m.Channel, "name": s.channelName(m.Channel)}
	payload["message_ts"] = m.TS
	payload["message"] = s.botMessage(m)
	if m.Kind == "user_message" {
		payload["message"] = s.userMessageJSON(m)
	}
	ack, err := s.send(ctx, "interactive", payload, false)
	return ack, info, err
}

func (s *Server) shortcutPayload(typ, user, callbackID, trigger string) obj {
	now := time.Now()
	return obj{
		"type": typ, "token": verificationToken, "action_ts": fmt.Sprintf("%d.%06d", now.Unix(), now.Nanosecond()/1000),
		"team": obj{"id": s.cfg.TeamID, "domain": "emulated"}, "user": s.userJSON(user), "api_app_id": s.cfg.AppID,
		"is_enterprise_install": false, "enterprise": nil, "callback_id": callbackID, "trigger_id": trigger,
	}
}

// userMessageJSON is a user's message as Slack shows it to apps.
func (s *Server) userMessageJSON(m Posted) obj {
	msg := obj{"type": "message", "user": m.UserID, "ts": m.TS, "text": m.Text, "team": s.cfg.TeamID}
	if m.Blocks != nil {
		msg["blocks"] = decodeRaw(m.Blocks)
	}
	if m.ThreadTS != "" {
		msg["thread_ts"] = m.ThreadTS
	}
	if len(m.Files) > 0 {
		files := make([]any, len(m.Files))
		for i, f := range m.Files {
			files[i] = obj{"id": f.ID, "name": f.Name, "title": f.Name, "mimetype": f.Mimetype, "user": m.UserID, "mode": "hosted"}
		}
		msg["files"], msg["upload"], msg["display_as_bot"] = files, false, false
	}
	return msg
}

// WriteMessage remembers a message a user wrote and sends no event, for
// MessageShortcut on a message the bot never saw: with files and maybe no
// text, or in a DM between people (a D… channel not the bot's, which the
// Web API then answers channel_not_found for, as Slack does). It returns
// the message's ts.
func (s *Server) WriteMessage(m Message, files ...File) string {
	user, ch := or(m.UserID, s.cfg.DefaultUserID), or(m.ChannelID, s.cfg.DefaultChannelID)
	s.mu.Lock()
	defer s.mu.Unlock()
	if isID(ch, "D") && s.dmUsers[ch] == "" {
		s.channels[ch] = chanDeleted // to the bot, another's DM is no channel
	}
	files = slices.Clone(files)
	for i := range files {
		files[i].ID = or(files[i].ID, "F"+randUpper(10))
	}
	return s.userMessageLocked(user, ch, m.Text, m.ThreadTS, files)["ts"].(string)
}
