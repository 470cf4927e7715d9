package store

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Engines.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// DSN is a parsed database address: sqlite:PATH or a postgres:// URL.
type DSN struct {
	Engine string // SQLite or Postgres
	Path   string // SQLite: the file
	URL    string // Postgres: the URL as given
}

// String is the address with any password hidden: safe to log.
func (d DSN) String() string {
	if d.Engine == SQLite {
		return "sqlite:" + d.Path
	}
	return redact(d.URL)
}

// DSNError says a database address is malformed: the caller's
// configuration is wrong, not the database. Value is redacted.
type DSNError struct {
	Value  string
	Reason string
}

func (e *DSNError) Error() string {
	return fmt.Sprintf("store: %q is not a database address: %s", e.Value, e.Reason)
}

const dsnForms = "want sqlite:PATH or postgres://USER@HOST/DB"

// ParseDSN reads a database address without touching any database, so a
// caller can check a setting before it starts anything.
func ParseDSN(s string) (DSN, error) {
	bad := func(reason string) (DSN, error) { return DSN{}, &DSNError{Value: redact(s), Reason: reason} }
	switch {
	case s == "":
		return bad("empty; " + dsnForms)
	case strings.HasPrefix(s, "sqlite:"):
		path := strings.TrimPrefix(s, "sqlite:")
		switch {
		case path == "":
			return bad("no file after sqlite:")
		case strings.HasPrefix(path, "//"):
			return bad("write sqlite:PATH, such as sqlite:/var/lib/advisor/advisor.db or sqlite:advisor.db")
		case strings.ContainsAny(path, "?#\x00"):
			return bad("the file name may not hold ?, # or NUL")
		case path == ":memory:" || strings.HasPrefix(path, "file:"):
			return bad("name a file: an in-memory database forgets everything")
		case strings.HasSuffix(path, "/"):
			return bad("the path names a directory, not a file")
		}
		return DSN{Engine: SQLite, Path: path}, nil
	case strings.HasPrefix(s, "postgres://"), strings.HasPrefix(s, "postgresql://"):
		u, err := url.Parse(s)
		if err != nil {
			return bad("not a URL")
		}
		if u.Host == "" && u.Query().Get("host") == "" {
			return bad("no host")
		}
		if _, err := pgxpool.ParseConfig(s); err != nil {
			return bad(pgParseReason(err))
		}
		return DSN{Engine: Postgres, URL: s}, nil
	}
	return bad(dsnForms)
}

// pgParseReason keeps the part of pgx's parse error after the quoted
// address, which it redacts but which we already show.
func pgParseReason(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		return msg[i+2:]
	}
	return msg
}

// redact hides passwords: a URL's user part, and password= anywhere (a
// query parameter, or a keyword/value string put here by mistake). A value
// with a scheme that is not a URL is shown only by its scheme, since it may
// hold a password where we cannot find it.
func redact(s string) string {
	if scheme, _, ok := strings.Cut(s, "://"); ok {
		u, err := url.Parse(s)
		if err != nil {
			return scheme + "://…"
		}
		s = u.Redacted()
	}
	return passwordParam.ReplaceAllString(s, "${1}xxxxx")
}

var passwordParam = regexp.MustCompile(`(password=)[^&\s]*`)
