//! The value corpus: every confirmed, minimized divergence stored as typed values (never seeds)
//! under `corpus/<spec>/<function>/<sha256-12>.json`, written atomically, replayed before every check.
//!
//! Format 1 (one file per entry, pretty JSON, keys in this order):
//!
//! ```json
//! {
//!   "format": 1,
//!   "spec": "example-naive",
//!   "function": "Slugify",
//!   "types": ["string"],
//!   "input": [
//!     "İ"
//!   ],
//!   "found": {
//!     "go": "ok \"i\"",
//!     "rust": "ok \"i\\u0307\""
//!   },
//!   "note": "confirmed divergence at /0 (exact)"
//! }
//! ```
//!
//! `input` holds one value per argument in the protocol's value codec (`docs/protocol.md`):
//! floats as IEEE bits, invalid UTF-8 as `\udcXX` escapes, nil as `null`. The codec is canonical,
//! so the file name, the SHA-256 of the encoded input, is a content address: the same input is
//! never stored twice. `found` is informational (what each side did when the entry was written);
//! replay re-executes the input and compares afresh.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::protocol::{self, Parser};
use crate::value::{Type, Value};

/// The corpus format this build writes. Readers for older formats live here too.
pub const FORMAT: u32 = 1;

/// One stored input.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The file it came from (or was written to).
    pub path: PathBuf,
    /// The function name (the spec's `name`).
    pub function: String,
    /// One value per argument.
    pub input: Vec<Value>,
    /// What each side did when the entry was written: `(go, rust)`, readable.
    pub found: (String, String),
    /// Why it was stored.
    pub note: String,
}

/// Why the corpus could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    /// Reading or writing a file failed.
    #[error("failed to {action} corpus file `{path}`: {source}")]
    Io {
        /// `read`, `write`, `list`…
        action: &'static str,
        /// The file or folder.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// A corpus file does not parse, or its values do not fit the function's current signature.
    #[error("failed to read corpus file `{path}`: {reason}\n(hint: {hint})")]
    Malformed {
        /// The file.
        path: String,
        /// What is wrong.
        reason: String,
        /// How to fix it.
        hint: String,
    },
}

/// The corpus root: `explicit` (`--corpus`, relative to the current folder) when given, else the
/// folder `corpus` beside the spec file, so that the corpus does not depend on where parity is
/// run from.
pub fn default_root(explicit: Option<&Path>, spec: &Path) -> PathBuf {
    match explicit {
        Some(p) => p.to_path_buf(),
        None => spec
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("corpus"), |d| d.join("corpus")),
    }
}

/// Where a function's entries live: `<root>/<spec>/<function>/`.
pub fn function_dir(root: &Path, spec: &str, function: &str) -> PathBuf {
    root.join(spec).join(function)
}

/// The canonical encoding of an input: one codec value per argument, as JSON texts.
pub fn encode_input(input: &[Value], types: &[Type]) -> Vec<String> {
    input
        .iter()
        .zip(types)
        .map(|(v, t)| {
            let mut out = Vec::new();
            protocol::encode_value(&mut out, v, t);
            String::from_utf8(out).expect("the codec writes ASCII-safe JSON")
        })
        .collect()
}

/// The content address of an input: the first 12 hex digits of the SHA-256 of its encoding.
pub fn content_hash(input: &[Value], types: &[Type]) -> String {
    let mut h = Sha256::new();
    for (i, part) in encode_input(input, types).iter().enumerate() {
        if i > 0 {
            h.update(b"\n");
        }
        h.update(part.as_bytes());
    }
    h.finalize()
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).expect("strings serialize")
}

/// Renders an entry in format 1.
pub fn render(spec: &str, entry: &Entry, types: &[Type]) -> String {
    let ty_list: Vec<String> = types.iter().map(|t| json_string(&t.to_string())).collect();
    let input = encode_input(&entry.input, types);
    let mut s = String::new();
    s.push_str("{\n");
    s.push_str(&format!("  \"format\": {FORMAT},\n"));
    s.push_str(&format!("  \"spec\": {},\n", json_string(spec)));
    s.push_str(&format!(
        "  \"function\": {},\n",
        json_string(&entry.function)
    ));
    s.push_str(&format!("  \"types\": [{}],\n", ty_list.join(", ")));
    if input.is_empty() {
        s.push_str("  \"input\": [],\n");
    } else {
        s.push_str(&format!(
            "  \"input\": [\n    {}\n  ],\n",
            input.join(",\n    ")
        ));
    }
    s.push_str(&format!(
        "  \"found\": {{\n    \"go\": {},\n    \"rust\": {}\n  }},\n",
        json_string(&entry.found.0),
        json_string(&entry.found.1)
    ));
    s.push_str(&format!("  \"note\": {}\n", json_string(&entry.note)));
    s.push_str("}\n");
    s
}

