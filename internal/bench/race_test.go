//go:build race

package bench

// raceEnabled: the race detector makes sync.Pool drop items at random, so
// pooled objects (in the engine and the standard library) are allocated
// again; allocation counts are not checked under it.
const raceEnabled = true
