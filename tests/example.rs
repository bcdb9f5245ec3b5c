//! The example through the real `parity` binary: the careful port is equivalent, the naive port's
//! planted mistakes are all found and minimized, and the report is deterministic for a seed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn parity(args: &[&str], corpus: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_parity"))
        // CI mode (CI=true, as in .ci/run) writes no corpus files; these tests check that it does.
        .env_remove("CI")
        .args(args)
        .arg("--corpus")
        .arg(corpus)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("the parity binary runs")
}

/// Replaces the temporary corpus folder with `<corpus>`, so that output can be snapshot.
fn redact(text: &str, corpus: &Path) -> String {
    text.replace(&corpus.display().to_string(), "<corpus>")
}

#[test]
fn the_careful_port_is_equivalent_on_every_example_function() {
    let corpus = tempfile::tempdir().unwrap();
    let out = parity(
        &[
            "check",
            "specs/example.toml",
            "--seed",
            "7",
            "--cases",
            "5000",
            "--format",
            "json",
            "--no-times",
        ],
        corpus.path(),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["result"], "equivalent");
    let functions = report["functions"].as_array().unwrap();
    assert_eq!(functions.len(), 11, "every example function is checked");
    for f in functions {
        assert_eq!(f["cases"], 5000, "{f}");
        assert_eq!(f["findings"], 0, "{f}");
    }
    assert!(
        std::fs::read_dir(corpus.path())
            .map(|d| d.count())
            .unwrap_or(0)
            == 0,
        "an equivalent run writes no corpus entry"
    );
}

#[test]
fn the_naive_port_report_shows_every_planted_mistake_minimized() {
    let corpus = tempfile::tempdir().unwrap();
    let out = parity(
        &[
            "check",
            "specs/example-naive.toml",
            "--seed",
            "1",
            "--cases",
            "20000",
            "--no-times",
            "--jobs",
            "2",
        ],
        corpus.path(),
    );
    assert_eq!(out.status.code(), Some(1), "findings exit with 1");
    let stdout = redact(&String::from_utf8_lossy(&out.stdout), corpus.path());
    // The mistakes planted in examples/billing-naive-rs, each of which must be reported:
    for (needle, reason) in [
        (
            "s = \"aΣ\"",
            "slugify lowercases with Rust's full mapping: a final sigma becomes ς",
        ),
        (
            "rust       panic \"end byte index",
            "truncate slices by bytes and panics inside a character",
        ),
        (
            "rust       ok \"…\"",
            "truncate counts bytes, not characters",
        ),
        (
            "go         error \"billing: invalid amount",
            "parse_amount accepts what Go rejects",
        ),
        (
            "s = \"900000000000005\"",
            "parse_amount goes through f64 and loses precision",
        ),
    ] {
        assert!(
            stdout.contains(needle),
            "missing: {reason} (`{needle}`)\n{stdout}"
        );
    }
    assert!(
        !stdout.contains("not minimal"),
        "every finding is minimized to a local minimum\n{stdout}"
    );
    insta::assert_snapshot!("naive_report", stdout);
}

#[test]
fn the_same_seed_gives_the_same_json_report() {
    let run = || {
        let corpus = tempfile::tempdir().unwrap();
        let out = parity(
            &[
                "check",
                "specs/example-naive.toml",
                "--seed",
                "42",
                "--cases",
                "4000",
                "--format",
                "json",
                "--no-times",
            ],
            corpus.path(),
        );
        redact(&String::from_utf8_lossy(&out.stdout), corpus.path())
    };
    let (a, b) = (run(), run());
    assert!(a.contains("\"findings\""), "{a}");
    assert_eq!(a, b);
}

#[test]
fn the_corpus_is_replayed_first_and_a_still_diverging_entry_is_reported_from_it() {
    let corpus = tempfile::tempdir().unwrap();
    let args = [
        "check",
        "specs/example-naive.toml",
        "--function",
        "Truncate",
        "--seed",
        "3",
        "--cases",
        "3000",
        "--format",
        "json",
        "--no-times",
    ];
    let first = parity(&args, corpus.path());
    assert_eq!(first.status.code(), Some(1));
    let files: Vec<_> = walk(corpus.path());
    assert!(!files.is_empty(), "findings are stored in the corpus");
    // A run with no generated cases still finds them: the corpus is replayed.
    let replay = parity(
        &[
            "check",
            "specs/example-naive.toml",
            "--function",
            "Truncate",
            "--cases",
            "0",
            "--format",
            "json",
            "--no-times",
        ],
        corpus.path(),
    );
    assert_eq!(replay.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&replay.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), files.len());
    for f in findings {
        assert!(f["origin"]["corpus"].is_string(), "{f}");
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
    out
}

