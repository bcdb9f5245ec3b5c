//! Reporting: the events a run emits and the reporters that consume them (human text, JSON).
//!
//! The stages never print. `check` emits [`Event`]s; a [`Reporter`] turns them into output. Every
//! piece of a finding is computed once by the pipeline (calls, pretty outcomes, paths) so that the
//! reporters only lay it out, and each can be tested without running anything.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::time::Duration;

use crate::compare::Divergence;
use crate::outcome::Side;
use crate::readable;
use crate::shrink::Stopped;

mod doc;
pub mod github;
pub mod junit;
pub mod progress;

pub use doc::Doc;

/// Something that happened during a run, in order.
#[derive(Debug)]
pub enum Event<'a> {
    /// The spec was loaded and both harnesses answered their handshakes.
    RunStarted {
        /// The subcommand: `check` or `fuzz`.
        command: &'static str,
        /// The spec file as given.
        spec: &'a Path,
        /// The seed (printed so that `--seed` reproduces the run).
        seed: u64,
        /// Parallel jobs.
        jobs: usize,
        /// The functions that will be checked.
        functions: &'a [String],
        /// The corpus root: where entries are replayed from and written to.
        corpus: &'a Path,
    },
    /// A slow preparation step began (building or starting servers), with the time since the
    /// run started.
    Phase {
        /// What is being done.
        what: &'a str,
        /// Since the run started.
        elapsed: Duration,
    },
    /// Cases were run (sent often; reporters may ignore it).
    Progress {
        /// The function.
        function: &'a str,
        /// Cases run so far for it.
        cases: u64,
        /// How far along the budget is, 0.0 to 1.0 (cases or time, whichever is set).
        done: f64,
        /// Time spent on it so far.
        elapsed: Duration,
    },
    /// A corpus entry that used to diverge now agrees.
    CorpusFixed {
        /// The function.
        function: &'a str,
        /// The entry's file.
        path: &'a str,
        /// Every file of the entry (the entry and any snapshot beside it): what to delete.
        files: &'a [String],
    },
    /// A corpus entry diverges exactly as its accepted snapshot says: expected, not a failure.
    Known {
        /// The function.
        function: &'a str,
        /// The entry's file.
        path: &'a str,
        /// The accepted snapshot.
        snapshot: &'a str,
    },
    /// A known divergence (an entry with an accepted snapshot) now agrees.
    KnownFixed {
        /// The function.
        function: &'a str,
        /// The entry's file.
        path: &'a str,
        /// The accepted snapshot.
        snapshot: &'a str,
        /// Every file of the entry (the entry and its snapshots): what to delete.
        files: &'a [String],
    },
    /// A confirmed, minimized finding.
    Finding(&'a Finding),
    /// A call that took longer than `--timeout` but answered when re-run alone with the larger
    /// confirmation budget: not a finding, never stored.
    Slow(&'a SlowCall),
    /// A function is done.
    FunctionFinished(&'a FunctionSummary),
    /// The run is done.
    RunFinished(&'a RunSummary),
}

/// A timeout that did not reproduce: the input answered when run alone with a larger budget.
#[derive(Clone, Debug, PartialEq)]
pub struct SlowCall {
    /// The function.
    pub function: String,
    /// The side that timed out.
    pub side: Side,
    /// `name = value` per argument, readable.
    pub input: Vec<(String, String)>,
    /// The input as a Go call.
    pub go_call: String,
    /// How long the re-run took (both sides run at once: the slower side's time).
    pub took: Duration,
    /// The per-call timeout it exceeded.
    pub timeout: Duration,
    /// The confirmation budget it answered within.
    pub budget: Duration,
    /// Every one of the function's first inputs timed out like this, so checking it stopped:
    /// nothing was checked (see [`FunctionSummary::all_slow`]).
    pub every_input: bool,
}

/// What kind of finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FindingKind {
    /// Go and Rust answered differently, and each answered the same way when asked again.
    Divergence,
    /// One side answered the same input differently when asked again: never reported as a
    /// divergence, because no minimization or comparison rule can make sense of it.
    Nondeterministic {
        /// The side that changed its answer.
        side: Side,
        /// Its first answer.
        first: String,
        /// Its later, different answer.
        then: String,
    },
    /// A harness died (or sent a reply nobody asked for) outside any call that can be blamed: no
    /// input makes it do so alone. The finding's input is the last one sent.
    HarnessDied {
        /// The harness.
        side: Side,
        /// What happened: exit status and crash summary, or the unrequested line.
        why: String,
        /// The last inputs sent before, as calls of that side, oldest first.
        last_inputs: Vec<String>,
    },
    /// One side crashed or timed out on every one of the function's first inputs, so checking
    /// the function stopped early: the finding shows the first of them.
    EveryInputFails {
        /// The side that failed.
        side: Side,
        /// How many inputs were tried, all failing.
        inputs: u64,
        /// `crashes` or `times out`.
        how: &'static str,
    },
}

/// Where a finding's input came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Generated in this run.
    Generated,
    /// Replayed from a corpus entry (the file).
    Corpus(String),
}

/// How minimization went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShrinkNote {
    /// Simplifications accepted.
    pub accepted: u64,
    /// Candidates tried.
    pub tried: u64,
    /// Why it stopped.
    pub stopped: Stopped,
    /// The flag to raise when a budget stopped it, with its current value.
    pub budget_hint: Option<String>,
}

