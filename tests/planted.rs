//! The planted-divergence fixture end to end: the real CLI on `tests/fixtures/planted/spec.toml`
//! must find every planted divergence, minimize it to exactly the known input, store it in the
//! corpus, report nothing else, and say the same thing twice for the same seed.

mod common;

use std::sync::OnceLock;

use common::{findings, function_summary, input, run, spec, Run};

/// One planted divergence: the function, its minimal input as the JSON report renders it
/// (`name`, `value`), the Go and Rust outcome classes there, and what was planted.
struct Planted {
    function: &'static str,
    input: &'static [(&'static str, &'static str)],
    go_class: &'static str,
    rust_class: &'static str,
    reason: &'static str,
}

/// The expected model: every finding the planted spec must produce, and no other.
const PLANTED: &[Planted] = &[
    Planted {
        function: "ParsePort",
        input: &[("s", r#""65536""#)],
        go_class: "error",
        rust_class: "ok",
        reason: "Rust's upper bound is 65536, Go's 65535; shrinking drops the example's \"+0\"",
    },
    Planted {
        function: "FirstByte",
        input: &[("s", r#""""#)],
        go_class: "error",
        rust_class: "panic",
        reason: "Go returns an error on \"\", Rust indexes s[0] and panics",
    },
    Planted {
        function: "FormatSci",
        input: &[("x", "0")],
        go_class: "ok",
        rust_class: "ok",
        reason: "Go writes 0.000e+00, Rust's {:.3e} writes 0.000e0; 0 is the simplest float",
    },
    Planted {
        function: "Upper",
        input: &[("s", r#""ß""#)],
        go_class: "ok",
        rust_class: "ok",
        reason: "Go's ToUpper keeps ß (no single-rune upper case), Rust's to_uppercase gives SS",
    },
    Planted {
        function: "Words",
        input: &[("s", r#""""#)],
        go_class: "ok",
        rust_class: "ok",
        reason: "Go returns a nil slice, Rust an empty Vec, compared with nil_equals_empty = false",
    },
    Planted {
        function: "MaxZero",
        input: &[("x", "NaN")],
        go_class: "ok",
        rust_class: "ok",
        reason: "Go's math.Max propagates NaN, Rust's port returns 0",
    },
    Planted {
        function: "Clamp",
        input: &[("n", "100")],
        go_class: "ok",
        rust_class: "ok",
        reason: "Go caps at 100, Rust at 99: off by one at the boundary",
    },
    Planted {
        function: "Spin",
        input: &[("s", r#""spin""#)],
        go_class: "ok",
        rust_class: "timeout",
        reason: "Rust loops forever on \"spin\"",
    },
    Planted {
        function: "Nest",
        input: &[("s", r#""deep""#)],
        go_class: "ok",
        rust_class: "crash",
        reason: "Rust recurses without end on \"deep\" and overflows its stack",
    },
];

/// The arguments of every planted run; `--no-times` makes reports comparable byte for byte.
const ARGS: &[&str] = &[
    "--format",
    "json",
    "--seed",
    "1",
    "--cases",
    "3000",
    "--timeout",
    "300ms",
    "--no-times",
];

fn planted_args() -> Vec<String> {
    let mut args = vec!["check".to_string(), spec("planted")];
    args.extend(ARGS.iter().map(|a| a.to_string()));
    args
}

/// The planted run, shared by the tests below (it is the expensive part).
fn planted_run() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| {
        let args = planted_args();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&args)
    })
}

fn finding_of<'a>(report: &'a serde_json::Value, function: &str) -> Vec<&'a serde_json::Value> {
    report["findings"]
        .as_array()
        .map(|fs| fs.iter().filter(|f| f["function"] == function).collect())
        .unwrap_or_default()
}

#[test]
fn every_planted_divergence_is_found_and_minimized_to_its_known_input() {
    let r = planted_run();
    r.assert_code(1);
    let report = r.json();
    let mut wrong = Vec::new();
    for p in PLANTED {
        let found = finding_of(&report, p.function);
        let want: Vec<(String, String)> = p
            .input
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        match found.as_slice() {
            [f] => {
                let got = (input(f), f["go_class"].clone(), f["rust_class"].clone());
                if got != (want.clone(), p.go_class.into(), p.rust_class.into()) {
                    wrong.push(format!(
                        "{}: want {want:?} {} vs {}, got {:?} {} vs {} ({})",
                        p.function, p.go_class, p.rust_class, got.0, got.1, got.2, p.reason
                    ));
                }
                if f["kind"] != "divergence" || f["origin"] != "generated" {
                    wrong.push(format!(
                        "{}: want a generated divergence, got kind {} origin {}",
                        p.function, f["kind"], f["origin"]
                    ));
                }
            }
            other => wrong.push(format!(
                "{}: want one finding ({}), got {}: {other:#?}",
                p.function,
                p.reason,
                other.len()
            )),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn nothing_but_the_planted_divergences_is_reported() {
    let r = planted_run();
    let report = r.json();
    let extra: Vec<_> = findings(&report)
        .into_iter()
        .filter(|f| !PLANTED.iter().any(|p| f["function"] == p.function))
        .collect();
    assert!(extra.is_empty(), "unexpected findings: {extra:#?}");
    assert_eq!(report["result"], "findings");
    assert_eq!(
        findings(&report).len(),
        PLANTED.len(),
        "one finding per planted divergence"
    );
    let add = function_summary(&report, "Add");
    assert_eq!(
        (add["cases"].as_u64(), add["findings"].as_u64()),
        (Some(3000), Some(0)),
        "the control ran every case and agreed: {add:#}"
    );
}

#[test]
fn every_planted_divergence_is_stored_in_the_corpus() {
    let r = planted_run();
    let report = r.json();
    for f in findings(&report) {
        let file = f["corpus_file"]
            .as_str()
            .unwrap_or_else(|| panic!("{} has no corpus file: {f:#}", f["function"]));
        let path = r.work.path().join(file);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("corpus file {} of {}: {e}", path.display(), f["function"]));
        assert!(!text.is_empty(), "{} is empty", path.display());
    }
}

#[test]
fn the_same_seed_gives_a_byte_identical_report() {
    let first = planted_run();
    let args = planted_args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let second = run(&args);
    second.assert_code(1);
    let differing: Vec<String> = first
        .stdout
        .lines()
        .zip(second.stdout.lines())
        .enumerate()
        .filter(|(_, (a, b))| a != b)
        .take(10)
        .map(|(i, (a, b))| format!("line {}:\n  first:  {a}\n  second: {b}", i + 1))
        .collect();
    assert!(
        first.stdout == second.stdout,
        "two runs with seed 1 differ ({} and {} lines); first differing lines:\n{}",
        first.stdout.lines().count(),
        second.stdout.lines().count(),
        differing.join("\n")
    );
}
