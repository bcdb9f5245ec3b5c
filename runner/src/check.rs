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

use crate::bugs::{self, Bug, Tally};
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
    Event, Finding, FindingKind, FunctionSummary, Interruption, Origin, Reporter, ReviewNote,
    RunSummary, ShrinkNote, TypedArg,
};
use crate::shrink::{self, Budget, Stopped};
use crate::snapshot::{self, Review};
use crate::spec::{self, FunctionSpec, GoSource, Spec, SpecError};
use crate::value::Value;

/// Inputs per generation chunk: the unit of work a job claims.
const CHUNK: u64 = 2048;
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
    /// Sequences per endpoint when `--cases` was given (else the spec's `[http] sequences`).
    pub sequences: Option<u64>,
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
    /// An endpoint's server could not be built or started.
    #[error("error: {0}")]
    Server(#[from] crate::endpoint::server::StartError),
}

impl CheckError {
    /// Whether the run was interrupted (SIGINT, SIGTERM) rather than failed.
    pub fn is_interrupted(&self) -> bool {
        matches!(self, CheckError::Start(e) if e.is_interrupted())
    }

    /// The exit code this error ends the run with.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CheckError::Spec(_) | CheckError::Usage(_) => ExitCode::UsageOrSpecError,
            CheckError::Start(StartError::Interrupted(sig)) => ExitCode::interrupted_by(*sig),
            CheckError::Build(_) | CheckError::Start(_) | CheckError::Server(_) => {
                ExitCode::HarnessStartupFailed
            }
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
        if spec.endpoints.iter().any(|e| e.name == name) {
            // An endpoint's sequences take values from the other endpoints: all stay.
            spec.functions.clear();
            spec.objects.clear();
            return Ok(spec);
        }
        if spec.objects.iter().any(|o| o.name == name) {
            spec.functions.clear();
            spec.endpoints.clear();
            spec.objects.retain(|o| o.name == name);
            return Ok(spec);
        }
        if !spec.functions.iter().any(|f| f.name == name) {
            let names: Vec<&str> = spec
                .functions
                .iter()
                .map(|f| f.name.as_str())
                .chain(spec.objects.iter().map(|o| o.name.as_str()))
                .chain(spec.endpoints.iter().map(|e| e.name.as_str()))
                .collect();
            return Err(CheckError::Usage(format!(
                "error: no function, object or endpoint `{name}` in {}\n(hint: the spec has: {})",
                path.display(),
                names.join(", ")
            )));
        }
        spec.functions.retain(|f| f.name == name);
        spec.objects.clear();
        spec.endpoints.clear();
    }
    Ok(spec)
}

/// Runs a whole check, reporting through `reporter`. Returns the summary; its `findings` decide
/// the exit code. An interruption (SIGINT, SIGTERM) is not an error: the summary says what was
/// checked until then (see `supervise.rs`).
pub fn run(opts: &CheckOptions, reporter: &mut dyn Reporter) -> Result<RunSummary, CheckError> {
    let mut summary = RunSummary {
        seed: opts.seed,
        ..RunSummary::default()
    };
    match run_functions(opts, reporter, &mut summary) {
        Err(e) if e.is_interrupted() => {}
        other => other?,
    }
    let spec = load_spec(&opts.spec_path, opts.function.as_deref())?;
    if !spec.objects.is_empty() && crate::supervise::interrupted().is_none() {
        match run_objects(spec.clone(), opts, reporter, &mut summary) {
            Err(e) if e.is_interrupted() => {}
            other => other?,
        }
    }
    if !spec.endpoints.is_empty() && crate::supervise::interrupted().is_none() {
        if spec.functions.is_empty() && spec.objects.is_empty() {
            let names: Vec<String> = spec.endpoints.iter().map(|e| e.name.clone()).collect();
            reporter.event(&Event::RunStarted {
                command: "check",
                spec: &opts.spec_path,
                seed: opts.seed,
                jobs: 1,
                functions: &names,
                corpus: &opts.corpus_root,
            });
        }
        crate::endpoint::run::check_endpoints(&spec, opts, reporter, &mut summary)?;
    }
    summary.interrupted = Interruption::of_run(&summary);
    reporter.event(&Event::RunFinished(&summary));
    Ok(summary)
}

