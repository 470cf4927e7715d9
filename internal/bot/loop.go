package bot

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/fractional-advisor/fractional-advisor/internal/blockkit"
	"github.com/fractional-advisor/fractional-advisor/internal/faq"
	"github.com/fractional-advisor/fractional-advisor/internal/slack"
	"github.com/fractional-advisor/fractional-advisor/internal/store"
	"go.uber.org/zap"
)

// The loop that closes unanswered questions (CONTRACT.md, "Hand-off" and
// "Channels"): the bot answers in the channels a team opts into, hands
// what it cannot answer to a human expert, and learns the expert's
// answer. The store holds the state, so any replica can take any step;
// each replica keeps a copy of the watched channels and the learned
// answers, reloaded when the store's version counter moves.

// LearnedSink takes the learned answers whenever they change (faq.Live).
type LearnedSink interface {
	SetLearned(entries []*faq.Entry)
}

const (
	// writeWait bounds the store calls a user's click waits for.
	writeWait = 2 * time.Second
	// unpostedBatch is how many hand-offs one sweep retries at most.
	unpostedBatch = 20
)

// loopState is this replica's copy of what the store says about watched
// channels, and how the experts' channel was last found.
type loopState struct {
	mu      sync.RWMutex
	watched map[string]bool
	version int64 // of the store when last loaded; -1: never
	// edits counts this replica's own changes to watched, and pending
	// those not yet in the store: a reload read before one, or before the
	// store has it, must not undo it.
	edits   int64
	pending int
	// expertDown is set while posts to the experts' channel fail because
	// the bot is not in it: said once in the log, not once per retry.
	expertDown bool
	// syncing serialises reloads: a forced one (after a save) and the
	// loop's must not apply their results out of order.
	syncing sync.Mutex
}

// handoffOn reports whether questions can go to the experts.
func (b *Bot) handoffOn() bool { return b.cfg.ExpertChannel != "" && b.store != nil }

// watching reports whether the bot answers questions in a channel.
func (b *Bot) watching(channel string) bool {
	b.loop.mu.RLock()
	defer b.loop.mu.RUnlock()
	return b.loop.watched[channel]
}

func (b *Bot) setWatched(channel string, on bool) {
	b.loop.mu.Lock()
	defer b.loop.mu.Unlock()
	if b.loop.watched == nil {
		b.loop.watched = map[string]bool{}
	}
	if on {
		b.loop.watched[channel] = true
	} else {
		delete(b.loop.watched, channel)
	}
	b.loop.edits++
}

