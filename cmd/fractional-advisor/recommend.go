package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/fractional-advisor/fractional-advisor/internal/advisor"
	"github.com/fractional-advisor/fractional-advisor/internal/blockkit"
)

type recommendOutput struct {
	Recommendation string            `json:"recommendation"`
	Confidence     float64           `json:"confidence"`
	Summary        string            `json:"summary"`
	Reasons        []string          `json:"reasons"`
	ReasonDetails  []reasonDetail    `json:"reason_details"`
	Risks          []string          `json:"risks"`
	NextSteps      []string          `json:"next_steps"`
	BudgetNote     string            `json:"budget_note,omitempty"`
	Cost           advisor.Cost      `json:"cost"`
	Answers        map[string]string `json:"answers"`
}

type reasonDetail struct {
	Field string `json:"field"`
	Value string `json:"value"`
	Text  string `json:"text"`
}

// flagName turns a field into its flag: ai_ambition → ai-ambition.
func flagName(f advisor.Field) string { return strings.ReplaceAll(string(f), "_", "-") }

func runRecommend(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("recommend", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	asJSON := fs.Bool("json", false, "print JSON")
	monthsText := fs.String("months", strconv.Itoa(advisor.DefaultMonths), "engagement length in months")
	questions := advisor.Questions()
	values := make(map[advisor.Field]*string, len(questions))
	for _, q := range questions {
		values[q.Field] = fs.String(flagName(q.Field), "", q.Label)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, recommendHelp(questions))
			return errHelp
		}
		return usagef("recommend: %v", err)
	}
	if fs.NArg() > 0 {
		return usagef("recommend: unexpected argument %q", fs.Arg(0))
	}
	months, err := strconv.Atoi(strings.TrimSpace(*monthsText))
	if err != nil {
		return usagef("recommend: --months must be a whole number, got %q", clip(*monthsText))
	}
	answers := make(map[advisor.Field]string, len(values))
	for _, q := range questions {
		answers[q.Field] = *values[q.Field]
	}
	parsed, err := advisor.ParseAnswers(answers)
	if err != nil {
		return usagef("recommend: %s", describeFieldError(err, questions))
	}
	rec, err := advisor.Recommend(parsed, months)
	if err != nil {
		var me *advisor.MonthsError
		if errors.As(err, &me) {
			return usagef("recommend: --months must be between %d and %d, got %d", advisor.MinMonths, advisor.MaxMonths, months)
		}
		return fmt.Errorf("recommend: %w", err)
	}
	out := toOutput(parsed, rec)
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(out)
	}
	return writeRecommendText(stdout, out)
}

// describeFieldError names the flag and, for an unknown value, the values
// it accepts.
func describeFieldError(err error, questions []advisor.Question) string {
	var fe *advisor.FieldError
	if !errors.As(err, &fe) {
		return err.Error()
	}
	var allowed []string
	for _, q := range questions {
		if q.Field == fe.Field {
			for _, o := range q.Options {
				allowed = append(allowed, o.Value)
			}
		}
	}
	name := "--" + flagName(fe.Field)
	if fe.Value == "" {
		return fmt.Sprintf("%s is required (one of %s)", name, strings.Join(allowed, ", "))
	}
	return fmt.Sprintf("%s: unknown value %q (want one of %s)", name, clip(fe.Value), strings.Join(allowed, ", "))
}

// clip keeps error lines short whatever was typed.
func clip(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}

func toOutput(a advisor.Answers, rec advisor.Recommendation) recommendOutput {
	out := recommendOutput{
		Recommendation: string(rec.Role),
		Confidence:     rec.Confidence,
		Summary:        rec.Summary,
		Reasons:        make([]string, 0, len(rec.Reasons)),
		ReasonDetails:  make([]reasonDetail, 0, len(rec.Reasons)),
		Risks:          rec.Risks,
		NextSteps:      rec.NextSteps,
		BudgetNote:     rec.BudgetNote,
		Cost:           rec.Cost,
		Answers:        make(map[string]string),
	}
	for _, r := range rec.Reasons {
		out.Reasons = append(out.Reasons, r.Text)
		out.ReasonDetails = append(out.ReasonDetails, reasonDetail{Field: string(r.Field), Value: r.Value, Text: r.Text})
	}
	for _, q := range advisor.Questions() {
		out.Answers[string(q.Field)] = a.Get(q.Field)
	}
	return out
}

func writeRecommendText(w io.Writer, out recommendOutput) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Recommendation: %s  [%s, confidence %.0f%%]\n%s\n", blockkit.RoleTitle(advisor.Role(out.Recommendation)), out.Recommendation, 100*out.Confidence, out.Summary)
	section := func(title string, items []string) {
		fmt.Fprintf(&b, "\n%s:\n", title)
		for _, it := range items {
			fmt.Fprintf(&b, "  • %s\n", it)
		}
	}
	section("Why", out.Reasons)
	if out.BudgetNote != "" {
		fmt.Fprintf(&b, "\nBudget: %s\n", out.BudgetNote)
	}
	c := out.Cost
	fmt.Fprintf(&b, "\nCost over %s (%s):\n  fractional  %s – %s\n  full-time   %s – %s\n",
		plural(c.Months, "month"), plural(c.Roles, "leader"), blockkit.USD(c.Fractional.Min), blockkit.USD(c.Fractional.Max), blockkit.USD(c.FullTime.Min), blockkit.USD(c.FullTime.Max))
	section("Risks to watch", out.Risks)
	section("Next steps", out.NextSteps)
	_, err := io.WriteString(w, b.String())
	return err
}

// plural writes a count with its noun: "1 month", "12 months".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func recommendHelp(questions []advisor.Question) string {
	var b strings.Builder
	b.WriteString("Usage: fractional-advisor recommend [--json] [--months N] --goal G --infrastructure I --ai-ambition A --engineering-team T --ai-governance V --budget B\n\n")
	for _, q := range questions {
		var vals []string
		for _, o := range q.Options {
			vals = append(vals, o.Value)
		}
		fmt.Fprintf(&b, "  --%-17s %s: %s\n", flagName(q.Field), q.Label, strings.Join(vals, " | "))
	}
	fmt.Fprintf(&b, "  --%-17s engagement length for the cost comparison, %d..%d (default %d)\n", "months", advisor.MinMonths, advisor.MaxMonths, advisor.DefaultMonths)
	b.WriteString("  --json              print the contract's JSON\n")
	return b.String()
}
