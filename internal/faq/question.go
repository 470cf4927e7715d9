package faq

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// minQuestionWords is the fewest words (with a letter) a message needs to
// read as a question: "lunch?", "any thoughts?" and "+1" are chatter or
// replies in a busy channel, while "CAIO vs CTO?" is the shortest real
// question worth answering.
const minQuestionWords = 3

// maxSmallTalkWords is the longest message a small-talk opening ("how are
// you", "what's up") marks as small talk: "how are you all doing?" is,
// "how are you all thinking about AI governance?" is not.
const maxSmallTalkWords = 6

// ReadsAsQuestion reports whether a channel message reads as a question,
// for the channels the bot watches: it answers (and records) only the
// messages that do, and leaves small talk, announcements and statements
// alone. It is a handful of rules about English wording (the only
// language of the knowledge base), not a classifier, and decides only
// whether the message asks something: an off-topic question is still a
// question, for the search to turn down.
//
// Slack markup is dropped first: mentions, channel and link tokens (a
// link keeps its label), code spans and blocks, quoted lines and emoji
// shortcodes. Then a message is a question when it has at least
// minQuestionWords words, is not small talk, and
//
//   - has a sentence ending in "?"; or
//   - has a sentence opening with a request for advice ("any advice on",
//     "does anyone", "I wonder", "thoughts on", ...); or
//   - opens with an interrogative, unless that sentence ends in "!":
//     a wh-word ("what does a CAIO do all week"), but not "what a" ("what
//     a week") nor one followed straight by its subject, which headlines
//     and clauses do ("How we hired our CTO", "When you get a minute,
//     ..."); or an auxiliary verb followed by what can be its subject
//     ("should we", "can someone", "will the board"), so that "Should be
//     fixed now", "Have a great weekend" and "Don't forget the deck" are
//     not questions. "Do", "does", "is" and "are" need no subject check.
//
// Small talk is a greeting or rhetorical opening in a short message
// ("how are you all?", "what a day", "can you believe it?") or an
// invitation at any length ("who's up for lunch?").
func ReadsAsQuestion(text string) bool {
	sents := sentences(stripMarkup(text))
	n := 0
	for _, s := range sents {
		for _, w := range s.words {
			if hasLetter(w) {
				n++
			}
		}
	}
	if n < minQuestionWords {
		return false
	}
	first := -1
	advice := false
	for i := range sents {
		raw := sents[i].words
		sents[i].words = dropFillers(raw)
		advice = advice || asksForAdvice(raw) || asksForAdvice(sents[i].words)
		if first < 0 && len(sents[i].words) > 0 {
			first = i
		}
	}
	if first < 0 || isSmallTalk(sents[first].words, n) {
		return false
	}
	if advice {
		return true
	}
	for _, s := range sents {
		if s.end == '?' {
			return true
		}
	}
	return sents[first].end != '!' && opensQuestion(sents[first].words)
}

// sentence is the lower-cased words of one sentence and the punctuation
// that ended it (0 at the end of the text or of a line).
type sentence struct {
	words []string
	end   rune
}

// sentences splits text at sentence ends: "?" and "!" always, "." ":"
// ";" and "," before a space (not in "3.5", "10:30" or "20,000"), and
// line breaks. A clause after a comma counts as a sentence, so that
// "Team, do we need ..." and "Honestly, I wonder ..." open with their
// question.
func sentences(text string) []sentence {
	var out []sentence
	start := 0
	for i, r := range text {
		switch r {
		case '?', '!', '\n':
		case '.', ':', ';', ',':
			if next, _ := utf8.DecodeRuneInString(text[i+1:]); i+1 < len(text) && !unicode.IsSpace(next) {
				continue
			}
		default:
			continue
		}
		if ws := sentenceWords(text[start:i]); len(ws) > 0 {
			out = append(out, sentence{ws, r})
		} else if r == '?' && len(out) > 0 && out[len(out)-1].end == '!' {
			out[len(out)-1].end = '?' // "really!?"
		}
		start = i + 1
	}
	if ws := sentenceWords(text[start:]); len(ws) > 0 {
		out = append(out, sentence{ws, 0})
	}
	return out
}

// sentenceWords returns the words of s, lower case, with ’ as ': tokens
// between spaces, trimmed of punctuation, holding a letter or digit.
// "@name" tokens are mentions, not words.
func sentenceWords(s string) []string {
	var ws []string
	for _, f := range strings.Fields(s) {
		if strings.HasPrefix(f, "@") {
			continue
		}
		f = strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		if f == "" {
			continue
		}
		ws = append(ws, strings.ReplaceAll(strings.ToLower(f), "’", "'"))
	}
	return ws
}