// syncLoop keeps this replica's copy current and retries hand-offs that
// never reached the experts, every SyncInterval until ctx ends. It first
// checks that the bot can post to the experts' channel: the operator
// learns at start, not from failed hand-offs.
func (b *Bot) syncLoop(ctx context.Context) {
	if b.store == nil {
		return
	}
	if b.handoffOn() {
		b.checkExpertChannel(ctx)
	}
	tick := time.NewTicker(b.cfg.SyncInterval)
	defer tick.Stop()
	for {
		b.sync(ctx, false)
		if b.handoffOn() {
			b.retryHandoffs(ctx)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// sync reloads the watched channels and the learned answers when the
// store's version moved since the last load (or always, when forced).
func (b *Bot) sync(ctx context.Context, force bool) {
	b.loop.syncing.Lock()
	defer b.loop.syncing.Unlock()
	ctx, cancel := context.WithTimeout(ctx, readWait)
	defer cancel()
	v, err := b.store.Version(ctx)
	if err != nil {
		b.log.Warn("sync: store version not read; watched channels and learned answers may be stale", zap.Error(err))
		return
	}
	b.loop.mu.RLock()
	same, edits, pending := v == b.loop.version, b.loop.edits, b.loop.pending
	b.loop.mu.RUnlock()
	if same && !force {
		return
	}
	ws, err := b.store.Watches(ctx)
	if err != nil {
		b.log.Warn("sync: watched channels not read", zap.Error(err))
		return
	}
	ls, err := b.store.LearnedAnswers(ctx)
	if err != nil {
		b.log.Warn("sync: learned answers not read", zap.Error(err))
		return
	}
	watched := make(map[string]bool, len(ws))
	for _, w := range ws {
		watched[w.ChannelID] = true
	}
	if b.learned != nil {
		b.learned.SetLearned(learnedEntries(ls))
	}
	b.loop.mu.Lock()
	if b.loop.edits == edits && b.loop.pending == 0 && pending == 0 {
		b.loop.watched, b.loop.version = watched, v
	} // else this replica changed a watch meanwhile, maybe after these reads: the next sync reloads
	b.loop.mu.Unlock()
	b.metrics.Loop(len(ls), len(ws))
}

// learnedEntries makes knowledge-base entries of learned answers.
func learnedEntries(ls []store.Learned) []*faq.Entry {
	out := make([]*faq.Entry, 0, len(ls))
	for _, l := range ls {
		out = append(out, &faq.Entry{ID: l.ID, Question: l.Question, Answer: l.Answer, Author: l.AuthorID, LearnedAt: l.At})
	}
	return out
}

// checkExpertChannel tells the operator, once, when hand-offs cannot
// reach the experts.
func (b *Bot) checkExpertChannel(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, readWait)
	defer cancel()
	member, err := b.slack.IsMember(ctx, b.cfg.ExpertChannel)
	switch {
	case err == nil && member, err == nil:
		if member {
			b.expertReachable()
		} else {
			b.expertUnreachable(nil)
		}
	case notInChannel(err):
		b.expertUnreachable(err)
	default:
		// Slack did not say (a network error, a missing scope): the posts
		// will tell.
		b.log.Warn("could not check ADVISOR_EXPERT_CHANNEL", zap.String("channel", b.cfg.ExpertChannel), zap.Error(err))
	}
}

// notInChannel reports Slack's answers that mean the bot cannot post in a
// channel until someone invites it.
func notInChannel(err error) bool {
	code := slack.ErrorCode(err)
	return code == "not_in_channel" || code == "channel_not_found"
}

func (b *Bot) expertUnreachable(err error) {
	b.metrics.ExpertChannel(false)
	b.loop.mu.Lock()
	was := b.loop.expertDown
	b.loop.expertDown = true
	b.loop.mu.Unlock()
	if !was {
		b.log.Warn("the bot cannot post to ADVISOR_EXPERT_CHANNEL: invite it there (/invite @Fractional Advisor); hand-offs wait, open, until then",
			zap.String("channel", b.cfg.ExpertChannel), zap.String("slack_error", slack.ErrorCode(err)))
	}
}

func (b *Bot) expertReachable() {
	b.metrics.ExpertChannel(true)
	b.loop.mu.Lock()
	was := b.loop.expertDown
	b.loop.expertDown = false
	b.loop.mu.Unlock()
	if was {
		b.log.Info("the bot can post to ADVISOR_EXPERT_CHANNEL again", zap.String("channel", b.cfg.ExpertChannel))
	}
}

// postBudget is the longest one post to the experts may take: two tries
// and a Retry-After between them. A post cut short mid-flight may have
// been made, and would be made again.
func (b *Bot) postBudget() time.Duration {
	return 2*b.cfg.SlackTimeout + b.cfg.MaxRetryAfter
}

// retryAfter is how long after a try a sweep may try a hand-off's post
// again: more than a post's budget, so two posts of one hand-off never
// overlap.
func (b *Bot) retryAfter() time.Duration {
	return max(2*b.cfg.SyncInterval, 2*b.postBudget())
}

// retryHandoffs posts the hand-offs whose post to the experts failed, one
// at a time: each is stamped as tried just before its post, so no other
// sweep takes it while the post is under way.
func (b *Bot) retryHandoffs(ctx context.Context) {
	for range unpostedBatch {
		now := time.Now()
		tctx, cancel := context.WithTimeout(ctx, readWait)
		hs, err := b.store.TakeUnposted(tctx, now.Add(-b.retryAfter()), now, 1)
		cancel()
		if err != nil {
			if ctx.Err() == nil {
				b.log.Warn("hand-offs waiting for the experts not read", zap.Error(err))
			}
			return
		}
		if len(hs) == 0 {
			return
		}
		if err := b.postHandoff(ctx, hs[0]); err != nil {
			b.log.Warn("hand-off still not posted to the experts; retrying later", zap.String("handoff", hs[0].ID), zap.Error(err))
			return // the rest would wait alike
		}
	}
}

// postHandoff posts a hand-off to the experts' channel and records where.
// A failure leaves it open and unposted, for retryHandoffs.
func (b *Bot) postHandoff(ctx context.Context, h store.Handoff) error {
	ctx, cancel := context.WithTimeout(ctx, b.postBudget())
	defer cancel()
	var where string
	if h.ThreadTS != "" {
		// Best effort: without it the experts see the channel's name.
		where, _ = b.slack.Permalink(ctx, slack.Posted{Channel: h.ChannelID, TS: h.ThreadTS})
	}
	var guesses []*faq.Entry
	for _, id := range h.Guesses {
		if e, ok := b.kb.Entry(id); ok {
			guesses = append(guesses, e)
		}
	}
	p, err := b.slack.Send(ctx, slack.Target{Channel: b.cfg.ExpertChannel}, blockkit.ExpertRequest(h, where, guesses))
	if err != nil {
		b.metrics.Handoff("post_failed")
		if notInChannel(err) {
			b.expertUnreachable(err)
		}
		return err
	}
	b.expertReachable()
	b.metrics.Handoff("posted")
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), writeWait)
	defer cancel()
	if err := b.store.HandoffPosted(wctx, h.ID, p.Channel, p.TS); err != nil {
		// Posted but not recorded: a sweep may post it again, and its
		// buttons work either way.
		return err
	}
	return nil
}

