//! Execution: runs inputs on both harnesses through persistent, pipelined processes.
//!
//! One [`Executor`] per job owns a Go *lane* and a Rust *lane*. A lane is a harness process plus
//! a writer thread (so a hung child can never block us on a full pipe), a reader thread (so a child
//! never blocks on a full stdout pipe) and a stderr thread (which keeps the last 64 KiB for crash
//! reports). Inputs go out in batches whose size adapts so that one batch takes about
//! [`TARGET_BATCH`]; both harnesses work on a batch at the same time.
//!
//! When a lane dies, hangs past its deadline or writes garbage, the replies already received are
//! kept, the process group is killed and restarted, and every unanswered input is re-run *alone*:
//! the input that crashes or times out on its own gets the `crash`/`timeout` outcome. This pins a
//! failure on the one input that causes it even though replies are buffered.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::outcome::{Outcome, Side};
use crate::protocol::{self, Handshake, ReplyKind};
use crate::spec::FunctionSpec;
use crate::value::Value;

/// How long one batch should take: long enough to amortize wake-ups, short enough that a hang
/// is noticed soon after the per-call timeout.
pub const TARGET_BATCH: Duration = Duration::from_millis(20);
const MAX_BATCH: usize = 4096;
const MAX_LINE: usize = 64 << 20;
const STDERR_TAIL: usize = 64 << 10;
/// How long a harness may take to print its handshake line unless `--handshake-timeout` or
/// `PARITY_HANDSHAKE_TIMEOUT` says otherwise: long enough for a slow start, short enough that a
/// harness that never speaks the protocol is reported soon.
pub const DEFAULT_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// The handshake wait set by the command line (`--handshake-timeout`), in milliseconds; 0: unset.
static HANDSHAKE_TIMEOUT_MS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
/// Bytes of a harness's stdout kept to say what it printed instead of a handshake.
const SEEN_STDOUT: usize = 200;

/// Sets how long every harness started from now on may take to print its handshake.
pub fn set_handshake_timeout(timeout: Duration) {
    let ms = u64::try_from(timeout.as_millis())
        .unwrap_or(u64::MAX)
        .max(1);
    HANDSHAKE_TIMEOUT_MS.store(ms, std::sync::atomic::Ordering::Relaxed);
}

/// The handshake wait: set by [`set_handshake_timeout`], else `PARITY_HANDSHAKE_TIMEOUT`, else
/// [`DEFAULT_HANDSHAKE_TIMEOUT`].
pub fn handshake_timeout() -> Duration {
    match HANDSHAKE_TIMEOUT_MS.load(std::sync::atomic::Ordering::Relaxed) {
        0 => std::env::var("PARITY_HANDSHAKE_TIMEOUT")
            .ok()
            .and_then(|v| crate::cli::parse_positive_duration(&v).ok())
            .unwrap_or(DEFAULT_HANDSHAKE_TIMEOUT),
        ms => Duration::from_millis(ms),
    }
}

/// A reader that keeps the first [`SEEN_STDOUT`] bytes that pass through it.
struct Recording<R> {
    inner: R,
    seen: Arc<Mutex<Vec<u8>>>,
}

impl<R: Read> Read for Recording<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut seen = self.seen.lock().unwrap();
        let room = SEEN_STDOUT.saturating_sub(seen.len()).min(n);
        seen.extend_from_slice(&buf[..room]);
        Ok(n)
    }
}

/// What a harness printed on stdout before its handshake wait ran out, for the error message.
fn seen_text(seen: &[u8]) -> String {
    if seen.is_empty() {
        return "nothing on stdout".to_string();
    }
    let shown: String = String::from_utf8_lossy(seen)
        .chars()
        .flat_map(char::escape_debug)
        .collect();
    let more = if seen.len() >= SEEN_STDOUT { "…" } else { "" };
    format!(
        "{} bytes on stdout but no complete line: \"{shown}{more}\"",
        seen.len()
    )
}

