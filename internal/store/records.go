package store

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// maxID bounds identifiers and short values (user, channel, surface,
// subject…): Slack's are far shorter, so a longer one is a bug upstream.
const maxID = 255

// checkQuestion validates q and returns it as stored: text trimmed, its
// spaces collapsed, cut at MaxTextRunes.
func checkQuestion(q Question) (Question, error) {
	q.Text = cleanQuestion(q.Text)
	q.At = q.At.UTC().Truncate(time.Millisecond)
	switch {
	case q.At.IsZero():
		return q, invalid("question", "no time")
	case q.Text == "":
		return q, invalid("question", "no text")
	case q.UserID == "" || q.Surface == "":
		return q, invalid("question", "no user or surface")
	case tooLong(q.Surface, q.UserID, q.ChannelID, q.MessageTS, q.EntryID, q.ThreadTS, q.Ref):
		return q, invalid("question", "an identifier over 255 bytes or not UTF-8")
	}
	return q, nil
}

// cleanQuestion is a question's text as stored: cleaned, trimmed, its
// spaces collapsed, cut at MaxTextRunes.
func cleanQuestion(s string) string {
	return cut(strings.Join(strings.Fields(cleanText(s)), " "), MaxTextRunes)
}

func checkVote(v Vote) (Vote, error) {
	v.At = v.At.UTC().Truncate(time.Millisecond)
	switch {
	case v.At.IsZero():
		return v, invalid("vote", "no time")
	case v.UserID == "" || v.ChannelID == "" || v.MessageTS == "" || v.Subject == "":
		return v, invalid("vote", "no user, channel, message or subject")
	case tooLong(v.UserID, v.ChannelID, v.MessageTS, v.Subject):
		return v, invalid("vote", "an identifier over 255 bytes or not UTF-8")
	}
	return v, nil
}

func checkAssessment(a Assessment) (Assessment, error) {
	a.At = a.At.UTC().Truncate(time.Millisecond)
	switch {
	case a.At.IsZero():
		return a, invalid("assessment", "no time")
	case a.UserID == "" || a.Recommendation == "":
		return a, invalid("assessment", "no user or recommendation")
	case a.Months < 0:
		return a, invalid("assessment", "negative months")
	case tooLong(a.UserID, a.Goal, a.Infrastructure, a.AIAmbition, a.EngineeringTeam, a.AIGovernance, a.Budget, a.Recommendation):
		return a, invalid("assessment", "a value over 255 bytes or not UTF-8")
	}
	return a, nil
}

func checkWatch(w Watch) (Watch, error) {
	w.At = w.At.UTC().Truncate(time.Millisecond)
	switch {
	case w.At.IsZero():
		return w, invalid("watch", "no time")
	case w.ChannelID == "":
		return w, invalid("watch", "no channel")
	case tooLong(w.ChannelID, w.UserID):
		return w, invalid("watch", "an identifier over 255 bytes or not UTF-8")
	}
	return w, nil
}

// handoffIDPattern is the contract's form of a hand-off id: it travels in
// the values of Slack buttons.
var handoffIDPattern = regexp.MustCompile(`^[a-z0-9-]{1,40}$`)

func checkHandoffID(id string) error {
	if !handoffIDPattern.MatchString(id) {
		return invalid("hand-off", "id not of the form [a-z0-9-]{1,40}")
	}
	return nil
}

// checkHandoff validates a new hand-off and returns it as stored: open,
// with no closure, its question cleaned like a recorded question's, its
// guesses copied.
func checkHandoff(h Handoff) (Handoff, error) {
	h.OpenedAt = h.OpenedAt.UTC().Truncate(time.Millisecond)
	h.Question = cleanQuestion(h.Question)
	h.Guesses = slices.Clone(h.Guesses)
	if len(h.Guesses) == 0 {
		h.Guesses = nil
	}
	status := h.Status
	h.Status, h.ClosedAt, h.ClosedBy, h.Answer, h.LearnedID = HandoffOpen, time.Time{}, "", "", ""
	if err := checkHandoffID(h.ID); err != nil {
		return h, err
	}
	switch {
	case status != "" && status != HandoffOpen:
		return h, invalid("hand-off", "a new hand-off not open")
	case h.OpenedAt.IsZero():
		return h, invalid("hand-off", "no time")
	case h.UserID == "" || h.Question == "":
		return h, invalid("hand-off", "no user or question")
	case tooLong(h.UserID, h.Surface, h.ChannelID, h.ThreadTS, h.ExpertChannel, h.ExpertTS):
		return h, invalid("hand-off", "an identifier over 255 bytes or not UTF-8")
	case tooLong(h.Guesses...) || slices.ContainsFunc(h.Guesses, func(g string) bool {
		return g == "" || strings.ContainsFunc(g, unicode.IsSpace)
	}):
		// Guesses are stored space-separated (joinGuesses).
		return h, invalid("hand-off", "a guess empty, with spaces, over 255 bytes or not UTF-8")
	}
	return h, nil
}

