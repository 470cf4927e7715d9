package slacktest

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// button is an actions block with one button, for posts to press.
func button() slack.Block {
	return slack.NewActionBlock("act", slack.NewButtonBlockElement("go", "v1", slack.NewTextBlockObject("plain_text", "Go", false, false)))
}

func TestMembership(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	app, tok := s.Tokens()
	api := newAPI(t, s, tok, app)
	ctx := testCtx(t)
	_, before, err := api.PostMessageContext(ctx, "C5", slack.MsgOptionText("before", false))
	if err != nil {
		t.Fatal(err)
	}
	dm := s.DMChannel("U9")
	s.SetMember("C2", false)
	s.SetMember("G2", false)
	s.SetMember("C5", false)
	s.SetMember(dm, false) // no effect: the bot is in its DMs
	s.DeleteChannel("C3")
	s.SetMember("C4", false)
	s.SetMember("C4", true)
	s.DeleteChannel("C6")
	s.SetMember("C6", true)

	post := func(ch string) error {
		_, _, err := api.PostMessageContext(ctx, ch, slack.MsgOptionText("hi", false))
		return err
	}
	tests := []struct {
		name string
		call func() error
		want string
	}{
		{"member", func() error { return post("C1") }, ""},
		{"by name", func() error { return post("general") }, ""},
		{"left channel", func() error { return post("C2") }, "not_in_channel"},
		{"left private channel", func() error { return post("G2") }, "not_in_channel"},
		{"ephemeral in a left channel", func() error {
			_, err := api.PostEphemeralContext(ctx, "C2", "U9", slack.MsgOptionText("psst", false))
			return err
		}, "not_in_channel"},
		{"update in a left channel", func() error {
			_, _, _, err := api.UpdateMessageContext(ctx, "C5", before, slack.MsgOptionText("after", false))
			return err
		}, "not_in_channel"},
		{"DM by user id", func() error { return post("U9") }, ""},
		{"DM by id", func() error { return post(dm) }, ""},
		{"deleted channel", func() error { return post("C3") }, "channel_not_found"},
		{"ephemeral in a deleted channel", func() error {
			_, err := api.PostEphemeralContext(ctx, "C3", "U9", slack.MsgOptionText("psst", false))
			return err
		}, "channel_not_found"},
		{"rejoined channel", func() error { return post("C4") }, ""},
		{"channel brought back", func() error { return post("C6") }, ""},
		{"garbage", func() error { return post("nope") }, "channel_not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if got := slackErr(err); got != tt.want || (tt.want == "" && err != nil) {
				t.Errorf("err = %v, want Slack error %q", err, tt.want)
			}
		})
	}
}

func TestConversationsInfo(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	app, tok := s.Tokens()
	api := newAPI(t, s, tok, app)
	ctx := testCtx(t)
	dm := s.DMChannel("U9")
	s.SetMember("C2", false)
	s.DeleteChannel("C3")
	tests := []struct {
		channel string
		want    string // Slack error
		check   func(c *slack.Channel) bool
	}{
		{"C0EMUGEN1", "", func(c *slack.Channel) bool {
			return c.Name == "general" && c.IsChannel && !c.IsGroup && !c.IsIM && !c.IsPrivate && c.IsMember && c.IsGeneral
		}},
		{"C1", "", func(c *slack.Channel) bool { return c.Name == "c1" && c.IsChannel && c.IsMember && !c.IsGeneral }},
		{"C2", "", func(c *slack.Channel) bool { return c.IsChannel && !c.IsMember }},
		{"G1", "", func(c *slack.Channel) bool { return c.IsGroup && c.IsPrivate && !c.IsChannel && c.IsMember }},
		{dm, "", func(c *slack.Channel) bool { return c.IsIM && c.User == "U9" && !c.IsChannel && !c.IsGroup }},
		{"C3", "channel_not_found", nil},
		{"U9", "channel_not_found", nil}, // an ID only, unlike chat.postMessage
		{"general", "channel_not_found", nil},
		{"nope", "channel_not_found", nil},
	}
	for _, tt := range tests {
		t.Run(tt.channel, func(t *testing.T) {
			t.Parallel()
			c, err := api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: tt.channel})
			if got := slackErr(err); got != tt.want || (tt.want == "" && err != nil) {
				t.Fatalf("err = %v, want Slack error %q", err, tt.want)
			}
			if tt.check != nil && (c.ID != tt.channel || !tt.check(c)) {
				t.Errorf("channel = %+v", c)
			}
		})
	}
	t.Run("no channel", func(t *testing.T) { // slack-go refuses to send this
		t.Parallel()
		if got := rawPost(t, s, "conversations.info", url.Values{"token": {tok}}); got["error"] != "channel_not_found" {
			t.Errorf("answer = %v", got)
		}
	})
}

