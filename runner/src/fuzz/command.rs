//! The `parity fuzz` command line: clap arguments turned into [`FuzzOptions`] and a reporter,
//! mapped to the same exit codes as `check`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use crate::cli::{parse_duration, Format};
use crate::exit_code::ExitCode;
use crate::report::{HumanReporter, JsonReporter, Reporter, Style};
use crate::shrink::Budget;

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
    #[arg(long, default_value_t = 1)]
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
    /// Per-call timeout; a call that takes longer is a `timeout` finding.
    #[arg(long, value_parser = parse_duration, default_value = "2s")]
    pub timeout: Duration,
    /// Most minimization candidates tried per divergence (env: PARITY_MAX_SHRINK_ITERS).
    #[arg(long, env = "PARITY_MAX_SHRINK_ITERS", default_value_t = 4096)]
    pub max_shrink_iters: u64,
    /// Most time spent minimizing one divergence (env: PARITY_MAX_SHRINK_TIME).
    #[arg(long, env = "PARITY_MAX_SHRINK_TIME", value_parser = parse_duration, default_value = "30s")]
    pub max_shrink_time: Duration,
    /// The value corpus folder.
    #[arg(long, default_value = "corpus")]
    pub corpus: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Leave durations and rates out of the output (for snapshots).
    #[arg(long)]
    pub no_times: bool,
}

/// Runs `parity fuzz`.
pub fn fuzz_command(args: FuzzArgs) -> ExitCode {
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
        corpus_root: args.corpus.clone(),
        timeout: args.timeout,
        shrink: Budget {
            max_iters: args.max_shrink_iters,
            max_time: args.max_shrink_time,
        },
    };
    let style = Style {
        color: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        no_times: args.no_times,
    };
    let stdout = std::io::stdout().lock();
    let mut reporter: Box<dyn Reporter> = match args.format {
        Format::Human => Box::new(HumanReporter::new(
            stdout,
            style,
            std::io::stderr().is_terminal(),
        )),
        Format::Json => Box::new(JsonReporter::new(stdout, style)),
    };
    match super::run(&opts, reporter.as_mut()) {
        Ok(summary) if summary.findings == 0 => ExitCode::Equivalent,
        Ok(_) => ExitCode::DivergencesFound,
        Err(e) => {
            drop(reporter);
            let text = e.to_string();
            if text.starts_with("error:") {
                eprintln!("{text}");
            } else {
                eprintln!("error: {text}");
            }
            e.exit_code()
        }
    }
}
