package config

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string
	}{
		{"defaults", nil, ""},
		{"bad timeout", map[string]string{"ADVISOR_SLACK_TIMEOUT": "soon"}, "ADVISOR_SLACK_TIMEOUT"},
		{"negative timeout", map[string]string{"ADVISOR_SLACK_TIMEOUT": "-1s"}, "ADVISOR_SLACK_TIMEOUT"},
		{"bad api url", map[string]string{"SLACK_API_URL": "slack.com/api"}, "SLACK_API_URL"},
		{"api url without slash", map[string]string{"SLACK_API_URL": "https://slack.com/api"}, "SLACK_API_URL"},
		{"bad log level", map[string]string{"ADVISOR_LOG_LEVEL": "loud"}, "ADVISOR_LOG_LEVEL"},
		{"tuned", map[string]string{"ADVISOR_WORKERS": "4", "ADVISOR_QUEUE": "16", "ADVISOR_USER_RATE": "0", "ADVISOR_PING_TIMEOUT": "5s"}, ""},
		{"bad ping timeout", map[string]string{"ADVISOR_PING_TIMEOUT": "10ms"}, "ADVISOR_PING_TIMEOUT"},
		{"zero ping timeout", map[string]string{"ADVISOR_PING_TIMEOUT": "0s"}, "ADVISOR_PING_TIMEOUT"},
		{"no workers", map[string]string{"ADVISOR_WORKERS": "0"}, "ADVISOR_WORKERS"},
		{"workers not a number", map[string]string{"ADVISOR_WORKERS": "many"}, "ADVISOR_WORKERS"},
		{"huge queue", map[string]string{"ADVISOR_QUEUE": "1000000"}, "ADVISOR_QUEUE"},
		{"negative user rate", map[string]string{"ADVISOR_USER_RATE": "-1"}, "ADVISOR_USER_RATE"},
		{"zero reconnect max", map[string]string{"ADVISOR_RECONNECT_MAX": "0s"}, "ADVISOR_RECONNECT_MAX"},
		{"negative link retry", map[string]string{"ADVISOR_LINK_DISABLED_RETRY": "-1m"}, "ADVISOR_LINK_DISABLED_RETRY"},
		{"zero retry-after cap", map[string]string{"ADVISOR_MAX_RETRY_AFTER": "0s"}, "ADVISOR_MAX_RETRY_AFTER"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []string{"SLACK_API_URL", "ADVISOR_SLACK_TIMEOUT", "ADVISOR_LOG_LEVEL", "ADVISOR_HTTP_ADDR",
				"ADVISOR_PING_TIMEOUT", "ADVISOR_WORKERS", "ADVISOR_QUEUE", "ADVISOR_USER_RATE",
				"ADVISOR_RECONNECT_MAX", "ADVISOR_LINK_DISABLED_RETRY", "ADVISOR_MAX_RETRY_AFTER"} {
				t.Setenv(k, "") // restored after the test
				os.Unsetenv(k)
			}
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			c, err := Load()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if c.APIURL != "https://slack.com/api/" || c.HTTPAddr != ":8080" {
					t.Errorf("defaults not applied: %v", c)
				}
				if tt.env == nil && (c.PingTimeout != 30*time.Second || c.Workers != 8 || c.Queue != 256 || c.UserRate != 20 ||
					c.ReconnectMax != 30*time.Second || c.LinkDisabledRetry != time.Minute || c.MaxRetryAfter != 30*time.Second) {
					t.Errorf("hardening defaults not applied: %v", c)
				}
				if tt.env != nil && tt.env["ADVISOR_WORKERS"] == "4" && (c.Workers != 4 || c.Queue != 16 || c.UserRate != 0 || c.PingTimeout != 5*time.Second) {
					t.Errorf("settings not read: %v", c)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want one naming %s", err, tt.wantErr)
			}
		})
	}
}

func TestValidateServe(t *testing.T) {
	t.Parallel()
	const app, bot = "xapp-1-A111-222-abcdef", "xoxb-111-222-abcdef"
	tests := []struct {
		app, bot, want string
	}{
		{app, bot, ""},
		{"", bot, "SLACK_APP_TOKEN is required"},
		{app, "", "SLACK_BOT_TOKEN is required"},
		{bot, bot, "SLACK_APP_TOKEN is malformed"},
		{app, app, "SLACK_BOT_TOKEN is malformed"},
		{app, "xoxb-12 34", "SLACK_BOT_TOKEN is malformed"},
	}
	for _, tt := range tests {
		err := Config{AppToken: tt.app, BotToken: tt.bot}.ValidateServe()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("ValidateServe(%q, %q) = %v", tt.app, tt.bot, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("ValidateServe(%q, %q) = %v, want %q", tt.app, tt.bot, err, tt.want)
		case err != nil && (strings.Contains(err.Error(), "abcdef") || strings.Contains(err.Error(), "34")):
			t.Errorf("error %q shows the token", err)
		}
	}
}

// TestRedacted: however a Config is printed, the tokens stay out.
func TestRedacted(t *testing.T) {
	t.Parallel()
	c := Config{AppToken: "xapp-1-A111-222-secretapp", BotToken: "xoxb-111-222-secretbot"}
	for _, format := range []string{"%v", "%+v", "%s", "%#v"} {
		out := fmt.Sprintf(format, c)
		if strings.Contains(out, "secret") {
			t.Errorf("%s prints a token: %s", format, out)
		}
		if !strings.Contains(out, "xapp-…redacted") || !strings.Contains(out, "xoxb-…redacted") {
			t.Errorf("%s does not show the token kinds: %s", format, out)
		}
	}
}
