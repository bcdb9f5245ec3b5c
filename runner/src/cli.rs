//! Command-line interface (placeholder while the pipeline is being built).

use crate::registry::Registry;

/// Runs the parity command line with the given Rust registry.
pub fn main(_registry: Registry) -> std::process::ExitCode {
    std::process::ExitCode::from(4)
}
