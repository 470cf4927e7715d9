package demo

import (
	"encoding/json"
	"fmt"
	"strings"
)

// block is the part of any Block Kit block the renderer reads.
type block struct {
	Type      string    `json:"type"`
	BlockID   string    `json:"block_id"`
	Text      *textObj  `json:"text"`
	Fields    []textObj `json:"fields"`
	Elements  []element `json:"elements"`
	Accessory *element  `json:"accessory"`
	Label     *textObj  `json:"label"`
	Element   *element  `json:"element"`
	Optional  bool      `json:"optional"`
}

type textObj struct {
	Text string `json:"text"`
}

type element struct {
	Type    string `json:"type"`
	Text    *textObj
	Options []struct {
		Text  textObj `json:"text"`
		Value string  `json:"value"`
	} `json:"options"`
}

// Render turns Block Kit JSON into what a person would read, roughly as
// Slack lays it out.
func Render(blocksJSON []byte) string {
	var blocks []block
	if err := json.Unmarshal(blocksJSON, &blocks); err != nil {
		return fmt.Sprintf("  (unreadable blocks: %v)\n", err)
	}
	var b strings.Builder
	for _, bl := range blocks {
		switch bl.Type {
		case "header":
			fmt.Fprintf(&b, "  %s\n  %s\n", bl.Text.Text, strings.Repeat("═", min(len([]rune(bl.Text.Text)), 70)))
		case "section":
			if bl.Text != nil {
				indent(&b, mrkdwn(bl.Text.Text))
			}
			for _, f := range bl.Fields {
				indent(&b, "  "+strings.ReplaceAll(mrkdwn(f.Text), "\n", ": "))
			}
			if bl.Accessory != nil && bl.Accessory.Text != nil {
				fmt.Fprintf(&b, "      [ %s ]\n", bl.Accessory.Text.Text)
			}
		case "context":
			for _, e := range bl.Elements {
				if e.Text != nil {
					indent(&b, "· "+mrkdwn(e.Text.Text))
				}
			}
		case "actions":
			var buttons []string
			for _, e := range bl.Elements {
				if e.Text != nil {
					buttons = append(buttons, "[ "+e.Text.Text+" ]")
				}
			}
			fmt.Fprintf(&b, "  %s\n", strings.Join(buttons, " "))
		case "divider":
			b.WriteString("  ────────────────────────────────────────\n")
		case "input":
			opt := ""
			if bl.Optional {
				opt = " (optional)"
			}
			fmt.Fprintf(&b, "  ? %s%s\n", bl.Label.Text, opt)
			if bl.Element != nil {
				for _, o := range bl.Element.Options {
					fmt.Fprintf(&b, "      ( ) %s\n", o.Text.Text)
				}
				if len(bl.Element.Options) == 0 {
					b.WriteString("      [______________]\n")
				}
			}
		}
	}
	return b.String()
}

// UnmarshalJSON reads an element's text whether it is an object (buttons)
// or absent.
func (e *element) UnmarshalJSON(data []byte) error {
	var raw struct {
		Type    string          `json:"type"`
		Text    json.RawMessage `json:"text"`
		Options []struct {
			Text  textObj `json:"text"`
			Value string  `json:"value"`
		} `json:"options"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	e.Type, e.Options = raw.Type, raw.Options
	if len(raw.Text) > 0 && raw.Text[0] == '{' {
		var t textObj
		if err := json.Unmarshal(raw.Text, &t); err != nil {
			return err
		}
		e.Text = &t
	} else if len(raw.Text) > 0 && raw.Text[0] == '"' {
		var s string
		_ = json.Unmarshal(raw.Text, &s)
		e.Text = &textObj{Text: s}
	}
	return nil
}

// mrkdwn shows Slack mrkdwn as plain text: bold and italics markers go, and
// entities are decoded.
func mrkdwn(s string) string {
	s = strings.NewReplacer("*", "", "&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
	return s
}

func indent(b *strings.Builder, s string) {
	for line := range strings.SplitSeq(s, "\n") {
		b.WriteString("  ")
		b.WriteString(line)
		b.WriteByte('\n')
	}
}
