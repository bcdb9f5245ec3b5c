//! Budgets that run out, and runs that check nothing: a timeout is believed only when it happens
//! again with a larger budget (else it is *slow*, not a finding); a function failing on every
//! input stops early with one finding; zero budgets are usage errors; a run in which no input was
//! checked never says "equivalent"; a harness that never handshakes is reported soon, with what
//! it printed. The fixture is `tests/fixtures/budgets` and `tests/fixtures/rust/budgets.rs`.

mod common;

use std::time::Duration;

use common::{findings, function_summary, run, spec};

fn check(function: &str, extra: &[&str]) -> common::Run {
    let spec = spec("budgets");
    let mut args = vec![
        "check",
        &spec,
        "--function",
        function,
        "--seed",
        "1",
        "--jobs",
        "1",
        "--format",
        "json",
        "--no-times",
    ];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn a_zero_timeout_time_or_case_count_is_a_usage_error_naming_the_flag_and_the_fix() {
    for (flag, value, hint) in [
        ("--timeout", "0s", "must be positive"),
        ("--timeout", "0", "must be positive"),
        ("--time", "0s", "must be positive"),
        ("--cases", "0", "parity corpus replay"),
    ] {
        let r = check("Identity", &[flag, value]);
        r.assert_code(2);
        assert!(
            r.stderr.contains(flag) && r.stderr.contains(hint),
            "{flag} {value}:\n{}",
            r.to_snapshot()
        );
        assert!(
            !r.work.path().join("corpus").exists(),
            "nothing ran, nothing was stored"
        );
    }
}

#[test]
fn a_timeout_that_does_not_reproduce_with_the_larger_budget_is_slow_not_a_finding() {
    // 13 takes 300 ms on the Go side: a timeout at 50 ms, but an answer within the 1 s budget.
    let r = check("SlowOn13", &["--cases", "200", "--timeout", "50ms"]);
    r.assert_code(0);
    let report = r.json();
    assert_eq!(findings(&report).len(), 0, "{report:#}");
    let slow = report["slow"].as_array().cloned().unwrap_or_default();
    assert!(
        slow.iter()
            .any(|s| s["go_call"] == "SlowOn13(13)" && s["side"] == "go"),
        "the slow call is reported with its input: {report:#}"
    );
    assert_eq!(report["result"], "equivalent", "{report:#}");
    assert!(
        !r.work.path().join("corpus").exists(),
        "a slow call is never stored"
    );
}

#[test]
fn a_slow_call_is_reported_as_slow_in_the_human_report_with_the_flag_to_raise() {
    let spec = spec("budgets");
    let r = run(&[
        "check",
        &spec,
        "--function",
        "SlowOn13",
        "--seed",
        "1",
        "--jobs",
        "1",
        "--cases",
        "50",
        "--timeout",
        "50ms",
    ]);
    r.assert_code(0);
    assert!(
        r.stdout.contains("SLOW SlowOn13: the go side took "),
        "{}",
        r.to_snapshot()
    );
    assert!(r.stdout.contains("not a finding"), "{}", r.to_snapshot());
    assert!(r.stdout.contains("raise --timeout"), "{}", r.to_snapshot());
    assert!(
        !r.stdout.contains("NONDETERMINISTIC"),
        "{}",
        r.to_snapshot()
    );
    assert!(!r.stdout.contains("DIVERGENCE"), "{}", r.to_snapshot());
}

#[test]
fn a_function_that_crashes_on_every_input_stops_early_with_one_finding_and_the_run_goes_on() {
    let spec = spec("budgets");
    // No --function: ExitAlways first, then the other functions of the spec still run.
    let r = run(&[
        "check",
        &spec,
        "--seed",
        "1",
        "--jobs",
        "1",
        "--cases",
        "50",
        "--format",
        "json",
        "--no-times",
        "--timeout",
        "2s",
    ]);
    let report = r.json();
    let gave_up: Vec<_> = findings(&report)
        .into_iter()
        .filter(|f| f["function"] == "ExitAlways")
        .collect();
    assert_eq!(gave_up.len(), 1, "{report:#}");
    let f = &gave_up[0];
    assert_eq!(f["kind"], "every-input-fails", "{f:#}");
    assert_eq!(f["every_input_fails"]["side"], "go", "{f:#}");
    assert_eq!(f["every_input_fails"]["how"], "crashes", "{f:#}");
    assert_eq!(f["go_class"], "crash", "{f:#}");
    assert!(
        f["go"]
            .as_str()
            .unwrap_or_default()
            .contains("exited with status 3"),
        "{f:#}"
    );
    let stopped = function_summary(&report, "ExitAlways");
    assert_eq!(
        stopped["cases"], 16,
        "stopped after the first inputs: {stopped:#}"
    );
    // The next functions ran their whole budget.
    assert_eq!(
        function_summary(&report, "Identity")["cases"],
        50,
        "{report:#}"
    );
    r.assert_code(1);
}

#[test]
fn a_function_slower_than_the_timeout_on_every_input_checks_nothing_and_exits_5() {
    let r = check("SlowAlways", &["--cases", "500", "--timeout", "20ms"]);
    r.assert_code(5);
    let report = r.json();
    assert_eq!(report["result"], "nothing-checked", "{report:#}");
    assert_eq!(findings(&report).len(), 0, "{report:#}");
    let slow = report["slow"].as_array().cloned().unwrap_or_default();
    assert_eq!(slow.len(), 1, "{report:#}");
    assert_eq!(slow[0]["every_input"], true, "{report:#}");
    assert_eq!(function_summary(&report, "SlowAlways")["all_slow"], true);
}

#[test]
fn a_function_whose_every_input_is_rejected_is_not_equivalent_and_exits_5() {
    let r = check("Rejected", &["--cases", "300"]);
    r.assert_code(5);
    let report = r.json();
    assert_eq!(report["result"], "nothing-checked", "{report:#}");
    let s = function_summary(&report, "Rejected");
    assert_eq!(
        (s["cases"].as_u64(), s["rejected"].as_u64()),
        (Some(300), Some(300))
    );

    let spec = spec("budgets");
    let human = run(&[
        "check",
        &spec,
        "--function",
        "Rejected",
        "--seed",
        "1",
        "--cases",
        "50",
    ]);
    human.assert_code(5);
    assert!(
        human
            .stdout
            .contains("result: nothing checked for Rejected"),
        "{}",
        human.to_snapshot()
    );
    assert!(
        !human.stdout.contains("equivalent over"),
        "{}",
        human.to_snapshot()
    );
}

/// A spec whose Go side is `sh -c SCRIPT`: a program that never handshakes.
fn silent_harness_spec(dir: &std::path::Path, script: &str) -> String {
    let path = dir.join("silent.toml");
    std::fs::write(
        &path,
        format!(
            "[go]\ncommand = [\"sh\", \"-c\", {script:?}]\n\n[[function]]\nname = \"Identity\"\n\
             rust = \"budgets_identity\"\nargs = [{{ name = \"n\", type = \"i64\" }}]\nresults = [\"i64\"]\n"
        ),
    )
    .unwrap();
    path.display().to_string()
}

#[test]
fn a_harness_that_never_handshakes_is_reported_after_the_handshake_timeout_with_what_it_printed() {
    let dir = tempfile::tempdir().unwrap();
    let spec = silent_harness_spec(
        dir.path(),
        "printf 'hello'; echo 'starting up' >&2; exec sleep 30",
    );
    let r = run(&["check", &spec, "--cases", "10", "--handshake-timeout", "1s"]);
    r.assert_code(3);
    assert!(r.elapsed < Duration::from_secs(10), "{:?}", r.elapsed);
    for want in [
        "no handshake within 1.0s",
        "5 bytes on stdout but no complete line: \"hello\"",
        "starting up",
        "--handshake-timeout",
    ] {
        assert!(r.stderr.contains(want), "{want}:\n{}", r.to_snapshot());
    }

    let silent = silent_harness_spec(dir.path(), "exec sleep 30");
    let mut args = vec!["check".to_string(), silent, "--cases".into(), "10".into()];
    args.extend(["--corpus".to_string(), "corpus".to_string()]);
    let (code, _, stderr, elapsed) =
        common::run_raw_env(dir.path(), &args, &[("PARITY_HANDSHAKE_TIMEOUT", "1s")]);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    assert!(
        stderr.contains("received nothing on stdout, nothing on stderr"),
        "{stderr}"
    );
}

#[test]
fn a_silent_harness_is_given_up_on_after_ten_seconds_by_default_not_sixty() {
    let dir = tempfile::tempdir().unwrap();
    let spec = silent_harness_spec(dir.path(), "exec sleep 60");
    let r = run(&["check", &spec, "--cases", "10"]);
    r.assert_code(3);
    assert!(
        r.stderr.contains("no handshake within 10.0s"),
        "{}",
        r.to_snapshot()
    );
    assert!(r.elapsed < Duration::from_secs(30), "{:?}", r.elapsed);
}
