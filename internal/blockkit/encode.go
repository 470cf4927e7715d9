package blockkit

import (
	"encoding/json"
	"strconv"

	"github.com/fractional-advisor/fractional-advisor/internal/jsonenc"
	"github.com/slack-go/slack"
)

// The bot sends every message and view as JSON. encoding/json spends most
// of its time on slack-go's block types in reflection and in their
// MarshalJSON methods, each of which marshals again and is then compacted
// again by the caller. The encoder below (and encode_view.go for views)
// writes the types blockkit builds directly, with the same field order,
// omitempty rules and escaping as encoding/json, so the bytes are identical
// (encode_test.go checks every message and view blockkit can build, hostile
// text, and fuzzes the rest). Anything else is handed to json.Marshal, which
// gives the same bytes for a value alone as inside an array.

// AppendBlocksJSON appends to dst the JSON of blocks: the same bytes as
// json.Marshal(blocks), several times faster for the blocks blockkit builds.
// On error it returns dst as it was.
func AppendBlocksJSON(dst []byte, blocks []slack.Block) ([]byte, error) {
	if blocks == nil {
		return append(dst, "null"...), nil
	}
	n := len(dst)
	// A block is rarely over 512 bytes of JSON (a recommendation's nine are
	// 4 KB), so the bot's fresh buffer is allocated once, not doubled.
	dst = grow(dst, 512*len(blocks)+2)
	dst = append(dst, '[')
	for i, b := range blocks {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if dst, err = appendBlock(dst, b); err != nil {
			return dst[:n], err
		}
	}
	return append(dst, ']'), nil
}

// grow returns dst with room for n more bytes: one allocation up front
// instead of append's doubling series. (slices.Grow clears all it
// allocates; make need not when the memory is fresh.)
func grow(dst []byte, n int) []byte {
	if cap(dst)-len(dst) >= n {
		return dst
	}
	grown := make([]byte, len(dst), len(dst)+n)
	copy(grown, dst)
	return grown
}

// appendBlock writes one block. Each case mirrors the struct's fields in
// declaration order, as encoding/json does.
func appendBlock(dst []byte, b slack.Block) ([]byte, error) {
	switch v := b.(type) {
	case *slack.SectionBlock:
		if v != nil {
			return appendSection(dst, v)
		}
	case *slack.HeaderBlock:
		if v != nil {
			return appendHeader(dst, v), nil
		}
	case *slack.ContextBlock:
		if v != nil {
			return appendContext(dst, v)
		}
	case *slack.ActionBlock:
		if v != nil {
			return appendActions(dst, v)
		}
	case *slack.InputBlock:
		if v != nil {
			return appendInput(dst, v)
		}
	case *slack.DividerBlock:
		if v != nil {
			dst = appendType(dst, string(v.Type))
			dst = appendOptString(dst, `,"block_id":`, v.BlockID)
			return append(dst, '}'), nil
		}
	}
	return appendMarshal(dst, b)
}

// appendMarshal is the fallback for what the encoder does not know.
func appendMarshal(dst []byte, v any) ([]byte, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return dst, err
	}
	return append(dst, data...), nil
}

// appendType opens an object with its "type" field.
func appendType(dst []byte, typ string) []byte {
	dst = append(dst, `{"type":`...)
	return jsonenc.AppendString(dst, typ)
}

// appendOptString writes a string field tagged omitempty; key includes the
// leading comma, the quotes and the colon.
func appendOptString(dst []byte, key, s string) []byte {
	if s == "" {
		return dst
	}
	dst = append(dst, key...)
	return jsonenc.AppendString(dst, s)
}

// appendOptText writes a text object field tagged omitempty; key is as for
// appendOptString.
func appendOptText(dst []byte, key string, t *slack.TextBlockObject) []byte {
	if t == nil {
		return dst
	}
	dst = append(dst, key...)
	return appendText(dst, t)
}

func appendText(dst []byte, t *slack.TextBlockObject) []byte {
	if t == nil {
		return append(dst, "null"...)
	}
	dst = appendType(dst, t.Type)
	dst = append(dst, `,"text":`...)
	dst = jsonenc.AppendString(dst, t.Text)
	if t.Emoji != nil {
		dst = append(dst, `,"emoji":`...)
		dst = strconv.AppendBool(dst, *t.Emoji)
	}
	if t.Verbatim {
		dst = append(dst, `,"verbatim":true`...)
	}
	return append(dst, '}')
}

