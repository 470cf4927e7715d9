package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// pgStore keeps everything in PostgreSQL, shared by every replica, through
// a pgx pool (its size from the URL's pool_max_conns, else pgx's default).
type pgStore struct {
	where string // the redacted address, for errors
	pool  *pgxpool.Pool
}

// migrationLock is the advisory lock replicas take to migrate one at a
// time: 'fadv' in ASCII.
const migrationLock = 0x66616476

func openPostgres(ctx context.Context, d DSN, ms []migration, serve bool) (_ *pgStore, err error) {
	s := &pgStore{where: d.String()}
	cfg, err := pgxpool.ParseConfig(d.URL)
	if err != nil {
		return nil, &DSNError{Value: d.String(), Reason: pgParseReason(err)}
	}
	if !serve {
		// The offline commands only read; make the server hold them to it.
		cfg.ConnConfig.RuntimeParams["default_transaction_read_only"] = "on"
	}
	if s.pool, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		return nil, s.wrap(err)
	}
	defer func() {
		if err != nil {
			s.pool.Close()
		}
	}()
	if err := ping(ctx, s.pool); err != nil {
		return nil, oneLine{fmt.Errorf("store: cannot connect to postgres %s: %w", s.where, err)}
	}
	if !serve {
		v, err := s.version(ctx)
		if err == nil {
			err = checkCurrent(ms, v)
		}
		if err != nil {
			return nil, s.wrap(err)
		}
		return s, nil
	}
	if err := s.migrate(ctx, ms); err != nil {
		return nil, s.wrap(err)
	}
	return s, nil
}

func ping(ctx context.Context, pool *pgxpool.Pool) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, connectTimeout)
		defer cancel()
	}
	return pool.Ping(ctx)
}

// version reads the schema version; 0 for a database without our schema.
func (s *pgStore) version(ctx context.Context) (int, error) {
	var exists bool
	if err := s.pool.QueryRow(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists); err != nil || !exists {
		return 0, err
	}
	var v int
	err := s.pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}

// oneLine keeps an error on one line: pgx puts each address it tried on
// a line of its own, and the caller prints the error as one.
type oneLine struct{ err error }

func (e oneLine) Error() string {
	return strings.Join(strings.Fields(strings.ReplaceAll(e.err.Error(), "\n", "; ")), " ")
}

func (e oneLine) Unwrap() error { return e.err }

func (s *pgStore) wrap(err error) error {
	if err == nil || errors.Is(err, ErrInvalid) || errors.Is(err, ErrNotFound) {
		return err
	}
	return fmt.Errorf("store: postgres %s: %w", s.where, err)
}

func (s *pgStore) Close() error {
	s.pool.Close()
	return nil
}

// migrate applies pending migrations in one transaction under an advisory
// lock, so replicas starting together migrate once.
func (s *pgStore) migrate(ctx context.Context, ms []migration) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLock); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return err
		}
		var current int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
			return err
		}
		todo, err := pending(ms, current)
		if err != nil {
			return err
		}
		for _, m := range todo {
			// No arguments: the simple protocol, which runs a file of
			// several statements.
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.version, m.name); err != nil {
				return err
			}
		}
		return nil
	})
}

// RecordQuestions copies the batch in: one statement, all or nothing.
func (s *pgStore) RecordQuestions(ctx context.Context, qs []Question) error {
	qs, err := checkAll(qs, checkQuestion)
	if err != nil || len(qs) == 0 {
		return err
	}
	_, err = s.pool.CopyFrom(ctx, pgx.Identifier{"questions"},
		[]string{"at", "surface", "user_id", "channel_id", "message_ts", "text", "text_key", "entry_id", "score", "thread_ts", "ref"},
		pgx.CopyFromSlice(len(qs), func(i int) ([]any, error) {
			q := qs[i]
			return []any{q.At, q.Surface, q.UserID, q.ChannelID, q.MessageTS, q.Text, textKey(q.Text), q.EntryID, q.Score,
				q.ThreadTS, q.Ref}, nil
		}))
	return s.wrap(err)
}

