//! The runtime of a differential fuzz target: what the target `parity fuzz` generates calls
//! ([`super::build::TARGET_SOURCE`]).
//!
//! [`init`] reads which spec and function to fuzz from the environment, starts the Go side (a
//! harness subprocess, or Go linked in-process in deep mode) and keeps the Rust [`Registry`] to call
//! in-process, so libFuzzer sees the Rust side's coverage. [`run_one`] decodes one byte string
//! into a typed input ([`Decoder`]), runs it on both sides and compares the outcomes; a divergence
//! that repeats is printed with its typed input and aborts the process, which libFuzzer records as
//! a crash artifact. `parity fuzz` turns each artifact back into the same typed input.
//!
//! Settings come from the environment ([`SPEC_ENV`], [`FUNCTION_ENV`], …), else from a file beside
//! the executable ([`SETTINGS_EXT`]), which is how ClusterFuzzLite's copies of the target know
//! what to fuzz.
//!
//! The same binary is also the Rust worker `parity fuzz` confirms and minimizes with: with
//! [`WORKER_ENV`] set, [`init`] serves the registry over the protocol and never returns.

use std::cell::RefCell;
use std::ffi::c_char;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::compare::{self, Divergence, Verdict};
use crate::execute::{decode_reply, HarnessCommand, Lane, LaneFailure};
use crate::outcome::{Outcome, Side};
use crate::protocol::{self, Parser, ReplyKind};
use crate::registry::Registry;
use crate::spec::{self, FunctionSpec};
use crate::value::Value;

use super::input::Decoder;

/// The spec file to fuzz.
pub const SPEC_ENV: &str = "PARITY_FUZZ_SPEC";
/// The spec name of the function to fuzz (default: the spec's first function).
pub const FUNCTION_ENV: &str = "PARITY_FUZZ_FUNCTION";
/// A ready Go harness binary (`parity fuzz` builds it once); without it the spec's package is built.
pub const GO_ENV: &str = "PARITY_FUZZ_GO";
/// Set to serve the registry as a parity worker instead of fuzzing.
pub const WORKER_ENV: &str = "PARITY_FUZZ_WORKER";
/// A file of divergence signatures (one [`signature`] per line) to ignore: the ones `parity fuzz`
/// has already confirmed, so the fuzzer goes on looking for others.
pub const SKIP_ENV: &str = "PARITY_FUZZ_SKIP";
/// Per-call timeout of the Go subprocess, in milliseconds (default 2000).
pub const TIMEOUT_ENV: &str = "PARITY_FUZZ_TIMEOUT_MS";
/// The extension of the settings file read beside the executable (`<exe>.parity`) when
/// [`SPEC_ENV`] is not set: `KEY=VALUE` lines for the variables above, paths relative to the
/// executable's folder. ClusterFuzzLite runs targets without an environment of ours; this is how
/// each copy of the target knows its spec and function (see `.clusterfuzzlite/build.sh`).
pub const SETTINGS_EXT: &str = "parity";

/// Go linked into the target: takes a request line (with its `\n`), returns the reply line.
pub type InProcessGo = Box<dyn FnMut(&[u8]) -> Vec<u8> + Send>;

/// The C ABI `harness-go/capi` exports from the Go harness built as a C archive (deep mode): the
/// generated fuzz target declares these symbols and hands them to [`c_archive_go`].
#[derive(Clone, Copy)]
pub struct GoCApi {
    /// `parity_go_call`: one request line in, one reply line out (malloc'd, `out_len` bytes).
    pub call: unsafe extern "C" fn(*const c_char, usize, *mut usize) -> *mut c_char,
    /// `parity_go_handshake`: the handshake line (malloc'd, `out_len` bytes).
    pub handshake: unsafe extern "C" fn(*mut usize) -> *mut c_char,
    /// The C library's `free`, for what Go returned.
    pub free: unsafe extern "C" fn(*mut c_char),
}

impl GoCApi {
    fn take(&self, p: *mut c_char, len: usize) -> Vec<u8> {
        // SAFETY: Go returned `len` bytes it allocated with malloc; we copy them, then free them.
        unsafe {
            let v = std::slice::from_raw_parts(p as *const u8, len).to_vec();
            (self.free)(p);
            v
        }
    }
}

