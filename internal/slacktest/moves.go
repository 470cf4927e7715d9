package slacktest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// User moves: each builds the payload Slack would send for something a
// user did, delivers it in one Socket Mode envelope to a connected client,
// and returns the client's ack.

// verificationToken fills the deprecated "token" field Slack still puts in
// payloads.
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

// Message is a user (or, for BotMessage and MessageWithSubtype, a bot)
// writing in Slack.
type Message struct {
	UserID, ChannelID, Text, ThreadTS string
	BotID                             string // MessageWithSubtype: sets bot_id on the event
}

// EventInfo identifies a delivered Events API event.
type EventInfo struct {
	EventID string
	TS      string // the message's ts (event_ts for app_home_opened)
}

func (s *Server) userJSON(id string) obj {
	name := "user-" + strings.ToLower(id)
	return obj{"id": id, "username": name, "name": name, "team_id": s.cfg.TeamID}
}

func (s *Server) teamJSON() obj { return obj{"id": s.cfg.TeamID, "domain": "emulated"} }

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

func (s *Server) orUser(u string) string {
	if u == "" {
		return s.cfg.DefaultUserID
	}
	return u
}

func (s *Server) orChannel(c string) string {
	if c == "" {
		return s.cfg.DefaultChannelID
	}
	return c
}

// SlashCommand sends a slash_commands envelope with a fresh trigger_id and
// response_url and returns the ack with both.
func (s *Server) SlashCommand(ctx context.Context, cmd SlashCommand) (Ack, CommandInfo, error) {
	user, ch := s.orUser(cmd.UserID), s.orChannel(cmd.ChannelID)
	if cmd.Command == "" {
		cmd.Command = "/fractional-advisor"
	}
	s.mu.Lock()
	info := CommandInfo{
		TriggerID:   s.issueTriggerLocked(user),
		ResponseURL: s.newResponseURLLocked("commands", ch, user, "", false, ""),
	}
	s.mu.Unlock()
	p := jsonObject{b: make([]byte, 0, 768)}
	p.str("api_app_id", s.cfg.AppID)
	p.str("channel_id", ch)
	p.str("channel_name", s.channelName(ch))
	p.str("command", cmd.Command)
	p.boolean("is_enterprise_install", false)
	p.str("response_url", info.ResponseURL)
	p.str("team_domain", "emulated")
	p.str("team_id", s.cfg.TeamID)
	p.str("text", cmd.Text)
	p.str("token", verificationToken)
	p.str("trigger_id", info.TriggerID)
	p.str("user_id", user)
	p.str("user_name", "user-"+strings.ToLower(user))
	ack, err := s.sendOwn(ctx, "slash_commands", p.done(), true)
	return ack, info, err
}

// IssueTrigger returns a fresh trigger_id for userID, as Slack issues with
// each user action. It is for tests that build their own payloads and send
// them with SendEnvelope; views.open accepts it once, within TriggerTTL.
func (s *Server) IssueTrigger(userID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issueTriggerLocked(s.orUser(userID))
}