/// Checks the spec's objects on one Go harness and one Rust worker of their own.
fn run_objects(
    mut spec: Spec,
    opts: &CheckOptions,
    reporter: &mut dyn Reporter,
    summary: &mut RunSummary,
) -> Result<(), CheckError> {
    let source = std::fs::read_to_string(&opts.spec_path).unwrap_or_default();
    let go = go_command(&spec)?;
    let mut session = crate::object::session::Session::start(&go, &opts.rust, opts.timeout)?;
    spec::check_object_signatures(
        &mut spec,
        &source,
        session.handshake(Side::Go),
        session.handshake(Side::Rust),
    )?;
    if spec.functions.is_empty() {
        let names: Vec<String> = spec.objects.iter().map(|o| o.name.clone()).collect();
        reporter.event(&Event::RunStarted {
            command: "check",
            spec: &opts.spec_path,
            seed: opts.seed,
            jobs: 1,
            functions: &names,
            corpus: &opts.corpus_root,
        });
    }
    crate::object::run::check_objects(&spec, opts, &mut session, reporter, summary)
}

fn run_functions(
    opts: &CheckOptions,
    reporter: &mut dyn Reporter,
    summary: &mut RunSummary,
) -> Result<(), CheckError> {
    let mut spec = load_spec(&opts.spec_path, opts.function.as_deref())?;
    if spec.functions.is_empty() {
        return Ok(());
    }
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
        corpus: &opts.corpus_root,
    });
    let gen_ctx = GenContext::for_spec(&spec);
    summary.dictionary_tokens = gen_ctx.dictionary.len() as u64;
    for fun in &spec.functions {
        let fs = check_function(&spec, fun, opts, &mut execs, reporter, &gen_ctx)?;
        summary.findings += fs.findings;
        summary.known += fs.known;
        reporter.event(&Event::FunctionFinished(&fs));
        let stop = fs.interrupted;
        summary.functions.push(fs);
        if stop {
            break;
        }
    }
    Ok(())
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
    /// Inputs that differed only in declared ways.
    declared: u64,
    /// The diverging inputs, counted by way of diverging (see `bugs.rs`).
    diverging: Tally,
    elapsed: Duration,
    /// The run was interrupted during the generation phase: `cases` counts what was checked.
    interrupted: bool,
    /// Set when the function's first inputs stopped its check (see `slow.rs`).
    stop: Option<slow::Stop>,
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

    // The corpus first: yesterday's divergences are today's regression tests. Its findings are
    // reported after exploration, with how many generated inputs hit each.
    let replayed = replay_entries(spec, fun, opts, &mut execs[0], &mut fs, &mut reported)?;
    let mut bugs: Vec<Bug> = replayed.iter().filter_map(Replayed::bug).collect();

    let mut diverging = run_extra_inputs(fun, opts, &mut execs[0])?;
    // Corpus entries and imported inputs seed mutation (the examples are seeds already).
    let mut ctx = gen_ctx.clone();
    if spec.generation.mutation {
        let entries = corpus::load(&opts.corpus_root, &spec.name, &fun.name, &fun.arg_types())?;
        ctx.seeds.extend(entries.into_iter().map(|e| e.input));
        ctx.seeds.extend(extra_inputs_of(opts, fun).iter().cloned());
    }
    let mut explored = explore(fun, opts, execs, reporter, &ctx)?;
    fs.first_divergence = explored.first_divergence;
    fs.cases = explored.cases;
    fs.rejected = explored.rejected;
    fs.declared = explored.declared;
    fs.elapsed = explored.elapsed;
    if explored.interrupted {
        // The harnesses are gone: what was found is not confirmed, so it is not reported.
        fs.interrupted = true;
        return Ok(fs);
    }
    // Extra inputs come first in input order: they were chosen on purpose.
    let extra = extra_inputs_of(opts, fun).len() as u64;
    match explored.stop.take() {
        Some(slow::Stop::EveryInputFails(f)) => {
            fs.findings += 1;
            reporter.event(&Event::Finding(&f));
        }
        Some(slow::Stop::AllSlow(s)) => {
            fs.all_slow = true;
            reporter.event(&Event::Slow(&s));
        }
        None => {
            let mut generated = explored.diverging;
            generated.shift(extra);
            diverging.merge(generated);
        }
    }
    // No silent deaths: a harness that died after replying or spoke unasked (check/deaths.rs).
    let mut pinned = Vec::new();
    let mut unpinned = deaths::collect(fun, execs, extra + fs.cases, &mut pinned)?;
    for d in pinned {
        diverging.add(d);
    }
    fs.diverging = diverging.diverging;
    let cases = fs.cases + extra;

    // A timeout is believed only if it happens again with a larger budget; a slow input may
    // still diverge once it has answered.
    let mut groups = Vec::new();
    for mut g in diverging.into_groups() {
        let Some(side) = slow::timed_out_side(&g.reps[0].divergence) else {
            groups.push(g);
            continue;
        };
        match slow::confirm_timeout(fun, opts, &mut execs[0], &g.reps[0].input, side)? {
            None => groups.push(g),
            Some((s, go, rust)) => {
                reporter.event(&Event::Slow(&s));
                if let Verdict::Diverge(div) =
                    compare::compare(&fun.compare, &fun.results, &go, &rust)
                {
                    g.signature = div.signature();
                    g.reps.truncate(1);
                    g.reps[0].divergence = div;
                    groups.push(g);
                }
            }
        }
    }

    let resolved = bugs::resolve(
        spec,
        fun,
        opts,
        &mut execs[0],
        groups,
        &mut bugs,
        &mut reported,
    )?;
    // The replayed entries' bugs are the first of `bugs`, in the same order.
    let mut next_bug = 0;
    for r in &replayed {
        match r {
            Replayed::Finding { finding, .. } => {
                let f = Finding {
                    bug: Some(bugs[next_bug].note(fun, cases)),
                    ..(**finding).clone()
                };
                next_bug += 1;
                reporter.event(&Event::Finding(&f));
            }
            Replayed::Known { .. } => {
                next_bug += 1;
                emit_replayed(fun, r, reporter);
            }
            _ => emit_replayed(fun, r, reporter),
        }
    }
    fs.known_inputs = bugs.iter().filter(|b| b.known).map(|b| b.seen).sum();
    for (i, mut f) in resolved.findings {
        f.bug = Some(bugs[i].note(fun, cases));
        fs.findings += 1;
        reporter.event(&Event::Finding(&f));
    }
    for f in resolved.nondeterministic {
        fs.findings += 1;
        reporter.event(&Event::Finding(&f));
    }
    unpinned.extend(execs.iter_mut().flat_map(|e| e.take_deaths()));
    for f in deaths::findings(fun, unpinned) {
        fs.findings += 1;
        reporter.event(&Event::Finding(&f));
    }
    Ok(fs)
}

