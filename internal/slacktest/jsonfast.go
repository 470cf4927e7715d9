package slacktest

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/fractional-advisor/fractional-advisor/internal/jsonenc"
)

// JSON on the hot paths. A load tool runs the emulator on the same cores as
// the app it measures, thousands of requests a second, and encoding/json
// (decoding to maps, re-encoding them) was most of its cost. The scanner
// below validates JSON and hands out the parts the emulator needs without
// building values; the encoder writes the emulator's own values. Callers
// fall back to encoding/json whenever the input is anything but plain (a
// problem to report, a field of an unexpected type, an escaped key), so
// every answer is the one encoding/json would have led to.

// errNotPlain sends a caller back to its encoding/json path.
var errNotPlain = errors.New("slacktest: not plain JSON")

// maxDepth is encoding/json's nesting limit: deeper input is an error there
// too, so the fallback answers it.
const maxDepth = 10000

// scanner reads one JSON text. Its methods return errNotPlain on a syntax
// error as well as on input the caller does not handle.
type scanner struct {
	data  []byte
	pos   int
	depth int
}

func (s *scanner) ws() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, 0 at the end.
func (s *scanner) peek() byte {
	s.ws()
	if s.pos < len(s.data) {
		return s.data[s.pos]
	}
	return 0
}

// end reports whether only space is left.
func (s *scanner) end() bool {
	s.ws()
	return s.pos == len(s.data)
}

// jsonString is a string token: the bytes between the quotes and whether
// they hold escapes.
type jsonString struct {
	raw     []byte
	escaped bool
}

// str reads a string token. It looks for the closing quote and for
// backslashes with bytes.IndexByte, which is much faster than a loop over
// the text, and makes one pass over each byte to reject control
// characters.
func (s *scanner) str() (jsonString, error) {
	if s.peek() != '"' {
		return jsonString{}, errNotPlain
	}
	d := s.data
	start := s.pos + 1
	quote := bytes.IndexByte(d[start:], '"')
	if quote < 0 {
		return jsonString{}, errNotPlain
	}
	quote += start
	esc := false
	for i := start; ; {
		seg := d[i:quote]
		bs := bytes.IndexByte(seg, '\\')
		if bs >= 0 {
			seg = seg[:bs]
		}
		if hasControl(seg) {
			return jsonString{}, errNotPlain
		}
		if bs < 0 {
			s.pos = quote + 1
			return jsonString{raw: d[start:quote], escaped: esc}, nil
		}
		esc = true
		i += bs
		if i+1 >= len(d) {
			return jsonString{}, errNotPlain
		}
		switch d[i+1] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			i += 2
		case 'u':
			if i+6 > len(d) || hex4(d[i+2:i+6]) < 0 {
				return jsonString{}, errNotPlain
			}
			i += 6
		default:
			return jsonString{}, errNotPlain
		}
		if i > quote { // the quote found was escaped: look past it
			q := bytes.IndexByte(d[i:], '"')
			if q < 0 {
				return jsonString{}, errNotPlain
			}
			quote = i + q
		}
	}
}

// hasControl reports whether b holds a byte below 0x20, which JSON strings
// may not; eight bytes at a time.
func hasControl(b []byte) bool {
	for len(b) >= 8 {
		x := binary.LittleEndian.Uint64(b)
		if (x-0x2020202020202020)&^x&0x8080808080808080 != 0 {
			return true
		}
		b = b[8:]
	}
	for _, c := range b {
		if c < 0x20 {
			return true
		}
	}
	return false
}

func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// value returns the string's value as encoding/json decodes it: escapes
// decoded, a valid surrogate pair as one rune, and U+FFFD for a lone
// surrogate and for each byte of invalid UTF-8.
func (t jsonString) value() string {
	if !t.escaped && utf8.Valid(t.raw) {
		return string(t.raw)
	}
	b, out := t.raw, make([]byte, 0, len(t.raw))
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\\')
		if i < 0 {
			i = len(b)
		}
		if seg := b[:i]; utf8.Valid(seg) {
			out = append(out, seg...)
		} else {
			for len(seg) > 0 {
				r, n := utf8.DecodeRune(seg)
				out = utf8.AppendRune(out, r) // RuneError for an invalid byte
				seg = seg[n:]
			}
		}
		if b = b[i:]; len(b) == 0 {
			break
		}
		switch b[1] {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r := hex4(b[2:])
			b = b[6:]
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if len(b) >= 6 && b[0] == '\\' && b[1] == 'u' {
					r2 = hex4(b[2:])
				}
				if dec := utf16.DecodeRune(r, r2); dec != unicode.ReplacementChar {
					r = dec
					b = b[6:]
				} else {
					r = unicode.ReplacementChar
				}
			}
			out = utf8.AppendRune(out, r)
			continue
		default: // '"', '\\', '/'
			out = append(out, b[1])
		}
		b = b[2:]
	}
	return string(out)
}

