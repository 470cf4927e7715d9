package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/advisor"
	"github.com/fractional-advisor/fractional-advisor/internal/slacktest"
)

// A transaction is what one simulated user does: ask through the slash
// command, mention the bot, DM it (one envelope each), or take the
// assessment (two envelopes: the slash command that opens the modal, and
// the submission once the bot has opened it).
const (
	kindAsk     = "ask"
	kindMention = "mention"
	kindDM      = "dm"
	kindAssess  = "assess"
)

var kinds = []string{kindAsk, kindMention, kindDM, kindAssess}

// envelopesOf is how many envelopes a transaction of kind sends.
func envelopesOf(kind string) int {
	if kind == kindAssess {
		return 2
	}
	return 1
}

// mix is the share of each kind of transaction, as integer weights.
type mix struct {
	weights []int // indexed like kinds
}

// parseMix reads "ask=40,mention=20,dm=20,assess=20". Kinds left out get 0.
func parseMix(s string) (mix, error) {
	m := mix{weights: make([]int, len(kinds))}
	total := 0
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, val, ok := strings.Cut(part, "=")
		i := slices.Index(kinds, strings.TrimSpace(name))
		if !ok || i < 0 {
			return mix{}, fmt.Errorf("-mix: %q is not kind=weight (kinds: %s)", part, strings.Join(kinds, ", "))
		}
		w, err := strconv.Atoi(strings.TrimSpace(val))
		if err != nil || w < 0 || w > 1000 {
			return mix{}, fmt.Errorf("-mix: weight %q of %s is not a whole number from 0 to 1000", val, name)
		}
		m.weights[i] = w
		total += w
	}
	if total == 0 {
		return mix{}, errors.New("-mix: every weight is 0")
	}
	return m, nil
}

func (m mix) String() string {
	parts := make([]string, 0, len(kinds))
	for i, k := range kinds {
		if m.weights[i] > 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", k, m.weights[i]))
		}
	}
	return strings.Join(parts, ",")
}

// envelopesPerTx is the mean number of envelopes per transaction.
func (m mix) envelopesPerTx() float64 {
	tx, env := 0, 0
	for i, k := range kinds {
		tx += m.weights[i]
		env += m.weights[i] * envelopesOf(k)
	}
	return float64(env) / float64(tx)
}

// tx is one transaction to run.
type tx struct {
	kind string
	seq  int // 0-based, in scheduling order
}

// scheduler hands out transactions in the mix's proportions (smooth
// weighted round robin: deterministic, evenly interleaved) until the
// envelope budget is spent.
type scheduler struct {
	mu      sync.Mutex
	mix     mix
	current []int
	budget  int // envelopes left
	seq     int
}

func newScheduler(m mix, envelopes int) *scheduler {
	return &scheduler{mix: m, current: make([]int, len(kinds)), budget: envelopes}
}

// next returns the next transaction, false once the budget is spent. When
// one envelope is left and the turn is an assessment's, the next kind that
// needs only one goes instead.
func (s *scheduler) next() (tx, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.budget <= 0 {
		return tx{}, false
	}
	total, best := 0, -1
	for i, w := range s.mix.weights {
		s.current[i] += w
		total += w
		if w > 0 && (best < 0 || s.current[i] > s.current[best]) {
			best = i
		}
	}
	s.current[best] -= total
	kind := kinds[best]
	if envelopesOf(kind) > s.budget {
		kind = ""
		for i, k := range kinds {
			if s.mix.weights[i] > 0 && envelopesOf(k) <= s.budget {
				kind = k
				break
			}
		}
		if kind == "" {
			s.budget = 0
			return tx{}, false
		}
	}
	s.budget -= envelopesOf(kind)
	t := tx{kind: kind, seq: s.seq}
	s.seq++
	return t, true
}

// questions are asked in turn: cost, role and process questions, typos,
// chatty phrasing, and some the knowledge base cannot answer.
var questions = []string{
	"how much does a part-time CTO cost?",
	"what's the difference between a fractional chief AI officer and a CTO?",
	"do we need both a CTO and a CAIO?",
	"wht does a fractinal cheif AI oficer do day to day",
	"hey team, quick q: how many days a week would a fractional CTO work with us?",
	"how long does a fractional engagement usually last?",
	"can a fractional CTO help us hire engineers?",
	"what's the office wifi password?",
	"is a fractional CAIO worth it for a 20-person startup?",
	"how do we measure whether the fractional CTO is doing a good job?",
	"what happens to our AI governance when the engagement ends?",
	"who's bringing snacks on friday?",
}

// answerSets are assessment submissions, cycled: each question's options
// in turn, so every branch of the engine is exercised.
func answerSets() []map[string]string {
	qs := advisor.Questions()
	var sets []map[string]string
	for i := range 9 {
		a := map[string]string{"context": "load test run " + strconv.Itoa(i)}
		for j, q := range qs {
			a[string(q.Field)] = q.Options[(i+j)%len(q.Options)].Value
		}
		sets = append(sets, a)
	}
	return sets
}