/// Where a finding stands in snapshot review (see `snapshot.rs`); paths with forward slashes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReviewNote {
    /// Accepted and unchanged (not a finding; used by `parity corpus list`).
    Known {
        /// The accepted snapshot.
        accepted: String,
    },
    /// Never accepted: the pending snapshot written for review (`None` in CI mode).
    Unreviewed {
        /// The pending `.snap.new`.
        pending: Option<String>,
    },
    /// Accepted, but an outcome changed since.
    Changed {
        /// The accepted `.snap` that no longer matches.
        accepted: String,
        /// The pending `.snap.new` showing the change (`None` in CI mode).
        pending: Option<String>,
    },
}

/// One confirmed finding, ready to print.
#[derive(Clone, Debug)]
pub struct Finding {
    /// The function (the spec's name).
    pub function: String,
    /// Divergence or nondeterminism.
    pub kind: FindingKind,
    /// Generated or replayed.
    pub origin: Origin,
    /// `name = value` per argument, readable (values in their short form, possibly truncated).
    pub input: Vec<(String, String)>,
    /// The input whole, per argument, for machines (`--format json`).
    pub typed_input: Vec<TypedArg>,
    /// The line of the function's `[[function]]` table in the spec, when known.
    pub spec_line: Option<usize>,
    /// The input as a Go call ready to paste.
    pub go_call: String,
    /// The input as a Rust call ready to paste.
    pub rust_call: String,
    /// The Go outcome, pretty-printed.
    pub go: String,
    /// The Rust outcome, pretty-printed.
    pub rust: String,
    /// Where and by which rule they differ.
    pub divergence: Divergence,
    /// How minimization went (`None` for corpus replays and nondeterminism).
    pub shrink: Option<ShrinkNote>,
    /// The corpus file holding the input, forward slashes.
    pub corpus_file: Option<String>,
    /// Its snapshot review state (`None` for nondeterminism, which is never snapshot).
    pub review: Option<ReviewNote>,
    /// The bug this finding stands for: how many inputs hit it, and further inputs of it
    /// (`None` for nondeterminism).
    pub bug: Option<BugNote>,
    /// For an endpoint or object finding: the sequence as requests or calls, and regression
    /// tests.
    pub sequence: Option<Box<SequenceNote>>,
}

/// What a sequence finding (an endpoint's or an object's) adds to a function's: its steps and
/// paste-ready regression tests.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SequenceNote {
    /// Requests of endpoints, or calls on an object.
    pub kind: SequenceKind,
    /// The steps as sent to Go: `curl` commands against `$GO`, or calls with their outcomes.
    pub steps: Vec<String>,
    /// The steps as sent to Rust (references resolved from its own answers).
    pub rust_steps: Vec<String>,
    /// Steps of the shortest generated sequence before shrinking.
    pub steps_before: usize,
    /// Steps after shrinking.
    pub steps_after: usize,
    /// Every difference of the last step, one line each.
    pub differences: Vec<String>,
    /// A Go test with `net/http/httptest`.
    pub go_test: String,
    /// A Rust test.
    pub rust_test: String,
}

/// The kind of a sequence.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SequenceKind {
    /// HTTP requests of endpoints.
    #[default]
    Requests,
    /// Calls on a stateful object.
    Calls,
}

impl SequenceKind {
    /// `requests` or `calls`.
    pub fn as_str(self) -> &'static str {
        match self {
            SequenceKind::Requests => "requests",
            SequenceKind::Calls => "calls",
        }
    }
}

/// One bug (see `bugs.rs`): the way it diverges, how many generated inputs hit it, and at most
/// two further inputs of it whose minimization stopped elsewhere than the canonical input.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BugNote {
    /// The way of diverging: `ok/ok at /0 (exact): last-digit`.
    pub signature: String,
    /// Generated inputs (and extra inputs) of this run that diverged this way.
    pub seen: u64,
    /// Generated inputs of this run, all told.
    pub cases: u64,
    /// Further minimized inputs of the bug, `name = value` per argument.
    pub further: Vec<Vec<(String, String)>>,
}

/// `20,000`: a count with thousands separators, for reports.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut groups: Vec<&str> = Vec::new();
    let mut end = digits.len();
    while end > 3 {
        groups.push(&digits[end - 3..end]);
        end -= 3;
    }
    groups.push(&digits[..end]);
    groups.reverse();
    groups.join(",")
}

/// One argument of a finding's input, whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypedArg {
    /// The argument's name.
    pub name: String,
    /// Its spec type (`string`, `list<f64>`).
    pub ty: String,
    /// The value in the corpus's encoding (`corpus::encode_input`, the protocol's value codec):
    /// a JSON text, with floats as IEEE bits and invalid UTF-8 as `\udcXX` escapes.
    pub json: String,
    /// The value readable on one line, never truncated.
    pub text: String,
}

