package blockkit

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/fractional-advisor/fractional-advisor/internal/advisor"
	"github.com/slack-go/slack"
)

// RoleTitle is the human name of a recommendation.
func RoleTitle(r advisor.Role) string {
	switch r {
	case advisor.RoleCAIO:
		return "A fractional Chief AI Officer (CAIO)"
	case advisor.RoleCTO:
		return "A fractional CTO"
	case advisor.RoleBoth:
		return "Both: a fractional CTO and a fractional CAIO"
	case advisor.RoleCTOThenCAIO:
		return "A fractional CTO first, then a fractional CAIO"
	}
	return string(r)
}

// RecommendationReply is what a recommendation message shows.
type RecommendationReply struct {
	Rec     advisor.Recommendation
	Answers advisor.Answers
	// Context is the free text the user gave in the modal (echoed, escaped).
	Context string
	// ShareValue is the opaque value of the share and start-over buttons; an
	// empty ShareValue means the message is already shared and has no
	// buttons but feedback.
	ShareValue string
	// SharedBy is the user id of whoever shared it to the channel.
	SharedBy string
}

// Recommendation renders the recommendation: the role up front, why, how
// sure, the cost, risks and next steps.
//
// It runs for every assessment and every share, so each text is written
// into one scratch buffer and copied out once, rather than assembled from
// fmt.Sprintf, joins and concatenations.
func Recommendation(r RecommendationReply) Message {
	rec, c := r.Rec, r.Rec.Cost
	title := RoleTitle(rec.Role)
	subject := RecommendationBlockPrefix + string(rec.Role)
	qs := advisor.Questions()
	buf := make([]byte, 0, 1024)
	blocks := make([]slack.Block, 0, 9)

	blocks = append(blocks, header("Recommendation: "+title))

	buf = cat(buf[:0], "*", rec.Summary, "*\nConfidence: *", confidenceWord(rec.Confidence), "* (")
	buf = strconv.AppendInt(buf, int64(rec.Confidence*100+0.5), 10)
	blocks = append(blocks, section(subject, string(cat(buf, "%)"))))

	buf = cat(buf[:0], "*Why*\n")
	for i, rs := range rec.Reasons {
		buf = cat(appendBullet(buf, i), "*")
		buf = appendAnswerLabel(buf, qs, rs.Field, rs.Value)
		buf = cat(buf, ".* ", rs.Text)
	}
	blocks = append(blocks, section("reasons", string(buf)))

	if rec.BudgetNote != "" {
		blocks = append(blocks, section("budget_note", ":warning: *Budget*\n"+rec.BudgetNote))
	}

	leaders := "one leader"
	if c.Roles == 2 {
		leaders = "two leaders"
	}
	buf = cat(buf[:0], "*Cost* for ", leaders, " over ")
	buf = strconv.AppendInt(buf, int64(c.Months), 10)
	costText := string(cat(buf, " months, at $10k–$25k a month fractional against $200k–$400k a year full-time"))
	buf = cat(buf[:0], "*Fractional, ")
	buf = cat(strconv.AppendInt(buf, int64(c.Months), 10), " months*\n")
	fractional := string(appendRange(buf, c.Fractional))
	buf = cat(buf[:0], "*Full-time equivalent*\n")
	fullTime := string(appendRange(buf, c.FullTime))
	blocks = append(blocks, sectionFields("cost", costText, fractional, fullTime))

	buf = cat(buf[:0], "*Risks to watch*\n")
	for i, risk := range rec.Risks {
		buf = cat(appendBullet(buf, i), risk)
	}
	blocks = append(blocks, section("risks", string(buf)))

	buf = cat(buf[:0], "*Next steps*\n")
	for i, step := range rec.NextSteps {
		if i > 0 {
			buf = append(buf, '\n')
		}
		buf = strconv.AppendInt(buf, int64(i+1), 10)
		buf = cat(buf, ". ", step)
	}
	blocks = append(blocks, section("next_steps", string(buf)))

	buf = buf[:0]
	if r.SharedBy != "" {
		buf = cat(buf, "Shared by <@", r.SharedBy, ">. ")
	}
	if ctx := UserText(r.Context, 500); ctx != "" {
		buf = cat(buf, "Your context: “", ctx, "”. ")
	}
	buf = cat(buf, "Based on your answers: ")
	for i, q := range qs {
		if i > 0 {
			buf = cat(buf, "; ")
		}
		buf = appendAnswerLabel(buf, qs, q.Field, r.Answers.Get(q.Field))
	}
	blocks = append(blocks, contextText("answers", string(cat(buf, "."))))

	if r.ShareValue != "" {
		blocks = append(blocks, actions("recommendation_actions",
			button(ActionShare, r.ShareValue, "Share in channel").WithStyle(slack.StylePrimary),
			button(ActionStartOver, r.ShareValue, "Start over"),
			button(ActionHelpful, subject, "👍 Helpful"),
			button(ActionNotHelpful, subject, "👎 Not helpful"),
		))
	} else {
		blocks = append(blocks, feedbackButtons(subject))
	}

	buf = cat(buf[:0], "Recommendation: ", title, ".\n", rec.Summary, "\nFractional cost over ")
	buf = cat(strconv.AppendInt(buf, int64(c.Months), 10), " months: ")
	buf = cat(appendRange(buf, c.Fractional), " (full-time: ")
	buf = cat(appendRange(buf, c.FullTime), ").")
	return Message{Text: Truncate(string(buf), MaxFallbackText), Blocks: blocks}
}