// checkClosure validates a closure and returns it as stored: the answer
// cleaned and trimmed.
func checkClosure(c Closure) (Closure, error) {
	c.At = c.At.UTC().Truncate(time.Millisecond)
	c.Answer = strings.TrimSpace(cleanText(c.Answer))
	switch {
	case c.At.IsZero():
		return c, invalid("closure", "no time")
	case c.Status != HandoffAnswered && c.Status != HandoffResolved:
		return c, invalid("closure", fmt.Sprintf("status %q, not answered or resolved", c.Status))
	case c.By == "":
		return c, invalid("closure", "no expert")
	case tooLong(c.By, c.LearnedID):
		return c, invalid("closure", "an identifier over 255 bytes or not UTF-8")
	case c.Status == HandoffAnswered && c.Answer == "":
		return c, invalid("closure", "answered without an answer")
	case c.Status == HandoffResolved && (c.Answer != "" || c.LearnedID != ""):
		return c, invalid("closure", "resolved with an answer")
	case utf8.RuneCountInString(c.Answer) > MaxAnswerRunes:
		return c, invalid("closure", fmt.Sprintf("answer over %d characters", MaxAnswerRunes))
	}
	return c, nil
}

// checkLearned validates a learned answer and returns it as stored: the
// question cleaned like a recorded question's, the answer cleaned and
// trimmed but otherwise as the expert wrote it, no id yet.
func checkLearned(l Learned) (Learned, error) {
	l.ID = ""
	l.At = l.At.UTC().Truncate(time.Millisecond)
	l.Question = cleanQuestion(l.Question)
	l.Answer = strings.TrimSpace(cleanText(l.Answer))
	switch {
	case l.At.IsZero():
		return l, invalid("learned answer", "no time")
	case l.Question == "" || l.Answer == "":
		return l, invalid("learned answer", "no question or answer")
	case utf8.RuneCountInString(l.Answer) > MaxAnswerRunes:
		return l, invalid("learned answer", fmt.Sprintf("answer over %d characters", MaxAnswerRunes))
	case tooLong(l.AuthorID, l.HandoffID):
		return l, invalid("learned answer", "an identifier over 255 bytes or not UTF-8")
	}
	return l, nil
}

func checkMessageRef(m MessageRef) (MessageRef, error) {
	switch {
	case m.ChannelID == "" || m.TS == "":
		// An empty ts would match every question asked without a message.
		return m, invalid("message", "no channel or ts")
	case tooLong(m.ChannelID, m.TS):
		return m, invalid("message", "an identifier over 255 bytes or not UTF-8")
	}
	return m, nil
}

func checkPosted(id, channelID, ts string) error {
	if err := checkHandoffID(id); err != nil {
		return err
	}
	if channelID == "" || ts == "" || tooLong(channelID, ts) {
		return invalid("hand-off post", "channel or ts empty, over 255 bytes or not UTF-8")
	}
	return nil
}

// checkRef refuses a reference no question can have: "" is not found,
// one too long is invalid.
func checkRef(ref string) error {
	if ref == "" {
		return questionNotFound(ref)
	}
	if tooLong(ref) {
		return invalid("question ref", "over 255 bytes or not UTF-8")
	}
	return nil
}

func questionNotFound(ref string) error {
	return fmt.Errorf("store: question with ref %q: %w", ref, ErrNotFound)
}

func checkID(what, id string) error {
	if id == "" || tooLong(id) {
		return invalid(what, "empty, over 255 bytes or not UTF-8")
	}
	return nil
}

func invalid(what, why string) error {
	return fmt.Errorf("store: %s: %s: %w", what, why, ErrInvalid)
}

// tooLong reports a value over maxID bytes, or one Postgres would refuse
// (bad UTF-8, NUL) and so fail the whole batch.
func tooLong(ss ...string) bool {
	return slices.ContainsFunc(ss, func(s string) bool {
		return len(s) > maxID || !utf8.ValidString(s) || strings.ContainsRune(s, 0)
	})
}

// cleanText makes text storable by either engine: valid UTF-8, no NUL.
func cleanText(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

// checkAll validates a batch, so that one bad record is found before any
// is written.
func checkAll[T any](rs []T, check func(T) (T, error)) ([]T, error) {
	out := make([]T, len(rs))
	for i, r := range rs {
		var err error
		if out[i], err = check(r); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// lastVotes keeps one vote per user and message, the latest (the later in
// the batch on a tie): Postgres refuses to touch one row twice in one
// statement, and the last click wins anyway.
func lastVotes(vs []Vote) []Vote {
	type key struct{ user, channel, ts string }
	at := make(map[key]int, len(vs))
	var out []Vote
	for _, v := range vs {
		k := key{v.UserID, v.ChannelID, v.MessageTS}
		i, ok := at[k]
		switch {
		case !ok:
			at[k] = len(out)
			out = append(out, v)
		case !v.At.Before(out[i].At):
			out[i] = v
		}
	}
	return out
}

// textKey folds a question for counting alike ones together: lower case,
// single spaces, no final punctuation.
func textKey(s string) string {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	return strings.TrimRightFunc(s, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) })
}

// cut shortens s to at most n runes.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

// sortCounts orders counts most first, then by key.
func sortCounts(cs []Count) {
	slices.SortFunc(cs, func(a, b Count) int {
		return cmp.Or(cmp.Compare(b.N, a.N), strings.Compare(a.Key, b.Key))
	})
}

// sortVotes orders subjects worst first: lowest helpful minus not
// helpful, then most not helpful, then by subject.
func sortVotes(vs []SubjectVotes) {
	slices.SortFunc(vs, func(a, b SubjectVotes) int {
		return cmp.Or(
			cmp.Compare(a.Helpful-a.NotHelpful, b.Helpful-b.NotHelpful),
			cmp.Compare(b.NotHelpful, a.NotHelpful),
			strings.Compare(a.Subject, b.Subject))
	})
}
