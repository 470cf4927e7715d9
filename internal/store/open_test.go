package store

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
)

func TestParseDSN(t *testing.T) {
	t.Parallel()
	good := []struct {
		in   string
		want DSN
		show string
	}{
		{"sqlite:advisor.db", DSN{Engine: SQLite, Path: "advisor.db"}, "sqlite:advisor.db"},
		{"sqlite:/var/lib/advisor/a b.db", DSN{Engine: SQLite, Path: "/var/lib/advisor/a b.db"}, "sqlite:/var/lib/advisor/a b.db"},
		{"postgres://advisor:s3cret@db:5432/advisor?sslmode=require", DSN{Engine: Postgres, URL: "postgres://advisor:s3cret@db:5432/advisor?sslmode=require"},
			"postgres://advisor:xxxxx@db:5432/advisor?sslmode=require"},
		{"postgresql://db/advisor?password=s3cret", DSN{Engine: Postgres, URL: "postgresql://db/advisor?password=s3cret"},
			"postgresql://db/advisor?password=xxxxx"},
		{"postgres:///advisor?host=/run/postgresql", DSN{Engine: Postgres, URL: "postgres:///advisor?host=/run/postgresql"},
			"postgres:///advisor?host=/run/postgresql"},
	}
	for _, g := range good {
		got, err := ParseDSN(g.in)
		if err != nil || got != g.want {
			t.Errorf("ParseDSN(%q) = %+v, %v; want %+v", g.in, got, err, g.want)
		}
		if got.String() != g.show {
			t.Errorf("ParseDSN(%q).String() = %q, want %q", g.in, got.String(), g.show)
		}
	}
	bad := []string{
		"", "advisor.db", "sqlite:", "sqlite://advisor.db", "sqlite:a.db?mode=ro", "sqlite::memory:",
		"sqlite:file:a.db", "sqlite:/var/lib/", "mysql://db/advisor", "SQLITE:a.db",
		"postgres://", "postgres://advisor:s3cret@db:notaport/advisor", "postgres://advisor:s3cret@db/advisor?sslmode=maybe",
		"postgres://advisor:s3cret@db/%zz", "mysql://advisor:s3cret@db/advisor", "host=db password=s3cret",
		"postgres://advisor@db/advisor?password=s3cret&sslmode=maybe",
	}
	for _, in := range bad {
		_, err := ParseDSN(in)
		var de *DSNError
		if !errors.As(err, &de) {
			t.Errorf("ParseDSN(%q) = %v, want a *DSNError", in, err)
			continue
		}
		if strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "\n") {
			t.Errorf("ParseDSN(%q): %q shows the password or is not one line", in, err)
		}
	}
}

func TestOpenRefusesAMalformedAddress(t *testing.T) {
	t.Parallel()
	for _, open := range []func(context.Context, string) (Store, error){Open, OpenExisting} {
		_, err := open(context.Background(), "mysql://advisor:s3cret@db/advisor")
		var de *DSNError
		if !errors.As(err, &de) {
			t.Errorf("got %v, want a *DSNError", err)
		}
	}
}

// TestOpenUnreachablePostgres: no fallback, a clear error that is not a
// malformed address, quickly. Not parallel: it changes directory, to see
// that no SQLite file is made instead.
func TestOpenUnreachablePostgres(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := Open(ctx, "postgres://advisor:s3cret@127.0.0.1:1/advisor?connect_timeout=5")
	var de *DSNError
	if err == nil || errors.As(err, &de) {
		t.Fatalf("Open = %v, want a connection error", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "cannot connect to postgres postgres://advisor:xxxxx@127.0.0.1:1/advisor") || strings.Contains(msg, "s3cret") || strings.Contains(msg, "\n") {
		t.Errorf("error %q: want one line naming the redacted address", msg)
	}
	if files, _ := os.ReadDir(dir); len(files) != 0 {
		t.Errorf("Open left files behind: %v", files)
	}
}

func TestOpenSQLiteDamagedFileIsLeftAlone(t *testing.T) {
	t.Parallel()
	for name, content := range map[string][]byte{
		"garbage":   bytes.Repeat([]byte("not a database\n"), 600),
		"truncated": []byte("SQLite format 3\x00\x10\x00\x02\x02"),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "advisor.db")
			if err := os.WriteFile(path, content, 0o600); err != nil {
				t.Fatal(err)
			}
			for _, open := range []func(context.Context, string) (Store, error){Open, OpenExisting} {
				s, err := open(context.Background(), "sqlite:"+path)
				if err == nil {
					s.Close()
					t.Fatal("opened a damaged file")
				}
				if s != nil {
					t.Errorf("a failed open returned a store: %#v", s)
				}
				if !strings.Contains(err.Error(), path) {
					t.Errorf("error %q does not name the file", err)
				}
				got, _ := os.ReadFile(path)
				if !bytes.Equal(got, content) {
					t.Fatal("the damaged file was changed")
				}
			}
		})
	}
}

func TestOpenExistingNeverCreatesAnSQLiteFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "advisor.db")
	_, err := OpenExisting(context.Background(), "sqlite:"+path)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("OpenExisting of a missing file = %v", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("OpenExisting created %s", path)
	}
}

