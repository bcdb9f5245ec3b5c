//! `parity fuzz`: coverage-guided differential fuzzing with libFuzzer, ending where `check` ends.
//!
//! For each function: build the fuzz target (a crate generated for the user's `registry()`
//! ([`project`]), or a given one, instrumented on stable Rust), seed its
//! corpus folder with the spec's examples, `check`'s first generated inputs and the value corpus,
//! replay the value corpus, then run libFuzzer until the time budget is spent. Every crash artifact
//! is decoded back into its typed input ([`input::Decoder`]), re-run through the same executor as
//! `check` (Go harness and the target itself as the Rust worker), then confirmed, minimized, stored
//! in the value corpus and reported by `check`'s own code; the artifact is deleted once the corpus
//! entry exists, so a crash file is never the only record of a divergence. A confirmed divergence
//! is then passed to the target as known ([`target::SKIP_ENV`]) and libFuzzer resumes with the
//! time left, looking for other ways to diverge.

pub mod build;
mod command;
pub mod input;
pub mod out;
pub mod progress;
pub mod project;
pub mod target;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::check::{self, CheckError, CheckOptions, Diverging};
use crate::compare::{self, Verdict};
use crate::corpus;
use crate::execute::{Executor, HarnessCommand};
use crate::generate::Generator;
use crate::outcome::Side;
use crate::report::{Event, FunctionSummary, Reporter, RunSummary};
use crate::shrink::Budget;
use crate::spec::{self, FunctionSpec};
use crate::value::Value;

pub use build::{build_target, BuildOptions, Built, FuzzBuildError};
pub use command::{fuzz_command, FuzzArgs};

/// Generated inputs from `check`'s generator written as seeds, after the spec's examples.
const GENERATED_SEEDS: usize = 32;

/// What to fuzz and how.
#[derive(Clone, Debug)]
pub struct FuzzOptions {
    /// The spec file.
    pub spec_path: PathBuf,
    /// Only this function (its spec name).
    pub function: Option<String>,
    /// Time budget per function.
    pub time: Duration,
    /// libFuzzer processes per function (`-fork=N` when above 1).
    pub jobs: usize,
    /// libFuzzer's `-seed` and the seed of the generated seed inputs.
    pub seed: u64,
    /// How to build the fuzz target.
    pub build: BuildOptions,
    /// Where libFuzzer's corpus folders live: `<fuzz_corpus>/<spec>/<function>/`.
    pub fuzz_corpus: PathBuf,
    /// Where crash artifacts and libFuzzer logs go: `<work>/<spec>/<function>/`.
    pub work: PathBuf,
    /// The value corpus root (as for `check`).
    pub corpus_root: PathBuf,
    /// Per-call timeout (confirmation and minimization; libFuzzer's `-timeout` is derived from it).
    pub timeout: Duration,
    /// Minimization budget.
    pub shrink: Budget,
    /// A Go native fuzz corpus (`testdata/fuzz/FuzzX/`) whose inputs seed the fuzzer too; only
    /// with one `function`, whose arguments Go's `FuzzX` takes in order.
    pub go_corpus: Option<PathBuf>,
}

