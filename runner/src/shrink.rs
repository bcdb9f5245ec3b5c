//! Shrinking: minimize a diverging input, on typed values, to a local minimum.
//!
//! Invariant: the current input always diverges the same way (the caller's `test` says so for
//! every accepted candidate), stays admissible under each argument's hints, and every accepted
//! move makes it strictly simpler in a well-founded order (see `order`), so shrinking ends.
//! At each step the candidates are tried in order of preference, in batches that the caller runs
//! pipelined on both harnesses; the first candidate of a batch that still diverges is taken
//! (greedy and deterministic). When no candidate diverges the input is a local minimum.

mod moves;
mod order;

use std::collections::hash_map::DefaultHasher;
use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::time::{Duration, Instant};

use crate::spec::FunctionSpec;
use crate::value::Value;
use moves::{apply, edits, Edit};

/// Candidates per batch handed to `test`.
const BATCH: usize = 64;

/// How much shrinking may cost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Maximum number of candidates tried (`--max-shrink-iters`).
    pub max_iters: u64,
    /// Maximum wall time (`--max-shrink-time`), checked between batches.
    pub max_time: Duration,
}

/// Why shrinking ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stopped {
    /// No candidate of the final input diverges: it is a local minimum.
    Minimal,
    /// The iteration budget ran out after this many candidates; the input may shrink further.
    Iterations(u64),
    /// The time budget ran out after this long; the input may shrink further.
    Time(Duration),
}

impl Stopped {
    /// For a shrink cut short, the note a report prints, naming the setting to raise:
    /// `stopped shrinking after 1024 iterations (raise --max-shrink-iters; current: 1024)`.
    pub fn note(&self, budget: &Budget) -> Option<String> {
        match self {
            Stopped::Minimal => None,
            Stopped::Iterations(n) => Some(format!(
                "stopped shrinking after {n} iterations (raise --max-shrink-iters; current: {})",
                budget.max_iters
            )),
            Stopped::Time(t) => Some(format!(
                "stopped shrinking after {:.1}s (raise --max-shrink-time; current: {}s)",
                t.as_secs_f64(),
                budget.max_time.as_secs_f64()
            )),
        }
    }
}

/// The result of shrinking.
#[derive(Clone, Debug, PartialEq)]
pub struct Shrunk {
    /// The smallest diverging input found.
    pub input: Vec<Value>,
    /// How many candidates were accepted (shrink steps).
    pub accepted: u64,
    /// How many candidates were tried.
    pub tried: u64,
    /// Why shrinking ended.
    pub stopped: Stopped,
}

/// Minimizes `input`, a diverging input of `fun`. `test` runs a batch of candidates and says, per
/// candidate, whether it still diverges the same way (a missing answer counts as no). Only
/// candidates admissible under each argument's hints are proposed. The same input and `test`
/// give the same result, unless the time budget cuts it short.
pub fn shrink(
    fun: &FunctionSpec,
    input: Vec<Value>,
    budget: &Budget,
    test: &mut dyn FnMut(&[Vec<Value>]) -> Vec<bool>,
) -> Shrunk {
    let start = Instant::now();
    let mut current = input;
    let (mut tried, mut accepted) = (0u64, 0u64);
    'step: loop {
        let mut cursor = Cursor::new(fun, &current);
        let mut pending = cursor.next(&current);
        let mut joint: Option<std::vec::IntoIter<Vec<Value>>> = None;
        loop {
            if pending.is_none() && joint.is_none() {
                // A local minimum for single-argument moves: try moving two arguments at once
                // (a shorter string *and* a smaller count), which single moves cannot reach.
                let mut j = joint_candidates(fun, &current).into_iter();
                pending = j.next();
                joint = Some(j);
            }
            let Some(first) = pending.take() else {
                return Shrunk {
                    input: current,
                    accepted,
                    tried,
                    stopped: Stopped::Minimal,
                };
            };
            let room = budget.max_iters.saturating_sub(tried);
            if room == 0 {
                return Shrunk {
                    input: current,
                    accepted,
                    tried,
                    stopped: Stopped::Iterations(tried),
                };
            }
            let size = BATCH.min(usize::try_from(room).unwrap_or(BATCH));
            let mut batch = vec![first];
            while batch.len() < size {
                let next = match &mut joint {
                    Some(j) => j.next(),
                    None => cursor.next(&current),
                };
                match next {
                    Some(c) => batch.push(c),
                    None => break,
                }
            }
            if start.elapsed() >= budget.max_time {
                return Shrunk {
                    input: current,
                    accepted,
                    tried,
                    stopped: Stopped::Time(start.elapsed()),
                };
            }
            let verdicts = test(&batch);
            tried += batch.len() as u64;
            if let Some(i) = (0..batch.len()).find(|i| verdicts.get(*i) == Some(&true)) {
                current = batch.swap_remove(i);
                accepted += 1;
                continue 'step;
            }
            pending = match &mut joint {
                Some(j) => j.next(),
                None => cursor.next(&current),
            };
        }
    }
}

