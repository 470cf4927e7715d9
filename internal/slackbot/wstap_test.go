package slackbot

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// frame builds a server-to-client frame (unmasked unless mask is given).
func frame(fin bool, opcode byte, payload []byte, mask ...byte) []byte {
	b0 := opcode
	if fin {
		b0 |= 0x80
	}
	var h []byte
	var mbit byte
	if len(mask) == 4 {
		mbit = 0x80
	}
	switch n := len(payload); {
	case n < 126:
		h = []byte{b0, mbit | byte(n)}
	case n <= 0xffff:
		h = []byte{b0, mbit | 126, byte(n >> 8), byte(n)}
	default:
		h = []byte{b0, mbit | 127, 0, 0, 0, 0, byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}
	}
	if mbit == 0 {
		return append(h, payload...)
	}
	h = append(h, mask...)
	for i, c := range payload {
		h = append(h, c^mask[i%4])
	}
	return h
}

type tapSeen struct {
	pings int
	texts []string
}

func newTestParser(s *tapSeen) *frameParser {
	return &frameParser{
		onPing: func() { s.pings++ },
		onText: func(b []byte) { s.texts = append(s.texts, string(b)) },
	}
}

func TestFrameParser(t *testing.T) {
	t.Parallel()
	small := `{"type":"disconnect","reason":"warning"}`
	mid := strings.Repeat("m", 300)      // 16-bit length
	atMax := strings.Repeat("x", 4096)   // 16-bit length, kept
	overMax := strings.Repeat("y", 4097) // 16-bit length, skipped
	big := strings.Repeat("z", 70000)    // 64-bit length, skipped
	cat := func(fs ...[]byte) []byte { return bytes.Join(fs, nil) }
	tests := []struct {
		name  string
		in    []byte
		pings int
		texts []string
	}{
		{"small text", frame(true, 1, []byte(small)), 0, []string{small}},
		{"empty text", frame(true, 1, nil), 0, []string{""}},
		{"126 length", frame(true, 1, []byte(mid)), 0, []string{mid}},
		{"at the cap", frame(true, 1, []byte(atMax)), 0, []string{atMax}},
		{"over the cap", cat(frame(true, 1, []byte(overMax)), frame(true, 1, []byte("after"))), 0, []string{"after"}},
		{"127 length", cat(frame(true, 1, []byte(big)), frame(true, 1, []byte("after"))), 0, []string{"after"}},
		{"binary ignored", cat(frame(true, 2, []byte(small)), frame(true, 1, []byte("t"))), 0, []string{"t"}},
		{"ping", frame(true, 9, []byte("hi")), 1, nil},
		{"empty ping", frame(true, 9, nil), 1, nil},
		{"pong is not a ping", frame(true, 10, []byte("hi")), 0, nil},
		{"close", cat(frame(true, 8, []byte{0x03, 0xe8, 'b', 'y', 'e'}), frame(true, 9, nil)), 1, nil},
		{"continuation", cat(frame(false, 1, []byte(`{"type":`)), frame(false, 0, []byte(`"disconnect",`)),
			frame(true, 0, []byte(`"reason":"x"}`))), 0, []string{`{"type":"disconnect","reason":"x"}`}},
		{"ping inside a fragmented message", cat(frame(false, 1, []byte("ab")), frame(true, 9, []byte("p")),
			frame(true, 0, []byte("cd"))), 1, []string{"abcd"}},
		{"continuation over the cap", cat(frame(false, 1, []byte(atMax)), frame(true, 0, []byte("!")),
			frame(true, 1, []byte("next"))), 0, []string{"next"}},
		{"binary continuation ignored", cat(frame(false, 2, []byte("ab")), frame(true, 0, []byte("cd"))), 0, nil},
		{"masked", frame(true, 1, []byte(small), 1, 2, 3, 4), 0, []string{small}},
		{"many", cat(frame(true, 9, nil), frame(true, 1, []byte("a")), frame(true, 9, nil), frame(true, 1, []byte("b"))),
			2, []string{"a", "b"}},
	}
	for _, tt := range tests {
		for _, step := range []int{0, 1, 3, 4096} { // 0: all at once
			t.Run(fmt.Sprintf("%s/by%d", tt.name, step), func(t *testing.T) {
				var s tapSeen
				p := newTestParser(&s)
				in := tt.in
				if step == 0 {
					p.feed(in)
				} else {
					for len(in) > 0 {
						n := min(step, len(in))
						p.feed(in[:n])
						in = in[n:]
					}
				}
				if s.pings != tt.pings {
					t.Errorf("%d pings, want %d", s.pings, tt.pings)
				}
				if fmt.Sprint(s.texts) != fmt.Sprint(tt.texts) {
					t.Errorf("texts %.80q, want %.80q", s.texts, tt.texts)
				}
				if p.broken {
					t.Error("parser gave up")
				}
			})
		}
	}
}

// TestFrameParserBigFrameNotBuffered: a 2 MB text frame is skipped, not
// kept, even when it arrives in one piece.
func TestFrameParserBigFrameNotBuffered(t *testing.T) {
	t.Parallel()
	var s tapSeen
	p := newTestParser(&s)
	f := frame(true, 1, bytes.Repeat([]byte("a"), 2<<20))
	for len(f) > 0 {
		n := min(32<<10, len(f))
		p.feed(f[:n])
		f = f[n:]
		if cap(p.buf) > tapTextMax {
			t.Fatalf("buffered %d bytes", cap(p.buf))
		}
	}
	p.feed(frame(true, 9, nil))
	if len(s.texts) != 0 || s.pings != 1 {
		t.Errorf("texts %d, pings %d; want 0, 1", len(s.texts), s.pings)
	}
	if p.inBody || p.hdrN != 0 {
		t.Error("parser did not end the frame")
	}
}

