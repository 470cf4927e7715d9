// Package slacktest is a fake Slack for tests, the demo and the load tool:
// the few Web API methods the bot calls, Socket Mode over a real websocket,
// and response_url webhooks, on 127.0.0.1, with no tokens and no network.
//
// It is a correctness fake: it is as strict as Slack where Slack is strict
// (token kinds, trigger_id and response_url limits, Block Kit limits, JSON
// it would refuse), since that is what catches a bot's bugs. It encodes
// and decodes with encoding/json only and shares no code with the bot.
//
// A test plays the user with methods such as SlashCommand and SubmitView;
// everything the bot shows back is recorded as a Posted value and every
// request as a Call. The moves reach the bot over Socket Mode, or, with
// Config.HTTPTargets, as Slack's signed HTTP POSTs (httpmode.go).
package slacktest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// Errors returned by the user moves and waits, for errors.Is.
var (
	ErrClosed         = errors.New("slacktest: server closed")
	ErrNotConnected   = errors.New("slacktest: no socket mode client connected")
	ErrAckTimeout     = errors.New("slacktest: no ack within AckTimeout")
	ErrConnectionLost = errors.New("slacktest: connection closed before the ack arrived")
	ErrAckTooLarge    = errors.New("slacktest: ack is at or over Slack's 20KB socket mode limit (Slack drops it)")
	ErrUnknownView    = errors.New("slacktest: no such view")
	ErrUnknownEvent   = errors.New("slacktest: no such event")
	ErrUnknownMessage = errors.New("slacktest: no such message")

	ErrHTTPStatus       = errors.New("slacktest: the app answered a non-2xx HTTP status")
	ErrConnectionFailed = errors.New("slacktest: could not reach the app's request URL")
	ErrBadChallenge     = errors.New("slacktest: url_verification answer is not the challenge")
	ErrNoHTTPTargets    = errors.New("slacktest: no HTTP targets")
)

const (
	maxAckBytes        = 20 * 1024 // Slack drops socket mode acks this large
	maxRequestBodySize = 4 << 20
	maxStoredEvents    = 2000             // events kept for RedeliverEvent
	maxStoredMessages  = 10000            // messages kept for chat.update, chat.getPermalink and DeleteMessage
	sweepGrace         = 10 * time.Minute // expired triggers and response_urls still answer "expired" this long
	writeTimeout       = 5 * time.Second
)

// Config configures a Server. Zero values get the defaults shown.
type Config struct {
	// AppToken and BotToken are the only tokens accepted. Defaults
	// "xapp-1-EMU-local" and "xoxb-emu-local".
	AppToken, BotToken string

	TeamID    string // "T0EMU0001"
	BotUserID string // "U0EMUBOT1"
	BotID     string // "B0EMUBOT1"
	AppID     string // "A0EMUAPP1"

	DefaultUserID    string // for moves that name no user: "U0EMUUSR1"
	DefaultChannelID string // for moves that name no channel: "C0EMUGEN1" ("general")

	TriggerTTL   time.Duration // trigger_id lifetime: 3s, like Slack
	PingInterval time.Duration // websocket pings to clients: 10s
	// AckTimeout is how long a move waits for its ack: 5s over Socket
	// Mode; over HTTP, Slack's 3s (also when SetHTTPTargets turns HTTP on
	// later), after which the answer is a timeout.
	AckTimeout time.Duration

	// HTTPTargets, when set, are the app's request URLs (such as
	// http://127.0.0.1:3000/slack/events, one per replica): every move is
	// then POSTed to them in turn, as a round-robin load balancer in front
	// of replicas would, instead of sent over Socket Mode, and the answer
	// is the ack. See httpmode.go.
	HTTPTargets []string
	// SigningSecret signs every HTTP delivery (X-Slack-Signature); default
	// a fixed emulator secret, see Server.SigningSecret.
	SigningSecret string
	// HTTPRetries is how many times an Events API delivery that timed out,
	// failed to connect or got a non-2xx answer is tried again, each time
	// on the next target: Slack's 3 when 0, none when negative. Slack never
	// retries slash commands and interactions.
	HTTPRetries int

	// ResponseURLTTL and ResponseURLUses bound each response_url: Slack's
	// 30 minutes and 5 uses.
	ResponseURLTTL  time.Duration
	ResponseURLUses int

	// MaxRecords, if positive, keeps only the newest MaxRecords calls and
	// posts (Seq numbers keep counting). 0 keeps all. Negative keeps none,
	// for a load tool that counts through OnCall and OnPost: Calls and
	// Posts stay empty, and Calls have no Params or Body.
	MaxRecords int

	// ForgetAfter, if positive, forgets what was stored longer ago than
	// this (trigger_ids, response_urls, views, DM channels, events,
	// messages), so a long load run stays small; a request naming a
	// forgotten one gets the answer for an unknown one.
	ForgetAfter time.Duration

	// MessageEvents is for an app subscribed to message.channels and
	// message.groups: then, as in Slack, a Mention in a channel the bot is
	// in is followed by the plain message event of the same message. Off,
	// a mention is one event. ChannelMessage and DeleteMessage send theirs
	// either way.
	MessageEvents bool
}

