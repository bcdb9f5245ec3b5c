//! Tests of the simplicity order, the character moves and the canonical pass: the same bug
//! reaches the same minimum from any starting input (issue 8, "Canonical minimization").

use std::cmp::Ordering;
use std::time::Duration;

use super::chars::simpler_chars;
use super::order::cmp_simplicity;
use super::tests::{fun1, shrink_with};
use super::*;
use crate::generate::Generator;
use crate::spec::Hints;
use crate::value::Type;

fn s(x: &str) -> Value {
    Value::str(x)
}

fn cmp_str(a: &Value, b: &Value) -> Ordering {
    cmp_simplicity(a, b, &Type::String, &Hints::default())
}

#[test]
fn strings_order_by_characters_then_bytes_then_rank() {
    let chain = [
        s(""),
        s("a"),
        s("z"),
        s("0"),
        s("A"),
        s(" "),
        s("!"),
        s("\0"),
        s("\x0b"),
        Value::Str(vec![0xff]),
        s("é"),
        s("\u{85}"),
        s("\u{a0}"),
        s("€"),
        s("\u{800}"),
        s("😀"),
        s("\u{10000}"),
        s("aa"),
        s("ab"),
        s("aé"),
        s("éa"),
    ];
    for w in chain.windows(2) {
        assert_eq!(
            cmp_str(&w[0], &w[1]),
            Ordering::Less,
            "{:?} < {:?}",
            w[0],
            w[1]
        );
        assert_eq!(cmp_str(&w[1], &w[0]), Ordering::Greater);
    }
}

#[test]
fn integers_order_by_distance_from_zero_positive_first() {
    let chain = [0, 1, -1, 2, -2, 1000, -1000, i64::MAX, i64::MIN].map(Value::Int);
    for w in chain.windows(2) {
        let o = cmp_simplicity(&w[0], &w[1], &Type::I64, &Hints::default());
        assert_eq!(o, Ordering::Less, "{:?} < {:?}", w[0], w[1]);
    }
}

#[test]
fn the_order_is_total_only_equal_values_compare_equal() {
    let types = [
        Type::String,
        Type::F64,
        Type::List(Box::new(Type::I64)),
        Type::Option(Box::new(Type::Bytes)),
        Type::Map(Box::new(Type::String), Box::new(Type::F32)),
    ];
    for ty in types {
        let f = fun1(ty.clone(), Hints::default());
        let mut g = Generator::new(&f, 7);
        let values: Vec<Value> = (0..300).map(|_| g.next_input().remove(0)).collect();
        let h = Hints::default();
        for a in &values {
            for b in values.iter().take(60) {
                let (ab, ba) = (cmp_simplicity(a, b, &ty, &h), cmp_simplicity(b, a, &ty, &h));
                assert_eq!(ab, ba.reverse(), "{ty:?}: {a:?} vs {b:?}");
                assert_eq!(ab == Ordering::Equal, a == b, "{ty:?}: {a:?} vs {b:?}");
            }
        }
    }
}

#[test]
fn simpler_chars_lists_every_ascii_and_two_byte_character_below_in_rank_order() {
    let below = simpler_chars(Some('\u{a0}'));
    assert_eq!(below.len(), 128 + 1 + (0xa0 - 0x80));
    assert_eq!(&below[..3], &['a', 'b', 'c']);
    assert!(below.contains(&'\0') && below.contains(&'é'));
    let ranks: Vec<Value> = below.iter().map(|c| s(&c.to_string())).collect();
    assert!(ranks
        .windows(2)
        .all(|w| cmp_str(&w[0], &w[1]) == Ordering::Less));
    assert!(simpler_chars(Some('a')).is_empty());
    // Below a 3-byte character: all 2,048 shorter ones, then a sample of 3-byte ones.
    let below = simpler_chars(Some('\u{2460}'));
    assert!(
        below.len() > 2048 && below.len() < 2048 + 300,
        "{}",
        below.len()
    );
    assert!(below.contains(&'€') && below.contains(&'\u{245f}'));
}

