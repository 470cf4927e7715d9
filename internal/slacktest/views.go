package slacktest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// trigger is an issued trigger_id. Slack takes one once, within three
// seconds, for a view shown to the user who caused it.
type trigger struct {
	user   string
	issued time.Time
	used   bool
}

func (s *Server) issueTriggerLocked(user string) string {
	s.counter++
	id := fmt.Sprintf("%d.%d.%s", time.Now().Unix(), s.counter, randHex(16)) // Slack's "132456.7890123.abcdef" shape
	s.triggers.put(id, &trigger{user: user, issued: time.Now()}, time.Now())
	return id
}

func (s *Server) exchangeTriggerLocked(id string) (string, *apiError) {
	t := s.triggers.m[id]
	switch {
	case id == "":
		return "", fail("invalid_arguments", "[ERROR] missing required field: trigger_id")
	case t == nil:
		return "", fail("invalid_trigger_id")
	case t.used:
		return "", fail("exchanged_trigger_id")
	case time.Since(t.issued) > s.cfg.TriggerTTL:
		return "", fail("expired_trigger_id")
	}
	t.used = true
	return t.user, nil
}

// viewRec is a stored modal or Home tab.
type viewRec struct {
	id, typ, user, hash                   string
	title, submit, close                  json.RawMessage // plain_text objects, or nil
	blocks                                json.RawMessage // with the block_ids Slack generates
	privateMetadata, callbackID, external string
	clearOnClose, notifyOnClose           bool
	open                                  bool // a modal the user has not closed
}

// parseView checks a view argument as views.* do and returns it with the
// ids Slack generates filled in; problems are invalid_arguments with
// Slack's wording.
func parseView(view any, wantType string) (*viewRec, *apiError) {
	m, ok := view.(obj)
	if !ok {
		return nil, fail("invalid_arguments", "[ERROR] view must be a JSON object [json-pointer:/view]")
	}
	var p problems
	v := &viewRec{}
	if v.typ, _ = m["type"].(string); v.typ != wantType {
		p.addf("/view/type", "must be %q", wantType)
	}
	blocks, ok := m["blocks"].([]any)
	if !ok {
		p.addf("/view/blocks", "missing required field: blocks")
	}
	for i, b := range blocks {
		if _, ok := b.(obj); !ok {
			p.addf(fmt.Sprintf("/view/blocks/%d", i), "must be an object")
		}
	}
	if len(p) == 0 {
		p = append(p, checkBlocks(blocks, maxViewBlocks, "/view/blocks")...)
	}
	str := func(k string, max int) string {
		s, _ := m[k].(string)
		if utf8.RuneCountInString(s) > max {
			p.addf("/view/"+k, "must be less than %d characters", max+1)
		}
		return s
	}
	v.privateMetadata, v.callbackID, v.external = str("private_metadata", 3000), str("callback_id", 255), str("external_id", 255)
	v.clearOnClose, _ = m["clear_on_close"].(bool)
	v.notifyOnClose, _ = m["notify_on_close"].(bool)
	if wantType == "modal" {
		for _, k := range []string{"title", "submit", "close"} {
			if t, ok := m[k].(obj); m[k] != nil && (!ok || t["type"] != "plain_text") {
				p.addf("/view/"+k, "must be a plain_text text object")
			} else if length(t) > 24 {
				p.addf("/view/"+k+"/text", "must be less than 25 characters")
			}
		}
		if m["title"] == nil {
			p.addf("/view/title", "missing required field: title")
		}
		if m["submit"] == nil && slices.ContainsFunc(blocks, func(b any) bool {
			bm, _ := b.(obj)
			return bm["type"] == "input"
		}) {
			p.addf("/view/submit", "submit is required when an input block is present")
		}
		v.title, v.submit, v.close = textObject(m["title"]), textObject(m["submit"]), textObject(m["close"])
	}
	if len(p) > 0 {
		return nil, fail("invalid_arguments", p...)
	}
	if v.blocks = mustJSON(blocks); len(v.blocks) > maxViewBytes { // the blocks are most of a view
		return nil, fail("view_too_large")
	}
	return v, nil
}

// viewJSON is a stored view as Slack returns and sends it, with values
// as its state.values (nil for none).
func (s *Server) viewJSON(v *viewRec, values obj) obj {
	if values == nil {
		values = obj{}
	}
	o := obj{
		"app_id": s.cfg.AppID, "app_installed_team_id": s.cfg.TeamID, "blocks": v.blocks, "bot_id": s.cfg.BotID,
		"callback_id": v.callbackID, "clear_on_close": v.clearOnClose, "external_id": v.external, "hash": v.hash,
		"id": v.id, "notify_on_close": v.notifyOnClose, "private_metadata": v.privateMetadata, "root_view_id": v.id,
		"state": obj{"values": values}, "team_id": s.cfg.TeamID, "type": v.typ,
	}
	if v.typ == "modal" {
		o["title"], o["submit"], o["close"], o["previous_view_id"] = v.title, v.submit, v.close, nil
	}
	return o
}

