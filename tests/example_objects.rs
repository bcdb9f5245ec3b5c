//! The stateful example through the real `parity` binary: `billing.Ledger` (Go) against its
//! careful Rust port, which is equivalent, and against the naive port, whose three planted state
//! bugs are each found and minimized to its shortest sequence (see the top of
//! `examples/billing-naive-rs/src/ledger.rs`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn parity(args: &[&str], corpus: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_parity"))
        .env_remove("CI")
        .args(args)
        .arg("--corpus")
        .arg(corpus)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("the parity binary runs")
}

fn text(out: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn the_careful_ledger_port_is_equivalent_over_every_call_sequence() {
    let corpus = tempfile::tempdir().unwrap();
    let out = parity(
        &["check", "specs/example-ledger.toml", "--seed", "1"],
        corpus.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("result: equivalent over 1800 call sequences in 1 object"),
        "{stdout}"
    );
}

/// The calls of a finding (the Go side's lines, outcomes cut off) joined by `; `.
fn calls(f: &serde_json::Value) -> String {
    f["sequence"]["steps"]
        .as_array()
        .expect("an object finding has its calls")
        .iter()
        .map(|s| {
            let s = s.as_str().unwrap();
            let call = s.split(" → ").next().unwrap().trim_end();
            call.split_once(". ").map_or(call, |(_, c)| c).to_string()
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn naive_report(corpus: &Path) -> (Output, serde_json::Value) {
    let out = parity(
        &[
            "check",
            "specs/example-ledger-naive.toml",
            "--seed",
            "1",
            "--format",
            "json",
        ],
        corpus,
    );
    let report =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}\n{}", text(&out)));
    (out, report)
}

#[test]
fn each_planted_state_bug_of_the_naive_ledger_is_found_at_its_shortest_sequence() {
    let corpus = tempfile::tempdir().unwrap();
    let (out, report) = naive_report(corpus.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let findings = report["findings"].as_array().expect("findings");
    let by = |method: &str| -> Vec<String> {
        findings
            .iter()
            .filter(|f| f["function"] == format!("Ledger.{method}").as_str())
            .map(calls)
            .collect()
    };
    // (A) EvictOldest leaves the evicted cents in the running total.
    assert_eq!(
        by("Total"),
        vec![r#"NewLedger(1); ledger.Add("a", 1); ledger.EvictOldest(); ledger.Total()"#],
        "{report:#}"
    );
    // (B) An evicted id can never be added again.
    assert_eq!(
        by("Add"),
        vec![r#"NewLedger(1); ledger.Add("a", 0); ledger.EvictOldest(); ledger.Add("a", 0)"#],
        "{report:#}"
    );
    // (C) A full ledger evicts its newest invoice: capacity 2, three adds, then any read of
    // what is left. Every finding of it has exactly that shape.
    let c: Vec<String> = ["Get", "IDs", "EvictOldest"]
        .iter()
        .flat_map(|m| by(m))
        .collect();
    assert!(!c.is_empty(), "bug C is found:\n{report:#}");
    for seq in &c {
        let parts: Vec<&str> = seq.split("; ").collect();
        assert_eq!(parts.len(), 5, "{seq}");
        assert_eq!(parts[0], "NewLedger(2)", "{seq}");
        assert!(
            parts[1..4].iter().all(|p| p.starts_with("ledger.Add(")),
            "{seq}"
        );
    }
    // Nothing else: no finding of a method the bugs do not reach.
    assert_eq!(findings.len(), 2 + c.len(), "{report:#}");
    // Each is a minimized, counted bug with a Go test and a Rust test to paste.
    for f in findings {
        assert!(f["bug"]["seen"].as_u64().unwrap() >= 1, "{f:#}");
        assert!(
            f["sequence"]["go_test"]
                .as_str()
                .unwrap()
                .contains("func Test"),
            "{f:#}"
        );
        assert!(
            f["sequence"]["rust_test"]
                .as_str()
                .unwrap()
                .contains("#[test]"),
            "{f:#}"
        );
    }
}

#[test]
fn the_naive_ledger_report_is_snapshotted() {
    let corpus = tempfile::tempdir().unwrap();
    let out = parity(
        &[
            "check",
            "specs/example-ledger-naive.toml",
            "--seed",
            "1",
            "--ci",
        ],
        corpus.path(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    // Times vary from run to run; everything else is deterministic for a seed.
    let stable: Vec<String> = stdout
        .lines()
        .filter(|l| {
            !l.contains("checks/s")
                && !l.starts_with("  FAIL")
                && !l.starts_with("  PASS")
                && !l.starts_with("parity check")
        })
        .map(|l| l.to_string())
        .collect();
    insta::assert_snapshot!("naive_ledger_report", stable.join("\n"));
}

#[test]
fn stored_sequences_are_replayed_first_and_accepted_ones_are_known() {
    let corpus = tempfile::tempdir().unwrap();
    let args = ["check", "specs/example-ledger-naive.toml", "--seed", "1"];
    let first = parity(&args, corpus.path());
    assert_eq!(first.status.code(), Some(1), "{}", text(&first));
    let dir = corpus.path().join("example-ledger-naive").join("Ledger");
    let files = |ext: &str| -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().ends_with(ext))
            .collect();
        v.sort();
        v
    };
    let entries = files(".json");
    assert!(!entries.is_empty(), "{}", text(&first));
    // One pending snapshot per stored sequence; accepting them all makes every bug known.
    let pending = files(".snap.new");
    assert_eq!(pending.len(), entries.len());
    for p in pending {
        let accepted = p.with_extension("");
        std::fs::rename(&p, &accepted).unwrap();
    }
    let again = parity(&args, corpus.path());
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert!(
        stdout.contains(&format!("apart from {} known divergences", entries.len())),
        "{stdout}"
    );
    assert!(!stdout.contains("DIVERGENCE"), "{stdout}");
    assert_eq!(
        files(".json"),
        entries,
        "no new entry for a bug already stored"
    );
}
