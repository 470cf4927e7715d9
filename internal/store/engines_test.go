package store

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/store/storetest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

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

func sqliteDSN(t testing.TB) string { return storetest.SQLite(t) }

func postgresDSN(t testing.TB) string { return storetest.Postgres(t) }

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
// not write (an older schema's rows) and for damage. Queries use ? for arguments;
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

// addHandoff opens a hand-off of user's and, unless status is open,
// closes it at closed (answered by U9 with an answer, or resolved).
func addHandoff(t testing.TB, s Store, id, user, status string, opened, closed time.Time) {
	t.Helper()
	ctx := context.Background()
	must(t, s.OpenHandoff(ctx, Handoff{ID: id, OpenedAt: opened, UserID: user, Surface: "dm", Question: "who can help?"}))
	if status == HandoffOpen {
		return
	}
	c := Closure{Status: status, By: "U9", At: closed}
	if status == HandoffAnswered {
		c.Answer = "an expert's answer"
	}
	if _, ok, err := s.CloseHandoff(ctx, id, c); !ok || err != nil {
		t.Fatalf("CloseHandoff(%s) = %v, %v", id, ok, err)
	}
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
