//! Rare shapes, generated at a steady rate by default: lists longer than the small-input
//! thresholds of common algorithms (insertion-sort cut-offs at 12 or 20 elements) with many equal
//! keys, floats exactly at decimal rounding ties and powers of two with negative exponents,
//! integers at decimal boundaries (10^k ± 1) and at the edges of smaller widths. Each is where a
//! port differs (an unstable sort, a rounding rule, a float logarithm, a narrowing cast), and
//! each is almost never drawn by the plain distributions.

use proptest::test_runner::TestRng;

use super::compile::{below, int_in};

/// Percent of lists drawn long with equal keys.
pub(crate) const LONG_LIST_PERCENT: u64 = 8;
/// Shortest "long" list: one more than Go's insertion-sort cut-off (12).
pub(crate) const LONG_LIST_MIN: usize = 13;
/// Longest "long" list: past Rust's small-sort threshold (20) too.
pub(crate) const LONG_LIST_MAX: usize = 40;

/// Integer rare shapes for a type with bounds `[tmin, tmax]` and declared bounds `[lo, hi]`:
/// ±10^k and its neighbours, and the edges of every smaller width (and their neighbours), in
/// range, sorted and deduplicated.
pub(crate) fn int_edges(tmin: i128, tmax: i128, lo: i128, hi: i128) -> Vec<i128> {
    let mut v = Vec::new();
    let mut p: i128 = 10;
    while p <= tmax.max(-tmin) * 10 {
        for x in [p - 1, p, p + 1] {
            v.push(x);
            v.push(-x);
        }
        p *= 10;
    }
    for (min, max) in [
        (i128::from(i8::MIN), i128::from(i8::MAX)),
        (i128::from(i16::MIN), i128::from(i16::MAX)),
        (i128::from(i32::MIN), i128::from(i32::MAX)),
        (0, i128::from(u8::MAX)),
        (0, i128::from(u16::MAX)),
        (0, i128::from(u32::MAX)),
        (i128::from(i64::MIN), i128::from(i64::MAX)),
    ] {
        if (min, max) != (tmin, tmax) {
            v.extend([min - 1, min, max, max + 1]);
        }
    }
    v.retain(|x| (lo..=hi).contains(x));
    v.sort_unstable();
    v.dedup();
    v
}

/// A float at an exact decimal rounding tie (a small odd multiple of 2^-j: 0.5, 0.125, 2.375,
/// whose decimal expansion ends in 5 exactly), or a power of two with a negative exponent, down
/// to the smallest subnormal.
pub(crate) fn float(rng: &mut TestRng) -> f64 {
    let sign = if below(rng, 2) == 0 { 1.0 } else { -1.0 };
    match below(rng, 3) {
        0 | 1 => {
            let m = int_in(rng, 0, 4000) * 2 + 1;
            let j = 1 + below(rng, 10) as i32;
            sign * m as f64 / f64::from(2i32.pow(j as u32))
        }
        _ => {
            let k = 1 + below(rng, 1074);
            let bits = if k <= 1022 {
                (1023 - k) << 52
            } else {
                1 << (1074 - k)
            };
            sign * f64::from_bits(bits)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::test_runner::RngAlgorithm;

    #[test]
    fn integer_rare_shapes_are_decimal_boundaries_and_smaller_width_edges_in_range() {
        let v = int_edges(i128::from(i64::MIN), i128::from(i64::MAX), -1000, 100_000);
        for want in [
            -1000, -999, 9, 99, 101, 99_999, 127, 128, -129, 255, 256, 65535, 65536,
        ] {
            assert!(v.contains(&want), "missing {want}: {v:?}");
        }
        assert!(v.iter().all(|x| (-1000..=100_000).contains(x)));
        let u8s = int_edges(0, 255, 0, 255);
        assert_eq!(u8s, vec![0, 9, 10, 11, 99, 100, 101, 127, 128]);
    }

    #[test]
    fn rare_floats_are_exact_ties_or_negative_powers_of_two() {
        let mut rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[1; 32]);
        let mut ties = 0;
        for _ in 0..1000 {
            let x = float(&mut rng).abs();
            assert!(x > 0.0 && x.is_finite());
            let frac = x.fract();
            // Either a power of two, or an odd multiple of a power of two below one.
            let power = x.to_bits() & ((1 << 52) - 1) == 0 || x < f64::MIN_POSITIVE;
            assert!(power || frac != 0.0, "{x}");
            ties += usize::from(frac == 0.125 || frac == 0.625);
        }
        assert!(ties > 5, "0.125-like ties are drawn: {ties}");
    }
}
