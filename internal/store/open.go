package store

import (
	"context"
	"time"
)

var (
	_ Store = (*sqliteStore)(nil)
	_ Store = (*pgStore)(nil)
)

// connectTimeout bounds reaching Postgres at start when the caller's
// context has no deadline: an unreachable host must fail start, not hang
// it. Migrations are not bounded by it: a long one must not fail half-way.
const connectTimeout = 15 * time.Second

// Open opens the database at dsn (see ParseDSN) for serving: it creates an
// SQLite file that does not exist yet and brings the schema up to date.
//
// A malformed dsn is a *DSNError. Any other error means the database
// cannot be used: unreachable, refused, damaged (an SQLite file that is not
// a database is named and left as it is), or migrated by a newer binary
// (ErrSchemaTooNew). Open never falls back to another engine.
func Open(ctx context.Context, dsn string) (Store, error) {
	return open(ctx, dsn, true)
}

// OpenExisting opens the database at dsn for the offline commands: it
// never creates an SQLite file, never migrates, opens SQLite read-only, and
// fails with ErrSchemaTooOld or ErrSchemaTooNew unless the schema is the
// one this binary knows.
func OpenExisting(ctx context.Context, dsn string) (Store, error) {
	return open(ctx, dsn, false)
}

func open(ctx context.Context, dsn string, serve bool) (Store, error) {
	d, err := ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	ms, err := loadMigrations(migrationFiles, d.Engine)
	if err != nil {
		return nil, err
	}
	// Each engine's error comes back with a nil pointer, which must not
	// become a non-nil Store.
	if d.Engine == SQLite {
		s, err := openSQLite(ctx, d.Path, ms, serve)
		if err != nil {
			return nil, err
		}
		return s, nil
	}
	s, err := openPostgres(ctx, d, ms, serve)
	if err != nil {
		return nil, err
	}
	return s, nil
}
