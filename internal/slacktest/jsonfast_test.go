package slacktest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/fractional-advisor/fractional-advisor/internal/jsonenc"
	"github.com/slack-go/slack/socketmode"
)

// The fast paths must give the answers the encoding/json paths give. These
// tests compare them on Slack-shaped input, on edge cases, and on random
// mutations of both; FuzzFastPaths does the same with whatever the fuzzer
// finds (go test -fuzz FuzzFastPaths ./internal/slacktest/).

// A message and a modal as the bot sends them, trimmed.
const (
	sampleMessageBlocks = `[{"type":"section","text":{"type":"mrkdwn","text":"*What does a fractional CTO cost?*\n*About $10,000 to $25,000 a month* \u2014 see \u003chttps://example.com|here\u003e \"quoted\" \\ back"},"block_id":"faq:cost"},{"type":"context","block_id":"faq_related_label","elements":[{"type":"mrkdwn","text":"Related questions:"}]},{"type":"actions","block_id":"faq_related","elements":[{"type":"button","text":{"type":"plain_text","text":"What does a fractional CAIO do?","emoji":true},"action_id":"faq_topic:caio-role","value":"caio-role"},{"type":"button","text":{"type":"plain_text","text":"👍 Helpful","emoji":true},"action_id":"feedback_helpful","value":"faq:cost","style":"primary"}]},{"type":"header","text":{"type":"plain_text","text":"Recommendation: Both","emoji":true}},{"type":"section","block_id":"cost","text":{"type":"mrkdwn","text":"*Cost*"},"fields":[{"type":"mrkdwn","text":"*Fractional*\n$240,000"},{"type":"mrkdwn","text":"*Full-time*\n$400,000"}]},{"type":"divider"},{"type":"section","block_id":"acc","text":{"type":"mrkdwn","text":"pick"},"accessory":{"type":"overflow","action_id":"more","options":[{"text":{"type":"plain_text","text":"a"},"value":"a"}]}},{"type":"section","block_id":"img","text":{"type":"mrkdwn","text":"pic"},"accessory":{"type":"image","image_url":"https://example.com/a.png","alt_text":"a"}},{"type":"rich_text","block_id":"rt","elements":[{"type":"rich_text_section","elements":[{"type":"text","text":"hi"}]}]}]`
	sampleModal         = `{"type":"modal","title":{"type":"plain_text","text":"Fractional Advisor","emoji":true},"submit":{"type":"plain_text","text":"Get recommendation","emoji":true},"close":{"type":"plain_text","text":"Cancel"},"callback_id":"assessment","private_metadata":"{\"response_url\":\"http://127.0.0.1/hooks/x\"}","clear_on_close":true,"blocks":[{"type":"section","text":{"type":"mrkdwn","text":"Six quick questions."},"block_id":"intro"},{"type":"input","block_id":"goal","label":{"type":"plain_text","text":"What is the main goal?","emoji":true},"element":{"type":"radio_buttons","action_id":"goal","options":[{"text":{"type":"plain_text","text":"AI transformation","emoji":true},"value":"ai_transformation"},{"text":{"type":"plain_text","text":"Both","emoji":true},"value":"both"}]},"hint":{"type":"plain_text","text":"What do you need?","emoji":true}},{"type":"input","block_id":"budget","label":{"type":"plain_text","text":"Budget"},"element":{"type":"static_select","action_id":"budget","option_groups":[{"label":{"type":"plain_text","text":"g"},"options":[{"text":{"type":"plain_text","text":"low"},"value":"low"}]}]}},{"type":"input","block_id":"context","optional":true,"label":{"type":"plain_text","text":"Anything else?"},"element":{"type":"plain_text_input","action_id":"context","multiline":true,"max_length":3000}}]}`
)

// slowBlocks is the encoding/json path that fastBlocks stands in for.
func slowBlocks(raw []byte, max int) (blockScan, bool) {
	arr, ok := parseBlocks(raw)
	if !ok || checkBlocks(arr, max, "/blocks") != nil {
		return blockScan{}, false
	}
	hasInput := slices.ContainsFunc(arr, func(b any) bool { return b.(obj)["type"] == "input" })
	return blockScan{out: mustJSON(arr), n: len(arr), hasInput: hasInput}, true
}

// sameBlocks compares two block arrays as JSON values, taking any two
// generated block_ids (five characters, where the input had none) as equal.
func sameBlocks(t *testing.T, in, a, b []byte) {
	t.Helper()
	var src, x, y []any
	if json.Unmarshal(in, &src) != nil || json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil || len(x) != len(src) || len(y) != len(src) {
		t.Fatalf("not comparable:\n in  %s\n got %s\nwant %s", in, a, b)
	}
	for i := range src {
		if _, had := src[i].(obj)["block_id"]; had {
			continue
		}
		for _, m := range []obj{x[i].(obj), y[i].(obj)} {
			if id, _ := m["block_id"].(string); len(id) != 5 {
				t.Fatalf("block %d: generated block_id %q", i, id)
			}
			delete(m, "block_id")
		}
	}
	if !reflect.DeepEqual(x, y) {
		t.Fatalf("fast and slow disagree:\n in   %s\n fast %s\n slow %s", in, a, b)
	}
}