// tracker matches the bot's posts to the transactions waiting for them.
// A post is keyed by who or where it answers: "u:USER" (response_url,
// DM, ephemeral), "view:USER" (a modal opened), "t:TS" (a reply in the
// thread of a mention). A post that arrives before its transaction asks
// for it (the bot can beat the ack back) waits in early.
type tracker struct {
	mu        sync.Mutex
	waiting   map[string][]*waiter
	early     map[string][]slacktest.Posted
	earlyN    int
	unmatched int // posts no transaction claimed, or dropped when early was full
}

// maxEarly bounds the posts kept for transactions that have not asked yet
// (late replies wait to the end): some tens of MB of blocks at most.
const maxEarly = 10_000

type waiter struct {
	done chan struct{} // closed once post is set
	post slacktest.Posted
}

func newTracker() *tracker {
	return &tracker{waiting: map[string][]*waiter{}, early: map[string][]slacktest.Posted{}}
}

// postKey is the key a post answers, "" for posts nobody waits for
// (updates, deletions, the Home tab).
func postKey(p slacktest.Posted) string {
	if p.Replace || p.Delete {
		return ""
	}
	switch p.Kind {
	case "view":
		return "view:" + p.UserID
	case "response_url", "ephemeral":
		return "u:" + p.UserID
	case "message":
		if p.UserID != "" { // a DM
			return "u:" + p.UserID
		}
		if p.ThreadTS != "" {
			return "t:" + p.ThreadTS
		}
	}
	return ""
}

// onPost runs on the emulator's delivery path, one post at a time, so it
// only hands the post over: the transaction reads it.
func (t *tracker) onPost(p slacktest.Posted) {
	key := postKey(p)
	if key == "" {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if q := t.waiting[key]; len(q) > 0 {
		w := q[0]
		if len(q) == 1 {
			delete(t.waiting, key)
		} else {
			t.waiting[key] = q[1:]
		}
		w.post = p
		close(w.done)
		return
	}
	if t.earlyN >= maxEarly {
		t.unmatched++
		return
	}
	t.early[key] = append(t.early[key], p)
	t.earlyN++
}

// expect returns a waiter for the next post with key.
func (t *tracker) expect(key string) *waiter {
	w := &waiter{done: make(chan struct{})}
	t.mu.Lock()
	defer t.mu.Unlock()
	if q := t.early[key]; len(q) > 0 {
		w.post = q[0]
		if len(q) == 1 {
			delete(t.early, key)
		} else {
			t.early[key] = q[1:]
		}
		t.earlyN--
		close(w.done)
		return w
	}
	t.waiting[key] = append(t.waiting[key], w)
	return w
}

// abandon stops waiting; it reports false if the post came meanwhile.
func (t *tracker) abandon(key string, w *waiter) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	q := t.waiting[key]
	i := slices.Index(q, w)
	if i < 0 {
		return false
	}
	q = slices.Delete(q, i, i+1)
	if len(q) == 0 {
		delete(t.waiting, key)
	} else {
		t.waiting[key] = q
	}
	return true
}

// leftovers is the number of posts nobody claimed.
func (t *tracker) leftovers() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.unmatched + t.earlyN
}

// results collects what the transactions measured.
type results struct {
	mu          sync.Mutex
	ack, reply  []time.Duration
	replyByKind map[string][]time.Duration
	errs        map[string]int
	envelopes   int
	acked       int
	replies     int
	ackReplies  int
	firstSend   time.Time
	lastSend    time.Time
	lastDone    time.Time
}

func newResults() *results {
	return &results{replyByKind: map[string][]time.Duration{}, errs: map[string]int{}}
}

func (r *results) fail(what string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs[what]++
}

// sent records an envelope's ack, or the error instead of one.
func (r *results) sent(ack slacktest.Ack, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.envelopes++
	if !ack.Sent.IsZero() {
		if r.firstSend.IsZero() || ack.Sent.Before(r.firstSend) {
			r.firstSend = ack.Sent
		}
		if ack.Sent.After(r.lastSend) {
			r.lastSend = ack.Sent
		}
	}
	if err != nil {
		r.errs[ackErrorName(err)]++
		return
	}
	r.acked++
	r.ack = append(r.ack, ack.Latency)
	r.doneAt(ack.Sent.Add(ack.Latency))
}

func (r *results) doneAt(t time.Time) {
	if t.After(r.lastDone) {
		r.lastDone = t
	}
}

// replied records a reply's latency for kind.
func (r *results) replied(kind string, lat time.Duration, inAck bool, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.replies++
	if inAck {
		r.ackReplies++
	}
	r.reply = append(r.reply, lat)
	r.replyByKind[kind] = append(r.replyByKind[kind], lat)
	r.doneAt(at)
}

func ackErrorName(err error) string {
	switch {
	case errors.Is(err, slacktest.ErrAckTimeout):
		return "ack_timeout"
	case errors.Is(err, slacktest.ErrConnectionLost):
		return "ack_connection_lost"
	case errors.Is(err, slacktest.ErrNotConnected):
		return "not_connected"
	case errors.Is(err, slacktest.ErrAckTooLarge):
		return "ack_too_large"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded), errors.Is(err, slacktest.ErrClosed):
		return "cancelled"
	}
	return "ack_error"
}

