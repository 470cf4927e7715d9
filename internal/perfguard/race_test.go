//go:build race

package perfguard

// The race detector slows code by different factors: timings mean nothing.
const raceEnabled = true
