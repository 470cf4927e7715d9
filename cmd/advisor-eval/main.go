// Command advisor-eval measures the FAQ search on the blind evaluation set
// (internal/faq/testdata/blind.yaml): top-1 and top-3 accuracy on
// in-domain questions, rejection of off-topic questions and of hard
// negatives, the confusion pairs, and a reliability table (score bucket →
// share correct). It prints a table and can write a JSON report and check
// one against a baseline (CI fails when a figure drops more than a point).
//
// The set was split once, by a fixed hash of each question, into a tune
// half and a test half. The tune half has since moved into the content, as
// questions the classifier learns from (internal/faq/content/examples.yaml);
// the test half is read by this report alone. Tuning measures the examples
// by cross-validation (-cv): each is ranked by an index trained without its
// fold.
//
//	go run ./cmd/advisor-eval                       # the test half
//	go run ./cmd/advisor-eval -json report.json     # and the JSON report
//	go run ./cmd/advisor-eval -check internal/faq/testdata/blind-baseline.json
//	go run ./cmd/advisor-eval -cv [-misses|-curve]  # the examples, cross-validated
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	iofs "io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"

	"github.com/fractional-advisor/fractional-advisor/internal/faq"
	"go.yaml.in/yaml/v3"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "advisor-eval:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

// blindSet is the blind evaluation set, whose test half only the report
// reads.
const blindSet = "internal/faq/testdata/blind.yaml"

// Case is one question of the set: want is an entry id, or "none" for a
// question the search must refuse; kind says which kind of refusal.
type Case struct {
	Q    string `yaml:"q"`
	Want string `yaml:"want"`
	Kind string `yaml:"kind"` // "" (in-domain), "offtopic", "hard" or "uncovered"
	// Topic is the uncovered topic's id (faq.TopicPrefix+id) when it is
	// known (the content's examples say it; the sets do not): the search
	// must then name that topic.
	Topic string `yaml:"-"`
}

// Half says which half of the set a question is in: a fixed hash of its
// text, so the split never moves and needs no seed file. It reads the
// hash's top bit: FNV's lowest bit is only the parity of the text's odd
// bytes.
func Half(q string) string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(q))
	if h.Sum32()>>31 == 0 {
		return "tune"
	}
	return "test"
}

// Report is what one evaluation found.
type Report struct {
	Half        string  `json:"half"`
	InDomain    int     `json:"in_domain"`
	Top1        float64 `json:"top1"`
	Top3        float64 `json:"top3"`
	OffTopic    int     `json:"offtopic"`
	OffTopicRej float64 `json:"offtopic_rejection"`
	Hard        int     `json:"hard"`
	HardRej     float64 `json:"hard_rejection"`
	// Uncovered counts the questions on topics no entry answers
	// (uncovered.yaml's); UncoveredRej is the share answered "I don't
	// know", UncoveredNamed the share where that named the topic.
	Uncovered      int       `json:"uncovered"`
	UncoveredRej   float64   `json:"uncovered_rejection"`
	UncoveredNamed float64   `json:"uncovered_named"`
	Confusions     []Pair    `json:"confusions"`
	Reliability    []Bucket  `json:"reliability"`
	Threshold      float64   `json:"threshold"`
	MissedByKind   []KindMis `json:"missed_by_kind,omitempty"`
}

// Pair is a confusion: questions wanting Want got Got ("none": no answer).
type Pair struct {
	Want string `json:"want"`
	Got  string `json:"got"`
	N    int    `json:"n"`
}

// Bucket is one row of the reliability table: of the answers given with a
// score in [Lo, Hi), the share that was right.
type Bucket struct {
	Lo      float64 `json:"lo"`
	Hi      float64 `json:"hi"`
	N       int     `json:"n"`
	Correct float64 `json:"correct"`
}

// KindMis counts the misses of one kind of question.
type KindMis struct {
	Kind string `json:"kind"`
	N    int    `json:"n"`
}

func run(_ context.Context, args []string, stdout io.Writer) error {
	return measure(args, stdout, faq.DefaultContent())
}

