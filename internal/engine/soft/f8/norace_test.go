//go:build !race

package f8

const raceEnabled = false
