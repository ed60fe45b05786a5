//go:build !race

package qemu

// raceEnabled: the test binary runs without the race detector.
const raceEnabled = false
