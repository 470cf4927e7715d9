package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The loop that closes unanswered questions (CONTRACT.md, "Hand-off" and
// "Channels"): watched channels, hand-offs to experts, and the answers
// the bot learns from them. Unlike questions and votes, these are written
// at once, not through the Recorder: each is a user's deliberate act
// whose loss they would notice.

// Loop is the part of the store behind watched channels, hand-offs and
// learned answers. Every method is safe for concurrent use.
type Loop interface {
	// Watch starts answering in a channel (replacing an earlier watch of
	// it); Unwatch stops it and reports whether it was watched. Both bump
	// the Version (Unwatch only when the channel was watched).
	Watch(ctx context.Context, w Watch) error
	Unwatch(ctx context.Context, channelID string) (bool, error)
	// Watches lists the watched channels, oldest first.
	Watches(ctx context.Context) ([]Watch, error)

	// OpenHandoff stores a new open hand-off under the caller's h.ID
	// ([a-z0-9-]{1,40}); ErrExists when the id is taken. Its post to the
	// experts counts as tried at h.OpenedAt.
	OpenHandoff(ctx context.Context, h Handoff) error
	// HandoffPosted records the expert-channel message of a hand-off.
	HandoffPosted(ctx context.Context, id, channelID, ts string) error
	// Handoff reads one hand-off; ErrNotFound when there is none.
	Handoff(ctx context.Context, id string) (Handoff, error)
	// CloseHandoff answers (HandoffAnswered, with c.Answer) or resolves
	// (HandoffResolved) an open hand-off. The first closure wins: closed
	// is false when it was closed already, and h is then the hand-off as
	// the earlier closure left it. ErrNotFound when there is none.
	CloseHandoff(ctx context.Context, id string, c Closure) (h Handoff, closed bool, err error)
	// TakeUnposted returns up to limit open hand-offs whose expert-channel
	// post is missing and was last tried before `before`, oldest first,
	// and marks them tried at now: of two replicas sweeping at once, one
	// takes each.
	TakeUnposted(ctx context.Context, before, now time.Time, limit int) ([]Handoff, error)

	// Learn stores an expert's answer as a knowledge-base entry, gives it
	// the next id "learned-N" (N from 1, never reused) and bumps the
	// Version. l.ID is ignored; the stored entry is returned.
	Learn(ctx context.Context, l Learned) (Learned, error)
	// Retract removes a learned answer, reports whether there was one,
	// and if there was, bumps the Version.
	Retract(ctx context.Context, id string) (bool, error)
	// LearnedAnswers lists the learned answers not retracted, oldest first.
	LearnedAnswers(ctx context.Context) ([]Learned, error)
	// Version changes whenever watches or learned answers do, so every
	// replica can reload them when, and only when, they changed.
	Version(ctx context.Context) (int64, error)

	// QuestionByRef finds a recorded question by the reference its
	// answer's buttons carry; ErrNotFound when there is none (never
	// recorded yet, forgotten, or purged).
	QuestionByRef(ctx context.Context, ref string) (Question, error)
	// DeleteQuestions deletes the recorded questions of these messages (a
	// message deleted in Slack) and returns how many went.
	DeleteQuestions(ctx context.Context, msgs []MessageRef) (int64, error)
}

// Watch is one watched channel.
type Watch struct {
	ChannelID string
	UserID    string // who turned it on ("" once they asked to be forgotten)
	At        time.Time
}

// Hand-off states.
const (
	HandoffOpen     = "open"
	HandoffAnswered = "answered"
	HandoffResolved = "resolved"
)

// Handoff is a question a user sent to the human experts.
type Handoff struct {
	ID       string
	OpenedAt time.Time
	// Who asked, and where: Surface as in Question; ChannelID and
	// ThreadTS say where an answer goes in public (ThreadTS "" when the
	// question was private: the answer then goes to the DM).
	UserID, Surface, ChannelID, ThreadTS string
	Question                             string
	// Guesses are the knowledge-base entry ids the bot found closest,
	// best first, for the experts to see.
	Guesses []string
	// ExpertChannel and ExpertTS are the message in the experts'
	// channel, once posted.
	ExpertChannel, ExpertTS string
	Status                  string // HandoffOpen, HandoffAnswered or HandoffResolved
	// Set by the closure: when, by whom, and the answer (when answered).
	ClosedAt time.Time
	ClosedBy string
	Answer   string
	// LearnedID is the learned entry made from the answer, if saved.
	LearnedID string
}

// Closure is how an expert closes a hand-off.
type Closure struct {
	Status    string // HandoffAnswered or HandoffResolved
	By        string // the expert's user id
	At        time.Time
	Answer    string // HandoffAnswered only; at most MaxAnswerRunes
	LearnedID string // the learned entry saved from it, if any
}

// Learned is an answer an expert taught the bot.
type Learned struct {
	ID        string // "learned-N"
	Question  string
	Answer    string // at most MaxAnswerRunes, as the expert wrote it
	AuthorID  string // "" once the author asked to be forgotten
	At        time.Time
	HandoffID string
}

// MessageRef names one Slack message.
type MessageRef struct {
	ChannelID, TS string
}

// MaxAnswerRunes caps an expert's answer (CONTRACT.md; the modal says so).
const MaxAnswerRunes = 3000

// ErrNotFound is wrapped by errors about a row that is not there, and
// ErrExists by errors about one that is there already.
var (
	ErrNotFound = errors.New("not found")
	ErrExists   = errors.New("already exists")
)

// What both engines share.

// handoffColumns are a hand-off's columns, in the order scanSQLiteHandoff
// and scanPgHandoff read them.
const handoffColumns = `id, opened_at, user_id, surface, channel_id, thread_ts, question, guesses,
	expert_channel, expert_ts, status, closed_at, closed_by, answer, learned_id`

// takeUnposted selects the hand-offs TakeUnposted takes (arguments: before,
// limit). The partial index handoffs_unposted holds just the rows it may
// take.
const takeUnposted = `SELECT id FROM handoffs WHERE status = 'open' AND expert_ts = '' AND post_tried_at < $1
	ORDER BY opened_at, id LIMIT $2`

const (
	// bumpVersion is run in the transaction of every change of watches or
	// learned answers.
	bumpVersion = `UPDATE loop_counters SET version = version + 1`
	// nextLearned bumps the Version and takes the next learned number in
	// one statement. loop_counters is one row, so two Learns never get one
	// number; the number is never given back, so a retracted id is never
	// reused.
	nextLearned = `UPDATE loop_counters SET version = version + 1, learned_n = learned_n + 1 RETURNING learned_n`
)

func learnedID(n int64) string { return "learned-" + strconv.FormatInt(n, 10) }

// joinGuesses stores guesses as one text, space-separated: entry ids have
// no spaces (checkHandoff refuses any that has).
func joinGuesses(gs []string) string { return strings.Join(gs, " ") }

func splitGuesses(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, " ")
}

func handoffNotFound(id string) error {
	return fmt.Errorf("store: hand-off %s: %w", id, ErrNotFound)
}

// sortHandoffs orders hand-offs oldest first, as TakeUnposted promises:
// the rows an UPDATE … RETURNING gives come in no particular order.
func sortHandoffs(hs []Handoff) {
	slices.SortFunc(hs, func(a, b Handoff) int {
		return cmp.Or(a.OpenedAt.Compare(b.OpenedAt), strings.Compare(a.ID, b.ID))
	})
}
