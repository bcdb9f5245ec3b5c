//! Amounts: parsing what users type, formatting, splitting and discounting (Go: `amount.go`).

use crate::{go_fmt, go_unicode};

/// The most parts [`split_evenly`] accepts (Go: `MaxParts`).
pub const MAX_PARTS: i64 = 1000;

/// An amount in minor units (cents) of a currency (Go: `Money`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Money {
    /// The amount in cents.
    pub units: i64,
    /// The currency code, as given.
    pub currency: String,
}

/// Why [`parse_amount`] rejected its input; the texts are Go's `err.Error()`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// Nothing but whitespace (Go: `ErrEmptyAmount`).
    #[error("billing: empty amount")]
    Empty,
    /// A ',' that does not separate groups of three digits (wraps `ErrInvalidAmount`).
    #[error("billing: invalid amount: misplaced thousands separator at byte {0}")]
    MisplacedSeparator(usize),
    /// No integer digits before the given byte (wraps `ErrInvalidAmount`).
    #[error("billing: invalid amount: no digits before byte {0}")]
    NoDigits(usize),
    /// A character that cannot appear at the given byte (wraps `ErrInvalidAmount`).
    #[error("billing: invalid amount: unexpected character at byte {0}")]
    UnexpectedCharacter(usize),
    /// Fractions of cents (wraps `ErrInvalidAmount`).
    #[error("billing: invalid amount: more than two decimal places")]
    TooManyDecimals,
    /// A '.' with nothing after it (wraps `ErrInvalidAmount`).
    #[error("billing: invalid amount: no digits after the decimal point")]
    NoDecimals,
    /// Outside `i64` cents (Go: `ErrAmountRange`).
    #[error("billing: amount out of range")]
    OutOfRange,
}

/// [`split_evenly`] got a part count outside 1..=[`MAX_PARTS`] (Go: wraps `ErrParts`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("billing: parts must be between 1 and 1000, got {0}")]
pub struct SplitError(pub i64);

/// Why [`apply_discount`] refused; the texts are Go's `err.Error()`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DiscountError {
    /// NaN, negative or above 100 (wraps `ErrDiscount`); Go prints the value with `%v`.
    #[error("billing: discount must be a percentage between 0 and 100, got {}", go_fmt::float_v(*.0))]
    Percent(f64),
    /// A blank currency (Go: `ErrNoCurrency`).
    #[error("billing: money without currency")]
    NoCurrency,
    /// The discount on an amount this close to `i64::MAX` rounds to 2^63 (wraps `ErrAmountRange`).
    #[error("billing: amount out of range: discount on {0}")]
    Overflow(i64),
}

/// Whole units above this overflow once multiplied by 100, so scanning stops growing them.
const MAX_UNITS_BEFORE_OVERFLOW: u64 = (1 << 63) / 100;

/// Parses a decimal amount as typed by a user into cents: surrounding whitespace (Go's
/// `unicode.IsSpace`), an optional '-', ASCII digits with optional ',' separators in groups of
/// three, and an optional '.' with one or two digits. `"1,234.5"` is 123450.
///
/// Not `str::parse`: that accepts '+', and a float parse would accept "1e3" and round.
pub fn parse_amount(s: &str) -> Result<i64, AmountError> {
    let s = go_unicode::trim_space(s).as_bytes();
    if s.is_empty() {
        return Err(AmountError::Empty);
    }
    let neg = s[0] == b'-';
    let mut i = usize::from(neg);
    let mut units: u64 = 0;
    let mut overflow = false;
    let mut digits = 0;
    // Digits since the last ','; None before the first one.
    let mut group: Option<usize> = None;
    while i < s.len() {
        match s[i] {
            c @ b'0'..=b'9' => {
                if units > MAX_UNITS_BEFORE_OVERFLOW {
                    overflow = true;
                } else {
                    units = units * 10 + u64::from(c - b'0');
                }
                digits += 1;
                if let Some(g) = &mut group {
                    *g += 1;
                }
            }
            b',' => {
                let misplaced = match group {
                    None => digits == 0 || digits > 3,
                    Some(g) => g != 3,
                };
                if misplaced {
                    return Err(AmountError::MisplacedSeparator(i));
                }
                group = Some(0);
            }
            _ => break,
        }
        i += 1;
    }
    if digits == 0 {
        return Err(AmountError::NoDigits(i));
    }
    if group.is_some_and(|g| g != 3) {
        return Err(AmountError::MisplacedSeparator(i));
    }
    let mut frac: u64 = 0;
    if i < s.len() {
        if s[i] != b'.' {
            return Err(AmountError::UnexpectedCharacter(i));
        }
        i += 1;
        let mut n = 0;
        while i < s.len() {
            let c = s[i];
            if !c.is_ascii_digit() {
                return Err(AmountError::UnexpectedCharacter(i));
            }
            if n == 2 {
                return Err(AmountError::TooManyDecimals);
            }
            frac = frac * 10 + u64::from(c - b'0');
            n += 1;
            i += 1;
        }
        match n {
            0 => return Err(AmountError::NoDecimals),
            1 => frac *= 10,
            _ => {}
        }
    }
    // -9223372036854775808 cents is representable, one more than the positive limit.
    let limit = i64::MAX as u64 + u64::from(neg);
    if overflow || units > (limit - frac) / 100 {
        return Err(AmountError::OutOfRange);
    }
    let cents = units * 100 + frac;
    // `as i64` turns 2^63 into i64::MIN, which negation keeps, as Go's int64 conversion does.
    Ok(if neg {
        (cents as i64).wrapping_neg()
    } else {
        cents as i64
    })
}

