//! parity: differential testing of a Rust port against the Go code it replaces.
//!
//! The pipeline, one module per stage (see ARCHITECTURE.md):
//! `spec → generate → execute → compare → shrink → corpus → report`.
//! A binary registers its Rust functions in a [`Registry`] and calls [`main`].
#![warn(missing_docs)]

mod bugs;
pub mod check;
pub mod cli;
pub mod compare;
pub mod corpus;
pub mod corpus_cmd;
pub mod endpoint;
pub mod execute;
pub mod exit_code;
pub mod fuzz;
pub mod generate;
pub mod gobuild;
pub mod gocorpus;
pub mod object;
pub mod outcome;
pub mod protocol;
pub mod readable;
pub mod registry;
pub mod render;
pub mod report;
pub mod sequence;
pub mod shrink;
pub mod snapshot;
pub mod spec;
pub mod supervise;
pub mod value;
pub mod worker;

pub use cli::main;
pub use registry::{Registry, Wire};