// handoffID names a hand-off after who asked what, where, and on which
// day: a second click on the same button finds the first hand-off instead
// of opening another, and the same question asked again another day
// reaches the experts again.
func handoffID(user string, r askRequest, day time.Time) string {
	sum := sha256.Sum256([]byte(strings.Join([]string{user, r.Surface, r.Channel, r.Thread, r.Question,
		day.UTC().Format(time.DateOnly)}, "\x00")))
	return "h-" + strings.ToLower(base32.StdEncoding.EncodeToString(sum[:10]))
}

// newRef returns a fresh reference for an answer's vote buttons.
func newRef() string {
	var b [10]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	return strings.ToLower(base32.StdEncoding.EncodeToString(b[:]))
}

// askExpert opens a hand-off from an ask_expert click and tells the asker,
// privately, that the experts have it.
func (b *Bot) askExpert(ctx context.Context, ba *slack.BlockActions, value string, reply slack.Target) (string, error) {
	if !b.handoffOn() {
		return "ignored", b.slack.Post(ctx, reply, blockkit.Note("handoff_off", "Sending questions to an expert is turned off here. Try rephrasing your question, or ask a colleague."))
	}
	ask, err := decodeAsk(value)
	if err != nil {
		return "invalid", b.slack.Post(ctx, reply, blockkit.Note("error", saySorry))
	}
	// The question is its asker's, whoever clicks: in a thread, anyone
	// may send it on.
	asker := ba.UserID
	if ask.User != "" {
		asker = ask.User
	}
	now := time.Now()
	h := store.Handoff{ID: handoffID(asker, ask, now), OpenedAt: now, UserID: asker, Surface: ask.Surface,
		Question: ask.Question, Guesses: ask.Guesses}
	// The answer goes to the thread only when the question was public and
	// the button sits in that channel: a value made up to point elsewhere
	// gets the answer in the clicker's DM.
	public := (ask.Surface == surfaceMention || ask.Surface == surfaceChannel) && ask.Thread != "" && ask.Channel == ba.ChannelID
	if public {
		h.ChannelID, h.ThreadTS = ask.Channel, ask.Thread
	}
	wctx, cancel := context.WithTimeout(ctx, writeWait)
	defer cancel()
	switch prev, err := b.store.Handoff(wctx, h.ID); {
	case err == nil:
		return "handoff exists", b.slack.Post(ctx, reply, handoffStatus(prev))
	case !errors.Is(err, store.ErrNotFound):
		return "handoff failed", errors.Join(err, b.slack.Post(ctx, reply, blockkit.Note("error", saySorry)))
	}
	if err := b.store.OpenHandoff(wctx, h); err != nil {
		if prev, rerr := b.store.Handoff(wctx, h.ID); errors.Is(err, store.ErrExists) && rerr == nil {
			return "handoff exists", b.slack.Post(ctx, reply, handoffStatus(prev)) // a second click, at the same moment
		}
		return "handoff failed", errors.Join(err, b.slack.Post(ctx, reply, blockkit.Note("error", saySorry)))
	}
	b.metrics.Handoff("opened")
	if err := b.postHandoff(ctx, h); err != nil {
		// Open in the store: a sweep posts it later. The asker's part is
		// done either way.
		b.log.Warn("hand-off not posted to the experts yet; it will be retried", zap.String("handoff", h.ID), zap.Error(err))
	}
	return "handoff sent", b.slack.Post(ctx, reply, blockkit.HandoffSent(public))
}