/// How to start one harness.
#[derive(Clone, Debug)]
pub struct HarnessCommand {
    /// Which side it serves.
    pub side: Side,
    /// The program.
    pub program: PathBuf,
    /// Its arguments.
    pub args: Vec<String>,
    /// Extra environment variables.
    pub env: Vec<(String, String)>,
}

/// Why a harness could not be started.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The program could not be spawned.
    #[error("failed to start the {side} harness `{program}`: {source}")]
    Spawn {
        /// Which side.
        side: &'static str,
        /// The program.
        program: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// The harness exited or said something other than a handshake.
    #[error(
        "the {side} harness `{program}` did not complete the handshake: {reason}{}",
        tail_text(stderr)
    )]
    Handshake {
        /// Which side.
        side: &'static str,
        /// The program.
        program: String,
        /// What went wrong.
        reason: String,
        /// The end of its stderr.
        stderr: String,
    },
    /// parity received SIGINT or SIGTERM: every harness was killed and none may start.
    #[error("interrupted by {}", crate::supervise::signal_name(*.0))]
    Interrupted(i32),
}

impl StartError {
    /// Whether this is the interruption of the run rather than a failure.
    pub fn is_interrupted(&self) -> bool {
        matches!(self, StartError::Interrupted(_))
    }
}

fn tail_text(stderr: &str) -> String {
    if stderr.trim().is_empty() {
        String::new()
    } else {
        format!("\n--- its stderr ends with ---\n{}", last_lines(stderr, 20))
    }
}

