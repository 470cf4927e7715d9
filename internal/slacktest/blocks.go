package slacktest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
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
	// d.More is false before a stray ] or }, which Slack would refuse too.
	if rest := bytes.TrimLeft(raw[d.InputOffset():], " \t\r\n"); len(rest) > 0 {
		return nil, fmt.Errorf("trailing data after JSON value")
	}
	return v, nil
}

// mustJSON encodes the emulator's own values and values decoded from JSON,
// which cannot fail.
func mustJSON(v any) json.RawMessage { return appendJSON(make([]byte, 0, 512), v) }

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
	if ids, err := fastBlockIDs(raw); err == nil {
		return ids
	}
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

// The fast path of parseBlocks and checkBlocks: the same verdict for blocks
// with nothing to report, without decoding them (see jsonfast.go).

// blockScan is what fastBlocks learnt from a blocks array.
type blockScan struct {
	out      json.RawMessage // the array with the block_ids Slack generates spliced in
	n        int             // blocks in it
	hasInput bool            // an input block among them
}

// fastBlocks checks raw, a blocks array for a surface of at most max
// blocks, the way parseBlocks and checkBlocks do. For blocks that pass
// every check and need nothing filled in but block_ids, it returns them
// with the ids spliced in; for anything else (a problem to report, a
// missing action_id, a field of an unexpected type) it returns errNotPlain
// and the caller takes the slow path, which answers the same and words
// the problems.
func fastBlocks(raw []byte, max int) (blockScan, error) {
	s := scanner{data: raw}
	res, err := s.blocks(max)
	if err != nil || !s.end() {
		return blockScan{}, errNotPlain
	}
	return res, nil
}

// blocks is fastBlocks for the array at the scanner's position.
func (s *scanner) blocks(max int) (blockScan, error) {
	var res blockScan
	var ids []string // block_ids seen; at most max of them
	var fill []int   // offsets just inside blocks that lack a block_id
	if s.peek() != '[' {
		return res, errNotPlain
	}
	start := s.pos
	err := s.array(func(int) error {
		if s.peek() != '{' {
			return errNotPlain
		}
		at := s.pos + 1
		b, err := s.block()
		if err != nil || !b.plain() {
			return errNotPlain
		}
		if res.n++; res.n > max {
			return errNotPlain
		}
		res.hasInput = res.hasInput || b.typ == "input"
		if !b.hasID {
			fill = append(fill, at)
			return nil
		}
		if utf8.RuneCountInString(b.id) > 255 || slices.Contains(ids, b.id) {
			return errNotPlain
		}
		ids = append(ids, b.id)
		return nil
	})
	if err != nil {
		return blockScan{}, err
	}
	raw := s.data[start:s.pos]
	if len(fill) == 0 {
		res.out = raw
		return res, nil
	}
	// A block that passed has a type, so a comma after the id is right.
	out := make([]byte, 0, len(raw)+len(fill)*len(`"block_id":"XXXXX",`))
	prev := 0
	for _, at := range fill {
		id := blockID()
		for slices.Contains(ids, id) {
			id = blockID()
		}
		ids = append(ids, id)
		out = append(out, raw[prev:at-start]...)
		out = append(append(append(out, `"block_id":"`...), id...), `",`...)
		prev = at - start
	}
	res.out = append(out, raw[prev:]...)
	return res, nil
}

// textInfo is a field that checkBlock reads as a text object.
type textInfo struct {
	obj   bool // it is an object
	runes int  // its "text", if a string
}

// elementInfo is an interactive element, as checkElement and
// fillActionIDs see it.
type elementInfo struct {
	typ      string
	actionID bool // a non-empty action_id string
	problem  bool // checkElement would report it
}

