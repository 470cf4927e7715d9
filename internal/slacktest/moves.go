package slacktest

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"time"
)

// User moves: each builds the payload Slack would send for something a
// user did, delivers it in one Socket Mode envelope to a connected client
// or one HTTP POST (a Mention with Config.MessageEvents in two), and
// returns the client's ack.

// verificationToken fills the deprecated "token" field Slack still sends.
const verificationToken = "emu-verification-token"

// SlashCommand is a user typing a slash command.
type SlashCommand struct {
	UserID, ChannelID, Text string
	Command                 string // default "/fractional-advisor"
}

// CommandInfo is what the command's payload carried, for later steps.
type CommandInfo struct {
	ResponseURL, TriggerID string
}

// Message is a user writing in Slack.
type Message struct {
	UserID, ChannelID, Text, ThreadTS string
}

// EventInfo identifies a delivered Events API event.
type EventInfo struct {
	EventID string // "" when Slack would send nothing (a channel without the bot)
	TS      string // the message's ts (event_ts for app_home_opened and message_deleted)
	// MessageEventID is the plain message event that follows a Mention
	// with Config.MessageEvents; "" otherwise.
	MessageEventID string
}

func (s *Server) userJSON(id string) obj {
	name := "user-" + strings.ToLower(id)
	return obj{"id": id, "username": name, "name": name, "team_id": s.cfg.TeamID}
}

