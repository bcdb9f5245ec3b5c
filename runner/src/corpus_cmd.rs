//! `parity corpus …`: list, replay, re-minimize and prune a spec's stored divergences.
//!
//! The corpus is values (see `corpus.rs`), reviewed through snapshots (see `snapshot.rs`); these
//! subcommands keep it small and current without generating anything new. Replay is `check`
//! with no generated cases; re-minimizing and pruning run the stored inputs on both sides.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Subcommand;

use crate::check::{self, CheckError, CheckOptions};
use crate::compare::{self, Verdict};
use crate::corpus::{self, Entry};
use crate::execute::{CasePair, Executor, HarnessCommand};
use crate::exit_code::ExitCode;
use crate::outcome::{Outcome, Side};
use crate::readable;
use crate::shrink::Budget;
use crate::snapshot::{self, Review};
use crate::spec::{self, FunctionSpec, Spec};
use crate::value::Value;
use crate::worker;

/// Arguments of `parity corpus`.
#[derive(Debug, clap::Args)]
pub struct CorpusArgs {
    /// What to do with the corpus.
    #[command(subcommand)]
    pub command: CorpusCommand,
}

/// The `parity corpus` subcommands.
#[derive(Debug, Subcommand)]
pub enum CorpusCommand {
    /// List the stored divergences per function, with their review state.
    List(Common),
    /// Replay the stored divergences only (no generated inputs); exits like `check`.
    Replay(Replay),
    /// Re-shrink every stored divergence with the current shrinker, replacing entries that get
    /// smaller.
    Reminimize(Reminimize),
    /// Remove duplicate entries, entries that now agree (unless they are accepted known
    /// divergences), and snapshots whose entry is gone.
    Prune(Prune),
    /// Run a Go native fuzz corpus (`testdata/fuzz/FuzzX/`, `go test fuzz v1` files) through
    /// both sides; every input that diverges is confirmed, minimized and stored like `check`'s.
    ImportGo(ImportGo),
}

/// Arguments of `parity corpus import-go`.
#[derive(Debug, clap::Args)]
pub struct ImportGo {
    /// The spec file (TOML).
    pub spec: PathBuf,
    /// The function whose arguments the Go fuzz target takes, in order (its spec name).
    #[arg(long)]
    pub function: String,
    /// The Go corpus folder, for example `testdata/fuzz/FuzzParseAmount`.
    pub dir: PathBuf,
    /// The corpus folder [default: `corpus` beside the spec file; a path given here is relative
    /// to the current folder].
    #[arg(long)]
    pub corpus: Option<PathBuf>,
    /// Per-call timeout.
    #[arg(long, value_parser = crate::cli::parse_positive_duration, default_value = "2s")]
    pub timeout: Duration,
}

/// Arguments every corpus subcommand takes.
#[derive(Debug, clap::Args)]
pub struct Common {
    /// The spec file (TOML).
    pub spec: PathBuf,
    /// Only this function (its spec name).
    #[arg(long)]
    pub function: Option<String>,
    /// The corpus folder [default: `corpus` beside the spec file; a path given here is relative
    /// to the current folder].
    #[arg(long)]
    pub corpus: Option<PathBuf>,
}

impl Common {
    /// The corpus folder: `--corpus` as given, else `corpus` beside the spec file.
    pub fn corpus_root(&self) -> PathBuf {
        corpus::default_root(self.corpus.as_deref(), &self.spec)
    }
}

/// Arguments of `parity corpus replay`.
#[derive(Debug, clap::Args)]
pub struct Replay {
    #[command(flatten)]
    common: Common,
    /// Per-call timeout.
    #[arg(long, value_parser = crate::cli::parse_positive_duration, default_value = "2s")]
    timeout: Duration,
    /// CI mode: write no pending snapshots; fail on anything not accepted (also on when CI=true).
    #[arg(long)]
    ci: bool,
    /// Output format (durations are always left out).
    #[arg(long, value_enum, default_value_t = crate::cli::Format::Human)]
    format: crate::cli::Format,
}

