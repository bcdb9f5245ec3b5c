//! Call sequences of stateful objects per second (`cargo bench --bench object_throughput`).
//!
//! On the ledger example (`specs/example-ledger.toml`: `billing.Ledger` against its careful
//! port, equivalent), measures in the same run:
//! - **check**: the whole `parity check` pipeline on the object (generation, both harnesses in
//!   lock step per call, comparison), as sequences/s;
//! - **session**: the same generated sequences run straight through the object session (no
//!   comparison bookkeeping, no progress events), as sequences/s and calls/s;
//!
//! and prints the medians and the ratio check/session: what parity's own work costs over the
//! two round trips per call that lock step needs.
//!
//! This binary is also its own Rust worker (`object_throughput __worker`), serving the example's
//! registry. Knobs: `PARITY_BENCH_OBJECT_CASES` (sequences per method per run, default 1000),
//! `PARITY_BENCH_RUNS` (default 5).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use parity::check::{self, CheckOptions};
use parity::execute::HarnessCommand;
use parity::generate::GenContext;
use parity::object::session::Session;
use parity::object::targets::ObjectTargets;
use parity::outcome::Side;
use parity::report::{Event, Reporter};
use parity::sequence::{SequenceGen, Targets};
use parity::shrink::Budget;
use parity::worker;

struct Collect(Vec<(u64, Duration)>);

impl Reporter for Collect {
    fn event(&mut self, event: &Event) {
        if let Event::FunctionFinished(f) = event {
            self.0.push((f.cases, f.elapsed));
        }
    }
}

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    xs[xs.len() / 2]
}

fn main() {
    if std::env::args_os()
        .nth(1)
        .is_some_and(|a| a == worker::WORKER_ARG)
    {
        worker::serve(&parity_cli::registry());
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let spec_path = root.join("specs/example-ledger.toml");
    let cases = env_or("PARITY_BENCH_OBJECT_CASES", 1000);
    let runs = env_or("PARITY_BENCH_RUNS", 5).max(1);
    let rust = HarnessCommand {
        side: Side::Rust,
        program: std::env::current_exe().unwrap(),
        args: vec![worker::WORKER_ARG.to_string()],
        env: Vec::new(),
    };
    let corpus = std::env::temp_dir().join(format!("parity-bench-objects-{}", std::process::id()));
    let opts = CheckOptions {
        sequences: Some(cases),
        spec_path: spec_path.clone(),
        seed: 1,
        cases: Some(cases),
        time: None,
        function: None,
        jobs: 1,
        timeout: Duration::from_secs(5),
        shrink: Budget {
            max_iters: 1000,
            max_time: Duration::from_secs(10),
        },
        corpus_root: corpus.clone(),
        rust: rust.clone(),
        ci: true,
        extra_inputs: Vec::new(),
    };
    let mut spec = parity::spec::load(&spec_path).expect("specs/example-ledger.toml loads");
    let go = check::go_command(&spec).expect("the Go harness builds");
    let mut session = Session::start(&go, &rust, opts.timeout).expect("both harnesses start");
    let source = std::fs::read_to_string(&spec_path).unwrap();
    parity::spec::check_object_signatures(
        &mut spec,
        &source,
        session.handshake(Side::Go),
        session.handshake(Side::Rust),
    )
    .expect("the ledger's signatures match");
    let obj = spec.objects[0].clone();
    println!(
        "parity object throughput: {} ({cases} sequences per method per run), {runs} runs; medians",
        obj.name
    );
    let (mut e2e, mut alone, mut calls_per_s) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let mut c = Collect(Vec::new());
        let summary = check::run(&opts, &mut c).expect("the benchmark check runs");
        assert_eq!(summary.findings, 0, "the careful ledger port must agree");
        let (n, elapsed) = c.0[0];
        e2e.push(n as f64 / elapsed.as_secs_f64());
        // The same sequences through the session alone.
        let targets = ObjectTargets(&obj);
        let ctx = GenContext::new(spec.generation);
        let mut gen = SequenceGen::new(&targets, 1, &ctx);
        let methods = targets.count() - 1;
        let seqs: Vec<_> = (0..cases)
            .flat_map(|_| (1..=methods).collect::<Vec<_>>())
            .map(|focus| gen.next(focus))
            .collect();
        let t0 = Instant::now();
        let mut calls = 0usize;
        for seq in &seqs {
            calls += session.run(&obj, seq).expect("the session runs").len();
        }
        let secs = t0.elapsed().as_secs_f64();
        alone.push(seqs.len() as f64 / secs);
        calls_per_s.push(calls as f64 / secs);
    }
    let (e2e, alone, calls) = (median(e2e), median(alone), median(calls_per_s));
    println!("{:<22} {:>12} {:>12}", "", "sequences/s", "calls/s");
    println!("{:<22} {:>12.0} {:>12}", "check (end to end)", e2e, "");
    println!("{:<22} {:>12.0} {:>12.0}", "session alone", alone, calls);
    println!("ratio check/session    {:.2}x", e2e / alone);
    let _ = std::fs::remove_dir_all(corpus);
}
