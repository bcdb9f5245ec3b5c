//! Reporting: the events a run emits and the reporters that consume them (human text, JSON).
//!
//! The stages never print. `check` emits [`Event`]s; a [`Reporter`] turns them into output. Every
//! piece of a finding is computed once by the pipeline (calls, pretty outcomes, paths) so that the
//! reporters only lay it out, and each can be tested without running anything.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use crate::compare::Divergence;
use crate::outcome::Side;
use crate::readable;
use crate::shrink::Stopped;

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
    },
    /// A confirmed, minimized finding.
    Finding(&'a Finding),
    /// A function is done.
    FunctionFinished(&'a FunctionSummary),
    /// The run is done.
    RunFinished(&'a RunSummary),
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
    /// `name = value` per argument, readable.
    pub input: Vec<(String, String)>,
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
    /// Wall time spent generating and running cases.
    pub elapsed: Duration,
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
}

/// Consumes events.
pub trait Reporter {
    /// Handles one event.
    fn event(&mut self, event: &Event);
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
        };
        let origin = match &f.origin {
            Origin::Generated => String::new(),
            Origin::Corpus(p) => format!(" (replayed from {p})"),
        };
        writeln!(o, "\n{title} {}{origin}", f.function)?;
        for (name, value) in &f.input {
            writeln!(o, "  input      {name} = {value}")?;
        }
        writeln!(o, "  go call    {}", f.go_call)?;
        writeln!(o, "  rust call  {}", f.rust_call)?;
        if let FindingKind::Nondeterministic { side, first, then } = &f.kind {
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
        Ok(())
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
        let cases: u64 = s.functions.iter().map(|f| f.cases).sum();
        if s.findings == 0 {
            let known = match s.known {
                0 => String::new(),
                1 => ", apart from 1 known divergence".to_string(),
                n => format!(", apart from {n} known divergences"),
            };
            writeln!(
                self.out,
                "\nresult: equivalent over {cases} inputs in {} function{}{known} (seed {})",
                s.functions.len(),
                if s.functions.len() == 1 { "" } else { "s" },
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
            } => writeln!(
                self.out,
                "parity {command} {} ({} function{}, seed {seed}, {jobs} job{})",
                spec.display().to_string().replace('\\', "/"),
                functions.len(),
                if functions.len() == 1 { "" } else { "s" },
                if *jobs == 1 { "" } else { "s" },
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
            Event::CorpusFixed { function, path } => {
                self.clear_progress();
                writeln!(
                    self.out,
                    "\nFIXED {function}: corpus entry {path} now agrees\n  (hint: delete it with `rm {path}` once the fix has landed)"
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
                snapshot,
            } => {
                self.clear_progress();
                writeln!(
                    self.out,
                    "\nFIXED {function}: known divergence {path} now agrees\n  (hint: remove it with `rm {path} {snapshot}` once the fix has landed)"
                )
            }
            Event::Finding(f) => {
                self.clear_progress();
                self.finding(f)
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
    findings: Vec<serde_json::Value>,
    fixed: Vec<serde_json::Value>,
    known: Vec<serde_json::Value>,
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
            spec: String::new(),
        }
    }
}

/// A finding as JSON.
pub fn finding_json(f: &Finding) -> serde_json::Value {
    use serde_json::json;
    let (kind, nondeterministic) = match &f.kind {
        FindingKind::Divergence => ("divergence", serde_json::Value::Null),
        FindingKind::Nondeterministic { side, first, then } => (
            "nondeterministic",
            json!({"side": side.as_str(), "first": first, "then": then}),
        ),
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
    json!({
        "function": f.function,
        "kind": kind,
        "nondeterministic": nondeterministic,
        "origin": origin,
        "input": f.input.iter().map(|(n, v)| json!({"name": n, "value": v})).collect::<Vec<_>>(),
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
            Event::CorpusFixed { function, path } => self
                .fixed
                .push(json!({"function": function, "corpus_file": path})),
            Event::KnownFixed {
                function,
                path,
                snapshot,
            } => self
                .fixed
                .push(json!({"function": function, "corpus_file": path, "accepted": snapshot})),
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
                let doc = json!({
                    "spec": self.spec,
                    "seed": s.seed,
                    "result": if s.findings == 0 { "equivalent" } else { "findings" },
                    "findings": self.findings,
                    "fixed": self.fixed,
                    "known": self.known,
                    "functions": functions,
                    "dictionary_tokens": s.dictionary_tokens,
                });
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
    use super::progress_bar;

    #[test]
    fn the_progress_bar_fills_with_the_budget() {
        assert_eq!(progress_bar(0.0), "[>                       ]   0%");
        assert_eq!(progress_bar(0.5), "[============>           ]  50%");
        assert_eq!(progress_bar(1.0), "[========================] 100%");
        assert_eq!(progress_bar(7.0), "[========================] 100%");
    }
}