// checkBlocksAgree fails if fastBlocks accepts what the slow path would not,
// or answers differently; it reports whether the fast path was taken.
func checkBlocksAgree(t *testing.T, raw []byte, max int) bool {
	t.Helper()
	fast, err := fastBlocks(raw, max)
	slow, ok := slowBlocks(raw, max)
	if err != nil {
		return false
	}
	if !ok {
		t.Fatalf("fast path accepted blocks the slow path rejects: %s", raw)
	}
	if fast.n != slow.n || fast.hasInput != slow.hasInput {
		t.Fatalf("fast n=%d input=%v, slow n=%d input=%v: %s", fast.n, fast.hasInput, slow.n, slow.hasInput, raw)
	}
	sameBlocks(t, raw, fast.out, slow.out)
	return true
}

func TestFastBlocksAgree(t *testing.T) {
	t.Parallel()
	long := func(n int, unit string) string { return strings.Repeat(unit, n) }
	section := func(text string) string {
		return `[{"type":"section","block_id":"s","text":{"type":"mrkdwn","text":"` + text + `"}}]`
	}
	tests := []struct {
		raw  string
		fast bool // the fast path must be taken
	}{
		{sampleMessageBlocks, true},
		{`[]`, true},
		{` [ {"type":"divider"} ] `, true},
		{`[{"type":"header","text":{"type":"plain_text","text":"no id"}},{"type":"divider"},{"type":"section","text":{"type":"mrkdwn","text":"x"},"block_id":"b"}]`, true},
		// Problems, and things the slow path fills in, go the slow way.
		{`[{"type":"section"}]`, false},
		{`[{"type":"actions","block_id":"a","elements":[{"type":"button","text":{"type":"plain_text","text":"x"}}]}]`, false},
		{`[{"type":"section","block_id":"a","text":{"type":"mrkdwn","text":"x"}},{"type":"divider","block_id":"a"}]`, false},
		{`[{"type":"divider","block_id":""}]`, false},
		{`[{"type":"divider","block_id":null}]`, false},
		{`[{"type":"divider","block_id":5}]`, false},
		{`[{"type":5}]`, false},
		{`[null]`, false},
		{`[1]`, false},
		{`{}`, false},
		{`[{"type":"divider"}]]`, false},
		{`[{"type":"divider"},]`, false},
		{`[{"type":"divider","type":"section"}]`, false},
		{`[{"t\u0079pe":"divider"}]`, false},
		{`[{"type":"input","block_id":"i","label":{"type":"plain_text","text":"l"},"element":"x"}]`, false},
		{`[{"type":"context","block_id":"c","elements":[]}]`, false},
		{`[{"type":"static_select"}]`, true},
		{`[{"type":"section","block_id":"s","text":"plain"}]`, false},
		{`[{"type":"section","block_id":"s","text":"plain","fields":[1]}]`, true},
		{`[{"type":"section","block_id":"s","fields":[{"text":5}],"accessory":{"type":"image"}}]`, true},
		{`[{"type":"section","block_id":"s","fields":[{}],"accessory":{"type":"button","action_id":"b","text":{"text":"x"},"value":7}}]`, true},
		{`[{"type":"input","block_id":"i","label":{"type":"plain_text","text":"l"},"element":{"type":"static_select","action_id":"x","option_groups":"odd"}}]`, true},
		{`[{"type":"input","block_id":"i","label":{"type":"plain_text","text":"l"},"element":{"type":"static_select","action_id":"x","option_groups":null}}]`, false},
		{`[{"type":"input","block_id":"i","label":{"type":"plain_text","text":"l"},"element":{"type":"checkboxes","action_id":"x","options":[` + strings.TrimSuffix(long(11, `{"value":"v"},`), ",") + `]}}]`, false},
		{`[{"type":"input","block_id":"i","label":{"type":"plain_text","text":"l"},"element":{"type":"checkboxes","action_id":"x","options":[` + strings.TrimSuffix(long(10, `{"value":"v"},`), ",") + `]}}]`, true},
		// Lengths are counted in characters of the decoded text.
		{section(long(3000, "é")), true},
		{section(long(3001, "é")), false},
		{section(long(2999, "a") + `\n`), true},
		{section(long(2999, "a") + `\n\n`), false},
		{section(long(2999, "a") + `\ud83d\ude00`), true},
		{section(long(2999, "a") + `\ud83d\ude00x`), false},
		{section(long(2998, "a") + `\ud800\ud800`), true},
		{section(long(2998, "a") + `\ud800\ud800x`), false},
		{section(long(2999, "a") + "\xff"), true},
		{section(long(2999, "a") + "\xff\xff"), false},
		{section(long(2999, "a") + `\u00e9`), true},
		{`[{"type":"divider","block_id":"` + long(255, "é") + `"}]`, true},
		{`[{"type":"divider","block_id":"` + long(256, "é") + `"}]`, false},
		{`[` + strings.TrimSuffix(long(51, `{"type":"divider"},`), ",") + `]`, false},
		{`[` + strings.TrimSuffix(long(50, `{"type":"divider"},`), ",") + `]`, true},
	}
	for _, tt := range tests {
		if got := checkBlocksAgree(t, []byte(tt.raw), maxMessageBlocks); got != tt.fast {
			t.Errorf("fast path taken = %v, want %v, for %.200s", got, tt.fast, tt.raw)
		}
	}
}

