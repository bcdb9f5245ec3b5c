//! Faults on either side, each on the single input 13: every one must become one finding on that
//! input with the right outcome classes, the harness must be restarted or keep serving so that the
//! run goes on, and the process must end with exit code 1 (findings), never 4 or a hang. Plus the
//! start-up failures: a Go build error (3), a harness that answers garbage (findings), and a spec
//! whose signature disagrees with the harness (2, pointing at the spec).

mod common;

use common::{findings, fixture, function_summary, input, run, spec, Run};

/// Cases per function: enough to show that the harness keeps answering after the fault.
const CASES: u64 = 200;

/// Runs one function of the faults spec.
fn check_one(function: &str) -> Run {
    let spec = spec("faults");
    let cases = CASES.to_string();
    run(&[
        "check",
        &spec,
        "--function",
        function,
        "--format",
        "json",
        "--seed",
        "1",
        "--cases",
        &cases,
        "--timeout",
        "300ms",
        "--jobs",
        "1",
        "--no-times",
    ])
}

/// Asserts that the run of `function` ended with exit code 1, ran every case, and reported
/// exactly one divergence on `n = 13` with the given classes; returns that finding.
fn assert_one_finding_on_13(r: &Run, function: &str, go: &str, rust: &str) -> serde_json::Value {
    r.assert_code(1);
    let report = r.json();
    let all = findings(&report);
    assert_eq!(
        all.len(),
        1,
        "want one finding: {}",
        common::short(&r.to_snapshot())
    );
    let f = &all[0];
    assert_eq!(f["function"], function);
    assert_eq!(f["kind"], "divergence");
    assert_eq!(input(f), [("n".to_string(), "13".to_string())]);
    assert_eq!(
        (f["go_class"].as_str(), f["rust_class"].as_str()),
        (Some(go), Some(rust)),
        "classes of {function}: {}",
        common::short(&f.to_string())
    );
    let summary = function_summary(&report, function);
    assert_eq!(
        summary["cases"].as_u64(),
        Some(CASES),
        "every case ran, before and after the fault: {summary:#}"
    );
    f.clone()
}

/// Asserts that the run of `function` found nothing and ended with exit code 0.
fn assert_agreement(r: &Run, function: &str) {
    r.assert_code(0);
    let report = r.json();
    assert_eq!(report["result"], "equivalent");
    assert_eq!(
        function_summary(&report, function)["cases"].as_u64(),
        Some(CASES)
    );
}

#[test]
fn a_go_panic_on_one_input_is_a_panic_finding_and_the_harness_keeps_serving() {
    let r = check_one("GoPanic");
    let f = assert_one_finding_on_13(&r, "GoPanic", "panic", "ok");
    assert!(
        f["go"]
            .as_str()
            .unwrap_or_default()
            .contains("planted panic on 13"),
        "the panic message is shown: {f:#}"
    );
}

#[test]
fn a_go_os_exit_on_one_input_is_a_crash_finding_and_the_run_goes_on() {
    let r = check_one("GoExit");
    let f = assert_one_finding_on_13(&r, "GoExit", "crash", "ok");
    assert!(
        f["go"].as_str().unwrap_or_default().contains("status 3"),
        "the exit status is shown: {f:#}"
    );
}

#[test]
fn a_go_fatal_runtime_error_on_one_input_is_a_crash_finding_and_the_run_goes_on() {
    let r = check_one("GoFatal");
    let f = assert_one_finding_on_13(&r, "GoFatal", "crash", "ok");
    assert!(
        f["go"]
            .as_str()
            .unwrap_or_default()
            .contains("exited with status 2"),
        "Go's fatal-error exit status is shown: {f:#}"
    );
}

#[test]
fn a_go_infinite_loop_on_one_input_is_a_timeout_finding_and_the_run_goes_on() {
    let r = check_one("GoHang");
    assert_one_finding_on_13(&r, "GoHang", "timeout", "ok");
}

#[test]
fn a_go_stack_overflow_on_one_input_is_a_crash_finding_and_the_run_goes_on() {
    let r = check_one("GoStackOverflow");
    let f = assert_one_finding_on_13(&r, "GoStackOverflow", "crash", "ok");
    assert!(
        f["go"]
            .as_str()
            .unwrap_or_default()
            .contains("exited with status 2: runtime: goroutine stack exceeds"),
        "Go's exit status and stack overflow message are shown: {f:#}"
    );
}

#[test]
fn a_sixteen_mebibyte_result_on_both_sides_is_agreement() {
    let r = check_one("GoHugeOutput");
    assert_agreement(&r, "GoHugeOutput");
}

#[test]
fn sixteen_mebibyte_results_differing_in_the_last_byte_are_one_divergence() {
    let r = check_one("GoHugeDiff");
    assert_one_finding_on_13(&r, "GoHugeDiff", "ok", "ok");
}

#[test]
fn go_code_printing_to_stdout_does_not_corrupt_the_protocol() {
    let r = check_one("GoStdout");
    assert_agreement(&r, "GoStdout");
}

#[test]
fn an_eight_mebibyte_stderr_flood_is_drained_and_is_agreement() {
    let r = check_one("GoStderrFlood");
    assert_agreement(&r, "GoStderrFlood");
}

