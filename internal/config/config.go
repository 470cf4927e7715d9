// Package config loads the bot's settings from the environment.
package config

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/kelseyhightower/envconfig"
)

// Config is every setting of the bot. Field tags name the environment
// variables; README.md lists them all.
type Config struct {
	AppToken string `envconfig:"SLACK_APP_TOKEN"`
	BotToken string `envconfig:"SLACK_BOT_TOKEN"`
	APIURL   string `envconfig:"SLACK_API_URL" default:"https://slack.com/api/"`

	HTTPAddr   string `envconfig:"ADVISOR_HTTP_ADDR" default:":8080"`
	ContentDir string `envconfig:"ADVISOR_CONTENT_DIR"` // replaces the built-in knowledge base
	LogLevel   string `envconfig:"ADVISOR_LOG_LEVEL" default:"info"`
	// SlackTimeout bounds every call to Slack's Web API.
	SlackTimeout time.Duration `envconfig:"ADVISOR_SLACK_TIMEOUT" default:"10s"`
	// ShutdownGrace is how long in-flight work may take after SIGTERM.
	ShutdownGrace time.Duration `envconfig:"ADVISOR_SHUTDOWN_GRACE" default:"20s"`
	// PingTimeout is how long the socket may go without a ping from Slack
	// (Slack pings every few seconds) before it is redialled.
	PingTimeout time.Duration `envconfig:"ADVISOR_PING_TIMEOUT" default:"30s"`
	// Workers and Queue size the pool that does the work after each ack;
	// a full queue answers "busy, try again" at once.
	Workers int `envconfig:"ADVISOR_WORKERS" default:"8"`
	Queue   int `envconfig:"ADVISOR_QUEUE" default:"256"`
	// UserRate is how many requests one user may make a minute; 0 turns
	// the limit off.
	UserRate int `envconfig:"ADVISOR_USER_RATE" default:"20"`
	// ReconnectMax caps the jittered backoff between failed connects.
	ReconnectMax time.Duration `envconfig:"ADVISOR_RECONNECT_MAX" default:"30s"`
	// LinkDisabledRetry is how long to wait before reconnecting after Slack
	// says Socket Mode was turned off for the app (link_disabled).
	LinkDisabledRetry time.Duration `envconfig:"ADVISOR_LINK_DISABLED_RETRY" default:"1m"`
	// MaxRetryAfter is the longest Retry-After (429) a Web API call waits
	// out before giving up.
	MaxRetryAfter time.Duration `envconfig:"ADVISOR_MAX_RETRY_AFTER" default:"30s"`
	// PProf serves Go's profiler under /debug/pprof/ on ADVISOR_HTTP_ADDR.
	// Off by default: profiles show the program's internals to anyone who
	// can reach the port.
	PProf bool `envconfig:"ADVISOR_PPROF" default:"false"`
}

