package slacktest

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

func TestHelloAndConnected(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	b := connected(t, s, nil)
	ctx := testCtx(t)

	hello := b.next(t, ctx, socketmode.EventTypeHello)
	if hello.Request.NumConnections != 1 || hello.Request.ConnectionInfo.AppID != s.Config().AppID ||
		hello.Request.DebugInfo.Host == "" || hello.Request.DebugInfo.ApproximateConnectionTime == 0 {
		t.Errorf("hello = %+v", hello.Request)
	}
	if got := s.Connects(); got != 1 {
		t.Errorf("Connects() = %d, want 1", got)
	}
	opens := s.CallsTo("apps.connections.open")
	if len(opens) != 1 || opens[0].Token != "xapp-…" || opens[0].Status != http.StatusOK {
		t.Errorf("apps.connections.open calls = %+v", opens)
	}
	if ws := s.CallsTo("websocket"); len(ws) != 1 || ws[0].Status != http.StatusSwitchingProtocols {
		t.Errorf("websocket calls = %+v", ws)
	}
}

func TestSlashCommandRoundTrip(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	b := connected(t, s, func(b *bot, evt socketmode.Event) {
		_ = b.sm.Ack(*evt.Request, map[string]string{"text": "working on it"})
	})
	ctx := testCtx(t)

	ack, info, err := s.SlashCommand(ctx, SlashCommand{UserID: "U123", ChannelID: "C123", Text: "help"})
	if err != nil {
		t.Fatalf("SlashCommand: %v", err)
	}
	if string(ack.Payload) != `{"text":"working on it"}` || ack.EnvelopeID == "" || ack.Latency <= 0 {
		t.Errorf("ack = %+v (payload %s)", ack, ack.Payload)
	}
	evt := b.next(t, ctx, socketmode.EventTypeSlashCommand)
	cmd := evt.Data.(slack.SlashCommand)
	if cmd.Command != "/fractional-advisor" || cmd.Text != "help" || cmd.UserID != "U123" || cmd.ChannelID != "C123" ||
		cmd.TriggerID != info.TriggerID || cmd.ResponseURL != info.ResponseURL || cmd.TeamID == "" || cmd.APIAppID == "" {
		t.Errorf("command = %+v, info = %+v", cmd, info)
	}
	if !evt.Request.AcceptsResponsePayload || evt.Request.EnvelopeID != ack.EnvelopeID {
		t.Errorf("envelope = %+v", evt.Request)
	}
	if !strings.HasPrefix(info.ResponseURL, "http://127.0.0.1:") {
		t.Errorf("response_url %q is not on the emulator", info.ResponseURL)
	}
}

func TestAckTimeout(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{AckTimeout: 150 * time.Millisecond})
	connected(t, s, func(*bot, socketmode.Event) {}) // never acks
	_, _, err := s.SlashCommand(testCtx(t), SlashCommand{Text: "help"})
	if !errors.Is(err, ErrAckTimeout) {
		t.Fatalf("err = %v, want ErrAckTimeout", err)
	}
}

func TestNoClient(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{AckTimeout: 50 * time.Millisecond})
	if _, _, err := s.SlashCommand(testCtx(t), SlashCommand{}); !errors.Is(err, ErrNotConnected) {
		t.Fatalf("err = %v, want ErrNotConnected", err)
	}
	if err := s.Disconnect("warning"); !errors.Is(err, ErrNotConnected) {
		t.Fatalf("Disconnect err = %v, want ErrNotConnected", err)
	}
}

func TestDisconnectReconnects(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	b := connected(t, s, nil)
	ctx := testCtx(t)
	if err := s.Disconnect("refresh_requested"); err != nil {
		t.Fatalf("Disconnect: %v", err)
	}
	if err := s.WaitConnects(ctx, 2); err != nil {
		t.Fatalf("client did not reconnect: %v", err)
	}
	b.next(t, ctx, socketmode.EventTypeHello) // first connection
	b.next(t, ctx, socketmode.EventTypeHello) // second
	if _, _, err := s.SlashCommand(ctx, SlashCommand{Text: "help"}); err != nil {
		t.Fatalf("SlashCommand after reconnect: %v", err)
	}
}

func TestPingsKeepClientAlive(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{PingInterval: 25 * time.Millisecond})
	connected(t, s, nil, socketmode.OptionPingInterval(500*time.Millisecond))
	ctx := testCtx(t)

	time.Sleep(800 * time.Millisecond) // pings on: the client stays
	if got := s.Connects(); got != 1 {
		t.Fatalf("Connects() = %d with pings on, want 1", got)
	}
	s.SetPings(false) // slack-go's ping timeout fires and it reconnects
	if err := s.WaitConnects(ctx, 2); err != nil {
		t.Fatalf("no reconnect without pings: %v", err)
	}
	s.SetPings(true)
}