fn last_lines(s: &str, n: usize) -> String {
    let lines: Vec<&str> = s.trim_end().lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

enum FromChild {
    Lines(Vec<u8>),
    Eof,
    TooLong,
}

/// One harness process and its three helper threads. `pub(crate)` for the fuzz target, which
/// talks to one Go lane, one input at a time.
pub(crate) struct Lane {
    cmd: HarnessCommand,
    child: Child,
    to_child: Option<Sender<Vec<u8>>>,
    from_child: Receiver<FromChild>,
    stderr: Arc<Mutex<Vec<u8>>>,
    buf: Vec<u8>,
    pos: usize,
    pub(crate) handshake: Handshake,
}

/// Why a lane stopped answering.
pub(crate) enum LaneFailure {
    Crash(String),
    Timeout,
    /// A line that is not the reply asked for (an extra reply, a repeated id), shown cut.
    Unrequested(String),
}

impl Lane {
    pub(crate) fn start(cmd: &HarnessCommand) -> Result<Lane, StartError> {
        let mut command = Command::new(&cmd.program);
        command
            .args(&cmd.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in &cmd.env {
            command.env(k, v);
        }
        // Its own process group (so a timeout kills whatever the code under test spawned too),
        // killed on SIGINT/SIGTERM, with a parent-death signal: see supervise.rs.
        let mut child =
            crate::supervise::spawn(command).map_err(
                |source| match crate::supervise::interrupted() {
                    Some(sig) if source.kind() == std::io::ErrorKind::Interrupted => {
                        StartError::Interrupted(sig)
                    }
                    _ => StartError::Spawn {
                        side: cmd.side.as_str(),
                        program: cmd.program.display().to_string(),
                        source,
                    },
                },
            )?;
        let stdin = child.stdin.take().expect("piped stdin");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let mut stdout = Recording {
            inner: child.stdout.take().expect("piped stdout"),
            seen: seen.clone(),
        };
        let mut stderr_pipe = child.stderr.take().expect("piped stderr");

        let (to_child, writer_rx) = mpsc::channel::<Vec<u8>>();
        thread::spawn(move || write_loop(stdin, writer_rx));
        let (reader_tx, from_child) = mpsc::channel();
        thread::spawn(move || read_loop(&mut stdout, reader_tx));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let tail = stderr.clone();
        thread::spawn(move || {
            let mut chunk = [0u8; 8192];
            while let Ok(n @ 1..) = stderr_pipe.read(&mut chunk) {
                let mut t = tail.lock().unwrap();
                t.extend_from_slice(&chunk[..n]);
                if t.len() > 2 * STDERR_TAIL {
                    let cut = t.len() - STDERR_TAIL;
                    t.drain(..cut);
                }
            }
        });
        let mut lane = Lane {
            cmd: cmd.clone(),
            child,
            to_child: Some(to_child),
            from_child,
            stderr,
            buf: Vec::new(),
            pos: 0,
            handshake: Handshake {
                protocol: 0,
                harness: String::new(),
                functions: vec![],
                objects: vec![],
                problems: vec![],
            },
        };
        let fail = |lane: &mut Lane, reason: String| {
            lane.kill();
            StartError::Handshake {
                side: cmd.side.as_str(),
                program: cmd.program.display().to_string(),
                reason,
                stderr: lane.stderr_tail(),
            }
        };
        let wait = handshake_timeout();
        match lane.next_line(Instant::now() + wait) {
            Ok(line) => match protocol::parse_handshake(&line) {
                Ok(hs) => lane.handshake = hs,
                Err(e) => return Err(fail(&mut lane, e)),
            },
            Err(LaneFailure::Crash(why)) | Err(LaneFailure::Unrequested(why)) => {
                return Err(fail(&mut lane, why))
            }
            Err(LaneFailure::Timeout) => {
                let seen = seen_text(&seen.lock().unwrap());
                let stderr = if lane.stderr_tail().trim().is_empty() {
                    ", nothing on stderr"
                } else {
                    ""
                };
                return Err(fail(
                    &mut lane,
                    format!(
                        "no handshake within {:.1}s; received {seen}{stderr}\n\
                         (hint: a harness must print its handshake line first: Go calls \
                         harness.Serve(), Rust calls parity::main; if it is only slow to start, \
                         raise --handshake-timeout or PARITY_HANDSHAKE_TIMEOUT)",
                        wait.as_secs_f64()
                    ),
                ));
            }
        }
        Ok(lane)
    }

    /// Starts a Go lane and a Rust lane at once (each reads its handshake meanwhile).
    pub(crate) fn start_pair(
        go: &HarnessCommand,
        rust: &HarnessCommand,
    ) -> Result<(Lane, Lane), StartError> {
        let (go, rust) = thread::scope(|s| {
            let g = s.spawn(|| Lane::start(go));
            let r = Lane::start(rust);
            (g.join().expect("lane start does not panic"), r)
        });
        Ok((go?, rust?))
    }

    pub(crate) fn send(&self, bytes: Vec<u8>) {
        if let Some(tx) = &self.to_child {
            // A send error means the writer saw the child die; the reader will report it.
            let _ = tx.send(bytes);
        }
    }

    /// The next reply line (without `\n`), or why there is none.
    fn next_line(&mut self, deadline: Instant) -> Result<Vec<u8>, LaneFailure> {
        let range = self.next_line_range(deadline)?;
        Ok(self.buf[range].to_vec())
    }

    /// Where the next reply line (without `\n`) lies in `self.buf`: no copy on the hot path.
    fn next_line_range(
        &mut self,
        deadline: Instant,
    ) -> Result<std::ops::Range<usize>, LaneFailure> {
        loop {
            if let Some(nl) = memchr_newline(&self.buf[self.pos..]) {
                let range = self.pos..self.pos + nl;
                self.pos += nl + 1;
                return Ok(range);
            }
            let wait = deadline.saturating_duration_since(Instant::now());
            match self.from_child.recv_timeout(wait) {
                Ok(FromChild::Lines(chunk)) => {
                    self.buf = chunk;
                    self.pos = 0;
                }
                Ok(FromChild::TooLong) => {
                    return Err(LaneFailure::Crash(format!(
                        "a reply exceeded {} MiB",
                        MAX_LINE >> 20
                    )))
                }
                Ok(FromChild::Eof) | Err(RecvTimeoutError::Disconnected) => {
                    return Err(LaneFailure::Crash(self.exit_description()))
                }
                Err(RecvTimeoutError::Timeout) => return Err(LaneFailure::Timeout),
            }
        }
    }

    /// Reads the reply to `id` and returns (kind, payload).
    pub(crate) fn reply(
        &mut self,
        id: u64,
        deadline: Instant,
    ) -> Result<(ReplyKind, Vec<u8>), LaneFailure> {
        let range = self.next_line_range(deadline)?;
        let line = &self.buf[range];
        match protocol::split_reply(line) {
            Ok(r) if r.id == id => Ok((r.kind, r.payload.to_vec())),
            Ok(_) => Err(LaneFailure::Unrequested(format!(
                "expected the reply to id {id}, got {}",
                String::from_utf8_lossy(&line[..line.len().min(200)])
            ))),
            Err(e) => Err(LaneFailure::Crash(format!(
                "malformed reply ({e}): {}",
                String::from_utf8_lossy(&line[..line.len().min(200)])
            ))),
        }
    }

    fn stderr_tail(&self) -> String {
        // Give the stderr thread a moment to drain what a dying process wrote last.
        thread::sleep(Duration::from_millis(20));
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).into_owned()
    }

    fn exit_description(&mut self) -> String {
        let deadline = Instant::now() + Duration::from_millis(500);
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(s)) => break Some(s),
                Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(5)),
                _ => break None,
            }
        };
        let status = match status {
            Some(s) => describe_status(s),
            None => "closed its protocol output".to_string(),
        };
        match crash_summary(&self.stderr_tail()) {
            Some(why) => format!("{status}: {why}"),
            None => status,
        }
    }

    pub(crate) fn kill(&mut self) {
        self.to_child = None;
        // SAFETY: signalling our child's process group (created with process_group(0)).
        unsafe {
            libc::kill(-(self.child.id() as i32), libc::SIGKILL);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        crate::supervise::forget(self.child.id());
    }

    pub(crate) fn restart(&mut self) -> Result<(), StartError> {
        self.kill();
        *self = Lane::start(&self.cmd)?;
        Ok(())
    }
}

