package slacktest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// trigger is an issued trigger_id. Slack lets one be exchanged once, within
// three seconds, for a view shown to the user who caused it.
type trigger struct {
	user   string
	issued time.Time
	used   bool
}

func (s *Server) issueTriggerLocked(user string) string {
	s.sweepLocked()
	id := s.triggerIDLocked()
	s.triggerMemo.add(id, time.Now(), s.cfg.ForgetAfter, 0, func(id string) { delete(s.triggers, id) })
	s.triggers[id] = &trigger{user: user, issued: time.Now()}
	return id
}

// sweepLocked now and then forgets triggers, response_urls and websocket
// tickets long past expiry, so a long-running emulator stays small. With
// ForgetAfter set they are forgotten sooner, at a constant cost, rather
// than by scanning them all.
func (s *Server) sweepLocked() {
	if s.counter%256 != 0 || s.cfg.ForgetAfter > 0 {
		return
	}
	for id, t := range s.triggers {
		if time.Since(t.issued) > s.cfg.TriggerTTL+sweepGrace {
			delete(s.triggers, id)
		}
	}
	for ticket, issued := range s.tickets {
		if time.Since(issued) > sweepGrace {
			delete(s.tickets, ticket)
		}
	}
	for path, r := range s.responses {
		if time.Since(r.created) > s.cfg.ResponseURLTTL+sweepGrace {
			delete(s.responses, path)
		}
	}
}

func (s *Server) exchangeTriggerLocked(id string) (string, *apiError) {
	if id == "" {
		return "", fail("invalid_arguments", "[ERROR] missing required field: trigger_id")
	}
	t, ok := s.triggers[id]
	switch {
	case !ok:
		return "", fail("invalid_trigger_id")
	case t.used:
		return "", fail("exchanged_trigger_id")
	case time.Since(t.issued) > s.cfg.TriggerTTL:
		return "", fail("expired_trigger_id")
	}
	t.used = true
	return t.user, nil
}

// viewRec is a stored modal or Home tab. Its parts are kept as JSON text,
// ready to echo: Slack sends the whole view back with every interaction.
type viewRec struct {
	id, typ, user                         string
	title, submit, close                  json.RawMessage // plain_text objects as sent; nil when absent
	titleText, submitText, closeText      string
	blocks                                json.RawMessage // with the block_ids Slack generates filled in
	privateMetadata, callbackID, external string
	clearOnClose, notifyOnClose           bool
	hash, rootID, previousID              string
}

func plainText(v any) string {
	if m, ok := v.(obj); ok {
		s, _ := m["text"].(string)
		return s
	}
	return ""
}

// parseView validates a view argument the way views.* do and returns it
// with block_ids filled in. Problems come back as invalid_arguments with
// Slack-style messages.
func parseView(raw []byte, wantType string) (*viewRec, *apiError) {
	if len(raw) > 250*1024 {
		return nil, fail("view_too_large")
	}
	if v, err := fastView(raw, wantType); err == nil {
		return v, nil
	}
	return slowView(raw, wantType)
}

