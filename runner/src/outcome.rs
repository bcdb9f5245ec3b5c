//! What one side did with one input: the closed set of outcome classes every stage agrees on.

use crate::value::Value;

/// Which implementation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Side {
    /// The Go implementation (the reference).
    Go,
    /// The Rust port.
    Rust,
}

impl Side {
    /// `"go"` or `"rust"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Go => "go",
            Side::Rust => "rust",
        }
    }
}

/// What one side did with one input.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Returned normally; one value per result.
    Ok(Vec<Value>),
    /// Returned an error; the message as bytes (Go error strings need not be UTF-8).
    Error(Vec<u8>),
    /// Panicked; the panic message.
    Panic(Vec<u8>),
    /// The process died on this input (exit status, signal, `fatal error`, stack overflow, abort);
    /// a description including the tail of its stderr.
    Crash(String),
    /// No reply within the per-call timeout; the process was killed.
    Timeout,
    /// The harness could not execute the input (a `bad` reply): not a divergence.
    Rejected(String),
}

/// The outcome class, the first thing comparison looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Class {
    /// [`Outcome::Ok`].
    Ok,
    /// [`Outcome::Error`].
    Error,
    /// [`Outcome::Panic`].
    Panic,
    /// [`Outcome::Crash`].
    Crash,
    /// [`Outcome::Timeout`].
    Timeout,
    /// [`Outcome::Rejected`].
    Rejected,
}

impl Class {
    /// Lowercase name: `ok`, `error`, `panic`, `crash`, `timeout`, `rejected`.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Ok => "ok",
            Class::Error => "error",
            Class::Panic => "panic",
            Class::Crash => "crash",
            Class::Timeout => "timeout",
            Class::Rejected => "rejected",
        }
    }
}

impl Outcome {
    /// This outcome's class.
    pub fn class(&self) -> Class {
        match self {
            Outcome::Ok(_) => Class::Ok,
            Outcome::Error(_) => Class::Error,
            Outcome::Panic(_) => Class::Panic,
            Outcome::Crash(_) => Class::Crash,
            Outcome::Timeout => Class::Timeout,
            Outcome::Rejected(_) => Class::Rejected,
        }
    }
}
