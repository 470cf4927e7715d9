package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// sqliteStore keeps everything in one SQLite file in WAL mode. All writes
// go through one connection: SQLite takes one writer at a time anyway, and
// queueing in database/sql is fairer than retrying on SQLITE_BUSY. Reads
// (insights, recent assessments) use a small pool of read-only
// connections, which WAL lets run beside the writer, so an insights query
// never delays an event claim.
type sqliteStore struct {
	path string
	w    *sql.DB
	r    *sql.DB
}

const (
	sqliteReaders = 4
	// busyTimeout covers another process holding the write lock briefly,
	// e.g. an offline command's read, or a second serve by mistake.
	busyTimeout = 5 * time.Second
	busyPragma  = "_pragma=busy_timeout(5000)" // busyTimeout, for SQLite
)

func openSQLite(ctx context.Context, path string, ms []migration, serve bool) (_ *sqliteStore, err error) {
	s := &sqliteStore{path: path}
	defer func() {
		if err != nil {
			s.Close()
			err = s.wrap(err)
		}
	}()
	name := "file:" + strings.ReplaceAll(path, "%", "%25")
	if !serve {
		// mode=ro alone would refuse a missing file too, but say so less
		// plainly.
		if _, err := os.Stat(path); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, errors.New("no such file (serve creates it)")
			}
			return nil, err
		}
		if s.r, err = sql.Open("sqlite", name+"?mode=ro&"+busyPragma); err != nil {
			return nil, err
		}
		s.r.SetMaxOpenConns(sqliteReaders)
		s.w = s.r // writes fail: the file is opened read-only
		v, err := s.version(ctx)
		if err == nil {
			err = checkCurrent(ms, v)
		}
		if err != nil {
			return nil, err
		}
		return s, nil
	}
	// synchronous=NORMAL is safe from corruption in WAL mode; a power cut
	// may lose the last transactions, which for these records is fine.
	s.w, err = sql.Open("sqlite", name+"?mode=rwc&_txlock=immediate&"+busyPragma+
		"&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)")
	if err != nil {
		return nil, err
	}
	s.w.SetMaxOpenConns(1)
	if err := s.connectWriter(ctx); err != nil {
		return nil, err
	}
	if err := s.migrate(ctx, ms); err != nil {
		return nil, err
	}
	if s.r, err = sql.Open("sqlite", name+"?mode=ro&"+busyPragma); err != nil {
		return nil, err
	}
	s.r.SetMaxOpenConns(sqliteReaders)
	return s, s.r.PingContext(ctx)
}

// connectWriter makes the writer's connection. Turning a new file to WAL
// takes a lock SQLite does not wait for, so of two processes opening one
// new file at once, one may get SQLITE_BUSY: it retries within busyTimeout.
func (s *sqliteStore) connectWriter(ctx context.Context) error {
	deadline := time.Now().Add(busyTimeout)
	for {
		err := s.w.PingContext(ctx)
		var se *sqlite.Error
		if !errors.As(err, &se) || se.Code()&0xff != sqlite3.SQLITE_BUSY || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// wrap names the file in an error, and says what a file that is not a
// database means: the store never writes over it.
func (s *sqliteStore) wrap(err error) error {
	if err == nil || errors.Is(err, ErrInvalid) || errors.Is(err, ErrNotFound) {
		return err
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
			return fmt.Errorf("store: sqlite %s: not an SQLite database, or damaged; it was left as it is: %w", s.path, err)
		}
	}
	return fmt.Errorf("store: sqlite %s: %w", s.path, err)
}

func (s *sqliteStore) Close() error {
	var err error
	if s.r != nil {
		err = s.r.Close()
	}
	if s.w != nil && s.w != s.r {
		err = errors.Join(err, s.w.Close())
	}
	return err
}

// version reads the schema version; 0 for a database without our schema.
func (s *sqliteStore) version(ctx context.Context) (int, error) {
	var exists bool
	err := s.r.QueryRowContext(ctx, `SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&exists)
	if err != nil || !exists {
		return 0, err
	}
	var v int
	err = s.r.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}

// migrate applies pending migrations in one immediate transaction: it
// holds the write lock, so two processes cannot migrate at once.
func (s *sqliteStore) migrate(ctx context.Context, ms []migration) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`); err != nil {
		return err
	}
	var current int
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return err
	}
	todo, err := pending(ms, current)
	if err != nil {
		return err
	}
	for _, m := range todo {
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
			m.version, m.name, time.Now().UnixMilli()); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// inTx runs f in a write transaction.
func (s *sqliteStore) inTx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return s.wrap(err)
	}
	defer tx.Rollback()
	if err := f(tx); err != nil {
		return s.wrap(err)
	}
	return s.wrap(tx.Commit())
}