/// One function's totals.
#[derive(Clone, Debug, Default)]
pub struct FunctionSummary {
    /// The function.
    pub function: String,
    /// Generated cases run (not counting corpus replays, confirmation or shrinking).
    pub cases: u64,
    /// Cases a harness rejected (could not decode), not counted as divergences.
    pub rejected: u64,
    /// Corpus entries replayed.
    pub replayed: u64,
    /// Corpus entries that now agree.
    pub fixed: u64,
    /// Findings reported for it.
    pub findings: u64,
    /// Known divergences: corpus entries diverging as their accepted snapshots say.
    pub known: u64,
    /// Generated inputs that diverged (each attributed to one bug).
    pub diverging: u64,
    /// Generated inputs that diverged the way a known (accepted) bug does: not failures.
    pub known_inputs: u64,
    /// Generated inputs that differed only in declared ways (`[[function.accept]]`).
    pub declared: u64,
    /// Wall time spent generating and running cases.
    pub elapsed: Duration,
    /// The run was interrupted while checking this function: `cases` is what was checked.
    pub interrupted: bool,
    /// Every one of the first inputs took longer than `--timeout` (and answered within the
    /// confirmation budget), so checking stopped with nothing checked.
    pub all_slow: bool,
    /// Wall time from the start of generation until the first chunk holding a diverging input
    /// had run (what the finding-power benchmark reports).
    pub first_divergence: Option<Duration>,
}

impl FunctionSummary {
    /// End-to-end differential checks per second over the generation phase.
    pub fn checks_per_sec(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.cases as f64 / secs
        } else {
            0.0
        }
    }
}

/// The run's totals.
#[derive(Clone, Debug, Default)]
pub struct RunSummary {
    /// The seed.
    pub seed: u64,
    /// Per function, in spec order.
    pub functions: Vec<FunctionSummary>,
    /// Total findings.
    pub findings: u64,
    /// Total known divergences (accepted snapshots, not failures).
    pub known: u64,
    /// Tokens read from the Go source for the generation dictionary.
    pub dictionary_tokens: u64,
    /// Set when SIGINT or SIGTERM stopped the run before its end.
    pub interrupted: Option<Interruption>,
    /// What noise cancelling ignored in endpoint responses, one line per path.
    pub noise: Vec<String>,
    /// How many of `functions` (the last ones) are endpoints, whose cases are sequences.
    pub endpoints: u64,
    /// How many of `functions` (just before the endpoints) are objects, whose cases are call
    /// sequences.
    pub objects: u64,
}

/// How a run was interrupted, and how far it got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interruption {
    /// The signal's name (`SIGINT`, `SIGTERM`).
    pub signal: &'static str,
    /// Generated cases checked before it, over every function.
    pub cases: u64,
}

impl Interruption {
    /// The interruption of the current process's run, if a signal interrupted it.
    pub fn of_run(summary: &RunSummary) -> Option<Interruption> {
        crate::supervise::interrupted().map(|sig| Interruption {
            signal: crate::supervise::signal_name(sig),
            cases: summary.functions.iter().map(|f| f.cases).sum(),
        })
    }
}

impl RunSummary {
    /// The functions for which generation ran but no input was checked: a harness rejected every
    /// generated input, or every input was slower than `--timeout`. A run with such a function
    /// and no finding ends with [`crate::exit_code::ExitCode::NothingChecked`], not "equivalent".
    pub fn unchecked(&self) -> Vec<&str> {
        self.functions
            .iter()
            .filter(|f| f.all_slow || (f.cases > 0 && f.rejected >= f.cases))
            .map(|f| f.function.as_str())
            .collect()
    }
}

/// Consumes events.
pub trait Reporter {
    /// Handles one event.
    fn event(&mut self, event: &Event);
}

impl<R: Reporter + ?Sized> Reporter for Box<R> {
    fn event(&mut self, event: &Event) {
        (**self).event(event);
    }
}

/// Output knobs shared by reporters.
#[derive(Clone, Copy, Debug, Default)]
pub struct Style {
    /// ANSI colours in diffs.
    pub color: bool,
    /// Leave out durations and rates, so output can be snapshot.
    pub no_times: bool,
}

/// Human-readable text on a writer (stdout), and a progress line on stderr when it is a terminal.
pub struct HumanReporter<W: Write> {
    out: W,
    style: Style,
    progress: bool,
}

impl<W: Write> HumanReporter<W> {
    /// A reporter writing to `out`; `progress` draws a live line on stderr.
    pub fn new(out: W, style: Style, progress: bool) -> Self {
        HumanReporter {
            out,
            style,
            progress,
        }
    }

    fn clear_progress(&mut self) {
        if self.progress {
            eprint!("\r\x1b[2K");
        }
    }