func TestRoundRobin(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	var mu sync.Mutex
	counts := map[*bot]int{}
	count := func(b *bot, evt socketmode.Event) {
		mu.Lock()
		counts[b]++
		mu.Unlock()
		_ = b.sm.Ack(*evt.Request)
	}
	connectBot(t, s, count)
	connectBot(t, s, count)
	ctx := testCtx(t)
	if err := s.waitFor(ctx, func() bool { return len(s.conns) == 2 }); err != nil {
		t.Fatal(err)
	}
	for range 4 {
		if _, _, err := s.SlashCommand(ctx, SlashCommand{}); err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(counts) != 2 {
		t.Fatalf("envelopes went to %d clients, want 2: %v", len(counts), counts)
	}
	for b, n := range counts {
		if n != 2 {
			t.Errorf("client %p got %d envelopes, want 2", b, n)
		}
	}
}

func TestSendRawMalformedFrame(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	b := connected(t, s, nil)
	ctx := testCtx(t)
	if err := s.SendRaw(ctx, []byte(`{"type":"no_such_type","envelope_id":"x"}`)); err != nil {
		t.Fatalf("SendRaw: %v", err)
	}
	b.next(t, ctx, socketmode.EventTypeErrorBadMessage)
	if _, _, err := s.SlashCommand(ctx, SlashCommand{}); err != nil {
		t.Fatalf("connection unusable after a bad frame: %v", err)
	}
	if s.Connects() != 1 {
		t.Errorf("client reconnected after a bad frame")
	}
}

// TestRawClientWire checks the frames on the wire with a bare websocket
// client, including acks slack-go would refuse to send.
func TestRawClientWire(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{AckTimeout: 2 * time.Second})
	ctx := testCtx(t)
	app, bot := s.Tokens()
	_, wsURL, err := newAPI(t, s, bot, app).StartSocketModeContext(ctx)
	if err != nil {
		t.Fatalf("apps.connections.open: %v", err)
	}
	conn, resp, err := websocket.DefaultDialer.DialContext(ctx, wsURL, nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	_ = resp.Body.Close()
	defer conn.Close()

	var hello map[string]any
	if err := conn.ReadJSON(&hello); err != nil || hello["type"] != "hello" {
		t.Fatalf("hello = %v, %v", hello, err)
	}
	if _, _, err := websocket.DefaultDialer.DialContext(ctx, wsURL, nil); err == nil {
		t.Errorf("a ticket could be used twice")
	}

	type result struct {
		ack Ack
		err error
	}
	send := func() chan result {
		ch := make(chan result, 1)
		go func() {
			ack, _, err := s.SlashCommand(ctx, SlashCommand{Text: "x"})
			ch <- result{ack, err}
		}()
		return ch
	}
	readEnvelope := func() map[string]any {
		var env map[string]any
		if err := conn.ReadJSON(&env); err != nil {
			t.Fatalf("read envelope: %v", err)
		}
		for _, k := range []string{"envelope_id", "payload", "type", "accepts_response_payload"} {
			if _, ok := env[k]; !ok {
				t.Errorf("envelope lacks %q: %v", k, env)
			}
		}
		return env
	}

	// An ack at Slack's 20KB limit is dropped by Slack: the move fails.
	done := send()
	env := readEnvelope()
	big := map[string]any{"envelope_id": env["envelope_id"], "payload": map[string]string{"text": strings.Repeat("x", maxAckBytes)}}
	if err := conn.WriteJSON(big); err != nil {
		t.Fatal(err)
	}
	if r := <-done; !errors.Is(r.err, ErrAckTooLarge) {
		t.Errorf("oversized ack: err = %v, want ErrAckTooLarge", r.err)
	}

	// An ack for an unknown envelope is recorded, then the right one counts.
	done = send()
	env = readEnvelope()
	_ = conn.WriteJSON(map[string]any{"envelope_id": "nope"})
	_ = conn.WriteJSON(map[string]any{"envelope_id": env["envelope_id"]})
	if r := <-done; r.err != nil || r.ack.Payload != nil {
		t.Errorf("plain ack: %+v, %v", r.ack, r.err)
	}
	var errs []string
	for _, c := range s.CallsTo("socket_mode.ack") {
		errs = append(errs, c.Error)
	}
	if want := []string{"payload_too_large", "unknown_envelope_id", ""}; strings.Join(errs, ",") != strings.Join(want, ",") {
		t.Errorf("ack call errors = %q, want %q", errs, want)
	}

	// Events carry retry fields; redelivery keeps event_id, changes envelope_id.
	evDone := make(chan error, 1)
	var info EventInfo
	go func() {
		var err error
		_, info, err = s.Mention(ctx, Message{Text: "hi"})
		evDone <- err
	}()
	env = readEnvelope()
	if env["retry_attempt"] != float64(0) || env["retry_reason"] != "" {
		t.Errorf("events_api envelope retry fields = %v, %v", env["retry_attempt"], env["retry_reason"])
	}
	_ = conn.WriteJSON(map[string]any{"envelope_id": env["envelope_id"]})
	if err := <-evDone; err != nil {
		t.Fatal(err)
	}
	go func() {
		_, err := s.RedeliverEvent(ctx, info.EventID, 1, "timeout")
		evDone <- err
	}()
	again := readEnvelope()
	_ = conn.WriteJSON(map[string]any{"envelope_id": again["envelope_id"]})
	if err := <-evDone; err != nil {
		t.Fatal(err)
	}
	var p1, p2 struct {
		EventID string `json:"event_id"`
	}
	b1, _ := json.Marshal(env["payload"])
	b2, _ := json.Marshal(again["payload"])
	_ = json.Unmarshal(b1, &p1)
	_ = json.Unmarshal(b2, &p2)
	if p1.EventID != info.EventID || p2.EventID != info.EventID || again["envelope_id"] == env["envelope_id"] ||
		again["retry_attempt"] != float64(1) || again["retry_reason"] != "timeout" {
		t.Errorf("redelivery = %v (first %v)", again, env)
	}
}
