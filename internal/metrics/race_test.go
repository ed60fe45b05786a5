//go:build race

package metrics

// raceEnabled: allocation counts are meaningless under -race.
const raceEnabled = true
