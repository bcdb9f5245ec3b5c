//! Bug identity: which diverging inputs are the same bug, so that a run reports one finding per
//! bug, with how many inputs hit it, instead of one finding per input.
//!
//! **The rule.** Two diverging inputs of a function are the same bug when they diverge the same
//! way ([`Divergence::same_way`]: the same outcome classes, path, rule and *shape* of the value
//! difference, see [`crate::compare::shape`]) and minimize to the same input. The shrinker keeps
//! only candidates that diverge the same way and aims at the least such input, so for a given
//! way of diverging there is one target: with canonical minimization, every input of the bug,
//! from any seed, lands on it. That is why the way of diverging, written as a
//! [`Divergence::signature`], identifies a bug cheaply:
//!
//! - during exploration every diverging input is counted under its signature, and the first
//!   few of each signature are kept ([`REPS`]);
//! - an input whose signature is that of a bug already known (a corpus entry replayed this run,
//!   accepted or not) is a copy of it: it is counted for that bug and costs no minimization;
//! - the kept inputs of every other signature are minimized (up to [`BUGS_PER_FUNCTION`]
//!   signatures per function, in order of first appearance); the least of their minima is
//!   confirmed and becomes the bug's canonical input, stored in the corpus and snapshot under
//!   its content hash, so the snapshot is keyed by the bug (function, canonical input, and
//!   through the outcomes the signature);
//! - a kept input that minimized elsewhere (a local minimum the shrinker could not leave) is
//!   shown as a further input of the bug, at most [`FURTHER_PER_BUG`], not as another bug.
//!
//! The signature is precise on purpose: `+Inf` spelled `inf`, a last digit one too high and a
//! sign lost on `-0` all sit at `/0` under the rule `exact`, but their shapes differ, so shrinking
//! an input of the rare bug can never slide into the common one.

use std::collections::HashMap;

use crate::check::{self, CheckError, CheckOptions, Diverging};
use crate::execute::Executor;
use crate::readable;
use crate::report::{BugNote, Finding, FindingKind};
use crate::shrink::{Shrunk, Stopped};
use crate::spec::{FunctionSpec, Spec};
use crate::value::Value;

/// Inputs kept per signature during exploration: the first to minimize, the others as
/// candidates for further inputs.
pub(crate) const REPS: usize = 1 + FURTHER_PER_BUG;
/// Further inputs minimized, and shown, per bug.
pub(crate) const FURTHER_PER_BUG: usize = 2;
/// Distinct signatures minimized per function; inputs of later new signatures are counted but
/// not minimized (the report says how many).
pub(crate) const BUGS_PER_FUNCTION: usize = 8;
/// Distinct signatures tracked per function during exploration; inputs of later ones are
/// counted as diverging only.
const MAX_SIGNATURES: usize = 256;

/// The inputs of one signature seen during exploration.
pub(crate) struct Group {
    /// [`crate::compare::Divergence::signature`].
    pub(crate) signature: String,
    /// How many inputs diverged this way.
    pub(crate) count: u64,
    /// The earliest of them (by input number), at most [`REPS`].
    pub(crate) reps: Vec<Diverging>,
}

/// Diverging inputs of one function, counted by signature.
#[derive(Default)]
pub(crate) struct Tally {
    groups: Vec<Group>,
    by_signature: HashMap<String, usize>,
    /// Every diverging input counted, in a group or not.
    pub(crate) diverging: u64,
}

impl Tally {
    /// Counts one diverging input, keeping it if it is among the first [`REPS`] of its way.
    /// Inputs arrive in increasing input order within one job.
    pub(crate) fn add(&mut self, d: Diverging) {
        self.diverging += 1;
        let signature = d.divergence.signature();
        let i = match self.by_signature.get(&signature) {
            Some(i) => *i,
            None if self.groups.len() >= MAX_SIGNATURES => return,
            None => {
                self.by_signature
                    .insert(signature.clone(), self.groups.len());
                self.groups.push(Group {
                    signature,
                    count: 0,
                    reps: Vec::new(),
                });
                self.groups.len() - 1
            }
        };
        let g = &mut self.groups[i];
        g.count += 1;
        if g.reps.len() < REPS {
            g.reps.push(d);
        }
    }

