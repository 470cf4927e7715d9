package slacktest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// tokenKind says which tokens a method accepts.
type tokenKind int

const (
	tokBot tokenKind = 1 << iota
	tokApp
)

type apiHandler struct {
	accepts tokenKind
	fn      func(context.Context, *apiRequest) (obj, *apiError)
}

// apiError is a Slack error answer: {"ok":false,"error":code,...}.
type apiError struct {
	code string
	msgs []string // response_metadata.messages
}

func fail(code string, msgs ...string) *apiError { return &apiError{code: code, msgs: msgs} }

func (s *Server) apiHandlers() map[string]apiHandler {
	bot := func(fn func(context.Context, *apiRequest) (obj, *apiError)) apiHandler {
		return apiHandler{accepts: tokBot, fn: fn}
	}
	return map[string]apiHandler{
		// auth.test is answered for either token: it is how clients check any token.
		"auth.test":             {accepts: tokBot | tokApp, fn: s.authTest},
		"apps.connections.open": {accepts: tokApp, fn: s.appsConnectionsOpen},
		"chat.postMessage":      bot(s.chatPostMessage),
		"chat.postEphemeral":    bot(s.chatPostEphemeral),
		"chat.update":           bot(s.chatUpdate),
		"chat.delete":           bot(s.chatDelete),
		"conversations.open":    bot(s.conversationsOpen),
		"views.open":            bot(s.viewsOpen),
		"views.push":            bot(s.viewsPush),
		"views.update":          bot(s.viewsUpdate),
		"views.publish":         bot(s.viewsPublish),
	}
}

// apiRequest holds a Web API request's arguments, form-encoded or JSON.
type apiRequest struct {
	token string
	kind  tokenKind
	form  url.Values                 // form or query arguments; nil for JSON bodies
	json  map[string]json.RawMessage // top-level fields of a JSON body
}

func (r *apiRequest) has(k string) bool {
	if r.form != nil {
		_, ok := r.form[k]
		return ok
	}
	v, ok := r.json[k]
	return ok && string(v) != "null"
}

// str returns an argument as a string: JSON strings unquoted, other JSON
// values as their text.
func (r *apiRequest) str(k string) string {
	if r.form != nil {
		return r.form.Get(k)
	}
	raw, ok := r.json[k]
	if !ok || string(raw) == "null" {
		return ""
	}
	if s, err := unquote(raw); err == nil {
		return s
	}
	return string(raw)
}

// rawJSON returns a JSON-valued argument (blocks, view). Slack takes these
// as JSON-encoded strings in forms, and as either a value or a string in
// JSON bodies.
func (r *apiRequest) rawJSON(k string) ([]byte, bool) {
	if r.form != nil {
		v := r.form.Get(k)
		return []byte(v), v != ""
	}
	raw, ok := r.json[k]
	if !ok || string(raw) == "null" {
		return nil, false
	}
	if len(raw) > 0 && raw[0] == '"' {
		s, err := unquote(raw)
		if err != nil {
			return nil, false
		}
		return []byte(s), s != ""
	}
	return raw, true
}

func (r *apiRequest) params() map[string]string {
	out := map[string]string{}
	if r.form != nil {
		for k, v := range r.form {
			if k != "token" && len(v) > 0 {
				out[k] = v[0]
			}
		}
		return out
	}
	for k := range r.json {
		if k != "token" {
			out[k] = r.str(k)
		}
	}
	return out
}

func parseAPIRequest(req *http.Request, body []byte) (*apiRequest, *apiError) {
	r := &apiRequest{}
	if h := req.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		r.token = strings.TrimSpace(strings.TrimPrefix(h, "Bearer "))
	}
	ct, _, _ := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if ct == "application/json" {
		if m, err := topLevel(body); err == nil {
			r.json = m
			return r, nil
		}
		r.json = map[string]json.RawMessage{}
		if len(bytes.TrimSpace(body)) > 0 {
			if err := json.Unmarshal(body, &r.json); err != nil {
				return r, fail("invalid_json")
			}
		}
		return r, nil
	}
	form, err := parseForm(string(body))
	if err != nil {
		return r, fail("invalid_form_data")
	}
	for k, v := range req.URL.Query() {
		if _, ok := form[k]; !ok {
			form[k] = v
		}
	}
	r.form = form
	if r.token == "" {
		r.token = form.Get("token")
	}
	return r, nil
}

