//! HTTP endpoints end to end (issue 10): the real parity binary against real servers on
//! 127.0.0.1, started from the small fixture service `tests/fixtures/http/go` (one Go program,
//! which also plays the "Rust" side with `-side rust`: the server side of parity does not care
//! what language a server is written in). Each behaviour has its own spec under
//! `tests/fixtures/http/`: planted bugs, noise, per-side references, a crash, a hang, servers
//! that never become ready, a chatty server, signals, determinism and the JSON report.
//!
//! Every test asserts on what a user sees: the exit code, the report's lines, the JSON report.
//! Signal tests track the processes their own parity started, by PID (see `common::procs`).

mod common;

use std::time::Duration;

use common::procs::Parity;
use common::Run;

/// The absolute path of `tests/fixtures/http/<name>.toml`.
fn http_spec(name: &str) -> String {
    common::fixture("http")
        .join(format!("{name}.toml"))
        .display()
        .to_string()
}

/// `parity check` of `tests/fixtures/http/<name>.toml` with `args` after it.
fn check(name: &str, args: &[&str]) -> Run {
    let spec = http_spec(name);
    let mut all = vec!["check", spec.as_str()];
    all.extend_from_slice(args);
    common::run(&all)
}

/// The `sequence` block of the finding of `endpoint` in a text report: its curl lines, as sent
/// to Go, then (when they differ) as sent to Rust.
fn sequence_lines(run: &Run, endpoint: &str) -> (Vec<String>, Vec<String>) {
    let lines: Vec<&str> = run.stdout.lines().collect();
    let head = lines
        .iter()
        .position(|l| l.starts_with("DIVERGENCE ") && l.split_whitespace().nth(1) == Some(endpoint))
        .unwrap_or_else(|| panic!("no finding for {endpoint}:\n{}", run.to_snapshot()));
    let mut go = Vec::new();
    let mut rust = Vec::new();
    let mut to_rust = false;
    for l in &lines[head + 2..] {
        if l.starts_with("  as sent to Rust") {
            to_rust = true;
        } else if let Some(c) = l.strip_prefix("    curl ") {
            let c = format!("curl {c}");
            if to_rust {
                rust.push(c);
            } else {
                go.push(c);
            }
        } else {
            break;
        }
    }
    (go, rust)
}

