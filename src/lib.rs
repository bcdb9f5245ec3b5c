//! The example's registry, where `parity fuzz` finds it (`pub fn registry()` in the library of the
//! package of the current folder; see docs/fuzzing.md): the careful port (`billing`) and the naive
//! one (`billing_naive`, under `naive_` names). The parity binary (`src/main.rs`) serves the same.

/// Every Rust port of the example, as the parity binary and the generated fuzz target call it.
pub fn registry() -> parity::Registry {
    billing_naive::register(billing::register(parity::Registry::new()))
}
