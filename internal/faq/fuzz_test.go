package faq

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"
)

// FuzzLoad feeds arbitrary bytes to the knowledge-base loader as an entry
// file, as the concepts file, the off-topic file and the examples, the way an
// operator's ADVISOR_CONTENT_DIR would: nothing may panic, an error names
// the file at fault, and what loads is valid. (Searching it would train a
// classifier per input, far too slow to fuzz; FuzzSearch fuzzes the
// search.)
func FuzzLoad(f *testing.F) {
	// Small seeds: the fuzzer minimises every new input it finds, and
	// minimising a copy of the whole concepts file takes minutes.
	cost, err := fs.ReadFile(DefaultContent(), "cost.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(cost), minimalConcepts, "", "examples:\n  - {q: how much is it, want: cost}\n  - {q: lunch?, want: none, kind: offtopic}\n")
	f.Add("id: a\nquestion: Q?\nanswer: A.\nrelated: [b]\n---\nid: b\nquestion: Q2?\nanswer: B.\n",
		"concepts:\n  - term: cost\n    words: [cost, price]\n    phrases: [how much]\nanchors: [cost]\nstopwords: [the]\n", "what is the wifi password\n", "examples: [{q: a, want: b}, {q: A!, want: a}]\n")
	f.Add("id: a\nquestion: Q?\nanswer: A.\nunknown: 1\n", "concepts: []\n", "", "examples: {q: x}\n")
	f.Add("- [", "concepts:\n  - term: x\n    words: [x, x]\n", "\xff", "- [")
	f.Add("id: &a a\nquestion: *a\nanswer: *a\n", "anchors: *x", strings.Repeat("a", 400), "examples:\n  - {q: "+strings.Repeat("a", 401)+", want: a}\n")
	f.Fuzz(func(t *testing.T, entry, concepts, offTopic, examples string) {
		fsys := fstest.MapFS{
			"entry.yaml": {Data: []byte(entry)},
			ConceptsFile: {Data: []byte(concepts)},
			OffTopicFile: {Data: []byte(offTopic)},
			ExamplesFile: {Data: []byte(examples)},
		}
		kb, err := Load(fsys)
		if err != nil {
			msg := err.Error()
			if !strings.Contains(msg, "entry.yaml") && !strings.Contains(msg, ConceptsFile) && !strings.Contains(msg, OffTopicFile) && !strings.Contains(msg, ExamplesFile) {
				t.Fatalf("the error names no file: %v", err)
			}
			return
		}
		for _, e := range kb.Entries() {
			if !idPattern.MatchString(e.ID) || !utf8.ValidString(e.Answer) || e.Answer == "" {
				t.Fatalf("loaded a bad entry %+v", e)
			}
		}
		for _, ex := range kb.Examples() {
			_, entry := kb.Entry(ex.Want)
			if ex.Q == "" || utf8.RuneCountInString(ex.Q) > MaxQueryRunes || !entry && ex.Want != "none" {
				t.Fatalf("loaded a bad example %+v", ex)
			}
		}
	})
}
