package advisor

// profile is validated Answers as small enums, so the decision compares
// numbers rather than strings and the neighbouring answer sets used for the
// confidence are cheap to enumerate.
type profile struct {
	goal       goalAnswer
	infra      infraAnswer
	ambition   ambitionAnswer
	team       teamAnswer
	governance governanceAnswer
	budget     budgetAnswer
}

type (
	goalAnswer       uint8
	infraAnswer      uint8
	ambitionAnswer   uint8
	teamAnswer       uint8
	governanceAnswer uint8
	budgetAnswer     uint8
)

// Each block lists a field's answers in the order of Questions; the last
// constant counts them.
const (
	goalAI goalAnswer = iota
	goalFoundation
	goalBoth
	goalCount
)

const (
	infraSolid infraAnswer = iota
	infraPartial
	infraWeak
	infraCount
)

const (
	ambitionExploring ambitionAnswer = iota
	ambitionTargeted
	ambitionAggressive
	ambitionCount
)

const (
	teamNone teamAnswer = iota
	teamSmall
	teamEstablished
	teamCount
)

const (
	governanceLow governanceAnswer = iota
	governanceHigh
	governanceCount
)

const (
	budgetUnder10k budgetAnswer = iota
	budget10kTo25k
	budgetOver25k
	budgetCount
)

// profile validates a and converts it; Validate and Recommend share it so
// there is one pass and no allocation on success.
func (a Answers) profile() (profile, error) {
	var idx [6]uint8
	for i, f := range [6]Field{FieldGoal, FieldInfrastructure, FieldAIAmbition, FieldEngineeringTeam, FieldAIGovernance, FieldBudget} {
		v := a.Get(f)
		if v == "" {
			return profile{}, &FieldError{Field: f}
		}
		n, ok := optionIndex(f, v)
		if !ok {
			return profile{}, &FieldError{Field: f, Value: v}
		}
		idx[i] = n
	}
	return profile{
		goal:       goalAnswer(idx[0]),
		infra:      infraAnswer(idx[1]),
		ambition:   ambitionAnswer(idx[2]),
		team:       teamAnswer(idx[3]),
		governance: governanceAnswer(idx[4]),
		budget:     budgetAnswer(idx[5]),
	}, nil
}

// optionIndex is the position of v among the options of f, matching the
// enums above; ok is false when v is not an option. It repeats the option
// values of Questions as a switch so that validating costs no allocation; a
// test keeps the two in step.
func optionIndex(f Field, v string) (n uint8, ok bool) {
	switch f {
	case FieldGoal:
		switch v {
		case "ai_transformation":
			return uint8(goalAI), true
		case "tech_foundation":
			return uint8(goalFoundation), true
		case "both":
			return uint8(goalBoth), true
		}
	case FieldInfrastructure:
		switch v {
		case "solid":
			return uint8(infraSolid), true
		case "partial":
			return uint8(infraPartial), true
		case "weak":
			return uint8(infraWeak), true
		}
	case FieldAIAmbition:
		switch v {
		case "exploring":
			return uint8(ambitionExploring), true
		case "targeted":
			return uint8(ambitionTargeted), true
		case "aggressive":
			return uint8(ambitionAggressive), true
		}
	case FieldEngineeringTeam:
		switch v {
		case "none":
			return uint8(teamNone), true
		case "small":
			return uint8(teamSmall), true
		case "established":
			return uint8(teamEstablished), true
		}
	case FieldAIGovernance:
		switch v {
		case "low":
			return uint8(governanceLow), true
		case "high":
			return uint8(governanceHigh), true
		}
	case FieldBudget:
		switch v {
		case "under_10k":
			return uint8(budgetUnder10k), true
		case "10k_25k":
			return uint8(budget10kTo25k), true
		case "over_25k":
			return uint8(budgetOver25k), true
		}
	}
	return 0, false
}

// neighbours yields every profile that differs from p in exactly one answer
// other than the goal (9 of them), field by field in question order. The
// goal is left alone because it is what the user asks for, not a fact about
// their situation; changing it changes the question.
func (p profile) neighbours(yield func(profile) bool) {
	for v := range infraCount {
		if q := p; v != p.infra {
			q.infra = v
			if !yield(q) {
				return
			}
		}
	}
	for v := range ambitionCount {
		if q := p; v != p.ambition {
			q.ambition = v
			if !yield(q) {
				return
			}
		}
	}
	for v := range teamCount {
		if q := p; v != p.team {
			q.team = v
			if !yield(q) {
				return
			}
		}
	}
	for v := range governanceCount {
		if q := p; v != p.governance {
			q.governance = v
			if !yield(q) {
				return
			}
		}
	}
	for v := range budgetCount {
		if q := p; v != p.budget {
			q.budget = v
			if !yield(q) {
				return
			}
		}
	}
}
