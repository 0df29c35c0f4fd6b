//go:build race

package authmap_test

const raceEnabled = true
