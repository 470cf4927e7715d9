package store

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
)

// Migrations are SQL files, one folder per engine since the dialects
// differ, named NNNN_what.sql and numbered from 1 without gaps; a version
// means the same change on both. Open applies the pending ones, with
// their rows in schema_migrations, in one transaction under a lock, so
// replicas starting together migrate once. A later change adds a file; a
// file once released is never edited.
//
//go:embed migrations
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

var (
	// ErrSchemaTooNew: the database was migrated by a newer binary. Running
	// an older binary on it could misread or damage it.
	ErrSchemaTooNew = errors.New("database schema is newer than this binary")
	// ErrSchemaTooOld: a database opened without migrating (OpenExisting)
	// lacks migrations this binary needs.
	ErrSchemaTooOld = errors.New("database schema is older than this binary")
)

// loadMigrations reads an engine's migrations in order.
func loadMigrations(fsys fs.FS, engine string) ([]migration, error) {
	dir := path.Join("migrations", engine)
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("migration %s: want NNNN_name.sql", e.Name())
		}
		if v != len(ms)+1 {
			return nil, fmt.Errorf("migration %s: want version %d", e.Name(), len(ms)+1)
		}
		b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read migration: %w", err)
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("no migrations for %s", engine)
	}
	return ms, nil
}

// pending returns the migrations a database at version current lacks, or
// ErrSchemaTooNew.
func pending(ms []migration, current int) ([]migration, error) {
	if current > len(ms) {
		return nil, fmt.Errorf("%w: it is at version %d, this binary knows up to %d; run the newer binary, or restore the backup taken before the upgrade",
			ErrSchemaTooNew, current, len(ms))
	}
	return ms[current:], nil
}

// checkCurrent is pending for a database that must not be migrated.
func checkCurrent(ms []migration, current int) error {
	todo, err := pending(ms, current)
	if err != nil {
		return err
	}
	if len(todo) > 0 {
		return fmt.Errorf("%w: it is at version %d, this binary needs %d; start serve once to migrate it",
			ErrSchemaTooOld, current, len(ms))
	}
	return nil
}