// mutate returns raw with a few random edits that keep it JSON-looking.
func mutate(r *rand.Rand, raw []byte) []byte {
	pieces := []string{`"`, `\`, `\n`, `\u00e9`, `\ud83d\ude00`, `\ud800`, ",", ":", "{", "}", "[", "]", "null", "true", "0", "-1.5e3",
		`"type"`, `"block_id"`, `"text"`, `"action_id"`, `"elements"`, `"options"`, `"value"`, `"x"`, "é", "\xff", " ", "\t"}
	out := slices.Clone(raw)
	for range 1 + r.IntN(3) {
		i := r.IntN(len(out) + 1)
		switch r.IntN(3) {
		case 0: // insert
			out = slices.Insert(out, i, []byte(pieces[r.IntN(len(pieces))])...)
		case 1: // delete
			j := min(len(out), i+1+r.IntN(8))
			out = slices.Delete(out, min(i, j), j)
		default: // replace a byte
			if i < len(out) {
				out[i] = pieces[r.IntN(len(pieces))][0]
			}
		}
	}
	return out
}

func TestFastPathsAgreeOnMutations(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	seeds := [][]byte{[]byte(sampleMessageBlocks), []byte(sampleModal), []byte(`{"envelope_id":"e","payload":{"text":"a","blocks":[{"block_id":"x"}]}}`)}
	for range 4000 { // a quick sample; FuzzFastPaths goes further
		raw := seeds[r.IntN(len(seeds))]
		for range 1 + r.IntN(3) {
			raw = mutate(r, raw)
		}
		checkFastPaths(t, raw)
	}
}

func FuzzFastPaths(f *testing.F) {
	f.Add([]byte(sampleMessageBlocks))
	f.Add([]byte(sampleModal))
	f.Add([]byte(`{"envelope_id":"e","payload":{"text":"a","blocks":[{"block_id":"x"}]}}`))
	f.Add([]byte(`{"text":"t","blocks":[{"type":"header","text":{"type":"plain_text","text":"h"}}],"response_type":"in_channel","replace_original":true}`))
	f.Fuzz(func(t *testing.T, raw []byte) { checkFastPaths(t, raw) })
}

// checkFastPaths runs every fast path on raw and compares it with its
// encoding/json counterpart.
func checkFastPaths(t *testing.T, raw []byte) {
	t.Helper()
	// The scanner knows JSON when it sees it.
	s := scanner{data: raw}
	if valid := s.skip() == nil && s.end(); valid != json.Valid(raw) {
		t.Fatalf("scanner says valid=%v, encoding/json %v: %q", valid, !valid, raw)
	}
	checkBlocksAgree(t, raw, maxMessageBlocks)
	if v, err := fastView(raw, "modal"); err == nil {
		sv, aerr := slowView(raw, "modal")
		if aerr != nil {
			t.Fatalf("fast path accepted a view the slow path rejects (%s %v): %s", aerr.code, aerr.msgs, raw)
		}
		m := topLevelOrNil(raw)
		sameBlocks(t, m["blocks"], v.blocks, sv.blocks)
		v.blocks, sv.blocks = nil, nil
		for _, p := range [][2]*json.RawMessage{{&v.title, &sv.title}, {&v.submit, &sv.submit}, {&v.close, &sv.close}} {
			if !sameJSON(*p[0], *p[1]) {
				t.Fatalf("plain_text objects differ: %s and %s", *p[0], *p[1])
			}
			*p[0], *p[1] = nil, nil
		}
		if !reflect.DeepEqual(v, sv) {
			t.Fatalf("views differ:\nfast %+v\nslow %+v", v, sv)
		}
	}
	if v, aerr := parseView(raw, "modal"); aerr == nil {
		checkStateAgrees(t, v.blocks)
	}
	if ids, err := fastBlockIDs(raw); err == nil {
		arr, ok := parseBlocks(raw)
		var want []string
		for _, b := range arr {
			if id, ok := b.(obj)["block_id"].(string); ok {
				want = append(want, id)
			}
		}
		if !ok || !slices.Equal(ids, want) {
			t.Fatalf("block ids %q, want %q (ok %v): %s", ids, want, ok, raw)
		}
	}
	{
		got, err := Ack{Payload: raw}.PayloadBlockIDs()
		var m struct {
			Blocks []struct {
				BlockID string `json:"block_id"`
			} `json:"blocks"`
		}
		werr := json.Unmarshal(raw, &m)
		var want []string
		for _, b := range m.Blocks {
			want = append(want, b.BlockID)
		}
		if (err == nil) != (werr == nil) || err == nil && !slices.Equal(got, want) && len(got)+len(want) > 0 {
			t.Fatalf("PayloadBlockIDs = %q, %v; want %q, %v: %s", got, err, want, werr, raw)
		}
	}
	if a, err := parseAck(raw); err == nil {
		var want ackFrame
		if err := json.Unmarshal(raw, &want); err != nil || a.EnvelopeID != want.EnvelopeID || !bytes.Equal(a.Payload, want.Payload) {
			t.Fatalf("parseAck = %+v, want %+v (%v): %s", a, want, err, raw)
		}
	} else {
		var want ackFrame
		if json.Unmarshal(raw, &want) == nil {
			t.Fatalf("parseAck failed where json.Unmarshal did not: %s", raw)
		}
	}
	{
		rb, err := parseResponseBody(raw)
		var want responseBody
		werr := json.Unmarshal(raw, &want)
		if (err == nil) != (werr == nil) || err == nil && !reflect.DeepEqual(normRB(rb), normRB(want)) {
			t.Fatalf("parseResponseBody = %+v, %v; want %+v, %v: %s", rb, err, want, werr, raw)
		}
	}
	if m, err := topLevel(raw); err == nil {
		var want map[string]json.RawMessage
		if err := json.Unmarshal(raw, &want); err != nil || !reflect.DeepEqual(normMap(m), normMap(want)) {
			t.Fatalf("topLevel = %q, want %q (%v): %s", m, want, err, raw)
		}
	}
	if str, err := unquote(raw); err == nil {
		var want string
		if err := json.Unmarshal(raw, &want); err != nil || str != want {
			t.Fatalf("unquote = %q, want %q (%v): %s", str, want, err, raw)
		}
	}
}

func topLevelOrNil(raw []byte) map[string]json.RawMessage {
	m, _ := topLevel(raw)
	return m
}

func sameJSON(a, b []byte) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	var x, y any
	return json.Unmarshal(a, &x) == nil && json.Unmarshal(b, &y) == nil && reflect.DeepEqual(x, y)
}

// normRB compares raw values by what they say, not how they are spaced.
func normRB(rb responseBody) responseBody {
	rb.Blocks, rb.Attachments = compact(rb.Blocks), compact(rb.Attachments)
	return rb
}

func normMap(m map[string]json.RawMessage) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = string(compact(v))
	}
	return out
}

func compact(raw []byte) json.RawMessage {
	if raw == nil {
		return nil
	}
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return raw
	}
	return b.Bytes()
}

func TestRunesCountsLikeDecoding(t *testing.T) {
	t.Parallel()
	for _, text := range []string{``, `abc`, `é`, `\n`, `\u00e9`, `\ud83d\ude00`, `\ud800`, `\ud800\ud800`, `\ud800x`, `\udc00\ud83d\ude00`, "\xff", "a\xffb\xc3", `\\u0041`, `\"`} {
		s := scanner{data: []byte(`"` + text + `"`)}
		tok, err := s.str()
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		var want string
		if err := json.Unmarshal([]byte(`"`+text+`"`), &want); err != nil {
			t.Fatal(err)
		}
		if got := tok.runes(); got != utf8.RuneCountInString(want) {
			t.Errorf("runes(%s) = %d, want %d", text, got, utf8.RuneCountInString(want))
		}
		if tok.value() != want {
			t.Errorf("value(%s) = %q, want %q", text, tok.value(), want)
		}
	}
}