/// The extra inputs that apply to `fun`: `opts.extra_inputs` when `fun` is the one selected.
fn extra_inputs_of<'o>(opts: &'o CheckOptions, fun: &FunctionSpec) -> &'o [Vec<Value>] {
    if opts.function.as_deref() == Some(fun.name.as_str()) {
        &opts.extra_inputs
    } else {
        &[]
    }
}

/// Runs `opts.extra_inputs` on both sides; returns the diverging ones, numbered from 0.
fn run_extra_inputs(
    fun: &FunctionSpec,
    opts: &CheckOptions,
    exec: &mut Executor,
) -> Result<Tally, CheckError> {
    if extra_inputs_of(opts, fun).is_empty() {
        return Ok(Tally::default());
    }
    let pairs = exec.run(fun, &opts.extra_inputs, false)?;
    let mut found = Explored::default();
    sort_pairs(fun, 0, opts.extra_inputs.clone(), pairs, &mut found);
    Ok(found.diverging)
}

/// Compares the answers to a batch of inputs numbered from `first`: counts rejections and
/// inputs that differed only in declared ways, and tallies the diverging inputs in `into`.
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
        match compare::compare_declared(&fun.compare, &fun.results, &go, &rust) {
            (Verdict::Agree, declared) => into.declared += u64::from(declared),
            (Verdict::Rejected { .. }, _) => into.rejected += 1,
            (Verdict::Diverge(divergence), _) => into.diverging.add(Diverging {
                index: first + i as u64,
                input,
                divergence,
            }),
        }
    }
}

/// What replaying one corpus entry found.
pub(crate) enum Replayed {
    /// It agrees now and was never accepted.
    CorpusFixed {
        path: String,
        /// Every file of the entry, to delete.
        files: Vec<String>,
    },
    /// It agrees now and was accepted: a known bug that is fixed.
    KnownFixed {
        path: String,
        snapshot: String,
        /// Every file of the entry, to delete.
        files: Vec<String>,
    },
    /// It diverges exactly as accepted.
    Known {
        path: String,
        snapshot: String,
        signature: String,
    },
    /// It diverges, unreviewed or changed.
    Finding {
        finding: Box<Finding>,
        signature: String,
    },
}

