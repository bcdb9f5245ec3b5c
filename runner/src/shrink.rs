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
        loop {
            let room = budget.max_iters.saturating_sub(tried);
            let batch = cursor.take(&current, BATCH.min(room.try_into().unwrap_or(BATCH)));
            if batch.is_empty() {
                let stopped = if !cursor.exhausted(&current) {
                    Stopped::Iterations(tried)
                } else {
                    Stopped::Minimal
                };
                return Shrunk {
                    input: current,
                    accepted,
                    tried,
                    stopped,
                };
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
                current = batch.into_iter().nth(i).expect("index within the batch");
                accepted += 1;
                continue 'step;
            }
        }
    }
}

/// Walks the candidates of one input, argument by argument, computing each argument's edits
/// only when the walk reaches it.
struct Cursor<'a> {
    fun: &'a FunctionSpec,
    arg: usize,
    edits: Vec<Edit>,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(fun: &'a FunctionSpec, input: &[Value]) -> Cursor<'a> {
        let mut c = Cursor {
            fun,
            arg: 0,
            edits: Vec::new(),
            pos: 0,
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

    fn exhausted(&mut self, input: &[Value]) -> bool {
        if self.pos >= self.edits.len() {
            self.arg += 1;
            self.load(input);
        }
        self.edits.is_empty()
    }

    /// Up to `n` candidate inputs, in order.
    fn take(&mut self, input: &[Value], n: usize) -> Vec<Vec<Value>> {
        let mut out = Vec::with_capacity(n);
        while out.len() < n && !self.exhausted(input) {
            let mut candidate = input.to_vec();
            candidate[self.arg] = apply(&input[self.arg], &self.edits[self.pos]);
            self.pos += 1;
            out.push(candidate);
        }
        out
    }
}

#[cfg(test)]
mod tests;
