// Package faq is the knowledge base: entries loaded from content files and a
// ranking that maps a free-text question to the best entry. It knows nothing
// of Slack or logging.
package faq

import "time"

// Entry is one question the knowledge base answers.
type Entry struct {
	ID       string `yaml:"id"`
	Question string `yaml:"question"`
	Answer   string `yaml:"answer"` // Slack mrkdwn
	// Phrasings are other ways people ask the same thing; they are indexed
	// with the question.
	Phrasings []string `yaml:"phrasings"`
	// Keywords are single words or short terms that point at this entry.
	Keywords []string `yaml:"keywords"`
	// Related lists ids of entries worth offering next.
	Related []string `yaml:"related"`
	// Learned entries (ids "learned-N") were taught by an expert: who
	// (a Slack user id, "" once forgotten) and when. Built-in entries
	// have neither.
	Author    string    `yaml:"-"`
	LearnedAt time.Time `yaml:"-"`
}

// Hit is one ranked entry.
type Hit struct {
	Entry *Entry
	Score float64 // 0..1, higher is better
}

// Result is the outcome of a search. Match is nil when no entry is a
// confident answer; Alternatives holds at most 3 other entries, best first.
type Result struct {
	Match        *Hit
	Alternatives []Hit
	// Uncovered, when there is no Match, is the topic the question is
	// about that the knowledge base knows it has no answer for.
	Uncovered *Topic
}

// TopicPrefix starts the id an uncovered topic has in a ranking
// (Explanation.Top): "uncovered:hours".
const TopicPrefix = "uncovered:"

// RequiredIDs are the entries every knowledge base must hold: the questions
// the product promises to answer (CONTRACT.md lists them).
func RequiredIDs() []string {
	return []string{
		"caio-vs-cto", "caio-role", "cto-role", "caio-deliverables", "cto-deliverables",
		"ai-strategy-vs-roadmap", "when-caio", "when-cto", "both-roles", "caio-without-infrastructure",
		"cost", "what-is-fractional", "security-governance", "team-leadership", "caio-vs-ai-consultant",
		"caio-engagement-duration", "caio-fundraising", "one-exec-both-roles",
	}
}