/// Arguments of `parity corpus reminimize`.
#[derive(Debug, clap::Args)]
pub struct Reminimize {
    #[command(flatten)]
    common: Common,
    /// Per-call timeout.
    #[arg(long, value_parser = crate::cli::parse_positive_duration, default_value = "2s")]
    timeout: Duration,
    /// Most minimization candidates tried per entry.
    #[arg(long, env = "PARITY_MAX_SHRINK_ITERS", default_value_t = 4096)]
    max_shrink_iters: u64,
    /// Most time spent minimizing one entry.
    #[arg(long, env = "PARITY_MAX_SHRINK_TIME", value_parser = crate::cli::parse_duration, default_value = "30s")]
    max_shrink_time: Duration,
}

/// Arguments of `parity corpus prune`.
#[derive(Debug, clap::Args)]
pub struct Prune {
    #[command(flatten)]
    common: Common,
    /// Per-call timeout.
    #[arg(long, value_parser = crate::cli::parse_positive_duration, default_value = "2s")]
    timeout: Duration,
    /// Say what would be removed, remove nothing.
    #[arg(long)]
    dry_run: bool,
}

/// Runs a corpus subcommand, printing to stdout; returns the exit code.
pub fn run(args: CorpusArgs) -> ExitCode {
    let result = match args.command {
        CorpusCommand::List(c) => list(&c).map(|_| ExitCode::Equivalent),
        CorpusCommand::Replay(r) => replay(&r),
        CorpusCommand::Reminimize(r) => reminimize(&r).map(|_| ExitCode::Equivalent),
        CorpusCommand::Prune(p) => prune(&p).map(|_| ExitCode::Equivalent),
        CorpusCommand::ImportGo(i) => import_go(&i),
    };
    result.unwrap_or_else(|e| crate::cli::fail(&e))
}

/// Loads the spec, keeping only `--function` when given.
fn load_spec(c: &Common) -> Result<Spec, CheckError> {
    check::load_spec(&c.spec, c.function.as_deref())
}

fn rust_command() -> Result<HarnessCommand, CheckError> {
    let exe = std::env::current_exe().map_err(|e| {
        CheckError::Usage(format!(
            "error: failed to find the parity executable to start the Rust worker: {e}"
        ))
    })?;
    Ok(HarnessCommand {
        side: Side::Rust,
        program: exe,
        args: vec![worker::WORKER_ARG.to_string()],
        env: Vec::new(),
    })
}

/// Loads the spec and starts one executor, checking the spec against both handshakes.
fn start(c: &Common, timeout: Duration) -> Result<(Spec, Executor), CheckError> {
    let mut spec = load_spec(c)?;
    let source = std::fs::read_to_string(&c.spec).unwrap_or_default();
    let go = check::go_command(&spec)?;
    let exec = Executor::start(&go, &rust_command()?, timeout)?;
    spec::check_signatures(
        &mut spec,
        &source,
        exec.handshake(Side::Go),
        exec.handshake(Side::Rust),
    )?;
    Ok((spec, exec))
}

fn shown(p: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let rel = cwd
        .as_deref()
        .and_then(|c| p.strip_prefix(c).ok())
        .unwrap_or(p);
    rel.display().to_string().replace('\\', "/")
}

fn hash_of(p: &Path) -> String {
    p.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The review state of an entry from the files beside it.
fn state(entry: &Path) -> &'static str {
    match (
        snapshot::accepted_path(entry).exists(),
        snapshot::pending_path(entry).exists(),
    ) {
        (true, true) => "changed",
        (true, false) => "accepted",
        (false, true) => "pending",
        (false, false) => "unreviewed",
    }
}

fn input_line(fun: &FunctionSpec, input: &[Value]) -> String {
    let parts: Vec<String> = fun
        .args
        .iter()
        .zip(input)
        .map(|(a, v)| format!("{} = {}", a.name, readable::short(v, &a.ty)))
        .collect();
    readable::truncate(parts.join(", "))
}