func hasLetter(w string) bool { return strings.IndexFunc(w, unicode.IsLetter) >= 0 }

// stripMarkup removes what in a Slack message is not the writer's words:
// code blocks and spans, quoted lines ("> ..."), <@U123>, <#C1|name> and
// <!here> tokens, links (keeping a label: <https://x|the doc> is "the
// doc"), and emoji shortcodes (:wave:, :+1:). Entities &lt; &gt; &amp;
// are decoded.
func stripMarkup(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	for len(text) > 0 {
		switch {
		case strings.HasPrefix(text, "```"):
			end := strings.Index(text[3:], "```")
			if end < 0 {
				return b.String() // an unclosed block runs to the end
			}
			text = text[3+end+3:]
			b.WriteByte('\n')
		case text[0] == '`':
			end := strings.IndexAny(text[1:], "`\n")
			if end >= 0 && text[1+end] == '`' {
				text = text[1+end+1:]
				b.WriteByte(' ')
			} else {
				text = text[1:]
			}
		case text[0] == '<':
			end := strings.IndexAny(text[1:], "<>")
			if end < 0 || text[1+end] != '>' {
				text = text[1:]
				continue
			}
			tok := text[1 : 1+end]
			text = text[1+end+1:]
			if _, label, ok := strings.Cut(tok, "|"); ok && !strings.ContainsAny(tok[:1], "@#!") {
				b.WriteString(label)
			}
			b.WriteByte(' ')
		case text[0] == ':':
			if n := shortcodeLen(text); n > 0 {
				text = text[n:]
				b.WriteByte(' ')
				continue
			}
			b.WriteByte(':')
			text = text[1:]
		case text[0] == '&':
			switch {
			case strings.HasPrefix(text, "&gt;"):
				text = text[4:]
				b.WriteByte('>')
			case strings.HasPrefix(text, "&lt;"):
				text = text[4:]
				b.WriteByte('<')
			case strings.HasPrefix(text, "&amp;"):
				text = text[5:]
				b.WriteByte('&')
			default:
				text = text[1:]
				b.WriteByte('&')
			}
		default:
			b.WriteByte(text[0])
			text = text[1:]
		}
	}
	return dropQuotes(b.String())
}

// shortcodeLen returns the length of the emoji shortcode text starts with
// (":wave:", ":+1:", ":skin-tone-2:"), or 0: a colon, up to 40 of a-z,
// 0-9, _ + - and ', a letter or + among them, and a colon.
func shortcodeLen(text string) int {
	ok := false
	for i := 1; i < len(text) && i <= 41; i++ {
		c := text[i]
		switch {
		case c == ':':
			if ok {
				return i + 1
			}
			return 0
		case 'a' <= c && c <= 'z' || c == '+':
			ok = true
		case '0' <= c && c <= '9' || c == '_' || c == '-' || c == '\'':
		default:
			return 0
		}
	}
	return 0
}

// dropQuotes removes quoted lines: what someone else wrote is not the
// writer's question.
func dropQuotes(text string) string {
	if !strings.Contains(text, ">") {
		return text
	}
	lines := strings.Split(text, "\n")
	kept := lines[:0]
	for _, l := range lines {
		if !strings.HasPrefix(strings.TrimSpace(l), ">") {
			kept = append(kept, l)
		}
	}
	return strings.Join(kept, "\n")
}

// dropFillers drops the greetings and interjections a sentence may open
// with ("hey team,", "ok so", "quick q:"), and the vocative after a
// greeting or before a comma ("hi all", "folks,"), so the sentence's own
// opening shows.
func dropFillers(ws []string) []string {
	greeted := false
	for len(ws) > 0 {
		switch ws[0] {
		case "hey", "hi", "hello", "hiya", "heya", "howdy", "yo", "morning", "gm", "ok", "okay", "so",
			"also", "and", "but", "btw", "um", "umm", "hmm", "well", "oh", "ah", "random", "quick", "q", "question":
			greeted = true
			ws = ws[1:]
			continue
		case "all", "team", "everyone", "everybody", "folks", "guys", "y'all", "friends", "people", "gang":
			if greeted || len(ws) == 1 {
				ws = ws[1:]
				continue
			}
		}
		return ws
	}
	return ws
}

// startsWith reports whether the words ws begin with one of the phrases
// (words separated by single spaces).
func startsWith(ws []string, phrases ...string) bool {
	if len(ws) == 0 {
		return false
	}
	s := strings.Join(ws[:min(len(ws), 6)], " ") // the longest phrase is 5 words
	for _, p := range phrases {
		if strings.HasPrefix(s, p) && (len(s) == len(p) || s[len(p)] == ' ') {
			return true
		}
	}
	return false
}

