// Package config holds every setting of the bot. The envconfig tags on
// Config are the only place that names a variable or gives its default;
// Validate is the only place that says what a good value is.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/store"
	"github.com/kelseyhightower/envconfig"
)

// Config is every setting of the bot. The desc tags feed the usage table
// (Usage) and the README's configuration table.
type Config struct {
	AppToken string `envconfig:"SLACK_APP_TOKEN" desc:"app-level token (xapp-…) for Socket Mode; required for serve in socket mode"`
	BotToken string `envconfig:"SLACK_BOT_TOKEN" desc:"bot token (xoxb-…) for the Web API; required for serve"`
	APIURL   string `envconfig:"SLACK_API_URL" default:"https://slack.com/api/" desc:"base URL of Slack's Web API, ending in /"`
	// Mode picks how Slack reaches the bot: Socket Mode (no public
	// endpoint, at most 10 connections) or HTTP behind a load balancer
	// (any number of replicas).
	Mode          string `envconfig:"SLACK_MODE" default:"socket" desc:"socket (Socket Mode, no public endpoint) or http (Slack POSTs to ADVISOR_SLACK_ADDR at /slack/events)"`
	SigningSecret string `envconfig:"SLACK_SIGNING_SECRET" desc:"the app's signing secret, which proves a request came from Slack; required for serve in http mode"`
	SlackAddr     string `envconfig:"ADVISOR_SLACK_ADDR" default:":3000" desc:"where serve listens for Slack in http mode (POST /slack/events)"`

	HTTPAddr string `envconfig:"ADVISOR_HTTP_ADDR" default:":8080" desc:"where /healthz, /readyz and /metrics are served; empty: nowhere"`
	LogLevel string `envconfig:"ADVISOR_LOG_LEVEL" default:"info" desc:"debug, info, warn or error; debug also logs users' questions (demo: warn unless set)"`

	// Offline holds what the offline commands (ask) read too.
	Offline

	DB        string        `envconfig:"ADVISOR_DB" default:"sqlite:fractional-advisor.db" desc:"where serve keeps what it learns: sqlite:PATH (embedded, one replica only) or a postgres:// URL (any number of replicas share it)"`
	Retention time.Duration `envconfig:"ADVISOR_RETENTION" default:"2160h" desc:"how long stored questions, votes, assessments and closed hand-offs are kept (at least 1h)"`
	Admins    []string      `envconfig:"ADVISOR_ADMINS" desc:"comma-separated Slack user ids who see insights on the Home tab and may retract learned answers"`
	// ExpertChannel turns the hand-off on: without it no question can
	// reach a person, so no button offers it.
	ExpertChannel string `envconfig:"ADVISOR_EXPERT_CHANNEL" desc:"channel id where questions users send to an expert are posted; empty: no hand-off, and no ask_expert button"`
	// Replicas learn of watched channels and learned answers from the
	// database; the contract allows 60 s, and each look is one tiny query.
	SyncInterval time.Duration `envconfig:"ADVISOR_SYNC_INTERVAL" default:"10s" desc:"how often serve looks for watched channels and learned answers changed by another replica, and retries hand-offs not yet posted to the experts (100ms–30s)"`

	SlackTimeout  time.Duration `envconfig:"ADVISOR_SLACK_TIMEOUT" default:"10s" desc:"deadline of each call to Slack"`
	ShutdownGrace time.Duration `envconfig:"ADVISOR_SHUTDOWN_GRACE" default:"20s" desc:"how long work in flight may take after SIGTERM"`
	PingTimeout   time.Duration `envconfig:"ADVISOR_PING_TIMEOUT" default:"30s" desc:"how long the socket may go without a ping from Slack before it is redialled (at least 1s)"`
	Workers       int           `envconfig:"ADVISOR_WORKERS" default:"8" desc:"workers that answer after the ack (1–1024)"`
	Queue         int           `envconfig:"ADVISOR_QUEUE" default:"256" desc:"requests waiting for a worker; beyond it users are told the bot is busy (1–100000)"`
	UserRate      int           `envconfig:"ADVISOR_USER_RATE" default:"20" desc:"requests one user may make a minute; 0 turns the limit off"`
	ReconnectMax  time.Duration `envconfig:"ADVISOR_RECONNECT_MAX" default:"30s" desc:"longest wait between failed connection attempts (jittered backoff)"`
	// Slack says link_disabled when an admin turns Socket Mode off: a
	// person has to act, so hammering Slack helps nobody.
	LinkDisabledRetry time.Duration `envconfig:"ADVISOR_LINK_DISABLED_RETRY" default:"1m" desc:"wait before reconnecting after Slack turned Socket Mode off for the app"`
	MaxRetryAfter     time.Duration `envconfig:"ADVISOR_MAX_RETRY_AFTER" default:"30s" desc:"longest Retry-After (HTTP 429) a call waits out before giving up"`
	// Profiles show the program's internals to anyone who can reach the
	// port, hence off by default and on loopback only.
	PProfAddr string `envconfig:"ADVISOR_PPROF_ADDR" desc:"where Go's profiler is served (/debug/pprof/), on loopback only, e.g. 127.0.0.1:6060; empty: off"`
}

