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
	return fmt.Sprintf("SLACK_APP_TOKEN=%s SLACK_BOT_TOKEN=%s SLACK_API_URL=%s ADVISOR_HTTP_ADDR=%s ADVISOR_CONTENT_DIR=%q ADVISOR_LOG_LEVEL=%s ADVISOR_SLACK_TIMEOUT=%s ADVISOR_SHUTDOWN_GRACE=%s",
		Redact(c.AppToken), Redact(c.BotToken), c.APIURL, c.HTTPAddr, c.ContentDir, c.LogLevel, c.SlackTimeout, c.ShutdownGrace)
}

// GoString keeps %#v from printing the tokens too.
func (c Config) GoString() string { return "config.Config{" + c.String() + "}" }

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