/// The summary row of `endpoint` in a text report, split into words.
fn summary_row(run: &Run, endpoint: &str) -> Vec<String> {
    run.stdout
        .lines()
        .find(|l| l.split_whitespace().next() == Some(endpoint) && l.contains(" cases"))
        .unwrap_or_else(|| panic!("no summary row for {endpoint}:\n{}", run.to_snapshot()))
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

#[test]
fn planted_bugs_are_found_and_minimized_to_the_one_request_that_shows_each() {
    let run = check("bugs", &["--seed", "1", "--cases", "30"]);
    run.assert_code(1);
    let (go, rust) = sequence_lines(&run, "ListItems");
    assert_eq!(
        go,
        ["curl -si --path-as-is \"$GO\"'/items'"],
        "{}",
        run.stdout
    );
    assert!(rust.is_empty(), "{}", run.stdout);
    assert!(
        run.stdout.contains("-null\n") && run.stdout.contains("+[]\n"),
        "the diff shows null against []:\n{}",
        run.stdout
    );
    let (go, _) = sequence_lines(&run, "CreateItem");
    assert_eq!(
        go,
        ["curl -si --path-as-is -X POST \"$GO\"'/items' -H 'Content-Type: application/json' --data-binary '{\"name\":\"\"}'"],
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("-HTTP 400") && run.stdout.contains("+HTTP 422"),
        "the diff shows the statuses:\n{}",
        run.stdout
    );
    assert!(run.stdout.contains("result: 2 findings"), "{}", run.stdout);
}

#[test]
fn the_json_report_carries_each_findings_curl_lines() {
    let run = check(
        "bugs",
        &[
            "--seed",
            "1",
            "--cases",
            "30",
            "--format",
            "json",
            "--no-times",
        ],
    );
    run.assert_code(1);
    let report = run.json();
    let findings = common::findings(&report);
    let curl = |endpoint: &str| -> Vec<String> {
        let f = findings
            .iter()
            .find(|f| f["function"] == endpoint)
            .unwrap_or_else(|| panic!("no finding for {endpoint}: {report:#}"));
        serde_json::from_value(f["sequence"]["steps"].clone())
            .unwrap_or_else(|e| panic!("http.curl is not a list of strings ({e}): {f:#}"))
    };
    assert_eq!(curl("ListItems"), ["curl -si --path-as-is \"$GO\"'/items'"]);
    assert_eq!(
        curl("CreateItem"),
        ["curl -si --path-as-is -X POST \"$GO\"'/items' -H 'Content-Type: application/json' --data-binary '{\"name\":\"\"}'"]
    );
    assert_eq!(findings.len(), 2, "{report:#}");
}

#[test]
fn the_same_seed_gives_the_same_json_report() {
    let args = [
        "--seed",
        "7",
        "--cases",
        "20",
        "--format",
        "json",
        "--no-times",
    ];
    let first = check("bugs", &args);
    let second = check("bugs", &args);
    first.assert_code(1);
    second.assert_code(1);
    assert!(
        !common::findings(&first.json()).is_empty(),
        "{}",
        first.stdout
    );
    assert_eq!(first.stdout, second.stdout);
}

#[test]
fn timestamps_and_request_ids_that_differ_between_two_go_runs_are_noise_named_in_the_summary() {
    let run = check("noise", &["--seed", "1", "--cases", "30"]);
    run.assert_code(0);
    let noise: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("noise: "))
        .collect();
    for ep in ["CreateItem", "Answer"] {
        for field in ["created_at", "request_id"] {
            assert!(
                noise.iter().any(|l| l.starts_with(&format!(
                    "noise: {ep}: `/body/{field}` differs between two Go runs"
                ))),
                "no noise line for {ep} {field}:\n{}",
                run.stdout
            );
        }
    }
    assert!(!run.stdout.contains("DIVERGENCE"), "{}", run.stdout);
}

#[test]
fn ids_each_side_makes_up_are_resolved_per_side_and_cause_no_divergence() {
    let run = check("references", &["--seed", "1", "--cases", "30"]);
    run.assert_code(0);
    assert_eq!(summary_row(&run, "GetItem")[1], "30", "{}", run.stdout);
}

#[test]
fn a_bug_behind_a_reference_is_shown_with_each_sides_own_id() {
    let run = check("references-bug", &["--seed", "1", "--cases", "30"]);
    run.assert_code(1);
    let (go, rust) = sequence_lines(&run, "GetItem");
    assert_eq!(go.len(), 2, "create, then get:\n{}", run.stdout);
    assert!(
        go[0].contains("-X POST \"$GO\"'/items'") && go[1].contains("\"$GO\"'/items/inv_"),
        "Go asked for its own id:\n{}",
        run.stdout
    );
    assert_eq!(rust.len(), 2, "{}", run.stdout);
    assert!(
        rust[1].contains("\"$RUST\"'/items/id-"),
        "Rust asked for its own id:\n{}",
        run.stdout
    );
}