func TestAppendJSONMatchesMarshal(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	alphabet := []string{"a", "Z", " ", `"`, `\`, "/", "<", ">", "&", "\n", "\r", "\t", "\b", "\f", "\x00", "\x1f", "\x7f",
		"é", "€", "😀", "\u2028", "\u2029", "\ufffd", "\xff", "\xc3", "\xed\xa0\x80"}
	var strs []string
	for range 5000 {
		var b strings.Builder
		for range r.IntN(12) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		strs = append(strs, b.String())
	}
	for _, s := range strs {
		want, _ := json.Marshal(s)
		if got := jsonenc.AppendString(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("jsonenc.AppendString(%q) = %s, want %s", s, got, want)
		}
	}
	values := []any{nil, true, false, 0, -42, int64(1 << 40), json.Number("1.50"), "x",
		obj{"b": 1, "a": obj{"z": []any{"<&>", nil, false}}, "": "empty"},
		[]any{}, obj{}, map[string]string{"b": "2", "a": "1<"}, []any{obj{"k": json.RawMessage(`{"x":1}`)}},
		obj{strs[0]: strs[1], strs[2]: []any{strs[3], strs[4]}}}
	for _, v := range values {
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if got := mustJSON(v); !bytes.Equal(got, want) {
			t.Errorf("mustJSON(%#v) = %s, want %s", v, got, want)
		}
	}
	// A decoded payload re-encodes as json.Marshal would.
	var v any
	d := json.NewDecoder(strings.NewReader(sampleModal))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(v)
	if got := mustJSON(v); !bytes.Equal(got, want) {
		t.Errorf("mustJSON of the modal:\n got %s\nwant %s", got, want)
	}
}

func TestEnvelopeFrameMatchesMarshal(t *testing.T) {
	t.Parallel()
	payload := mustJSON(obj{"text": "<hi> & \u2028", "n": 1})
	for _, typ := range []string{"events_api", "slash_commands", "interactive"} {
		for _, accepts := range []bool{true, false} {
			env := newEnvelope(typ, payload, accepts)
			want, err := json.Marshal(env)
			if err != nil {
				t.Fatal(err)
			}
			if got := env.appendFrame(nil, true); !bytes.Equal(got, want) {
				t.Errorf("frame:\n got %s\nwant %s", got, want)
			}
			if got := env.appendFrame(nil, false); !bytes.Equal(got, want) {
				t.Errorf("frame(false):\n got %s\nwant %s", got, want)
			}
		}
	}
	reason, attempt := "timeout", 2
	env := envelope{EnvelopeID: "e", Payload: payload, Type: "events_api", RetryAttempt: &attempt, RetryReason: &reason}
	want, _ := json.Marshal(env)
	if got := env.appendFrame(nil, true); !bytes.Equal(got, want) {
		t.Errorf("frame:\n got %s\nwant %s", got, want)
	}
}

func TestFastViewIsTaken(t *testing.T) {
	t.Parallel()
	v, err := fastView([]byte(sampleModal), "modal")
	if err != nil {
		t.Fatalf("fastView: %v", err)
	}
	if v.titleText != "Fractional Advisor" || v.submitText != "Get recommendation" || v.closeText != "Cancel" ||
		v.callbackID != "assessment" || !v.clearOnClose || v.notifyOnClose || !strings.Contains(v.privateMetadata, "response_url") {
		t.Errorf("view = %+v", v)
	}
	checkFastPaths(t, []byte(sampleModal))
	for _, raw := range []string{
		strings.Replace(sampleModal, `"submit":{"type":"plain_text","text":"Get recommendation","emoji":true},`, "", 1), // input blocks need submit
		strings.Replace(sampleModal, `"text":"Cancel"`, `"text":"`+strings.Repeat("x", 25)+`"`, 1),
		strings.Replace(sampleModal, `"type":"modal"`, `"type":"home"`, 1),
		strings.Replace(sampleModal, `"callback_id":"assessment"`, `"callback_id":"`+strings.Repeat("é", 256)+`"`, 1),
	} {
		if _, err := fastView([]byte(raw), "modal"); err == nil {
			t.Errorf("fastView accepted %.120s…", raw)
		}
		checkFastPaths(t, []byte(raw))
	}
	if _, err := fastView([]byte(`{"type":"home","blocks":[],"title":"ignored"}`), "home"); err != nil {
		t.Errorf("fastView of a Home tab: %v", err)
	}
}

func TestMemoForgets(t *testing.T) {
	t.Parallel()
	var forgotten []string
	forget := func(k string) { forgotten = append(forgotten, k) }
	t0 := time.Unix(1_000_000, 0)
	var byAge memo
	for i := range 200 {
		byAge.add(fmt.Sprint(i), t0.Add(time.Duration(i)*time.Second), 10*time.Second, 0, forget)
	}
	if len(forgotten) != 189 || forgotten[0] != "0" || forgotten[188] != "188" {
		t.Errorf("by age, forgot %d: %v…", len(forgotten), forgotten[:min(3, len(forgotten))])
	}
	if len(byAge.q)-byAge.head != 11 || len(byAge.q) > 128 {
		t.Errorf("memo holds %d keys in %d slots", len(byAge.q)-byAge.head, len(byAge.q))
	}
	forgotten = nil
	var byCount memo
	for i := range 200 {
		byCount.add(fmt.Sprint(i), t0, 0, 50, forget)
	}
	if len(forgotten) != 150 || forgotten[149] != "149" || len(byCount.q)-byCount.head != 50 {
		t.Errorf("by count, forgot %d, kept %d", len(forgotten), len(byCount.q)-byCount.head)
	}
	var none memo
	none.add("k", t0, 0, 0, forget)
	if len(none.q) != 0 {
		t.Error("no limit, yet a key was noted")
	}
}

// checkStateAgrees compares stateValues with viewState over the decoded
// blocks, for a few kinds of answers.
func checkStateAgrees(t *testing.T, blocks []byte) {
	t.Helper()
	full, ok := parseBlocks(blocks)
	if !ok {
		t.Fatalf("parseBlocks of stored blocks failed: %s", blocks)
	}
	answerSets := []map[string]string{nil, {"unknown": "x", "z": ""}}
	for _, id := range blockIDs(blocks) {
		answerSets = append(answerSets,
			map[string]string{id: "both"}, map[string]string{id: ""}, map[string]string{id: "low, both,nope"},
			map[string]string{id: "ai_transformation", "extra": "<&>"}, map[string]string{id: "U1,C2"})
	}
	for _, ans := range answerSets {
		got, err := stateValues(blocks, ans)
		if err != nil {
			t.Fatalf("stateValues of stored blocks: %v: %s", err, blocks)
		}
		if want := mustJSON(viewState(full, ans)); !sameJSON(got, want) {
			t.Fatalf("state for %v:\n     got %s\n    want %s\n blocks %s", ans, got, want, blocks)
		}
	}
}

func TestStateValuesAgree(t *testing.T) {
	t.Parallel()
	checkStateAgrees(t, []byte(sampleMessageBlocks))
	v, aerr := parseView([]byte(sampleModal), "modal")
	if aerr != nil {
		t.Fatal(aerr)
	}
	checkStateAgrees(t, v.blocks)
	el := func(e string) string {
		return `[{"type":"input","block_id":"b","label":{"type":"plain_text","text":"l"},"element":` + e + `}]`
	}
	for _, raw := range []string{
		el(`{"type":"multi_static_select","action_id":"m","options":[{"text":{"type":"plain_text","text":"Low"},"value":"low"},{"value":"both","text":{"type":"plain_text","text":"B"},"description":null}],"initial_options":[{"value":"low"}]}`),
		el(`{"type":"static_select","action_id":"s","initial_option":{"value":"x"},"option_groups":[{"label":null,"options":[{"value":"both"},7,null]},"odd"],"options":"odd"}`),
		el(`{"type":"static_select","action_id":"s","initial_option":null,"options":[{"value":5},{"value":"both","value":"low"}]}`),
		el(`{"type":"users_select","action_id":"u","initial_user":"U1"}`),
		el(`{"type":"multi_users_select","action_id":"u","initial_users":["U1"]}`),
		el(`{"type":"datepicker","action_id":"d","initial_date":"2026-01-02"}`),
		el(`{"type":"plain_text_input","action_id":"p","initial_value":"hi \u003c"}`),
		el(`{"type":"plain_text_input","action_id":"p","action_id":5}`),
		el(`{"type":7,"action_id":"p"}`),
		el(`"not an object"`),
		el(`{"type":"conversations_select","action_id":"c","initial_conversation":null}`),
		el(`{"type":"channels_select","action_id":"c","initial_channel":"C1"}`),
		el(`{"type":"timepicker","action_id":"t"}`),
		el(`{"type":"multi_conversations_select","action_id":"m"}`),
		el(`{"type":"multi_channels_select","action_id":"m","initial_channels":["C1"]}`),
		el(`{"type":"checkboxes","action_id":"c","initial_options":null,"options":[{"value":"low","text":{"type":"plain_text","text":"<&>"}}]}`),
		el(`{"type":"external_select","action_id":"e","min_query_length":3}`),
		el(`{"action_id":"none","initial_value":7}`),
		el(`{"type":"static_select","action_id":"s","options":[{"value":"both"}],"options":[{"value":"low"}],"option_groups":[{"options":[{"value":"both","x":1}]},{"options":null}]}`),
		el(`{"type":"radio_buttons","action_id":"r","options":[{"value":"b\u006fth"},{"value":"both"}]}`),
		`[{"type":"input","block_id":"b","element":{"type":"datepicker","action_id":"d"}},{"type":"input","block_id":"b","element":{"type":"plain_text_input","action_id":"p"}}]`,
		`[{"type":"input","block_id":"b","element":{"type":"datepicker","action_id":"d"},"element":"gone"},{"type":"input","element":{"type":"plain_text_input","action_id":"x"}}]`,
		`[{"type":"input","block_id":"b","block_id":"c","element":{"type":"checkboxes","action_id":"c","options":[{"value":"both"}]}},{"type":"section","block_id":"s","text":{"type":"mrkdwn","text":"x"}}]`,
	} {
		checkStateAgrees(t, []byte(raw))
	}
}

func TestJSONObjectMatchesMarshal(t *testing.T) {
	t.Parallel()
	var o jsonObject
	if got := string(o.done()); got != "{}" {
		t.Errorf("empty object = %s", got)
	}
	o = jsonObject{}
	o.boolean("a", true)
	o.int("b", -7)
	o.str("c<", "x\u2028&")
	o.value("d", obj{"z": []any{nil, "q"}, "y": json.RawMessage(`{"k":1}`)})
	want, _ := json.Marshal(map[string]any{"a": true, "b": -7, "c<": "x\u2028&", "d": obj{"z": []any{nil, "q"}, "y": json.RawMessage(`{"k":1}`)}})
	if got := o.done(); !bytes.Equal(got, want) {
		t.Errorf("jsonObject:\n got %s\nwant %s", got, want)
	}
}

// The payloads the moves build without maps are what json.Marshal wrote
// for the maps they replace: keys sorted, strings escaped the same way.
func TestMovePayloadsAreCanonical(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	b := connected(t, s, nil)
	ctx := testCtx(t)
	moves := []struct {
		typ  socketmode.EventType
		move func() error
	}{
		{socketmode.EventTypeSlashCommand, func() error {
			_, _, err := s.SlashCommand(ctx, SlashCommand{Text: `ask <what> & "why" é`})
			return err
		}},
		{socketmode.EventTypeEventsAPI, func() error {
			_, _, err := s.Mention(ctx, Message{Text: "hi <b> & \u2028"})
			return err
		}},
		{socketmode.EventTypeEventsAPI, func() error {
			_, _, err := s.DirectMessage(ctx, Message{Text: "dm"})
			return err
		}},
	}
	for _, m := range moves {
		if err := m.move(); err != nil {
			t.Fatal(err)
		}
		evt := b.next(t, ctx, m.typ)
		raw := evt.Request.Payload
		var v any
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		if err := d.Decode(&v); err != nil {
			t.Fatal(err)
		}
		if want, _ := json.Marshal(v); !bytes.Equal(raw, want) {
			t.Errorf("%s payload:\n got %s\nwant %s", m.typ, raw, want)
		}
	}
}

func TestParseFormMatchesParseQuery(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 6))
	pieces := []string{"a", "Z", "=", "&", ";", "+", "%", "%2", "%22", "%7B", "%zz", "%e2%80%a8", "%ff", " ", "é", "blocks", "text"}
	cases := []string{"", "&", "=", "a=1&b=2&a=3", "a", "a=", "=b", "a=%", "a=%2", "a=%2x", "a=1;b=2", "t=hello+world%21&blocks=%5B%7B%22type%22%3A%22divider%22%7D%5D"}
	for range 20000 {
		var b strings.Builder
		for range r.IntN(10) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		cases = append(cases, b.String())
	}
	for _, c := range cases {
		got, err := parseForm(c)
		want, werr := url.ParseQuery(c)
		if (err == nil) != (werr == nil) || !reflect.DeepEqual(got, want) {
			t.Fatalf("parseForm(%q) = %v, %v; want %v, %v", c, got, err, want, werr)
		}
	}
}

func TestStringsDecodeLikeEncodingJSON(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 8))
	pieces := []string{"a", " ", "é", "😀", `\n`, `\"`, `\\`, `\/`, `\b`, `\f`, `\r`, `\t`, `\u0041`, `\u00e9`, `\u2028`,
		`\ud83d\ude00`, `\ud83d`, `\ude00`, `\ud83dx`, `\ud83d\u0041`, `\uD83D\uDE00`, "\xff", "\xc3", "\xed\xa0\x80", "\x7f"}
	for range 20000 {
		var b strings.Builder
		for range r.IntN(8) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		quoted := `"` + b.String() + `"`
		s := scanner{data: []byte(quoted)}
		tok, err := s.str()
		var want string
		if werr := json.Unmarshal([]byte(quoted), &want); (err == nil) != (werr == nil) {
			t.Fatalf("%s: scanner %v, encoding/json %v", quoted, err, werr)
		}
		if err != nil {
			continue
		}
		if got := tok.value(); got != want {
			t.Fatalf("value(%s) = %q, want %q", quoted, got, want)
		}
		if got := tok.runes(); got != utf8.RuneCountInString(want) {
			t.Fatalf("runes(%s) = %d, want %d", quoted, got, utf8.RuneCountInString(want))
		}
	}
	// Control characters, wherever they fall in the eight-byte words.
	for range 20000 {
		b := make([]byte, r.IntN(40))
		for i := range b {
			b[i] = byte(0x20 + r.IntN(0xe0))
			if r.IntN(50) == 0 {
				b[i] = byte(r.IntN(0x20))
			}
		}
		if got, want := hasControl(b), slices.ContainsFunc(b, func(c byte) bool { return c < 0x20 }); got != want {
			t.Fatalf("hasControl(%q) = %v", b, got)
		}
	}
}

