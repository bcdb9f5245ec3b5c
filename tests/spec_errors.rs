//! The error corpus: every broken spec in `tests/specs/errors/`, run through the real binary.
//! Each must be a spec error (exit 2), every error it reports must name `file:line:column` and
//! carry a `(hint: …)` line, and no message may echo a screenful of text. The messages are
//! snapshotted, one snapshot per spec, so a regression in any of them shows.
//!
//! Each spec's first line is a comment saying what it checks (the snapshot's description).
//! See: issue 7, point 6.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `parity check SPEC` from the repository root: exit code and stderr (the repository's path
/// replaced by `<repo>`).
fn check(spec: &Path) -> (Option<i32>, String) {
    let corpus = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_parity"))
        .env_remove("CI")
        .arg("check")
        .arg(spec)
        .arg("--corpus")
        .arg(corpus.path())
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("the parity binary runs");
    let stderr =
        String::from_utf8_lossy(&out.stderr).replace(&root().display().to_string(), "<repo>");
    (out.status.code(), stderr)
}

/// What is wrong with one error block (`error: …` up to the next one), if anything.
fn block_problem(block: &str) -> Option<String> {
    let first = block.lines().next().unwrap_or("");
    let positioned = first
        .strip_prefix("failed to load spec at ")
        .and_then(|rest| {
            let (place, _) = rest.split_once(": ")?;
            let mut parts = place.rsplitn(3, ':');
            let column: usize = parts.next()?.parse().ok()?;
            let line: usize = parts.next()?.parse().ok()?;
            parts.next().filter(|file| file.ends_with(".toml"))?;
            Some(line > 0 && column > 0)
        })
        .unwrap_or(false);
    if !positioned {
        return Some(format!("not positioned as FILE:LINE:COLUMN: {first}"));
    }
    if !block.contains("\n(hint: ") {
        return Some(format!("no (hint: …) line: {first}"));
    }
    if block.chars().count() > 1500 {
        return Some(format!("{} characters long", block.chars().count()));
    }
    None
}

/// The error blocks of stderr: each starts at a line beginning with `error: ` (without it) and
/// runs to the next.
fn error_blocks(stderr: &str) -> Vec<String> {
    let mut blocks: Vec<String> = Vec::new();
    for line in stderr.lines() {
        match line.strip_prefix("error: ") {
            Some(rest) => blocks.push(rest.to_string()),
            None => {
                if let Some(last) = blocks.last_mut() {
                    last.push('\n');
                    last.push_str(line);
                }
            }
        }
    }
    blocks
}

/// The corpus, sorted by file name.
fn corpus() -> Vec<PathBuf> {
    let dir = root().join("tests/specs/errors");
    let mut specs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    specs.sort();
    specs
}

#[test]
fn every_broken_spec_in_the_corpus_gets_positioned_errors_each_with_a_hint() {
    let specs = corpus();
    assert!(specs.len() >= 40, "the corpus has {} specs", specs.len());
    let mut problems = Vec::new();
    let mut outputs = Vec::new();
    for path in &specs {
        let relative = path.strip_prefix(root()).unwrap();
        let (code, stderr) = check(relative);
        let name = relative.file_stem().unwrap().to_string_lossy().into_owned();
        if code != Some(2) {
            problems.push(format!("{name}: exit code {code:?}, not 2\n{stderr}"));
        }
        let blocks = error_blocks(&stderr);
        if blocks.is_empty() {
            problems.push(format!("{name}: no error reported\n{stderr}"));
        }
        for block in &blocks {
            if let Some(problem) = block_problem(block) {
                problems.push(format!("{name}: {problem}"));
            }
        }
        for leak in [
            "expected a borrowed",
            "invalid type:",
            "unknown field `",
            "expected one of",
        ] {
            if stderr.contains(leak) {
                problems.push(format!("{name}: a serde message reached the user: {leak}"));
            }
        }
        outputs.push((name, path.clone(), stderr));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    for (name, path, stderr) in outputs {
        let bytes = std::fs::read(&path).unwrap();
        let reason = String::from_utf8_lossy(bytes.split(|b| *b == b'\n').next().unwrap())
            .trim_start_matches("# ")
            .to_string();
        insta::with_settings!({ description => reason, omit_expression => true }, {
            insta::assert_snapshot!(format!("spec_error_{name}"), stderr);
        });
    }
}
