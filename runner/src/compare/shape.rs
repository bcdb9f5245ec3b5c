//! The *shape* of a value difference: a short, deterministic name for how the Go text and the
//! Rust text of one differing value differ, so that two inputs diverge "the same way" only when
//! their differences look alike, not merely when they sit at the same path.
//!
//! The texts are the values' own texts: a string's or a byte string's content, a number's
//! readable spelling (`1.5`, `-0`, `+Inf`, `NaN`). The questions, in order:
//!
//! 1. **Special values.** A text that reads as infinity or NaN (any case, optional sign:
//!    `+Inf`, `inf`, `-Infinity`, `NaN`, `nan`, `NaN(0x…)`) is special. Both special and the same
//!    special value: `spelling(inf)` or `spelling(nan)` (`+Inf` against `inf`, and `-Inf`
//!    against `-inf`, are one shape); infinities of opposite signs: `sign(inf)`; otherwise
//!    `special(go inf, rust number)` naming each side's kind (`inf`, `nan`, `number`, `text`).
//! 2. **Numbers.** Both texts decimal numbers (`-12.50`, `1e+300`): `sign` when they differ only
//!    by a leading sign (`-0` against `0`); `last-digit` when both are plain decimals with the same
//!    sign and the same number of digits after the point, at least one, that differ by one unit
//!    in the last place (`0.2` against `0.3`, `0.19` against `0.20`, `9.9` against `10.0`: a
//!    rounding difference); `format` when they spell the same number and one has a point or an
//!    exponent (`1e0` against `1`); else `value`. Integers that differ are always `value`: a
//!    difference of exactly one between two integers is as often chance (a precision loss that
//!    happens to land one away) as a bug of its own, and one bug must not get two shapes.
//! 3. **Other texts.** `case` when the texts are equal in lower case or in upper case (`ς` against
//!    `σ` is one); otherwise no shape (the
//!    empty string): the difference is told by path and rule alone.
//!
//! General text edits are deliberately not split further. An earlier version named the first
//! character edit and the classes of its characters (`substitute(letter→letter)`,
//! `insert(digit)`); on the naive example that turned one byte-counting bug of `Truncate` into
//! seven findings (the edit depends on where the cut falls) and made the shapes of a seed's
//! inputs differ from another seed's, so an accepted bug came back as new. Special values and
//! numbers have few, stable shapes; free text does not.

/// The shape of the difference between the Go text `go` and the Rust text `rust`.
pub fn of_texts(go: &str, rust: &str) -> String {
    let (g, r) = (number_kind(go), number_kind(rust));
    match (&g, &r) {
        (Kind::Special(a), Kind::Special(b)) if a.0 == b.0 && a.1 != b.1 && a.0 == "inf" => {
            "sign(inf)".to_string()
        }
        (Kind::Special(a), Kind::Special(b)) if a.0 == b.0 => format!("spelling({})", a.0),
        (Kind::Special(_), _) | (_, Kind::Special(_)) => {
            format!("special(go {}, rust {})", g.name(), r.name())
        }
        (Kind::Number, Kind::Number) => number_shape(go, rust).to_string(),
        _ => text_edit(go, rust),
    }
}

/// What a text reads as.
enum Kind {
    /// Infinity or NaN: (`inf` or `nan`, negative).
    Special((&'static str, bool)),
    /// A decimal number.
    Number,
    /// Anything else.
    Text,
}

impl Kind {
    fn name(&self) -> &'static str {
        match self {
            Kind::Special((s, _)) => s,
            Kind::Number => "number",
            Kind::Text => "text",
        }
    }
}

fn number_kind(t: &str) -> Kind {
    let (negative, body) = split_sign(t);
    if body.len() > 64 && !body.starts_with(|c: char| c.is_ascii_digit()) {
        return Kind::Text; // not a special value, and not worth a copy when huge
    }
    let lower = if body.len() <= 64 {
        body.to_ascii_lowercase()
    } else {
        String::new()
    };
    if lower == "inf" || lower == "infinity" {
        return Kind::Special(("inf", negative));
    }
    if lower == "nan" || (lower.starts_with("nan(") && lower.ends_with(')')) {
        return Kind::Special(("nan", false));
    }
    if decimal(body).is_some() {
        Kind::Number
    } else {
        Kind::Text
    }
}

/// `(negative, rest)`: a leading `-` or `+` split off.
fn split_sign(t: &str) -> (bool, &str) {
    if let Some(rest) = t.strip_prefix('-') {
        (true, rest)
    } else {
        (false, t.strip_prefix('+').unwrap_or(t))
    }
}

/// A plain decimal `digits[.digits][e[+-]digits]` (no sign): `(digits without the point, digits
/// after the point, has an exponent)`.
fn decimal(t: &str) -> Option<(String, usize, bool)> {
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    if let Some(e) = exponent {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        if e.is_empty() || !e.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
    }
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, f),
        None => (mantissa, ""),
    };
    let digits_ok = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !digits_ok(int) || !digits_ok(frac) || (mantissa.ends_with('.')) {
        return None;
    }
    Some((format!("{int}{frac}"), frac.len(), exponent.is_some()))
}

