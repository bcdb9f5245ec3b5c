//! A naive port of three functions of the Go package `harness-go/billing`, written the way a
//! first migration pass often is: idiomatic-looking Rust that trusts std to mean what Go means.
//! Every planted mistake is marked `MISTAKE:`; `specs/example-naive.toml` lets parity find them.
//! The careful port of the same functions is the `billing` crate.
//!
//! [`ledger`] is a naive port of Go's stateful `Ledger`, with three planted state bugs.
#![warn(missing_docs)]

pub mod ledger;

/// Go's `MaxSlugRunes`.
const MAX_SLUG_CHARS: usize = 48;

/// Parses an amount like "1,234.50" into cents.
pub fn parse_amount(s: &str) -> Result<i64, String> {
    // MISTAKE: commas are deleted wherever they are, so "1,2,3" and ",5" parse; Go accepts ','
    // only between groups of three digits.
    let cleaned = s.trim().replace(',', "");
    // MISTAKE: `f64::from_str` accepts what Go's parser rejects: "+1", "1e3", ".5", "5.",
    // "inf" and "NaN".
    let value: f64 = cleaned
        .parse()
        .map_err(|e| format!("billing: invalid amount: {e}"))?;
    // MISTAKE: rounding to the cent accepts "1.234" (Go: more than two decimal places), a
    // double cannot hold every amount above 2^53 cents, and `as i64` saturates where Go returns
    // "amount out of range" (and turns NaN into 0).
    Ok((value * 100.0).round() as i64)
}

/// Turns a title into a URL slug.
pub fn slugify(s: &str) -> String {
    // MISTAKE: `to_lowercase` applies full case mappings and the final-sigma rule: "İ" becomes
    // "i\u{307}" (whose combining dot then becomes a dash) and a word-final "Σ" becomes "ς";
    // Go maps rune by rune ('İ' → 'i', 'Σ' → 'σ').
    let lower = s.to_lowercase();
    let mut out = String::new();
    let mut dash = false;
    for c in lower.chars() {
        // MISTAKE: `is_alphanumeric` is the Alphabetic and Numeric properties, not Go's Letter
        // and Nd categories: combining marks like U+0345, '½', 'Ⅻ' and '²' count here.
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else {
            dash = true;
        }
    }
    out.chars()
        .take(MAX_SLUG_CHARS)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string()
}

/// Shortens `s` to at most `max` characters, ending in "…" when cut.
pub fn truncate(s: &str, max: i64) -> String {
    if max <= 0 {
        return String::new();
    }
    let max = max as usize;
    // MISTAKE: `len` counts bytes, Go's limit counts runes, so "héllo" with max 5 is cut.
    if s.len() <= max {
        return s.to_string();
    }
    // MISTAKE: slicing by bytes panics when `max - 1` falls inside a multi-byte character
    // ("byte index 2 is not a char boundary"); Go's []rune conversion cannot split one.
    format!("{}…", &s[..max - 1])
}

/// Adds the naive functions to `r` under `naive_` names, so one binary serves both ports.
#[cfg(feature = "parity")]
pub fn register(r: parity::Registry) -> parity::Registry {
    r.function("naive_parse_amount", |s: String| parse_amount(&s))
        .function("naive_slugify", |s: String| slugify(&s))
        .function("naive_truncate", |s: String, max: i64| truncate(&s, max))
        .try_object("NaiveLedger", ledger::Ledger::new)
        .method(
            "NaiveLedger",
            "Add",
            |l: &mut ledger::Ledger, id: String, cents: i64| l.add(id, cents),
        )
        .method(
            "NaiveLedger",
            "Get",
            |l: &mut ledger::Ledger, id: String| l.get(id),
        )
        .method("NaiveLedger", "EvictOldest", |l: &mut ledger::Ledger| {
            l.evict_oldest()
        })
        .method("NaiveLedger", "Total", |l: &mut ledger::Ledger| l.total())
        .method("NaiveLedger", "IDs", |l: &mut ledger::Ledger| l.ids())
        .method("NaiveLedger", "Len", |l: &mut ledger::Ledger| l.len())
}

/// A registry holding just the naive functions.
#[cfg(feature = "parity")]
pub fn registry() -> parity::Registry {
    register(parity::Registry::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    // These tests pin the planted mistakes: if one starts failing, the demo lost a divergence.

    #[test]
    fn the_naive_parser_accepts_syntax_go_rejects() {
        assert_eq!(parse_amount("+1"), Ok(100));
        assert_eq!(parse_amount("1e3"), Ok(100000));
        assert_eq!(parse_amount("1.234"), Ok(123));
    }

    #[test]
    fn the_naive_slug_applies_full_case_mapping() {
        assert_eq!(slugify("İstanbul"), "i-stanbul");
        assert_eq!(slugify("ΟΔΟΣ"), "οδος");
    }

    #[test]
    fn the_naive_truncation_panics_inside_a_character() {
        assert!(std::panic::catch_unwind(|| truncate("héllo wörld", 3)).is_err());
    }
}