    /// Adds another job's tally (or the extra inputs' one) to this one.
    pub(crate) fn merge(&mut self, other: Tally) {
        self.diverging += other.diverging;
        for g in other.groups {
            match self.by_signature.get(&g.signature) {
                Some(&i) => {
                    let mine = &mut self.groups[i];
                    mine.count += g.count;
                    mine.reps.extend(g.reps);
                    mine.reps.sort_by_key(|d| d.index);
                    mine.reps.truncate(REPS);
                }
                None => {
                    self.by_signature
                        .insert(g.signature.clone(), self.groups.len());
                    self.groups.push(g);
                }
            }
        }
    }

    /// Shifts every input number by `by` (extra inputs come before the generated ones).
    pub(crate) fn shift(&mut self, by: u64) {
        for g in &mut self.groups {
            for d in &mut g.reps {
                d.index += by;
            }
        }
    }

    /// The groups in order of their first input: deterministic for a seed whatever `--jobs`
    /// says, because input numbers are.
    pub(crate) fn into_groups(self) -> Vec<Group> {
        let mut groups = self.groups;
        groups.retain(|g| !g.reps.is_empty());
        groups.sort_by_key(|g| g.reps[0].index);
        groups
    }
}

/// One bug of a function: found in this run, or replayed from the corpus.
pub(crate) struct Bug {
    /// How it diverges.
    pub(crate) signature: String,
    /// Inputs of this run attributed to it.
    pub(crate) seen: u64,
    /// Further minimized inputs, not reducible to `input` by the shrinker.
    pub(crate) further: Vec<Vec<Value>>,
    /// Whether it is known: an accepted snapshot, diverging exactly as accepted.
    pub(crate) known: bool,
}

impl Bug {
    /// A bug replayed from the corpus (its entry's input is its canonical input).
    pub(crate) fn replayed(signature: String, known: bool) -> Bug {
        Bug {
            signature,
            seen: 0,
            further: Vec::new(),
            known,
        }
    }

    /// The report's view of the bug, out of `cases` inputs.
    pub(crate) fn note(&self, fun: &FunctionSpec, cases: u64) -> BugNote {
        BugNote {
            signature: self.signature.clone(),
            seen: self.seen,
            cases,
            further: self.further.iter().map(|i| shown(fun, i)).collect(),
        }
    }
}

/// The order in which the minima of one way are ranked, least first: the shortest readable
/// rendering of all arguments, then the renderings themselves. (The shrinker's own order is the
/// goal of each minimization; this only picks among the local minima it reached.)
fn simplicity(fun: &FunctionSpec, input: &[Value]) -> (usize, Vec<String>) {
    let texts: Vec<String> = shown(fun, input).into_iter().map(|(_, v)| v).collect();
    (texts.iter().map(|t| t.chars().count()).sum(), texts)
}

fn shown(fun: &FunctionSpec, input: &[Value]) -> Vec<(String, String)> {
    fun.args
        .iter()
        .zip(input)
        .map(|(a, v)| (a.name.clone(), readable::short(v, &a.ty)))
        .collect()
}

/// What [`resolve`] found: new findings (each with its bug, by index into the bugs list) and
/// nondeterminism findings.
pub(crate) struct Resolved {
    /// New bugs' findings, in order of first appearance: `(index into bugs, finding)`.
    pub(crate) findings: Vec<(usize, Finding)>,
    /// Nondeterministic findings (one per side).
    pub(crate) nondeterministic: Vec<Finding>,
    /// Diverging inputs not attributed to any bug (beyond [`BUGS_PER_FUNCTION`], or agreeing
    /// when asked again).
    pub(crate) unattributed: u64,
}