// viewJSON writes what json.Marshal wrote for the map it used to build.
func TestViewJSONMatchesMap(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	v, aerr := parseView([]byte(sampleModal), "modal")
	if aerr != nil {
		t.Fatal(aerr)
	}
	v.id, v.user, v.hash, v.rootID = "V1", "U1", "1.abc", "V1"
	home, aerr := parseView([]byte(`{"type":"home","blocks":[{"type":"divider"}],"private_metadata":"<&>"}`), "home")
	if aerr != nil {
		t.Fatal(aerr)
	}
	home.id = "V2"
	values := json.RawMessage(`{"goal":{"goal":{"type":"radio_buttons","selected_option":null}}}`)
	for _, tt := range []struct {
		v      *viewRec
		values json.RawMessage
	}{{v, nil}, {v, values}, {home, nil}} {
		o := obj{
			"id": tt.v.id, "team_id": s.cfg.TeamID, "type": tt.v.typ, "blocks": tt.v.blocks,
			"private_metadata": tt.v.privateMetadata, "callback_id": tt.v.callbackID, "external_id": tt.v.external,
			"state": obj{"values": obj{}}, "hash": tt.v.hash, "clear_on_close": tt.v.clearOnClose,
			"notify_on_close": tt.v.notifyOnClose, "root_view_id": tt.v.rootID, "app_id": s.cfg.AppID,
			"app_installed_team_id": s.cfg.TeamID, "bot_id": s.cfg.BotID,
		}
		if tt.values != nil {
			o["state"] = obj{"values": tt.values}
		}
		if tt.v.typ == "modal" {
			o["title"], o["submit"], o["close"], o["previous_view_id"] = tt.v.title, tt.v.submit, tt.v.close, nil
		}
		if got, want := s.viewJSON(tt.v, tt.values), mustJSON(o); !bytes.Equal(got, want) {
			t.Errorf("viewJSON:\n got %s\nwant %s", got, want)
		}
	}
}

