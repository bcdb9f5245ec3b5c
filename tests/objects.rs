//! Stateful objects end to end: the real CLI on the specs of `tests/fixtures/objects/` (Go types
//! registered with `harness.Object` in `go/main.go`, their Rust twins in
//! `tests/fixtures/rust/objects.rs`) must report a crash with the calls that led to it and go on,
//! keep preconditions while shrinking, resolve references on each side with that side's own
//! values, and say the same thing twice for the same seed.

mod common;

use common::procs::Parity;
use common::{findings, fixture, run, Run};
use serde_json::Value;

/// The arguments of every run: `--ci` writes no corpus (the runs also get a temporary one), and
/// `--no-times` makes reports comparable byte for byte.
const ARGS: &[&str] = &["--ci", "--format", "json", "--no-times", "--cases", "200"];

/// The absolute path of `tests/fixtures/objects/<name>.toml`.
fn spec(name: &str) -> String {
    fixture("objects")
        .join(format!("{name}.toml"))
        .display()
        .to_string()
}

/// `parity check` of the objects spec `name` with [`ARGS`], seed `seed`.
fn check(name: &str, seed: &str) -> Run {
    let spec = spec(name);
    let mut args = vec!["check", spec.as_str(), "--seed", seed];
    args.extend(ARGS);
    run(&args)
}

/// The findings of `report` for `function` (`Object.Method`).
fn findings_of(report: &Value, function: &str) -> Vec<Value> {
    findings(report)
        .into_iter()
        .filter(|f| f["function"] == function)
        .collect()
}

/// A rendered sequence (`sequence.steps` or `sequence.rust_steps`) as strings.
fn steps(finding: &Value, key: &str) -> Vec<String> {
    serde_json::from_value(finding["sequence"][key].clone())
        .unwrap_or_else(|e| panic!("sequence.{key} is not a list of strings ({e}): {finding:#}"))
}

/// The call of a rendered step, `"2. file.Read() → go: …"` → `"file.Read()"`.
fn call(step: &str) -> &str {
    let after_number = step.split_once(". ").map_or(step, |(_, rest)| rest);
    after_number
        .split_once('→')
        .map_or(after_number, |(c, _)| c)
        .trim()
}

/// The calls of a finding's Go sequence.
fn calls(finding: &Value) -> Vec<String> {
    steps(finding, "steps")
        .iter()
        .map(|s| call(s).to_string())
        .collect()
}

#[test]
fn a_crash_mid_sequence_is_a_finding_with_the_whole_sequence_and_the_run_goes_on() {
    let spec = spec("crash");
    let mut args = vec!["check", spec.as_str(), "--seed", "1"];
    args.extend(ARGS);
    let mut parity = Parity::start(&args);
    let (code, stdout) = parity.run_to_end(common::DEADLINE);
    // The aborted workers, their replacements and the Go harnesses are all gone with the run.
    parity.assert_descendants_gone();
    assert!(
        parity.seen().len() >= 3,
        "a crashed worker is replaced, so the run had more than one Go and one Rust harness: {:?}",
        parity.seen()
    );
    assert_eq!(code, Some(1), "{stdout}");
    let report: Value = serde_json::from_str(&stdout).expect("one JSON report");

    let crash = findings_of(&report, "Counter.Inc");
    assert_eq!(crash.len(), 1, "one crash finding: {report:#}");
    let crash = &crash[0];
    assert_eq!(crash["go_class"], "ok", "{crash:#}");
    assert_eq!(crash["rust_class"], "crash", "{crash:#}");
    assert_eq!(
        calls(crash),
        [
            "NewCounter()",
            "counter.Inc()",
            "counter.Inc()",
            "counter.Inc()"
        ],
        "the two calls before the crash are in the minimized sequence: {crash:#}"
    );
    let steps = steps(crash, "steps");
    assert!(
        steps[1].ends_with("→ ok 1") && steps[2].ends_with("→ ok 2"),
        "the calls before the crash agree, with their results: {steps:#?}"
    );
    assert!(
        steps[3].contains("rust: crash"),
        "the last call is the crash: {steps:#?}"
    );

    // The Echo object comes after the crash in the spec, and its own bug is still found.
    let echo = findings_of(&report, "Echo.Say");
    assert_eq!(echo.len(), 1, "Echo's divergence is reported: {report:#}");
    assert_eq!(
        calls(&echo[0]),
        ["NewEcho()", "echo.Say(0)"],
        "{:#}",
        echo[0]
    );
    assert_eq!(findings(&report).len(), 2, "no other finding: {report:#}");
}

#[test]
fn a_precondition_is_respected_while_shrinking() {
    let run = check("precondition", "1");
    run.assert_code(1);
    let report = run.json();
    let all = findings(&report);
    // Read between Open and Close returns "data" on the Go side; a Read the preconditions forbid
    // would return "unopened" or "closed" there, a finding of its own (bugs differ by value).
    for f in &all {
        let mut open = false;
        for c in calls(f) {
            match c.as_str() {
                "file.Open()" => open = true,
                "file.Close()" => open = false,
                "file.Read()" => assert!(open, "Read called while not open: {f:#}"),
                _ => {}
            }
        }
    }
    assert_eq!(
        all.len(),
        1,
        "only the precondition-keeping bug: {report:#}"
    );
    assert_eq!(all[0]["function"], "File.Read", "{report:#}");
    assert_eq!(
        calls(&all[0]),
        ["NewFile()", "file.Open()", "file.Read()"],
        "shrinking keeps the Open that Read needs: {report:#}"
    );
}

#[test]
fn references_are_resolved_per_side_so_different_ids_are_equivalent() {
    let run = check("references", "1");
    run.assert_code(0);
    let report = run.json();
    assert_eq!(findings(&report), Vec::<Value>::new(), "{report:#}");
    assert_eq!(report["result"], "equivalent", "{report:#}");
}

#[test]
fn a_bug_behind_a_reference_is_found_with_each_sides_own_ids() {
    let run = check("references-bug", "1");
    run.assert_code(1);
    let report = run.json();
    let all = findings(&report);
    assert_eq!(all.len(), 1, "{report:#}");
    let f = &all[0];
    assert_eq!(f["function"], "Registry.Lookup", "{f:#}");
    assert_eq!(
        calls(f),
        [
            "NewRegistry()",
            "registry.Issue()",
            "registry.Issue()",
            "registry.Lookup(2)"
        ],
        "Go looks up the second id it issued: {f:#}"
    );
    let rust: Vec<String> = steps(f, "rust_steps")
        .iter()
        .map(|s| call(s).to_string())
        .collect();
    assert_eq!(
        rust,
        [
            "RegistryBuggy::new()",
            "registry.issue()",
            "registry.issue()",
            "registry.lookup(1001)"
        ],
        "Rust looks up the second id it issued: {f:#}"
    );
    assert!(
        steps(f, "steps")[3].contains(r#"go: ok "item-2"   rust: ok "item-1""#),
        "{f:#}"
    );
}

#[test]
fn the_same_seed_gives_the_same_report() {
    let first = check("crash", "7");
    let second = check("crash", "7");
    first.assert_code(1);
    second.assert_code(1);
    assert_eq!(
        findings(&first.json()).len(),
        2,
        "the report compared holds both findings: {}",
        first.stdout
    );
    assert_eq!(first.stdout, second.stdout);
    let first = check("references-bug", "7");
    let second = check("references-bug", "7");
    first.assert_code(1);
    assert_eq!(first.stdout, second.stdout);
}
