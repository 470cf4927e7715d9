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
	"sort"
	"strings"
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
}

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

// Len is the number of entries.
func (kb *KB) Len() int { return len(kb.entries) }

// Load reads every *.yaml and *.yml file at the root of fsys. A file holds
// one entry, or several separated by "---". Everything is validated; the
// error names the file and the entry at fault, and lists every problem found.
func Load(fsys fs.FS) (*KB, error) {
	names, err := contentFiles(fsys)
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, errors.New("load content: no .yaml files found")
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
		if ext != ".yaml" && ext != ".yml" {
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

// readOffTopic reads OffTopicFile if it exists: one example a line, blank
// lines and lines starting with # skipped.
func readOffTopic(fsys fs.FS) ([]string, error) {
	data, err := fs.ReadFile(fsys, OffTopicFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", OffTopicFile, err)
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", OffTopicFile, maxFileSize)
	}
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%s: not valid UTF-8", OffTopicFile)
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