/// Why a fuzz run could not run to the end. Findings are not errors.
#[derive(Debug, thiserror::Error)]
pub enum FuzzError {
    /// Everything `check` can fail with (spec, build of the Go harness, start-up, corpus).
    #[error("{0}")]
    Check(#[from] CheckError),
    /// The fuzz target did not build.
    #[error("{0}")]
    Build(#[from] FuzzBuildError),
    /// A file or folder of the fuzz run could not be used.
    #[error("failed to {action} `{path}`: {source}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file or folder.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
}

impl FuzzError {
    /// The exit code this error ends the run with.
    pub fn exit_code(&self) -> crate::exit_code::ExitCode {
        match self {
            FuzzError::Check(e) => e.exit_code(),
            // No crate with a registry to fuzz is a usage error: nothing was built.
            FuzzError::Build(FuzzBuildError::NoPort { .. }) => {
                crate::exit_code::ExitCode::UsageOrSpecError
            }
            FuzzError::Build(_) => crate::exit_code::ExitCode::HarnessStartupFailed,
            FuzzError::Io { .. } => crate::exit_code::ExitCode::InternalError,
        }
    }
}

fn io<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> FuzzError + 'a {
    move |source| FuzzError::Io {
        action,
        path: path.display().to_string(),
        source,
    }
}

/// Runs a whole fuzz session, reporting through `reporter` exactly as `check` does.
pub fn run(opts: &FuzzOptions, reporter: &mut dyn Reporter) -> Result<RunSummary, FuzzError> {
    let mut spec = crate::check::load_spec(&opts.spec_path, opts.function.as_deref())?;
    let source = std::fs::read_to_string(&opts.spec_path).unwrap_or_default();
    let mut build = opts.build.clone();
    if let spec::GoSource::Package { dir } = &spec.go {
        build.go_package = Some(dir.clone());
    }
    let built = build_target(&build)?;
    let go = check::go_command(&spec).map_err(CheckError::from)?;
    let spec_abs = std::fs::canonicalize(&opts.spec_path).map_err(io("read", &opts.spec_path))?;
    let target_env = |fun: &str| -> Vec<(String, String)> {
        vec![
            (target::SPEC_ENV.into(), spec_abs.display().to_string()),
            (target::FUNCTION_ENV.into(), fun.into()),
            (target::GO_ENV.into(), go.program.display().to_string()),
            (
                target::TIMEOUT_ENV.into(),
                opts.timeout.as_millis().to_string(),
            ),
        ]
    };
    let worker = |fun: &str| HarnessCommand {
        side: Side::Rust,
        program: built.binary.clone(),
        args: Vec::new(),
        env: [
            target_env(fun),
            vec![(target::WORKER_ENV.into(), "1".into())],
        ]
        .concat(),
    };
    let first = spec.functions.first().map(|f| f.name.clone());
    let mut exec = Executor::start(&go, &worker(first.as_deref().unwrap_or("")), opts.timeout)
        .map_err(CheckError::from)?;
    spec::check_signatures(
        &mut spec,
        &source,
        exec.handshake(Side::Go),
        exec.handshake(Side::Rust),
    )
    .map_err(CheckError::from)?;
    let names: Vec<String> = spec.functions.iter().map(|f| f.name.clone()).collect();
    reporter.event(&Event::RunStarted {
        command: "fuzz",
        spec: &opts.spec_path,
        seed: opts.seed,
        jobs: opts.jobs,
        functions: &names,
        corpus: &opts.corpus_root,
    });
    if let Some(note) = &built.note {
        eprintln!("{note}");
    }
    let check_opts = CheckOptions {
        sequences: None,
        spec_path: opts.spec_path.clone(),
        seed: opts.seed,
        cases: None,
        time: Some(opts.time),
        function: opts.function.clone(),
        jobs: 1,
        timeout: opts.timeout,
        shrink: opts.shrink.clone(),
        corpus_root: opts.corpus_root.clone(),
        rust: worker(""),
        ci: crate::snapshot::ci_from_env(),
        extra_inputs: Vec::new(),
    };
    // The Go source's literals, as a libFuzzer dictionary (`-dict`).
    let dictionary = crate::generate::GenContext::for_spec(&spec).dictionary;
    let dict_file = if dictionary.is_empty() {
        None
    } else {
        let dir = opts.work.join(&spec.name);
        std::fs::create_dir_all(&dir).map_err(io("create", &dir))?;
        let path = dir.join("dictionary.txt");
        std::fs::write(&path, dictionary.libfuzzer_text()).map_err(io("write", &path))?;
        Some(path)
    };
    let mut summary = RunSummary {
        seed: opts.seed,
        dictionary_tokens: dictionary.len() as u64,
        ..RunSummary::default()
    };
    for fun in &spec.functions {
        let ctx = Ctx {
            dict: dict_file.as_deref(),
            spec: &spec,
            fun,
            opts,
            check_opts: &check_opts,
            binary: &built.binary,
            deep: built.deep,
            env: target_env(&fun.name),
        };
        let fs = match fuzz_function(&ctx, &mut exec, reporter) {
            Err(FuzzError::Check(e)) if e.is_interrupted() => FunctionSummary {
                function: fun.name.clone(),
                interrupted: true,
                ..FunctionSummary::default()
            },
            other => other?,
        };
        summary.findings += fs.findings;
        reporter.event(&Event::FunctionFinished(&fs));
        let stop = fs.interrupted;
        summary.functions.push(fs);
        if stop {
            break;
        }
    }
    summary.interrupted = crate::report::Interruption::of_run(&summary);
    reporter.event(&Event::RunFinished(&summary));
    Ok(summary)
}

struct Ctx<'a> {
    spec: &'a spec::Spec,
    fun: &'a FunctionSpec,
    opts: &'a FuzzOptions,
    check_opts: &'a CheckOptions,
    binary: &'a Path,
    deep: bool,
    env: Vec<(String, String)>,
    /// The libFuzzer dictionary file, when the Go source gave tokens.
    dict: Option<&'a Path>,
}