// parseForm is url.ParseQuery with a faster unescape: a bot's blocks come
// as a long, densely escaped value, which url.QueryUnescape builds a byte
// at a time. Anything ParseQuery would object to is left to it, for the
// same error.
func parseForm(body string) (url.Values, error) {
	form := url.Values{}
	for q := body; q != ""; {
		var kv string
		kv, q, _ = strings.Cut(q, "&")
		if strings.Contains(kv, ";") {
			return url.ParseQuery(body)
		}
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		k, ok := unescapeForm(k)
		if !ok {
			return url.ParseQuery(body)
		}
		if v, ok = unescapeForm(v); !ok {
			return url.ParseQuery(body)
		}
		form[k] = append(form[k], v)
	}
	return form, nil
}

// unescapeForm is url.QueryUnescape; ok is false where it would fail.
func unescapeForm(s string) (string, bool) {
	if strings.IndexByte(s, '%') < 0 && strings.IndexByte(s, '+') < 0 {
		return s, true
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '+':
			b = append(b, ' ')
		case '%':
			if i+2 >= len(s) {
				return "", false
			}
			h, l := unhex(s[i+1]), unhex(s[i+2])
			if h < 0 || l < 0 {
				return "", false
			}
			b = append(b, byte(h<<4|l))
			i += 2
		default:
			b = append(b, c)
		}
	}
	return string(b), true
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c - 'a' + 10)
	case 'A' <= c && c <= 'F':
		return int(c - 'A' + 10)
	}
	return -1
}

// callBody is what Call.Body records: the JSON as sent (minus any token),
// or the form as a JSON object.
func callBody(r *apiRequest, body []byte) json.RawMessage {
	if r.form != nil {
		return mustJSON(r.params())
	}
	if _, ok := r.json["token"]; ok {
		m := make(map[string]json.RawMessage, len(r.json))
		for k, v := range r.json {
			if k != "token" {
				m[k] = v
			}
		}
		return mustJSON(m)
	}
	if json.Valid(body) {
		return json.RawMessage(body)
	}
	return mustJSON(string(body))
}

// readBody reads a request body, bounded, into a buffer of the size the
// request announced.
func readBody(req *http.Request) []byte {
	var buf bytes.Buffer
	if n := req.ContentLength; n > 0 {
		buf.Grow(int(min(n, maxRequestBodySize)) + bytes.MinRead)
	}
	_, _ = buf.ReadFrom(io.LimitReader(req.Body, maxRequestBodySize))
	drain(req.Body)
	return buf.Bytes()
}

// httpAnswer is a response ready to write.
type httpAnswer struct {
	status   int
	header   http.Header
	body     []byte
	json     obj // encoded as the body when it is written
	slackErr string
}

func jsonAnswer(status int, v obj) httpAnswer {
	h := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
	e, _ := v["error"].(string)
	return httpAnswer{status: status, header: h, json: v, slackErr: e}
}

func errAnswer(e *apiError) httpAnswer {
	v := obj{"ok": false, "error": e.code}
	if len(e.msgs) > 0 {
		v["response_metadata"] = obj{"messages": e.msgs}
	}
	return jsonAnswer(http.StatusOK, v)
}

// faultAnswer applies an injected fault. done is false when the fault was
// only a delay and the call should then proceed normally.
func (s *Server) faultAnswer(ctx context.Context, f Fault) (answer httpAnswer, done bool) {
	if err := s.sleepCtx(ctx, f.Delay); err != nil {
		return httpAnswer{status: http.StatusServiceUnavailable, slackErr: "emulator_closing"}, true
	}
	switch {
	case f.Status != 0 && f.Status != http.StatusOK:
		var a httpAnswer
		if f.Status == http.StatusTooManyRequests {
			a = jsonAnswer(f.Status, obj{"ok": false, "error": "ratelimited"})
		} else {
			a = httpAnswer{
				status:   f.Status,
				header:   http.Header{"Content-Type": {"text/html"}},
				body:     []byte("<html><body>emulated " + http.StatusText(f.Status) + "</body></html>"),
				slackErr: http.StatusText(f.Status),
			}
		}
		if f.RetryAfter > 0 {
			a.header.Set("Retry-After", strconv.Itoa(int(math.Ceil(f.RetryAfter.Seconds()))))
		}
		return a, true
	case f.SlackError != "":
		return jsonAnswer(http.StatusOK, obj{"ok": false, "error": f.SlackError}), true
	}
	return httpAnswer{}, false
}