func TestChatUpdate(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	b := connected(t, s, nil)
	ctx := testCtx(t)
	dm := s.DMChannel("U9")
	post := func(ch string, opts ...slack.MsgOption) string {
		t.Helper()
		_, ts, err := b.api.PostMessageContext(ctx, ch, opts...)
		if err != nil {
			t.Fatal(err)
		}
		return ts
	}
	_, user, err := s.ChannelMessage(ctx, Message{UserID: "U9", ChannelID: "C1", Text: "mine"})
	if err != nil {
		t.Fatal(err)
	}
	eph, err := b.api.PostEphemeralContext(ctx, "C1", "U9", slack.MsgOptionText("psst", false))
	if err != nil {
		t.Fatal(err)
	}
	inDeleted := post("C3", slack.MsgOptionText("old", false))
	s.DeleteChannel("C3")

	tests := []struct {
		name      string
		ch, ts    string
		opts      []slack.MsgOption
		want      string // Slack error
		text      string // the updated message's
		blockIDs  string
		threadTS  string
		dmUser    string
		fromReply bool
	}{
		{name: "text and blocks", ch: "C1", ts: post("C1", slack.MsgOptionText("old", false)),
			opts: []slack.MsgOption{slack.MsgOptionText("new", false), slack.MsgOptionBlocks(button())}, text: "new", blockIDs: "act"},
		{name: "text keeps blocks", ch: "C1", ts: post("C1", slack.MsgOptionText("old", false), slack.MsgOptionBlocks(button())),
			opts: []slack.MsgOption{slack.MsgOptionText("new", false)}, text: "new", blockIDs: "act"},
		{name: "reply stays in its thread", ch: "C1", ts: post("C1", slack.MsgOptionText("old", false), slack.MsgOptionTS("1700000000.000001")),
			opts: []slack.MsgOption{slack.MsgOptionText("new", false)}, text: "new", threadTS: "1700000000.000001"},
		{name: "DM by id", ch: dm, ts: post("U9", slack.MsgOptionText("old", false)),
			opts: []slack.MsgOption{slack.MsgOptionText("new", false)}, text: "new", dmUser: "U9"},
		{name: "DM by user id", ch: "U9", ts: post("U9", slack.MsgOptionText("old", false)),
			opts: []slack.MsgOption{slack.MsgOptionText("new", false)}, want: "channel_not_found"},
		{name: "unknown ts", ch: "C1", ts: "1700000000.000009", opts: []slack.MsgOption{slack.MsgOptionText("new", false)}, want: "message_not_found"},
		{name: "no ts", ch: "C1", opts: []slack.MsgOption{slack.MsgOptionText("new", false)}, want: "message_not_found"},
		{name: "another channel's message", ch: "C9", ts: post("C1", slack.MsgOptionText("old", false)),
			opts: []slack.MsgOption{slack.MsgOptionText("new", false)}, want: "message_not_found"},
		{name: "ephemeral", ch: "C1", ts: eph, opts: []slack.MsgOption{slack.MsgOptionText("new", false)}, want: "message_not_found"},
		{name: "a user's message", ch: "C1", ts: user.TS, opts: []slack.MsgOption{slack.MsgOptionText("new", false)}, want: "cant_update_message"},
		{name: "deleted channel", ch: "C3", ts: inDeleted, opts: []slack.MsgOption{slack.MsgOptionText("new", false)}, want: "channel_not_found"},
		{name: "garbage channel", ch: "nope", ts: "1700000000.000009", opts: []slack.MsgOption{slack.MsgOptionText("new", false)}, want: "channel_not_found"},
		{name: "nothing to say", ch: "C1", ts: post("C1", slack.MsgOptionText("old", false)), want: "no_text"},
		{name: "blocks removed, no text", ch: "C1", ts: post("C1", slack.MsgOptionText("old", false), slack.MsgOptionBlocks(button())),
			opts: []slack.MsgOption{slack.MsgOptionBlocks()}, want: "no_text"},
		{name: "invalid blocks", ch: "C1", ts: post("C1", slack.MsgOptionText("old", false)),
			opts: []slack.MsgOption{slack.MsgOptionText("new", false), slack.MsgOptionBlocks(slack.NewActionBlock("a"))}, want: "invalid_blocks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ch, ts, text, err := b.api.UpdateMessageContext(ctx, tt.ch, tt.ts, tt.opts...)
			if got := slackErr(err); got != tt.want || (tt.want == "" && err != nil) {
				t.Fatalf("err = %v, want Slack error %q", err, tt.want)
			}
			if tt.want != "" {
				if m, ok := s.Message(tt.ch, tt.ts); ok && m.Kind == "update" {
					t.Errorf("a refused update changed the message: %+v", m)
				}
				return
			}
			if ch != tt.ch || ts != tt.ts || text != tt.text {
				t.Errorf("answer %q %q %q", ch, ts, text)
			}
			p, err := s.WaitPost(ctx, func(p Posted) bool { return p.Kind == "update" && p.TS == tt.ts })
			if err != nil || p.Channel != tt.ch || p.Text != tt.text || strings.Join(p.BlockIDs(), ",") != tt.blockIDs ||
				p.ThreadTS != tt.threadTS || p.UserID != tt.dmUser {
				t.Errorf("update post = %+v, %v", p, err)
			}
			if m, ok := s.Message(tt.ch, tt.ts); !ok || m.Seq != p.Seq {
				t.Errorf("Message = %+v, %v; want the update %d", m, ok, p.Seq)
			}
		})
	}
}