// slowView is parseView's encoding/json path: for views with a problem to
// word, or with something to fill in beyond block_ids.
func slowView(raw []byte, wantType string) (*viewRec, *apiError) {
	dec, err := decodeJSON(raw)
	m, ok := dec.(obj)
	if err != nil || !ok {
		return nil, fail("invalid_arguments", "[ERROR] view must be a JSON object [json-pointer:/view]")
	}
	var p blockProblem
	v := &viewRec{}
	v.typ, _ = m["type"].(string)
	if v.typ != wantType {
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
	if len(p.msgs) == 0 {
		p.msgs = append(p.msgs, checkBlocks(blocks, maxViewBlocks, "/view/blocks")...)
	}
	str := func(k string, max int) string {
		s, _ := m[k].(string)
		if utf8.RuneCountInString(s) > max {
			p.addf("/view/"+k, "must be less than %d characters", max+1)
		}
		return s
	}
	v.privateMetadata = str("private_metadata", 3000)
	v.callbackID = str("callback_id", 255)
	v.external = str("external_id", 255)
	v.clearOnClose, _ = m["clear_on_close"].(bool)
	v.notifyOnClose, _ = m["notify_on_close"].(bool)
	if wantType == "modal" {
		for _, k := range []string{"title", "submit", "close"} {
			t, present := m[k]
			if !present || t == nil {
				continue
			}
			if tm, ok := t.(obj); !ok || tm["type"] != "plain_text" {
				p.addf("/view/"+k, "must be a plain_text text object")
			} else if utf8.RuneCountInString(plainText(t)) > 24 {
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
	}
	if len(p.msgs) > 0 {
		return nil, fail("invalid_arguments", p.msgs...)
	}
	v.blocks = mustJSON(blocks)
	if wantType == "modal" {
		text := func(t any) (json.RawMessage, string) {
			if t == nil {
				return nil, ""
			}
			return mustJSON(t), plainText(t)
		}
		v.title, v.titleText = text(m["title"])
		v.submit, v.submitText = text(m["submit"])
		v.close, v.closeText = text(m["close"])
	}
	return v, nil
}

// fastView is parseView for a view with nothing to report, without decoding
// it; errNotPlain sends the caller to slowView.
func fastView(raw []byte, wantType string) (*viewRec, error) {
	s := scanner{data: raw}
	v := &viewRec{}
	var keys seen
	var blocks blockScan
	hasBlocks := false
	// plainTextObject reads title, submit or close: a plain_text object
	// of at most 24 characters, or null.
	plainTextObject := func(dst *json.RawMessage, text *string) error {
		if s.peek() == 'n' {
			return s.literal("null")
		}
		if s.peek() != '{' {
			return errNotPlain
		}
		start, isPlain := s.pos, false
		var keys seen
		err := s.object(func(key jsonString) error {
			if key.escaped {
				return errNotPlain
			}
			switch string(key.raw) {
			case "type":
				if err := keys.add(0); err != nil {
					return err
				}
				t, err := s.str()
				isPlain = t.is("plain_text")
				return err
			case "text":
				if err := keys.add(1); err != nil {
					return err
				}
				if s.peek() != '"' {
					return s.skip()
				}
				t, err := s.str()
				*text = t.value()
				return err
			}
			return s.skip()
		})
		if err != nil || !isPlain || utf8.RuneCountInString(*text) > 24 {
			return errNotPlain
		}
		*dst = s.data[start:s.pos]
		return nil
	}
	// optString reads a string that may be too long; Slack (and slowView)
	// take a value of another type as "".
	optString := func(dst *string, max int) error {
		if s.peek() != '"' {
			return s.skip()
		}
		t, err := s.str()
		*dst = t.value()
		if err == nil && utf8.RuneCountInString(*dst) > max {
			return errNotPlain
		}
		return err
	}
	optBool := func(dst *bool) error {
		*dst = s.peek() == 't'
		return s.skip()
	}
	err := s.object(func(key jsonString) error {
		if key.escaped {
			return errNotPlain
		}
		k := string(key.raw)
		i := slices.Index([]string{"type", "blocks", "private_metadata", "callback_id", "external_id",
			"clear_on_close", "notify_on_close", "title", "submit", "close"}, k)
		if i < 0 {
			return s.skip()
		}
		if err := keys.add(i); err != nil {
			return err
		}
		switch k {
		case "type":
			t, err := s.str()
			v.typ = t.value()
			return err
		case "blocks":
			var err error
			blocks, err = s.blocks(maxViewBlocks)
			hasBlocks = true
			return err
		case "private_metadata":
			return optString(&v.privateMetadata, 3000)
		case "callback_id":
			return optString(&v.callbackID, 255)
		case "external_id":
			return optString(&v.external, 255)
		case "clear_on_close":
			return optBool(&v.clearOnClose)
		case "notify_on_close":
			return optBool(&v.notifyOnClose)
		}
		if wantType != "modal" { // a Home tab has no title or buttons
			return s.skip()
		}
		switch k {
		case "title":
			return plainTextObject(&v.title, &v.titleText)
		case "submit":
			return plainTextObject(&v.submit, &v.submitText)
		}
		return plainTextObject(&v.close, &v.closeText)
	})
	switch {
	case err != nil || !s.end() || v.typ != wantType || !hasBlocks:
		return nil, errNotPlain
	case wantType == "modal" && (v.title == nil || v.submit == nil && blocks.hasInput):
		return nil, errNotPlain
	}
	v.blocks = blocks.out
	return v, nil
}

// viewJSON renders a stored view the way Slack returns and sends it, with
// values as state.values (nil for none). It writes what json.Marshal wrote
// for the map it once built: keys in sorted order.
func (s *Server) viewJSON(v *viewRec, values json.RawMessage) json.RawMessage {
	modal := v.typ == "modal"
	o := jsonObject{b: make([]byte, 0, len(v.blocks)+len(values)+len(v.privateMetadata)+640)}
	o.str("app_id", s.cfg.AppID)
	o.str("app_installed_team_id", s.cfg.TeamID)
	o.raw("blocks", v.blocks)
	o.str("bot_id", s.cfg.BotID)
	o.str("callback_id", v.callbackID)
	o.boolean("clear_on_close", v.clearOnClose)
	if modal {
		o.raw("close", v.close)
	}
	o.str("external_id", v.external)
	o.str("hash", v.hash)
	o.str("id", v.id)
	o.boolean("notify_on_close", v.notifyOnClose)
	if modal {
		if v.previousID != "" {
			o.str("previous_view_id", v.previousID)
		} else {
			o.raw("previous_view_id", nil)
		}
	}
	o.str("private_metadata", v.privateMetadata)
	o.str("root_view_id", v.rootID)
	if values == nil {
		values = json.RawMessage("{}")
	}
	var state jsonObject
	state.raw("values", values)
	o.raw("state", state.done())
	if modal {
		o.raw("submit", v.submit)
	}
	o.str("team_id", s.cfg.TeamID)
	if modal {
		o.raw("title", v.title)
	}
	o.str("type", v.typ)
	return o.done()
}

// postViewLocked records a view as seen by its user.
func (s *Server) postViewLocked(v *viewRec, replace bool) {
	kind := "view"
	if v.typ == "home" {
		kind = "home"
	}
	s.postLocked(Posted{Kind: kind, ViewID: v.id, UserID: v.user, Text: v.titleText, Blocks: v.blocks, Replace: replace})
}

func (s *Server) registerExternalLocked(v *viewRec) *apiError {
	if v.external == "" {
		return nil
	}
	if owner, ok := s.external[v.external]; ok && owner != v.id {
		return fail("duplicate_external_id")
	}
	return nil
}

func (s *Server) storeViewLocked(v *viewRec) {
	if _, ok := s.views[v.id]; !ok {
		s.viewMemo.add(v.id, time.Now(), s.cfg.ForgetAfter, 0, s.forgetViewLocked)
	}
	s.views[v.id] = v
	if v.external != "" {
		s.external[v.external] = v.id
	}
}

// forgetViewLocked drops a view and what refers to it (ForgetAfter).
func (s *Server) forgetViewLocked(id string) {
	v := s.views[id]
	if v == nil {
		return
	}
	delete(s.views, id)
	if s.external[v.external] == id {
		delete(s.external, v.external)
	}
	if s.latest[v.user] == id {
		delete(s.latest, v.user)
	}
	if s.homes[v.user] == id {
		delete(s.homes, v.user)
	}
	if stack := slices.DeleteFunc(s.stacks[v.user], func(x string) bool { return x == id }); len(stack) > 0 {
		s.stacks[v.user] = stack
	} else {
		delete(s.stacks, v.user)
	}
}

func viewArg(r *apiRequest) ([]byte, *apiError) {
	raw, ok := r.rawJSON("view")
	if !ok {
		return nil, fail("invalid_arguments", "[ERROR] missing required field: view [json-pointer:/view]")
	}
	return raw, nil
}

func (s *Server) viewsOpen(_ context.Context, r *apiRequest) (obj, *apiError) {
	raw, aerr := viewArg(r)
	if aerr != nil {
		return nil, aerr
	}
	v, aerr := parseView(raw, "modal")
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.deliver()
	defer s.mu.Unlock()
	if aerr := s.registerExternalLocked(v); aerr != nil {
		return nil, aerr
	}
	user, aerr := s.exchangeTriggerLocked(r.str("trigger_id"))
	if aerr != nil {
		return nil, aerr
	}
	s.stacks[user] = nil // views.open starts a new stack
	if aerr := s.pushLocked(user, v); aerr != nil {
		return nil, aerr
	}
	return obj{"view": s.viewJSON(v, nil)}, nil
}

// pushLocked puts v on top of user's modal stack; Slack allows three views.
func (s *Server) pushLocked(user string, v *viewRec) *apiError {
	stack := s.stacks[user]
	if len(stack) >= 3 {
		return fail("push_limit_reached")
	}
	v.id, v.user, v.hash = viewID(), user, viewHash()
	v.rootID = v.id
	if len(stack) > 0 {
		v.rootID = stack[0]
		v.previousID = stack[len(stack)-1]
	}
	s.storeViewLocked(v)
	s.stacks[user] = append(stack, v.id)
	s.latest[user] = v.id
	s.postViewLocked(v, false)
	return nil
}

func (s *Server) viewsPush(_ context.Context, r *apiRequest) (obj, *apiError) {
	raw, aerr := viewArg(r)
	if aerr != nil {
		return nil, aerr
	}
	v, aerr := parseView(raw, "modal")
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.deliver()
	defer s.mu.Unlock()
	if aerr := s.registerExternalLocked(v); aerr != nil {
		return nil, aerr
	}
	user, aerr := s.exchangeTriggerLocked(r.str("trigger_id"))
	if aerr != nil {
		return nil, aerr
	}
	if aerr := s.pushLocked(user, v); aerr != nil {
		return nil, aerr
	}
	return obj{"view": s.viewJSON(v, nil)}, nil
}

// replaceLocked swaps old's content for nv's, keeping its identity.
func (s *Server) replaceLocked(old, nv *viewRec) {
	if old.external != "" && old.external != nv.external {
		delete(s.external, old.external)
	}
	nv.id, nv.user, nv.rootID, nv.previousID = old.id, old.user, old.rootID, old.previousID
	nv.hash = viewHash()
	*old = *nv
	s.storeViewLocked(old)
	s.postViewLocked(old, true)
}

func (s *Server) viewsUpdate(_ context.Context, r *apiRequest) (obj, *apiError) {
	raw, aerr := viewArg(r)
	if aerr != nil {
		return nil, aerr
	}
	id, ext := r.str("view_id"), r.str("external_id")
	if id == "" && ext == "" {
		return nil, fail("invalid_arguments", "[ERROR] one of view_id or external_id is required")
	}
	s.mu.Lock()
	if id == "" {
		id = s.external[ext]
	}
	old := s.views[id]
	var typ string
	if old != nil {
		typ = old.typ // read under the lock: replaceLocked rewrites *old
	}
	s.mu.Unlock()
	if old == nil {
		return nil, fail("not_found")
	}
	nv, aerr := parseView(raw, typ)
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.deliver()
	defer s.mu.Unlock()
	if h := r.str("hash"); h != "" && h != old.hash {
		return nil, fail("hash_conflict")
	}
	nv.id = old.id
	if aerr := s.registerExternalLocked(nv); aerr != nil {
		return nil, aerr
	}
	s.replaceLocked(old, nv)
	return obj{"view": s.viewJSON(old, nil)}, nil
}

func (s *Server) viewsPublish(_ context.Context, r *apiRequest) (obj, *apiError) {
	user := r.str("user_id")
	if user == "" {
		return nil, fail("invalid_arguments", "[ERROR] missing required field: user_id")
	}
	if !isID(user, "UW") {
		return nil, fail("user_not_found")
	}
	raw, aerr := viewArg(r)
	if aerr != nil {
		return nil, aerr
	}
	v, aerr := parseView(raw, "home")
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.deliver()
	defer s.mu.Unlock()
	old := s.views[s.homes[user]]
	if h := r.str("hash"); h != "" && (old == nil || h != old.hash) {
		return nil, fail("hash_conflict")
	}
	if old != nil {
		v.id = old.id
		if aerr := s.registerExternalLocked(v); aerr != nil {
			return nil, aerr
		}
		s.replaceLocked(old, v)
		return obj{"view": s.viewJSON(old, nil)}, nil
	}
	if aerr := s.registerExternalLocked(v); aerr != nil {
		return nil, aerr
	}
	v.id, v.user, v.hash = viewID(), user, viewHash()
	v.rootID = v.id
	s.storeViewLocked(v)
	s.homes[user] = v.id
	s.postViewLocked(v, false)
	return obj{"view": s.viewJSON(v, nil)}, nil
}

// View is a modal or Home tab the bot showed a user.
type View struct {
	ID, Type, UserID           string
	CallbackID                 string
	PrivateMetadata            string
	ExternalID, Hash           string
	RootViewID, PreviousViewID string
	Title, Submit, Close       string // button and title texts
	Blocks                     json.RawMessage
	Raw                        json.RawMessage        // the whole view object, as views.open answered it
	Modal                      slack.ModalViewRequest // Raw parsed by slack-go, for typed access
	Open                       bool                   // still on the user's modal stack
}

func (s *Server) exportViewLocked(v *viewRec) View {
	raw := s.viewJSON(v, nil)
	out := View{
		ID: v.id, Type: v.typ, UserID: v.user, CallbackID: v.callbackID, PrivateMetadata: v.privateMetadata,
		ExternalID: v.external, Hash: v.hash, RootViewID: v.rootID, PreviousViewID: v.previousID,
		Title: v.titleText, Submit: v.submitText, Close: v.closeText,
		Blocks: slices.Clone(v.blocks), Raw: raw,
		Open: slices.Contains(s.stacks[v.user], v.id),
	}
	_ = json.Unmarshal(raw, &out.Modal) // best effort: unknown block types still parse
	return out
}

// LatestView returns the last modal opened or pushed for userID.
func (s *Server) LatestView(userID string) (View, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.views[s.latest[userID]]
	if v == nil {
		return View{}, false
	}
	return s.exportViewLocked(v), true
}

// ViewByID returns a stored modal or Home tab.
func (s *Server) ViewByID(id string) (View, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.views[id]
	if v == nil {
		return View{}, false
	}
	return s.exportViewLocked(v), true
}

// HomeView returns the Home tab last published for userID.
func (s *Server) HomeView(userID string) (View, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.views[s.homes[userID]]
	if v == nil {
		return View{}, false
	}
	return s.exportViewLocked(v), true
}

// viewState builds view.state.values from answers (block_id -> value) the
// way Slack fills it on submission: every input block appears, answered
// or not; answers for unknown blocks are passed through as text inputs.
func viewState(blocks []any, answers map[string]string) obj {
	values := obj{}
	for _, b := range blocks {
		m, _ := b.(obj)
		if m["type"] != "input" {
			continue
		}
		el, ok := m["element"].(obj)
		if !ok {
			continue
		}
		bid, _ := m["block_id"].(string)
		aid, _ := el["action_id"].(string)
		ans, has := answers[bid]
		values[bid] = obj{aid: elementState(el, ans, has)}
	}
	keys := make([]string, 0, len(answers))
	for k := range answers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if _, known := values[k]; !known {
			values[k] = obj{k: obj{"type": "plain_text_input", "value": answers[k]}}
		}
	}
	return values
}

// elementState is one element's entry in state.values. A select's answer
// is an option value (a comma-separated list for multi-selects); an option
// the element does not offer is sent anyway, for tamper tests.
func elementState(el obj, ans string, has bool) obj {
	typ, _ := el["type"].(string)
	st := obj{"type": typ}
	orNil := func(initial string) any {
		if has && ans != "" {
			return ans
		}
		if v, ok := el[initial]; ok && !has {
			return v
		}
		return nil
	}
	switch typ {
	case "static_select", "external_select", "radio_buttons":
		switch {
		case has && ans != "":
			st["selected_option"] = optionFor(el, ans)
		case !has && el["initial_option"] != nil:
			st["selected_option"] = el["initial_option"]
		default:
			st["selected_option"] = nil
		}
	case "multi_static_select", "multi_external_select", "checkboxes":
		sel := []any{}
		if has {
			for _, v := range strings.Split(ans, ",") {
				if v = strings.TrimSpace(v); v != "" {
					sel = append(sel, optionFor(el, v))
				}
			}
		} else if io, ok := el["initial_options"].([]any); ok {
			sel = io
		}
		st["selected_options"] = sel
	case "users_select":
		st["selected_user"] = orNil("initial_user")
	case "conversations_select":
		st["selected_conversation"] = orNil("initial_conversation")
	case "channels_select":
		st["selected_channel"] = orNil("initial_channel")
	case "datepicker":
		st["selected_date"] = orNil("initial_date")
	case "timepicker":
		st["selected_time"] = orNil("initial_time")
	case "multi_users_select", "multi_conversations_select", "multi_channels_select":
		key := map[string]string{
			"multi_users_select":         "selected_users",
			"multi_conversations_select": "selected_conversations",
			"multi_channels_select":      "selected_channels",
		}[typ]
		sel := []any{}
		for _, v := range strings.Split(ans, ",") {
			if v = strings.TrimSpace(v); v != "" {
				sel = append(sel, v)
			}
		}
		st[key] = sel
	default: // plain_text_input, email_text_input, url_text_input, number_input, ...
		st["value"] = orNil("initial_value")
	}
	return st
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
// buttons, text for text inputs. The submission carries the view's
// callback_id and private_metadata, a fresh trigger_id and empty
// response_urls. After the ack, the response_action (clear, update, push,
// errors, or none) is applied to the user's modal stack.
func (s *Server) SubmitView(ctx context.Context, userID, viewID string, answers map[string]string) (Ack, error) {
	s.mu.Lock()
	v := s.views[viewID]
	if v == nil || v.typ != "modal" {
		s.mu.Unlock()
		return Ack{}, fmt.Errorf("%w: modal %q", ErrUnknownView, viewID)
	}
	view := *v // the payload is built outside the lock; views.update replaces *v
	trigger := s.issueTriggerLocked(userID)
	s.mu.Unlock()
	values, err := stateValues(view.blocks, answers)
	if err != nil { // not expected of stored blocks; the slow way says the same
		blocks, _ := parseBlocks(view.blocks)
		values = mustJSON(viewState(blocks, answers))
	}
	p := jsonObject{b: make([]byte, 0, len(view.blocks)+len(values)+1024)}
	p.str("api_app_id", s.cfg.AppID)
	p.raw("enterprise", nil)
	p.boolean("is_enterprise_install", false)
	p.raw("response_urls", []byte("[]"))
	p.value("team", s.teamJSON())
	p.str("token", verificationToken)
	p.str("trigger_id", trigger)
	p.str("type", "view_submission")
	p.value("user", s.userJSON(userID))
	p.raw("view", s.viewJSON(&view, values))
	ack, err := s.sendOwn(ctx, "interactive", p.done(), true)
	if err != nil {
		return ack, err
	}
	return ack, s.applyResponseAction(viewID, ack.Payload)
}

// applyResponseAction does to the modal stack what Slack does with a
// view_submission ack.
func (s *Server) applyResponseAction(viewID string, payload json.RawMessage) error {
	var resp struct {
		ResponseAction string          `json:"response_action"`
		View           json.RawMessage `json:"view"`
	}
	if len(payload) > 0 {
		if err := json.Unmarshal(payload, &resp); err != nil {
			return fmt.Errorf("slacktest: view_submission ack payload: %w", err)
		}
	}
	s.mu.Lock()
	defer s.deliver()
	defer s.mu.Unlock()
	v := s.views[viewID]
	if v == nil { // forgotten meanwhile (ForgetAfter): no stack to change
		return nil
	}
	switch resp.ResponseAction {
	case "":
		// An empty ack closes the submitted view, uncovering any below it.
		s.stacks[v.user] = slices.DeleteFunc(s.stacks[v.user], func(id string) bool { return id == viewID })
	case "clear":
		delete(s.stacks, v.user)
	case "errors":
	case "update", "push":
		nv, aerr := parseView(resp.View, "modal")
		if aerr != nil {
			return fmt.Errorf("slacktest: response_action %s: %s %v", resp.ResponseAction, aerr.code, aerr.msgs)
		}
		if resp.ResponseAction == "update" {
			nv.id = v.id
			if aerr := s.registerExternalLocked(nv); aerr != nil {
				return fmt.Errorf("slacktest: response_action update: %s", aerr.code)
			}
			s.replaceLocked(v, nv)
			return nil
		}
		if aerr := s.registerExternalLocked(nv); aerr != nil {
			return fmt.Errorf("slacktest: response_action push: %s", aerr.code)
		}
		if aerr := s.pushLocked(v.user, nv); aerr != nil {
			return fmt.Errorf("slacktest: response_action push: %s", aerr.code)
		}
	default:
		return fmt.Errorf("slacktest: unknown response_action %q", resp.ResponseAction)
	}
	return nil
}
