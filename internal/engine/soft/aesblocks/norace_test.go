//go:build !race

package aesblocks

const raceEnabled = false