/// Turns the exploration's groups into bugs, as described in the module docs: a group whose
/// signature is a known bug's is counted for it; the first input of every other group is
/// minimized with its later inputs, and the least minimum confirmed and stored as a new bug.
pub(crate) fn resolve(
    spec: &Spec,
    fun: &FunctionSpec,
    opts: &CheckOptions,
    exec: &mut Executor,
    groups: Vec<Group>,
    bugs: &mut Vec<Bug>,
    reported: &mut Vec<Vec<Value>>,
) -> Result<Resolved, CheckError> {
    let mut out = Resolved {
        findings: Vec::new(),
        nondeterministic: Vec::new(),
        unattributed: 0,
    };
    let mut minimized = 0;
    let mut flaky_sides = Vec::new();
    for g in groups {
        if let Some(b) = bugs.iter_mut().find(|b| b.signature == g.signature) {
            b.seen += g.count;
            continue;
        }
        if minimized >= BUGS_PER_FUNCTION {
            out.unattributed += g.count;
            continue;
        }
        minimized += 1;
        // Minimize every kept input of the way first (without storing anything), then confirm,
        // store and report the least of the minima as the bug's canonical input; the others are
        // its further inputs.
        let mut shrunk: Vec<Shrunk> = Vec::new();
        for d in &g.reps {
            shrunk.push(check::minimize(
                fun,
                exec,
                d.input.clone(),
                &d.divergence,
                &opts.shrink,
            )?);
        }
        let tried: u64 = shrunk.iter().map(|s| s.tried).sum();
        shrunk.sort_by_cached_key(|s| simplicity(fun, &s.input));
        let best = shrunk.first().map(|s| (s.accepted, s.stopped.clone()));
        let mut minima: Vec<Vec<Value>> = Vec::new();
        for s in shrunk {
            if !minima.contains(&s.input) {
                minima.push(s.input);
            }
        }
        let Some(first) = g.reps.into_iter().next() else {
            continue;
        };
        let canonical = Diverging {
            input: minima
                .first()
                .cloned()
                .unwrap_or_else(|| first.input.clone()),
            ..first
        };
        let before = reported.len();
        match check::confirm_and_minimize(spec, fun, opts, exec, canonical, reported)? {
            Some(mut f) => {
                if let FindingKind::Nondeterministic { side, .. } = &f.kind {
                    // One nondeterminism finding per side: further inputs would repeat it.
                    if !flaky_sides.contains(side) {
                        flaky_sides.push(*side);
                        out.nondeterministic.push(f);
                    }
                    continue;
                }
                let input = match reported.get(before..) {
                    Some([.., last]) => last.clone(),
                    _ => Vec::new(),
                };
                minima.retain(|m| *m != input);
                minima.truncate(FURTHER_PER_BUG);
                if let (Some(note), Some((accepted, stopped))) = (&mut f.shrink, best) {
                    // The report counts the whole minimization, not only the final re-check.
                    note.accepted += accepted;
                    note.tried += tried;
                    if stopped != Stopped::Minimal {
                        note.budget_hint = Some(match &stopped {
                            Stopped::Time(_) => format!(
                                "raise --max-shrink-time; current: {}s",
                                opts.shrink.max_time.as_secs_f64()
                            ),
                            _ => format!(
                                "raise --max-shrink-iters; current: {}",
                                opts.shrink.max_iters
                            ),
                        });
                        note.stopped = stopped;
                    }
                }
                bugs.push(Bug {
                    signature: g.signature,
                    seen: g.count,
                    further: minima,
                    known: false,
                });
                out.findings.push((bugs.len() - 1, f));
            }
            // It agreed when asked again, or it is an accepted bug whose entry was restored.
            None => out.unattributed += g.count,
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::Divergence;
    use crate::outcome::Class;
    use crate::value::Value;

    fn diverging(index: u64, shape: &str) -> Diverging {
        Diverging {
            index,
            input: vec![Value::Int(index as i64)],
            divergence: Divergence {
                go_class: Class::Ok,
                rust_class: Class::Ok,
                path: "/0".into(),
                rule: "exact".into(),
                go: Some("a".into()),
                rust: Some("b".into()),
                shape: shape.into(),
            },
        }
    }

    #[test]
    fn inputs_are_counted_by_signature_and_the_first_few_of_each_are_kept() {
        let mut t = Tally::default();
        for i in 0..10 {
            t.add(diverging(
                i,
                if i == 7 {
                    "last-digit"
                } else {
                    "spelling(inf)"
                },
            ));
        }
        assert_eq!(t.diverging, 10);
        let groups = t.into_groups();
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].count, 9);
        assert_eq!(groups[0].reps.len(), REPS);
        assert_eq!(groups[1].count, 1);
        assert_eq!(groups[1].reps[0].index, 7);
        assert!(
            groups[1].signature.ends_with(": last-digit"),
            "{}",
            groups[1].signature
        );
    }

    #[test]
    fn merged_tallies_keep_the_earliest_inputs_whatever_the_job_that_ran_them() {
        let (mut a, mut b) = (Tally::default(), Tally::default());
        for i in [4, 5, 6, 7] {
            a.add(diverging(i, "x"));
        }
        for i in [0, 1, 9] {
            b.add(diverging(i, "x"));
        }
        b.add(diverging(2, "y"));
        a.merge(b);
        let groups = a.into_groups();
        assert_eq!(groups.len(), 2);
        let kept: Vec<u64> = groups[0].reps.iter().map(|d| d.index).collect();
        assert_eq!(kept, vec![0, 1, 4]);
        assert_eq!(groups[0].count, 7);
        assert_eq!(
            groups[1].reps[0].index, 2,
            "groups come in order of first input"
        );
    }
}
