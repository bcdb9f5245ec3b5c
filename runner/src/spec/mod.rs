//! Spec loading: the TOML file is read into a raw, file-shaped form (`raw`), validated into a
//! [`Spec`] (`model`), and later checked against the harnesses' handshakes (`signature`). Every
//! problem is reported with its file, line and column, and a hint on how to fix it.
//!
//! The format is described in `docs/spec.md`.

mod accept;
mod compare;
mod endpoint;
mod endpoint_validate;
mod error;
mod examples;
mod hints;
mod model;
mod object;
mod object_validate;
mod raw;
mod server_validate;
mod signature;
mod validate;

use std::path::Path;

pub use endpoint::*;
pub use error::{Diagnostic, SpecError};
pub use model::*;
pub use object::*;
pub use object_validate::{DEFAULT_SEQUENCES, DEFAULT_STEPS};
pub use signature::{check_object_signatures, check_signatures};

use error::Diags;

/// Reads and validates a spec file, and checks that the [go] `package` folder or `command`
/// program exists. A file that cannot be read is a [`SpecError`] too.
pub fn load(path: &Path) -> Result<Spec, SpecError> {
    load_file(path, true)
}

/// [`load`], without checking that the `[go]` package folder or command exists: for a runner
/// that is given a ready Go harness instead (a ClusterFuzzLite target beside its copied spec).
pub fn load_given_go(path: &Path) -> Result<Spec, SpecError> {
    load_file(path, false)
}

fn load_file(path: &Path, check_paths: bool) -> Result<Spec, SpecError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            let mut d = Diags::new(path, "");
            let (message, hint) = match e.kind() {
                std::io::ErrorKind::NotFound => (
                    "the file does not exist".to_string(),
                    "check the path; it is relative to the current directory".to_string(),
                ),
                std::io::ErrorKind::IsADirectory => (
                    "this is a folder, not a spec file".to_string(),
                    "give the path of the spec's .toml file".to_string(),
                ),
                _ => (
                    format!("cannot read the file: {e}"),
                    "check that the file exists and that you may read it".to_string(),
                ),
            };
            d.whole_file(message, Some(hint));
            return Err(d.into_error());
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => load_text(path, &text, check_paths),
        Err(e) => Err(not_utf8(path, e.as_bytes(), e.utf8_error())),
    }
}

/// Validates spec text. `path` names the file in messages, gives the spec its name (the file
/// stem) and is the base for relative `go.package` / `go.command` paths. Unlike [`load`], it does
/// not look at the file system (the [go] paths are not checked).
pub fn load_str(path: &Path, text: &str) -> Result<Spec, SpecError> {
    load_text(path, text, false)
}

fn load_text(path: &Path, text: &str, check_paths: bool) -> Result<Spec, SpecError> {
    let mut d = Diags::new(path, text);
    let Some(raw) = raw::parse(text, &mut d) else {
        return Err(d.into_error());
    };
    let spec = validate::validate(path, text, raw, check_paths, &mut d);
    d.finish(spec)
}

/// A file that is not UTF-8: the line and column of its first bad byte.
fn not_utf8(path: &Path, bytes: &[u8], e: std::str::Utf8Error) -> SpecError {
    let good = e.valid_up_to();
    let prefix = std::str::from_utf8(&bytes[..good]).unwrap_or("");
    let mut d = Diags::new(path, prefix);
    let binary = bytes.iter().take(8192).any(|b| *b == 0);
    let hint = if binary {
        "this looks like a binary file, not a spec; give the path of the spec's .toml file"
    } else {
        "a spec is UTF-8 text: save the file as UTF-8 (to give bytes that are not UTF-8 in an example, write them as an array of integers, like `[0, 233]`)"
    };
    d.at(
        good,
        format!(
            "the file is not valid UTF-8: byte 0x{:02X} is not part of a UTF-8 character",
            bytes[good]
        ),
        Some(hint.to_string()),
    );
    d.into_error()
}

#[cfg(test)]
mod endpoint_tests;
#[cfg(test)]
mod snapshot_tests;
#[cfg(test)]
mod tests;
