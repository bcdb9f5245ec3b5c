//! The simplicity order: one total order over typed values that shrinking descends. Every
//! accepted move makes the input strictly simpler and the order is well-founded, so shrinking
//! ends and never cycles; the goal is the least diverging input, so that the same bug reaches
//! the same input from any seed. Only equal values compare equal.
//!
//! - integers: closer to the target (zero, or the range bound nearest zero), then positive
//!   before negative: `0 < 1 < -1 < 2 < -2`;
//! - floats: integers by magnitude (`0 < -0 < 1 < -1`; every float of magnitude 2^52 or more
//!   is an integer), then other finite values by the number of significant digits of their
//!   shortest decimal, then magnitude, then positive first (`0.5 < 0.25 < -0.25 < 1.25`), then
//!   +Inf, −Inf, NaN (canonical before other payloads);
//! - strings: fewer characters, then fewer bytes, then character rank position by position.
//!   Within a UTF-8 length the familiar character comes first (`a`, `é`, `€`, `😀`), then ASCII
//!   as `a`…`z` < `0`…`9` < `A`…`Z` < space < punctuation < control characters (`\x00` first),
//!   other characters by code point; an invalid sequence counts its bytes and ranks after
//!   every character;
//! - lists, maps, bytes: empty < nil < non-empty, then fewer elements, then element by element
//!   (map entries key first);
//! - options: nil < present; structs: field by field; `false` < `true`.

use std::cmp::Ordering;

use crate::generate::{
    char_len, field_hints, int_domain, item_hints, key_hints, option_hints, value_hints,
};
use crate::spec::Hints;
use crate::value::{Type, Value};

/// The integer a value shrinks towards: zero, or the bound of its range nearest zero.
pub(crate) fn int_target(ty: &Type, hints: &Hints) -> i128 {
    let (lo, hi) = int_domain(ty, hints);
    0i128.clamp(lo, hi.max(lo))
}

fn int_key(x: i128, target: i128) -> (u128, bool) {
    ((x - target).unsigned_abs(), x < target)
}

/// The number of significant digits in the shortest representation of `x`.
pub(crate) fn sig_digits(x: f64, f32: bool) -> usize {
    let s = if f32 {
        format!("{:e}", x as f32)
    } else {
        format!("{x:e}")
    };
    let mantissa = s.split('e').next().unwrap_or("");
    mantissa.bytes().filter(u8::is_ascii_digit).count()
}

fn float_class(x: f64, bits_are_canonical_nan: bool) -> u8 {
    if x.is_nan() {
        if bits_are_canonical_nan {
            4
        } else {
            5
        }
    } else if x == f64::INFINITY {
        2
    } else if x == f64::NEG_INFINITY {
        3
    } else if x.fract() == 0.0 {
        0
    } else {
        1
    }
}

fn cmp_float(a: f64, b: f64, f32: bool, a_canon: bool, b_canon: bool) -> Ordering {
    let (ca, cb) = (float_class(a, a_canon), float_class(b, b_canon));
    if ca != cb || ca >= 2 {
        // The bits break ties between NaN payloads, so that only equal values are equal.
        return ca.cmp(&cb).then(a.to_bits().cmp(&b.to_bits()));
    }
    let digits = |x: f64| if ca == 1 { sig_digits(x, f32) } else { 0 };
    digits(a)
        .cmp(&digits(b))
        .then(a.abs().total_cmp(&b.abs()))
        .then(a.is_sign_negative().cmp(&b.is_sign_negative()))
}

/// The characters ranked first within their UTF-8 length, because a reader recognizes them.
pub(crate) const FAMILIAR: [char; 4] = ['a', 'é', '€', '😀'];

/// ASCII in rank order: lower-case letters, digits, upper-case letters, space, the other
/// printable characters, then the control characters (`\x00` first).
const ASCII_ORDER: &[u8; 128] = &{
    let mut out = [0u8; 128];
    let mut n = 0;
    let mut pass = 0;
    while pass < 6 {
        let mut c = 0u8;
        while c < 128 {
            let take = match pass {
                0 => c.is_ascii_lowercase(),
                1 => c.is_ascii_digit(),
                2 => c.is_ascii_uppercase(),
                3 => c == b' ',
                4 => c.is_ascii_punctuation(),
                _ => c.is_ascii_control(),
            };
            if take {
                out[n] = c;
                n += 1;
            }
            c += 1;
        }
        pass += 1;
    }
    out
};

/// The rank of each ASCII character (the inverse of [`ASCII_ORDER`]).
const ASCII_RANK: &[u8; 128] = &{
    let mut out = [0u8; 128];
    let mut i = 0;
    while i < 128 {
        out[ASCII_ORDER[i] as usize] = i as u8;
        i += 1;
    }
    out
};

/// The ASCII characters in increasing rank.
pub(crate) fn ascii_in_rank_order() -> impl Iterator<Item = char> {
    ASCII_ORDER.iter().map(|&b| b as char)
}

/// How simple a unit of a string is (lower is simpler); `None` is an invalid byte sequence.
/// Fewer UTF-8 bytes first; within a length, the familiar character of that length
/// ([`FAMILIAR`]), then ASCII in [`ASCII_ORDER`] or the others by code point; every valid
/// character before every invalid sequence.
pub(crate) fn char_rank(c: Option<char>) -> u64 {
    match c {
        Some(c) => {
            let len = c.len_utf8() as u64;
            let within = if c.is_ascii() {
                u64::from(ASCII_RANK[c as usize])
            } else if FAMILIAR[len as usize - 1] == c {
                0
            } else {
                u64::from(c as u32) + 1
            };
            (len << 32) | within
        }
        None => 5 << 32,
    }
}

