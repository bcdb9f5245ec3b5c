//! Input generation: values derived from argument types and hints, biased towards where ports
//! break (edges of integer widths, NaN payloads and −0, case mappings that change length, invalid
//! UTF-8, nil versus empty), deterministic for a seed, spec examples first.
//!
//! A type and its hints are compiled once into a generator tree (see `compile` for why it draws
//! from the RNG directly instead of composing proptest unions); [`value_strategy`] exposes one as
//! a proptest strategy, and [`Generator`] produces whole argument lists for a function. Every
//! generated value is [`admissible`]: edge cases outside a declared range or length are dropped.
//!
//! Beyond independent draws, and each switchable under the spec's `[generate]`: values derived
//! from other values of the same input (`relate`), mutants of seed inputs (`mutate`), literals
//! of the Go source (`dictionary`), rare shapes (`rare`) and a random subset of restrictions per
//! chunk (`swarm`). With all of them off, generation is draw for draw what it was before them.

mod admissible;
mod compile;
mod dictionary;
mod edges;
mod mutate;
mod rare;
mod relate;
mod strings;
mod swarm;

use proptest::strategy::{BoxedStrategy, Just, NewTree, Strategy};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

pub use admissible::admissible;
pub(crate) use admissible::{
    char_len, field_hints, int_domain, item_hints, key_hints, option_hints, value_hints,
};
pub(crate) use compile::{compile, Gen};
pub use dictionary::{read_go_package, Dictionary};
pub(crate) use relate::case_relations;

use compile::{below, chance, Domain};
use swarm::{Env, Swarm, NO_DICTIONARY};

use crate::spec::{FunctionSpec, Generation, GoSource, Hints, Spec};
use crate::value::{Type, Value};

/// A proptest strategy for values of `ty` under `hints` (`examples` aside: they are for
/// [`Generator`]). Its value trees do not shrink; parity shrinks with `shrink`, on typed values.
pub fn value_strategy(ty: &Type, hints: &Hints) -> BoxedStrategy<Value> {
    GenStrategy(compile(ty, hints)).boxed()
}

#[derive(Debug)]
struct GenStrategy(Gen);

impl Strategy for GenStrategy {
    type Tree = Just<Value>;
    type Value = Value;

    fn new_tree(&self, runner: &mut TestRunner) -> NewTree<Self> {
        Ok(Just(self.0.generate(runner)))
    }
}

/// What generation draws on besides a function's spec and a seed: the spec's feature switches,
/// the dictionary read from the Go source, and seed inputs for mutation (corpus entries and
/// imported Go fuzz corpora; the spec's examples are added by each [`Generator`] itself).
#[derive(Clone, Debug)]
pub struct GenContext {
    /// Which features are on.
    pub generation: Generation,
    /// Tokens of the Go source.
    pub dictionary: Dictionary,
    /// Whole inputs (one value per argument) that mutation starts from.
    pub seeds: Vec<Vec<Value>>,
}

/// Every feature on, no dictionary, no seeds besides the examples.
static DEFAULT_CONTEXT: GenContext = GenContext {
    generation: Generation::ALL,
    dictionary: Dictionary {
        strings: Vec::new(),
        ints: Vec::new(),
        floats: Vec::new(),
    },
    seeds: Vec::new(),
};

impl GenContext {
    /// The context of a spec: its `[generate]` switches and, unless the dictionary is switched
    /// off, the literals of its Go package (a `command` harness has no source to read).
    pub fn for_spec(spec: &Spec) -> GenContext {
        let mut ctx = GenContext::new(spec.generation);
        if let (true, GoSource::Package { dir }) = (spec.generation.dictionary, &spec.go) {
            ctx.dictionary = read_go_package(dir);
        }
        ctx
    }

    /// A context with these features and nothing else.
    pub fn new(generation: Generation) -> GenContext {
        GenContext {
            generation,
            dictionary: Dictionary::default(),
            seeds: Vec::new(),
        }
    }
}

/// Percent of inputs that are mutants of a seed, when there are seeds.
const MUTATE_PERCENT: u64 = 20;
/// Percent of inputs of two or more arguments in which one argument is derived from another.
const CORRELATE_PERCENT: u64 = 25;
/// The same, in a chunk whose swarm asks for more.
const CORRELATE_MORE_PERCENT: u64 = 60;

/// Produces the inputs (argument lists) for one function: first the spec's examples, then random
/// inputs, fully determined by the seed (and the context).
pub struct Generator<'a> {
    runner: TestRunner,
    args: Vec<Gen>,
    domains: Vec<Domain>,
    examples: Vec<Vec<Value>>,
    /// How many inputs draw on examples: the longest example list.
    example_inputs: usize,
    produced: usize,
    ctx: &'a GenContext,
    swarm: Swarm,
    /// The example inputs this generator produced: seeds for mutation, with `ctx.seeds`.
    own_seeds: Vec<Vec<Value>>,
}

impl Generator<'static> {
    /// Compiles the generators for `fun`'s arguments; `seed` fixes the whole sequence. Every
    /// feature is on; there is no dictionary and no seed besides the examples.
    pub fn new(fun: &FunctionSpec, seed: u64) -> Generator<'static> {
        Generator::with_context(fun, seed, &DEFAULT_CONTEXT)
    }
}

