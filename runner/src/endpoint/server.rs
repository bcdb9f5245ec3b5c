//! Starting, probing, resetting, restarting and stopping the servers of both sides.
//!
//! Each server parity starts gets a free loopback port (bound, released, then passed in through
//! the `{addr}`/`{port}` placeholders), is spawned through [`crate::supervise`] (own process
//! group, parent-death signal, killed on SIGINT/SIGTERM), and has its stdout and stderr drained
//! by two threads that keep the last lines for error messages: a server that prints a lot never
//! blocks, and one that never becomes ready is reported with what it printed.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::client::Client;
use super::http::Request;
use crate::spec::{Launch, Probe, ServerSpec};

/// The lines of a server's output kept for error messages.
const LOG_LINES: usize = 20;

/// Which server this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// The Go service whose answers are compared with Rust's.
    GoPrimary,
    /// A second Go instance: its differences from the primary are noise.
    GoSecondary,
    /// The Rust port.
    Rust,
}

impl Role {
    /// `go`, `go (secondary)`, `rust`: for messages.
    pub fn label(self) -> &'static str {
        match self {
            Role::GoPrimary => "go",
            Role::GoSecondary => "go (secondary)",
            Role::Rust => "rust",
        }
    }
}

/// Why a server could not be prepared or started (exit 3: the user's set-up, not a finding).
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// Building the program failed.
    #[error("{0}")]
    Build(String),
    /// The program could not be spawned.
    #[error("failed to start the {role} server `{program}`: {source}\n(hint: check `command` in the spec's [server.{side}] table)")]
    Spawn {
        /// Which server.
        role: &'static str,
        /// The spec table's side (`go` or `rust`).
        side: &'static str,
        /// The program.
        program: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// It exited or never answered the readiness probe.
    #[error("the {role} server never became ready: {why}\n{log}(hint: the server must listen on the address parity passes in `{{addr}}` or `{{port}}` and answer `{probe}` with a status below 500; raise `startup_timeout` in [server.{side}] if it is only slow)")]
    NotReady {
        /// Which server.
        role: &'static str,
        /// The spec table's side.
        side: &'static str,
        /// The probe.
        probe: String,
        /// What happened.
        why: String,
        /// The tail of its output, formatted.
        log: String,
    },
}

/// A program ready to be started: a built binary or a command, with its arguments and
/// environment still holding placeholders.
#[derive(Clone, Debug)]
pub struct Program {
    argv: Vec<String>,
    env: Vec<(String, String)>,
    cwd: Option<PathBuf>,
}

/// Builds what `spec` needs (the Go package, the Cargo binary) and returns how to start it;
/// `None` for a server that is already running at a URL. `phase` is told what is being built.
pub fn prepare(
    spec: &ServerSpec,
    side: &'static str,
    phase: &mut dyn FnMut(&str),
) -> Result<Option<Program>, StartError> {
    match &spec.launch {
        Launch::Url(_) => Ok(None),
        Launch::GoPackage { dir, args, env } => {
            phase(&format!("building the Go server {}", dir.display()));
            let bin = crate::gobuild::build(dir).map_err(|e| StartError::Build(e.to_string()))?;
            let mut argv = vec![bin.display().to_string()];
            argv.extend(args.iter().cloned());
            Ok(Some(Program {
                argv,
                env: env.clone(),
                cwd: None,
            }))
        }
        Launch::Command { argv, env, cwd } => Ok(Some(Program {
            argv: argv.clone(),
            env: env.clone(),
            cwd: Some(cwd.clone()),
        })),
        Launch::Cargo {
            package,
            bin,
            args,
            env,
            cwd,
        } => {
            phase(&format!(
                "building the {side} server (cargo build -p {package})"
            ));
            let exe = cargo_build(package, bin.as_deref(), cwd, side)?;
            let mut argv = vec![exe.display().to_string()];
            argv.extend(args.iter().cloned());
            Ok(Some(Program {
                argv,
                env: env.clone(),
                cwd: Some(cwd.clone()),
            }))
        }
    }
}