/// A byte-reversal port: any multi-byte character diverges.
fn has_multibyte(c: &[Value]) -> bool {
    matches!(&c[0], Value::Str(s) if s.iter().any(|b| *b >= 0x80))
}

#[test]
fn a_string_bug_reached_from_e_acute_and_from_u0085_gives_the_same_minimum() {
    let f = fun1(Type::String, Hints::default());
    for start in ["é", "\u{85}", "xx\u{85}yy€", "😀😀", "\u{7ff}q"] {
        let out = shrink_with(&f, vec![s(start)], has_multibyte);
        assert_eq!(out.input, vec![s("é")], "from {start:?}");
        assert_eq!(out.stopped, Stopped::Minimal);
    }
}

/// An escaping port: control characters other than \t \n \r, and U+00A0, are escaped differently.
fn escaped_differently(c: &[Value]) -> bool {
    let Value::Str(s) = &c[0] else { return false };
    String::from_utf8_lossy(s)
        .chars()
        .any(|c| (c.is_control() && !"\t\n\r".contains(c)) || c == '\u{a0}')
}

#[test]
fn an_escaping_bug_reached_from_a_vertical_tab_or_a_no_break_space_shrinks_to_nul() {
    let f = fun1(Type::String, Hints::default());
    for start in ["\x0b", "\u{a0}", "ab\u{a0}cd", "x\x1by"] {
        let out = shrink_with(&f, vec![s(start)], escaped_differently);
        assert_eq!(out.input, vec![s("\0")], "from {start:?}");
    }
}

#[test]
fn a_character_class_bug_shrinks_to_the_least_character_of_the_class() {
    // Diverges on non-ASCII upper-case letters: the least is U+00C0, whichever letter started.
    let f = fun1(Type::String, Hints::default());
    let upper = |c: &[Value]| match &c[0] {
        Value::Str(s) => String::from_utf8_lossy(s)
            .chars()
            .any(|c| !c.is_ascii() && c.is_uppercase()),
        _ => false,
    };
    for start in ["Ω", "xÉy", "Ж"] {
        let out = shrink_with(&f, vec![s(start)], upper);
        assert_eq!(out.input, vec![s("À")], "from {start:?}");
    }
    // A 4-byte character stays 4 bytes only if it must: then the familiar one is the least.
    let astral = |c: &[Value]| matches!(&c[0], Value::Str(s) if s.iter().any(|b| *b >= 0xf0));
    let out = shrink_with(&f, vec![s("abc𝄞def")], astral);
    assert_eq!(out.input, vec![s("😀")]);
}

fn default_budget() -> Budget {
    Budget {
        max_iters: 4096,
        max_time: Duration::from_secs(60),
    }
}

fn huge_list(seed: u64) -> Value {
    let mut x = seed;
    Value::List(
        (0..13)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                Value::Int(x as i64)
            })
            .collect(),
    )
}

#[test]
fn thirteen_huge_integers_shrink_to_small_ones_within_4096_tries() {
    let f = fun1(Type::List(Box::new(Type::I64)), Hints::default());
    // A port that differs only on 13 or more pairwise distinct values (like a sort whose
    // insertion-sort cut-off is 12).
    let distinct = |c: &[Value]| match &c[0] {
        Value::List(xs) => xs.len() >= 13 && (0..xs.len()).all(|i| (0..i).all(|j| xs[i] != xs[j])),
        _ => false,
    };
    let want: Vec<Value> = [0, 1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6]
        .map(Value::Int)
        .to_vec();
    for seed in 1..=5 {
        let mut test = |batch: &[Vec<Value>]| batch.iter().map(|c| distinct(c)).collect();
        let out = shrink(&f, vec![huge_list(seed)], &default_budget(), &mut test);
        assert_eq!(out.input, vec![Value::List(want.clone())], "seed {seed}");
        assert_eq!(
            out.stopped,
            Stopped::Minimal,
            "seed {seed}: {} tries",
            out.tried
        );
        assert!(out.tried <= 4096);
    }
}

