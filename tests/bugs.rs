//! One finding per bug, end to end through the fixtures CLI: several planted bugs at one result
//! path are told apart by the way they diverge, each is reported once with how many inputs hit
//! it, a declared difference lets a rarer bug behind it be found, and accepting a bug's snapshot
//! accepts the bug for every later seed. See: issue 8 ("One finding per bug").

mod common;

use std::path::{Path, PathBuf};

use common::{findings, function_summary, run, run_raw_env, spec};

/// The signature of a finding's bug, as the JSON report gives it.
fn signature(f: &serde_json::Value) -> String {
    f["bug"]["signature"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn three_bugs_at_one_path_are_three_findings_with_types_only_for_five_seeds() {
    for seed in 1..=5 {
        let seed = seed.to_string();
        let r = run(&[
            "check",
            &spec("bugs"),
            "--function",
            "Fixed",
            "--seed",
            &seed,
            "--format",
            "json",
            "--no-times",
        ]);
        r.assert_code(1);
        let report = r.json();
        let found = findings(&report);
        let mut shapes: Vec<String> = found.iter().map(signature).collect();
        shapes.sort();
        assert_eq!(
            shapes,
            vec![
                "ok/ok at /0 (exact): last-digit",
                "ok/ok at /0 (exact): sign",
                "ok/ok at /0 (exact): spelling(inf)",
            ],
            "seed {seed}: exactly the three planted bugs:\n{}",
            common::short(&r.to_snapshot())
        );
        let summary = function_summary(&report, "Fixed");
        let diverging = summary["diverging"].as_u64().unwrap();
        let seen: u64 = found
            .iter()
            .map(|f| f["bug"]["seen"].as_u64().unwrap())
            .sum();
        assert_eq!(
            seen, diverging,
            "seed {seed}: every diverging input is attributed to one of the bugs"
        );
        for f in &found {
            assert_eq!(f["bug"]["cases"], 20000, "the default budget: {f:#}");
            assert!(f["bug"]["seen"].as_u64().unwrap() > 0, "{f:#}");
            assert!(
                f["bug"]["further"].as_array().unwrap().len() <= 2,
                "at most two further inputs: {f:#}"
            );
        }
        let rare = found
            .iter()
            .find(|f| signature(f).ends_with("last-digit"))
            .unwrap();
        assert!(
            rare["bug"]["seen"].as_u64().unwrap() < 100,
            "seed {seed}: the last-digit bug is rare: {rare:#}"
        );
    }
}

#[test]
fn a_tie_rounding_bug_is_found_behind_a_declared_infinity_spelling() {
    // Without the declaration: the spelling of infinity and the tie rounding, two bugs.
    let r = run(&[
        "check",
        &spec("bugs"),
        "--function",
        "Tenths",
        "--seed",
        "1",
        "--format",
        "json",
        "--no-times",
    ]);
    r.assert_code(1);
    let mut shapes: Vec<String> = findings(&r.json()).iter().map(signature).collect();
    shapes.sort();
    assert_eq!(
        shapes,
        vec![
            "ok/ok at /0 (exact): last-digit",
            "ok/ok at /0 (exact): spelling(inf)",
        ],
        "{}",
        common::short(&r.to_snapshot())
    );

    // With `+Inf`/`inf` (and `-Inf`/`-inf`) declared: only the tie rounding is left, and the
    // run says how many inputs differed only as declared.
    let declared = common::fixture("bugs/declared.toml").display().to_string();
    let r = run(&[
        "check",
        &declared,
        "--seed",
        "1",
        "--format",
        "json",
        "--no-times",
    ]);
    r.assert_code(1);
    let report = r.json();
    let found = findings(&report);
    assert_eq!(found.len(), 1, "{}", common::short(&r.to_snapshot()));
    assert_eq!(signature(&found[0]), "ok/ok at /0 (exact): last-digit");
    let go = found[0]["go"].as_str().unwrap();
    let rust = found[0]["rust"].as_str().unwrap();
    assert_ne!(go, rust);
    let summary = function_summary(&report, "Tenths");
    assert!(
        summary["declared"].as_u64().unwrap() > 0,
        "inputs that differed only in the declared way are counted: {summary:#}"
    );
}

#[test]
fn the_human_report_says_how_many_inputs_hit_each_bug() {
    let r = run(&[
        "check",
        &spec("bugs"),
        "--function",
        "Fixed",
        "--seed",
        "1",
        "--no-times",
    ]);
    r.assert_code(1);
    assert!(
        r.stdout
            .contains("of 20,000 inputs (ok/ok at /0 (exact): last-digit)"),
        "{}",
        r.stdout
    );
    assert_eq!(
        r.stdout.matches("\nDIVERGENCE Fixed").count(),
        3,
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("3 findings"), "{}", r.stdout);
}

/// A copy of `specs/example-naive.toml` in a temporary project, its Truncate pointed at the
/// fixture's `review_truncate` (the naive port, whose ellipsis `PARITY_FIXTURE_ELLIPSIS` can
/// change).
struct NaiveProject {
    dir: tempfile::TempDir,
}

impl NaiveProject {
    fn new() -> NaiveProject {
        let dir = tempfile::tempdir().unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(root.join("specs/example-naive.toml")).unwrap();
        let harness = root.join("harness-go/cmd/billing-harness");
        let text = text
            .replace(
                "package = \"../harness-go/cmd/billing-harness\"",
                &format!("package = {:?}", harness.display().to_string()),
            )
            .replace("rust = \"naive_truncate\"", "rust = \"review_truncate\"");
        assert!(text.contains("review_truncate"), "the spec changed shape");
        std::fs::create_dir_all(dir.path().join("specs")).unwrap();
        std::fs::write(dir.path().join("specs/example-naive.toml"), text).unwrap();
        NaiveProject { dir }
    }

    fn check(&self, seed: u64, env: Option<&str>) -> (Option<i32>, serde_json::Value, String) {
        let args: Vec<String> = [
            "check",
            "specs/example-naive.toml",
            "--seed",
            &seed.to_string(),
            "--format",
            "json",
            "--no-times",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let env: Vec<(&str, &str)> = env
            .map(|e| ("PARITY_FIXTURE_ELLIPSIS", e))
            .into_iter()
            .collect();
        let (code, stdout, stderr, _) = run_raw_env(self.dir.path(), &args, &env);
        let json = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("seed {seed}: no JSON report ({e}):\n{stdout}\n{stderr}"));
        (code, json, format!("{stdout}\n--- stderr ---\n{stderr}"))
    }

    /// Every file below the corpus ending in `suffix`.
    fn files(&self, suffix: &str) -> Vec<PathBuf> {
        let mut out = Vec::new();
        // The corpus is beside the spec: `specs/corpus/`.
        let mut stack = vec![self.dir.path().join("specs/corpus")];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.to_string_lossy().ends_with(suffix) {
                    out.push(p);
                }
            }
        }
        out.sort();
        out
    }

    /// What `cargo insta accept` does to parity's files: every `.snap.new` becomes `.snap`.
    fn accept_everything(&self) {
        for pending in self.files(".snap.new") {
            let accepted = PathBuf::from(pending.to_string_lossy().trim_end_matches(".new"));
            std::fs::rename(&pending, accepted).unwrap();
        }
    }
}

