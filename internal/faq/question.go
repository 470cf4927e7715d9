package faq

import "strings"

// TEMPORARY: the question detector replaces this (issue 13).

// ReadsAsQuestion reports whether a channel message reads as a question.
func ReadsAsQuestion(text string) bool { return strings.Contains(text, "?") }
