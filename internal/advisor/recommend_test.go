package advisor_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/fractional-advisor/fractional-advisor/internal/advisor"
)

type roleCase struct {
	name string
	a    advisor.Answers
	want advisor.Role
}

func runRoleCases(t *testing.T, cases []roleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := advisor.Recommend(tc.a, advisor.DefaultMonths)
			if err != nil {
				t.Fatalf("Recommend(%+v): %v", tc.a, err)
			}
			if r.Role != tc.want {
				t.Errorf("Recommend(%+v).Role = %s, want %s\nsummary: %s", tc.a, r.Role, tc.want, r.Summary)
			}
			for _, problem := range checkRecommendation(tc.a, advisor.DefaultMonths, r) {
				t.Error(problem)
			}
		})
	}
}

// A dedicated AI transformation on solid infrastructure calls for a CAIO.
func TestPrincipleAITransformationOnSolidInfrastructureIsCAIO(t *testing.T) {
	t.Parallel()
	runRoleCases(t, []roleCase{
		{"targeted, established", ans("ai_transformation", "solid", "targeted", "established", "low", "10k_25k"), advisor.RoleCAIO},
		{"aggressive, established, high governance", ans("ai_transformation", "solid", "aggressive", "established", "high", "10k_25k"), advisor.RoleCAIO},
		{"aggressive, small, big budget", ans("ai_transformation", "solid", "aggressive", "small", "low", "over_25k"), advisor.RoleCAIO},
		{"exploring, small", ans("ai_transformation", "solid", "exploring", "small", "low", "10k_25k"), advisor.RoleCAIO},
		{"targeted, no team, vendors can build", ans("ai_transformation", "solid", "targeted", "none", "high", "over_25k"), advisor.RoleCAIO},
		{"small budget still names the CAIO", ans("ai_transformation", "solid", "targeted", "established", "high", "under_10k"), advisor.RoleCAIO},
	})
}

// Broad needs in infrastructure, engineering teams and product delivery call
// for a CTO.
func TestPrincipleBroadTechnicalNeedsIsCTO(t *testing.T) {
	t.Parallel()
	runRoleCases(t, []roleCase{
		{"foundation, weak, no team", ans("tech_foundation", "weak", "exploring", "none", "low", "10k_25k"), advisor.RoleCTO},
		{"foundation, partial, small team", ans("tech_foundation", "partial", "targeted", "small", "low", "10k_25k"), advisor.RoleCTO},
		{"foundation, solid, established", ans("tech_foundation", "solid", "exploring", "established", "low", "over_25k"), advisor.RoleCTO},
		{"foundation, exploring, high governance", ans("tech_foundation", "weak", "exploring", "small", "high", "over_25k"), advisor.RoleCTO},
	})
}

// A CAIO without solid infrastructure produces strategies that cannot be
// executed: weak infrastructure never gets a CAIO alone.
func TestPrincipleWeakInfrastructureNeverCAIO(t *testing.T) {
	t.Parallel()
	runRoleCases(t, []roleCase{
		{"AI goal, targeted, established", ans("ai_transformation", "weak", "targeted", "established", "low", "10k_25k"), advisor.RoleCTOThenCAIO},
		{"AI goal, targeted, big budget", ans("ai_transformation", "weak", "targeted", "established", "high", "over_25k"), advisor.RoleCTOThenCAIO},
		{"AI goal, exploring", ans("ai_transformation", "weak", "exploring", "small", "high", "10k_25k"), advisor.RoleCTOThenCAIO},
		{"AI goal, aggressive, big budget", ans("ai_transformation", "weak", "aggressive", "established", "low", "over_25k"), advisor.RoleBoth},
		{"AI goal, aggressive, one-leader budget", ans("ai_transformation", "weak", "aggressive", "established", "low", "10k_25k"), advisor.RoleCTOThenCAIO},
	})
}