// Load reads the configuration from the environment. It checks formats but
// not whether the tokens are present: only serve needs them (ValidateServe).
func Load() (Config, error) {
	var c Config
	if err := envconfig.Process("", &c); err != nil {
		// Tokens are plain strings and never fail to parse, so the value
		// shown here is never a token.
		var pe *envconfig.ParseError
		if errors.As(err, &pe) {
			return Config{}, fmt.Errorf("config: %s: cannot use %q as a %s", pe.KeyName, clip(pe.Value), pe.TypeName)
		}
		return Config{}, fmt.Errorf("config: %w", err)
	}
	if err := c.validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

func (c Config) validate() error {
	u, err := url.Parse(c.APIURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || !strings.HasSuffix(u.Path, "/") {
		return errors.New("config: SLACK_API_URL must be an http(s) URL ending in /")
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return errors.New("config: ADVISOR_LOG_LEVEL must be debug, info, warn or error")
	}
	if c.SlackTimeout <= 0 {
		return errors.New("config: ADVISOR_SLACK_TIMEOUT must be positive")
	}
	if c.ShutdownGrace < 0 {
		return errors.New("config: ADVISOR_SHUTDOWN_GRACE must not be negative")
	}
	positive := []struct {
		name string
		d    time.Duration
	}{
		{"ADVISOR_PING_TIMEOUT", c.PingTimeout},
		{"ADVISOR_RECONNECT_MAX", c.ReconnectMax},
		{"ADVISOR_LINK_DISABLED_RETRY", c.LinkDisabledRetry},
		{"ADVISOR_MAX_RETRY_AFTER", c.MaxRetryAfter},
	}
	for _, p := range positive {
		if p.d <= 0 {
			return fmt.Errorf("config: %s must be positive", p.name)
		}
	}
	// Slack pings every few seconds; a shorter timeout would drop good
	// connections.
	if c.PingTimeout < time.Second {
		return errors.New("config: ADVISOR_PING_TIMEOUT must be at least 1s")
	}
	if c.Workers < 1 || c.Workers > 1024 {
		return errors.New("config: ADVISOR_WORKERS must be between 1 and 1024")
	}
	if c.Queue < 1 || c.Queue > 100000 {
		return errors.New("config: ADVISOR_QUEUE must be between 1 and 100000")
	}
	if c.UserRate < 0 {
		return errors.New("config: ADVISOR_USER_RATE must not be negative (0 turns the limit off)")
	}
	return nil
}

// ValidateServe checks what serve needs beyond Load: both tokens, each of
// the right kind. The error names the variable, never the value.
func (c Config) ValidateServe() error {
	if err := checkToken("SLACK_APP_TOKEN", c.AppToken, "xapp-"); err != nil {
		return err
	}
	return checkToken("SLACK_BOT_TOKEN", c.BotToken, "xoxb-")
}

func checkToken(name, value, prefix string) error {
	switch {
	case value == "":
		return fmt.Errorf("config: %s is required", name)
	case !strings.HasPrefix(value, prefix) || len(value) < len(prefix)+4 || strings.ContainsAny(value, " \t\r\n"):
		return fmt.Errorf("config: %s is malformed (want a token starting with %s)", name, prefix)
	}
	return nil
}

// String prints the configuration with tokens redacted, so a Config can be
// logged safely.
func (c Config) String() string {
	return fmt.Sprintf("SLACK_APP_TOKEN=%s SLACK_BOT_TOKEN=%s SLACK_API_URL=%s ADVISOR_HTTP_ADDR=%s ADVISOR_CONTENT_DIR=%q ADVISOR_LOG_LEVEL=%s ADVISOR_SLACK_TIMEOUT=%s ADVISOR_SHUTDOWN_GRACE=%s"+
		" ADVISOR_PING_TIMEOUT=%s ADVISOR_WORKERS=%d ADVISOR_QUEUE=%d ADVISOR_USER_RATE=%d ADVISOR_RECONNECT_MAX=%s ADVISOR_LINK_DISABLED_RETRY=%s ADVISOR_MAX_RETRY_AFTER=%s",
		Redact(c.AppToken), Redact(c.BotToken), c.APIURL, c.HTTPAddr, c.ContentDir, c.LogLevel, c.SlackTimeout, c.ShutdownGrace,
		c.PingTimeout, c.Workers, c.Queue, c.UserRate, c.ReconnectMax, c.LinkDisabledRetry, c.MaxRetryAfter)
}

// GoString keeps %#v from printing the tokens too.
func (c Config) GoString() string { return "config.Config{" + c.String() + "}" }

// clip keeps a bad value in an error message short: 40 bytes and "…".
// The value is printed with %q, so a cut inside a UTF-8 sequence is
// harmless.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// Redact shows only a token's kind.
func Redact(token string) string {
	if token == "" {
		return "(unset)"
	}
	if i := strings.IndexByte(token, '-'); i > 0 && i <= 5 {
		return token[:i+1] + "…redacted"
	}
	return "…redacted"
}
