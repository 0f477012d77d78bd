//go:build !race

package main

// raceEnabled lets slow tests shrink under the race detector.
const raceEnabled = false
