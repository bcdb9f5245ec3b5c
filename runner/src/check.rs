//! The main loop of `parity check`: load the spec, start both sides, replay the corpus, generate
//! and run inputs, then confirm, minimize, store and report every divergence.
//!
//! Determinism: inputs are generated in fixed-size chunks, chunk `c` from a seed derived from the
//! run's seed and `c`, so input number `i` is the same whatever `--jobs` says and whichever job
//! runs it. Findings are processed in input order after the generation phase, so the same seed
//! gives the same report.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::compare::{self, Divergence, Verdict};
use crate::corpus::{self, CorpusError};
use crate::execute::{CasePair, Executor, HarnessCommand, StartError};
use crate::exit_code::ExitCode;
use crate::generate::{GenContext, Generator};
use crate::gobuild::{self, BuildError};
use crate::outcome::{Class, Outcome, Side};
use crate::readable;
use crate::render;
use crate::report::{
    Event, Finding, FindingKind, FunctionSummary, Origin, Reporter, ReviewNote, RunSummary,
    ShrinkNote,
};
use crate::shrink::{self, Budget, Stopped};
use crate::snapshot::{self, Review};
use crate::spec::{self, FunctionSpec, GoSource, Spec, SpecError};
use crate::value::Value;

/// Inputs per generation chunk: the unit of work a job claims.
const CHUNK: u64 = 2048;
/// Diverging inputs kept per function for confirmation and minimization.
const KEEP_DIVERGING: usize = 64;
/// Diverging inputs minimized per function: every distinct way of diverging first, then more
/// inputs (they often minimize to other bugs of the same shape) up to this many.
const MINIMIZE_PER_FUNCTION: usize = 4;
/// How many extra times a diverging input is re-run on both sides before it is believed.
const CONFIRM_RUNS: usize = 2;

/// What to check and how.
#[derive(Clone, Debug)]
pub struct CheckOptions {
    /// The spec file.
    pub spec_path: PathBuf,
    /// The seed of the generation.
    pub seed: u64,
    /// Generated cases per function (`None`: until `time` runs out).
    pub cases: Option<u64>,
    /// Time budget per function for generated cases.
    pub time: Option<Duration>,
    /// Only this function (the spec's name).
    pub function: Option<String>,
    /// Parallel jobs, each with its own Go and Rust harness.
    pub jobs: usize,
    /// Per-call timeout.
    pub timeout: Duration,
    /// Minimization budget.
    pub shrink: Budget,
    /// The corpus root folder.
    pub corpus_root: PathBuf,
    /// How to start the Rust side.
    pub rust: HarnessCommand,
    /// CI mode (`--ci`, `CI=true`): write no corpus entries and no pending snapshots, and fail
    /// on every divergence that is not an accepted snapshot.
    pub ci: bool,
    /// Inputs run before the generated ones, for the function named by `function` (for example
    /// a Go native fuzz corpus, imported by `parity corpus import-go`); diverging ones are
    /// confirmed, minimized and stored like generated ones.
    pub extra_inputs: Vec<Vec<Value>>,
}