func (s *Server) handleAPI(w http.ResponseWriter, req *http.Request) {
	method := strings.TrimPrefix(req.URL.Path, "/api/")
	body := readBody(req)
	r, perr := parseAPIRequest(req, body)
	call := Call{Method: method, Token: redactToken(r.token), At: time.Now()}
	if s.details() {
		call.Params, call.Body = r.params(), callBody(r, body)
	}
	a := s.serveAPI(req.Context(), method, r, perr)
	call.Status, call.Error = a.status, a.slackErr
	s.record(call)
	if a.slackErr != "" {
		s.logf("slacktest: %s -> %d %s", method, a.status, a.slackErr)
	}
	for k, v := range a.header {
		w.Header()[k] = v
	}
	w.WriteHeader(a.status)
	if a.json == nil {
		_, _ = w.Write(a.body)
		return
	}
	buf := s.buffer()
	*buf = appendJSON(*buf, a.json)
	_, _ = w.Write(*buf)
	s.reuse(buf)
}

func (s *Server) serveAPI(ctx context.Context, method string, r *apiRequest, perr *apiError) httpAnswer {
	if f, ok := s.takeFault(method); ok {
		if a, done := s.faultAnswer(ctx, f); done {
			return a
		}
	}
	h, ok := s.handlers[method]
	if !ok {
		return jsonAnswer(http.StatusOK, obj{"ok": false, "error": "unknown_method", "req_method": method})
	}
	switch r.token {
	case "":
		return errAnswer(fail("not_authed"))
	case s.cfg.BotToken:
		r.kind = tokBot
	case s.cfg.AppToken:
		r.kind = tokApp
	default:
		return errAnswer(fail("invalid_auth"))
	}
	if h.accepts&r.kind == 0 {
		return errAnswer(fail("not_allowed_token_type"))
	}
	if perr != nil {
		return errAnswer(perr)
	}
	res, aerr := h.fn(ctx, r)
	if aerr != nil {
		return errAnswer(aerr)
	}
	res["ok"] = true
	return jsonAnswer(http.StatusOK, res)
}

func (s *Server) authTest(_ context.Context, r *apiRequest) (obj, *apiError) {
	res := obj{
		"url":                   "https://emulated.slack.com/",
		"team":                  "Emulated Workspace",
		"team_id":               s.cfg.TeamID,
		"is_enterprise_install": false,
	}
	if r.kind == tokBot {
		res["user"] = "fractional_advisor"
		res["user_id"] = s.cfg.BotUserID
		res["bot_id"] = s.cfg.BotID
	} else {
		res["app_id"] = s.cfg.AppID
	}
	return res, nil
}

func (s *Server) appsConnectionsOpen(context.Context, *apiRequest) (obj, *apiError) {
	ticket := randHex(16)
	s.mu.Lock()
	s.tickets[ticket] = time.Now()
	s.mu.Unlock()
	u := strings.Replace(s.base, "http://", "ws://", 1) + "/link/?ticket=" + ticket + "&app_id=" + s.cfg.AppID
	return obj{"url": u}, nil
}

// message is a stored channel message (the bot's or a user's).
type message struct {
	channel, ts, threadTS string
	user                  string // author
	fromBot               bool
	text                  string
	blocks                json.RawMessage
	ephemeral             bool
	viewer                string // the ephemeral's user
}

func msgKey(channel, ts string) string { return channel + "/" + ts }

func (s *Server) storeMessageLocked(m *message) {
	key := msgKey(m.channel, m.ts)
	if _, ok := s.messages[key]; !ok {
		s.messageMemo.add(key, time.Now(), s.cfg.ForgetAfter, s.cfg.MaxMessages, func(k string) { delete(s.messages, k) })
	}
	s.messages[key] = m
}

