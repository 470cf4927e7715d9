package slacktest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestBlockLimits: Slack's verdict on blocks, with lengths counted in
// characters of the decoded text.
func TestBlockLimits(t *testing.T) {
	t.Parallel()
	long := func(n int, unit string) string { return strings.Repeat(unit, n) }
	list := func(n int, item string) string { return "[" + strings.TrimSuffix(long(n, item+","), ",") + "]" }
	section := func(text string) string {
		return `[{"type":"section","block_id":"s","text":{"type":"mrkdwn","text":"` + text + `"}}]`
	}
	input := func(element string) string {
		return `[{"type":"input","block_id":"i","label":{"type":"plain_text","text":"l"},"element":` + element + `}]`
	}
	tests := []struct{ raw, want string }{
		{`[]`, ""},
		{` [ {"type":"divider"} ] `, ""},
		{`[{"type":"actions","block_id":"a","elements":[{"type":"button","text":{"type":"plain_text","text":"x"}}]}]`, ""},
		{`[{"type":"divider","block_id":""}]`, ""},
		{`[{"type":"divider","block_id":null}]`, ""},
		{`[{"t\u0079pe":"divider"}]`, ""},
		{`[{"type":"section"}]`, "invalid_blocks"},
		{`[{"type":"section","block_id":"a","text":{"type":"mrkdwn","text":"x"}},{"type":"divider","block_id":"a"}]`, "invalid_blocks"},
		{`[{"type":5}]`, "invalid_blocks"},
		{`[{"type":"divider","type":"section"}]`, "invalid_blocks"}, // the last key counts
		{`[{"type":"context","block_id":"c","elements":[]}]`, "invalid_blocks"},
		{`[{"type":"section","block_id":"s","text":"plain"}]`, "invalid_blocks"},
		{input(`"x"`), "invalid_blocks"},
		{`[{"type":"input","element":{"type":"plain_text_input"}}]`, "invalid_blocks"},
		{input(`{"type":"checkboxes","action_id":"x","options":` + list(10, `{"value":"v"}`) + `}`), ""},
		{input(`{"type":"checkboxes","action_id":"x","options":` + list(11, `{"value":"v"}`) + `}`), "invalid_blocks"},
		{input(`{"type":"static_select","action_id":"s","options":[{"text":{"type":"plain_text","text":"` + long(76, "o") + `"},"value":"v"}]}`), "invalid_blocks"},
		{input(`{"type":"static_select","action_id":"s","options":[{"text":{"type":"plain_text","text":"o"},"value":"` + long(151, "v") + `"}]}`), "invalid_blocks"},
		{`[null]`, "invalid_blocks_format"},
		{`[1]`, "invalid_blocks_format"},
		{`{}`, "invalid_blocks_format"},
		{`null`, "invalid_blocks_format"},
		{`[{"type":"divider"}]]`, "invalid_blocks_format"},
		{`[{"type":"divider"},]`, "invalid_blocks_format"},
		{`[] []`, "invalid_blocks_format"},
		{section(long(3000, "é")), ""},
		{section(long(3001, "é")), "invalid_blocks"},
		{section(long(2999, "a") + `\n`), ""},
		{section(long(2999, "a") + `\n\n`), "invalid_blocks"},
		{section(long(2999, "a") + `\ud83d\ude00`), ""},
		{section(long(2999, "a") + `\ud83d\ude00x`), "invalid_blocks"},
		{`[{"type":"divider","block_id":"` + long(255, "é") + `"}]`, ""},
		{`[{"type":"divider","block_id":"` + long(256, "é") + `"}]`, "invalid_blocks"},
		{list(50, `{"type":"divider"}`), ""},
		{list(51, `{"type":"divider"}`), "invalid_blocks"},
		{`[{"type":"header","text":{"type":"plain_text","text":"` + long(151, "h") + `"}}]`, "invalid_blocks"},
		{`[{"type":"section","text":{"type":"mrkdwn","text":"x"},"fields":` + list(11, `{"type":"mrkdwn","text":"f"}`) + `}]`, "invalid_blocks"},
		{`[{"type":"section","fields":[{"type":"mrkdwn","text":"` + long(2001, "f") + `"}]}]`, "invalid_blocks"},
		{`[{"type":"actions","elements":[{"type":"button","action_id":"b","text":{"type":"plain_text","text":"x"},"value":"` + long(2001, "v") + `"}]}]`, "invalid_blocks"},
		{`[{"type":"actions","elements":[{"type":"button","action_id":"` + long(256, "a") + `","text":{"type":"plain_text","text":"x"}}]}]`, "invalid_blocks"},
		{`[{"type":"actions","elements":[{"type":"button","action_id":"b","text":{"type":"plain_text","text":"` + long(76, "x") + `"}}]}]`, "invalid_blocks"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%.60s", tt.raw), func(t *testing.T) {
			t.Parallel()
			arg, has := (&apiRequest{args: obj{"blocks": tt.raw}}).jsonArg("blocks")
			blocks, aerr := messageContent("x", arg, has, false)
			if got := codeOf(aerr); got != tt.want {
				t.Fatalf("error %q %v, want %q", got, aerr, tt.want)
			}
			if aerr != nil {
				return
			}
			// Slack fills in block_ids and action_ids.
			var arr []obj
			if err := json.Unmarshal(blocks, &arr); err != nil {
				t.Fatal(err)
			}
			for _, b := range arr {
				if id, _ := b["block_id"].(string); id == "" {
					t.Errorf("block without an id: %v", b)
				}
				for _, e := range interactive(b) {
					if id, _ := e["action_id"].(string); id == "" {
						t.Errorf("element without an action_id: %v", e)
					}
				}
			}
		})
	}
}

