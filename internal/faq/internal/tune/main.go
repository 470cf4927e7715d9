// Command tune prints the measurements the ranking's weights were chosen
// by: accuracy on the tuning half of testdata/eval.yaml, and on the
// content's own phrasings each left out in turn. It reads only that half:
// the held-out files are for reporting, never for tuning. From the
// repository root:
//
//	go run ./internal/faq/internal/tune loo         # the weights' variants
//	go run ./internal/faq/internal/tune curve       # against the threshold
//	go run ./internal/faq/internal/tune misses      # tuning questions missed
//	go run ./internal/faq/internal/tune loo-misses  # left-out phrasings missed
//
// -step n leaves out every n-th phrasing only; -only name measures one
// variant of loo ("default"). A full loo run takes minutes.
package main

import (
	"flag"
	"fmt"
	"os"

	"go.yaml.in/yaml/v3"

	"github.com/fractional-advisor/fractional-advisor/internal/faq"
)

func main() {
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: tune [flags] loo|curve|misses|loo-misses")
		flag.PrintDefaults()
	}
	eval := flag.String("eval", "internal/faq/testdata/eval.yaml", "the evaluation set whose tuning half is measured")
	step := flag.Int("step", 0, "leave out every n-th phrasing (0: 3 for loo and loo-misses, 1 for curve)")
	only := flag.String("only", "", "the one variant loo measures")
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*eval, faq.TuneOptions{Report: flag.Arg(0), Step: *step, Only: *only}); err != nil {
		fmt.Fprintln(os.Stderr, "tune:", err)
		os.Exit(1)
	}
}

func run(eval string, opt faq.TuneOptions) error {
	cases, err := tuningHalf(eval)
	if err != nil {
		return err
	}
	kb, err := faq.Load(faq.DefaultContent())
	if err != nil {
		return err
	}
	return faq.Tune(os.Stdout, kb, cases, opt)
}

// tuningHalf reads the tune key of the evaluation set, and nothing else.
func tuningHalf(path string) ([]faq.TuneCase, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w (run from the repository root, or pass -eval)", err)
	}
	var set struct {
		Tune []faq.TuneCase `yaml:"tune"`
	}
	if err := yaml.Unmarshal(data, &set); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(set.Tune) == 0 {
		return nil, fmt.Errorf("%s: no tune cases", path)
	}
	return set.Tune, nil
}
