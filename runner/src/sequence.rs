//! Sequences of steps, the input of the two stateful kinds of target: the request sequences of
//! endpoints and the call sequences of objects. This module is the one copy of what they share:
//! what a step is, how sequences are generated (the steps before a focus step, references to
//! values an earlier step produced, preconditions), how a diverging one is shrunk, and how one is
//! stored in the corpus (`store`). A kind of target describes itself through [`Targets`]; running
//! a sequence, resolving references per side and comparing steps stay with it.

pub mod store;

use crate::endpoint::malformed::{self, Malformation};
use crate::generate::{GenContext, Generator};
use crate::shrink::{self, Budget};
use crate::spec::{FunctionSpec, Spec};
use crate::value::Value;

/// One step of a sequence: a request of an endpoint, or a call of an object's constructor or
/// method.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Step {
    /// The step's kind: an index into the target's [`Targets`] (an endpoint, or an object's
    /// constructor or method).
    pub target: usize,
    /// One value per input (the fallback of a referencing input).
    pub inputs: Vec<Value>,
    /// Per input, the earlier step it takes its value from.
    pub sources: Vec<Option<usize>>,
    /// What is wrong with the request, if anything (endpoints only: [`Targets::malformations`]
    /// is empty for objects).
    pub malformed: Option<Malformation>,
}

/// A sequence of steps, run from a fresh state (reset servers, new objects).
pub type Sequence = Vec<Step>;

/// What a kind of stateful target tells the shared machinery about its steps.
pub trait Targets {
    /// How many kinds of step there are.
    fn count(&self) -> usize;
    /// The name of step kind `t` (in the corpus).
    fn name(&self, t: usize) -> String;
    /// Step kind `t`'s inputs as a function's arguments, for value generation and shrinking.
    fn function(&self, t: usize) -> FunctionSpec;
    /// Per input of step kind `t`, the step kind it takes a reference from.
    fn producers(&self, t: usize) -> Vec<Option<usize>>;
    /// The most steps a sequence has, not counting [`Targets::first`].
    fn max_steps(&self) -> usize;
    /// The step every sequence starts with and shrinking keeps (an object's constructor).
    fn first(&self) -> Option<usize> {
        None
    }
    /// Whether step kind `t` may follow `before` (preconditions; nothing follows a step that
    /// consumes an object).
    fn allowed(&self, _before: &[Step], _t: usize) -> bool {
        true
    }
    /// Whether a referencing input may take any earlier producing step, not only the latest.
    fn any_producer(&self) -> bool {
        false
    }
    /// How often a referencing input takes its value from an earlier step (else its generated
    /// value: an id that does not exist, a key never inserted).
    fn reference_chance(&self) -> f64 {
        0.9
    }
    /// The malformations step kind `t` can take, and how often one is drawn.
    fn malformations(&self, _t: usize) -> (Vec<malformed::Kind>, f64) {
        (Vec::new(), 0.0)
    }
}

/// Whether every step of `seq` may follow the steps before it.
pub fn valid(targets: &dyn Targets, seq: &[Step]) -> bool {
    let first = targets.first();
    (first.is_none() || seq.first().map(|s| s.target) == first)
        && (0..seq.len()).all(|k| targets.allowed(&seq[..k], seq[k].target))
}

/// A small deterministic generator of choices (the shrinker's SplitMix64): the sequence
/// structure is drawn from it, the values from each step kind's [`Generator`].
struct Choices(crate::shrink::anchor::SplitMix);

impl Choices {
    fn next(&mut self) -> u64 {
        self.0.next()
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
}

/// Generates sequences for a target; the same seed gives the same sequences.
pub struct SequenceGen<'a> {
    targets: &'a dyn Targets,
    gens: Vec<Generator<'a>>,
    choices: Choices,
}

