//! The harness protocol, version 1 (`docs/protocol.md`): handshake, request and reply lines, and the
//! type-directed value codec. `harness-go/protocol.go` mirrors this file.

use crate::value::Type;

/// The protocol version this build speaks.
pub const PROTOCOL_VERSION: u32 = 1;

/// The first line a harness writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Handshake {
    /// The protocol version the harness speaks.
    pub protocol: u32,
    /// `"go"` or `"rust"`.
    pub harness: String,
    /// Every registered function, in registration order.
    pub functions: Vec<FunctionSig>,
    /// Registrations the harness could not map to spec types.
    pub problems: Vec<String>,
}

/// A registered function's signature as a harness reports it. Struct types are resolved against
/// the handshake's `structs` list, so a [`Type::Struct`] here carries the harness's field names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionSig {
    /// The registered name.
    pub name: String,
    /// Parameter types.
    pub params: Vec<Type>,
    /// Result types, not counting a trailing error.
    pub results: Vec<Type>,
    /// Whether the function returns a trailing error (Go `error`, Rust `Result`).
    pub error: bool,
    /// Go spellings of the parameter types (Go harness only; empty otherwise).
    pub go_params: Vec<String>,
}