/// Renders cents with ',' thousands separators and two decimals, then the currency trimmed
/// and upper-cased the Go way (simple mapping: "straße" stays "STRAßE", never "STRASSE").
pub fn format_amount(cents: i64, currency: &str) -> String {
    let mag = cents.unsigned_abs();
    let whole = (mag / 100).to_string();
    let mut out = String::with_capacity(whole.len() * 4 / 3 + 8 + currency.len());
    if cents < 0 {
        out.push('-');
    }
    // The first group has 1 to 3 digits, every later one exactly 3.
    let (lead, rest) = whole.split_at((whole.len() - 1) % 3 + 1);
    out.push_str(lead);
    for group in rest.as_bytes().chunks(3) {
        out.push(',');
        out.push_str(std::str::from_utf8(group).expect("decimal digits are ASCII"));
    }
    out.push_str(&format!(".{:02}", mag % 100));
    let currency = go_unicode::uppercase(go_unicode::trim_space(currency));
    if !currency.is_empty() {
        out.push(' ');
        out.push_str(&currency);
    }
    out
}

/// Splits `total` into `parts` amounts that differ by at most one cent and sum to `total`; the
/// first parts absorb the remainder, with the sign of `total` (`-100` in 3 is `[-34, -33, -33]`).
pub fn split_evenly(total: i64, parts: i64) -> Result<Vec<i64>, SplitError> {
    if !(1..=MAX_PARTS).contains(&parts) {
        return Err(SplitError(parts));
    }
    // Rust's `/` and `%` truncate toward zero like Go's, so `rem` has the sign of `total`.
    let (base, rem) = (total / parts, total % parts);
    Ok((0..parts)
        .map(|i| {
            if i < rem {
                base + 1
            } else if i < -rem {
                base - 1
            } else {
                base
            }
        })
        .collect())
}

/// Takes `percent` (0 to 100) off `m`, rounding the discount to the cent with ties to even.
pub fn apply_discount(m: &Money, percent: f64) -> Result<Money, DiscountError> {
    if percent.is_nan() || !(0.0..=100.0).contains(&percent) {
        return Err(DiscountError::Percent(percent));
    }
    if go_unicode::trim_space(&m.currency).is_empty() {
        return Err(DiscountError::NoCurrency);
    }
    let discount = (m.units as f64 * percent / 100.0).round_ties_even();
    // Near i64::MAX the units round up to 2^63 as a double; Go's int64() of that is undefined
    // behaviour territory, so the Go code refuses it, and so does the port.
    if discount >= 9_223_372_036_854_775_808.0 {
        return Err(DiscountError::Overflow(m.units));
    }
    Ok(Money {
        units: m.units - discount as i64,
        currency: m.currency.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_parse_with_separators_and_unicode_spaces() {
        assert_eq!(parse_amount(" 1,234.50\t"), Ok(123450));
        assert_eq!(parse_amount("\u{a0}-0.5\u{3000}"), Ok(-50));
        assert_eq!(
            parse_amount("-92,233,720,368,547,758.08"),
            Ok(i64::MIN),
            "the most negative cents value is reachable"
        );
    }

    #[test]
    fn syntax_that_rust_parsers_accept_is_rejected() {
        for s in ["+1", "1e3", "1_000", ".5", "1.", "0x10", "inf"] {
            assert!(parse_amount(s).is_err(), "{s:?} must be rejected");
        }
        assert_eq!(
            parse_amount("1.234").unwrap_err().to_string(),
            "billing: invalid amount: more than two decimal places"
        );
    }

    #[test]
    fn one_cent_past_the_limit_is_out_of_range() {
        assert_eq!(
            parse_amount("92233720368547758.08"),
            Err(AmountError::OutOfRange)
        );
    }

    #[test]
    fn formatted_amounts_parse_back() {
        for c in [0, -1, 99, 123456, i64::MAX, i64::MIN] {
            assert_eq!(parse_amount(&format_amount(c, "")), Ok(c));
        }
        assert_eq!(format_amount(5, "straße"), "0.05 STRAßE");
    }

    #[test]
    fn negative_totals_split_with_the_remainder_first() {
        assert_eq!(split_evenly(-100, 3), Ok(vec![-34, -33, -33]));
        assert_eq!(split_evenly(1, 0), Err(SplitError(0)));
    }

    #[test]
    fn discounts_round_half_to_even_and_refuse_the_overflowing_one() {
        let eur = |units| Money {
            units,
            currency: "EUR".into(),
        };
        assert_eq!(apply_discount(&eur(5), 50.0), Ok(eur(3)));
        assert_eq!(apply_discount(&eur(7), 50.0), Ok(eur(3)));
        assert_eq!(
            apply_discount(&eur(i64::MAX), 100.0),
            Err(DiscountError::Overflow(i64::MAX))
        );
        assert_eq!(
            apply_discount(&eur(1), f64::INFINITY)
                .unwrap_err()
                .to_string(),
            "billing: discount must be a percentage between 0 and 100, got +Inf"
        );
    }
}
