package slackemu

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Block Kit handling. The emulator checks the limits Slack documents and
// that a bot most plausibly trips (lengths and counts), fills in the
// block_ids Slack generates, and finds interactive elements for the user
// moves. It is not a full Block Kit validator.

type obj = map[string]any

// decodeJSON decodes keeping numbers exact, so re-encoded blocks say what
// the bot sent.
func decodeJSON(raw []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if d.More() {
		return nil, fmt.Errorf("trailing data after JSON value")
	}
	return v, nil
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("slackemu: marshal: %v", err)) // only ever called on values decoded from JSON
	}
	return b
}

// blockProblem is one reason blocks were rejected, phrased the way Slack
// phrases response_metadata.messages.
type blockProblem struct{ msgs []string }

func (p *blockProblem) addf(ptr, format string, args ...any) {
	p.msgs = append(p.msgs, fmt.Sprintf("[ERROR] "+format+" [json-pointer:%s]", append(args, ptr)...))
}

// parseBlocks decodes a blocks array. ok is false when it is not a JSON
// array of objects (Slack: invalid_blocks_format).
func parseBlocks(raw []byte) ([]any, bool) {
	v, err := decodeJSON(raw)
	if err != nil {
		return nil, false
	}
	arr, ok := v.([]any)
	if !ok {
		return nil, false
	}
	for _, b := range arr {
		if _, ok := b.(obj); !ok {
			return nil, false
		}
	}
	return arr, true
}

// checkBlocks validates blocks for a surface and fills in missing
// block_ids. ptr is the JSON pointer of the array, for messages.
func checkBlocks(blocks []any, max int, ptr string) []string {
	var p blockProblem
	if len(blocks) > max {
		p.addf(ptr, "no more than %d items allowed", max)
	}
	seen := map[string]bool{}
	for i, b := range blocks {
		m := b.(obj)
		bp := fmt.Sprintf("%s/%d", ptr, i)
		typ, _ := m["type"].(string)
		if typ == "" {
			p.addf(bp+"/type", "missing required field: type")
			continue
		}
		if id, ok := m["block_id"].(string); ok && id != "" {
			if utf8.RuneCountInString(id) > 255 {
				p.addf(bp+"/block_id", "must be less than 256 characters")
			}
			if seen[id] {
				p.addf(bp+"/block_id", "duplicate block_id %q", id)
			}
			seen[id] = true
		}
		checkBlock(&p, m, typ, bp)
	}
	if len(p.msgs) > 0 {
		return p.msgs
	}
	for _, b := range blocks {
		m := b.(obj)
		if id, _ := m["block_id"].(string); id == "" {
			for {
				id = blockID()
				if !seen[id] {
					break
				}
			}
			seen[id] = true
			m["block_id"] = id
		}
		fillActionIDs(m)
	}
	return nil
}

// fillActionIDs gives interactive elements without an action_id a
// generated one, as Slack does, so that actions can be routed back.
func fillActionIDs(block obj) {
	var els []any
	switch block["type"] {
	case "actions":
		els, _ = block["elements"].([]any)
	case "section":
		if acc, ok := block["accessory"].(obj); ok && acc["type"] != "image" {
			els = []any{acc}
		}
	case "input":
		els = []any{block["element"]}
	}
	for _, e := range els {
		if eo, ok := e.(obj); ok {
			if id, _ := eo["action_id"].(string); id == "" {
				eo["action_id"] = randUpper(5)
			}
		}
	}
}

func textLen(m obj, key string) (int, bool) {
	t, ok := m[key].(obj)
	if !ok {
		return 0, false
	}
	s, _ := t["text"].(string)
	return utf8.RuneCountInString(s), true
}

func checkBlock(p *blockProblem, m obj, typ, ptr string) {
	switch typ {
	case "section":
		n, hasText := textLen(m, "text")
		if hasText && n > 3000 {
			p.addf(ptr+"/text/text", "must be less than 3001 characters")
		}
		fields, _ := m["fields"].([]any)
		if !hasText && len(fields) == 0 {
			p.addf(ptr, "must provide either text or fields")
		}
		if len(fields) > 10 {
			p.addf(ptr+"/fields", "no more than 10 items allowed")
		}
		for i, f := range fields {
			if fo, ok := f.(obj); ok {
				if s, _ := fo["text"].(string); utf8.RuneCountInString(s) > 2000 {
					p.addf(fmt.Sprintf("%s/fields/%d/text", ptr, i), "must be less than 2001 characters")
				}
			}
		}
		if acc, ok := m["accessory"].(obj); ok {
			checkElement(p, acc, ptr+"/accessory")
		}
	case "header":
		if n, ok := textLen(m, "text"); !ok {
			p.addf(ptr+"/text", "missing required field: text")
		} else if n > 150 {
			p.addf(ptr+"/text/text", "must be less than 151 characters")
		}
	case "context":
		els, _ := m["elements"].([]any)
		if len(els) == 0 || len(els) > 10 {
			p.addf(ptr+"/elements", "must have between 1 and 10 items")
		}
	case "actions":
		els, _ := m["elements"].([]any)
		if len(els) == 0 || len(els) > 25 {
			p.addf(ptr+"/elements", "must have between 1 and 25 items")
		}
		for i, e := range els {
			if eo, ok := e.(obj); ok {
				checkElement(p, eo, fmt.Sprintf("%s/elements/%d", ptr, i))
			}
		}
	case "input":
		if n, ok := textLen(m, "label"); !ok {
			p.addf(ptr+"/label", "missing required field: label")
		} else if n > 2000 {
			p.addf(ptr+"/label/text", "must be less than 2001 characters")
		}
		el, ok := m["element"].(obj)
		if !ok {
			p.addf(ptr+"/element", "missing required field: element")
			return
		}
		checkElement(p, el, ptr+"/element")
	}
}

