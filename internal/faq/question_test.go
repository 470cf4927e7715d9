package faq

import (
	"strings"
	"testing"
)

func TestReadsAsQuestion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		msg  string
		want bool
	}{
		// Questions, with and without "?".
		{"Do we need a CTO before hiring a CAIO?", true},
		{"what does a fractional caio actually do all week", true},
		{"Anyone have experience with fractional CTOs for a Series A?", true},
		{"Thoughts on bringing in a part-time AI lead", true},
		{"I wonder whether a CAIO is overkill for 20 people", true},
		{"Can someone review my PR", true}, // a question; the search turns it down
		{"CAIO vs CTO?", true},
		{"what's a CAIO?", true},
		{"How much does a fractional CTO cost per month", true},
		{"<@U024BE7LH> should we hire a fractional CTO or a full-time one?", true},
		{"hey team, quick q: what's the difference between a CAIO and a CTO", true},
		{"Hi all! Does anyone know how long a typical fractional engagement lasts", true},
		{"Quick question about CAIO pricing for a seed startup", true},
		{"We're raising our seed in March. Any advice on whether to bring in a fractional CTO first", true},
		{"I'm wondering if our CAIO should report to the CEO or the CTO", true},
		{"curious whether anyone here has worked with an interim chief AI officer", true},
		{"Is a fractional CAIO worth it for a 15 person company", true},
		{"Are fractional CTOs usually paid in equity", true},
		{"Should the CAIO own the data platform budget", true},
		{"Has anyone used a fractional CTO to get through SOC 2", true},
		{"Read <https://example.com/caio|this post> about CAIOs. Is it right that they need a PhD?", true},
		{"Who owns AI governance when there is no CAIO :thinking_face:", true},
		{"Team, do we really need a head of AI before product-market fit", true},
		{"how are you all thinking about AI governance at this stage?", true}, // long enough to be a real question
		{"Where should the AI roadmap live, Notion or the drive?", true},
		{"Looking for advice on scoping a 3 month CAIO engagement", true},
		{"help me understand what a CAIO delivers in the first 90 days", true},
		{"`kubectl get pods` is failing, can anyone help me debug it?", true},
		{"Honestly, I wonder if we need a CAIO at all", true},
		{"If possible, can someone explain what an AI readiness assessment covers", true},
		{"random q: does a CAIO need a PhD", true},
		{"What's the wifi password in the new office?", true}, // off-topic, still a question
		// Not questions.
		{"Shipping the release tonight 🚀", false},
		{"thanks @sam!", false},
		{"lunch?", false},
		{"FYI the board deck is in the drive", false},
		{"lol", false},
		{"+1", false},
		{":+1: :tada:", false},
		{"thanks!", false},
		{"?!?", false},
		{"how are you all?", false},
		{"Hey team, how's everyone doing today?", false},
		{"what a day!", false},
		{"What a week", false},
		{"who's up for lunch?", false},
		{"Anyone up for tacos at noon? Leaving from the lobby", false},
		{"How cool is that?", false},
		{"Can you believe it?", false},
		{"Any thoughts?", false}, // too short to answer without its thread
		{"Have a great weekend everyone", false},
		{"Had a great call with the new CAIO candidate today", false},
		{"Should be fixed now, thanks for the patience", false},
		{"Can confirm the deploy went out", false},
		{"Don't forget to submit your expenses by Friday", false},
		{"Reminder: all-hands is at 3pm in the big room", false},
		{"How we hired our first fractional CTO (blog post) <https://example.com/post>", false},
		{"When you get a minute, take a look at the deck", false},
		{"We just signed our first enterprise customer! 🎉", false},
		{"Sharing my thoughts on the CAIO role in this doc", false},
		{"> what does a CAIO do?\nthis is exactly what I asked last week", false},
		{"the release notes say ```is this a question?``` but it's a code sample", false},
		{"Wow! :tada: :tada:", false},
		{"", false},
		{"   \n\t ", false},
		{"Welcome <@U123> to the team! Say hi in <#C456|general>", false},
		{"We met the CAIO candidate in Berlin, where she runs an AI lab", false},
		{"Thanks, will do", false},
		{"Deploy done, should be live in 5 minutes", false},
	}
	for _, tt := range tests {
		if got := ReadsAsQuestion(tt.msg); got != tt.want {
			t.Errorf("ReadsAsQuestion(%q) = %v, want %v", tt.msg, got, tt.want)
		}
	}
}

func TestStripMarkup(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"<@U123> hi <#C1|general> <!here>", "hi"},
		{"see <https://x.example/a?b=c|the doc> and <https://y.example>", "see the doc and"},
		{"run `go test ./...` then ```\nmake?\n```", "run then"},
		{"nice :wave: :+1::skin-tone-2: at 10:30:00", "nice at 10:30:00"},
		{"&gt; quoted?\nmine &amp; yours", "mine & yours"},
		{"unclosed <tag and `tick", "unclosed tag and tick"},
	}
	for _, tt := range tests {
		if got := strings.Join(strings.Fields(stripMarkup(tt.in)), " "); got != tt.want {
			t.Errorf("stripMarkup(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzReadsAsQuestion(f *testing.F) {
	f.Add("Do we need a CTO before hiring a CAIO?")
	f.Add("<@U1|x> `a` ```b``` :c: &gt; d?")
	f.Fuzz(func(t *testing.T, s string) {
		ReadsAsQuestion(s) // must not panic
	})
}
