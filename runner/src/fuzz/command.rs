//! The `parity fuzz` command line: clap arguments turned into [`FuzzOptions`] and a reporter,
//! mapped to the same exit codes as `check`.

use std::path::PathBuf;
use std::time::Duration;

use crate::cli::{parse_duration, RunArgs};
use crate::exit_code::ExitCode;

use super::{BuildOptions, FuzzOptions};

/// Arguments of `parity fuzz`.
#[derive(Debug, clap::Args)]
pub struct FuzzArgs {
    /// The spec file (TOML).
    pub spec: PathBuf,
    /// Fuzz only this function (its spec name).
    #[arg(long)]
    pub function: Option<String>,
    /// Time budget per function, e.g. `30s`, `10m`.
    #[arg(long, value_parser = parse_duration, default_value = "60s")]
    pub time: Duration,
    /// libFuzzer processes per function (libFuzzer's fork mode when above 1).
    #[arg(long, default_value_t = 1, value_parser = crate::cli::parse_jobs)]
    pub jobs: usize,
    /// libFuzzer's seed (default: random; printed so that a run can be repeated).
    #[arg(long)]
    pub seed: Option<u64>,
    /// The fuzz crate's folder.
    #[arg(long, default_value = "fuzz")]
    pub fuzz_dir: PathBuf,
    /// The fuzz target (a `[[bin]]` of the fuzz crate).
    #[arg(long, default_value = "differential")]
    pub target: String,
    /// Link Go in-process with its own coverage (falls back to the subprocess when it cannot).
    #[arg(long)]
    pub deep: bool,
    /// libFuzzer's corpus folders [default: <fuzz-dir>/corpus].
    #[arg(long)]
    pub fuzz_corpus: Option<PathBuf>,
    /// Crash artifacts and libFuzzer logs [default: <fuzz-dir>/work].
    #[arg(long)]
    pub work: Option<PathBuf>,
    /// Seed the fuzzer with a Go native fuzz corpus too (`testdata/fuzz/FuzzX/`); needs
    /// `--function`, whose arguments Go's `FuzzX` takes in order.
    #[arg(long, requires = "function")]
    pub go_corpus: Option<PathBuf>,
    /// Options shared with `parity check`.
    #[command(flatten)]
    pub run: RunArgs,
}

/// Runs `parity fuzz`.
pub fn fuzz_command(args: FuzzArgs) -> ExitCode {
    crate::execute::set_handshake_timeout(args.run.handshake_timeout);
    let opts = FuzzOptions {
        spec_path: args.spec.clone(),
        function: args.function.clone(),
        time: args.time,
        jobs: args.jobs.max(1),
        seed: args
            .seed
            .unwrap_or_else(|| crate::cli::random_seed() % (1 << 31)),
        fuzz_corpus: args
            .fuzz_corpus
            .clone()
            .unwrap_or_else(|| args.fuzz_dir.join("corpus")),
        work: args
            .work
            .clone()
            .unwrap_or_else(|| args.fuzz_dir.join("work")),
        build: BuildOptions {
            fuzz_dir: args.fuzz_dir.clone(),
            target: args.target.clone(),
            deep: args.deep,
            go_package: None,
        },
        corpus_root: args.run.corpus_root(&args.spec),
        timeout: args.run.timeout,
        shrink: args.run.shrink_budget(),
        go_corpus: args.go_corpus.clone(),
    };
    let mut reporter = crate::cli::reporter(args.run.format, args.run.no_times);
    let result = super::run(&opts, reporter.as_mut());
    drop(reporter);
    crate::cli::finish(result)
}