// insertEach runs one prepared statement per record in one transaction.
func insertEach[T any](ctx context.Context, s *sqliteStore, query string, rs []T, args func(T) []any) error {
	if len(rs) == 0 {
		return nil
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, query)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, r := range rs {
			if _, err := stmt.ExecContext(ctx, args(r)...); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *sqliteStore) RecordQuestions(ctx context.Context, qs []Question) error {
	qs, err := checkAll(qs, checkQuestion)
	if err != nil {
		return err
	}
	return insertEach(ctx, s, `INSERT INTO questions
		(at, surface, user_id, channel_id, message_ts, text, text_key, entry_id, score, thread_ts, ref)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, qs, func(q Question) []any {
		return []any{q.At.UnixMilli(), q.Surface, q.UserID, q.ChannelID, q.MessageTS, q.Text, textKey(q.Text), q.EntryID, q.Score,
			q.ThreadTS, q.Ref}
	})
}

func (s *sqliteStore) RecordVotes(ctx context.Context, vs []Vote) error {
	vs, err := checkAll(vs, checkVote)
	if err != nil {
		return err
	}
	return insertEach(ctx, s, `INSERT INTO votes (user_id, channel_id, message_ts, subject, helpful, at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (user_id, channel_id, message_ts) DO UPDATE
		SET subject = excluded.subject, helpful = excluded.helpful, at = excluded.at
		WHERE excluded.at >= votes.at`, lastVotes(vs), func(v Vote) []any {
		return []any{v.UserID, v.ChannelID, v.MessageTS, v.Subject, v.Helpful, v.At.UnixMilli()}
	})
}

func (s *sqliteStore) RecordAssessments(ctx context.Context, as []Assessment) error {
	as, err := checkAll(as, checkAssessment)
	if err != nil {
		return err
	}
	return insertEach(ctx, s, `INSERT INTO assessments
		(at, user_id, goal, infrastructure, ai_ambition, engineering_team, ai_governance, budget, months, recommendation, confidence)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, as, func(a Assessment) []any {
		return []any{a.At.UnixMilli(), a.UserID, a.Goal, a.Infrastructure, a.AIAmbition, a.EngineeringTeam,
			a.AIGovernance, a.Budget, a.Months, a.Recommendation, a.Confidence}
	})
}

// ClaimEvent is one upsert: SQLite runs it under the write lock, so two
// claims of one id cannot both succeed.
func (s *sqliteStore) ClaimEvent(ctx context.Context, id string, now time.Time) (bool, error) {
	if err := checkID("event id", id); err != nil {
		return false, err
	}
	res, err := s.w.ExecContext(ctx, `INSERT INTO event_claims (id, claimed_at) VALUES (?, ?)
		ON CONFLICT (id) DO UPDATE SET claimed_at = excluded.claimed_at
		WHERE event_claims.completed = 0 AND event_claims.claimed_at < ?`,
		id, now.UnixMilli(), now.Add(-ClaimTimeout).UnixMilli())
	if err != nil {
		return false, s.wrap(err)
	}
	n, err := res.RowsAffected()
	return n == 1, s.wrap(err)
}

func (s *sqliteStore) CompleteEvents(ctx context.Context, ids ...string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE event_claims SET completed = 1 WHERE id = ?`, id); err != nil {
				return s.wrap(err)
			}
		}
		return nil
	})
}

func (s *sqliteStore) ReleaseEvent(ctx context.Context, id string) error {
	_, err := s.w.ExecContext(ctx, `DELETE FROM event_claims WHERE id = ? AND completed = 0`, id)
	return s.wrap(err)
}

// bySurface counts a window's questions per surface without sorting the
// window's rows: a recursive query finds each surface (one index seek
// each), and each count is one range of questions_surface. Grouping the
// window instead costs a sort of every row in it: 113 ms rather than 14
// for 100,000 rows (docs/store.md). Both engines use it. Its one argument
// is the window's start.
const bySurface = `WITH RECURSIVE surfaces(surface) AS (
	SELECT min(surface) FROM questions
	UNION ALL
	SELECT (SELECT min(surface) FROM questions WHERE surface > surfaces.surface)
	FROM surfaces WHERE surface IS NOT NULL)
SELECT surface, (SELECT count(*) FROM questions q WHERE q.surface = surfaces.surface AND q.at >= $1)
FROM surfaces WHERE surface IS NOT NULL`

// Insights reads in one transaction, so the figures agree with each other.
func (s *sqliteStore) Insights(ctx context.Context, since time.Time) (Insights, error) {
	in := Insights{Since: since}
	ms := since.UnixMilli()
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return in, s.wrap(err)
	}
	defer tx.Rollback()
	err = eachRow(ctx, tx, bySurface, []any{ms}, func(rows *sql.Rows) error {
		var c Count
		if err := rows.Scan(&c.Key, &c.N); err != nil {
			return err
		}
		if c.N > 0 {
			in.BySurface = append(in.BySurface, c)
			in.Questions += c.N
		}
		return nil
	})
	if err == nil {
		err = tx.QueryRowContext(ctx, `SELECT count(*) FROM questions WHERE entry_id = '' AND at >= ?`, ms).Scan(&in.Unanswered)
	}
	if err == nil {
		err = eachRow(ctx, tx, `SELECT max(text), count(*) FROM questions
			WHERE entry_id = '' AND at >= ? GROUP BY text_key
			ORDER BY count(*) DESC, text_key LIMIT ?`, []any{ms, TopUnanswered}, func(rows *sql.Rows) error {
			var c Count
			err := rows.Scan(&c.Key, &c.N)
			in.TopUnanswered = append(in.TopUnanswered, c)
			return err
		})
	}
	if err == nil {
		err = eachRow(ctx, tx, `SELECT subject, sum(helpful), sum(1 - helpful) FROM votes
			WHERE at >= ? GROUP BY subject`, []any{ms}, func(rows *sql.Rows) error {
			var v SubjectVotes
			err := rows.Scan(&v.Subject, &v.Helpful, &v.NotHelpful)
			in.Votes = append(in.Votes, v)
			return err
		})
	}
	if err == nil {
		err = eachRow(ctx, tx, `SELECT recommendation, count(*) FROM assessments
			WHERE at >= ? GROUP BY recommendation`, []any{ms}, func(rows *sql.Rows) error {
			var c Count
			err := rows.Scan(&c.Key, &c.N)
			in.Recommendations = append(in.Recommendations, c)
			return err
		})
	}
	if err == nil {
		err = tx.QueryRowContext(ctx, `SELECT count(*) FROM handoffs WHERE status = 'open'`).Scan(&in.OpenHandoffs)
	}
	if err != nil {
		return Insights{Since: since}, s.wrap(err)
	}
	sortCounts(in.BySurface)
	sortCounts(in.Recommendations)
	sortVotes(in.Votes)
	return in, nil
}

// eachRow runs a query and calls f for each row.
func eachRow(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, query string, args []any, f func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := f(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (s *sqliteStore) RecentAssessments(ctx context.Context, userID string, n int) ([]Assessment, error) {
	if err := checkID("user", userID); err != nil {
		return nil, err
	}
	var as []Assessment
	err := eachRow(ctx, s.r, `SELECT at, user_id, goal, infrastructure, ai_ambition, engineering_team,
		ai_governance, budget, months, recommendation, confidence
		FROM assessments WHERE user_id = ? ORDER BY at DESC, id DESC LIMIT ?`, []any{userID, max(n, 0)},
		func(rows *sql.Rows) error {
			var a Assessment
			var at int64
			err := rows.Scan(&at, &a.UserID, &a.Goal, &a.Infrastructure, &a.AIAmbition, &a.EngineeringTeam,
				&a.AIGovernance, &a.Budget, &a.Months, &a.Recommendation, &a.Confidence)
			a.At = time.UnixMilli(at).UTC()
			as = append(as, a)
			return err
		})
	return as, s.wrap(err)
}

// purgeChunk bounds each delete, so a first purge of months of rows never
// holds the one writer for long: an event claim waits at most one chunk.
const purgeChunk = 5000

func (s *sqliteStore) Purge(ctx context.Context, now time.Time, retention time.Duration) (int64, error) {
	if retention <= 0 {
		return 0, invalid("purge", "retention not positive")
	}
	cutoff := now.Add(-retention).UnixMilli()
	deletes := []struct {
		table, key, where string
		before            int64
	}{
		{"questions", "id", "at < ?", cutoff},
		{"votes", "rowid", "at < ?", cutoff},
		{"assessments", "id", "at < ?", cutoff},
		{"handoffs", "id", "status <> 'open' AND closed_at < ?", cutoff},
		{"event_claims", "id", "claimed_at < ?", now.Add(-EventClaimKeep).UnixMilli()},
	}
	var total int64
	for _, d := range deletes {
		query := fmt.Sprintf(`DELETE FROM %s WHERE %s IN (SELECT %[2]s FROM %[1]s WHERE %[3]s LIMIT %[4]d)`,
			d.table, d.key, d.where, purgeChunk)
		for {
			res, err := s.w.ExecContext(ctx, query, d.before)
			if err != nil {
				return total, s.wrap(err)
			}
			n, _ := res.RowsAffected()
			total += n
			if n < purgeChunk {
				break
			}
		}
	}
	return total, nil
}

func (s *sqliteStore) ForgetUser(ctx context.Context, userID string) (int64, error) {
	if err := checkID("user", userID); err != nil {
		return 0, err
	}
	var total int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for _, table := range userTables() {
			res, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE user_id = ?`, userID)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			total += n
		}
		return s.forgetActor(ctx, tx, userID)
	})
	if err != nil {
		return 0, err
	}
	return total, nil
}

// userTables are the tables with rows about a user, by user_id: ForgetUser
// deletes them. A table added later that has such rows must be listed
// here, or in actorColumns; TestForgetUserCoversEveryTable checks.
func userTables() []string { return []string{"questions", "votes", "assessments", "handoffs"} }

// actorColumn names a user who only acted on a row the team keeps: who
// turned a watch on, taught an answer, closed a hand-off. ForgetUser
// blanks it to "" and keeps the row.
type actorColumn struct {
	table, column string
	// versioned: replicas hold the table's rows, reloaded when the
	// Version changes.
	versioned bool
}

func actorColumns() []actorColumn {
	return []actorColumn{
		{"watches", "user_id", true},
		{"learned", "author_id", true},
		{"handoffs", "closed_by", false},
	}
}
