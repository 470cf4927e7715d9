package slacktest

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/fractional-advisor/fractional-advisor/internal/jsonenc"
)

// stateValues is mustJSON(viewState(blocks, answers)) for a view's stored
// blocks, read with the scanner rather than decoded: a modal is mostly
// options, and decoding them all for every submission was most of the cost
// of SubmitView. The options and initial values the state echoes go in as
// the JSON the bot sent, which says the same as viewState's re-encoding.
func stateValues(blocks []byte, answers map[string]string) (json.RawMessage, error) {
	values := map[string][]byte{} // block_id -> {action_id: state}; a later block with the same id replaces an earlier one
	s := scanner{data: blocks}
	err := s.array(func(int) error {
		var typ, bid string
		var element []byte // nil unless an object
		err := s.object(func(key jsonString) error {
			switch {
			case key.is("type"):
				return s.optionalString(&typ)
			case key.is("block_id"):
				return s.optionalString(&bid)
			case key.is("element"):
				element = nil
				if s.peek() != '{' {
					return s.skip()
				}
				var err error
				element, err = s.rawValue()
				return err
			}
			return s.skip()
		})
		if err != nil || typ != "input" || element == nil {
			return err
		}
		ans, has := answers[bid]
		state, err := elementStateJSON(element, ans, has)
		values[bid] = state
		return err
	})
	if err != nil || !s.end() {
		return nil, errNotPlain
	}
	for k, v := range answers { // answers for unknown blocks pass as text inputs
		if _, known := values[k]; !known {
			values[k] = mustJSON(obj{k: obj{"type": "plain_text_input", "value": v}})
		}
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	o := jsonObject{b: make([]byte, 0, 1024)}
	for _, k := range keys {
		o.raw(k, values[k])
	}
	return o.done(), nil
}

// optionalString reads a string into dst, or anything else as "", the way
// viewState takes a member with `v, _ := m[k].(string)`.
func (s *scanner) optionalString(dst *string) error {
	*dst = ""
	if s.peek() != '"' {
		return s.skip()
	}
	t, err := s.str()
	*dst = t.value()
	return err
}

// member is an object member as JSON text.
type member struct {
	key jsonString
	raw []byte
}

// members appends an object's members to ms, in order; nothing for
// anything but an object.
func members(ms []member, raw []byte) ([]member, error) {
	s := scanner{data: raw}
	if s.peek() != '{' {
		return ms, nil
	}
	err := s.object(func(key jsonString) error {
		v, err := s.rawValue()
		ms = append(ms, member{key, v})
		return err
	})
	return ms, err
}

// get returns the last member named k, as a decoded map would have it.
func get(ms []member, k string) ([]byte, bool) {
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].key.is(k) {
			return ms[i].raw, true
		}
	}
	return nil, false
}

// getString is get for a string member: "" if absent or of another type.
func getString(ms []member, k string) string {
	raw, _ := get(ms, k)
	v, _ := unquote(raw)
	return v
}

// elementStateJSON is mustJSON(obj{action_id: elementState(el, ans, has)})
// for an element given as JSON text.
func elementStateJSON(element []byte, ans string, has bool) ([]byte, error) {
	var buf [16]member // an element has a handful of members: no allocation
	el, err := members(buf[:0], element)
	if err != nil {
		return nil, err
	}
	typ := getString(el, "type")
	// orNil is elementState's: the answer, else the initial value when
	// there is no answer at all, else null.
	orNil := func(initial string) []byte {
		if has && ans != "" {
			return jsonenc.AppendString(nil, ans)
		}
		if v, ok := get(el, initial); ok && !has {
			return v
		}
		return []byte("null")
	}
	var st jsonObject // keys in sorted order: selected_… < type < value
	switch typ {
	case "static_select", "external_select", "radio_buttons":
		switch initial, _ := get(el, "initial_option"); {
		case has && ans != "":
			opt, err := optionJSON(el, ans)
			if err != nil {
				return nil, err
			}
			st.raw("selected_option", opt)
		case !has && initial != nil && string(initial) != "null":
			st.raw("selected_option", initial)
		default:
			st.raw("selected_option", nil)
		}
	case "multi_static_select", "multi_external_select", "checkboxes":
		sel := []byte{'['}
		if has {
			for _, v := range strings.Split(ans, ",") {
				if v = strings.TrimSpace(v); v == "" {
					continue
				}
				opt, err := optionJSON(el, v)
				if err != nil {
					return nil, err
				}
				if len(sel) > 1 {
					sel = append(sel, ',')
				}
				sel = append(sel, opt...)
			}
			sel = append(sel, ']')
		} else if initial, _ := get(el, "initial_options"); len(initial) > 0 && initial[0] == '[' {
			sel = initial
		} else {
			sel = append(sel, ']')
		}
		st.raw("selected_options", sel)
	case "users_select":
		st.raw("selected_user", orNil("initial_user"))
	case "conversations_select":
		st.raw("selected_conversation", orNil("initial_conversation"))
	case "channels_select":
		st.raw("selected_channel", orNil("initial_channel"))
	case "datepicker":
		st.raw("selected_date", orNil("initial_date"))
	case "timepicker":
		st.raw("selected_time", orNil("initial_time"))
	case "multi_users_select", "multi_conversations_select", "multi_channels_select":
		sel := []any{}
		for _, v := range strings.Split(ans, ",") {
			if v = strings.TrimSpace(v); v != "" {
				sel = append(sel, v)
			}
		}
		st.value(map[string]string{
			"multi_users_select":         "selected_users",
			"multi_conversations_select": "selected_conversations",
			"multi_channels_select":      "selected_channels",
		}[typ], sel)
	}
	st.str("type", typ)
	switch typ {
	case "static_select", "external_select", "radio_buttons", "multi_static_select", "multi_external_select", "checkboxes",
		"users_select", "conversations_select", "channels_select", "datepicker", "timepicker",
		"multi_users_select", "multi_conversations_select", "multi_channels_select":
	default: // plain_text_input, email_text_input, url_text_input, number_input, ...
		st.raw("value", orNil("initial_value"))
	}
	var out jsonObject
	out.raw(getString(el, "action_id"), st.done())
	return out.done(), nil
}

// optionJSON is optionFor: the element's option (in options, then in
// option_groups) whose value is value, as sent, or one made up for it.
func optionJSON(el []member, value string) ([]byte, error) {
	var found []byte
	var buf [8]member
	// search looks through a list of options for the first match.
	search := func(list []byte) error {
		s := scanner{data: list}
		if found != nil || s.peek() != '[' {
			return nil
		}
		return s.array(func(int) error {
			opt, err := s.rawValue()
			if err != nil || found != nil || opt[0] != '{' {
				return err
			}
			ms, err := members(buf[:0], opt)
			if raw, _ := get(ms, "value"); err == nil && raw != nil && raw[0] == '"' {
				if v, _ := unquote(raw); v == value {
					found = opt
				}
			}
			return err
		})
	}
	options, _ := get(el, "options")
	if err := search(options); err != nil {
		return nil, err
	}
	groups, _ := get(el, "option_groups")
	s := scanner{data: groups}
	if found == nil && s.peek() == '[' {
		err := s.array(func(int) error {
			group, err := s.rawValue()
			if err != nil || found != nil {
				return err
			}
			ms, err := members(buf[:0], group)
			if err != nil {
				return err
			}
			list, _ := get(ms, "options")
			return search(list)
		})
		if err != nil {
			return nil, err
		}
	}
	if found != nil {
		return found, nil
	}
	return mustJSON(obj{"text": obj{"type": "plain_text", "text": value, "emoji": true}, "value": value}), nil
}
