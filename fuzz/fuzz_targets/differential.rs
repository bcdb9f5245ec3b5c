//! The generic differential fuzz target: which spec and function it fuzzes comes from
//! `PARITY_FUZZ_SPEC` and `PARITY_FUZZ_FUNCTION` (set by `parity fuzz`); libFuzzer's bytes become
//! typed inputs, run on Go and on the Rust registry in-process, and a confirmed divergence aborts.
#![no_main]

libfuzzer_sys::fuzz_target!(
    init: parity::fuzz::target::init(parity_fuzz::registry(), go()),
    |data: &[u8]| parity::fuzz::target::run_one(data)
);

/// Deep mode links Go in-process; otherwise the spec's Go harness runs as a subprocess.
#[cfg(not(feature = "deep"))]
fn go() -> Option<parity::fuzz::target::InProcessGo> {
    None
}

/// Deep mode: the Go harness linked in as an instrumented C archive (`fuzz/build.rs`).
#[cfg(feature = "deep")]
fn go() -> Option<parity::fuzz::target::InProcessGo> {
    Some(parity_fuzz::deep::in_process_go())
}