func (c Config) withDefaults() Config {
	str := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	dur := func(p *time.Duration, v time.Duration) {
		if *p <= 0 {
			*p = v
		}
	}
	str(&c.AppToken, "xapp-1-EMU-local")
	str(&c.BotToken, "xoxb-emu-local")
	str(&c.TeamID, "T0EMU0001")
	str(&c.BotUserID, "U0EMUBOT1")
	str(&c.BotID, "B0EMUBOT1")
	str(&c.AppID, "A0EMUAPP1")
	str(&c.DefaultUserID, "U0EMUUSR1")
	str(&c.DefaultChannelID, "C0EMUGEN1")
	dur(&c.TriggerTTL, 3*time.Second)
	dur(&c.PingInterval, 10*time.Second)
	if len(c.HTTPTargets) > 0 {
		dur(&c.AckTimeout, slackHTTPTimeout)
	}
	dur(&c.AckTimeout, 5*time.Second)
	str(&c.SigningSecret, defaultSigningSecret)
	if c.HTTPRetries == 0 {
		c.HTTPRetries = 3
	}
	dur(&c.ResponseURLTTL, 30*time.Minute)
	if c.ResponseURLUses <= 0 {
		c.ResponseURLUses = 5
	}
	return c
}

// Fault is a failure injected into the next call of one method (FailNext).
type Fault struct {
	Status     int           // HTTP status to answer, e.g. 429 or 503; 0 means 200
	RetryAfter time.Duration // sent as Retry-After (whole seconds, rounded up)
	Delay      time.Duration // wait this long first; alone, it only slows the call
	SlackError string        // answer {"ok":false,"error":SlackError} when Status is 0
}

// Call is one request received: a Web API call, a response_url post
// ("response_url"), a websocket dial ("websocket") or a Socket Mode ack
// ("socket_mode.ack").
type Call struct {
	Method string
	Token  string            // redacted to its kind, e.g. "xoxb-…"
	Params map[string]string // form fields or top-level JSON fields (non-strings as JSON); never the token
	Body   json.RawMessage   // the JSON body, or the form as a JSON object; never the token
	At     time.Time
	Status int    // HTTP status answered (0 for acks)
	Error  string // Slack error code answered, if any
}

