//! What `parity fuzz` says on stderr while it builds the fuzz target and the Go archive, which
//! takes minutes the first time: a phase line when a step starts, cargo's own lines passed
//! through, a line with the elapsed time every [`HEARTBEAT`] while it runs, and one when it ends.
//!
//! These are not run [`Event`](crate::report::Event)s: they happen before the run starts, and
//! with `--format json` stdout carries exactly one JSON document. With `--format json` they are
//! JSON lines on stderr instead of text (documented in docs/fuzzing.md):
//! `{"event":"build","step":"cargo","state":"started"|"output"|"running"|"finished", …}`.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How often a step that is still running says so.
pub const HEARTBEAT: Duration = Duration::from_secs(15);

/// Where build progress goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Plain lines on stderr.
    Human,
    /// JSON lines on stderr.
    Json,
    /// Nothing (library callers that report on their own).
    Quiet,
}

/// `1m12s`, `12s`, `0.4s`.
pub fn elapsed(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 60 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else if s >= 10 {
        format!("{s}s")
    } else {
        format!("{:.1}s", d.as_secs_f64())
    }
}

impl Progress {
    fn emit(self, human: impl FnOnce() -> String, json: impl FnOnce() -> serde_json::Value) {
        let text = match self {
            Progress::Human => human(),
            Progress::Json => json().to_string(),
            Progress::Quiet => return,
        };
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{text}");
    }

    /// A step starts: `what` is what it builds, `tool` the program (`cargo`, `go`).
    pub fn started(self, step: &str, what: &str, note: &str) {
        self.emit(
            || format!("building {what} ({step}{note})…"),
            || serde_json::json!({"event": "build", "step": step, "state": "started", "what": what}),
        );
    }

    /// One line of the tool's own output.
    pub fn output(self, step: &str, line: &str) {
        self.emit(
            || line.to_string(),
            || serde_json::json!({"event": "build", "step": step, "state": "output", "line": line}),
        );
    }

    /// The step is still running.
    pub fn running(self, step: &str, what: &str, d: Duration) {
        self.emit(
            || format!("building {what} ({step}, {})…", elapsed(d)),
            || {
                serde_json::json!({"event": "build", "step": step, "state": "running", "what": what, "elapsed_ms": d.as_millis() as u64})
            },
        );
    }

    /// The step ended.
    pub fn finished(self, step: &str, what: &str, d: Duration, ok: bool) {
        self.emit(
            || {
                if ok {
                    format!("built {what} ({step}, {})", elapsed(d))
                } else {
                    format!("failed to build {what} ({step}, {})", elapsed(d))
                }
            },
            || {
                serde_json::json!({"event": "build", "step": step, "state": "finished", "what": what, "ok": ok, "elapsed_ms": d.as_millis() as u64})
            },
        );
    }
}

/// Runs a build step, passing its stderr through `progress` line by line and saying every
/// [`HEARTBEAT`] that it still runs; returns its status and the last lines of its stderr (for the
/// error message when it failed).
pub fn run(
    cmd: &mut Command,
    progress: Progress,
    step: &str,
    what: &str,
    note: &str,
) -> std::io::Result<(ExitStatus, String)> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = cmd.spawn()?;
    progress.started(step, what, note);
    let stderr = child.stderr.take().expect("stderr is piped");
    let (tx, rx) = mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        let mut r = BufReader::new(stderr);
        let mut buf = Vec::new();
        while matches!(r.read_until(b'\n', &mut buf), Ok(n) if n > 0) {
            let line = String::from_utf8_lossy(&buf).trim_end().to_string();
            buf.clear();
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut tail: VecDeque<String> = VecDeque::new();
    let mut beat = started + HEARTBEAT;
    loop {
        match rx.recv_timeout(beat.saturating_duration_since(Instant::now())) {
            Ok(line) => {
                progress.output(step, &line);
                tail.push_back(line);
                if tail.len() > 30 {
                    tail.pop_front();
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                progress.running(step, what, started.elapsed());
                beat += HEARTBEAT;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    let status = child.wait()?;
    let _ = reader.join();
    progress.finished(step, what, started.elapsed(), status.success());
    Ok((status, Vec::from(tail).join("\n")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_build_step_passes_its_output_through_and_returns_its_status_and_tail() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo one >&2; echo two >&2; exit 3"]);
        let (status, tail) = run(&mut cmd, Progress::Quiet, "sh", "nothing", "").unwrap();
        assert_eq!(status.code(), Some(3));
        assert_eq!(tail, "one\ntwo");
    }

    #[test]
    fn elapsed_times_read_like_cargos() {
        assert_eq!(elapsed(Duration::from_millis(400)), "0.4s");
        assert_eq!(elapsed(Duration::from_secs(12)), "12s");
        assert_eq!(elapsed(Duration::from_secs(72)), "1m12s");
    }
}
