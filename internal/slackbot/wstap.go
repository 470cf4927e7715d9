package slackbot

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// slack-go v0.35.0 handles Slack's disconnect requests and missed pings
// inside RunContext and reports neither on its Events channel. Rather than
// turn on its debug log (which re-encodes every frame to log it), the bot
// dials the websocket itself and taps the bytes the websocket reads: a
// small frame parser sees disconnect requests and pings, and keeps nothing
// but text frames of a few KiB until each is checked. The tap only reads;
// gorilla/websocket still parses and validates everything.
//
// Proxies: gorilla/websocket v1.5.3 hands a proxy CONNECT to
// NetDialTLSContext when that is set (it would do TLS with the proxy, then
// skip TLS with Slack), so the dialer leaves gorilla's Proxy unset and
// tunnels through an http:// proxy from the environment (HTTPS_PROXY,
// HTTP_PROXY, NO_PROXY) on its own. Other proxy schemes (socks5, https://)
// are refused with an error naming them.

// tapTextMax is the largest text message the tap keeps to look at; a
// disconnect request is a few hundred bytes.
const tapTextMax = 4 << 10

// frameParser follows a server-to-client RFC 6455 byte stream fed to it in
// pieces of any size. It calls onPing for every ping frame and onText for
// every complete text message of at most tapTextMax bytes; bigger payloads
// are skipped, never buffered.
type frameParser struct {
	onPing func()
	onText func([]byte)

	hdr    [14]byte // the current frame's header, as far as it has arrived
	hdrN   int
	inBody bool
	left   uint64 // payload bytes still to come
	opcode byte
	fin    bool
	masked bool
	mask   [4]byte
	maskAt uint64 // payload offset, for unmasking
	broken bool   // the stream made no sense: stop looking

	// The data message in progress (it may span continuation frames).
	msgText bool // a text message we are keeping
	msgSkip bool // a text message too big (or compressed) to keep
	buf     []byte
}

// headerLen is the full header length implied by its first two bytes.
func headerLen(b1 byte) int {
	n := 2
	switch b1 & 0x7f {
	case 126:
		n += 2
	case 127:
		n += 8
	}
	if b1&0x80 != 0 {
		n += 4
	}
	return n
}

func (p *frameParser) feed(b []byte) {
	for len(b) > 0 && !p.broken {
		if !p.inBody {
			need := 2
			if p.hdrN >= 2 {
				need = headerLen(p.hdr[1])
			}
			c := copy(p.hdr[p.hdrN:need], b)
			p.hdrN += c
			b = b[c:]
			if p.hdrN < 2 || p.hdrN < headerLen(p.hdr[1]) {
				continue
			}
			p.startFrame()
			if p.inBody && p.left == 0 {
				p.endFrame()
			}
			continue
		}
		n := uint64(len(b))
		if n > p.left {
			n = p.left
		}
		if p.keeping() {
			start := len(p.buf)
			p.buf = append(p.buf, b[:n]...)
			if p.masked {
				for i := start; i < len(p.buf); i++ {
					p.buf[i] ^= p.mask[p.maskAt%4]
					p.maskAt++
				}
			}
		}
		p.left -= n
		b = b[n:]
		if p.left == 0 {
			p.endFrame()
		}
	}
}

// startFrame decodes a complete header.
func (p *frameParser) startFrame() {
	h := p.hdr[:p.hdrN]
	p.fin = h[0]&0x80 != 0
	rsv1 := h[0]&0x40 != 0
	p.opcode = h[0] & 0x0f
	p.masked = h[1]&0x80 != 0
	i := 2
	switch l := h[1] & 0x7f; l {
	case 126:
		p.left = uint64(h[2])<<8 | uint64(h[3])
		i = 4
	case 127:
		p.left = 0
		for _, c := range h[2:10] {
			p.left = p.left<<8 | uint64(c)
		}
		i = 10
		if p.left>>63 != 0 {
			p.broken = true
			return
		}
	default:
		p.left = uint64(l)
	}
	if p.masked {
		copy(p.mask[:], h[i:i+4])
	}
	p.maskAt = 0
	p.inBody = true
	control := p.opcode&0x8 != 0
	if control && (p.left > 125 || !p.fin) {
		p.broken = true
		return
	}
	switch p.opcode {
	case websocket.TextMessage:
		p.buf = p.buf[:0]
		p.msgText, p.msgSkip = true, rsv1
	case websocket.BinaryMessage:
		p.msgText, p.msgSkip = false, false
	case 0: // continuation: keeps the message's state
	}
	if p.keeping() && uint64(len(p.buf))+p.left > tapTextMax {
		p.msgSkip = true
		p.buf = p.buf[:0]
	}
}