// Message timestamps keep Slack's "seconds.micros" form, increasing.
func TestNextTS(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastTS = time.Now().UnixMicro() + 5_000_007 // ahead of the clock, odd micros
	prev := ""
	for range 3 {
		ts := s.nextTSLocked()
		if want := fmt.Sprintf("%d.%06d", s.lastTS/1e6, s.lastTS%1e6); ts != want || ts <= prev {
			t.Errorf("ts %q, want %q after %q", ts, want, prev)
		}
		prev = ts
	}
	sec := time.Now().Unix() + 100
	s.lastTS = sec*1e6 + 41 // micros with leading zeros
	if ts, want := s.nextTSLocked(), fmt.Sprintf("%d.000042", sec); ts != want {
		t.Errorf("ts %q, want %q", ts, want)
	}
}

// A view_submission says what it said when it was built from maps.
func TestSubmitPayloadMatchesMap(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	b := connected(t, s, nil)
	ctx := testCtx(t)
	_, info, err := s.SlashCommand(ctx, SlashCommand{UserID: "U5"})
	if err != nil {
		t.Fatal(err)
	}
	opened, err := b.api.OpenViewContext(ctx, info.TriggerID, modalRequest(t))
	if err != nil {
		t.Fatal(err)
	}
	answers := map[string]string{"goal": "both", "budget": "nope", "extra": "<x>"}
	if _, err := s.SubmitView(ctx, "U5", opened.ID, answers); err != nil {
		t.Fatal(err)
	}
	raw := b.next(t, ctx, socketmode.EventTypeInteractive).Request.Payload
	var got obj
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	v := *s.views[opened.ID]
	s.mu.Unlock()
	blocks, _ := parseBlocks(v.blocks)
	view := obj{
		"id": v.id, "team_id": s.cfg.TeamID, "type": v.typ, "blocks": blocks,
		"private_metadata": v.privateMetadata, "callback_id": v.callbackID, "external_id": v.external,
		"state": obj{"values": viewState(blocks, answers)}, "hash": v.hash, "clear_on_close": v.clearOnClose,
		"notify_on_close": v.notifyOnClose, "root_view_id": v.rootID, "app_id": s.cfg.AppID,
		"app_installed_team_id": s.cfg.TeamID, "bot_id": s.cfg.BotID,
		"title": v.title, "submit": v.submit, "close": v.close, "previous_view_id": nil,
	}
	want := obj{
		"type": "view_submission", "team": s.teamJSON(), "user": s.userJSON("U5"), "api_app_id": s.cfg.AppID,
		"token": verificationToken, "trigger_id": got["trigger_id"], "view": view,
		"response_urls": []any{}, "is_enterprise_install": false, "enterprise": nil,
	}
	if !sameJSON(raw, mustJSON(want)) {
		t.Errorf("view_submission:\n got %s\nwant %s", raw, mustJSON(want))
	}
}