#[test]
fn a_rust_panic_on_one_input_is_a_panic_finding_and_the_worker_keeps_serving() {
    let r = check_one("RustPanic");
    let f = assert_one_finding_on_13(&r, "RustPanic", "ok", "panic");
    assert!(
        f["rust"]
            .as_str()
            .unwrap_or_default()
            .contains("planted panic on 13"),
        "the panic message is shown: {f:#}"
    );
}

#[test]
fn a_rust_abort_on_one_input_is_a_crash_finding_and_the_run_goes_on() {
    let r = check_one("RustAbort");
    let f = assert_one_finding_on_13(&r, "RustAbort", "ok", "crash");
    assert!(
        f["rust"].as_str().unwrap_or_default().contains("SIGABRT"),
        "the signal is named: {f:#}"
    );
}

#[test]
fn a_rust_stack_overflow_on_one_input_is_a_crash_finding_and_the_run_goes_on() {
    let r = check_one("RustStackOverflow");
    let f = assert_one_finding_on_13(&r, "RustStackOverflow", "ok", "crash");
    assert!(
        f["rust"]
            .as_str()
            .unwrap_or_default()
            .contains("overflowed its stack"),
        "Rust's stack overflow message is shown: {f:#}"
    );
}

#[test]
fn a_rust_infinite_loop_on_one_input_is_a_timeout_finding_and_the_run_goes_on() {
    let r = check_one("RustHang");
    assert_one_finding_on_13(&r, "RustHang", "ok", "timeout");
}

/// The functions of `faults/crashes.toml` in order, with their expected findings.
const CRASHES: &[(&str, u64)] = &[
    ("GoExit", 1),
    ("GoStdout", 0),
    ("GoFatal", 1),
    ("RustAbort", 1),
    ("GoStackOverflow", 1),
    ("GoStderrFlood", 0),
    ("RustStackOverflow", 1),
    ("GoPanic", 1),
    ("RustPanic", 1),
];

#[test]
fn after_crashes_on_either_side_one_run_still_checks_every_function() {
    let spec = fixture("faults").join("crashes.toml").display().to_string();
    let r = run(&[
        "check",
        &spec,
        "--format",
        "json",
        "--seed",
        "1",
        "--cases",
        "50",
        "--timeout",
        "300ms",
        "--no-times",
    ]);
    r.assert_code(1);
    let report = r.json();
    let got: Vec<(String, u64, u64)> = report["functions"]
        .as_array()
        .expect("a functions array")
        .iter()
        .map(|f| {
            (
                f["function"].as_str().unwrap_or_default().to_string(),
                f["cases"].as_u64().unwrap_or_default(),
                f["findings"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    let want: Vec<(String, u64, u64)> = CRASHES
        .iter()
        .map(|(name, n)| (name.to_string(), 50, *n))
        .collect();
    assert_eq!(got, want, "{}", common::short(&r.to_snapshot()));
    for f in findings(&report) {
        assert_eq!(input(&f), [("n".to_string(), "13".to_string())], "{f:#}");
    }
}

/// Runs the malformed-harness spec.
fn malformed_run() -> Run {
    let spec = spec("malformed");
    run(&[
        "check",
        &spec,
        "--format",
        "json",
        "--seed",
        "1",
        "--cases",
        "20",
        "--timeout",
        "300ms",
        "--jobs",
        "1",
        "--no-times",
    ])
}

#[test]
fn a_harness_that_answers_garbage_gives_a_crash_finding_that_says_malformed_reply() {
    let r = malformed_run();
    r.assert_code(1);
    let report = r.json();
    let all = findings(&report);
    // Every input crashes the same way: the check stops after the first inputs with one finding.
    assert_eq!(all.len(), 1, "{}", r.to_snapshot());
    let f = &all[0];
    assert_eq!(f["kind"], "every-input-fails", "{f:#}");
    assert_eq!(
        (f["go_class"].as_str(), f["rust_class"].as_str()),
        (Some("crash"), Some("ok"))
    );
    assert!(
        f["go"]
            .as_str()
            .unwrap_or_default()
            .contains("malformed reply"),
        "the finding names the malformed reply: {f:#}"
    );
    assert_eq!(
        function_summary(&report, "Echo")["cases"].as_u64(),
        Some(16),
        "the first 16 inputs were tried, each on a restarted harness, then the check stopped"
    );
}

#[test]
fn a_go_build_error_exits_3_and_shows_the_compiler_error_and_a_hint() {
    let spec = spec("build-error");
    let r = run(&["check", &spec, "--seed", "1", "--cases", "10"]);
    r.assert_code(3);
    assert!(
        r.stderr.contains("syntax error") && r.stderr.contains("main.go:9"),
        "go's message is shown:\n{}",
        r.to_snapshot()
    );
    assert!(
        r.stderr.contains("hint"),
        "a hint is given:\n{}",
        r.to_snapshot()
    );
}

#[test]
fn a_signature_mismatch_exits_2_and_points_at_the_spec() {
    let spec = spec("mismatch");
    let r = run(&["check", &spec, "--seed", "1", "--cases", "10"]);
    r.assert_code(2);
    // The argument `n` is declared on line 10, column 9 of the spec.
    assert!(
        r.stderr.contains("mismatch/spec.toml:10:9:") && r.stderr.contains("`string`"),
        "the error points at the argument (file:line:col):\n{}",
        r.to_snapshot()
    );
}