/// Why a check could not run to the end. Findings are not errors.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    /// The spec is invalid or disagrees with a harness.
    #[error("{0}")]
    Spec(#[from] SpecError),
    /// The command line asked for something that does not exist.
    #[error("{0}")]
    Usage(String),
    /// The Go harness did not build.
    #[error("{0}")]
    Build(#[from] BuildError),
    /// A harness did not start or restart.
    #[error("{0}")]
    Start(#[from] StartError),
    /// The corpus could not be read or written.
    #[error("{0}")]
    Corpus(#[from] CorpusError),
}

impl CheckError {
    /// The exit code this error ends the run with.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CheckError::Spec(_) | CheckError::Usage(_) => ExitCode::UsageOrSpecError,
            CheckError::Build(_) | CheckError::Start(_) => ExitCode::HarnessStartupFailed,
            CheckError::Corpus(CorpusError::Malformed { .. }) => ExitCode::UsageOrSpecError,
            CheckError::Corpus(CorpusError::Io { .. }) => ExitCode::InternalError,
        }
    }
}

/// The Go harness command for a spec: builds a package, or uses the ready command.
pub fn go_command(spec: &Spec) -> Result<HarnessCommand, BuildError> {
    let (program, args) = match &spec.go {
        GoSource::Package { dir } => (gobuild::build(dir)?, Vec::new()),
        GoSource::Command { argv } => (PathBuf::from(&argv[0]), argv[1..].to_vec()),
    };
    Ok(HarnessCommand {
        side: Side::Go,
        program,
        args,
        env: Vec::new(),
    })
}

/// Loads a spec and keeps only `function` when one is named; an unknown name is a usage error
/// listing the spec's functions.
pub(crate) fn load_spec(path: &Path, function: Option<&str>) -> Result<Spec, CheckError> {
    let mut spec = spec::load(path)?;
    if let Some(name) = function {
        if !spec.functions.iter().any(|f| f.name == name) {
            let names: Vec<&str> = spec.functions.iter().map(|f| f.name.as_str()).collect();
            return Err(CheckError::Usage(format!(
                "error: no function `{name}` in {}\n(hint: the spec's functions are: {})",
                path.display(),
                names.join(", ")
            )));
        }
        spec.functions.retain(|f| f.name == name);
    }
    Ok(spec)
}

/// Runs a whole check, reporting through `reporter`. Returns the summary; its `findings` decide
/// the exit code.
pub fn run(opts: &CheckOptions, reporter: &mut dyn Reporter) -> Result<RunSummary, CheckError> {
    let mut spec = load_spec(&opts.spec_path, opts.function.as_deref())?;
    let source = std::fs::read_to_string(&opts.spec_path).unwrap_or_default();
    let go = go_command(&spec)?;
    let jobs = opts.jobs.max(1);
    let mut execs = vec![Executor::start(&go, &opts.rust, opts.timeout)?];
    spec::check_signatures(
        &mut spec,
        &source,
        execs[0].handshake(Side::Go),
        execs[0].handshake(Side::Rust),
    )?;
    for _ in 1..jobs {
        execs.push(Executor::start(&go, &opts.rust, opts.timeout)?);
    }
    let names: Vec<String> = spec.functions.iter().map(|f| f.name.clone()).collect();
    reporter.event(&Event::RunStarted {
        command: "check",
        spec: &opts.spec_path,
        seed: opts.seed,
        jobs,
        functions: &names,
    });
    let gen_ctx = GenContext::for_spec(&spec);
    let mut summary = RunSummary {
        seed: opts.seed,
        dictionary_tokens: gen_ctx.dictionary.len() as u64,
        ..RunSummary::default()
    };
    for fun in &spec.functions {
        let fs = check_function(&spec, fun, opts, &mut execs, reporter, &gen_ctx)?;
        summary.findings += fs.findings;
        summary.known += fs.known;
        reporter.event(&Event::FunctionFinished(&fs));
        summary.functions.push(fs);
    }
    reporter.event(&Event::RunFinished(&summary));
    Ok(summary)
}

/// A diverging input found while exploring (or by the fuzzer).
pub(crate) struct Diverging {
    pub(crate) index: u64,
    pub(crate) input: Vec<Value>,
    pub(crate) divergence: Divergence,
}

#[derive(Default)]
struct Explored {
    cases: u64,
    rejected: u64,
    diverging: Vec<Diverging>,
    elapsed: Duration,
    /// When the first chunk with a diverging input was done, from the start of exploration.
    first_divergence: Option<Duration>,
}

fn check_function(
    spec: &Spec,
    fun: &FunctionSpec,
    opts: &CheckOptions,
    execs: &mut [Executor],
    reporter: &mut dyn Reporter,
    gen_ctx: &GenContext,
) -> Result<FunctionSummary, CheckError> {
    let mut fs = FunctionSummary {
        function: fun.name.clone(),
        ..FunctionSummary::default()
    };
    let mut reported: Vec<Vec<Value>> = Vec::new();

    // The corpus first: yesterday's divergences are today's regression tests.
    replay_corpus(
        spec,
        fun,
        opts,
        &mut execs[0],
        reporter,
        &mut fs,
        &mut reported,
    )?;

    let extra = run_extra_inputs(fun, opts, &mut execs[0])?;
    // Corpus entries and imported inputs seed mutation (the examples are seeds already).
    let mut ctx = gen_ctx.clone();
    if spec.generation.mutation {
        let entries = corpus::load(&opts.corpus_root, &spec.name, &fun.name, &fun.arg_types())?;
        ctx.seeds.extend(entries.into_iter().map(|e| e.input));
        if opts.function.as_deref() == Some(fun.name.as_str()) {
            ctx.seeds.extend(opts.extra_inputs.iter().cloned());
        }
    }
    let mut explored = explore(fun, opts, execs, reporter, &ctx)?;
    fs.cases = explored.cases;
    fs.rejected = explored.rejected;
    fs.elapsed = explored.elapsed;
    fs.first_divergence = explored.first_divergence;
    // Extra inputs come first in input order: they were chosen on purpose.
    let offset = extra.len() as u64;
    for d in &mut explored.diverging {
        d.index += offset;
    }
    let mut diverging = extra;
    diverging.append(&mut explored.diverging);

    // One nondeterminism finding per side is enough: every further input would only repeat it.
    let mut flaky_sides: Vec<Side> = Vec::new();
    for d in pick_for_minimizing(diverging) {
        if let Some(f) = confirm_and_minimize(spec, fun, opts, &mut execs[0], d, &mut reported)? {
            if let FindingKind::Nondeterministic { side, .. } = &f.kind {
                if flaky_sides.contains(side) {
                    continue;
                }
                flaky_sides.push(*side);
            }
            fs.findings += 1;
            reporter.event(&Event::Finding(&f));
        }
    }
    Ok(fs)
}

/// Runs `opts.extra_inputs` on both sides; returns the diverging ones, numbered from 0.
fn run_extra_inputs(
    fun: &FunctionSpec,
    opts: &CheckOptions,
    exec: &mut Executor,
) -> Result<Vec<Diverging>, CheckError> {
    if opts.extra_inputs.is_empty() || opts.function.as_deref() != Some(fun.name.as_str()) {
        return Ok(Vec::new());
    }
    let pairs = exec.run(fun, &opts.extra_inputs, false)?;
    let mut found = Explored::default();
    sort_pairs(fun, 0, opts.extra_inputs.clone(), pairs, &mut found);
    Ok(found.diverging)
}

/// Compares the answers to a batch of inputs numbered from `first`: counts rejections and keeps
/// the diverging inputs (at most [`KEEP_DIVERGING`]) in `into`.
fn sort_pairs(
    fun: &FunctionSpec,
    first: u64,
    inputs: Vec<Vec<Value>>,
    pairs: Vec<CasePair>,
    into: &mut Explored,
) {
    for (i, (input, pair)) in inputs.into_iter().zip(pairs).enumerate() {
        let CasePair::Outcomes(go, rust) = pair else {
            continue;
        };
        match compare::compare(&fun.compare, &fun.results, &go, &rust) {
            Verdict::Agree => {}
            Verdict::Rejected { .. } => into.rejected += 1,
            Verdict::Diverge(divergence) => {
                if into.diverging.len() < KEEP_DIVERGING {
                    into.diverging.push(Diverging {
                        index: first + i as u64,
                        input,
                        divergence,
                    });
                }
            }
        }
    }
}

/// Replays the corpus entries of `fun`: one that still diverges is reported (and added to
/// `reported`), one that now agrees is reported as fixed. Shared with `parity fuzz`.
pub(crate) fn replay_corpus(
    spec: &Spec,
    fun: &FunctionSpec,
    opts: &CheckOptions,
    exec: &mut Executor,
    reporter: &mut dyn Reporter,
    fs: &mut FunctionSummary,
    reported: &mut Vec<Vec<Value>>,
) -> Result<(), CheckError> {
    let review_ctx = review_context(opts);
    let entries = corpus::load(&opts.corpus_root, &spec.name, &fun.name, &fun.arg_types())?;
    fs.replayed = entries.len() as u64;
    if !entries.is_empty() {
        let inputs: Vec<Vec<Value>> = entries.iter().map(|e| e.input.clone()).collect();
        let pairs = exec.run(fun, &inputs, true)?;
        for (entry, pair) in entries.iter().zip(pairs) {
            let (go, rust) = outcomes(pair);
            let shown = display_path(&entry.path);
            match compare::compare(&fun.compare, &fun.results, &go, &rust) {
                Verdict::Agree | Verdict::Rejected { .. } => {
                    fs.fixed += 1;
                    if let Some(accepted) = snapshot::agreed(&review_ctx, &entry.path)? {
                        reporter.event(&Event::KnownFixed {
                            function: &fun.name,
                            path: &shown,
                            snapshot: &display_path(&accepted),
                        });
                    } else {
                        reporter.event(&Event::CorpusFixed {
                            function: &fun.name,
                            path: &shown,
                        });
                    }
                }
                Verdict::Diverge(d) => {
                    let review = snapshot::review(
                        &review_ctx,
                        fun,
                        &entry.path,
                        &entry.input,
                        &go,
                        &rust,
                        &d,
                    )?;
                    if let Review::Known { accepted } = &review {
                        reported.push(entry.input.clone());
                        fs.known += 1;
                        reporter.event(&Event::Known {
                            function: &fun.name,
                            path: &shown,
                            snapshot: &display_path(accepted),
                        });
                        continue;
                    }
                    let f = finding(
                        fun,
                        &entry.input,
                        &go,
                        &rust,
                        d,
                        Origin::Corpus(shown.clone()),
                    );
                    let f = Finding {
                        corpus_file: Some(shown),
                        review: Some(review_note(&review)),
                        ..f
                    };
                    reported.push(entry.input.clone());
                    fs.findings += 1;
                    reporter.event(&Event::Finding(&f));
                }
            }
        }
    }
    Ok(())
}

pub(crate) fn outcomes(pair: CasePair) -> (Outcome, Outcome) {
    match pair {
        CasePair::Outcomes(g, r) => (g, r),
        CasePair::Identical => unreachable!("decode_all runs return outcomes"),
    }
}

/// The seed of generation chunk `c`: splitmix64 of the run seed and the chunk number.
fn chunk_seed(seed: u64, c: u64) -> u64 {
    let mut z = seed ^ c.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The inputs of chunk `c`; chunk 0 starts with the spec's examples, later chunks skip them.
fn chunk_inputs(
    fun: &FunctionSpec,
    seed: u64,
    c: u64,
    n: u64,
    ctx: &GenContext,
) -> Vec<Vec<Value>> {
    let mut g = Generator::with_context(fun, chunk_seed(seed, c), ctx);
    if c > 0 {
        let examples = fun
            .args
            .iter()
            .map(|a| a.hints.examples.len())
            .max()
            .unwrap_or(0);
        for _ in 0..examples {
            g.next_input();
        }
    }
    (0..n).map(|_| g.next_input()).collect()
}

/// The generation phase: jobs claim chunks until the case or time budget is spent.
fn explore(
    fun: &FunctionSpec,
    opts: &CheckOptions,
    execs: &mut [Executor],
    reporter: &mut dyn Reporter,
    ctx: &GenContext,
) -> Result<Explored, CheckError> {
    let started = Instant::now();
    let deadline = opts.time.map(|t| started + t);
    let total = opts.cases.unwrap_or(u64::MAX);
    let next_chunk = AtomicU64::new(0);
    let done_cases = AtomicU64::new(0);
    let results: Mutex<Vec<Explored>> = Mutex::new(Vec::new());
    let error: Mutex<Option<StartError>> = Mutex::new(None);
    let (finished_tx, finished_rx) = std::sync::mpsc::channel::<()>();
    std::thread::scope(|s| {
        for exec in execs.iter_mut() {
            let (next_chunk, done_cases, results, error) =
                (&next_chunk, &done_cases, &results, &error);
            let finished = finished_tx.clone();
            s.spawn(move || {
                let claim = Claim {
                    started,
                    deadline,
                    total,
                    next_chunk,
                    done_cases,
                };
                let mine = explore_job(fun, opts, exec, &claim, ctx);
                match mine {
                    Ok(mine) => results.lock().unwrap().push(mine),
                    Err(e) => *error.lock().unwrap() = Some(e),
                }
                let _ = finished.send(());
            });
        }
        drop(finished_tx);
        // The reporter is not shared with the jobs: this thread reports their progress until
        // every job has hung up.
        loop {
            match finished_rx.recv_timeout(Duration::from_millis(100)) {
                Ok(()) => {}
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                    let cases = done_cases.load(Ordering::Relaxed);
                    let by_cases = opts.cases.map(|n| cases as f64 / n.max(1) as f64);
                    let by_time = opts
                        .time
                        .map(|t| started.elapsed().as_secs_f64() / t.as_secs_f64().max(1e-9));
                    let done = match (by_cases, by_time) {
                        (Some(a), Some(b)) => a.max(b),
                        (a, b) => a.or(b).unwrap_or(0.0),
                    };
                    reporter.event(&Event::Progress {
                        function: &fun.name,
                        cases,
                        done,
                        elapsed: started.elapsed(),
                    })
                }
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
    });
    if let Some(e) = error.into_inner().unwrap() {
        return Err(e.into());
    }
    let mut all = Explored {
        elapsed: started.elapsed(),
        ..Explored::default()
    };
    for part in results.into_inner().unwrap() {
        all.first_divergence = match (all.first_divergence, part.first_divergence) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        all.cases += part.cases;
        all.rejected += part.rejected;
        all.diverging.extend(part.diverging);
    }
    all.diverging.sort_by_key(|d| d.index);
    all.diverging.truncate(KEEP_DIVERGING);
    Ok(all)
}

/// How jobs share the generation phase's budget.
struct Claim<'a> {
    started: Instant,
    deadline: Option<Instant>,
    total: u64,
    next_chunk: &'a AtomicU64,
    done_cases: &'a AtomicU64,
}

/// One job's share of the generation phase: claims chunks until the budget is spent.
fn explore_job(
    fun: &FunctionSpec,
    opts: &CheckOptions,
    exec: &mut Executor,
    claim: &Claim,
    ctx: &GenContext,
) -> Result<Explored, StartError> {
    let mut mine = Explored::default();
    loop {
        if claim.deadline.is_some_and(|d| Instant::now() >= d) {
            return Ok(mine);
        }
        let c = claim.next_chunk.fetch_add(1, Ordering::Relaxed);
        let first = c.saturating_mul(CHUNK);
        if first >= claim.total {
            return Ok(mine);
        }
        let n = CHUNK.min(claim.total - first);
        let inputs = chunk_inputs(fun, opts.seed, c, n, ctx);
        let pairs = exec.run(fun, &inputs, false)?;
        sort_pairs(fun, first, inputs, pairs, &mut mine);
        if mine.first_divergence.is_none() && !mine.diverging.is_empty() {
            mine.first_divergence = Some(claim.started.elapsed());
        }
        mine.cases += n;
        claim.done_cases.fetch_add(n, Ordering::Relaxed);
    }
}

/// Chooses which diverging inputs to minimize: the first of every distinct way of diverging
/// (classes, path, rule), then, for value differences only, the earliest others up to
/// [`MINIMIZE_PER_FUNCTION`] in all. A class difference (ok against panic) is one bug however many
/// inputs show it; values that differ at the same path often come from several bugs (two Unicode
/// case rules), and the extra inputs are deduplicated again after minimization.
pub(crate) fn pick_for_minimizing(diverging: Vec<Diverging>) -> Vec<Diverging> {
    let mut picked: Vec<Diverging> = Vec::new();
    let mut rest = Vec::new();
    for d in diverging {
        if !picked.iter().any(|p| p.divergence.same_way(&d.divergence)) {
            picked.push(d);
        } else if d.divergence.go_class == d.divergence.rust_class {
            rest.push(d);
        }
    }
    let room = MINIMIZE_PER_FUNCTION.saturating_sub(picked.len());
    picked.extend(rest.into_iter().take(room));
    picked.sort_by_key(|d| d.index);
    picked
}

/// Whether two answers of the same side to the same input are the same answer. Crash reports
/// and timeouts are compared by class: their texts carry addresses and timings.
fn same_answer(a: &Outcome, b: &Outcome) -> bool {
    match (a.class(), b.class()) {
        (Class::Crash, Class::Crash) | (Class::Timeout, Class::Timeout) => true,
        _ => a == b,
    }
}

pub(crate) fn confirm_and_minimize(
    spec: &Spec,
    fun: &FunctionSpec,
    opts: &CheckOptions,
    exec: &mut Executor,
    d: Diverging,
    reported: &mut Vec<Vec<Value>>,
) -> Result<Option<Finding>, CheckError> {
    if reported.contains(&d.input) {
        return Ok(None);
    }
    // Confirm: the same input, asked again on both sides, must get the same answers.
    let repeated: Vec<Vec<Value>> = vec![d.input.clone(); CONFIRM_RUNS + 1];
    let answers: Vec<(Outcome, Outcome)> = exec
        .run(fun, &repeated, true)?
        .into_iter()
        .map(outcomes)
        .collect();
    let (go0, rust0) = answers[0].clone();
    for (go, rust) in &answers[1..] {
        for (side, first, then) in [(Side::Go, &go0, go), (Side::Rust, &rust0, rust)] {
            if !same_answer(first, then) {
                reported.push(d.input.clone());
                let mut f = finding(
                    fun,
                    &d.input,
                    &go0,
                    &rust0,
                    d.divergence.clone(),
                    Origin::Generated,
                );
                f.kind = FindingKind::Nondeterministic {
                    side,
                    first: readable::pretty_outcome(first, &fun.results),
                    then: readable::pretty_outcome(then, &fun.results),
                };
                return Ok(Some(f));
            }
        }
    }
    let Verdict::Diverge(original) = compare::compare(&fun.compare, &fun.results, &go0, &rust0)
    else {
        // It agreed when asked again in decoded form: nothing to report.
        return Ok(None);
    };

    // Minimize, keeping only candidates that diverge the same way.
    let shrunk = minimize(fun, exec, d.input.clone(), &original, &opts.shrink)?;
    let (go, rust) = outcomes(
        exec.run(fun, std::slice::from_ref(&shrunk.input), true)?
            .remove(0),
    );
    let (input, go, rust, divergence) =
        match compare::compare(&fun.compare, &fun.results, &go, &rust) {
            Verdict::Diverge(div) => (shrunk.input, go, rust, div),
            _ => (d.input, go0, rust0, original),
        };
    if reported.contains(&input) {
        return Ok(None);
    }
    reported.push(input.clone());
    let mut f = finding(fun, &input, &go, &rust, divergence, Origin::Generated);
    f.shrink = Some(ShrinkNote {
        accepted: shrunk.accepted,
        tried: shrunk.tried,
        budget_hint: match &shrunk.stopped {
            Stopped::Minimal => None,
            Stopped::Iterations(_) => Some(format!(
                "raise --max-shrink-iters; current: {}",
                opts.shrink.max_iters
            )),
            Stopped::Time(_) => Some(format!(
                "raise --max-shrink-time; current: {}s",
                opts.shrink.max_time.as_secs_f64()
            )),
        },
        stopped: shrunk.stopped,
    });
    let entry = corpus::Entry {
        path: PathBuf::new(),
        function: fun.name.clone(),
        input,
        found: (f.go.clone(), f.rust.clone()),
        note: format!(
            "confirmed divergence at {} (rule: {})",
            if f.divergence.path.is_empty() {
                "the outcome class"
            } else {
                &f.divergence.path
            },
            f.divergence.rule
        ),
    };
    if opts.ci {
        // CI writes nothing, like insta: the finding is reported with its input and calls.
        f.review = Some(review_note(&Review::Unreviewed { pending: None }));
        return Ok(Some(f));
    }
    let path = corpus::write(&opts.corpus_root, &spec.name, &entry, &fun.arg_types())?;
    f.corpus_file = Some(display_path(&path));
    let review = snapshot::review(
        &review_context(opts),
        fun,
        &path,
        &entry.input,
        &go,
        &rust,
        &f.divergence,
    )?;
    if let Review::Known { .. } = review {
        // Accepted already (its corpus entry had been deleted and is now restored): the next
        // replay reports it as known.
        return Ok(None);
    }
    f.review = Some(review_note(&review));
    Ok(Some(f))
}

/// Shrinks a diverging `input` of `fun`, testing candidates in pipelined batches on `exec` and
/// keeping only those that diverge the same way as `original`.
pub(crate) fn minimize(
    fun: &FunctionSpec,
    exec: &mut Executor,
    input: Vec<Value>,
    original: &Divergence,
    budget: &Budget,
) -> Result<shrink::Shrunk, StartError> {
    let mut failure: Option<StartError> = None;
    let mut test = |candidates: &[Vec<Value>]| -> Vec<bool> {
        if failure.is_some() {
            return vec![false; candidates.len()];
        }
        match exec.run(fun, candidates, true) {
            Ok(pairs) => pairs
                .into_iter()
                .map(|p| {
                    let (go, rust) = outcomes(p);
                    matches!(compare::compare(&fun.compare, &fun.results, &go, &rust),
                        Verdict::Diverge(c) if c.same_way(original))
                })
                .collect(),
            Err(e) => {
                failure = Some(e);
                vec![false; candidates.len()]
            }
        }
    };
    let shrunk = shrink::shrink(fun, input, budget, &mut test);
    match failure {
        Some(e) => Err(e),
        None => Ok(shrunk),
    }
}

/// Assembles a finding's printable parts.
fn finding(
    fun: &FunctionSpec,
    input: &[Value],
    go: &Outcome,
    rust: &Outcome,
    divergence: Divergence,
    origin: Origin,
) -> Finding {
    let (go_text, rust_text) = clip_pair(
        readable::pretty_outcome(go, &fun.results),
        readable::pretty_outcome(rust, &fun.results),
    );
    Finding {
        function: fun.name.clone(),
        kind: FindingKind::Divergence,
        origin,
        input: fun
            .args
            .iter()
            .zip(input)
            .map(|(a, v)| (a.name.clone(), readable::short(v, &a.ty)))
            .collect(),
        go_call: render::go_call(fun, input),
        rust_call: render::rust_call(fun, input),
        go: go_text,
        rust: rust_text,
        divergence,
        shrink: None,
        corpus_file: None,
        review: None,
    }
}

fn review_context(opts: &CheckOptions) -> snapshot::Context {
    snapshot::Context {
        source: snapshot::source_for(&opts.spec_path, &opts.corpus_root),
        ci: opts.ci,
    }
}

fn review_note(review: &Review) -> ReviewNote {
    match review {
        Review::Known { accepted } => ReviewNote::Known {
            accepted: display_path(accepted),
        },
        Review::Unreviewed { pending } => ReviewNote::Unreviewed {
            pending: pending.as_deref().map(display_path),
        },
        Review::Changed { accepted, pending } => ReviewNote::Changed {
            accepted: display_path(accepted),
            pending: pending.as_deref().map(display_path),
        },
    }
}

/// Characters of an outcome shown in a report; a longer one is cut around its first difference.
const SHOWN_CHARS: usize = 2000;

/// Cuts two long outcome texts to a window around their first difference, so that a report of a
/// 16 MiB result stays readable and still shows where the sides differ.
fn clip_pair(go: String, rust: String) -> (String, String) {
    let (g, r): (Vec<char>, Vec<char>) = (go.chars().collect(), rust.chars().collect());
    if g.len() <= SHOWN_CHARS && r.len() <= SHOWN_CHARS {
        return (go, rust);
    }
    let first_diff = g
        .iter()
        .zip(&r)
        .position(|(a, b)| a != b)
        .unwrap_or(g.len().min(r.len()));
    let start = first_diff.saturating_sub(SHOWN_CHARS / 2);
    let clip = |cs: &[char]| {
        let end = (start + SHOWN_CHARS).min(cs.len());
        let mut out = String::new();
        if start > 0 {
            out.push_str(&format!("… ({start} characters before) …"));
        }
        out.extend(&cs[start.min(cs.len())..end]);
        if end < cs.len() {
            out.push_str(&format!("… ({} characters after)", cs.len() - end));
        }
        out
    };
    (clip(&g), clip(&r))
}

/// A path for reports: relative to the current folder when below it, forward slashes.
fn display_path(p: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let shown = cwd
        .as_deref()
        .and_then(|c| p.strip_prefix(c).ok())
        .unwrap_or(p);
    shown.display().to_string().replace('\\', "/")
}

#[cfg(test)]
mod tests;
