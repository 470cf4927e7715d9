package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// The Loop on Postgres, at READ COMMITTED, shared by every replica. Every
// write of watches or learned answers updates the one row of
// loop_counters last (Learn first, and then only inserts), so they
// serialize on its lock without deadlocking.

func (s *pgStore) Watch(ctx context.Context, w Watch) error {
	w, err := checkWatch(w)
	if err != nil {
		return err
	}
	return s.wrap(pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO watches (channel_id, user_id, at) VALUES ($1, $2, $3)
			ON CONFLICT (channel_id) DO UPDATE SET user_id = excluded.user_id, at = excluded.at`,
			w.ChannelID, w.UserID, w.At); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, bumpVersion)
		return err
	}))
}

// Unwatch bumps the Version only when the channel was watched: nothing
// else changed.
func (s *pgStore) Unwatch(ctx context.Context, channelID string) (bool, error) {
	if err := checkID("channel", channelID); err != nil {
		return false, err
	}
	return s.deleteAndBump(ctx, `DELETE FROM watches WHERE channel_id = $1`, channelID)
}

// deleteAndBump runs a delete of at most one row and bumps the Version if
// it deleted one, in one transaction.
func (s *pgStore) deleteAndBump(ctx context.Context, query string, args ...any) (bool, error) {
	var was bool
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, query, args...)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		_, err = tx.Exec(ctx, bumpVersion)
		was = err == nil
		return err
	})
	if err != nil {
		return false, s.wrap(err)
	}
	return was, nil
}

// Watches breaks ties of time by byte order (COLLATE "C"), as SQLite does.
func (s *pgStore) Watches(ctx context.Context) ([]Watch, error) {
	rows, err := s.pool.Query(ctx, `SELECT channel_id, user_id, at FROM watches ORDER BY at, channel_id COLLATE "C"`)
	if err != nil {
		return nil, s.wrap(err)
	}
	var ws []Watch
	err = eachPgRow(rows, func() error {
		var w Watch
		err := rows.Scan(&w.ChannelID, &w.UserID, &w.At)
		w.At = w.At.UTC()
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
func (s *pgStore) OpenHandoff(ctx context.Context, h Handoff) error {
	h, err := checkHandoff(h)
	if err != nil {
		return err
	}
	tag, err := s.pool.Exec(ctx, `INSERT INTO handoffs (`+handoffColumns+`, post_tried_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL, '', '', '', $2)
		ON CONFLICT (id) DO NOTHING`,
		h.ID, h.OpenedAt, h.UserID, h.Surface, h.ChannelID, h.ThreadTS, h.Question, joinGuesses(h.Guesses),
		h.ExpertChannel, h.ExpertTS, h.Status)
	if err != nil {
		return s.wrap(err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("store: hand-off %s: %w", h.ID, ErrExists)
	}
	return nil
}

// HandoffPosted records the post whatever the hand-off's status: the
// message is in the experts' channel either way.
func (s *pgStore) HandoffPosted(ctx context.Context, id, channelID, ts string) error {
	if err := checkPosted(id, channelID, ts); err != nil {
		return err
	}
	tag, err := s.pool.Exec(ctx, `UPDATE handoffs SET expert_channel = $1, expert_ts = $2 WHERE id = $3`, channelID, ts, id)
	if err != nil {
		return s.wrap(err)
	}
	if tag.RowsAffected() == 0 {
		return handoffNotFound(id)
	}
	return nil
}

func (s *pgStore) Handoff(ctx context.Context, id string) (Handoff, error) {
	if err := checkHandoffID(id); err != nil {
		return Handoff{}, err
	}
	h, err := scanPgHandoff(s.pool.QueryRow(ctx, `SELECT `+handoffColumns+` FROM handoffs WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Handoff{}, handoffNotFound(id)
	}
	if err != nil {
		return Handoff{}, s.wrap(err)
	}
	return h, nil
}

// CloseHandoff updates only an open hand-off. Of concurrent closures, the
// later ones wait for the first's row lock, then find the row no longer
// open and update nothing; they then read the hand-off as the first left
// it (it is committed by then).
func (s *pgStore) CloseHandoff(ctx context.Context, id string, c Closure) (Handoff, bool, error) {
	if err := checkHandoffID(id); err != nil {
		return Handoff{}, false, err
	}
	c, err := checkClosure(c)
	if err != nil {
		return Handoff{}, false, err
	}
	h, err := scanPgHandoff(s.pool.QueryRow(ctx, `UPDATE handoffs
		SET status = $1, closed_at = $2, closed_by = $3, answer = $4, learned_id = $5
		WHERE id = $6 AND status = 'open' RETURNING `+handoffColumns,
		c.Status, c.At, c.By, c.Answer, c.LearnedID, id))
	if err == nil {
		return h, true, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return Handoff{}, false, s.wrap(err)
	}
	h, err = s.Handoff(ctx, id)
	return h, false, err
}

// TakeUnposted locks the hand-offs it takes, skipping those another
// replica's sweep holds, and stamps them in the same statement. A sweep
// that meets a row stamped since its snapshot re-reads it under the lock
// and finds it tried too recently.
func (s *pgStore) TakeUnposted(ctx context.Context, before, now time.Time, limit int) ([]Handoff, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, `WITH due AS (`+takeUnposted+` FOR UPDATE SKIP LOCKED)
		UPDATE handoffs SET post_tried_at = $3 WHERE id IN (SELECT id FROM due)
		RETURNING `+handoffColumns, before, limit, now.UTC().Truncate(time.Millisecond))
	if err != nil {
		return nil, s.wrap(err)
	}
	var hs []Handoff
	err = eachPgRow(rows, func() error {
		h, err := scanPgHandoff(rows)
		hs = append(hs, h)
		return err
	})
	if err != nil {
		return nil, s.wrap(err)
	}
	sortHandoffs(hs)
	return hs, nil
}

