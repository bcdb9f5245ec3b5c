package harness

import (
	"bytes"
	"sync"
)

// In-process calls: the same decoding, dispatch and encoding as Serve, one request line at a
// time, for a harness linked into another program (parity's deep fuzz mode builds it as a C
// archive; see the capi package, which exposes Call and Handshake through a C ABI).

var inprocMu sync.Mutex

// Call answers one request line (docs/protocol.md; a trailing newline is optional) with its reply
// line, newline included, exactly as Serve would write it. Register the functions before the first
// call (from init, since a C archive never runs main). Calls are serialized; the returned slice is
// the caller's.
func Call(line []byte) []byte {
	inprocMu.Lock()
	defer inprocMu.Unlock()
	line = bytes.TrimSuffix(line, []byte{'\n'})
	return defaultRegistry.handle(nil, line)
}

// Handshake returns the handshake line Serve writes first, newline included: the registered
// functions with their signatures, and the registrations that failed.
func Handshake() []byte {
	inprocMu.Lock()
	defer inprocMu.Unlock()
	return appendHandshake(nil, defaultRegistry.handshake())
}