// blockInfo is a block, as checkBlock sees it.
type blockInfo struct {
	typ, id         string
	hasID           bool
	text, label     textInfo
	fields          int  // items in "fields"
	fieldTooLong    bool // a field's text over 2000 characters
	acc, element    elementInfo
	hasAcc, hasElem bool
	elements        int  // items in "elements"
	badElement      bool // an actions element with a problem or no action_id
}

// plain reports whether checkBlock and fillActionIDs have nothing to say.
func (b *blockInfo) plain() bool {
	switch b.typ {
	case "":
		return false
	case "section":
		if b.text.obj && b.text.runes > 3000 || !b.text.obj && b.fields == 0 || b.fields > 10 || b.fieldTooLong {
			return false
		}
		return !b.hasAcc || !b.acc.problem && (b.acc.actionID || b.acc.typ == "image")
	case "header":
		return b.text.obj && b.text.runes <= 150
	case "context":
		return b.elements >= 1 && b.elements <= 10
	case "actions":
		return b.elements >= 1 && b.elements <= 25 && !b.badElement
	case "input":
		return b.label.obj && b.label.runes <= 2000 && b.hasElem && !b.element.problem && b.element.actionID
	}
	return true
}

// block reads one block object. Repeated keys, escaped keys and a type or
// block_id that is not a non-empty string are not plain.
func (s *scanner) block() (blockInfo, error) {
	var b blockInfo
	var keys seen
	err := s.object(func(key jsonString) error {
		if key.escaped {
			return errNotPlain
		}
		var err error
		switch string(key.raw) {
		case "type":
			if err := keys.add(0); err != nil {
				return err
			}
			var t jsonString
			t, err = s.str()
			b.typ = t.value()
		case "block_id":
			if err := keys.add(1); err != nil {
				return err
			}
			var t jsonString
			t, err = s.str()
			b.id, b.hasID = t.value(), true
			if b.id == "" {
				return errNotPlain
			}
		case "text":
			if err := keys.add(2); err != nil {
				return err
			}
			b.text, err = s.textObject()
		case "label":
			if err := keys.add(3); err != nil {
				return err
			}
			b.label, err = s.textObject()
		case "fields":
			if err := keys.add(4); err != nil {
				return err
			}
			if s.peek() != '[' {
				return s.skip()
			}
			err = s.array(func(int) error {
				b.fields++
				f, err := s.textObject()
				b.fieldTooLong = b.fieldTooLong || f.runes > 2000
				return err
			})
		case "accessory":
			if err := keys.add(5); err != nil {
				return err
			}
			if s.peek() != '{' {
				return s.skip()
			}
			b.hasAcc = true
			b.acc, err = s.element()
		case "element":
			if err := keys.add(6); err != nil {
				return err
			}
			if s.peek() != '{' {
				return s.skip()
			}
			b.hasElem = true
			b.element, err = s.element()
		case "elements":
			if err := keys.add(7); err != nil {
				return err
			}
			if s.peek() != '[' {
				return s.skip()
			}
			err = s.array(func(int) error {
				b.elements++
				if s.peek() != '{' {
					return s.skip()
				}
				e, err := s.element()
				b.badElement = b.badElement || e.problem || !e.actionID
				return err
			})
		default:
			err = s.skip()
		}
		return err
	})
	return b, err
}

// textObject reads a value that should be a text object; only its "text"
// is looked at.
func (s *scanner) textObject() (textInfo, error) {
	if s.peek() != '{' {
		return textInfo{}, s.skip()
	}
	t := textInfo{obj: true}
	var keys seen
	err := s.object(func(key jsonString) error {
		if key.escaped {
			return errNotPlain
		}
		if string(key.raw) != "text" {
			return s.skip()
		}
		if err := keys.add(0); err != nil {
			return err
		}
		if s.peek() != '"' {
			return s.skip()
		}
		v, err := s.str()
		t.runes = v.runes()
		return err
	})
	return t, err
}