fn list(c: &Common) -> Result<(), CheckError> {
    let spec = load_spec(c)?;
    let root = c.corpus_root().join(&spec.name);
    println!("corpus {} (spec {})", shown(&root), shown(&c.spec));
    let mut total = 0;
    for fun in &spec.functions {
        let entries = corpus::load(&c.corpus_root(), &spec.name, &fun.name, &fun.arg_types())?;
        total += entries.len();
        let n = entries.len();
        println!(
            "\n{}: {n} entr{}",
            fun.name,
            if n == 1 { "y" } else { "ies" }
        );
        for e in &entries {
            println!(
                "  {:<12}  {:<10}  {}",
                hash_of(&e.path),
                state(&e.path),
                input_line(fun, &e.input)
            );
        }
    }
    if c.function.is_none() {
        // Folders for functions the spec no longer has: their entries are never replayed.
        let known: HashSet<&str> = spec.functions.iter().map(|f| f.name.as_str()).collect();
        // Objects' and endpoints' folders hold sequences, which `check` replays and reviews.
        let sequences: HashSet<&str> = spec
            .objects
            .iter()
            .map(|o| o.name.as_str())
            .chain(spec.endpoints.iter().map(|e| e.name.as_str()))
            .collect();
        let known: HashSet<&str> = known.union(&sequences).copied().collect();
        let mut folders: Vec<&str> = sequences.iter().copied().collect();
        folders.sort();
        for name in folders {
            let dir = root.join(name);
            let n = std::fs::read_dir(&dir)
                .map(|l| {
                    l.filter_map(|e| e.ok())
                        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
                        .count()
                })
                .unwrap_or(0);
            if n > 0 {
                println!(
                    "
{name}: {n} stored sequence{} in {} (replayed and reviewed by `parity check`; `corpus replay`, `reminimize` and `prune` handle function entries only)",
                    if n == 1 { "" } else { "s" },
                    shown(&dir)
                );
            }
        }
        if let Ok(listing) = std::fs::read_dir(&root) {
            let mut stale: Vec<String> = listing
                .filter_map(|e| e.ok())
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| !known.contains(n.as_str()))
                .collect();
            stale.sort();
            for name in stale {
                println!(
                    "\nstale folder {}: the spec has no function `{name}`\n  (hint: delete the folder, or restore the function in the spec)",
                    shown(&root.join(&name))
                );
            }
        }
    }
    println!(
        "\n{total} entr{} in {} function{}",
        if total == 1 { "y" } else { "ies" },
        spec.functions.len(),
        if spec.functions.len() == 1 { "" } else { "s" }
    );
    Ok(())
}

fn import_go(i: &ImportGo) -> Result<ExitCode, CheckError> {
    let common = Common {
        spec: i.spec.clone(),
        function: Some(i.function.clone()),
        corpus: i.corpus.clone(),
    };
    let spec = load_spec(&common)?;
    let fun = &spec.functions[0];
    let inputs =
        crate::gocorpus::import(&i.dir, fun).map_err(|e| CheckError::Usage(e.to_string()))?;
    println!(
        "imported {} input{} for {} from {}",
        inputs.len(),
        if inputs.len() == 1 { "" } else { "s" },
        fun.name,
        i.dir.display()
    );
    let shrink = Budget {
        max_iters: 4096,
        max_time: Duration::from_secs(30),
    };
    let format = crate::cli::Format::Human;
    check_without_generation(
        &common,
        i.timeout,
        shrink,
        snapshot::ci_from_env(),
        inputs,
        format,
    )
}

fn replay(r: &Replay) -> Result<ExitCode, CheckError> {
    let shrink = Budget {
        max_iters: 0,
        max_time: Duration::ZERO,
    };
    let ci = r.ci || snapshot::ci_from_env();
    check_without_generation(&r.common, r.timeout, shrink, ci, Vec::new(), r.format)
}