// handoffStatus answers a second click on ask_expert.
func handoffStatus(h store.Handoff) blockkit.Message {
	switch h.Status {
	case store.HandoffAnswered:
		return blockkit.ExpertAnswer(h)
	case store.HandoffResolved:
		return blockkit.HandoffResolved(h)
	}
	return blockkit.Note("handoff_exists", "The experts already have this question; their answer will reach you as soon as they write it.")
}

// openExpertAnswer opens the answer modal for an escalation_answer click,
// unless the hand-off was closed meanwhile.
func (b *Bot) openExpertAnswer(ctx context.Context, ba *slack.BlockActions, id string, reply slack.Target) (string, error) {
	h, outcome, err := b.openHandoff(ctx, ba, id, reply)
	if outcome != "" {
		return outcome, err
	}
	if err := b.slack.OpenView(ctx, ba.TriggerID, blockkit.ExpertAnswerModal(h)); err != nil {
		return "views.open failed", errors.Join(err, b.slack.Post(ctx, reply, blockkit.Note("modal_failed", "Sorry, I couldn't open the answer form. Please press Answer again.")))
	}
	return "expert modal opened", nil
}

// openHandoff reads the open hand-off an expert's button names. When it
// cannot be acted on, it tells the expert and returns the outcome for the
// log ("" when it is open).
func (b *Bot) openHandoff(ctx context.Context, ba *slack.BlockActions, id string, reply slack.Target) (store.Handoff, string, error) {
	// The buttons live in the experts' channel; a value replayed from
	// elsewhere is not an expert's click.
	if !handoffPattern.MatchString(id) || !b.handoffOn() || ba.ChannelID != b.cfg.ExpertChannel {
		return store.Handoff{}, "invalid", b.slack.Post(ctx, reply, blockkit.Note("error", saySorry))
	}
	rctx, cancel := context.WithTimeout(ctx, readWait)
	defer cancel()
	h, err := b.store.Handoff(rctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return h, "not found", b.slack.Post(ctx, reply, blockkit.Note("handoff_gone", "That question is no longer in my records: the asker may have asked me to forget it."))
	case err != nil:
		return h, "handoff failed", errors.Join(err, b.slack.Post(ctx, reply, blockkit.Note("error", saySorry)))
	case h.Status != store.HandoffOpen:
		return h, "already closed", b.slack.Post(ctx, reply, alreadyClosed(h))
	}
	return h, "", nil
}