func TestOpenExistingReadsButNeverWrites(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		dsn := e.dsn(t)
		s := openDSN(t, dsn)
		must(t, s.RecordAssessments(ctx, []Assessment{{At: now, UserID: "U1", Recommendation: "cto"}}))
		must(t, s.Close())

		ro, err := OpenExisting(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer ro.Close()
		if as, err := ro.RecentAssessments(ctx, "U1", 5); err != nil || len(as) != 1 {
			t.Errorf("RecentAssessments = %v, %v; want one", as, err)
		}
		if err := ro.RecordAssessments(ctx, []Assessment{{At: now, UserID: "U1", Recommendation: "cto"}}); err == nil {
			t.Error("a write through OpenExisting succeeded")
		}
		if _, err := ro.ClaimEvent(ctx, "Ev1", now); err == nil {
			t.Error("a claim through OpenExisting succeeded")
		}
	})
}

func TestSQLiteIsWAL(t *testing.T) {
	t.Parallel()
	s := openDSN(t, sqliteDSN(t)).(*sqliteStore)
	var mode string
	must(t, s.r.QueryRow(`PRAGMA journal_mode`).Scan(&mode))
	if mode != "wal" {
		t.Errorf("journal_mode = %s, want wal", mode)
	}
}

func TestOpenExistingNeedsACurrentSchema(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e engine) {
		dsn := e.dsn(t)
		if e.name == SQLite { // an empty SQLite database
			path := strings.TrimPrefix(dsn, "sqlite:")
			must(t, os.WriteFile(path, nil, 0o600))
		}
		_, err := OpenExisting(context.Background(), dsn)
		if !errors.Is(err, ErrSchemaTooOld) || !strings.Contains(err.Error(), "start serve once") {
			t.Errorf("OpenExisting of an empty database = %v, want ErrSchemaTooOld", err)
		}
	})
}

func TestReopenKeepsDataAndSchema(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		dsn := e.dsn(t)
		s := openDSN(t, dsn)
		must(t, s.RecordQuestions(ctx, []Question{{At: now, Surface: "dm", UserID: "U1", Text: "kept?"}}))
		must(t, s.Close())
		s = openDSN(t, dsn)
		if n := count(t, s, "questions"); n != 1 {
			t.Errorf("%d questions after reopening, want 1", n)
		}
		if n := count(t, s, "schema_migrations"); n != len(mustMigrations(t, e.name)) {
			t.Errorf("%d migrations recorded, want %d", n, len(mustMigrations(t, e.name)))
		}
		ro, err := OpenExisting(ctx, dsn)
		if err != nil {
			t.Fatalf("OpenExisting after Open: %v", err)
		}
		ro.Close()
	})
}

// TestOpenTogetherMigratesOnce: replicas starting at once.
func TestOpenTogetherMigratesOnce(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e engine) {
		dsn := e.dsn(t)
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				s, err := Open(context.Background(), dsn)
				if err != nil {
					t.Error(err)
					return
				}
				s.Close()
			})
		}
		wg.Wait()
		s := openDSN(t, dsn)
		if n := count(t, s, "schema_migrations"); n != len(mustMigrations(t, e.name)) {
			t.Errorf("%d migrations recorded, want %d", n, len(mustMigrations(t, e.name)))
		}
	})
}

func TestSchemaNewerThanTheBinary(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e engine) {
		dsn := e.dsn(t)
		s := openDSN(t, dsn)
		exec(t, s, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
			len(mustMigrations(t, e.name))+1, "9999_future.sql", timeArg(s, now))
		must(t, s.Close())
		for _, open := range []func(context.Context, string) (Store, error){Open, OpenExisting} {
			_, err := open(context.Background(), dsn)
			if !errors.Is(err, ErrSchemaTooNew) {
				t.Fatalf("got %v, want ErrSchemaTooNew", err)
			}
			if msg := err.Error(); !strings.Contains(msg, "newer than this binary") || strings.Contains(msg, "\n") {
				t.Errorf("error %q: want one line that says the schema is newer", msg)
			}
		}
	})
}

func mustMigrations(t testing.TB, engine string) []migration {
	t.Helper()
	ms, err := loadMigrations(migrationFiles, engine)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// TestMigrationsMatch: a version means the same change on both engines,
// so both must have the same versions, named alike.
func TestMigrationsMatch(t *testing.T) {
	t.Parallel()
	lite, pg := mustMigrations(t, SQLite), mustMigrations(t, Postgres)
	if len(lite) != len(pg) {
		t.Fatalf("%d SQLite migrations, %d Postgres", len(lite), len(pg))
	}
	for i := range lite {
		if lite[i].name != pg[i].name {
			t.Errorf("migration %d: %s for SQLite, %s for Postgres", i+1, lite[i].name, pg[i].name)
		}
	}
}

func TestLoadMigrationsRefusesBadSets(t *testing.T) {
	t.Parallel()
	file := &fstest.MapFile{Data: []byte("SELECT 1;")}
	for name, fsys := range map[string]fstest.MapFS{
		"gap":      {"migrations/x/0001_a.sql": file, "migrations/x/0003_c.sql": file},
		"bad name": {"migrations/x/0001_a.sql": file, "migrations/x/two.sql": file},
		"not sql":  {"migrations/x/0001_a.txt": file},
		"none":     {"migrations/y/0001_a.sql": file},
	} {
		if _, err := loadMigrations(fsys, "x"); err == nil {
			t.Errorf("%s: loaded", name)
		}
	}
	ms, err := loadMigrations(fstest.MapFS{"migrations/x/0001_a.sql": file, "migrations/x/0002_b.sql": file}, "x")
	if err != nil || len(ms) != 2 || ms[1].version != 2 {
		t.Errorf("loadMigrations = %+v, %v", ms, err)
	}
}
