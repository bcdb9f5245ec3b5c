//! The command line: clap arguments, turned into [`CheckOptions`] and a reporter, mapped to an
//! exit code. A binary only has to build its [`Registry`] and call [`main`].

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};

use crate::check::{self, CheckError, CheckOptions};
use crate::execute::HarnessCommand;
use crate::exit_code::ExitCode;
use crate::outcome::Side;
use crate::registry::Registry;
use crate::report::RunSummary;
use crate::report::{HumanReporter, JsonReporter, Reporter, Style};
use crate::shrink::Budget;
use crate::worker;

/// parity: proves a Rust port behaves like the Go code it replaces.
#[derive(Debug, Parser)]
#[command(name = "parity", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check every function of a spec: replay the corpus, generate inputs, report divergences.
    Check(CheckArgs),
    /// Manage the corpus of stored divergences: list, replay, reminimize, prune.
    Corpus(crate::corpus_cmd::CorpusArgs),
    /// Fuzz a spec's functions with libFuzzer (coverage-guided); findings end up like `check`'s.
    Fuzz(crate::fuzz::FuzzArgs),
}

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Text for people.
    Human,
    /// One JSON document for machines.
    Json,
    /// One JUnit XML document: a test case per function, a failure per function with findings.
    Junit,
}

/// Arguments of `parity check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The spec file (TOML).
    pub spec: PathBuf,
    /// Seed of the input generation (default: random; printed so a run can be reproduced).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Generated cases per function [default: 20000, or unlimited when --time is given]; at
    /// least 1 (`parity corpus replay` replays the corpus alone).
    #[arg(long, value_parser = parse_cases)]
    pub cases: Option<u64>,
    /// Time budget per function, e.g. `30s`, `2m`, `500ms`; positive.
    #[arg(long, value_parser = parse_positive_duration)]
    pub time: Option<Duration>,
    /// Check only this function (its spec name).
    #[arg(long)]
    pub function: Option<String>,
    /// Parallel jobs, each with its own Go and Rust harness [default: number of cores].
    #[arg(long, value_parser = parse_jobs)]
    pub jobs: Option<usize>,
    /// Options shared with `parity fuzz`.
    #[command(flatten)]
    pub run: RunArgs,
    /// CI mode, as insta has it: write no corpus entries and no pending snapshots, and fail on
    /// every divergence that is not an accepted snapshot (also on when CI=true).
    #[arg(long)]
    pub ci: bool,
}

/// The options `check` and `fuzz` share: the per-call timeout, the minimization budget, the corpus
/// and the output.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Per-call timeout; positive. A call that takes longer is re-run alone with a budget of 10
    /// times the timeout (at least 1 s): a `timeout` finding if it still does not answer, else
    /// reported as slow (not a finding).
    #[arg(long, value_parser = parse_positive_duration, default_value = "2s")]
    pub timeout: Duration,
    /// How long to wait for a harness's handshake line at start-up (env:
    /// PARITY_HANDSHAKE_TIMEOUT).
    #[arg(long, env = "PARITY_HANDSHAKE_TIMEOUT", value_parser = parse_positive_duration, default_value = "10s")]
    pub handshake_timeout: Duration,
    /// Most minimization candidates tried per divergence (env: PARITY_MAX_SHRINK_ITERS).
    #[arg(long, env = "PARITY_MAX_SHRINK_ITERS", default_value_t = 4096)]
    pub max_shrink_iters: u64,
    /// Most time spent minimizing one divergence (env: PARITY_MAX_SHRINK_TIME).
    #[arg(long, env = "PARITY_MAX_SHRINK_TIME", value_parser = parse_duration, default_value = "30s")]
    pub max_shrink_time: Duration,
    /// The corpus folder [default: `corpus` beside the spec file; a path given here is relative
    /// to the current folder].
    #[arg(long)]
    pub corpus: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Leave durations and rates out of the output (for snapshots).
    #[arg(long)]
    pub no_times: bool,
}

impl RunArgs {
    /// The corpus folder: `--corpus` as given, else `corpus` beside the spec file.
    pub fn corpus_root(&self, spec: &std::path::Path) -> PathBuf {
        crate::corpus::default_root(self.corpus.as_deref(), spec)
    }

    /// The minimization budget.
    pub fn shrink_budget(&self) -> Budget {
        Budget {
            max_iters: self.max_shrink_iters,
            max_time: self.max_shrink_time,
        }
    }
}

