package bot_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/advisor"
	"github.com/fractional-advisor/fractional-advisor/internal/apptest"
	"github.com/fractional-advisor/fractional-advisor/internal/blockkit"
	"github.com/fractional-advisor/fractional-advisor/internal/config"
	"github.com/fractional-advisor/fractional-advisor/internal/slacktest"
	"github.com/fractional-advisor/fractional-advisor/internal/store"
	"github.com/fractional-advisor/fractional-advisor/internal/store/storetest"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// The bot's memory, end to end: what CONTRACT.md's "What the bot
// remembers" promises, through the emulator.

// assess takes the assessment as user and returns the recommendation post.
func assess(t *testing.T, r *apptest.Rig, user string) slacktest.Posted {
	t.Helper()
	if _, _, err := r.Emu.SlashCommand(apptest.Ctx(t), slacktest.SlashCommand{UserID: user}); err != nil {
		t.Fatal(err)
	}
	var view slacktest.View
	apptest.WaitUntil(t, "the modal", func() bool {
		var ok bool
		view, ok = r.Emu.LatestView(user)
		return ok
	})
	answers := map[string]string{}
	for _, q := range advisor.Questions() {
		answers[string(q.Field)] = q.Options[0].Value
	}
	if _, err := r.Emu.SubmitView(apptest.Ctx(t), user, view.ID, answers); err != nil {
		t.Fatal(err)
	}
	return r.WaitPost(t, "the recommendation", func(p slacktest.Posted) bool {
		return p.UserID == user && p.HasBlockIDPrefix(blockkit.RecommendationBlockPrefix)
	})
}

// home opens the Home tab as user and returns it once published.
func home(t *testing.T, r *apptest.Rig, user string) slacktest.Posted {
	t.Helper()
	mark := len(r.Emu.Posts())
	if _, _, err := r.Emu.OpenHome(apptest.Ctx(t), user); err != nil {
		t.Fatal(err)
	}
	p, err := r.Emu.WaitPostAfter(apptest.Ctx(t), mark, func(p slacktest.Posted) bool { return p.Kind == "home" && p.UserID == user })
	if err != nil {
		t.Fatalf("no Home tab: %v", err)
	}
	return p
}

func TestVotesLastClickWins(t *testing.T) {
	t.Parallel()
	r := apptest.Start(t, apptest.Options{Search: apptest.AnAnswer()})
	const user = "U0VOTER01"
	answer := r.WaitPost(t, "the answer", apptest.InThread(r.Mention(t, user, "what does it cost?")))
	for _, action := range []string{blockkit.ActionNotHelpful, blockkit.ActionHelpful} {
		mark := len(r.Emu.Posts())
		if _, err := r.Emu.PressButton(apptest.Ctx(t), user, answer, action); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Emu.WaitPostAfter(apptest.Ctx(t), mark, apptest.HasBlock("feedback_thanks")); err != nil {
			t.Fatalf("no thanks for %s: %v", action, err)
		}
	}
	apptest.WaitUntil(t, "one helpful vote for the answer", func() bool {
		in, err := r.Store.Insights(context.Background(), time.Now().Add(-time.Hour))
		return err == nil && len(in.Votes) == 1 && in.Votes[0] == store.SubjectVotes{Subject: "faq:cost", Helpful: 1}
	})
}

func TestHomeRemembers(t *testing.T) {
	t.Parallel()
	const admin, user = "U0ADMIN01", "U0MEMBER1"
	r := apptest.Start(t, apptest.Options{Config: func(c *config.Config) { c.Admins = []string{admin} }})
	assess(t, r, user)
	r.Mention(t, user, "what is the office wifi password?") // no answer: counted as unanswered
	apptest.WaitUntil(t, "the assessment and the question to be written", func() bool {
		in, err := r.Store.Insights(context.Background(), time.Now().Add(-time.Hour))
		return err == nil && in.Questions == 1 && len(in.Recommendations) == 1
	})

	p := home(t, r, user)
	if !p.HasBlockID(blockkit.MyAssessmentsBlockID) || !p.HasBlockID("my_assessment:1") || p.HasBlockID(blockkit.InsightsBlockID) {
		t.Errorf("the user's Home tab: blocks %v; want their recommendation and no insights", p.BlockIDs())
	}
	// See it again: the recommendation comes back in the DM.
	mark := len(r.Emu.Posts())
	if _, err := r.Emu.PressButton(apptest.Ctx(t), user, p, blockkit.ActionShowAssessment); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Emu.WaitPostAfter(apptest.Ctx(t), mark, func(p slacktest.Posted) bool {
		return p.Channel == r.Emu.DMChannel(user) && p.HasBlockIDPrefix(blockkit.RecommendationBlockPrefix)
	}); err != nil {
		t.Errorf("See it again showed nothing: %v", err)
	}

	p = home(t, r, admin)
	if !p.HasBlockID(blockkit.InsightsBlockID) || !p.HasBlockID("insights_unanswered") || !p.HasBlockID(blockkit.MyAssessmentsBlockID) {
		t.Fatalf("the admin's Home tab: blocks %v; want insights", p.BlockIDs())
	}
	if !strings.Contains(string(p.Blocks), "office wifi password") {
		t.Error("the unanswered question is not among the insights")
	}
}