// Offline is the part of Config that the offline commands read: a bad
// serve-only setting must not stop them.
type Offline struct {
	ContentDir string `envconfig:"ADVISOR_CONTENT_DIR" desc:"a folder of knowledge-base files (entries and concepts.yaml) that replaces the built-in knowledge base; it must hold every built-in question"`
}

// Load reads the configuration from the process environment. It checks
// that each value parses; Validate checks that it makes sense.
func Load() (Config, error) {
	var c Config
	return c, process(&c)
}

// OfflineDB is ADVISOR_DB when it is set, and whether it is: the offline
// commands read learned answers there only then, so its default (a file
// serve would create) does not apply to them.
func OfflineDB() (string, bool) {
	f, _ := reflect.TypeFor[Config]().FieldByName("DB")
	return os.LookupEnv(f.Tag.Get("envconfig"))
}

// LoadOffline reads only what the offline commands need.
func LoadOffline() (Offline, error) {
	var o Offline
	return o, process(&o)
}

func process(spec any) error {
	if err := envconfig.Process("", spec); err != nil {
		// Tokens are plain strings and never fail to parse, so the value
		// shown here is never a token.
		var pe *envconfig.ParseError
		if errors.As(err, &pe) {
			return fmt.Errorf("config: %s: cannot use %q as a %s", pe.KeyName, clip(pe.Value), pe.TypeName)
		}
		return fmt.Errorf("config: %w", err)
	}
	return nil
}

// Defaults returns the Config that an empty environment gives. envconfig
// reads only the process environment, which parallel tests must not
// touch, so tests start from this value instead. It reads the same default
// tags, for the few kinds of field Config has; TestDefaults checks it
// against Load in an empty environment.
func Defaults() Config {
	var c Config
	setDefaults(reflect.ValueOf(&c).Elem())
	return c
}

func setDefaults(v reflect.Value) {
	for i := range v.NumField() {
		f, field := v.Type().Field(i), v.Field(i)
		if f.Anonymous {
			setDefaults(field)
			continue
		}
		def, ok := f.Tag.Lookup("default")
		if !ok {
			continue
		}
		var err error
		switch {
		case field.Type() == reflect.TypeFor[time.Duration]():
			var d time.Duration
			d, err = time.ParseDuration(def)
			field.SetInt(int64(d))
		case field.Kind() == reflect.String:
			field.SetString(def)
		case field.Kind() == reflect.Int:
			var n int
			n, err = strconv.Atoi(def)
			field.SetInt(int64(n))
		case field.Kind() == reflect.Bool:
			var b bool
			b, err = strconv.ParseBool(def)
			field.SetBool(b)
		default:
			err = fmt.Errorf("kind %s", field.Kind())
		}
		if err != nil {
			panic(fmt.Sprintf("config: the default of %s: %v", f.Name, err)) // a typo in a tag; TestDefaults catches it
		}
	}
}

