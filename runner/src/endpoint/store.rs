//! Endpoint findings in the corpus and in review: a confirmed, minimized sequence is stored as
//! values (never seeds) under `corpus/<spec>/<endpoint>/<sha256-12>.json`, written atomically,
//! with a pending insta snapshot `<hash>.snap.new` beside it, exactly as function entries are.
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
//! "n": 3}` or `null`. The snapshot body holds only what does not vary between runs: the
//! requests, each side's status and the differences that are not noise.

use std::fs;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::malformed::{Kind, Malformation};
use super::sequence::{Sequence, Step};
use crate::corpus::{encode_input, function_dir, stale_temp_files, CorpusError};
use crate::protocol::{self, Parser};
use crate::spec::Spec;

/// The text of a sequence entry. Written by hand rather than through `serde_json::Value`,
/// because the value codec spells invalid UTF-8 as lone `\udcXX` escapes, which serde_json
/// refuses to hold.
pub fn render(spec: &Spec, seq: &Sequence, note: &str) -> String {
    let q = |s: &str| serde_json::to_string(s).expect("strings serialize");
    let last = &spec.endpoints[seq.last().expect("non-empty").endpoint];
    let mut out = format!(
        "{{\n  \"format\": {},\n  \"spec\": {},\n  \"endpoint\": {},\n  \"steps\": [\n",
        crate::corpus::FORMAT,
        q(&spec.name),
        q(&last.name)
    );
    for (k, s) in seq.iter().enumerate() {
        let ep = &spec.endpoints[s.endpoint];
        let types: Vec<_> = ep.inputs.iter().map(|i| i.arg.ty.clone()).collect();
        let sources: Vec<String> = s
            .sources
            .iter()
            .map(|x| x.map_or("null".to_string(), |j| j.to_string()))
            .collect();
        let malformed = s.malformed.map_or("null".to_string(), |m| {
            format!("{{\"kind\": {}, \"n\": {}}}", q(m.kind.name()), m.n)
        });
        out.push_str(&format!(
            "    {{\"endpoint\": {}, \"inputs\": [{}], \"sources\": [{}], \"malformed\": {}}}{}\n",
            q(&ep.name),
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
pub fn write(root: &Path, spec: &Spec, seq: &Sequence, note: &str) -> Result<PathBuf, CorpusError> {
    let last = &spec.endpoints[seq.last().expect("non-empty").endpoint];
    let dir = function_dir(root, &spec.name, &last.name);
    for stale in stale_temp_files(&dir) {
        let _ = fs::remove_file(stale);
    }
    // The address covers the steps only, so a changed note keeps the entry.
    let hash: String = Sha256::digest(render(spec, seq, "").as_bytes())
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect();
    let path = dir.join(format!("{hash}.json"));
    crate::snapshot::write_atomic(&path, &render(spec, seq, note))?;
    Ok(path)
}

/// Every stored sequence ending at endpoint `name`, in file-name order. Entries whose steps no
/// longer fit the spec are errors naming the file.
pub fn load(root: &Path, spec: &Spec, name: &str) -> Result<Vec<(PathBuf, Sequence)>, CorpusError> {
    let dir = function_dir(root, &spec.name, name);
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
        .map(|p| read(&p, spec).map(|s| (p, s)))
        .collect()
}

#[derive(serde::Deserialize)]
struct RawSeq {
    steps: Vec<RawStep>,
}

#[derive(serde::Deserialize)]
struct RawStep {
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

fn read(path: &Path, spec: &Spec) -> Result<Sequence, CorpusError> {
    let shown = path.display().to_string();
    let malformed = |reason: String| {
        CorpusError::Malformed {
        path: shown.clone(),
        reason,
        hint: "corpus files are written by parity; delete this one if the spec's endpoints changed or it was edited by hand".into(),
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
        let endpoint = spec
            .endpoints
            .iter()
            .position(|e| e.name == name)
            .ok_or_else(|| {
                malformed(format!(
                    "step {} names endpoint `{name}`, which the spec no longer has",
                    k + 1
                ))
            })?;
        let ep = &spec.endpoints[endpoint];
        let raw = &s.inputs;
        if raw.len() != ep.inputs.len() {
            return Err(malformed(format!(
                "step {} has {} inputs but `{name}` now takes {}",
                k + 1,
                raw.len(),
                ep.inputs.len()
            )));
        }
        let mut inputs = Vec::new();
        for (v, input) in raw.iter().zip(&ep.inputs) {
            let text = v.get();
            let mut p = Parser::new(text.as_bytes());
            let value = protocol::decode_value(&mut p, &input.arg.ty).map_err(|_| {
                malformed(format!(
                    "step {}: `{text}` is not a `{}`",
                    k + 1,
                    input.arg.ty
                ))
            })?;
            inputs.push(value);
        }
        let sources = (0..ep.inputs.len())
            .map(|i| s.sources.get(i).copied().flatten().filter(|&j| j < k))
            .collect();
        let malformed = s
            .malformed
            .as_ref()
            .and_then(|m| Kind::from_name(&m.kind).map(|kind| Malformation { kind, n: m.n }));
        seq.push(Step {
            endpoint,
            inputs,
            sources,
            malformed,
        });
    }
    if seq.is_empty() {
        return Err(malformed("an empty sequence".into()));
    }
    Ok(seq)
}
