-- Times are Unix milliseconds (UTC). entry_id '' means no answer.

CREATE TABLE questions (
	id         INTEGER PRIMARY KEY,
	at         INTEGER NOT NULL,
	surface    TEXT NOT NULL,
	user_id    TEXT NOT NULL,
	channel_id TEXT NOT NULL,
	message_ts TEXT NOT NULL,
	text       TEXT NOT NULL,
	text_key   TEXT NOT NULL, -- text folded for grouping: case, spaces, final punctuation
	entry_id   TEXT NOT NULL,
	score      REAL NOT NULL
);
-- Purge deletes by time.
CREATE INDEX questions_at ON questions (at);
-- Insights count a window's questions one surface at a time, each a range
-- of this index: no sort (see sqliteStore.Insights).
CREATE INDEX questions_surface ON questions (surface, at);
-- The unanswered share and the top unanswered questions read only this,
-- which holds the unanswered rows alone.
CREATE INDEX questions_unanswered ON questions (at, text_key, text) WHERE entry_id = '';
CREATE INDEX questions_user ON questions (user_id);

-- One vote per user per answered message; the latest click wins.
CREATE TABLE votes (
	user_id    TEXT NOT NULL,
	channel_id TEXT NOT NULL,
	message_ts TEXT NOT NULL,
	subject    TEXT NOT NULL,
	helpful    INTEGER NOT NULL CHECK (helpful IN (0, 1)),
	at         INTEGER NOT NULL,
	PRIMARY KEY (user_id, channel_id, message_ts)
);
CREATE INDEX votes_at ON votes (at, subject, helpful);

CREATE TABLE assessments (
	id               INTEGER PRIMARY KEY,
	at               INTEGER NOT NULL,
	user_id          TEXT NOT NULL,
	goal             TEXT NOT NULL,
	infrastructure   TEXT NOT NULL,
	ai_ambition      TEXT NOT NULL,
	engineering_team TEXT NOT NULL,
	ai_governance    TEXT NOT NULL,
	budget           TEXT NOT NULL,
	months           INTEGER NOT NULL,
	recommendation   TEXT NOT NULL,
	confidence       REAL NOT NULL
);
CREATE INDEX assessments_user ON assessments (user_id, at);
CREATE INDEX assessments_at ON assessments (at, recommendation);

-- Hand-offs to experts: insights count the open ones. The change that
-- sends questions to experts adds what it needs to this table.
CREATE TABLE handoffs (
	id         TEXT PRIMARY KEY,
	user_id    TEXT NOT NULL,
	status     TEXT NOT NULL CHECK (status IN ('open', 'answered', 'resolved')),
	opened_at  INTEGER NOT NULL,
	closed_at  INTEGER -- NULL while open
);
CREATE INDEX handoffs_open ON handoffs (status) WHERE status = 'open';
CREATE INDEX handoffs_closed ON handoffs (closed_at) WHERE status <> 'open';
CREATE INDEX handoffs_user ON handoffs (user_id);

-- Event ids claimed for answering, kept a day.
CREATE TABLE event_claims (
	id         TEXT PRIMARY KEY,
	claimed_at INTEGER NOT NULL,
	completed  INTEGER NOT NULL DEFAULT 0 CHECK (completed IN (0, 1))
) WITHOUT ROWID;
CREATE INDEX event_claims_at ON event_claims (claimed_at);
