package advisor

import (
	"fmt"
	"math"
)

// DefaultMonths is the engagement length used for the cost comparison when
// the user does not give one.
const DefaultMonths = 12

// MinMonths and MaxMonths bound the engagement length Recommend accepts.
const (
	MinMonths = 1
	MaxMonths = 60
)

// Market rates from the source article, in US dollars.
const (
	fractionalMonthlyMin = 10_000
	fractionalMonthlyMax = 25_000
	fullTimeYearlyMin    = 200_000
	fullTimeYearlyMax    = 400_000
)

// MonthsError reports an engagement length outside MinMonths..MaxMonths.
// Callers recognise it with errors.As; its message is short and names the
// input, so it can be shown as is.
type MonthsError struct {
	Months int
}

func (e *MonthsError) Error() string {
	return fmt.Sprintf("months: %d is outside %d..%d", e.Months, MinMonths, MaxMonths)
}

// Recommend turns validated answers into a recommendation, with the cost of
// the recommended leaders over months months. It returns the *FieldError of
// Validate for bad answers and a *MonthsError for months outside 1..60.
//
// Confidence says how clear-cut the answers are: 0.5 + 0.45 × the share of
// the nine variations that keep the goal and change one other answer yet
// still give the same role, so it lies in 0.5..0.95.
//
// Recommend is pure and deterministic: the same input always gives the same
// output, in the same order.
func Recommend(a Answers, months int) (Recommendation, error) {
	p, err := a.profile()
	if err != nil {
		return Recommendation{}, err
	}
	if months < MinMonths || months > MaxMonths {
		return Recommendation{}, &MonthsError{Months: months}
	}
	role := decide(p)
	return Recommendation{
		Role:       role,
		Confidence: confidence(p, role),
		Summary:    summary(p, role),
		Reasons:    reasons(a, p, role),
		Risks:      risks(p, role),
		NextSteps:  nextSteps(p, role),
		BudgetNote: budgetNote(p, role),
		Cost:       costOf(role, months),
	}, nil
}

// decide is the whole decision; everything else explains it. The article's
// rules, in order:
//   - without an AI need (a foundation goal and at most targeted AI with
//     low governance needs) the answer is a CTO;
//   - an AI need without a need for broad technical leadership is a CAIO;
//   - needing both is both leaders in tandem only when the budget is over
//     $25k a month and the AI work cannot sensibly wait; otherwise the CTO
//     goes first and the CAIO follows.
func decide(p profile) Role {
	if !needsCAIO(p) {
		return RoleCTO
	}
	if !needsCTO(p) {
		return RoleCAIO
	}
	if p.budget == budgetOver25k && aiCannotWait(p) {
		return RoleBoth
	}
	return RoleCTOThenCAIO
}

// needsCAIO reports whether the answers call for dedicated AI leadership at
// some point. Any goal that names AI does; a foundation goal does only when
// the AI plans are aggressive, or targeted with high governance needs, since
// those are what a CTO is least equipped to lead.
func needsCAIO(p profile) bool {
	return p.goal != goalFoundation ||
		p.ambition == ambitionAggressive ||
		(p.ambition == ambitionTargeted && p.governance == governanceHigh)
}

// needsCTO reports whether the answers call for broad technical leadership
// (infrastructure, engineering team, product delivery).
func needsCTO(p profile) bool {
	switch {
	case p.goal != goalAI:
		return true // the foundation is named as a goal
	case p.infra == infraWeak:
		// A CAIO on weak infrastructure produces strategies that cannot
		// be executed, so weak infrastructure never gets a CAIO alone.
		return true
	case p.team == teamNone && p.ambition == ambitionAggressive:
		return true // company-wide AI with nobody to build it
	case p.infra == infraPartial:
		return partialNeedsCTO(p)
	}
	return false
}

// partialNeedsCTO weighs partial infrastructure under an AI goal. A team that
// can close the known gaps lets the CAIO start alongside; no team, or
// aggressive plans that would hit every gap at once, mean a CTO first. A small
// team is the close call: targeted use cases or high governance needs tip it
// to the CAIO, mere exploring does not.
func partialNeedsCTO(p profile) bool {
	switch {
	case p.team == teamNone, p.ambition == ambitionAggressive:
		return true
	case p.team == teamEstablished:
		return false
	}
	return p.ambition == ambitionExploring && p.governance == governanceLow
}

// aiCannotWait reports whether, given the budget for it, the CAIO should
// start alongside the CTO rather than after. Aggressive adoption cannot wait;
// with both named as goals, targeted plans or high governance needs cannot
// either.
func aiCannotWait(p profile) bool {
	if p.ambition == ambitionAggressive {
		return true
	}
	return p.goal == goalBoth && (p.ambition == ambitionTargeted || p.governance == governanceHigh)
}

// Confidence bounds: never certain, since six multiple-choice answers leave
// out a lot, and never below a coin toss between the two closest roles.
const (
	confidenceMin = 0.5
	confidenceMax = 0.95
)

// confidence measures how clear-cut the answers are: how far they sit from
// a decision boundary. It counts the neighbouring answer sets, those with the
// same goal and exactly one other answer changed (9 of them), that still lead
// to the same role:
//
//	confidence = 0.5 + 0.45 * same/9, rounded to two decimals
//
// If no single changed answer would change the recommendation it is 0.95; if
// every one would, 0.5. Over all 486 answer sets it spans 0.65 to 0.95.
func confidence(p profile, role Role) float64 {
	same, total := 0, 0
	for q := range p.neighbours {
		total++
		if decide(q) == role {
			same++
		}
	}
	c := confidenceMin + (confidenceMax-confidenceMin)*float64(same)/float64(total)
	return math.Round(c*100) / 100
}

// leaders is how many leaders are paid for at once: cto_then_caio sequences
// one leader at a time.
func leaders(role Role) int {
	if role == RoleBoth {
		return 2
	}
	return 1
}

// costOf compares fractional and full-time leadership over months months.
// Integer arithmetic keeps the totals exact for whole years.
func costOf(role Role, months int) Cost {
	n := leaders(role)
	return Cost{
		Months: months,
		Roles:  n,
		Fractional: USDRange{
			Min: fractionalMonthlyMin * months * n,
			Max: fractionalMonthlyMax * months * n,
		},
		FullTime: USDRange{
			Min: fullTimeYearlyMin * months * n / 12,
			Max: fullTimeYearlyMax * months * n / 12,
		},
	}
}