func appendHeader(dst []byte, h *slack.HeaderBlock) []byte {
	dst = appendType(dst, string(h.Type))
	dst = appendOptText(dst, `,"text":`, h.Text)
	dst = appendOptString(dst, `,"block_id":`, h.BlockID)
	if h.Level != 0 {
		dst = append(dst, `,"level":`...)
		dst = strconv.AppendInt(dst, int64(h.Level), 10)
	}
	return append(dst, '}')
}

func appendSection(dst []byte, s *slack.SectionBlock) ([]byte, error) {
	dst = appendType(dst, string(s.Type))
	dst = appendOptText(dst, `,"text":`, s.Text)
	dst = appendOptString(dst, `,"block_id":`, s.BlockID)
	if len(s.Fields) > 0 {
		dst = append(dst, `,"fields":[`...)
		for i, f := range s.Fields {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendText(dst, f)
		}
		dst = append(dst, ']')
	}
	if a := s.Accessory; a != nil {
		dst = append(dst, `,"accessory":`...)
		// Accessory.MarshalJSON writes the first element set, images first.
		var err error
		if a.ImageElement == nil && a.ButtonElement != nil {
			dst, err = appendButton(dst, a.ButtonElement)
		} else {
			dst, err = appendMarshal(dst, a)
		}
		if err != nil {
			return dst, err
		}
	}
	if s.Expand {
		dst = append(dst, `,"expand":true`...)
	}
	return append(dst, '}'), nil
}

func appendContext(dst []byte, c *slack.ContextBlock) ([]byte, error) {
	dst = appendType(dst, string(c.Type))
	dst = appendOptString(dst, `,"block_id":`, c.BlockID)
	dst = append(dst, `,"elements":`...)
	els := c.ContextElements.Elements
	if els == nil {
		return append(dst, "null}"...), nil
	}
	dst = append(dst, '[')
	for i, el := range els {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		switch t := el.(type) {
		case *slack.TextBlockObject:
			dst = appendText(dst, t)
		default:
			if dst, err = appendMarshal(dst, el); err != nil {
				return dst, err
			}
		}
	}
	return append(dst, "]}"...), nil
}

func appendActions(dst []byte, a *slack.ActionBlock) ([]byte, error) {
	dst = appendType(dst, string(a.Type))
	dst = appendOptString(dst, `,"block_id":`, a.BlockID)
	dst = append(dst, `,"elements":`...)
	if a.Elements == nil || a.Elements.ElementSet == nil {
		return append(dst, "null}"...), nil
	}
	dst = append(dst, '[')
	for i, el := range a.Elements.ElementSet {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if dst, err = appendElement(dst, el); err != nil {
			return dst, err
		}
	}
	return append(dst, "]}"...), nil
}

func appendButton(dst []byte, b *slack.ButtonBlockElement) ([]byte, error) {
	// type is omitempty here, so the object may open with "text".
	dst = append(dst, '{')
	if b.Type != "" {
		dst = append(dst, `"type":`...)
		dst = jsonenc.AppendString(dst, string(b.Type))
		dst = append(dst, ',')
	}
	dst = append(dst, `"text":`...)
	dst = appendText(dst, b.Text)
	dst = appendOptString(dst, `,"action_id":`, b.ActionID)
	dst = appendOptString(dst, `,"url":`, b.URL)
	dst = appendOptString(dst, `,"value":`, b.Value)
	if b.Confirm != nil {
		dst = append(dst, `,"confirm":`...)
		var err error
		if dst, err = appendMarshal(dst, b.Confirm); err != nil {
			return dst, err
		}
	}
	dst = appendOptString(dst, `,"style":`, string(b.Style))
	dst = appendOptString(dst, `,"accessibility_label":`, b.AccessibilityLabel)
	dst = appendOptString(dst, `,"agent_prompt":`, b.AgentPrompt)
	dst = appendOptString(dst, `,"agent_prompt_display":`, b.AgentPromptDisplay)
	if len(b.VisibleToUserIDs) > 0 {
		dst = append(dst, `,"visible_to_user_ids":[`...)
		for i, id := range b.VisibleToUserIDs {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = jsonenc.AppendString(dst, id)
		}
		dst = append(dst, ']')
	}
	return append(dst, '}'), nil
}
