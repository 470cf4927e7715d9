package faq

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Limits on content, so every entry fits Slack's blocks with room to spare.
const (
	MaxAnswerLen   = 2500 // characters of Slack mrkdwn
	MaxQuestionLen = 200
	MaxPhraseLen   = 200
	MaxIDLen       = 64
	maxFileSize    = 1 << 20 // a content file larger than this is surely a mistake
)

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

//go:embed content/*.yaml content/offtopic.txt
var embedded embed.FS

// OffTopicFile holds, one per line, messages the knowledge base must not
// answer. The ranking learns from them what "about something else" looks
// like. It is optional.
const OffTopicFile = "offtopic.txt"

// MaxOffTopicLen bounds one off-topic example.
const MaxOffTopicLen = 300

// ConceptsFile lists the concepts the search maps words and phrases to, the
// anchors and the stop words (its comment header explains the format). It
// is required in every content folder, ADVISOR_CONTENT_DIR's too: replaced
// content is a whole knowledge base, and an operator's entries ranked with
// the built-in concepts of another domain would answer badly without a
// word of warning.
const ConceptsFile = "concepts.yaml"

// UncoveredFile lists the topics people ask about that the knowledge base
// has no answer for (hours a week, NDAs, ...), each with ways of asking. A
// question about one is answered "I don't know", naming the topic, rather
// than with the nearest entry. It is optional.
const UncoveredFile = "uncovered.yaml"

// Topic is a subject the knowledge base knows it does not cover.
type Topic struct {
	ID        string   `yaml:"id"`
	Name      string   `yaml:"name"` // "hours and availability": it reads after "about"
	Phrasings []string `yaml:"phrasings"`
}

// minTopicPhrasings is the fewest ways of asking a topic needs: the search
// learns it from them alone.
const minTopicPhrasings = 3

// DefaultContent returns the content files built into the binary.
func DefaultContent() fs.FS {
	sub, err := fs.Sub(embedded, "content")
	if err != nil { // only if the embed pattern above changes
		panic(err)
	}
	return sub
}

// KB is a validated, read-only knowledge base.
type KB struct {
	entries  []*Entry
	byID     map[string]*Entry
	offTopic []string
	concepts *concepts
	topics   []*Topic // uncovered, sorted by id
	examples []Example
}

// ExamplesFile lists questions people asked, each labelled with what
// answers it. The classifier learns from them beside the entries' own
// wording: they are worded as people write in Slack (long, chatty, with
// typos), which a phrasing written for an entry rarely is. BM25 does not
// read them. It is optional.
const ExamplesFile = "examples.yaml"

// Example is a question people asked and what answers it: an entry's id,
// an uncovered topic's (TopicPrefix+id), or "none" for a question about
// something else. Kind tells the refusals apart in reports: "offtopic",
// "hard" (the domain's words in another sense) or "uncovered".
type Example struct {
	Q    string `yaml:"q"`
	Want string `yaml:"want"`
	Kind string `yaml:"kind,omitempty"`
}

// Examples returns the labelled questions (a copy).
func (kb *KB) Examples() []Example { return append([]Example(nil), kb.examples...) }

// WithExamples returns a copy of kb that learns from exs instead of its
// own examples: for cross-validation, which trains without the questions
// it measures.
func (kb *KB) WithExamples(exs []Example) *KB {
	c := *kb
	c.examples = append([]Example(nil), exs...)
	return &c
}

// Topics returns the uncovered topics sorted by id. The slice is a copy;
// the topics must not be modified.
func (kb *KB) Topics() []*Topic { return append([]*Topic(nil), kb.topics...) }

// OffTopic returns the off-topic examples (a copy).
func (kb *KB) OffTopic() []string { return append([]string(nil), kb.offTopic...) }

// Entries returns the entries sorted by id. The slice is a copy; the entries
// must not be modified.
func (kb *KB) Entries() []*Entry { return append([]*Entry(nil), kb.entries...) }

// Entry returns the entry with the given id.
func (kb *KB) Entry(id string) (*Entry, bool) {
	e, ok := kb.byID[id]
	return e, ok
}

