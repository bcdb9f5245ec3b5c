//! The process exit codes, one documented constant each; the README repeats this table.

/// How a parity run ended, as the process exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum ExitCode {
    /// Every function agreed on every input (known divergences and fixed corpus entries included).
    Equivalent = 0,
    /// At least one divergence, nondeterministic outcome, or crash/timeout finding was reported.
    DivergencesFound = 1,
    /// The command line or the spec file is wrong; nothing was run.
    UsageOrSpecError = 2,
    /// A harness could not be built or started, or its handshake disagrees with the spec.
    HarnessStartupFailed = 3,
    /// parity itself failed (a bug, or an I/O error such as a corpus that cannot be written).
    InternalError = 4,
    /// No finding, but some function had no input checked: a harness rejected every generated
    /// input (for example invalid UTF-8 sent to a Rust `String` parameter), so "equivalent" would
    /// claim what was never tested.
    NothingChecked = 5,
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(c: ExitCode) -> Self {
        std::process::ExitCode::from(c as u8)
    }
}