// alreadyClosed tells a second expert who was first.
func alreadyClosed(h store.Handoff) blockkit.Message {
	by := "another expert"
	if h.ClosedBy != "" {
		by = "<@" + h.ClosedBy + ">"
	}
	if h.Status == store.HandoffAnswered {
		return blockkit.Note("handoff_closed", "This question was already answered by "+by+"; nothing was sent.")
	}
	return blockkit.Note("handoff_closed", "This question was already closed by "+by+"; nothing was sent.")
}

// resolveHandoff closes a hand-off without an answer, tells the asker
// where they asked, updates the experts' copy and confirms to the expert.
func (b *Bot) resolveHandoff(ctx context.Context, ba *slack.BlockActions, id string, reply slack.Target) (string, error) {
	if _, outcome, err := b.openHandoff(ctx, ba, id, reply); outcome != "" {
		return outcome, err
	}
	wctx, cancel := context.WithTimeout(ctx, writeWait)
	h, closed, err := b.store.CloseHandoff(wctx, id, store.Closure{Status: store.HandoffResolved, By: ba.UserID, At: time.Now()})
	cancel()
	switch {
	case err != nil:
		return "close failed", errors.Join(err, b.slack.Post(ctx, reply, blockkit.Note("error", saySorry)))
	case !closed:
		return "already closed", b.slack.Post(ctx, reply, alreadyClosed(h))
	}
	b.metrics.Handoff("resolved")
	if h.ExpertTS == "" { // posted, but not recorded: the copy clicked is the one
		h.ExpertChannel, h.ExpertTS = ba.ChannelID, ba.MessageTS
	}
	told := "Closed. I told <@" + h.UserID + "> the experts could not answer it."
	err = b.closed(ctx, h, blockkit.HandoffResolved(h))
	if err != nil {
		told = "Closed, but I couldn't tell <@" + h.UserID + ">: please let them know."
	}
	return "resolved", errors.Join(err, b.slack.Post(ctx, reply, blockkit.Note("handoff_resolved", told)))
}

// closed tells the asker how their hand-off ended, in the thread where
// they asked or else their DM, and updates the experts' copy.
func (b *Bot) closed(ctx context.Context, h store.Handoff, msg blockkit.Message) error {
	to := slack.Target{DMUser: h.UserID}
	if h.ThreadTS != "" {
		to = slack.Target{Channel: h.ChannelID, ThreadTS: h.ThreadTS}
	}
	err := b.slack.Post(ctx, to, msg)
	if err != nil && to.DMUser == "" && (slack.Refused(err) || slack.ErrorCode(err) != "") {
		// The thread is gone or the bot was removed from the channel:
		// the answer must still reach them.
		err = b.slack.Post(ctx, slack.Target{DMUser: h.UserID}, msg)
	}
	if h.ExpertTS != "" {
		err = errors.Join(err, b.slack.Update(ctx, slack.Posted{Channel: h.ExpertChannel, TS: h.ExpertTS}, blockkit.ExpertRequestClosed(h, "")))
	}
	return err
}

// readExpertAnswer validates the answer modal's text: errors go back to
// the modal, beside the input.
func readExpertAnswer(sub *slack.Submission) (string, map[string]string) {
	answer := strings.TrimSpace(strings.ToValidUTF8(sub.Value(blockkit.AnswerBlockID, blockkit.AnswerBlockID), "\uFFFD"))
	switch n := utf8.RuneCountInString(answer); {
	case n == 0:
		return "", blockkit.AnswerErrors("Please write an answer, or cancel.")
	case n > store.MaxAnswerRunes:
		return "", blockkit.AnswerErrors("Please keep it under 3,000 characters.")
	}
	return answer, nil
}

