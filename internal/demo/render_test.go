package demo

import (
	"strings"
	"testing"
)

func TestRender(t *testing.T) {
	t.Parallel()
	blocks := `[
	 {"type":"header","text":{"type":"plain_text","text":"Title"}},
	 {"type":"section","block_id":"s","text":{"type":"mrkdwn","text":"*Bold* a &lt;b&gt; &amp; c"},"fields":[{"type":"mrkdwn","text":"*Cost*\n$1"}]},
	 {"type":"context","elements":[{"type":"mrkdwn","text":"note"}]},
	 {"type":"actions","elements":[{"type":"button","text":{"type":"plain_text","text":"Go"}},{"type":"button","text":{"type":"plain_text","text":"Stop"}}]},
	 {"type":"divider"},
	 {"type":"input","label":{"type":"plain_text","text":"Pick"},"optional":true,"element":{"type":"radio_buttons","options":[{"text":{"type":"plain_text","text":"One"},"value":"1"}]}},
	 {"type":"section","text":{"type":"mrkdwn","text":"row"},"accessory":{"type":"button","text":{"type":"plain_text","text":"Answer"}}}
	]`
	got := Render([]byte(blocks))
	for _, want := range []string{"Title\n  ═════", "Bold a <b> & c", "Cost: $1", "· note", "[ Go ] [ Stop ]", "────", "? Pick (optional)", "( ) One", "[ Answer ]"} {
		if !strings.Contains(got, want) {
			t.Errorf("Render lacks %q:\n%s", want, got)
		}
	}
	if got := Render([]byte("{not json")); !strings.Contains(got, "unreadable blocks") {
		t.Errorf("bad JSON rendered as %q", got)
	}
}