// keeping reports whether the current frame's payload is being kept.
func (p *frameParser) keeping() bool {
	return (p.opcode == websocket.TextMessage || p.opcode == 0) && p.msgText && !p.msgSkip
}

func (p *frameParser) endFrame() {
	p.inBody, p.hdrN = false, 0
	switch p.opcode {
	case websocket.PingMessage:
		if p.onPing != nil {
			p.onPing()
		}
	case websocket.TextMessage, 0:
		if !p.fin || !p.msgText {
			return
		}
		if !p.msgSkip && p.onText != nil {
			p.onText(p.buf)
		}
		p.msgText, p.msgSkip = false, false
		p.buf = p.buf[:0]
	}
}

// httpSkipper passes over the HTTP responses that precede the frames on the
// websocket's connection (a proxy's answer to CONNECT, then the 101 of the
// upgrade) and reports where the frames start.
type httpSkipper struct {
	status [12]byte // "HTTP/1.1 101"
	n      int
	tail   uint32 // the last four bytes, to spot the blank line
	done   bool
}

// skip consumes b up to the end of the 101 response and returns the rest.
func (s *httpSkipper) skip(b []byte) []byte {
	for i, c := range b {
		if s.n < len(s.status) {
			s.status[s.n] = c
			s.n++
		}
		s.tail = s.tail<<8 | uint32(c)
		if s.tail != 0x0d0a0d0a { // "\r\n\r\n"
			continue
		}
		if bytes.HasSuffix(s.status[:s.n], []byte(" 101")) {
			s.done = true
			return b[i+1:]
		}
		s.n, s.tail = 0, 0 // another response follows (the proxy's came first)
	}
	return nil
}

// tapConn is a websocket's connection with its reads fed to the tap.
type tapConn struct {
	net.Conn
	w      *connWatch
	dialed time.Time
	http   httpSkipper
	frames frameParser
	close  sync.Once

	lastPing  atomic.Int64 // unix nanoseconds
	requested atomic.Bool  // Slack asked for this disconnect
}

func (c *tapConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 {
		rest := b[:n]
		if !c.http.done {
			rest = c.http.skip(rest)
		}
		c.frames.feed(rest)
	}
	return n, err
}

// Close records, for the reconnect that follows, why the connection ended:
// Slack asked (already counted), a missed ping, or a lost connection.
func (c *tapConn) Close() error {
	c.close.Do(func() {
		if c.requested.Load() {
			c.w.connEnded("")
			return
		}
		last := max(c.dialed.UnixNano(), c.lastPing.Load())
		reason := "connection_lost"
		if time.Since(time.Unix(0, last)) > c.w.pingTimeout {
			reason = "ping_timeout"
		}
		c.w.connEnded(reason)
	})
	return c.Conn.Close()
}

// onText looks at a small text message for a disconnect request.
func (c *tapConn) onText(b []byte) {
	if !bytes.Contains(b, []byte(`"disconnect"`)) {
		return
	}
	var m struct{ Type, Reason string }
	if json.Unmarshal(b, &m) == nil && m.Type == "disconnect" {
		c.requested.Store(true)
		c.w.onDisconnect(m.Reason)
	}
}

// connWatch is what the taps report to; the bot implements its callbacks.
type connWatch struct {
	pingTimeout  time.Duration
	onDisconnect func(reason string)

	mu   sync.Mutex
	lost string // why the last connection ended, until its reconnect
}

func (w *connWatch) connEnded(reason string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.lost = reason
}