func TestForgetMe(t *testing.T) {
	t.Parallel()
	const user, other = "U0FORGET1", "U0KEEPER1"
	r := apptest.Start(t, apptest.Options{Search: apptest.AnAnswer()})
	assess(t, r, user)
	r.AnsweredOnce(t, r.Mention(t, user, "what does it cost?"))
	r.AnsweredOnce(t, r.Mention(t, other, "and for me?"))
	ack, _, err := r.Emu.SlashCommand(apptest.Ctx(t), slacktest.SlashCommand{UserID: user, Text: "forget me"})
	if err != nil || ack.Payload != nil {
		t.Fatalf("forget me: ack %s, %v", ack.Payload, err)
	}
	done := r.WaitPost(t, "the confirmation", apptest.HasBlock("forgotten"))
	if done.Kind != "response_url" || done.ResponseType != "ephemeral" || done.UserID != user || !strings.Contains(done.Text, "records") {
		t.Errorf("the confirmation is %s/%s for %s: %q; want a private note with what went", done.Kind, done.ResponseType, done.UserID, done.Text)
	}
	recent, err := r.Store.RecentAssessments(context.Background(), user, 5)
	if err != nil || len(recent) != 0 {
		t.Errorf("the user's assessments after forget me: %v, %v", recent, err)
	}
	in, err := r.Store.Insights(context.Background(), time.Now().Add(-time.Hour))
	if err != nil || in.Questions != 1 {
		t.Errorf("questions left: %d (%v); want the other user's one", in.Questions, err)
	}
}

// brokenStore is a database that is down: every write fails at once, and
// a claim hangs until its deadline.
type brokenStore struct{ store.Store }

var errDown = errors.New("database down")

func (brokenStore) RecordQuestions(context.Context, []store.Question) error     { return errDown }
func (brokenStore) RecordVotes(context.Context, []store.Vote) error             { return errDown }
func (brokenStore) RecordAssessments(context.Context, []store.Assessment) error { return errDown }
func (brokenStore) ClaimEvent(ctx context.Context, _ string, _ time.Time) (bool, error) {
	<-ctx.Done()
	return false, ctx.Err()
}

// TestStoreDown: with the database down, answers keep flowing, the lost
// records are counted, and the bot stays ready. On Postgres, where events
// are claimed, a claim that does not come back is answered anyway and
// counted.
func TestStoreDown(t *testing.T) {
	t.Parallel()
	for _, db := range []struct{ name, dsn string }{{"sqlite", ""}, {"postgres", "postgres"}} {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			dsn := db.dsn
			if dsn == "postgres" {
				dsn = storetest.Postgres(t)
			}
			storeDown(t, dsn, dsn != "")
		})
	}
}

func storeDown(t *testing.T, dsn string, claims bool) {
	r := apptest.Start(t, apptest.Options{DB: dsn, Search: apptest.AnAnswer(), Store: func(s store.Store) store.Store { return brokenStore{s} }})
	for _, user := range []string{"U0DOWN001", "U0DOWN002"} {
		r.AnsweredOnce(t, r.Mention(t, user, "still there?"))
	}
	want := 0.0
	if claims {
		want = 2
	}
	if got := testutil.ToFloat64(r.Metrics.ClaimFailures); got != want {
		t.Errorf("claim failures counted %v, want %v", got, want)
	}
	apptest.WaitUntil(t, "the lost questions to be counted", func() bool {
		return counter(t, r, "advisor_store_dropped_total") == 2
	})
	if ok, why := r.Ready.Ready(); !ok {
		t.Errorf("not ready (%s) while only the store is down", why)
	}
}

// counter reads a counter the rig's registry gathers, by name.
func counter(t *testing.T, r *apptest.Rig, name string) float64 {
	t.Helper()
	mfs, err := r.Metrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name && len(mf.GetMetric()) == 1 {
			return mf.GetMetric()[0].GetCounter().GetValue()
		}
	}
	t.Fatalf("no counter %s", name)
	return 0
}

// TestReplicasAnswerOnce: two bots on one workspace and one Postgres
// database; Slack delivers every event to both. Each is answered once.
func TestReplicasAnswerOnce(t *testing.T) {
	t.Parallel()
	dsn := storetest.Postgres(t)
	emu, err := slacktest.Start(slacktest.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Close() })
	a := apptest.Start(t, apptest.Options{Server: emu, DB: dsn, Search: apptest.AnAnswer()})
	b := apptest.Start(t, apptest.Options{Server: emu, DB: dsn, Search: apptest.AnAnswer()})
	if err := emu.WaitConnects(apptest.Ctx(t), 2); err != nil {
		t.Fatal(err)
	}
	var events []slacktest.EventInfo
	for i := range 20 {
		info := a.Mention(t, "U0REPLICA"+string(rune('A'+i)), "what does it cost?")
		// The emulator takes its connections in turn: the retry goes to
		// the other replica.
		if _, err := emu.RedeliverEvent(apptest.Ctx(t), info.EventID, 1, "timeout"); err != nil {
			t.Fatal(err)
		}
		events = append(events, info)
	}
	for _, info := range events {
		a.WaitPost(t, "the answer", apptest.InThread(info))
	}
	apptest.WaitUntil(t, "both replicas to have handled every delivery", func() bool {
		return testutil.ToFloat64(a.Metrics.Duplicates)+testutil.ToFloat64(b.Metrics.Duplicates) == float64(len(events))
	})
	for _, info := range events {
		if n := a.Count(apptest.InThread(info)); n != 1 {
			t.Errorf("event %s answered %d times", info.EventID, n)
		}
	}
}