/// The temporary files (`.<hash>.tmp-<pid>`) in `dir` that a killed run left: those whose process
/// is no longer alive. A live process's file is being written and is left alone.
pub fn stale_temp_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(listing) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut stale: Vec<PathBuf> = listing
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            let pid = name
                .strip_prefix('.')
                .and_then(|n| n.rsplit_once(".tmp-"))
                .and_then(|(_, pid)| pid.parse::<u32>().ok());
            pid.is_some_and(|pid| !process_alive(pid))
        })
        .collect();
    stale.sort();
    stale
}

/// Whether a process with this id exists (on Unix, `kill(pid, 0)`; elsewhere assumed alive,
/// so nothing is ever deleted by mistake).
fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        // SAFETY: signal 0 only checks whether the process exists; nothing is sent.
        let r = unsafe { libc::kill(pid, 0) };
        r == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        true
    }
}

/// Writes an entry atomically (a temporary file in the same folder, then a rename), so a killed
/// run never leaves half a file. Returns the path written; an existing identical entry is kept.
/// Temporary files of killed runs in the same folder are removed first.
pub fn write(
    root: &Path,
    spec: &str,
    entry: &Entry,
    types: &[Type],
) -> Result<PathBuf, CorpusError> {
    let dir = function_dir(root, spec, &entry.function);
    let io = |action: &'static str, path: &Path| {
        let path = path.display().to_string();
        move |source| CorpusError::Io {
            action,
            path,
            source,
        }
    };
    fs::create_dir_all(&dir).map_err(io("create", &dir))?;
    for stale in stale_temp_files(&dir) {
        // Best effort: another run may be removing the same file.
        let _ = fs::remove_file(stale);
    }
    let path = dir.join(format!("{}.json", content_hash(&entry.input, types)));
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        content_hash(&entry.input, types),
        std::process::id()
    ));
    let text = render(spec, entry, types);
    let mut f = fs::File::create(&tmp).map_err(io("write", &tmp))?;
    f.write_all(text.as_bytes()).map_err(io("write", &tmp))?;
    f.sync_all().map_err(io("write", &tmp))?;
    drop(f);
    fs::rename(&tmp, &path).map_err(io("write", &path))?;
    Ok(path)
}

#[derive(Deserialize)]
struct RawEntry {
    format: u32,
    function: String,
    types: Vec<String>,
    input: Vec<Box<serde_json::value::RawValue>>,
    #[serde(default)]
    found: Option<RawFound>,
    #[serde(default)]
    note: String,
}

#[derive(Deserialize)]
struct RawFound {
    go: String,
    rust: String,
}

/// Reads one entry, decoding its values against the function's argument types.
pub fn read(path: &Path, types: &[Type]) -> Result<Entry, CorpusError> {
    let shown = path.display().to_string();
    let text = fs::read_to_string(path).map_err(|source| CorpusError::Io {
        action: "read",
        path: shown.clone(),
        source,
    })?;
    let malformed = |reason: String, hint: &str| CorpusError::Malformed {
        path: shown.clone(),
        reason,
        hint: hint.to_string(),
    };
    let raw: RawEntry = serde_json::from_str(&text).map_err(|e| {
        malformed(
            e.to_string(),
            "corpus files are written by parity; delete this one if it was edited by hand",
        )
    })?;
    if raw.format != FORMAT {
        return Err(malformed(
            format!(
                "corpus format {} is not one this parity reads (it reads {FORMAT})",
                raw.format
            ),
            "upgrade parity, or delete the entry",
        ));
    }
    let declared: Vec<String> = types.iter().map(|t| t.to_string()).collect();
    if raw.types != declared || raw.input.len() != types.len() {
        return Err(malformed(
            format!(
                "the entry was stored for arguments ({}) but the spec now says ({})",
                raw.types.join(", "),
                declared.join(", ")
            ),
            "the function's signature changed: delete the folder's stale entries, or restore the old signature",
        ));
    }
    let mut input = Vec::with_capacity(types.len());
    for (i, (raw_value, ty)) in raw.input.iter().zip(types).enumerate() {
        let mut p = Parser::new(raw_value.get().as_bytes());
        let v = protocol::decode_value(&mut p, ty)
            .ok()
            .filter(|_| p.at_end())
            .ok_or_else(|| {
                malformed(
                    format!("input {i} is not a valid `{ty}` value: {}", raw_value.get()),
                    "corpus files are written by parity; delete this one if it was edited by hand",
                )
            })?;
        input.push(v);
    }
    let found = raw.found.map(|f| (f.go, f.rust)).unwrap_or_default();
    Ok(Entry {
        path: path.to_path_buf(),
        function: raw.function,
        input,
        found,
        note: raw.note,
    })
}

