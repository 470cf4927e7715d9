package slack

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// FuzzEnvelope feeds whole Socket Mode frames to the adapter's decoding:
// nothing may panic, and whatever decodes is an event of the bot's with a
// kind. The seeds are the integration tests' fixtures, modelled on Slack's
// documented payloads, and the frames in testdata/fuzz/FuzzEnvelope.
func FuzzEnvelope(f *testing.F) {
	fixtures, err := filepath.Glob("../../cmd/fractional-advisor/testdata/socketmode/*.json")
	if err != nil || len(fixtures) == 0 {
		f.Fatalf("no fixtures to seed from: %v", err)
	}
	for _, name := range fixtures {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"envelope_id":"E1","type":"interactive","payload":{"type":"view_submission","view":{"state":{"values":{"a":{"a":{"type":"checkboxes","selected_options":[{"value":"x"}]}}}}}}}`))
	f.Add([]byte(`{"envelope_id":"E2","type":"slash_commands","payload":5}`))
	f.Fuzz(func(t *testing.T, frame []byte) {
		var env envelope
		if json.Unmarshal(frame, &env) != nil {
			return
		}
		ev, err := decodeEnvelope(env)
		if err != nil {
			if ev != nil {
				t.Fatalf("an error (%v) and an event %T", err, ev)
			}
			return
		}
		if ev.Kind() == "" {
			t.Fatalf("event %T without a kind", ev)
		}
		if s, ok := ev.(*Submission); ok {
			for block, actions := range s.inputs {
				for action := range actions {
					_ = s.Value(block, action)
					_ = s.Selected(block, action)
				}
			}
		}
	})
}
