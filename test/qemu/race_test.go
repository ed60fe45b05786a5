//go:build race

package qemu

// raceEnabled: the test binary runs under the race detector, so the daemon
// is built with -race as well.
const raceEnabled = true
