//! Processes a test's own parity run started, tracked by PID (never by global process lists):
//! a parity run in its own process group whose descendants are recorded while it runs, signalled,
//! and checked to be gone. Used by tests/stopping.rs, tests/endpoints.rs and tests/objects.rs.

use std::collections::HashMap;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long every descendant may take to be gone after the signal.
pub const GONE_WITHIN: Duration = Duration::from_secs(2);

/// A process as `/proc/PID/stat` says: parent, group, start time (to tell a reused PID) and state.
pub struct Stat {
    /// The parent.
    pub ppid: i32,
    /// The process group.
    pub pgrp: i32,
    /// The start time, in clock ticks after boot.
    pub start: u64,
    /// The state letter (`R`, `S`, `Z`, ...).
    pub state: char,
}

pub fn stat(pid: i32) -> Option<Stat> {
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
pub fn descendants(root: i32) -> HashMap<i32, u64> {
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
pub fn alive(pid: i32, start: u64) -> bool {
    stat(pid).is_some_and(|s| s.start == start && s.state != 'Z' && s.state != 'X')
}

/// A parity run in its own process group, with its output collected.
pub struct Parity {
    child: Child,
    out: Option<JoinHandle<String>>,
    seen: HashMap<i32, u64>,
    _work: tempfile::TempDir,
}

impl Parity {
    pub fn start(args: &[&str]) -> Parity {
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

    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// Waits until parity runs both harnesses (a Go harness and a Rust worker) and has had time
    /// to reach the hanging call, recording every descendant on the way.
    pub fn wait_until_checking(&mut self) {
        self.wait_until_running(2, Duration::from_millis(800));
    }

    /// Waits until parity has `children` child processes, then `settle` longer, recording every
    /// descendant on the way.
    pub fn wait_until_running(&mut self, children: usize, settle: Duration) {
        let started = Instant::now();
        loop {
            self.seen.extend(descendants(self.pid()));
            let running = self
                .seen
                .keys()
                .filter(|&&p| stat(p).is_some_and(|s| s.ppid == self.pid()))
                .count();
            if running >= children {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "parity did not start its {children} child processes within 60 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(settle);
        self.seen.extend(descendants(self.pid()));
        assert!(self.seen.len() >= children, "descendants: {:?}", self.seen);
    }

    /// The descendants recorded so far (PID and start time).
    pub fn seen(&self) -> &HashMap<i32, u64> {
        &self.seen
    }

    /// Sends `sig` to parity's process group (or to parity alone).
    pub fn signal(&self, sig: i32, group: bool) {
        let target = if group { -self.pid() } else { self.pid() };
        // SAFETY: signalling the process (group) this test started.
        assert_eq!(unsafe { libc::kill(target, sig) }, 0);
    }

    /// Asserts that every recorded descendant is gone within [`GONE_WITHIN`] of now.
    pub fn assert_descendants_gone(&mut self) {
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
    pub fn finish(&mut self) -> (Option<i32>, String) {
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

impl Parity {
    /// Waits for parity to exit by itself (within `deadline`), recording every descendant on the
    /// way; returns its exit code and stdout. For runs that start, restart and stop harnesses as
    /// they go, whose processes are then checked with [`Parity::assert_descendants_gone`].
    pub fn run_to_end(&mut self, deadline: Duration) -> (Option<i32>, String) {
        let started = Instant::now();
        let status = loop {
            self.seen.extend(descendants(self.pid()));
            if let Some(s) = self.child.try_wait().expect("waiting for parity") {
                break s;
            }
            assert!(
                started.elapsed() < deadline,
                "parity did not finish within {deadline:?}"
            );
            std::thread::sleep(Duration::from_millis(5));
        };
        let out = self.out.take().map(|h| h.join().unwrap_or_default());
        (status.code(), out.unwrap_or_default())
    }
}