// showLocked stores v as user's, new or replacing the view it names, and
// records it as seen.
func (s *Server) showLocked(v *viewRec, user string) {
	replace := v.id != ""
	if !replace {
		v.id = "V" + randUpper(10)
	}
	v.user, v.hash, v.open = user, viewHash(), v.typ == "modal"
	s.views.put(v.id, v, time.Now())
	kind, title := "home", ""
	if v.typ == "modal" {
		kind, title = "view", plainText(v.title)
		s.latest[user] = v.id
	} else {
		s.homes[user] = v.id
	}
	s.postLocked(Posted{Kind: kind, ViewID: v.id, UserID: user, Text: title, Blocks: v.blocks, Replace: replace})
}

// textObject keeps a text object as JSON; nil for none.
func textObject(t any) json.RawMessage {
	if t == nil {
		return nil
	}
	return mustJSON(t)
}

// plainText is the text of a text object kept as JSON.
func plainText(t json.RawMessage) string {
	var o struct{ Text string }
	_ = json.Unmarshal(t, &o)
	return o.Text
}

// forgetViewLocked drops what refers to a forgotten view (ForgetAfter).
func (s *Server) forgetViewLocked(id string, v *viewRec) {
	if s.latest[v.user] == id {
		delete(s.latest, v.user)
	}
	if s.homes[v.user] == id {
		delete(s.homes, v.user)
	}
}

func viewArg(r *apiRequest, typ string) (*viewRec, *apiError) {
	raw, ok := r.jsonArg("view")
	if !ok {
		return nil, fail("invalid_arguments", "[ERROR] missing required field: view [json-pointer:/view]")
	}
	return parseView(raw, typ)
}

func (s *Server) viewsOpen(r *apiRequest) (obj, *apiError) {
	v, aerr := viewArg(r, "modal")
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.deliver()
	defer s.mu.Unlock()
	user, aerr := s.exchangeTriggerLocked(r.str("trigger_id"))
	if aerr != nil {
		return nil, aerr
	}
	if old := s.views.m[s.latest[user]]; old != nil { // views.open replaces the user's modal
		old.open = false
	}
	s.showLocked(v, user)
	return obj{"view": s.viewJSON(v, nil)}, nil
}

func (s *Server) viewsPublish(r *apiRequest) (obj, *apiError) {
	user := r.str("user_id")
	switch {
	case user == "":
		return nil, fail("invalid_arguments", "[ERROR] missing required field: user_id")
	case !isID(user, "UW"):
		return nil, fail("user_not_found")
	}
	v, aerr := viewArg(r, "home")
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.deliver()
	defer s.mu.Unlock()
	old := s.views.m[s.homes[user]]
	if h := r.str("hash"); h != "" && (old == nil || h != old.hash) {
		return nil, fail("hash_conflict")
	}
	if old != nil {
		v.id = old.id
	}
	s.showLocked(v, user)
	return obj{"view": s.viewJSON(v, nil)}, nil
}

// View is a modal or Home tab the bot showed a user.
type View struct {
	ID, Type, UserID     string
	CallbackID           string
	PrivateMetadata      string
	Hash                 string
	Title, Submit, Close string // the texts of the title and buttons
	Blocks               json.RawMessage
	Open                 bool // a modal the user has not closed
}

func (s *Server) exportLocked(id string) (View, bool) {
	v := s.views.m[id]
	if v == nil {
		return View{}, false
	}
	return View{ID: v.id, Type: v.typ, UserID: v.user, CallbackID: v.callbackID, PrivateMetadata: v.privateMetadata,
		Hash: v.hash, Title: plainText(v.title), Submit: plainText(v.submit), Close: plainText(v.close),
		Blocks: slices.Clone(v.blocks), Open: v.open}, true
}

// LatestView returns the last modal opened for userID.
func (s *Server) LatestView(userID string) (View, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.exportLocked(s.latest[userID])
}

// ViewByID returns a stored modal or Home tab.
func (s *Server) ViewByID(id string) (View, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.exportLocked(id)
}

// HomeView returns the Home tab last published for userID.
func (s *Server) HomeView(userID string) (View, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.exportLocked(s.homes[userID])
}

