// Package slacktest emulates the parts of Slack that Fractional Advisor uses:
// a handful of Web API methods, Socket Mode, and response_url webhooks.
//
// It exists so that tests, the demo and load tools can drive the real
// slack-go client over real HTTP and a real websocket, on 127.0.0.1, with no
// tokens and no network. The test (or demo) plays the user through methods
// such as SlashCommand, SubmitView and PressButton; everything the bot shows
// back is recorded as a Posted value and every request as a Call.
package slacktest

import (
	"context"
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

// Errors returned by the user moves and waits. They are sentinel values so
// tests can match them with errors.Is.
var (
	ErrClosed         = errors.New("slacktest: server closed")
	ErrNotConnected   = errors.New("slacktest: no socket mode client connected")
	ErrAckTimeout     = errors.New("slacktest: no ack within AckTimeout")
	ErrConnectionLost = errors.New("slacktest: connection closed before the ack arrived")
	ErrAckTooLarge    = errors.New("slacktest: ack is at or over Slack's 20KB socket mode limit (Slack drops it)")
	ErrUnknownView    = errors.New("slacktest: no such view")
	ErrUnknownEvent   = errors.New("slacktest: no such event")
	ErrNoSuchAction   = errors.New("slacktest: no button with that action_id")
)

// Slack's documented limits that the emulator enforces.
const (
	maxAckBytes        = 20 * 1024 // socket mode responses this large are dropped by Slack
	maxMessageBlocks   = 50
	maxViewBlocks      = 100
	maxMessageText     = 40000
	defaultAppToken    = "xapp-1-EMU-local"
	defaultBotToken    = "xoxb-emu-local"
	writeTimeout       = 5 * time.Second
	maxRequestBodySize = 4 << 20
	maxStoredEvents    = 10000            // events kept for RedeliverEvent
	sweepGrace         = 10 * time.Minute // expired triggers and response_urls still answer "expired" this long
)

// Config configures a Server. Zero values get sensible defaults.
type Config struct {
	// AppToken and BotToken are the only tokens the emulator accepts.
	// Defaults "xapp-1-EMU-local" and "xoxb-emu-local".
	AppToken, BotToken string

	TeamID    string // default "T0EMU0001"
	BotUserID string // default "U0EMUBOT1"
	BotID     string // default "B0EMUBOT1"
	AppID     string // default "A0EMUAPP1"

	// DefaultUserID is the user for moves that name none. Default "U0EMUUSR1".
	DefaultUserID string
	// DefaultChannelID is the channel for commands and mentions that name
	// none. Default "C0EMUGEN1" (named "general").
	DefaultChannelID string

	// Port to listen on, always on 127.0.0.1. 0 picks a free port.
	Port int

	TriggerTTL   time.Duration // trigger_id lifetime; default 3s like Slack
	PingInterval time.Duration // websocket pings to clients; default 10s
	AckTimeout   time.Duration // how long a user move waits for the ack; default 5s

	// ResponseURLTTL and ResponseURLUses bound each response_url; Slack's
	// values (30 minutes, 5 uses) are the defaults. Tests shorten them.
	ResponseURLTTL  time.Duration
	ResponseURLUses int

	// MaxRecords, if positive, keeps only the newest MaxRecords calls and
	// posts, so a long load run does not grow without bound. Seq numbers
	// keep counting. 0 keeps everything. Negative keeps none, for load
	// tools that only count through OnCall and OnPost: Calls and Posts
	// stay empty (WaitCall and WaitPost see nothing), and the Calls that
	// OnCall hooks get have no Params or Body, which would cost a copy
	// and an encoding of every request.
	MaxRecords int

	// ForgetAfter, if positive, makes the emulator forget what it stored
	// longer ago than this: trigger_ids, response_urls, views and DM
	// channels, which later requests name, and messages and events. A
	// request that names a forgotten one is answered as Slack answers an
	// unknown one. For long load runs, where nothing refers back further
	// than a few reply timeouts; 0 keeps everything (expired trigger_ids
	// and response_urls are still swept now and then).
	ForgetAfter time.Duration

	// MaxMessages, if positive, keeps only the newest MaxMessages messages
	// (which chat.update, chat.delete, response_url replacements and
	// PressButton look up) and events (for RedeliverEvent). They are most
	// of what a load run would otherwise hold, and no user move of a load
	// run looks them up.
	MaxMessages int

	// Logf, if set, receives a line for each connection change and each
	// rejected request. Nil means silent.
	Logf func(format string, args ...any)
}

func (c Config) withDefaults() Config {
	def := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	def(&c.AppToken, defaultAppToken)
	def(&c.BotToken, defaultBotToken)
	def(&c.TeamID, "T0EMU0001")
	def(&c.BotUserID, "U0EMUBOT1")
	def(&c.BotID, "B0EMUBOT1")
	def(&c.AppID, "A0EMUAPP1")
	def(&c.DefaultUserID, "U0EMUUSR1")
	def(&c.DefaultChannelID, "C0EMUGEN1")
	dur := func(p *time.Duration, v time.Duration) {
		if *p <= 0 {
			*p = v
		}
	}
	dur(&c.TriggerTTL, 3*time.Second)
	dur(&c.PingInterval, 10*time.Second)
	dur(&c.AckTimeout, 5*time.Second)
	dur(&c.ResponseURLTTL, 30*time.Minute)
	if c.ResponseURLUses <= 0 {
		c.ResponseURLUses = 5
	}
	return c
}

// Fault is a failure injected into the next call of one method (see FailNext).
type Fault struct {
	Status     int           // HTTP status to answer with, e.g. 429 or 503; 0 means 200
	RetryAfter time.Duration // sent as Retry-After (whole seconds, rounded up) when set
	Delay      time.Duration // wait this long first; alone, it only slows the call
	SlackError string        // answer 200 {"ok":false,"error":SlackError} when Status is 0
}

// Call is one request the emulator received: a Web API call, a response_url
// post ("response_url"), a websocket dial ("websocket") or a Socket Mode ack
// ("socket_mode.ack").
type Call struct {
	Method string
	Token  string            // redacted: only the type prefix, e.g. "xoxb-…"
	Params map[string]string // form fields, or top-level JSON fields (non-strings as raw JSON); never the token
	Body   json.RawMessage   // JSON body as sent, or the form fields as a JSON object
	At     time.Time
	Status int    // HTTP status answered (0 for acks)
	Error  string // Slack error code answered, if any
}

// Posted is something a user could see: a message, an ephemeral message, a
// response_url message, a modal ("view") or a Home tab ("home").
type Posted struct {
	Seq          int    // 1-based position in Posts
	Kind         string // "message", "ephemeral", "response_url", "view", "home"
	Channel      string
	TS           string // message ts (for replacements and deletions, the ts of the message replaced)
	ThreadTS     string
	UserID       string          // who sees it: the ephemeral's user, the DM's user, the view's user, the command's user
	ResponseType string          // response_url only: "ephemeral" or "in_channel"
	Text         string          // message text; for views, the title
	Blocks       json.RawMessage // JSON array, with the block_ids Slack would have generated filled in
	ViewID       string
	Replace      bool // chat.update, replace_original, views.update or a response_action update
	Delete       bool // chat.delete or delete_original
	At           time.Time
}

// Server is a running emulator. It is safe for concurrent use.
type Server struct {
	cfg      Config
	ln       net.Listener
	http     *http.Server
	base     string // http://127.0.0.1:port
	ctx      context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	upgrader websocket.Upgrader
	pings    atomic.Bool
	handlers map[string]apiHandler

	deliverMu sync.Mutex // serializes OnPost delivery so subscribers see posts in order
	buffers   sync.Pool  // *[]byte for answers and frames, reused once written

	connMu   sync.Mutex
	newConns map[net.Conn]struct{} // HTTP connections that have not sent a request yet
	closing  bool

	mu        sync.Mutex
	closed    bool
	changed   chan struct{} // closed and replaced whenever posts or connections change
	calls     []Call
	posts     []Posted // the newest posts; posts[0] has Seq postBase+1
	postBase  int      // posts dropped by MaxRecords
	delivered int      // posts handed to subscribers, counted like Seq
	subs      []func(Posted)
	callSubs  []func(Call)
	faults    map[string][]Fault
	lastTS    int64
	counter   int

	tickets   map[string]time.Time
	all       map[*wsConn]struct{}
	conns     []*wsConn // connections that got hello and take envelopes
	rr        int
	connects  int
	pending   map[string]*pendingAck
	triggers  map[string]*trigger
	responses map[string]*responseURL
	events    map[string][]byte // event_id -> events_api payload, for RedeliverEvent
	messages  map[string]*message
	dms       map[string]string // user -> D channel
	dmUsers   map[string]string // D channel -> user
	mpims     map[string]string // sorted users -> G channel
	views     map[string]*viewRec
	stacks    map[string][]string // user -> open modal stack (view ids)
	latest    map[string]string   // user -> last modal opened
	homes     map[string]string   // user -> home view id
	external  map[string]string   // external_id -> view id

	// When things were stored, for ForgetAfter and MaxMessages.
	messageMemo, viewMemo, triggerMemo, responseMemo, dmMemo, eventMemo memo
}

// memo remembers when keys were stored, so that with ForgetAfter or
// MaxMessages set the old ones can be forgotten.
type memo struct {
	q    []stamped
	head int // q[:head] are forgotten
}

type stamped struct {
	key string
	at  time.Time
}

// add notes k as stored at now, and calls forget with the oldest keys
// while more than max are noted (if max > 0) or they were stored more
// than ttl before now (if ttl > 0). With neither limit it notes nothing.
func (m *memo) add(k string, now time.Time, ttl time.Duration, max int, forget func(string)) {
	if ttl <= 0 && max <= 0 {
		return
	}
	m.q = append(m.q, stamped{k, now})
	for m.head < len(m.q) && (max > 0 && len(m.q)-m.head > max || ttl > 0 && now.Sub(m.q[m.head].at) > ttl) {
		forget(m.q[m.head].key)
		m.q[m.head] = stamped{}
		m.head++
	}
	if m.head > 64 && m.head > len(m.q)/2 { // reuse the space, at constant cost per key
		m.q = append(m.q[:0], m.q[m.head:]...)
		m.head = 0
	}
}

// Start listens on 127.0.0.1 and serves until Close.
func Start(cfg Config) (*Server, error) {
	cfg = cfg.withDefaults()
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(cfg.Port)))
	if err != nil {
		return nil, fmt.Errorf("slacktest: listen: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		cfg:       cfg,
		ln:        ln,
		base:      "http://" + ln.Addr().String(),
		ctx:       ctx,
		cancel:    cancel,
		changed:   make(chan struct{}),
		newConns:  map[net.Conn]struct{}{},
		faults:    map[string][]Fault{},
		tickets:   map[string]time.Time{},
		all:       map[*wsConn]struct{}{},
		pending:   map[string]*pendingAck{},
		triggers:  map[string]*trigger{},
		responses: map[string]*responseURL{},
		events:    map[string][]byte{},
		messages:  map[string]*message{},
		dms:       map[string]string{},
		dmUsers:   map[string]string{},
		mpims:     map[string]string{},
		views:     map[string]*viewRec{},
		stacks:    map[string][]string{},
		latest:    map[string]string{},
		homes:     map[string]string{},
		external:  map[string]string{},
	}
	s.pings.Store(true)
	// slack-go dials with Origin https://api.slack.com, which never matches
	// 127.0.0.1, so the origin check has to go.
	s.upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	s.handlers = s.apiHandlers()

	mux := http.NewServeMux()
	mux.HandleFunc("/api/", s.handleAPI)
	mux.HandleFunc("/hooks/", s.handleResponseURL)
	mux.HandleFunc("/link/", s.handleLink)
	s.http = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(logWriter{s.logf}, "", 0),
		BaseContext:       func(net.Listener) context.Context { return ctx },
		ConnState:         s.trackConn,
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.logf("slacktest: serve: %v", err)
		}
	}()
	return s, nil
}

