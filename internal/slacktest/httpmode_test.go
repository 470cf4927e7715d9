package slacktest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

const testSecret = "0123456789abcdef0123456789abcdef"

// fakeApp stands in for the bot in HTTP mode, which this package cannot
// import: it checks each request's signature with slack-go's
// SecretsVerifier, as the bot does, keeps the request, and answers as
// reply says.
type fakeApp struct {
	URL    string
	secret string
	reply  func(n int, req request) reply // n counts this app's requests from 0
	mu     sync.Mutex
	got    []request
}

type request struct {
	Header http.Header
	Body   []byte
	Verify error // slack-go's verdict on the signature
}

type reply struct {
	status  int // 0: 200
	body    string
	ct      string        // "" with a body: application/json
	delay   time.Duration // answer this late, or not at all if the emulator hangs up first
	noRetry bool          // X-Slack-No-Retry: 1
}

func startApp(t *testing.T, secret string, fn func(n int, req request) reply) *fakeApp {
	t.Helper()
	a := &fakeApp{secret: secret, reply: fn}
	srv := httptest.NewServer(a)
	t.Cleanup(srv.Close)
	a.URL = srv.URL + "/slack/events"
	return a
}

func (a *fakeApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	req := request{Header: r.Header.Clone(), Body: body}
	sv, err := slack.NewSecretsVerifier(r.Header, a.secret)
	if err == nil {
		_, _ = sv.Write(body)
		err = sv.Ensure()
	}
	req.Verify = err
	a.mu.Lock()
	n := len(a.got)
	a.got = append(a.got, req)
	a.mu.Unlock()
	var rp reply
	if a.reply != nil {
		rp = a.reply(n, req)
	}
	if rp.delay > 0 {
		select {
		case <-time.After(rp.delay):
		case <-r.Context().Done():
			return
		}
	}
	if rp.noRetry {
		w.Header().Set("X-Slack-No-Retry", "1")
	}
	if rp.body != "" {
		w.Header().Set("Content-Type", or(rp.ct, "application/json"))
	}
	w.WriteHeader(max(rp.status, http.StatusOK))
	_, _ = io.WriteString(w, rp.body)
}

func (a *fakeApp) requests() []request {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]request(nil), a.got...)
}

// startHTTP starts n fake apps and an emulator delivering to them.
func startHTTP(t *testing.T, cfg Config, n int, fn func(app, n int, req request) reply) (*Server, []*fakeApp) {
	t.Helper()
	cfg.SigningSecret = testSecret
	apps := make([]*fakeApp, n)
	for i := range apps {
		var f func(int, request) reply
		if fn != nil {
			f = func(k int, req request) reply { return fn(i, k, req) }
		}
		apps[i] = startApp(t, testSecret, f)
		cfg.HTTPTargets = append(cfg.HTTPTargets, apps[i].URL)
	}
	return startServer(t, cfg), apps
}

func formOf(t *testing.T, req request) url.Values {
	t.Helper()
	v, err := url.ParseQuery(string(req.Body))
	if err != nil {
		t.Fatalf("form %q: %v", req.Body, err)
	}
	return v
}

func eventOf(t *testing.T, req request) slackEventCallback {
	t.Helper()
	var ev slackEventCallback
	if err := json.Unmarshal(req.Body, &ev); err != nil {
		t.Fatalf("event %q: %v", req.Body, err)
	}
	return ev
}

type slackEventCallback struct {
	Type    string `json:"type"`
	EventID string `json:"event_id"`
	Event   struct {
		Type string `json:"type"`
		Text string `json:"text"`
	} `json:"event"`
}

