package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// postgresEnv holds the URL of a throwaway Postgres database for the
// Postgres half of the suite; scripts/test-postgres makes one.
const postgresEnv = "ADVISOR_TEST_POSTGRES"

const skipPostgres = postgresEnv + " is unset: Postgres half skipped; run it with scripts/test-postgres run go test ./internal/store/"

// engine opens fresh, empty databases of one kind.
type engine struct {
	name string
	// dsn returns the address of a new empty database, removed after the
	// test. Opening it twice reaches the same database, as two replicas
	// would.
	dsn func(t testing.TB) string
}

func engines() []engine {
	return []engine{{SQLite, sqliteDSN}, {Postgres, postgresDSN}}
}

func sqliteDSN(t testing.TB) string {
	return "sqlite:" + filepath.Join(t.TempDir(), "advisor.db")
}

// postgresDSN makes a schema of its own for the test, dropped after it, so
// tests run in parallel against one database; the URL's search_path puts
// every table there.
func postgresDSN(t testing.TB) string {
	base := os.Getenv(postgresEnv)
	if base == "" {
		t.Skip(skipPostgres)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "test_" + hex.EncodeToString(b)
	admin(t, base, "CREATE SCHEMA "+schema)
	t.Cleanup(func() { admin(t, base, "DROP SCHEMA "+schema+" CASCADE") })
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", postgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func admin(t testing.TB, dsn, sql string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect to %s: %v", postgresEnv, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// forEach runs f as a subtest on each engine, in parallel.
func forEach(t *testing.T, f func(t *testing.T, e engine)) {
	t.Helper()
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			f(t, e)
		})
	}
}

// openStore opens a new empty store, closed after the test.
func openStore(t testing.TB, e engine) Store {
	t.Helper()
	return openDSN(t, e.dsn(t))
}

func openDSN(t testing.TB, dsn string) Store {
	t.Helper()
	s, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// exec runs SQL on a store behind its back: for what the interface does
// not write yet (hand-offs) and for damage. Queries use ? for arguments;
// Postgres gets $1, $2….
func exec(t testing.TB, s Store, query string, args ...any) {
	t.Helper()
	ctx := context.Background()
	var err error
	switch s := s.(type) {
	case *sqliteStore:
		_, err = s.w.ExecContext(ctx, query, args...)
	case *pgStore:
		_, err = s.pool.Exec(ctx, dollars(query), args...)
	default:
		t.Fatalf("exec on %T", s)
	}
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// dollars numbers ? placeholders as $1, $2….
func dollars(q string) string {
	var out []byte
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			out = append(out, '$')
			out = strconv.AppendInt(out, int64(n), 10)
			continue
		}
		out = append(out, q[i])
	}
	return string(out)
}

// timeArg is a time as the engine stores it.
func timeArg(s Store, at time.Time) any {
	if _, ok := s.(*sqliteStore); ok {
		return at.UnixMilli()
	}
	return at
}

// addHandoff writes a hand-off directly: the store has no method for it
// yet. closed is the zero time for an open one.
func addHandoff(t testing.TB, s Store, id, user, status string, opened, closed time.Time) {
	t.Helper()
	var closedArg any
	if !closed.IsZero() {
		closedArg = timeArg(s, closed)
	}
	exec(t, s, `INSERT INTO handoffs (id, user_id, status, opened_at, closed_at) VALUES (?, ?, ?, ?, ?)`,
		id, user, status, timeArg(s, opened), closedArg)
}

// count counts a table's rows.
func count(t testing.TB, s Store, table string) int {
	t.Helper()
	ctx := context.Background()
	var n int
	var err error
	switch s := s.(type) {
	case *sqliteStore:
		err = s.r.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n)
	case *pgStore:
		err = s.pool.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n)
	default:
		t.Fatalf("count on %T", s)
	}
	if err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}
