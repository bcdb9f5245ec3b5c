//! The Rust side's registry of functions (placeholder while the pipeline is being built).

/// Registered Rust functions.
#[derive(Default)]
pub struct Registry {}

/// A Rust type that maps to a spec type.
pub trait Wire {}