// viewState is view.state.values for answers (block_id -> value) as
// Slack fills it on submission: every input block, answered or not;
// answers for unknown blocks go as text inputs, for tamper tests.
func viewState(blocks []any, answers map[string]string) (obj, error) {
	values := obj{}
	for _, b := range blocks {
		m := b.(obj)
		el, ok := m["element"].(obj)
		if m["type"] != "input" || !ok {
			continue
		}
		bid, _ := m["block_id"].(string)
		aid, _ := el["action_id"].(string)
		ans, has := answers[bid]
		st, err := elementState(el, ans, has)
		if err != nil {
			return nil, fmt.Errorf("slacktest: block %s: %w", bid, err)
		}
		values[bid] = obj{aid: st}
	}
	for k, v := range answers {
		if _, known := values[k]; !known {
			values[k] = obj{k: obj{"type": "plain_text_input", "value": v}}
		}
	}
	return values, nil
}

// elementState is one element's state. A select's answer is an option
// value (comma-separated for several); one the element does not offer is
// sent anyway, for tamper tests.
func elementState(el obj, ans string, has bool) (obj, error) {
	typ, _ := el["type"].(string)
	st := obj{"type": typ}
	switch typ {
	case "static_select", "external_select", "radio_buttons":
		st["selected_option"] = el["initial_option"]
		if has {
			st["selected_option"] = nil
			if ans != "" {
				st["selected_option"] = optionFor(el, ans)
			}
		}
	case "multi_static_select", "multi_external_select", "checkboxes":
		sel, _ := el["initial_options"].([]any)
		if has || sel == nil {
			sel = []any{}
		}
		for v := range strings.SplitSeq(ans, ",") {
			if v = strings.TrimSpace(v); v != "" {
				sel = append(sel, optionFor(el, v))
			}
		}
		st["selected_options"] = sel
	case "plain_text_input", "email_text_input", "url_text_input", "number_input":
		st["value"] = el["initial_value"]
		if has {
			st["value"] = nil
			if ans != "" {
				st["value"] = ans
			}
		}
	default:
		return nil, fmt.Errorf("submitting a %s element is not emulated", typ)
	}
	return st, nil
}

func optionFor(el obj, value string) obj {
	for _, o := range options(el) {
		if o["value"] == value {
			return o
		}
	}
	return obj{"text": obj{"type": "plain_text", "text": value, "emoji": true}, "value": value}
}

// SubmitView plays userID pressing Submit on a stored modal. answers maps
// block_id to the value chosen: an option value for selects and radio
// buttons, text for text inputs. The view_submission carries the view's
// callback_id and private_metadata, a fresh trigger_id and empty
// response_urls. Slack's handling of the ack's response_action (none,
// clear, errors, update) is applied to the modal.
func (s *Server) SubmitView(ctx context.Context, userID, viewID string, answers map[string]string) (Ack, error) {
	s.mu.Lock()
	v := s.views.m[viewID]
	if v == nil || v.typ != "modal" {
		s.mu.Unlock()
		return Ack{}, fmt.Errorf("%w: modal %q", ErrUnknownView, viewID)
	}
	view := *v // a response_action update rewrites *v
	trigger := s.issueTriggerLocked(userID)
	s.mu.Unlock()
	var blocks []any
	_ = json.Unmarshal(view.blocks, &blocks) // stored by parseView: valid
	values, err := viewState(blocks, answers)
	if err != nil {
		return Ack{}, err
	}
	payload := obj{
		"type": "view_submission", "team": obj{"id": s.cfg.TeamID, "domain": "emulated"}, "user": s.userJSON(userID),
		"api_app_id": s.cfg.AppID, "token": verificationToken, "trigger_id": trigger, "view": s.viewJSON(&view, values),
		"response_urls": []any{}, "is_enterprise_install": false, "enterprise": nil,
	}
	ack, err := s.send(ctx, "interactive", payload, true)
	if err != nil {
		return ack, err
	}
	return ack, s.applyResponseAction(viewID, ack.Payload)
}

// applyResponseAction does to the modal what Slack does with a
// view_submission ack.
func (s *Server) applyResponseAction(viewID string, payload json.RawMessage) error {
	var resp struct {
		ResponseAction string `json:"response_action"`
		View           any    `json:"view"`
	}
	if payload != nil {
		if err := json.Unmarshal(payload, &resp); err != nil {
			return fmt.Errorf("slacktest: view_submission ack payload: %w", err)
		}
	}
	s.mu.Lock()
	defer s.deliver()
	defer s.mu.Unlock()
	v := s.views.m[viewID]
	if v == nil { // forgotten meanwhile (ForgetAfter)
		return nil
	}
	switch resp.ResponseAction {
	case "", "clear": // one modal deep: both close it
		v.open = false
	case "errors":
	case "update":
		nv, aerr := parseView(resp.View, "modal")
		if aerr != nil {
			return fmt.Errorf("slacktest: response_action update: %s %v", aerr.code, aerr.msgs)
		}
		nv.id = v.id
		s.showLocked(nv, v.user)
	default: // "push" needs a modal stack, which is not emulated
		return fmt.Errorf("slacktest: response_action %q is not emulated", resp.ResponseAction)
	}
	return nil
}