// measure is run on the given content files (tests give smaller ones:
// cross-validation trains a classifier a fold).
func measure(args []string, stdout io.Writer, content iofs.FS) error {
	fs := flag.NewFlagSet("advisor-eval", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	path := fs.String("set", blindSet, "the evaluation set")
	half := fs.String("half", "test", "which part of the set to measure: test (the blind set's test half) or all, for another set")
	cv := fs.Bool("cv", false, "measure the content's examples (examples.yaml) by cross-validation instead of a set")
	jsonOut := fs.String("json", "", "also write the report as JSON to this file")
	check := fs.String("check", "", "fail when a figure is more than a point below this baseline report")
	curve := fs.Bool("curve", false, "print the figures against the confidence threshold, for choosing it (with -cv)")
	misses := fs.Bool("misses", false, "list the questions the search gets wrong (with -cv, or -half all of another set: the test half is for reporting)")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	isBlind := filepath.Clean(*path) == filepath.Clean(blindSet)
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case *cv && (set["set"] || set["half"] || set["check"]):
		// The baseline is the test half's: cross-validated figures are
		// another population.
		return fmt.Errorf("%w: -cv measures examples.yaml: no -set, -half or -check with it", errUsage)
	case *half != "test" && *half != "all":
		return fmt.Errorf("%w: -half %q: test or all (the tune half is in the content now: -cv)", errUsage, *half)
	case *half == "all" && isBlind:
		// The blind set's test half is for reporting only.
		return fmt.Errorf("%w: -half all reads a whole set, never the blind set (%s)", errUsage, blindSet)
	case (*misses || *curve) && !*cv && *half == "test":
		return fmt.Errorf("%w: -misses and -curve read tuning questions only (-cv, or -half all of another set)", errUsage)
	}
	kb, err := faq.Load(content)
	if err != nil {
		return err
	}
	var cases []Case
	var search searcher
	label := *half
	if *cv {
		cases, search, label = examples(kb), crossValidated(kb, cvFolds), fmt.Sprintf("examples.yaml, %d-fold cross-validation", cvFolds)
	} else {
		all, err := load(*path)
		if err != nil {
			return err
		}
		learnt := make(map[string]bool)
		for _, ex := range kb.Examples() {
			learnt[faq.WordingKey(ex.Q)] = true
		}
		for _, c := range all {
			if *half != "all" && Half(c.Q) != "test" {
				continue
			}
			// A question the classifier learnt from measures nothing.
			if learnt[faq.WordingKey(c.Q)] {
				return fmt.Errorf("%s: %q is also in the content's %s: measure questions the search never learnt", *path, c.Q, faq.ExamplesFile)
			}
			cases = append(cases, c)
		}
		search = faq.NewIndex(kb).Search
	}
	if *misses {
		return writeMisses(stdout, search, cases)
	}
	if *curve {
		return writeCurve(stdout, search, cases, label)
	}
	r := evaluate(search, cases, label, faq.Threshold)
	if err := r.write(stdout); err != nil {
		return err
	}
	if *jsonOut != "" {
		b, _ := json.MarshalIndent(r, "", "  ") // plain values: cannot fail
		if err := os.WriteFile(*jsonOut, append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	if *check != "" {
		return r.against(*check)
	}
	return nil
}

// A searcher answers one question of the set: the one index for a set
// measured as it is; for cross-validation, the index trained without the
// question.
type searcher func(q string) faq.Result

// cvFolds is how many parts cross-validation splits the examples into:
// each fold's index learns from the other four fifths.
const cvFolds = 5

// examples returns the content's labelled questions as cases.
func examples(kb *faq.KB) []Case {
	exs := kb.Examples()
	cases := make([]Case, len(exs))
	for i, ex := range exs {
		cases[i] = Case{Q: ex.Q, Want: ex.Want, Kind: ex.Kind}
		if ex.Kind == "uncovered" {
			cases[i].Want, cases[i].Topic = "none", ex.Want
		}
	}
	return cases
}

// crossValidated trains one index per fold, each without the examples of
// its fold (a fixed hash of the question, so a question stays in its fold
// as examples are added), and searches a question with its fold's index.
func crossValidated(kb *faq.KB, k int) searcher {
	fold := func(q string) int {
		h := fnv.New32a()
		_, _ = h.Write([]byte(q))
		return int(h.Sum32() % uint32(k))
	}
	exs := kb.Examples()
	idx := make([]*faq.Index, k)
	var wg sync.WaitGroup
	for f := range idx {
		wg.Go(func() {
			var train []faq.Example
			for _, ex := range exs {
				if fold(ex.Q) != f {
					train = append(train, ex)
				}
			}
			idx[f] = faq.NewIndex(kb.WithExamples(train))
		})
	}
	wg.Wait()
	return func(q string) faq.Result { return idx[fold(q)].Search(q) }
}

// load reads the set and checks it: every case has a question and a want,
// and a refusal says its kind.
func load(path string) ([]Case, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var set struct {
		Cases []Case `yaml:"cases"`
	}
	if err := yaml.Unmarshal(data, &set); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for i, c := range set.Cases {
		switch {
		case strings.TrimSpace(c.Q) == "" || c.Want == "":
			return nil, fmt.Errorf("%s: case %d: no question or want", path, i+1)
		case c.Want == "none" && c.Kind != "offtopic" && c.Kind != "hard" && c.Kind != "uncovered":
			return nil, fmt.Errorf("%s: case %d: a refusal must be kind offtopic, hard or uncovered", path, i+1)
		case c.Want != "none" && c.Kind != "":
			return nil, fmt.Errorf("%s: case %d: kind %q goes with want: none", path, i+1, c.Kind)
		}
	}
	return set.Cases, nil
}

// buckets are the reliability table's score ranges, from the threshold up.
var buckets = []float64{faq.Threshold, 0.25, 0.35, 0.5, 0.7, 1.01}

// evaluate measures one half at a confidence threshold: a match scoring
// under it counts as no answer (at faq.Threshold, exactly the search's).
func evaluate(search searcher, cases []Case, half string, threshold float64) *Report {
	r := &Report{Half: half, Threshold: threshold}
	confusions := map[[2]string]int{}
	type tally struct{ n, right int }
	rel := make([]tally, len(buckets)-1)
	var top1, top3, offRej, hardRej, uncRej, uncNamed int
	missed := map[string]int{}
	for _, c := range cases {
		res := search(c.Q)
		if res.Match != nil && res.Match.Score < threshold {
			res.Alternatives = append([]faq.Hit{*res.Match}, res.Alternatives...)
			res.Match = nil
		}
		got := "none"
		if res.Match != nil {
			got = res.Match.Entry.ID
			for i := range rel {
				if res.Match.Score >= buckets[i] && res.Match.Score < buckets[i+1] {
					rel[i].n++
					if got == c.Want {
						rel[i].right++
					}
				}
			}
		}
		switch c.Kind {
		case "uncovered":
			r.Uncovered++
			if got != "none" {
				missed[c.Kind]++
				confusions[[2]string{"none", got}]++
				continue
			}
			uncRej++
			if res.Uncovered != nil && (c.Topic == "" || faq.TopicPrefix+res.Uncovered.ID == c.Topic) {
				uncNamed++
			}
		case "offtopic", "hard":
			if c.Kind == "hard" {
				r.Hard++
			} else {
				r.OffTopic++
			}
			if got == "none" {
				if c.Kind == "hard" {
					hardRej++
				} else {
					offRej++
				}
				continue
			}
			missed[c.Kind]++
			confusions[[2]string{"none", got}]++
		default:
			r.InDomain++
			var ranked []string // what the user sees: the answer, if any, then the alternatives
			if got != "none" {
				ranked = append(ranked, got)
			}
			for _, a := range res.Alternatives {
				ranked = append(ranked, a.Entry.ID)
			}
			if got == c.Want {
				top1++
			} else {
				missed["in-domain"]++
				confusions[[2]string{c.Want, got}]++
			}
			if slices.Contains(ranked[:min(3, len(ranked))], c.Want) {
				top3++
			}
		}
	}
	r.Top1, r.Top3 = share(top1, r.InDomain), share(top3, r.InDomain)
	r.OffTopicRej, r.HardRej = share(offRej, r.OffTopic), share(hardRej, r.Hard)
	r.UncoveredRej, r.UncoveredNamed = share(uncRej, r.Uncovered), share(uncNamed, r.Uncovered)
	for k, n := range confusions {
		r.Confusions = append(r.Confusions, Pair{Want: k[0], Got: k[1], N: n})
	}
	slices.SortFunc(r.Confusions, func(a, b Pair) int {
		if a.N != b.N {
			return b.N - a.N
		}
		return strings.Compare(a.Want+a.Got, b.Want+b.Got)
	})
	for i, t := range rel {
		r.Reliability = append(r.Reliability, Bucket{Lo: buckets[i], Hi: min(buckets[i+1], 1), N: t.n, Correct: share(t.right, t.n)})
	}
	for _, k := range []string{"in-domain", "offtopic", "hard", "uncovered"} {
		if missed[k] > 0 {
			r.MissedByKind = append(r.MissedByKind, KindMis{k, missed[k]})
		}
	}
	return r
}

// share is n of total as a percentage with one decimal.
func share(n, total int) float64 {
	if total == 0 {
		return 0
	}
	return float64(int(1000*float64(n)/float64(total)+0.5)) / 10
}

func (r *Report) write(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "half\t%s (threshold %.2f)\n", r.Half, r.Threshold)
	fmt.Fprintf(tw, "in-domain\t%d questions: top-1 %.1f%%, top-3 %.1f%%\n", r.InDomain, r.Top1, r.Top3)
	fmt.Fprintf(tw, "off-topic\t%d questions: %.1f%% refused\n", r.OffTopic, r.OffTopicRej)
	fmt.Fprintf(tw, "hard negatives\t%d questions: %.1f%% refused\n", r.Hard, r.HardRej)
	fmt.Fprintf(tw, "uncovered topics\t%d questions: %.1f%% refused, %.1f%% naming the topic\n", r.Uncovered, r.UncoveredRej, r.UncoveredNamed)
	fmt.Fprintln(tw, "\nreliability\tscore\tanswers\tright")
	for _, b := range r.Reliability {
		fmt.Fprintf(tw, "\t[%.2f, %.2f)\t%d\t%.1f%%\n", b.Lo, b.Hi, b.N, b.Correct)
	}
	fmt.Fprintln(tw, "\nconfusions\twanted\tgot\tn")
	for i, p := range r.Confusions {
		if i == 15 {
			fmt.Fprintf(tw, "\t… %d more pairs\t\t\n", len(r.Confusions)-15)
			break
		}
		fmt.Fprintf(tw, "\t%s\t%s\t%d\n", p.Want, p.Got, p.N)
	}
	return tw.Flush()
}

// against fails when a headline figure is more than a point below the
// baseline's.
func (r *Report) against(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var base Report
	if err := json.Unmarshal(data, &base); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	var worse []string
	for _, f := range []struct {
		name      string
		got, base float64
	}{
		{"top-1", r.Top1, base.Top1}, {"top-3", r.Top3, base.Top3},
		{"off-topic rejection", r.OffTopicRej, base.OffTopicRej}, {"hard-negative rejection", r.HardRej, base.HardRej},
		{"uncovered-topic rejection", r.UncoveredRej, base.UncoveredRej},
	} {
		if f.got < f.base-1 {
			worse = append(worse, fmt.Sprintf("%s %.1f%% (baseline %.1f%%)", f.name, f.got, f.base))
		}
	}
	if len(worse) > 0 {
		return fmt.Errorf("below the baseline by more than a point: %s", strings.Join(worse, "; "))
	}
	return nil
}

// writeCurve prints the headline figures at thresholds from faq.Threshold
// up by 0.20: what raising the bar costs in answers and buys in refusals.
func writeCurve(w io.Writer, search searcher, cases []Case, label string) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "threshold\ttop-1\toff-topic refused\thard refused\tuncovered refused\t(%s)\n", label)
	// Under faq.Threshold the search answers nothing: the curve starts there.
	for i := range 11 {
		t := faq.Threshold + 0.02*float64(i)
		r := evaluate(search, cases, label, t)
		fmt.Fprintf(tw, "%.2f\t%.1f%%\t%.1f%%\t%.1f%%\t%.1f%%\t\n", t, r.Top1, r.OffTopicRej, r.HardRej, r.UncoveredRej)
	}
	return tw.Flush()
}

// writeMisses lists the questions the search gets wrong.
func writeMisses(w io.Writer, search searcher, cases []Case) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "wanted\tgot\tscore\tquestion")
	for _, c := range cases {
		res := search(c.Q)
		got, score := "none", 0.0
		if res.Match != nil {
			got, score = res.Match.Entry.ID, res.Match.Score
		}
		if got != c.Want {
			fmt.Fprintf(tw, "%s\t%s\t%.3f\t%s\n", c.Want, got, score, c.Q)
		}
	}
	return tw.Flush()
}
