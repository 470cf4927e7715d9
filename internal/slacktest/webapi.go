package slacktest

import (
	"context"
	"encoding/json"
	"io"
	"math"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The Web API methods the bot calls, as strict as Slack about tokens,
// arguments and Block Kit.

type obj = map[string]any

// tokenKind says which tokens a method accepts.
type tokenKind int

const (
	tokBot tokenKind = 1 << iota
	tokApp
	tokRun // a function_executed run's bot_access_token
)

type apiHandler struct {
	accepts tokenKind
	fn      func(*apiRequest) (obj, *apiError)
}

// apiError is a Slack error answer: {"ok":false,"error":code,...}.
type apiError struct {
	code string
	msgs []string // response_metadata.messages
}

func fail(code string, msgs ...string) *apiError { return &apiError{code: code, msgs: msgs} }

func (s *Server) apiHandlers() map[string]apiHandler {
	return map[string]apiHandler{
		"auth.test":             {tokBot | tokApp, s.authTest}, // clients check either token with it
		"apps.connections.open": {tokApp, s.appsConnectionsOpen},
		"chat.postMessage":      {tokBot, s.chatPostMessage},
		"chat.postEphemeral":    {tokBot, s.chatPostEphemeral},
		"chat.update":           {tokBot, s.chatUpdate},
		"chat.getPermalink":     {tokBot, s.chatGetPermalink},
		"conversations.info":    {tokBot, s.conversationsInfo},
		"conversations.open":    {tokBot, s.conversationsOpen},
		"views.open":            {tokBot, s.viewsOpen},
		"views.publish":         {tokBot, s.viewsPublish},

		"assistant.threads.setSuggestedPrompts": {tokBot, s.setSuggestedPrompts},
		"assistant.threads.setStatus":           {tokBot, s.setStatus},
		"assistant.threads.setTitle":            {tokBot, s.setTitle},
		"functions.completeSuccess":             {tokBot | tokRun, s.functionsCompleteSuccess},
		"functions.completeError":               {tokBot | tokRun, s.functionsCompleteError},
	}
}

// apiRequest is a Web API request's arguments: a form's values (strings)
// or a JSON body's top-level fields, decoded.
type apiRequest struct {
	token  string
	kind   tokenKind
	args   map[string]any
	isJSON bool
}

// str returns an argument as a string; other JSON values as JSON.
func (r *apiRequest) str(k string) string {
	switch v := r.args[k].(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		return string(mustJSON(v))
	}
}

// jsonArg returns a JSON-valued argument (blocks, view): Slack takes one
// as JSON in a string, or in a JSON body as the value itself. A string
// that is not JSON comes back as it is, for the caller to refuse.
func (r *apiRequest) jsonArg(k string) (any, bool) {
	s, ok := r.args[k].(string)
	if !ok {
		return r.args[k], r.args[k] != nil
	}
	var v any
	if json.Unmarshal([]byte(s), &v) != nil {
		return s, s != ""
	}
	return v, true
}

func (r *apiRequest) params() map[string]string {
	out := map[string]string{}
	for k := range r.args {
		if k != "token" {
			out[k] = r.str(k)
		}
	}
	return out
}

func parseAPIRequest(req *http.Request, body []byte) (*apiRequest, *apiError) {
	r := &apiRequest{args: map[string]any{}}
	r.token, _ = strings.CutPrefix(req.Header.Get("Authorization"), "Bearer ")
	if ct, _, _ := mime.ParseMediaType(req.Header.Get("Content-Type")); ct == "application/json" {
		r.isJSON = true
		if strings.TrimSpace(string(body)) != "" && json.Unmarshal(body, &r.args) != nil {
			return r, fail("invalid_json")
		}
		return r, nil
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return r, fail("invalid_form_data")
	}
	for k, v := range req.URL.Query() {
		if _, ok := form[k]; !ok {
			form[k] = v
		}
	}
	for k, v := range form {
		r.args[k] = v[0]
	}
	if r.token == "" {
		r.token = form.Get("token")
	}
	return r, nil
}

// httpAnswer is a response ready to write.
type httpAnswer struct {
	status   int
	header   http.Header
	body     []byte
	slackErr string
}

func jsonAnswer(status int, v obj) httpAnswer {
	body, err := json.Marshal(v)
	if err != nil {
		panic("slacktest: " + err.Error()) // the server's own values always encode
	}
	e, _ := v["error"].(string)
	return httpAnswer{status: status, header: http.Header{"Content-Type": {"application/json; charset=utf-8"}}, body: body, slackErr: e}
}

func errAnswer(e *apiError) httpAnswer {
	v := obj{"ok": false, "error": e.code}
	if len(e.msgs) > 0 {
		v["response_metadata"] = obj{"messages": e.msgs}
	}
	return jsonAnswer(http.StatusOK, v)
}

// faultAnswer applies an injected fault; done is false when it was only a
// delay and the call goes on.
func (s *Server) faultAnswer(ctx context.Context, f Fault) (a httpAnswer, done bool) {
	if err := s.sleepCtx(ctx, f.Delay); err != nil {
		return httpAnswer{status: http.StatusServiceUnavailable, slackErr: "emulator_closing"}, true
	}
	switch {
	case f.Status == http.StatusTooManyRequests:
		a = jsonAnswer(f.Status, obj{"ok": false, "error": "ratelimited"})
	case f.Status != 0 && f.Status != http.StatusOK:
		a = httpAnswer{status: f.Status, header: http.Header{"Content-Type": {"text/html"}},
			body: []byte("<html><body>emulated " + http.StatusText(f.Status) + "</body></html>"), slackErr: http.StatusText(f.Status)}
	case f.SlackError != "":
		return jsonAnswer(http.StatusOK, obj{"ok": false, "error": f.SlackError}), true
	default:
		return httpAnswer{}, false
	}
	if f.RetryAfter > 0 {
		a.header.Set("Retry-After", strconv.Itoa(int(math.Ceil(f.RetryAfter.Seconds()))))
	}
	return a, true
}

func (s *Server) handleAPI(w http.ResponseWriter, req *http.Request) {
	method := strings.TrimPrefix(req.URL.Path, "/api/")
	body, _ := io.ReadAll(io.LimitReader(req.Body, maxRequestBodySize))
	r, perr := parseAPIRequest(req, body)
	call := Call{Method: method, Token: redactToken(r.token), At: time.Now()}
	if s.details() {
		call.Params, call.Body = r.params(), body
		if _, hasToken := r.args["token"]; hasToken || !r.isJSON || !json.Valid(body) {
			delete(r.args, "token") // never recorded
			call.Body = mustJSON(r.args)
		}
	}
	a := s.serveAPI(req.Context(), method, r, perr)
	call.Status, call.Error = a.status, a.slackErr
	s.record(call)
	for k, v := range a.header {
		w.Header()[k] = v
	}
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body)
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
		if !s.runToken(r.token) {
			return errAnswer(fail("invalid_auth"))
		}
		r.kind = tokRun
	}
	if h.accepts&r.kind == 0 {
		return errAnswer(fail("not_allowed_token_type"))
	}
	if perr != nil {
		return errAnswer(perr)
	}
	res, aerr := h.fn(r)
	if aerr != nil {
		return errAnswer(aerr)
	}
	res["ok"] = true
	return jsonAnswer(http.StatusOK, res)
}