#[test]
fn integer_and_float_thresholds_bisect_to_the_least_value() {
    let f = fun1(Type::U64, Hints::default());
    let big = |c: &[Value]| matches!(c[0], Value::Uint(x) if x >= 123_456_789_012);
    let out = shrink_with(&f, vec![Value::Uint(u64::MAX)], big);
    assert_eq!(out.input, vec![Value::Uint(123_456_789_012)]);
    // About 280 for the bisection, and one candidate of fewer digits per digit and pass.
    assert!(out.tried < 330, "{} tries", out.tried);

    let f = fun1(Type::F64, Hints::default());
    let huge = |c: &[Value]| matches!(c[0], Value::F64(x) if x > 1e300);
    let out = shrink_with(&f, vec![Value::F64(f64::MAX)], huge);
    assert_eq!(
        out.input,
        vec![Value::F64(f64::from_bits(1e300f64.to_bits() + 1))]
    );
    assert!(out.tried < 400, "{} tries", out.tried);
}

#[test]
fn a_byte_shrinks_to_the_least_value_that_still_diverges() {
    let f = fun1(Type::Bytes, Hints::default());
    let high = |c: &[Value]| matches!(&c[0], Value::Bytes(b) if b.iter().any(|x| *x >= 0x80));
    for start in [vec![0xff], vec![1, 2, 0xc3, 9], vec![0x80, 0x80]] {
        let out = shrink_with(&f, vec![Value::Bytes(start.clone())], high);
        assert_eq!(out.input, vec![Value::Bytes(vec![0x80])], "from {start:?}");
    }
}

#[test]
fn two_neighbouring_characters_merge_into_one_when_that_still_diverges() {
    // Diverges on a string of at least 3 bytes whose last character is multi-byte (a byte-based
    // truncation): "éa" cannot lose a character alone, but "€" (one character) diverges too.
    let f = fun1(Type::String, Hints::default());
    let fails = |c: &[Value]| match &c[0] {
        Value::Str(s) => {
            s.len() >= 3 && String::from_utf8_lossy(s).chars().any(|c| c.len_utf8() > 1)
        }
        _ => false,
    };
    for start in ["éa", "aé", "€", "xxé"] {
        let out = shrink_with(&f, vec![s(start)], fails);
        assert_eq!(out.input, vec![s("€")], "from {start:?}");
    }
}

fn float_minimum(start: f64, diverges: fn(f64) -> bool) -> Shrunk {
    let f = fun1(Type::F64, Hints::default());
    let fails = move |c: &[Value]| matches!(c[0], Value::F64(x) if diverges(x));
    let out = shrink_with(&f, vec![Value::F64(start)], fails);
    // Each start above takes 70 to 360 tries (a default budget is 4096 per finding).
    assert!(out.tried < 500, "from {start}: {} tries", out.tried);
    out
}

/// A port that rounds exact halfway cases of one decimal away from zero (Go: to even).
fn tenths_tie_away(x: f64) -> bool {
    let q = x * 4.0;
    x.is_finite() && q.fract() == 0.0 && q.abs() < 2f64.powi(52) && q % 2.0 != 0.0
}

/// A port that rounds exact halfway cases of two decimals up, where rounding to even goes
/// down (0.125, 0.625, …).
fn cents_tie_up(x: f64) -> bool {
    let q = x.abs() * 8.0;
    x.is_finite() && q.fract() == 0.0 && q < 2f64.powi(52) && q % 4.0 == 1.0
}

#[test]
fn a_tie_rounding_bug_reached_from_different_floats_shrinks_to_the_least_tie() {
    for start in [1204.25, 249.25, 22.25, -789.25, 126.25, 3.75e10 + 0.25] {
        let out = float_minimum(start, tenths_tie_away);
        assert_eq!(out.input, vec![Value::F64(0.25)], "from {start}");
        assert_eq!(out.stopped, Stopped::Minimal, "from {start}");
    }
    for start in [259.125, 491.125, 156.625, -3.625, 8192.625] {
        let out = float_minimum(start, cents_tie_up);
        assert_eq!(out.input, vec![Value::F64(0.125)], "from {start}");
    }
}