/// `cargo build -p package [--bin bin]` in `cwd`, returning the binary cargo reports.
fn cargo_build(
    package: &str,
    bin: Option<&str>,
    cwd: &Path,
    side: &'static str,
) -> Result<PathBuf, StartError> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args([
        "build",
        "--message-format=json-render-diagnostics",
        "-p",
        package,
    ])
    .current_dir(cwd)
    .stdout(Stdio::piped())
    .stderr(Stdio::inherit());
    if let Some(b) = bin {
        cmd.args(["--bin", b]);
    }
    let out = cmd.output().map_err(|e| {
        StartError::Build(format!(
            "failed to run `cargo build -p {package}` for the {side} server: {e}\n(hint: put cargo on PATH)"
        ))
    })?;
    if !out.status.success() {
        return Err(StartError::Build(format!(
            "failed to build the {side} server: `cargo build -p {package}` exited with {} (its errors are above)\n(hint: fix them, or check `cargo` in the spec's [server.{side}] table)",
            out.status
        )));
    }
    let mut found = None;
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if msg["reason"] != "compiler-artifact" {
            continue;
        }
        let Some(exe) = msg["executable"].as_str() else {
            continue;
        };
        let name = msg["target"]["name"].as_str().unwrap_or_default();
        if bin.is_none_or(|b| b == name) {
            found = Some(PathBuf::from(exe));
        }
    }
    found.ok_or_else(|| {
        StartError::Build(format!(
            "`cargo build -p {package}` built no binary for the {side} server\n(hint: name a package with a [[bin]] target, or add `bin = \"name\"` to [server.{side}])"
        ))
    })
}

/// A running (or already running, for a URL) server.
pub struct Server {
    /// Which server.
    pub role: Role,
    side: &'static str,
    /// Where it listens.
    pub addr: SocketAddr,
    program: Option<Program>,
    child: Option<Child>,
    log: Arc<Mutex<VecDeque<String>>>,
    /// The connection to it.
    pub client: Client,
    ready: Probe,
    reset: Option<Probe>,
    startup_timeout: Duration,
}

impl Server {
    /// Starts the server (or connects to its URL) and waits until it is ready.
    pub async fn start(
        role: Role,
        spec: &ServerSpec,
        program: Option<&Program>,
    ) -> Result<Server, StartError> {
        let side = if role == Role::Rust { "rust" } else { "go" };
        let addr = match &spec.launch {
            Launch::Url(url) => url_addr(url).map_err(|why| StartError::NotReady {
                role: role.label(),
                side,
                probe: probe_text(&spec.ready),
                why,
                log: String::new(),
            })?,
            _ => free_port(),
        };
        let mut server = Server {
            role,
            side,
            addr,
            program: program.cloned(),
            child: None,
            log: Arc::new(Mutex::new(VecDeque::new())),
            client: Client::new(addr),
            ready: spec.ready.clone(),
            reset: spec.reset.clone(),
            startup_timeout: spec.startup_timeout,
        };
        server.launch().await?;
        Ok(server)
    }

    /// Whether this server can be reset by a request (else it is restarted).
    pub fn has_reset(&self) -> bool {
        self.reset.is_some()
    }

    async fn launch(&mut self) -> Result<(), StartError> {
        if let Some(p) = &self.program {
            let fill = |s: &str| {
                s.replace("{addr}", &self.addr.to_string())
                    .replace("{port}", &self.addr.port().to_string())
                    .replace("{host}", "127.0.0.1")
            };
            let mut cmd = Command::new(&p.argv[0]);
            cmd.args(p.argv[1..].iter().map(|a| fill(a)))
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            for (k, v) in &p.env {
                cmd.env(k, fill(v));
            }
            if let Some(d) = &p.cwd {
                cmd.current_dir(d);
            }
            let mut child = crate::supervise::spawn(cmd).map_err(|source| StartError::Spawn {
                role: self.role.label(),
                side: self.side,
                program: p.argv[0].clone(),
                source,
            })?;
            self.log.lock().unwrap_or_else(|e| e.into_inner()).clear();
            for out in [
                child
                    .stdout
                    .take()
                    .map(|o| Box::new(o) as Box<dyn std::io::Read + Send>),
                child
                    .stderr
                    .take()
                    .map(|o| Box::new(o) as Box<dyn std::io::Read + Send>),
            ]
            .into_iter()
            .flatten()
            {
                let log = Arc::clone(&self.log);
                std::thread::spawn(move || {
                    for line in BufReader::new(out).lines() {
                        let Ok(line) = line else { break };
                        let mut log = log.lock().unwrap_or_else(|e| e.into_inner());
                        if log.len() == LOG_LINES {
                            log.pop_front();
                        }
                        log.push_back(line);
                    }
                });
            }
            self.child = Some(child);
        }
        self.client.disconnect();
        self.wait_ready().await
    }

