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
    /// Interrupted by SIGINT (Ctrl-C): every process parity started was stopped, and the report
    /// says how many cases were checked until then. 130 = 128 + SIGINT, as shells report it.
    Interrupted = 130,
    /// Terminated by SIGTERM, likewise stopped and reported. 143 = 128 + SIGTERM, as shells report it.
    Terminated = 143,
}

impl ExitCode {
    /// The exit code of a run stopped by signal `sig` (SIGINT or SIGTERM).
    pub fn interrupted_by(sig: i32) -> ExitCode {
        if sig == libc::SIGTERM {
            ExitCode::Terminated
        } else {
            ExitCode::Interrupted
        }
    }
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(c: ExitCode) -> Self {
        std::process::ExitCode::from(c as u8)
    }
}