/// The rank of an invalid sequence among invalid sequences: shorter, then by bytes.
fn invalid_rank(bytes: &[u8]) -> (usize, &[u8]) {
    (bytes.len(), bytes)
}

/// The units of a Go string: its characters, and each maximal invalid sequence as one unit.
pub(crate) fn units(s: &[u8]) -> Vec<(&[u8], Option<char>)> {
    let mut out = Vec::with_capacity(s.len());
    for chunk in s.utf8_chunks() {
        let valid = chunk.valid();
        for (i, c) in valid.char_indices() {
            out.push((&valid.as_bytes()[i..i + c.len_utf8()], Some(c)));
        }
        if !chunk.invalid().is_empty() {
            out.push((chunk.invalid(), None));
        }
    }
    out
}

fn cmp_str(a: &[u8], b: &[u8]) -> Ordering {
    char_len(a)
        .cmp(&char_len(b))
        .then(a.len().cmp(&b.len()))
        .then_with(|| {
            let ranks = |s| {
                units(s).into_iter().map(|(u, c)| {
                    (
                        char_rank(c),
                        invalid_rank(if c.is_some() { &[] } else { u }),
                    )
                })
            };
            ranks(a).cmp(ranks(b))
        })
}

/// empty < nil < non-empty, for nil-able collections.
fn collection_class(v: &Value, len: usize) -> u8 {
    match (v, len) {
        (Value::Nil, _) => 1,
        (_, 0) => 0,
        _ => 2,
    }
}

fn cmp_seq<T>(a: &[T], b: &[T], each: impl Fn(&T, &T) -> Ordering) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| {
        a.iter()
            .zip(b)
            .map(|(x, y)| each(x, y))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    })
}

/// Compares two values of `ty` in the simplicity order (`Less`: `a` is simpler).
pub(crate) fn cmp_simplicity(a: &Value, b: &Value, ty: &Type, hints: &Hints) -> Ordering {
    match (ty, a, b) {
        (Type::Option(_), Value::Nil, Value::Nil) => Ordering::Equal,
        (Type::Option(_), Value::Nil, _) => Ordering::Less,
        (Type::Option(_), _, Value::Nil) => Ordering::Greater,
        (Type::Option(inner), a, b) => cmp_simplicity(a, b, inner, option_hints(hints)),
        (Type::Bool, Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (t, Value::Int(x), Value::Int(y)) => {
            let target = int_target(t, hints);
            int_key((*x).into(), target).cmp(&int_key((*y).into(), target))
        }
        (t, Value::Uint(x), Value::Uint(y)) => {
            let target = int_target(t, hints);
            int_key((*x).into(), target).cmp(&int_key((*y).into(), target))
        }
        (_, Value::F64(x), Value::F64(y)) => cmp_float(
            *x,
            *y,
            false,
            x.to_bits() == f64::NAN.to_bits(),
            y.to_bits() == f64::NAN.to_bits(),
        ),
        (_, Value::F32(x), Value::F32(y)) => cmp_float(
            f64::from(*x),
            f64::from(*y),
            true,
            x.to_bits() == f32::NAN.to_bits(),
            y.to_bits() == f32::NAN.to_bits(),
        ),
        (_, Value::Str(x), Value::Str(y)) => cmp_str(x, y),
        (Type::Bytes | Type::List(_) | Type::Map(..), a, b) => {
            let items = |v: &Value| match v {
                Value::Bytes(b) => b.len(),
                Value::List(xs) => xs.len(),
                Value::Map(es) => es.len(),
                _ => 0,
            };
            let (la, lb) = (items(a), items(b));
            collection_class(a, la)
                .cmp(&collection_class(b, lb))
                .then_with(|| match (ty, a, b) {
                    (_, Value::Bytes(x), Value::Bytes(y)) => {
                        let target = int_target(&Type::U8, item_hints(hints));
                        cmp_seq(x, y, |p, q| {
                            int_key((*p).into(), target).cmp(&int_key((*q).into(), target))
                        })
                    }
                    (Type::List(item), Value::List(xs), Value::List(ys)) => {
                        let h = item_hints(hints);
                        cmp_seq(xs, ys, |p, q| cmp_simplicity(p, q, item, h))
                    }
                    (Type::Map(k, v), Value::Map(xs), Value::Map(ys)) => {
                        let (kh, vh) = (key_hints(hints), value_hints(hints));
                        cmp_seq(xs, ys, |p, q| {
                            cmp_simplicity(&p.0, &q.0, k, kh)
                                .then_with(|| cmp_simplicity(&p.1, &q.1, v, vh))
                        })
                    }
                    _ => Ordering::Equal,
                })
        }
        (Type::Struct(st), Value::Struct(xs), Value::Struct(ys)) => xs
            .iter()
            .zip(ys)
            .zip(&st.fields)
            .enumerate()
            .map(|(i, ((x, y), f))| cmp_simplicity(x, y, &f.ty, field_hints(hints, i)))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal),
        // Values that do not fit the type: fall back to the structural order.
        _ => a.cmp(b),
    }
}