/// The in-process Go side of deep mode, for [`init`]. Calls Go's handshake once first, which waits
/// for the Go runtime's start-up: that is when Go registers its coverage counters with libFuzzer,
/// and it must happen before libFuzzer counts its modules.
pub fn c_archive_go(api: GoCApi) -> InProcessGo {
    let mut len = 0;
    // SAFETY: a plain C call into the archive; the result is ours to free.
    let p = unsafe { (api.handshake)(&mut len) };
    let _ = api.take(p, len);
    Box::new(move |line: &[u8]| {
        let mut len = 0;
        // SAFETY: `line` outlives the call; Go copies it before returning.
        let p = unsafe { (api.call)(line.as_ptr() as *const c_char, line.len(), &mut len) };
        api.take(p, len)
    })
}

// One per target process, built once: the size difference between the variants costs nothing.
#[allow(clippy::large_enum_variant)]
enum GoSide {
    Process { lane: Lane, timeout: Duration },
    InProcess(InProcessGo),
}

struct Target {
    fun: FunctionSpec,
    decoder: Decoder,
    go: GoSide,
    registry: Registry,
    entry: usize,
    skip: Vec<String>,
    next_id: u64,
}

thread_local! {
    // libFuzzer calls `init` and every input on its main thread; the generators are not `Send`.
    static TARGET: RefCell<Option<Target>> = const { RefCell::new(None) };
}

/// A divergence's identity for [`SKIP_ENV`]: classes, path and rule, as in
/// [`Divergence::same_way`].
pub fn signature(d: &Divergence) -> String {
    format!(
        "{}\t{}\t{}\t{}",
        d.go_class.as_str(),
        d.rust_class.as_str(),
        d.path,
        d.rule
    )
}

fn fail(message: String) -> ! {
    eprintln!("{message}");
    std::process::exit(2)
}

/// Prepares the target (call it from the fuzz target's `init`). `go` is the in-process Go side of
/// deep mode; `None` runs the spec's Go harness as a subprocess.
pub fn init(registry: Registry, go: Option<InProcessGo>) {
    if std::env::var_os(WORKER_ENV).is_some() {
        crate::worker::serve(&registry);
    }
    let settings = Settings::load();
    let Some(spec_path) = settings.get(SPEC_ENV).map(PathBuf::from) else {
        fail(format!(
            "error: the fuzz target needs a spec\n(hint: set {SPEC_ENV}=specs/x.toml and {FUNCTION_ENV}=Name, or run it through `parity fuzz`)"
        ))
    };
    // A target given its Go harness (ClusterFuzzLite's `$OUT`) has no Go package beside the spec.
    let load = if settings.get(GO_ENV).is_some() {
        spec::load_given_go
    } else {
        spec::load
    };
    let mut spec = load(&spec_path).unwrap_or_else(|e| fail(e.to_string()));
    let source = std::fs::read_to_string(&spec_path).unwrap_or_default();
    let name = settings.get(FUNCTION_ENV);
    if let Some(name) = &name {
        spec.functions.retain(|f| &f.name == name);
    }
    if spec.functions.is_empty() {
        fail(format!(
            "error: no function `{}` in {}",
            name.unwrap_or_default(),
            spec_path.display()
        ));
    }
    spec.functions.truncate(1);
    let timeout = settings
        .get(TIMEOUT_ENV)
        .and_then(|t| t.parse().ok())
        .map(Duration::from_millis)
        .unwrap_or(Duration::from_secs(2));
    let go = match go {
        Some(f) => GoSide::InProcess(f),
        None => {
            let cmd = match settings.get(GO_ENV) {
                Some(p) => HarnessCommand {
                    side: Side::Go,
                    program: PathBuf::from(p),
                    args: Vec::new(),
                    env: Vec::new(),
                },
                None => crate::check::go_command(&spec).unwrap_or_else(|e| fail(e.to_string())),
            };
            let lane = Lane::start(&cmd).unwrap_or_else(|e| fail(e.to_string()));
            GoSide::Process { lane, timeout }
        }
    };
    let go_handshake = match &go {
        GoSide::Process { lane, .. } => Some(lane.handshake.clone()),
        GoSide::InProcess(_) => None,
    };
    if let Some(hs) = go_handshake {
        spec::check_signatures(&mut spec, &source, &hs, &registry.handshake())
            .unwrap_or_else(|e| fail(e.to_string()));
    }
    let fun = spec.functions.remove(0);
    let mut go = go;
    if let GoSide::InProcess(call) = &mut go {
        probe_in_process(call, &fun);
    }
    let entry = registry
        .entries
        .iter()
        .position(|e| e.sig.name == fun.rust_name)
        .unwrap_or_else(|| {
            fail(format!(
                "error: the fuzz target's registry has no Rust function `{}`\n(hint: add it to your crate's `registry()`, which the fuzz target calls; see docs/fuzzing.md)",
                fun.rust_name
            ))
        });
    let skip = settings
        .get(SKIP_ENV)
        .and_then(|p| std::fs::read_to_string(p).ok())
        .map(|s| s.lines().map(str::to_string).collect())
        .unwrap_or_default();
    // Rust panics are outcomes here, not crashes: replace libfuzzer-sys's aborting hook with one
    // that keeps the message for the reply.
    crate::worker::capture_panics();
    let target = Target {
        decoder: Decoder::new(&fun),
        fun,
        go,
        registry,
        entry,
        skip,
        next_id: 1,
    };
    TARGET.with(|t| *t.borrow_mut() = Some(target));
}