impl Drop for Lane {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The lines of a dying process's stderr that say why it died (Go's `fatal error:` and `panic:`,
/// Rust's stack overflow and abort messages), with what changes from run to run (thread ids,
/// addresses, goroutine numbers) taken out, so that the same crash gives the same report.
/// Falls back to the last line of stderr.
pub fn crash_summary(stderr: &str) -> Option<String> {
    use std::sync::OnceLock;
    static REDACT: OnceLock<[(regex::Regex, &str); 3]> = OnceLock::new();
    let redact = REDACT.get_or_init(|| {
        [
            (regex::Regex::new(r" \(\d+\)").unwrap(), ""),
            (regex::Regex::new(r"0x[0-9a-fA-F]+").unwrap(), "0x…"),
            (regex::Regex::new(r"goroutine \d+").unwrap(), "goroutine N"),
        ]
    });
    let clean = |line: &str| {
        let mut l = line.trim().to_string();
        for (re, with) in redact.iter() {
            l = re.replace_all(&l, *with).into_owned();
        }
        l
    };
    let salient = |l: &str| {
        l.starts_with("fatal error:")
            || l.starts_with("panic:")
            || l.starts_with("fatal runtime error:")
            || l.starts_with("runtime: goroutine stack exceeds")
            || l.starts_with("SIG")
            || (l.starts_with("thread '")
                && (l.contains("overflowed its stack") || l.contains("panicked")))
    };
    let mut picked: Vec<String> = Vec::new();
    for line in stderr.lines().map(str::trim).filter(|l| salient(l)) {
        let l = clean(line);
        if !picked.contains(&l) && picked.len() < 3 {
            picked.push(l);
        }
    }
    if picked.is_empty() {
        picked.extend(
            stderr
                .lines()
                .rev()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .map(clean),
        );
    }
    (!picked.is_empty()).then(|| picked.join("; "))
}

fn memchr_newline(s: &[u8]) -> Option<usize> {
    s.iter().position(|&b| b == b'\n')
}

fn describe_status(s: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (s.code(), s.signal()) {
        (Some(c), _) => format!("exited with status {c}"),
        (None, Some(sig)) => format!("killed by signal {sig} ({})", signal_name(sig)),
        _ => s.to_string(),
    }
}

fn signal_name(sig: i32) -> &'static str {
    match sig {
        libc::SIGABRT => "SIGABRT",
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGKILL => "SIGKILL",
        libc::SIGBUS => "SIGBUS",
        libc::SIGILL => "SIGILL",
        libc::SIGFPE => "SIGFPE",
        libc::SIGTERM => "SIGTERM",
        _ => "signal",
    }
}

