package slacktest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Block Kit: the limits Slack documents that a bot most plausibly trips
// (counts and lengths, in characters of the decoded text), the block_ids
// and action_ids Slack fills in, and the one reader of block ids. It is not
// a full Block Kit validator.

const (
	maxMessageBlocks = 50
	maxViewBlocks    = 100
	maxViewBytes     = 250 * 1024
	maxMessageText   = 40000
)

// mustJSON encodes the server's own values, and values decoded from JSON,
// which cannot fail.
func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic("slacktest: " + err.Error())
	}
	return b
}

// parseBlocks returns a decoded blocks array; false unless it is an array
// of objects (Slack: invalid_blocks_format).
func parseBlocks(v any) ([]any, bool) {
	arr, ok := v.([]any)
	for _, b := range arr {
		if _, isObj := b.(obj); !isObj {
			return nil, false
		}
	}
	return arr, ok
}

// problems collects why blocks were refused, worded as Slack words
// response_metadata.messages.
type problems []string

func (p *problems) addf(ptr, format string, args ...any) {
	*p = append(*p, fmt.Sprintf("[ERROR] "+format+" [json-pointer:%s]", append(args, ptr)...))
}

// length is the number of characters of a string, or of the "text" of a
// text object.
func length(v any) int {
	if m, ok := v.(obj); ok {
		v = m["text"]
	}
	s, _ := v.(string)
	return utf8.RuneCountInString(s)
}

