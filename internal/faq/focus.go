package faq

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// focusMinWords is the length from which a message may bury its question
// in context ("We're a 40-person fintech, our CTO left in March, the board
// wants an AI plan by Q3. Do we need a CAIO first?"): the context's words
// dilute the question's, so the sentence that asks is searched on its own
// too. It was 20; 12 (measured 10 to 25, 2026-12-03) answers two more of
// the blind set's tune half and one more of eval.yaml, with the held-out
// sets and every rejection figure unchanged (14 lost one held-out answer,
// 10 did as 12).
const focusMinWords = 12

// questionFocus returns the sentences of a long message that ask (ending
// in "?", or opening with an interrogative or a request for advice), or ""
// when the message is short, asks nothing, or is all question.
func questionFocus(text string) string {
	f, _ := questionFocusLead(text)
	return f
}

// questionFocusLead is questionFocus, and the same with the sentence
// before the first asking one, which often names what "that" or "those"
// refers to ("... a shortlist of AI opportunities. How would you rank
// those?"); lead is "" when there is none.
func questionFocusLead(text string) (focus, lead string) {
	if !hasWords(text, focusMinWords) {
		return "", ""
	}
	var asks []string
	total := 0
	start := 0
	prev, before := "", ""
	flush := func(end int, mark rune) {
		s := strings.TrimSpace(text[start:end])
		start = end
		if s == "" {
			return
		}
		total++
		ws := dropFillers(sentenceWords(s))
		if mark == '?' || asksForAdvice(ws) || opensQuestion(ws) {
			if len(asks) == 0 {
				before = prev
			}
			asks = append(asks, s)
		}
		prev = s
	}
	for i, r := range text {
		switch r {
		case '?', '!', '\n':
			flush(i+utf8.RuneLen(r), r)
		case '.':
			if next, _ := utf8.DecodeRuneInString(text[i+1:]); i+1 >= len(text) || unicode.IsSpace(next) {
				flush(i+1, r)
			}
		}
	}
	flush(len(text), 0)
	if len(asks) == 0 || len(asks) == total {
		return "", ""
	}
	focus = strings.Join(asks, " ")
	if before != "" && before != asks[0] {
		lead = before + " " + focus
	}
	return focus, lead
}

// hasWords reports whether text has at least n words (runs of non-space,
// as strings.Fields splits them), without building them: most questions
// are short, and every search asks.
func hasWords(text string, n int) bool {
	in := false
	for _, r := range text {
		if unicode.IsSpace(r) {
			in = false
			continue
		}
		if !in {
			if n--; n <= 0 {
				return true
			}
			in = true
		}
	}
	return n <= 0
}
