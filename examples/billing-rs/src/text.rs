//! Text helpers: slugs, truncation, titles, tag counts and e-mail normalization (Go: `text.go`).
//!
//! All case mapping and character classes go through [`go_unicode`]: Rust's `to_lowercase`,
//! `is_alphabetic` and `is_numeric` would each change some outputs.

use std::collections::BTreeMap;

use crate::go_unicode::{self, is_digit, is_letter, is_space};

/// The longest slug, in chars (Go: `MaxSlugRunes`).
pub const MAX_SLUG_RUNES: usize = 48;

/// The longest address, in bytes (RFC 5321 path limit minus the brackets).
const MAX_EMAIL_BYTES: usize = 254;

/// Why [`normalize_email`] rejected an address; the texts are Go's `err.Error()`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    /// Nothing but whitespace (Go: `ErrEmptyEmail`).
    #[error("billing: empty e-mail address")]
    Empty,
    /// More than 254 bytes after trimming (wraps `ErrInvalidEmail`).
    #[error("billing: invalid e-mail address: longer than 254 bytes")]
    TooLong,
    /// Whitespace inside the address (wraps `ErrInvalidEmail`).
    #[error("billing: invalid e-mail address: contains whitespace")]
    Whitespace,
    /// Zero or several '@' (wraps `ErrInvalidEmail`).
    #[error("billing: invalid e-mail address: needs exactly one @")]
    At,
    /// Nothing before '@' once the "+tag" is gone (wraps `ErrInvalidEmail`).
    #[error("billing: invalid e-mail address: empty local part")]
    EmptyLocal,
    /// A domain without '.', as lower-cased (wraps `ErrInvalidEmail`).
    #[error("billing: invalid e-mail address: domain {0} has no dot")]
    NoDot(String),
    /// Two dots in a row, or a dot at an end (wraps `ErrInvalidEmail`).
    #[error("billing: invalid e-mail address: empty domain label")]
    EmptyLabel,
    /// A label with a hyphen at an end (wraps `ErrInvalidEmail`).
    #[error("billing: invalid e-mail address: domain label {0} starts or ends with a hyphen")]
    Hyphen(String),
    /// A character other than a letter, digit or '-' in the domain; Go prints it with `%U`.
    #[error("billing: invalid e-mail address: character U+{:04X} in domain", u32::from(*.0))]
    Character(char),
}

/// Turns a title into a URL slug: lower-cased, every run of non-letters/digits collapsed to
/// one '-', no '-' at either end, at most [`MAX_SLUG_RUNES`] chars.
///
/// Go semantics throughout: 'İ' lowers to a plain 'i' (not "i\u{307}"), 'Σ' always to 'σ' (no
/// final sigma), and a combining mark is not a letter, so "Cafe\u{301}" gives "cafe".
pub fn slugify(s: &str) -> String {
    let mut out: Vec<char> = Vec::with_capacity(s.len());
    let mut dash = false;
    for c in s.chars().map(go_unicode::to_lower) {
        if !is_letter(c) && !is_digit(c) {
            dash = true;
            continue;
        }
        if dash && !out.is_empty() {
            out.push('-');
        }
        dash = false;
        out.push(c);
    }
    out.truncate(MAX_SLUG_RUNES);
    while out.last() == Some(&'-') {
        out.pop();
    }
    out.into_iter().collect()
}

/// Shortens `s` to at most `max` chars, the last of which is "…" when anything was cut. Counts
/// chars (Go runes), never bytes, so it cannot split a character; `max <= 0` gives "".
pub fn truncate(s: &str, max: i64) -> String {
    // A positive i64 always fits the 64-bit usize the service runs on.
    let Ok(max @ 1..) = usize::try_from(max) else {
        return String::new();
    };
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

/// Title-cases every word (Go's `unicode.ToTitle`, so 'ǆ' becomes 'ǅ', not 'Ǆ') and lower-cases
/// the other letters. Letters and digits make words; an apostrophe continues one.
pub fn title_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_word = false;
    for c in s.chars() {
        if is_letter(c) {
            out.push(if in_word {
                go_unicode::to_lower(c)
            } else {
                go_unicode::to_title(c)
            });
            in_word = true;
            continue;
        }
        if is_digit(c) {
            in_word = true;
        } else if c != '\'' && c != '’' {
            in_word = false;
        }
        out.push(c);
    }
    out
}

