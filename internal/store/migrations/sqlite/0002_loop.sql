-- The loop that closes unanswered questions (loop.go): watched channels,
-- hand-offs to experts, learned answers. Times are Unix milliseconds (UTC).

-- Where the answer went, and the reference its buttons carry, so that a
-- thumbs-down finds the question again; '' for none.
ALTER TABLE questions ADD COLUMN thread_ts TEXT NOT NULL DEFAULT '';
ALTER TABLE questions ADD COLUMN ref TEXT NOT NULL DEFAULT '';
-- QuestionByRef: the latest question with a reference. Most have none.
CREATE INDEX questions_ref ON questions (ref, at) WHERE ref <> '';
-- DeleteQuestions: the questions of a message deleted in Slack.
CREATE INDEX questions_message ON questions (channel_id, message_ts);

-- What a hand-off needs: who asked where, the question, the bot's
-- guesses (entry ids, space-separated, best first), the experts'
-- message once posted and when its post was last tried, and the closure.
ALTER TABLE handoffs ADD COLUMN surface TEXT NOT NULL DEFAULT '';
ALTER TABLE handoffs ADD COLUMN channel_id TEXT NOT NULL DEFAULT '';
ALTER TABLE handoffs ADD COLUMN thread_ts TEXT NOT NULL DEFAULT '';
ALTER TABLE handoffs ADD COLUMN question TEXT NOT NULL DEFAULT '';
ALTER TABLE handoffs ADD COLUMN guesses TEXT NOT NULL DEFAULT '';
ALTER TABLE handoffs ADD COLUMN expert_channel TEXT NOT NULL DEFAULT '';
ALTER TABLE handoffs ADD COLUMN expert_ts TEXT NOT NULL DEFAULT '';
ALTER TABLE handoffs ADD COLUMN post_tried_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE handoffs ADD COLUMN closed_by TEXT NOT NULL DEFAULT ''; -- '' once forgotten
ALTER TABLE handoffs ADD COLUMN answer TEXT NOT NULL DEFAULT '';
ALTER TABLE handoffs ADD COLUMN learned_id TEXT NOT NULL DEFAULT '';
-- A hand-off opened before this counts as tried when opened, as
-- OpenHandoff does now.
UPDATE handoffs SET post_tried_at = opened_at;
-- TakeUnposted: the open hand-offs whose post is missing, oldest first.
CREATE INDEX handoffs_unposted ON handoffs (opened_at) WHERE status = 'open' AND expert_ts = '';

-- Watched channels, kept until unwatched (never purged). user_id is who
-- turned it on; '' once they asked to be forgotten, the watch stays.
CREATE TABLE watches (
	channel_id TEXT PRIMARY KEY,
	user_id    TEXT NOT NULL,
	at         INTEGER NOT NULL
) WITHOUT ROWID;

-- Answers experts taught the bot, kept until retracted (deleted then;
-- never purged). id is 'learned-' || n; n comes from loop_counters and is
-- never reused. author_id is '' once the author asked to be forgotten.
CREATE TABLE learned (
	id         TEXT PRIMARY KEY,
	n          INTEGER NOT NULL UNIQUE,
	question   TEXT NOT NULL,
	answer     TEXT NOT NULL,
	author_id  TEXT NOT NULL,
	at         INTEGER NOT NULL,
	handoff_id TEXT NOT NULL
);

-- One row: version changes with every change of watches or learned
-- answers, so replicas reload them when, and only when, they changed;
-- learned_n is the last learned number given.
CREATE TABLE loop_counters (
	one       INTEGER PRIMARY KEY CHECK (one = 1),
	version   INTEGER NOT NULL,
	learned_n INTEGER NOT NULL
);
INSERT INTO loop_counters (one, version, learned_n) VALUES (1, 0, 0);
