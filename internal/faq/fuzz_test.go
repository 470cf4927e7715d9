package faq

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"
)

// FuzzLoad feeds arbitrary bytes to the knowledge-base loader as an entry
// file, as the concepts file and as the off-topic file, the way an
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
	f.Add(string(cost), minimalConcepts, "")
	f.Add("id: a\nquestion: Q?\nanswer: A.\nrelated: [b]\n---\nid: b\nquestion: Q2?\nanswer: B.\n",
		"concepts:\n  - term: cost\n    words: [cost, price]\n    phrases: [how much]\nanchors: [cost]\nstopwords: [the]\n", "what is the wifi password\n")
	f.Add("id: a\nquestion: Q?\nanswer: A.\nunknown: 1\n", "concepts: []\n", "")
	f.Add("- [", "concepts:\n  - term: x\n    words: [x, x]\n", "\xff")
	f.Add("id: &a a\nquestion: *a\nanswer: *a\n", "anchors: *x", strings.Repeat("a", 400))
	f.Fuzz(func(t *testing.T, entry, concepts, offTopic string) {
		fsys := fstest.MapFS{
			"entry.yaml": {Data: []byte(entry)},
			ConceptsFile: {Data: []byte(concepts)},
			OffTopicFile: {Data: []byte(offTopic)},
		}
		kb, err := Load(fsys)
		if err != nil {
			msg := err.Error()
			if !strings.Contains(msg, "entry.yaml") && !strings.Contains(msg, ConceptsFile) && !strings.Contains(msg, OffTopicFile) {
				t.Fatalf("the error names no file: %v", err)
			}
			return
		}
		for _, e := range kb.Entries() {
			if !idPattern.MatchString(e.ID) || !utf8.ValidString(e.Answer) || e.Answer == "" {
				t.Fatalf("loaded a bad entry %+v", e)
			}
		}
	})
}
