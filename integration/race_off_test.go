//go:build !race

package integration_test

// raceEnabled reports a build with the race detector, which makes SQLite
// (pure Go) many times slower: heavy tests seed less.
const raceEnabled = false
