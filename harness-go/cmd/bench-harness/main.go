// Command bench-harness serves the two functions parity's throughput benchmark measures
// (benches/throughput.rs, specs/bench.toml).
package main

import (
	harness "github.com/parity-dev/parity/harness-go"
)

// Add is the trivial function: the benchmark measures parity's overhead, not the code under test.
func Add(a, b int64) int64 { return a + b }

// Greet is the short-string function: one string in, one string out.
func Greet(name string) string { return "hello, " + name }

func main() {
	harness.Register("Add", Add)
	harness.Register("Greet", Greet)
	harness.Serve()
}