fn write_loop(mut stdin: ChildStdin, rx: Receiver<Vec<u8>>) {
    while let Ok(bytes) = rx.recv() {
        if stdin.write_all(&bytes).and_then(|_| stdin.flush()).is_err() {
            return;
        }
    }
}

fn read_loop(stdout: &mut impl Read, tx: Sender<FromChild>) {
    let mut buf = vec![0u8; 256 << 10];
    let mut filled = 0;
    loop {
        if filled == buf.len() {
            if buf.len() >= MAX_LINE {
                let _ = tx.send(FromChild::TooLong);
                return;
            }
            buf.resize(buf.len() * 2, 0);
        }
        match stdout.read(&mut buf[filled..]) {
            Ok(0) | Err(_) => {
                let _ = tx.send(FromChild::Eof);
                return;
            }
            Ok(n) => {
                let scan_from = filled;
                filled += n;
                if let Some(last) = buf[scan_from..filled].iter().rposition(|&b| b == b'\n') {
                    let end = scan_from + last + 1;
                    let chunk = buf[..end].to_vec();
                    buf.copy_within(end..filled, 0);
                    filled -= end;
                    if tx.send(FromChild::Lines(chunk)).is_err() {
                        return;
                    }
                }
            }
        }
    }
}

/// The result of one input on both sides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CasePair {
    /// Both sides answered with byte-identical replies: they agree, whatever the rules.
    Identical,
    /// The replies differ (or `decode_all` was asked for); both outcomes decoded.
    Outcomes(Outcome, Outcome),
}

/// Runs inputs on a Go lane and a Rust lane.
pub struct Executor {
    go: Lane,
    rust: Lane,
    timeout: Duration,
    next_id: u64,
    batch: usize,
    vigil: vigil::Vigil,
}

enum Reply {
    Got(ReplyKind, Vec<u8>),
    Failed(LaneFailure),
}

impl Executor {
    /// Starts both harnesses and reads their handshakes.
    pub fn start(
        go: &HarnessCommand,
        rust: &HarnessCommand,
        timeout: Duration,
    ) -> Result<Executor, StartError> {
        let (go, rust) = Lane::start_pair(go, rust)?;
        Ok(Executor {
            go,
            rust,
            timeout,
            next_id: 1,
            batch: 16,
            vigil: vigil::Vigil::default(),
        })
    }

    /// Sets the per-call timeout (for example a larger one to confirm a timeout); returns the
    /// previous one.
    pub fn set_timeout(&mut self, timeout: Duration) -> Duration {
        std::mem::replace(&mut self.timeout, timeout)
    }

    /// The handshake of one side.
    pub fn handshake(&self, side: Side) -> &Handshake {
        match side {
            Side::Go => &self.go.handshake,
            Side::Rust => &self.rust.handshake,
        }
    }