// answerHandoff closes a hand-off with an expert's answer: saved as a
// learned entry when asked, delivered to the asker, shown in the experts'
// channel. The first answer wins; a later expert is told, with their text
// so nothing they wrote is lost.
func (b *Bot) answerHandoff(ctx context.Context, expert, id, answer string, save bool) (string, error) {
	dm := slack.Target{DMUser: expert}
	notSent := func(why string) error {
		return b.slack.Post(ctx, dm, blockkit.ReturnedAnswer(why, answer))
	}
	wctx, cancel := context.WithTimeout(ctx, writeWait)
	defer cancel()
	h, err := b.store.Handoff(wctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return "not found", notSent("That question is no longer in my records, so I couldn't send your answer.")
	case err != nil:
		return "close failed", errors.Join(err, notSent("Sorry, I couldn't send your answer just now. Please try again in a minute."))
	case h.Status != store.HandoffOpen:
		return "already closed", notSent(alreadyClosed(h).Text)
	}
	var learned store.Learned
	if save {
		learned, err = b.store.Learn(wctx, store.Learned{Question: h.Question, Answer: answer, AuthorID: expert, At: time.Now(), HandoffID: id})
		if err != nil {
			b.log.Warn("expert answer not saved as a learned entry", zap.String("handoff", id), zap.Error(err))
			learned = store.Learned{}
		}
	}
	cctx, cancel := context.WithTimeout(ctx, writeWait) // a budget of its own: Learn may have used the first
	defer cancel()
	h, closed, err := b.store.CloseHandoff(cctx, id, store.Closure{Status: store.HandoffAnswered, By: expert, At: time.Now(),
		Answer: answer, LearnedID: learned.ID})
	if err != nil {
		// The close may have landed before the error: the record says.
		if got, rerr := b.store.Handoff(cctx, id); rerr == nil && got.Status == store.HandoffAnswered && got.ClosedBy == expert && got.Answer == answer {
			h, closed, err = got, true, nil
		}
	}
	if (err != nil || !closed) && learned.ID != "" {
		// Another expert was first, or nothing was closed: the saved
		// copy must not outlive its hand-off.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), writeWait)
		if _, rerr := b.store.Retract(rctx, learned.ID); rerr != nil {
			err = errors.Join(err, rerr)
		}
		cancel()
	}
	switch {
	case err != nil:
		return "close failed", errors.Join(err, notSent("Sorry, I couldn't send your answer just now. Please try again in a minute."))
	case !closed:
		return "already closed", notSent(alreadyClosed(h).Text)
	}
	b.metrics.Handoff("answered")
	if learned.ID != "" {
		b.sync(ctx, true) // this replica answers from it at once; the others within SyncInterval
	}
	if err := b.closed(ctx, h, blockkit.ExpertAnswer(h)); err != nil {
		return "answered", errors.Join(err, b.slack.Post(ctx, dm, blockkit.ReturnedAnswer(
			"Your answer is saved, but I couldn't deliver it to <@"+h.UserID+">: please send it to them.", answer)))
	}
	return "answered", nil
}

// retract removes a learned answer for an admin and shows them the Home
// tab without it.
func (b *Bot) retract(ctx context.Context, user, id string) (string, error) {
	if !b.cfg.IsAdmin(user) || b.store == nil {
		return "forbidden", nil
	}
	wctx, cancel := context.WithTimeout(ctx, writeWait)
	_, err := b.store.Retract(wctx, id)
	cancel()
	if err != nil {
		return "retract failed", err
	}
	b.sync(ctx, true)
	return "retracted", b.slack.Publish(ctx, user, blockkit.HomeTab(b.home(ctx, user)))
}

// askFromVote is the ask_expert value offered after a 👎 on an FAQ
// answer: the question found again by the reference in the buttons'
// block id. "" when there is none to offer.
func (b *Bot) askFromVote(ctx context.Context, act slack.Action) string {
	ref, ok := strings.CutPrefix(act.BlockID, blockkit.FeedbackBlockPrefix)
	if !b.handoffOn() || !ok || !strings.HasPrefix(act.Value, blockkit.FAQBlockPrefix) || len(ref) > 40 {
		return ""
	}
	rctx, cancel := context.WithTimeout(ctx, readWait)
	defer cancel()
	q, err := b.store.QuestionByRef(rctx, ref)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			b.log.Warn("question of a 👎 not found; no hand-off offered", zap.Error(err))
		}
		return ""
	}
	var guesses []string
	if q.EntryID != "" {
		guesses = []string{q.EntryID}
	}
	return encodeAsk(askRequest{Question: q.Text, User: q.UserID, Surface: q.Surface, Channel: q.ChannelID, Thread: q.ThreadTS, Guesses: guesses})
}