// Complete checks that the knowledge base can stand in for the built-in
// one: it holds every entry of RequiredIDs. Content that replaces the
// built-in knowledge base must pass it, or a single example entry would
// answer every question.
func (kb *KB) Complete() error {
	var missing []string
	for _, id := range RequiredIDs() {
		if _, ok := kb.byID[id]; !ok {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("a replacement knowledge base must hold every built-in question; it lacks %d of %d: %s (start from a copy of internal/faq/content)",
			len(missing), len(RequiredIDs()), strings.Join(missing, ", "))
	}
	return nil
}

// Len is the number of entries.
func (kb *KB) Len() int { return len(kb.entries) }

// Load reads every *.yaml and *.yml file at the root of fsys. A file holds
// one entry, or several separated by "---"; ConceptsFile, which must be
// there, holds the concepts, and OffTopicFile, if there, the off-topic
// examples. Everything is validated; the error names the file and the
// entry or word at fault, and lists every problem found.
func Load(fsys fs.FS) (*KB, error) {
	names, err := contentFiles(fsys)
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, errors.New("load content: no .yaml files of entries found")
	}
	kb := &KB{byID: make(map[string]*Entry)}
	origin := make(map[string]string) // id → file, for duplicate messages
	var errs []error
	for _, name := range names {
		entries, err := readFile(fsys, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, e := range entries {
			if problems := e.validate(); len(problems) > 0 {
				errs = append(errs, fmt.Errorf("%s: entry %q: %s", name, e.ID, strings.Join(problems, "; ")))
				continue
			}
			if first, dup := origin[e.ID]; dup {
				errs = append(errs, fmt.Errorf("%s: entry %q: duplicate id (first defined in %s)", name, e.ID, first))
				continue
			}
			origin[e.ID] = name
			kb.byID[e.ID] = e
			kb.entries = append(kb.entries, e)
		}
	}
	for _, e := range kb.entries {
		for _, r := range e.Related {
			if _, ok := kb.byID[r]; !ok {
				errs = append(errs, fmt.Errorf("%s: entry %q: related id %q does not exist", origin[e.ID], e.ID, r))
			}
		}
	}
	offTopic, err := readOffTopic(fsys)
	if err != nil {
		errs = append(errs, err)
	}
	kb.offTopic = offTopic
	kb.concepts, err = readConcepts(fsys)
	if err != nil {
		errs = append(errs, err)
	}
	kb.topics, err = readTopics(fsys, kb.byID)
	if err != nil {
		errs = append(errs, err)
	}
	kb.examples, err = readExamples(fsys, kb.byID, kb.topics)
	if err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("load content: %w", errors.Join(errs...))
	}
	sort.Slice(kb.entries, func(i, j int) bool { return kb.entries[i].ID < kb.entries[j].ID })
	return kb, nil
}

func contentFiles(fsys fs.FS) ([]string, error) {
	dir, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("load content: %w", err)
	}
	var names []string
	for _, d := range dir {
		ext := path.Ext(d.Name())
		if (ext != ".yaml" && ext != ".yml") || d.Name() == ConceptsFile || d.Name() == UncoveredFile || d.Name() == ExamplesFile {
			continue
		}
		// Stat follows symlinks: a Kubernetes ConfigMap volume holds each
		// file as a symlink into its ..data folder.
		info, err := fs.Stat(fsys, d.Name())
		if err != nil {
			return nil, fmt.Errorf("load content: %w", err)
		}
		if info.Mode().IsRegular() {
			names = append(names, d.Name())
		}
	}
	return names, nil // ReadDir sorts by name
}

func readFile(fsys fs.FS, name string) ([]*Entry, error) {
	data, err := readText(fsys, name)
	if err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true) // a misspelt key is an error, not a silently empty field
	var entries []*Entry
	for i := 1; ; i++ {
		var e Entry
		err := dec.Decode(&e)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: entry #%d: %w", name, i, err)
		}
		e.trim()
		entries = append(entries, &e)
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("%s: no entries", name)
	}
	return entries, nil
}

// readText reads a content file: valid UTF-8, at most maxFileSize bytes.
// Errors name the file.
func readText(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, maxFileSize)
	}
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%s: not valid UTF-8", name)
	}
	return data, nil
}

