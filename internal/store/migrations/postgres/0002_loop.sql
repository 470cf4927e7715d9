-- The loop that closes unanswered questions (loop.go): watched channels,
-- hand-offs to experts, learned answers.

-- Where the answer went, and the reference its buttons carry, so that a
-- thumbs-down finds the question again; '' for none.
ALTER TABLE questions
	ADD COLUMN thread_ts text NOT NULL DEFAULT '',
	ADD COLUMN ref       text NOT NULL DEFAULT '';
-- QuestionByRef: the latest question with a reference. Most have none.
CREATE INDEX questions_ref ON questions (ref, at) WHERE ref <> '';
-- DeleteQuestions: the questions of a message deleted in Slack.
CREATE INDEX questions_message ON questions (channel_id, message_ts);

-- What a hand-off needs: who asked where, the question, the bot's
-- guesses (entry ids, space-separated, best first), the experts'
-- message once posted and when its post was last tried, and the closure.
ALTER TABLE handoffs
	ADD COLUMN surface        text NOT NULL DEFAULT '',
	ADD COLUMN channel_id     text NOT NULL DEFAULT '',
	ADD COLUMN thread_ts      text NOT NULL DEFAULT '',
	ADD COLUMN question       text NOT NULL DEFAULT '',
	ADD COLUMN guesses        text NOT NULL DEFAULT '',
	ADD COLUMN expert_channel text NOT NULL DEFAULT '',
	ADD COLUMN expert_ts      text NOT NULL DEFAULT '',
	ADD COLUMN post_tried_at  timestamptz,
	ADD COLUMN closed_by      text NOT NULL DEFAULT '', -- '' once forgotten
	ADD COLUMN answer         text NOT NULL DEFAULT '',
	ADD COLUMN learned_id     text NOT NULL DEFAULT '';
-- A hand-off opened before this counts as tried when opened, as
-- OpenHandoff does now.
UPDATE handoffs SET post_tried_at = opened_at;
ALTER TABLE handoffs ALTER COLUMN post_tried_at SET NOT NULL;
-- TakeUnposted: the open hand-offs whose post is missing, oldest first.
CREATE INDEX handoffs_unposted ON handoffs (opened_at) WHERE status = 'open' AND expert_ts = '';

-- Watched channels, kept until unwatched (never purged). user_id is who
-- turned it on; '' once they asked to be forgotten, the watch stays.
CREATE TABLE watches (
	channel_id text PRIMARY KEY,
	user_id    text NOT NULL,
	at         timestamptz NOT NULL
);

-- Answers experts taught the bot, kept until retracted (deleted then;
-- never purged). id is 'learned-' || n; n comes from loop_counters and is
-- never reused. author_id is '' once the author asked to be forgotten.
CREATE TABLE learned (
	id         text PRIMARY KEY,
	n          bigint NOT NULL UNIQUE,
	question   text NOT NULL,
	answer     text NOT NULL,
	author_id  text NOT NULL,
	at         timestamptz NOT NULL,
	handoff_id text NOT NULL
);

-- One row: version changes with every change of watches or learned
-- answers, so replicas reload them when, and only when, they changed;
-- learned_n is the last learned number given. Its row lock orders the
-- writes of watches and learned answers.
CREATE TABLE loop_counters (
	one       integer PRIMARY KEY CHECK (one = 1),
	version   bigint NOT NULL,
	learned_n bigint NOT NULL
);
INSERT INTO loop_counters (one, version, learned_n) VALUES (1, 0, 0);