// is reports whether the string's value is exactly v.
func (t jsonString) is(v string) bool {
	if !t.escaped {
		return string(t.raw) == v
	}
	return t.value() == v
}

// runes is utf8.RuneCountInString of the value, without building it.
func (t jsonString) runes() int {
	if !t.escaped {
		return utf8.RuneCount(t.raw) // invalid bytes count one each, as their U+FFFD would
	}
	n, b := 0, t.raw
	for i := 0; i < len(b); {
		if b[i] != '\\' {
			j := i + 1
			for j < len(b) && b[j] != '\\' {
				j++
			}
			n += utf8.RuneCount(b[i:j])
			i = j
			continue
		}
		n++
		if b[i+1] != 'u' {
			i += 2
			continue
		}
		r := hex4(b[i+2:])
		i += 6
		// A valid surrogate pair is one rune; anything else decodes to
		// U+FFFD and the next escape stands alone.
		if utf16.IsSurrogate(r) && i+6 <= len(b) && b[i] == '\\' && b[i+1] == 'u' {
			if utf16.DecodeRune(r, hex4(b[i+2:])) != unicode.ReplacementChar {
				i += 6
			}
		}
	}
	return n
}

// skip reads any one value.
func (s *scanner) skip() error {
	switch c := s.peek(); c {
	case '{':
		return s.object(func(jsonString) error { return s.skip() })
	case '[':
		return s.array(func(int) error { return s.skip() })
	case '"':
		_, err := s.str()
		return err
	case 't':
		return s.literal("true")
	case 'f':
		return s.literal("false")
	case 'n':
		return s.literal("null")
	default:
		return s.number()
	}
}

func (s *scanner) literal(word string) error {
	if len(s.data)-s.pos < len(word) || string(s.data[s.pos:s.pos+len(word)]) != word {
		return errNotPlain
	}
	s.pos += len(word)
	return nil
}

// number reads -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *scanner) number() error {
	d, i := s.data, s.pos
	digits := func() bool {
		j := i
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
		return i > j
	}
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case !digits():
		return errNotPlain
	}
	if i < len(d) && d[i] == '.' {
		i++
		if !digits() {
			return errNotPlain
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if !digits() {
			return errNotPlain
		}
	}
	s.pos = i
	return nil
}

// object reads an object, calling member for each key; member must read
// the value.
func (s *scanner) object(member func(key jsonString) error) error {
	if s.peek() != '{' {
		return errNotPlain
	}
	if s.depth++; s.depth > maxDepth {
		return errNotPlain
	}
	s.pos++
	if s.peek() == '}' {
		s.pos++
		s.depth--
		return nil
	}
	for {
		key, err := s.str()
		if err != nil {
			return err
		}
		if s.peek() != ':' {
			return errNotPlain
		}
		s.pos++
		if err := member(key); err != nil {
			return err
		}
		switch s.peek() {
		case ',':
			s.pos++
		case '}':
			s.pos++
			s.depth--
			return nil
		default:
			return errNotPlain
		}
	}
}

// array reads an array, calling elem for each element; elem must read it.
func (s *scanner) array(elem func(i int) error) error {
	if s.peek() != '[' {
		return errNotPlain
	}
	if s.depth++; s.depth > maxDepth {
		return errNotPlain
	}
	s.pos++
	if s.peek() == ']' {
		s.pos++
		s.depth--
		return nil
	}
	for i := 0; ; i++ {
		if err := elem(i); err != nil {
			return err
		}
		switch s.peek() {
		case ',':
			s.pos++
		case ']':
			s.pos++
			s.depth--
			return nil
		default:
			return errNotPlain
		}
	}
}

// rawValue reads any value and returns its text.
func (s *scanner) rawValue() ([]byte, error) {
	s.ws()
	start := s.pos
	if err := s.skip(); err != nil {
		return nil, err
	}
	return s.data[start:s.pos], nil
}

// stringInto reads a string into dst as json.Unmarshal does into a string
// field: null leaves dst alone, any other type is not plain.
func (s *scanner) stringInto(dst *string) error {
	if s.peek() == 'n' {
		return s.literal("null")
	}
	t, err := s.str()
	if err == nil {
		*dst = t.value()
	}
	return err
}

// boolInto is stringInto for a bool field.
func (s *scanner) boolInto(dst *bool) error {
	switch s.peek() {
	case 't':
		*dst = true
		return s.literal("true")
	case 'f':
		*dst = false
		return s.literal("false")
	case 'n':
		return s.literal("null")
	}
	return errNotPlain
}

