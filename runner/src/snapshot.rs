//! Review snapshots: every stored divergence as a cargo-insta snapshot beside its corpus entry,
//! so that `cargo insta review` is the tool a team uses to accept or reject divergences.
//!
//! For a corpus entry `corpus/<spec>/<function>/<hash>.json` the pending snapshot is
//! `<hash>.snap.new` and the accepted one `<hash>.snap`. cargo-insta finds `.snap.new` files
//! anywhere below a package that is neither ignored nor hidden; accepting renames the pending
//! file to `.snap` (rewriting its header), rejecting deletes it.
//!
//! The file is insta's format: a YAML header between `---` lines (`source`, `description`,
//! `expression`), then the body. The header only ever holds double-quoted, ASCII-only YAML
//! strings, because one malformed file makes cargo-insta fail for the whole workspace. The body
//! is the deterministic rendering of the divergence ([`render_body`]): no times, seeds or
//! absolute paths, so the same divergence renders the same in every run and on every machine.
//! An entry is a *known* divergence when its accepted body equals the current rendering
//! (compared after insta's own normalization: surrounding blank lines and trailing whitespace
//! do not count).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::compare::Divergence;
use crate::corpus::CorpusError;
use crate::outcome::Outcome;
use crate::readable;
use crate::render;
use crate::spec::FunctionSpec;
use crate::value::Value;

/// Where a corpus entry stands in review, after comparing its current rendering with the
/// accepted snapshot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Review {
    /// The accepted snapshot matches: an expected divergence, not a failure.
    Known {
        /// The accepted `.snap` file.
        accepted: PathBuf,
    },
    /// No accepted snapshot: a divergence nobody has reviewed (or one that was rejected).
    Unreviewed {
        /// The pending `.snap.new` written for review (`None` in CI mode).
        pending: Option<PathBuf>,
    },
    /// An accepted snapshot exists but either side now answers differently.
    Changed {
        /// The accepted `.snap` file that no longer matches.
        accepted: PathBuf,
        /// The pending `.snap.new` showing the change (`None` in CI mode).
        pending: Option<PathBuf>,
    },
}

/// The accepted snapshot of a corpus entry: `<hash>.snap` beside `<hash>.json`.
pub fn accepted_path(entry: &Path) -> PathBuf {
    entry.with_extension("snap")
}

/// The pending snapshot of a corpus entry: `<hash>.snap.new` beside `<hash>.json`.
pub fn pending_path(entry: &Path) -> PathBuf {
    entry.with_extension("snap.new")
}

/// Every file of a corpus entry that exists: the entry, then its pending and its accepted
/// snapshot. What to delete, all of it, once the divergence is fixed.
pub fn files_of(entry: &Path) -> Vec<PathBuf> {
    let mut files = vec![entry.to_path_buf()];
    files.extend(
        [pending_path(entry), accepted_path(entry)]
            .into_iter()
            .filter(|p| p.exists()),
    );
    files
}

/// Whether CI mode is asked for by the environment, the way insta reads it: `CI` set to
/// anything but empty, `0` or `false`.
pub fn ci_from_env() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false" | "FALSE" | "False"))
}

/// The snapshot body of a divergence: function, input, both calls, both outcomes, where they
/// differ and the `(-go +rust)` diff. Deterministic: a crash or timeout is recorded by its class
/// only, because crash reports carry addresses and exit details that vary between runs.
pub fn render_body(
    fun: &FunctionSpec,
    input: &[Value],
    go: &Outcome,
    rust: &Outcome,
    divergence: &Divergence,
) -> String {
    let go = stable_outcome(go, fun);
    let rust = stable_outcome(rust, fun);
    let mut s = String::new();
    s.push_str(&format!("function: {}\n", fun.name));
    s.push_str("input:\n");
    for (a, v) in fun.args.iter().zip(input) {
        s.push_str(&format!(
            "  {} = {}\n",
            a.name,
            indent_rest(&readable::pretty(v, &a.ty), 4)
        ));
    }
    s.push_str(&format!("go call:   {}\n", render::go_call(fun, input)));
    s.push_str(&format!("rust call: {}\n", render::rust_call(fun, input)));
    s.push_str(&format!("go:        {}\n", indent_rest(&go, 11)));
    s.push_str(&format!("rust:      {}\n", indent_rest(&rust, 11)));
    let at = if divergence.path.is_empty() {
        "the outcome class"
    } else {
        &divergence.path
    };
    s.push_str(&format!("differs:   at {at} (rule: {})\n", divergence.rule));
    s.push_str(&readable::diff(&go, &rust, false));
    s
}

