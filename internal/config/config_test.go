package config

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

const testApp, testBot = "xapp-1-A111-222-abcdef", "xoxb-111-222-abcdef"

// clearEnv unsets every variable Config reads, for the rest of the test.
func clearEnv(t *testing.T) {
	for _, line := range strings.Split(strings.TrimSpace(Usage()), "\n") {
		k, _, _ := strings.Cut(line, "\t")
		t.Setenv(k, "") // restored after the test
		os.Unsetenv(k)
	}
}

// TestLoadFromEnvironment is the one test of the environment path: the
// tags name the variables, and a value that does not parse names its
// variable.
func TestLoadFromEnvironment(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    func(Config) bool
		wantErr string
	}{
		{"empty", nil, func(c Config) bool { return reflect.DeepEqual(c, Defaults()) }, ""},
		{"tuned", map[string]string{"ADVISOR_WORKERS": "4", "ADVISOR_QUEUE": "16", "ADVISOR_USER_RATE": "0",
			"ADVISOR_PING_TIMEOUT": "5s", "SLACK_BOT_TOKEN": testBot, "ADVISOR_CONTENT_DIR": "/kb", "ADVISOR_PPROF_ADDR": "127.0.0.1:6060", "ADVISOR_ADMINS": "U1ADMIN,U2ADMIN"},
			func(c Config) bool {
				return c.Workers == 4 && c.Queue == 16 && c.UserRate == 0 && c.PingTimeout == 5*time.Second &&
					c.BotToken == testBot && c.ContentDir == "/kb" && c.PProfAddr == "127.0.0.1:6060" && len(c.Admins) == 2 && c.IsAdmin("U2ADMIN") && !c.IsAdmin("U3")
			}, ""},
		{"bad timeout", map[string]string{"ADVISOR_SLACK_TIMEOUT": "soon"}, nil, "ADVISOR_SLACK_TIMEOUT"},
		{"workers not a number", map[string]string{"ADVISOR_WORKERS": "many"}, nil, "ADVISOR_WORKERS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			c, err := Load()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "\n") {
					t.Errorf("err = %v, want one line naming %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.want(c) {
				t.Errorf("Load() = %v", c)
			}
		})
	}
	t.Run("offline ignores serve settings", func(t *testing.T) {
		clearEnv(t)
		t.Setenv("ADVISOR_WORKERS", "many")
		t.Setenv("ADVISOR_CONTENT_DIR", "/kb")
		o, err := LoadOffline()
		if err != nil || o.ContentDir != "/kb" {
			t.Errorf("LoadOffline() = %+v, %v", o, err)
		}
	})
}

