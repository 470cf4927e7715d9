package faq

import (
	"strings"
	"testing"
	"testing/fstest"
)

func defaultKB(t testing.TB) *KB {
	t.Helper()
	kb, err := Load(DefaultContent())
	if err != nil {
		t.Fatalf("load embedded content: %v", err)
	}
	return kb
}

// contractIDs are the entries CONTRACT.md requires.
var contractIDs = []string{
	"caio-vs-cto", "caio-role", "cto-role", "caio-deliverables", "cto-deliverables",
	"ai-strategy-vs-roadmap", "when-caio", "when-cto", "both-roles", "caio-without-infrastructure",
	"cost", "what-is-fractional", "security-governance", "team-leadership", "caio-vs-ai-consultant",
	"caio-engagement-duration", "caio-fundraising", "one-exec-both-roles",
}

func TestEmbeddedContent(t *testing.T) {
	t.Parallel()
	kb := defaultKB(t)
	for _, id := range contractIDs {
		if _, ok := kb.Entry(id); !ok {
			t.Errorf("contract entry %q is missing", id)
		}
	}
	for _, e := range kb.Entries() {
		if len(e.Phrasings) == 0 || len(e.Related) == 0 {
			t.Errorf("entry %q: want phrasings and related entries", e.ID)
		}
		// Answers are Slack mrkdwn the bot posts verbatim: markup that
		// could ping or link must not sneak in through content.
		if strings.ContainsAny(e.Answer, "<>") {
			t.Errorf("entry %q: answer contains < or >", e.ID)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	good := "id: a\nquestion: Q?\nanswer: A.\nrelated: [b]\n---\nid: b\nquestion: Q2?\nanswer: B.\n"
	tests := []struct {
		name  string
		files map[string]string
		want  []string // substrings of the error
	}{
		{"no files", map[string]string{"readme.txt": "x"}, []string{"no .yaml files"}},
		{"unknown key", map[string]string{"x.yaml": "id: a\nquestion: Q?\nanswr: A.\n"}, []string{"x.yaml", "answr"}},
		{"bad yaml", map[string]string{"x.yaml": "id: [a\n"}, []string{"x.yaml", "entry #1"}},
		{"empty answer", map[string]string{"x.yaml": "id: a\nquestion: Q?\nanswer: '  '\n"}, []string{"x.yaml", `entry "a"`, "answer is empty"}},
		{"long answer", map[string]string{"x.yaml": "id: a\nquestion: Q?\nanswer: " + strings.Repeat("x", MaxAnswerLen+1) + "\n"}, []string{`entry "a"`, "limit 2500"}},
		{"bad id", map[string]string{"x.yaml": "id: Not An Id\nquestion: Q?\nanswer: A.\n"}, []string{"id must be"}},
		{"duplicate", map[string]string{"x.yaml": good, "y.yaml": "id: a\nquestion: Q?\nanswer: A.\n"}, []string{"y.yaml", "duplicate id", "x.yaml"}},
		{"missing related", map[string]string{"x.yaml": "id: a\nquestion: Q?\nanswer: A.\nrelated: [zzz]\n"}, []string{"x.yaml", `related id "zzz"`}},
		{"self related", map[string]string{"x.yaml": "id: a\nquestion: Q?\nanswer: A.\nrelated: [a]\n"}, []string{"itself"}},
		{"empty phrasing", map[string]string{"x.yaml": "id: a\nquestion: Q?\nanswer: A.\nphrasings: ['']\n"}, []string{"phrasings[0] is empty"}},
		{"invalid utf8", map[string]string{"x.yaml": "id: a\nquestion: \xff\n"}, []string{"x.yaml", "UTF-8"}},
		{"several problems", map[string]string{"x.yaml": "id: a\nquestion: ''\nanswer: ''\n"}, []string{"question is empty", "answer is empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fsys := fstest.MapFS{}
			for name, data := range tt.files {
				fsys[name] = &fstest.MapFile{Data: []byte(data)}
			}
			_, err := Load(fsys)
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestLoadMultiDocument(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{"all.yml": {Data: []byte("id: a\nquestion: ' Q? '\nanswer: A.\nrelated: [b]\n---\nid: b\nquestion: Q2?\nanswer: B.\n")}}
	kb, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if kb.Len() != 2 {
		t.Fatalf("got %d entries, want 2", kb.Len())
	}
	if e, _ := kb.Entry("a"); e.Question != "Q?" {
		t.Errorf("question not trimmed: %q", e.Question)
	}
}

func TestLoadOffTopic(t *testing.T) {
	t.Parallel()
	entry := "id: a\nquestion: Q?\nanswer: A.\n"
	fsys := fstest.MapFS{
		"a.yaml":     {Data: []byte(entry)},
		OffTopicFile: {Data: []byte("# comment\n\nwhere is the printer\n  lunch plans?  \n")},
	}
	kb, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if got := kb.OffTopic(); len(got) != 2 || got[0] != "where is the printer" || got[1] != "lunch plans?" {
		t.Errorf("OffTopic() = %q", got)
	}
	fsys[OffTopicFile] = &fstest.MapFile{Data: []byte("ok\n" + strings.Repeat("x", MaxOffTopicLen+1) + "\n")}
	if _, err := Load(fsys); err == nil || !strings.Contains(err.Error(), "offtopic.txt: line 2") {
		t.Errorf("a long line: err = %v", err)
	}
	delete(fsys, OffTopicFile)
	if _, err := Load(fsys); err != nil {
		t.Errorf("the off-topic file is optional: %v", err)
	}
}