func scanPgHandoff(row rowScanner) (Handoff, error) {
	var h Handoff
	var closed *time.Time
	var guesses string
	if err := row.Scan(&h.ID, &h.OpenedAt, &h.UserID, &h.Surface, &h.ChannelID, &h.ThreadTS, &h.Question, &guesses,
		&h.ExpertChannel, &h.ExpertTS, &h.Status, &closed, &h.ClosedBy, &h.Answer, &h.LearnedID); err != nil {
		return Handoff{}, err
	}
	h.OpenedAt = h.OpenedAt.UTC()
	if closed != nil {
		h.ClosedAt = closed.UTC()
	}
	h.Guesses = splitGuesses(guesses)
	return h, nil
}

func (s *pgStore) Learn(ctx context.Context, l Learned) (Learned, error) {
	l, err := checkLearned(l)
	if err != nil {
		return Learned{}, err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var n int64
		if err := tx.QueryRow(ctx, nextLearned).Scan(&n); err != nil {
			return err
		}
		l.ID = learnedID(n)
		_, err := tx.Exec(ctx, `INSERT INTO learned (id, n, question, answer, author_id, at, handoff_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, l.ID, n, l.Question, l.Answer, l.AuthorID, l.At, l.HandoffID)
		return err
	})
	if err != nil {
		return Learned{}, s.wrap(err)
	}
	return l, nil
}

// Retract deletes the row: nothing reads a retracted answer, and its
// number stays taken in loop_counters. It bumps the Version only when
// there was one.
func (s *pgStore) Retract(ctx context.Context, id string) (bool, error) {
	if err := checkID("learned id", id); err != nil {
		return false, err
	}
	return s.deleteAndBump(ctx, `DELETE FROM learned WHERE id = $1`, id)
}

func (s *pgStore) LearnedAnswers(ctx context.Context) ([]Learned, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, question, answer, author_id, at, handoff_id FROM learned ORDER BY at, n`)
	if err != nil {
		return nil, s.wrap(err)
	}
	var ls []Learned
	err = eachPgRow(rows, func() error {
		var l Learned
		err := rows.Scan(&l.ID, &l.Question, &l.Answer, &l.AuthorID, &l.At, &l.HandoffID)
		l.At = l.At.UTC()
		ls = append(ls, l)
		return err
	})
	if err != nil {
		return nil, s.wrap(err)
	}
	return ls, nil
}

func (s *pgStore) Version(ctx context.Context) (int64, error) {
	var v int64
	err := s.pool.QueryRow(ctx, `SELECT version FROM loop_counters`).Scan(&v)
	return v, s.wrap(err)
}

func (s *pgStore) QuestionByRef(ctx context.Context, ref string) (Question, error) {
	if err := checkRef(ref); err != nil {
		return Question{}, err
	}
	var q Question
	// ref <> '' lets a generic plan use the partial index questions_ref.
	err := s.pool.QueryRow(ctx, `SELECT at, surface, user_id, channel_id, message_ts, text, entry_id, score, thread_ts, ref
		FROM questions WHERE ref = $1 AND ref <> '' ORDER BY at DESC, id DESC LIMIT 1`, ref).Scan(
		&q.At, &q.Surface, &q.UserID, &q.ChannelID, &q.MessageTS, &q.Text, &q.EntryID, &q.Score, &q.ThreadTS, &q.Ref)
	if errors.Is(err, pgx.ErrNoRows) {
		return Question{}, questionNotFound(ref)
	}
	if err != nil {
		return Question{}, s.wrap(err)
	}
	q.At = q.At.UTC()
	return q, nil
}

// DeleteQuestions deletes the batch in one statement from arrays.
func (s *pgStore) DeleteQuestions(ctx context.Context, msgs []MessageRef) (int64, error) {
	msgs, err := checkAll(msgs, checkMessageRef)
	if err != nil || len(msgs) == 0 {
		return 0, err
	}
	channels, tss := make([]string, len(msgs)), make([]string, len(msgs))
	for i, m := range msgs {
		channels[i], tss[i] = m.ChannelID, m.TS
	}
	tag, err := s.pool.Exec(ctx, `DELETE FROM questions q USING unnest($1::text[], $2::text[]) AS m(channel_id, message_ts)
		WHERE q.channel_id = m.channel_id AND q.message_ts = m.message_ts`, channels, tss)
	if err != nil {
		return 0, s.wrap(err)
	}
	return tag.RowsAffected(), nil
}

// forgetActor is sqliteStore.forgetActor's twin.
func (s *pgStore) forgetActor(ctx context.Context, tx pgx.Tx, userID string) error {
	bump := false
	for _, c := range actorColumns() {
		tag, err := tx.Exec(ctx, fmt.Sprintf(`UPDATE %s SET %s = '' WHERE %[2]s = $1`, c.table, c.column), userID)
		if err != nil {
			return err
		}
		bump = bump || (tag.RowsAffected() > 0 && c.versioned)
	}
	if bump {
		_, err := tx.Exec(ctx, bumpVersion)
		return err
	}
	return nil
}
