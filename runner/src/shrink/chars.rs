//! Characters in the simplicity order: which characters a position of a string may become.
//!
//! The greedy descent tries a few replacements per character (the familiar ones, the least of
//! its class); the canonical pass tries every character simpler than the current one, in
//! increasing rank, so that whatever character a seed started from, a position ends at the least
//! character that still diverges. Only 1- and 2-byte characters are few enough (2,048) to try all;
//! below a 3- or 4-byte character the pass tries a deterministic sample: the familiar character of
//! each length, the least character of each Unicode general category of each length, and the
//! [`WINDOW`] code points just below the current one.

use std::collections::HashMap;
use std::sync::OnceLock;

use unicode_general_category::{get_general_category, GeneralCategory};

use super::order::{ascii_in_rank_order, char_rank, FAMILIAR};

/// The code points of each UTF-8 length (1 to 4 bytes), first and last.
const LENGTHS: [(u32, u32); 4] = [
    (0, 0x7f),
    (0x80, 0x7ff),
    (0x800, 0xffff),
    (0x1_0000, 0x10_ffff),
];

/// How many code points just below a 3- or 4-byte character the canonical pass tries.
pub(crate) const WINDOW: u32 = 256;

/// The least character of each general category, per UTF-8 length, in code point order.
fn least_of_categories() -> &'static [Vec<(GeneralCategory, char)>; 4] {
    static TABLE: OnceLock<[Vec<(GeneralCategory, char)>; 4]> = OnceLock::new();
    TABLE.get_or_init(|| {
        LENGTHS.map(|(lo, hi)| {
            let mut seen: HashMap<GeneralCategory, char> = HashMap::new();
            let mut out = Vec::new();
            for c in (lo..=hi).filter_map(char::from_u32) {
                let cat = get_general_category(c);
                if let std::collections::hash_map::Entry::Vacant(e) = seen.entry(cat) {
                    e.insert(c);
                    out.push((cat, c));
                }
            }
            out
        })
    })
}

/// The least character of `c`'s general category, in the shortest UTF-8 length that has one.
pub(crate) fn least_of_same_category(c: char) -> char {
    let cat = get_general_category(c);
    least_of_categories()
        .iter()
        .flatten()
        .find(|(k, _)| *k == cat)
        .map_or(c, |(_, least)| *least)
}

/// The least character of `c`'s general category among characters of `c`'s UTF-8 length.
pub(crate) fn least_of_same_category_and_length(c: char) -> char {
    let cat = get_general_category(c);
    least_of_categories()[c.len_utf8() - 1]
        .iter()
        .find(|(k, _)| *k == cat)
        .map_or(c, |(_, least)| *least)
}

/// The characters the canonical pass tries in place of `c` (`None`: an invalid sequence): every
/// character of fewer than 3 bytes simpler than `c`, then (for longer ones) the sample described
/// in the module documentation, all in increasing rank.
pub(crate) fn simpler_chars(c: Option<char>) -> Vec<char> {
    let rank = char_rank(c);
    let below = |x: &char| char_rank(Some(*x)) < rank;
    let mut out: Vec<char> = ascii_in_rank_order().filter(below).collect();
    out.extend(std::iter::once(FAMILIAR[1]).filter(below));
    out.extend(
        (LENGTHS[1].0..=LENGTHS[1].1)
            .filter_map(char::from_u32)
            .filter(|x| *x != FAMILIAR[1])
            .filter(below),
    );
    for len in 3..=4 {
        let (lo, hi) = LENGTHS[len - 1];
        let mut sample: Vec<char> = vec![FAMILIAR[len - 1]];
        sample.extend(least_of_categories()[len - 1].iter().map(|(_, x)| *x));
        if let Some(c) = c.filter(|c| c.len_utf8() == len) {
            let from = (c as u32).saturating_sub(WINDOW).max(lo);
            sample.extend((from..(c as u32).min(hi + 1)).filter_map(char::from_u32));
        }
        sample.retain(below);
        sample.sort_by_key(|x| char_rank(Some(*x)));
        sample.dedup();
        out.extend(sample);
    }
    out
}