// TestDefaults pins the defaults the README and the contract promise.
func TestDefaults(t *testing.T) {
	t.Parallel()
	c := Defaults()
	if c.APIURL != "https://slack.com/api/" || c.HTTPAddr != ":8080" || c.LogLevel != "info" || c.SlackTimeout != 10*time.Second ||
		c.ShutdownGrace != 20*time.Second || c.PingTimeout != 30*time.Second || c.Workers != 8 || c.Queue != 256 ||
		c.UserRate != 20 || c.ReconnectMax != 30*time.Second || c.LinkDisabledRetry != time.Minute ||
		c.MaxRetryAfter != 30*time.Second || c.PProfAddr != "" || c.DB != "sqlite:fractional-advisor.db" ||
		c.Retention != 2160*time.Hour || len(c.Admins) != 0 || c.AppToken != "" || c.BotToken != "" || c.ContentDir != "" {
		t.Errorf("Defaults() = %v", c)
	}
	c.AppToken, c.BotToken = testApp, testBot
	if err := c.Validate(); err != nil {
		t.Errorf("the defaults with tokens do not validate: %v", err)
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"good", func(*Config) {}, ""},
		{"no app token", func(c *Config) { c.AppToken = "" }, "SLACK_APP_TOKEN is required"},
		{"no bot token", func(c *Config) { c.BotToken = "" }, "SLACK_BOT_TOKEN is required"},
		{"bot token as app token", func(c *Config) { c.AppToken = testBot }, "SLACK_APP_TOKEN is malformed"},
		{"app token as bot token", func(c *Config) { c.BotToken = testApp }, "SLACK_BOT_TOKEN is malformed"},
		{"token with a space", func(c *Config) { c.BotToken = "xoxb-12 34" }, "SLACK_BOT_TOKEN is malformed"},
		{"negative timeout", func(c *Config) { c.SlackTimeout = -time.Second }, "ADVISOR_SLACK_TIMEOUT"},
		{"api url without scheme", func(c *Config) { c.APIURL = "slack.com/api/" }, "SLACK_API_URL"},
		{"api url without slash", func(c *Config) { c.APIURL = "https://slack.com/api" }, "SLACK_API_URL"},
		{"api url over plain http", func(c *Config) { c.APIURL = "http://slack.com/api/" }, "SLACK_API_URL"},
		{"api url with credentials", func(c *Config) { c.APIURL = "https://user:pw@slack.com/api/" }, "SLACK_API_URL"},
		{"a local fake over http", func(c *Config) { c.APIURL = "http://127.0.0.1:4000/api/" }, ""},
		{"log level", func(c *Config) { c.LogLevel = "loud" }, "ADVISOR_LOG_LEVEL"},
		{"ping timeout too short", func(c *Config) { c.PingTimeout = 10 * time.Millisecond }, "ADVISOR_PING_TIMEOUT"},
		{"zero ping timeout", func(c *Config) { c.PingTimeout = 0 }, "ADVISOR_PING_TIMEOUT"},
		{"no workers", func(c *Config) { c.Workers = 0 }, "ADVISOR_WORKERS"},
		{"huge queue", func(c *Config) { c.Queue = 1000000 }, "ADVISOR_QUEUE"},
		{"negative user rate", func(c *Config) { c.UserRate = -1 }, "ADVISOR_USER_RATE"},
		{"zero reconnect max", func(c *Config) { c.ReconnectMax = 0 }, "ADVISOR_RECONNECT_MAX"},
		{"negative link retry", func(c *Config) { c.LinkDisabledRetry = -time.Minute }, "ADVISOR_LINK_DISABLED_RETRY"},
		{"zero retry-after cap", func(c *Config) { c.MaxRetryAfter = 0 }, "ADVISOR_MAX_RETRY_AFTER"},
		{"negative grace", func(c *Config) { c.ShutdownGrace = -time.Second }, "ADVISOR_SHUTDOWN_GRACE"},
		{"pprof on loopback", func(c *Config) { c.PProfAddr = "127.0.0.1:6060" }, ""},
		{"pprof on ::1", func(c *Config) { c.PProfAddr = "[::1]:6060" }, ""},
		{"pprof on localhost", func(c *Config) { c.PProfAddr = "localhost:6060" }, ""},
		{"pprof on every interface", func(c *Config) { c.PProfAddr = ":6060" }, "ADVISOR_PPROF_ADDR"},
		{"pprof on a public address", func(c *Config) { c.PProfAddr = "10.0.0.5:6060" }, "ADVISOR_PPROF_ADDR"},
		{"pprof without a port", func(c *Config) { c.PProfAddr = "127.0.0.1" }, "ADVISOR_PPROF_ADDR"},
		{"postgres", func(c *Config) { c.DB = "postgres://advisor:pw@db:5432/advisor" }, ""},
		{"db without a scheme", func(c *Config) { c.DB = "fractional-advisor.db" }, "ADVISOR_DB"},
		{"db of another kind", func(c *Config) { c.DB = "mysql://db/advisor" }, "ADVISOR_DB"},
		{"sqlite without a path", func(c *Config) { c.DB = "sqlite:" }, "ADVISOR_DB"},
		{"short retention", func(c *Config) { c.Retention = time.Minute }, "ADVISOR_RETENTION"},
		{"admins", func(c *Config) { c.Admins = []string{"U024BE7LH", "W0ADMIN2"} }, ""},
		{"an expert channel", func(c *Config) { c.ExpertChannel = "C024BE91L" }, ""},
		{"a mode of its own", func(c *Config) { c.Mode = "webhook" }, "SLACK_MODE"},
		{"http mode without a secret", func(c *Config) { c.Mode = ModeHTTP }, "SLACK_SIGNING_SECRET is required"},
		{"http mode with a short secret", func(c *Config) { c.Mode, c.SigningSecret = ModeHTTP, "abc" }, "SLACK_SIGNING_SECRET is malformed"},
		{"http mode needs no app token", func(c *Config) {
			c.Mode, c.SigningSecret, c.AppToken = ModeHTTP, "8f742231b10e8888abcd99yyyzzz85a5", ""
		}, ""},
		{"http mode on a bad address", func(c *Config) {
			c.Mode, c.SigningSecret, c.SlackAddr = ModeHTTP, "8f742231b10e8888abcd99yyyzzz85a5", "3000"
		}, "ADVISOR_SLACK_ADDR"},
		{"a private expert channel", func(c *Config) { c.ExpertChannel = "G024BE91L" }, ""},
		{"an admin that is not a user id", func(c *Config) { c.Admins = []string{"U024BE7LH", "<!channel>"} }, "ADVISOR_ADMINS"},
		{"an expert channel that is a DM", func(c *Config) { c.ExpertChannel = "D024BE91L" }, "ADVISOR_EXPERT_CHANNEL"},
		{"an expert channel by name", func(c *Config) { c.ExpertChannel = "#experts" }, "ADVISOR_EXPERT_CHANNEL"},
		{"a sync interval over a minute", func(c *Config) { c.SyncInterval = 2 * time.Minute }, "ADVISOR_SYNC_INTERVAL"},
		{"a sync interval of nothing", func(c *Config) { c.SyncInterval = 0 }, "ADVISOR_SYNC_INTERVAL"},
	}
	for _, tt := range tests {
		c := Defaults()
		c.AppToken, c.BotToken = testApp, testBot
		tt.edit(&c)
		err := c.Validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: Validate() = %v", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: Validate() = %v, want %q", tt.name, err, tt.want)
		case err != nil && (strings.Contains(err.Error(), "abcdef") || strings.Contains(err.Error(), "34")):
			t.Errorf("%s: error %q shows the token", tt.name, err)
		}
	}
}

