//! Correlated values: a value derived from another one of the same input instead of drawn
//! independently. Two independent random strings are almost never case mappings of each other,
//! a prefix of each other or one edit apart; two independent lists are almost never permutations
//! of each other; yet that is exactly where functions of two related arguments (`EqualFold`,
//! `HasPrefix`, a diff, a merge) differ between a Go original and its port.
//!
//! [`derive`] turns a source value into a related value of a target type (the same type, another
//! integer width, string ↔ bytes, f32 ↔ f64, `T` ↔ `option<T>`). The caller keeps the result only
//! if it is admissible under the target's hints.

use proptest::test_runner::TestRng;

use super::admissible::int_bounds;
use super::compile::{below, pick};
use super::edges;
use crate::value::{Type, Value};

/// Whether a value of `to` can be derived from one of `from`.
pub(crate) fn compatible(from: &Type, to: &Type) -> bool {
    match (from, to) {
        (a, b) if a == b => true,
        (a, b) if a.is_integer() && b.is_integer() => true,
        (Type::String | Type::Bytes, Type::String | Type::Bytes) => true,
        (Type::F32 | Type::F64, Type::F32 | Type::F64) => true,
        (Type::Option(a), b) | (b, Type::Option(a)) => compatible(a, b),
        _ => false,
    }
}

/// A value of type `to` related to `src` (of type `from`): converted, then related in one of the
/// ways of its type. `None` when the types are not [`compatible`] or the value does not convert.
pub(crate) fn derive(rng: &mut TestRng, src: &Value, from: &Type, to: &Type) -> Option<Value> {
    let v = convert(src, from, to)?;
    Some(relate(rng, &v, to))
}

/// `v` of type `from` as a value of type `to`, keeping its meaning.
fn convert(v: &Value, from: &Type, to: &Type) -> Option<Value> {
    if from == to {
        return Some(v.clone());
    }
    match (v, to) {
        (Value::Nil, Type::Option(_)) => Some(Value::Nil),
        (Value::Nil, _) if from.is_nilable() && to.is_nilable() => Some(Value::Nil),
        (_, Type::Option(inner)) => convert(v, unwrap_option(from), inner),
        (_, _) if matches!(from, Type::Option(_)) => convert(v, unwrap_option(from), to),
        (Value::Int(x), t) if t.is_integer() => int_value(t, i128::from(*x)),
        (Value::Uint(x), t) if t.is_integer() => int_value(t, i128::from(*x)),
        (Value::Str(s) | Value::Bytes(s), Type::String) => Some(Value::Str(s.clone())),
        (Value::Str(s) | Value::Bytes(s), Type::Bytes) => Some(Value::Bytes(s.clone())),
        (Value::F32(x), Type::F64) => Some(Value::F64(f64::from(*x))),
        (Value::F64(x), Type::F32) => Some(Value::F32(*x as f32)),
        _ => None,
    }
}

fn unwrap_option(t: &Type) -> &Type {
    match t {
        Type::Option(inner) => inner,
        t => t,
    }
}

/// `x` as a value of the integer type `ty`, if it fits.
pub(crate) fn int_value(ty: &Type, x: i128) -> Option<Value> {
    let (lo, hi) = int_bounds(ty);
    if !(lo..=hi).contains(&x) {
        return None;
    }
    Some(if ty.is_signed() {
        Value::Int(x as i64)
    } else {
        Value::Uint(x as u64)
    })
}

/// A value of `ty` related to `v` (already of `ty`).
pub(crate) fn relate(rng: &mut TestRng, v: &Value, ty: &Type) -> Value {
    match (v, ty) {
        (Value::Bool(b), _) => Value::Bool(if below(rng, 2) == 0 { *b } else { !*b }),
        (Value::Int(x), t) => relate_int(rng, i128::from(*x), t).unwrap_or_else(|| v.clone()),
        (Value::Uint(x), t) => relate_int(rng, i128::from(*x), t).unwrap_or_else(|| v.clone()),
        (Value::F64(x), _) => Value::F64(relate_float(rng, *x)),
        (Value::F32(x), _) => Value::F32(relate_float(rng, f64::from(*x)) as f32),
        (Value::Str(s), _) => Value::Str(relate_text(rng, s)),
        (Value::Bytes(s), _) => Value::Bytes(relate_text(rng, s)),
        (Value::List(xs), Type::List(item)) => Value::List(relate_list(rng, xs, item)),
        (Value::Map(es), Type::Map(..)) if !es.is_empty() => {
            let mut es = es.clone();
            match below(rng, 3) {
                0 => {}
                1 => {
                    es.remove(below(rng, es.len() as u64) as usize);
                }
                _ => es.truncate(below(rng, es.len() as u64) as usize),
            }
            Value::Map(es)
        }
        (Value::Struct(fs), Type::Struct(st)) if !fs.is_empty() && below(rng, 2) == 0 => {
            let mut fs = fs.clone();
            let i = below(rng, fs.len() as u64) as usize;
            fs[i] = relate(rng, &fs[i], &st.fields[i].ty);
            Value::Struct(fs)
        }
        (v, Type::Option(inner)) if *v != Value::Nil => relate(rng, v, inner),
        _ => v.clone(),
    }
}

