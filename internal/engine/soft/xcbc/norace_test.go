//go:build !race

package xcbc

const raceEnabled = false
