package bot

import (
	"context"
	"errors"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/advisor"
	"github.com/fractional-advisor/fractional-advisor/internal/blockkit"
	"github.com/fractional-advisor/fractional-advisor/internal/faq"
	"github.com/fractional-advisor/fractional-advisor/internal/store"
	"go.uber.org/zap"
)

// What the bot remembers (CONTRACT.md, "What the bot remembers"). Records
// go through the store's Recorder, which never blocks and writes after the
// reply; event claims and the Home tab's reads go to the store directly,
// each within a short deadline, and the bot answers without them when the
// store does not.

const (
	// claimWait is the longest an event's claim may hold its answer.
	claimWait = 500 * time.Millisecond
	// readWait bounds the Home tab's reads.
	readWait = 2 * time.Second
	// insightsWindow is what the admins' insights cover.
	insightsWindow = 7 * 24 * time.Hour
	// recentShown is how many of their recommendations users see.
	recentShown = 5
)

// Surfaces a question can come from.
const (
	surfaceSlash   = "slash"
	surfaceMention = "mention"
	surfaceDM      = "dm"
	surfaceChannel = "channel" // a watched channel
)

// claim reports whether this replica should answer the event: yes unless
// the store says another has it. A store that does not answer within
// claimWait is counted and answered anyway: a rare duplicate beats a lost
// answer.
func (b *Bot) claim(ctx context.Context, eventID string) bool {
	if b.claims == nil || eventID == "" {
		return true
	}
	ctx, cancel := context.WithTimeout(ctx, claimWait)
	defer cancel()
	ok, err := b.claims.ClaimEvent(ctx, eventID, time.Now())
	if err != nil {
		b.metrics.ClaimFailed()
		b.log.Warn("event claim failed; answering anyway", zap.String("event_id", eventID), zap.Error(err))
		return true
	}
	return ok
}

// complete marks a claimed event answered, so no replica takes it over.
// It goes with the records, in a batch after the reply: a claim left
// incomplete only becomes claimable again after store.ClaimTimeout.
func (b *Bot) complete(eventID string) {
	if b.claims == nil || b.rec == nil || eventID == "" {
		return
	}
	_ = b.rec.Complete(eventID) // a completion that cannot be queued is counted by the recorder
}

// rememberQuestion records a question and how it was answered: where
// (the thread of the answer, if any) and the reference its vote buttons
// carry.
func (b *Bot) rememberQuestion(at origin, user, ts, question string, res faq.Result, ref string) {
	if b.rec == nil {
		return
	}
	q := store.Question{At: time.Now(), Surface: at.surface, UserID: user, ChannelID: at.channel, MessageTS: ts,
		ThreadTS: at.thread, Text: question, Ref: ref}
	if res.Match != nil {
		q.EntryID, q.Score = res.Match.Entry.ID, res.Match.Score
	}
	_ = b.rec.Question(q) // a record that cannot be queued is counted by the recorder
}

// rememberVote records a 👍 or 👎 on an answered message.
func (b *Bot) rememberVote(user, channel, ts, subject string, helpful bool) {
	if b.rec == nil || ts == "" || subject == "unknown" {
		return
	}
	_ = b.rec.Vote(store.Vote{At: time.Now(), UserID: user, ChannelID: channel, MessageTS: ts, Subject: subject, Helpful: helpful})
}

// rememberAssessment records an assessment and its recommendation.
func (b *Bot) rememberAssessment(user string, a advisor.Answers, months int, rec advisor.Recommendation) {
	if b.rec == nil {
		return
	}
	_ = b.rec.Assessment(store.Assessment{At: time.Now(), UserID: user, Answers: a, Months: months,
		Recommendation: string(rec.Role), Confidence: rec.Confidence})
}

// home gathers what the Home tab shows user: their last recommendations,
// and the insights when they are an admin.
func (b *Bot) home(ctx context.Context, user string) blockkit.Home {
	h := blockkit.Home{Topics: b.kb.Entries()}
	if b.store == nil {
		return h
	}
	ctx, cancel := context.WithTimeout(ctx, readWait)
	defer cancel()
	recent, err := b.store.RecentAssessments(ctx, user, recentShown)
	if err != nil {
		b.log.Warn("recent assessments not read", zap.Error(err))
		h.Forgetful = true
	}
	for _, r := range recent {
		a := r.Answers
		if a.Validate() != nil {
			continue // answers from an older version of the modal
		}
		h.Recent = append(h.Recent, blockkit.PastRecommendation{At: r.At, Role: advisor.Role(r.Recommendation),
			Confidence: r.Confidence, Value: encodeShare(a, r.Months)})
	}
	if b.cfg.IsAdmin(user) {
		h.Admin = true
		in, err := b.store.Insights(ctx, time.Now().Add(-insightsWindow))
		if err != nil {
			b.log.Warn("insights not read", zap.Error(err))
			h.Forgetful = true
		} else {
			h.Insights = &in
		}
		ws, werr := b.store.Watches(ctx)
		ls, lerr := b.store.LearnedAnswers(ctx)
		if err := errors.Join(werr, lerr); err != nil {
			b.log.Warn("watched channels or learned answers not read", zap.Error(err))
			h.Forgetful = true
		}
		h.Watched, h.Learned = ws, learnedEntries(ls)
	}
	return h
}

// forget deletes everything stored about user; n is how many records went.
func (b *Bot) forget(ctx context.Context, user string) (int64, error) {
	if b.rec == nil {
		return 0, nil
	}
	return b.rec.Forget(ctx, user)
}