// RecordVotes upserts the batch in one statement from arrays.
func (s *pgStore) RecordVotes(ctx context.Context, vs []Vote) error {
	vs, err := checkAll(vs, checkVote)
	if err != nil || len(vs) == 0 {
		return err
	}
	vs = lastVotes(vs)
	cols := struct {
		user, channel, ts, subject []string
		helpful                    []bool
		at                         []time.Time
	}{}
	for _, v := range vs {
		cols.user = append(cols.user, v.UserID)
		cols.channel = append(cols.channel, v.ChannelID)
		cols.ts = append(cols.ts, v.MessageTS)
		cols.subject = append(cols.subject, v.Subject)
		cols.helpful = append(cols.helpful, v.Helpful)
		cols.at = append(cols.at, v.At)
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO votes (user_id, channel_id, message_ts, subject, helpful, at)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::boolean[], $6::timestamptz[])
		ON CONFLICT (user_id, channel_id, message_ts) DO UPDATE
		SET subject = excluded.subject, helpful = excluded.helpful, at = excluded.at
		WHERE excluded.at >= votes.at`,
		cols.user, cols.channel, cols.ts, cols.subject, cols.helpful, cols.at)
	return s.wrap(err)
}

func (s *pgStore) RecordAssessments(ctx context.Context, as []Assessment) error {
	as, err := checkAll(as, checkAssessment)
	if err != nil || len(as) == 0 {
		return err
	}
	_, err = s.pool.CopyFrom(ctx, pgx.Identifier{"assessments"},
		[]string{"at", "user_id", "goal", "infrastructure", "ai_ambition", "engineering_team", "ai_governance",
			"budget", "months", "recommendation", "confidence"},
		pgx.CopyFromSlice(len(as), func(i int) ([]any, error) {
			a := as[i]
			return []any{a.At, a.UserID, a.Goal, a.Infrastructure, a.AIAmbition, a.EngineeringTeam, a.AIGovernance,
				a.Budget, a.Months, a.Recommendation, a.Confidence}, nil
		}))
	return s.wrap(err)
}

// ClaimEvent is one upsert. Of two concurrent inserts of one id, Postgres
// makes the second wait for the first and then see its row, whose fresh
// claim fails the WHERE: exactly one reports a row.
func (s *pgStore) ClaimEvent(ctx context.Context, id string, now time.Time) (bool, error) {
	if err := checkID("event id", id); err != nil {
		return false, err
	}
	tag, err := s.pool.Exec(ctx, `INSERT INTO event_claims (id, claimed_at) VALUES ($1, $2)
		ON CONFLICT (id) DO UPDATE SET claimed_at = excluded.claimed_at
		WHERE NOT event_claims.completed AND event_claims.claimed_at < $3`,
		id, now, now.Add(-ClaimTimeout))
	if err != nil {
		return false, s.wrap(err)
	}
	return tag.RowsAffected() == 1, nil
}

func (s *pgStore) CompleteEvents(ctx context.Context, ids ...string) error {
	_, err := s.pool.Exec(ctx, `UPDATE event_claims SET completed = true WHERE id = ANY($1)`, ids)
	return s.wrap(err)
}

func (s *pgStore) ReleaseEvent(ctx context.Context, id string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM event_claims WHERE id = $1 AND NOT completed`, id)
	return s.wrap(err)
}