func TestSign(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, secret, body, want string
		ts                       int64
	}{
		{"Slack's example", "8f742231b10e8888abcd99yyyzzz85a5",
			"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
			"v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503", 1531420618},
		{"slack-go's example", "e6b19c573432dcc6b075501d51b51bb8",
			`{"token":"aF5ynEYQH0dFN9imlgcADxDB","team_id":"XXXXXXXXX","api_app_id":"YYYYYYYYY","event":{"type":"app_mention","user":"AAAAAAAAA","text":"<@EEEEEEEEE> hello world","client_msg_id":"477cc591-ch73-a14z-4db8-g0cd76321bec","ts":"1531431954.000073","channel":"TTTTTTTTT","event_ts":"1531431954.000073"},"type":"event_callback","event_id":"TvBP7LRED7","event_time":1531431954,"authed_users":["EEEEEEEEE"]}`,
			"v0=adada4ed31709aef585c2580ca3267678c6a8eaeb7e0c1aca3ee57b656886b2c", 1531431954},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sign(tt.secret, time.Unix(tt.ts, 0), []byte(tt.body)); got != tt.want {
				t.Errorf("Sign = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestSigningSecretDefault(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	if len(s.SigningSecret()) != 32 {
		t.Fatalf("SigningSecret() = %q, want Slack's 32 hex digits", s.SigningSecret())
	}
	app := startApp(t, s.SigningSecret(), nil)
	s.SetHTTPTargets(app.URL) // after Start, as a rig learns its replicas' ports
	if _, _, err := s.Mention(testCtx(t), Message{Text: "hi"}); err != nil {
		t.Fatal(err)
	}
	if got := app.requests(); len(got) != 1 || got[0].Verify != nil {
		t.Fatalf("requests = %+v", got)
	}
}

// TestHTTPMoves: each kind of move is POSTed as Slack does, signed, and
// the answer is the ack.
func TestHTTPMoves(t *testing.T) {
	t.Parallel()
	button := Posted{Seq: 1, Kind: "message", Channel: "C1", TS: "1700000000.000100", At: time.Now(),
		Blocks: json.RawMessage(`[{"type":"actions","block_id":"b1","elements":[{"type":"button","action_id":"go","text":{"type":"plain_text","text":"Go"},"value":"v1"}]}]`)}
	tests := []struct {
		name    string
		move    func(t *testing.T, ctx context.Context, s *Server) (Ack, error)
		ct      string
		reply   reply
		payload string // the Ack's
		check   func(t *testing.T, s *Server, req request)
	}{
		{"mention", func(t *testing.T, ctx context.Context, s *Server) (Ack, error) {
			ack, _, err := s.Mention(ctx, Message{Text: "hello"})
			return ack, err
		}, "application/json", reply{}, "", func(t *testing.T, s *Server, req request) {
			ev := eventOf(t, req)
			if ev.Type != "event_callback" || ev.Event.Type != "app_mention" || !strings.HasSuffix(ev.Event.Text, " hello") {
				t.Errorf("event = %+v", ev)
			}
			if d := s.Deliveries(); len(d) != 1 || d[0].EventID != ev.EventID || d[0].Type != "events_api" {
				t.Errorf("deliveries = %+v, event %s", d, ev.EventID)
			}
		}},
		{"direct message", func(t *testing.T, ctx context.Context, s *Server) (Ack, error) {
			ack, _, err := s.DirectMessage(ctx, Message{Text: "psst"})
			return ack, err
		}, "application/json", reply{}, "", func(t *testing.T, _ *Server, req request) {
			if ev := eventOf(t, req); ev.Event.Type != "message" || ev.Event.Text != "psst" {
				t.Errorf("event = %+v", ev)
			}
		}},
		{"home", func(t *testing.T, ctx context.Context, s *Server) (Ack, error) {
			ack, _, err := s.OpenHome(ctx, "")
			return ack, err
		}, "application/json", reply{}, "", func(t *testing.T, _ *Server, req request) {
			if ev := eventOf(t, req); ev.Event.Type != "app_home_opened" {
				t.Errorf("event = %+v", ev)
			}
		}},
		{"slash command", func(t *testing.T, ctx context.Context, s *Server) (Ack, error) {
			ack, _, err := s.SlashCommand(ctx, SlashCommand{UserID: "U7", ChannelID: "C7", Text: "help me"})
			return ack, err
		}, formType, reply{body: `{"text":"working on it"}`}, `{"text":"working on it"}`, func(t *testing.T, s *Server, req request) {
			f := formOf(t, req)
			if f.Get("command") != "/fractional-advisor" || f.Get("text") != "help me" || f.Get("user_id") != "U7" ||
				f.Get("channel_id") != "C7" || f.Get("trigger_id") == "" || !strings.HasPrefix(f.Get("response_url"), "http://127.0.0.1:") ||
				f.Get("is_enterprise_install") != "false" || f.Get("token") == "" || f.Has("payload") {
				t.Errorf("form = %v", f)
			}
		}},
		{"plain text answer is no payload", func(t *testing.T, ctx context.Context, s *Server) (Ack, error) {
			ack, _, err := s.SlashCommand(ctx, SlashCommand{Text: "help"})
			return ack, err
		}, formType, reply{body: `{"text":"x"}`, ct: "text/plain"}, "", nil},
		{"button", func(t *testing.T, ctx context.Context, s *Server) (Ack, error) {
			return s.PressButton(ctx, "U8", button, "go")
		}, formType, reply{}, "", func(t *testing.T, _ *Server, req request) {
			f := formOf(t, req)
			var cb slack.InteractionCallback
			if len(f) != 1 || json.Unmarshal([]byte(f.Get("payload")), &cb) != nil {
				t.Fatalf("form = %v", f)
			}
			if cb.Type != slack.InteractionTypeBlockActions || cb.User.ID != "U8" || len(cb.ActionCallback.BlockActions) != 1 ||
				cb.ActionCallback.BlockActions[0].Value != "v1" || cb.ResponseURL == "" {
				t.Errorf("callback = %+v", cb)
			}
		}},
		{"message shortcut", func(t *testing.T, ctx context.Context, s *Server) (Ack, error) {
			ts := s.WriteMessage(Message{UserID: "U9", ChannelID: "D0PEOPLE1"}, File{Name: "a.png", Mimetype: "image/png"})
			ack, _, err := s.MessageShortcut(ctx, "U8", "ask_about_message", MessageRef{"D0PEOPLE1", ts})
			return ack, err
		}, formType, reply{}, "", func(t *testing.T, _ *Server, req request) {
			var cb slack.InteractionCallback
			if err := json.Unmarshal([]byte(formOf(t, req).Get("payload")), &cb); err != nil || cb.Type != slack.InteractionTypeMessageAction ||
				cb.CallbackID != "ask_about_message" || cb.Channel.ID != "D0PEOPLE1" || len(cb.Message.Files) != 1 || cb.ResponseURL == "" {
				t.Errorf("callback = %+v (%v)", cb, err)
			}
		}},
		{"function executed", func(t *testing.T, ctx context.Context, s *Server) (Ack, error) {
			ack, _, err := s.ExecuteFunction(ctx, "recommend_role", map[string]any{"goal": "both"})
			return ack, err
		}, "application/json", reply{}, "", func(t *testing.T, _ *Server, req request) {
			if ev := eventOf(t, req); ev.Event.Type != "function_executed" || !strings.Contains(string(req.Body), `"bot_access_token":"xwfp-`) {
				t.Errorf("event = %s", req.Body)
			}
		}},
		{"view submission", func(t *testing.T, ctx context.Context, s *Server) (Ack, error) {
			app, bot := s.Tokens()
			view, err := newAPI(t, s, bot, app).OpenViewContext(ctx, s.IssueTrigger("U5"), modalRequest(t))
			if err != nil {
				return Ack{}, err
			}
			ack, err := s.SubmitView(ctx, "U5", view.ID, map[string]string{"goal": "both"})
			if v, _ := s.ViewByID(view.ID); err == nil && !v.Open {
				err = errors.New("an errors answer closed the view")
			}
			return ack, err
		}, formType, reply{body: `{"response_action":"errors","errors":{"budget":"pick one"}}`},
			`{"response_action":"errors","errors":{"budget":"pick one"}}`, func(t *testing.T, _ *Server, req request) {
				var cb slack.InteractionCallback
				if err := json.Unmarshal([]byte(formOf(t, req).Get("payload")), &cb); err != nil || cb.Type != slack.InteractionTypeViewSubmission ||
					cb.View.State.Values["goal"]["pick"].SelectedOption.Value != "both" {
					t.Errorf("callback = %+v (%v)", cb, err)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, apps := startHTTP(t, Config{}, 1, func(int, int, request) reply { return tt.reply })
			ctx := testCtx(t)
			before := time.Now()
			ack, err := tt.move(t, ctx, s)
			if err != nil {
				t.Fatalf("move: %v", err)
			}
			if string(ack.Payload) != tt.payload || ack.Status != http.StatusOK || ack.Target != apps[0].URL || ack.Attempts != 1 ||
				ack.Sent.Before(before) || ack.Latency <= 0 {
				t.Errorf("ack = %+v (payload %s)", ack, ack.Payload)
			}
			got := apps[0].requests()
			if len(got) != 1 {
				t.Fatalf("%d requests, want 1", len(got))
			}
			req := got[0]
			if req.Verify != nil || req.Header.Get("Content-Type") != tt.ct || req.Header.Get("X-Slack-Retry-Num") != "" ||
				!strings.HasPrefix(req.Header.Get("User-Agent"), "Slackbot") {
				t.Errorf("verify: %v; header = %v", req.Verify, req.Header)
			}
			if tt.check != nil {
				tt.check(t, s, req)
			}
		})
	}
}

// TestHTTPRoundRobin: three replicas behind the balancer get a third of
// the deliveries each, however many moves run at once.
func TestHTTPRoundRobin(t *testing.T) {
	t.Parallel()
	for _, concurrent := range []bool{false, true} {
		t.Run(fmt.Sprint("concurrent=", concurrent), func(t *testing.T) {
			t.Parallel()
			s, apps := startHTTP(t, Config{}, 3, nil)
			ctx := testCtx(t)
			var wg sync.WaitGroup
			errs := make(chan error, 30)
			for i := range 30 {
				mention := func() {
					_, _, err := s.Mention(ctx, Message{Text: fmt.Sprint("q", i)})
					errs <- err
				}
				if concurrent {
					wg.Go(mention)
				} else {
					mention()
				}
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			per := map[string]int{}
			for _, d := range s.Deliveries() {
				per[d.Target]++
				if d.Status != http.StatusOK || d.Attempt != 0 || d.Failure != "" || d.EventID == "" {
					t.Errorf("delivery = %+v", d)
				}
			}
			for _, a := range apps {
				if n := len(a.requests()); n != 10 || per[a.URL] != 10 {
					t.Errorf("%s got %d requests (%d deliveries), want 10", a.URL, n, per[a.URL])
				}
			}
		})
	}
}

// TestHTTPEventRetries: an event that fails is tried again at once on the
// next replica, with Slack's retry headers, up to HTTPRetries times.
func TestHTTPEventRetries(t *testing.T) {
	t.Parallel()
	fail := func(r reply) func(app, n int, _ request) reply {
		return func(app, n int, _ request) reply {
			if app == 0 {
				return r
			}
			return reply{}
		}
	}
	always := func(r reply) func(int, int, request) reply { return func(int, int, request) reply { return r } }
	tests := []struct {
		name     string
		cfg      Config
		reply    func(app, n int, req request) reply
		dead     bool     // the first target does not listen
		reasons  []string // X-Slack-Retry-Reason of each try after the first
		targets  []int    // the replica of each try
		wantErr  error
		wantCode int
	}{
		{"timeout", Config{AckTimeout: 200 * time.Millisecond}, fail(reply{delay: 5 * time.Second}),
			false, []string{"http_timeout"}, []int{0, 1}, nil, 200},
		{"500", Config{}, fail(reply{status: 500}), false, []string{"http_error"}, []int{0, 1}, nil, 200},
		{"429", Config{}, fail(reply{status: 429}), false, []string{"http_error"}, []int{0, 1}, nil, 200},
		{"404", Config{}, fail(reply{status: 404}), false, []string{"http_error"}, []int{0, 1}, nil, 200},
		{"connection refused", Config{}, nil, true, []string{"connection_failed"}, []int{0, 1}, nil, 200},
		{"X-Slack-No-Retry", Config{}, fail(reply{status: 503, noRetry: true}), false, nil, []int{0}, ErrHTTPStatus, 503},
		{"every try fails", Config{}, always(reply{status: 502}), false,
			[]string{"http_error", "http_error", "http_error"}, []int{0, 1, 2, 0}, ErrHTTPStatus, 502},
		{"two retries", Config{HTTPRetries: 2}, always(reply{status: 500}), false,
			[]string{"http_error", "http_error"}, []int{0, 1, 2}, ErrHTTPStatus, 500},
		{"no retries", Config{HTTPRetries: -1}, always(reply{status: 500}), false, nil, []int{0}, ErrHTTPStatus, 500},
		{"every try times out", Config{AckTimeout: 100 * time.Millisecond, HTTPRetries: 1}, always(reply{delay: 5 * time.Second}),
			false, []string{"http_timeout"}, []int{0, 1}, ErrAckTimeout, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, apps := startHTTP(t, tt.cfg, 3, tt.reply)
			if tt.dead {
				gone := httptest.NewServer(http.NotFoundHandler())
				dead := gone.URL + "/slack/events"
				gone.Close()
				s.SetHTTPTargets(dead, apps[1].URL, apps[2].URL)
				apps[0].URL = dead
			}
			ack, info, err := s.Mention(testCtx(t), Message{Text: "retry me"})
			if !errors.Is(err, tt.wantErr) || tt.wantErr == nil && err != nil {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			last := apps[tt.targets[len(tt.targets)-1]].URL
			if ack.Attempts != len(tt.targets) || ack.Target != last || ack.Status != tt.wantCode {
				t.Errorf("ack = %+v, want %d attempts, the last to %s answering %d", ack, len(tt.targets), last, tt.wantCode)
			}
			d := s.Deliveries()
			if len(d) != len(tt.targets) {
				t.Fatalf("deliveries = %+v, want %d", d, len(tt.targets))
			}
			for i, d := range d {
				reason := ""
				if i > 0 {
					reason = tt.reasons[i-1]
				}
				if d.Attempt != i || d.RetryReason != reason || d.Target != apps[tt.targets[i]].URL || d.EventID != info.EventID {
					t.Errorf("delivery %d = %+v, want attempt %d (%q) to replica %d", i, d, i, reason, tt.targets[i])
				}
			}
			// What each replica got: the same event, signed, with the headers.
			for i, app := range apps {
				for _, req := range app.requests() {
					n, _ := strconv.Atoi(req.Header.Get("X-Slack-Retry-Num"))
					if tt.targets[n] != i || req.Verify != nil || eventOf(t, req).EventID != info.EventID {
						t.Errorf("replica %d got try %d: %v", i, n, req.Header)
					}
					if n > 0 && req.Header.Get("X-Slack-Retry-Reason") != tt.reasons[n-1] {
						t.Errorf("try %d: X-Slack-Retry-Reason %q, want %q", n, req.Header.Get("X-Slack-Retry-Reason"), tt.reasons[n-1])
					}
				}
			}
		})
	}
}

// TestHTTPNoRetryForCommandsAndInteractions: Slack shows the user an error
// rather than retry; so does the move.
func TestHTTPNoRetryForCommandsAndInteractions(t *testing.T) {
	t.Parallel()
	button := Posted{Seq: 1, Kind: "ephemeral", Channel: "C1", TS: "1700000000.000100", At: time.Now(),
		Blocks: json.RawMessage(`[{"type":"actions","elements":[{"type":"button","action_id":"go","text":{"type":"plain_text","text":"Go"}}]}]`)}
	command := func(ctx context.Context, s *Server) error {
		_, _, err := s.SlashCommand(ctx, SlashCommand{Text: "help"})
		return err
	}
	press := func(ctx context.Context, s *Server) error {
		_, err := s.PressButton(ctx, "", button, "go")
		return err
	}
	tests := []struct {
		name  string
		move  func(context.Context, *Server) error
		reply reply
		want  error
	}{
		{"command 500", command, reply{status: 500}, ErrHTTPStatus},
		{"command timeout", command, reply{delay: 5 * time.Second}, ErrAckTimeout},
		{"button 503", press, reply{status: 503}, ErrHTTPStatus},
		{"button timeout", press, reply{delay: 5 * time.Second}, ErrAckTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, apps := startHTTP(t, Config{AckTimeout: 150 * time.Millisecond}, 2,
				func(int, int, request) reply { return tt.reply })
			if err := tt.move(testCtx(t), s); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if d := s.Deliveries(); len(d) != 1 || len(apps[1].requests()) != 0 {
				t.Errorf("deliveries = %+v, want one try", d)
			}
		})
	}
}

func TestHTTPRedeliverEvent(t *testing.T) {
	t.Parallel()
	s, apps := startHTTP(t, Config{}, 2, nil)
	ctx := testCtx(t)
	_, info, err := s.Mention(ctx, Message{Text: "again"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RedeliverEvent(ctx, info.EventID, 1, "timeout"); err != nil {
		t.Fatal(err)
	}
	got := apps[1].requests()
	if len(got) != 1 || got[0].Header.Get("X-Slack-Retry-Num") != "1" || got[0].Header.Get("X-Slack-Retry-Reason") != "http_timeout" ||
		eventOf(t, got[0]).EventID != info.EventID || got[0].Verify != nil {
		t.Errorf("redelivery = %+v", got)
	}
}

func TestVerifyURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		answer func(challenge string) reply
		want   error
	}{
		{"plain text", func(c string) reply { return reply{body: c, ct: "text/plain"} }, nil},
		{"JSON", func(c string) reply { return reply{body: `{"challenge":"` + c + `"}`} }, nil},
		{"form", func(c string) reply { return reply{body: "challenge=" + c, ct: formType} }, nil},
		{"wrong challenge", func(string) reply { return reply{body: "nope", ct: "text/plain"} }, ErrBadChallenge},
		{"empty", func(string) reply { return reply{} }, ErrBadChallenge},
		{"refused", func(string) reply { return reply{status: 401} }, ErrHTTPStatus},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, apps := startHTTP(t, Config{}, 1, func(_, _ int, req request) reply {
				var v struct{ Type, Token, Challenge string }
				if json.Unmarshal(req.Body, &v) != nil || v.Type != "url_verification" || v.Token == "" || req.Verify != nil ||
					req.Header.Get("Content-Type") != "application/json" {
					return reply{status: 400}
				}
				return tt.answer(v.Challenge)
			})
			c, err := s.VerifyURL(testCtx(t), apps[0].URL)
			if !errors.Is(err, tt.want) || tt.want == nil && err != nil || c == "" {
				t.Fatalf("VerifyURL = %q, %v; want %v", c, err, tt.want)
			}
			if d := s.Deliveries(); len(d) != 1 || d[0].Type != "url_verification" {
				t.Errorf("deliveries = %+v", d)
			}
		})
	}
}