    /// Runs `inputs` of `fun` on both sides. With `decode_all`, every pair is decoded (for
    /// confirmation and the corpus); otherwise byte-identical replies come back as
    /// [`CasePair::Identical`] without decoding, the fast path.
    pub fn run(
        &mut self,
        fun: &FunctionSpec,
        inputs: &[Vec<Value>],
        decode_all: bool,
    ) -> Result<Vec<CasePair>, StartError> {
        let mut out = Vec::with_capacity(inputs.len());
        let mut rest = inputs;
        while !rest.is_empty() {
            let n = self.batch.min(rest.len());
            let started = Instant::now();
            let earlier = &inputs[..inputs.len() - rest.len()];
            self.run_batch(fun, earlier, &rest[..n], decode_all, &mut out)?;
            // A batch that saw its harnesses killed by an interruption says nothing about them.
            if let Some(sig) = crate::supervise::interrupted() {
                return Err(StartError::Interrupted(sig));
            }
            self.adapt(n, started.elapsed());
            rest = &rest[n..];
        }
        // Remembered for a death noticed at the start of the next run (see vigil.rs); within a
        // run the earlier batches are at hand without copies.
        self.vigil.sent(fun, inputs);
        Ok(out)
    }

    fn adapt(&mut self, n: usize, elapsed: Duration) {
        if elapsed < TARGET_BATCH / 2 && n == self.batch {
            self.batch = (self.batch * 2).min(MAX_BATCH);
        } else if elapsed > TARGET_BATCH * 2 {
            self.batch = (self.batch / 2).max(1);
        }
    }

    fn run_batch(
        &mut self,
        fun: &FunctionSpec,
        earlier: &[Vec<Value>],
        inputs: &[Vec<Value>],
        decode_all: bool,
        out: &mut Vec<CasePair>,
    ) -> Result<(), StartError> {
        let types = fun.arg_types();
        let rust_types = fun.rust_arg_types();
        let first_id = self.next_id;
        self.next_id += inputs.len() as u64;
        let mut go_buf = Vec::with_capacity(inputs.len() * 48);
        let mut rust_buf = Vec::with_capacity(inputs.len() * 48);
        for (i, args) in inputs.iter().enumerate() {
            let id = first_id + i as u64;
            protocol::write_request(&mut go_buf, id, &fun.go_name, args, &types);
            protocol::write_request(&mut rust_buf, id, &fun.rust_name, args, &rust_types);
        }
        self.go.send(go_buf);
        self.rust.send(rust_buf);
        let go = collect(&mut self.go, first_id, inputs.len(), self.timeout);
        let rust = collect(&mut self.rust, first_id, inputs.len(), self.timeout);
        // Careful runs wait one grace for a death after the last reply, both sides at once.
        let suspect = decode_all && self.vigil.suspect && self.vigil.is_for(fun);
        let grace = if suspect {
            vigil::GRACE
        } else {
            Duration::ZERO
        };
        let settle_until = Instant::now() + grace;
        let (careful, until) = (decode_all, settle_until);
        let go = self.recover(Side::Go, fun, earlier, inputs, go, careful, until)?;
        let rust = self.recover(Side::Rust, fun, earlier, inputs, rust, careful, until)?;
        for (g, r) in go.into_iter().zip(rust) {
            out.push(pair(fun, g, r, decode_all));
        }
        Ok(())
    }

