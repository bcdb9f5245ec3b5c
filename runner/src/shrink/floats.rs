//! Float candidates of the canonical pass (`canon.rs`), as pure functions of the current value.
//!
//! A float's simplicity (`order.rs`) is its class (integers, then other finite values), then
//! for a non-integer its number of significant decimal digits, then its magnitude. The
//! candidates here reach the least value of those classes from any start, where the integer
//! bisection of `canon.rs` cannot:
//!
//! - [`low_bit_integers`]: the integers in `[2^52, 2^53)` (`[2^23, 2^24)` for `f32`) that keep
//!   the lowest `j` bits of the current mantissa, for every `j`: the least integer of a bug
//!   that depends on the last bits of the mantissa (a rounding error in the last place);
//! - [`decimal_neighbours`]: decimals with fewer or smaller significant digits: the value
//!   rounded down and up to fewer digits, its integer part reduced (`frac(x)`, `frac(x) + 1`, …, and
//!   `x mod 10^k` for each `k`), and each digit lowered to each smaller digit;
//! - [`fewer_digits`]: for integers of every type, the value with one decimal digit deleted or
//!   its leading digits dropped;
//! - [`Decimal::index`] and [`decimal_at`]: the decimals of `d` significant digits numbered in
//!   increasing magnitude, so that a bisection over the number finds the least `d`-digit value
//!   of a threshold.

use super::canon::SMALL;

/// A finite non-zero float as the shortest decimal that reads back as it: `digits × 10^exp`,
/// `digits` having exactly `len` decimal digits (its first not zero).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Decimal {
    /// The significant digits, as an integer.
    pub(crate) digits: u128,
    /// How many significant digits.
    pub(crate) len: u32,
    /// The power of ten of the last digit.
    pub(crate) exp: i32,
}

impl Decimal {
    /// The shortest decimal of `|x|` (as an `f32` when `f32`), or `None` for zero and
    /// non-finite values.
    pub(crate) fn of(x: f64, f32: bool) -> Option<Decimal> {
        if !x.is_finite() || x == 0.0 {
            return None;
        }
        let s = if f32 {
            format!("{:e}", (x as f32).abs())
        } else {
            format!("{:e}", x.abs())
        };
        let (mantissa, e) = s.split_once('e')?;
        let text: String = mantissa.chars().filter(char::is_ascii_digit).collect();
        let len = text.len() as u32;
        Some(Decimal {
            digits: text.parse().ok()?,
            len,
            exp: e.parse::<i32>().ok()? - (len as i32 - 1),
        })
    }

    /// This decimal's position among the decimals of `len` significant digits in increasing
    /// magnitude (see [`decimal_at`]).
    pub(crate) fn index(&self, f32: bool) -> u128 {
        let span = 9 * 10u128.pow(self.len - 1);
        let e = u128::try_from(self.exp - lowest_exp(self.len, f32)).unwrap_or(0);
        e * span + (self.digits - 10u128.pow(self.len - 1))
    }
}

/// The power of ten below which every decimal of `len` digits reads as zero.
fn lowest_exp(len: u32, f32: bool) -> i32 {
    -(if f32 { 46 } else { 325 }) - len as i32
}

/// `digits × 10^exp` read as a float (rounded once, as an `f32` when `f32`).
pub(crate) fn read(digits: u128, exp: i32, f32: bool) -> f64 {
    let text = format!("{digits}e{exp}");
    if f32 {
        text.parse::<f32>().map(f64::from).unwrap_or(f64::NAN)
    } else {
        text.parse::<f64>().unwrap_or(f64::NAN)
    }
}

/// The decimal of `len` significant digits at position `i` in increasing magnitude, read as
/// a float: position 0 is the least (it reads as zero), each power of ten holds `9 × 10^(len-1)`.
pub(crate) fn decimal_at(i: u128, len: u32, f32: bool) -> f64 {
    let span = 9 * 10u128.pow(len - 1);
    let exp = i128::from(lowest_exp(len, f32)) + (i / span) as i128;
    let exp = i32::try_from(exp).unwrap_or(i32::MAX);
    read(10u128.pow(len - 1) + i % span, exp, f32)
}

/// The mantissa bits of a float of this width, and the integer whose mantissa they are.
fn mantissa(x: f64, f32: bool) -> (u64, u32) {
    if f32 {
        (u64::from((x as f32).to_bits() & 0x7f_ffff), 23)
    } else {
        (x.to_bits() & ((1 << 52) - 1), 52)
    }
}

/// The integers `2^M + (mantissa mod 2^j)` for `j` in `1..=M` (`M` = 52, or 23 for `f32`):
/// integers whose lowest `j` mantissa bits are those of `x`, with the least exponent at which
/// every mantissa bit is an integer bit. Magnitudes; the caller chooses the signs.
pub(crate) fn low_bit_integers(x: f64, f32: bool) -> Vec<f64> {
    if !x.is_finite() {
        return Vec::new();
    }
    let (m, bits) = mantissa(x, f32);
    (1..=bits)
        .map(|j| ((1u64 << bits) + (m & ((1u64 << j) - 1))) as f64)
        .collect()
}

/// Decimals near `|x|` with fewer or smaller significant digits (magnitudes; the caller
/// chooses the signs and keeps the strictly simpler ones): `|x|` rounded down and up to each
/// shorter length; its integer part dropped or made `1..=SMALL` (`frac(x) + n`); its digits above
/// each power of ten dropped (`x mod 10^k`); and each digit lowered to each smaller digit.
pub(crate) fn decimal_neighbours(x: f64, f32: bool) -> Vec<f64> {
    let Some(d) = Decimal::of(x, f32) else {
        return Vec::new();
    };
    let mut out = vec![x.abs()];
    for k in 1..d.len {
        let drop = 10u128.pow(d.len - k);
        for rounded in [d.digits / drop, d.digits.div_ceil(drop)] {
            out.push(read(rounded, d.exp + (d.len - k) as i32, f32));
        }
    }
    // The digits below 10^k, for each k from the last digit's power up to the first's.
    for k in 1..d.len {
        out.push(read(d.digits % 10u128.pow(k), d.exp, f32));
    }
    if d.exp < 0 {
        let unit = 10u128.checked_pow(d.exp.unsigned_abs());
        if let Some(unit) = unit {
            let frac = d.digits % unit;
            for n in 0..=SMALL {
                out.push(read(frac + n * unit, d.exp, f32));
            }
        }
    }
    for i in 0..d.len {
        let place = 10u128.pow(d.len - 1 - i);
        let digit = d.digits / place % 10;
        for lower in 0..digit {
            out.push(read(d.digits - (digit - lower) * place, d.exp, f32));
        }
    }
    out.retain(|y| y.is_finite());
    out
}

/// The integer `x` with one decimal digit deleted, and with its digits above each power of ten
/// dropped (`x mod 10^k`), sign kept: integers of fewer digits that keep most of `x`'s digits.
pub(crate) fn fewer_digits(x: i128) -> Vec<i128> {
    let text = x.unsigned_abs().to_string();
    let sign = x.signum();
    let mut out = Vec::with_capacity(2 * text.len());
    for i in 0..text.len() {
        let deleted: String = text[..i].chars().chain(text[i + 1..].chars()).collect();
        out.extend(deleted.parse::<i128>().ok().map(|y| sign * y));
        out.extend(text[i + 1..].parse::<i128>().ok().map(|y| sign * y));
    }
    out
}
