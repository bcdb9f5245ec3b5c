// Package capi exposes the harness's in-process entry points (harness.Call, harness.Handshake)
// through a C ABI. Import it blank from a harness main package built with -buildmode=c-archive:
//
//	parity_go_call(req, len, &out_len) -> malloc'd reply line (free it with free)
//	parity_go_handshake(&out_len)      -> malloc'd handshake line (free it with free)
//
// A C archive never runs main, so such a harness registers its functions from init.
package capi

/*
#include <stdlib.h>
*/
import "C"

import (
	"unsafe"

	"github.com/parity-dev/parity/harness-go"
)

//export parity_go_call
func parity_go_call(req *C.char, n C.size_t, outLen *C.size_t) *C.char {
	reply := harness.Call(C.GoBytes(unsafe.Pointer(req), C.int(n)))
	*outLen = C.size_t(len(reply))
	return (*C.char)(C.CBytes(reply))
}

//export parity_go_handshake
func parity_go_handshake(outLen *C.size_t) *C.char {
	hs := harness.Handshake()
	*outLen = C.size_t(len(hs))
	return (*C.char)(C.CBytes(hs))
}
