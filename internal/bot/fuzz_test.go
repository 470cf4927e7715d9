package bot

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// Fuzz targets for what the bot reads from Slack: a slash command's text,
// a modal's private_metadata, the values its buttons carry. Seeds live in
// testdata/fuzz/<target> too; a plain go test replays them all.

// checkUserText holds for any text the bot searches or shows: valid UTF-8,
// within the length, no control or invisible formatting characters, no
// space at either end.
func checkUserText(t *testing.T, what, s string) {
	t.Helper()
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > MaxQuestionRunes || s != strings.TrimSpace(s) {
		t.Fatalf("%s %q: invalid, too long or untrimmed", what, s)
	}
	for _, r := range s {
		if unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r) {
			t.Fatalf("%s %q holds %U", what, s, r)
		}
	}
}

func FuzzCommandRoute(f *testing.F) {
	for _, s := range []string{"", "start", "  ASSESS ", "help", "ask", "ask how much does a CTO cost?",
		"When should we hire a CTO?", "ask\u200b", "\xff\xfe ask x", "ask\tstart", strings.Repeat("ask ", 3000)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		route, question := commandRoute(text)
		switch route {
		case routeAssess, routeHelp:
			if question != "" {
				t.Fatalf("route %s with a question %q", route, question)
			}
		case routeAsk:
			if question == "" {
				t.Fatal("an empty question is not asked")
			}
			checkUserText(t, "question", question)
		default:
			t.Fatalf("unknown route %q", route)
		}
	})
}

func FuzzModalMeta(f *testing.F) {
	for _, s := range []string{"", `{"r":"https://hooks.slack.com/commands/T1/2/x","c":"C123"}`, `{"c":"<!channel>"}`, `{"r":1}`,
		"{", `{"r":"x","c":"C1","extra":[1,2,3]}`, `{"c":"C1"}{"c":"C2"}`, strings.Repeat("x", 4000)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		m, err := decodeModalMeta(raw)
		if err != nil {
			if m != (modalMeta{}) {
				t.Fatalf("an error with metadata %+v", m)
			}
			return
		}
		if m.ChannelID != "" && !isSlackID(m.ChannelID) {
			t.Fatalf("accepted channel id %q", m.ChannelID)
		}
		again, err := decodeModalMeta(m.encode())
		if err != nil || again != m {
			t.Fatalf("round trip of %+v: %+v, %v", m, again, err)
		}
	})
}

func FuzzShareValue(f *testing.F) {
	for _, s := range []string{"v1.both.weak.aggressive.small.high.10k_25k.12", "v1.ai_transformation.solid.targeted.established.high.over_25k.60",
		"", "v1", "v2.both.weak.aggressive.small.high.10k_25k.12", "v1.both.weak.aggressive.small.high.10k_25k.0",
		"v1.<!channel>.weak.aggressive.small.high.10k_25k.12", "v1.both.weak.aggressive.small.high.10k_25k.+12"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if subject := feedbackSubject(v); subject != "unknown" && (len(subject) > 80 || strings.ContainsAny(subject, " \n\t<>&")) {
			t.Fatalf("feedbackSubject(%q) = %q", v, subject)
		}
		a, months, err := decodeShare(v)
		if err != nil {
			return
		}
		again, m2, err := decodeShare(encodeShare(a, months))
		if err != nil || again != a || m2 != months {
			t.Fatalf("round trip of %q: %+v %d %v", v, again, m2, err)
		}
	})
}
