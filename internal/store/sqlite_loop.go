package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// The Loop on SQLite. Every write is one transaction on the one writer
// connection, which holds SQLite's write lock from its start
// (_txlock=immediate): a read and the write it decides on cannot be split
// by another writer, so the first closure wins and each unposted hand-off
// is taken once without more locking.

func (s *sqliteStore) Watch(ctx context.Context, w Watch) error {
	w, err := checkWatch(w)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO watches (channel_id, user_id, at) VALUES (?, ?, ?)
			ON CONFLICT (channel_id) DO UPDATE SET user_id = excluded.user_id, at = excluded.at`,
			w.ChannelID, w.UserID, w.At.UnixMilli()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, bumpVersion)
		return err
	})
}

// Unwatch bumps the Version only when the channel was watched: nothing
// else changed.
func (s *sqliteStore) Unwatch(ctx context.Context, channelID string) (bool, error) {
	if err := checkID("channel", channelID); err != nil {
		return false, err
	}
	var was bool
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		was, err = deleteAndBump(ctx, tx, `DELETE FROM watches WHERE channel_id = ?`, channelID)
		return err
	})
	return was, err
}

// deleteAndBump runs a delete of at most one row and bumps the Version if
// it deleted one.
func deleteAndBump(ctx context.Context, tx *sql.Tx, query string, args ...any) (bool, error) {
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	if err != nil || n == 0 {
		return false, err
	}
	_, err = tx.ExecContext(ctx, bumpVersion)
	return err == nil, err
}

func (s *sqliteStore) Watches(ctx context.Context) ([]Watch, error) {
	var ws []Watch
	err := eachRow(ctx, s.r, `SELECT channel_id, user_id, at FROM watches ORDER BY at, channel_id`, nil,
		func(rows *sql.Rows) error {
			var w Watch
			var at int64
			err := rows.Scan(&w.ChannelID, &w.UserID, &at)
			w.At = time.UnixMilli(at).UTC()
			ws = append(ws, w)
			return err
		})
	if err != nil {
		return nil, s.wrap(err)
	}
	return ws, nil
}

// OpenHandoff refuses an id already used (ErrExists): the bot names a
// hand-off after who asked what, so a second click finds the first.
func (s *sqliteStore) OpenHandoff(ctx context.Context, h Handoff) error {
	h, err := checkHandoff(h)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO handoffs (`+handoffColumns+`, post_tried_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, '', '', '', ?)
			ON CONFLICT (id) DO NOTHING`,
			h.ID, h.OpenedAt.UnixMilli(), h.UserID, h.Surface, h.ChannelID, h.ThreadTS, h.Question, joinGuesses(h.Guesses),
			h.ExpertChannel, h.ExpertTS, h.Status, h.OpenedAt.UnixMilli())
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err == nil && n == 0 {
			err = fmt.Errorf("store: hand-off %s: %w", h.ID, ErrExists)
		}
		return err
	})
}

// HandoffPosted records the post whatever the hand-off's status: the
// message is in the experts' channel either way.
func (s *sqliteStore) HandoffPosted(ctx context.Context, id, channelID, ts string) error {
	if err := checkPosted(id, channelID, ts); err != nil {
		return err
	}
	res, err := s.w.ExecContext(ctx, `UPDATE handoffs SET expert_channel = ?, expert_ts = ? WHERE id = ?`, channelID, ts, id)
	if err != nil {
		return s.wrap(err)
	}
	n, err := res.RowsAffected()
	if err == nil && n == 0 {
		err = handoffNotFound(id)
	}
	return s.wrap(err)
}

func (s *sqliteStore) Handoff(ctx context.Context, id string) (Handoff, error) {
	if err := checkHandoffID(id); err != nil {
		return Handoff{}, err
	}
	h, err := scanSQLiteHandoff(s.r.QueryRowContext(ctx, `SELECT `+handoffColumns+` FROM handoffs WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Handoff{}, handoffNotFound(id)
	}
	if err != nil {
		return Handoff{}, s.wrap(err)
	}
	return h, nil
}

// CloseHandoff updates only an open hand-off; when none is updated it
// reads the hand-off as it is, in the same transaction, so as the closure
// that won left it.
func (s *sqliteStore) CloseHandoff(ctx context.Context, id string, c Closure) (Handoff, bool, error) {
	if err := checkHandoffID(id); err != nil {
		return Handoff{}, false, err
	}
	c, err := checkClosure(c)
	if err != nil {
		return Handoff{}, false, err
	}
	var h Handoff
	var closed bool
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		h, err = scanSQLiteHandoff(tx.QueryRowContext(ctx, `UPDATE handoffs
			SET status = ?, closed_at = ?, closed_by = ?, answer = ?, learned_id = ?
			WHERE id = ? AND status = 'open' RETURNING `+handoffColumns,
			c.Status, c.At.UnixMilli(), c.By, c.Answer, c.LearnedID, id))
		if !errors.Is(err, sql.ErrNoRows) {
			closed = err == nil
			return err
		}
		h, err = scanSQLiteHandoff(tx.QueryRowContext(ctx, `SELECT `+handoffColumns+` FROM handoffs WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return handoffNotFound(id)
		}
		return err
	})
	if err != nil {
		return Handoff{}, false, err
	}
	return h, closed, nil
}

