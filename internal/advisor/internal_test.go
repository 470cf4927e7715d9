package advisor

import (
	"strings"
	"testing"
)

// optionIndex duplicates the option order of Questions for speed; this keeps
// the two in step.
func TestOptionIndexMatchesQuestions(t *testing.T) {
	t.Parallel()
	counts := map[Field]int{
		FieldGoal:            int(goalCount),
		FieldInfrastructure:  int(infraCount),
		FieldAIAmbition:      int(ambitionCount),
		FieldEngineeringTeam: int(teamCount),
		FieldAIGovernance:    int(governanceCount),
		FieldBudget:          int(budgetCount),
	}
	for _, q := range Questions() {
		if len(q.Options) != counts[q.Field] {
			t.Errorf("%s: %d options, enum has %d", q.Field, len(q.Options), counts[q.Field])
		}
		mine := map[string]bool{}
		for i, o := range q.Options {
			mine[o.Value] = true
			if got, ok := optionIndex(q.Field, o.Value); !ok || int(got) != i {
				t.Errorf("optionIndex(%s, %q) = %d, %v; want %d, true", q.Field, o.Value, got, ok, i)
			}
		}
		// No value of another field, nor a near miss, is accepted.
		for _, other := range Questions() {
			for _, o := range other.Options {
				for _, v := range []string{o.Value, strings.ToUpper(o.Value), " " + o.Value, o.Value + "\x00"} {
					if _, ok := optionIndex(q.Field, v); ok != mine[v] {
						t.Errorf("optionIndex(%s, %q) ok = %v", q.Field, v, ok)
					}
				}
			}
		}
	}
}

func TestNeighbours(t *testing.T) {
	t.Parallel()
	p := profile{goal: goalBoth, infra: infraPartial, ambition: ambitionExploring, team: teamEstablished, governance: governanceHigh, budget: budget10kTo25k}
	seen := map[profile]bool{}
	for q := range p.neighbours {
		if q.goal != p.goal {
			t.Errorf("neighbour %+v changes the goal", q)
		}
		diff := 0
		for _, d := range []bool{q.infra != p.infra, q.ambition != p.ambition, q.team != p.team, q.governance != p.governance, q.budget != p.budget} {
			if d {
				diff++
			}
		}
		if diff != 1 {
			t.Errorf("neighbour %+v differs in %d answers", q, diff)
		}
		if seen[q] {
			t.Errorf("neighbour %+v repeated", q)
		}
		seen[q] = true
	}
	if len(seen) != 9 {
		t.Errorf("%d neighbours, want 9", len(seen))
	}
}
