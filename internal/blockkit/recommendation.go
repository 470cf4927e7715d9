package blockkit

import (
	"fmt"
	"strconv"
	"strings"

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
func Recommendation(r RecommendationReply) Message {
	rec := r.Rec
	title := RoleTitle(rec.Role)
	blocks := []slack.Block{
		header("Recommendation: " + title),
		section(RecommendationBlockPrefix+string(rec.Role),
			fmt.Sprintf("*%s*\nConfidence: *%s* (%d%%)", rec.Summary, confidenceWord(rec.Confidence), int(rec.Confidence*100+0.5))),
	}
	qs := advisor.Questions()
	reasons := make([]string, 0, len(rec.Reasons))
	for _, rs := range rec.Reasons {
		reasons = append(reasons, fmt.Sprintf("*%s.* %s", answerLabel(qs, rs.Field, rs.Value), rs.Text))
	}
	blocks = append(blocks, section("reasons", "*Why*\n"+bullets(reasons)))
	if rec.BudgetNote != "" {
		blocks = append(blocks, section("budget_note", ":warning: *Budget*\n"+rec.BudgetNote))
	}
	c := rec.Cost
	leaders := "one leader"
	if c.Roles == 2 {
		leaders = "two leaders"
	}
	costFields := []*slack.TextBlockObject{
		mrkdwn(fmt.Sprintf("*Fractional, %d months*\n%s to %s", c.Months, USD(c.Fractional.Min), USD(c.Fractional.Max))),
		mrkdwn(fmt.Sprintf("*Full-time equivalent*\n%s to %s", USD(c.FullTime.Min), USD(c.FullTime.Max))),
	}
	blocks = append(blocks, slack.NewSectionBlock(mrkdwn(fmt.Sprintf("*Cost* for %s over %d months, at $10k–$25k a month fractional against $200k–$400k a year full-time", leaders, c.Months)),
		costFields, nil, slack.SectionBlockOptionBlockID("cost")))
	blocks = append(blocks, section("risks", "*Risks to watch*\n"+bullets(rec.Risks)))
	steps := make([]string, len(rec.NextSteps))
	for i, s := range rec.NextSteps {
		steps[i] = fmt.Sprintf("%d. %s", i+1, s)
	}
	blocks = append(blocks, section("next_steps", "*Next steps*\n"+strings.Join(steps, "\n")))

	var note []string
	if r.SharedBy != "" {
		note = append(note, "Shared by <@"+r.SharedBy+">.")
	}
	if ctx := UserText(r.Context, 500); ctx != "" {
		note = append(note, "Your context: “"+ctx+"”.")
	}
	note = append(note, "Based on your answers: "+answersSummary(qs, r.Answers)+".")
	blocks = append(blocks, contextText("answers", strings.Join(note, " ")))

	if r.ShareValue != "" {
		blocks = append(blocks, slack.NewActionBlock("recommendation_actions",
			button(ActionShare, r.ShareValue, "Share in channel").WithStyle(slack.StylePrimary),
			button(ActionStartOver, r.ShareValue, "Start over"),
			button(ActionHelpful, RecommendationBlockPrefix+string(rec.Role), "👍 Helpful"),
			button(ActionNotHelpful, RecommendationBlockPrefix+string(rec.Role), "👎 Not helpful"),
		))
	} else {
		blocks = append(blocks, feedbackButtons(RecommendationBlockPrefix+string(rec.Role)))
	}
	text := fallback("Recommendation: "+title+".", rec.Summary,
		fmt.Sprintf("Fractional cost over %d months: %s to %s (full-time: %s to %s).", c.Months, USD(c.Fractional.Min), USD(c.Fractional.Max), USD(c.FullTime.Min), USD(c.FullTime.Max)))
	return Message{Text: text, Blocks: blocks}
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

// answerLabel names an answer as the modal showed it: "Infrastructure: weak".
func answerLabel(qs []advisor.Question, f advisor.Field, value string) string {
	for _, q := range qs {
		if q.Field != f {
			continue
		}
		for _, o := range q.Options {
			if o.Value == value {
				label, _, _ := strings.Cut(o.Label, ":")
				return shortLabel(q.Field) + ": " + lowerFirst(label)
			}
		}
	}
	return string(f) + ": " + value
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

func answersSummary(qs []advisor.Question, a advisor.Answers) string {
	parts := make([]string, 0, len(qs))
	for _, q := range qs {
		parts = append(parts, answerLabel(qs, q.Field, a.Get(q.Field)))
	}
	return strings.Join(parts, "; ")
}

// USD formats whole dollars: $120,000.
func USD(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	b.WriteByte('$')
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// lowerFirst lower-cases a label's first letter unless it starts an
// acronym ("AI transformation" stays).
func lowerFirst(s string) string {
	if len(s) > 1 && s[1] >= 'A' && s[1] <= 'Z' {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
