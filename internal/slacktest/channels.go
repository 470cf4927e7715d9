package slacktest

import "strings"

// Channels and the messages in them: which channels the bot is in, and
// the messages remembered for chat.update, chat.getPermalink and
// DeleteMessage.

// chanState is what a test made of a channel. Any well-formed channel ID
// names a channel the bot is in until then.
type chanState int

const (
	chanLeft    chanState = iota + 1 // the bot is not a member
	chanDeleted                      // no such channel
)

// SetMember puts the bot in channelID (a C… or G… channel) or takes it
// out. Out of it, chat.postMessage, chat.postEphemeral and chat.update
// there fail with not_in_channel, and users' messages there reach the bot
// no more, as in Slack. SetMember also brings back a deleted channel. The
// bot is always in its DMs.
func (s *Server) SetMember(channelID string, member bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if member {
		delete(s.channels, channelID)
	} else {
		s.channels[channelID] = chanLeft
	}
}

// DeleteChannel makes channelID no channel: the Web API answers
// channel_not_found for it, until SetMember.
func (s *Server) DeleteChannel(channelID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.channels[channelID] = chanDeleted
}

// memberLocked reports whether the bot is in channel id: in every channel
// not left or deleted, and in every DM.
func (s *Server) memberLocked(id string) bool {
	return !isID(id, "CG") || s.channels[id] == 0
}

// channelIDLocked reports whether ch is an existing channel's ID. Methods
// that name a message take IDs only: no names, no user IDs.
func (s *Server) channelIDLocked(ch string) bool {
	return isID(ch, "CGD") && s.channels[ch] != chanDeleted
}

// channelType is the channel_type of a message event in channel ch.
func channelType(ch string) string {
	switch {
	case strings.HasPrefix(ch, "D"):
		return "im"
	case strings.HasPrefix(ch, "G"):
		return "group"
	}
	return "channel"
}

func msgKey(channel, ts string) string { return channel + "/" + ts }

// Message returns the latest version of a message in channelID: the
// bot's (a Posted of kind "message", or "update" once chat.update changed
// it) or a user's sent by a move (kind "user_message"). false once
// deleted (DeleteMessage) or forgotten (ForgetAfter).
func (s *Server) Message(channelID, ts string) (Posted, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.msgs.m[msgKey(channelID, ts)]
	return p, ok
}

func (s *Server) conversationsInfo(r *apiRequest) (obj, *apiError) {
	ch := r.str("channel")
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.channelIDLocked(ch) {
		return nil, fail("channel_not_found")
	}
	c := obj{"id": ch, "is_channel": ch[0] == 'C', "is_group": ch[0] == 'G', "is_im": ch[0] == 'D', "is_mpim": false,
		"is_private": ch[0] != 'C', "is_archived": false, "context_team_id": s.cfg.TeamID}
	if ch[0] == 'D' { // an IM has a user, and no name or membership
		c["user"], c["is_open"] = s.dmUsers[ch], true
		return obj{"channel": c}, nil
	}
	name := strings.ToLower(ch)
	if ch == s.cfg.DefaultChannelID {
		name = "general"
	}
	c["name"], c["name_normalized"], c["is_general"], c["is_member"] = name, name, ch == s.cfg.DefaultChannelID, s.memberLocked(ch)
	return obj{"channel": c}, nil
}

// chatUpdate changes a message the bot posted. Like Slack, it keeps the
// blocks when given none, and replaces the text.
func (s *Server) chatUpdate(r *apiRequest) (obj, *apiError) {
	ch, ts := r.str("channel"), r.str("ts")
	s.mu.Lock()
	defer s.deliver()
	defer s.mu.Unlock()
	switch {
	case !s.channelIDLocked(ch):
		return nil, fail("channel_not_found")
	case !s.memberLocked(ch):
		return nil, fail("not_in_channel")
	}
	old, ok := s.msgs.m[msgKey(ch, ts)]
	switch {
	case !ok:
		return nil, fail("message_not_found")
	case old.Kind == "user_message":
		return nil, fail("cant_update_message")
	}
	rawBlocks, hasBlocks := r.jsonArg("blocks")
	if !hasBlocks && old.Blocks != nil {
		rawBlocks, hasBlocks = decodeRaw(old.Blocks), true
	}
	att, _ := r.jsonArg("attachments")
	blocks, aerr := messageContent(r.str("text"), rawBlocks, hasBlocks, nonEmpty(att))
	if aerr != nil {
		return nil, aerr
	}
	p := s.postLocked(Posted{Kind: "update", Channel: ch, TS: ts, ThreadTS: old.ThreadTS, UserID: old.UserID,
		Text: r.str("text"), Blocks: blocks})
	s.msgs.put(msgKey(ch, ts), p, p.At)
	return obj{"channel": ch, "ts": ts, "text": p.Text, "message": s.botMessage(p)}, nil
}

func (s *Server) chatGetPermalink(r *apiRequest) (obj, *apiError) {
	ch, ts := r.str("channel"), r.str("message_ts")
	s.mu.Lock()
	exists := s.channelIDLocked(ch)
	m, ok := s.msgs.m[msgKey(ch, ts)]
	s.mu.Unlock()
	switch {
	case !exists:
		return nil, fail("channel_not_found")
	case !ok:
		return nil, fail("message_not_found")
	}
	link := "https://emulated.slack.com/archives/" + ch + "/p" + strings.Replace(ts, ".", "", 1)
	if m.ThreadTS != "" && m.ThreadTS != ts { // a reply links to its thread too
		link += "?thread_ts=" + m.ThreadTS + "&cid=" + ch
	}
	return obj{"channel": ch, "permalink": link}, nil
}