    /// Re-runs, alone, every input a failed lane left unanswered.
    #[allow(clippy::too_many_arguments)]
    fn recover(
        &mut self,
        side: Side,
        fun: &FunctionSpec,
        earlier: &[Vec<Value>],
        inputs: &[Vec<Value>],
        mut replies: Vec<Reply>,
        careful: bool,
        settle_until: Instant,
    ) -> Result<Vec<Reply>, StartError> {
        let Some(first_missing) = replies.iter().position(|r| matches!(r, Reply::Failed(_))) else {
            // Every reply came: the harness must still be alive and quiet. Careful runs
            // (confirmation, minimization, replay) wait a moment for a death just after the last
            // reply; the fast path only looks at what has arrived.
            let grace = settle_until.saturating_duration_since(Instant::now());
            if let Some(failure) = self.lane(side).settle(grace) {
                self.lane(side).kill();
                if let Some((culprit, why)) =
                    self.hunt(side, fun, earlier, inputs, failure, careful)?
                {
                    pin(&mut replies, inputs, culprit, &why);
                }
                self.lane(side).restart()?;
            }
            return Ok(replies);
        };
        let failure = match std::mem::replace(
            &mut replies[first_missing],
            Reply::Failed(LaneFailure::Timeout),
        ) {
            Reply::Failed(f) => f,
            Reply::Got(..) => unreachable!("the first failed reply"),
        };
        let hung = matches!(failure, LaneFailure::Timeout);
        let mut explained = false;
        let types = match side {
            Side::Go => fun.arg_types(),
            Side::Rust => fun.rust_arg_types(),
        };
        let name = match side {
            Side::Go => &fun.go_name,
            Side::Rust => &fun.rust_name,
        };
        let lane = match side {
            Side::Go => &mut self.go,
            Side::Rust => &mut self.rust,
        };
        let mut dead = true;
        for i in first_missing..inputs.len() {
            if dead {
                lane.restart()?;
            }
            let id = self.next_id;
            self.next_id += 1;
            let mut buf = Vec::new();
            protocol::write_request(&mut buf, id, name, &inputs[i], &types);
            lane.send(buf);
            match lane.reply(id, Instant::now() + self.timeout) {
                Ok((kind, payload)) => {
                    replies[i] = Reply::Got(kind, payload);
                    dead = false;
                }
                Err(failure) => {
                    if matches!(failure, LaneFailure::Timeout) {
                        lane.kill();
                    }
                    replies[i] = Reply::Failed(failure);
                    dead = true;
                    explained = true;
                }
            }
        }
        if !hung && !explained {
            // The harness died (or spoke unasked) although every input it had not answered
            // passes alone: the cause is among the inputs it answered (see vigil.rs).
            self.lane(side).kill();
            if let Some((culprit, why)) = self.hunt(
                side,
                fun,
                earlier,
                &inputs[..first_missing],
                failure,
                careful,
            )? {
                pin(&mut replies, inputs, culprit, &why);
            }
            dead = true;
        }
        if dead {
            self.lane(side).restart()?;
        }
        Ok(replies)
    }
}

/// Marks the replies to every input equal to `inputs[culprit]` as the crash `why`: the same input
/// kills the harness after its reply each time.
fn pin(replies: &mut [Reply], inputs: &[Vec<Value>], culprit: usize, why: &str) {
    for (reply, input) in replies.iter_mut().zip(inputs) {
        if *input == inputs[culprit] {
            *reply = vigil::pinned(why);
        }
    }
}

/// Reads `n` replies starting at `first_id`; after a failure the rest are marked failed too
/// (they will be re-run alone). A harness that sends no reply for `timeout` has hung: the
/// deadline restarts with every reply, so a hang is noticed one timeout after the last answer,
/// however large the batch.
fn collect(lane: &mut Lane, first_id: u64, n: usize, timeout: Duration) -> Vec<Reply> {
    let mut replies = Vec::with_capacity(n);
    for i in 0..n {
        match lane.reply(first_id + i as u64, Instant::now() + timeout) {
            Ok((kind, payload)) => replies.push(Reply::Got(kind, payload)),
            Err(f) => {
                if matches!(f, LaneFailure::Timeout) {
                    lane.kill();
                }
                // The first keeps what happened (recover needs it); the rest re-run alone.
                replies.push(Reply::Failed(f));
                replies
                    .extend((i + 1..n).map(|_| Reply::Failed(LaneFailure::Crash(String::new()))));
                break;
            }
        }
    }
    replies
}