    fn finding(&mut self, f: &Finding) -> std::io::Result<()> {
        let o = &mut self.out;
        let title = match &f.kind {
            FindingKind::Divergence => "DIVERGENCE",
            FindingKind::Nondeterministic { .. } => "NONDETERMINISTIC",
            FindingKind::HarnessDied { .. } => "HARNESS DIED",
            FindingKind::EveryInputFails { .. } => "EVERY INPUT FAILS",
        };
        // Equal JSON in other bytes is the lesser kind of an endpoint finding.
        let spelling = f
            .sequence
            .as_ref()
            .is_some_and(|s| s.kind == SequenceKind::Requests)
            && f.divergence.rule == "json-bytes";
        let title = if spelling { "JSON SPELLING" } else { title };
        let origin = match &f.origin {
            Origin::Generated => String::new(),
            Origin::Corpus(p) => format!(" (replayed from {p})"),
        };
        if let FindingKind::HarnessDied {
            side,
            why,
            last_inputs,
        } = &f.kind
        {
            writeln!(
                o,
                "\n{title} {}{origin}\n  the {} harness {why}",
                f.function,
                side.as_str()
            )?;
            writeln!(
                o,
                "  no input makes it do so alone; the last inputs sent were (oldest first):"
            )?;
            for call in last_inputs {
                writeln!(o, "    {call}")?;
            }
            writeln!(o, "  (hint: a harness must not exit or write replies outside a call: look for a goroutine or thread that outlives its call, or state kept across calls)")?;
            return Ok(());
        }
        writeln!(o, "\n{title} {}{origin}", f.function)?;
        if let Some(h) = &f.sequence {
            let n = h.steps.len();
            match h.kind {
                SequenceKind::Requests => writeln!(o, "  sequence   {n} step{} (from {} before shrinking), as sent to Go ($GO is its URL):", if n == 1 { "" } else { "s" }, h.steps_before)?,
                SequenceKind::Calls => writeln!(o, "  sequence   {n} call{} (from {} before shrinking), with each side's outcome:", if n == 1 { "" } else { "s" }, h.steps_before)?,
            }
            for c in &h.steps {
                writeln!(o, "    {c}")?;
            }
            let (go_mark, rust_mark) = match h.kind {
                SequenceKind::Requests => ("$GO", "$RUST"),
                SequenceKind::Calls => ("", ""),
            };
            if !h.rust_steps.is_empty()
                && h.rust_steps
                    .iter()
                    .zip(&h.steps)
                    .any(|(r, g)| r.replacen(rust_mark, "", 1) != g.replacen(go_mark, "", 1))
            {
                writeln!(
                    o,
                    "  as sent to Rust (references resolved from its own answers):"
                )?;
                for c in &h.rust_steps {
                    writeln!(o, "    {c}")?;
                }
            }
        } else {
            for (name, value) in &f.input {
                writeln!(o, "  input      {name} = {value}")?;
            }
            writeln!(o, "  go call    {}", f.go_call)?;
            writeln!(o, "  rust call  {}", f.rust_call)?;
        }
        if let FindingKind::EveryInputFails { side, inputs, how } = &f.kind {
            writeln!(
                o,
                "  every input {how}: the {} side failed on each of the first {inputs} inputs, so checking {} stopped early",
                side.as_str(),
                f.function
            )?;
            writeln!(o, "  go         {}", indent_rest(&f.go, 13))?;
            writeln!(o, "  rust       {}", indent_rest(&f.rust, 13))?;
            writeln!(o, "  (hint: the {} side fails before the code under test can answer; run the call above by hand)", side.as_str())?;
        } else if let FindingKind::Nondeterministic { side, first, then } = &f.kind {
            writeln!(
                o,
                "  the {} side answered the same input differently when asked again:",
                side.as_str()
            )?;
            writeln!(o, "  first      {}", indent_rest(first, 13))?;
            writeln!(o, "  then       {}", indent_rest(then, 13))?;
            writeln!(o, "  (hint: a nondeterministic function cannot be compared; make it deterministic, or exclude it from the spec)")?;
        } else {
            writeln!(o, "  go         {}", indent_rest(&f.go, 13))?;
            writeln!(o, "  rust       {}", indent_rest(&f.rust, 13))?;
            let at = if f.divergence.path.is_empty() {
                "outcome class".to_string()
            } else {
                f.divergence.path.clone()
            };
            writeln!(o, "  differs at {at} (rule: {})", f.divergence.rule)?;
            for line in readable::diff(&f.go, &f.rust, self.style.color).lines() {
                writeln!(o, "    {line}")?;
            }
        }
        if let Some(b) = &f.bug {
            if b.cases > 0 {
                writeln!(
                    o,
                    "  seen in    {} of {} {} ({})",
                    thousands(b.seen),
                    thousands(b.cases),
                    if f.sequence.is_some() {
                        "sequences"
                    } else {
                        "inputs"
                    },
                    b.signature
                )?;
            } else {
                writeln!(o, "  diverges   {}", b.signature)?;
            }
            for input in &b.further {
                let shown: Vec<String> = input
                    .iter()
                    .map(|(n, v)| {
                        if n.is_empty() {
                            v.clone()
                        } else {
                            format!("{n} = {v}")
                        }
                    })
                    .collect();
                writeln!(o, "  also       {}", shown.join(", "))?;
            }
        }
        if let Some(s) = &f.shrink {
            let how = match &s.stopped {
                Stopped::Minimal => "a local minimum".to_string(),
                Stopped::Iterations(n) => format!("not minimal: stopped after {n} candidates"),
                Stopped::Time(d) => format!("not minimal: stopped after {:.1}s", d.as_secs_f64()),
            };
            let hint = s
                .budget_hint
                .as_ref()
                .map(|h| format!(" ({h})"))
                .unwrap_or_default();
            writeln!(
                o,
                "  minimized  {} steps, {} candidates tried, {how}{hint}",
                s.accepted, s.tried
            )?;
        }
        if let Some(p) = &f.corpus_file {
            writeln!(o, "  corpus     {p}")?;
        }
        match &f.review {
            Some(ReviewNote::Unreviewed { pending: Some(p) }) => {
                writeln!(o, "  snapshot   {p} (review it with `cargo insta review`)")?
            }
            Some(ReviewNote::Changed { accepted, pending }) => {
                writeln!(
                    o,
                    "  changed    the accepted snapshot {accepted} no longer matches this divergence"
                )?;
                if let Some(p) = pending {
                    writeln!(o, "  snapshot   {p} shows the change (review it with `cargo insta review`)")?;
                }
            }
            Some(ReviewNote::Unreviewed { pending: None }) => writeln!(
                o,
                "  snapshot   not written (CI mode); run `parity check` without --ci and CI=true to review it"
            )?,
            Some(ReviewNote::Known { .. }) | None => {}
        }
        if spelling {
            writeln!(o, "  (the bodies are equal as JSON values and differ only in their bytes: clients that parse them see no difference; `json_bytes = false` under [endpoint.compare] stops reporting this)")?;
        }
        if let Some(h) = &f.sequence {
            if h.differences.len() > 1 && h.kind == SequenceKind::Requests {
                writeln!(o, "  every difference of the last step:")?;
                for d in &h.differences {
                    writeln!(o, "    {d}")?;
                }
            }
            if !h.go_test.is_empty() {
                match h.kind {
                    SequenceKind::Requests => writeln!(o, "  go test (paste into the service's package; add imports io, net/http, net/http/httptest, strings, testing):")?,
                    SequenceKind::Calls => writeln!(o, "  go test (paste into a _test.go file of the type's package; add imports reflect, testing):")?,
                }
                for l in h.go_test.lines() {
                    writeln!(o, "    {l}")?;
                }
                writeln!(o, "  rust test:")?;
                for l in h.rust_test.lines() {
                    writeln!(o, "    {l}")?;
                }
            }
        }
        Ok(())
    }