/// A `check` that generates nothing: it replays the corpus, then runs `extra_inputs`.
fn check_without_generation(
    common: &Common,
    timeout: Duration,
    shrink: Budget,
    ci: bool,
    extra_inputs: Vec<Vec<Value>>,
    format: crate::cli::Format,
) -> Result<ExitCode, CheckError> {
    let opts = CheckOptions {
        sequences: None,
        spec_path: common.spec.clone(),
        seed: 0,
        cases: Some(0),
        time: None,
        function: common.function.clone(),
        jobs: 1,
        timeout,
        shrink,
        corpus_root: common.corpus_root(),
        rust: rust_command()?,
        ci,
        extra_inputs,
    };
    let mut reporter = crate::cli::reporter(format, true);
    let result = check::run(&opts, reporter.as_mut());
    drop(reporter);
    Ok(crate::cli::finish(result))
}

fn outcomes(pair: CasePair) -> (Outcome, Outcome) {
    match pair {
        CasePair::Outcomes(g, r) => (g, r),
        CasePair::Identical => unreachable!("decode_all runs return outcomes"),
    }
}

/// Both sides' outcomes of an entry that still diverges, and how.
type StillDiverging = (Outcome, Outcome, compare::Divergence);

/// Runs every entry once; `None` where the two sides now agree.
fn verdicts(
    fun: &FunctionSpec,
    exec: &mut Executor,
    entries: &[Entry],
) -> Result<Vec<Option<StillDiverging>>, CheckError> {
    let inputs: Vec<Vec<Value>> = entries.iter().map(|e| e.input.clone()).collect();
    if inputs.is_empty() {
        return Ok(Vec::new());
    }
    Ok(exec
        .run(fun, &inputs, true)?
        .into_iter()
        .map(|p| {
            let (go, rust) = outcomes(p);
            match compare::compare(&fun.compare, &fun.results, &go, &rust) {
                Verdict::Diverge(d) => Some((go, rust, d)),
                _ => None,
            }
        })
        .collect())
}

fn reminimize(r: &Reminimize) -> Result<(), CheckError> {
    let (spec, mut exec) = start(&r.common, r.timeout)?;
    let budget = Budget {
        max_iters: r.max_shrink_iters,
        max_time: r.max_shrink_time,
    };
    let ctx = snapshot::Context {
        source: snapshot::source_for(&r.common.spec, &r.common.corpus_root()),
        ci: false,
    };
    let mut replaced = 0;
    for fun in &spec.functions {
        let types = fun.arg_types();
        let entries = corpus::load(&r.common.corpus_root(), &spec.name, &fun.name, &types)?;
        let found = verdicts(fun, &mut exec, &entries)?;
        for (entry, verdict) in entries.iter().zip(found) {
            let name = shown(&entry.path);
            let Some((_, _, original)) = verdict else {
                println!(
                    "{name}: agrees now, nothing to minimize (`parity corpus prune` removes it)"
                );
                continue;
            };
            let shrunk = check::minimize(fun, &mut exec, entry.input.clone(), &original, &budget)?;
            if shrunk.input == entry.input {
                println!("{name}: already minimal");
                continue;
            }
            let (go, rust) = outcomes(
                exec.run(fun, std::slice::from_ref(&shrunk.input), true)?
                    .remove(0),
            );
            let Verdict::Diverge(d) = compare::compare(&fun.compare, &fun.results, &go, &rust)
            else {
                println!("{name}: the smaller input stopped diverging when run again; kept as is");
                continue;
            };
            // The new entry first (atomically), then the old one goes: a killed run leaves at
            // worst both, never neither.
            let new_entry = Entry {
                path: PathBuf::new(),
                function: fun.name.clone(),
                input: shrunk.input.clone(),
                found: (
                    readable::pretty_outcome(&go, &fun.results),
                    readable::pretty_outcome(&rust, &fun.results),
                ),
                note: format!("re-minimized from {}: {}", hash_of(&entry.path), entry.note),
            };
            let existing = corpus::function_dir(&r.common.corpus_root(), &spec.name, &fun.name)
                .join(format!(
                    "{}.json",
                    corpus::content_hash(&shrunk.input, &types)
                ));
            // An entry for the smaller input may exist already: it is kept as it is.
            let path = if existing.exists() {
                existing
            } else {
                corpus::write(&r.common.corpus_root(), &spec.name, &new_entry, &types)?
            };
            let review = snapshot::review(&ctx, fun, &path, &shrunk.input, &go, &rust, &d)?;
            if path != entry.path {
                for old in [
                    entry.path.clone(),
                    snapshot::accepted_path(&entry.path),
                    snapshot::pending_path(&entry.path),
                ] {
                    snapshot::remove_if_present(&old)?;
                }
            }
            replaced += 1;
            let next = match review {
                Review::Known { .. } => "already accepted".to_string(),
                Review::Unreviewed { pending } | Review::Changed { pending, .. } => format!(
                    "review {} with `cargo insta review`",
                    pending.as_deref().map(shown).unwrap_or_default()
                ),
            };
            println!(
                "{name} -> {}: {} ({} steps; {next})",
                shown(&path),
                input_line(fun, &shrunk.input),
                shrunk.accepted
            );
        }
    }
    println!(
        "\n{replaced} entr{} replaced",
        if replaced == 1 { "y" } else { "ies" }
    );
    Ok(())
}

