package faq

import (
	"errors"
	"io/fs"
	"maps"
	"slices"
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

func TestEmbeddedContent(t *testing.T) {
	t.Parallel()
	kb := defaultKB(t)
	if err := kb.Complete(); err != nil {
		t.Error(err)
	}
	if n := len(RequiredIDs()); n != 18 {
		t.Errorf("%d required entries, CONTRACT.md lists 18", n)
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

// minimalConcepts is a valid ConceptsFile, for tests about other files.
const minimalConcepts = "concepts:\n  - term: cost\n    words: [price]\nanchors: [cost]\nstopwords: [the]\n"

// contentFS returns files as a content folder, with minimalConcepts as its
// ConceptsFile unless files has one.
func contentFS(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{ConceptsFile: {Data: []byte(minimalConcepts)}}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return fsys
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
		// Uncovered topics.
		{"topic without id", map[string]string{"x.yaml": good, UncoveredFile: "topics:\n  - name: hours\n    phrasings: [a, b, c]\n"}, []string{UncoveredFile, "topics[0]: id is missing"}},
		{"topic with an entry's id", map[string]string{"x.yaml": good, UncoveredFile: "topics:\n  - id: a\n    name: hours\n    phrasings: [a, b, c]\n"}, []string{`topic "a"`, "an entry has this id"}},
		{"topic twice", map[string]string{"x.yaml": good, UncoveredFile: "topics:\n  - id: h\n    name: hours\n    phrasings: [a, b, c]\n  - id: h\n    name: hours\n    phrasings: [a, b, c]\n"}, []string{`topic "h"`, "duplicate id"}},
		{"topic without name", map[string]string{"x.yaml": good, UncoveredFile: "topics:\n  - id: h\n    phrasings: [a, b, c]\n"}, []string{`topic "h"`, "name is empty"}},
		{"topic with few phrasings", map[string]string{"x.yaml": good, UncoveredFile: "topics:\n  - id: h\n    name: hours\n    phrasings: [a, '']\n"}, []string{`topic "h"`, "phrasings[1] is empty", "at least 3 phrasings, has 1"}},
		{"topic misspelt key", map[string]string{"x.yaml": good, UncoveredFile: "topics:\n  - id: h\n    nam: hours\n"}, []string{UncoveredFile, "nam"}},
		{"topic asked as an entry", map[string]string{"x.yaml": good, UncoveredFile: "topics:\n  - id: h\n    name: hours\n    phrasings: [a, b, 'Q2?']\n"}, []string{`topic "h"`, `phrasing "Q2?" asks what entry "b" answers`}},
		// Asked questions.
		{"example of no entry", map[string]string{"x.yaml": good, ExamplesFile: "examples:\n  - {q: how much, want: c}\n"}, []string{ExamplesFile, "example 1", `want "c" is no entry id`}},
		{"example of an unlisted topic", map[string]string{"x.yaml": good, ExamplesFile: "examples:\n  - {q: how many hours, want: 'uncovered:hours'}\n"}, []string{"example 1", `want "uncovered:hours"`}},
		{"example without a question", map[string]string{"x.yaml": good, ExamplesFile: "examples:\n  - {q: '  ', want: a}\n"}, []string{"example 1", "q must be 1 to 400 characters, is 0"}},
		{"example too long", map[string]string{"x.yaml": good, ExamplesFile: "examples:\n  - {q: " + strings.Repeat("x", MaxQueryRunes+1) + ", want: a}\n"}, []string{"example 1", "is 401"}},
		{"example twice", map[string]string{"x.yaml": good, ExamplesFile: "examples:\n  - {q: 'How much?', want: a}\n  - {q: how much, want: b}\n"}, []string{"example 2", "repeats example 1"}},
		{"refusal without kind", map[string]string{"x.yaml": good, ExamplesFile: "examples:\n  - {q: lunch, want: none}\n"}, []string{"example 1", "want none needs kind offtopic or hard"}},
		{"entry with a kind", map[string]string{"x.yaml": good, ExamplesFile: "examples:\n  - {q: price, want: a, kind: hard}\n"}, []string{"example 1", `kind "hard" is for a question no entry answers`}},
		{"topic with another kind", map[string]string{"x.yaml": good, UncoveredFile: "topics:\n  - id: h\n    name: hours\n    phrasings: [x, y, z]\n", ExamplesFile: "examples:\n  - {q: how many hours, want: 'uncovered:h', kind: offtopic}\n"}, []string{"example 1", `kind "offtopic"`}},
		{"example misspelt key", map[string]string{"x.yaml": good, ExamplesFile: "examples:\n  - {q: price, wnat: a}\n"}, []string{ExamplesFile, "wnat"}},
		{"example in an entry's words, another label", map[string]string{"x.yaml": good, ExamplesFile: "examples:\n  - {q: 'q2', want: a}\n"}, []string{"example 1", `entry "b"'s own wording, but wants "a"`}},
		{"examples twice", map[string]string{"x.yaml": good, ExamplesFile: "examples: []\n---\nexamples: []\n"}, []string{ExamplesFile, "one YAML document"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Load(contentFS(tt.files))
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
	fsys := contentFS(map[string]string{"all.yml": "id: a\nquestion: ' Q? '\nanswer: A.\nrelated: [b]\n---\nid: b\nquestion: Q2?\nanswer: B.\n"})
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
	fsys := contentFS(map[string]string{
		"a.yaml":     entry,
		OffTopicFile: "# comment\n\nwhere is the printer\n  lunch plans?  \n",
	})
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

func TestLoadConcepts(t *testing.T) {
	t.Parallel()
	concepts := `# a comment
concepts:
  - term: caio
    words: [caio, caios]
    phrases:
      - chief ai officer
      - ai officer
  - term: cost
    words: [price]
    phrases: [how much]
anchors: [caio, leader]
stopwords: [the, isn't]
`
	kb, err := Load(contentFS(map[string]string{"a.yaml": "id: a\nquestion: Q?\nanswer: A.\n", ConceptsFile: concepts}))
	if err != nil {
		t.Fatal(err)
	}
	if kb.Len() != 1 {
		t.Errorf("got %d entries, want 1: %s is not an entry file", kb.Len(), ConceptsFile)
	}
	if err := kb.Complete(); err == nil || !strings.Contains(err.Error(), "lacks 18 of 18: caio-vs-cto, caio-role") {
		t.Errorf("Complete() of a one-entry knowledge base = %v, want the missing ids named", err)
	}
	c := kb.concepts
	if want := map[string]string{"caio": "caio", "caios": "caio", "price": "cost"}; !maps.Equal(c.synonyms, want) {
		t.Errorf("synonyms = %v, want %v", c.synonyms, want)
	}
	var ai []string
	for _, p := range c.byFirst["ai"] {
		ai = append(ai, strings.Join(p.words, " "))
	}
	if len(c.phrases) != 3 || !slices.Equal(ai, []string{"ai officer"}) || len(c.byFirst["chief"]) != 1 || c.byFirst["much"] != nil {
		t.Errorf("phrases = %v, by first stem %v", c.phrases, c.byFirst)
	}
	if !maps.Equal(c.anchors, map[string]bool{"caio": true, "leader": true}) || !maps.Equal(c.stop, map[string]bool{"the": true, "isn't": true}) {
		t.Errorf("anchors %v, stop words %v", c.anchors, c.stop)
	}
}

func TestLoadConceptsErrors(t *testing.T) {
	t.Parallel()
	// with returns a ConceptsFile of the given concepts, anchors and stop
	// words (as YAML lines), defaulting each to something valid.
	with := func(concepts, anchors, stop string) string {
		if concepts == "" {
			concepts = "  - term: cost\n    words: [price]\n"
		}
		if anchors == "" {
			anchors = "[cost]"
		}
		if stop == "" {
			stop = "[the]"
		}
		return "concepts:\n" + concepts + "anchors: " + anchors + "\nstopwords: " + stop + "\n"
	}
	tests := []struct {
		name     string
		concepts string // "" means no ConceptsFile at all
		want     []string
	}{
		{"missing file", "", []string{"concepts.yaml: file does not exist", "every content folder needs one"}},
		{"empty file", "# nothing\n", []string{"concepts.yaml: empty"}},
		{"unknown key", with("  - term: cost\n    wrds: [price]\n", "", ""), []string{"concepts.yaml", "wrds"}},
		{"unknown top-level key", with("", "", "") + "synonyms: [a]\n", []string{"concepts.yaml", "synonyms"}},
		{"bad yaml", "concepts: [\n", []string{"concepts.yaml: yaml:"}},
		{"two documents", with("", "", "") + "---\nconcepts: []\n", []string{"concepts.yaml: want one YAML document"}},
		{"invalid utf8", "concepts: \xff\n", []string{"concepts.yaml: not valid UTF-8"}},
		{"too large", strings.Repeat("#", maxFileSize+1), []string{"concepts.yaml: larger than"}},
		{"no concepts", "concepts: []\nanchors: [x]\nstopwords: [the]\n", []string{"concepts.yaml: concepts is missing or empty"}},
		{"no anchors", "concepts:\n  - term: cost\n    words: [price]\nstopwords: [the]\n", []string{"concepts.yaml: anchors is missing or empty"}},
		{"no stop words", with("", "", "[]"), []string{"concepts.yaml: stopwords is missing or empty"}},
		{"empty term", with("  - term: ' '\n    words: [price]\n", "[leader]", ""), []string{"concepts.yaml: concepts[0]: term is empty"}},
		{"term of two words", with("  - term: the cost\n    words: [price]\n", "[leader]", ""), []string{`concept "the cost": the term must be one lower-case word`}},
		{"upper-case term", with("  - term: Cost\n    words: [price]\n", "[leader]", ""), []string{`concept "Cost": the term must be one`}},
		{"term twice", with("  - term: cost\n    words: [price]\n  - term: cost\n    words: [fee]\n", "", ""), []string{`concept "cost" is listed twice`}},
		{"nothing in a concept", with("  - term: cost\n    words: []\n", "", ""), []string{`concept "cost" has no words and no phrases`}},
		{"empty word", with("  - term: cost\n    words: [price, '']\n", "", ""), []string{`concept "cost": words[1] is empty`}},
		{"upper-case word", with("  - term: cost\n    words: [Price]\n", "", ""), []string{`concept "cost": word "Price" must be one lower-case word`}},
		{"words without commas", with("  - term: cost\n    words: [price fee]\n", "", ""), []string{`word "price fee" must be one word`, "phrases", "commas"}},
		{"word twice", with("  - term: cost\n    words: [price, fee, price]\n", "", ""), []string{`concept "cost": word "price" is listed twice`}},
		{"word in two concepts", with("  - term: cost\n    words: [price]\n  - term: fee\n    words: [fee, price]\n", "", ""), []string{`concept "fee": word "price" is in concept "cost" too`}},
		{"empty phrase", with("  - term: cost\n    phrases: ['']\n", "", ""), []string{`concept "cost": phrases[0] is empty`}},
		{"one-word phrase", with("  - term: cost\n    phrases: [price]\n", "", ""), []string{`phrase "price" is one word: it goes under words`}},
		{"upper-case phrase", with("  - term: cost\n    phrases: [How much]\n", "", ""), []string{`phrase "How much" must be lower-case words`}},
		{"long phrase", with("  - term: cost\n    phrases: [a"+strings.Repeat(" a", MaxPhraseLen/2)+"]\n", "", ""), []string{"is longer than 200 characters"}},
		{"phrase twice", with("  - term: cost\n    phrases: [how much, how  much]\n", "", ""), []string{`concept "cost": phrase "how much" is listed twice`}},
		{"phrase in two concepts", with("  - term: cost\n    phrases: [how much]\n  - term: fee\n    phrases: [how much]\n", "", ""), []string{`concept "fee": phrase "how much" is in concept "cost" too`}},
		{"phrases alike by stem", with("  - term: start\n    phrases: [first step]\n  - term: order\n    phrases: [first steps]\n", "[start]", ""), []string{`concept "order": phrase "first steps" reads as "first step" to the search, as a phrase of concept "start" does`}},
		{"stop word twice", with("", "", "[the, a, the]"), []string{`stop word "the" is listed twice`}},
		{"stop word of a concept", with("", "", "[the, price]"), []string{`stop word "price" is a word of concept "cost" too`}},
		{"empty stop word", with("", "", "[the, '']"), []string{"stopwords[1] is empty"}},
		{"upper-case stop word", with("", "", "[The]"), []string{`stop word "The" must be one lower-case word`}},
		{"anchor twice", with("", "[cost, cost]", ""), []string{`anchor "cost" is listed twice`}},
		{"anchor of a concept's word", with("", "[price]", ""), []string{`anchor "price" is a word of concept "cost": name the concept`}},
		{"anchor a stop word", with("", "[the]", ""), []string{`anchor "the" is a stop word`}},
		{"anchor never matching", with("", "[executive]", ""), []string{`anchor "executive" is not a concept and the search reads the word as "executiv"`}},
		{"empty anchor", with("", "[cost, '']", ""), []string{"anchors[1] is empty"}},
		{"intent without term", with("", "", "") + "intents:\n  - cues: [what does * do]\n", []string{"intents[0]: term is empty"}},
		{"intent twice", with("", "", "") + "intents:\n  - term: duties\n    cues: [do]\n  - term: duties\n    cues: [day]\n", []string{`intent "duties" is listed twice`}},
		{"intent without cues", with("", "", "") + "intents:\n  - term: duties\n", []string{`intent "duties" has no cues`}},
		{"empty cue", with("", "", "") + "intents:\n  - term: duties\n    cues: ['']\n", []string{`intent "duties": cues[0] is empty`}},
		{"cue opening with a gap", with("", "", "") + "intents:\n  - term: duties\n    cues: ['* do']\n", []string{`cue "* do" starts or ends with *`}},
		{"cue with two gaps", with("", "", "") + "intents:\n  - term: duties\n    cues: ['what * * do']\n", []string{`cue "what * * do" has two gaps in a row`}},
		{"upper-case cue", with("", "", "") + "intents:\n  - term: duties\n    cues: [What does * do]\n", []string{`cue "What does * do" must be lower-case words`}},
		{"cue with a concept's word", with("", "", "") + "intents:\n  - term: duties\n    cues: [my price]\n", []string{`cue "my price" has "price", a word of concept "cost"`, `write "cost"`}},
		{"cue with a concept's phrase", with("  - term: cost\n    phrases: [how much]\n", "", "") + "intents:\n  - term: duties\n    cues: [how much * do]\n", []string{`cue "how much * do" has "how much", a phrase of concept "cost"`}},
		{"cue read otherwise", with("", "", "") + "intents:\n  - term: define\n    cues: [what's a]\n", []string{`cue "what's a" reads "what's" as "what"`}},
		{"several problems", with("  - term: cost\n    words: [Price]\n", "[executive]", "[the, the]"), []string{`word "Price"`, `anchor "executive"`, `stop word "the" is listed twice`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fsys := contentFS(map[string]string{"a.yaml": "id: a\nquestion: Q?\nanswer: A.\n", ConceptsFile: tt.concepts})
			if tt.concepts == "" {
				delete(fsys, ConceptsFile)
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
			if tt.concepts == "" && !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("error %q is not fs.ErrNotExist", err)
			}
		})
	}
}