fn pair(fun: &FunctionSpec, go: Reply, rust: Reply, decode_all: bool) -> CasePair {
    // Bytes returned for a spec string are encoded as hex, Go's string as text: equal payloads
    // would mean nothing (`"ab"` is both the text ab and the byte 0xab).
    if !decode_all && fun.rust_results.is_empty() {
        if let (Reply::Got(gk, gp), Reply::Got(rk, rp)) = (&go, &rust) {
            if gk == rk && gp == rp {
                return CasePair::Identical;
            }
        }
    }
    CasePair::Outcomes(decode(fun, go, Side::Go), decode(fun, rust, Side::Rust))
}

fn decode(fun: &FunctionSpec, reply: Reply, side: Side) -> Outcome {
    match reply {
        Reply::Got(kind, payload) => decode_reply(fun, side, kind, &payload),
        Reply::Failed(LaneFailure::Crash(why)) => Outcome::Crash(why),
        Reply::Failed(LaneFailure::Timeout) => Outcome::Timeout,
        Reply::Failed(LaneFailure::Unrequested(line)) => {
            Outcome::Crash(format!("sent a reply nobody asked for: {line}"))
        }
    }
}

/// Decodes one reply of `fun` from `side` into an outcome. On the Rust side of a function whose
/// port returns `Option` ([`FunctionSpec::rust_none_is_error`]), `ok:[null]` is the error outcome
/// `None`; a port returning bytes for a spec `string` ([`FunctionSpec::rust_results`]) is read
/// with its own types and its bytes become strings, byte for byte.
pub(crate) fn decode_reply(
    fun: &FunctionSpec,
    side: Side,
    kind: ReplyKind,
    payload: &[u8],
) -> Outcome {
    let none_is_error = side == Side::Rust && fun.rust_none_is_error;
    let own = match side {
        Side::Rust if !fun.rust_results.is_empty() => &fun.rust_results,
        _ => &fun.results,
    };
    let results: Vec<crate::value::Type> = if none_is_error {
        own.iter()
            .map(|t| crate::value::Type::Option(Box::new(t.clone())))
            .collect()
    } else {
        own.clone()
    };
    match protocol::decode_outcome(kind, payload, &results) {
        Ok(Outcome::Ok(v)) if none_is_error && v.first() == Some(&Value::Nil) => {
            Outcome::Error(b"None".to_vec())
        }
        Ok(Outcome::Ok(v)) if !std::ptr::eq(own, &fun.results) => Outcome::Ok(
            v.into_iter()
                .zip(own.iter().zip(&fun.results))
                .map(|(x, (from, to))| x.retyped(from, to))
                .collect(),
        ),
        Ok(o) => o,
        Err(e) => Outcome::Crash(format!(
            "malformed reply payload ({e}): {}",
            String::from_utf8_lossy(&payload[..payload.len().min(200)])
        )),
    }
}

mod vigil;
pub use vigil::HarnessDeath;

#[cfg(test)]
mod tests {
    use super::crash_summary;

    #[test]
    fn a_crash_is_summarized_by_the_lines_that_say_why_without_ids_or_addresses() {
        let rust = "\nthread 'main' (4258) has overflowed its stack\nfatal runtime error: stack overflow, aborting\n";
        assert_eq!(
            crash_summary(rust).unwrap(),
            "thread 'main' has overflowed its stack; fatal runtime error: stack overflow, aborting"
        );
        let go = "fatal error: sync: unlock of unlocked mutex\n\ngoroutine 1 [running]:\nsync.fatal({0x4c1f2a?, 0x0?})\n\t/usr/lib/go/src/runtime/panic.go:1031 +0x18\nmain.main()\n";
        assert_eq!(
            crash_summary(go).unwrap(),
            "fatal error: sync: unlock of unlocked mutex"
        );
    }

    #[test]
    fn a_crash_without_a_known_message_shows_its_last_line() {
        assert_eq!(
            crash_summary("starting\nbye at 0xdeadbeef\n\n").unwrap(),
            "bye at 0x…"
        );
        assert_eq!(crash_summary(""), None);
    }
}