// element reads an element object and judges it as checkElement does.
func (s *scanner) element() (elementInfo, error) {
	var e elementInfo
	var keys seen
	var text textInfo
	idRunes, valueRunes, opts := 0, 0, 0
	groups, badOption := false, false
	option := func() error {
		if s.peek() != '{' {
			return s.skip()
		}
		opts++
		var keys seen
		return s.object(func(key jsonString) error {
			if key.escaped {
				return errNotPlain
			}
			switch string(key.raw) {
			case "text":
				if err := keys.add(0); err != nil {
					return err
				}
				t, err := s.textObject()
				badOption = badOption || t.runes > 75
				return err
			case "value":
				if err := keys.add(1); err != nil {
					return err
				}
				if s.peek() != '"' {
					return s.skip()
				}
				v, err := s.str()
				badOption = badOption || v.runes() > 150
				return err
			}
			return s.skip()
		})
	}
	optionList := func() error {
		if s.peek() != '[' {
			return s.skip()
		}
		return s.array(func(int) error { return option() })
	}
	err := s.object(func(key jsonString) error {
		if key.escaped {
			return errNotPlain
		}
		var err error
		switch string(key.raw) {
		case "action_id":
			if err := keys.add(0); err != nil {
				return err
			}
			if s.peek() != '"' {
				return s.skip()
			}
			var t jsonString
			t, err = s.str()
			idRunes = t.runes()
			e.actionID = idRunes > 0
		case "type":
			if err := keys.add(1); err != nil {
				return err
			}
			if s.peek() != '"' {
				return s.skip()
			}
			var t jsonString
			t, err = s.str()
			e.typ = t.value()
		case "text":
			if err := keys.add(2); err != nil {
				return err
			}
			text, err = s.textObject()
		case "value":
			if err := keys.add(3); err != nil {
				return err
			}
			if s.peek() != '"' {
				return s.skip()
			}
			var t jsonString
			t, err = s.str()
			valueRunes = t.runes()
		case "options":
			if err := keys.add(4); err != nil {
				return err
			}
			err = optionList()
		case "option_groups":
			if err := keys.add(5); err != nil {
				return err
			}
			switch s.peek() {
			case 'n':
				return s.literal("null")
			case '[':
				groups = true
				err = s.array(func(int) error {
					if s.peek() != '{' {
						return s.skip()
					}
					var keys seen
					return s.object(func(key jsonString) error {
						if key.escaped {
							return errNotPlain
						}
						if string(key.raw) != "options" {
							return s.skip()
						}
						if err := keys.add(0); err != nil {
							return err
						}
						return optionList()
					})
				})
			default:
				groups = true
				err = s.skip()
			}
		default:
			err = s.skip()
		}
		return err
	})
	e.problem = idRunes > 255
	switch e.typ {
	case "button":
		e.problem = e.problem || !text.obj || text.runes > 75 || valueRunes > 2000
	case "static_select", "multi_static_select", "radio_buttons", "checkboxes", "overflow":
		max := 100
		switch e.typ {
		case "radio_buttons", "checkboxes":
			max = 10
		case "overflow":
			max = 5
		}
		e.problem = e.problem || opts == 0 && !groups || opts > max || badOption
	}
	return e, err
}

// fastBlockIDs is blockIDs without decoding the blocks.
func fastBlockIDs(raw []byte) ([]string, error) {
	s := scanner{data: raw}
	var out []string
	err := s.array(func(int) error {
		if s.peek() != '{' {
			return errNotPlain
		}
		id, has := "", false
		err := s.object(func(key jsonString) error {
			if !key.is("block_id") {
				return s.skip()
			}
			// The last of repeated keys counts, as it does for a map.
			id, has = "", false
			if s.peek() != '"' {
				return s.skip()
			}
			t, err := s.str()
			id, has = t.value(), true
			return err
		})
		if has {
			out = append(out, id)
		}
		return err
	})
	if err != nil || !s.end() {
		return nil, errNotPlain
	}
	return out, nil
}
