package slacktest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"
)

// Workflow Builder custom steps: Slack runs the app's function as a step
// (ExecuteFunction) and waits for functions.completeSuccess or
// functions.completeError. Those take the run's own bot_access_token, or
// the bot token, which Slack's docs list for both methods; the run's
// token is good for nothing else here.

// FunctionRun identifies a function_executed event sent.
type FunctionRun struct {
	EventID, ExecutionID string
}

// FunctionResult is how a run ended.
type FunctionResult struct {
	Done    bool              // completed, with success or error
	Outputs map[string]string // functions.completeSuccess's outputs
	Error   string            // functions.completeError's error
}

type functionRun struct {
	token string
	res   FunctionResult
}

// ExecuteFunction sends function_executed: a workflow ran the app's
// function callbackID as a step, with inputs (strings, for the emulated
// steps), a fresh function_execution_id and a bot_access_token for this
// run.
func (s *Server) ExecuteFunction(ctx context.Context, callbackID string, inputs map[string]any) (Ack, FunctionRun, error) {
	run := FunctionRun{ExecutionID: "Fx" + randUpper(10)}
	token := fmt.Sprintf("xwfp-%d-%s", time.Now().UnixNano(), randHex(16))
	s.mu.Lock()
	s.runs.put(run.ExecutionID, &functionRun{token: token}, time.Now())
	s.runTokens[token] = run.ExecutionID
	ts := s.nextTSLocked()
	s.mu.Unlock()
	params := []any{}
	for _, k := range slices.Sorted(maps.Keys(inputs)) {
		typ := "string"
		if _, ok := inputs[k].(string); !ok {
			typ = "object"
		}
		params = append(params, obj{"type": typ, "name": k, "title": k, "description": "", "is_required": true})
	}
	now := time.Now().Unix()
	fn := obj{"id": "Fn" + randUpper(10), "callback_id": callbackID, "title": callbackID, "description": "", "type": "app",
		"input_parameters": params, "output_parameters": []any{}, "app_id": s.cfg.AppID,
		"date_created": now, "date_updated": now, "date_deleted": 0}
	if inputs == nil {
		inputs = map[string]any{}
	}
	ev := obj{"type": "function_executed", "function": fn, "inputs": inputs, "function_execution_id": run.ExecutionID,
		"workflow_execution_id": "Wx" + randUpper(10), "event_ts": ts, "bot_access_token": token}
	ack, info, err := s.sendEvent(ctx, ev)
	run.EventID = info.EventID
	return ack, run, err
}

// FunctionResult returns how the run executionID ended; false for no such
// run.
func (s *Server) FunctionResult(executionID string) (FunctionResult, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	run := s.runs.m[executionID]
	if run == nil {
		return FunctionResult{}, false
	}
	res := run.res
	res.Outputs = maps.Clone(res.Outputs)
	return res, true
}

func (s *Server) runToken(tok string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.runTokens[tok]
	return ok
}

// completeFunction handles functions.completeSuccess and
// functions.completeError: a run completes once.
func (s *Server) completeFunction(r *apiRequest, success bool) (obj, *apiError) {
	id := r.str("function_execution_id")
	s.mu.Lock()
	defer s.mu.Unlock()
	run := s.runs.m[id]
	switch {
	case id == "":
		return nil, fail("invalid_arguments", "[ERROR] missing required field: function_execution_id")
	case run == nil:
		return nil, fail("function_execution_not_found")
	case r.kind == tokRun && r.token != run.token: // another run's token
		return nil, fail("access_denied")
	case run.res.Done:
		return nil, fail("execution_not_in_running_state")
	}
	res := FunctionResult{Done: true}
	if !success {
		msg, aerr := r.stringArg("error", false)
		if aerr != nil {
			return nil, aerr
		}
		res.Error = msg
		run.res = res
		return obj{}, nil
	}
	raw, has := r.jsonArg("outputs")
	outputs, isObj := raw.(obj)
	switch {
	case !has:
		return nil, fail("invalid_arguments", "[ERROR] missing required field: outputs")
	case !isObj:
		return nil, fail("invalid_arguments", "[ERROR] must be an object [json-pointer:/outputs]")
	}
	res.Outputs = map[string]string{}
	for k, v := range outputs {
		str, ok := v.(string)
		if !ok { // the emulated steps' outputs are strings
			return nil, fail("parameter_validation_failed", fmt.Sprintf("[ERROR] output %q must be a string", k))
		}
		res.Outputs[k] = str
	}
	run.res = res
	return obj{}, nil
}

func (s *Server) functionsCompleteSuccess(r *apiRequest) (obj, *apiError) {
	return s.completeFunction(r, true)
}
func (s *Server) functionsCompleteError(r *apiRequest) (obj, *apiError) {
	return s.completeFunction(r, false)
}
