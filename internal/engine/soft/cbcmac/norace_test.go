//go:build !race

package cbcmac

const raceEnabled = false