    fn slow(&mut self, s: &SlowCall) -> std::io::Result<()> {
        let o = &mut self.out;
        let took = if self.style.no_times {
            "longer than --timeout".to_string()
        } else {
            format!("{:.3}s", s.took.as_secs_f64())
        };
        writeln!(
            o,
            "\nSLOW {}: the {} side took {took} on this input, over --timeout {}s, but answered within {}s when run alone: not a finding",
            s.function,
            s.side.as_str(),
            s.timeout.as_secs_f64(),
            s.budget.as_secs_f64()
        )?;
        for (name, value) in &s.input {
            writeln!(o, "  input      {name} = {value}")?;
        }
        writeln!(o, "  go call    {}", s.go_call)?;
        if s.every_input {
            writeln!(
                o,
                "  every one of the first inputs was this slow, so checking {} stopped with nothing checked",
                s.function
            )?;
        }
        writeln!(
            o,
            "  (hint: raise --timeout above the time a call really takes; current: {}s)",
            s.timeout.as_secs_f64()
        )
    }

    fn summary(&mut self, s: &RunSummary) -> std::io::Result<()> {
        let width = s
            .functions
            .iter()
            .map(|f| f.function.len())
            .max()
            .unwrap_or(0);
        writeln!(self.out)?;
        for f in &s.functions {
            let mut line = format!(
                "{:width$}  {:>8} cases  {} finding{}",
                f.function,
                f.cases,
                f.findings,
                if f.findings == 1 { "" } else { "s" }
            );
            if f.rejected > 0 {
                line.push_str(&format!("  {} rejected", f.rejected));
            }
            if f.replayed > 0 {
                line.push_str(&format!("  {} replayed", f.replayed));
            }
            if f.fixed > 0 {
                line.push_str(&format!("  {} fixed", f.fixed));
            }
            if f.known > 0 {
                line.push_str(&format!("  {} known", f.known));
                if f.known_inputs > 0 {
                    line.push_str(&format!(" (seen in {} inputs)", f.known_inputs));
                }
            }
            if f.diverging > 0 {
                line.push_str(&format!("  {} diverging inputs", f.diverging));
            }
            if f.declared > 0 {
                line.push_str(&format!("  {} differing only as declared", f.declared));
            }
            if !self.style.no_times {
                line.push_str(&format!("  {:.0} checks/s", f.checks_per_sec()));
            }
            writeln!(self.out, "{}", line.trim_end())?;
        }
        if s.dictionary_tokens > 0 {
            writeln!(
                self.out,
                "dictionary: {} tokens read from the Go source",
                s.dictionary_tokens
            )?;
        }
        for line in &s.noise {
            writeln!(self.out, "noise: {line}")?;
        }
        let cases: u64 = s.functions.iter().map(|f| f.cases).sum();
        if let Some(i) = &s.interrupted {
            writeln!(
                self.out,
                "\nresult: interrupted after {} cases by {}, {} finding{} so far (seed {}; not a proof of equivalence)",
                i.cases,
                i.signal,
                s.findings,
                if s.findings == 1 { "" } else { "s" },
                s.seed
            )
        } else if s.findings == 0 && !s.unchecked().is_empty() {
            let unchecked = s.unchecked();
            writeln!(
                self.out,
                "\nresult: nothing checked for {}: every generated input was rejected by a harness or slower than --timeout, so nothing can be called equivalent (seed {})\n  (hint: a Rust `String` parameter rejects invalid UTF-8: take `Vec<u8>` or drop `invalid_utf8`; narrow the spec's hints to inputs both sides accept; or raise --timeout)",
                unchecked.join(", "),
                s.seed
            )
        } else if s.findings == 0 {
            let known = match s.known {
                0 => String::new(),
                1 => ", apart from 1 known divergence".to_string(),
                n => format!(", apart from {n} known divergences"),
            };
            let plural = |n: usize| if n == 1 { "" } else { "s" };
            let endpoints = s.endpoints as usize;
            let objects = s.objects as usize;
            let functions = s.functions.len() - endpoints - objects;
            let cases_of =
                |r: std::ops::Range<usize>| -> u64 { s.functions[r].iter().map(|f| f.cases).sum() };
            let mut parts = Vec::new();
            if functions > 0 || (objects == 0 && endpoints == 0) {
                parts.push(format!(
                    "{} inputs in {functions} function{}",
                    cases_of(0..functions),
                    plural(functions)
                ));
            }
            if objects > 0 {
                parts.push(format!(
                    "{} call sequences in {objects} object{}",
                    cases_of(functions..functions + objects),
                    plural(objects)
                ));
            }
            if endpoints > 0 {
                parts.push(format!(
                    "{} sequences in {endpoints} endpoint{}",
                    cases_of(functions + objects..s.functions.len()),
                    plural(endpoints)
                ));
            }
            let over = match parts.len() {
                1 => parts.remove(0),
                _ => {
                    let last = parts.pop().unwrap_or_default();
                    format!("{} and {last}", parts.join(", "))
                }
            };
            writeln!(
                self.out,
                "\nresult: equivalent over {over}{known} (seed {})",
                s.seed
            )
        } else if cases == 0 {
            writeln!(
                self.out,
                "\nresult: {} finding{} in the corpus",
                s.findings,
                if s.findings == 1 { "" } else { "s" },
            )
        } else {
            writeln!(
                self.out,
                "\nresult: {} finding{} (seed {}; rerun with --seed {})",
                s.findings,
                if s.findings == 1 { "" } else { "s" },
                s.seed,
                s.seed
            )
        }
    }
}

