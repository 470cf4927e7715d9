package slacktest

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Slack's assistant panel: a user opens a thread with the bot, in their
// DM with it (StartAssistantThread), and the bot sets the thread's
// suggested prompts, status and title. The user's messages in the thread
// are DirectMessage moves with its ThreadTS.

// Prompt is a suggested prompt: the title shown and the message it sends.
type Prompt struct {
	Title, Message string
}

// AssistantThreadInfo identifies an assistant thread started.
type AssistantThreadInfo struct {
	EventID   string
	ChannelID string // the user's DM with the bot
	ThreadTS  string
}

// AssistantState is what the bot set on an assistant thread.
type AssistantState struct {
	UserID  string
	Prompts []Prompt
	// Status is cleared by setStatus with "" and, as in Slack, by the
	// bot's reply in the thread; StatusHistory has every status set.
	Status        string
	StatusHistory []string
	Title         string
}

// maxPrompts is how many suggested prompts Slack shows.
const maxPrompts = 4

// StartAssistantThread sends assistant_thread_started: userID opened the
// assistant panel, viewing the default channel, and Slack made a thread
// in their DM with the bot.
func (s *Server) StartAssistantThread(ctx context.Context, userID string) (Ack, AssistantThreadInfo, error) {
	user := or(userID, s.cfg.DefaultUserID)
	s.mu.Lock()
	dm, ts := s.dmLocked(user), s.nextTSLocked()
	s.threads.put(msgKey(dm, ts), &AssistantState{UserID: user}, time.Now())
	ev := obj{"type": "assistant_thread_started", "event_ts": s.nextTSLocked(), "assistant_thread": obj{
		"user_id": user, "channel_id": dm, "thread_ts": ts,
		"context": obj{"channel_id": s.cfg.DefaultChannelID, "team_id": s.cfg.TeamID, "enterprise_id": nil}}}
	s.mu.Unlock()
	ack, info, err := s.sendEvent(ctx, ev)
	return ack, AssistantThreadInfo{EventID: info.EventID, ChannelID: dm, ThreadTS: ts}, err
}

// AssistantThread returns what the bot set on the assistant thread
// threadTS in channelID; false for no such thread.
func (s *Server) AssistantThread(channelID, threadTS string) (AssistantState, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.threads.m[msgKey(channelID, threadTS)]
	if t == nil {
		return AssistantState{}, false
	}
	c := *t
	c.Prompts, c.StatusHistory = slices.Clone(t.Prompts), slices.Clone(t.StatusHistory)
	return c, true
}

// threadLocked finds the assistant thread a call names, or answers as
// Slack: channel_not_found for a channel the bot cannot see,
// invalid_thread_ts for one without that assistant thread.
func (s *Server) threadLocked(r *apiRequest) (*AssistantState, *apiError) {
	ch, ts := r.str("channel_id"), r.str("thread_ts")
	if t := s.threads.m[msgKey(ch, ts)]; t != nil {
		return t, nil
	}
	switch {
	case ch == "":
		return nil, fail("invalid_arguments", "[ERROR] missing required field: channel_id")
	case !s.channelIDLocked(ch) || ch[0] == 'D' && s.dmUsers[ch] == "":
		return nil, fail("channel_not_found")
	case ts == "":
		return nil, fail("invalid_arguments", "[ERROR] missing required field: thread_ts")
	}
	return nil, fail("invalid_thread_ts")
}

// stringArg returns a required string argument, or invalid_arguments;
// empty is allowed only if mayBeEmpty.
func (r *apiRequest) stringArg(k string, mayBeEmpty bool) (string, *apiError) {
	v, ok := r.args[k].(string)
	switch {
	case r.args[k] == nil:
		return "", fail("invalid_arguments", "[ERROR] missing required field: "+k)
	case !ok || v == "" && !mayBeEmpty:
		return "", fail("invalid_arguments", fmt.Sprintf("[ERROR] must be a non-empty string [json-pointer:/%s]", k))
	}
	return v, nil
}

func (s *Server) setSuggestedPrompts(r *apiRequest) (obj, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, aerr := s.threadLocked(r)
	if aerr != nil {
		return nil, aerr
	}
	raw, has := r.jsonArg("prompts")
	arr, isArr := raw.([]any)
	var p problems
	switch {
	case !has:
		p = append(p, "[ERROR] missing required field: prompts")
	case !isArr || len(arr) == 0 || len(arr) > maxPrompts:
		p.addf("/prompts", "must be an array of 1 to %d items", maxPrompts)
	}
	prompts := make([]Prompt, 0, len(arr))
	for i, v := range arr {
		m, _ := v.(obj)
		title, _ := m["title"].(string)
		msg, _ := m["message"].(string)
		if title == "" {
			p.addf(fmt.Sprintf("/prompts/%d/title", i), "must be a non-empty string")
		}
		if msg == "" {
			p.addf(fmt.Sprintf("/prompts/%d/message", i), "must be a non-empty string")
		}
		prompts = append(prompts, Prompt{Title: title, Message: msg})
	}
	if len(p) > 0 {
		return nil, fail("invalid_arguments", p...)
	}
	t.Prompts = prompts
	return obj{}, nil
}

func (s *Server) setStatus(r *apiRequest) (obj, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, aerr := s.threadLocked(r)
	if aerr != nil {
		return nil, aerr
	}
	status, aerr := r.stringArg("status", true) // "" clears it
	if aerr != nil {
		return nil, aerr
	}
	t.Status, t.StatusHistory = status, append(t.StatusHistory, status)
	return obj{}, nil
}

func (s *Server) setTitle(r *apiRequest) (obj, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, aerr := s.threadLocked(r)
	if aerr != nil {
		return nil, aerr
	}
	title, aerr := r.stringArg("title", false)
	if aerr != nil {
		return nil, aerr
	}
	t.Title = title
	return obj{}, nil
}