// Posted is something a user could see: a message, its new version
// ("update", by chat.update), an ephemeral message, a response_url
// message, a modal ("view") or a Home tab ("home"). Message also returns
// a user's message as a Posted of kind "user_message", never in Posts.
type Posted struct {
	Seq          int    // 1-based position in Posts
	Kind         string // "message", "update", "ephemeral", "response_url", "view", "home"; "user_message"
	Channel      string
	TS           string // the message's ts (for a replacement, update or deletion, the ts replaced)
	ThreadTS     string
	UserID       string          // who sees it: the ephemeral's, DM's, view's or command's user; a user_message's writer
	ResponseType string          // response_url only: "ephemeral" or "in_channel"
	Text         string          // message text; for views, the title
	Blocks       json.RawMessage // JSON array, with the block_ids Slack generates filled in
	Files        []File          // a user_message's files (WriteMessage)
	ViewID       string
	Replace      bool // replace_original, a republished Home tab or a response_action update
	Delete       bool // delete_original
	At           time.Time
}

// Server is a running fake Slack, safe for concurrent use.
type Server struct {
	cfg      Config
	base     string // http://127.0.0.1:port
	http     *http.Server
	ctx      context.Context // ends at Close
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	pings    atomic.Bool
	handlers map[string]apiHandler

	deliverMu sync.Mutex // OnPost subscribers see posts one at a time, in order

	connMu   sync.Mutex
	newConns map[net.Conn]struct{} // HTTP connections without a request yet
	closing  bool

	mu        sync.Mutex
	closed    bool
	changed   chan struct{} // closed and replaced whenever posts, calls or connections change
	calls     []Call
	posts     []Posted // posts[0] has Seq postBase+1
	postBase  int
	delivered int // posts handed to OnPost subscribers, counted like Seq
	subs      []func(Posted)
	callSubs  []func(Call)
	faults    map[string][]Fault
	lastTS    int64
	counter   int

	all      map[*wsConn]struct{}
	conns    []*wsConn // greeted connections, which take envelopes
	rr       int
	connects int
	pending  map[string]*pendingAck

	client     *http.Client  // HTTP mode: to the app, and Close closes its idle connections
	httpAck    time.Duration // AckTimeout of HTTP deliveries
	targets    []string      // replaced, never changed in place
	targetRR   int
	deliveries []Delivery

	tickets   store[time.Time]
	triggers  store[*trigger]
	responses store[*responseURL]
	events    store[json.RawMessage] // event_id -> payload, for RedeliverEvent
	dms       store[string]          // user -> DM channel
	dmUsers   map[string]string      // DM channel -> user
	views     store[*viewRec]
	latest    map[string]string      // user -> last modal opened
	homes     map[string]string      // user -> Home tab view
	channels  map[string]chanState   // channels the bot left or that were deleted; any other ID is a channel with the bot in
	msgs      store[Posted]          // msgKey -> the latest version of a message, the bot's or a user's
	threads   store[*AssistantState] // msgKey of the root -> an assistant thread
	runs      store[*functionRun]    // function_execution_id -> a Workflow Builder step's run
	runTokens map[string]string      // a run's bot_access_token -> its function_execution_id
}

// store is a map that forgets keys put more than ttl ago (if ttl > 0) and
// its oldest beyond max keys (if max > 0), calling forget for each.
type store[V any] struct {
	m      map[string]V
	q      []stamped // keys in the order put, while a limit is set
	ttl    time.Duration
	max    int
	forget func(string, V)
}

type stamped struct {
	key string
	at  time.Time
}

func (st *store[V]) put(k string, v V, now time.Time) {
	if st.m == nil {
		st.m = map[string]V{}
	}
	if _, ok := st.m[k]; !ok && (st.ttl > 0 || st.max > 0) {
		st.q = append(st.q, stamped{k, now})
	}
	st.m[k] = v
	for len(st.q) > 0 && (st.max > 0 && len(st.q) > st.max || st.ttl > 0 && now.Sub(st.q[0].at) > st.ttl) {
		old := st.q[0].key
		st.q = st.q[1:] // append reallocates once the front is used up: memory stays O(len)
		if v, ok := st.m[old]; ok {
			delete(st.m, old)
			if st.forget != nil {
				st.forget(old, v)
			}
		}
	}
}