/// `[=========>          ]  45%`: a fixed-width bar for a fraction between 0 and 1.
fn progress_bar(done: f64) -> String {
    const WIDTH: usize = 24;
    let done = done.clamp(0.0, 1.0);
    let filled = (done * WIDTH as f64) as usize;
    let mut bar = "=".repeat(filled);
    if filled < WIDTH {
        bar.push('>');
        bar.push_str(&" ".repeat(WIDTH - filled - 1));
    }
    format!("[{bar}] {:>3.0}%", done * 100.0)
}

fn indent_rest(text: &str, by: usize) -> String {
    text.replace('\n', &format!("\n{}", " ".repeat(by)))
}

impl<W: Write> Reporter for HumanReporter<W> {
    fn event(&mut self, event: &Event) {
        let result = match event {
            Event::RunStarted {
                command,
                spec,
                seed,
                jobs,
                functions,
                corpus,
            } => writeln!(
                self.out,
                "parity {command} {} ({} function{}, seed {seed}, {jobs} job{}, corpus {})",
                spec.display().to_string().replace('\\', "/"),
                functions.len(),
                if functions.len() == 1 { "" } else { "s" },
                if *jobs == 1 { "" } else { "s" },
                corpus.display().to_string().replace('\\', "/"),
            ),
            Event::Progress {
                function,
                cases,
                done,
                elapsed,
            } => {
                if self.progress {
                    let rate = *cases as f64 / elapsed.as_secs_f64().max(1e-9);
                    eprint!(
                        "\r\x1b[2K{function} {} {cases} cases, {rate:.0} checks/s",
                        progress_bar(*done)
                    );
                }
                Ok(())
            }
            Event::CorpusFixed {
                function,
                path,
                files,
            } => {
                self.clear_progress();
                writeln!(
                    self.out,
                    "\nFIXED {function}: corpus entry {path} now agrees\n  (hint: delete it with `rm {}` once the fix has landed)",
                    files.join(" ")
                )
            }
            Event::Known {
                function,
                path,
                snapshot,
            } => {
                self.clear_progress();
                writeln!(
                    self.out,
                    "\nKNOWN {function}: corpus entry {path} diverges as accepted in {snapshot}"
                )
            }
            Event::KnownFixed {
                function,
                path,
                files,
                ..
            } => {
                self.clear_progress();
                writeln!(
                    self.out,
                    "\nFIXED {function}: known divergence {path} now agrees\n  (hint: remove it with `rm {}` once the fix has landed)",
                    files.join(" ")
                )
            }
            Event::Finding(f) => {
                self.clear_progress();
                self.finding(f)
            }
            Event::Phase { .. } => Ok(()),
            Event::Slow(slow) => {
                self.clear_progress();
                self.slow(slow)
            }
            Event::FunctionFinished(_) => {
                self.clear_progress();
                Ok(())
            }
            Event::RunFinished(s) => self.summary(s),
        };
        // Output errors (a closed pipe) must not turn into a failed check.
        let _ = result.and_then(|_| self.out.flush());
    }
}