// TestTrailingDataIsRefused: one JSON value and nothing after it, as Slack
// reads a body; a stray bracket from a hand-written encoder must fail here.
func TestTrailingDataIsRefused(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{`[{"type":"divider"}]]`, `[{"type":"divider"}]}`, `[] []`, `[]x`, `{"type":"modal","blocks":[]}}`} {
		if _, err := decodeJSON([]byte(raw)); err == nil {
			t.Errorf("decodeJSON(%s) accepted trailing data", raw)
		}
	}
	for _, raw := range []string{`[]`, " [ ] \n\t", `{"a":1}`} {
		if _, err := decodeJSON([]byte(raw)); err != nil {
			t.Errorf("decodeJSON(%q): %v", raw, err)
		}
	}
	if _, ok := parseBlocks([]byte(`[{"type":"divider"}]]`)); ok {
		t.Error("parseBlocks accepted a stray bracket")
	}
}

// TestPayloadBlockIDsRepeatedKey: encoding/json merges a repeated "blocks"
// into the first one's elements; the fast path leaves that case to it.
func TestPayloadBlockIDsRepeatedKey(t *testing.T) {
	t.Parallel()
	got, err := Ack{Payload: []byte(`{"blocks":[{"block_id":"a"}],"blocks":[{}]}`)}.PayloadBlockIDs()
	if err != nil || !slices.Equal(got, []string{"a"}) {
		t.Errorf("PayloadBlockIDs = %q, %v; want [a] as encoding/json reads it", got, err)
	}
}