fn relate_int(rng: &mut TestRng, x: i128, ty: &Type) -> Option<Value> {
    let y = match below(rng, 7) {
        0 | 1 => x,
        2 => x + 1,
        3 => x - 1,
        4 => -x,
        // The same bits in a smaller width, sign-extended or not.
        5 => match below(rng, 3) {
            0 => i128::from(x as i8),
            1 => i128::from(x as i16),
            _ => i128::from(x as i32),
        },
        _ => match below(rng, 3) {
            0 => i128::from(x as u8),
            1 => i128::from(x as u16),
            _ => i128::from(x as u32),
        },
    };
    int_value(ty, y).or_else(|| int_value(ty, x))
}

fn relate_float(rng: &mut TestRng, x: f64) -> f64 {
    match below(rng, 6) {
        0 | 1 => x,
        2 => -x,
        3 if x.is_finite() => f64::from_bits(x.to_bits().wrapping_add(1)),
        4 if x.is_finite() && x != 0.0 => f64::from_bits(x.to_bits().wrapping_sub(1)),
        _ => f64::from(x as f32),
    }
}

/// Applies a string function to the valid UTF-8 parts of `s`, keeping invalid bytes.
fn map_valid(s: &[u8], f: impl Fn(&str) -> String) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() + 4);
    for chunk in s.utf8_chunks() {
        out.extend(f(chunk.valid()).bytes());
        out.extend(chunk.invalid());
    }
    out
}

/// The character boundaries of `s` (valid characters; an invalid byte is its own unit).
pub(crate) fn boundaries(s: &[u8]) -> Vec<usize> {
    let mut out = vec![0];
    let mut at = 0;
    for chunk in s.utf8_chunks() {
        for c in chunk.valid().chars() {
            at += c.len_utf8();
            out.push(at);
        }
        for _ in chunk.invalid() {
            at += 1;
            out.push(at);
        }
    }
    out
}

/// Full case folding as Unicode defines it is, for all but a handful of characters, lowercasing
/// the uppercase mapping (`ß` → `SS` → `ss`, `ﬁ` → `FI` → `fi`, `ς` → `Σ` → `σ`).
fn full_fold(t: &str) -> String {
    t.to_uppercase().to_lowercase()
}

/// Simple case folding: one character for one, so only where the full fold is one character.
fn simple_fold(t: &str) -> String {
    t.chars()
        .map(|c| {
            let f = full_fold(c.encode_utf8(&mut [0; 4]));
            let mut cs = f.chars();
            match (cs.next(), cs.next()) {
                (Some(one), None) => one,
                _ => c,
            }
        })
        .collect()
}

