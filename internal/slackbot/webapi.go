package slackbot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/jsonenc"
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

// maxResponseBytes bounds how much of a response is read. Slack's
// responses to these methods are a few KB plus the echoed message or view.
const maxResponseBytes = 4 << 20

// apiResponse is what the bot reads of a Web API response.
type apiResponse struct {
	OK    bool   `json:"ok"`
	Error string `json:"error"`
	// Channel is a channel id (chat.postMessage) or an object with one
	// (conversations.open).
	Channel json.RawMessage `json:"channel"`
	// Messages say what was wrong, e.g. which block of an invalid_blocks.
	Metadata struct {
		Messages []string `json:"messages"`
	} `json:"response_metadata"`
}

// postJSON calls method with a JSON body and returns the answer once Slack
// said ok.
func (w *webAPI) postJSON(ctx context.Context, method string, payload []byte) (apiResponse, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.base+method, bytes.NewReader(payload))
	if err != nil {
		return apiResponse{}, err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Authorization", "Bearer "+w.token)
	resp, err := w.http.Do(req)
	if err != nil {
		return apiResponse{}, err
	}
	defer drain(resp.Body)
	if err := statusError(resp); err != nil {
		return apiResponse{}, err
	}
	var a apiResponse
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxResponseBytes)).Decode(&a); err != nil {
		return apiResponse{}, fmt.Errorf("read %s response: %w", method, err)
	}
	if !a.OK {
		if a.Error == "" {
			a.Error = "unknown_error"
		}
		return apiResponse{}, slack.SlackErrorResponse{Err: a.Error, ResponseMetadata: slack.ResponseMetadata{Messages: a.Metadata.Messages}}
	}
	return a, nil
}

// postWebhook posts payload to a response_url, which answers with a
// status only. The URL is the credential (anyone holding it can post as the
// bot), so no error carries it: net/http's errors quote it, and retries log
// errors before the caller sees them.
func postWebhook(ctx context.Context, client *http.Client, responseURL string, payload []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, responseURL, bytes.NewReader(payload))
	if err != nil {
		return errors.New("invalid response_url")
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			return ue.Err // the cause (a *net.OpError for notSent), without the URL
		}
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

// drain reads what is left of a response (a little) so the connection can
// be reused, then closes it.
func drain(r io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(r, 64<<10))
	_ = r.Close()
}

// channelID reads the id from conversations.open's channel object.
func (a apiResponse) channelID() (string, error) {
	var ch struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(a.Channel, &ch); err != nil || ch.ID == "" {
		return "", errors.New("no channel id in the answer")
	}
	return ch.ID, nil
}

// jsonObject writes the flat JSON objects the bot sends, field by field.
// Their blocks and views are JSON already (blockkit's encoder);
// encoding/json would scan and copy them again.
type jsonObject []byte

func (o jsonObject) key(k string) jsonObject {
	if len(o) == 0 {
		o = append(o, '{')
	} else {
		o = append(o, ',')
	}
	return append(jsonenc.AppendString(o, k), ':')
}

// str writes a string field, even an empty one.
func (o jsonObject) str(k, v string) jsonObject { return jsonenc.AppendString(o.key(k), v) }

// opt writes a string field unless it is empty.
func (o jsonObject) opt(k, v string) jsonObject {
	if v == "" {
		return o
	}
	return o.str(k, v)
}

// boolean writes a boolean field.
func (o jsonObject) boolean(k string, v bool) jsonObject {
	return strconv.AppendBool(o.key(k), v)
}

// raw writes a field whose value is JSON already, unless there is none.
func (o jsonObject) raw(k string, v []byte) jsonObject {
	if len(v) == 0 {
		return o
	}
	return append(o.key(k), v...)
}

// end closes the object.
func (o jsonObject) end() []byte {
	if len(o) == 0 {
		return []byte("{}")
	}
	return append(o, '}')
}