// cat appends parts to dst.
func cat(dst []byte, parts ...string) []byte {
	for _, p := range parts {
		dst = append(dst, p...)
	}
	return dst
}

// appendBullet starts the i-th line of a bulleted list.
func appendBullet(dst []byte, i int) []byte {
	if i > 0 {
		dst = append(dst, '\n')
	}
	return append(dst, "• "...)
}

// appendRange writes "$120,000 to $300,000".
func appendRange(dst []byte, r advisor.USDRange) []byte {
	dst = cat(appendUSD(dst, r.Min), " to ")
	return appendUSD(dst, r.Max)
}

func confidenceWord(c float64) string {
	switch {
	case c >= 0.85:
		return "high"
	case c >= 0.7:
		return "fair"
	}
	return "moderate"
}

// appendAnswerLabel names an answer as the modal showed it:
// "Infrastructure: weak".
func appendAnswerLabel(dst []byte, qs []advisor.Question, f advisor.Field, value string) []byte {
	for _, q := range qs {
		if q.Field != f {
			continue
		}
		for _, o := range q.Options {
			if o.Value == value {
				label, _, _ := strings.Cut(o.Label, ":")
				return appendLowerFirst(cat(dst, shortLabel(q.Field), ": "), label)
			}
		}
	}
	return cat(dst, string(f), ": ", value)
}

func shortLabel(f advisor.Field) string {
	switch f {
	case advisor.FieldGoal:
		return "Goal"
	case advisor.FieldInfrastructure:
		return "Infrastructure"
	case advisor.FieldAIAmbition:
		return "AI ambition"
	case advisor.FieldEngineeringTeam:
		return "Engineering team"
	case advisor.FieldAIGovernance:
		return "AI governance"
	case advisor.FieldBudget:
		return "Budget"
	}
	return string(f)
}

// USD formats whole dollars: $120,000.
func USD(n int) string {
	var b [24]byte
	return string(appendUSD(b[:0], n))
}

func appendUSD(dst []byte, n int) []byte {
	var digits [20]byte
	s := strconv.AppendInt(digits[:0], int64(n), 10)
	dst = append(dst, '$')
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, s[i])
	}
	return dst
}

// appendLowerFirst writes a label with its first letter lower-cased unless
// it starts an acronym ("AI transformation" stays).
func appendLowerFirst(dst []byte, s string) []byte {
	if s == "" || len(s) > 1 && s[1] >= 'A' && s[1] <= 'Z' {
		return append(dst, s...)
	}
	r, size := utf8.DecodeRuneInString(s)
	return append(utf8.AppendRune(dst, unicode.ToLower(r)), s[size:]...)
}