/// One JSON document on a writer at the end of the run, for machines. Deterministic for a seed
/// when `no_times` is set (the only varying fields are durations and rates).
pub struct JsonReporter<W: Write> {
    out: W,
    style: Style,
    findings: Vec<Doc>,
    fixed: Vec<serde_json::Value>,
    known: Vec<serde_json::Value>,
    slow: Vec<serde_json::Value>,
    spec: String,
}

impl<W: Write> JsonReporter<W> {
    /// A reporter writing to `out`.
    pub fn new(out: W, style: Style) -> Self {
        JsonReporter {
            out,
            style,
            findings: vec![],
            fixed: vec![],
            known: vec![],
            slow: vec![],
            spec: String::new(),
        }
    }
}

/// A finding as JSON: [`finding_fields`] with `input` holding every argument whole, as
/// `{"name", "type", "value", "text"}`, where `value` is the corpus's typed encoding of the
/// value (kept verbatim, so invalid UTF-8 and float bits survive) and `text` its readable form.
pub fn finding_json(f: &Finding) -> Doc {
    let mut fields: BTreeMap<String, Doc> = match finding_fields(f) {
        serde_json::Value::Object(m) => m.into_iter().map(|(k, v)| (k, Doc::Value(v))).collect(),
        other => return Doc::Value(other),
    };
    let input = f
        .typed_input
        .iter()
        .map(|a| {
            let value = serde_json::value::RawValue::from_string(a.json.clone())
                .map_or_else(|_| Doc::Value(a.json.clone().into()), Doc::Raw);
            Doc::Object(BTreeMap::from([
                ("name".to_string(), Doc::Value(a.name.clone().into())),
                ("type".to_string(), Doc::Value(a.ty.clone().into())),
                ("value".to_string(), value),
                ("text".to_string(), Doc::Value(a.text.clone().into())),
            ]))
        })
        .collect();
    fields.insert("input".into(), Doc::Array(input));
    Doc::Object(fields)
}

/// A finding's fields as JSON, all but `input`.
fn finding_fields(f: &Finding) -> serde_json::Value {
    use serde_json::json;
    let (kind, nondeterministic) = match &f.kind {
        FindingKind::Divergence => ("divergence", serde_json::Value::Null),
        FindingKind::Nondeterministic { side, first, then } => (
            "nondeterministic",
            json!({"side": side.as_str(), "first": first, "then": then}),
        ),
        FindingKind::HarnessDied { .. } => ("harness-died", serde_json::Value::Null),
        FindingKind::EveryInputFails { .. } => ("every-input-fails", serde_json::Value::Null),
    };
    let harness_died = match &f.kind {
        FindingKind::HarnessDied {
            side,
            why,
            last_inputs,
        } => json!({"side": side.as_str(), "why": why, "last_inputs": last_inputs}),
        _ => serde_json::Value::Null,
    };
    let origin = match &f.origin {
        Origin::Generated => json!("generated"),
        Origin::Corpus(p) => json!({ "corpus": p }),
    };
    let shrink = f.shrink.as_ref().map(|s| {
        let stopped = match &s.stopped {
            Stopped::Minimal => "minimal".to_string(),
            Stopped::Iterations(_) => "max-shrink-iters".to_string(),
            Stopped::Time(_) => "max-shrink-time".to_string(),
        };
        json!({"accepted": s.accepted, "tried": s.tried, "stopped": stopped})
    });
    let every_input_fails = match &f.kind {
        FindingKind::EveryInputFails { side, inputs, how } => {
            json!({"side": side.as_str(), "inputs": inputs, "how": how})
        }
        _ => serde_json::Value::Null,
    };
    json!({
        "function": f.function,
        "kind": kind,
        "nondeterministic": nondeterministic,
        "harness_died": harness_died,
        "every_input_fails": every_input_fails,
        "origin": origin,
        "spec_line": f.spec_line,
        "go_call": f.go_call,
        "rust_call": f.rust_call,
        "go": f.go,
        "rust": f.rust,
        "go_class": f.divergence.go_class.as_str(),
        "rust_class": f.divergence.rust_class.as_str(),
        "path": f.divergence.path,
        "rule": f.divergence.rule,
        "diff": readable::diff(&f.go, &f.rust, false),
        "shrink": shrink,
        "corpus_file": f.corpus_file,
        "sequence": f.sequence.as_ref().map(|h| json!({
            "kind": h.kind.as_str(),
            "steps": h.steps,
            "rust_steps": h.rust_steps,
            "steps_before": h.steps_before,
            "differences": h.differences,
            "go_test": h.go_test,
            "rust_test": h.rust_test,
        })),
        "bug": f.bug.as_ref().map(|b| json!({
            "signature": b.signature,
            "seen": b.seen,
            "cases": b.cases,
            "further": b.further.iter().map(|input| {
                input.iter().map(|(n, v)| json!({"name": n, "value": v})).collect::<Vec<_>>()
            }).collect::<Vec<_>>(),
        })),
        "review": f.review.as_ref().map(|r| match r {
            ReviewNote::Known { accepted } => json!({"state": "known", "accepted": accepted}),
            ReviewNote::Unreviewed { pending } => json!({"state": "unreviewed", "pending": pending}),
            ReviewNote::Changed { accepted, pending } => {
                json!({"state": "changed", "accepted": accepted, "pending": pending})
            }
        }),
    })
}