// logWriter adapts Config.Logf for http.Server's error log.
type logWriter struct{ logf func(string, ...any) }

func (w logWriter) Write(p []byte) (int, error) {
	w.logf("%s", strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func (s *Server) logf(format string, args ...any) {
	if s.cfg.Logf != nil {
		s.cfg.Logf(format, args...)
	}
}

// APIURL is the Web API base URL, ending in "/api/", for slack.OptionAPIURL.
func (s *Server) APIURL() string { return s.base + "/api/" }

// Tokens returns the app-level and bot tokens the emulator accepts.
func (s *Server) Tokens() (app, bot string) { return s.cfg.AppToken, s.cfg.BotToken }

// Config returns the effective configuration, defaults filled in.
func (s *Server) Config() Config { return s.cfg }

// DMChannel returns the stable DM channel between the bot and userID, the
// same one conversations.open returns.
func (s *Server) DMChannel(userID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dmLocked(userID)
}

func (s *Server) dmLocked(userID string) string {
	if d, ok := s.dms[userID]; ok {
		return d
	}
	d := "D" + randUpper(10)
	s.dms[userID] = d
	s.dmUsers[d] = userID
	s.dmMemo.add(userID, time.Now(), s.cfg.ForgetAfter, 0, func(u string) {
		delete(s.dmUsers, s.dms[u])
		delete(s.dms, u)
	})
	return d
}

// Close disconnects every client, stops serving and waits for all of the
// emulator's goroutines to end.
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
	s.closeNewConns()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	err := s.http.Shutdown(ctx)
	if err != nil {
		err = s.http.Close()
	}
	// Hijacked websocket connections are invisible to Shutdown.
	for _, c := range conns {
		c.shutdown(websocket.CloseGoingAway, "server closing")
	}
	s.wg.Wait()
	return err
}

// trackConn remembers connections that have not sent a request yet. An HTTP
// client's transport often holds one, dialled for a request that another
// connection served, and Shutdown waits seconds for such a connection
// before giving up on it; Close drops them at once, as httptest.Server does.
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

// closeNewConns closes the connections without a request, and any that
// arrive from now on.
func (s *Server) closeNewConns() {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	s.closing = true
	for c := range s.newConns {
		_ = c.Close()
	}
	clear(s.newConns)
}

// notifyLocked wakes every waiter; callers hold s.mu.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// waitFor blocks until cond (called with s.mu held) is true.
func (s *Server) waitFor(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		if cond() {
			s.mu.Unlock()
			return nil
		}
		if s.closed {
			s.mu.Unlock()
			return ErrClosed
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// goTracked runs f in a goroutine that Close waits for; it reports false
// (and does not run f) once the server is closing.
func (s *Server) goTracked(f func()) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f()
	}()
	return true
}

// Calls returns the requests received so far (the newest MaxRecords, if
// set), oldest first.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// CallsTo returns the calls of one method, oldest first.
func (s *Server) CallsTo(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// Posts returns everything a user could see so far (the newest MaxRecords,
// if set), oldest first.
func (s *Server) Posts() []Posted {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.posts)
}

// WaitPost blocks until a post matching match exists, whether it was made
// before the call or after, and returns the first such post.
func (s *Server) WaitPost(ctx context.Context, match func(Posted) bool) (Posted, error) {
	return s.WaitPostAfter(ctx, 0, match)
}

// WaitPostAfter is WaitPost restricted to posts with Seq > after, so a test
// can wait for the next matching post rather than an old one.
func (s *Server) WaitPostAfter(ctx context.Context, after int, match func(Posted) bool) (Posted, error) {
	// match is the caller's code: it runs on a copy, outside the lock, so it
	// may call back into the server.
	for {
		s.mu.Lock()
		posts := slices.Clone(s.posts[min(max(after-s.postBase, 0), len(s.posts)):])
		closed, ch := s.closed, s.changed
		s.mu.Unlock()
		for _, p := range posts {
			if match(p) {
				return p, nil
			}
		}
		if closed {
			return Posted{}, ErrClosed
		}
		if len(posts) > 0 {
			after = posts[len(posts)-1].Seq
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return Posted{}, ctx.Err()
		}
	}
}

// WaitCall blocks until the emulator has recorded a call of method for
// which match (nil matches any) is true, whether before the call to WaitCall
// or after, and returns the first such call. A call is recorded once it has
// been answered, so its Status and Error are final.
func (s *Server) WaitCall(ctx context.Context, method string, match func(Call) bool) (Call, error) {
	for {
		s.mu.Lock()
		calls := slices.Clone(s.calls)
		closed, ch := s.closed, s.changed
		s.mu.Unlock()
		// match is the caller's code: it runs outside the lock.
		for _, c := range calls {
			if c.Method == method && (match == nil || match(c)) {
				return c, nil
			}
		}
		if closed {
			return Call{}, ErrClosed
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return Call{}, ctx.Err()
		}
	}
}

// OnPost registers fn to be called, in order and one at a time, with every
// post made after registration. fn runs on the goroutine of the request that
// made the post, so a slow fn slows the bot's API call; fn must not wait
// for the bot to post again.
func (s *Server) OnPost(fn func(Posted)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.subs = append(s.subs, fn)
}

// OnCall registers fn to be called with every call recorded after
// registration, including those MaxRecords later drops, so a load tool can
// count Slack errors over a long run. fn runs on the goroutine of the
// request, outside the emulator's lock and concurrently with other calls:
// it must be safe for concurrent use, and quick.
func (s *Server) OnCall(fn func(Call)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.callSubs = append(s.callSubs, fn)
}

// FailNext makes the next call of method fail (or slow down) as f says.
// Methods are Web API names ("chat.postMessage", "apps.connections.open",
// ...), "response_url" and "websocket" (the Socket Mode dial). Several
// faults for one method apply to successive calls.
func (s *Server) FailNext(method string, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[method] = append(s.faults[method], f)
}

// SetPings turns the websocket pings to clients on or off. slack-go drops a
// connection that goes without pings for its ping interval (30s by default).
func (s *Server) SetPings(enabled bool) { s.pings.Store(enabled) }

func (s *Server) takeFault(method string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.faults[method]
	if len(q) == 0 {
		return Fault{}, false
	}
	f := q[0]
	if len(q) == 1 {
		delete(s.faults, method)
	} else {
		s.faults[method] = q[1:]
	}
	return f, true
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
		s.notifyLocked() // for WaitCall
	}
	subs := s.callSubs // append-only: this slice header stays valid
	s.mu.Unlock()
	for _, fn := range subs {
		fn(c)
	}
}

