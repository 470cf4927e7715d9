package bot_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/fractional-advisor/fractional-advisor/internal/apptest"
	"github.com/fractional-advisor/fractional-advisor/internal/config"
	"github.com/fractional-advisor/fractional-advisor/internal/slacktest"
)

// hostileInputs are questions meant to make the bot misbehave: broadcast
// mentions, markup and link injection, huge or invisible text, other
// scripts, control bytes, invalid UTF-8.
var hostileInputs = []string{
	"<!channel> what does a CAIO cost?",
	"<!here> help",
	"<!everyone>",
	"<!channel|channel> hello",
	"<!subteam^S0123ABC|@engineers> when do we need a CTO?",
	"<!date^1392734382^{date}|Feb 18> cost",
	"<@U0OTHER01> is a CAIO worth it?",
	"<@U0OTHER01|bob>",
	"<http://evil.example|click here> for the cost",
	"<https://evil.example>",
	"<mailto:a@example.com|mail me>",
	"<#C0123ABCD|general> fractional CTO?",
	"&lt;!channel&gt; escaped entity",
	"&amp;&amp; &lt;@U0X&gt; &gt;",
	"<<!channel>> nested",
	"< !channel > spaced",
	strings.Repeat("how much does a fractional CTO cost ", 1112), // 40,000 characters
	strings.Repeat("a", 6000),                                    // one very long word
	"nul\x00byte <!channel>",
	"\u202egnirts desrever: RTL override",
	"zero\u200bwidth\u200c\u200d\ufeff <\u200b!channel>",
	"🤖🤖🤖🔥",
	"日本語でCTOの費用はいくらですか？",
	"¿Cuánto cuesta un CTO fraccional?",
	"ما الفرق بين CTO و CAIO؟",
	"Что делает CAIO каждый день?",
	"\x01\x02\x03\x1b[31mred\x1b[0m control bytes",
	"bad utf8 \xff\xfe\xfd in the middle",
	`{"text":"<!channel>","blocks":[{"type":"section"}]}`,
	"*bold* _italic_ ~strike~ `code` ```block``` > quote",
	"@channel @here plain at-words",
	"Robert'); DROP TABLE users;-- <script>alert(1)</script>",
	"   \t  ",
}

// TestHostileInputs sends every hostile input by mention, DM and
// `/fractional-advisor ask`: each gets one polite reply, and nothing the
// bot sends holds an unescaped special mention or user mention.
func TestHostileInputs(t *testing.T) {
	t.Parallel()
	r := apptest.Start(t, apptest.Options{Config: func(c *config.Config) { c.UserRate = 0 }})
	if len(hostileInputs) < 30 {
		t.Fatalf("only %d hostile inputs", len(hostileInputs))
	}
	for i, in := range hostileInputs {
		name := fmt.Sprintf("%02d %q", i, clip(in))
		t.Run("mention "+name, func(t *testing.T) {
			info := r.Mention(t, fmt.Sprintf("U0HOSM%03d", i), in)
			p := r.WaitPost(t, "reply", apptest.InThread(info))
			checkReply(t, p.Text, p.Blocks)
			if n := r.Count(apptest.InThread(info)); n != 1 {
				t.Errorf("%d replies, want 1", n)
			}
		})
		t.Run("dm "+name, func(t *testing.T) {
			user := fmt.Sprintf("U0HOSD%03d", i)
			if _, _, err := r.Emu.DirectMessage(apptest.Ctx(t), slacktest.Message{UserID: user, Text: in}); err != nil {
				if strings.TrimSpace(in) == "" {
					t.Skipf("the emulator refuses an empty DM: %v", err)
				}
				t.Fatal(err)
			}
			dm := r.Emu.DMChannel(user)
			inDM := func(p slacktest.Posted) bool { return p.Channel == dm }
			p := r.WaitPost(t, "reply", inDM)
			checkReply(t, p.Text, p.Blocks)
			if n := r.Count(inDM); n != 1 {
				t.Errorf("%d replies, want 1", n)
			}
		})
		t.Run("command "+name, func(t *testing.T) {
			user := fmt.Sprintf("U0HOSC%03d", i)
			ack, _, err := r.Emu.SlashCommand(apptest.Ctx(t), slacktest.SlashCommand{UserID: user, Text: "ask " + in})
			if err != nil {
				t.Fatal(err)
			}
			if ack.Payload != nil {
				var m struct {
					Text   string          `json:"text"`
					Blocks json.RawMessage `json:"blocks"`
				}
				if err := json.Unmarshal(ack.Payload, &m); err != nil {
					t.Fatal(err)
				}
				checkReply(t, m.Text, m.Blocks)
				return
			}
			toUser := func(p slacktest.Posted) bool { return p.Kind == "response_url" && p.UserID == user }
			p := r.WaitPost(t, "reply", toUser)
			checkReply(t, p.Text, p.Blocks)
		})
	}
}

// checkReply checks one reply: it has a text fallback, it is not an
// apology, and no string in it holds "<!" or "<@" (what Slack would turn
// into a broadcast or a mention).
func checkReply(t *testing.T, text string, blocks json.RawMessage) {
	t.Helper()
	if strings.TrimSpace(text) == "" {
		t.Error("a reply without a text fallback")
	}
	if (slacktest.Posted{Blocks: blocks}).HasBlockID("error") {
		t.Error("the reply is an apology, not an answer")
	}
	strs := []string{text}
	var v any
	if len(blocks) > 0 {
		if err := json.Unmarshal(blocks, &v); err != nil {
			t.Fatalf("blocks: %v", err)
		}
	}
	collectStrings(v, &strs)
	for _, s := range strs {
		if strings.Contains(s, "<!") || strings.Contains(s, "<@") {
			t.Errorf("a reply holds an unescaped mention: %q", clip(s[max(0, strings.Index(s, "<")-10):]))
		}
	}
}

func collectStrings(v any, out *[]string) {
	switch x := v.(type) {
	case string:
		*out = append(*out, x)
	case []any:
		for _, e := range x {
			collectStrings(e, out)
		}
	case map[string]any:
		for _, e := range x {
			collectStrings(e, out)
		}
	}
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
