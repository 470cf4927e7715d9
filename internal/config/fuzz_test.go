package config

import (
	"strings"
	"testing"
)

// FuzzConfigValue sets one variable to an arbitrary value and loads and
// validates the configuration as serve does: nothing may panic, an error
// is one line naming a variable, and a token's value never shows.
func FuzzConfigValue(f *testing.F) {
	names := usageNames(f)
	for i, v := range []string{"", "10s", "-1s", "many", "0", "1025", "https://slack.com/api/", "127.0.0.1:6060", ":6060",
		"xoxb-12 34", "xapp-1-abc-secret", "\xff\xfe", strings.Repeat("9", 400)} {
		f.Add(i, v)
	}
	f.Fuzz(func(t *testing.T, i int, value string) {
		name := names[uint(i)%uint(len(names))]
		if strings.ContainsRune(value, 0) {
			t.Skip("an environment value cannot hold a NUL")
		}
		clearEnv(t)
		t.Setenv("SLACK_APP_TOKEN", testApp)
		t.Setenv("SLACK_BOT_TOKEN", testBot)
		t.Setenv(name, value)
		c, err := Load()
		if err == nil {
			err = c.Validate()
			_ = c.String()
		}
		if err == nil {
			return
		}
		msg := err.Error()
		if strings.Contains(msg, "\n") || !strings.Contains(msg, "SLACK_") && !strings.Contains(msg, "ADVISOR_") {
			t.Fatalf("%s=%q: error %q is not one line naming a variable", name, value, msg)
		}
		if strings.HasSuffix(name, "_TOKEN") && len(value) > 8 && strings.Contains(msg, value) {
			t.Fatalf("%s: the error shows the token: %q", name, msg)
		}
	})
}

// usageNames lists every variable Config reads.
func usageNames(tb testing.TB) []string {
	var names []string
	for _, line := range strings.Split(strings.TrimSpace(Usage()), "\n") {
		name, _, _ := strings.Cut(line, "\t")
		names = append(names, name)
	}
	if len(names) == 0 {
		tb.Fatal("no variables")
	}
	return names
}
