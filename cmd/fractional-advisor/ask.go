package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/fractional-advisor/fractional-advisor/internal/faq"
)

// maxQuestionBytes bounds a question from the command line; the search cuts
// further, but nothing should hold a megabyte argument longer than needed.
const maxQuestionBytes = 4000

type askMatch struct {
	ID       string  `json:"id"`
	Question string  `json:"question"`
	Answer   string  `json:"answer"`
	Score    float64 `json:"score"`
}

type askAlternative struct {
	ID       string  `json:"id"`
	Question string  `json:"question"`
	Score    float64 `json:"score"`
}

type askOutput struct {
	Match        *askMatch        `json:"match"`
	Alternatives []askAlternative `json:"alternatives"`
	// Uncovered, when there is no match, is the topic the question is
	// about that the knowledge base knows it does not cover.
	Uncovered *askTopic   `json:"uncovered,omitempty"`
	Explain   *askExplain `json:"explain,omitempty"`
}

type askTopic struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// askExplain is why the search answered as it did (--explain).
type askExplain struct {
	Terms    []string `json:"terms"`
	Unknown  []string `json:"unknown_terms"`
	Pairs    []string `json:"pairs"`
	Intents  []string `json:"intents"`
	Anchored bool     `json:"anchored"`
	Coverage float64  `json:"coverage"`
	Focus    string   `json:"focus,omitempty"`
	// Lead is the focus with the sentence before it.
	Lead string `json:"lead,omitempty"`
	// Fused says the message was read whole and by its focus (and
	// lead), and the readings' scores fused.
	Fused bool     `json:"fused,omitempty"`
	Top   []askWhy `json:"top"`
}

type askWhy struct {
	ID      string  `json:"id"`
	Score   float64 `json:"score"`
	Lexical float64 `json:"lexical"`
	Model   float64 `json:"model"`
	// Whole, Focus and Lead are the entry's scores in the readings of a
	// long message (Fused).
	Whole  *float64 `json:"whole,omitempty"`
	Focus  *float64 `json:"focus,omitempty"`
	Lead   *float64 `json:"lead,omitempty"`
	Shared []string `json:"shared_terms"`
}

// searcher is the offline search: faq.Live, built-in and learned entries.
type searcher interface {
	Search(string) faq.Result
	Explain(string) (faq.Result, faq.Explanation)
}

func runAsk(args []string, ix searcher, stdout io.Writer) error {
	fs := flag.NewFlagSet("ask", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	asJSON := fs.Bool("json", false, "print JSON")
	explain := fs.Bool("explain", false, "with --json: say why (the terms read, the focus, the parts of the best scores)")
	words, err := parseInterspersed(fs, args)
	if err != nil {
		if err == flag.ErrHelp {
			fmt.Fprint(stdout, "Usage: fractional-advisor ask [--json [--explain]] QUESTION...\n")
			return errHelp
		}
		return usagef("ask: %v", err)
	}
	question := strings.TrimSpace(strings.Join(words, " "))
	if question == "" {
		return usagef("ask: QUESTION is missing")
	}
	if len(question) > maxQuestionBytes {
		question = question[:maxQuestionBytes]
	}
	if *explain && !*asJSON {
		return usagef("ask: --explain goes with --json")
	}
	res := ix.Search(question)
	var out askOutput
	if *explain {
		var ex faq.Explanation
		res, ex = ix.Explain(question)
		out.Explain = &askExplain{Terms: append([]string{}, ex.Terms...), Unknown: append([]string{}, ex.Unknown...),
			Pairs: append([]string{}, ex.Pairs...), Intents: append([]string{}, ex.Intents...),
			Anchored: ex.Anchored, Coverage: ex.Coverage, Focus: ex.Focus, Lead: ex.Lead, Fused: ex.Focus != "",
			Top: make([]askWhy, 0, len(ex.Top))}
		for _, w := range ex.Top {
			why := askWhy{ID: w.ID, Score: w.Score, Lexical: w.Lexical, Model: w.Model, Shared: w.Shared}
			if ex.Focus != "" {
				why.Whole, why.Focus = &w.Whole, &w.Focus
			}
			if ex.Lead != "" {
				why.Lead = &w.Lead
			}
			out.Explain.Top = append(out.Explain.Top, why)
		}
	}
	out.Alternatives = make([]askAlternative, 0, len(res.Alternatives))
	if t := res.Uncovered; t != nil && res.Match == nil {
		out.Uncovered = &askTopic{ID: t.ID, Name: t.Name}
	}
	if m := res.Match; m != nil {
		out.Match = &askMatch{ID: m.Entry.ID, Question: m.Entry.Question, Answer: m.Entry.Answer, Score: m.Score}
	}
	for _, a := range res.Alternatives {
		out.Alternatives = append(out.Alternatives, askAlternative{ID: a.Entry.ID, Question: a.Entry.Question, Score: a.Score})
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(out)
	}
	return writeAskText(stdout, out)
}

// parseInterspersed parses flags wherever they stand among the words, as
// people type them ("ask what is a caio --json"); after "--" everything is
// a word.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var words, rest []string
	if i := slices.Index(args, "--"); i >= 0 {
		args, rest = args[:i], args[i+1:]
	}
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return append(words, rest...), nil
		}
		words = append(words, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func writeAskText(w io.Writer, out askOutput) error {
	var b strings.Builder
	if m := out.Match; m != nil {
		fmt.Fprintf(&b, "%s\n[%s, score %.2f]\n\n%s\n", m.Question, m.ID, m.Score, m.Answer)
		if len(out.Alternatives) > 0 {
			b.WriteString("\nRelated questions:\n")
		}
	} else if t := out.Uncovered; t != nil {
		fmt.Fprintf(&b, "That's a question about %s, which the knowledge base doesn't cover yet.\n", t.Name)
		if len(out.Alternatives) > 0 {
			b.WriteString("\nThe closest topics I know:\n")
		}
	} else {
		b.WriteString("I don't have a confident answer to that one.\n")
		if len(out.Alternatives) > 0 {
			b.WriteString("\nThe closest topics I know:\n")
		}
	}
	for _, a := range out.Alternatives {
		fmt.Fprintf(&b, "  • %s  (fractional-advisor ask %q)\n", a.Question, a.Question)
	}
	if out.Match == nil {
		b.WriteString("\nTry `fractional-advisor recommend --help` for a recommendation from your answers.\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
