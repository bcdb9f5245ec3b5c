//! No silent deaths (issue 7.4): a harness that dies just after replying, one that exits every few
//! calls, and one that sends a reply nobody asked for must each end in a finding (exit 1), never
//! "equivalent". Where one input causes it, the finding is pinned on that input (13 in the
//! fixtures); where none does alone, it lists the last inputs sent. Fixtures:
//! `tests/fixtures/faults/deaths.toml`, `faults/go/main.go`, `rust/faults.rs`.

mod common;

use common::{findings, fixture, input, run, Run};

/// Runs one function of the deaths spec.
fn check_one(function: &str) -> Run {
    let spec = fixture("faults").join("deaths.toml").display().to_string();
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
        "300",
        "--timeout",
        "1s",
        "--jobs",
        "1",
        "--no-times",
    ])
}

/// Asserts exit 1 and one divergence on `n = 13` whose `side` is a crash saying `why`.
fn assert_pinned_on_13(r: &Run, side: &str, why: &str) {
    r.assert_code(1);
    let report = r.json();
    let all = findings(&report);
    assert_eq!(
        all.len(),
        1,
        "want one finding:\n{}",
        common::short(&r.to_snapshot())
    );
    let f = &all[0];
    assert_eq!(f["kind"], "divergence", "{f:#}");
    assert_eq!(input(f), [("n".to_string(), "13".to_string())], "{f:#}");
    assert_eq!(f[format!("{side}_class")], "crash", "{f:#}");
    let text = f[side].as_str().unwrap_or_default();
    assert!(
        text.contains(why),
        "the {side} outcome says {text:?}, want {why:?}"
    );
}

/// Asserts exit 1 and one harness-died finding of `side` listing the last inputs sent.
fn assert_unpinned_death(r: &Run, side: &str) {
    r.assert_code(1);
    let report = r.json();
    let all = findings(&report);
    assert_eq!(
        all.len(),
        1,
        "want one finding:\n{}",
        common::short(&r.to_snapshot())
    );
    let f = &all[0];
    assert_eq!(f["kind"], "harness-died", "{f:#}");
    assert_eq!(f["harness_died"]["side"], side, "{f:#}");
    let last = f["harness_died"]["last_inputs"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!last.is_empty(), "no last inputs listed: {f:#}");
    assert_ne!(report["result"], "equivalent");
}

#[test]
fn a_go_harness_that_panics_just_after_replying_is_a_crash_finding_pinned_on_that_input() {
    let r = check_one("GoLatePanic");
    assert_pinned_on_13(&r, "go", "late panic after 13");
}

#[test]
fn a_go_harness_that_sends_a_reply_nobody_asked_for_is_a_finding_pinned_on_that_input() {
    let r = check_one("GoExtraReply");
    assert_pinned_on_13(&r, "go", "sent a reply nobody asked for");
}

#[test]
fn a_go_harness_that_exits_every_few_calls_is_a_finding_with_the_last_inputs_sent() {
    let r = check_one("GoExitEvery");
    assert_unpinned_death(&r, "go");
}

#[test]
fn a_rust_worker_whose_thread_aborts_just_after_a_call_is_a_crash_finding_pinned_on_that_input() {
    let r = check_one("RustLateAbort");
    assert_pinned_on_13(&r, "rust", "SIGABRT");
}

#[test]
fn a_rust_worker_that_exits_every_few_calls_is_a_finding_with_the_last_inputs_sent() {
    let r = check_one("RustExitEvery");
    assert_unpinned_death(&r, "rust");
}
