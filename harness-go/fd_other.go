//go:build !unix

// Elsewhere (Windows) the protocol stays on standard output: code that prints corrupts it.

package harness

import "os"

// protocolOutput returns standard output: this platform has no descriptor juggling here.
func protocolOutput() *os.File {
	os.Stderr.WriteString("parity harness: on this platform code under test must not print to stdout\n")
	return os.Stdout
}