#[test]
fn a_corpus_entry_that_now_agrees_is_reported_as_fixed_and_does_not_fail_the_run() {
    let corpus = tempfile::tempdir().unwrap();
    // An entry as the naive port's check wrote it; the careful port agrees with Go on it.
    let dir = corpus.path().join("example/Truncate");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("3a0adae4fa7b.json"),
        r#"{
  "format": 1,
  "spec": "example",
  "function": "Truncate",
  "types": ["string", "i64"],
  "input": [
    "é",
    1
  ],
  "found": {
    "go": "ok \"é\"",
    "rust": "ok \"…\""
  },
  "note": "confirmed divergence at /0 (rule: exact)"
}
"#,
    )
    .unwrap();
    let out = parity(
        &[
            "check",
            "specs/example.toml",
            "--function",
            "Truncate",
            "--cases",
            "0",
            "--format",
            "json",
            "--no-times",
        ],
        corpus.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let fixed = report["fixed"].as_array().unwrap();
    assert_eq!(fixed.len(), 1, "{report}");
    assert!(fixed[0]["corpus_file"]
        .as_str()
        .unwrap()
        .ends_with("Truncate/3a0adae4fa7b.json"));
    assert_eq!(report["functions"][0]["replayed"], 1);
}

#[test]
fn a_go_native_fuzz_corpus_is_imported_and_its_diverging_input_stored_minimized() {
    let corpus = tempfile::tempdir().unwrap();
    let go = tempfile::tempdir().unwrap();
    // Files exactly as `go test -fuzz` writes them under testdata/fuzz/FuzzTruncate/.
    std::fs::write(
        go.path().join("0a1b"),
        "go test fuzz v1\nstring(\"aa€\")\nint(4)\n",
    )
    .unwrap();
    std::fs::write(
        go.path().join("2c3d"),
        "go test fuzz v1\nstring(\"abc\")\nint(2)\n",
    )
    .unwrap();
    let out = parity(
        &[
            "corpus",
            "import-go",
            "specs/example-naive.toml",
            "--function",
            "Truncate",
            &go.path().display().to_string(),
        ],
        corpus.path(),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("imported 2 inputs for Truncate"),
        "{stdout}"
    );
    assert!(
        stdout.contains("go call    Truncate(\"€\", 2)"),
        "minimized from (\"aa€\", 4):\n{stdout}"
    );
    let stored = walk(&corpus.path().join("example-naive/Truncate"));
    assert_eq!(stored.len(), 1, "{stored:?}");
}

/// With every `[generate]` feature off, generation is the one before those features, draw for
/// draw: the naive report finds exactly the inputs it found then (the report of commit 10ec21f,
/// whose snapshot this list is taken from). This is the baseline of `benches/finding_power.rs`.
#[test]
fn every_generation_feature_off_reproduces_the_earlier_generation_draw_for_draw() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("specs/example-naive.toml")).unwrap();
    let go = root()
        .join("harness-go/cmd/billing-harness")
        .display()
        .to_string();
    let text = text.replace(
        r#"package = "../harness-go/cmd/billing-harness""#,
        &format!("package = {go:?}"),
    ) + "\n[generate]\ncorrelated = false\nmutation = false\ndictionary = false\nrare_shapes = false\nswarm = false\n";
    let spec = dir.path().join("example-naive.toml");
    std::fs::write(&spec, text).unwrap();
    let corpus = dir.path().join("corpus");
    let spec = spec.display().to_string();
    let out = parity(
        &[
            "check",
            &spec,
            "--seed",
            "1",
            "--cases",
            "20000",
            "--no-times",
            "--jobs",
            "2",
        ],
        &corpus,
    );
    assert_eq!(out.status.code(), Some(1), "findings exit with 1");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let inputs: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("  input ") || l.contains(" cases "))
        .collect();
    let earlier = [
        r#"  input      s = "0e0""#,
        r#"  input      s = "1000000000000001""#,
        r#"  input      s = "aΣ""#,
        r#"  input      s = "𒐡""#,
        r#"  input      s = "ۢ""#,
        r#"  input      s = "€""#,
        "  input      max = 2",
        r#"  input      s = "é""#,
        "  input      max = 1",
        "ParseAmount     20000 cases  2 findings",
        "Slugify         20000 cases  3 findings",
        "Truncate        20000 cases  2 findings",
    ];
    assert_eq!(inputs, earlier, "{stdout}");
}
