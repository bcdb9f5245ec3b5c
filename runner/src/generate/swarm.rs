//! Swarm testing and the generation environment. A fixed mixture of generation features dilutes
//! each of them: a bug that needs letters to be absent, or every list to be long, is rare under
//! the mixture but common in a chunk that switches the other features off. So, per chunk of
//! inputs, half the time a random subset of restrictions applies ([`Swarm`]); the other half runs
//! the full mixture.
//!
//! [`Env`] is what every compiled generator reads besides the RNG: which features the spec leaves
//! on, the chunk's swarm, and the dictionary. With every feature off generation is exactly what it
//! was before these features existed (no extra RNG draws), which the finding-power benchmark uses
//! as its baseline.

use proptest::test_runner::TestRng;

use super::compile::below;
use super::dictionary::Dictionary;
use crate::spec::Generation;

/// Restrictions of one chunk (all off: the full mixture).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Swarm {
    /// Random strings without letters (digits and punctuation in their place).
    pub(crate) no_letters: bool,
    /// Random strings from this one palette only (see `strings::random_char`).
    pub(crate) palette: Option<u64>,
    /// Numbers only from the edge tables.
    pub(crate) edge_numbers: bool,
    /// Lists long (above the small-input cut-offs of common algorithms) whenever allowed.
    pub(crate) long_lists: bool,
    /// No string edge cases: every string random.
    pub(crate) no_str_edges: bool,
    /// Arguments derived from each other more often.
    pub(crate) correlate_more: bool,
}

impl Swarm {
    /// Draws the swarm of a chunk: the full mixture half the time, otherwise each restriction
    /// with probability 1/3.
    pub(crate) fn draw(rng: &mut TestRng) -> Swarm {
        if below(rng, 2) == 0 {
            return Swarm::default();
        }
        let mut on = || below(rng, 3) == 0;
        let (no_letters, one_palette, edge_numbers, long_lists, no_str_edges, correlate_more) =
            (on(), on(), on(), on(), on(), on());
        Swarm {
            no_letters,
            palette: one_palette.then(|| below(rng, 6)),
            edge_numbers,
            long_lists,
            no_str_edges,
            correlate_more,
        }
    }
}

/// What generators read besides the RNG.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Env<'a> {
    /// The spec's `[generate]` switches.
    pub(crate) features: Generation,
    /// This chunk's restrictions.
    pub(crate) swarm: Swarm,
    /// Tokens from the Go source (empty when the dictionary is off).
    pub(crate) dict: &'a Dictionary,
}

/// An empty dictionary, for environments without one.
pub(crate) static NO_DICTIONARY: Dictionary = Dictionary {
    strings: Vec::new(),
    ints: Vec::new(),
    floats: Vec::new(),
};

impl Env<'static> {
    /// Every feature on, no swarm, no dictionary: what [`super::value_strategy`] and the fuzzer's
    /// generated values use.
    pub(crate) fn plain() -> Env<'static> {
        Env {
            features: Generation::default(),
            swarm: Swarm::default(),
            dict: &NO_DICTIONARY,
        }
    }
}

impl Env<'_> {
    /// Whether dictionary tokens may be inserted.
    pub(crate) fn dictionary(&self) -> bool {
        self.features.dictionary && !self.dict.is_empty()
    }
}