fn fuzz_function(
    ctx: &Ctx,
    exec: &mut Executor,
    reporter: &mut dyn Reporter,
) -> Result<FunctionSummary, FuzzError> {
    let (spec, fun, opts) = (ctx.spec, ctx.fun, ctx.opts);
    let mut fs = FunctionSummary {
        function: fun.name.clone(),
        ..FunctionSummary::default()
    };
    let mut reported: Vec<Vec<Value>> = Vec::new();
    check::replay_corpus(
        spec,
        fun,
        ctx.check_opts,
        exec,
        reporter,
        &mut fs,
        &mut reported,
    )?;

    let corpus_dir = opts.fuzz_corpus.join(&spec.name).join(&fun.name);
    let work = opts.work.join(&spec.name).join(&fun.name);
    let artifacts = work.join("artifacts");
    for d in [&corpus_dir, &artifacts] {
        std::fs::create_dir_all(d).map_err(io("create", d))?;
    }
    seed_corpus(spec, fun, opts, &corpus_dir)?;

    // Divergences already known (replayed from the corpus) are not what the fuzzer should stop on.
    let skip_file = work.join("known-divergences");
    let mut skip: Vec<String> = Vec::new();
    for input in &reported {
        if let Some(d) = divergence(exec, fun, input)? {
            skip.push(target::signature(&d));
        }
    }

    let started = Instant::now();
    let deadline = started + opts.time;
    let mut round = 0u64;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left < Duration::from_secs(1) {
            break;
        }
        std::fs::write(&skip_file, skip.join("\n")).map_err(io("write", &skip_file))?;
        let log = work.join(format!("libfuzzer-{round}.log"));
        let ran = run_libfuzzer(ctx, &corpus_dir, &artifacts, &skip_file, &log, left, round)?;
        fs.cases += ran;
        round += 1;
        let mut new = 0;
        for artifact in list_artifacts(&artifacts)? {
            let bytes = std::fs::read(&artifact).map_err(io("read", &artifact))?;
            let input = input::Decoder::new(fun).decode(&bytes);
            let Some(d) = divergence(exec, fun, &input)? else {
                eprintln!(
                    "warning: the fuzz artifact `{}` of {} does not diverge when re-run through the harnesses; kept for inspection",
                    artifact.display(),
                    fun.name
                );
                continue;
            };
            let sig = target::signature(&d);
            let picked = Diverging {
                index: 0,
                input,
                divergence: d,
            };
            if let Some(f) =
                check::confirm_and_minimize(spec, fun, ctx.check_opts, exec, picked, &mut reported)?
            {
                fs.findings += 1;
                reporter.event(&Event::Finding(&f));
            }
            if !skip.contains(&sig) {
                skip.push(sig);
                new += 1;
            }
            // The corpus entry (or the earlier finding it duplicates) is the record now.
            let _ = std::fs::remove_file(&artifact);
        }
        if new == 0 {
            // libFuzzer stopped without a new way to diverge: the budget is spent, or what it
            // found does not reproduce outside the target.
            break;
        }
    }
    fs.elapsed = started.elapsed();
    Ok(fs)
}

/// Runs `input` once on both sides and compares.
fn divergence(
    exec: &mut Executor,
    fun: &FunctionSpec,
    input: &[Value],
) -> Result<Option<compare::Divergence>, FuzzError> {
    let pair = exec
        .run(fun, std::slice::from_ref(&input.to_vec()), true)
        .map_err(CheckError::from)?
        .remove(0);
    let (go, rust) = check::outcomes(pair);
    Ok(
        match compare::compare(&fun.compare, &fun.results, &go, &rust) {
            Verdict::Diverge(d) => Some(d),
            _ => None,
        },
    )
}

/// Writes the spec's examples, `check`'s first generated inputs and the value corpus entries as
/// fuzzer seeds (file name: the SHA-256 of the bytes, as libFuzzer names its own).
fn seed_corpus(
    spec: &spec::Spec,
    fun: &FunctionSpec,
    opts: &FuzzOptions,
    dir: &Path,
) -> Result<(), FuzzError> {
    std::fs::create_dir_all(dir).map_err(io("create", dir))?;
    let mut inputs: Vec<Vec<Value>> = Vec::new();
    let mut g = Generator::new(fun, opts.seed);
    let examples = fun
        .args
        .iter()
        .map(|a| a.hints.examples.len())
        .max()
        .unwrap_or(0);
    for _ in 0..examples + GENERATED_SEEDS {
        inputs.push(g.next_input());
    }
    let entries = corpus::load(&opts.corpus_root, &spec.name, &fun.name, &fun.arg_types())
        .map_err(CheckError::from)?;
    inputs.extend(entries.into_iter().map(|e| e.input));
    if let Some(go) = &opts.go_corpus {
        let imported = crate::gocorpus::import(go, fun)
            .map_err(|e| CheckError::Usage(format!("error: {e}")))?;
        inputs.extend(imported);
    }
    for input in inputs {
        let Some(bytes) = input::encode_input(fun, &input) else {
            continue;
        };
        let name: String = Sha256::digest(&bytes)
            .iter()
            .take(20)
            .map(|b| format!("{b:02x}"))
            .collect();
        let path = dir.join(name);
        if !path.exists() {
            std::fs::write(&path, &bytes).map_err(io("write", &path))?;
        }
    }
    Ok(())
}

