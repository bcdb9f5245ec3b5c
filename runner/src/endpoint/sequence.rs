//! Sequences of steps: what they are, how they are generated and how a diverging one is
//! shrunk. A step is a request of one endpoint with typed inputs; an input may take its value from
//! an earlier step's response (a reference), resolved per side when the sequence runs, so a
//! server-generated id never causes a false divergence.
//!
//! The machinery is written against [`Step`] and a `run` closure, not against HTTP, so that call
//! sequences of stateful objects can use it too.

use crate::generate::{GenContext, Generator};
use crate::shrink::{self, Budget};
use crate::spec::{EndpointSpec, Spec};
use crate::value::Value;

use super::malformed::{self, Malformation};

/// One request of a sequence.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Step {
    /// The endpoint's index in [`Spec::endpoints`].
    pub endpoint: usize,
    /// One value per input of the endpoint (the fallback of a referencing input).
    pub inputs: Vec<Value>,
    /// Per input, the earlier step whose response it takes its value from.
    pub sources: Vec<Option<usize>>,
    /// What is wrong with the request, if anything.
    pub malformed: Option<Malformation>,
}

/// A sequence of steps, run against freshly reset servers.
pub type Sequence = Vec<Step>;

/// A small deterministic generator of choices (the shrinker's SplitMix64): the sequence
/// structure is drawn from it, the values from each endpoint's [`Generator`].
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

/// Generates sequences for a spec's endpoints; the same seed gives the same sequences.
pub struct SequenceGen<'a> {
    spec: &'a Spec,
    gens: Vec<Generator<'a>>,
    choices: Choices,
}

impl<'a> SequenceGen<'a> {
    /// A generator for `spec`'s endpoints.
    pub fn new(spec: &'a Spec, seed: u64, ctx: &'a GenContext) -> SequenceGen<'a> {
        let gens = spec
            .endpoints
            .iter()
            .enumerate()
            .map(|(i, ep)| {
                Generator::with_context(&ep.as_function(), seed.wrapping_add(i as u64 * 7919), ctx)
            })
            .collect();
        SequenceGen {
            spec,
            gens,
            choices: Choices(crate::shrink::anchor::SplitMix(
                seed ^ 0x5eed_5e9e_0000_0001,
            )),
        }
    }

    /// The next sequence ending in a request of endpoint `focus`: up to
    /// [`crate::spec::HttpSettings::max_steps`] steps, the earlier ones mostly of the endpoints
    /// `focus` takes references from (so that it sees real ids), then of any endpoint.
    pub fn next(&mut self, focus: usize) -> Sequence {
        let max = self.spec.http.max_steps.max(1);
        let len = 1 + self.choices.below(max);
        let producers: Vec<usize> = self.spec.endpoints[focus]
            .inputs
            .iter()
            .filter_map(|i| i.from.as_ref().map(|r| r.endpoint))
            .collect();
        let mut seq = Vec::with_capacity(len);
        for k in 0..len {
            let ep = if k + 1 == len {
                focus
            } else if !producers.is_empty() && self.choices.chance(0.6) {
                producers[self.choices.below(producers.len())]
            } else {
                self.choices.below(self.spec.endpoints.len())
            };
            let step = self.step(ep, &seq);
            seq.push(step);
        }
        seq
    }

    fn step(&mut self, ep: usize, before: &[Step]) -> Step {
        let spec: &EndpointSpec = &self.spec.endpoints[ep];
        let inputs = self.gens[ep].next_input();
        let sources = spec
            .inputs
            .iter()
            .map(|i| {
                let r = i.from.as_ref()?;
                // Mostly the latest producing step; sometimes none, so the generated fallback
                // (an id that does not exist) is tried too.
                if self.choices.chance(0.1) {
                    return None;
                }
                before.iter().rposition(|s| s.endpoint == r.endpoint)
            })
            .collect();
        let malformed = if self.choices.chance(self.spec.http.malformed) {
            let kinds = malformed::applicable(spec);
            Some(Malformation {
                kind: kinds[self.choices.below(kinds.len())],
                n: self.choices.next() as u8,
            })
        } else {
            None
        };
        Step {
            endpoint: ep,
            inputs,
            sources,
            malformed,
        }
    }
}

/// The sequence without step `k`: references to it fall back to their generated values, and
/// later references are renumbered.
pub fn without(seq: &[Step], k: usize) -> Sequence {
    seq.iter()
        .enumerate()
        .filter(|(i, _)| *i != k)
        .map(|(_, s)| {
            let mut s = s.clone();
            for src in &mut s.sources {
                *src = match *src {
                    Some(j) if j == k => None,
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

/// Shrinks `seq`, whose last step diverges, keeping only candidates for which `diverges` says
/// the last step still diverges the same way: drop earlier steps (from the front), drop
/// malformations, then shrink each step's values with the function shrinker, within `budget`.
pub fn shrink_sequence(
    spec: &Spec,
    seq: Sequence,
    budget: &Budget,
    diverges: &mut dyn FnMut(&Sequence) -> bool,
) -> (Sequence, SeqShrunk) {
    let mut stats = SeqShrunk::default();
    let mut cur = seq;
    let start = std::time::Instant::now();
    let out_of_budget =
        |stats: &SeqShrunk| stats.tried >= budget.max_iters || start.elapsed() >= budget.max_time;
    // Steps: drop each earlier step while that still diverges.
    let mut changed = true;
    while changed && !out_of_budget(&stats) {
        changed = false;
        let mut k = 0;
        while k + 1 < cur.len() && !out_of_budget(&stats) {
            let cand = without(&cur, k);
            stats.tried += 1;
            if diverges(&cand) {
                stats.accepted += 1;
                cur = cand;
                changed = true;
            } else {
                k += 1;
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
            if out_of_budget(&stats) {
                break;
            }
            let mut cand = cur.clone();
            cand[k].malformed = o;
            stats.tried += 1;
            if diverges(&cand) {
                stats.accepted += 1;
                cur = cand;
                break;
            }
        }
    }
    // Values: each step's inputs with the function shrinker, the rest of the sequence fixed.
    for k in 0..cur.len() {
        if out_of_budget(&stats) {
            break;
        }
        let fun = spec.endpoints[cur[k].endpoint].as_function();
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
                    diverges(&cand)
                })
                .collect()
        });
        stats.tried += shrunk.tried;
        stats.accepted += shrunk.accepted;
        cur[k].inputs = shrunk.input;
    }
    (cur, stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(endpoint: usize, sources: Vec<Option<usize>>) -> Step {
        Step {
            endpoint,
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