/// Checks that the Go linked in serves `fun`: a call without arguments is answered `bad`, by an
/// unknown function as such (a C archive never runs main, so registrations made there are missing).
fn probe_in_process(call: &mut InProcessGo, fun: &FunctionSpec) {
    let mut line = Vec::new();
    protocol::write_request(&mut line, 0, &fun.go_name, &[], &[]);
    let reply = call(&line);
    let reply = reply.strip_suffix(b"\n").unwrap_or(&reply);
    let unknown = match protocol::split_reply(reply) {
        Ok(r) => {
            r.kind == ReplyKind::Bad && r.payload.windows(16).any(|w| w == b"unknown function")
        }
        Err(e) => fail(format!(
            "error: the in-process Go side answered a malformed reply: {e}"
        )),
    };
    if unknown {
        fail(format!(
            "error: the Go linked into the fuzz target does not serve `{}`\n(hint: in deep mode the harness is a C archive, which never runs main: call harness.Register from init)",
            fun.go_name
        ));
    }
}

/// The target's settings: the environment, else the settings file beside the executable.
struct Settings {
    file: Vec<(String, String)>,
}

impl Settings {
    fn load() -> Settings {
        let mut file = Vec::new();
        if std::env::var_os(SPEC_ENV).is_none() {
            if let Ok(exe) = std::env::current_exe() {
                let mut path = exe.clone().into_os_string();
                path.push(format!(".{SETTINGS_EXT}"));
                let dir = exe.parent().map(PathBuf::from).unwrap_or_default();
                for line in std::fs::read_to_string(&path).unwrap_or_default().lines() {
                    let Some((k, v)) = line.trim().split_once('=') else {
                        continue;
                    };
                    let v = match k {
                        SPEC_ENV | GO_ENV | SKIP_ENV => dir.join(v).display().to_string(),
                        _ => v.to_string(),
                    };
                    file.push((k.to_string(), v));
                }
            }
        }
        Settings { file }
    }

    fn get(&self, key: &str) -> Option<String> {
        std::env::var(key).ok().or_else(|| {
            self.file
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
        })
    }
}

/// Runs one fuzzer input on both sides; aborts the process on a divergence that repeats.
pub fn run_one(data: &[u8]) {
    TARGET.with(|t| match t.borrow_mut().as_mut() {
        Some(t) => t.run_one(data),
        None => fail("error: parity::fuzz::target::init was not called".into()),
    })
}

