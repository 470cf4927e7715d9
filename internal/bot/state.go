package bot

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/fractional-advisor/fractional-advisor/internal/advisor"
	"github.com/fractional-advisor/fractional-advisor/internal/blockkit"
)

// modalMeta is what the assessment modal carries in private_metadata: where
// to send the recommendation. Slack hands it back on submission; it is
// decoded as untrusted input.
type modalMeta struct {
	ResponseURL string `json:"r,omitempty"`
	ChannelID   string `json:"c,omitempty"`
}

func (m modalMeta) encode() string {
	b, _ := json.Marshal(m) // two strings cannot fail to marshal
	return string(b)
}

func decodeModalMeta(s string) (modalMeta, error) {
	var m modalMeta
	if s == "" {
		return m, nil
	}
	if len(s) > blockkit.MaxPrivateMeta {
		return modalMeta{}, errors.New("private_metadata too long")
	}
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return modalMeta{}, fmt.Errorf("private_metadata: %w", err)
	}
	if m.ChannelID != "" && !isSlackID(m.ChannelID) {
		return modalMeta{}, errors.New("private_metadata: bad channel id")
	}
	return m, nil
}

// isSlackID accepts the shape of Slack's ids (C024BE91L, U0G9QF9C6, …).
func isSlackID(s string) bool {
	if len(s) < 2 || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// shareVersion prefixes share values so their format can change later.
const shareVersion = "v1"

// encodeShare packs the answers and months into a button value, so sharing
// or starting over needs no server-side state.
func encodeShare(a advisor.Answers, months int) string {
	parts := []string{shareVersion}
	for _, q := range advisor.Questions() {
		parts = append(parts, a.Get(q.Field))
	}
	parts = append(parts, strconv.Itoa(months))
	return strings.Join(parts, ".")
}

// decodeShare reverses encodeShare, validating every part: a button value
// comes back from Slack and is treated as untrusted.
func decodeShare(v string) (advisor.Answers, int, error) {
	if len(v) > 200 {
		return advisor.Answers{}, 0, errors.New("share value too long")
	}
	qs := advisor.Questions()
	parts := strings.Split(v, ".")
	if len(parts) != len(qs)+2 || parts[0] != shareVersion {
		return advisor.Answers{}, 0, errors.New("share value: bad format")
	}
	values := make(map[advisor.Field]string, len(qs))
	for i, q := range qs {
		values[q.Field] = parts[i+1]
	}
	a, err := advisor.ParseAnswers(values)
	if err != nil {
		return advisor.Answers{}, 0, fmt.Errorf("share value: %w", err)
	}
	months, err := strconv.Atoi(parts[len(parts)-1])
	if err != nil || months < advisor.MinMonths || months > advisor.MaxMonths {
		return advisor.Answers{}, 0, errors.New("share value: bad months")
	}
	return a, months, nil
}

// askRequest is what an ask_expert button carries: the question, who
// asked it and where, so the click needs no lookup. Decoded as untrusted
// input: where the answer may go in public is checked against the click's
// own channel (see askExpert).
type askRequest struct {
	Question string   `json:"q"`
	User     string   `json:"u,omitempty"`
	Surface  string   `json:"s"`
	Channel  string   `json:"c,omitempty"`
	Thread   string   `json:"t,omitempty"`
	Guesses  []string `json:"g,omitempty"` // entry ids, best first
}

// encodeAsk packs a request into a button value, cutting the question
// until it fits Slack's limit.
func encodeAsk(r askRequest) string {
	if len(r.Guesses) > 3 {
		r.Guesses = r.Guesses[:3]
	}
	return fitButton(&r.Question, func() []byte {
		b, _ := json.Marshal(r) // strings only: cannot fail
		return b
	})
}

// fitButton encodes a button's value, cutting the question it carries by
// a tenth until the value fits Slack's limit: JSON escapes may weigh more
// than the runes, so each cut is measured again.
func fitButton(question *string, encode func() []byte) string {
	for {
		if b := encode(); len(b) <= blockkit.MaxButtonValue {
			return string(b)
		}
		q := []rune(*question)
		*question = string(q[:len(q)*9/10])
	}
}

func decodeAsk(v string) (askRequest, error) {
	var r askRequest
	if len(v) > blockkit.MaxButtonValue {
		return r, errors.New("ask value too long")
	}
	if err := json.Unmarshal([]byte(v), &r); err != nil {
		return r, fmt.Errorf("ask value: %w", err)
	}
	r.Question = cleanQuestion(r.Question)
	switch {
	case r.Question == "":
		return r, errors.New("ask value: no question")
	case !slices.Contains([]string{surfaceSlash, surfaceMention, surfaceDM, surfaceChannel, surfaceShortcut, surfaceMessageShortcut, surfaceAssistant}, r.Surface):
		return r, errors.New("ask value: unknown surface")
	case r.Channel != "" && !isSlackID(r.Channel), r.User != "" && !isSlackID(r.User), r.Thread != "" && !isTS(r.Thread), len(r.Guesses) > 3:
		return r, errors.New("ask value: bad user, channel, thread or guesses")
	}
	for _, g := range r.Guesses {
		if len(g) > 80 || strings.ContainsAny(g, " <>&\n") {
			return r, errors.New("ask value: bad guess")
		}
	}
	return r, nil
}

// isTS accepts the shape of a Slack message ts: digits, a dot, digits.
func isTS(s string) bool {
	whole, frac, ok := strings.Cut(s, ".")
	digits := func(d string) bool { return d != "" && len(d) <= 20 && strings.Trim(d, "0123456789") == "" }
	return ok && digits(whole) && digits(frac)
}

// handoffPattern is the contract's shape of a hand-off id.
var handoffPattern = regexp.MustCompile(`^[a-z0-9-]{1,40}$`)
