//! The finding-power fixture end to end: with types only (no range, length, charset or regex
//! hints) and the default budget, `check` on `tests/fixtures/power/spec.toml` must find every
//! planted bug, each of a shape independent random values almost never have. The times to the
//! first finding, before and after the generation features, are the benchmark's
//! (`cargo bench --bench finding_power`), not a test's.

mod common;

use std::sync::OnceLock;

use common::{findings, fixture, input, run, spec, Run};

/// One planted bug: the function, what a finding of it must look like, its documented minimal
/// input and why it needs the shape.
struct Planted {
    function: &'static str,
    /// Holds for the input (`name`, rendered value) pairs of a finding of this bug.
    shape: fn(&[(String, String)]) -> bool,
    minimal: &'static str,
    reason: &'static str,
}

fn arg<'a>(input: &'a [(String, String)], name: &str) -> &'a str {
    input
        .iter()
        .find(|(n, _)| n == name)
        .map_or("", |(_, v)| v.as_str())
}

const PLANTED: &[Planted] = &[
    Planted {
        function: "SameFold",
        shape: |i| arg(i, "a") != arg(i, "b"),
        minimal: r#"a = "i", b = "ı""#,
        reason: "EqualFold (simple folding) against full upper-case mappings: needs b related to a",
    },
    Planted {
        function: "ParseDuration",
        shape: |i| arg(i, "s").chars().filter(char::is_ascii_digit).count() >= 7,
        minimal: r#"s = "5124096h""#,
        reason: "the unit multiplication wraps: a documented example with a longer digit run",
    },
    Planted {
        function: "SortByKey",
        // Go's sort.Slice is stable up to 12 items, so every divergence has more (the rendered
        // input is clipped, so its items cannot be counted here).
        shape: |i| arg(i, "items").starts_with("[Item{"),
        minimal: r#"[11 times {0, ""}, {0, "a"}, {-1, ""}]: sort.Slice moves "a" behind an equal key"#,
        reason: "sort.Slice is unstable above its 12-element insertion-sort cut-off",
    },
    Planted {
        function: "FormatCents",
        shape: |i| {
            let x: f64 = arg(i, "x").parse().unwrap_or(0.5);
            (x * 8.0).fract() == 0.0 && (x * 4.0).fract() != 0.0
        },
        minimal: "x = 0.125",
        reason: "ties round to even in Go, up in the port: only exact ties differ",
    },
    Planted {
        function: "HeaderKind",
        shape: |i| arg(i, "name") == r#""x-request-id""#,
        minimal: r#"name = "x-request-id""#,
        reason: "the port forgot one string constant of the Go source",
    },
    Planted {
        function: "Digits",
        shape: |i| arg(i, "n").trim_start_matches('-').len() >= 15,
        minimal: "n = 999999999999998",
        reason: "a float log10 rounds up just below large powers of ten",
    },
];

const ARGS: &[&str] = &["--format", "json", "--seed", "1", "--no-times"];

fn power_run() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| {
        let path = spec("power");
        let mut args = vec!["check", path.as_str()];
        args.extend(ARGS);
        run(&args)
    })
}

#[test]
fn every_planted_bug_of_the_power_suite_is_found_with_types_only() {
    let r = power_run();
    r.assert_code(1);
    let report = r.json();
    let all = findings(&report);
    let mut missed = Vec::new();
    for p in PLANTED {
        let of: Vec<Vec<(String, String)>> = all
            .iter()
            .filter(|f| f["function"] == p.function && f["origin"] == "generated")
            .map(input)
            .collect();
        if !of.iter().any(|i| (p.shape)(i)) {
            missed.push(format!(
                "{}: no finding of the planted shape ({}; minimal {}); found {of:?}",
                p.function, p.reason, p.minimal
            ));
        }
    }
    assert!(missed.is_empty(), "{}", missed.join("\n"));
}

#[test]
fn the_summary_says_how_many_tokens_the_go_source_gave() {
    let report = power_run().json();
    let tokens = report["dictionary_tokens"].as_u64().unwrap_or(0);
    // Units, header names, results, registered names and numbers of go/main.go.
    assert!(tokens >= 20, "dictionary tokens: {tokens}");
}

#[test]
fn switching_the_dictionary_off_hides_the_string_constant() {
    // The same spec with `[generate] dictionary = false`, its Go package given absolutely.
    let dir = tempfile::tempdir().expect("a temp dir");
    let text = std::fs::read_to_string(spec("power")).expect("the power spec");
    let go = fixture("power/go").display().to_string();
    let text = text.replace(r#"package = "go""#, &format!("package = {go:?}"))
        + "\n[generate]\ndictionary = false\n";
    let path = dir.path().join("power-nodict.toml");
    std::fs::write(&path, text).expect("write the spec");
    let path = path.display().to_string();
    let mut args = vec!["check", path.as_str(), "--function", "HeaderKind"];
    args.extend(ARGS);
    let r = run(&args);
    r.assert_code(0);
    assert_eq!(r.json()["dictionary_tokens"], 0);
}