impl Target {
    fn run_one(&mut self, data: &[u8]) {
        let t = self;
        let input = t.decoder.decode(data);
        let Some((go, rust, d)) = t.diverges(&input) else {
            return;
        };
        if t.skip.contains(&signature(&d)) {
            return;
        }
        // Confirm before failing: one run alone is never believed. An input that does not diverge the
        // same way twice is left to `parity check`, which reports nondeterminism as its own finding.
        if !t
            .diverges(&input)
            .is_some_and(|(_, _, again)| again.same_way(&d))
        {
            return;
        }
        let fun = &t.fun;
        eprintln!(
        "\n=== parity: {} diverges ===\ngo call:   {}\nrust call: {}\ngo:   {}\nrust: {}\n{d}\n(parity fuzz turns this artifact into a minimized corpus entry and a report)",
        fun.name,
        crate::render::go_call(fun, &input),
        crate::render::rust_call(fun, &input),
        crate::readable::pretty_outcome(&go, &fun.results),
        crate::readable::pretty_outcome(&rust, &fun.results),
    );
        std::process::abort();
    }

    fn diverges(&mut self, input: &[Value]) -> Option<(Outcome, Outcome, Divergence)> {
        let (gk, gp) = self.call_go(input);
        let (rk, rp) = self.call_rust(input);
        // Identical replies agree, unless the port returns bytes for a spec string (hex, not text).
        if gk == rk && gp == rp && self.fun.rust_results.is_empty() {
            return None;
        }
        let go = match gk {
            Some(k) => decode_reply(&self.fun, Side::Go, k, &gp),
            None => Outcome::Crash(String::from_utf8_lossy(&gp).into_owned()),
        };
        let rust = match rk {
            Some(k) => decode_reply(&self.fun, Side::Rust, k, &rp),
            None => Outcome::Crash(String::from_utf8_lossy(&rp).into_owned()),
        };
        match compare::compare(&self.fun.compare, &self.fun.results, &go, &rust) {
            Verdict::Diverge(d) => Some((go, rust, d)),
            _ => None,
        }
    }

    /// The Go reply's kind and payload; kind `None` with a description when the side failed.
    fn call_go(&mut self, input: &[Value]) -> (Option<ReplyKind>, Vec<u8>) {
        let id = self.next_id;
        self.next_id += 1;
        let mut line = Vec::new();
        protocol::write_request(
            &mut line,
            id,
            &self.fun.go_name,
            input,
            &self.fun.arg_types(),
        );
        match &mut self.go {
            GoSide::InProcess(call) => {
                let reply = call(&line);
                let reply = reply.strip_suffix(b"\n").unwrap_or(&reply);
                match protocol::split_reply(reply) {
                    Ok(r) => (Some(r.kind), r.payload.to_vec()),
                    Err(e) => (
                        None,
                        format!("malformed in-process reply: {e}").into_bytes(),
                    ),
                }
            }
            GoSide::Process { lane, timeout } => {
                lane.send(line);
                match lane.reply(id, Instant::now() + *timeout) {
                    Ok((kind, payload)) => (Some(kind), payload),
                    Err(f) => {
                        let why = match f {
                            LaneFailure::Crash(why) => why,
                            LaneFailure::Timeout => "timeout".to_string(),
                            LaneFailure::Unrequested(line) => {
                                format!("sent a reply nobody asked for: {line}")
                            }
                        };
                        if let Err(e) = lane.restart() {
                            fail(e.to_string());
                        }
                        (None, why.into_bytes())
                    }
                }
            }
        }
    }

    fn call_rust(&mut self, input: &[Value]) -> (Option<ReplyKind>, Vec<u8>) {
        let mut args = Vec::new();
        args.push(b'[');
        for (i, (v, ty)) in input.iter().zip(self.fun.rust_arg_types()).enumerate() {
            if i > 0 {
                args.push(b',');
            }
            protocol::encode_value(&mut args, v, &ty);
        }
        args.push(b']');
        let entry = &self.registry.entries[self.entry];
        let mut payload = Vec::new();
        let kind = crate::worker::call_entry(entry, &mut Parser::new(&args), b"", &mut payload);
        (Some(kind), payload)
    }
}
