// Package perfguard holds the performance regression guard: a short test
// that times the hot paths (FAQ search, a recommendation, rendering one to
// Block Kit JSON) against a fixed baseline workload timed in the same
// process, and fails only on a gross regression. See guard_test.go.
package perfguard