// Insights sends its queries in one round trip, in one read-only snapshot
// so the figures agree with each other. Ties sort by byte order (COLLATE
// "C"), as in SQLite, whatever the database's collation.
func (s *pgStore) Insights(ctx context.Context, since time.Time) (Insights, error) {
	in := Insights{Since: since}
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue(bySurface, since).Query(func(rows pgx.Rows) error {
			return eachPgRow(rows, func() error {
				var c Count
				err := rows.Scan(&c.Key, &c.N)
				if c.N > 0 {
					in.BySurface = append(in.BySurface, c)
					in.Questions += c.N
				}
				return err
			})
		})
		b.Queue(`SELECT count(*) FROM questions WHERE entry_id = '' AND at >= $1`, since).QueryRow(func(row pgx.Row) error {
			return row.Scan(&in.Unanswered)
		})
		b.Queue(`SELECT max(text COLLATE "C"), count(*) FROM questions
			WHERE entry_id = '' AND at >= $1 GROUP BY text_key
			ORDER BY count(*) DESC, text_key COLLATE "C" LIMIT $2`, since, TopUnanswered).Query(func(rows pgx.Rows) error {
			return eachPgRow(rows, func() error {
				var c Count
				err := rows.Scan(&c.Key, &c.N)
				in.TopUnanswered = append(in.TopUnanswered, c)
				return err
			})
		})
		b.Queue(`SELECT subject, count(*) FILTER (WHERE helpful), count(*) FILTER (WHERE NOT helpful) FROM votes
			WHERE at >= $1 GROUP BY subject`, since).Query(func(rows pgx.Rows) error {
			return eachPgRow(rows, func() error {
				var v SubjectVotes
				err := rows.Scan(&v.Subject, &v.Helpful, &v.NotHelpful)
				in.Votes = append(in.Votes, v)
				return err
			})
		})
		b.Queue(`SELECT recommendation, count(*) FROM assessments
			WHERE at >= $1 GROUP BY recommendation`, since).Query(func(rows pgx.Rows) error {
			return eachPgRow(rows, func() error {
				var c Count
				err := rows.Scan(&c.Key, &c.N)
				in.Recommendations = append(in.Recommendations, c)
				return err
			})
		})
		b.Queue(`SELECT count(*) FROM handoffs WHERE status = 'open'`).QueryRow(func(row pgx.Row) error {
			return row.Scan(&in.OpenHandoffs)
		})
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return Insights{Since: since}, s.wrap(err)
	}
	sortCounts(in.BySurface)
	sortCounts(in.Recommendations)
	sortVotes(in.Votes)
	return in, nil
}

func eachPgRow(rows pgx.Rows, f func() error) error {
	defer rows.Close()
	for rows.Next() {
		if err := f(); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (s *pgStore) RecentAssessments(ctx context.Context, userID string, n int) ([]Assessment, error) {
	if err := checkID("user", userID); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT at, user_id, goal, infrastructure, ai_ambition, engineering_team,
		ai_governance, budget, months, recommendation, confidence
		FROM assessments WHERE user_id = $1 ORDER BY at DESC, id DESC LIMIT $2`, userID, max(n, 0))
	if err != nil {
		return nil, s.wrap(err)
	}
	var as []Assessment
	err = eachPgRow(rows, func() error {
		var a Assessment
		err := rows.Scan(&a.At, &a.UserID, &a.Goal, &a.Infrastructure, &a.AIAmbition, &a.EngineeringTeam,
			&a.AIGovernance, &a.Budget, &a.Months, &a.Recommendation, &a.Confidence)
		a.At = a.At.UTC()
		as = append(as, a)
		return err
	})
	return as, s.wrap(err)
}

// Purge deletes in chunks (see purgeChunk), so no delete holds locks or
// bloats one transaction for long.
func (s *pgStore) Purge(ctx context.Context, now time.Time, retention time.Duration) (int64, error) {
	if retention <= 0 {
		return 0, invalid("purge", "retention not positive")
	}
	cutoff := now.Add(-retention)
	deletes := []struct {
		table, key, where string
		before            time.Time
	}{
		{"questions", "id", "at < $1", cutoff},
		{"votes", "ctid", "at < $1", cutoff},
		{"assessments", "id", "at < $1", cutoff},
		{"handoffs", "id", "status <> 'open' AND closed_at < $1", cutoff},
		{"event_claims", "id", "claimed_at < $1", now.Add(-EventClaimKeep)},
	}
	var total int64
	for _, d := range deletes {
		query := fmt.Sprintf(`DELETE FROM %s WHERE %s = ANY (ARRAY(SELECT %[2]s FROM %[1]s WHERE %[3]s LIMIT %[4]d))`,
			d.table, d.key, d.where, purgeChunk)
		for {
			tag, err := s.pool.Exec(ctx, query, d.before)
			if err != nil {
				return total, s.wrap(err)
			}
			total += tag.RowsAffected()
			if tag.RowsAffected() < purgeChunk {
				break
			}
		}
	}
	return total, nil
}

func (s *pgStore) ForgetUser(ctx context.Context, userID string) (int64, error) {
	if err := checkID("user", userID); err != nil {
		return 0, err
	}
	var total int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for _, table := range userTables() {
			tag, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE user_id = $1`, userID)
			if err != nil {
				return err
			}
			total += tag.RowsAffected()
		}
		return s.forgetActor(ctx, tx, userID)
	})
	if err != nil {
		return 0, s.wrap(err)
	}
	return total, nil
}