// Validate checks every setting serve and demo use, naming the variable of
// the first bad one and never showing a token.
func (c Config) Validate() error {
	switch c.Mode {
	case ModeSocket:
		if err := checkToken("SLACK_APP_TOKEN", c.AppToken, "xapp-"); err != nil {
			return err
		}
	case ModeHTTP:
		// Slack's signing secrets are 32 hex digits; anything much
		// shorter cannot be one.
		switch s := c.SigningSecret; {
		case s == "":
			return errors.New("config: SLACK_SIGNING_SECRET is required in http mode")
		case len(s) < 16 || strings.ContainsAny(s, " \t\r\n"):
			return errors.New("config: SLACK_SIGNING_SECRET is malformed (want the app's signing secret, Basic Information → App Credentials)")
		}
		if _, _, err := net.SplitHostPort(c.SlackAddr); err != nil {
			return errors.New("config: ADVISOR_SLACK_ADDR must be host:port or :port, such as :3000")
		}
	default:
		return errors.New("config: SLACK_MODE must be socket or http")
	}
	if err := checkToken("SLACK_BOT_TOKEN", c.BotToken, "xoxb-"); err != nil {
		return err
	}
	// The bot token goes to this URL: plain http only to this machine (a
	// local fake), and no credentials in it (it is logged by host).
	u, err := url.Parse(c.APIURL)
	if err != nil || u.Host == "" || u.User != nil || !strings.HasSuffix(u.Path, "/") ||
		u.Scheme != "https" && !(u.Scheme == "http" && loopbackHost(u.Hostname())) {
		return errors.New("config: SLACK_API_URL must be an https URL ending in / (http only on loopback)")
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return errors.New("config: ADVISOR_LOG_LEVEL must be debug, info, warn or error")
	}
	if c.ShutdownGrace < 0 {
		return errors.New("config: ADVISOR_SHUTDOWN_GRACE must not be negative")
	}
	positive := []struct {
		name string
		d    time.Duration
	}{
		{"ADVISOR_SLACK_TIMEOUT", c.SlackTimeout},
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
	if _, err := store.ParseDSN(c.DB); err != nil {
		return fmt.Errorf("config: ADVISOR_DB: %w", err)
	}
	if c.Retention < time.Hour {
		return errors.New("config: ADVISOR_RETENTION must be at least 1h")
	}
	for _, id := range c.Admins {
		if !slackID(id) {
			return fmt.Errorf("config: ADVISOR_ADMINS: %q is not a Slack user id (like U024BE7LH)", clip(id))
		}
	}
	if c.ExpertChannel != "" && !channelID(c.ExpertChannel) {
		return fmt.Errorf("config: ADVISOR_EXPERT_CHANNEL: %q is not a Slack channel id (like C024BE91L)", clip(c.ExpertChannel))
	}
	// The contract allows 60 s for a change to reach every replica; a
	// sync's own queries must fit in it too.
	if c.SyncInterval < 100*time.Millisecond || c.SyncInterval > 30*time.Second {
		return errors.New("config: ADVISOR_SYNC_INTERVAL must be between 100ms and 30s")
	}
	if c.PProfAddr != "" && !loopback(c.PProfAddr) {
		return errors.New("config: ADVISOR_PPROF_ADDR must be a loopback address with a port, such as 127.0.0.1:6060")
	}
	return nil
}

// slackID accepts the shape of Slack's user ids: U or W, then capitals and
// digits.
func slackID(s string) bool { return idShape(s, "UW") }

// channelID accepts the shape of a channel's id, public (C) or private
// (G); a DM cannot be the experts' channel.
func channelID(s string) bool { return idShape(s, "CG") }

func idShape(s, first string) bool {
	if len(s) < 3 || len(s) > 32 || !strings.ContainsRune(first, rune(s[0])) {
		return false
	}
	for _, r := range s {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// The values of SLACK_MODE.
const (
	ModeSocket = "socket"
	ModeHTTP   = "http"
)

// IsAdmin reports whether a user is one of ADVISOR_ADMINS.
func (c Config) IsAdmin(user string) bool { return user != "" && slices.Contains(c.Admins, user) }

// loopback reports whether addr is host:port on this machine only.
func loopback(addr string) bool {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return false
	}
	return loopbackHost(host)
}

func loopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
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

// String prints every setting by its variable, tokens redacted, so a
// Config can be logged safely.
func (c Config) String() string {
	var b strings.Builder
	v := reflect.ValueOf(c)
	writeFields(&b, v)
	return strings.TrimSpace(b.String())
}

func writeFields(b *strings.Builder, v reflect.Value) {
	for i := range v.NumField() {
		f, field := v.Type().Field(i), v.Field(i)
		if f.Anonymous {
			writeFields(b, field)
			continue
		}
		name := f.Tag.Get("envconfig")
		value := fmt.Sprint(field.Interface())
		switch {
		case strings.HasSuffix(name, "_TOKEN"):
			value = Redact(value)
		case strings.HasSuffix(name, "_SECRET"):
			value = "(unset)"
			if field.String() != "" {
				value = "…redacted"
			}
		case name == "ADVISOR_DB":
			value = "(malformed)"
			if dsn, err := store.ParseDSN(field.String()); err == nil {
				value = dsn.String() // the password hidden
			}
		}
		fmt.Fprintf(b, "%s=%q ", name, value)
	}
}

// GoString keeps %#v from printing the tokens too.
func (c Config) GoString() string { return "config.Config{" + c.String() + "}" }

// Usage writes one line per variable: name, default and meaning, tab
// separated (the README's configuration table is checked against it).
func Usage() string {
	var b strings.Builder
	// envconfig's own usage walker, so the names come from the tags alone.
	_ = envconfig.Usagef("", &Config{}, &b, "{{range .}}{{usage_key .}}\t{{usage_default .}}\t{{usage_description .}}\n{{end}}")
	return b.String()
}

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
