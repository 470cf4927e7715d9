// Package advisor is the recommendation engine: the six answers of the
// assessment in, a recommendation with reasons, confidence, risks, next steps
// and a cost comparison out. It is pure: no I/O, no logging, no Slack.
package advisor

import (
	"fmt"
	"strings"
)

// Field names one question of the assessment. The string values are the
// contract's names, used in CLI flags (with dashes) and Block Kit block ids.
type Field string

// The six fields of the assessment, in the order they are asked.
const (
	FieldGoal            Field = "goal"
	FieldInfrastructure  Field = "infrastructure"
	FieldAIAmbition      Field = "ai_ambition"
	FieldEngineeringTeam Field = "engineering_team"
	FieldAIGovernance    Field = "ai_governance"
	FieldBudget          Field = "budget"
)

// Option is one allowed answer to a question: the stable value of the
// contract and a short human label.
type Option struct {
	Value string
	Label string
}

// Question describes one field of the assessment for whoever renders it.
type Question struct {
	Field   Field
	Label   string // the question as a person reads it
	Hint    string // one line under the question
	Options []Option
}

// Questions returns the assessment's questions in order. It builds a fresh
// slice on each call so no caller can mutate shared state.
func Questions() []Question {
	return []Question{
		{FieldGoal, "What is the main goal?", "What do you most need a technology leader for in the next year?", []Option{
			{"ai_transformation", "AI transformation"},
			{"tech_foundation", "A solid technical foundation"},
			{"both", "Both"},
		}},
		{FieldInfrastructure, "State of your technical infrastructure", "Systems, data, cloud, delivery pipeline.", []Option{
			{"solid", "Solid: scalable and reliable"},
			{"partial", "Partial: works, with known gaps"},
			{"weak", "Weak: fragile or missing"},
		}},
		{FieldAIAmbition, "AI ambition", "How far do you want to take AI?", []Option{
			{"exploring", "Exploring what AI could do"},
			{"targeted", "A few targeted use cases"},
			{"aggressive", "Aggressive, company-wide adoption"},
		}},
		{FieldEngineeringTeam, "Engineering team", "Who builds your product today?", []Option{
			{"none", "No in-house engineers"},
			{"small", "A small team"},
			{"established", "An established team"},
		}},
		{FieldAIGovernance, "AI governance needs", "Regulation, sensitive data, bias and explainability.", []Option{
			{"low", "Low"},
			{"high", "High: regulated or sensitive"},
		}},
		{FieldBudget, "Budget for leadership per month", "What you could spend on fractional leadership.", []Option{
			{"under_10k", "Under $10k"},
			{"10k_25k", "$10k to $25k"},
			{"over_25k", "Over $25k"},
		}},
	}
}

// Answers holds one validated value per field. Build it with ParseAnswers
// (or set the fields and call Validate) before passing it to Recommend.
type Answers struct {
	Goal            string
	Infrastructure  string
	AIAmbition      string
	EngineeringTeam string
	AIGovernance    string
	Budget          string
}

// AllAnswers returns every valid set of answers (486 of them), in the order
// of Questions and their options: for exhaustive tests and tools.
func AllAnswers() []Answers {
	out := []Answers{{}}
	for _, q := range Questions() {
		next := make([]Answers, 0, len(out)*len(q.Options))
		for _, a := range out {
			for _, o := range q.Options {
				b := a
				b.set(q.Field, o.Value)
				next = append(next, b)
			}
		}
		out = next
	}
	return out
}

// Get returns the value of field f.
func (a Answers) Get(f Field) string {
	switch f {
	case FieldGoal:
		return a.Goal
	case FieldInfrastructure:
		return a.Infrastructure
	case FieldAIAmbition:
		return a.AIAmbition
	case FieldEngineeringTeam:
		return a.EngineeringTeam
	case FieldAIGovernance:
		return a.AIGovernance
	case FieldBudget:
		return a.Budget
	}
	return ""
}

// set stores v in field f; it reports false for an unknown field.
func (a *Answers) set(f Field, v string) bool {
	switch f {
	case FieldGoal:
		a.Goal = v
	case FieldInfrastructure:
		a.Infrastructure = v
	case FieldAIAmbition:
		a.AIAmbition = v
	case FieldEngineeringTeam:
		a.EngineeringTeam = v
	case FieldAIGovernance:
		a.AIGovernance = v
	case FieldBudget:
		a.Budget = v
	default:
		return false
	}
	return true
}

// FieldError says which field holds a missing or unknown value. Its message
// is short and safe to show to a user.
type FieldError struct {
	Field Field
	Value string // empty when the answer is missing
}

func (e *FieldError) Error() string {
	if !e.Field.known() {
		return fmt.Sprintf("unknown field %q", clip(string(e.Field)))
	}
	if e.Value == "" {
		return fmt.Sprintf("%s: missing answer", e.Field)
	}
	return fmt.Sprintf("%s: unknown value %q", e.Field, clip(e.Value))
}

// maxShown caps how much of a user's input an error message repeats, so a
// pasted essay does not become a wall of text in Slack or a terminal.
const maxShown = 40

// clip shortens s to maxShown bytes for an error message. %q escapes
// whatever is left, so a cut inside a UTF-8 sequence is harmless.
func clip(s string) string {
	if len(s) <= maxShown {
		return s
	}
	return s[:maxShown] + "..."
}

// known reports whether f is one of the six fields of the assessment.
func (f Field) known() bool {
	switch f {
	case FieldGoal, FieldInfrastructure, FieldAIAmbition, FieldEngineeringTeam, FieldAIGovernance, FieldBudget:
		return true
	}
	return false
}

// Validate reports the first field, in question order, whose value is
// missing or not one of the field's options, as a *FieldError.
func (a Answers) Validate() error {
	_, err := a.profile()
	return err
}

// ParseAnswers builds validated Answers from field → value pairs. Values are
// trimmed and compared case-insensitively, so "Solid " is accepted as "solid".
//
// Errors do not depend on map order: an unknown field is reported first (the
// smallest name when there are several), then the first bad field in question
// order.
func ParseAnswers(values map[Field]string) (Answers, error) {
	var unknown *FieldError
	for f, v := range values {
		if !f.known() && (unknown == nil || f < unknown.Field) {
			unknown = &FieldError{Field: f, Value: v}
		}
	}
	if unknown != nil {
		return Answers{}, unknown
	}
	var a Answers
	for f, v := range values {
		a.set(f, strings.ToLower(strings.TrimSpace(v)))
	}
	if err := a.Validate(); err != nil {
		return Answers{}, err
	}
	return a, nil
}