func TestGetPermalink(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	b := connected(t, s, nil)
	ctx := testCtx(t)
	_, top, err := b.api.PostMessageContext(ctx, "C1", slack.MsgOptionText("top", false))
	if err != nil {
		t.Fatal(err)
	}
	_, reply, err := b.api.PostMessageContext(ctx, "C1", slack.MsgOptionText("reply", false), slack.MsgOptionTS(top))
	if err != nil {
		t.Fatal(err)
	}
	_, mention, err := s.Mention(ctx, Message{UserID: "U9", ChannelID: "C7", Text: "hi", ThreadTS: top})
	if err != nil {
		t.Fatal(err)
	}
	_, dmMsg, err := s.DirectMessage(ctx, Message{UserID: "U9", Text: "hi"})
	if err != nil {
		t.Fatal(err)
	}
	_, gone, err := s.ChannelMessage(ctx, Message{UserID: "U9", ChannelID: "C1", Text: "oops"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.DeleteMessage(ctx, "C1", gone.TS); err != nil {
		t.Fatal(err)
	}
	eph, err := b.api.PostEphemeralContext(ctx, "C1", "U9", slack.MsgOptionText("psst", false))
	if err != nil {
		t.Fatal(err)
	}
	s.DeleteChannel("C7")
	dm := s.DMChannel("U9")
	p := func(ts string) string { return "p" + strings.Replace(ts, ".", "", 1) }
	base := "https://emulated.slack.com/archives/"
	tests := []struct {
		name, ch, ts, want, link string
	}{
		{"bot message", "C1", top, "", base + "C1/" + p(top)},
		{"bot reply", "C1", reply, "", base + "C1/" + p(reply) + "?thread_ts=" + top + "&cid=C1"},
		{"user DM", dm, dmMsg.TS, "", base + dm + "/" + p(dmMsg.TS)},
		{"mention in a deleted channel", "C7", mention.TS, "channel_not_found", ""},
		{"deleted message", "C1", gone.TS, "message_not_found", ""},
		{"ephemeral", "C1", eph, "message_not_found", ""},
		{"another channel", "C2", top, "message_not_found", ""},
		{"unknown ts", "C1", "1700000000.000009", "message_not_found", ""},
		{"garbage channel", "nope", top, "channel_not_found", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			link, err := b.api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: tt.ch, Ts: tt.ts})
			if got := slackErr(err); got != tt.want || (tt.want == "" && err != nil) || link != tt.link {
				t.Errorf("permalink %q, err %v; want %q, Slack error %q", link, err, tt.link, tt.want)
			}
		})
	}
	// A user's thread reply links to its thread.
	s.SetMember("C7", true)
	link, err := b.api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: "C7", Ts: mention.TS})
	if want := base + "C7/" + p(mention.TS) + "?thread_ts=" + top + "&cid=C7"; err != nil || link != want {
		t.Errorf("mention permalink %q, %v; want %q", link, err, want)
	}
}

