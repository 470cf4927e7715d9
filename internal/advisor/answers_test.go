package advisor_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/fractional-advisor/fractional-advisor/internal/advisor"
)

func validValues() map[advisor.Field]string {
	return map[advisor.Field]string{
		advisor.FieldGoal:            "ai_transformation",
		advisor.FieldInfrastructure:  "solid",
		advisor.FieldAIAmbition:      "targeted",
		advisor.FieldEngineeringTeam: "established",
		advisor.FieldAIGovernance:    "high",
		advisor.FieldBudget:          "10k_25k",
	}
}

func TestParseAnswers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		edit    func(map[advisor.Field]string)
		want    advisor.Answers // when wantErr is nil
		wantErr *advisor.FieldError
	}{
		{
			name: "all valid",
			edit: func(map[advisor.Field]string) {},
			want: ans("ai_transformation", "solid", "targeted", "established", "high", "10k_25k"),
		},
		{
			name: "case and space tolerated",
			edit: func(m map[advisor.Field]string) {
				m[advisor.FieldInfrastructure] = "  Solid\t"
				m[advisor.FieldBudget] = "OVER_25K\n"
				m[advisor.FieldGoal] = " Both "
			},
			want: ans("both", "solid", "targeted", "established", "high", "over_25k"),
		},
		{
			name:    "missing field",
			edit:    func(m map[advisor.Field]string) { delete(m, advisor.FieldAIGovernance) },
			wantErr: &advisor.FieldError{Field: advisor.FieldAIGovernance},
		},
		{
			name:    "blank value is missing",
			edit:    func(m map[advisor.Field]string) { m[advisor.FieldEngineeringTeam] = "   " },
			wantErr: &advisor.FieldError{Field: advisor.FieldEngineeringTeam},
		},
		{
			name:    "unknown value",
			edit:    func(m map[advisor.Field]string) { m[advisor.FieldAIAmbition] = "Moderate" },
			wantErr: &advisor.FieldError{Field: advisor.FieldAIAmbition, Value: "moderate"},
		},
		{
			name:    "dash instead of underscore",
			edit:    func(m map[advisor.Field]string) { m[advisor.FieldGoal] = "tech-foundation" },
			wantErr: &advisor.FieldError{Field: advisor.FieldGoal, Value: "tech-foundation"},
		},
		{
			name:    "unknown field",
			edit:    func(m map[advisor.Field]string) { m["colour"] = "blue" },
			wantErr: &advisor.FieldError{Field: "colour", Value: "blue"},
		},
		{
			name: "first bad field in question order, whatever the map order",
			edit: func(m map[advisor.Field]string) {
				m[advisor.FieldBudget] = "lots"
				m[advisor.FieldInfrastructure] = "cloudy"
				delete(m, advisor.FieldAIAmbition)
			},
			wantErr: &advisor.FieldError{Field: advisor.FieldInfrastructure, Value: "cloudy"},
		},
		{
			name: "smallest unknown field first",
			edit: func(m map[advisor.Field]string) {
				m["zeta"] = "1"
				m["alpha"] = "2"
				m[advisor.FieldGoal] = "nope"
			},
			wantErr: &advisor.FieldError{Field: "alpha", Value: "2"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// Map order varies between runs; repeat to catch order dependence.
			for range 20 {
				m := validValues()
				tc.edit(m)
				got, err := advisor.ParseAnswers(m)
				if tc.wantErr == nil {
					if err != nil || got != tc.want {
						t.Fatalf("ParseAnswers = %+v, %v; want %+v", got, err, tc.want)
					}
					continue
				}
				var fe *advisor.FieldError
				if !errors.As(err, &fe) {
					t.Fatalf("error = %v, want a *FieldError", err)
				}
				if *fe != *tc.wantErr {
					t.Fatalf("error = %+v, want %+v", *fe, *tc.wantErr)
				}
				if got != (advisor.Answers{}) {
					t.Fatalf("answers %+v returned with an error", got)
				}
			}
		})
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	for _, a := range allAnswers() {
		if err := a.Validate(); err != nil {
			t.Fatalf("Validate(%+v) = %v", a, err)
		}
	}
	a := ans("both", "weak", "aggressive", "none", "high", "under_10k")
	a.AIGovernance = "High" // Validate does not normalise; ParseAnswers does
	var fe *advisor.FieldError
	if err := a.Validate(); !errors.As(err, &fe) || fe.Field != advisor.FieldAIGovernance {
		t.Errorf("Validate(%+v) = %v, want an ai_governance error", a, err)
	}
}

func TestFieldErrorMessage(t *testing.T) {
	t.Parallel()
	cases := []struct {
		err  advisor.FieldError
		want string
	}{
		{advisor.FieldError{Field: advisor.FieldBudget}, `budget: missing answer`},
		{advisor.FieldError{Field: advisor.FieldGoal, Value: "world_peace"}, `goal: unknown value "world_peace"`},
		{advisor.FieldError{Field: advisor.FieldGoal, Value: "a\x00b"}, `goal: unknown value "a\x00b"`},
		{advisor.FieldError{Field: "colour", Value: "blue"}, `unknown field "colour"`},
		{advisor.FieldError{Field: advisor.FieldGoal, Value: strings.Repeat("x", 500)},
			`goal: unknown value "` + strings.Repeat("x", 40) + `..."`},
	}
	for _, tc := range cases {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
}
