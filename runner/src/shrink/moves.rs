//! Candidate moves: for a value, every admissible, strictly simpler replacement of it or of a
//! part of it, in order of preference (most aggressive first, outer before inner, left to right).

use std::cmp::Ordering;
use std::collections::HashSet;

use super::order::{char_rank, cmp_simplicity, int_target, sig_digits, units};
use crate::generate::{
    admissible, field_hints, int_domain, item_hints, key_hints, option_hints, value_hints,
};
use crate::spec::Hints;
use crate::value::{Type, Value};

/// A candidate: replace the part of an argument at `path` with `value`. A path segment selects a
/// list element, the value of a map entry (by position) or a struct field; options are
/// transparent (a present option is its value).
#[derive(Clone, Debug)]
pub(crate) struct Edit {
    pub(crate) path: Vec<usize>,
    pub(crate) value: Value,
}

/// Applies an edit to a copy of `root`.
pub(crate) fn apply(root: &Value, edit: &Edit) -> Value {
    let mut out = root.clone();
    let mut at = &mut out;
    for &i in &edit.path {
        at = match at {
            Value::List(xs) | Value::Struct(xs) => &mut xs[i],
            Value::Map(es) => &mut es[i].1,
            _ => unreachable!("edit paths follow the value they were made from"),
        };
    }
    *at = edit.value.clone();
    out
}

/// All edits of `v` (of type `ty` under `hints`), in order of preference.
pub(crate) fn edits(v: &Value, ty: &Type, hints: &Hints) -> Vec<Edit> {
    let mut out = Vec::new();
    let mut path = Vec::new();
    collect(v, ty, hints, &mut path, &mut out);
    out
}