// deliveredEvent is what the tests read of an events_api envelope.
type deliveredEvent struct {
	EventID string `json:"event_id"`
	Event   struct {
		Type            string `json:"type"`
		Subtype         string `json:"subtype"`
		Hidden          bool   `json:"hidden"`
		Channel         string `json:"channel"`
		ChannelType     string `json:"channel_type"`
		User            string `json:"user"`
		Text            string `json:"text"`
		TS              string `json:"ts"`
		EventTS         string `json:"event_ts"`
		ThreadTS        string `json:"thread_ts"`
		DeletedTS       string `json:"deleted_ts"`
		ClientMsgID     string `json:"client_msg_id"`
		Blocks          []any  `json:"blocks"`
		PreviousMessage *struct {
			Type     string `json:"type"`
			User     string `json:"user"`
			Text     string `json:"text"`
			TS       string `json:"ts"`
			ThreadTS string `json:"thread_ts"`
			BotID    string `json:"bot_id"`
		} `json:"previous_message"`
	} `json:"event"`
}

func nextEvent(t *testing.T, ctx context.Context, b *bot) deliveredEvent {
	t.Helper()
	evt := b.next(t, ctx, socketmode.EventTypeEventsAPI)
	var d deliveredEvent
	if err := json.Unmarshal(evt.Request.Payload, &d); err != nil {
		t.Fatal(err)
	}
	// The bot's decoder reads it too.
	if _, ok := evt.Data.(slackevents.EventsAPIEvent); !ok {
		t.Fatalf("slack-go could not decode %s", evt.Request.Payload)
	}
	return d
}