// noteIDs are the block ids of the bot's one-line apologies: a reply with
// one of them is counted as an error, not as an answer.
var noteIDs = []string{"busy", "rate_limited", "error", "modal_failed"}

// note classifies a reply by its block ids: an apology ("busy", …), no
// blocks at all ("text_only": any Socket Mode app's plain-text refusal),
// or "" for an answer.
func note(ids []string, blocksOptional bool) string {
	if len(ids) == 0 && !blocksOptional {
		return "text_only"
	}
	for _, id := range ids {
		if slices.Contains(noteIDs, id) {
			return id
		}
	}
	return ""
}

// noteOf classifies a post (a modal may have no blocks).
func noteOf(p slacktest.Posted) string { return note(p.BlockIDs(), p.Kind == "view") }

// ackNote classifies an ack payload that should be an answer.
func ackNote(payload json.RawMessage) string {
	ids, err := slacktest.Ack{Payload: payload}.PayloadBlockIDs()
	if err != nil {
		return "bad_ack_payload"
	}
	return note(ids, false)
}

// driver runs transactions against the emulator.
type driver struct {
	emu          *slacktest.Server
	track        *tracker
	res          *results
	users        int // 0: a fresh user per transaction
	replyTimeout time.Duration
	answers      []map[string]string
}

func (d *driver) user(t tx) string {
	n := t.seq
	if d.users > 0 {
		n %= d.users
	}
	return fmt.Sprintf("ULOAD%07d", n)
}

// run performs one transaction and records what it measured.
func (d *driver) run(ctx context.Context, t tx) {
	user := d.user(t)
	q := questions[t.seq%len(questions)]
	switch t.kind {
	case kindAsk:
		ack, _, err := d.emu.SlashCommand(ctx, slacktest.SlashCommand{UserID: user, Text: "ask " + q})
		d.res.sent(ack, err)
		if err != nil {
			return
		}
		if ack.Payload != nil { // answered in the ack
			if note := ackNote(ack.Payload); note != "" {
				d.res.fail("bot_note:" + note)
				return
			}
			d.res.replied(t.kind, ack.Latency, true, ack.Sent.Add(ack.Latency))
			return
		}
		d.await(ctx, t.kind, "u:"+user, ack)
	case kindMention:
		ack, info, err := d.emu.Mention(ctx, slacktest.Message{UserID: user, Text: q})
		d.res.sent(ack, err)
		if err == nil {
			d.await(ctx, t.kind, "t:"+info.TS, ack)
		}
	case kindDM:
		ack, _, err := d.emu.DirectMessage(ctx, slacktest.Message{UserID: user, Text: q})
		d.res.sent(ack, err)
		if err == nil {
			d.await(ctx, t.kind, "u:"+user, ack)
		}
	case kindAssess:
		ack, _, err := d.emu.SlashCommand(ctx, slacktest.SlashCommand{UserID: user})
		d.res.sent(ack, err)
		if err != nil {
			return
		}
		if ack.Payload != nil { // a refusal ("busy") instead of a modal
			d.res.fail("bot_note:" + orText(ackNote(ack.Payload)))
			return
		}
		view, ok := d.await(ctx, "assess_open", "view:"+user, ack)
		if !ok {
			return
		}
		ack, err = d.emu.SubmitView(ctx, user, view.ViewID, d.answers[t.seq%len(d.answers)])
		d.res.sent(ack, err)
		if err != nil {
			return
		}
		if ack.Payload != nil { // validation errors on the modal
			d.res.fail("submit_rejected")
			return
		}
		d.await(ctx, "assess_submit", "u:"+user, ack)
	}
}

func orText(s string) string {
	if s == "" {
		return "ack_payload"
	}
	return s
}

// await waits for the reply to an envelope acked with ack, up to
// replyTimeout after the envelope was written, and records it.
func (d *driver) await(ctx context.Context, kind, key string, ack slacktest.Ack) (slacktest.Posted, bool) {
	w := d.track.expect(key)
	timer := time.NewTimer(time.Until(ack.Sent.Add(d.replyTimeout)))
	defer timer.Stop()
	select {
	case <-w.done:
	case <-timer.C:
		if d.track.abandon(key, w) {
			d.res.fail("missing_reply:" + kind)
			return slacktest.Posted{}, false
		}
		<-w.done
	case <-ctx.Done():
		if d.track.abandon(key, w) {
			d.res.fail("cancelled")
			return slacktest.Posted{}, false
		}
		<-w.done
	}
	p := w.post
	if note := noteOf(p); note != "" {
		d.res.fail("bot_note:" + note)
		return p, false
	}
	d.res.replied(kind, p.At.Sub(ack.Sent), false, p.At)
	return p, true
}

// countSlackErrors is the emulator's OnCall hook: every call it answered
// with an error is a Slack error the bot saw.
func (r *results) countSlackErrors(c slacktest.Call) {
	if c.Error == "" {
		return
	}
	r.fail("slack:" + c.Method + ":" + c.Error)
}