fn stable_outcome(o: &Outcome, fun: &FunctionSpec) -> String {
    match o {
        Outcome::Crash(_) => "crash".to_string(),
        other => readable::pretty_outcome(other, &fun.results),
    }
}

fn indent_rest(text: &str, by: usize) -> String {
    text.replace('\n', &format!("\n{}", " ".repeat(by)))
}

/// A YAML double-quoted scalar holding `s`, ASCII only: printable ASCII verbatim, `"` and `\`
/// escaped, everything else as `\xXX`, `\uXXXX` or `\UXXXXXXXX` (escapes insta's YAML reader
/// understands).
pub fn yaml_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) <= 0xffff => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// A whole snapshot file: the YAML header, then the body.
pub fn render_file(source: &str, description: &str, expression: &str, body: &str) -> String {
    format!(
        "---\nsource: {}\ndescription: {}\nexpression: {}\n---\n{}\n",
        yaml_quote(source),
        yaml_quote(description),
        yaml_quote(expression),
        body.trim_end()
    )
}

/// The one-line description in a snapshot header.
pub fn description(fun: &FunctionSpec, divergence: &Divergence) -> String {
    let at = if divergence.path.is_empty() {
        "the outcome class".to_string()
    } else {
        divergence.path.clone()
    };
    format!(
        "parity: {} diverges (go {}, rust {}) at {at}",
        fun.name,
        divergence.go_class.as_str(),
        divergence.rust_class.as_str()
    )
}

/// The `source` of a snapshot header: the spec file relative to the Cargo workspace holding the
/// corpus (the nearest folder above the corpus root with a `Cargo.toml`, else the folder holding
/// the corpus root), with forward slashes; just its file name when it lies elsewhere, so that no
/// absolute path ever lands in a snapshot.
pub fn source_for(spec_path: &Path, corpus_root: &Path) -> String {
    let spec = fs::canonicalize(spec_path).unwrap_or_else(|_| spec_path.to_path_buf());
    let corpus = fs::canonicalize(corpus_root).ok();
    let workspace = corpus.as_deref().and_then(|c| {
        c.ancestors()
            .skip(1)
            .find(|d| d.join("Cargo.toml").is_file())
            .map(Path::to_path_buf)
    });
    let root = workspace
        .or_else(|| corpus.and_then(|r| r.parent().map(Path::to_path_buf)))
        .or_else(|| std::env::current_dir().ok());
    let rel = root.as_deref().and_then(|r| spec.strip_prefix(r).ok());
    match rel {
        Some(r) => r.display().to_string().replace('\\', "/"),
        None => spec_path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    }
}

/// insta's normalization of a snapshot body: leading newlines and trailing whitespace dropped,
/// CRLF as LF.
pub fn normalize(body: &str) -> String {
    body.trim_start_matches(['\r', '\n'])
        .trim_end()
        .replace("\r\n", "\n")
}

/// Whether an accepted body and a fresh rendering say the same thing. Equal texts do; so do texts
/// that differ only in how characters are spelled inside literals (`"ۢ"` written raw by an
/// older parity, `"\u06e2"` or `"\u{6e2}"` now), so that a snapshot accepted before the
/// escaping rules changed stays accepted while the behaviour stays the same.
pub fn same_body(accepted: &str, rendered: &str) -> bool {
    accepted == rendered || unescape_code_points(accepted) == unescape_code_points(rendered)
}

