package advisor_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/fractional-advisor/fractional-advisor/internal/advisor"
)

// FuzzParseAnswers feeds arbitrary text to ParseAnswers and, when it is
// accepted, to Recommend: nothing may panic, and every outcome is either a
// typed error or a sound recommendation. More seeds live in
// testdata/fuzz/FuzzParseAnswers.
func FuzzParseAnswers(f *testing.F) {
	f.Add("ai_transformation", "solid", "targeted", "established", "high", "10k_25k", 12)
	f.Add(" Both ", "WEAK", "Aggressive\t", "none", "low", "under_10k", 1)
	f.Add("tech_foundation", "partial", "exploring", "small", "low", "over_25k", 0)
	f.Add("", "", "", "", "", "", -5)
	f.Add("ai_transformation\x00", "solid", "targeted", "small", "low", "over_25k", 61)
	f.Add("\xff\xfe", "solid", "targeted", "small", "low", "over_25k", 12)
	f.Add(strings.Repeat("both", 500), "solid", "targeted", "small", "low", "over_25k", 12)

	f.Fuzz(func(t *testing.T, goal, infra, ambition, team, governance, budget string, months int) {
		in := map[advisor.Field]string{
			advisor.FieldGoal:            goal,
			advisor.FieldInfrastructure:  infra,
			advisor.FieldAIAmbition:      ambition,
			advisor.FieldEngineeringTeam: team,
			advisor.FieldAIGovernance:    governance,
			advisor.FieldBudget:          budget,
		}
		a, err := advisor.ParseAnswers(in)
		if err != nil {
			var fe *advisor.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("ParseAnswers error %T %v, want a *FieldError", err, err)
			}
			if msg := err.Error(); len(msg) > 250 || strings.ContainsAny(msg, "\x00\n") {
				t.Fatalf("error message not short and safe: %q", msg)
			}
			return
		}
		for f, v := range in {
			if got, want := a.Get(f), strings.ToLower(strings.TrimSpace(v)); got != want {
				t.Fatalf("%s = %q, want %q", f, got, want)
			}
		}
		r, err := advisor.Recommend(a, months)
		if months < advisor.MinMonths || months > advisor.MaxMonths {
			var me *advisor.MonthsError
			if !errors.As(err, &me) {
				t.Fatalf("months %d: error %v, want a *MonthsError", months, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("Recommend(%+v, %d): %v", a, months, err)
		}
		for _, problem := range checkRecommendation(a, months, r) {
			t.Error(problem)
		}
	})
}
