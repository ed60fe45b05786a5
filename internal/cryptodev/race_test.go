//go:build race

package cryptodev

// raceEnabled: the race detector slows everything down and makes sync.Pool
// drop objects at random, so long loops are shortened and allocation
// counts are not checked.
const raceEnabled = true