// orForget is d, or ForgetAfter if that is set.
func (c Config) orForget(d time.Duration) time.Duration {
	if c.ForgetAfter > 0 {
		return c.ForgetAfter
	}
	return d
}

// Start listens on a free port of 127.0.0.1 and serves until Close.
func Start(raw Config) (*Server, error) {
	cfg := raw.withDefaults()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("slacktest: listen: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		cfg: cfg, base: "http://" + ln.Addr().String(), ctx: ctx, cancel: cancel,
		newConns: map[net.Conn]struct{}{}, changed: make(chan struct{}), faults: map[string][]Fault{},
		all: map[*wsConn]struct{}{}, pending: map[string]*pendingAck{},
		tickets:   store[time.Time]{ttl: sweepGrace},
		triggers:  store[*trigger]{ttl: cfg.orForget(cfg.TriggerTTL + sweepGrace)},
		responses: store[*responseURL]{ttl: cfg.orForget(cfg.ResponseURLTTL + sweepGrace)},
		events:    store[json.RawMessage]{ttl: cfg.ForgetAfter, max: maxStoredEvents},
		dms:       store[string]{ttl: cfg.ForgetAfter},
		dmUsers:   map[string]string{},
		views:     store[*viewRec]{ttl: cfg.ForgetAfter},
		latest:    map[string]string{},
		homes:     map[string]string{},
		channels:  map[string]chanState{},
		msgs:      store[Posted]{ttl: cfg.ForgetAfter, max: maxStoredMessages},
		threads:   store[*AssistantState]{ttl: cfg.ForgetAfter},
		runs:      store[*functionRun]{ttl: cfg.ForgetAfter},
		runTokens: map[string]string{},
	}
	s.httpAck = cfg.AckTimeout
	if raw.AckTimeout <= 0 {
		s.httpAck = slackHTTPTimeout
	}
	s.client, s.targets = newHTTPClient(), slices.Clone(cfg.HTTPTargets)
	s.dms.forget = func(_, d string) { delete(s.dmUsers, d) }
	s.views.forget = s.forgetViewLocked
	s.runs.forget = func(_ string, r *functionRun) { delete(s.runTokens, r.token) }
	s.pings.Store(true)
	s.handlers = s.apiHandlers()
	mux := http.NewServeMux()
	mux.HandleFunc("/api/", s.handleAPI)
	mux.HandleFunc("/hooks/", s.handleResponseURL)
	mux.HandleFunc("/link/", s.handleLink)
	s.http = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),
		BaseContext:       func(net.Listener) context.Context { return ctx },
		ConnState:         s.trackConn,
	}
	s.wg.Go(func() { _ = s.http.Serve(ln) })
	return s, nil
}

// APIURL is the Web API base URL, ending in "/api/", for slack.OptionAPIURL.
func (s *Server) APIURL() string { return s.base + "/api/" }

// Tokens returns the app-level and bot tokens accepted.
func (s *Server) Tokens() (app, bot string) { return s.cfg.AppToken, s.cfg.BotToken }

// Config returns the configuration, defaults filled in.
func (s *Server) Config() Config { return s.cfg }

// DMChannel returns the bot's DM channel with userID, the one
// conversations.open returns.
func (s *Server) DMChannel(userID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dmLocked(userID)
}

func (s *Server) dmLocked(userID string) string {
	if d, ok := s.dms.m[userID]; ok {
		return d
	}
	d := "D" + randUpper(10)
	s.dms.put(userID, d, time.Now())
	s.dmUsers[d] = userID
	return d
}

