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