// isSmallTalk reports whether a message of n words whose first sentence
// is ws is small talk.
func isSmallTalk(ws []string, n int) bool {
	// Invitations, however long: the search has nothing for them.
	if startsWith(ws, "who's up for", "who is up for", "anyone up for", "anybody up for", "who's in for",
		"who is in for", "anyone in for", "who wants", "anyone want to grab", "anyone wanna", "who's coming",
		"who is coming", "anyone coming", "who's joining", "who is joining", "who's around", "anyone around") {
		return true
	}
	return n <= maxSmallTalkWords && startsWith(ws,
		// greetings
		"how are you", "how are y'all", "how are we", "how are things", "how's everyone", "how is everyone",
		"how's everybody", "how is everybody", "how's it going", "how is it going", "how's your", "how was your",
		"how was everyone's", "how was the weekend", "how you doing", "what's up", "whats up", "what's new",
		"sup", "happy",
		// exclamations and rhetorical questions
		"what a", "what an", "how cool", "how nice", "how fun", "how exciting", "can you believe", "who knew",
		"why not", "isn't it", "ain't it", "guess what", "you know what", "what could go wrong", "did you see",
		"did you all see", "did everyone see", "is it friday")
}

// asksForAdvice reports whether the sentence ws opens with a request for
// advice or information.
func asksForAdvice(ws []string) bool {
	return startsWith(ws,
		"any advice", "any tips", "any recommendations", "any recs", "any suggestions", "any thoughts",
		"any ideas", "any pointers", "any experience", "any insight", "any insights", "anyone know",
		"anyone have", "anyone has", "anyone got", "anyone ever", "anyone tried", "anyone here",
		"anybody know", "anybody have", "does anyone", "does anybody", "do any of you", "has anyone",
		"has anybody", "can someone", "can anyone", "can somebody", "could someone", "could anyone",
		"i'm wondering", "im wondering", "i am wondering", "i was wondering", "i wonder", "wondering if",
		"wondering whether", "wondering how", "wondering what", "wondering why", "looking for advice",
		"looking for recommendations", "looking for tips", "looking for input", "looking for thoughts",
		"thoughts on", "thoughts about", "help me understand", "i'm curious", "im curious", "curious whether",
		"curious if", "curious how", "curious what", "would love advice", "would love input",
		"would love thoughts", "need advice", "quick question", "quick q", "question for", "question about",
		"can you explain", "please explain", "explain")
}

// opensQuestion reports whether the sentence ws opens like a question:
// see ReadsAsQuestion.
func opensQuestion(ws []string) bool {
	if len(ws) < 2 {
		return false
	}
	w, next := ws[0], ws[1]
	base, contracted := w, false
	for _, suf := range []string{"'s", "'re", "'d", "'ll", "'ve"} {
		if b, ok := strings.CutSuffix(w, suf); ok {
			base, contracted = b, true
			break
		}
	}
	switch base {
	case "whats", "hows", "whos", "wheres", "whens", "whys":
		base, contracted = strings.TrimSuffix(base, "s"), true
	}
	switch base {
	case "what", "why", "how", "when", "where", "who", "which", "whom", "whose":
		if contracted {
			return true
		}
		switch next {
		case "a", "an":
			return base != "what" // "what a week"
		case "i", "we", "you", "they", "he", "she":
			return false // "how we hired our CTO", "when you get a minute"
		}
		return true
	}
	switch w {
	case "do", "does", "is", "are":
		return true
	case "have", "has", "had", "was", "were", "did", "am":
		// Pronouns only: "have a great weekend", "had a call with ...",
		// "was great to see everyone", "did a deep dive on ..."
		return isPronoun(next)
	case "can", "could", "should", "would", "will", "may", "might", "shall", "must",
		"isn't", "aren't", "don't", "doesn't", "can't", "couldn't", "shouldn't", "wouldn't", "won't",
		"wasn't", "weren't", "haven't", "hasn't", "hadn't", "didn't":
		// A subject: "should be fixed now", "can confirm", "don't
		// forget" are not questions.
		switch next {
		case "a", "an", "the", "any", "some", "our", "my", "your", "their", "his", "her", "its",
			"this", "that", "these", "those", "there":
			return true
		}
		return isPronoun(next)
	}
	return false
}

func isPronoun(w string) bool {
	switch w {
	case "i", "we", "you", "they", "he", "she", "it", "y'all", "anyone", "anybody", "someone", "somebody",
		"everyone", "everybody", "people", "folks", "there", "this", "that":
		return true
	}
	return false
}