impl<'a> Generator<'a> {
    /// Like [`Generator::new`], drawing on `ctx`.
    pub fn with_context(fun: &FunctionSpec, seed: u64, ctx: &'a GenContext) -> Generator<'a> {
        let mut seed_bytes = [0u8; 32];
        seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
        let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes);
        let examples: Vec<Vec<Value>> = fun.args.iter().map(|a| a.hints.examples.clone()).collect();
        let mut runner = TestRunner::new_with_rng(Config::default(), rng);
        let swarm = if ctx.generation.swarm {
            Swarm::draw(runner.rng())
        } else {
            Swarm::default()
        };
        Generator {
            runner,
            args: fun.args.iter().map(|a| compile(&a.ty, &a.hints)).collect(),
            domains: fun
                .args
                .iter()
                .map(|a| Domain::new(&a.ty, &a.hints))
                .collect(),
            example_inputs: examples.iter().map(Vec::len).max().unwrap_or(0),
            examples,
            produced: 0,
            ctx,
            swarm,
            own_seeds: Vec::new(),
        }
    }

    /// The next input. The i-th of the first inputs uses example `i` (cycling) of every argument
    /// that has examples and random values for the others, until every example has been used:
    /// examples of several arguments are zipped by position. After that, inputs are random, a
    /// mutant of a seed (an example input, a corpus entry, an imported Go corpus entry), or
    /// random with one argument derived from another.
    pub fn next_input(&mut self) -> Vec<Value> {
        let i = self.produced;
        self.produced += 1;
        let env = Env {
            features: self.ctx.generation,
            swarm: self.swarm,
            dict: if self.ctx.generation.dictionary {
                &self.ctx.dictionary
            } else {
                &NO_DICTIONARY
            },
        };
        let runner = &mut self.runner;
        if i < self.example_inputs {
            let input: Vec<Value> = self
                .args
                .iter()
                .zip(&self.examples)
                .map(|(gen, examples)| {
                    if examples.is_empty() {
                        gen.draw(runner, &env)
                    } else {
                        examples[i % examples.len()].clone()
                    }
                })
                .collect();
            if env.features.mutation {
                self.own_seeds.push(input.clone());
            }
            return input;
        }
        let seeds = self.ctx.seeds.len() + self.own_seeds.len();
        if env.features.mutation && seeds > 0 && chance(runner.rng(), MUTATE_PERCENT) {
            if let Some(m) = self.mutant(&env) {
                return m;
            }
        }
        let runner = &mut self.runner;
        let mut input: Vec<Value> = self.args.iter().map(|g| g.draw(runner, &env)).collect();
        if env.features.correlated && input.len() >= 2 {
            let rate = if self.swarm.correlate_more {
                CORRELATE_MORE_PERCENT
            } else {
                CORRELATE_PERCENT
            };
            if chance(runner.rng(), rate) {
                compile::correlate(runner.rng(), &mut input, &self.domains);
            }
        }
        input
    }

    fn seed(&self, k: usize) -> &[Value] {
        match self.ctx.seeds.get(k) {
            Some(s) => s,
            None => &self.own_seeds[k - self.ctx.seeds.len()],
        }
    }

    /// A mutant of a random seed: one argument edited (admissibly), sometimes another drawn
    /// afresh. `None` when no admissible edit was found in a few tries.
    fn mutant(&mut self, env: &Env) -> Option<Vec<Value>> {
        let n = self.ctx.seeds.len() + self.own_seeds.len();
        let rng = self.runner.rng();
        let k = below(rng, n as u64) as usize;
        let other_k = below(rng, n as u64) as usize;
        let mut input = self.seed(k).to_vec();
        if input.len() != self.args.len() || input.is_empty() {
            return None;
        }
        let j = below(self.runner.rng(), input.len() as u64) as usize;
        let other = self.seed(other_k).get(j).cloned();
        let sources = mutate::Sources {
            dict: env.dict,
            other: other.as_ref(),
        };
        let rng = self.runner.rng();
        let mut done = false;
        for _ in 0..4 {
            let m = mutate::mutate(rng, &input[j], &self.domains[j].ty, &sources);
            if self.domains[j].admits(&m) {
                input[j] = m;
                done = true;
                break;
            }
        }
        if input.len() >= 2 && chance(self.runner.rng(), 25) {
            let o =
                (j + 1 + below(self.runner.rng(), input.len() as u64 - 1) as usize) % input.len();
            input[o] = self.args[o].draw(&mut self.runner, env);
        }
        done.then_some(input)
    }
}

/// Expands a charset hint (`a-z0-9_`) into its characters, in order, without duplicates. A `-`
/// first or last, or not between two characters, stands for itself.
pub fn parse_charset(text: &str) -> Vec<char> {
    let cs: Vec<char> = text.chars().collect();
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        let (from, to, step) = if i + 2 < cs.len() && cs[i + 1] == '-' && cs[i] <= cs[i + 2] {
            (cs[i], cs[i + 2], 3)
        } else {
            (cs[i], cs[i], 1)
        };
        out.extend((from..=to).filter(|c| seen.insert(*c)));
        i += step;
    }
    out
}

#[cfg(test)]
mod power_tests;
#[cfg(test)]
mod tests;
