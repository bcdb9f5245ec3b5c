//! HTTP requests per second through parity on a trivial endpoint, beside the server's own
//! maximum rate (`cargo bench --bench http_throughput`).
//!
//! The endpoint is `benches/fixtures/http-echo` (Go, standard library): `GET /echo?x=N` answers
//! `{"x":N}`. The same binary is both `[server.go]` and `[server.rust]` of the spec this bench
//! writes (the runner does not care what the "Rust" server is written in), so the figure is
//! parity's own cost per request, not a port's.
//!
//! Measured in the same run, interleaved, `PARITY_BENCH_RUNS` (default 5) times, medians:
//!
//! - **through parity**: the real binary, `parity check SPEC --cases N --seed 1 --format json
//!   --no-times`, with `malformed = 0` and `sequence = 1` (then `sequence = 4`). Start-up (three
//!   servers started and probed) is taken out by timing two case counts, `BASE` and
//!   `BASE + CASES`, and dividing the extra requests by the extra time. A sequence of `k` steps
//!   sends `3 × (1 + k)` requests: one reset and `k` steps to each of the three servers (two Go
//!   instances and the "Rust" one); the step counts are those of parity's own sequence generator
//!   for the same spec and seed.
//! - **the server alone**: a plain keep-alive loop on `std::net::TcpStream` (HTTP/1.1, one
//!   request at a time per connection, the response read to its `Content-Length`), sending
//!   `GET /echo?x=12345` to one instance over one connection, and to three instances over three
//!   connections in parallel (one thread each), which is the shape of parity's load.
//! - **parity's client alone**: the runner's own hyper client (`parity::endpoint::client`) on a
//!   current-thread tokio runtime, as `check` runs it: echoes over one connection (the std loop's
//!   load), then a reset and an echo sent to the three instances at once per "sequence" (the
//!   load of `Cluster::run`), with no generation, comparison or reporting.
//!
//! Beside each rate, the CPU time per request (user + system) of everything involved: for the
//! loops the bench process and the servers (their part shown apart), for `parity check` the
//! parity process and the servers it started (reaped by it, so counted in its children's usage).
//! On this shared 2-core machine wall-clock rates swing by 2x with the load; CPU per request
//! swings much less.
//!
//! Knobs (environment): `PARITY_BENCH_RUNS` (default 5), `PARITY_BENCH_HTTP_BASE` (default 100
//! sequences), `PARITY_BENCH_HTTP_CASES` (default 3000 extra sequences), `PARITY_BENCH_HTTP_REQUESTS`
//! (default 20000 requests per connection in the loops).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use parity::endpoint::client::Client;
use parity::endpoint::http::Request;
use parity::generate::GenContext;
use parity::sequence::{Endpoints, SequenceGen};

const ECHO: &[u8] = b"GET /echo?x=12345 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// CPU seconds (user + system) of this process (`RUSAGE_SELF`) or of its waited-for
/// descendants (`RUSAGE_CHILDREN`: a `parity check` run and the servers it started and reaped).
fn rusage_cpu(who: i32) -> f64 {
    // SAFETY: getrusage fills the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(who, &mut u) };
    let t = |v: libc::timeval| v.tv_sec as f64 + v.tv_usec as f64 * 1e-6;
    t(u.ru_utime) + t(u.ru_stime)
}

/// CPU seconds used so far by the process `pid` (from /proc, in clock ticks).
fn proc_cpu(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command.
    let ticks: f64 = fields
        .get(11..13)
        .map(|f| f.iter().filter_map(|x| x.parse::<f64>().ok()).sum())
        .unwrap_or(0.0);
    // SAFETY: sysconf has no preconditions.
    ticks / unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64
}

/// A rate and its CPU cost, for one measurement.
#[derive(Clone, Copy)]
struct Measured {
    per_s: f64,
    cpu_us: f64,
    /// The servers' part of `cpu_us` (measured in the loops only, not through parity).
    server_us: Option<f64>,
}

/// CPU seconds of the bench process and of `servers` so far.
fn cpu_now(servers: &[&Echo]) -> (f64, f64) {
    (
        rusage_cpu(libc::RUSAGE_SELF),
        servers.iter().map(|s| proc_cpu(s.child.id())).sum::<f64>(),
    )
}

