package slack

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/blockkit"
	"github.com/fractional-advisor/fractional-advisor/internal/faq"
	slackgo "github.com/slack-go/slack"
	"go.uber.org/zap"
)

// BenchmarkPost posts a typical FAQ answer with chat.postMessage, through
// this package's Web API caller and through slack-go's client, to a server
// that answers as Slack does: with the whole message echoed back. The
// server's work is the same for both, so the difference per op is what the
// hand-written caller saves per reply; docs/performance.md sets it against
// the bot's CPU per reply from the load tool (the caller stays only while
// it saves 20% or more).
func BenchmarkPost(b *testing.B) {
	kb, err := faq.Load(faq.DefaultContent())
	if err != nil {
		b.Fatal(err)
	}
	ix := faq.NewIndex(kb)
	res := ix.Search("how much does a fractional cto cost")
	reply := blockkit.FAQReply{Question: "how much does a fractional cto cost", Result: res}
	for _, id := range res.Match.Entry.Related {
		e, _ := kb.Entry(id)
		reply.Related = append(reply.Related, e)
	}
	msg := blockkit.FAQAnswer(reply)
	blocks, err := json.Marshal(msg.Blocks)
	if err != nil {
		b.Fatal(err)
	}
	// Slack's answer: ok, the channel, the ts and the message as posted.
	answer, err := json.Marshal(map[string]any{
		"ok": true, "channel": "C0EMUGEN1", "ts": "1700000000.000100",
		"message": map[string]any{"type": "message", "user": "U0EMUBOT1", "bot_id": "B0EMUBOT1", "text": msg.Text,
			"ts": "1700000000.000100", "team": "T0EMU0001", "blocks": json.RawMessage(blocks)},
	})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(answer)
	}))
	defer srv.Close()
	ctx := context.Background()

	b.Run("adapter", func(b *testing.B) {
		c := New(testConfig(srv.URL+"/api/"), zap.NewNop(), nil, nil)
		defer c.Close()
		b.ReportAllocs()
		defer reportCPU(b)()
		for b.Loop() {
			if err := c.Post(ctx, Target{Channel: "C0EMUGEN1", ThreadTS: "1700000000.000001"}, msg); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("slack-go", func(b *testing.B) {
		api := slackgo.New("xoxb-test-token", slackgo.OptionAPIURL(srv.URL+"/api/"), slackgo.OptionHTTPClient(&http.Client{Transport: transport(8, nil)}))
		b.ReportAllocs()
		defer reportCPU(b)()
		for b.Loop() {
			_, _, err := api.PostMessageContext(ctx, "C0EMUGEN1", slackgo.MsgOptionText(msg.Text, false),
				slackgo.MsgOptionBlocks(msg.Blocks...), slackgo.MsgOptionTS("1700000000.000001"))
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

// reportCPU reports the process's CPU time per op (client and server
// together: on a shared machine, wall time per op says little).
func reportCPU(b *testing.B) func() {
	start := cpuTime()
	return func() { b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op") }
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkDecodeInteraction decodes the assessment's view_submission as
// Slack sends it (the integration tests' fixture: the whole modal, blocks
// and state) into the adapter's event, and with slack-go's
// InteractionCallback, which the adapter used before.
func BenchmarkDecodeInteraction(b *testing.B) {
	data, err := os.ReadFile("../../cmd/fractional-advisor/testdata/socketmode/view_submission.json")
	if err != nil {
		b.Fatal(err)
	}
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil {
		b.Fatal(err)
	}
	b.Run("adapter", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := decodeInteraction(env.Payload); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("slack-go", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var cb slackgo.InteractionCallback
			if err := json.Unmarshal(env.Payload, &cb); err != nil {
				b.Fatal(err)
			}
		}
	})
}
