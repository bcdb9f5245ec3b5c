//! Shrinking: minimize a diverging input, on typed values, towards the least input under one
//! total simplicity order (`order`) that still diverges the same way.
//!
//! Invariant: the current input always diverges the same way (the caller's `test` says so for
//! every accepted candidate), stays admissible under each argument's hints, and every accepted
//! move makes it strictly simpler in a well-founded order (see `order`), so shrinking ends.
//! Two phases alternate until neither changes anything:
//! - the greedy descent (`moves`): structural moves first (removals, nil, zero), then a few
//!   replacements per position, tried in order of preference; the first candidate of a batch
//!   that still diverges is taken, and the walk resumes where it was;
//! - the canonical pass (`canon`): for every position in turn (a character, a byte, an integer,
//!   a float), the least values under the order in increasing order, exhaustively where they are
//!   few and by bisection towards the simplest value where they are not, so that two local
//!   minima of the same bug reached from different seeds collapse to the same input.
//!
//! Then re-anchoring (`anchor`): the least of a fixed, seed-independent family of simple inputs of
//! the same shape that diverges the same way is minimized too, and the simpler minimum wins, so
//! that minima a single move cannot connect (a tie in a list, two characters at once) still meet.
//!
//! Candidates go to `test` in batches that the caller runs pipelined on both harnesses. A
//! candidate already rejected is never tested again.

pub(crate) mod anchor;
mod canon;
mod chars;
mod floats;
mod moves;
mod order;
mod pairs;

use std::collections::hash_map::DefaultHasher;
use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::time::{Duration, Instant};

use crate::spec::FunctionSpec;
use crate::value::Value;
use moves::{apply, edits, joint_steps, Edit};

/// The largest batch handed to `test`.
const BATCH: usize = 64;

/// The first batch of a greedy step: small, because the first candidates (removals, zero) are
/// the likeliest to diverge and every candidate after the first that does is a wasted try. Each
/// batch without a hit doubles the next, up to [`BATCH`].
const FIRST_BATCH: usize = 8;

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
    let mut tester = Tester {
        test,
        budget,
        start: Instant::now(),
        tried: 0,
        base: 0,
        accepted: 0,
        rejected: HashSet::new(),
    };
    let mut current = input;
    let mut stopped = minimize(fun, &mut current, &mut tester);
    if stopped == Stopped::Minimal {
        let family = anchor::family(fun, &current);
        let mut from = 0;
        for _ in 0..anchor::STARTS {
            // Each further start gets an allowance of its own: spending the first start's
            // leftovers would make where it ends depend on how long the seed's descent took.
            tester.base = tester.tried;
            // A budget spent here leaves the best minimum so far, which is one.
            let Ok(Some(i)) = tester.least(&family[from.min(family.len())..], BATCH) else {
                break;
            };
            let mut other = family[from + i].clone();
            from += i + 1;
            let other_stopped = minimize(fun, &mut other, &mut tester);
            if anchor::cmp_inputs(fun, &other, &current).is_lt() {
                current = other;
                stopped = other_stopped;
            }
        }
    }
    Shrunk {
        input: current,
        accepted: tester.accepted,
        tried: tester.tried,
        stopped,
    }
}

/// Alternates the greedy descent and the canonical pass from `current` until neither changes it.
fn minimize(fun: &FunctionSpec, current: &mut Vec<Value>, tester: &mut Tester) -> Stopped {
    loop {
        if let Err(stopped) = descend(fun, current, tester) {
            return stopped;
        }
        match canon::canonicalize(fun, current, tester)
            .and_then(|a| Ok(a | anchor::together(fun, current, tester)?))
            .and_then(|a| Ok(a | pairs::together(fun, current, tester)?))
        {
            Ok(true) => continue,
            Ok(false) => return Stopped::Minimal,
            Err(stopped) => return stopped,
        }
    }
}

/// Runs candidate batches against the budget and remembers every rejected candidate.
pub(crate) struct Tester<'t> {
    test: &'t mut dyn FnMut(&[Vec<Value>]) -> Vec<bool>,
    budget: &'t Budget,
    start: Instant,
    tried: u64,
    /// Candidates tried before the current start (the iteration budget is per start).
    base: u64,
    accepted: u64,
    rejected: HashSet<u64>,
}

fn fingerprint(candidate: &[Value]) -> u64 {
    let mut h = DefaultHasher::new();
    candidate.hash(&mut h);
    h.finish()
}

