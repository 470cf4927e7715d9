package faq

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxQueryRunes is how much of a question is searched. Real questions are far
// shorter; cutting bounds the work any input can cause.
const MaxQueryRunes = 400

// words splits s into lower-case words of letters and digits. It reads at
// most limit runes, drops invalid UTF-8, and turns "cto's" into "cto" so
// possessives match.
//
// After a personal possessive or "the" ("our CTO's birthday", "the CTO's
// slides") the "'s" stays: that may name a particular person, and the
// analyzer treats it apart.
func words(s string, limit int, dst []string) []string {
	return splitWords(s, limit, dst, false)
}

// splitWords is words; with possessives, every "'s" stays, for the
// analyzer to read ("OpenAI's CTO" is a particular person; see scan).
func splitWords(s string, limit int, dst []string, possessives bool) []string {
	// A word that needs no change (most are lower-case ASCII already) is a
	// slice of s; only the others are built in b, and copied. Before each
	// byte i, three variables hold the word being read:
	//   start < 0: no word has started; simple is true and b is empty.
	//   simple:    the word so far is s[start:i]; b is empty and unused.
	//   !simple:   the word so far is b (lower-cased, ’ as '); s[start:i]
	//              is only where it came from.
	// flush restores the first state.
	var b []byte
	start, simple := -1, true
	flush := func(end int) {
		if start < 0 {
			return
		}
		w := s[start:end]
		if !simple {
			w = string(b)
		}
		start, simple, b = -1, true, b[:0]
		if n := len(dst); !possessives && (n == 0 || !isPersonalPossessive(dst[n-1])) {
			w = strings.TrimSuffix(w, "'s")
		}
		if w = strings.Trim(w, "'"); w != "" {
			dst = append(dst, w)
		}
	}
	n, i := 0, 0
	for i < len(s) && n < limit {
		n++
		if c := s[i]; c < utf8.RuneSelf {
			switch {
			case 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '\'' && start >= 0:
				if start < 0 {
					start = i
				}
				if !simple {
					b = append(b, c)
				}
			case 'A' <= c && c <= 'Z':
				if start < 0 {
					start = i
				}
				if simple {
					b, simple = append(b, s[start:i]...), false
				}
				b = append(b, c+'a'-'A')
			default:
				flush(i)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			flush(i)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if start < 0 {
				start = i
			}
			if lr := unicode.ToLower(r); lr != r || !simple {
				if simple {
					b, simple = append(b, s[start:i]...), false
				}
				b = utf8.AppendRune(b, lr)
			}
		case r == '’' && start >= 0:
			if simple {
				b, simple = append(b, s[start:i]...), false
			}
			b = append(b, '\'')
		default:
			flush(i)
		}
		i += size
	}
	flush(i)
	return dst
}

// isPersonalPossessive reports whether w may make a following "X's" a
// particular person's: "our CTO's manager" is; after "the", the analyzer
// decides by what follows ("the CTO's slides", not "the CTO's job").
func isPersonalPossessive(w string) bool {
	switch w {
	case "our", "my", "your", "his", "her", "their", "the":
		return true
	}
	return false
}

// phrase maps a run of words to one canonical term, so "chief AI officer"
// and "CAIO" are the same thing to the ranking (ConceptsFile lists them).
type phrase struct {
	words []string
	term  string
	stems []string // the stems of words: phrases match inflected forms too
}

func toSet(s string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// stem strips common English suffixes. It is deliberately light: it only has
// to map a question and the content to the same form, not be linguistics.
func stem(w string) string {
	if len(w) <= 3 {
		return w
	}
	for _, s := range []struct{ suf, rep string }{
		{"ational", "ate"}, {"ization", "ize"}, {"ities", "ity"}, {"ments", ""},
		{"ment", ""}, {"ingly", ""}, {"ies", "y"}, {"ing", ""}, {"ers", "er"}, {"ed", ""},
		{"es", "e"}, {"ly", ""}, {"s", ""},
	} {
		if !strings.HasSuffix(w, s.suf) {
			continue
		}
		if s.suf == "s" && (strings.HasSuffix(w, "ss") || strings.HasSuffix(w, "us")) {
			break
		}
		if rest := len(w) - len(s.suf); rest >= 4 || (s.suf == "s" && rest >= 3) {
			w = w[:rest] + s.rep
		}
		break
	}
	// A final "e" comes and goes with suffixes (hire, hiring, hired): drop it.
	if len(w) > 4 && w[len(w)-1] == 'e' {
		w = w[:len(w)-1]
	}
	return w
}
