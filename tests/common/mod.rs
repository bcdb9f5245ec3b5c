//! Helpers shared by the integration tests: run the fixtures CLI (`parity-fixtures`, the parity
//! binary with every fixture function registered) with a fresh corpus folder and a deadline, parse
//! its JSON report, and render a run as a snapshot.
#![allow(dead_code)] // each test file uses its own subset

pub mod procs;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A run that takes longer than this is a hang: the child is killed and the test fails.
pub const DEADLINE: Duration = Duration::from_secs(120);

/// A finished CLI run.
pub struct Run {
    /// The process exit code (`None`: killed by a signal).
    pub code: Option<i32>,
    /// Everything written to stdout.
    pub stdout: String,
    /// Everything written to stderr.
    pub stderr: String,
    /// The run's working folder (deleted when the run is dropped); the corpus is its `corpus`
    /// subfolder, passed as the relative `--corpus corpus` so that reports name the same corpus
    /// files whatever the temporary folder is.
    pub work: tempfile::TempDir,
    /// Wall time of the run.
    pub elapsed: Duration,
}

/// A path below `tests/fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
        .join(rel)
}

/// The absolute path of a fixture's spec, `tests/fixtures/<name>/spec.toml`, as an argument.
pub fn spec(name: &str) -> String {
    fixture(name).join("spec.toml").display().to_string()
}

/// Runs `parity-fixtures` with `args` plus `--corpus corpus`, in a fresh temporary working
/// folder, killing it at [`DEADLINE`]. Go harness binaries are cached below the target's temp
/// folder. Spec paths must be absolute (see [`fixture`]).
pub fn run(args: &[&str]) -> Run {
    let work = tempfile::tempdir().expect("a temp dir to run in");
    let mut all: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    all.push("--corpus".into());
    all.push("corpus".into());
    let (code, stdout, stderr, elapsed) = run_raw(work.path(), &all);
    Run {
        code,
        stdout,
        stderr,
        work,
        elapsed,
    }
}

/// Runs `parity-fixtures` with exactly `args` in the folder `cwd`.
pub fn run_raw(cwd: &Path, args: &[String]) -> (Option<i32>, String, String, Duration) {
    run_raw_env(cwd, args, &[])
}

/// [`run_raw`] with extra environment variables.
pub fn run_raw_env(
    cwd: &Path,
    args: &[String],
    env: &[(&str, &str)],
) -> (Option<i32>, String, String, Duration) {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_parity-fixtures"))
        .envs(env.iter().copied())
        // CI mode (CI=true, as in .ci/run) writes no corpus files; the fixtures check that it does.
        .env_remove("CI")
        .envs(env.iter().copied())
        .args(args)
        .current_dir(cwd)
        .env(
            "PARITY_CACHE_DIR",
            PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("parity-cache"),
        )
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("parity-fixtures starts");
    let mut out = child.stdout.take().expect("piped stdout");
    let mut err = child.stderr.take().expect("piped stderr");
    let out_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for parity-fixtures") {
            break status;
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "parity-fixtures {} hung: killed after {}s",
                args.join(" "),
                DEADLINE.as_secs()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = String::from_utf8_lossy(&out_reader.join().unwrap_or_default()).into_owned();
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned();
    (status.code(), stdout, stderr, started.elapsed())
}

impl Run {
    /// The corpus folder of the run.
    pub fn corpus(&self) -> PathBuf {
        self.work.path().join("corpus")
    }

    /// The stdout JSON report, or a panic showing the whole run. Typed input values keep invalid
    /// UTF-8 as `\udcXX` escapes (as the corpus does), which `serde_json` refuses as lone
    /// surrogates; they are read here as the code points `\u00XX`, which the tests do not inspect.
    pub fn json(&self) -> serde_json::Value {
        let text = self.stdout.replace("\\udc", "\\u00");
        serde_json::from_str(&text).unwrap_or_else(|e| {
            panic!(
                "stdout is not one JSON document ({e}):\n{}",
                self.to_snapshot()
            )
        })
    }

    /// `exit code: N`, then stdout and stderr under headers: the whole run, for snapshots and for
    /// failure messages.
    pub fn to_snapshot(&self) -> String {
        let code = self
            .code
            .map_or_else(|| "killed by a signal".to_string(), |c| c.to_string());
        let mut s = format!("exit code: {code}\n--- stdout ---\n{}", self.stdout);
        if !s.ends_with('\n') {
            s.push('\n');
        }
        s.push_str("--- stderr ---\n");
        s.push_str(&self.stderr);
        s
    }

    /// Asserts the exit code, showing the whole run when it differs.
    pub fn assert_code(&self, want: i32) {
        assert_eq!(
            self.code,
            Some(want),
            "wrong exit code after {:.1}s:\n{}",
            self.elapsed.as_secs_f64(),
            short(&self.to_snapshot())
        );
    }
}

/// The findings of a JSON report.
pub fn findings(report: &serde_json::Value) -> Vec<serde_json::Value> {
    report["findings"].as_array().cloned().unwrap_or_default()
}

/// The input of a finding as `name = value` pairs, in argument order.
pub fn input(finding: &serde_json::Value) -> Vec<(String, String)> {
    finding["input"]
        .as_array()
        .map(|args| {
            args.iter()
                .map(|a| {
                    (
                        a["name"].as_str().unwrap_or_default().to_string(),
                        a["text"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The summary row of `function` in a JSON report.
pub fn function_summary<'a>(
    report: &'a serde_json::Value,
    function: &str,
) -> &'a serde_json::Value {
    report["functions"]
        .as_array()
        .and_then(|fs| fs.iter().find(|f| f["function"] == function))
        .unwrap_or_else(|| panic!("no summary for {function} in {report:#}"))
}

/// Caps a text for a failure message (a 16 MiB value must not flood the test output).
pub fn short(s: &str) -> String {
    const MAX: usize = 8000;
    if s.len() <= MAX {
        return s.to_string();
    }
    let mut end = MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes in all)", &s[..end], s.len())
}