// Aggressive AI adoption that also needs broad technical leadership calls
// for both leaders, sequenced when the budget cannot carry two (over $25k).
func TestPrincipleAggressiveWithBroadNeedsIsBothOrSequenced(t *testing.T) {
	t.Parallel()
	runRoleCases(t, []roleCase{
		{"goal both, over 25k", ans("both", "partial", "aggressive", "small", "low", "over_25k"), advisor.RoleBoth},
		{"goal both, 10k-25k", ans("both", "partial", "aggressive", "small", "low", "10k_25k"), advisor.RoleCTOThenCAIO},
		{"goal both, under 10k", ans("both", "partial", "aggressive", "small", "low", "under_10k"), advisor.RoleCTOThenCAIO},
		{"foundation goal, aggressive, over 25k", ans("tech_foundation", "solid", "aggressive", "established", "low", "over_25k"), advisor.RoleBoth},
		{"foundation goal, aggressive, 10k-25k", ans("tech_foundation", "solid", "aggressive", "established", "low", "10k_25k"), advisor.RoleCTOThenCAIO},
		{"AI goal, no team, over 25k", ans("ai_transformation", "solid", "aggressive", "none", "high", "over_25k"), advisor.RoleBoth},
		{"AI goal, no team, 10k-25k", ans("ai_transformation", "solid", "aggressive", "none", "high", "10k_25k"), advisor.RoleCTOThenCAIO},
	})
}

// Under $10k a month cannot carry one leader: the role is unchanged, and a
// budget note says so and what to do instead.
func TestPrincipleUnder10kKeepsRoleAndAddsBudgetNote(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		a    advisor.Answers
		want advisor.Role
	}{
		{"caio", ans("ai_transformation", "solid", "targeted", "established", "high", "under_10k"), advisor.RoleCAIO},
		{"cto", ans("tech_foundation", "weak", "exploring", "none", "low", "under_10k"), advisor.RoleCTO},
		{"cto then caio", ans("both", "weak", "aggressive", "small", "high", "under_10k"), advisor.RoleCTOThenCAIO},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := advisor.Recommend(tc.a, advisor.DefaultMonths)
			if err != nil {
				t.Fatal(err)
			}
			if r.Role != tc.want {
				t.Errorf("Role = %s, want %s", r.Role, tc.want)
			}
			for _, must := range []string{"under $10k", "$10k–$25k", "time-boxed", "assessment sprint", "a few days a month"} {
				if !strings.Contains(r.BudgetNote, must) {
					t.Errorf("BudgetNote lacks %q: %s", must, r.BudgetNote)
				}
			}
			if last := r.Reasons[len(r.Reasons)-1]; last.Field != advisor.FieldBudget || !strings.Contains(last.Text, "under $10k") {
				t.Errorf("last reason does not explain the budget: %+v", last)
			}

			// One step up in budget gives the same role without a note.
			b := tc.a
			b.Budget = "10k_25k"
			r2, err := advisor.Recommend(b, advisor.DefaultMonths)
			if err != nil {
				t.Fatal(err)
			}
			if r2.Role != r.Role || r2.BudgetNote != "" {
				t.Errorf("at 10k_25k: role %s note %q; under 10k: role %s", r2.Role, r2.BudgetNote, r.Role)
			}
		})
	}
}

// Partial infrastructure is weighed: with an established team (or a small
// one and a concrete AI need) the CAIO starts alongside; with no team or
// aggressive plans the CTO goes first.
func TestPrinciplePartialInfrastructureIsWeighed(t *testing.T) {
	t.Parallel()
	runRoleCases(t, []roleCase{
		{"established team, targeted", ans("ai_transformation", "partial", "targeted", "established", "low", "10k_25k"), advisor.RoleCAIO},
		{"established team, exploring", ans("ai_transformation", "partial", "exploring", "established", "high", "10k_25k"), advisor.RoleCAIO},
		{"small team, targeted", ans("ai_transformation", "partial", "targeted", "small", "low", "10k_25k"), advisor.RoleCAIO},
		{"small team, exploring, high governance", ans("ai_transformation", "partial", "exploring", "small", "high", "10k_25k"), advisor.RoleCAIO},
		{"small team, exploring, low governance", ans("ai_transformation", "partial", "exploring", "small", "low", "10k_25k"), advisor.RoleCTOThenCAIO},
		{"no team", ans("ai_transformation", "partial", "targeted", "none", "high", "over_25k"), advisor.RoleCTOThenCAIO},
		{"aggressive, established, one-leader budget", ans("ai_transformation", "partial", "aggressive", "established", "low", "10k_25k"), advisor.RoleCTOThenCAIO},
		{"aggressive, established, big budget", ans("ai_transformation", "partial", "aggressive", "established", "low", "over_25k"), advisor.RoleBoth},
	})
	// The weighing is explained in the infrastructure reason.
	r, err := advisor.Recommend(ans("ai_transformation", "partial", "targeted", "established", "low", "10k_25k"), advisor.DefaultMonths)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Reasons[1]; got.Field != advisor.FieldInfrastructure || !strings.Contains(got.Text, "established engineering team") {
		t.Errorf("infrastructure reason does not explain the weighing: %+v", got)
	}
}

