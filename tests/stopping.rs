//! Stopping cleanly (issue 7.3): SIGINT, SIGTERM or SIGKILL to parity (its process group, or the
//! process alone) while a function hangs on either side must leave none of the processes parity
//! started behind: every descendant recorded while it ran is gone within 2 s. After SIGINT and
//! SIGTERM parity also reports what it checked ("interrupted after N cases") and exits with the
//! documented code (130 for SIGINT, 143 for SIGTERM, as shells report them).
//!
//! Only the PIDs this test's own parity started are looked at, never global process lists.

mod common;

use std::collections::HashMap;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long every descendant may take to be gone after the signal.
const GONE_WITHIN: Duration = Duration::from_secs(2);

/// A process as `/proc/PID/stat` says: parent, group, start time (to tell a reused PID) and state.
struct Stat {
    ppid: i32,
    pgrp: i32,
    start: u64,
    state: char,
}

fn stat(pid: i32) -> Option<Stat> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may hold spaces: split after the last `)`.
    let rest = &text[text.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    Some(Stat {
        state: f[0].chars().next()?,
        ppid: f[1].parse().ok()?,
        pgrp: f[2].parse().ok()?,
        start: f[19].parse().ok()?,
    })
}

/// Every live descendant of `root` (by parent links), plus every process in the group of one.
fn descendants(root: i32) -> HashMap<i32, u64> {
    let all: Vec<(i32, Stat)> = std::fs::read_dir("/proc")
        .map(|d| {
            d.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
                .filter_map(|pid| Some((pid, stat(pid)?)))
                .collect()
        })
        .unwrap_or_default();
    let mut found: HashMap<i32, u64> = HashMap::new();
    let mut grew = true;
    while grew {
        grew = false;
        for (pid, s) in &all {
            if found.contains_key(pid) || *pid == root {
                continue;
            }
            if s.ppid == root || found.contains_key(&s.ppid) || found.contains_key(&s.pgrp) {
                found.insert(*pid, s.start);
                grew = true;
            }
        }
    }
    found
}

/// Whether the process recorded as (`pid`, started at `start`) still runs.
fn alive(pid: i32, start: u64) -> bool {
    stat(pid).is_some_and(|s| s.start == start && s.state != 'Z' && s.state != 'X')
}

/// A parity run in its own process group, with its output collected.
struct Parity {
    child: Child,
    out: Option<JoinHandle<String>>,
    seen: HashMap<i32, u64>,
    _work: tempfile::TempDir,
}

impl Parity {
    fn start(args: &[&str]) -> Parity {
        let work = tempfile::tempdir().expect("a temp dir to run in");
        let mut child = Command::new(env!("CARGO_BIN_EXE_parity-fixtures"))
            .env_remove("CI")
            .args(args)
            .args(["--corpus", "corpus"])
            .current_dir(work.path())
            .env(
                "PARITY_CACHE_DIR",
                PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("parity-cache"),
            )
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("parity-fixtures starts");
        let mut stdout = child.stdout.take().expect("piped stdout");
        let out = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = stdout.read_to_string(&mut s);
            s
        });
        Parity {
            child,
            out: Some(out),
            seen: HashMap::new(),
            _work: work,
        }
    }

    fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// Waits until parity runs both harnesses (a Go harness and a Rust worker) and has had time
    /// to reach the hanging call, recording every descendant on the way.
    fn wait_until_checking(&mut self) {
        let started = Instant::now();
        loop {
            self.seen.extend(descendants(self.pid()));
            let children = self
                .seen
                .keys()
                .filter(|&&p| stat(p).is_some_and(|s| s.ppid == self.pid()))
                .count();
            if children >= 2 {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "parity did not start its two harnesses within 60 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(800));
        self.seen.extend(descendants(self.pid()));
        assert!(self.seen.len() >= 2, "descendants: {:?}", self.seen);
    }

    /// Sends `sig` to parity's process group (or to parity alone).
    fn signal(&self, sig: i32, group: bool) {
        let target = if group { -self.pid() } else { self.pid() };
        // SAFETY: signalling the process (group) this test started.
        assert_eq!(unsafe { libc::kill(target, sig) }, 0);
    }

    /// Asserts that every recorded descendant is gone within [`GONE_WITHIN`] of now.
    fn assert_descendants_gone(&mut self) {
        let since = Instant::now();
        loop {
            let left: Vec<i32> = self
                .seen
                .iter()
                .filter(|(&p, &s)| alive(p, s))
                .map(|(&p, _)| p)
                .collect();
            if left.is_empty() {
                return;
            }
            if since.elapsed() > GONE_WITHIN {
                let shown: Vec<String> = left
                    .iter()
                    .map(|p| {
                        let cmd = std::fs::read(format!("/proc/{p}/cmdline")).unwrap_or_default();
                        format!("{p} {}", String::from_utf8_lossy(&cmd).replace('\0', " "))
                    })
                    .collect();
                panic!(
                    "still running {:?} after the signal: {shown:?}",
                    since.elapsed()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for parity to exit (10 s at most); returns its exit code and stdout.
    fn finish(&mut self) -> (Option<i32>, String) {
        let started = Instant::now();
        let status = loop {
            if let Some(s) = self.child.try_wait().expect("waiting for parity") {
                break s;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "parity did not exit within 10 s of the signal"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        let out = self.out.take().map(|h| h.join().unwrap_or_default());
        (status.code(), out.unwrap_or_default())
    }
}

impl Drop for Parity {
    fn drop(&mut self) {
        // Whatever a failed assertion left behind: only what this test started.
        // SAFETY: signalling processes this test started and recorded.
        unsafe {
            libc::kill(-self.pid(), libc::SIGKILL);
            for (&p, &s) in &self.seen {
                if alive(p, s) {
                    libc::kill(p, libc::SIGKILL);
                }
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

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
