package main

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"
)

// TestLoadRealBot builds the real bot (run does, with go build), starts it
// as a separate process against the emulator, and drives a short mixed
// load: the report must be complete and the run free of errors.
func TestLoadRealBot(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the bot binary")
	}
	t.Parallel()
	for _, transport := range []string{"socket", "http"} {
		t.Run(transport, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			var stdout, stderr bytes.Buffer
			err := run(ctx, []string{"-n", "50", "-c", "4", "-json", "-idle", "200ms", "-timeout", "3m", "-transport", transport}, &stdout, &stderr)
			if err != nil {
				t.Fatalf("run: %v\nstdout: %s\nstderr: %s", err, stdout.String(), stderr.String())
			}
			var r Report
			if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
				t.Fatalf("report is not one JSON object: %v\n%s", err, stdout.String())
			}
			if missing := r.complete(); len(missing) > 0 {
				t.Errorf("report lacks %v:\n%s", missing, stdout.String())
			}
			if r.Errors != 0 || len(r.ErrorKinds) != 0 || r.Transport != transport {
				t.Errorf("transport %q, errors %d: %v", r.Transport, r.Errors, r.ErrorKinds)
			}
			if r.Envelopes != 50 || r.Acked != 50 || r.Replies != 50 {
				t.Errorf("envelopes %d, acked %d, replies %d; want 50 of each", r.Envelopes, r.Acked, r.Replies)
			}
			// The default mix reaches every kind of transaction, both
			// assessment steps included.
			for _, k := range []string{"ask", "mention", "dm", "assess_open", "assess_submit"} {
				if r.ReplyByKind[k].N == 0 {
					t.Errorf("no %s replies: %v", k, r.ReplyByKind)
				}
			}
		})
	}
}

// TestBotThatExits: a bot command that dies at once fails the run with the
// bot's own words, not a hang.
func TestBotThatExits(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	err := run(ctx, []string{"-n", "5", "--", "/bin/sh", "-c", "echo no tokens for me >&2; exit 3"}, &stdout, &stderr)
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte("no tokens for me")) || !bytes.Contains([]byte(err.Error()), []byte("exit status 3")) {
		t.Errorf("err = %v, want the bot's exit and stderr", err)
	}
	if stdout.Len() != 0 {
		t.Errorf("a report was printed: %s", stdout.String())
	}
}