#[test]
fn a_server_that_crashes_on_one_request_is_a_finding_and_is_restarted() {
    let run = check("crash", &["--seed", "1", "--cases", "30"]);
    run.assert_code(1);
    let (go, _) = sequence_lines(&run, "Answer");
    assert_eq!(
        go.last().map(String::as_str),
        Some("curl -si --path-as-is -X POST \"$GO\"'/answer' -H 'Content-Type: application/json' --data-binary '{\"n\":13}'"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("(no answer: the server exited (exit status: 2)"),
        "the crash is described:\n{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("fatal: cannot answer 13"),
        "with its output:\n{}",
        run.stdout
    );
    // The run went on after the crash: every sequence of both endpoints ran.
    assert_eq!(summary_row(&run, "Answer")[1], "30", "{}", run.stdout);
    assert_eq!(summary_row(&run, "CreateItem")[1], "30", "{}", run.stdout);
    assert!(run.stdout.contains("result: 1 finding"), "{}", run.stdout);
}

#[test]
fn a_server_that_hangs_on_one_request_is_a_timeout_finding_and_is_restarted() {
    let run = check(
        "hang",
        &["--seed", "1", "--cases", "30", "--timeout", "500ms"],
    );
    run.assert_code(1);
    let (go, _) = sequence_lines(&run, "Answer");
    assert_eq!(
        go.last().map(String::as_str),
        Some("curl -si --path-as-is -X POST \"$GO\"'/answer' -H 'Content-Type: application/json' --data-binary '{\"n\":13}'"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("(no answer: timed out)"),
        "the hang is described:\n{}",
        run.stdout
    );
    assert_eq!(summary_row(&run, "Answer")[1], "30", "{}", run.stdout);
    assert_eq!(summary_row(&run, "CreateItem")[1], "30", "{}", run.stdout);
    assert!(run.stdout.contains("result: 1 finding"), "{}", run.stdout);
    assert!(
        run.elapsed < Duration::from_secs(55),
        "each hang costs the timeout, not the minute the server sleeps: {:?}",
        run.elapsed
    );
}

#[test]
fn a_server_that_listens_elsewhere_stops_the_run_at_start_up_with_its_output() {
    let run = check("not-ready-port", &["--seed", "1", "--cases", "5"]);
    run.assert_code(3);
    assert!(
        run.stderr.contains("the rust server never became ready"),
        "{}",
        run.to_snapshot()
    );
    assert!(
        run.stderr.contains("| listening on 127.0.0.1:") && run.stderr.contains("(rust side)"),
        "the tail of its output:\n{}",
        run.to_snapshot()
    );
    assert!(
        run.stderr
            .contains("raise `startup_timeout` in [server.rust]"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_server_that_exits_at_start_up_stops_the_run_with_its_error() {
    let run = check("not-ready-exit", &["--seed", "1", "--cases", "5"]);
    run.assert_code(3);
    assert!(
        run.stderr.contains(
            "the rust server never became ready: it exited with exit status: 1 before answering"
        ),
        "{}",
        run.to_snapshot()
    );
    assert!(
        run.stderr
            .contains("| fatal: cannot open the database at /nonexistent/items.db"),
        "the tail of its output:\n{}",
        run.to_snapshot()
    );
}

#[test]
fn servers_that_print_a_lot_on_every_request_do_not_block_and_agree() {
    let run = check(
        "chatty",
        &["--seed", "1", "--cases", "20", "--timeout", "5s"],
    );
    run.assert_code(0);
    assert_eq!(summary_row(&run, "ListItems")[1], "20", "{}", run.stdout);
}

/// Starts a long check, waits until its three servers run, sends `sig` to parity alone, and
/// asserts that every server is gone, the report says so and the exit code is `want`.
fn interrupt(sig: i32, want: i32) {
    let spec = http_spec("references");
    let mut parity = Parity::start(&["check", &spec, "--seed", "1", "--cases", "1000000"]);
    parity.wait_until_running(3, Duration::from_millis(500));
    parity.signal(sig, false);
    parity.assert_descendants_gone();
    let (code, out) = parity.finish();
    assert_eq!(code, Some(want), "exit code; stdout:\n{out}");
    assert!(
        out.contains("result: interrupted after "),
        "stdout does not say what was checked:\n{out}"
    );
}

#[test]
fn sigint_during_an_endpoint_run_leaves_no_server_behind_and_exits_130() {
    interrupt(libc::SIGINT, 130);
}

#[test]
fn sigterm_during_an_endpoint_run_leaves_no_server_behind_and_exits_143() {
    interrupt(libc::SIGTERM, 143);
}
