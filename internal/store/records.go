package store

import (
	"cmp"
	"fmt"
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
	q.Text = cut(strings.Join(strings.Fields(cleanText(q.Text)), " "), MaxTextRunes)
	q.At = q.At.UTC().Truncate(time.Millisecond)
	switch {
	case q.At.IsZero():
		return q, invalid("question", "no time")
	case q.Text == "":
		return q, invalid("question", "no text")
	case q.UserID == "" || q.Surface == "":
		return q, invalid("question", "no user or surface")
	case tooLong(q.Surface, q.UserID, q.ChannelID, q.MessageTS, q.EntryID):
		return q, invalid("question", "an identifier over 255 bytes or not UTF-8")
	}
	return q, nil
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
