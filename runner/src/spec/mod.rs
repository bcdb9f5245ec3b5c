//! Spec loading: the TOML file is read into a raw, file-shaped form (`raw`), validated into a
//! [`Spec`] (`model`), and later checked against the harnesses' handshakes (`signature`). Every
//! problem is reported with its file, line and column, and a hint on how to fix it.
//!
//! The format is described in `docs/spec.md`.

mod accept;
mod compare;
mod error;
mod examples;
mod hints;
mod model;
mod raw;
mod signature;
mod validate;

use std::path::Path;

pub use error::{Diagnostic, SpecError};
pub use model::*;
pub use signature::check_signatures;

use error::Diags;

/// Reads and validates a spec file. A file that cannot be read is a [`SpecError`] too.
pub fn load(path: &Path) -> Result<Spec, SpecError> {
    match std::fs::read_to_string(path) {
        Ok(text) => load_str(path, &text),
        Err(e) => {
            let mut d = Diags::new(path, "");
            let (message, hint) = match e.kind() {
                std::io::ErrorKind::NotFound => (
                    "the file does not exist".to_string(),
                    Some("check the path; it is relative to the current directory".to_string()),
                ),
                _ => (format!("cannot read the file: {e}"), None),
            };
            d.whole_file(message, hint);
            Err(d.into_error())
        }
    }
}

/// Validates spec text. `path` names the file in messages, gives the spec its name (the file
/// stem) and is the base for relative `go.package` / `go.command` paths.
pub fn load_str(path: &Path, text: &str) -> Result<Spec, SpecError> {
    let mut d = Diags::new(path, text);
    let raw = match raw::parse(text) {
        Ok(raw) => raw,
        Err(e) => {
            let hint = unknown_key_hint(&e.message);
            let message = match context(e.path.as_deref(), &e.message) {
                Some(p) => format!("in `{p}`: {}", e.message),
                None => e.message,
            };
            d.at(e.offset, message, hint);
            return Err(d.into_error());
        }
    };
    let spec = validate::validate(path, text, raw, &mut d);
    d.finish(spec)
}

/// The key path worth showing before a parser message: without the unknown key itself, which
/// the message already names.
fn context<'p>(path: Option<&'p str>, message: &str) -> Option<&'p str> {
    let path = path?;
    let unknown = message
        .strip_prefix("unknown field `")
        .and_then(|r| r.split_once('`'))
        .map(|(key, _)| key);
    match unknown {
        Some(key) if path == key => None,
        Some(key) => Some(path.strip_suffix(key)?.strip_suffix('.').unwrap_or(path)),
        None => Some(path),
    }
}

/// For serde's "unknown field `exmaples`, expected one of `name`, `examples`…": the closest key.
fn unknown_key_hint(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (key, expected) = rest.split_once('`')?;
    let valid: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    error::closest(key, valid.iter().copied()).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod snapshot_tests;
#[cfg(test)]
mod tests;
