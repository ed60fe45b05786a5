//go:build !race

package cryptodev

// raceEnabled: see race_test.go.
const raceEnabled = false