// postLocked records p; the caller must call s.deliver after unlocking.
func (s *Server) postLocked(p Posted) Posted {
	p.Seq = s.postBase + len(s.posts) + 1
	if p.At.IsZero() {
		p.At = time.Now()
	}
	s.posts = append(s.posts, p)
	if n := s.cfg.MaxRecords; n > 0 && len(s.posts) > 2*n {
		drop := len(s.posts) - n
		s.posts = slices.Clone(s.posts[drop:])
		s.postBase += drop
	}
	s.notifyLocked()
	return p
}

// deliver hands undelivered posts to subscribers in order. Delivery happens
// outside s.mu so subscribers may call back into the Server.
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
			s.posts[i] = Posted{}
			s.posts = s.posts[i+1:]
			s.postBase += i + 1
		}
		subs := s.subs // append-only: this slice header stays valid
		s.mu.Unlock()
		for _, fn := range subs {
			fn(p)
		}
	}
}

// nextTSLocked returns a unique, increasing message ts in Slack's
// "seconds.micros" form, close to the wall clock.
func (s *Server) nextTSLocked() string {
	now := time.Now().UnixMicro()
	if now <= s.lastTS {
		now = s.lastTS + 1
	}
	s.lastTS = now
	micros := strconv.FormatInt(1e6+now%1e6, 10) // "1" and six digits, zeros kept
	return strconv.FormatInt(now/1e6, 10) + "." + micros[1:]
}

// redactToken keeps only the token's type prefix, so recordings can say
// which kind of token was used without holding it.
func redactToken(tok string) string {
	if tok == "" {
		return ""
	}
	if i := strings.IndexByte(tok, '-'); i > 0 {
		return tok[:i+1] + "…"
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

// buffer returns an empty buffer for an answer or a frame; reuse takes it
// back once written. Encoding into buffers that have grown already spares
// growing (and clearing) new ones for every request.
func (s *Server) buffer() *[]byte {
	if b, ok := s.buffers.Get().(*[]byte); ok {
		*b = (*b)[:0]
		return b
	}
	b := make([]byte, 0, 8<<10)
	return &b
}

func (s *Server) reuse(b *[]byte) {
	if cap(*b) <= 256<<10 { // a rare huge one is not worth keeping
		s.buffers.Put(b)
	}
}

// drain reads and discards what is left of a request body, bounded.
func drain(r io.Reader) { _, _ = io.Copy(io.Discard, io.LimitReader(r, maxRequestBodySize)) }
