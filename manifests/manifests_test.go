// Package manifests holds the deployment manifests; its tests check them.
package manifests

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// slackManifest mirrors the fields of Slack's app manifest schema (v1) that
// this app uses. Decoding is strict, so a misspelt key fails the test.
type slackManifest struct {
	Metadata struct {
		MajorVersion int `yaml:"major_version"`
		MinorVersion int `yaml:"minor_version"`
	} `yaml:"_metadata"`
	DisplayInformation struct {
		Name            string `yaml:"name"`
		Description     string `yaml:"description"`
		BackgroundColor string `yaml:"background_color"`
		LongDescription string `yaml:"long_description"`
	} `yaml:"display_information"`
	Features struct {
		AppHome struct {
			HomeTabEnabled             bool `yaml:"home_tab_enabled"`
			MessagesTabEnabled         bool `yaml:"messages_tab_enabled"`
			MessagesTabReadOnlyEnabled bool `yaml:"messages_tab_read_only_enabled"`
		} `yaml:"app_home"`
		BotUser struct {
			DisplayName  string `yaml:"display_name"`
			AlwaysOnline bool   `yaml:"always_online"`
		} `yaml:"bot_user"`
		SlashCommands []struct {
			Command      string `yaml:"command"`
			Description  string `yaml:"description"`
			UsageHint    string `yaml:"usage_hint"`
			ShouldEscape bool   `yaml:"should_escape"`
			URL          string `yaml:"url"`
		} `yaml:"slash_commands"`
	} `yaml:"features"`
	OAuthConfig struct {
		Scopes struct {
			Bot []string `yaml:"bot"`
		} `yaml:"scopes"`
	} `yaml:"oauth_config"`
	Settings struct {
		EventSubscriptions struct {
			BotEvents  []string `yaml:"bot_events"`
			RequestURL string   `yaml:"request_url"`
		} `yaml:"event_subscriptions"`
		Interactivity struct {
			IsEnabled  bool   `yaml:"is_enabled"`
			RequestURL string `yaml:"request_url"`
		} `yaml:"interactivity"`
		OrgDeployEnabled     bool `yaml:"org_deploy_enabled"`
		SocketModeEnabled    bool `yaml:"socket_mode_enabled"`
		TokenRotationEnabled bool `yaml:"token_rotation_enabled"`
	} `yaml:"settings"`
}

func TestSlackManifest(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("slack/app-manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var m slackManifest
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("decode: %v", err)
	}
	// Limits from Slack's manifest schema.
	d := m.DisplayInformation
	checkLen(t, "display_information.name", d.Name, 1, 35)
	checkLen(t, "display_information.description", d.Description, 1, 140)
	checkLen(t, "display_information.long_description", d.LongDescription, 175, 4000)
	checkLen(t, "features.bot_user.display_name", m.Features.BotUser.DisplayName, 1, 80)
	if len(m.Features.SlashCommands) != 1 {
		t.Fatalf("want exactly one slash command, got %d", len(m.Features.SlashCommands))
	}
	cmd := m.Features.SlashCommands[0]
	if cmd.Command != "/fractional-advisor" {
		t.Errorf("command = %q, want /fractional-advisor (CONTRACT.md)", cmd.Command)
	}
	checkLen(t, "slash command", cmd.Command, 2, 32)
	checkLen(t, "slash command description", cmd.Description, 1, 2000)
	checkLen(t, "slash command usage_hint", cmd.UsageHint, 1, 1000)

	// What this app needs.
	s := m.Settings
	if !s.SocketModeEnabled || !s.Interactivity.IsEnabled {
		t.Error("Socket Mode and interactivity must be on")
	}
	if s.EventSubscriptions.RequestURL != "" || s.Interactivity.RequestURL != "" || cmd.URL != "" {
		t.Error("with Socket Mode, no request URLs belong in the manifest")
	}
	if !m.Features.AppHome.HomeTabEnabled || !m.Features.AppHome.MessagesTabEnabled || m.Features.AppHome.MessagesTabReadOnlyEnabled {
		t.Error("the Home and Messages tabs must be on, and users must be allowed to message the bot")
	}
	// message.channels and message.groups: questions in watched channels.
	wantEvents := []string{"app_home_opened", "app_mention", "message.channels", "message.groups", "message.im"}
	if got := slices.Sorted(slices.Values(s.EventSubscriptions.BotEvents)); !slices.Equal(got, wantEvents) {
		t.Errorf("bot events = %v, want %v", got, wantEvents)
	}
	// Least privilege: exactly the scopes the features need, nothing more.
	wantScopes := []string{"app_mentions:read", "channels:history", "channels:read", "chat:write", "commands",
		"groups:history", "groups:read", "im:history", "im:write"}
	if got := slices.Sorted(slices.Values(m.OAuthConfig.Scopes.Bot)); !slices.Equal(got, wantScopes) {
		t.Errorf("bot scopes = %v, want exactly %v", got, wantScopes)
	}
	if !strings.HasPrefix(d.BackgroundColor, "#") || (len(d.BackgroundColor) != 4 && len(d.BackgroundColor) != 7) {
		t.Errorf("background_color %q is not #rgb or #rrggbb", d.BackgroundColor)
	}
}

func checkLen(t *testing.T, what, s string, lo, hi int) {
	t.Helper()
	if n := utf8.RuneCountInString(s); n < lo || n > hi {
		t.Errorf("%s is %d characters, want %d..%d", what, n, lo, hi)
	}
}
