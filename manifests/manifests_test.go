// Package manifests holds the deployment manifests; its tests check them.
package manifests

import (
	"bytes"
	"os"
	"reflect"
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
		// The assistant panel (Slack's "Agents & AI Apps").
		AssistantView struct {
			AssistantDescription string `yaml:"assistant_description"`
			SuggestedPrompts     []struct {
				Title   string `yaml:"title"`
				Message string `yaml:"message"`
			} `yaml:"suggested_prompts"`
		} `yaml:"assistant_view"`
		Shortcuts []struct {
			Name        string `yaml:"name"`
			Type        string `yaml:"type"` // global or message
			CallbackID  string `yaml:"callback_id"`
			Description string `yaml:"description"`
		} `yaml:"shortcuts"`
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
	// Workflow Builder steps, by callback_id.
	Functions map[string]slackFunction `yaml:"functions"`
}

// slackFunction is a custom step: its parameters by name, in the shape of
// Slack's Bolt custom step manifests (each parameter says is_required).
type slackFunction struct {
	Title            string                    `yaml:"title"`
	Description      string                    `yaml:"description"`
	InputParameters  map[string]slackParameter `yaml:"input_parameters"`
	OutputParameters map[string]slackParameter `yaml:"output_parameters"`
}

type slackParameter struct {
	Type        string `yaml:"type"`
	Title       string `yaml:"title"`
	Description string `yaml:"description"`
	IsRequired  bool   `yaml:"is_required"`
}

const (
	slackManifestFile     = "slack/app-manifest.yaml"
	slackManifestHTTPFile = "slack/app-manifest-http.yaml"
)

// readSlackManifest decodes file strictly.
func readSlackManifest(t *testing.T, file string) slackManifest {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var m slackManifest
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("%s: decode: %v", file, err)
	}
	return m
}

func TestSlackManifest(t *testing.T) {
	t.Parallel()
	m := readSlackManifest(t, slackManifestFile)
	checkSlackManifest(t, m)
	s := m.Settings
	if !s.SocketModeEnabled {
		t.Error("Socket Mode must be on")
	}
	if s.EventSubscriptions.RequestURL != "" || s.Interactivity.RequestURL != "" || m.Features.SlashCommands[0].URL != "" {
		t.Error("with Socket Mode, no request URLs belong in the manifest")
	}
}

// checkSlackManifest checks what both variants of the app manifest share:
// Slack's limits, the command, the tabs, the events and the scopes.
func checkSlackManifest(t *testing.T, m slackManifest) {
	t.Helper()
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
	if !s.Interactivity.IsEnabled {
		t.Error("interactivity must be on")
	}
	if !m.Features.AppHome.HomeTabEnabled || !m.Features.AppHome.MessagesTabEnabled || m.Features.AppHome.MessagesTabReadOnlyEnabled {
		t.Error("the Home and Messages tabs must be on, and users must be allowed to message the bot")
	}
	// message.channels and message.groups: questions in watched channels;
	// assistant_thread_*: the assistant panel; function_executed: the
	// Workflow Builder step.
	wantEvents := []string{"app_home_opened", "app_mention", "assistant_thread_context_changed", "assistant_thread_started",
		"function_executed", "message.channels", "message.groups", "message.im"}
	if got := slices.Sorted(slices.Values(s.EventSubscriptions.BotEvents)); !slices.Equal(got, wantEvents) {
		t.Errorf("bot events = %v, want %v", got, wantEvents)
	}
	// Least privilege: exactly the scopes the features need, nothing more.
	wantScopes := []string{"app_mentions:read", "assistant:write", "channels:history", "channels:read", "chat:write", "commands",
		"groups:history", "groups:read", "im:history", "im:write"}
	if got := slices.Sorted(slices.Values(m.OAuthConfig.Scopes.Bot)); !slices.Equal(got, wantScopes) {
		t.Errorf("bot scopes = %v, want exactly %v", got, wantScopes)
	}
	if !strings.HasPrefix(d.BackgroundColor, "#") || (len(d.BackgroundColor) != 4 && len(d.BackgroundColor) != 7) {
		t.Errorf("background_color %q is not #rgb or #rrggbb", d.BackgroundColor)
	}
	checkShortcuts(t, m)
	checkAssistantView(t, m)
	checkRecommendStep(t, m)
}

// TestSlackManifestHTTP checks the HTTP mode variant: Socket Mode off, and
// the one URL of the bot (CONTRACT.md "HTTP mode": POST /slack/events, for
// events, the command and interactivity alike) where the Ingress of the
// HTTP overlay serves it. Otherwise it must equal the Socket Mode manifest,
// so the two cannot drift apart: a scope or event added to one only fails.
func TestSlackManifestHTTP(t *testing.T) {
	t.Parallel()
	m := readSlackManifest(t, slackManifestHTTPFile)
	checkSlackManifest(t, m)
	if m.Settings.SocketModeEnabled {
		t.Error("Socket Mode must be off in HTTP mode: Slack would not send to the request URLs")
	}
	want := ingressURL(t)
	if !strings.HasSuffix(want, slackEventsPath) {
		t.Errorf("the Ingress routes %s, not the bot's path %s", want, slackEventsPath)
	}
	for what, got := range map[string]string{
		"settings.event_subscriptions.request_url": m.Settings.EventSubscriptions.RequestURL,
		"settings.interactivity.request_url":       m.Settings.Interactivity.RequestURL,
		"the slash command's url":                  m.Features.SlashCommands[0].URL,
	} {
		if got != want {
			t.Errorf("%s = %q, want %q: the Ingress's host and the bot's path (%s/ingress.yaml)", what, got, want, httpDir)
		}
	}

	socket := readSlackManifest(t, slackManifestFile)
	for _, m := range []*slackManifest{&m, &socket} {
		m.Settings.SocketModeEnabled = false
		m.Settings.EventSubscriptions.RequestURL = ""
		m.Settings.Interactivity.RequestURL = ""
		for i := range m.Features.SlashCommands {
			m.Features.SlashCommands[i].URL = ""
		}
	}
	for _, part := range []struct {
		name       string
		http, sock any
	}{
		{"_metadata", m.Metadata, socket.Metadata},
		{"display_information", m.DisplayInformation, socket.DisplayInformation},
		{"features", m.Features, socket.Features},
		{"oauth_config", m.OAuthConfig, socket.OAuthConfig},
		{"settings", m.Settings, socket.Settings},
		{"functions", m.Functions, socket.Functions},
	} {
		if !reflect.DeepEqual(part.http, part.sock) {
			t.Errorf("%s: %s differs from %s's beyond Socket Mode and the request URLs: keep the two in step\n got %+v\nwant %+v",
				slackManifestHTTPFile, part.name, slackManifestFile, part.http, part.sock)
		}
	}
	if !reflect.DeepEqual(m, socket) {
		t.Errorf("%s and %s differ beyond Socket Mode and the request URLs", slackManifestHTTPFile, slackManifestFile)
	}
}

func checkLen(t *testing.T, what, s string, lo, hi int) {
	t.Helper()
	if n := utf8.RuneCountInString(s); n < lo || n > hi {
		t.Errorf("%s is %d characters, want %d..%d", what, n, lo, hi)
	}
}
