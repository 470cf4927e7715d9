// Package storetest gives tests fresh, empty databases for the store: a
// SQLite file of the test's own, or a schema of its own in the Postgres
// server named by ADVISOR_TEST_POSTGRES (scripts/test-postgres starts one).
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// PostgresEnv holds the URL of a throwaway Postgres database.
const PostgresEnv = "ADVISOR_TEST_POSTGRES"

// SkipPostgres is the one line a test that needs Postgres skips with.
const SkipPostgres = PostgresEnv + " is unset: Postgres half skipped; run it with scripts/test-postgres run go test ./..."

// SQLite returns the address of a new SQLite file, removed after the test.
func SQLite(t testing.TB) string {
	return "sqlite:" + filepath.Join(t.TempDir(), "advisor.db")
}

// Postgres returns the address of a schema of the test's own, dropped
// after it, so tests run in parallel against one server; the URL's
// search_path puts every table there. Opening it twice reaches the same
// database, as two replicas would. Without ADVISOR_TEST_POSTGRES the test
// is skipped.
func Postgres(t testing.TB) string {
	base := os.Getenv(PostgresEnv)
	if base == "" {
		t.Skip(SkipPostgres)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "test_" + hex.EncodeToString(b)
	exec(t, base, "CREATE SCHEMA "+schema)
	t.Cleanup(func() { exec(t, base, "DROP SCHEMA "+schema+" CASCADE") })
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func exec(t testing.TB, dsn, sql string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect to %s: %v", PostgresEnv, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}
