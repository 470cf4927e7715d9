package ops

import "strings"

// Label values come from these fixed lists; anything else counts as
// "other". Several of them arrive from the wire (Slack's disconnect
// reasons and error codes), and a label value Prometheus has not seen is a
// new series, kept for the life of the process: a flood of made-up values
// would grow memory without bound.

const other = "other"

func allow(values ...string) map[string]bool {
	m := make(map[string]bool, len(values))
	for _, v := range values {
		m[v] = true
	}
	return m
}

// labels holds the allowlists. It is built once per Metrics, never
// changed, so it is safe to share between goroutines.
type labels struct {
	types, outcomes, reasons, methods, statuses, handoffs, refusals map[string]bool
}

func newLabels() labels {
	return labels{
		// The kinds of request: the part before ":" of the bot's kinds.
		types: allow("command", "event", "view_submission", "action", "unreadable", "shortcut", "message_shortcut"),
		// What handling a request came to, before any ":".
		outcomes: allow("faq", "help", "start prompt", "modal opened", "views.open failed", "recommendation",
			"recommend failed", "shared", "bad share value", "no response_url", "unknown topic", "helpful", "not helpful",
			"home published", "home not published", "busy", "duplicate", "ignored", "invalid", "invalid answers",
			"invalid state", "panic", "rate_limited", "unknown view", "error", "acked", "dropped",
			"forgotten", "forget failed", "watching", "unwatched", "not watching", "invite first", "watch failed",
			"not a question", "not watched", "unanswered", "deleted", "handoff sent", "handoff exists", "handoff failed",
			"expert modal opened", "already closed", "answered", "resolved", "close failed", "retracted", "forbidden", "not found",
			"refused", "question modal opened", "nothing to read", "cannot post there", "share failed", "prompts set",
			"prompts not set", "step completed", "step failed", "retract failed"),
		// Slack's documented disconnect reasons, and the adapter's own.
		reasons: allow("warning", "refresh_requested", "link_disabled", "socket_mode_disabled", "unknown",
			"ping_timeout", "connection_lost", "connect_error"),
		handoffs: allow("opened", "posted", "post_failed", "answered", "resolved"),
		refusals: allow("bad signature", "body too large", "unsupported content type", "unreadable body", "not json"),
		methods: allow("auth.test", "apps.connections.open", "chat.postMessage", "chat.postEphemeral", "chat.update",
			"chat.getPermalink", "conversations.open", "conversations.info", "views.open", "assistant.threads.setSuggestedPrompts",
			"assistant.threads.setStatus", "assistant.threads.setTitle", "functions.completeSuccess", "functions.completeError", "views.update", "views.publish", "response_url"),
		// Call results: ok, the adapter's classes, the HTTP statuses Slack
		// and proxies answer with, and Slack's error codes for these
		// methods.
		statuses: allow("ok", "rate_limited", "error",
			"http_400", "http_401", "http_403", "http_404", "http_408", "http_410", "http_413", "http_429",
			"http_500", "http_502", "http_503", "http_504",
			"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive", "missing_scope",
			"not_allowed_token_type", "invalid_arguments", "invalid_arg_name", "invalid_form_data", "invalid_json",
			"json_not_object", "invalid_blocks", "invalid_blocks_format", "invalid_attachments", "msg_too_long",
			"no_text", "too_many_attachments", "channel_not_found", "not_in_channel", "is_archived",
			"user_not_found", "user_not_visible", "cannot_dm_bot", "messages_tab_disabled", "restricted_action",
			"team_access_not_granted", "expired_trigger_id", "exchanged_trigger_id", "invalid_trigger_id",
			"view_too_large", "duplicate_external_id", "not_found", "hash_conflict", "message_not_found", "cant_update_message",
			"ratelimited", "request_timeout", "service_unavailable", "internal_error", "fatal_error", "unknown_error"),
	}
}

// pick returns v when the list allows it, else "other".
func pick(list map[string]bool, v string) string {
	if list[v] {
		return v
	}
	return other
}

// before returns the part of v before the first ":".
func before(v string) string {
	head, _, _ := strings.Cut(v, ":")
	return head
}
