// Package jsonenc writes JSON strings exactly as encoding/json does, without
// reflection. The bot's request bodies and blocks (blockkit, slackbot) and
// the Slack emulator's answers are written by hand on their hot paths, and
// every string in them goes through here.
package jsonenc

import "unicode/utf8"

// AppendString appends s as a JSON string: the same bytes as
// json.Marshal(s), with <, >, & and U+2028/U+2029 escaped and invalid
// UTF-8 replaced by U+FFFD.
func AppendString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		// Most text needs no escaping: skip it eight bytes at a time, and
		// go byte by byte only through eight that hold something.
		if i+8 <= len(s) && !needsEscape(load64(s, i)) {
			i += 8
			continue
		}
		for end := min(i+8, len(s)); i < end; {
			c := s[i]
			if c < utf8.RuneSelf {
				if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
					i++
					continue
				}
				dst = append(dst, s[start:i]...)
				switch c {
				case '"', '\\':
					dst = append(dst, '\\', c)
				case '\b':
					dst = append(dst, '\\', 'b')
				case '\f':
					dst = append(dst, '\\', 'f')
				case '\n':
					dst = append(dst, '\\', 'n')
				case '\r':
					dst = append(dst, '\\', 'r')
				case '\t':
					dst = append(dst, '\\', 't')
				default:
					dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
				}
				i++
				start = i
				continue
			}
			r, size := utf8.DecodeRuneInString(s[i:])
			switch {
			case r == utf8.RuneError && size == 1:
				dst = append(dst, s[start:i]...)
				dst = append(dst, `\ufffd`...)
			case r == '\u2028' || r == '\u2029':
				dst = append(dst, s[start:i]...)
				dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xf])
			default:
				i += size
				continue
			}
			i += size
			start = i
		}
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// needsEscape reports whether any of the eight bytes of x is a control
// character, '"', '\\', '<', '>', '&' or not ASCII. It tests them all at
// once with the classic SWAR tricks: in x-0x01…01 & ^x & 0x80…80 a byte's
// top bit is set only if some byte of x is zero (and likewise x-n*0x01…01
// flags a byte below n), so comparing with a character is XOR then that test.
func needsEscape(x uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	// '<' and '>' differ only in bit 1: clear it and compare once.
	quote, slash, angle, amp := x^(ones*'"'), x^(ones*'\\'), (x&(ones*0xfd))^(ones*'<'), x^(ones*'&')
	below := (x - ones*0x20) & ^x
	zero := (quote-ones) & ^quote | (slash-ones) & ^slash | (angle-ones) & ^angle | (amp-ones) & ^amp
	return (x|below|zero)&highs != 0
}

// load64 reads eight bytes of s from i on, as one load.
func load64(s string, i int) uint64 {
	w := s[i : i+8]
	return uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
		uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
}
