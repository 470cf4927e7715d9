-- entry_id '' means no answer.

CREATE TABLE questions (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at         timestamptz NOT NULL,
	surface    text NOT NULL,
	user_id    text NOT NULL,
	channel_id text NOT NULL,
	message_ts text NOT NULL,
	text       text NOT NULL,
	text_key   text NOT NULL, -- text folded for grouping: case, spaces, final punctuation
	entry_id   text NOT NULL,
	score      double precision NOT NULL
);
-- Purge deletes by time.
CREATE INDEX questions_at ON questions (at);
-- Insights count a window's questions one surface at a time, each an
-- index-only range scan of this (see pgStore.Insights).
CREATE INDEX questions_surface ON questions (surface, at);
-- The unanswered share and the top unanswered questions read only this,
-- which holds the unanswered rows alone.
CREATE INDEX questions_unanswered ON questions (at) INCLUDE (text_key, text) WHERE entry_id = '';
CREATE INDEX questions_user ON questions (user_id);

-- One vote per user per answered message; the latest click wins.
CREATE TABLE votes (
	user_id    text NOT NULL,
	channel_id text NOT NULL,
	message_ts text NOT NULL,
	subject    text NOT NULL,
	helpful    boolean NOT NULL,
	at         timestamptz NOT NULL,
	PRIMARY KEY (user_id, channel_id, message_ts)
);
CREATE INDEX votes_at ON votes (at) INCLUDE (subject, helpful);

CREATE TABLE assessments (
	id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at               timestamptz NOT NULL,
	user_id          text NOT NULL,
	goal             text NOT NULL,
	infrastructure   text NOT NULL,
	ai_ambition      text NOT NULL,
	engineering_team text NOT NULL,
	ai_governance    text NOT NULL,
	budget           text NOT NULL,
	months           integer NOT NULL,
	recommendation   text NOT NULL,
	confidence       double precision NOT NULL
);
CREATE INDEX assessments_user ON assessments (user_id, at);
CREATE INDEX assessments_at ON assessments (at) INCLUDE (recommendation);

-- Hand-offs to experts: insights count the open ones. The change that
-- sends questions to experts adds what it needs to this table.
CREATE TABLE handoffs (
	id        text PRIMARY KEY,
	user_id   text NOT NULL,
	status    text NOT NULL CHECK (status IN ('open', 'answered', 'resolved')),
	opened_at timestamptz NOT NULL,
	closed_at timestamptz -- NULL while open
);
CREATE INDEX handoffs_open ON handoffs (status) WHERE status = 'open';
CREATE INDEX handoffs_closed ON handoffs (closed_at) WHERE status <> 'open';
CREATE INDEX handoffs_user ON handoffs (user_id);

-- Event ids claimed for answering, kept a day. Shared by every replica.
CREATE TABLE event_claims (
	id         text PRIMARY KEY,
	claimed_at timestamptz NOT NULL,
	completed  boolean NOT NULL DEFAULT false
);
CREATE INDEX event_claims_at ON event_claims (claimed_at);
