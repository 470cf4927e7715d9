// Package blockkit turns domain results into Slack Block Kit: messages,
// the assessment modal and the Home tab. It is the only package that builds
// blocks. Every function is pure; every piece of user text is escaped, and
// Slack's size limits are enforced here.
package blockkit

import (
	"strings"
	"unicode"
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
	// A string has no more runes than bytes: most texts need no counting.
	if len(s) <= n || utf8.RuneCountInString(s) <= n {
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

// Clean removes what has no place in a line of user text, for searching
// it as much as for showing it: line breaks and tabs become spaces, and
// control and format characters (Unicode Cc and Cf: zero-width spaces and
// joiners, bidi marks and overrides that can disguise text, soft hyphens,
// tag characters) are dropped. Invalid UTF-8 becomes a space rather than
// nothing, so that dropping it cannot join two fragments into one word.
// Clean neither trims nor cuts.
func Clean(s string) string {
	return strings.Map(cleanRune, strings.ToValidUTF8(s, " "))
}

func cleanRune(r rune) rune {
	switch {
	case r == '\n' || r == '\r' || r == '\t':
		return ' '
	case r >= 0x20 && r < 0x7f: // printable ASCII, the common case
		return r
	case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
		return -1
	}
	return r
}

// UserText prepares text a user typed for display: cleaned, escaped, cut.
func UserText(s string, n int) string {
	return Truncate(Escape(strings.TrimSpace(Clean(s))), n)
}

// UserLines is UserText for text whose line breaks matter, such as an
// expert's answer: each line cleaned and escaped, at most two line breaks
// in a row.
func UserLines(s string, n int) string {
	lines := strings.Split(strings.ReplaceAll(strings.TrimSpace(s), "\r\n", "\n"), "\n")
	out := make([]string, 0, len(lines))
	blank := 0
	for _, l := range lines {
		l = strings.TrimSpace(Clean(l))
		if l == "" {
			if blank++; blank > 1 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, Escape(l))
	}
	return Truncate(strings.Join(out, "\n"), n)
}

// The helpers below allocate each block together with its text objects, in
// one struct that holds them all: a message has dozens of these small
// objects, and allocating them one by one was much of the cost of building
// it. Callers see ordinary slack-go pointers.

// plainText is a plain-text object and the emoji flag it points to.
type plainText struct {
	slack.TextBlockObject
	emoji bool
}

func (p *plainText) set(s string, n int) *slack.TextBlockObject {
	p.emoji = true
	p.TextBlockObject = slack.TextBlockObject{Type: slack.PlainTextType, Text: Truncate(s, n), Emoji: &p.emoji}
	return &p.TextBlockObject
}

func plain(s string, n int) *slack.TextBlockObject {
	return new(plainText).set(s, n)
}

func mrkdwnText(s string, n int) slack.TextBlockObject {
	return slack.TextBlockObject{Type: slack.MarkdownType, Text: Truncate(s, n)}
}

func section(blockID, text string) *slack.SectionBlock {
	b := new(struct {
		slack.SectionBlock
		text slack.TextBlockObject
	})
	b.text = mrkdwnText(text, MaxSectionText)
	b.SectionBlock = slack.SectionBlock{Type: slack.MBTSection, Text: &b.text, BlockID: blockID}
	return &b.SectionBlock
}

// userSection is a section that shows user text: verbatim, so Slack turns
// no bare URL or #channel in it into a link (the markup the bot writes
// itself, <@U…> and <url|label>, still works).
func userSection(blockID, text string) *slack.SectionBlock {
	s := section(blockID, text)
	s.Text.Verbatim = true
	return s
}

// sectionFields is a section with two fields, side by side.
func sectionFields(blockID, text, field1, field2 string) *slack.SectionBlock {
	b := new(struct {
		slack.SectionBlock
		texts  [3]slack.TextBlockObject
		fields [2]*slack.TextBlockObject
	})
	b.texts = [3]slack.TextBlockObject{mrkdwnText(text, MaxSectionText), mrkdwnText(field1, MaxSectionText), mrkdwnText(field2, MaxSectionText)}
	b.fields = [2]*slack.TextBlockObject{&b.texts[1], &b.texts[2]}
	b.SectionBlock = slack.SectionBlock{Type: slack.MBTSection, Text: &b.texts[0], BlockID: blockID, Fields: b.fields[:]}
	return &b.SectionBlock
}

func header(text string) *slack.HeaderBlock {
	b := new(struct {
		slack.HeaderBlock
		text plainText
	})
	b.HeaderBlock = slack.HeaderBlock{Type: slack.MBTHeader, Text: b.text.set(text, MaxHeaderText)}
	return &b.HeaderBlock
}

func contextText(blockID, text string) *slack.ContextBlock {
	b := new(struct {
		slack.ContextBlock
		text     slack.TextBlockObject
		elements [1]slack.MixedElement
	})
	b.text = mrkdwnText(text, MaxContextText)
	b.elements[0] = &b.text
	b.ContextBlock = slack.ContextBlock{Type: slack.MBTContext, BlockID: blockID, ContextElements: slack.ContextElements{Elements: b.elements[:]}}
	return &b.ContextBlock
}

func actions(blockID string, elements ...slack.BlockElement) *slack.ActionBlock {
	b := new(struct {
		slack.ActionBlock
		elements slack.BlockElements
	})
	b.elements.ElementSet = elements
	b.ActionBlock = slack.ActionBlock{Type: slack.MBTAction, BlockID: blockID, Elements: &b.elements}
	return &b.ActionBlock
}

func button(actionID, value, text string) *slack.ButtonBlockElement {
	b := new(struct {
		slack.ButtonBlockElement
		text plainText
	})
	b.ButtonBlockElement = slack.ButtonBlockElement{Type: slack.METButton, ActionID: actionID, Value: value, Text: b.text.set(text, MaxButtonText)}
	return &b.ButtonBlockElement
}

// fallback builds a message's plain text from its parts, within Slack's
// limit for the text field.
func fallback(parts ...string) string {
	return Truncate(strings.Join(parts, "\n"), MaxFallbackText)
}