impl Tester<'_> {
    /// Tests `batch` (in order of preference) as one batch, leaving out candidates rejected
    /// before and repeats, and returns the index of the first that diverges (counted as
    /// accepted). `Err` when the budget ran out before an answer.
    pub(crate) fn first(&mut self, batch: &[Vec<Value>]) -> Result<Option<usize>, Stopped> {
        let mut fresh: Vec<(usize, u64)> = Vec::with_capacity(batch.len());
        for (i, c) in batch.iter().enumerate() {
            let f = fingerprint(c);
            if !self.rejected.contains(&f) && !fresh.iter().any(|(_, g)| *g == f) {
                fresh.push((i, f));
            }
        }
        if fresh.is_empty() {
            return Ok(None);
        }
        let room = self.budget.max_iters.saturating_sub(self.tried - self.base);
        if room == 0 {
            return Err(Stopped::Iterations(self.tried));
        }
        let cut = fresh.len() as u64 > room;
        fresh.truncate(usize::try_from(room).unwrap_or(usize::MAX));
        if self.start.elapsed() >= self.budget.max_time {
            return Err(Stopped::Time(self.start.elapsed()));
        }
        let candidates: Vec<Vec<Value>> = fresh.iter().map(|(i, _)| batch[*i].clone()).collect();
        let verdicts = (self.test)(&candidates);
        self.tried += candidates.len() as u64;
        match (0..fresh.len()).find(|k| verdicts.get(*k) == Some(&true)) {
            Some(k) => {
                self.accepted += 1;
                Ok(Some(fresh[k].0))
            }
            None => {
                self.rejected.extend(fresh.iter().map(|(_, f)| *f));
                if cut {
                    Err(Stopped::Iterations(self.tried))
                } else {
                    Ok(None)
                }
            }
        }
    }

    /// Tests `candidates` in order, in batches of at most `size`, and returns the index of the
    /// first that diverges: with candidates in increasing simplicity, the least that does.
    pub(crate) fn least(
        &mut self,
        candidates: &[Vec<Value>],
        size: usize,
    ) -> Result<Option<usize>, Stopped> {
        for (k, chunk) in candidates.chunks(size.max(1)).enumerate() {
            if let Some(i) = self.first(chunk)? {
                return Ok(Some(k * size.max(1) + i));
            }
        }
        Ok(None)
    }
}

/// The greedy descent: moves `current` to the first simpler candidate that still diverges,
/// resuming the walk at the move that was taken, until a whole round of single-argument moves
/// and then of joint moves has no taker: a local minimum. `Err` when the budget ran out.
fn descend(fun: &FunctionSpec, current: &mut Vec<Value>, t: &mut Tester) -> Result<(), Stopped> {
    let mut resume = (0, 0);
    'step: loop {
        let mut cursor = Cursor::new(fun, current, resume);
        let mut size = FIRST_BATCH;
        loop {
            let mut batch = Vec::with_capacity(size);
            let mut origins = Vec::with_capacity(size);
            while batch.len() < size {
                let Some((candidate, at)) = cursor.next(current) else {
                    break;
                };
                batch.push(candidate);
                origins.push(at);
            }
            if batch.is_empty() {
                break;
            }
            if let Some(i) = t.first(&batch)? {
                *current = batch.swap_remove(i);
                resume = origins[i];
                continue 'step;
            }
            size = (size * 2).min(BATCH);
        }
        // A local minimum for single-argument moves: try moving two arguments at once (a
        // shorter string *and* a smaller count), which single moves cannot reach.
        let joint = joint_candidates(fun, current);
        if let Some(i) = t.least(&joint, BATCH)? {
            *current = joint[i].clone();
            resume = (0, 0);
            continue 'step;
        }
        return Ok(());
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
            joint_steps(&input[k], &spec.ty, &spec.hints, JOINT_PER_ARG)
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

/// Walks the candidates of one input, argument by argument, from a starting move (argument,
/// edit index) round to just before it, computing each argument's edits only when the walk
/// reaches it, and skipping edits that are not admissible, not simpler, or that repeat an
/// earlier candidate.
struct Cursor<'a> {
    fun: &'a FunctionSpec,
    /// The arguments still to visit, in order, each with the edit index range to walk.
    visits: Vec<(usize, usize, usize)>,
    edits: Vec<Edit<'a>>,
    arg: usize,
    pos: usize,
    end: usize,
    seen: HashSet<u64>,
}

impl<'a> Cursor<'a> {
    fn new(fun: &'a FunctionSpec, input: &[Value], (arg, pos): (usize, usize)) -> Cursor<'a> {
        let n = input.len().min(fun.args.len());
        let arg = arg.min(n.saturating_sub(1));
        let mut visits: Vec<(usize, usize, usize)> = vec![(arg, pos, usize::MAX)];
        visits.extend((arg + 1..n).chain(0..arg).map(|a| (a, 0, usize::MAX)));
        if pos > 0 {
            visits.push((arg, 0, pos));
        }
        visits.reverse();
        Cursor {
            fun,
            visits,
            edits: Vec::new(),
            arg: 0,
            pos: 0,
            end: 0,
            seen: HashSet::new(),
        }
    }

    /// The next candidate input and the move it came from, if any.
    fn next(&mut self, input: &[Value]) -> Option<(Vec<Value>, (usize, usize))> {
        loop {
            if self.pos >= self.end.min(self.edits.len()) {
                let (arg, from, to) = self.visits.pop()?;
                if arg >= input.len() {
                    continue;
                }
                let spec = &self.fun.args[arg];
                self.edits = edits(&input[arg], &spec.ty, &spec.hints);
                (self.arg, self.pos, self.end) = (arg, from, to);
                continue;
            }
            let edit = &self.edits[self.pos];
            let at = (self.arg, self.pos);
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
            return Some((candidate, at));
        }
    }
}

#[cfg(test)]
mod canon_tests;
#[cfg(test)]
mod tests;