// keyIndex says which of names key is, -1 for none. For struct-like
// decoding: encoding/json matches struct fields without regard to case,
// so a key that matches one only that way is not plain.
func keyIndex(key jsonString, names ...string) (int, error) {
	k := string(key.raw)
	if key.escaped {
		k = key.value()
	}
	for i, n := range names {
		if k == n {
			return i, nil
		}
	}
	for _, n := range names {
		if strings.EqualFold(k, n) {
			return -1, errNotPlain
		}
	}
	return -1, nil
}

// skipUnless returns err, or skips the value if there is none.
func skipUnless(s *scanner, err error) error {
	if err != nil {
		return err
	}
	return s.skip()
}

// seen guards against a repeated key among those a walker looks at:
// encoding/json keeps the last, and a walker that checks as it goes would
// have checked both.
type seen uint32

func (m *seen) add(i int) error {
	if *m&(1<<i) != 0 {
		return errNotPlain
	}
	*m |= 1 << i
	return nil
}

// topLevel reads a JSON object's members, by key, as their text, the way
// json.Unmarshal into map[string]json.RawMessage does (the last of
// repeated keys wins), without copying them.
func topLevel(data []byte) (map[string]json.RawMessage, error) {
	s := scanner{data: data}
	m := map[string]json.RawMessage{}
	err := s.object(func(key jsonString) error {
		v, err := s.rawValue()
		m[key.value()] = v
		return err
	})
	if err != nil || !s.end() {
		return nil, errNotPlain
	}
	return m, nil
}

// unquote returns a JSON string value's text, or errNotPlain for any other
// value.
func unquote(raw []byte) (string, error) {
	s := scanner{data: raw}
	t, err := s.str()
	if err != nil || !s.end() {
		return "", errNotPlain
	}
	return t.value(), nil
}

// Encoding. appendJSON writes v as json.Marshal would for the types the
// emulator builds its answers from, and defers to json.Marshal for any
// other. json.RawMessage values are written as they are: the emulator's
// come from its own encoder or have been checked by the scanner.

func appendJSON(dst []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...)
	case string:
		return jsonenc.AppendString(dst, x)
	case bool:
		return strconv.AppendBool(dst, x)
	case int:
		return strconv.AppendInt(dst, int64(x), 10)
	case int64:
		return strconv.AppendInt(dst, x, 10)
	case json.RawMessage:
		if len(x) == 0 {
			return append(dst, "null"...)
		}
		return append(dst, x...)
	case obj:
		if x == nil {
			return append(dst, "null"...)
		}
		var small [16]string // the emulator's objects are small: no allocation
		keys := small[:0]
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		dst = append(dst, '{')
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = jsonenc.AppendString(dst, k)
			dst = append(dst, ':')
			dst = appendJSON(dst, x[k])
		}
		return append(dst, '}')
	case map[string]string:
		if x == nil {
			return append(dst, "null"...)
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		dst = append(dst, '{')
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = jsonenc.AppendString(dst, k)
			dst = append(dst, ':')
			dst = jsonenc.AppendString(dst, x[k])
		}
		return append(dst, '}')
	case []any:
		if x == nil {
			return append(dst, "null"...)
		}
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSON(dst, e)
		}
		return append(dst, ']')
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic("slacktest: marshal: " + err.Error()) // only ever called on the emulator's own values
	}
	return append(dst, b...)
}

// jsonObject builds an object member by member, for payloads with known
// keys: given in sorted order, it writes what json.Marshal writes for the
// same map, without building the map.
type jsonObject struct {
	b []byte
	n int
}

func (o *jsonObject) key(k string) {
	if o.n++; o.n == 1 {
		o.b = append(o.b, '{')
	} else {
		o.b = append(o.b, ',')
	}
	o.b = append(jsonenc.AppendString(o.b, k), ':')
}

func (o *jsonObject) str(k, v string) { o.key(k); o.b = jsonenc.AppendString(o.b, v) }

func (o *jsonObject) boolean(k string, v bool) { o.key(k); o.b = strconv.AppendBool(o.b, v) }

func (o *jsonObject) int(k string, v int64) { o.key(k); o.b = strconv.AppendInt(o.b, v, 10) }

func (o *jsonObject) value(k string, v any) { o.key(k); o.b = appendJSON(o.b, v) }

// raw adds JSON text as it is; nil is null.
func (o *jsonObject) raw(k string, v []byte) {
	o.key(k)
	if len(v) == 0 {
		o.b = append(o.b, "null"...)
		return
	}
	o.b = append(o.b, v...)
}

func (o *jsonObject) done() json.RawMessage {
	if o.n == 0 {
		return append(o.b, '{', '}')
	}
	return append(o.b, '}')
}
