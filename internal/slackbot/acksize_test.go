package slackbot

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/blockkit"
	"github.com/fractional-advisor/fractional-advisor/internal/faq"
	"go.uber.org/zap"
)

// TestAckPayloadSize: an answer rides in the ack only while the whole ack stays
// under Slack's 20 KB; larger ones must go through the Web API.
func TestAckPayloadSize(t *testing.T) {
	t.Parallel()
	entry := &faq.Entry{ID: "cost", Question: "Q?", Answer: strings.Repeat("a", faq.MaxAnswerLen)}
	msg := blockkit.FAQAnswer(blockkit.FAQReply{Question: strings.Repeat("q", MaxQuestionRunes), Echo: true,
		Result: faq.Result{Match: &faq.Hit{Entry: entry, Score: 1}}})
	if _, ok := ackPayload(msg); !ok {
		t.Error("the largest FAQ answer the content allows must fit in an ack")
	}
	big := blockkit.Message{Text: strings.Repeat("x", 21*1024)}
	if _, ok := ackPayload(big); ok {
		t.Error("a 21 KB reply must not go in the ack")
	}
}

// TestResponseURLStaysOutOfErrors: net/http quotes the URL in its errors,
// and a response_url lets anyone post as the bot, so it must not reach an
// error (and from there a log line).
func TestResponseURLStaysOutOfErrors(t *testing.T) {
	t.Parallel()
	b := New(Deps{BotToken: "xoxb-test", HTTP: &http.Client{}, APIURL: "http://127.0.0.1:1/api/", Log: zap.NewNop()}, Config{SlackTimeout: time.Second})
	err := b.post(context.Background(), destination{responseURL: "http://127.0.0.1:1/response/SECRET-PATH"}, blockkit.Note("x", "hello"))
	if err == nil {
		t.Fatal("posting to a closed port succeeded")
	}
	if strings.Contains(err.Error(), "SECRET-PATH") {
		t.Errorf("the error shows the response_url: %v", err)
	}
}