fn prune(p: &Prune) -> Result<(), CheckError> {
    let (spec, mut exec) = start(&p.common, p.timeout)?;
    let verb = if p.dry_run { "would remove" } else { "removed" };
    let mut removed = 0;
    let mut remove = |path: &Path, why: &str| -> Result<(), CheckError> {
        if path.exists() {
            if !p.dry_run {
                snapshot::remove_if_present(path)?;
            }
            println!("{verb} {} ({why})", shown(path));
            removed += 1;
        }
        Ok(())
    };
    for fun in &spec.functions {
        let types = fun.arg_types();
        let entries = corpus::load(&p.common.corpus_root(), &spec.name, &fun.name, &types)?;
        // Duplicates: the same input stored twice (a copied or renamed file). The one named by
        // its content hash stays.
        let mut keep: Vec<Entry> = Vec::new();
        let mut sorted: Vec<&Entry> = entries.iter().collect();
        sorted.sort_by_key(|e| hash_of(&e.path) != corpus::content_hash(&e.input, &types));
        for e in sorted {
            if keep.iter().any(|k| k.input == e.input) {
                remove(&e.path, "duplicate input")?;
                remove(&snapshot::pending_path(&e.path), "duplicate input")?;
                remove(&snapshot::accepted_path(&e.path), "duplicate input")?;
            } else {
                keep.push(e.clone());
            }
        }
        keep.sort_by(|a, b| a.path.cmp(&b.path));
        let found = verdicts(fun, &mut exec, &keep)?;
        for (e, verdict) in keep.iter().zip(found) {
            if verdict.is_none() && !snapshot::accepted_path(&e.path).exists() {
                remove(&e.path, "agrees now")?;
                remove(&snapshot::pending_path(&e.path), "agrees now")?;
            }
        }
        // Snapshots whose entry is gone, and temporary files of killed runs.
        let dir = corpus::function_dir(&p.common.corpus_root(), &spec.name, &fun.name);
        for tmp in corpus::stale_temp_files(&dir) {
            remove(&tmp, "left by a killed run")?;
        }
        if let Ok(listing) = std::fs::read_dir(&dir) {
            let mut orphans: Vec<PathBuf> = listing
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    let name = f.file_name().unwrap_or_default().to_string_lossy();
                    let stem = name
                        .strip_suffix(".snap.new")
                        .or_else(|| name.strip_suffix(".snap"));
                    stem.is_some_and(|s| {
                        !s.starts_with('.') && !dir.join(format!("{s}.json")).exists()
                    })
                })
                .collect();
            orphans.sort();
            for o in orphans {
                remove(&o, "its corpus entry is gone")?;
            }
        }
    }
    println!(
        "\n{verb} {removed} file{}",
        if removed == 1 { "" } else { "s" }
    );
    Ok(())
}
