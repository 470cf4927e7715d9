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
// It runs for every assessment and every share, so each text below is
// written by its own builder into a local buffer (on the stack while it
// fits) and copied out once as a string, rather than assembled from
// fmt.Sprintf, joins and concatenations. No buffer outlives its builder, so
// no two blocks can share memory.
func Recommendation(r RecommendationReply) Message {
	rec := r.Rec
	title := RoleTitle(rec.Role)
	subject := RecommendationBlockPrefix + string(rec.Role)
	qs := advisor.Questions()

	blocks := make([]slack.Block, 0, 9)
	blocks = append(blocks,
		header("Recommendation: "+title),
		section(subject, summaryText(rec)),
		section("reasons", whyText(qs, rec.Reasons)),
	)
	if rec.BudgetNote != "" {
		blocks = append(blocks, section("budget_note", ":warning: *Budget*\n"+rec.BudgetNote))
	}
	cost, fractional, fullTime := costTexts(rec.Cost)
	blocks = append(blocks,
		sectionFields("cost", cost, fractional, fullTime),
		section("risks", risksText(rec.Risks)),
		section("next_steps", stepsText(rec.NextSteps)),
		contextText("answers", noteText(qs, r)),
	)
	if r.ShareValue != "" {
		blocks = append(blocks, actions("recommendation_actions",
			button(ActionShare, r.ShareValue, "Share in channel").WithStyle(slack.StylePrimary),
			button(ActionStartOver, r.ShareValue, "Start over"),
			button(ActionHelpful, subject, "👍 Helpful"),
			button(ActionNotHelpful, subject, "👎 Not helpful"),
		))
	} else {
		blocks = append(blocks, feedbackButtons("feedback", subject))
	}
	return Message{Text: fallbackText(title, rec), Blocks: blocks}
}

// summaryText is the summary and how sure it is:
// "*…*\nConfidence: *high* (90%)".
func summaryText(rec advisor.Recommendation) string {
	buf := make([]byte, 0, 256)
	buf = cat(buf, "*", rec.Summary, "*\nConfidence: *", confidenceWord(rec.Confidence), "* (")
	buf = strconv.AppendInt(buf, int64(rec.Confidence*100+0.5), 10)
	return string(cat(buf, "%)"))
}

// whyText lists the reasons, each led by the answer it rests on.
func whyText(qs []advisor.Question, reasons []advisor.Reason) string {
	buf := make([]byte, 0, 1024)
	buf = cat(buf, "*Why*\n")
	for i, rs := range reasons {
		buf = cat(appendBullet(buf, i), "*")
		buf = appendAnswerLabel(buf, qs, rs.Field, rs.Value)
		buf = cat(buf, ".* ", rs.Text)
	}
	return string(buf)
}

// costTexts are the cost section's text and its two fields: the fractional
// cost and its full-time equivalent.
func costTexts(c advisor.Cost) (text, fractional, fullTime string) {
	leaders := "one leader"
	if c.Roles == 2 {
		leaders = "two leaders"
	}
	buf := make([]byte, 0, 128)
	buf = cat(buf, "*Cost* for ", leaders, " over ")
	buf = strconv.AppendInt(buf, int64(c.Months), 10)
	text = string(cat(buf, " months, at $10k–$25k a month fractional against $200k–$400k a year full-time"))

	buf = cat(buf[:0], "*Fractional, ")
	buf = cat(strconv.AppendInt(buf, int64(c.Months), 10), " months*\n")
	fractional = string(appendRange(buf, c.Fractional))

	buf = cat(buf[:0], "*Full-time equivalent*\n")
	fullTime = string(appendRange(buf, c.FullTime))
	return text, fractional, fullTime
}

// risksText lists the risks as bullets.
func risksText(risks []string) string {
	buf := make([]byte, 0, 1024)
	buf = cat(buf, "*Risks to watch*\n")
	for i, risk := range risks {
		buf = cat(appendBullet(buf, i), risk)
	}
	return string(buf)
}

// stepsText numbers the next steps.
func stepsText(steps []string) string {
	buf := make([]byte, 0, 1024)
	buf = cat(buf, "*Next steps*\n")
	for i, step := range steps {
		if i > 0 {
			buf = append(buf, '\n')
		}
		buf = strconv.AppendInt(buf, int64(i+1), 10)
		buf = cat(buf, ". ", step)
	}
	return string(buf)
}

// noteText is the context line under the recommendation: who shared it,
// the user's own context (escaped) and every answer it rests on.
func noteText(qs []advisor.Question, r RecommendationReply) string {
	buf := make([]byte, 0, 1024)
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
	return string(cat(buf, "."))
}

// fallbackText is the message's plain text, shown in notifications and
// where blocks are not: the role, the summary and the cost.
func fallbackText(title string, rec advisor.Recommendation) string {
	c := rec.Cost
	buf := make([]byte, 0, 512)
	buf = cat(buf, "Recommendation: ", title, ".\n", rec.Summary, "\nFractional cost over ")
	buf = cat(strconv.AppendInt(buf, int64(c.Months), 10), " months: ")
	buf = cat(appendRange(buf, c.Fractional), " (full-time: ")
	buf = cat(appendRange(buf, c.FullTime), ").")
	return Truncate(string(buf), MaxFallbackText)
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