// checkBlocks checks blocks, decoded by parseBlocks, for a surface of at
// most max blocks, and fills in the block_ids and action_ids Slack would
// generate. ptr is the array's JSON pointer, for the messages.
func checkBlocks(blocks []any, max int, ptr string) problems {
	var p problems
	if len(blocks) > max {
		p.addf(ptr, "no more than %d items allowed", max)
	}
	seen := map[string]bool{}
	for i, b := range blocks {
		m, bp := b.(obj), fmt.Sprintf("%s/%d", ptr, i)
		typ, _ := m["type"].(string)
		if typ == "" {
			p.addf(bp+"/type", "missing required field: type")
			continue
		}
		if id, _ := m["block_id"].(string); id != "" {
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
	if len(p) > 0 {
		return p
	}
	for _, b := range blocks {
		m := b.(obj)
		if id, _ := m["block_id"].(string); id == "" {
			for id == "" || seen[id] {
				id = randUpper(5)
			}
			seen[id] = true
			m["block_id"] = id
		}
		for _, e := range interactive(m) {
			if id, _ := e["action_id"].(string); id == "" {
				e["action_id"] = randUpper(5)
			}
		}
	}
	return nil
}

// interactive returns the block's elements that a user can act on.
func interactive(block obj) []obj {
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
	var out []obj
	for _, e := range els {
		if eo, ok := e.(obj); ok {
			out = append(out, eo)
		}
	}
	return out
}

// tooLong adds a problem when the text at m[key] is over max characters.
func tooLong(p *problems, m obj, key string, max int, ptr string) {
	if length(m[key]) > max {
		if _, isObj := m[key].(obj); isObj {
			ptr += "/text"
		}
		p.addf(ptr, "must be less than %d characters", max+1)
	}
}

func checkBlock(p *problems, m obj, typ, ptr string) {
	switch typ {
	case "section":
		_, hasText := m["text"].(obj)
		tooLong(p, m, "text", 3000, ptr+"/text")
		fields, _ := m["fields"].([]any)
		if !hasText && len(fields) == 0 {
			p.addf(ptr, "must provide either text or fields")
		}
		if len(fields) > 10 {
			p.addf(ptr+"/fields", "no more than 10 items allowed")
		}
		for i, f := range fields {
			if fo, ok := f.(obj); ok {
				tooLong(p, fo, "text", 2000, fmt.Sprintf("%s/fields/%d/text", ptr, i))
			}
		}
		if acc, ok := m["accessory"].(obj); ok {
			checkElement(p, acc, ptr+"/accessory")
		}
	case "header":
		if _, ok := m["text"].(obj); !ok {
			p.addf(ptr+"/text", "missing required field: text")
		}
		tooLong(p, m, "text", 150, ptr+"/text")
	case "context", "actions":
		max := map[string]int{"context": 10, "actions": 25}[typ]
		els, _ := m["elements"].([]any)
		if len(els) == 0 || len(els) > max {
			p.addf(ptr+"/elements", "must have between 1 and %d items", max)
		}
		for i, e := range els {
			if eo, ok := e.(obj); ok && typ == "actions" {
				checkElement(p, eo, fmt.Sprintf("%s/elements/%d", ptr, i))
			}
		}
	case "input":
		if _, ok := m["label"].(obj); !ok {
			p.addf(ptr+"/label", "missing required field: label")
		}
		tooLong(p, m, "label", 2000, ptr+"/label")
		if el, ok := m["element"].(obj); ok {
			checkElement(p, el, ptr+"/element")
		} else {
			p.addf(ptr+"/element", "missing required field: element")
		}
	}
}

func checkElement(p *problems, e obj, ptr string) {
	tooLong(p, e, "action_id", 255, ptr+"/action_id")
	typ, _ := e["type"].(string)
	switch typ {
	case "button":
		if _, ok := e["text"].(obj); !ok {
			p.addf(ptr+"/text", "missing required field: text")
		}
		tooLong(p, e, "text", 75, ptr+"/text")
		tooLong(p, e, "value", 2000, ptr+"/value")
	case "static_select", "multi_static_select", "radio_buttons", "checkboxes", "overflow":
		max := map[string]int{"radio_buttons": 10, "checkboxes": 10, "overflow": 5}[typ]
		if max == 0 {
			max = 100
		}
		opts := options(e)
		if len(opts) == 0 && e["option_groups"] == nil {
			p.addf(ptr+"/options", "missing required field: options")
		}
		if len(opts) > max {
			p.addf(ptr+"/options", "no more than %d items allowed", max)
		}
		for i, o := range opts {
			tooLong(p, o, "text", 75, fmt.Sprintf("%s/options/%d/text", ptr, i))
			tooLong(p, o, "value", 150, fmt.Sprintf("%s/options/%d/value", ptr, i))
		}
	}
}

// options returns an element's options, with those in option_groups.
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

// blockIDList is what the block id reader decodes of a blocks array.
type blockIDList []struct {
	BlockID string `json:"block_id"`
}

func (l blockIDList) ids() []string {
	ids := make([]string, len(l))
	for i, b := range l {
		ids[i] = b.BlockID
	}
	return ids
}

// BlockIDs returns the block_id of each block in raw, a JSON array of
// blocks, in order ("" for a block without one); none for empty raw. It is
// the one reader of block ids for the bot's tests and tools.
func BlockIDs(raw json.RawMessage) ([]string, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	var l blockIDList
	if err := json.Unmarshal(raw, &l); err != nil {
		return nil, fmt.Errorf("slacktest: blocks: %w", err)
	}
	return l.ids(), nil
}

// PayloadBlockIDs returns the block ids (as BlockIDs) of the "blocks" of
// the ack's payload, so that an answer carried by the ack can be told
// apart without decoding all of it.
func (a Ack) PayloadBlockIDs() ([]string, error) {
	if a.Payload == nil {
		return nil, nil
	}
	var m struct {
		Blocks blockIDList `json:"blocks"`
	}
	if err := json.Unmarshal(a.Payload, &m); err != nil {
		return nil, fmt.Errorf("slacktest: ack payload: %w", err)
	}
	return m.Blocks.ids(), nil
}

// BlockIDs returns the block_id of every block in the post, in order.
func (p Posted) BlockIDs() []string {
	ids, _ := BlockIDs(p.Blocks)
	return ids
}

// HasBlockID reports whether a block of the post has exactly this block_id.
func (p Posted) HasBlockID(id string) bool {
	return slices.Contains(p.BlockIDs(), id)
}

// HasBlockIDPrefix reports whether a block's id starts with prefix
// ("recommendation:", "faq:").
func (p Posted) HasBlockIDPrefix(prefix string) bool {
	for _, id := range p.BlockIDs() {
		if strings.HasPrefix(id, prefix) {
			return true
		}
	}
	return false
}