/// Reads every entry of one function, in file-name order (deterministic). A missing folder is an
/// empty corpus.
pub fn load(
    root: &Path,
    spec: &str,
    function: &str,
    types: &[Type],
) -> Result<Vec<Entry>, CorpusError> {
    let dir = function_dir(root, spec, function);
    let listing = match fs::read_dir(&dir) {
        Ok(l) => l,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(CorpusError::Io {
                action: "list",
                path: dir.display().to_string(),
                source,
            })
        }
    };
    let mut paths: Vec<PathBuf> = listing
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|x| x == "json")
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    paths.sort();
    paths.iter().map(|p| read(p, types)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(input: Vec<Value>) -> Entry {
        Entry {
            path: PathBuf::new(),
            function: "F".into(),
            input,
            found: ("ok 1".into(), "ok 2".into()),
            note: "test".into(),
        }
    }

    #[test]
    fn entries_round_trip_bit_exact_with_invalid_utf8_nan_payloads_and_nil() {
        let dir = tempfile::tempdir().unwrap();
        let types = vec![
            Type::String,
            Type::F64,
            Type::F32,
            Type::List(Box::new(Type::I64)),
            Type::Bytes,
            Type::U64,
        ];
        let input = vec![
            Value::Str(b"a\xff\x00\"".to_vec()),
            Value::F64(f64::from_bits(0x7ff8_0000_0000_0001)),
            Value::F32(-0.0),
            Value::Nil,
            Value::Bytes(vec![]),
            Value::Uint(u64::MAX),
        ];
        let path = write(dir.path(), "s", &entry(input.clone()), &types).unwrap();
        let back = read(&path, &types).unwrap();
        assert_eq!(back.input, input);
        assert_eq!(back.found, ("ok 1".to_string(), "ok 2".to_string()));
        let loaded = load(dir.path(), "s", "F", &types).unwrap();
        assert_eq!(loaded.len(), 1);
        assert_eq!(
            path.file_name().unwrap().to_string_lossy(),
            format!("{}.json", content_hash(&input, &types))
        );
    }

    #[test]
    fn the_same_input_is_stored_once_under_its_content_hash() {
        let dir = tempfile::tempdir().unwrap();
        let types = vec![Type::I64];
        let a = write(dir.path(), "s", &entry(vec![Value::Int(5)]), &types).unwrap();
        let b = write(dir.path(), "s", &entry(vec![Value::Int(5)]), &types).unwrap();
        assert_eq!(a, b);
        let files: Vec<_> = fs::read_dir(a.parent().unwrap()).unwrap().collect();
        assert_eq!(files.len(), 1, "no temporary file is left behind");
    }

    #[test]
    fn writing_an_entry_removes_the_temporary_files_of_dead_processes_only() {
        let dir = tempfile::tempdir().unwrap();
        let fdir = function_dir(dir.path(), "s", "F");
        fs::create_dir_all(&fdir).unwrap();
        // A child that has exited (and been reaped) is a pid that is surely not alive.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let stale = fdir.join(format!(".abcdef012345.tmp-{dead}"));
        let live = fdir.join(format!(".abcdef012345.tmp-{}", std::process::id()));
        let other = fdir.join("notes.tmp-1");
        for f in [&stale, &live, &other] {
            fs::write(f, "half an entry").unwrap();
        }
        assert_eq!(stale_temp_files(&fdir), vec![stale.clone()]);
        write(dir.path(), "s", &entry(vec![Value::Int(5)]), &[Type::I64]).unwrap();
        assert!(!stale.exists(), "the dead run's temporary file is gone");
        assert!(live.exists(), "a live process's temporary file is kept");
        assert!(
            other.exists(),
            "files not named like parity's temporary files are kept"
        );
    }

    #[test]
    fn the_default_corpus_is_beside_the_spec_and_an_explicit_one_is_taken_as_given() {
        assert_eq!(
            default_root(None, Path::new("../parity.toml")),
            PathBuf::from("../corpus")
        );
        assert_eq!(
            default_root(None, Path::new("specs/example.toml")),
            PathBuf::from("specs/corpus")
        );
        assert_eq!(
            default_root(None, Path::new("parity.toml")),
            PathBuf::from("corpus")
        );
        assert_eq!(
            default_root(Some(Path::new("corpus")), Path::new("specs/example.toml")),
            PathBuf::from("corpus")
        );
    }

    #[test]
    fn an_entry_for_an_old_signature_is_a_clear_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "s", &entry(vec![Value::Int(5)]), &[Type::I64]).unwrap();
        let err = read(&path, &[Type::String]).unwrap_err().to_string();
        assert!(err.contains(&path.display().to_string()), "{err}");
        assert!(err.contains("(i64)") && err.contains("(string)"), "{err}");
        assert!(err.contains("hint:"), "{err}");
    }

    #[test]
    fn a_missing_function_folder_is_an_empty_corpus() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load(dir.path(), "s", "F", &[Type::I64]).unwrap().is_empty());
    }
}
