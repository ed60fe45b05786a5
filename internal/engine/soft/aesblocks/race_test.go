//go:build race

package aesblocks

// raceEnabled: the race detector makes sync.Pool drop items at random, so
// allocation counts of the generic path are not meaningful.
const raceEnabled = true
