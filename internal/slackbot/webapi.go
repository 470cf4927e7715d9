package slackbot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/blockkit"
	"github.com/slack-go/slack"
)

// webAPI makes the bot's Web API calls that post: messages, views and DMs
// opened. It sends JSON and reads back only what the bot uses (ok, error,
// a channel id). slack-go's methods decode the whole answer, and Slack
// echoes every posted block back in it: under load, building those blocks
// again only to drop them took a fifth of the bot's CPU (README, Load
// testing). Failures are slack-go's error types, so retries and metrics
// treat both clients alike.
type webAPI struct {
	http  *http.Client
	base  string // the Web API's base URL, ending in "/"
	token string // the bot token, sent only in the Authorization header
}

// maxAnswer bounds how much of an answer is read. Slack's answers to these
// methods are a few KB plus the echoed message or view.
const maxAnswer = 4 << 20

// apiAnswer is what the bot reads of a Web API answer.
type apiAnswer struct {
	OK    bool   `json:"ok"`
	Error string `json:"error"`
	// Channel is a channel id (chat.postMessage) or an object with one
	// (conversations.open).
	Channel json.RawMessage `json:"channel"`
}

// postJSON calls method with a JSON body and returns the answer once Slack
// said ok.
func (w *webAPI) postJSON(ctx context.Context, method string, payload []byte) (apiAnswer, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.base+method, bytes.NewReader(payload))
	if err != nil {
		return apiAnswer{}, err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Authorization", "Bearer "+w.token)
	resp, err := w.http.Do(req)
	if err != nil {
		return apiAnswer{}, err
	}
	defer drain(resp.Body)
	if err := statusError(resp); err != nil {
		return apiAnswer{}, err
	}
	var a apiAnswer
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxAnswer)).Decode(&a); err != nil {
		return apiAnswer{}, fmt.Errorf("read %s answer: %w", method, err)
	}
	if !a.OK {
		if a.Error == "" {
			a.Error = "unknown_error"
		}
		return a, slack.SlackErrorResponse{Err: a.Error}
	}
	return a, nil
}

// postWebhook posts body to a response_url, which answers with a status
// only (and no token: the URL is the credential).
func postWebhook(ctx context.Context, client *http.Client, url string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer drain(resp.Body)
	return statusError(resp)
}

// statusError maps a non-200 answer to slack-go's errors: a 429 with a
// Retry-After in seconds is a RateLimitedError.
func statusError(resp *http.Response) error {
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		if s, err := strconv.Atoi(strings.TrimSpace(resp.Header.Get("Retry-After"))); err == nil && s >= 0 {
			return &slack.RateLimitedError{RetryAfter: time.Duration(s) * time.Second}
		}
	}
	return slack.StatusCodeError{Code: resp.StatusCode, Status: resp.Status}
}

// drain reads what is left of a body (a little) so the connection can be
// reused, then closes it.
func drain(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 64<<10))
	_ = body.Close()
}

// channelID reads the id from conversations.open's channel object.
func (a apiAnswer) channelID() (string, error) {
	var ch struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(a.Channel, &ch); err != nil || ch.ID == "" {
		return "", errors.New("no channel id in the answer")
	}
	return ch.ID, nil
}

// body writes the flat JSON objects the bot sends, field by field. Their
// blocks and views are JSON already (blockkit's encoder); encoding/json
// would scan and copy them again.
type body []byte

func (b body) key(k string) body {
	if len(b) == 0 {
		b = append(b, '{')
	} else {
		b = append(b, ',')
	}
	return append(blockkit.AppendJSONString(b, k), ':')
}

// str writes a string field, even an empty one.
func (b body) str(k, v string) body { return blockkit.AppendJSONString(b.key(k), v) }

// opt writes a string field unless it is empty.
func (b body) opt(k, v string) body {
	if v == "" {
		return b
	}
	return b.str(k, v)
}

// raw writes a field whose value is JSON already, unless there is none.
func (b body) raw(k string, v []byte) body {
	if len(v) == 0 {
		return b
	}
	return append(b.key(k), v...)
}

// end closes the object.
func (b body) end() []byte {
	if len(b) == 0 {
		return []byte("{}")
	}
	return append(b, '}')
}
