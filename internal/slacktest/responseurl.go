package slacktest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// responseURL is one response_url handed out with a slash command or a
// block action. Slack accepts at most five posts to it within thirty
// minutes; responses are ephemeral unless response_type is in_channel.
type responseURL struct {
	channel, user, threadTS string
	originTS                string // the message whose button was pressed, for replace/delete_original
	originEphemeral         bool
	lastTS                  string // the last message posted through this URL
	created                 time.Time
	uses                    int
}

func (s *Server) newResponseURLLocked(kind, channel, user, originTS string, originEphemeral bool, threadTS string) string {
	s.sweepLocked()
	s.counter++
	path := "/hooks/" + kind + "/" + s.cfg.TeamID + "/" + strconv.Itoa(s.counter) + "/" + randHex(12)
	s.responseMemo.add(path, time.Now(), s.cfg.ForgetAfter, 0, func(p string) { delete(s.responses, p) })
	s.responses[path] = &responseURL{
		channel: channel, user: user, threadTS: threadTS,
		originTS: originTS, originEphemeral: originEphemeral,
		created: time.Now(),
	}
	return s.base + path
}

// responseBody is what apps post to a response_url.
type responseBody struct {
	Text            string          `json:"text"`
	Blocks          json.RawMessage `json:"blocks"`
	Attachments     json.RawMessage `json:"attachments"`
	ResponseType    string          `json:"response_type"`
	ReplaceOriginal bool            `json:"replace_original"`
	DeleteOriginal  bool            `json:"delete_original"`
	ThreadTS        string          `json:"thread_ts"`
}

func present(raw json.RawMessage) bool {
	return len(raw) > 0 && string(raw) != "null"
}

func (s *Server) handleResponseURL(w http.ResponseWriter, r *http.Request) {
	body := readBody(r)
	call := Call{Method: "response_url", At: time.Now()}
	if s.details() {
		call.Params, call.Body = responseParams(body)
	}
	status, code := s.serveResponseURL(r, body)
	call.Status = status
	if status != http.StatusOK {
		call.Error = code
		s.logf("slacktest: response_url -> %d %s", status, code)
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

// responseParams is what Call records of a response_url post.
func responseParams(body []byte) (map[string]string, json.RawMessage) {
	params := map[string]string{}
	var top map[string]json.RawMessage
	if json.Unmarshal(body, &top) != nil {
		return params, mustJSON(string(body))
	}
	for k, v := range top {
		var str string
		if json.Unmarshal(v, &str) == nil {
			params[k] = str
		} else {
			params[k] = string(v)
		}
	}
	return params, json.RawMessage(body)
}

// parseResponseBody reads a response_url post as json.Unmarshal into
// responseBody does, the JSON values left in body rather than copied.
func parseResponseBody(body []byte) (responseBody, error) {
	var rb responseBody
	s := scanner{data: body}
	err := s.object(func(key jsonString) error {
		i, err := keyIndex(key, "text", "blocks", "attachments", "response_type", "replace_original", "delete_original", "thread_ts")
		if err != nil {
			return err
		}
		switch i {
		case 0:
			return s.stringInto(&rb.Text)
		case 1:
			rb.Blocks, err = s.rawValue()
			return err
		case 2:
			rb.Attachments, err = s.rawValue()
			return err
		case 3:
			return s.stringInto(&rb.ResponseType)
		case 4:
			return s.boolInto(&rb.ReplaceOriginal)
		case 5:
			return s.boolInto(&rb.DeleteOriginal)
		case 6:
			return s.stringInto(&rb.ThreadTS)
		}
		return s.skip()
	})
	if err != nil || !s.end() {
		var slow responseBody // only this one escapes to the heap
		err := json.Unmarshal(body, &slow)
		return slow, err
	}
	return rb, nil
}

// serveResponseURL answers like a Slack webhook: HTTP errors with a short
// code, since that is what response_url callers get instead of the Web
// API's {"ok":false} bodies.
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
	ru := s.responses[r.URL.Path]
	switch {
	case ru == nil:
		s.mu.Unlock()
		return http.StatusNotFound, "no_active_hooks"
	case time.Since(ru.created) > s.cfg.ResponseURLTTL:
		s.mu.Unlock()
		return http.StatusNotFound, "expired_url"
	case ru.uses >= s.cfg.ResponseURLUses:
		s.mu.Unlock()
		return http.StatusNotFound, "used_url"
	}
	s.mu.Unlock()

	rb, err := parseResponseBody(body)
	if err != nil {
		return http.StatusBadRequest, "invalid_payload"
	}
	hasAtt := present(rb.Attachments) && string(rb.Attachments) != "[]"
	var c content
	if !rb.DeleteOriginal {
		var aerr *apiError
		c, aerr = messageContent(rb.Text, rb.Text != "", rb.Blocks, present(rb.Blocks), hasAtt)
		if aerr != nil {
			return http.StatusBadRequest, aerr.code
		}
	}

	s.mu.Lock()
	defer s.deliver()
	defer s.mu.Unlock()
	if ru.uses >= s.cfg.ResponseURLUses { // lost a race with another post
		return http.StatusNotFound, "used_url"
	}
	ru.uses++
	target, targetEphemeral := ru.originTS, ru.originEphemeral
	if target == "" {
		target, targetEphemeral = ru.lastTS, true
	}
	thread := rb.ThreadTS
	if thread == "" {
		thread = ru.threadTS
	}
	p := Posted{Kind: "response_url", Channel: ru.channel, ThreadTS: thread, UserID: ru.user}
	if rb.DeleteOriginal {
		p.TS, p.Delete = target, true
		delete(s.messages, msgKey(ru.channel, target))
		s.postLocked(p)
		return http.StatusOK, ""
	}
	p.Text, p.Blocks, p.ResponseType = c.text, c.blocks, rb.ResponseType
	if rb.ReplaceOriginal && target != "" {
		p.TS, p.Replace = target, true
		if p.ResponseType == "" && !targetEphemeral {
			p.ResponseType = "in_channel"
		}
	} else {
		p.TS = s.nextTSLocked()
	}
	if p.ResponseType == "" {
		p.ResponseType = "ephemeral"
	}
	ru.lastTS = p.TS
	s.storeMessageLocked(&message{
		channel: ru.channel, ts: p.TS, threadTS: thread, user: s.cfg.BotUserID, fromBot: true,
		text: p.Text, blocks: p.Blocks, ephemeral: p.ResponseType != "in_channel", viewer: ru.user,
	})
	s.postLocked(p)
	return http.StatusOK, ""
}
