//! Input generation: values derived from argument types and hints, biased towards where ports
//! break (edges of integer widths, NaN payloads and −0, case mappings that change length, invalid
//! UTF-8, nil versus empty), deterministic for a seed, spec examples first.
//!
//! A type and its hints are compiled once into a generator tree (see `compile` for why it draws
//! from the RNG directly instead of composing proptest unions); [`value_strategy`] exposes one as
//! a proptest strategy, and [`Generator`] produces whole argument lists for a function. Every
//! generated value is [`admissible`]: edge cases outside a declared range or length are dropped.

mod admissible;
mod compile;
mod edges;
mod strings;

use proptest::strategy::{BoxedStrategy, Just, NewTree, Strategy};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

pub use admissible::admissible;
pub(crate) use admissible::{
    char_len, field_hints, int_domain, item_hints, key_hints, option_hints, value_hints,
};
pub(crate) use compile::{compile, Gen};

use crate::spec::{FunctionSpec, Hints};
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

/// Produces the inputs (argument lists) for one function: first the spec's examples, then random
/// inputs, fully determined by the seed.
pub struct Generator {
    runner: TestRunner,
    args: Vec<Gen>,
    examples: Vec<Vec<Value>>,
    /// How many inputs draw on examples: the longest example list.
    example_inputs: usize,
    produced: usize,
}

impl Generator {
    /// Compiles the generators for `fun`'s arguments; `seed` fixes the whole sequence.
    pub fn new(fun: &FunctionSpec, seed: u64) -> Generator {
        let mut seed_bytes = [0u8; 32];
        seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
        let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes);
        let examples: Vec<Vec<Value>> = fun.args.iter().map(|a| a.hints.examples.clone()).collect();
        Generator {
            runner: TestRunner::new_with_rng(Config::default(), rng),
            args: fun.args.iter().map(|a| compile(&a.ty, &a.hints)).collect(),
            example_inputs: examples.iter().map(Vec::len).max().unwrap_or(0),
            examples,
            produced: 0,
        }
    }

    /// The next input. The i-th of the first inputs uses example `i` (cycling) of every argument
    /// that has examples and random values for the others, until every example has been used;
    /// after that every argument is random.
    pub fn next_input(&mut self) -> Vec<Value> {
        let i = self.produced;
        self.produced += 1;
        let runner = &mut self.runner;
        self.args
            .iter()
            .zip(&self.examples)
            .map(|(gen, examples)| {
                if i < self.example_inputs && !examples.is_empty() {
                    examples[i % examples.len()].clone()
                } else {
                    gen.generate(runner)
                }
            })
            .collect()
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
mod tests;
