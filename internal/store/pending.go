package store

// TEMPORARY: replaced by the implementations of Loop (issue 13).

import (
	"context"
	"errors"
	"time"
)

var errPending = errors.New("store: not implemented yet")

func (s *sqliteStore) Watch(context.Context, Watch) error                          { return errPending }
func (s *sqliteStore) Unwatch(context.Context, string) (bool, error)               { return false, errPending }
func (s *sqliteStore) Watches(context.Context) ([]Watch, error)                    { return nil, errPending }
func (s *sqliteStore) OpenHandoff(context.Context, Handoff) error                  { return errPending }
func (s *sqliteStore) HandoffPosted(context.Context, string, string, string) error { return errPending }
func (s *sqliteStore) Handoff(context.Context, string) (Handoff, error)            { return Handoff{}, errPending }
func (s *sqliteStore) CloseHandoff(context.Context, string, Closure) (Handoff, bool, error) {
	return Handoff{}, false, errPending
}
func (s *sqliteStore) TakeUnposted(context.Context, time.Time, time.Time, int) ([]Handoff, error) {
	return nil, errPending
}
func (s *sqliteStore) Learn(context.Context, Learned) (Learned, error)   { return Learned{}, errPending }
func (s *sqliteStore) Retract(context.Context, string) (bool, error)     { return false, errPending }
func (s *sqliteStore) LearnedAnswers(context.Context) ([]Learned, error) { return nil, errPending }
func (s *sqliteStore) Version(context.Context) (int64, error)            { return 0, errPending }
func (s *sqliteStore) QuestionByRef(context.Context, string) (Question, error) {
	return Question{}, errPending
}
func (s *sqliteStore) DeleteQuestions(context.Context, []MessageRef) (int64, error) {
	return 0, errPending
}

func (s *pgStore) Watch(context.Context, Watch) error                          { return errPending }
func (s *pgStore) Unwatch(context.Context, string) (bool, error)               { return false, errPending }
func (s *pgStore) Watches(context.Context) ([]Watch, error)                    { return nil, errPending }
func (s *pgStore) OpenHandoff(context.Context, Handoff) error                  { return errPending }
func (s *pgStore) HandoffPosted(context.Context, string, string, string) error { return errPending }
func (s *pgStore) Handoff(context.Context, string) (Handoff, error)            { return Handoff{}, errPending }
func (s *pgStore) CloseHandoff(context.Context, string, Closure) (Handoff, bool, error) {
	return Handoff{}, false, errPending
}
func (s *pgStore) TakeUnposted(context.Context, time.Time, time.Time, int) ([]Handoff, error) {
	return nil, errPending
}
func (s *pgStore) Learn(context.Context, Learned) (Learned, error)   { return Learned{}, errPending }
func (s *pgStore) Retract(context.Context, string) (bool, error)     { return false, errPending }
func (s *pgStore) LearnedAnswers(context.Context) ([]Learned, error) { return nil, errPending }
func (s *pgStore) Version(context.Context) (int64, error)            { return 0, errPending }
func (s *pgStore) QuestionByRef(context.Context, string) (Question, error) {
	return Question{}, errPending
}
func (s *pgStore) DeleteQuestions(context.Context, []MessageRef) (int64, error) {
	return 0, errPending
}

func (r *Recorder) DeleteQuestion(channelID, ts string) error { return errPending }