// The other answers move the recommendation the way the article suggests.
func TestPrincipleOtherAnswers(t *testing.T) {
	t.Parallel()
	runRoleCases(t, []roleCase{
		// No engineering team: someone must build engineering.
		{"no team adds CTO weight", ans("ai_transformation", "solid", "aggressive", "none", "low", "10k_25k"), advisor.RoleCTOThenCAIO},
		{"with a team the CAIO suffices", ans("ai_transformation", "solid", "aggressive", "small", "low", "10k_25k"), advisor.RoleCAIO},
		// High AI governance adds CAIO weight.
		{"foundation, targeted, low governance", ans("tech_foundation", "partial", "targeted", "small", "low", "10k_25k"), advisor.RoleCTO},
		{"foundation, targeted, high governance", ans("tech_foundation", "partial", "targeted", "small", "high", "10k_25k"), advisor.RoleCTOThenCAIO},
		{"goal both, exploring, high governance", ans("both", "solid", "exploring", "established", "high", "over_25k"), advisor.RoleBoth},
		// Goal tech_foundation points to a CTO.
		{"foundation goal", ans("tech_foundation", "solid", "targeted", "established", "low", "under_10k"), advisor.RoleCTO},
		// Goal both: both or sequenced, by budget, infrastructure and ambition.
		{"goal both, targeted, big budget", ans("both", "solid", "targeted", "established", "low", "over_25k"), advisor.RoleBoth},
		{"goal both, weak, aggressive, big budget", ans("both", "weak", "aggressive", "none", "low", "over_25k"), advisor.RoleBoth},
		{"goal both, weak, targeted, big budget", ans("both", "weak", "targeted", "none", "low", "over_25k"), advisor.RoleBoth},
		{"goal both, one-leader budget", ans("both", "solid", "aggressive", "established", "high", "10k_25k"), advisor.RoleCTOThenCAIO},
		// Exploring lowers the urgency of a CAIO.
		{"goal both, exploring, low governance, big budget", ans("both", "solid", "exploring", "established", "low", "over_25k"), advisor.RoleCTOThenCAIO},
	})
}

func TestAllCombinations(t *testing.T) {
	t.Parallel()
	all := allAnswers()
	if len(all) != 486 {
		t.Fatalf("%d combinations, want 486", len(all))
	}
	count := map[advisor.Role]int{}
	lo, hi, sum := 1.0, 0.0, 0.0
	for _, a := range all {
		r, err := advisor.Recommend(a, advisor.DefaultMonths)
		if err != nil {
			t.Fatalf("Recommend(%+v): %v", a, err)
		}
		for _, problem := range checkRecommendation(a, advisor.DefaultMonths, r) {
			t.Errorf("%+v: %s", a, problem)
		}
		if r.Confidence < 0.5 || r.Confidence > 0.95 {
			t.Errorf("%+v: confidence %v outside the documented 0.5..0.95", a, r.Confidence)
		}
		again, _ := advisor.Recommend(a, advisor.DefaultMonths)
		if !reflect.DeepEqual(r, again) {
			t.Errorf("%+v: two calls differ", a)
		}
		count[r.Role]++
		lo, hi, sum = min(lo, r.Confidence), max(hi, r.Confidence), sum+r.Confidence
	}
	for _, role := range advisor.Roles() {
		t.Logf("%-14s %3d", role, count[role])
	}
	t.Logf("confidence min %.2f max %.2f mean %.2f", lo, hi, sum/float64(len(all)))
	for _, role := range advisor.Roles() {
		if count[role] == 0 {
			t.Errorf("no combination gives %s", role)
		}
	}
}

func TestCost(t *testing.T) {
	t.Parallel()
	caio := ans("ai_transformation", "solid", "targeted", "established", "low", "10k_25k")
	both := ans("both", "solid", "aggressive", "established", "low", "over_25k")
	cases := []struct {
		name   string
		a      advisor.Answers
		months int
		want   advisor.Cost
	}{
		{"one leader, a year", caio, 12, advisor.Cost{Months: 12, Roles: 1,
			Fractional: advisor.USDRange{Min: 120000, Max: 300000}, FullTime: advisor.USDRange{Min: 200000, Max: 400000}}},
		{"two leaders, a year", both, 12, advisor.Cost{Months: 12, Roles: 2,
			Fractional: advisor.USDRange{Min: 240000, Max: 600000}, FullTime: advisor.USDRange{Min: 400000, Max: 800000}}},
		{"one leader, a month", caio, 1, advisor.Cost{Months: 1, Roles: 1,
			Fractional: advisor.USDRange{Min: 10000, Max: 25000}, FullTime: advisor.USDRange{Min: 16666, Max: 33333}}},
		{"two leaders, five years", both, 60, advisor.Cost{Months: 60, Roles: 2,
			Fractional: advisor.USDRange{Min: 1200000, Max: 3000000}, FullTime: advisor.USDRange{Min: 2000000, Max: 4000000}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := advisor.Recommend(tc.a, tc.months)
			if err != nil {
				t.Fatal(err)
			}
			if r.Cost != tc.want {
				t.Errorf("Cost = %+v, want %+v", r.Cost, tc.want)
			}
		})
	}
}

