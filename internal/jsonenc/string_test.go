package jsonenc

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestAppendString checks every single byte, every escape and the
// awkward runes against encoding/json.
func TestAppendString(t *testing.T) {
	t.Parallel()
	cases := []string{"", "plain", `quote " backslash \\`, "<!channel> & <@U1>", "\x00\x1f\x7f", "\u2028\u2029", "caf\xc3\xa9 \xff \xc3", "emoji 👍"}
	// Every byte and awkward rune at every offset of a word the encoder
	// reads eight bytes at a time.
	safe := strings.Repeat("abcdefgh", 3)
	for b := range 256 {
		for at := range 17 {
			cases = append(cases, safe[:at]+string([]byte{byte(b)})+safe[at:])
		}
	}
	for _, r := range []rune{0x7f, 0x80, 0x9f, 0xa0, 0x7ff, 0x800, 0x2027, 0x2028, 0x2029, 0x202a, 0xfffd, 0xffff, 0x10000, 0x10ffff} {
		cases = append(cases, string(r))
		for at := range 17 {
			cases = append(cases, safe[:at]+string(r)+safe[at:])
		}
	}
	for _, s := range cases {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := AppendString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("AppendString(%q) = %s, want %s", s, got, want)
		}
	}
}

// FuzzAppendString compares AppendString with json.Marshal.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "abcdefgh<", "\u2028", "\xff\xfe", `"\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := AppendString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("AppendString(%q) = %s, want %s", s, got, want)
		}
	})
}
