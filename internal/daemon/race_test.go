//go:build race

package daemon

// raceEnabled: allocation counts are meaningless under -race.
const raceEnabled = true
