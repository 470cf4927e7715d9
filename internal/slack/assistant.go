package slack

import (
	"context"
	"encoding/json"
	"fmt"
)

// Slack's assistant panel and Workflow Builder steps (CONTRACT.md, "More
// ways in").

// Prompt is a suggested prompt in the assistant panel: a title to show
// and the message it sends.
type Prompt struct {
	Title   string `json:"title"`
	Message string `json:"message"`
}

// SetSuggestedPrompts offers prompts at the top of an assistant thread.
func (c *Client) SetSuggestedPrompts(ctx context.Context, t *AssistantThread, prompts []Prompt) error {
	return c.assistantCall(ctx, "assistant.threads.setSuggestedPrompts", struct {
		ChannelID string   `json:"channel_id"`
		ThreadTS  string   `json:"thread_ts"`
		Prompts   []Prompt `json:"prompts"`
	}{t.ChannelID, t.ThreadTS, prompts})
}

// SetStatus shows a status under an assistant thread ("is thinking…");
// "" clears it.
func (c *Client) SetStatus(ctx context.Context, channel, threadTS, status string) error {
	return c.assistantCall(ctx, "assistant.threads.setStatus", struct {
		ChannelID string `json:"channel_id"`
		ThreadTS  string `json:"thread_ts"`
		Status    string `json:"status"`
	}{channel, threadTS, status})
}

// SetTitle names an assistant thread in the user's history.
func (c *Client) SetTitle(ctx context.Context, channel, threadTS, title string) error {
	return c.assistantCall(ctx, "assistant.threads.setTitle", struct {
		ChannelID string `json:"channel_id"`
		ThreadTS  string `json:"thread_ts"`
		Title     string `json:"title"`
	}{channel, threadTS, title})
}

// assistantCall makes one of the assistant calls: each replaces what it
// sets, so a retry is safe.
func (c *Client) assistantCall(ctx context.Context, method string, body any) error {
	payload, err := json.Marshal(body)
	if err == nil {
		_, err = c.send(ctx, method, true, payload)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	return nil
}

// CompleteFunction ends a Workflow Builder step with its outputs
// (functions.completeSuccess), with the token Slack gave that run.
func (c *Client) CompleteFunction(ctx context.Context, f *FunctionExecuted, outputs map[string]string) error {
	return c.functionCall(ctx, f, "functions.completeSuccess", struct {
		ExecutionID string            `json:"function_execution_id"`
		Outputs     map[string]string `json:"outputs"`
	}{f.ExecutionID, outputs})
}

// FailFunction ends a Workflow Builder step with an error the workflow's
// builder reads (functions.completeError).
func (c *Client) FailFunction(ctx context.Context, f *FunctionExecuted, message string) error {
	return c.functionCall(ctx, f, "functions.completeError", struct {
		ExecutionID string `json:"function_execution_id"`
		Error       string `json:"error"`
	}{f.ExecutionID, message})
}

// functionCall calls with the run's own token, falling back to the bot
// token when the event carried none. Completing twice is refused by
// Slack, never done twice, so a retry is safe.
func (c *Client) functionCall(ctx context.Context, f *FunctionExecuted, method string, body any) error {
	payload, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	token := f.token
	if token == "" {
		token = c.cfg.BotToken
	}
	err = c.call(ctx, method, true, func(ctx context.Context) error {
		_, err := c.web.postJSON(ctx, method, token, payload)
		return err
	})
	if err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	return nil
}