impl Replayed {
    /// The bug a still-diverging entry stands for.
    fn bug(&self) -> Option<Bug> {
        match self {
            Replayed::Known { signature, .. } => Some(Bug::replayed(signature.clone(), true)),
            Replayed::Finding { signature, .. } => Some(Bug::replayed(signature.clone(), false)),
            _ => None,
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
    for r in replay_entries(spec, fun, opts, exec, fs, reported)? {
        emit_replayed(fun, &r, reporter);
    }
    Ok(())
}

/// The event of one replayed entry.
fn emit_replayed(fun: &FunctionSpec, r: &Replayed, reporter: &mut dyn Reporter) {
    let function = &fun.name;
    match r {
        Replayed::CorpusFixed { path, files } => reporter.event(&Event::CorpusFixed {
            function,
            path,
            files,
        }),
        Replayed::KnownFixed {
            path,
            snapshot,
            files,
        } => reporter.event(&Event::KnownFixed {
            function,
            path,
            snapshot,
            files,
        }),
        Replayed::Known { path, snapshot, .. } => reporter.event(&Event::Known {
            function,
            path,
            snapshot,
        }),
        Replayed::Finding { finding, .. } => reporter.event(&Event::Finding(finding)),
    }
}

/// Replays the corpus entries of `fun`, counting them in `fs` and adding the still-diverging
/// ones to `reported`; the caller reports what it returns.
pub(crate) fn replay_entries(
    spec: &Spec,
    fun: &FunctionSpec,
    opts: &CheckOptions,
    exec: &mut Executor,
    fs: &mut FunctionSummary,
    reported: &mut Vec<Vec<Value>>,
) -> Result<Vec<Replayed>, CheckError> {
    let review_ctx = review_context(opts);
    let entries = corpus::load(&opts.corpus_root, &spec.name, &fun.name, &fun.arg_types())?;
    fs.replayed = entries.len() as u64;
    let mut out = Vec::new();
    if entries.is_empty() {
        return Ok(out);
    }
    let inputs: Vec<Vec<Value>> = entries.iter().map(|e| e.input.clone()).collect();
    let pairs = exec.run(fun, &inputs, true)?;
    for (entry, pair) in entries.iter().zip(pairs) {
        let (go, rust) = outcomes(pair);
        let shown = display_path(&entry.path);
        match compare::compare(&fun.compare, &fun.results, &go, &rust) {
            Verdict::Agree | Verdict::Rejected { .. } => {
                fs.fixed += 1;
                let files: Vec<String> = snapshot::files_of(&entry.path)
                    .iter()
                    .map(|p| display_path(p))
                    .collect();
                out.push(match snapshot::agreed(&review_ctx, &entry.path)? {
                    Some(accepted) => Replayed::KnownFixed {
                        path: shown,
                        snapshot: display_path(&accepted),
                        files,
                    },
                    None => Replayed::CorpusFixed { path: shown, files },
                });
            }
            Verdict::Diverge(d) => {
                let review =
                    snapshot::review(&review_ctx, fun, &entry.path, &entry.input, &go, &rust, &d)?;
                reported.push(entry.input.clone());
                let signature = d.signature();
                if let Review::Known { accepted } = &review {
                    fs.known += 1;
                    out.push(Replayed::Known {
                        path: shown,
                        snapshot: display_path(accepted),
                        signature,
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
                fs.findings += 1;
                out.push(Replayed::Finding {
                    finding: Box::new(f),
                    signature,
                });
            }
        }
    }
    Ok(out)
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
    // The first inputs alone first: a function failing on every one of them stops here.
    let (probed, stop) = slow::probe(fun, opts, &mut execs[0], total, ctx)?;
    if stop.is_some() {
        return Ok(Explored {
            elapsed: started.elapsed(),
            stop,
            ..probed
        });
    }
    let skip = probed.cases;
    let next_chunk = AtomicU64::new(0);
    let done_cases = AtomicU64::new(skip);
    let results: Mutex<Vec<Explored>> = Mutex::new(vec![probed]);
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
                    skip,
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
    let mut all = Explored {
        elapsed: started.elapsed(),
        ..Explored::default()
    };
    if let Some(e) = error.into_inner().unwrap() {
        if !e.is_interrupted() {
            return Err(e.into());
        }
        all.interrupted = true;
    }
    for part in results.into_inner().unwrap() {
        all.first_divergence = match (all.first_divergence, part.first_divergence) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        all.cases += part.cases;
        all.rejected += part.rejected;
        all.declared += part.declared;
        all.diverging.merge(part.diverging);
    }
    if all.interrupted {
        // Jobs that were interrupted mid-chunk return no part; the shared count has them all.
        all.cases = all.cases.max(done_cases.load(Ordering::Relaxed));
    }
    Ok(all)
}

/// How jobs share the generation phase's budget.
struct Claim<'a> {
    started: Instant,
    deadline: Option<Instant>,
    total: u64,
    /// The first inputs of chunk 0 that were run already (by the probe).
    skip: u64,
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
        let mut inputs = chunk_inputs(fun, opts.seed, c, n, ctx);
        let (first, n) = if c == 0 {
            inputs.drain(..(claim.skip as usize).min(inputs.len()));
            (claim.skip, n.saturating_sub(claim.skip))
        } else {
            (first, n)
        };
        if inputs.is_empty() {
            continue;
        }
        let pairs = exec.run(fun, &inputs, false)?;
        sort_pairs(fun, first, inputs, pairs, &mut mine);
        if mine.first_divergence.is_none() && mine.diverging.diverging > 0 {
            mine.first_divergence = Some(claim.started.elapsed());
        }
        mine.cases += n;
        claim.done_cases.fetch_add(n, Ordering::Relaxed);
    }
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
    // Confirm: the same input, asked again on both sides, must get the same answers. Unless a
    // side timed out (and still did with the larger budget), with the larger budget: a re-run
    // that is only slow is not nondeterminism.
    let repeated: Vec<Vec<Value>> = vec![d.input.clone(); CONFIRM_RUNS + 1];
    let crashed = d.divergence.go_class == Class::Crash || d.divergence.rust_class == Class::Crash;
    let answers: Vec<(Outcome, Outcome)> = if slow::timed_out_side(&d.divergence).is_some() {
        exec.run(fun, &repeated, true)?
            .into_iter()
            .map(outcomes)
            .collect()
    } else if crashed {
        // A crash may come just after a reply (a late panic): only an input run alone, with the
        // executor's wait after its reply, is blamed for it again, so each run is on its own.
        let mut answers = Vec::new();
        for one in &repeated {
            answers.extend(slow::run_with_budget(
                fun,
                opts,
                exec,
                std::slice::from_ref(one),
            )?);
        }
        answers
    } else {
        slow::run_with_budget(fun, opts, exec, &repeated)?
    };
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
    // A minimized timeout must be a real one too.
    let slow_shrunk = match slow::timed_out_side(&original) {
        Some(side) if shrunk.input != d.input => {
            slow::confirm_timeout(fun, opts, exec, &shrunk.input, side)?.is_some()
        }
        _ => false,
    };
    let (input, go, rust, divergence) =
        match compare::compare(&fun.compare, &fun.results, &go, &rust) {
            Verdict::Diverge(div) if !slow_shrunk => (shrunk.input, go, rust, div),
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
        typed_input: fun
            .args
            .iter()
            .zip(input)
            .zip(corpus::encode_input(input, &fun.arg_types()))
            .map(|((a, v), json)| TypedArg {
                name: a.name.clone(),
                ty: a.ty.to_string(),
                json,
                text: readable::one_line(v, &a.ty),
            })
            .collect(),
        spec_line: (fun.location.line > 0).then_some(fun.location.line),
        go_call: render::go_call(fun, input),
        rust_call: render::rust_call(fun, input),
        go: go_text,
        rust: rust_text,
        divergence,
        shrink: None,
        corpus_file: None,
        review: None,
        bug: None,
        sequence: None,
    }
}

pub(crate) fn review_context(opts: &CheckOptions) -> snapshot::Context {
    snapshot::Context {
        source: snapshot::source_for(&opts.spec_path, &opts.corpus_root),
        ci: opts.ci,
    }
}

pub(crate) fn review_note(review: &Review) -> ReviewNote {
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
pub(crate) fn display_path(p: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let shown = cwd
        .as_deref()
        .and_then(|c| p.strip_prefix(c).ok())
        .unwrap_or(p);
    shown.display().to_string().replace('\\', "/")
}

mod deaths;
mod slow;
#[cfg(test)]
mod tests;