func TestRecommendMonthsBounds(t *testing.T) {
	t.Parallel()
	a := ans("ai_transformation", "solid", "targeted", "established", "low", "10k_25k")
	cases := []struct {
		months int
		ok     bool
	}{
		{-1, false}, {0, false}, {1, true}, {advisor.DefaultMonths, true}, {60, true}, {61, false}, {1 << 40, false},
	}
	for _, tc := range cases {
		r, err := advisor.Recommend(a, tc.months)
		if tc.ok {
			if err != nil || r.Cost.Months != tc.months {
				t.Errorf("Recommend(months=%d) = months %d, %v; want success", tc.months, r.Cost.Months, err)
			}
			continue
		}
		var me *advisor.MonthsError
		if !errors.As(err, &me) || me.Months != tc.months {
			t.Errorf("Recommend(months=%d) error = %v, want a *MonthsError", tc.months, err)
			continue
		}
		if msg := err.Error(); !strings.HasPrefix(msg, "months: ") || strings.Contains(msg, "\n") {
			t.Errorf("error %q should be one line naming months", msg)
		}
		if !reflect.DeepEqual(r, advisor.Recommendation{}) {
			t.Errorf("Recommend(months=%d) returned a recommendation with its error", tc.months)
		}
	}
}

func TestRecommendInvalidAnswers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		a    advisor.Answers
		want advisor.FieldError
	}{
		{"empty", advisor.Answers{}, advisor.FieldError{Field: advisor.FieldGoal}},
		{"unknown value", ans("ai_transformation", "rock_solid", "targeted", "small", "low", "10k_25k"),
			advisor.FieldError{Field: advisor.FieldInfrastructure, Value: "rock_solid"}},
		{"not normalised", ans("ai_transformation", "solid", "targeted", "small", "low", "Over_25k"),
			advisor.FieldError{Field: advisor.FieldBudget, Value: "Over_25k"}},
		{"missing last", ans("both", "weak", "aggressive", "none", "high", ""), advisor.FieldError{Field: advisor.FieldBudget}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// Bad months too: the answers are reported first.
			_, err := advisor.Recommend(tc.a, 0)
			var fe *advisor.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error = %v, want a *FieldError", err)
			}
			if *fe != tc.want {
				t.Errorf("error = %+v, want %+v", *fe, tc.want)
			}
		})
	}
}

// Confidence is 0.5 + 0.45 * (share of the 9 one-answer changes, goal kept,
// that keep the role), so clear-cut answers score high and borderline ones low.
func TestConfidence(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		a    advisor.Answers
		want float64
	}{
		// Every single change still gives cto_then_caio.
		{"clear-cut sequence", ans("both", "weak", "exploring", "none", "low", "10k_25k"), 0.95},
		// Only aggressive AI plans would move it (to cto_then_caio): 8 of 9 keep cto.
		{"foundation", ans("tech_foundation", "partial", "exploring", "small", "low", "10k_25k"), 0.9},
		// A small team with exploring plans sits on the partial-infrastructure
		// boundary: solid keeps caio; weak, no team, aggressive, low
		// governance all move it.
		{"borderline caio", ans("ai_transformation", "partial", "exploring", "small", "high", "10k_25k"), 0.75},
		// Any team, a smaller budget or less ambition breaks "both".
		{"borderline both", ans("ai_transformation", "solid", "aggressive", "none", "low", "over_25k"), 0.65},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := advisor.Recommend(tc.a, advisor.DefaultMonths)
			if err != nil {
				t.Fatal(err)
			}
			if r.Confidence != tc.want {
				t.Errorf("Confidence = %v (%s), want %v", r.Confidence, r.Role, tc.want)
			}
		})
	}
}