// isID reports whether id looks like a Slack ID starting with one of
// prefixes: an upper-case letter followed by upper-case letters and digits.
func isID(id, prefixes string) bool {
	if len(id) < 2 || !strings.ContainsRune(prefixes, rune(id[0])) {
		return false
	}
	for _, r := range id[1:] {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// resolveChannelLocked maps a channel argument to a channel ID. Like Slack,
// a user ID means the bot's DM with that user. dmUser is the DM's user.
func (s *Server) resolveChannelLocked(ch string) (id, dmUser string, ok bool) {
	switch {
	case ch == "#general" || ch == "general":
		return s.cfg.DefaultChannelID, "", true
	case !isID(ch, "CGDUW"):
		return "", "", false
	case ch[0] == 'U' || ch[0] == 'W':
		return s.dmLocked(ch), ch, true
	case ch[0] == 'D':
		if u, ok := s.dmUsers[ch]; ok {
			return ch, u, true
		}
	}
	return ch, "", true
}

func (s *Server) channelType(ch string) string {
	switch {
	case strings.HasPrefix(ch, "D"):
		return "im"
	case strings.HasPrefix(ch, "G"):
		return "group"
	}
	return "channel"
}

// content is a message body after validation.
type content struct {
	text      string
	hasText   bool
	blocks    json.RawMessage // normalized; nil when absent
	hasBlocks bool
}

// messageContent validates text/blocks the way chat.postMessage does.
func messageContent(text string, hasText bool, rawBlocks []byte, hasBlocks, hasAttachments bool) (content, *apiError) {
	c := content{text: text, hasText: hasText}
	if hasBlocks {
		if fast, err := fastBlocks(rawBlocks, maxMessageBlocks); err == nil {
			c.hasBlocks, c.blocks = true, fast.out
			hasBlocks = fast.n > 0
		} else {
			var aerr *apiError
			if c, hasBlocks, aerr = slowMessageBlocks(c, rawBlocks); aerr != nil {
				return c, aerr
			}
		}
	}
	if text == "" && !hasBlocks && !hasAttachments {
		return c, fail("no_text")
	}
	if utf8.RuneCountInString(text) > maxMessageText {
		return c, fail("msg_too_long")
	}
	return c, nil
}

// slowMessageBlocks is messageContent's encoding/json path, for blocks that
// have a problem or something to fill in beyond block_ids. hasBlocks is
// false for an empty array.
func slowMessageBlocks(c content, rawBlocks []byte) (_ content, hasBlocks bool, _ *apiError) {
	arr, ok := parseBlocks(rawBlocks)
	if !ok {
		return c, false, fail("invalid_blocks_format")
	}
	if msgs := checkBlocks(arr, maxMessageBlocks, "/blocks"); msgs != nil {
		return c, false, fail("invalid_blocks", msgs...)
	}
	c.hasBlocks = true
	c.blocks = mustJSON(arr)
	return c, len(arr) > 0, nil
}

func (r *apiRequest) content() (content, *apiError) {
	blocks, hasBlocks := r.rawJSON("blocks")
	att, _ := r.rawJSON("attachments")
	hasAtt := len(att) > 0 && string(att) != "[]"
	return messageContent(r.str("text"), r.has("text"), blocks, hasBlocks, hasAtt)
}

func (s *Server) messageJSON(m *message) obj {
	o := obj{"type": "message", "text": m.text, "ts": m.ts, "team": s.cfg.TeamID, "user": m.user}
	if m.fromBot {
		o["bot_id"] = s.cfg.BotID
		o["app_id"] = s.cfg.AppID
		o["bot_profile"] = obj{"id": s.cfg.BotID, "app_id": s.cfg.AppID, "name": "Fractional Advisor", "team_id": s.cfg.TeamID, "deleted": false}
	}
	if m.blocks != nil {
		o["blocks"] = m.blocks
	}
	if m.threadTS != "" {
		o["thread_ts"] = m.threadTS
	}
	return o
}

func (s *Server) chatPostMessage(_ context.Context, r *apiRequest) (obj, *apiError) {
	s.mu.Lock()
	ch, dmUser, ok := s.resolveChannelLocked(r.str("channel"))
	s.mu.Unlock()
	if !ok {
		return nil, fail("channel_not_found")
	}
	c, aerr := r.content()
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	m := &message{channel: ch, ts: s.nextTSLocked(), threadTS: r.str("thread_ts"), user: s.cfg.BotUserID,
		fromBot: true, text: c.text, blocks: c.blocks}
	s.storeMessageLocked(m)
	s.postLocked(Posted{Kind: "message", Channel: ch, TS: m.ts, ThreadTS: m.threadTS, UserID: dmUser, Text: m.text, Blocks: m.blocks})
	res := obj{"channel": ch, "ts": m.ts, "message": s.messageJSON(m)}
	s.mu.Unlock()
	s.deliver()
	return res, nil
}

func (s *Server) chatPostEphemeral(_ context.Context, r *apiRequest) (obj, *apiError) {
	s.mu.Lock()
	ch, dmUser, ok := s.resolveChannelLocked(r.str("channel"))
	s.mu.Unlock()
	if !ok {
		return nil, fail("channel_not_found")
	}
	user := r.str("user")
	if user == "" {
		return nil, fail("invalid_arguments", "[ERROR] missing required field: user")
	}
	if dmUser != "" && user != dmUser {
		return nil, fail("user_not_in_channel")
	}
	c, aerr := r.content()
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	m := &message{channel: ch, ts: s.nextTSLocked(), threadTS: r.str("thread_ts"), user: s.cfg.BotUserID,
		fromBot: true, text: c.text, blocks: c.blocks, ephemeral: true, viewer: user}
	s.storeMessageLocked(m)
	s.postLocked(Posted{Kind: "ephemeral", Channel: ch, TS: m.ts, ThreadTS: m.threadTS, UserID: user, Text: m.text, Blocks: m.blocks})
	s.mu.Unlock()
	s.deliver()
	return obj{"message_ts": m.ts}, nil
}

func (s *Server) chatUpdate(_ context.Context, r *apiRequest) (obj, *apiError) {
	s.mu.Lock()
	ch, dmUser, ok := s.resolveChannelLocked(r.str("channel"))
	s.mu.Unlock()
	if !ok {
		return nil, fail("channel_not_found")
	}
	c, aerr := r.content()
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.deliver()
	defer s.mu.Unlock()
	m := s.messages[msgKey(ch, r.str("ts"))]
	switch {
	case m == nil || m.ephemeral:
		return nil, fail("message_not_found")
	case !m.fromBot:
		return nil, fail("cant_update_message")
	}
	// Like Slack, arguments left out keep the message's previous value.
	if c.hasText {
		m.text = c.text
	}
	if c.hasBlocks {
		m.blocks = c.blocks
	}
	s.postLocked(Posted{Kind: "message", Channel: ch, TS: m.ts, ThreadTS: m.threadTS, UserID: dmUser, Text: m.text, Blocks: m.blocks, Replace: true})
	return obj{"channel": ch, "ts": m.ts, "text": m.text, "message": s.messageJSON(m)}, nil
}

func (s *Server) chatDelete(_ context.Context, r *apiRequest) (obj, *apiError) {
	s.mu.Lock()
	defer s.deliver()
	defer s.mu.Unlock()
	ch, dmUser, ok := s.resolveChannelLocked(r.str("channel"))
	if !ok {
		return nil, fail("channel_not_found")
	}
	key := msgKey(ch, r.str("ts"))
	m := s.messages[key]
	switch {
	case m == nil || m.ephemeral:
		return nil, fail("message_not_found")
	case !m.fromBot:
		return nil, fail("cant_delete_message")
	}
	delete(s.messages, key)
	s.postLocked(Posted{Kind: "message", Channel: ch, TS: m.ts, ThreadTS: m.threadTS, UserID: dmUser, Delete: true})
	return obj{"channel": ch, "ts": m.ts}, nil
}

func (s *Server) conversationsOpen(_ context.Context, r *apiRequest) (obj, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ch := r.str("channel"); ch != "" {
		if u, ok := s.dmUsers[ch]; ok {
			return obj{"no_op": true, "already_open": true, "channel": s.imJSON(ch, u)}, nil
		}
		return nil, fail("channel_not_found")
	}
	var users []string
	for _, u := range strings.Split(r.str("users"), ",") {
		if u = strings.TrimSpace(u); u != "" {
			users = append(users, u)
		}
	}
	if len(users) == 0 {
		return nil, fail("users_list_not_supplied")
	}
	for _, u := range users {
		if !isID(u, "UW") {
			return nil, fail("user_not_found")
		}
	}
	if len(users) == 1 {
		_, existed := s.dms[users[0]]
		d := s.dmLocked(users[0])
		return obj{"no_op": existed, "already_open": existed, "channel": s.imJSON(d, users[0])}, nil
	}
	sort.Strings(users)
	key := strings.Join(users, ",")
	g, existed := s.mpims[key]
	if !existed {
		g = "G" + randUpper(10)
		s.mpims[key] = g
	}
	return obj{"no_op": existed, "already_open": existed, "channel": obj{"id": g, "is_mpim": true, "is_im": false}}, nil
}

func (s *Server) imJSON(d, user string) obj {
	return obj{"id": d, "is_im": true, "user": user, "is_open": true, "created": time.Now().Unix()}
}
