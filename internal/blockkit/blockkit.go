// Package blockkit turns domain results into Slack Block Kit: messages,
// the assessment modal and the Home tab. It is the only package that builds
// blocks. Every function is pure; every piece of user text is escaped, and
// Slack's size limits are enforced here.
package blockkit

import (
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// Slack's documented limits.
const (
	MaxModalTitle    = 24
	MaxMessageBlocks = 50
	MaxViewBlocks    = 100
	MaxSectionText   = 3000
	MaxHeaderText    = 150
	MaxButtonText    = 75
	MaxOptionText    = 75
	MaxID            = 255
	MaxButtonValue   = 2000
	MaxFallbackText  = 4000
	MaxContextText   = 3000
	MaxPrivateMeta   = 3000
	// MaxAckPayload is the size above which a reply does not go in the
	// Socket Mode ack but through the Web API.
	MaxAckPayload = 20 * 1024
)

// Message is what the bot posts: a plain-text fallback and the blocks.
type Message struct {
	Text   string
	Blocks []slack.Block
}

// Escape makes user text inert in mrkdwn: Slack reads <...> as mentions and
// links and & as the start of an entity, so "<!channel>" typed by a user
// would ping a whole channel if posted as is.
func Escape(s string) string {
	if !strings.ContainsAny(s, "&<>") {
		return s
	}
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	return r.Replace(s)
}

// Truncate cuts s to at most n characters (runes), ending with "…" when it
// cut, and never splits a rune or an escape entity.
func Truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	cut, count := 0, 0
	for i := range s {
		if count == n-1 {
			cut = i
			break
		}
		count++
	}
	out := s[:cut]
	// Do not leave half an entity such as "&am" behind.
	if amp := strings.LastIndexByte(out, '&'); amp >= 0 && !strings.Contains(out[amp:], ";") {
		out = out[:amp]
	}
	return out + "…"
}

// clean removes what has no place in a short plain text: control and
// zero-width characters and line breaks.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case r < 0x20 || r == 0x7f, r >= 0x80 && r < 0xa0:
			return -1
		case r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\u2060' || r == '\ufeff':
			return -1
		case r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
			return -1 // bidi overrides can disguise text
		}
		return r
	}, strings.ToValidUTF8(s, ""))
}

// UserText prepares text a user typed for display: cleaned, escaped, cut.
func UserText(s string, n int) string {
	return Truncate(Escape(strings.TrimSpace(clean(s))), n)
}

func plain(s string, n int) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, Truncate(s, n), true, false)
}

func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, Truncate(s, MaxSectionText), false, false)
}

func section(blockID, text string) *slack.SectionBlock {
	return slack.NewSectionBlock(mrkdwn(text), nil, nil, slack.SectionBlockOptionBlockID(blockID))
}

func header(text string) *slack.HeaderBlock {
	return slack.NewHeaderBlock(plain(text, MaxHeaderText))
}

func contextText(blockID, text string) *slack.ContextBlock {
	return slack.NewContextBlock(blockID, slack.NewTextBlockObject(slack.MarkdownType, Truncate(text, MaxContextText), false, false))
}

func button(actionID, value, text string) *slack.ButtonBlockElement {
	return slack.NewButtonBlockElement(actionID, value, plain(text, MaxButtonText))
}

func bullets(items []string) string {
	var b strings.Builder
	for i, it := range items {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString("• ")
		b.WriteString(it)
	}
	return b.String()
}

// fallback builds a message's plain text from its parts, within Slack's
// limit for the text field.
func fallback(parts ...string) string {
	return Truncate(strings.Join(parts, "\n"), MaxFallbackText)
}