func (s *sqliteStore) TakeUnposted(ctx context.Context, before, now time.Time, limit int) ([]Handoff, error) {
	if limit <= 0 {
		return nil, nil
	}
	var hs []Handoff
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		return eachRow(ctx, tx, `UPDATE handoffs SET post_tried_at = $3 WHERE id IN (`+takeUnposted+`)
			RETURNING `+handoffColumns, []any{before.UnixMilli(), limit, now.UnixMilli()}, func(rows *sql.Rows) error {
			h, err := scanSQLiteHandoff(rows)
			hs = append(hs, h)
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	sortHandoffs(hs)
	return hs, nil
}

// rowScanner is a row of database/sql or pgx.
type rowScanner interface{ Scan(dest ...any) error }

func scanSQLiteHandoff(row rowScanner) (Handoff, error) {
	var h Handoff
	var opened int64
	var closed sql.NullInt64
	var guesses string
	if err := row.Scan(&h.ID, &opened, &h.UserID, &h.Surface, &h.ChannelID, &h.ThreadTS, &h.Question, &guesses,
		&h.ExpertChannel, &h.ExpertTS, &h.Status, &closed, &h.ClosedBy, &h.Answer, &h.LearnedID); err != nil {
		return Handoff{}, err
	}
	h.OpenedAt = time.UnixMilli(opened).UTC()
	if closed.Valid {
		h.ClosedAt = time.UnixMilli(closed.Int64).UTC()
	}
	h.Guesses = splitGuesses(guesses)
	return h, nil
}

func (s *sqliteStore) Learn(ctx context.Context, l Learned) (Learned, error) {
	l, err := checkLearned(l)
	if err != nil {
		return Learned{}, err
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var n int64
		if err := tx.QueryRowContext(ctx, nextLearned).Scan(&n); err != nil {
			return err
		}
		l.ID = learnedID(n)
		_, err := tx.ExecContext(ctx, `INSERT INTO learned (id, n, question, answer, author_id, at, handoff_id)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, l.ID, n, l.Question, l.Answer, l.AuthorID, l.At.UnixMilli(), l.HandoffID)
		return err
	})
	if err != nil {
		return Learned{}, err
	}
	return l, nil
}

// Retract deletes the row: nothing reads a retracted answer, and its
// number stays taken in loop_counters. It bumps the Version only when
// there was one.
func (s *sqliteStore) Retract(ctx context.Context, id string) (bool, error) {
	if err := checkID("learned id", id); err != nil {
		return false, err
	}
	var was bool
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		was, err = deleteAndBump(ctx, tx, `DELETE FROM learned WHERE id = ?`, id)
		return err
	})
	return was, err
}

func (s *sqliteStore) LearnedAnswers(ctx context.Context) ([]Learned, error) {
	var ls []Learned
	err := eachRow(ctx, s.r, `SELECT id, question, answer, author_id, at, handoff_id FROM learned ORDER BY at, n`, nil,
		func(rows *sql.Rows) error {
			var l Learned
			var at int64
			err := rows.Scan(&l.ID, &l.Question, &l.Answer, &l.AuthorID, &at, &l.HandoffID)
			l.At = time.UnixMilli(at).UTC()
			ls = append(ls, l)
			return err
		})
	if err != nil {
		return nil, s.wrap(err)
	}
	return ls, nil
}

func (s *sqliteStore) Version(ctx context.Context) (int64, error) {
	var v int64
	err := s.r.QueryRowContext(ctx, `SELECT version FROM loop_counters`).Scan(&v)
	return v, s.wrap(err)
}

func (s *sqliteStore) QuestionByRef(ctx context.Context, ref string) (Question, error) {
	if err := checkRef(ref); err != nil {
		return Question{}, err
	}
	var q Question
	var at int64
	// ref <> '' lets SQLite use the partial index questions_ref.
	err := s.r.QueryRowContext(ctx, `SELECT at, surface, user_id, channel_id, message_ts, text, entry_id, score, thread_ts, ref
		FROM questions WHERE ref = ? AND ref <> '' ORDER BY at DESC, id DESC LIMIT 1`, ref).Scan(
		&at, &q.Surface, &q.UserID, &q.ChannelID, &q.MessageTS, &q.Text, &q.EntryID, &q.Score, &q.ThreadTS, &q.Ref)
	if errors.Is(err, sql.ErrNoRows) {
		return Question{}, questionNotFound(ref)
	}
	if err != nil {
		return Question{}, s.wrap(err)
	}
	q.At = time.UnixMilli(at).UTC()
	return q, nil
}

func (s *sqliteStore) DeleteQuestions(ctx context.Context, msgs []MessageRef) (int64, error) {
	msgs, err := checkAll(msgs, checkMessageRef)
	if err != nil || len(msgs) == 0 {
		return 0, err
	}
	var total int64
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `DELETE FROM questions WHERE channel_id = ? AND message_ts = ?`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, m := range msgs {
			res, err := stmt.ExecContext(ctx, m.ChannelID, m.TS)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			total += n
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return total, nil
}

// forgetActor blanks the user where they only acted on a row the team
// keeps (actorColumns), in ForgetUser's transaction, and bumps the
// Version when a watch or learned answer changed, so every replica drops
// the id it holds.
func (s *sqliteStore) forgetActor(ctx context.Context, tx *sql.Tx, userID string) error {
	bump := false
	for _, c := range actorColumns() {
		res, err := tx.ExecContext(ctx, fmt.Sprintf(`UPDATE %s SET %s = '' WHERE %[2]s = ?`, c.table, c.column), userID)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		bump = bump || (n > 0 && c.versioned)
	}
	if bump {
		_, err := tx.ExecContext(ctx, bumpVersion)
		return err
	}
	return nil
}