// setWatch turns answering in a channel on or off: announced in the
// channel, stored only once announced, and explained privately where the
// bot cannot speak.
func (b *Bot) setWatch(ctx context.Context, cmd *slack.Command, on bool) (string, error) {
	private := slack.Target{ResponseURL: cmd.ResponseURL}
	switch {
	case b.store == nil:
		return "watch failed", b.slack.Post(ctx, private, blockkit.Note("watch_failed", "I can't keep settings here: I have no place to store them."))
	case strings.HasPrefix(cmd.ChannelID, "D") || cmd.ChannelID == "":
		return "invite first", b.slack.Post(ctx, private, blockkit.InviteFirst(true))
	}
	channel := slack.Target{Channel: cmd.ChannelID}
	if !on {
		wctx, cancel := context.WithTimeout(ctx, writeWait)
		was, err := b.store.Unwatch(wctx, cmd.ChannelID)
		cancel()
		if err != nil {
			return "watch failed", errors.Join(err, b.slack.Post(ctx, private, blockkit.Note("error", saySorry)))
		}
		b.setWatched(cmd.ChannelID, false)
		if !was {
			return "not watching", b.slack.Post(ctx, private, blockkit.NotWatching())
		}
		if err := b.slack.Post(ctx, channel, blockkit.Unwatched(cmd.UserID)); err != nil {
			return "unwatched", b.slack.Post(ctx, private, blockkit.Note("unwatched", "Done: I stopped answering questions in this channel."))
		}
		return "unwatched", nil
	}
	// This replica answers from the moment the channel reads the
	// announcement; the store, written once it is out, tells the others
	// within ADVISOR_SYNC_INTERVAL.
	b.loop.mu.Lock()
	b.loop.pending++
	b.loop.mu.Unlock()
	defer func() {
		b.loop.mu.Lock()
		b.loop.pending--
		b.loop.mu.Unlock()
	}()
	wasWatched := b.watching(cmd.ChannelID)
	b.setWatched(cmd.ChannelID, true)
	if _, err := b.slack.Send(ctx, channel, blockkit.Watching(cmd.UserID)); err != nil {
		b.setWatched(cmd.ChannelID, wasWatched)
		if notInChannel(err) {
			return "invite first", b.slack.Post(ctx, private, blockkit.InviteFirst(false))
		}
		return "watch failed", errors.Join(err, b.slack.Post(ctx, private, blockkit.Note("error", saySorry)))
	}
	wctx, cancel := context.WithTimeout(ctx, writeWait) // after the announcement, which may wait out a rate limit
	defer cancel()
	if err := b.store.Watch(wctx, store.Watch{ChannelID: cmd.ChannelID, UserID: cmd.UserID, At: time.Now()}); err != nil {
		b.setWatched(cmd.ChannelID, wasWatched)
		return "watch failed", errors.Join(err, b.slack.Post(ctx, private, blockkit.Note("watch_failed",
			"Sorry: I announced it, but couldn't save the setting, so I won't answer here yet. Please run `/fractional-advisor watch` again.")))
	}
	return "watching", nil
}

// mentionsBot reports whether a message mentions the bot: such a message
// is answered as its app_mention, never also as a channel message.
func mentionsBot(text, botUserID string) bool {
	return botUserID != "" && (strings.Contains(text, "<@"+botUserID+">") || strings.Contains(text, "<@"+botUserID+"|"))
}

// guessIDs lists a result's closest entries, for the experts.
func guessIDs(res faq.Result) []string {
	var ids []string
	if res.Match != nil {
		ids = append(ids, res.Match.Entry.ID)
	}
	for _, a := range res.Alternatives {
		if !slices.Contains(ids, a.Entry.ID) {
			ids = append(ids, a.Entry.ID)
		}
	}
	return ids
}
