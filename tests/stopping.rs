//! Stopping cleanly (issue 7.3): SIGINT, SIGTERM or SIGKILL to parity (its process group, or the
//! process alone) while a function hangs on either side must leave none of the processes parity
//! started behind: every descendant recorded while it ran is gone within 2 s. After SIGINT and
//! SIGTERM parity also reports what it checked ("interrupted after N cases") and exits with the
//! documented code (130 for SIGINT, 143 for SIGTERM, as shells report them).
//!
//! Only the PIDs this test's own parity started are looked at, never global process lists.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::procs::Parity;

/// Starts a check of `function` (which hangs on its first input), waits until it hangs, sends
/// `sig`, and asserts that everything it started is gone within 2 s; for SIGINT and SIGTERM also
/// the report and the exit code.
fn stop(function: &str, sig: i32, group: bool) {
    let spec = common::spec("faults");
    let mut parity = Parity::start(&[
        "check",
        &spec,
        "--function",
        function,
        "--timeout",
        "120s",
        "--jobs",
        "1",
        "--seed",
        "1",
    ]);
    parity.wait_until_checking();
    parity.signal(sig, group);
    parity.assert_descendants_gone();
    let (code, out) = parity.finish();
    if sig == libc::SIGKILL {
        assert_eq!(code, None, "killed by SIGKILL");
        return;
    }
    let want = if sig == libc::SIGINT { 130 } else { 143 };
    assert_eq!(code, Some(want), "exit code; stdout:\n{out}");
    assert!(
        out.contains("result: interrupted after 0 cases"),
        "stdout does not say what was checked:\n{out}"
    );
}

#[test]
fn sigint_to_the_group_stops_a_hanging_go_harness_and_reports_the_interruption() {
    stop("GoHang", libc::SIGINT, true);
}

#[test]
fn sigint_to_parity_alone_stops_a_hanging_go_harness_and_reports_the_interruption() {
    stop("GoHang", libc::SIGINT, false);
}

#[test]
fn sigterm_to_the_group_stops_a_hanging_go_harness_and_reports_the_interruption() {
    stop("GoHang", libc::SIGTERM, true);
}

#[test]
fn sigterm_to_parity_alone_stops_a_hanging_go_harness_and_reports_the_interruption() {
    stop("GoHang", libc::SIGTERM, false);
}

#[test]
fn sigkill_to_the_group_leaves_no_hanging_go_harness_behind() {
    stop("GoHang", libc::SIGKILL, true);
}

#[test]
fn sigint_to_the_group_stops_a_hanging_rust_worker_and_reports_the_interruption() {
    stop("RustHang", libc::SIGINT, true);
}

#[test]
fn sigint_to_parity_alone_stops_a_hanging_rust_worker_and_reports_the_interruption() {
    stop("RustHang", libc::SIGINT, false);
}

#[test]
fn sigterm_to_the_group_stops_a_hanging_rust_worker_and_reports_the_interruption() {
    stop("RustHang", libc::SIGTERM, true);
}

#[test]
fn sigterm_to_parity_alone_stops_a_hanging_rust_worker_and_reports_the_interruption() {
    stop("RustHang", libc::SIGTERM, false);
}

#[test]
fn sigkill_to_the_group_leaves_no_spinning_rust_worker_behind() {
    stop("RustHang", libc::SIGKILL, true);
}

#[test]
fn an_interrupted_long_run_reports_in_json_how_many_cases_it_checked() {
    let spec = common::spec("faults");
    let mut parity = Parity::start(&[
        "check",
        &spec,
        "--function",
        "GoPanic",
        "--cases",
        "100000000",
        "--jobs",
        "1",
        "--seed",
        "1",
        "--format",
        "json",
        "--no-times",
    ]);
    parity.wait_until_checking();
    std::thread::sleep(Duration::from_millis(700));
    parity.signal(libc::SIGINT, true);
    parity.assert_descendants_gone();
    let (code, out) = parity.finish();
    assert_eq!(code, Some(130), "exit code; stdout:\n{out}");
    let report: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}):\n{out}"));
    assert_eq!(report["result"], "interrupted", "{report:#}");
    assert_eq!(report["interrupted"]["signal"], "SIGINT", "{report:#}");
    let cases = report["interrupted"]["cases"].as_u64().unwrap_or(0);
    assert!(
        cases > 0,
        "no case counted before the interruption: {report:#}"
    );
    assert_eq!(
        report["interrupted"]["message"],
        format!("interrupted after {cases} cases")
    );
}

#[test]
fn a_rust_worker_exits_when_its_input_closes_even_while_a_call_never_returns() {
    use std::io::Write;
    let mut worker = Command::new(env!("CARGO_BIN_EXE_parity-fixtures"))
        .arg("__worker")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the worker starts");
    let mut stdin = worker.stdin.take().expect("piped stdin");
    stdin
        .write_all(b"{\"id\":1,\"fn\":\"faults_rust_hang\",\"args\":[13]}\n")
        .expect("the request is written");
    std::thread::sleep(Duration::from_millis(300)); // the call spins now
    drop(stdin);
    let closed = Instant::now();
    let status = loop {
        if let Some(s) = worker.try_wait().expect("waiting for the worker") {
            break s;
        }
        if closed.elapsed() > Duration::from_secs(5) {
            let _ = worker.kill();
            let _ = worker.wait();
            panic!("the worker still runs 5 s after its input closed");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "exit status {status}");
    assert!(
        closed.elapsed() < Duration::from_millis(2500),
        "exited {:?} after its input closed",
        closed.elapsed()
    );
}