func checkElement(p *blockProblem, e obj, ptr string) {
	if id, _ := e["action_id"].(string); utf8.RuneCountInString(id) > 255 {
		p.addf(ptr+"/action_id", "must be less than 256 characters")
	}
	typ, _ := e["type"].(string)
	switch typ {
	case "button":
		if n, ok := textLen(e, "text"); !ok {
			p.addf(ptr+"/text", "missing required field: text")
		} else if n > 75 {
			p.addf(ptr+"/text/text", "must be less than 76 characters")
		}
		if v, _ := e["value"].(string); utf8.RuneCountInString(v) > 2000 {
			p.addf(ptr+"/value", "must be less than 2001 characters")
		}
	case "static_select", "multi_static_select", "radio_buttons", "checkboxes", "overflow":
		max := 100
		switch typ {
		case "radio_buttons", "checkboxes":
			max = 10
		case "overflow":
			max = 5
		}
		opts := options(e)
		if len(opts) == 0 && e["option_groups"] == nil {
			p.addf(ptr+"/options", "missing required field: options")
		}
		if len(opts) > max {
			p.addf(ptr+"/options", "no more than %d items allowed", max)
		}
		for i, o := range opts {
			if n, _ := textLen(o, "text"); n > 75 {
				p.addf(fmt.Sprintf("%s/options/%d/text/text", ptr, i), "must be less than 76 characters")
			}
			if v, _ := o["value"].(string); utf8.RuneCountInString(v) > 150 {
				p.addf(fmt.Sprintf("%s/options/%d/value", ptr, i), "must be less than 151 characters")
			}
		}
	}
}

// options returns an element's options, including those inside option_groups.
func options(e obj) []obj {
	var out []obj
	add := func(list any) {
		arr, _ := list.([]any)
		for _, o := range arr {
			if oo, ok := o.(obj); ok {
				out = append(out, oo)
			}
		}
	}
	add(e["options"])
	groups, _ := e["option_groups"].([]any)
	for _, g := range groups {
		if grp, ok := g.(obj); ok {
			add(grp["options"])
		}
	}
	return out
}

// elementRef is an interactive element found in a surface's blocks.
type elementRef struct {
	blockID string
	el      obj
}

// findElement finds the element with actionID in actions blocks, section
// accessories and input blocks, where a user can click it.
func findElement(blocks []any, actionID string) (elementRef, bool) {
	for _, b := range blocks {
		m, ok := b.(obj)
		if !ok {
			continue
		}
		bid, _ := m["block_id"].(string)
		var cands []any
		switch m["type"] {
		case "actions", "context_actions":
			cands, _ = m["elements"].([]any)
		case "section":
			cands = []any{m["accessory"]}
		case "input":
			cands = []any{m["element"]}
		}
		for _, c := range cands {
			if e, ok := c.(obj); ok && e["action_id"] == actionID {
				return elementRef{blockID: bid, el: e}, true
			}
		}
	}
	return elementRef{}, false
}

// blockIDs lists the block_ids of a blocks array, for tests that look for
// the contract's "recommendation:…" and "faq:…" ids.
func blockIDs(raw []byte) []string {
	arr, ok := parseBlocks(raw)
	if !ok {
		return nil
	}
	var out []string
	for _, b := range arr {
		if id, ok := b.(obj)["block_id"].(string); ok {
			out = append(out, id)
		}
	}
	return out
}

// BlockIDs returns the block_id of every block in the post, in order.
func (p Posted) BlockIDs() []string { return blockIDs(p.Blocks) }

// HasBlockID reports whether a block of the post has exactly this block_id.
func (p Posted) HasBlockID(id string) bool {
	for _, b := range p.BlockIDs() {
		if b == id {
			return true
		}
	}
	return false
}

// HasBlockIDPrefix reports whether any top-level block's id starts with
// prefix ("recommendation:", "faq:").
func (p Posted) HasBlockIDPrefix(prefix string) bool {
	for _, id := range p.BlockIDs() {
		if strings.HasPrefix(id, prefix) {
			return true
		}
	}
	return false
}