// Close disconnects every client, stops serving and waits for the
// server's goroutines to end.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	conns := make([]*wsConn, 0, len(s.all))
	for c := range s.all {
		conns = append(conns, c)
	}
	s.notifyLocked()
	s.mu.Unlock()

	s.cancel()
	s.connMu.Lock()
	s.closing = true
	for c := range s.newConns {
		_ = c.Close()
	}
	s.connMu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	err := s.http.Shutdown(ctx)
	if err != nil {
		err = s.http.Close()
	}
	for _, c := range conns { // hijacked: Shutdown does not see them
		c.shutdown(websocket.CloseGoingAway, "server closing")
	}
	s.wg.Wait()
	s.client.CloseIdleConnections()
	return err
}

// trackConn remembers connections without a request: an HTTP client often
// holds one it never used, which Shutdown would wait seconds for.
func (s *Server) trackConn(c net.Conn, st http.ConnState) {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	switch {
	case st == http.StateNew && s.closing:
		_ = c.Close()
	case st == http.StateNew:
		s.newConns[c] = struct{}{}
	default:
		delete(s.newConns, c)
	}
}

// notifyLocked wakes every waiter.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// waitFor blocks until cond, called with s.mu held, is true.
func (s *Server) waitFor(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ok, closed, ch := cond(), s.closed, s.changed
		s.mu.Unlock()
		switch {
		case ok:
			return nil
		case closed:
			return ErrClosed
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// goTracked runs f in a goroutine Close waits for; false (f not run) once
// closing.
func (s *Server) goTracked(f func()) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.wg.Go(f)
	return true
}

// Calls returns the calls received (the newest MaxRecords, if set), oldest
// first.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// CallsTo returns the calls of one method, oldest first.
func (s *Server) CallsTo(method string) []Call {
	return slices.DeleteFunc(s.Calls(), func(c Call) bool { return c.Method != method })
}

// Posts returns what users could see so far (the newest MaxRecords, if
// set), oldest first.
func (s *Server) Posts() []Posted {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.posts)
}

// WaitPost blocks until a post matches, made before the call or after, and
// returns the first such post.
func (s *Server) WaitPost(ctx context.Context, match func(Posted) bool) (Posted, error) {
	return s.WaitPostAfter(ctx, 0, match)
}

// WaitPostAfter is WaitPost for posts with Seq > after.
func (s *Server) WaitPostAfter(ctx context.Context, after int, match func(Posted) bool) (Posted, error) {
	return waitMatch(ctx, s, func() []Posted {
		return slices.Clone(s.posts[min(max(after-s.postBase, 0), len(s.posts)):])
	}, match)
}

// WaitCall blocks until a call of method for which match (nil: any) is
// true has been answered, before the call or after, and returns the first.
func (s *Server) WaitCall(ctx context.Context, method string, match func(Call) bool) (Call, error) {
	return waitMatch(ctx, s, func() []Call { return slices.Clone(s.calls) }, func(c Call) bool {
		return c.Method == method && (match == nil || match(c))
	})
}

// waitMatch waits for match to accept one of the values snapshot copies
// under s.mu. match is the caller's code: it runs outside the lock, so
// it may call the server.
func waitMatch[T any](ctx context.Context, s *Server, snapshot func() []T, match func(T) bool) (T, error) {
	var zero T
	for {
		s.mu.Lock()
		vals, closed, ch := snapshot(), s.closed, s.changed
		s.mu.Unlock()
		for _, v := range vals {
			if match(v) {
				return v, nil
			}
		}
		if closed {
			return zero, ErrClosed
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return zero, ctx.Err()
		}
	}
}

// OnPost calls fn with every later post, in order and one at a time, on
// the goroutine of the request that posted: fn slows the bot's call, and
// must not wait for the bot to post again.
func (s *Server) OnPost(fn func(Posted)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.subs = append(s.subs, fn)
}

// OnCall calls fn with every later call, including those MaxRecords does
// not keep, concurrently and on the request's goroutine: fn must be safe
// for concurrent use, and quick.
func (s *Server) OnCall(fn func(Call)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.callSubs = append(s.callSubs, fn)
}