fn number_shape(go: &str, rust: &str) -> &'static str {
    let ((gn, gb), (rn, rb)) = (split_sign(go), split_sign(rust));
    if gb == rb {
        return "sign";
    }
    if let (Some(g), Some(r)) = (decimal(gb), decimal(rb)) {
        let plain = !g.2 && !r.2 && g.1 == r.1 && g.1 > 0 && gn == rn;
        if plain && (plus_one(&g.0) == trim_zeros(&r.0) || plus_one(&r.0) == trim_zeros(&g.0)) {
            return "last-digit";
        }
    }
    let integer = |t: &str| !t.contains(['.', 'e', 'E']);
    if integer(go) && integer(rust) {
        return "value";
    }
    match (go.parse::<f64>(), rust.parse::<f64>()) {
        (Ok(a), Ok(b)) if a == b && a.is_sign_negative() == b.is_sign_negative() => "format",
        _ => "value",
    }
}

fn trim_zeros(digits: &str) -> &str {
    let t = digits.trim_start_matches('0');
    if t.is_empty() {
        "0"
    } else {
        t
    }
}

/// A digit string plus one, without leading zeros: `199` → `200`, `0` → `1`.
fn plus_one(digits: &str) -> String {
    let mut out: Vec<u8> = trim_zeros(digits).bytes().collect();
    let mut i = out.len();
    loop {
        if i == 0 {
            out.insert(0, b'1');
            break;
        }
        i -= 1;
        if out[i] == b'9' {
            out[i] = b'0';
        } else {
            out[i] += 1;
            break;
        }
    }
    String::from_utf8(out).unwrap_or_default()
}

/// Texts longer than this (in bytes) are not compared for case: a huge value costs no copies.
const CASE_MAX: usize = 4096;

fn text_edit(go: &str, rust: &str) -> String {
    // Equal in lower case or in upper case: `ς` and `σ` (final and medial sigma) differ in lower
    // case and agree in upper case, and a final-sigma rule is a case-mapping difference.
    if go.len() <= CASE_MAX
        && rust.len() <= CASE_MAX
        && (go.to_lowercase() == rust.to_lowercase() || go.to_uppercase() == rust.to_uppercase())
    {
        "case".to_string()
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::of_texts;

    #[test]
    fn infinities_spelled_the_rust_way_are_one_shape_whatever_their_sign() {
        assert_eq!(of_texts("+Inf", "inf"), "spelling(inf)");
        assert_eq!(of_texts("-Inf", "-inf"), "spelling(inf)");
        assert_eq!(of_texts("NaN", "nan"), "spelling(nan)");
        assert_eq!(of_texts("+Inf", "-Inf"), "sign(inf)");
        assert_eq!(of_texts("NaN", "0"), "special(go nan, rust number)");
    }

    #[test]
    fn a_final_sigma_against_a_medial_one_is_a_case_difference() {
        assert_eq!(of_texts("aσ", "aς"), "case");
        assert_eq!(of_texts("Hello", "hello"), "case");
        assert_eq!(of_texts("", "²"), "");
    }

    #[test]
    fn one_unit_in_the_last_place_is_a_last_digit_difference_even_with_carry() {
        assert_eq!(of_texts("0.2", "0.3"), "last-digit");
        assert_eq!(of_texts("-0.2", "-0.3"), "last-digit");
        assert_eq!(of_texts("0.19", "0.20"), "last-digit");
        assert_eq!(of_texts("9.9", "10.0"), "last-digit");
        assert_eq!(of_texts("100", "99"), "value", "integers differ in value");
        assert_eq!(of_texts("50000000000000500", "50000000000000496"), "value");
        assert_eq!(of_texts("0.2", "0.4"), "value");
        assert_eq!(of_texts("0.2", "0.30"), "value");
    }

    #[test]
    fn signs_and_spellings_of_one_number_have_their_own_shapes() {
        assert_eq!(of_texts("-0", "0"), "sign");
        assert_eq!(of_texts("1e0", "1"), "format");
        assert_eq!(of_texts("0.000e+00", "0.000e0"), "format");
    }

    #[test]
    fn other_text_differences_have_no_shape_of_their_own_but_case() {
        assert_eq!(of_texts("ABC", "abc"), "case");
        assert_eq!(of_texts("é", "…"), "");
        assert_eq!(of_texts("", "𒐡"), "");
        assert_eq!(
            of_texts("1.5x", "1.6x"),
            "",
            "a number inside a text is text"
        );
    }
}