func TestSSLCheck(t *testing.T) {
	t.Parallel()
	for _, status := range []int{200, 500} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			t.Parallel()
			s, apps := startHTTP(t, Config{}, 1, func(int, int, request) reply { return reply{status: status} })
			err := s.SSLCheck(testCtx(t), apps[0].URL)
			if status == 200 && err != nil || status != 200 && !errors.Is(err, ErrHTTPStatus) {
				t.Fatalf("SSLCheck: %v", err)
			}
			got := apps[0].requests()
			if len(got) != 1 {
				t.Fatalf("%d requests", len(got))
			}
			f := formOf(t, got[0])
			// Unsigned, as Slack sends it.
			if f.Get("ssl_check") != "1" || f.Get("token") == "" || got[0].Header.Get("X-Slack-Signature") != "" ||
				got[0].Header.Get("Content-Type") != formType {
				t.Errorf("request = %v %s", got[0].Header, got[0].Body)
			}
		})
	}
}

// TestPostSigned: a test crafts its own request, signed or spoiled.
func TestPostSigned(t *testing.T) {
	t.Parallel()
	s, apps := startHTTP(t, Config{}, 1, func(_, _ int, req request) reply {
		if req.Verify != nil {
			return reply{status: 401}
		}
		return reply{}
	})
	old := strconv.FormatInt(time.Now().Add(-10*time.Minute).Unix(), 10)
	tests := []struct {
		name   string
		header http.Header
		want   int
	}{
		{"signed", nil, 200},
		{"bad signature", http.Header{"X-Slack-Signature": {"v0=" + strings.Repeat("00", 32)}}, 401},
		{"stale timestamp", http.Header{"X-Slack-Request-Timestamp": {old}}, 401},
		{"unsigned", http.Header{"X-Slack-Signature": {}}, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := s.PostSigned(testCtx(t), apps[0].URL, "application/json", []byte(`{"type":"event_callback"}`), tt.header)
			if err != nil {
				t.Fatal(err)
			}
			_ = resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.want)
			}
		})
	}
}

func TestWaitHTTPReady(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	if err := s.WaitHTTPReady(testCtx(t)); !errors.Is(err, ErrNoHTTPTargets) {
		t.Errorf("no targets: %v", err)
	}
	// A replica that serves a little later: its port is bound, its server
	// not yet started.
	app := startApp(t, testSecret, nil)
	late := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusMethodNotAllowed) // as the bot answers a GET
	}))
	t.Cleanup(late.Close)
	s.SetHTTPTargets(app.URL, "http://"+late.Listener.Addr().String()+"/slack/events")
	done := make(chan error, 1)
	go func() { done <- s.WaitHTTPReady(testCtx(t)) }()
	time.Sleep(100 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("ready before the late replica serves: %v", err)
	default:
	}
	late.Start()
	if err := <-done; err != nil {
		t.Fatalf("WaitHTTPReady: %v", err)
	}

	late.Close()
	ctx, cancel := context.WithTimeout(testCtx(t), 100*time.Millisecond)
	defer cancel()
	if err := s.WaitHTTPReady(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a target that is gone: %v", err)
	}
}