/// Parses a duration that must be more than zero (`--timeout`, `--time`): a zero budget would
/// check nothing, or wait for nothing and call every input a timeout.
pub fn parse_positive_duration(s: &str) -> Result<Duration, String> {
    let d = parse_duration(s)?;
    if d.is_zero() {
        return Err(format!(
            "`{s}` is zero, but it must be positive\n(hint: give a positive duration such as 500ms, 2s or 1m)"
        ));
    }
    Ok(d)
}

/// Parses `--cases`: a number of at least 1.
fn parse_cases(s: &str) -> Result<u64, String> {
    let n: u64 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number of cases"))?;
    if n == 0 {
        return Err(format!(
            "`{s}` would check no input at all\n(hint: give at least 1; to replay the stored corpus alone, run `parity corpus replay SPEC`)"
        ));
    }
    Ok(n)
}

/// Parses `500ms`, `30s`, `2m`, `1h`, or a bare number of seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| !(c.is_ascii_digit() || c == '.')) {
        Some(i) => s.split_at(i),
        None => (s, "s"),
    };
    let n: f64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a duration (examples: 500ms, 30s, 2m)"))?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => {
            return Err(format!(
                "unknown unit `{unit}` in `{s}` (use ms, s, m or h)"
            ))
        }
    };
    Ok(Duration::from_secs_f64(secs))
}

/// Parses `--jobs`: a positive number (0 used to mean 1 silently).
pub fn parse_jobs(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(0) => Err("must be at least 1 (hint: `--jobs 1` runs one job at a time)".to_string()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!(
            "`{s}` is not a number of jobs (hint: write a positive integer, like `--jobs 2`)"
        )),
    }
}

pub(crate) fn random_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.finish() % 1_000_000_000_000
}

/// Runs the parity command line with the given Rust registry. When the binary was started as a
/// worker (`parity __worker`), serves the registry instead and never returns.
pub fn main(registry: Registry) -> std::process::ExitCode {
    if std::env::args_os()
        .nth(1)
        .is_some_and(|a| a == worker::WORKER_ARG)
    {
        worker::serve(&registry);
    }
    let cli = Cli::parse();
    if matches!(cli.command, Command::Check(_) | Command::Fuzz(_)) {
        crate::supervise::install_signal_handlers();
    }
    match cli.command {
        Command::Check(args) => check_command(args).into(),
        Command::Corpus(args) => crate::corpus_cmd::run(args).into(),
        Command::Fuzz(args) => crate::fuzz::fuzz_command(args).into(),
    }
}

fn check_command(args: CheckArgs) -> ExitCode {
    crate::execute::set_handshake_timeout(args.run.handshake_timeout);
    let exe = match std::env::current_exe() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: failed to find the parity executable to start the Rust worker: {e}");
            return ExitCode::InternalError;
        }
    };
    let jobs = args.jobs.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    let opts = CheckOptions {
        sequences: args.cases,
        spec_path: args.spec.clone(),
        seed: args.seed.unwrap_or_else(random_seed),
        cases: args.cases.or(if args.time.is_some() {
            None
        } else {
            Some(20_000)
        }),
        time: args.time,
        function: args.function.clone(),
        jobs,
        timeout: args.run.timeout,
        shrink: args.run.shrink_budget(),
        corpus_root: args.run.corpus_root(&args.spec),
        rust: HarnessCommand {
            side: Side::Rust,
            program: exe,
            args: vec![worker::WORKER_ARG.to_string()],
            env: Vec::new(),
        },
        ci: args.ci || crate::snapshot::ci_from_env(),
        extra_inputs: Vec::new(),
    };
    let mut reporter = reporter(args.run.format, args.run.no_times);
    let result = check::run(&opts, reporter.as_mut());
    drop(reporter);
    finish(result)
}