impl<'a> SequenceGen<'a> {
    /// A generator for `targets`, whose value generators share `ctx`.
    pub fn new(targets: &'a dyn Targets, seed: u64, ctx: &'a GenContext) -> SequenceGen<'a> {
        let gens = (0..targets.count())
            .map(|t| {
                let f = targets.function(t);
                Generator::with_context(&f, seed.wrapping_add(t as u64 * 7919), ctx)
            })
            .collect();
        SequenceGen {
            targets,
            gens,
            choices: Choices(crate::shrink::anchor::SplitMix(
                seed ^ 0x5eed_5e9e_0000_0001,
            )),
        }
    }

    /// The next sequence ending in a step of kind `focus`: up to [`Targets::max_steps`] steps
    /// after [`Targets::first`], the earlier ones mostly of the kinds `focus` takes references
    /// from (so that it sees real ids and keys), then of any allowed kind. When `focus` is not
    /// allowed where the sequence ends, the last step is of another allowed kind.
    pub fn next(&mut self, focus: usize) -> Sequence {
        let max = self.targets.max_steps().max(1);
        let len = 1 + self.choices.below(max);
        let producers: Vec<usize> = self
            .targets
            .producers(focus)
            .into_iter()
            .flatten()
            .collect();
        let mut seq = Vec::with_capacity(len + 1);
        if let Some(first) = self.targets.first() {
            let step = self.step(first, &seq);
            seq.push(step);
        }
        let kinds = self.targets.count();
        for k in 0..len {
            let mut t = if k + 1 == len {
                focus
            } else if !producers.is_empty() && self.choices.chance(0.6) {
                producers[self.choices.below(producers.len())]
            } else {
                self.choices.below(kinds)
            };
            if !self.targets.allowed(&seq, t) {
                let ok: Vec<usize> = (0..kinds)
                    .filter(|&u| Some(u) != self.targets.first() && self.targets.allowed(&seq, u))
                    .collect();
                if ok.is_empty() {
                    break;
                }
                t = ok[self.choices.below(ok.len())];
            }
            let step = self.step(t, &seq);
            seq.push(step);
        }
        seq
    }

    fn step(&mut self, t: usize, before: &[Step]) -> Step {
        let inputs = self.gens[t].next_input();
        let any = self.targets.any_producer();
        let sources = self
            .targets
            .producers(t)
            .into_iter()
            .map(|p| {
                let p = p?;
                // Mostly a producing step; sometimes none, so the generated fallback (an id that
                // does not exist) is tried too.
                if self.choices.chance(1.0 - self.targets.reference_chance()) {
                    return None;
                }
                let latest = before.iter().rposition(|s| s.target == p)?;
                if any && self.choices.chance(0.5) {
                    let all: Vec<usize> = (0..=latest).filter(|&j| before[j].target == p).collect();
                    return Some(all[self.choices.below(all.len())]);
                }
                Some(latest)
            })
            .collect();
        let (kinds, rate) = self.targets.malformations(t);
        let malformed = if self.choices.chance(rate) && !kinds.is_empty() {
            Some(Malformation {
                kind: kinds[self.choices.below(kinds.len())],
                n: self.choices.next() as u8,
            })
        } else {
            None
        };
        Step {
            target: t,
            inputs,
            sources,
            malformed,
        }
    }
}

/// The sequence without step `k`: references to it move to the latest earlier step of the same
/// kind with the same inputs, else of the same kind (else fall back to their generated values),
/// and later references are renumbered.
pub fn without(seq: &[Step], k: usize) -> Sequence {
    let same = |s: &Step| s.target == seq[k].target;
    let earlier = seq[..k]
        .iter()
        .rposition(|s| same(s) && s.inputs == seq[k].inputs)
        .or_else(|| seq[..k].iter().rposition(same));
    seq.iter()
        .enumerate()
        .filter(|(i, _)| *i != k)
        .map(|(_, s)| {
            let mut s = s.clone();
            for src in &mut s.sources {
                *src = match *src {
                    Some(j) if j == k => earlier,
                    Some(j) if j > k => Some(j - 1),
                    other => other,
                };
            }
            s
        })
        .collect()
}

/// How a shrink went.
#[derive(Clone, Debug, Default)]
pub struct SeqShrunk {
    /// Candidates accepted.
    pub accepted: u64,
    /// Candidates tried.
    pub tried: u64,
}

/// Shrinks `seq`, whose last step diverges. `diverges` runs a candidate and says at which step
/// it diverges *the same way* (same kind of step, same way of diverging), or `None`; an
/// accepted candidate is cut after that step (steps never reached are dropped). Candidates that
/// break a precondition are never run. The order keeps sequences valid: cut, delete earlier
/// steps from the back ([`Targets::first`] stays), drop malformations, then shrink each step's
/// values with the function shrinker, the first step's (a constructor's) last; within `budget`.
pub fn shrink_sequence(
    targets: &dyn Targets,
    seq: Sequence,
    budget: &Budget,
    diverges: &mut dyn FnMut(&Sequence) -> Option<usize>,
) -> (Sequence, SeqShrunk) {
    let mut stats = SeqShrunk::default();
    let mut cur = seq;
    let start = std::time::Instant::now();
    let out_of_budget = |stats: &SeqShrunk| {
        stats.tried >= budget.max_iters
            || start.elapsed() >= budget.max_time
            || crate::supervise::interrupted().is_some()
    };
    let keep = usize::from(targets.first().is_some());
    // Passes repeat while one accepts something: a value made simpler may let a step go.
    loop {
        let accepted = stats.accepted;
        pass(targets, &mut cur, &mut stats, keep, budget, start, diverges);
        if stats.accepted == accepted || out_of_budget(&stats) {
            break;
        }
    }
    (cur, stats)
}