func TestChannelMessage(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	b := connected(t, s, nil)
	ctx := testCtx(t)
	s.SetMember("C2", false)
	s.DeleteChannel("C3")
	tests := []struct {
		name string
		m    Message
		typ  string // channel_type; "" when nothing is sent
	}{
		{"channel", Message{UserID: "U9", ChannelID: "C1", Text: "hello"}, "channel"},
		{"default channel", Message{Text: "hello"}, "channel"},
		{"private channel", Message{UserID: "U9", ChannelID: "G1", Text: "hello"}, "group"},
		{"thread reply", Message{UserID: "U9", ChannelID: "C1", Text: "hello", ThreadTS: "1700000000.000001"}, "channel"},
		{"channel without the bot", Message{UserID: "U9", ChannelID: "C2", Text: "hello"}, ""},
		{"deleted channel", Message{UserID: "U9", ChannelID: "C3", Text: "hello"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ack, info, err := s.ChannelMessage(ctx, tt.m)
			if err != nil || info.TS == "" || info.MessageEventID != "" {
				t.Fatalf("ChannelMessage = %+v, %v", info, err)
			}
			user, ch := or(tt.m.UserID, s.Config().DefaultUserID), or(tt.m.ChannelID, s.Config().DefaultChannelID)
			if m, ok := s.Message(ch, info.TS); !ok || m.Kind != "user_message" || m.UserID != user || m.Text != tt.m.Text || m.ThreadTS != tt.m.ThreadTS {
				t.Errorf("Message = %+v, %v", m, ok)
			}
			if tt.typ == "" {
				if info.EventID != "" || ack.EnvelopeID != "" {
					t.Errorf("sent %+v, ack %+v from a channel without the bot", info, ack)
				}
				return
			}
			d := nextEvent(t, ctx, b)
			ev := d.Event
			if d.EventID != info.EventID || ev.Type != "message" || ev.Subtype != "" || ev.ChannelType != tt.typ || ev.Channel != ch ||
				ev.User != user || ev.Text != tt.m.Text || ev.TS != info.TS || ev.EventTS != info.TS || ev.ThreadTS != tt.m.ThreadTS ||
				ev.ClientMsgID == "" || len(ev.Blocks) != 1 {
				t.Errorf("event %+v, want %s in %s", d, info.EventID, ch)
			}
		})
	}
}

func TestMentionMessageEvents(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		cfg      Config
		channel  string
		wantBoth bool
	}{
		{"off", Config{}, "C1", false},
		{"on", Config{MessageEvents: true}, "C1", true},
		{"on, private channel", Config{MessageEvents: true}, "G1", true},
		{"on, channel without the bot", Config{MessageEvents: true}, "C2", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := startServer(t, tt.cfg)
			b := connected(t, s, nil)
			ctx := testCtx(t)
			s.SetMember("C2", false)
			_, info, err := s.Mention(ctx, Message{UserID: "U9", ChannelID: tt.channel, Text: "hi"})
			if err != nil {
				t.Fatal(err)
			}
			mention := nextEvent(t, ctx, b)
			if mention.EventID != info.EventID || mention.Event.Type != "app_mention" || mention.Event.ChannelType != "" {
				t.Errorf("first event %+v, want the app_mention %s", mention, info.EventID)
			}
			if !tt.wantBoth {
				if info.MessageEventID != "" {
					t.Errorf("MessageEventID = %q", info.MessageEventID)
				}
				// The next event is the next move's.
				_, next, _ := s.DirectMessage(ctx, Message{UserID: "U9", Text: "next"})
				if d := nextEvent(t, ctx, b); d.EventID != next.EventID {
					t.Errorf("event %+v after the mention, want the DM", d)
				}
				return
			}
			msg := nextEvent(t, ctx, b)
			ev, m := msg.Event, mention.Event
			if msg.EventID != info.MessageEventID || msg.EventID == info.EventID || ev.Type != "message" || ev.Subtype != "" ||
				ev.ChannelType != channelType(tt.channel) || ev.TS != m.TS || ev.Text != m.Text || ev.User != m.User ||
				ev.Channel != m.Channel || ev.ClientMsgID != m.ClientMsgID {
				t.Errorf("message event %+v after the app_mention %+v", msg, mention)
			}
		})
	}
	t.Run("DM", func(t *testing.T) { // message.im is DirectMessage's
		t.Parallel()
		s := startServer(t, Config{MessageEvents: true})
		connected(t, s, nil)
		if _, info, err := s.Mention(testCtx(t), Message{ChannelID: s.DMChannel("U9"), Text: "hi"}); err != nil || info.MessageEventID != "" {
			t.Errorf("Mention in a DM = %+v, %v", info, err)
		}
	})
}

