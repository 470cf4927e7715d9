package slackbot

import (
	"strings"
	"testing"

	"github.com/fractional-advisor/fractional-advisor/internal/blockkit"
	"github.com/fractional-advisor/fractional-advisor/internal/faq"
	"github.com/slack-go/slack"
)

// TestFitsAck: an answer rides in the ack only while the whole ack stays
// under Slack's 20 KB; larger ones must go through the Web API.
func TestFitsAck(t *testing.T) {
	t.Parallel()
	entry := &faq.Entry{ID: "cost", Question: "Q?", Answer: strings.Repeat("a", faq.MaxAnswerLen)}
	msg := blockkit.FAQAnswer(blockkit.FAQReply{Question: strings.Repeat("q", MaxQuestionRunes), Echo: true,
		Result: faq.Result{Match: &faq.Hit{Entry: entry, Score: 1}}})
	if !fitsAck(ackMessage{ResponseType: slack.ResponseTypeEphemeral, Text: msg.Text, Blocks: msg.Blocks}) {
		t.Error("the largest FAQ answer the content allows must fit in an ack")
	}
	big := ackMessage{ResponseType: slack.ResponseTypeEphemeral, Text: strings.Repeat("x", 21*1024)}
	if fitsAck(big) {
		t.Error("a 21 KB reply must not go in the ack")
	}
}
