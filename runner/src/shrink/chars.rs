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

use super::moves::{ascii_class, Move};
use super::order::{ascii_in_rank_order, char_rank, units, FAMILIAR};

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

/// The moves the canonical pass tries at unit `i` of the string `s`, in increasing simplicity
/// where it matters:
/// - a character: each simpler character ([`simpler_chars`]) and, for an ASCII letter or digit
///   followed by more of its class, right after the same character of its class the
///   [`Move::Borrow`] (`"6000"` also tries `"5999"`), so that a threshold on a number is met at
///   its least, not at the first digit that happens to lower alone;
/// - an invalid sequence: first each simpler single invalid byte (`\x80` first), so that every
///   invalid sequence ends at the least invalid byte that still diverges, then a fixed sample of
///   characters ([`sample_chars`]): the sample does not depend on the sequence, so two starts
///   still meet, and it costs a tenth of trying every 2-byte character in place of each
///   invalid byte of an input whose divergence needs invalid bytes.
pub(crate) fn unit_moves(s: &[u8], i: usize) -> Vec<Move> {
    let us = units(s);
    let Some(&(bytes, c)) = us.get(i) else {
        return Vec::new();
    };
    let Some(c) = c else {
        let mut out: Vec<Move> = (0x80..=0xffu8)
            .filter(|b| [*b].as_slice() < bytes || bytes.len() > 1)
            .map(|b| Move::Raw(i, vec![b]))
            .collect();
        out.extend(sample_chars().into_iter().map(|r| Move::Unit(i, r)));
        return out;
    };
    let class = ascii_class(c);
    let last = match class {
        Some(0) => 'z',
        Some(1) => '9',
        _ => 'Z',
    };
    let borrows = class.is_some()
        && us[i + 1..]
            .iter()
            .take_while(|(_, u)| u.and_then(ascii_class) == class)
            .any(|(_, u)| *u != Some(last));
    let mut out = Vec::new();
    for r in simpler_chars(Some(c)) {
        out.push(Move::Unit(i, r));
        if borrows && ascii_class(r) == class {
            out.push(Move::Borrow(i, r));
        }
    }
    out
}

/// A fixed sample of characters in increasing rank: all of ASCII, the familiar character of
/// each length and the least character of each Unicode general category of each length.
pub(crate) fn sample_chars() -> Vec<char> {
    let mut out: Vec<char> = ascii_in_rank_order().collect();
    out.extend(FAMILIAR);
    out.extend(least_of_categories().iter().flatten().map(|(_, c)| *c));
    out.sort_by_key(|c| char_rank(Some(*c)));
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use crate::shrink::{shrink, Budget};
    use crate::spec::FunctionSpec;
    use crate::value::{Type, Value};
    use std::time::Duration;

    #[test]
    fn a_number_above_a_threshold_reaches_the_least_from_either_side_of_a_band() {
        // Diverges on a 7-digit count with a unit when the count lies in a band (an overflow that
        // wraps to a positive value): lowering one digit at a time stops at "6000000h" from one start
        // and at "5200000h" from another; a decrement with borrow reaches the band's least.
        let f = FunctionSpec::new("ParseDuration", vec![("s", Type::String)], vec![], false);
        let diverges = |c: &[Value]| {
            let Value::Str(s) = &c[0] else { return false };
            let Some(digits) = s.strip_suffix(b"h") else {
                return false;
            };
            digits.len() == 7
                && digits.iter().all(u8::is_ascii_digit)
                && std::str::from_utf8(digits)
                    .ok()
                    .and_then(|d| d.parse::<u64>().ok())
                    .is_some_and(|n| (5_124_096..=7_686_143).contains(&n))
        };
        let mut test = |batch: &[Vec<Value>]| batch.iter().map(|c| diverges(c)).collect();
        let budget = Budget {
            max_iters: 4096,
            max_time: Duration::from_secs(30),
        };
        let a = shrink(&f, vec![Value::str("6000000h")], &budget, &mut test);
        let b = shrink(&f, vec![Value::str("5200000h")], &budget, &mut test);
        assert_eq!(a.input, vec![Value::str("5124096h")]);
        assert_eq!(b.input, a.input);
    }

    #[test]
    fn invalid_byte_sequences_reach_the_least_invalid_bytes_from_any_start() {
        // Diverges on two invalid sequences in a row (a lossy decoder that replaces each where the
        // original replaces a run): the least is "\x80\x80", from "\xaf\xc0" or "\x80\xaf" alike.
        let mut f = FunctionSpec::new("ToValidUTF8", vec![("s", Type::String)], vec![], false);
        f.args[0].hints.invalid_utf8 = true;
        let diverges = |c: &[Value]| {
            let Value::Str(s) = &c[0] else { return false };
            let us = crate::shrink::order::units(s);
            us.windows(2).any(|w| w[0].1.is_none() && w[1].1.is_none())
        };
        let mut test = |batch: &[Vec<Value>]| batch.iter().map(|c| diverges(c)).collect();
        let budget = Budget {
            max_iters: 4096,
            max_time: Duration::from_secs(30),
        };
        for start in [&b"\xaf\xc0"[..], b"\x80\xaf", b"\xe1\x80\xc0"] {
            let s = shrink(&f, vec![Value::Str(start.to_vec())], &budget, &mut test);
            assert_eq!(
                s.input,
                vec![Value::Str(b"\x80\x80".to_vec())],
                "from {start:?}"
            );
        }
    }
}