func TestDeleteMessage(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	b := connected(t, s, nil)
	ctx := testCtx(t)
	send := func(m Message) EventInfo {
		t.Helper()
		_, info, err := s.ChannelMessage(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		if info.EventID != "" {
			nextEvent(t, ctx, b)
		}
		return info
	}
	_, botTS, err := b.api.PostMessageContext(ctx, "C1", slack.MsgOptionText("from the bot", false))
	if err != nil {
		t.Fatal(err)
	}
	bot := s.Config().BotUserID
	tests := []struct {
		name     string
		ch, ts   string
		prev     string // previous_message.user; "" when nothing is sent
		thread   string
		wantErr  error
		prevText string
	}{
		{name: "user message", ch: "C1", ts: send(Message{UserID: "U9", ChannelID: "C1", Text: "typo"}).TS, prev: "U9", prevText: "typo"},
		{name: "thread reply", ch: "G1", ts: send(Message{UserID: "U9", ChannelID: "G1", Text: "typo", ThreadTS: "1700000000.000001"}).TS,
			prev: "U9", prevText: "typo", thread: "1700000000.000001"},
		{name: "bot message", ch: "C1", ts: botTS, prev: bot, prevText: "from the bot"},
		{name: "channel without the bot", ch: "C2", ts: send(Message{UserID: "U9", ChannelID: "C2", Text: "typo"}).TS},
		{name: "unknown", ch: "C1", ts: "1700000000.000009", wantErr: ErrUnknownMessage},
	}
	s.SetMember("C2", false)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, info, err := s.DeleteMessage(ctx, tt.ch, tt.ts)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if _, ok := s.Message(tt.ch, tt.ts); ok {
				t.Errorf("the message is still there")
			}
			if tt.wantErr != nil {
				return
			}
			if _, _, err := s.DeleteMessage(ctx, tt.ch, tt.ts); !errors.Is(err, ErrUnknownMessage) {
				t.Errorf("deleted twice: %v", err)
			}
			if tt.prev == "" {
				if info.EventID != "" {
					t.Errorf("sent %+v from a channel without the bot", info)
				}
				return
			}
			d := nextEvent(t, ctx, b)
			ev, pm := d.Event, d.Event.PreviousMessage
			if d.EventID != info.EventID || ev.Type != "message" || ev.Subtype != "message_deleted" || !ev.Hidden ||
				ev.Channel != tt.ch || ev.ChannelType != channelType(tt.ch) || ev.DeletedTS != tt.ts || ev.TS != info.TS ||
				ev.EventTS != info.TS || ev.TS <= tt.ts || pm == nil {
				t.Fatalf("event %+v", d)
			}
			if pm.Type != "message" || pm.User != tt.prev || pm.Text != tt.prevText || pm.TS != tt.ts || pm.ThreadTS != tt.thread ||
				(pm.BotID != "") != (tt.prev == bot) {
				t.Errorf("previous_message %+v", *pm)
			}
		})
	}
}

