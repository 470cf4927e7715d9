package slacktest

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// IDs are random rather than sequential so that code under test cannot come
// to depend on their order, and so two emulators never hand out the same one.

// randUpper returns n characters of Slack-looking ID alphabet (A-Z, 2-7).
func randUpper(n int) string {
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(rand.Text())
	}
	return b.String()[:n]
}

func randHex(nbytes int) string {
	b := make([]byte, nbytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// envelopeID looks like the UUIDs Slack uses for envelope_id.
func envelopeID() string {
	h := randHex(16)
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}

// triggerID follows the documented "132456.7890123.abcdef" shape.
func (s *Server) triggerIDLocked() string {
	s.counter++
	return strconv.FormatInt(time.Now().Unix(), 10) + "." + strconv.Itoa(s.counter) + "." + randHex(16)
}

func eventID() string { return "Ev" + randUpper(10) }

func viewID() string { return "V" + randUpper(10) }

// blockID mimics the short IDs Slack generates for blocks sent without one.
func blockID() string { return randUpper(5) }

func viewHash() string { return strconv.FormatInt(time.Now().Unix(), 10) + "." + randHex(4) }