// IssueResponseURL returns a fresh response_url for userID in channelID,
// like the one Slack puts in a slash command ("commands") or a block action
// ("actions"), for tests that build their own payloads. Its posts are
// recorded as Posted values of kind "response_url".
func (s *Server) IssueResponseURL(kind, channelID, userID string) string {
	if kind == "" {
		kind = "commands"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newResponseURLLocked(kind, s.orChannel(channelID), s.orUser(userID), "", false, "")
}

// richText is the rich_text block Slack attaches to typed messages.
func richText(text string) []any {
	return []any{obj{
		"type":     "rich_text",
		"block_id": blockID(),
		"elements": []any{obj{
			"type":     "rich_text_section",
			"elements": []any{obj{"type": "text", "text": text}},
		}},
	}}
}

// sendEvent wraps inner in an event_callback, remembers it for
// RedeliverEvent, and delivers it.
func (s *Server) sendEvent(ctx context.Context, inner obj) (Ack, string, error) {
	id := eventID()
	typ, _ := inner["type"].(string)
	p := jsonObject{b: make([]byte, 0, 1024)}
	p.str("api_app_id", s.cfg.AppID)
	p.value("authorizations", []any{obj{
		"enterprise_id": nil, "team_id": s.cfg.TeamID, "user_id": s.cfg.BotUserID,
		"is_bot": true, "is_enterprise_install": false,
	}})
	p.str("context_team_id", s.cfg.TeamID)
	p.value("event", inner)
	p.str("event_context", "4-"+typ+"-"+s.cfg.TeamID+"-"+randUpper(8))
	p.str("event_id", id)
	p.int("event_time", time.Now().Unix())
	p.boolean("is_ext_shared_channel", false)
	p.str("team_id", s.cfg.TeamID)
	p.str("token", verificationToken)
	p.str("type", "event_callback")
	payload := p.done()
	s.mu.Lock()
	s.events[id] = payload
	// Slack retries for minutes, not forever; keep enough for any test.
	keep := maxStoredEvents
	if n := s.cfg.MaxMessages; n > 0 {
		keep = min(keep, n)
	}
	s.eventMemo.add(id, time.Now(), s.cfg.ForgetAfter, keep, func(id string) { delete(s.events, id) })
	s.mu.Unlock()
	ack, err := s.sendOwn(ctx, "events_api", payload, false)
	return ack, id, err
}

// storeUserMessageLocked keeps a user's message so that chat.update on it
// fails the way Slack's does.
func (s *Server) storeUserMessageLocked(ch, ts, thread, user, text string) {
	s.storeMessageLocked(&message{channel: ch, ts: ts, threadTS: thread, user: user, text: text})
}

// Mention sends an app_mention event. The text gets a leading
// "<@BOTUSER> " unless it already mentions the bot.
func (s *Server) Mention(ctx context.Context, m Message) (Ack, EventInfo, error) {
	user, ch := s.orUser(m.UserID), s.orChannel(m.ChannelID)
	text := m.Text
	if mention := "<@" + s.cfg.BotUserID + ">"; !strings.Contains(text, mention) {
		text = mention + " " + text
	}
	s.mu.Lock()
	ts := s.nextTSLocked()
	s.storeUserMessageLocked(ch, ts, m.ThreadTS, user, text)
	s.mu.Unlock()
	ev := obj{
		"type": "app_mention", "client_msg_id": envelopeID(), "user": user, "text": text,
		"ts": ts, "team": s.cfg.TeamID, "channel": ch, "event_ts": ts, "blocks": richText(text),
	}
	if m.ThreadTS != "" {
		ev["thread_ts"] = m.ThreadTS
	}
	ack, id, err := s.sendEvent(ctx, ev)
	return ack, EventInfo{EventID: id, TS: ts}, err
}

// DirectMessage sends a message.im event: the user writing in their DM
// with the bot.
func (s *Server) DirectMessage(ctx context.Context, m Message) (Ack, EventInfo, error) {
	user := s.orUser(m.UserID)
	m.UserID, m.ChannelID = user, s.DMChannel(user)
	return s.messageEvent(ctx, "", m, func(ev obj) {
		ev["user"] = user
		ev["client_msg_id"] = envelopeID()
		ev["blocks"] = richText(m.Text)
	})
}

// messageEvent builds a message event in m.ChannelID (or the DM of
// m.UserID), lets shape adjust it, and delivers it.
func (s *Server) messageEvent(ctx context.Context, subtype string, m Message, shape func(obj)) (Ack, EventInfo, error) {
	ch := m.ChannelID
	if ch == "" {
		ch = s.DMChannel(s.orUser(m.UserID))
	}
	s.mu.Lock()
	ts := s.nextTSLocked()
	if subtype == "" {
		s.storeUserMessageLocked(ch, ts, m.ThreadTS, m.UserID, m.Text)
	}
	s.mu.Unlock()
	ev := obj{
		"type": "message", "text": m.Text, "ts": ts, "team": s.cfg.TeamID,
		"channel": ch, "event_ts": ts, "channel_type": s.channelType(ch),
	}
	if subtype != "" {
		ev["subtype"] = subtype
	}
	if m.ThreadTS != "" {
		ev["thread_ts"] = m.ThreadTS
	}
	if m.BotID != "" {
		ev["bot_id"] = m.BotID
	}
	shape(ev)
	ack, id, err := s.sendEvent(ctx, ev)
	return ack, EventInfo{EventID: id, TS: ts}, err
}

// BotMessage sends a message from another bot (subtype bot_message, bot_id
// set, no user) in m.ChannelID, or in the DM of m.UserID. The bot must
// ignore it.
func (s *Server) BotMessage(ctx context.Context, m Message) (Ack, EventInfo, error) {
	if m.BotID == "" {
		m.BotID = "B0OTHERBOT"
	}
	return s.messageEvent(ctx, "bot_message", m, func(ev obj) {
		ev["username"] = "other-bot"
	})
}

// OwnMessage sends the echo of a message the bot itself posted: user is the
// bot user and bot_id is the bot's, as Slack delivers in message.im. The
// bot must ignore it.
func (s *Server) OwnMessage(ctx context.Context, m Message) (Ack, EventInfo, error) {
	m.BotID = s.cfg.BotID
	if m.ChannelID == "" {
		m.ChannelID = s.DMChannel(s.orUser(m.UserID))
	}
	return s.messageEvent(ctx, "", Message{ChannelID: m.ChannelID, Text: m.Text, ThreadTS: m.ThreadTS, BotID: m.BotID, UserID: s.cfg.BotUserID}, func(ev obj) {
		ev["user"] = s.cfg.BotUserID
		ev["app_id"] = s.cfg.AppID
		ev["bot_profile"] = obj{"id": s.cfg.BotID, "app_id": s.cfg.AppID, "name": "Fractional Advisor", "team_id": s.cfg.TeamID}
	})
}

// MessageWithSubtype sends a message event with the given subtype (for
// example "message_changed", "message_deleted", "channel_join", or "" with
// m.BotID set) from m.UserID in m.ChannelID, or the user's DM. The bot must
// ignore all of these.
func (s *Server) MessageWithSubtype(ctx context.Context, subtype string, m Message) (Ack, EventInfo, error) {
	user := s.orUser(m.UserID)
	m.UserID = user
	return s.messageEvent(ctx, subtype, m, func(ev obj) {
		prev := obj{"type": "message", "user": user, "text": m.Text, "ts": ev["ts"]}
		switch subtype {
		case "message_changed":
			// The edited message sits under "message"; the event's own
			// ts is the edit's.
			ev["hidden"] = true
			ev["message"] = obj{"type": "message", "user": user, "text": m.Text, "ts": ev["ts"],
				"edited": obj{"user": user, "ts": ev["ts"]}}
			ev["previous_message"] = prev
			delete(ev, "text")
		case "message_deleted":
			ev["hidden"] = true
			ev["deleted_ts"] = ev["ts"]
			ev["previous_message"] = prev
			delete(ev, "text")
		default:
			ev["user"] = user
		}
	})
}

// RedeliverEvent resends an event already delivered, as Slack does when
// an ack is late: same event_id and payload, a new envelope_id, and
// retry_attempt and retry_reason (Slack uses "timeout") on the envelope.
func (s *Server) RedeliverEvent(ctx context.Context, eventID string, retryAttempt int, reason string) (Ack, error) {
	s.mu.Lock()
	payload, ok := s.events[eventID]
	s.mu.Unlock()
	if !ok {
		return Ack{}, fmt.Errorf("%w: %q", ErrUnknownEvent, eventID)
	}
	env := envelope{EnvelopeID: envelopeID(), Payload: payload, Type: "events_api",
		RetryAttempt: &retryAttempt, RetryReason: &reason}
	return s.deliverEnvelope(ctx, env, true)
}

// OpenHome sends app_home_opened for the Home tab, with the Home view
// published for the user, if any.
func (s *Server) OpenHome(ctx context.Context, userID string) (Ack, EventInfo, error) {
	user := s.orUser(userID)
	s.mu.Lock()
	ts := s.nextTSLocked()
	ev := obj{"type": "app_home_opened", "user": user, "channel": s.dmLocked(user), "tab": "home", "event_ts": ts}
	if v := s.views[s.homes[user]]; v != nil {
		ev["view"] = s.viewJSON(v, nil)
	}
	s.mu.Unlock()
	ack, id, err := s.sendEvent(ctx, ev)
	return ack, EventInfo{EventID: id, TS: ts}, err
}

// PressButton plays userID clicking the button with actionID in a post
// (a message, ephemeral, response_url message, modal or Home tab). It sends
// block_actions with the button's real block_id and value, a fresh
// trigger_id, and, for messages, a response_url that can replace or delete
// the message.
func (s *Server) PressButton(ctx context.Context, userID string, in Posted, actionID string) (Ack, error) {
	user := s.orUser(userID)
	blocks, ok := parseBlocks(in.Blocks)
	if !ok {
		return Ack{}, fmt.Errorf("%w: post %d has no blocks", ErrNoSuchAction, in.Seq)
	}
	ref, ok := findElement(blocks, actionID)
	if !ok {
		return Ack{}, fmt.Errorf("%w: %q", ErrNoSuchAction, actionID)
	}
	if ref.el["type"] != "button" {
		return Ack{}, fmt.Errorf("%w: %q is a %v, not a button", ErrNoSuchAction, actionID, ref.el["type"])
	}
	s.mu.Lock()
	action := obj{"action_id": actionID, "block_id": ref.blockID, "text": ref.el["text"], "type": "button", "action_ts": s.nextTSLocked()}
	if v, ok := ref.el["value"]; ok {
		action["value"] = v
	}
	if v, ok := ref.el["style"]; ok {
		action["style"] = v
	}
	payload := obj{
		"type":                  "block_actions",
		"user":                  s.userJSON(user),
		"api_app_id":            s.cfg.AppID,
		"token":                 verificationToken,
		"team":                  s.teamJSON(),
		"enterprise":            nil,
		"is_enterprise_install": false,
		"trigger_id":            s.issueTriggerLocked(user),
		"state":                 obj{"values": obj{}},
		"actions":               []any{action},
	}
	switch in.Kind {
	case "view", "home":
		v := s.views[in.ViewID]
		if v == nil {
			s.mu.Unlock()
			return Ack{}, fmt.Errorf("%w: %q", ErrUnknownView, in.ViewID)
		}
		payload["container"] = obj{"type": "view", "view_id": v.id}
		payload["view"] = s.viewJSON(v, nil)
	default:
		ephemeral := in.Kind == "ephemeral" || (in.Kind == "response_url" && in.ResponseType != "in_channel")
		container := obj{"type": "message", "message_ts": in.TS, "channel_id": in.Channel, "is_ephemeral": ephemeral}
		if in.ThreadTS != "" {
			container["thread_ts"] = in.ThreadTS
		}
		payload["container"] = container
		payload["channel"] = obj{"id": in.Channel, "name": s.channelName(in.Channel)}
		if !ephemeral {
			m := s.messages[msgKey(in.Channel, in.TS)]
			if m == nil {
				m = &message{channel: in.Channel, ts: in.TS, threadTS: in.ThreadTS, user: s.cfg.BotUserID, fromBot: true, text: in.Text, blocks: in.Blocks}
			}
			payload["message"] = s.messageJSON(m)
		}
		payload["response_url"] = s.newResponseURLLocked("actions", in.Channel, user, in.TS, ephemeral, in.ThreadTS)
	}
	s.mu.Unlock()
	return s.SendEnvelope(ctx, "interactive", mustJSON(payload), false)
}

// Decode decodes the ack's payload into v; it reports false when there
// was none.
func (a Ack) Decode(v any) (bool, error) {
	if a.Payload == nil {
		return false, nil
	}
	return true, json.Unmarshal(a.Payload, v)
}

// PayloadBlockIDs returns the block_id of each block in the ack payload's
// "blocks" array, in order ("" for a block without one), so that a load
// tool can classify an answer carried by the ack without decoding all of
// it. It fails where Decode into a struct with such fields would.
func (a Ack) PayloadBlockIDs() ([]string, error) {
	if a.Payload == nil {
		return nil, nil
	}
	if ids, err := fastPayloadBlockIDs(a.Payload); err == nil {
		return ids, nil
	}
	var m struct {
		Blocks []struct {
			BlockID string `json:"block_id"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(a.Payload, &m); err != nil {
		return nil, err
	}
	ids := make([]string, len(m.Blocks))
	for i, b := range m.Blocks {
		ids[i] = b.BlockID
	}
	return ids, nil
}

func fastPayloadBlockIDs(payload []byte) ([]string, error) {
	s := scanner{data: payload}
	var ids []string
	seen := false
	err := s.object(func(key jsonString) error {
		if i, err := keyIndex(key, "blocks"); err != nil || i < 0 {
			return skipUnless(&s, err)
		}
		if seen { // encoding/json merges a repeated key into the first: leave it that way
			return errNotPlain
		}
		seen = true
		if s.peek() != '[' {
			return errNotPlain
		}
		return s.array(func(int) error {
			id := ""
			err := s.object(func(key jsonString) error {
				if i, err := keyIndex(key, "block_id"); err != nil || i < 0 {
					return skipUnless(&s, err)
				}
				return s.stringInto(&id)
			})
			ids = append(ids, id)
			return err
		})
	})
	if err != nil || !s.end() {
		return nil, errNotPlain
	}
	return ids, nil
}