func codeOf(e *apiError) string {
	if e == nil {
		return ""
	}
	return e.code
}

func TestViewChecks(t *testing.T) {
	t.Parallel()
	const modal = `{"type":"modal","title":{"type":"plain_text","text":"Fractional Advisor"},"submit":{"type":"plain_text","text":"Get recommendation"},"close":{"type":"plain_text","text":"Cancel"},"callback_id":"assessment","blocks":[{"type":"input","block_id":"goal","label":{"type":"plain_text","text":"Goal"},"element":{"type":"radio_buttons","action_id":"goal","options":[{"text":{"type":"plain_text","text":"Both"},"value":"both"}]}}]}`
	tests := []struct {
		name, raw, typ string
		ok             bool
	}{
		{"modal", modal, "modal", true},
		{"home", `{"type":"home","blocks":[],"title":"ignored"}`, "home", true},
		{"inputs without submit", strings.Replace(modal, `"submit":{"type":"plain_text","text":"Get recommendation"},`, "", 1), "modal", false},
		{"close too long", strings.Replace(modal, `"Cancel"`, `"`+strings.Repeat("x", 25)+`"`, 1), "modal", false},
		{"title not plain_text", strings.Replace(modal, `"type":"plain_text","text":"Fractional`, `"type":"mrkdwn","text":"Fractional`, 1), "modal", false},
		{"no title", strings.Replace(modal, `"title":{"type":"plain_text","text":"Fractional Advisor"},`, "", 1), "modal", false},
		{"wrong type", modal, "home", false},
		{"callback_id too long", strings.Replace(modal, `"assessment"`, `"`+strings.Repeat("é", 256)+`"`, 1), "modal", false},
		{"no blocks", `{"type":"home"}`, "home", false},
		{"bad block", `{"type":"home","blocks":[{"type":"section"}]}`, "home", false},
		{"trailing data", modal + "}", "modal", false},
		{"not an object", `[]`, "modal", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			arg, _ := (&apiRequest{args: obj{"view": tt.raw}}).jsonArg("view")
			v, aerr := parseView(arg, tt.typ)
			if (aerr == nil) != tt.ok {
				t.Fatalf("parseView = %+v, %v; want ok %v", v, aerr, tt.ok)
			}
			if aerr != nil && (aerr.code != "invalid_arguments" || len(aerr.msgs) == 0) {
				t.Errorf("error %s %q, want invalid_arguments with Slack's messages", aerr.code, aerr.msgs)
			}
		})
	}
}