fn collect(v: &Value, ty: &Type, hints: &Hints, path: &mut Vec<usize>, out: &mut Vec<Edit>) {
    let mut seen: HashSet<Value> = HashSet::new();
    for alt in own_moves(v, ty, hints) {
        if cmp_simplicity(&alt, v, ty, hints) == Ordering::Less
            && admissible(&alt, ty, hints)
            && seen.insert(alt.clone())
        {
            out.push(Edit {
                path: path.clone(),
                value: alt,
            });
        }
    }
    match (ty, v) {
        (Type::Option(_), Value::Nil) => {}
        (Type::Option(inner), v) => collect(v, inner, option_hints(hints), path, out),
        (Type::List(item), Value::List(xs)) => {
            let h = item_hints(hints);
            for (i, x) in xs.iter().enumerate() {
                path.push(i);
                collect(x, item, h, path, out);
                path.pop();
            }
        }
        (Type::Map(_, val), Value::Map(es)) => {
            let h = value_hints(hints);
            for (i, (_, x)) in es.iter().enumerate() {
                path.push(i);
                collect(x, val, h, path, out);
                path.pop();
            }
        }
        (Type::Struct(st), Value::Struct(fs)) => {
            for (i, (f, field)) in fs.iter().zip(&st.fields).enumerate() {
                path.push(i);
                collect(f, &field.ty, field_hints(hints, i), path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Replacements of the whole value (not of its parts), unfiltered, in order of preference.
fn own_moves(v: &Value, ty: &Type, hints: &Hints) -> Vec<Value> {
    match (ty, v) {
        (Type::Option(_), Value::Nil) => Vec::new(),
        (Type::Option(_), _) => vec![Value::Nil],
        (Type::Bool, Value::Bool(true)) => vec![Value::Bool(false)],
        (t, Value::Int(x)) => int_moves((*x).into(), t, hints)
            .into_iter()
            .map(|y| Value::Int(y as i64))
            .collect(),
        (t, Value::Uint(x)) => int_moves((*x).into(), t, hints)
            .into_iter()
            .map(|y| Value::Uint(y as u64))
            .collect(),
        (_, Value::F64(x)) => float_moves(*x, false).into_iter().map(Value::F64).collect(),
        (_, Value::F32(x)) => float_moves(f64::from(*x), true)
            .into_iter()
            .map(|y| Value::F32(y as f32))
            .collect(),
        (_, Value::Str(s)) => str_moves(s, hints).into_iter().map(Value::Str).collect(),
        (Type::Bytes, Value::Nil) => vec![Value::Bytes(Vec::new())],
        (Type::List(_), Value::Nil) => vec![Value::List(Vec::new())],
        (Type::Map(..), Value::Nil) => vec![Value::Map(Vec::new())],
        (Type::Bytes, Value::Bytes(b)) => {
            let mut out: Vec<Value> = removals(b).into_iter().map(Value::Bytes).collect();
            let h = item_hints(hints);
            for (i, x) in b.iter().enumerate() {
                for y in int_moves((*x).into(), &Type::U8, h) {
                    let mut c = b.clone();
                    c[i] = y as u8;
                    out.push(Value::Bytes(c));
                }
            }
            out
        }
        (Type::List(_), Value::List(xs)) => removals(xs).into_iter().map(Value::List).collect(),
        (Type::Map(k, _), Value::Map(es)) => {
            let mut out: Vec<Value> = removals(es).into_iter().map(Value::Map).collect();
            let kh = key_hints(hints);
            for (i, (key, _)) in es.iter().enumerate() {
                for alt in own_moves(key, k, kh) {
                    // A key that collides with another entry would drop it: that is a removal,
                    // already proposed above.
                    if es.iter().any(|(other, _)| *other == alt) {
                        continue;
                    }
                    let mut c = es.clone();
                    c[i].0 = alt;
                    out.push(Value::Map(Value::sort_map(c)));
                }
            }
            out
        }
        _ => Vec::new(),
    }
}

/// Removals of chunks, delta-debugging style: everything, then halves, quarters, … single items.
fn removals<T: Clone>(xs: &[T]) -> Vec<Vec<T>> {
    let n = xs.len();
    if n == 0 {
        return Vec::new();
    }
    let mut out = vec![Vec::new()];
    let mut size = n / 2;
    while size >= 1 {
        let mut start = 0;
        while start < n {
            let end = (start + size).min(n);
            let mut c = Vec::with_capacity(n - (end - start));
            c.extend_from_slice(&xs[..start]);
            c.extend_from_slice(&xs[end..]);
            out.push(c);
            start = end;
        }
        size /= 2;
    }
    out
}

/// The target (zero or the range bound nearest zero), the absolute value of a negative, then
/// steps towards the target: half the distance, a quarter less, … one less.
fn int_moves(x: i128, ty: &Type, hints: &Hints) -> Vec<i128> {
    let target = int_target(ty, hints);
    let (lo, hi) = int_domain(ty, hints);
    let mut out = vec![target];
    if x < 0 {
        out.push(-x);
    }
    let d = x - target;
    let mut k = 1;
    while k < 70 && d / (1i128 << k) != 0 {
        out.push(x - d / (1i128 << k));
        k += 1;
    }
    if d != 0 {
        out.push(x - d.signum());
    }
    out.retain(|y| (lo..=hi).contains(y));
    out
}

/// Zero, one, the absolute value, the integer part, fewer significant digits, halving, and for
/// integers steps towards zero. NaN and ±Inf are only offered finite replacements: if they are
/// what makes the input diverge, those fail and the NaN stays.
fn float_moves(x: f64, f32: bool) -> Vec<f64> {
    let mut out = vec![0.0, 1.0];
    if x.is_nan() {
        out.push(if f32 { f64::from(f32::NAN) } else { f64::NAN });
        return out;
    }
    if x == f64::NEG_INFINITY {
        out.push(f64::INFINITY);
    }
    if !x.is_finite() {
        return out;
    }
    if x.is_sign_negative() {
        out.push(-x);
    }
    out.push(x.trunc());
    for n in 1..sig_digits(x, f32) {
        let rounded = format!("{:.*e}", n - 1, x);
        if let Ok(y) = rounded.parse::<f64>() {
            out.push(y);
        }
    }
    out.push(x / 2.0);
    if x.fract() == 0.0 {
        let mut k = 1;
        while k < 64 {
            let step = (x / 2f64.powi(k)).trunc();
            if step == 0.0 {
                break;
            }
            out.push(x - step);
            k += 1;
        }
        out.push(x - x.signum());
    }
    out
}

/// Empty, chunk removals, then each character replaced by a simpler one: `a`, its ASCII lower
/// case, `0`, `A`, the simplest character of the charset.
fn str_moves(s: &[u8], hints: &Hints) -> Vec<Vec<u8>> {
    let us = units(s);
    let mut out: Vec<Vec<u8>> = removals(&us)
        .into_iter()
        .map(|kept| kept.iter().flat_map(|(b, _)| b.iter().copied()).collect())
        .collect();
    let simplest_in_charset = hints
        .charset
        .as_ref()
        .and_then(|set| set.iter().copied().min_by_key(|c| char_rank(Some(*c))));
    let mut buf = [0u8; 4];
    for (i, (_, c)) in us.iter().enumerate() {
        let rank = char_rank(*c);
        let lower = c.map(|c| c.to_ascii_lowercase());
        let replacements = [Some('a'), lower, Some('0'), Some('A'), simplest_in_charset];
        for r in replacements.into_iter().flatten() {
            if char_rank(Some(r)) >= rank {
                continue;
            }
            let mut c = Vec::with_capacity(s.len());
            for (j, (b, _)) in us.iter().enumerate() {
                if j == i {
                    c.extend_from_slice(r.encode_utf8(&mut buf).as_bytes());
                } else {
                    c.extend_from_slice(b);
                }
            }
            out.push(c);
        }
    }
    out
}