// readOffTopic reads OffTopicFile if it exists: one example a line, blank
// lines and lines starting with # skipped.
func readOffTopic(fsys fs.FS) ([]string, error) {
	data, err := readText(fsys, OffTopicFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if n := utf8.RuneCountInString(line); n > MaxOffTopicLen {
			return nil, fmt.Errorf("%s: line %d is %d characters (limit %d)", OffTopicFile, i+1, n, MaxOffTopicLen)
		}
		out = append(out, line)
	}
	return out, nil
}

// readTopics reads UncoveredFile if it exists, and checks it: every
// problem is listed, each naming the file and the topic.
func readTopics(fsys fs.FS, entries map[string]*Entry) ([]*Topic, error) {
	var f struct {
		Topics []*Topic `yaml:"topics"`
	}
	if err := readOptionalYAML(fsys, UncoveredFile, &f); err != nil {
		return nil, err
	}
	var errs []error
	seen := make(map[string]bool)
	// A topic asked in an entry's own words is a contradiction.
	asked := wordings(entries)
	for i, t := range f.Topics {
		if t == nil {
			errs = append(errs, fmt.Errorf("%s: topics[%d] is empty", UncoveredFile, i))
			continue
		}
		t.ID, t.Name = strings.TrimSpace(t.ID), strings.TrimSpace(t.Name)
		at := fmt.Sprintf("topic %q", t.ID)
		var p []string
		switch {
		case t.ID == "":
			at = fmt.Sprintf("topics[%d]", i)
			p = append(p, "id is missing")
		case len(t.ID) > MaxIDLen || !idPattern.MatchString(t.ID):
			p = append(p, fmt.Sprintf("id must be lower-case words joined by hyphens, at most %d characters", MaxIDLen))
		case seen[t.ID]:
			p = append(p, "duplicate id")
		case entries[t.ID] != nil:
			p = append(p, "an entry has this id: a topic is what no entry answers")
		}
		seen[t.ID] = true
		p = append(p, checkText(nil, "name", t.Name, MaxQuestionLen)...)
		live := 0
		for j := range t.Phrasings {
			t.Phrasings[j] = strings.TrimSpace(t.Phrasings[j])
			p = append(p, checkText(nil, fmt.Sprintf("phrasings[%d]", j), t.Phrasings[j], MaxPhraseLen)...)
			if t.Phrasings[j] != "" {
				live++
			}
		}
		if live < minTopicPhrasings {
			p = append(p, fmt.Sprintf("needs at least %d phrasings, has %d", minTopicPhrasings, live))
		}
		for _, ph := range t.Phrasings {
			if e := asked[normalize(ph)]; ph != "" && e != "" {
				p = append(p, fmt.Sprintf("phrasing %q asks what entry %q answers", ph, e))
			}
		}
		if len(p) > 0 {
			errs = append(errs, fmt.Errorf("%s: %s: %s", UncoveredFile, at, strings.Join(p, "; ")))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	slices.SortFunc(f.Topics, func(a, b *Topic) int { return strings.Compare(a.ID, b.ID) })
	return f.Topics, nil
}

// readOptionalYAML decodes the one YAML document of the optional file
// name into v, strictly: a misspelt key is an error. A missing file, or
// one all comments, leaves v as it is.
func readOptionalYAML(fsys fs.FS, name string, v any) error {
	data, err := readText(fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); errors.Is(err, io.EOF) {
		return nil
	} else if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if err := dec.Decode(new(any)); !errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: want one YAML document, found more (or a broken second one)", name)
	}
	return nil
}

// wordings maps each entry's question and phrasings, normalized, to the
// entry's id.
func wordings(entries map[string]*Entry) map[string]string {
	asked := make(map[string]string)
	for id, e := range entries {
		for _, q := range append([]string{e.Question}, e.Phrasings...) {
			asked[normalize(q)] = id
		}
	}
	return asked
}

// readExamples reads ExamplesFile if it exists, and checks it: every
// problem is listed, each naming the file and the example's number.
func readExamples(fsys fs.FS, entries map[string]*Entry, topics []*Topic) ([]Example, error) {
	var f struct {
		Examples []Example `yaml:"examples"`
	}
	if err := readOptionalYAML(fsys, ExamplesFile, &f); err != nil {
		return nil, err
	}
	// An example in an entry's own words must want that entry: anything
	// else teaches the classifier against the content.
	asked := wordings(entries)
	topic := make(map[string]bool, len(topics))
	for _, t := range topics {
		topic[TopicPrefix+t.ID] = true
	}
	var errs []error
	seen := make(map[string]int)
	for i := range f.Examples {
		ex := &f.Examples[i]
		ex.Q, ex.Want, ex.Kind = strings.TrimSpace(ex.Q), strings.TrimSpace(ex.Want), strings.TrimSpace(ex.Kind)
		var p []string
		if n := utf8.RuneCountInString(ex.Q); ex.Q == "" || n > MaxQueryRunes {
			p = append(p, fmt.Sprintf("q must be 1 to %d characters, is %d", MaxQueryRunes, n))
		} else if first, dup := seen[normalize(ex.Q)]; dup {
			p = append(p, fmt.Sprintf("repeats example %d", first))
		} else {
			seen[normalize(ex.Q)] = i + 1
		}
		if id := asked[normalize(ex.Q)]; id != "" && id != ex.Want {
			p = append(p, fmt.Sprintf("q is entry %q's own wording, but wants %q", id, ex.Want))
		}
		switch {
		case entries[ex.Want] != nil:
			if ex.Kind != "" {
				p = append(p, fmt.Sprintf("kind %q is for a question no entry answers", ex.Kind))
			}
		case topic[ex.Want]:
			if ex.Kind != "uncovered" && ex.Kind != "" {
				p = append(p, fmt.Sprintf("kind %q: a topic's question is kind uncovered", ex.Kind))
			}
			ex.Kind = "uncovered"
		case ex.Want == "none":
			if ex.Kind != "offtopic" && ex.Kind != "hard" {
				p = append(p, "want none needs kind offtopic or hard")
			}
		default:
			p = append(p, fmt.Sprintf("want %q is no entry id, %sTOPIC of %s, or none", ex.Want, TopicPrefix, UncoveredFile))
		}
		if len(p) > 0 {
			errs = append(errs, fmt.Errorf("%s: example %d: %s", ExamplesFile, i+1, strings.Join(p, "; ")))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return f.Examples, nil
}

func (e *Entry) trim() {
	e.ID = strings.TrimSpace(e.ID)
	e.Question = strings.TrimSpace(e.Question)
	e.Answer = strings.TrimSpace(e.Answer)
	for i := range e.Phrasings {
		e.Phrasings[i] = strings.TrimSpace(e.Phrasings[i])
	}
	for i := range e.Keywords {
		e.Keywords[i] = strings.TrimSpace(e.Keywords[i])
	}
	for i := range e.Related {
		e.Related[i] = strings.TrimSpace(e.Related[i])
	}
}

// validate lists every problem with the entry on its own; cross-entry checks
// (duplicates, related ids) are Load's.
func (e *Entry) validate() []string {
	var p []string
	switch {
	case e.ID == "":
		p = append(p, "id is empty")
	case len(e.ID) > MaxIDLen || !idPattern.MatchString(e.ID):
		p = append(p, fmt.Sprintf("id must be lower-case words joined by dashes, at most %d characters", MaxIDLen))
	}
	p = checkText(p, "question", e.Question, MaxQuestionLen)
	p = checkText(p, "answer", e.Answer, MaxAnswerLen)
	for i, s := range e.Phrasings {
		p = checkText(p, fmt.Sprintf("phrasings[%d]", i), s, MaxPhraseLen)
	}
	for i, s := range e.Keywords {
		p = checkText(p, fmt.Sprintf("keywords[%d]", i), s, MaxPhraseLen)
	}
	seen := make(map[string]bool, len(e.Related))
	for i, r := range e.Related {
		switch {
		case r == "":
			p = append(p, fmt.Sprintf("related[%d] is empty", i))
		case r == e.ID:
			p = append(p, "related lists the entry itself")
		case seen[r]:
			p = append(p, fmt.Sprintf("related lists %q twice", r))
		}
		seen[r] = true
	}
	return p
}

func checkText(p []string, field, s string, limit int) []string {
	if s == "" {
		return append(p, field+" is empty")
	}
	if n := utf8.RuneCountInString(s); n > limit {
		return append(p, fmt.Sprintf("%s is %d characters (limit %d)", field, n, limit))
	}
	return p
}

// conceptsYAML is the layout of ConceptsFile.
type conceptsYAML struct {
	Concepts  []conceptYAML `yaml:"concepts"`
	Anchors   []string      `yaml:"anchors"`
	StopWords []string      `yaml:"stopwords"`
	Intents   []intentYAML  `yaml:"intents"`
}

type intentYAML struct {
	Term string   `yaml:"term"`
	Cues []string `yaml:"cues"`
}

type conceptYAML struct {
	Term    string   `yaml:"term"`
	Words   []string `yaml:"words"`
	Phrases []string `yaml:"phrases"`
}

// concepts are the analyzer's tables, from ConceptsFile. They are read-only
// once loaded, so every index of a knowledge base shares them.
type concepts struct {
	synonyms map[string]string   // word → term
	phrases  []phrase            // in the file's order
	byFirst  map[string][]phrase // by the stem of their first word, longest first
	stop     map[string]bool
	anchors  map[string]bool // terms that put a question in the domain
	// cues are the wordings that show each intent, as written: the
	// analyzer reads them as it reads a question. intents names the
	// intent terms.
	cues    []cue
	intents map[string]bool
}

// cue is a wording that shows what a question asks for ("what does * do
// that * doesn't": a comparison), split at its gaps: each gap stands for
// up to maxGap tokens.
type cue struct {
	parts []string
	term  string
}

const (
	gapToken = "*"
	maxGap   = 4
)

// readConcepts reads and checks ConceptsFile. It lists every problem, each
// naming the file and the concept or word at fault.
func readConcepts(fsys fs.FS) (*concepts, error) {
	data, err := readText(fsys, ConceptsFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w: every content folder needs one (start from a copy of internal/faq/content/%s)", ConceptsFile, fs.ErrNotExist, ConceptsFile)
	}
	if err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var f conceptsYAML
	if err := dec.Decode(&f); errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: empty", ConceptsFile)
	} else if err != nil {
		return nil, fmt.Errorf("%s: %w", ConceptsFile, err)
	}
	if err := dec.Decode(new(any)); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: want one YAML document, found more (or a broken second one)", ConceptsFile)
	}
	c, problems := buildConcepts(&f)
	if len(problems) > 0 {
		errs := make([]error, len(problems))
		for i, p := range problems {
			errs[i] = fmt.Errorf("%s: %s", ConceptsFile, p)
		}
		return nil, errors.Join(errs...)
	}
	return c, nil
}

// buildConcepts checks f and builds its tables; it returns every problem
// found.
func buildConcepts(f *conceptsYAML) (*concepts, []string) {
	c := &concepts{
		synonyms: make(map[string]string),
		byFirst:  make(map[string][]phrase),
		stop:     make(map[string]bool),
		anchors:  make(map[string]bool),
		intents:  make(map[string]bool),
	}
	var p []string
	bad := func(format string, args ...any) { p = append(p, fmt.Sprintf(format, args...)) }
	for _, l := range []struct {
		name string
		n    int
	}{{"concepts", len(f.Concepts)}, {"anchors", len(f.Anchors)}, {"stopwords", len(f.StopWords)}} {
		if l.n == 0 {
			bad("%s is missing or empty", l.name)
		}
	}
	terms := make(map[string]bool)
	// The concept of each phrase, by its words and by their stems.
	byText, byStems := make(map[string]string), make(map[string]string)
	for i, cy := range f.Concepts {
		term, at := checkTerm("concept", i, cy.Term, terms, bad)
		if len(cy.Words) == 0 && len(cy.Phrases) == 0 {
			bad("%s has no words and no phrases", at)
		}
		for j, w := range cy.Words {
			w = strings.TrimSpace(w)
			switch other, dup := c.synonyms[w]; {
			case w == "":
				bad("%s: words[%d] is empty", at, j)
			case strings.ContainsAny(w, " \t"):
				bad("%s: word %q must be one word: several go under phrases (or commas are missing)", at, w)
			case !isWord(w):
				bad("%s: word %q must be one lower-case word", at, w)
			case dup && other == term:
				bad("%s: word %q is listed twice", at, w)
			case dup:
				bad("%s: word %q is in concept %q too; a word means one concept", at, w, other)
			default:
				c.synonyms[w] = term
			}
		}
		for j, s := range cy.Phrases {
			ph := phrase{words: strings.Fields(s), term: term}
			for _, w := range ph.words {
				ph.stems = append(ph.stems, stem(w))
			}
			text, stems := strings.Join(ph.words, " "), strings.Join(ph.stems, " ")
			other, dup := byText[text]
			sameStems := byStems[stems]
			switch {
			case len(ph.words) == 0:
				bad("%s: phrases[%d] is empty", at, j)
			case len(ph.words) == 1:
				bad("%s: phrase %q is one word: it goes under words", at, text)
			case !allWords(ph.words):
				bad("%s: phrase %q must be lower-case words", at, text)
			case utf8.RuneCountInString(text) > MaxPhraseLen:
				bad("%s: phrase %q is longer than %d characters", at, text, MaxPhraseLen)
			case dup && other == term:
				bad("%s: phrase %q is listed twice", at, text)
			case dup:
				bad("%s: phrase %q is in concept %q too; a phrase means one concept", at, text, other)
			case sameStems != "" && sameStems != term:
				// Phrases match by stem: which concept won would depend on
				// the order of the file.
				bad("%s: phrase %q reads as %q to the search, as a phrase of concept %q does", at, text, stems, sameStems)
			default:
				byText[text], byStems[stems] = term, term
				c.phrases = append(c.phrases, ph)
			}
		}
	}
	for _, ph := range c.phrases {
		c.byFirst[ph.stems[0]] = append(c.byFirst[ph.stems[0]], ph)
	}
	for _, ps := range c.byFirst {
		slices.SortStableFunc(ps, func(x, y phrase) int { return len(y.words) - len(x.words) })
	}
	for i, w := range f.StopWords {
		w = strings.TrimSpace(w)
		switch term, isSyn := c.synonyms[w]; {
		case w == "":
			bad("stopwords[%d] is empty", i)
		case !isWord(w):
			bad("stop word %q must be one lower-case word", w)
		case c.stop[w]:
			bad("stop word %q is listed twice", w)
		case isSyn:
			bad("stop word %q is a word of concept %q too", w, term)
		default:
			c.stop[w] = true
		}
	}
	// An intent may anchor a question too ("one or both of these roles"
	// is about the roles without naming them).
	for _, in := range f.Intents {
		terms[strings.TrimSpace(in.Term)] = true
	}
	for i, a := range f.Anchors {
		a = strings.TrimSpace(a)
		switch term, isSyn := c.synonyms[a]; {
		case a == "":
			bad("anchors[%d] is empty", i)
		case !isWord(a):
			bad("anchor %q must be one lower-case word", a)
		case c.anchors[a]:
			bad("anchor %q is listed twice", a)
		case terms[a]:
			c.anchors[a] = true
		// The rest can never be a term of a question: name them so.
		case isSyn:
			bad("anchor %q is a word of concept %q: name the concept", a, term)
		case c.stop[a]:
			bad("anchor %q is a stop word", a)
		case stem(a) != a:
			bad("anchor %q is not a concept and the search reads the word as %q: write that", a, stem(a))
		default:
			c.anchors[a] = true
		}
	}
	for i, in := range f.Intents {
		term, at := checkTerm("intent", i, in.Term, c.intents, bad)
		if len(in.Cues) == 0 {
			bad("%s has no cues", at)
		}
		for j, text := range in.Cues {
			cu, problem := c.cue(term, text)
			if problem != "" {
				if text == "" {
					bad("%s: cues[%d] %s", at, j, problem)
				} else {
					bad("%s: cue %q %s", at, text, problem)
				}
				continue
			}
			c.cues = append(c.cues, cu)
		}
	}
	return c, p
}

// checkTerm checks the term of the i-th concept or intent (kind), records
// it in seen, and returns it trimmed with the name problems go under.
func checkTerm(kind string, i int, raw string, seen map[string]bool, bad func(string, ...any)) (term, at string) {
	term = strings.TrimSpace(raw)
	at = fmt.Sprintf("%s %q", kind, term)
	switch {
	case term == "":
		at = fmt.Sprintf("%ss[%d]", kind, i)
		bad("%s: term is empty", at)
	case !isWord(term) || strings.Contains(term, "'"):
		bad("%s: the term must be one lower-case word", at)
	case seen[term]:
		bad("%s is listed twice: merge the two", at)
	}
	seen[term] = true
	return term, at
}

// cue checks the cue text of the intent term and splits it at its gaps.
// Its words must read as written: a word of a concept ("salary", read as
// cost) would widen the cue to every word of that concept ("my salary"
// to "my budget"), unless the concept is the intent's own.
func (c *concepts) cue(term, text string) (cue, string) {
	ws := strings.Fields(text)
	switch {
	case len(ws) == 0:
		return cue{}, "is empty"
	case ws[0] == gapToken || ws[len(ws)-1] == gapToken:
		return cue{}, "starts or ends with " + gapToken + ": a gap goes between words"
	}
	cu, part := cue{term: term}, []string(nil)
	for _, w := range append(ws, gapToken) {
		switch {
		case w == gapToken && len(part) == 0:
			return cue{}, "has two gaps in a row"
		case w == gapToken:
			if p := c.checkPart(part, term); p != "" {
				return cue{}, p
			}
			cu.parts = append(cu.parts, strings.Join(part, " "))
			part = part[:0]
		case !isWord(w):
			return cue{}, "must be lower-case words and " + gapToken
		default:
			part = append(part, w)
		}
	}
	return cu, ""
}

// checkPart says what is wrong with the words of a cue between gaps, or
// "": each word must read as written, and neither a word nor a phrase
// may belong to a concept other than term.
func (c *concepts) checkPart(ws []string, term string) string {
	stems := make([]string, len(ws))
	for i, w := range ws {
		if read := words(w, len(w), nil); len(read) != 1 || read[0] != w {
			return fmt.Sprintf("reads %q as %q: write that", w, strings.Join(read, " "))
		}
		stems[i] = stem(w)
	}
	for i := 0; i < len(ws); i++ {
		if ph, n := longestPhrase(c.byFirst, stems[i:], ws[i:], c.stop); n > 0 {
			if ph.term != term {
				return fmt.Sprintf("has %q, a phrase of concept %q: write %q if that is meant", strings.Join(ph.words, " "), ph.term, ph.term)
			}
			i += n - 1 // the phrase reads as one: its words are not checked alone
			continue
		}
		if t, ok := c.synonyms[ws[i]]; ok && t != ws[i] && t != term {
			return fmt.Sprintf("has %q, a word of concept %q, so it would match every word of it: write %q if that is meant", ws[i], t, t)
		}
	}
	return ""
}

// longestPhrase returns the longest phrase of byFirst (phrases by the
// stem of their first word, longest first) that stems start with, and how
// many words it spans; so "kicking off" and "brought on" match "kick off"
// and "bring on". A phrasal verb may hold one filler word before its
// particle: "kick things off", "scale it back" (but "work with product" is
// not "work product"). ws are the words stems come from. The analyzer
// reads text with it, and cues are checked with it.
func longestPhrase(byFirst map[string][]phrase, stems, ws []string, filler map[string]bool) (phrase, int) {
next:
	for _, ph := range byFirst[stems[0]] {
		k, last := 1, len(ph.stems)-1
		for j, want := range ph.stems[1:] {
			if j+1 == last && isParticle(want) && k+1 < len(stems) && stems[k] != want && filler[ws[k]] {
				k++
			}
			if k >= len(stems) || stems[k] != want {
				continue next
			}
			k++
		}
		return ph, k
	}
	return phrase{}, 0
}

// isParticle reports whether w ends a phrasal verb a filler word may
// split.
func isParticle(w string) bool {
	switch w {
	case "off", "on", "up", "down", "back", "in", "out", "over":
		return true
	}
	return false
}

// isWord reports whether s is a word as the search reads one: lower-case
// letters and digits, apostrophes inside ("isn't").
func isWord(s string) bool {
	for i, r := range s {
		switch {
		case r == '\'' && i > 0 && i < len(s)-1:
		case unicode.IsDigit(r), unicode.IsLetter(r) && unicode.ToLower(r) == r:
		default:
			return false
		}
	}
	return s != ""
}

func allWords(ws []string) bool {
	for _, w := range ws {
		if !isWord(w) {
			return false
		}
	}
	return true
}
