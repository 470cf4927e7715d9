package advisor_test

import (
	"fmt"
	"strings"

	"github.com/fractional-advisor/fractional-advisor/internal/advisor"
)

// ans builds Answers in question order: goal, infrastructure, AI ambition,
// engineering team, AI governance, budget.
func ans(goal, infra, ambition, team, governance, budget string) advisor.Answers {
	return advisor.Answers{
		Goal:            goal,
		Infrastructure:  infra,
		AIAmbition:      ambition,
		EngineeringTeam: team,
		AIGovernance:    governance,
		Budget:          budget,
	}
}

func allAnswers() []advisor.Answers { return advisor.AllAnswers() }

// checkRecommendation returns every way r breaks the engine's promises for
// answers a and months months; none means r is sound.
func checkRecommendation(a advisor.Answers, months int, r advisor.Recommendation) []string {
	var bad []string
	fail := func(format string, args ...any) { bad = append(bad, fmt.Sprintf(format, args...)) }

	switch r.Role {
	case advisor.RoleCAIO, advisor.RoleCTO, advisor.RoleBoth, advisor.RoleCTOThenCAIO:
	default:
		fail("role %q is not one of the contract's", r.Role)
	}
	if r.Confidence < 0 || r.Confidence > 1 {
		fail("confidence %v outside [0,1]", r.Confidence)
	}
	if strings.TrimSpace(r.Summary) == "" {
		fail("empty summary")
	}

	if len(r.Reasons) == 0 {
		fail("no reasons")
	}
	seenText := map[string]bool{}
	for i, reason := range r.Reasons {
		if got := a.Get(reason.Field); got == "" || got != reason.Value {
			fail("reason %d: field %q value %q, answer is %q", i, reason.Field, reason.Value, got)
		}
		if strings.TrimSpace(reason.Text) == "" {
			fail("reason %d: empty text", i)
		}
		if seenText[reason.Text] {
			fail("reason %d repeats %q", i, reason.Text)
		}
		seenText[reason.Text] = true
	}
	checkList := func(name string, list []string, lo, hi int) {
		if len(list) < lo || len(list) > hi {
			fail("%d %s, want %d..%d", len(list), name, lo, hi)
		}
		seen := map[string]bool{}
		for _, s := range list {
			if strings.TrimSpace(s) == "" {
				fail("empty entry in %s", name)
			}
			if seen[s] {
				fail("%s repeat %q", name, s)
			}
			seen[s] = true
		}
	}
	checkList("risks", r.Risks, 2, 4)
	checkList("next steps", r.NextSteps, 3, 5)

	roles := 1
	if r.Role == advisor.RoleBoth {
		roles = 2
	}
	want := advisor.Cost{
		Months:     months,
		Roles:      roles,
		Fractional: advisor.USDRange{Min: 10000 * months * roles, Max: 25000 * months * roles},
		FullTime:   advisor.USDRange{Min: 200000 * months * roles / 12, Max: 400000 * months * roles / 12},
	}
	if r.Cost != want {
		fail("cost %+v, want %+v", r.Cost, want)
	}

	// The article's principles.
	if a.Infrastructure == "weak" && r.Role == advisor.RoleCAIO {
		fail("weak infrastructure got a CAIO alone")
	}
	if r.Role == advisor.RoleBoth && a.Budget != "over_25k" {
		fail("both leaders on a %s budget", a.Budget)
	}
	if (a.Budget == "under_10k") != (r.BudgetNote != "") {
		fail("budget %s with budget note %q", a.Budget, r.BudgetNote)
	}
	if a.Goal == "ai_transformation" && a.Infrastructure == "solid" && a.EngineeringTeam != "none" && r.Role != advisor.RoleCAIO {
		fail("AI transformation on solid infrastructure with a team got %s", r.Role)
	}
	if a.Goal == "tech_foundation" && (a.AIAmbition == "exploring" || a.AIAmbition == "targeted" && a.AIGovernance == "low") && r.Role != advisor.RoleCTO {
		fail("foundation goal with low AI ambition got %s", r.Role)
	}
	if a.Goal == "both" && r.Role != advisor.RoleBoth && r.Role != advisor.RoleCTOThenCAIO {
		fail("goal both got %s", r.Role)
	}
	if r.Role == advisor.RoleCTOThenCAIO && !strings.Contains(r.Summary, "one leader at a time") {
		fail("cto_then_caio summary does not say the leaders are sequenced: %q", r.Summary)
	}
	if r.Role == advisor.RoleCTOThenCAIO || r.BudgetNote != "" {
		for _, reason := range r.Reasons {
			if reason.Field == advisor.FieldBudget && !strings.Contains(reason.Text, "budget") {
				fail("budget reason does not mention the budget: %q", reason.Text)
			}
		}
	}
	return bad
}
