//go:build unix && !linux

// Moving the protocol off descriptor 1 (Unix systems other than Linux).

package harness

import (
	"os"
	"syscall"
)

// protocolOutput returns a file on a fresh duplicate of descriptor 1 for the protocol, and points
// descriptor 1 and os.Stdout at standard error.
func protocolOutput() *os.File {
	syscall.ForkLock.RLock()
	fd, err := syscall.Dup(1)
	if err == nil {
		syscall.CloseOnExec(fd) // a child process of the code under test must not hold the protocol open
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		os.Stderr.WriteString("parity harness: cannot duplicate stdout, code that prints may corrupt the protocol: " + err.Error() + "\n")
		return os.Stdout
	}
	if err := syscall.Dup2(2, 1); err != nil {
		os.Stderr.WriteString("parity harness: cannot point stdout at stderr: " + err.Error() + "\n")
	}
	os.Stdout = os.Stderr
	return os.NewFile(uintptr(fd), "parity-protocol")
}
