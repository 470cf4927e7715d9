//go:build !race

package perfguard

const raceEnabled = false