/// `Measured` for `requests` in `wall` seconds, from the CPU figures before and after.
fn measured(requests: f64, wall: f64, before: (f64, f64), after: (f64, f64)) -> Measured {
    let (client, server) = (after.0 - before.0, after.1 - before.1);
    Measured {
        per_s: requests / wall,
        cpu_us: (client + server) * 1e6 / requests,
        server_us: Some(server * 1e6 / requests),
    }
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    xs[xs.len() / 2]
}

/// The spec: the echo binary on both sides, one endpoint, no malformed requests.
fn write_spec(dir: &Path, bin: &Path, steps: usize) -> PathBuf {
    let bin = bin.display();
    let server = format!(
        "command = [\"{bin}\", \"-addr\", \"{{addr}}\"]\nready = \"GET /healthz\"\nreset = \"POST /_reset\"\n"
    );
    let text = format!(
        "# Written by benches/http_throughput.rs: benches/fixtures/http-echo on both sides.\n\
         [server.go]\n{server}\n[server.rust]\n{server}\n\
         [http]\nsequence = {steps}\nmalformed = 0.0\n\n\
         [[endpoint]]\nname = \"Echo\"\nmethod = \"GET\"\npath = \"/echo\"\n\
         query = [{{ name = \"x\", type = \"i64\" }}]\n"
    );
    let path = dir.join(format!("echo-{steps}.toml"));
    std::fs::write(&path, text).expect("write the bench spec");
    path
}

/// The requests `parity check --cases cases --seed 1` sends after start-up: per sequence, a
/// reset and each step, to each of the three servers.
fn requests_sent(spec_path: &Path, cases: u64) -> u64 {
    let spec = parity::spec::load(spec_path).expect("the bench spec loads");
    let ctx = GenContext::new(spec.generation);
    let targets = Endpoints(&spec);
    let mut gen = SequenceGen::new(&targets, 1, &ctx);
    (0..cases).map(|_| 3 * (1 + gen.next(0).len() as u64)).sum()
}

/// The wall time and CPU seconds (parity and its servers) of one `parity check` run, start-up
/// included.
fn parity_check(parity: &Path, spec: &Path, cases: u64, dir: &Path) -> (Duration, f64) {
    let cpu0 = rusage_cpu(libc::RUSAGE_CHILDREN);
    let t0 = Instant::now();
    let out = Command::new(parity)
        .arg("check")
        .arg(spec)
        .args(["--cases", &cases.to_string(), "--seed", "1"])
        .args(["--format", "json", "--no-times"])
        .arg("--corpus")
        .arg(dir.join("corpus"))
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("run parity check");
    let elapsed = t0.elapsed();
    assert!(
        out.status.success(),
        "parity check failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (elapsed, rusage_cpu(libc::RUSAGE_CHILDREN) - cpu0)
}

/// One echo server of the bench's own, on a free loopback port.
struct Echo {
    child: Child,
    addr: SocketAddr,
}

impl Echo {
    fn start(bin: &Path) -> Echo {
        let addr = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port");
        let child = Command::new(bin)
            .args(["-addr", &addr.to_string()])
            .stdin(Stdio::null())
            .spawn()
            .expect("start the echo server");
        let start = Instant::now();
        while TcpStream::connect(addr).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "echo never listened"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        Echo { child, addr }
    }
}

impl Drop for Echo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A keep-alive HTTP/1.1 connection, one request at a time.
struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
    len: usize,
}

impl Conn {
    fn open(addr: SocketAddr) -> Conn {
        let stream = TcpStream::connect(addr).expect("connect to the echo server");
        stream.set_nodelay(true).unwrap();
        Conn {
            stream,
            buf: vec![0; 4096],
            len: 0,
        }
    }