func TestPressButton(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	b := connected(t, s, nil)
	ctx := testCtx(t)
	wait := func(match func(Posted) bool) Posted {
		t.Helper()
		p, err := s.WaitPost(ctx, match)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	blocks := slack.MsgOptionBlocks(button())
	_, top, err := b.api.PostMessageContext(ctx, "C1", slack.MsgOptionText("top", false), blocks)
	if err != nil {
		t.Fatal(err)
	}
	_, reply, err := b.api.PostMessageContext(ctx, "C1", slack.MsgOptionText("reply", false), blocks, slack.MsgOptionTS(top))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := b.api.UpdateMessageContext(ctx, "C1", top, slack.MsgOptionText("updated", false)); err != nil {
		t.Fatal(err)
	}
	updated, _ := s.Message("C1", top)
	eph, err := b.api.PostEphemeralContext(ctx, "C1", "U9", slack.MsgOptionText("psst", false), blocks)
	if err != nil {
		t.Fatal(err)
	}
	hook := func(typ string) Posted {
		t.Helper()
		ru := s.IssueResponseURL("commands", "C1", "U9")
		msg := &slack.WebhookMessage{Text: typ, ResponseType: typ, Blocks: &slack.Blocks{BlockSet: []slack.Block{button()}}}
		if err := slack.PostWebhookContext(ctx, ru, msg); err != nil {
			t.Fatal(err)
		}
		return wait(func(p Posted) bool { return p.Kind == "response_url" && p.Text == typ })
	}
	modal := slack.ModalViewRequest{Type: slack.VTModal, Title: slack.NewTextBlockObject("plain_text", "Modal", false, false),
		Blocks: slack.Blocks{BlockSet: []slack.Block{button()}}}
	view, err := b.api.OpenViewContext(ctx, s.IssueTrigger("U9"), modal)
	if err != nil {
		t.Fatal(err)
	}
	home, err := b.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "U9",
		View: slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: []slack.Block{button()}}}})
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name       string
		in         Posted
		container  string // "message" or "view"
		ephemeral  bool
		hasMessage bool
		thread     string
	}{
		{"channel message", wait(func(p Posted) bool { return p.Kind == "message" && p.TS == top }), "message", false, true, ""},
		{"thread reply", wait(func(p Posted) bool { return p.TS == reply }), "message", false, true, top},
		{"updated message", updated, "message", false, true, ""},
		{"ephemeral", wait(func(p Posted) bool { return p.TS == eph }), "message", true, false, ""},
		{"response_url in_channel", hook("in_channel"), "message", false, true, ""},
		{"response_url ephemeral", hook("ephemeral"), "message", true, false, ""},
		{"modal", wait(func(p Posted) bool { return p.Kind == "view" && p.ViewID == view.ID }), "view", false, false, ""},
		{"home", wait(func(p Posted) bool { return p.Kind == "home" && p.ViewID == home.ID }), "view", false, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := s.PressButton(ctx, "U9", tt.in, "go"); err != nil {
				t.Fatal(err)
			}
			evt := b.next(t, ctx, socketmode.EventTypeInteractive)
			cb := evt.Data.(slack.InteractionCallback)
			if cb.Type != slack.InteractionTypeBlockActions || cb.User.ID != "U9" || cb.TriggerID == "" || cb.Container.Type != tt.container ||
				len(cb.ActionCallback.BlockActions) != 1 {
				t.Fatalf("callback = %+v", cb)
			}
			if a := cb.ActionCallback.BlockActions[0]; a.BlockID != "act" || a.ActionID != "go" || a.Value != "v1" {
				t.Errorf("action = %+v", a)
			}
			if tt.container == "view" {
				if cb.Container.ViewID != tt.in.ViewID || cb.ResponseURL != "" {
					t.Errorf("container %+v, response_url %q", cb.Container, cb.ResponseURL)
				}
				return
			}
			if c := cb.Container; c.MessageTs != tt.in.TS || c.ChannelID != "C1" || c.IsEphemeral != tt.ephemeral || c.ThreadTs != tt.thread {
				t.Errorf("container = %+v", c)
			}
			if cb.Channel.ID != "C1" || !strings.Contains(cb.ResponseURL, "/hooks/actions/") {
				t.Errorf("channel %+v, response_url %q", cb.Channel, cb.ResponseURL)
			}
			hasMessage := strings.Contains(string(evt.Request.Payload), `"message":{`)
			if m := cb.Message; hasMessage != tt.hasMessage || tt.hasMessage && (m.Timestamp != tt.in.TS || m.Text != tt.in.Text ||
				m.ThreadTimestamp != tt.thread || m.BotID == "" || len(m.Blocks.BlockSet) != 1) {
				t.Errorf("message = %+v (sent: %v)", m, hasMessage)
			}
		})
	}
	if _, err := s.PressButton(ctx, "U9", tests[0].in, "nope"); !errors.Is(err, ErrNoSuchButton) {
		t.Errorf("unknown button: %v", err)
	}
}