/// Replaces every `\uXXXX`, `\UXXXXXXXX` (Go) and `\u{X…}` (Rust) escape by its character,
/// leaving `\\` pairs (an escaped backslash) and everything else as is.
fn unescape_code_points(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let decoded = if let Some(after) = tail.strip_prefix("\\\\") {
            out.push_str("\\\\");
            rest = after;
            continue;
        } else if let Some(r) = tail.strip_prefix("\\u{") {
            r.find('}').and_then(|end| {
                let c = u32::from_str_radix(&r[..end], 16)
                    .ok()
                    .and_then(char::from_u32)?;
                Some((c, 3 + end + 1))
            })
        } else if let Some(r) = tail.strip_prefix("\\u") {
            r.get(..4)
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .and_then(char::from_u32)
                .map(|c| (c, 6))
        } else if let Some(r) = tail.strip_prefix("\\U") {
            r.get(..8)
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .and_then(char::from_u32)
                .map(|c| (c, 10))
        } else {
            None
        };
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &tail[len..];
            }
            None => {
                out.push('\\');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Reads a snapshot file's body (normalized), or `None` when the file does not exist.
pub fn read_body(path: &Path) -> Result<Option<String>, CorpusError> {
    let text = match fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(CorpusError::Io {
                action: "read",
                path: path.display().to_string(),
                source,
            })
        }
    };
    let mut lines = text.split_inclusive('\n');
    let body = if lines.next().map(str::trim_end) == Some("---") {
        let mut rest = lines.skip_while(|l| l.trim_end() != "---");
        rest.next();
        rest.collect::<String>()
    } else {
        return Err(CorpusError::Malformed {
            path: path.display().to_string(),
            reason: "the file does not start with a `---` header line".to_string(),
            hint: "snapshots are written by parity and accepted with `cargo insta accept`; delete this one if it was edited by hand".to_string(),
        });
    };
    Ok(Some(normalize(&body)))
}

/// Writes a snapshot file atomically (a hidden temporary file in the same folder, which
/// cargo-insta skips, then a rename).
pub fn write_atomic(path: &Path, text: &str) -> Result<(), CorpusError> {
    let io = |action: &'static str, p: &Path| {
        let p = p.display().to_string();
        move |source| CorpusError::Io {
            action,
            path: p,
            source,
        }
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(io("create", dir))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let mut f = fs::File::create(&tmp).map_err(io("write", &tmp))?;
    f.write_all(text.as_bytes()).map_err(io("write", &tmp))?;
    f.sync_all().map_err(io("write", &tmp))?;
    drop(f);
    fs::rename(&tmp, path).map_err(io("write", path))
}

/// Removes a file if it exists.
pub fn remove_if_present(path: &Path) -> Result<bool, CorpusError> {
    match fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(source) => Err(CorpusError::Io {
            action: "remove",
            path: path.display().to_string(),
            source,
        }),
    }
}

/// What [`review`] needs to know about the run.
#[derive(Clone, Debug)]
pub struct Context {
    /// The header's `source` (see [`source_for`]).
    pub source: String,
    /// CI mode: write and delete nothing, fail on anything not accepted.
    pub ci: bool,
}

/// Reviews one diverging corpus entry: compares its rendering with the accepted snapshot and,
/// unless in CI mode, writes a pending snapshot when they differ (or when nothing is accepted)
/// and removes a stale pending one when they match.
pub fn review(
    ctx: &Context,
    fun: &FunctionSpec,
    entry: &Path,
    input: &[Value],
    go: &Outcome,
    rust: &Outcome,
    divergence: &Divergence,
) -> Result<Review, CorpusError> {
    let body = render_body(fun, input, go, rust, divergence);
    review_body(
        ctx,
        entry,
        &body,
        &description(fun, divergence),
        &render::go_call(fun, input),
    )
}

/// [`review`] of an already rendered body, with its header's description and expression: the
/// one review for function entries and endpoint sequences.
pub fn review_body(
    ctx: &Context,
    entry: &Path,
    body: &str,
    description: &str,
    expression: &str,
) -> Result<Review, CorpusError> {
    let accepted = accepted_path(entry);
    let pending = pending_path(entry);
    let accepted_body = read_body(&accepted)?;
    let matches = accepted_body
        .as_deref()
        .is_some_and(|a| same_body(a, &normalize(body)));
    if matches {
        if !ctx.ci {
            remove_if_present(&pending)?;
        }
        return Ok(Review::Known { accepted });
    }
    let written = if ctx.ci {
        None
    } else {
        let text = render_file(&ctx.source, description, expression, body);
        write_atomic(&pending, &text)?;
        Some(pending)
    };
    Ok(match accepted_body {
        Some(_) => Review::Changed {
            accepted,
            pending: written,
        },
        None => Review::Unreviewed { pending: written },
    })
}

/// A corpus entry that now agrees: removes its stale pending snapshot (unless in CI mode) and
/// returns its accepted snapshot, if it was a known divergence.
pub fn agreed(ctx: &Context, entry: &Path) -> Result<Option<PathBuf>, CorpusError> {
    if !ctx.ci {
        remove_if_present(&pending_path(entry))?;
    }
    let accepted = accepted_path(entry);
    Ok(accepted.exists().then_some(accepted))
}

#[cfg(test)]
mod tests;