func (s *Server) channelName(ch string) string {
	switch {
	case ch == s.cfg.DefaultChannelID:
		return "general"
	case strings.HasPrefix(ch, "D"):
		return "directmessage"
	case strings.HasPrefix(ch, "G"):
		return "privategroup"
	}
	return strings.ToLower(ch)
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// SlashCommand sends a slash_commands envelope with a fresh trigger_id and
// response_url and returns the ack with both.
func (s *Server) SlashCommand(ctx context.Context, cmd SlashCommand) (Ack, CommandInfo, error) {
	user, ch := or(cmd.UserID, s.cfg.DefaultUserID), or(cmd.ChannelID, s.cfg.DefaultChannelID)
	s.mu.Lock()
	info := CommandInfo{TriggerID: s.issueTriggerLocked(user), ResponseURL: s.newResponseURLLocked("commands", ch, user)}
	s.mu.Unlock()
	payload := obj{
		"api_app_id": s.cfg.AppID, "channel_id": ch, "channel_name": s.channelName(ch),
		"command": or(cmd.Command, "/fractional-advisor"), "is_enterprise_install": false,
		"response_url": info.ResponseURL, "team_domain": "emulated", "team_id": s.cfg.TeamID, "text": cmd.Text,
		"token": verificationToken, "trigger_id": info.TriggerID, "user_id": user, "user_name": "user-" + strings.ToLower(user),
	}
	ack, err := s.send(ctx, "slash_commands", payload, true)
	return ack, info, err
}

// IssueTrigger returns a fresh trigger_id for userID, for tests that build
// their own payloads: views.open takes it once, within TriggerTTL.
func (s *Server) IssueTrigger(userID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issueTriggerLocked(or(userID, s.cfg.DefaultUserID))
}

// IssueResponseURL returns a fresh response_url for userID in channelID,
// like those of a slash command (kind "commands") or a block action
// ("actions"), for tests that build their own payloads. Its posts are
// Posted values of kind "response_url".
func (s *Server) IssueResponseURL(kind, channelID, userID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newResponseURLLocked(or(kind, "commands"), or(channelID, s.cfg.DefaultChannelID), or(userID, s.cfg.DefaultUserID))
}

// richText is the rich_text block Slack attaches to typed messages.
func richText(text string) []any {
	section := obj{"type": "rich_text_section", "elements": []any{obj{"type": "text", "text": text}}}
	return []any{obj{"type": "rich_text", "block_id": randUpper(5), "elements": []any{section}}}
}

// sendEvent wraps inner in an event_callback, keeps it for RedeliverEvent,
// and delivers it.
func (s *Server) sendEvent(ctx context.Context, inner obj) (Ack, EventInfo, error) {
	id, ts := "Ev"+randUpper(10), inner["event_ts"].(string)
	payload := mustJSON(obj{
		"api_app_id": s.cfg.AppID, "context_team_id": s.cfg.TeamID, "event": inner,
		"authorizations": []any{obj{"enterprise_id": nil, "team_id": s.cfg.TeamID, "user_id": s.cfg.BotUserID,
			"is_bot": true, "is_enterprise_install": false}},
		"event_context": "4-" + inner["type"].(string) + "-" + s.cfg.TeamID + "-" + randUpper(8),
		"event_id":      id, "event_time": time.Now().Unix(), "is_ext_shared_channel": false,
		"team_id": s.cfg.TeamID, "token": verificationToken, "type": "event_callback",
	})
	s.mu.Lock()
	s.events.put(id, payload, time.Now()) // as bytes: thousands of maps would slow the GC
	s.mu.Unlock()
	ack, err := s.send(ctx, "events_api", payload, false)
	return ack, EventInfo{EventID: id, TS: ts}, err
}

// userMessageLocked makes the message user writes in ch: a new ts, kept
// for chat.getPermalink, DeleteMessage and MessageShortcut, and its
// message event.
func (s *Server) userMessageLocked(user, ch, text, threadTS string, files []File) obj {
	ts, blocks := s.nextTSLocked(), richText(text)
	now := time.Now()
	p := Posted{Kind: "user_message", Channel: ch, TS: ts, ThreadTS: threadTS, UserID: user, Text: text, Blocks: mustJSON(blocks),
		Files: files, At: now}
	if text == "" { // a message of files only has no blocks
		p.Blocks = nil
	}
	s.msgs.put(msgKey(ch, ts), p, now)
	ev := obj{"type": "message", "text": text, "ts": ts, "team": s.cfg.TeamID, "channel": ch, "event_ts": ts,
		"channel_type": channelType(ch), "user": user, "client_msg_id": envelopeID(), "blocks": blocks}
	if threadTS != "" {
		ev["thread_ts"] = threadTS
	}
	return ev
}

// channelEvent sends a message event from channel ch; Slack sends none
// from a channel the bot is not in.
func (s *Server) channelEvent(ctx context.Context, ch string, ev obj) (Ack, EventInfo, error) {
	s.mu.Lock()
	member := s.memberLocked(ch)
	s.mu.Unlock()
	if !member {
		return Ack{}, EventInfo{TS: ev["ts"].(string)}, nil
	}
	return s.sendEvent(ctx, ev)
}

// Mention sends an app_mention event; the text gets a leading
// "<@BOTUSER> " unless it mentions the bot already. With
// Config.MessageEvents, the message event of a mention in a channel
// follows once the app_mention is acked.
func (s *Server) Mention(ctx context.Context, m Message) (Ack, EventInfo, error) {
	text := m.Text
	if mention := "<@" + s.cfg.BotUserID + ">"; !strings.Contains(text, mention) {
		text = mention + " " + text
	}
	ch := or(m.ChannelID, s.cfg.DefaultChannelID)
	s.mu.Lock()
	msg := s.userMessageLocked(or(m.UserID, s.cfg.DefaultUserID), ch, text, m.ThreadTS, nil)
	s.mu.Unlock()
	ev := maps.Clone(msg)
	ev["type"] = "app_mention"
	delete(ev, "channel_type")
	ack, info, err := s.sendEvent(ctx, ev)
	if err != nil || !s.cfg.MessageEvents || channelType(ch) == "im" {
		return ack, info, err
	}
	_, minfo, err := s.channelEvent(ctx, ch, msg)
	info.MessageEventID = minfo.EventID
	return ack, info, err
}

// DirectMessage sends a message.im event: the user writing in their DM
// with the bot.
func (s *Server) DirectMessage(ctx context.Context, m Message) (Ack, EventInfo, error) {
	user := or(m.UserID, s.cfg.DefaultUserID)
	s.mu.Lock()
	ev := s.userMessageLocked(user, s.dmLocked(user), m.Text, m.ThreadTS, nil)
	s.mu.Unlock()
	return s.sendEvent(ctx, ev)
}

// ChannelMessage sends the message event (message.channels, or
// message.groups in a G… channel) of a user writing in a channel. From a
// channel the bot is not in, Slack sends nothing: then the EventInfo has
// the message's TS and no EventID, and the Ack is zero.
func (s *Server) ChannelMessage(ctx context.Context, m Message) (Ack, EventInfo, error) {
	ch := or(m.ChannelID, s.cfg.DefaultChannelID)
	s.mu.Lock()
	ev := s.userMessageLocked(or(m.UserID, s.cfg.DefaultUserID), ch, m.Text, m.ThreadTS, nil)
	s.mu.Unlock()
	return s.channelEvent(ctx, ch, ev)
}

// DeleteMessage sends the message_deleted event of someone deleting a
// message the emulator remembers (a user's sent by a move, or the bot's),
// and forgets it: chat.update and chat.getPermalink no longer find it.
// As for ChannelMessage, nothing is sent from a channel without the bot.
func (s *Server) DeleteMessage(ctx context.Context, channelID, ts string) (Ack, EventInfo, error) {
	key := msgKey(channelID, ts)
	s.mu.Lock()
	m, ok := s.msgs.m[key]
	delete(s.msgs.m, key)
	now := s.nextTSLocked()
	s.mu.Unlock()
	if !ok {
		return Ack{}, EventInfo{}, fmt.Errorf("%w: %s in %q", ErrUnknownMessage, ts, channelID)
	}
	prev := obj{"type": "message", "user": m.UserID, "text": m.Text, "ts": ts}
	if m.Kind != "user_message" {
		prev["user"], prev["bot_id"] = s.cfg.BotUserID, s.cfg.BotID
	}
	if m.ThreadTS != "" {
		prev["thread_ts"] = m.ThreadTS
	}
	ev := obj{"type": "message", "subtype": "message_deleted", "hidden": true, "channel": channelID,
		"channel_type": channelType(channelID), "ts": now, "event_ts": now, "deleted_ts": ts, "previous_message": prev}
	return s.channelEvent(ctx, channelID, ev)
}

// RedeliverEvent resends a delivered event as Slack does when an ack is
// late: the same event_id and payload in a new envelope, with
// retry_attempt and retry_reason (Slack uses "timeout"). In HTTP mode
// they are X-Slack-Retry-Num and X-Slack-Retry-Reason ("timeout" becomes
// HTTP's "http_timeout"), and retries may follow up to HTTPRetries.
func (s *Server) RedeliverEvent(ctx context.Context, eventID string, retryAttempt int, reason string) (Ack, error) {
	s.mu.Lock()
	payload, ok := s.events.m[eventID]
	s.mu.Unlock()
	if !ok {
		return Ack{}, fmt.Errorf("%w: %q", ErrUnknownEvent, eventID)
	}
	return s.deliverEnvelope(ctx, envelope{EnvelopeID: envelopeID(), Payload: payload, Type: "events_api",
		RetryAttempt: &retryAttempt, RetryReason: &reason})
}

// OpenHome sends app_home_opened for the Home tab, with the Home view
// published for the user, if any.
func (s *Server) OpenHome(ctx context.Context, userID string) (Ack, EventInfo, error) {
	user := or(userID, s.cfg.DefaultUserID)
	s.mu.Lock()
	ts := s.nextTSLocked()
	ev := obj{"type": "app_home_opened", "user": user, "channel": s.dmLocked(user), "tab": "home", "event_ts": ts}
	if v := s.views.m[s.homes[user]]; v != nil {
		ev["view"] = s.viewJSON(v, nil)
	}
	s.mu.Unlock()
	return s.sendEvent(ctx, ev)
}

// Decode decodes the ack's payload into v; false when there was none.
func (a Ack) Decode(v any) (bool, error) {
	if a.Payload == nil {
		return false, nil
	}
	return true, json.Unmarshal(a.Payload, v)
}