/// Counts tags case-insensitively: trimmed (Go's `strings.TrimSpace`), lower-cased the Go way,
/// blanks dropped.
pub fn tag_counts(tags: &[String]) -> BTreeMap<String, i64> {
    let mut counts = BTreeMap::new();
    for tag in tags {
        let tag = go_unicode::lowercase(go_unicode::trim_space(tag));
        if !tag.is_empty() {
            *counts.entry(tag).or_insert(0) += 1;
        }
    }
    counts
}

/// Canonicalizes an address for de-duplication: trimmed, "+tag" dropped from the local part,
/// domain lower-cased the Go way; the local part keeps its case. The domain needs two or more
/// dot-separated labels of letters, digits and inner hyphens.
pub fn normalize_email(s: &str) -> Result<String, EmailError> {
    let s = go_unicode::trim_space(s);
    if s.is_empty() {
        return Err(EmailError::Empty);
    }
    if s.len() > MAX_EMAIL_BYTES {
        return Err(EmailError::TooLong);
    }
    if s.chars().any(is_space) {
        return Err(EmailError::Whitespace);
    }
    let (local, domain) = match s.split_once('@') {
        Some((local, domain)) if !domain.contains('@') => (local, domain),
        _ => return Err(EmailError::At),
    };
    let local = local.split_once('+').map_or(local, |(before, _)| before);
    if local.is_empty() {
        return Err(EmailError::EmptyLocal);
    }
    let domain = go_unicode::lowercase(domain);
    if !domain.contains('.') {
        return Err(EmailError::NoDot(domain));
    }
    for label in domain.split('.') {
        if label.is_empty() {
            return Err(EmailError::EmptyLabel);
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(EmailError::Hyphen(label.to_string()));
        }
        if let Some(c) = label
            .chars()
            .find(|&c| !is_letter(c) && !is_digit(c) && c != '-')
        {
            return Err(EmailError::Character(c));
        }
    }
    Ok(format!("{local}@{domain}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_lower_case_the_go_way() {
        assert_eq!(slugify("İstanbul"), "istanbul");
        assert_eq!(slugify("ΟΔΟΣ"), "οδοσ");
        assert_eq!(slugify("  Grand Total: 1,234 €! "), "grand-total-1-234");
        assert_eq!(slugify("Cafe\u{301}"), "cafe");
    }

    #[test]
    fn long_slugs_lose_the_dash_left_at_the_cut() {
        assert_eq!(slugify(&"ab-".repeat(30)), "ab-".repeat(16)[..47]);
    }

    #[test]
    fn truncation_counts_chars_and_never_splits_one() {
        assert_eq!(truncate("héllo wörld", 5), "héll…");
        assert_eq!(truncate("hello", 5), "hello");
        assert_eq!(truncate("hello", 1), "…");
        assert_eq!(truncate("hello", -3), "");
    }

    #[test]
    fn titles_use_title_case_for_digraphs() {
        assert_eq!(title_case("o'NEIL 3RD"), "O'neil 3rd");
        assert_eq!(title_case("ǆungla"), "ǅungla");
        assert_eq!(title_case("ßtraße"), "ßtraße");
    }

    #[test]
    fn tags_are_counted_trimmed_and_case_insensitively() {
        let tags = ["Go", " go", "", "  ", "RUST"].map(String::from);
        let want = BTreeMap::from([("go".to_string(), 2), ("rust".to_string(), 1)]);
        assert_eq!(tag_counts(&tags), want);
    }

    #[test]
    fn emails_keep_the_local_case_and_lower_the_domain() {
        assert_eq!(
            normalize_email(" Jane.Doe+invoices@Example.COM "),
            Ok("Jane.Doe@example.com".into())
        );
        assert_eq!(normalize_email("a@İ.com"), Ok("a@i.com".into()));
        assert_eq!(
            normalize_email("a@b_c.d").unwrap_err().to_string(),
            "billing: invalid e-mail address: character U+005F in domain"
        );
    }
}
