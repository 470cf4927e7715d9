package config

import (
	"fmt"
	"os"
	"strings"
	"testing"
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []string{"SLACK_API_URL", "ADVISOR_SLACK_TIMEOUT", "ADVISOR_LOG_LEVEL", "ADVISOR_HTTP_ADDR"} {
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
