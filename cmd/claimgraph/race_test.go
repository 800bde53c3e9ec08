//go:build race

package main

// raceEnabled tells tests they run under the race detector, which makes
// large imports several times slower.
const raceEnabled = true
