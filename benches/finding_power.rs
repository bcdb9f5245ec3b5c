//! Finding power (`cargo bench --bench finding_power`): for each planted bug of
//! `tests/fixtures/power/` (one per shape that independent random values almost never have),
//! whether `check` finds it with types only and the default budget (20,000 cases), and the median
//! time to the first finding over five seeds, before (every `[generate]` feature off: generation
//! as it was before them) and after (the defaults). Time to first finding is the wall time from
//! the start of generation until the chunk holding the first diverging input had run
//! (`FunctionSummary::first_divergence`); a seed that does not find the bug counts as never.
//!
//! The Rust side is the fixtures binary (`parity-fixtures __worker`). Knobs (environment):
//! `PARITY_POWER_SEEDS` (default 5), `PARITY_POWER_JOBS` (default 2).

use std::path::{Path, PathBuf};
use std::time::Duration;

use parity::check::{self, CheckOptions};
use parity::execute::HarnessCommand;
use parity::outcome::Side;
use parity::report::{Event, FunctionSummary, Reporter};
use parity::shrink::Budget;
use parity::worker;

/// The default budget of `parity check`.
const CASES: u64 = 20_000;

struct Collect(Vec<FunctionSummary>);

impl Reporter for Collect {
    fn event(&mut self, event: &Event) {
        if let Event::FunctionFinished(f) = event {
            self.0.push((*f).clone());
        }
    }
}

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The power spec rewritten into `dir` with an absolute Go package and `extra` appended.
fn variant(root: &Path, dir: &Path, name: &str, extra: &str) -> PathBuf {
    let text = std::fs::read_to_string(root.join("tests/fixtures/power/spec.toml"))
        .expect("the power spec");
    let go = root.join("tests/fixtures/power/go").display().to_string();
    let text = text.replace(r#"package = "go""#, &format!("package = {go:?}")) + extra;
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, text).expect("write the spec variant");
    path
}

/// One check of one function; the time to its first finding, if any.
fn first_finding(
    spec: &Path,
    function: &str,
    seed: u64,
    jobs: usize,
    corpus: &Path,
) -> Option<Duration> {
    let opts = CheckOptions {
        sequences: None,
        spec_path: spec.to_path_buf(),
        seed,
        cases: Some(CASES),
        time: None,
        function: Some(function.to_string()),
        jobs,
        timeout: Duration::from_secs(2),
        // Finding is measured, not minimizing: a small budget keeps the benchmark short.
        shrink: Budget {
            max_iters: 64,
            max_time: Duration::from_secs(2),
        },
        corpus_root: corpus.join(format!("{function}-{seed}")),
        rust: HarnessCommand {
            side: Side::Rust,
            program: PathBuf::from(env!("CARGO_BIN_EXE_parity-fixtures")),
            args: vec![worker::WORKER_ARG.to_string()],
            env: Vec::new(),
        },
        ci: false,
        extra_inputs: Vec::new(),
    };
    let mut collect = Collect(Vec::new());
    let summary = check::run(&opts, &mut collect).expect("the power check runs");
    let fs = summary.functions.first()?;
    (fs.findings > 0).then_some(fs.first_divergence.unwrap_or_default())
}

/// "found in k/n seeds" and the median time over the seeds, a miss counting as never.
fn describe(times: &[Option<Duration>]) -> (String, String) {
    let found = times.iter().filter(|t| t.is_some()).count();
    let mut sorted: Vec<Duration> = times.iter().map(|t| t.unwrap_or(Duration::MAX)).collect();
    sorted.sort();
    let median = sorted[sorted.len() / 2];
    let shown = if median == Duration::MAX {
        "never".to_string()
    } else {
        format!("{:.2} s", median.as_secs_f64())
    };
    (format!("{found}/{}", times.len()), shown)
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is expected.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let seeds = env_or("PARITY_POWER_SEEDS", 5).max(1);
    let jobs = env_or("PARITY_POWER_JOBS", 2).max(1) as usize;
    let work = std::env::temp_dir().join(format!("parity-power-{}", std::process::id()));
    std::fs::create_dir_all(&work).expect("a work folder");
    let before = variant(
        &root,
        &work,
        "power-before",
        "\n[generate]\ncorrelated = false\nmutation = false\ndictionary = false\nrare_shapes = false\nswarm = false\n",
    );
    let after = variant(&root, &work, "power-after", "");
    let spec = parity::spec::load(&after).expect("the power spec loads");
    println!(
        "finding power: {CASES} cases (the default budget), types only, seeds 1..={seeds}, {jobs} jobs; median time to first finding"
    );
    println!("| planted bug | before: found | before: median | after: found | after: median |");
    println!("|---|---:|---:|---:|---:|");
    for fun in &spec.functions {
        let mut row = Vec::new();
        for (mode, path) in [("before", &before), ("after", &after)] {
            let times: Vec<Option<Duration>> = (1..=seeds)
                .map(|seed| first_finding(path, &fun.name, seed, jobs, &work.join(mode)))
                .collect();
            row.push(describe(&times));
        }
        println!(
            "| `{}` | {} | {} | {} | {} |",
            fun.name, row[0].0, row[0].1, row[1].0, row[1].1
        );
    }
    let _ = std::fs::remove_dir_all(&work);
}