/// One round of [`shrink_sequence`]'s moves.
fn pass(
    targets: &dyn Targets,
    cur: &mut Sequence,
    stats: &mut SeqShrunk,
    keep: usize,
    budget: &Budget,
    start: std::time::Instant,
    diverges: &mut dyn FnMut(&Sequence) -> Option<usize>,
) {
    let out_of_budget = |stats: &SeqShrunk| {
        stats.tried >= budget.max_iters
            || start.elapsed() >= budget.max_time
            || crate::supervise::interrupted().is_some()
    };
    // One try: run the candidate unless it breaks a precondition; keep it, cut, if it diverges.
    let mut attempt = |cand: Sequence, stats: &mut SeqShrunk, cur: &mut Sequence| -> bool {
        if !valid(targets, &cand) {
            return false;
        }
        stats.tried += 1;
        match diverges(&cand) {
            Some(at) => {
                stats.accepted += 1;
                let mut cand = cand;
                cand.truncate(at + 1);
                *cur = cand;
                true
            }
            None => false,
        }
    };
    // Steps: delete each earlier step, from the back, while that still diverges.
    let mut changed = true;
    while changed && !out_of_budget(stats) {
        changed = false;
        let mut k = cur.len().saturating_sub(1);
        while k > keep && !out_of_budget(stats) {
            k -= 1;
            if k + 1 >= cur.len() {
                continue;
            }
            let cand = without(cur, k);
            if attempt(cand, stats, cur) {
                changed = true;
            }
        }
    }
    // Malformations: a well-formed request is simpler; a smaller selector too.
    for k in 0..cur.len() {
        let Some(m) = cur[k].malformed else { continue };
        let mut options = vec![None];
        if m.n != 0 {
            options.push(Some(Malformation { n: 0, ..m }));
        }
        for o in options {
            if out_of_budget(stats) || k >= cur.len() {
                break;
            }
            let mut cand = cur.clone();
            cand[k].malformed = o;
            if attempt(cand, stats, cur) {
                break;
            }
        }
    }
    // Values: each step's inputs with the function shrinker, the rest of the sequence fixed;
    // the kept first step (a constructor) last.
    let order: Vec<usize> = (keep..cur.len()).chain(0..keep).collect();
    for k in order {
        if out_of_budget(stats) || k >= cur.len() {
            break;
        }
        let fun = targets.function(cur[k].target);
        let left = Budget {
            max_iters: budget.max_iters.saturating_sub(stats.tried),
            max_time: budget.max_time.saturating_sub(start.elapsed()),
        };
        let base = cur.clone();
        let shrunk = shrink::shrink(&fun, cur[k].inputs.clone(), &left, &mut |batch| {
            batch
                .iter()
                .map(|inputs| {
                    let mut cand = base.clone();
                    cand[k].inputs = inputs.clone();
                    // The same length keeps `k` meaningful: only a divergence at the same
                    // last step counts here.
                    valid(targets, &cand) && diverges(&cand) == Some(base.len() - 1)
                })
                .collect()
        });
        stats.tried += shrunk.tried;
        stats.accepted += shrunk.accepted;
        cur[k].inputs = shrunk.input;
    }
}

/// What a run knows about a sequence bug besides its sequence.
pub struct Counts {
    /// The way of diverging.
    pub signature: String,
    /// How many generated sequences diverged this way.
    pub seen: u64,
    /// How many sequences of the target were run.
    pub sequences: u64,
    /// Steps of the shortest generated sequence, before shrinking.
    pub steps_before: usize,
    /// Shrink candidates accepted.
    pub accepted: u64,
    /// Shrink candidates tried.
    pub tried: u64,
}

impl Counts {
    /// Fills a sequence finding's shrink note, bug note and steps before shrinking.
    pub fn apply(&self, f: &mut crate::report::Finding) {
        f.shrink = Some(crate::report::ShrinkNote {
            accepted: self.accepted,
            tried: self.tried,
            stopped: crate::shrink::Stopped::Minimal,
            budget_hint: None,
        });
        f.bug = Some(crate::report::BugNote {
            signature: self.signature.clone(),
            seen: self.seen,
            cases: self.sequences,
            further: Vec::new(),
        });
        if let Some(h) = f.sequence.as_mut() {
            h.steps_before = self.steps_before;
        }
    }
}

/// The endpoints of a spec as [`Targets`].
pub struct Endpoints<'a>(pub &'a Spec);

impl Targets for Endpoints<'_> {
    fn count(&self) -> usize {
        self.0.endpoints.len()
    }
    fn name(&self, t: usize) -> String {
        self.0.endpoints[t].name.clone()
    }
    fn function(&self, t: usize) -> FunctionSpec {
        self.0.endpoints[t].as_function()
    }
    fn producers(&self, t: usize) -> Vec<Option<usize>> {
        self.0.endpoints[t]
            .inputs
            .iter()
            .map(|i| i.from.as_ref().map(|r| r.endpoint))
            .collect()
    }
    fn max_steps(&self) -> usize {
        self.0.http.max_steps
    }
    fn malformations(&self, t: usize) -> (Vec<malformed::Kind>, f64) {
        (
            malformed::applicable(&self.0.endpoints[t]),
            self.0.http.malformed,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(target: usize, sources: Vec<Option<usize>>) -> Step {
        Step {
            target,
            inputs: vec![Value::Nil; sources.len()],
            sources,
            malformed: None,
        }
    }

    #[test]
    fn dropping_a_step_clears_references_to_it_and_renumbers_later_ones() {
        let seq = vec![
            step(0, vec![]),
            step(0, vec![]),
            step(1, vec![Some(0), Some(1)]),
        ];
        let out = without(&seq, 0);
        assert_eq!(out.len(), 2);
        assert_eq!(out[1].sources, vec![None, Some(0)]);
    }
}