fn list_artifacts(dir: &Path) -> Result<Vec<PathBuf>, FuzzError> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io("read", dir))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name().is_some_and(|n| {
                let n = n.to_string_lossy();
                ["crash-", "timeout-", "oom-", "leak-"]
                    .iter()
                    .any(|k| n.starts_with(k))
            })
        })
        .collect();
    found.sort();
    Ok(found)
}

/// Runs libFuzzer once; returns how many inputs it executed (from its log).
fn run_libfuzzer(
    ctx: &Ctx,
    corpus_dir: &Path,
    artifacts: &Path,
    skip_file: &Path,
    log: &Path,
    time: Duration,
    round: u64,
) -> Result<u64, FuzzError> {
    let mut cmd = Command::new(ctx.binary);
    cmd.arg(corpus_dir)
        .arg(format!("-artifact_prefix={}/", artifacts.display()))
        .arg(format!("-max_total_time={}", time.as_secs().max(1)))
        .arg(format!("-seed={}", (ctx.opts.seed + round) % (1 << 31) + 1))
        .arg(format!(
            "-timeout={}",
            (ctx.opts.timeout.as_secs() * 2).max(2)
        ))
        .arg("-print_final_stats=1")
        .arg("-max_len=4096")
        .envs(ctx.env.iter().map(|(k, v)| (k, v)))
        .env(target::SKIP_ENV, skip_file)
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    if ctx.opts.jobs > 1 {
        cmd.arg(format!("-fork={}", ctx.opts.jobs));
    }
    if let Some(dict) = ctx.dict {
        cmd.arg(format!("-dict={}", dict.display()));
    }
    if ctx.deep {
        // Go's comparisons are visible in deep mode; value profiling keeps the inputs that get
        // closer to a compared constant, which is how nested magic values are reached.
        cmd.arg("-use_value_profile=1");
    }
    let log_file = std::fs::File::create(log).map_err(io("create", log))?;
    cmd.stderr(log_file);
    // Supervised like a harness: its own process group, killed on SIGINT/SIGTERM, parent-death
    // signal (its Go harness has its own, from the target's spawner).
    let status = crate::supervise::spawn(cmd)
        .and_then(|mut child| {
            let status = child.wait();
            crate::supervise::forget(child.id());
            status
        })
        .map_err(io("run", ctx.binary))?;
    let text = std::fs::read_to_string(log).unwrap_or_default();
    if let Some(sig) = crate::supervise::interrupted() {
        return Err(CheckError::Start(crate::execute::StartError::Interrupted(sig)).into());
    }
    if !status.success() && list_artifacts(artifacts)?.is_empty() {
        let tail: Vec<&str> = text.lines().rev().take(25).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(FuzzError::Io {
            action: "run the fuzz target",
            path: ctx.binary.display().to_string(),
            source: std::io::Error::other(format!(
                "it exited with {status} and left no artifact; its log ({}) ends with:\n{}",
                log.display(),
                tail.join("\n")
            )),
        });
    }
    Ok(executed(&text))
}

/// The number of inputs libFuzzer executed, from its final stats or its last `#N` status line.
pub fn executed(log: &str) -> u64 {
    let mut best = 0;
    for line in log.lines() {
        if let Some(n) = line.strip_prefix("stat::number_of_executed_units:") {
            best = best.max(n.trim().parse().unwrap_or(0));
        } else if let Some(rest) = line.strip_prefix('#') {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            best = best.max(digits.parse().unwrap_or(0));
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn executed_inputs_come_from_the_final_stats_or_the_last_status_line() {
        let log =
            "#2\tINITED cov: 10\n#4096\tpulse  cov: 12\nstat::number_of_executed_units: 5000\n";
        assert_eq!(executed(log), 5000);
        assert_eq!(executed("#77: cov: 4 ft: 5 corp: 3 exec/s 10 job: 1\n"), 77);
        assert_eq!(executed("INFO: Seed: 1\n"), 0);
    }
}