fn title(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    let mut start = true;
    for c in t.chars() {
        if start {
            // Title case of the few digraphs (ǆ → ǅ) is what `to_uppercase` gives for the rest.
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start = c.is_whitespace();
    }
    out
}

/// The case relations of `s`, deterministically: upper, lower and title case, full and simple
/// folding (the mappings [`relate_text`] draws from), each on the valid parts of `s`. The
/// shrinker uses them to keep two related arguments related while it simplifies them.
pub(crate) fn case_relations(s: &[u8]) -> [Vec<u8>; 5] {
    [
        map_valid(s, str::to_uppercase),
        map_valid(s, str::to_lowercase),
        map_valid(s, title),
        map_valid(s, full_fold),
        map_valid(s, simple_fold),
    ]
}

/// A string related to `s`: equal, case-mapped by full Unicode rules (upper, lower, title, full
/// and simple folding, one character only), a prefix, suffix or substring, one edit away, or
/// concatenated.
pub(crate) fn relate_text(rng: &mut TestRng, s: &[u8]) -> Vec<u8> {
    let bounds = boundaries(s);
    let cut = |rng: &mut TestRng| *pick(rng, &bounds);
    match below(rng, 13) {
        0 => s.to_vec(),
        1 => map_valid(s, str::to_uppercase),
        2 => map_valid(s, str::to_lowercase),
        3 => map_valid(s, title),
        4 => map_valid(s, full_fold),
        5 => map_valid(s, simple_fold),
        6 => {
            // One character case-mapped, the rest kept.
            let (a, b) = pick_char(rng, &bounds);
            let mut out = s[..a].to_vec();
            let mapped = if below(rng, 2) == 0 {
                map_valid(&s[a..b], str::to_uppercase)
            } else {
                map_valid(&s[a..b], str::to_lowercase)
            };
            out.extend(mapped);
            out.extend(&s[b..]);
            out
        }
        7 => s[..cut(rng)].to_vec(),
        8 => s[cut(rng)..].to_vec(),
        9 => {
            let (x, y) = (cut(rng), cut(rng));
            s[x.min(y)..x.max(y)].to_vec()
        }
        10 | 11 => one_edit(rng, s, &bounds),
        _ => {
            let mut out = s.to_vec();
            if below(rng, 2) == 0 {
                out.extend_from_slice(s);
            } else {
                out.extend(pick(rng, edges::STR_EDGES).bytes());
            }
            out
        }
    }
}

fn pick_char(rng: &mut TestRng, bounds: &[usize]) -> (usize, usize) {
    if bounds.len() < 2 {
        return (0, 0);
    }
    let i = below(rng, bounds.len() as u64 - 1) as usize;
    (bounds[i], bounds[i + 1])
}

/// An insert, delete or replace of one character, the new character an edge character.
pub(crate) fn one_edit(rng: &mut TestRng, s: &[u8], bounds: &[usize]) -> Vec<u8> {
    let c = edge_char(rng);
    let mut buf = [0u8; 4];
    let c = c.encode_utf8(&mut buf).as_bytes();
    let (a, b) = pick_char(rng, bounds);
    let mut out = s[..a].to_vec();
    match below(rng, 3) {
        0 => {
            out.extend_from_slice(c);
            out.extend_from_slice(&s[a..]);
        }
        1 => out.extend_from_slice(&s[b..]),
        _ => {
            out.extend_from_slice(c);
            out.extend_from_slice(&s[b..]);
        }
    }
    out
}

/// A character where ports break: special, whitespace, number-like or ASCII punctuation.
pub(crate) fn edge_char(rng: &mut TestRng) -> char {
    match below(rng, 4) {
        0 => *pick(rng, edges::SPECIAL),
        1 => *pick(rng, edges::WHITESPACE),
        2 => *pick(rng, edges::NUMBERISH),
        _ => char::from(*pick(rng, b"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~aZ")),
    }
}

fn relate_list(rng: &mut TestRng, xs: &[Value], item: &Type) -> Vec<Value> {
    let mut out = xs.to_vec();
    if xs.is_empty() {
        return out;
    }
    let n = xs.len();
    match below(rng, 7) {
        0 => {}
        1 => out.reverse(),
        2 => out.rotate_left(1 + below(rng, n as u64) as usize % n),
        3 => {
            // A permutation (Fisher–Yates).
            for i in (1..n).rev() {
                out.swap(i, below(rng, i as u64 + 1) as usize);
            }
        }
        4 => {
            let (a, b) = (below(rng, n as u64 + 1), below(rng, n as u64 + 1));
            out = xs[a.min(b) as usize..a.max(b) as usize].to_vec();
        }
        5 => {
            let i = below(rng, n as u64) as usize;
            out[i] = relate(rng, &xs[i], item);
        }
        _ => {
            let i = below(rng, n as u64) as usize;
            if below(rng, 2) == 0 {
                out.remove(i);
            } else {
                out.insert(i, xs[i].clone());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::test_runner::RngAlgorithm;

    fn rng() -> TestRng {
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32])
    }

    #[test]
    fn case_relations_include_length_changing_mappings_and_folds() {
        let mut rng = rng();
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..2000 {
            seen.insert(relate_text(&mut rng, "ßİ".as_bytes()));
        }
        for want in ["SSİ", "ßi\u{307}", "ssi\u{307}", "ßİ", "ß", "İ"] {
            assert!(seen.contains(want.as_bytes()), "missing {want:?}");
        }
        assert_eq!(
            simple_fold("ßΣK"),
            "ßσk",
            "simple folding keeps ß, one for one"
        );
    }

    #[test]
    fn integers_derive_across_widths_only_when_the_value_fits() {
        assert!(compatible(&Type::I64, &Type::U8));
        assert!(!compatible(&Type::I64, &Type::String));
        assert_eq!(convert(&Value::Int(300), &Type::I64, &Type::U8), None);
        assert_eq!(
            convert(&Value::Int(200), &Type::I64, &Type::U8),
            Some(Value::Uint(200))
        );
        assert_eq!(
            convert(
                &Value::Str(b"a".to_vec()),
                &Type::String,
                &Type::Option(Box::new(Type::Bytes))
            ),
            Some(Value::Bytes(b"a".to_vec()))
        );
    }

    #[test]
    fn list_relations_keep_the_elements() {
        let mut rng = rng();
        let xs: Vec<Value> = (0..5).map(Value::Int).collect();
        for _ in 0..200 {
            let ys = relate_list(&mut rng, &xs, &Type::I64);
            assert!(ys.len() <= 6);
        }
    }
}