// takeLost returns (and forgets) why the last connection ended; "" if Slack
// asked for it.
func (w *connWatch) takeLost() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	r := w.lost
	w.lost = ""
	return r
}

func (w *connWatch) wrap(c net.Conn) net.Conn {
	t := &tapConn{Conn: c, w: w, dialed: time.Now()}
	t.frames.onPing = func() { t.lastPing.Store(time.Now().UnixNano()) }
	t.frames.onText = t.onText
	return t
}

// tapDialer dials the websocket with the tap on its connection.
type tapDialer struct {
	w     *connWatch
	proxy func(*http.Request) (*url.URL, error)
	net   net.Dialer
}

func (w *connWatch) dialer(handshakeTimeout time.Duration) *websocket.Dialer {
	d := &tapDialer{w: w, proxy: http.ProxyFromEnvironment}
	return &websocket.Dialer{
		HandshakeTimeout: handshakeTimeout,
		WriteBufferSize:  32 << 10, // slack-go's default
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return d.dial(ctx, network, addr, false)
		},
		NetDialTLSContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return d.dial(ctx, network, addr, true)
		},
		// Proxy stays nil: dial does it (see the top of this file).
	}
}

func (d *tapDialer) dial(ctx context.Context, network, addr string, useTLS bool) (net.Conn, error) {
	scheme := "http"
	if useTLS {
		scheme = "https"
	}
	proxyURL, err := d.proxy(&http.Request{URL: &url.URL{Scheme: scheme, Host: addr}})
	if err != nil {
		return nil, err
	}
	raw, err := d.dialVia(ctx, network, addr, proxyURL)
	if err != nil {
		return nil, err
	}
	if !useTLS {
		return d.w.wrap(raw), nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		raw.Close()
		return nil, err
	}
	tc := tls.Client(raw, &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12})
	if err := tc.HandshakeContext(ctx); err != nil {
		raw.Close()
		return nil, err
	}
	return d.w.wrap(tc), nil
}

// dialVia connects to addr, through an http:// proxy's CONNECT if one is
// given.
func (d *tapDialer) dialVia(ctx context.Context, network, addr string, proxyURL *url.URL) (net.Conn, error) {
	if proxyURL == nil {
		return d.net.DialContext(ctx, network, addr)
	}
	if proxyURL.Scheme != "http" {
		return nil, fmt.Errorf("socket mode: proxy scheme %q is not supported (only http://)", proxyURL.Scheme)
	}
	proxyAddr := proxyURL.Host
	if proxyURL.Port() == "" {
		proxyAddr = net.JoinHostPort(proxyURL.Hostname(), "80")
	}
	c, err := d.net.DialContext(ctx, network, proxyAddr)
	if err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, func() { _ = c.SetDeadline(time.Unix(1, 0)) })
	err = connect(c, addr, proxyURL.User)
	if !stop() && err == nil {
		err = ctx.Err()
	}
	if err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// connect asks the proxy on c for a tunnel to addr.
func connect(c net.Conn, addr string, user *url.Userinfo) error {
	req := &http.Request{
		Method: http.MethodConnect,
		URL:    &url.URL{Opaque: addr},
		Host:   addr,
		Header: http.Header{},
	}
	if user != nil {
		pass, _ := user.Password()
		cred := base64.StdEncoding.EncodeToString([]byte(user.Username() + ":" + pass))
		req.Header.Set("Proxy-Authorization", "Basic "+cred)
	}
	if err := req.Write(c); err != nil {
		return err
	}
	// One byte at a time, so nothing after the proxy's answer is read here:
	// the TLS handshake (or the websocket) comes next on c.
	resp, err := http.ReadResponse(bufio.NewReaderSize(byteReader{c}, 16), req)
	if err != nil {
		return err
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return errors.New("socket mode: proxy refused CONNECT: " + resp.Status)
	}
	return nil
}

// byteReader reads at most one byte per call.
type byteReader struct{ c net.Conn }

func (r byteReader) Read(b []byte) (int, error) {
	if len(b) > 1 {
		b = b[:1]
	}
	return r.c.Read(b)
}
