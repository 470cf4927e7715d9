package slacktest

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"
)

// responseURL is one response_url handed out with a slash command or a
// block action. Slack takes at most five posts to one within thirty
// minutes; they are ephemeral unless response_type is in_channel.
type responseURL struct {
	channel, user string
	lastTS        string // the last message posted through it, for replace_original
	created       time.Time
	uses          int
}

func (s *Server) newResponseURLLocked(kind, channel, user string) string {
	s.counter++
	path := "/hooks/" + kind + "/" + s.cfg.TeamID + "/" + strconv.Itoa(s.counter) + "/" + randHex(12)
	s.responses.put(path, &responseURL{channel: channel, user: user, created: time.Now()}, time.Now())
	return s.base + path
}

// responseBody is what apps post to a response_url.
type responseBody struct {
	Text            string `json:"text"`
	Blocks          any    `json:"blocks"`
	Attachments     any    `json:"attachments"`
	ResponseType    string `json:"response_type"`
	ReplaceOriginal bool   `json:"replace_original"`
	DeleteOriginal  bool   `json:"delete_original"`
	ThreadTS        string `json:"thread_ts"`
}

func (s *Server) handleResponseURL(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxRequestBodySize))
	call := Call{Method: "response_url", At: time.Now()}
	if s.details() {
		r := &apiRequest{}
		call.Body = body
		if json.Unmarshal(body, &r.args) != nil {
			call.Body = mustJSON(string(body))
		}
		call.Params = r.params()
	}
	status, code := s.serveResponseURL(r, body)
	call.Status = status
	if status != http.StatusOK {
		call.Error = code
	}
	s.record(call)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	if status == http.StatusOK {
		_, _ = w.Write([]byte(`{"ok":true}`))
		return
	}
	_, _ = w.Write(mustJSON(obj{"ok": false, "error": code}))
}

// serveResponseURL answers like a Slack webhook: an HTTP error status with
// a short code, not the Web API's {"ok":false}.
func (s *Server) serveResponseURL(r *http.Request, body []byte) (int, string) {
	if r.Method != http.MethodPost {
		return http.StatusMethodNotAllowed, "method_not_allowed"
	}
	if f, ok := s.takeFault("response_url"); ok {
		if err := s.sleepCtx(r.Context(), f.Delay); err != nil {
			return http.StatusServiceUnavailable, "emulator_closing"
		}
		switch {
		case f.Status != 0 && f.Status != http.StatusOK:
			return f.Status, http.StatusText(f.Status)
		case f.SlackError != "":
			return http.StatusBadRequest, f.SlackError
		}
	}
	s.mu.Lock()
	ru := s.responses.m[r.URL.Path]
	code := s.checkResponseURLLocked(ru)
	s.mu.Unlock()
	if code != "" {
		return http.StatusNotFound, code
	}
	var rb responseBody
	if json.Unmarshal(body, &rb) != nil {
		return http.StatusBadRequest, "invalid_payload"
	}
	var blocks json.RawMessage
	if !rb.DeleteOriginal {
		var aerr *apiError
		if blocks, aerr = messageContent(rb.Text, rb.Blocks, rb.Blocks != nil, nonEmpty(rb.Attachments)); aerr != nil {
			return http.StatusBadRequest, aerr.code
		}
	}

	s.mu.Lock()
	defer s.deliver()
	defer s.mu.Unlock()
	if code := s.checkResponseURLLocked(ru); code != "" { // another post won the race
		return http.StatusNotFound, code
	}
	ru.uses++
	p := Posted{Kind: "response_url", Channel: ru.channel, ThreadTS: rb.ThreadTS, UserID: ru.user}
	switch {
	case rb.DeleteOriginal:
		p.TS, p.Delete = ru.lastTS, true
	case rb.ReplaceOriginal && ru.lastTS != "":
		p.TS, p.Replace = ru.lastTS, true
	default:
		p.TS = s.nextTSLocked()
	}
	if !p.Delete {
		p.Text, p.Blocks, p.ResponseType = rb.Text, blocks, or(rb.ResponseType, "ephemeral")
		ru.lastTS = p.TS
	}
	s.postLocked(p)
	return http.StatusOK, ""
}

// checkResponseURLLocked returns why ru takes no more posts, if it does not.
func (s *Server) checkResponseURLLocked(ru *responseURL) string {
	switch {
	case ru == nil:
		return "no_active_hooks"
	case time.Since(ru.created) > s.cfg.ResponseURLTTL:
		return "expired_url"
	case ru.uses >= s.cfg.ResponseURLUses:
		return "used_url"
	}
	return ""
}