/// Single-argument simplifications tried per argument in a joint move.
const JOINT_PER_ARG: usize = 12;

/// Candidates that simplify two arguments at once: the first [`JOINT_PER_ARG`] simplifications
/// of one argument combined with those of another, for every pair of arguments. Each candidate is
/// strictly simpler in both arguments, so the well-founded order still guarantees an end.
fn joint_candidates(fun: &FunctionSpec, input: &[Value]) -> Vec<Vec<Value>> {
    let n = input.len().min(fun.args.len());
    if n < 2 {
        return Vec::new();
    }
    let simpler: Vec<Vec<Value>> = (0..n)
        .map(|k| {
            let spec = &fun.args[k];
            let mut seen = HashSet::new();
            edits(&input[k], &spec.ty, &spec.hints)
                .iter()
                .filter_map(|e| apply(&input[k], e))
                .filter(|v| seen.insert(v.clone()))
                .take(JOINT_PER_ARG)
                .collect()
        })
        .collect();
    let mut out = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            for a in &simpler[i] {
                for b in &simpler[j] {
                    let mut c = input.to_vec();
                    c[i] = a.clone();
                    c[j] = b.clone();
                    out.push(c);
                }
            }
        }
    }
    out
}

/// Walks the candidates of one input, argument by argument, computing each argument's edits
/// only when the walk reaches it, and skipping edits that are not admissible, not simpler, or
/// that repeat an earlier candidate.
struct Cursor<'a> {
    fun: &'a FunctionSpec,
    arg: usize,
    edits: Vec<Edit<'a>>,
    pos: usize,
    seen: HashSet<u64>,
}

impl<'a> Cursor<'a> {
    fn new(fun: &'a FunctionSpec, input: &[Value]) -> Cursor<'a> {
        let mut c = Cursor {
            fun,
            arg: 0,
            edits: Vec::new(),
            pos: 0,
            seen: HashSet::new(),
        };
        c.load(input);
        c
    }

    /// Loads the edits of the current argument, skipping arguments that have none.
    fn load(&mut self, input: &[Value]) {
        while self.arg < input.len().min(self.fun.args.len()) {
            let spec = &self.fun.args[self.arg];
            self.edits = edits(&input[self.arg], &spec.ty, &spec.hints);
            self.pos = 0;
            if !self.edits.is_empty() {
                return;
            }
            self.arg += 1;
        }
        self.edits.clear();
        self.pos = 0;
    }

    /// The next candidate input, if any.
    fn next(&mut self, input: &[Value]) -> Option<Vec<Value>> {
        loop {
            if self.pos >= self.edits.len() {
                if self.edits.is_empty() {
                    return None;
                }
                self.arg += 1;
                self.load(input);
                continue;
            }
            let edit = &self.edits[self.pos];
            self.pos += 1;
            let Some(arg) = apply(&input[self.arg], edit) else {
                continue;
            };
            let mut h = DefaultHasher::new();
            (self.arg, &arg).hash(&mut h);
            if !self.seen.insert(h.finish()) {
                continue;
            }
            let mut candidate = Vec::with_capacity(input.len());
            candidate.extend_from_slice(&input[..self.arg]);
            candidate.push(arg);
            candidate.extend_from_slice(&input[self.arg + 1..]);
            return Some(candidate);
        }
    }
}

#[cfg(test)]
mod tests;