impl<W: Write> Reporter for JsonReporter<W> {
    fn event(&mut self, event: &Event) {
        use serde_json::json;
        match event {
            Event::RunStarted { spec, .. } => {
                self.spec = spec.display().to_string().replace('\\', "/")
            }
            Event::Finding(f) => self.findings.push(finding_json(f)),
            Event::Phase { .. } => {}
            Event::Slow(slow) => {
                let mut v = json!({
                    "function": slow.function,
                    "side": slow.side.as_str(),
                    "input": slow.input.iter().map(|(n, v)| json!({"name": n, "value": v})).collect::<Vec<_>>(),
                    "go_call": slow.go_call,
                    "timeout_seconds": slow.timeout.as_secs_f64(),
                    "budget_seconds": slow.budget.as_secs_f64(),
                    "every_input": slow.every_input,
                });
                if !self.style.no_times {
                    v["seconds"] = json!(slow.took.as_secs_f64());
                }
                self.slow.push(v);
            }
            Event::CorpusFixed {
                function,
                path,
                files,
            } => self
                .fixed
                .push(json!({"function": function, "corpus_file": path, "files": files})),
            Event::KnownFixed {
                function,
                path,
                snapshot,
                files,
            } => self.fixed.push(
                json!({"function": function, "corpus_file": path, "accepted": snapshot, "files": files}),
            ),
            Event::Known {
                function,
                path,
                snapshot,
            } => self
                .known
                .push(json!({"function": function, "corpus_file": path, "accepted": snapshot})),
            Event::RunFinished(s) => {
                let functions: Vec<_> = s
                    .functions
                    .iter()
                    .map(|f| {
                        let mut v = json!({
                            "function": f.function,
                            "cases": f.cases,
                            "rejected": f.rejected,
                            "replayed": f.replayed,
                            "fixed": f.fixed,
                            "findings": f.findings,
                            "known": f.known,
                            "all_slow": f.all_slow,
                            "diverging": f.diverging,
                            "known_inputs": f.known_inputs,
                            "declared": f.declared,
                        });
                        if !self.style.no_times {
                            v["seconds"] = json!(f.elapsed.as_secs_f64());
                            v["checks_per_sec"] = json!(f.checks_per_sec());
                            if let Some(t) = f.first_divergence {
                                v["first_divergence_seconds"] = json!(t.as_secs_f64());
                            }
                        }
                        v
                    })
                    .collect();
                let rest = json!({
                    "spec": self.spec,
                    "seed": s.seed,
                    "result": if s.interrupted.is_some() {
                        "interrupted"
                    } else if s.findings > 0 {
                        "findings"
                    } else if !s.unchecked().is_empty() {
                        "nothing-checked"
                    } else {
                        "equivalent"
                    },
                    "interrupted": s.interrupted.as_ref().map(|i| json!({
                        "signal": i.signal,
                        "cases": i.cases,
                        "message": format!("interrupted after {} cases", i.cases),
                    })),
                    "slow": self.slow,
                    "fixed": self.fixed,
                    "known": self.known,
                    "functions": functions,
                    "dictionary_tokens": s.dictionary_tokens,
                    "noise": s.noise,
                });
                let mut fields: BTreeMap<String, Doc> = match rest {
                    serde_json::Value::Object(m) => {
                        m.into_iter().map(|(k, v)| (k, Doc::Value(v))).collect()
                    }
                    _ => BTreeMap::new(),
                };
                fields.insert(
                    "findings".into(),
                    Doc::Array(std::mem::take(&mut self.findings)),
                );
                let doc = Doc::Object(fields);
                let _ = writeln!(
                    self.out,
                    "{}",
                    serde_json::to_string_pretty(&doc).unwrap_or_default()
                );
                let _ = self.out.flush();
            }
            Event::Progress { .. } | Event::FunctionFinished(_) => {}
        }
    }
}

#[cfg(test)]
mod progress_tests {
    use super::{progress_bar, thousands};

    #[test]
    fn counts_are_written_with_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(3212), "3,212");
        assert_eq!(thousands(20_000_000), "20,000,000");
    }

    #[test]
    fn the_progress_bar_fills_with_the_budget() {
        assert_eq!(progress_bar(0.0), "[>                       ]   0%");
        assert_eq!(progress_bar(0.5), "[============>           ]  50%");
        assert_eq!(progress_bar(1.0), "[========================] 100%");
        assert_eq!(progress_bar(7.0), "[========================] 100%");
    }
}