// FailNext makes the next call of method fail or slow down as f says.
// Methods are Web API names, "response_url" and "websocket" (the Socket
// Mode dial). Faults queue: each applies to one call.
func (s *Server) FailNext(method string, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[method] = append(s.faults[method], f)
}

// SetPings turns the websocket pings on or off; slack-go reconnects when
// they stop.
func (s *Server) SetPings(enabled bool) { s.pings.Store(enabled) }

func (s *Server) takeFault(method string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.faults[method]
	if len(q) == 0 {
		return Fault{}, false
	}
	s.faults[method] = q[1:]
	return q[0], true
}

// details reports whether Calls carry Params and Body (see MaxRecords).
func (s *Server) details() bool { return s.cfg.MaxRecords >= 0 }

func (s *Server) record(c Call) {
	s.mu.Lock()
	if s.details() {
		s.calls = append(s.calls, c)
		if n := s.cfg.MaxRecords; n > 0 && len(s.calls) > 2*n {
			s.calls = slices.Clone(s.calls[len(s.calls)-n:])
		}
		s.notifyLocked()
	}
	subs := s.callSubs // append-only: the header stays valid
	s.mu.Unlock()
	for _, fn := range subs {
		fn(c)
	}
}

// postLocked records p and returns it numbered; the caller calls
// s.deliver after unlocking.
func (s *Server) postLocked(p Posted) Posted {
	p.Seq = s.postBase + len(s.posts) + 1
	p.At = time.Now()
	s.posts = append(s.posts, p)
	if n := s.cfg.MaxRecords; n > 0 && len(s.posts) > 2*n {
		drop := len(s.posts) - n
		s.posts = slices.Clone(s.posts[drop:])
		s.postBase += drop
	}
	s.notifyLocked()
	return p
}

// deliver hands undelivered posts to the OnPost subscribers, in order and
// outside s.mu, so that they may call the server.
func (s *Server) deliver() {
	s.deliverMu.Lock()
	defer s.deliverMu.Unlock()
	for {
		s.mu.Lock()
		s.delivered = max(s.delivered, s.postBase) // posts dropped undelivered are skipped
		if s.delivered >= s.postBase+len(s.posts) {
			s.mu.Unlock()
			return
		}
		i := s.delivered - s.postBase
		p := s.posts[i]
		s.delivered++
		if s.cfg.MaxRecords < 0 { // kept only until delivered
			s.posts = s.posts[i+1:]
			s.postBase += i + 1
		}
		subs := s.subs
		s.mu.Unlock()
		for _, fn := range subs {
			fn(p)
		}
	}
}

// nextTSLocked returns a unique, increasing message ts ("seconds.micros")
// close to the wall clock.
func (s *Server) nextTSLocked() string {
	now := max(time.Now().UnixMicro(), s.lastTS+1)
	s.lastTS = now
	return fmt.Sprintf("%d.%06d", now/1e6, now%1e6)
}

// redactToken keeps only the token's kind.
func redactToken(tok string) string {
	if kind, _, ok := strings.Cut(tok, "-"); ok && kind != "" {
		return kind + "-…"
	}
	if tok == "" {
		return ""
	}
	return "…"
}

// sleepCtx waits d unless ctx or the server ends first.
func (s *Server) sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-s.ctx.Done():
		return ErrClosed
	}
}

// ids are random so that nothing comes to depend on their order, and two
// servers never hand out the same.

// randUpper returns n characters of Slack's ID alphabet (A-Z, 2-7).
func randUpper(n int) string {
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(rand.Text())
	}
	return b.String()[:n]
}

func randHex(nbytes int) string {
	b := make([]byte, nbytes)
	_, _ = rand.Read(b) // never fails
	return hex.EncodeToString(b)
}

func envelopeID() string { // Slack's envelope_ids are UUIDs
	h := randHex(16)
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}

func viewHash() string { return strconv.FormatInt(time.Now().Unix(), 10) + "." + randHex(4) }
