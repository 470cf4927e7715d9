package slacktest

import (
	"context"
	"io"
	"log"
	"net/http"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// startServer starts an emulator closed at the end of the test.
func startServer(t *testing.T, cfg Config) *Server {
	t.Helper()
	s, err := Start(cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// newAPI is a slack-go Web API client for the emulator with its own
// transport, so its idle connections can be closed for goleak.
func newAPI(t *testing.T, s *Server, bot, app string) *slack.Client {
	t.Helper()
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return slack.New(bot,
		slack.OptionAPIURL(s.APIURL()),
		slack.OptionAppLevelToken(app),
		slack.OptionHTTPClient(&http.Client{Transport: tr, Timeout: 10 * time.Second}))
}

// bot is a real slack-go Socket Mode client connected to the emulator. It
// hands every request (slash command, interaction, event) to handle, which
// must ack it, and also forwards it on got.
type bot struct {
	api *slack.Client
	sm  *socketmode.Client
	got chan socketmode.Event
}

type handler func(b *bot, evt socketmode.Event)

// ackEmpty acks with no payload.
func ackEmpty(b *bot, evt socketmode.Event) { _ = b.sm.Ack(*evt.Request) }

func connectBot(t *testing.T, s *Server, h handler, opts ...socketmode.Option) *bot {
	t.Helper()
	app, tok := s.Tokens()
	api := newAPI(t, s, tok, app)
	opts = append([]socketmode.Option{socketmode.OptionLog(log.New(io.Discard, "", 0))}, opts...)
	b := &bot{api: api, sm: socketmode.New(api, opts...), got: make(chan socketmode.Event, 100)}
	if h == nil {
		h = ackEmpty
	}
	ctx, cancel := context.WithCancel(context.Background())
	runDone, loopDone := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(runDone)
		_ = b.sm.RunContext(ctx)
	}()
	go func() {
		defer close(loopDone)
		for {
			select {
			case <-ctx.Done():
				return
			case evt := <-b.sm.Events:
				switch evt.Type {
				case socketmode.EventTypeSlashCommand, socketmode.EventTypeInteractive, socketmode.EventTypeEventsAPI:
					h(b, evt)
				}
				select {
				case b.got <- evt:
				default:
				}
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-runDone
		<-loopDone
	})
	return b
}

// next returns the next forwarded event of type typ.
func (b *bot) next(t *testing.T, ctx context.Context, typ socketmode.EventType) socketmode.Event {
	t.Helper()
	for {
		select {
		case evt := <-b.got:
			if evt.Type == typ {
				return evt
			}
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v", typ, ctx.Err())
		}
	}
}

// connected starts a bot and waits until the emulator has greeted it.
func connected(t *testing.T, s *Server, h handler, opts ...socketmode.Option) *bot {
	t.Helper()
	b := connectBot(t, s, h, opts...)
	if err := s.WaitConnected(testCtx(t)); err != nil {
		t.Fatalf("WaitConnected: %v", err)
	}
	return b
}
