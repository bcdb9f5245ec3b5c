//! The `parity fuzz` command line: clap arguments turned into [`FuzzOptions`] and a reporter,
//! mapped to the same exit codes as `check`.

use std::path::PathBuf;
use std::time::Duration;

use crate::cli::{parse_duration, RunArgs};
use crate::exit_code::ExitCode;

use super::progress::Progress;
use super::{project, BuildOptions, FuzzError, FuzzOptions};

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
    /// The crate whose library has `pub fn registry() -> parity::Registry` (a package name of the
    /// workspace, or a crate folder) [default: the package of the current folder, else the one
    /// workspace member with a library that depends on parity].
    #[arg(long = "crate", value_name = "NAME|PATH", conflicts_with = "fuzz_dir")]
    pub port_crate: Option<String>,
    /// A fuzz crate of your own instead of the generated one (cargo-fuzz layout, its own
    /// workspace, a target calling `parity::fuzz::target`).
    #[arg(long)]
    pub fuzz_dir: Option<PathBuf>,
    /// The fuzz target of `--fuzz-dir` (a `[[bin]]` of that crate).
    #[arg(long, default_value = "differential", requires = "fuzz_dir")]
    pub target: String,
    /// Only build the fuzz target: print its path, or with `--out`, lay out ClusterFuzzLite's
    /// `$OUT` (one target per function, its settings, the spec, the Go harness, seeds).
    #[arg(long)]
    pub build_only: bool,
    /// With `--build-only`: the folder to lay the targets out in (ClusterFuzzLite's `$OUT`).
    #[arg(long, requires = "build_only")]
    pub out: Option<PathBuf>,
    /// Build with this sanitizer too (`-Zsanitizer=address`; needs a nightly toolchain, as in
    /// ClusterFuzzLite's image). `none` builds without.
    #[arg(long, default_value = "none", value_parser = ["none", "address"])]
    pub sanitizer: String,
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
    let progress = match args.run.format {
        crate::cli::Format::Json => Progress::Json,
        _ => Progress::Human,
    };
    // The fuzz crate: the one given, or the one generated for the user's `registry()`.
    let (fuzz_dir, target, target_dir, data_dir) = match &args.fuzz_dir {
        Some(dir) => (dir.clone(), args.target.clone(), None, dir.clone()),
        None => {
            let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
            match project::prepare(args.port_crate.as_deref(), &cwd) {
                Ok(p) => (p.crate_dir, p.target, Some(p.target_dir), p.data_dir),
                Err(e) => return crate::cli::fail(&FuzzError::from(e)),
            }
        }
    };
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
            .unwrap_or_else(|| data_dir.join("corpus")),
        work: args.work.clone().unwrap_or_else(|| data_dir.join("work")),
        build: BuildOptions {
            fuzz_dir,
            target,
            deep: args.deep,
            go_package: None,
            target_dir,
            progress,
            sanitizer: (args.sanitizer != "none").then(|| args.sanitizer.clone()),
        },
        corpus_root: args.run.corpus_root(&args.spec),
        timeout: args.run.timeout,
        shrink: args.run.shrink_budget(),
        go_corpus: args.go_corpus.clone(),
    };
    if args.build_only {
        return match super::out::build_only(&opts, args.out.as_deref()) {
            Ok(()) => ExitCode::Equivalent,
            Err(e) => crate::cli::fail(&e),
        };
    }
    let mut reporter = crate::cli::reporter(args.run.format, args.run.no_times);
    let result = super::run(&opts, reporter.as_mut());
    drop(reporter);
    crate::cli::finish(result)
}