    async fn wait_ready(&mut self) -> Result<(), StartError> {
        let start = Instant::now();
        let probe = request(&self.ready);
        let why = loop {
            if let Some(status) = self.exited() {
                break format!("it exited with {status} before answering");
            }
            match self.client.send(&probe, Duration::from_secs(2)).await {
                Ok(r) if r.status < 500 => return Ok(()),
                Ok(r) if start.elapsed() > self.startup_timeout => {
                    break format!(
                        "`{}` answered {} until the timeout",
                        probe_text(&self.ready),
                        r.status
                    );
                }
                _ if start.elapsed() > self.startup_timeout => {
                    break format!(
                        "no answer on {} within {}s",
                        self.addr,
                        self.startup_timeout.as_secs_f64()
                    )
                }
                _ => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        };
        let log = self.log_tail();
        self.stop();
        Err(StartError::NotReady {
            role: self.role.label(),
            side: self.side,
            probe: probe_text(&self.ready),
            why,
            log,
        })
    }

    /// How the server ended, if it did (`exit status: 2`, `signal: 9 (SIGKILL)`).
    pub fn exited(&mut self) -> Option<String> {
        let child = self.child.as_mut()?;
        match child.try_wait() {
            Ok(Some(status)) => Some(status.to_string()),
            _ => None,
        }
    }

    /// The last lines it printed, indented, for messages (empty when it printed nothing).
    pub fn log_tail(&self) -> String {
        let log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        if log.is_empty() {
            return String::new();
        }
        let mut out = format!("its last {} lines of output:\n", log.len());
        for l in log.iter() {
            out.push_str("  | ");
            out.push_str(l);
            out.push('\n');
        }
        out
    }

    /// Brings the server to its initial state: the reset request, or a restart. A server that
    /// died is restarted either way.
    pub async fn reset(&mut self) -> Result<(), StartError> {
        if self.exited().is_none() {
            if let Some(reset) = &self.reset {
                let req = request(reset);
                if let Ok(r) = self.client.send(&req, Duration::from_secs(5)).await {
                    if r.status < 500 {
                        return Ok(());
                    }
                }
            }
        }
        self.restart().await
    }

    /// Kills and starts the server again (after a crash or hang, or as its reset).
    pub async fn restart(&mut self) -> Result<(), StartError> {
        if self.program.is_none() {
            return self.wait_ready().await;
        }
        self.stop();
        // The port may be held briefly by the dead process's sockets: take a fresh one.
        self.addr = free_port();
        self.client = Client::new(self.addr);
        self.launch().await
    }

    /// Kills the server's process group and waits for it.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let pid = child.id();
            // SAFETY: kill(2) on the group this child leads (it was spawned with its own group).
            unsafe {
                libc::kill(-(pid as i32), libc::SIGKILL);
            }
            let _ = child.kill();
            let _ = child.wait();
            crate::supervise::forget(pid);
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A probe as a request.
pub fn request(p: &Probe) -> Request {
    Request {
        method: p.method.clone(),
        target: p.path.clone(),
        headers: Vec::new(),
        body: Vec::new(),
    }
}

fn probe_text(p: &Probe) -> String {
    format!("{} {}", p.method, p.path)
}

/// A free loopback port, found by binding port 0.
fn free_port() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0)))
}

/// The socket address of `http://host:port` (validation checked the form).
fn url_addr(url: &str) -> Result<SocketAddr, String> {
    let rest = url.strip_prefix("http://").unwrap_or(url);
    let host = rest.split('/').next().unwrap_or(rest);
    let with_port = if host.contains(':') {
        host.to_string()
    } else {
        format!("{host}:80")
    };
    std::net::ToSocketAddrs::to_socket_addrs(&with_port)
        .map_err(|e| format!("cannot resolve {url}: {e}"))?
        .next()
        .ok_or_else(|| format!("cannot resolve {url}"))
}
