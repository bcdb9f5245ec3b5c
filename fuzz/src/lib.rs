//! The Rust registry the fuzz targets call in-process: every port this repository fuzzes.
//!
//! For your own project, copy `fuzz/` and list your crate's registrations here, the same ones
//! your parity binary makes.

/// The example's ports (careful and naive, under `naive_` names) and the fuzz fixture's.
pub fn registry() -> parity::Registry {
    fuzz_fixture::register(billing_naive::register(billing::register(
        parity::Registry::new(),
    )))
}

/// Deep mode's C ABI to the Go harness linked in as a C archive (`harness-go/capi`).
#[cfg(feature = "deep")]
pub mod deep {
    use std::ffi::c_char;

    extern "C" {
        fn parity_go_call(req: *const c_char, len: usize, out_len: *mut usize) -> *mut c_char;
        fn parity_go_handshake(out_len: *mut usize) -> *mut c_char;
        fn free(p: *mut c_char);
    }

    fn take(p: *mut c_char, len: usize) -> Vec<u8> {
        // SAFETY: Go returned `len` bytes it allocated with malloc; we copy them, then free them.
        unsafe {
            let v = std::slice::from_raw_parts(p as *const u8, len).to_vec();
            free(p);
            v
        }
    }

    /// The Go side's handshake line; calling it also waits for the Go runtime's start-up, which
    /// registers Go's coverage counters with libFuzzer.
    pub fn handshake() -> Vec<u8> {
        let mut len = 0;
        // SAFETY: a plain C call into the archive; the result is ours to free.
        let p = unsafe { parity_go_handshake(&mut len) };
        take(p, len)
    }

    /// The in-process Go side for `parity::fuzz::target::init`. Calls Go once first, so that its
    /// counters are registered before libFuzzer looks at the coverage modules.
    pub fn in_process_go() -> parity::fuzz::target::InProcessGo {
        let _ = handshake();
        Box::new(|line: &[u8]| {
            let mut len = 0;
            // SAFETY: `line` outlives the call; Go copies it before returning.
            let p = unsafe { parity_go_call(line.as_ptr() as *const c_char, line.len(), &mut len) };
            take(p, len)
        })
    }
}