func TestBlockIDs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw  string
		want []string
		err  bool
	}{
		{``, nil, false},
		{`[]`, []string{}, false},
		{`[{"block_id":"a"},{"type":"divider"},{"block_id":"faq:cost"}]`, []string{"a", "", "faq:cost"}, false},
		{`[{"block_id":"a","block_id":"b"}]`, []string{"b"}, false},
		{`[{"block_id":5}]`, nil, true},
		{`{}`, nil, true},
		{`[{"block_id":"a"}]]`, nil, true},
	}
	for _, tt := range tests {
		got, err := BlockIDs(json.RawMessage(tt.raw))
		if (err != nil) != tt.err || !slices.Equal(got, tt.want) {
			t.Errorf("BlockIDs(%s) = %q, %v; want %q, error %v", tt.raw, got, err, tt.want, tt.err)
		}
	}
	p := Posted{Blocks: json.RawMessage(`[{"block_id":"recommendation:cto"},{"block_id":"faq:cost"}]`)}
	if !p.HasBlockID("faq:cost") || p.HasBlockID("faq") || !p.HasBlockIDPrefix("recommendation:") || p.HasBlockIDPrefix("x") {
		t.Errorf("HasBlockID/HasBlockIDPrefix wrong for %s", p.Blocks)
	}
	acks := []struct {
		payload string
		want    []string
		err     bool
	}{
		{`{"text":"a","blocks":[{"block_id":"busy"}]}`, []string{"busy"}, false},
		{`{"text":"a"}`, []string{}, false},
		// encoding/json decodes a repeated key into the first one's elements.
		{`{"blocks":[{"block_id":"a"}],"blocks":[{}]}`, []string{"a"}, false},
		{`not json`, nil, true},
	}
	for _, tt := range acks {
		got, err := Ack{Payload: json.RawMessage(tt.payload)}.PayloadBlockIDs()
		if (err != nil) != tt.err || !slices.Equal(got, tt.want) {
			t.Errorf("PayloadBlockIDs(%s) = %q, %v; want %q, error %v", tt.payload, got, err, tt.want, tt.err)
		}
	}
}

func TestStoreForgets(t *testing.T) {
	t.Parallel()
	t0 := time.Unix(1_000_000, 0)
	tests := []struct {
		name      string
		ttl       time.Duration
		max       int
		at        func(i int) time.Time
		forgotten int
	}{
		{"by age", 10 * time.Second, 0, func(i int) time.Time { return t0.Add(time.Duration(i) * time.Second) }, 189},
		{"by count", 0, 50, func(int) time.Time { return t0 }, 150},
		{"no limit", 0, 0, func(int) time.Time { return t0 }, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var forgotten []string
			st := store[int]{ttl: tt.ttl, max: tt.max, forget: func(k string, _ int) { forgotten = append(forgotten, k) }}
			for i := range 200 {
				st.put(fmt.Sprint(i), i, tt.at(i))
			}
			if len(forgotten) != tt.forgotten || len(st.m) != 200-tt.forgotten {
				t.Fatalf("forgot %d, kept %d; want %d forgotten", len(forgotten), len(st.m), tt.forgotten)
			}
			for i, k := range forgotten { // oldest first
				if k != fmt.Sprint(i) {
					t.Fatalf("forgot %q at %d", k, i)
				}
			}
			if cap(st.q) > 4*max(len(st.m), 16) {
				t.Errorf("queue holds %d slots for %d keys", cap(st.q), len(st.m))
			}
		})
	}
}

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