/// The reporter for `--format` on stdout: human text (colours when stdout is a terminal and
/// `NO_COLOR` is unset), one JSON document or one JUnit document; on GitHub Actions, findings also
/// as `::error` annotations on stderr; and progress on stderr for every format (a live bar on a
/// terminal, a plain line per finished function otherwise).
pub(crate) fn reporter(format: Format, no_times: bool) -> Box<dyn Reporter> {
    use crate::report::github::{self, GithubAnnotations};
    use crate::report::junit::JunitReporter;
    use crate::report::progress::{ProgressReporter, Sink};
    let style = Style {
        color: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        no_times,
    };
    let stdout = std::io::stdout().lock();
    let mut inner: Box<dyn Reporter> = match format {
        Format::Human => Box::new(HumanReporter::new(stdout, style, false)),
        Format::Json => Box::new(JsonReporter::new(stdout, style)),
        Format::Junit => Box::new(JunitReporter::new(stdout, no_times)),
    };
    if github::enabled() {
        inner = Box::new(GithubAnnotations::new(inner, std::io::stderr()));
    }
    let sink = if std::io::stderr().is_terminal() {
        Sink::Live
    } else {
        Sink::Plain(Box::new(std::io::stderr()))
    };
    Box::new(ProgressReporter::new(inner, sink, no_times))
}

/// An error that ends a run, with the exit code it ends it with.
pub(crate) trait RunError: std::fmt::Display {
    /// The process exit code.
    fn exit_code(&self) -> ExitCode;
}

impl RunError for CheckError {
    fn exit_code(&self) -> ExitCode {
        CheckError::exit_code(self)
    }
}

impl RunError for crate::fuzz::FuzzError {
    fn exit_code(&self) -> ExitCode {
        crate::fuzz::FuzzError::exit_code(self)
    }
}

/// The exit code of a run: findings or not, or the error printed on stderr with its code.
pub(crate) fn finish(result: Result<RunSummary, impl RunError>) -> ExitCode {
    match result {
        Ok(summary) if summary.interrupted.is_some() => {
            ExitCode::interrupted_by(crate::supervise::interrupted().unwrap_or(libc::SIGINT))
        }
        Ok(summary) if summary.findings == 0 && !summary.unchecked().is_empty() => {
            ExitCode::NothingChecked
        }
        Ok(summary) if summary.findings == 0 => ExitCode::Equivalent,
        Ok(_) => ExitCode::DivergencesFound,
        Err(e) => fail(&e),
    }
}

/// Prints an error as `error: …` (once) on stderr and returns its exit code.
pub(crate) fn fail(e: &impl RunError) -> ExitCode {
    let text = e.to_string();
    if text.starts_with("error:") {
        eprintln!("{text}");
    } else {
        eprintln!("error: {text}");
    }
    e.exit_code()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_accept_the_units_people_type() {
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("30s").unwrap(), Duration::from_secs(30));
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert_eq!(parse_duration("5").unwrap(), Duration::from_secs(5));
        assert!(parse_duration("5 parsecs")
            .unwrap_err()
            .contains("unknown unit"));
    }

    #[test]
    fn a_zero_timeout_time_budget_or_case_count_is_refused_with_the_fix() {
        for zero in ["0s", "0", "0ms", "0.0s"] {
            let e = parse_positive_duration(zero).unwrap_err();
            assert!(e.contains("must be positive") && e.contains("hint"), "{e}");
        }
        assert_eq!(
            parse_positive_duration("1ms").unwrap(),
            Duration::from_millis(1)
        );
        let e = parse_cases("0").unwrap_err();
        assert!(e.contains("parity corpus replay"), "{e}");
        assert_eq!(parse_cases("5").unwrap(), 5);
    }

    #[test]
    fn a_run_that_checked_no_input_of_a_function_is_not_equivalent() {
        use crate::report::FunctionSummary;
        let summary = |rejected: u64, all_slow: bool, findings: u64| RunSummary {
            functions: vec![FunctionSummary {
                function: "F".into(),
                cases: 100,
                rejected,
                all_slow,
                findings,
                ..FunctionSummary::default()
            }],
            findings,
            ..RunSummary::default()
        };
        let code = |s: RunSummary| finish(Ok::<_, CheckError>(s));
        assert_eq!(code(summary(99, false, 0)), ExitCode::Equivalent);
        assert_eq!(code(summary(100, false, 0)), ExitCode::NothingChecked);
        assert_eq!(code(summary(0, true, 0)), ExitCode::NothingChecked);
        assert_eq!(code(summary(100, false, 1)), ExitCode::DivergencesFound);
        // A replay generates nothing: zero cases is not "nothing checked".
        let replay = RunSummary {
            functions: vec![FunctionSummary::default()],
            ..RunSummary::default()
        };
        assert_eq!(code(replay), ExitCode::Equivalent);
    }
}
