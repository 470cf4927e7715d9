// Package store is what the bot remembers, behind one interface with two
// engines: an embedded SQLite file (the default, one replica) and
// PostgreSQL (any number of replicas share one database).
//
// What is stored, and why:
//   - questions that read as questions (surface, user, channel, message,
//     the text, the matched entry or none, the score, the time), so admins
//     can see what people ask and what the knowledge base lacks;
//   - votes on answers, one per user per answered message, so bad entries
//     surface;
//   - assessments with their recommendation, so users see their last ones
//     and admins see which roles are recommended;
//   - hand-offs to experts (who asked what, where, the bot's guesses, the
//     experts' message, the answer), so a question the bot could not
//     answer reaches a human and the answer gets back (loop.go);
//   - watched channels and the answers experts taught the bot, so every
//     replica answers in the same channels from the same entries;
//   - event-id claims, so an event Slack retries, or sends to two
//     replicas, is answered once.
//
// Nothing else: never tokens, never messages that are not questions.
// Questions, votes, assessments and closed hand-offs are kept for the
// retention the caller passes to Purge; open hand-offs until closed;
// watches until unwatched and learned answers until retracted; event
// claims for a day (EventClaimKeep). ForgetUser deletes everything about
// one user, and blanks their id where they only acted on what the team
// keeps. Times are kept to the millisecond, in UTC. docs/store.md has the
// schema, the engines and the benchmark.
//
// The package logs nothing and knows nothing of Slack: it returns errors
// and counts, and the edge decides what to log. Writes that must not slow a
// reply go through a Recorder, which batches them after the fact.
package store

import (
	"context"
	"errors"
	"github.com/fractional-advisor/fractional-advisor/internal/advisor"
	"time"
)

// Store is what the bot remembers. Every method is safe for concurrent use.
type Store interface {
	// RecordQuestions, RecordVotes and RecordAssessments write a batch in
	// one transaction: all or nothing. A vote replaces the user's earlier
	// vote on the same message unless it is older (the last click wins,
	// whatever order batches arrive in).
	RecordQuestions(ctx context.Context, qs []Question) error
	RecordVotes(ctx context.Context, vs []Vote) error
	RecordAssessments(ctx context.Context, as []Assessment) error

	// ClaimEvent reports whether the caller may answer the event id: true
	// for the first claim, and for a claim taken over because the earlier
	// one was neither completed nor released within ClaimTimeout of now.
	// Of two concurrent claims of one id, exactly one is true.
	ClaimEvent(ctx context.Context, id string, now time.Time) (bool, error)
	// CompleteEvents marks claimed events answered: never claimable again.
	CompleteEvents(ctx context.Context, ids ...string) error
	// ReleaseEvent gives up a claim not completed, so that Slack's retry
	// of an event that could not be handled is answered.
	ReleaseEvent(ctx context.Context, id string) error

	// Insights summarises what was recorded at or after since.
	Insights(ctx context.Context, since time.Time) (Insights, error)
	// RecentAssessments returns a user's last n assessments, newest first.
	RecentAssessments(ctx context.Context, userID string, n int) ([]Assessment, error)

	// Purge deletes questions, votes and assessments recorded before
	// now-retention, hand-offs closed before it, and event claims older
	// than EventClaimKeep. It returns the number of rows deleted. Watches
	// and learned answers are kept until unwatched or retracted.
	Purge(ctx context.Context, now time.Time, retention time.Duration) (int64, error)
	// ForgetUser deletes everything stored about a user (their
	// questions, votes, assessments and hand-offs) and returns the number
	// of rows deleted. Where the user only acted on a row the team keeps
	// (a watch they turned on, an answer they taught, a hand-off they
	// closed), it blanks their id to "" and keeps the row; that bumps the
	// Version when a watch or learned answer changed.
	ForgetUser(ctx context.Context, userID string) (int64, error)

	// Loop is the store behind watched channels, hand-offs to experts
	// and learned answers (loop.go).
	Loop

	// Close releases the database. Calls after Close fail.
	Close() error
}

const (
	// ClaimTimeout is how long a claim holds before another replica may
	// take the event over: a replica that died mid-answer must not make the
	// event unanswerable.
	ClaimTimeout = 30 * time.Second
	// EventClaimKeep is how long event claims are kept: Slack retries for
	// about an hour at most, so a day is ample.
	EventClaimKeep = 24 * time.Hour
	// MaxTextRunes caps a stored question; longer text is cut.
	MaxTextRunes = 2000
	// TopUnanswered is how many unanswered questions Insights lists.
	TopUnanswered = 10
)

// Question is one question the bot was asked.
type Question struct {
	At        time.Time
	Surface   string // where it was asked: "mention", "dm", "slash", …
	UserID    string
	ChannelID string
	MessageTS string // the question's message, when it has one
	Text      string // the question only, as the user typed it
	EntryID   string // the knowledge-base entry answered with; "" for none
	Score     float64
	// ThreadTS is the thread the answer went to, when it went to one.
	ThreadTS string
	// Ref is the reference the answer's buttons carry, so that a 👎 on
	// the answer can find the question again ("" when none).
	Ref string
}

// Vote is one user's verdict on one answered message. A user has at most
// one vote per message (UserID, ChannelID, MessageTS); the latest counts.
type Vote struct {
	At        time.Time
	UserID    string
	ChannelID string
	MessageTS string // the answered message
	Subject   string // what was answered, e.g. "faq:cost" or "recommendation:caio"
	Helpful   bool
}

// Assessment is one submitted assessment and the recommendation it got.
// The answers are the option values of the assessment modal.
type Assessment struct {
	At     time.Time
	UserID string
	advisor.Answers
	Months         int
	Recommendation string // "caio", "cto", "both" or "cto_then_caio"
	Confidence     float64
}

// Insights is what admins see on the Home tab.
type Insights struct {
	Since      time.Time
	Questions  int     // all questions since Since
	Unanswered int     // of which had no entry
	BySurface  []Count // questions per surface, most first
	// Votes per subject, worst first: lowest helpful minus not helpful,
	// then most not helpful, then by subject.
	Votes           []SubjectVotes
	Recommendations []Count // assessments per recommendation, most first
	// OpenHandoffs counts every hand-off still open, however old: one
	// that waits longer than the window needs attention all the more.
	OpenHandoffs int
	// TopUnanswered lists the questions asked most often without an
	// answer, at most TopUnanswered, most first. Questions that differ only
	// in case, spacing or final punctuation count as one; Key is one of
	// their texts.
	TopUnanswered []Count
}

// UnansweredShare is the share of questions that had no answer, 0..1.
func (in Insights) UnansweredShare() float64 {
	if in.Questions == 0 {
		return 0
	}
	return float64(in.Unanswered) / float64(in.Questions)
}

// Count is a number of rows sharing a key.
type Count struct {
	Key string
	N   int
}

// SubjectVotes is the vote totals of one subject.
type SubjectVotes struct {
	Subject    string
	Helpful    int
	NotHelpful int
}

// ErrInvalid is wrapped by errors about a record or argument the store
// refuses, such as a question without a user.
var ErrInvalid = errors.New("invalid")
