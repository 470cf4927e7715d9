package bot

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/fractional-advisor/fractional-advisor/internal/blockkit"
)

// MaxQuestionRunes is the most of a question the bot reads.
const MaxQuestionRunes = 4000

// cleanQuestion makes user text safe to search: cleaned as blockkit.Clean
// does (valid UTF-8, no control or invisible formatting characters), cut to
// MaxQuestionRunes and trimmed.
func cleanQuestion(s string) string {
	s = blockkit.Clean(s)
	if len(s) > MaxQuestionRunes { // within the limit in bytes, so within it in runes
		n := 0
		for i := range s {
			if n == MaxQuestionRunes {
				s = s[:i]
				break
			}
			n++
		}
	}
	return strings.TrimSpace(s)
}

// mentionPattern matches Slack's markup for mentions and links: <@U123>,
// <!here>, <#C123|name>, <https://…|text>.
var mentionPattern = regexp.MustCompile(`<[^<>]*>`)

// stripMarkup removes Slack markup from a message, so "<@UBOT> what does a
// CAIO cost" is searched as "what does a CAIO cost", and decodes the three
// entities Slack escapes in message text (&amp; &lt; &gt;). The text is
// escaped again wherever it is shown.
func stripMarkup(s string) string {
	s = mentionPattern.ReplaceAllString(s, " ")
	return strings.TrimSpace(strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s))
}

// firstWord splits text into its first word, lower-cased, and the rest.
func firstWord(text string) (string, string) {
	text = strings.TrimSpace(text)
	i := strings.IndexFunc(text, unicode.IsSpace)
	if i < 0 {
		return strings.ToLower(text), ""
	}
	return strings.ToLower(text[:i]), strings.TrimSpace(text[i:])
}

// wantsAssessment reports whether a mention or DM asks to start the
// assessment rather than asking a question (about the assessment, say):
// its first word says so, or it asks for the assessment or a
// recommendation in so many words.
func wantsAssessment(text string) bool {
	w, rest := firstWord(text)
	switch w {
	case "start", "assess", "assessment":
		return true
	case "recommend":
		return rest == ""
	}
	t := " " + strings.Join(strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	}), " ") + " "
	for _, p := range []string{
		" start the assessment ", " take the assessment ", " do the assessment ", " begin the assessment ",
		" run the assessment ", " start an assessment ", " take an assessment ", " open the assessment ",
		" give me a recommendation ", " give us a recommendation ", " get a recommendation ", " recommend a role ",
		" assess us ", " assess my ", " assess our ",
	} {
		if strings.Contains(t, p) {
			return true
		}
	}
	return false
}

// The routes of a slash command's text.
const (
	routeAssess  = "assess"
	routeHelp    = "help"
	routeAsk     = "ask"
	routeForget  = "forget"
	routeWatch   = "watch"
	routeUnwatch = "unwatch"
)

// commandRoute reads a slash command's text as the contract routes it: the
// first word, trimmed and in any case, picks the assessment or the help;
// anything else is a question (the rest after "ask", else the whole text).
// An empty question gets the help.
func commandRoute(text string) (route, question string) {
	clean := cleanQuestion(text)
	word, rest := firstWord(clean)
	switch word {
	case "", "start", "assess":
		return routeAssess, ""
	case "help":
		return routeHelp, ""
	case "forget":
		if strings.EqualFold(rest, "me") {
			return routeForget, ""
		}
		question = clean
	case routeWatch, routeUnwatch:
		if rest == "" {
			return word, ""
		}
		question = clean // "watch out for …" is a question
	case "ask":
		question = rest
	default:
		question = clean
	}
	if question == "" {
		return routeHelp, ""
	}
	return routeAsk, question
}