// TestRedacted: however a Config is printed, the tokens stay out.
func TestRedacted(t *testing.T) {
	t.Parallel()
	c := Defaults()
	c.AppToken, c.BotToken = "xapp-1-A111-222-secretapp", "xoxb-111-222-secretbot"
	c.DB = "postgres://advisor:secretpw@db:5432/advisor"
	c.SigningSecret = "secret8f742231b10e8888abcd99yyy"
	for _, format := range []string{"%v", "%+v", "%s", "%#v"} {
		out := fmt.Sprintf(format, c)
		if strings.Contains(out, "secret") {
			t.Errorf("%s prints a token: %s", format, out)
		}
		if !strings.Contains(out, "xapp-…redacted") || !strings.Contains(out, "xoxb-…redacted") || !strings.Contains(out, `ADVISOR_WORKERS="8"`) {
			t.Errorf("%s does not show the settings: %s", format, out)
		}
	}
}

// TestUsage: every field is a variable with a description.
func TestUsage(t *testing.T) {
	t.Parallel()
	lines := strings.Split(strings.TrimSpace(Usage()), "\n")
	if n := reflect.TypeFor[Config]().NumField() - 1 + reflect.TypeFor[Offline]().NumField(); len(lines) != n {
		t.Errorf("Usage has %d lines, want %d", len(lines), n)
	}
	for _, l := range lines {
		f := strings.Split(l, "\t")
		if len(f) != 3 || f[2] == "" || !(strings.HasPrefix(f[0], "SLACK_") || strings.HasPrefix(f[0], "ADVISOR_")) {
			t.Errorf("usage line %q: want NAME, default and a description", l)
		}
	}
}
