//! End-to-end differential checks per second (`cargo bench --bench throughput`).
//!
//! For a trivial function (`Add(i64, i64)`) and a short-string function (`Greet(string)`), runs the
//! real `check` pipeline (generation, pipelined execution on both sides, comparison) several times
//! and reports the median rate, side by side with the Go harness's own decode+dispatch+encode rate
//! on the same inputs on one core (`PARITY_HARNESS_SELFBENCH=1`), measured in the same run.
//!
//! This binary is also its own Rust worker: started as `throughput __worker`, it serves the two
//! Rust functions, exactly as the parity binary serves a project's registry.
//!
//! Knobs (environment): `PARITY_BENCH_CASES` (default 2000000 per run), `PARITY_BENCH_RUNS`
//! (default 5), `PARITY_BENCH_JOBS` (default: the number of cores).

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use parity::check::{self, CheckOptions};
use parity::execute::HarnessCommand;
use parity::generate::Generator;
use parity::outcome::Side;
use parity::report::{Event, Reporter};
use parity::shrink::Budget;
use parity::{protocol, worker, Registry};

fn registry() -> Registry {
    Registry::new()
        .function("bench_add", |a: i64, b: i64| a.wrapping_add(b))
        .function("bench_greet", |name: String| format!("hello, {name}"))
}

struct Collect(Vec<(String, u64, Duration)>);

impl Reporter for Collect {
    fn event(&mut self, event: &Event) {
        if let Event::FunctionFinished(f) = event {
            self.0.push((f.function.clone(), f.cases, f.elapsed));
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

/// The Go harness's own rate on `n` inputs of `function`, on one core, without I/O.
fn go_selfbench(go_bin: &Path, spec: &parity::spec::Spec, function: &str, n: u64) -> f64 {
    let fun = spec.functions.iter().find(|f| f.name == function).unwrap();
    let mut g = Generator::new(fun, 1);
    let types = fun.arg_types();
    let mut requests = Vec::new();
    for id in 0..n {
        protocol::write_request(&mut requests, id + 1, &fun.go_name, &g.next_input(), &types);
    }
    let mut child = Command::new(go_bin)
        .env("PARITY_HARNESS_SELFBENCH", "1")
        .env("GOMAXPROCS", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the Go harness");
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        stdin.write_all(&requests).unwrap();
    });
    let mut last = String::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        last = line.unwrap();
    }
    writer.join().unwrap();
    child.wait().unwrap();
    let v: serde_json::Value = serde_json::from_str(&last).expect("self-bench result line");
    v["requests"].as_f64().unwrap() / v["seconds"].as_f64().unwrap()
}

fn main() {
    if std::env::args_os()
        .nth(1)
        .is_some_and(|a| a == worker::WORKER_ARG)
    {
        worker::serve(&registry());
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let spec_path = root.join("specs/bench.toml");
    let spec = parity::spec::load(&spec_path).expect("specs/bench.toml loads");
    let cases = env_or("PARITY_BENCH_CASES", 2_000_000);
    let runs = env_or("PARITY_BENCH_RUNS", 5).max(1);
    let jobs = env_or(
        "PARITY_BENCH_JOBS",
        std::thread::available_parallelism()
            .map(|n| n.get() as u64)
            .unwrap_or(1),
    ) as usize;
    let corpus = std::env::temp_dir().join(format!("parity-bench-corpus-{}", std::process::id()));
    let opts = CheckOptions {
        sequences: None,
        spec_path: spec_path.clone(),
        seed: 1,
        cases: Some(cases),
        time: None,
        function: None,
        jobs,
        timeout: Duration::from_secs(5),
        shrink: Budget {
            max_iters: 1000,
            max_time: Duration::from_secs(10),
        },
        corpus_root: corpus.clone(),
        rust: HarnessCommand {
            side: Side::Rust,
            program: std::env::current_exe().unwrap(),
            args: vec![worker::WORKER_ARG.to_string()],
            env: Vec::new(),
        },
        ci: false,
        extra_inputs: Vec::new(),
    };
    let go_bin = match &spec.go {
        parity::spec::GoSource::Package { dir } => {
            parity::gobuild::build(dir).expect("Go harness builds")
        }
        parity::spec::GoSource::Command { argv } => PathBuf::from(&argv[0]),
    };

    println!(
        "parity throughput: {cases} cases per function per run, {runs} runs, {jobs} jobs; medians"
    );
    println!(
        "{:<8} {:>16} {:>22} {:>8}",
        "function", "checks/s (e2e)", "Go harness alone/s", "ratio"
    );
    let mut rates: Vec<Vec<f64>> = vec![Vec::new(); spec.functions.len()];
    let mut go_rates: Vec<Vec<f64>> = vec![Vec::new(); spec.functions.len()];
    for _ in 0..runs {
        let mut c = Collect(Vec::new());
        let summary = check::run(&opts, &mut c).expect("the benchmark check runs");
        assert_eq!(summary.findings, 0, "the benchmark functions must agree");
        for (i, (_, n, elapsed)) in c.0.iter().enumerate() {
            rates[i].push(*n as f64 / elapsed.as_secs_f64());
        }
        for (i, f) in spec.functions.iter().enumerate() {
            go_rates[i].push(go_selfbench(&go_bin, &spec, &f.name, 200_000));
        }
    }
    for (i, f) in spec.functions.iter().enumerate() {
        let e2e = median(rates[i].clone());
        let go = median(go_rates[i].clone());
        println!(
            "{:<8} {:>16.0} {:>22.0} {:>7.2}x",
            f.name,
            e2e,
            go,
            e2e / go
        );
    }
    let _ = std::fs::remove_dir_all(corpus);
}
