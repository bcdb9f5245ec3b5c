//! Sequences in the corpus, for endpoints and objects alike: a confirmed, minimized sequence is
//! stored as values (never seeds) under `corpus/<spec>/<folder>/<sha256-12>.json` (the folder is
//! the last endpoint's name, or the object's), written atomically, with a pending insta snapshot
//! `<hash>.snap.new` beside it, exactly as function entries are. An object's entry says
//! `"object"` where an endpoint's says `"endpoint"`, and names each step's constructor (`new`)
//! or method under `"call"`.
//!
//! ```json
//! {
//!   "format": 1,
//!   "spec": "example-http-naive",
//!   "endpoint": "ListInvoices",
//!   "steps": [
//!     { "endpoint": "ListInvoices", "inputs": [null, null], "sources": [null, null], "malformed": null }
//!   ],
//!   "note": "confirmed divergence: value at /body/items"
//! }
//! ```
//!
//! `inputs` use the protocol's value codec (as function entries do), `sources` the index of the
//! earlier step a referencing input takes its value from, `malformed` `{"kind": "wrong-method",
//! "n": 3}` or `null`.

use std::fs;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{Sequence, Step, Targets};
use crate::corpus::{encode_input, function_dir, stale_temp_files, CorpusError};
use crate::endpoint::malformed::{Kind, Malformation};
use crate::protocol::{self, Parser};

/// Where sequences of one target are stored, and how its entries are spelled.
pub struct Shelf<'a> {
    /// The step kinds.
    pub targets: &'a dyn Targets,
    /// The spec's name.
    pub spec: &'a str,
    /// `"endpoint"` or `"object"`: the key naming the folder in an entry.
    pub label: &'static str,
    /// The key naming each step's kind (`"endpoint"`, `"call"`).
    pub step_key: &'static str,
}

/// The text of a sequence entry. Written by hand rather than through `serde_json::Value`,
/// because the value codec spells invalid UTF-8 as lone `\udcXX` escapes, which serde_json
/// refuses to hold.
pub fn render(shelf: &Shelf, folder: &str, seq: &Sequence, note: &str) -> String {
    let q = |s: &str| serde_json::to_string(s).expect("strings serialize");
    let mut out = format!(
        "{{\n  \"format\": {},\n  \"spec\": {},\n  \"{}\": {},\n  \"steps\": [\n",
        crate::corpus::FORMAT,
        q(shelf.spec),
        shelf.label,
        q(folder)
    );
    for (k, s) in seq.iter().enumerate() {
        let types = shelf.targets.function(s.target).arg_types();
        let sources: Vec<String> = s
            .sources
            .iter()
            .map(|x| x.map_or("null".to_string(), |j| j.to_string()))
            .collect();
        let malformed = s.malformed.map_or("null".to_string(), |m| {
            format!("{{\"kind\": {}, \"n\": {}}}", q(m.kind.name()), m.n)
        });
        out.push_str(&format!(
            "    {{\"{}\": {}, \"inputs\": [{}], \"sources\": [{}], \"malformed\": {}}}{}\n",
            shelf.step_key,
            q(&shelf.targets.name(s.target)),
            encode_input(&s.inputs, &types).join(", "),
            sources.join(", "),
            malformed,
            if k + 1 < seq.len() { "," } else { "" }
        ));
    }
    out.push_str(&format!("  ],\n  \"note\": {}\n}}\n", q(note)));
    out
}

/// Writes the entry of `seq` atomically; returns its path.
pub fn write(
    root: &Path,
    shelf: &Shelf,
    folder: &str,
    seq: &Sequence,
    note: &str,
) -> Result<PathBuf, CorpusError> {
    let dir = function_dir(root, shelf.spec, folder);
    for stale in stale_temp_files(&dir) {
        let _ = fs::remove_file(stale);
    }
    // The address covers the steps only, so a changed note keeps the entry.
    let hash: String = Sha256::digest(render(shelf, folder, seq, "").as_bytes())
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect();
    let path = dir.join(format!("{hash}.json"));
    crate::snapshot::write_atomic(&path, &render(shelf, folder, seq, note))?;
    Ok(path)
}

/// Every stored sequence in `folder`, in file-name order. Entries whose steps no longer fit the
/// spec are errors naming the file.
pub fn load(
    root: &Path,
    shelf: &Shelf,
    folder: &str,
) -> Result<Vec<(PathBuf, Sequence)>, CorpusError> {
    let dir = function_dir(root, shelf.spec, folder);
    let Ok(listing) = fs::read_dir(&dir) else {
        return Ok(Vec::new());
    };
    let mut paths: Vec<PathBuf> = listing
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| read(&p, shelf).map(|s| (p, s)))
        .collect()
}

#[derive(serde::Deserialize)]
struct RawSeq {
    steps: Vec<RawStep>,
}

#[derive(serde::Deserialize)]
struct RawStep {
    #[serde(alias = "call")]
    endpoint: String,
    inputs: Vec<Box<serde_json::value::RawValue>>,
    #[serde(default)]
    sources: Vec<Option<usize>>,
    #[serde(default)]
    malformed: Option<RawMalformed>,
}

#[derive(serde::Deserialize)]
struct RawMalformed {
    kind: String,
    n: u8,
}

fn read(path: &Path, shelf: &Shelf) -> Result<Sequence, CorpusError> {
    let shown = path.display().to_string();
    let malformed = |reason: String| {
        CorpusError::Malformed {
        path: shown.clone(),
        reason,
        hint: format!("corpus files are written by parity; delete this one if the spec's {}s changed or it was edited by hand", shelf.label),
    }
    };
    let text = fs::read_to_string(path).map_err(|source| CorpusError::Io {
        action: "read",
        path: shown.clone(),
        source,
    })?;
    let doc: RawSeq = serde_json::from_str(&text).map_err(|e| malformed(e.to_string()))?;
    let steps = doc.steps;
    let mut seq = Vec::new();
    for (k, s) in steps.iter().enumerate() {
        let name = s.endpoint.as_str();
        let target = (0..shelf.targets.count())
            .find(|&t| shelf.targets.name(t) == name)
            .ok_or_else(|| {
                malformed(format!(
                    "step {} names `{name}`, which the spec no longer has",
                    k + 1
                ))
            })?;
        let fun = shelf.targets.function(target);
        let raw = &s.inputs;
        if raw.len() != fun.args.len() {
            return Err(malformed(format!(
                "step {} has {} inputs but `{name}` now takes {}",
                k + 1,
                raw.len(),
                fun.args.len()
            )));
        }
        let mut inputs = Vec::new();
        for (v, arg) in raw.iter().zip(&fun.args) {
            let text = v.get();
            let mut p = Parser::new(text.as_bytes());
            let value = protocol::decode_value(&mut p, &arg.ty).map_err(|_| {
                malformed(format!("step {}: `{text}` is not a `{}`", k + 1, arg.ty))
            })?;
            inputs.push(value);
        }
        let sources = (0..fun.args.len())
            .map(|i| s.sources.get(i).copied().flatten().filter(|&j| j < k))
            .collect();
        let malformed = s
            .malformed
            .as_ref()
            .and_then(|m| Kind::from_name(&m.kind).map(|kind| Malformation { kind, n: m.n }));
        seq.push(Step {
            target,
            inputs,
            sources,
            malformed,
        });
    }
    if seq.is_empty() || !super::valid(shelf.targets, &seq) {
        return Err(malformed(
            "an empty sequence, or one the spec's preconditions no longer allow".into(),
        ));
    }
    Ok(seq)
}