func TestFrameParserBroken(t *testing.T) {
	t.Parallel()
	var s tapSeen
	p := newTestParser(&s)
	p.feed([]byte{0x89, 126, 0, 200}) // a control frame over 125 bytes
	p.feed(frame(true, 9, nil))
	if !p.broken || s.pings != 0 {
		t.Errorf("broken %v, pings %d; want a parser that stopped", p.broken, s.pings)
	}
}

func TestHTTPSkipper(t *testing.T) {
	t.Parallel()
	proxy := "HTTP/1.1 200 Connection established\r\n\r\n"
	upgrade := "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
	ping := string(frame(true, 9, nil))
	for _, in := range []string{upgrade + ping, proxy + upgrade + ping} {
		for _, step := range []int{1, 7, len(in)} {
			var s tapSeen
			var h httpSkipper
			p := newTestParser(&s)
			for b := []byte(in); len(b) > 0; {
				n := min(step, len(b))
				rest := b[:n]
				if !h.done {
					rest = h.skip(rest)
				}
				p.feed(rest)
				b = b[n:]
			}
			if !h.done || s.pings != 1 {
				t.Errorf("%.20q by %d: done %v, pings %d", in, step, h.done, s.pings)
			}
		}
	}
}

// TestTapConn: the tap reports a disconnect request and pings, and its
// Close says why the connection ended.
func TestTapConn(t *testing.T) {
	t.Parallel()
	var reasons []string
	w := &connWatch{pingTimeout: time.Hour, onDisconnect: func(r string) { reasons = append(reasons, r) }}
	client, server := net.Pipe()
	c := w.wrap(client).(*tapConn)
	go func() {
		_, _ = io.WriteString(server, "HTTP/1.1 101 Switching Protocols\r\n\r\n")
		_, _ = server.Write(frame(true, 9, nil))
		_, _ = server.Write(frame(true, 1, []byte(`{"type":"hello"}`)))
		_, _ = server.Write(frame(true, 1, []byte(`{"type":"disconnect","reason":"refresh_requested"}`)))
		server.Close()
	}()
	_, _ = io.Copy(io.Discard, c)
	if c.lastPing.Load() == 0 {
		t.Error("no ping seen")
	}
	if fmt.Sprint(reasons) != "[refresh_requested]" {
		t.Errorf("disconnects %v", reasons)
	}
	c.Close()
	if got := w.takeLost(); got != "" {
		t.Errorf("a requested disconnect ended as %q", got)
	}

	w.pingTimeout = time.Nanosecond
	c2, s2 := net.Pipe()
	s2.Close()
	time.Sleep(time.Millisecond)
	_ = w.wrap(c2).Close()
	if got := w.takeLost(); got != "ping_timeout" {
		t.Errorf("a silent connection ended as %q", got)
	}
	w.pingTimeout = time.Hour
	c3, s3 := net.Pipe()
	s3.Close()
	_ = w.wrap(c3).Close()
	if got := w.takeLost(); got != "connection_lost" {
		t.Errorf("a lost connection ended as %q", got)
	}
}

// TestTapDialerProxy: with a proxy, the dialer tunnels with CONNECT (with
// the proxy's credentials) and the tap sees only what follows.
func TestTapDialerProxy(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := make(chan *http.Request, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		req, err := http.ReadRequest(bufio.NewReader(c))
		if err != nil {
			return
		}
		got <- req
		// The answer and the first bytes of the tunnel in one write.
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\n\r\nHTTP/1.1 101 Switching Protocols\r\n\r\n")
		_, _ = c.Write(frame(true, 9, nil))
	}()
	w := &connWatch{pingTimeout: time.Hour}
	d := &tapDialer{w: w, proxy: func(*http.Request) (*url.URL, error) {
		return &url.URL{Scheme: "http", Host: ln.Addr().String(), User: url.UserPassword("u", "p")}, nil
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := d.dial(ctx, "tcp", "slack.example:443", false)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	req := <-got
	if req.Method != http.MethodConnect || req.Host != "slack.example:443" || req.Header.Get("Proxy-Authorization") != "Basic dTpw" {
		t.Errorf("proxy got %s %s %v", req.Method, req.Host, req.Header)
	}
	_, _ = io.Copy(io.Discard, c)
	if c.(*tapConn).lastPing.Load() == 0 {
		t.Error("the tap missed the ping after the proxy's answer")
	}

	d.proxy = func(*http.Request) (*url.URL, error) { return url.Parse("socks5://127.0.0.1:1") }
	if _, err := d.dial(ctx, "tcp", "slack.example:443", true); err == nil || !strings.Contains(err.Error(), "socks5") {
		t.Errorf("socks5 proxy: %v", err)
	}
}

// TestReconnectCountedOnce: a disconnect Slack asks for is counted by its
// reason only, not again as a lost connection.
func TestReconnectCountedOnce(t *testing.T) {
	t.Parallel()
	r := startRig(t, rigOpts{search: anAnswer()})
	waitUntil(t, "ready", func() bool { ok, _ := r.ready.Ready(); return ok })
	if err := r.emu.Disconnect("refresh_requested"); err != nil {
		t.Fatal(err)
	}
	if err := r.emu.WaitConnects(ctxT(t), 2); err != nil {
		t.Fatalf("no reconnect: %v", err)
	}
	r.answeredOnce(t, r.mention(t, "U0ONCE001", "after"))
	waitUntil(t, "the reconnect metric", func() bool { return r.reconnects("refresh_requested") == 1 })
	for _, l := range []string{"connection_lost", "ping_timeout"} {
		if n := r.reconnects(l); n != 0 {
			t.Errorf("%s counted %v times", l, n)
		}
	}
}
