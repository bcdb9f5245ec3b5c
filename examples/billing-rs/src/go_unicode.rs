//! Go's `unicode` and `strings` semantics for the handful of operations the billing code uses.
//!
//! Rust's std differs from Go in ways that change output: `str::to_lowercase` applies full case
//! mappings ('İ' becomes "i\u{307}", 'ß' upper-cases to "SS") and the final-sigma rule, while Go
//! maps rune by rune with simple mappings ('İ' → 'i', 'ß' stays 'ß', 'Σ' → 'σ' everywhere);
//! std has no title case at all ('ǆ' → 'ǅ'); `char::is_alphabetic` and `char::is_numeric` are
//! the Alphabetic and Numeric properties, not Go's Letter and Nd categories; and std follows a
//! newer Unicode version than Go. So letters, digits and case come from tables generated out of
//! Go itself (see `tools/gen_go_unicode.go`), looked up the way Go looks them up.

mod tables;

pub use tables::GO_UNICODE_VERSION;

/// Go's `unicode.UpperLower`: a delta meaning "alternating upper/lower pairs".
const UPPER_LOWER: i32 = 0x110000;

/// Go's case indices into a `CaseRange` delta.
#[derive(Clone, Copy)]
enum Case {
    Upper = 0,
    Lower = 1,
    Title = 2,
}

fn in_ranges(c: char, ranges: &[(u32, u32)]) -> bool {
    let c = c as u32;
    ranges
        .binary_search_by(|&(lo, hi)| {
            if hi < c {
                std::cmp::Ordering::Less
            } else if lo > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// Go's `unicode.IsLetter`: general category L.
pub fn is_letter(c: char) -> bool {
    in_ranges(c, tables::LETTER)
}

/// Go's `unicode.IsDigit`: general category Nd.
pub fn is_digit(c: char) -> bool {
    in_ranges(c, tables::DIGIT)
}

/// Go's `strconv.IsPrint` (the same set as `unicode.IsPrint`): letters, marks, numbers,
/// punctuation, symbols and the ASCII space, the runes `strconv.Quote` leaves unescaped.
pub fn is_print(c: char) -> bool {
    in_ranges(c, tables::PRINT)
}

/// Go's `unicode.IsSpace`. Go checks Latin-1 by hand and the White_Space property above it;
/// `char::is_whitespace` is White_Space too, which agrees for every char (checked against Go
/// for all of them). Neither counts U+200B or U+FEFF as space.
pub fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// Go's `unicode.to`: the simple case mapping from `unicode.CaseRanges`.
fn to(case: Case, c: char) -> char {
    let r = c as u32;
    let Ok(i) = tables::CASE_RANGES.binary_search_by(|&(lo, hi, _)| {
        if hi < r {
            std::cmp::Ordering::Less
        } else if lo > r {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    }) else {
        return c;
    };
    let (lo, _, deltas) = tables::CASE_RANGES[i];
    let delta = deltas[case as usize];
    let mapped = if delta == UPPER_LOWER {
        // Even offsets in the sequence are upper case, odd ones lower; Upper and Title are even
        // case indices and Lower is odd, so the low bit comes from the case.
        lo + (((r - lo) & !1) | (case as u32 & 1))
    } else {
        r.wrapping_add_signed(delta)
    };
    char::from_u32(mapped).unwrap_or(c)
}

/// Go's `unicode.ToUpper`.
pub fn to_upper(c: char) -> char {
    to(Case::Upper, c)
}

/// Go's `unicode.ToLower`.
pub fn to_lower(c: char) -> char {
    to(Case::Lower, c)
}

/// Go's `unicode.ToTitle`.
pub fn to_title(c: char) -> char {
    to(Case::Title, c)
}

/// Go's `strings.ToLower` on valid UTF-8: `unicode.ToLower` rune by rune.
pub fn lowercase(s: &str) -> String {
    s.chars().map(to_lower).collect()
}

/// Go's `strings.ToUpper` on valid UTF-8: `unicode.ToUpper` rune by rune.
pub fn uppercase(s: &str) -> String {
    s.chars().map(to_upper).collect()
}

/// Go's `strings.TrimSpace` on valid UTF-8.
pub fn trim_space(s: &str) -> &str {
    s.trim_matches(is_space)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_mapping_is_simple_and_rune_by_rune_like_go() {
        assert_eq!(lowercase("İSTANBUL ΟΔΟΣ"), "istanbul οδοσ");
        assert_eq!(uppercase("straße ǰ"), "STRAßE ǰ");
        assert_eq!(to_title('ǆ'), 'ǅ');
        assert_eq!(to_upper('ǆ'), 'Ǆ');
    }

    #[test]
    fn alternating_case_sequences_map_by_parity() {
        assert_eq!(to_lower('Ā'), 'ā');
        assert_eq!(to_upper('ā'), 'Ā');
        assert_eq!(to_lower('ā'), 'ā');
    }

    #[test]
    fn letters_and_digits_are_gos_categories_not_rusts_properties() {
        // U+0345 is Alphabetic (so `is_alphabetic`) but a combining mark, not a letter.
        assert!('\u{345}'.is_alphabetic() && !is_letter('\u{345}'));
        // '½' is Numeric (so `is_numeric`) but not a decimal digit.
        assert!('½'.is_numeric() && !is_digit('½'));
        assert!(is_digit('٣') && is_letter('ª'));
    }
}