#[test]
fn accepting_every_bug_of_the_naive_example_makes_seeds_2_to_6_pass_until_one_port_changes() {
    let p = NaiveProject::new();
    let (code, first, out) = p.check(1, None);
    assert_eq!(code, Some(1), "{out}");
    let bugs = findings(&first).len();
    assert!(bugs > 0, "{out}");
    assert_eq!(
        p.files(".snap.new").len(),
        bugs,
        "one snapshot per bug: {out}"
    );
    p.accept_everything();

    for seed in 2..=6 {
        let (code, report, out) = p.check(seed, None);
        assert_eq!(
            code,
            Some(0),
            "seed {seed}: every input of an accepted bug is known:\n{}",
            common::short(&out)
        );
        assert_eq!(report["known"].as_array().unwrap().len(), bugs, "{out}");
        assert!(
            p.files(".snap.new").is_empty(),
            "seed {seed} wrote nothing new"
        );
    }

    // Truncate's ellipsis changes: exactly the bug whose outcome shows it fails, as changed.
    let (code, report, out) = p.check(7, Some("..."));
    assert_eq!(code, Some(1), "{out}");
    let found = findings(&report);
    assert_eq!(
        found.len(),
        1,
        "exactly the changed bug fails: {}",
        common::short(&out)
    );
    assert_eq!(found[0]["function"], "Truncate");
    assert_eq!(found[0]["review"]["state"], "changed", "{:#}", found[0]);
    assert!(
        found[0]["rust"].as_str().unwrap().contains("..."),
        "{:#}",
        found[0]
    );
}