    /// Sends `req` and reads its whole response; returns the status.
    fn round_trip(&mut self, req: &[u8]) -> u16 {
        self.stream.write_all(req).expect("send");
        loop {
            if let Some(end) = self.buf[..self.len]
                .windows(4)
                .position(|w| w == b"\r\n\r\n")
            {
                let head = std::str::from_utf8(&self.buf[..end]).expect("an ASCII head");
                let status: u16 = head[9..12].parse().expect("a status");
                let body = head
                    .lines()
                    .find_map(|l| {
                        let (n, v) = l.split_once(':')?;
                        n.eq_ignore_ascii_case("content-length")
                            .then(|| v.trim().parse::<usize>().ok())?
                    })
                    .unwrap_or(0);
                let total = end + 4 + body;
                while self.len < total {
                    self.fill();
                }
                self.buf.copy_within(total..self.len, 0);
                self.len -= total;
                return status;
            }
            self.fill();
        }
    }

    fn fill(&mut self) {
        if self.len == self.buf.len() {
            self.buf.resize(self.buf.len() * 2, 0);
        }
        let n = self.stream.read(&mut self.buf[self.len..]).expect("read");
        assert!(n > 0, "the echo server closed the connection");
        self.len += n;
    }
}

/// Requests/s of `n` echoes on each of `servers`, one connection and one thread per server.
fn raw_rate(servers: &[&Echo], n: u64) -> Measured {
    let cpu0 = cpu_now(servers);
    let t0 = Instant::now();
    let threads: Vec<_> = servers
        .iter()
        .map(|s| {
            let addr = s.addr;
            std::thread::spawn(move || {
                let mut c = Conn::open(addr);
                for _ in 0..n {
                    assert_eq!(c.round_trip(ECHO), 200);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let requests = (n * servers.len() as u64) as f64;
    measured(requests, t0.elapsed().as_secs_f64(), cpu0, cpu_now(servers))
}

/// Requests/s of parity's hyper client on a current-thread runtime, `n` echoes over one
/// connection to one server, one at a time (the std loop's load, through hyper and tokio).
fn client_rate_one(server: &Echo, n: u64) -> Measured {
    let cpu0 = cpu_now(&[server]);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let echo = Request {
        method: "GET".into(),
        target: "/echo?x=12345".into(),
        headers: Vec::new(),
        body: Vec::new(),
    };
    rt.block_on(async {
        let mut c = Client::new(server.addr);
        let t0 = Instant::now();
        for _ in 0..n {
            assert!(c.send(&echo, Duration::from_secs(5)).await.is_ok());
        }
        measured(
            n as f64,
            t0.elapsed().as_secs_f64(),
            cpu0,
            cpu_now(&[server]),
        )
    })
}

/// Requests/s of parity's hyper client on a current-thread runtime: `n / 2` "sequences" of a
/// reset then an echo, each sent to the three servers at once (as `Cluster::run` does).
fn client_rate(servers: &[&Echo; 3], n: u64) -> Measured {
    let cpu0 = cpu_now(servers);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let req = |method: &str, target: &str| Request {
        method: method.into(),
        target: target.into(),
        headers: Vec::new(),
        body: Vec::new(),
    };
    let (reset, echo) = (req("POST", "/_reset"), req("GET", "/echo?x=12345"));
    let timeout = Duration::from_secs(5);
    rt.block_on(async {
        let mut c: Vec<Client> = servers.iter().map(|s| Client::new(s.addr)).collect();
        let t0 = Instant::now();
        for _ in 0..n / 2 {
            for r in [&reset, &echo] {
                let [a, b, c] = &mut c[..] else {
                    unreachable!()
                };
                let (x, y, z) =
                    tokio::join!(a.send(r, timeout), b.send(r, timeout), c.send(r, timeout));
                assert!(x.is_ok() && y.is_ok() && z.is_ok());
            }
        }
        let requests = (n / 2 * 2 * 3) as f64;
        measured(requests, t0.elapsed().as_secs_f64(), cpu0, cpu_now(servers))
    })
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let parity = PathBuf::from(env!("CARGO_BIN_EXE_parity"));
    let bin = parity::gobuild::build(&root.join("benches/fixtures/http-echo"))
        .expect("benches/fixtures/http-echo builds");
    let runs = env_or("PARITY_BENCH_RUNS", 5).max(1);
    let base = env_or("PARITY_BENCH_HTTP_BASE", 100).max(1);
    let extra = env_or("PARITY_BENCH_HTTP_CASES", 3000).max(1);
    let loop_n = env_or("PARITY_BENCH_HTTP_REQUESTS", 20_000).max(2);
    let dir = tempfile::tempdir().expect("a temporary folder");

    let lengths = [1usize, 4];
    let specs: Vec<(usize, PathBuf, u64)> = lengths
        .iter()
        .map(|&k| {
            let spec = write_spec(dir.path(), &bin, k);
            let extra_requests = requests_sent(&spec, base + extra) - requests_sent(&spec, base);
            (k, spec, extra_requests)
        })
        .collect();
    let servers = [Echo::start(&bin), Echo::start(&bin), Echo::start(&bin)];
    let all: [&Echo; 3] = [&servers[0], &servers[1], &servers[2]];

    println!(
        "parity http throughput: {runs} runs, --cases {base} and {}, {loop_n} requests per connection in the loops; medians",
        base + extra
    );
    let mut through: Vec<Vec<Measured>> = vec![Vec::new(); specs.len()];
    let mut startup: Vec<f64> = Vec::new();
    let (mut raw1, mut raw3, mut hyper1, mut hyper3) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        for (i, (_, spec, extra_requests)) in specs.iter().enumerate() {
            let (short, short_cpu) = parity_check(&parity, spec, base, dir.path());
            let (long, long_cpu) = parity_check(&parity, spec, base + extra, dir.path());
            let checking = long.saturating_sub(short).as_secs_f64().max(1e-9);
            let n = *extra_requests as f64;
            through[i].push(Measured {
                per_s: n / checking,
                cpu_us: (long_cpu - short_cpu) * 1e6 / n,
                server_us: None,
            });
            if i == 0 {
                // The short run's time beyond its own requests at the measured rate.
                let own = requests_sent(spec, base) as f64 * checking / n;
                startup.push(short.as_secs_f64() - own);
            }
        }
        raw1.push(raw_rate(&all[..1], loop_n));
        raw3.push(raw_rate(&all, loop_n));
        hyper1.push(client_rate_one(all[0], loop_n));
        hyper3.push(client_rate(&all, loop_n));
    }
    let med = |xs: &[Measured]| Measured {
        per_s: median(xs.iter().map(|m| m.per_s).collect()),
        cpu_us: median(xs.iter().map(|m| m.cpu_us).collect()),
        server_us: xs[0]
            .server_us
            .map(|_| median(xs.iter().filter_map(|m| m.server_us).collect())),
    };
    let (raw1, raw3, hyper1, hyper3) = (med(&raw1), med(&raw3), med(&hyper1), med(&hyper3));
    println!(
        "{:<58} {:>12} {:>14} {:>12}",
        "", "requests/s", "CPU µs/req", "servers' µs"
    );
    let row = |label: &str, m: Measured, tail: String| {
        let servers = m
            .server_us
            .map_or_else(|| "-".to_string(), |s| format!("{s:.1}"));
        println!(
            "{label:<58} {:>12.0} {:>14.1} {servers:>12}{tail}",
            m.per_s, m.cpu_us
        )
    };
    row(
        "echo server alone, 1 keep-alive connection (std loop)",
        raw1,
        String::new(),
    );
    row(
        "echo servers alone, 3 instances x 1 connection (std loop)",
        raw3,
        String::new(),
    );
    row(
        "parity's hyper client alone, 1 connection, echo only",
        hyper1,
        String::new(),
    );
    row(
        "parity's hyper client alone, reset+echo to 3 at once",
        hyper3,
        String::new(),
    );
    for (i, (k, _, extra_requests)) in specs.iter().enumerate() {
        let m = med(&through[i]);
        row(
            &format!("through parity check, sequence = {k}"),
            m,
            format!(
                "   {:.2}x of 1 conn, {:.2}x of 3 conns, {:.0} sequences/s",
                m.per_s / raw1.per_s,
                m.per_s / raw3.per_s,
                m.per_s * (extra as f64) / *extra_requests as f64
            ),
        );
    }
    println!(
        "parity check start-up (process start, three servers started and probed): {:.3} s",
        median(startup)
    );
}