func (s *Server) authTest(r *apiRequest) (obj, *apiError) {
	res := obj{"url": "https://emulated.slack.com/", "team": "Emulated Workspace", "team_id": s.cfg.TeamID, "is_enterprise_install": false}
	if r.kind == tokBot {
		res["user"], res["user_id"], res["bot_id"] = "fractional_advisor", s.cfg.BotUserID, s.cfg.BotID
	} else {
		res["app_id"] = s.cfg.AppID
	}
	return res, nil
}

func (s *Server) appsConnectionsOpen(*apiRequest) (obj, *apiError) {
	ticket := randHex(16)
	s.mu.Lock()
	s.tickets.put(ticket, time.Now(), time.Now())
	s.mu.Unlock()
	return obj{"url": "ws" + strings.TrimPrefix(s.base, "http") + "/link/?ticket=" + ticket + "&app_id=" + s.cfg.AppID}, nil
}

// isID reports whether id looks like a Slack ID starting with one of
// prefixes: an upper-case letter, then upper-case letters and digits.
func isID(id, prefixes string) bool {
	if len(id) < 2 || !strings.ContainsRune(prefixes, rune(id[0])) {
		return false
	}
	return strings.Trim(id[1:], "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == ""
}

// resolveChannelLocked maps a channel argument to a channel ID; like
// Slack, a user ID means the bot's DM with that user (dmUser). false for
// no channel, or a deleted one.
func (s *Server) resolveChannelLocked(ch string) (id, dmUser string, ok bool) {
	switch {
	case ch == "#general" || ch == "general":
		id = s.cfg.DefaultChannelID
	case !isID(ch, "CGDUW"):
		return "", "", false
	case ch[0] == 'U' || ch[0] == 'W':
		id, dmUser = s.dmLocked(ch), ch
	default:
		id, dmUser = ch, s.dmUsers[ch]
	}
	return id, dmUser, s.channels[id] != chanDeleted
}

// messageContent checks a message's text and blocks (decoded, if given)
// as chat.postMessage does, and returns the blocks with the ids Slack
// fills in.
func messageContent(text string, blocks any, hasBlocks, hasAttachments bool) (json.RawMessage, *apiError) {
	var out json.RawMessage
	n := 0
	if hasBlocks {
		arr, ok := parseBlocks(blocks)
		if !ok {
			return nil, fail("invalid_blocks_format")
		}
		if msgs := checkBlocks(arr, maxMessageBlocks, "/blocks"); msgs != nil {
			return nil, fail("invalid_blocks", msgs...)
		}
		out, n = mustJSON(arr), len(arr)
	}
	if text == "" && n == 0 && !hasAttachments {
		return nil, fail("no_text")
	}
	if utf8.RuneCountInString(text) > maxMessageText {
		return nil, fail("msg_too_long")
	}
	return out, nil
}

// nonEmpty reports whether a JSON value is there and not an empty array.
func nonEmpty(v any) bool {
	arr, isArr := v.([]any)
	return v != nil && (!isArr || len(arr) > 0)
}

// post handles chat.postMessage and chat.postEphemeral.
func (s *Server) post(r *apiRequest, ephemeral bool) (obj, *apiError) {
	s.mu.Lock()
	ch, dmUser, ok := s.resolveChannelLocked(r.str("channel"))
	member := s.memberLocked(ch)
	s.mu.Unlock()
	switch {
	case !ok:
		return nil, fail("channel_not_found")
	case !member: // ephemerals too: Slack posts them only where the bot is
		return nil, fail("not_in_channel")
	}
	p := Posted{Kind: "message", Channel: ch, ThreadTS: r.str("thread_ts"), UserID: dmUser, Text: r.str("text")}
	if ephemeral {
		p.Kind, p.UserID = "ephemeral", r.str("user")
		if p.UserID == "" {
			return nil, fail("invalid_arguments", "[ERROR] missing required field: user")
		}
		if dmUser != "" && p.UserID != dmUser {
			return nil, fail("user_not_in_channel")
		}
	}
	rawBlocks, hasBlocks := r.jsonArg("blocks")
	att, _ := r.jsonArg("attachments")
	blocks, aerr := messageContent(p.Text, rawBlocks, hasBlocks, nonEmpty(att))
	if aerr != nil {
		return nil, aerr
	}
	p.Blocks = blocks
	s.mu.Lock()
	p.TS = s.nextTSLocked()
	p = s.postLocked(p)
	if !ephemeral { // an ephemeral message cannot be updated or linked to
		s.msgs.put(msgKey(ch, p.TS), p, p.At)
		if t := s.threads.m[msgKey(ch, p.ThreadTS)]; t != nil {
			t.Status = "" // Slack clears an assistant thread's status when the app replies
		}
	}
	s.mu.Unlock()
	s.deliver()
	if ephemeral {
		return obj{"message_ts": p.TS}, nil
	}
	return obj{"channel": ch, "ts": p.TS, "message": s.botMessage(p)}, nil
}

// botMessage is a message the bot posted, as the Web API returns it.
func (s *Server) botMessage(p Posted) obj {
	msg := obj{"type": "message", "text": p.Text, "ts": p.TS, "team": s.cfg.TeamID, "user": s.cfg.BotUserID,
		"bot_id": s.cfg.BotID, "app_id": s.cfg.AppID,
		"bot_profile": obj{"id": s.cfg.BotID, "app_id": s.cfg.AppID, "name": "Fractional Advisor", "team_id": s.cfg.TeamID, "deleted": false}}
	if p.Blocks != nil {
		msg["blocks"] = p.Blocks
	}
	if p.ThreadTS != "" {
		msg["thread_ts"] = p.ThreadTS
	}
	return msg
}

func (s *Server) chatPostMessage(r *apiRequest) (obj, *apiError)   { return s.post(r, false) }
func (s *Server) chatPostEphemeral(r *apiRequest) (obj, *apiError) { return s.post(r, true) }

// conversationsOpen opens the bot's DM with one user; group DMs are not
// emulated.
func (s *Server) conversationsOpen(r *apiRequest) (obj, *apiError) {
	var users []string
	for _, u := range strings.Split(r.str("users"), ",") {
		if u = strings.TrimSpace(u); u != "" {
			users = append(users, u)
		}
	}
	switch {
	case len(users) == 0:
		return nil, fail("users_list_not_supplied")
	case len(users) > 1:
		return nil, fail("invalid_arguments", "[ERROR] slacktest emulates DMs with one user only")
	case !isID(users[0], "UW"):
		return nil, fail("user_not_found")
	default:
		u := users[0]
		s.mu.Lock()
		_, existed := s.dms.m[u]
		d := s.dmLocked(u)
		s.mu.Unlock()
		im := obj{"id": d, "is_im": true, "user": u, "is_open": true, "created": time.Now().Unix()}
		return obj{"no_op": existed, "already_open": existed, "channel": im}, nil
	}
}