#[test]
fn a_fractional_threshold_reached_from_different_floats_shrinks_to_the_least_decimal_above_it() {
    // Diverges on non-integers above 2.5: every integer is simpler, but none diverges, so the
    // least is the value of fewest significant digits, then least magnitude: 2.6.
    let above = |x: f64| x.fract() != 0.0 && x > 2.5;
    for start in [123.456, 7.77, 1e10 + 0.5, 2.5000001, 19.0625] {
        let out = float_minimum(start, above);
        assert_eq!(out.input, vec![Value::F64(2.6)], "from {start}");
    }
    // Below a threshold the least is the least positive decimal of one digit.
    let tiny = |x: f64| x.fract() != 0.0 && x > 0.0 && x < 0.3;
    for start in [0.2999, 1e-7, 0.123] {
        let out = float_minimum(start, tiny);
        assert_eq!(out.input, vec![Value::F64(5e-324)], "from {start}");
    }
}

#[test]
fn a_bug_of_the_lowest_mantissa_bits_shrinks_to_the_least_integer_with_those_bits() {
    let low_bits = |x: f64| x.is_finite() && x.to_bits() & 0x3ff == 0x2a7;
    let with_bits = |x: f64| f64::from_bits((x.to_bits() & !0x3ff) | 0x2a7);
    let least = ((1u64 << 52) + 0x2a7) as f64;
    for start in [8.22247, 3.99e204, 9.6, -7.5e-255, 17.2397023] {
        let out = float_minimum(with_bits(start), low_bits);
        assert_eq!(out.input, vec![Value::F64(least)], "from {start}");
    }
}

#[test]
fn decimals_of_as_many_digits_are_numbered_in_increasing_magnitude() {
    use super::floats::{decimal_at, Decimal};
    let d = Decimal::of(-1204.25, false).unwrap();
    assert_eq!((d.digits, d.len, d.exp), (120425, 6, -2));
    assert_eq!(decimal_at(d.index(false), d.len, false), 1204.25);
    assert_eq!(decimal_at(0, 3, false), 0.0);
    let xs = [1e-300, 0.125, 0.126, 0.999, 1.25, 9.99, 12.5, 3.25e200];
    let ix: Vec<u128> = xs
        .iter()
        .map(|x| Decimal::of(*x, false).unwrap())
        .map(|d| {
            Decimal {
                len: 3,
                digits: d.digits * 10u128.pow(3 - d.len),
                exp: d.exp - (3 - d.len as i32),
            }
            .index(false)
        })
        .collect();
    assert!(ix.windows(2).all(|w| w[0] < w[1]), "{ix:?}");
    let f = Decimal::of(0.1, true).unwrap();
    assert_eq!((f.digits, f.len), (1, 1));
}

#[test]
fn an_integer_bug_just_below_powers_of_ten_shrinks_to_the_lowest_window() {
    // A float-logarithm digit count: wrong for n just below 10^k once log10 rounds up, 10^15 - 2
    // and 10^15 - 1 the lowest such values; a start below 10^16 is in the next window up.
    let f = fun1(Type::I64, Hints::default());
    let wrong = |c: &[Value]| match c[0] {
        Value::Int(n) if n > 0 => {
            (n as f64).log10().floor() as i64 + 1 != n.to_string().len() as i64
        }
        _ => false,
    };
    for start in [
        9_999_999_999_999_979,
        999_999_999_999_999,
        99_999_999_999_999_999,
    ] {
        let out = shrink_with(&f, vec![Value::Int(start)], wrong);
        assert_eq!(
            out.input,
            vec![Value::Int(999_999_999_999_998)],
            "from {start}"
        );
    }
}

#[test]
fn an_f32_tie_rounding_bug_shrinks_to_the_least_tie_of_its_own_width() {
    let f = fun1(Type::F32, Hints::default());
    let tie = |c: &[Value]| matches!(c[0], Value::F32(x) if tenths_tie_away(f64::from(x)));
    for start in [1204.25f32, 22.25, -126.75] {
        let out = shrink_with(&f, vec![Value::F32(start)], tie);
        assert_eq!(out.input, vec![Value::F32(0.25)], "from {start}");
    }
}
