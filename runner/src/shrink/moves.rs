//! Candidate moves: for a value, the ways to simplify it or a part of it, in order of preference
//! (most aggressive first, outer before inner, left to right). A move becomes a candidate only if
//! its result is admissible and strictly simpler (checked when it is applied).

use std::cmp::Ordering;
use std::collections::HashSet;

use super::chars::{least_of_same_category, least_of_same_category_and_length};
use super::order::{char_rank, cmp_simplicity, int_target, sig_digits, units};
use crate::generate::{
    admissible, field_hints, int_domain, item_hints, key_hints, option_hints, value_hints,
};
use crate::spec::Hints;
use crate::value::{Type, Value};

/// One way to simplify a node of a value. Moves are recipes, turned into values only when the
/// walk reaches them, so a long string or list costs a few words per candidate until then.
#[derive(Clone, Debug)]
pub(crate) enum Move {
    /// Replace the node with this value.
    Set(Value),
    /// Remove items `start..end` of a list, map, byte string, or characters of a string.
    Remove(usize, usize),
    /// Replace byte `i` of a byte string.
    Byte(usize, u8),
    /// Replace character (or invalid sequence) `i` of a string.
    Unit(usize, char),
    /// Replace the key of map entry `i` (the map is re-sorted).
    Key(usize, Value),
    /// Replace character (or invalid sequence) `i` of a string with these raw bytes, which may
    /// be invalid UTF-8: how an invalid sequence moves to a simpler invalid one.
    Raw(usize, Vec<u8>),
    /// Replace ASCII letter or digit `i` of a string with this lower one of its class, and the
    /// run of characters of that class right after it with the class's last character
    /// (`z`, `9`, `Z`): a decrement with borrow, `"6000"` to `"5999"`, which reaches the least
    /// string above a threshold that lowering one character at a time cannot.
    Borrow(usize, char),
}

/// A candidate: apply `mv` to the node of an argument at `path`, a value of `ty` under `hints`.
/// A path segment selects a list element, the value of a map entry (by position) or a struct
/// field; options are transparent (a present option is its value).
#[derive(Clone, Debug)]
pub(crate) struct Edit<'a> {
    path: Vec<usize>,
    ty: &'a Type,
    hints: &'a Hints,
    mv: Move,
}

impl<'a> Edit<'a> {
    /// The edit `mv` of the node at `path`, a value of `ty` under `hints`.
    pub(crate) fn new(path: Vec<usize>, ty: &'a Type, hints: &'a Hints, mv: Move) -> Edit<'a> {
        Edit {
            path,
            ty,
            hints,
            mv,
        }
    }
}

/// The node of `root` at `path` (see [`Edit`]).
pub(crate) fn node_at<'v>(root: &'v Value, path: &[usize]) -> &'v Value {
    let mut node = root;
    for &i in path {
        node = match node {
            Value::List(xs) | Value::Struct(xs) => &xs[i],
            Value::Map(es) => &es[i].1,
            _ => unreachable!("edit paths follow the value they were made from"),
        };
    }
    node
}

/// Every node of `v` (of type `ty` under `hints`) with its path, type and hints, outer before
/// inner, left to right: the positions the canonical pass visits.
pub(crate) fn nodes<'a>(v: &Value, ty: &'a Type, hints: &'a Hints) -> Vec<Node<'a>> {
    let mut out = Vec::new();
    walk(v, ty, hints, &mut Vec::new(), &mut |path, ty, hints| {
        out.push(Node {
            path: path.to_vec(),
            ty,
            hints,
        })
    });
    out
}

/// A node of a value: where it is, its type and its hints.
pub(crate) struct Node<'a> {
    /// The path from the argument to the node (see [`Edit`]).
    pub(crate) path: Vec<usize>,
    /// The node's type.
    pub(crate) ty: &'a Type,
    /// The node's hints.
    pub(crate) hints: &'a Hints,
}

/// The argument `root` with `edit` applied, if the result is admissible and strictly simpler.
pub(crate) fn apply(root: &Value, edit: &Edit) -> Option<Value> {
    let node = node_at(root, &edit.path);
    let new = materialize(node, &edit.mv)?;
    if cmp_simplicity(&new, node, edit.ty, edit.hints) != Ordering::Less
        || !admissible(&new, edit.ty, edit.hints)
    {
        return None;
    }
    let mut out = root.clone();
    let mut at = &mut out;
    for &i in &edit.path {
        at = match at {
            Value::List(xs) | Value::Struct(xs) => &mut xs[i],
            Value::Map(es) => &mut es[i].1,
            _ => unreachable!("edit paths follow the value they were made from"),
        };
    }
    *at = new;
    Some(out)
}

fn cut<T: Clone>(xs: &[T], a: usize, b: usize) -> Vec<T> {
    let mut c = Vec::with_capacity(xs.len() - (b - a));
    c.extend_from_slice(&xs[..a]);
    c.extend_from_slice(&xs[b..]);
    c
}

fn materialize(node: &Value, mv: &Move) -> Option<Value> {
    Some(match (mv, node) {
        (Move::Set(v), _) => v.clone(),
        (Move::Remove(a, b), Value::List(xs)) => Value::List(cut(xs, *a, *b)),
        (Move::Remove(a, b), Value::Bytes(bs)) => Value::Bytes(cut(bs, *a, *b)),
        (Move::Remove(a, b), Value::Map(es)) => Value::Map(cut(es, *a, *b)),
        (Move::Remove(a, b), Value::Str(s)) => {
            let us = units(s);
            Value::Str(
                cut(&us, *a, *b)
                    .iter()
                    .flat_map(|(u, _)| u.iter().copied())
                    .collect(),
            )
        }
        (Move::Byte(i, x), Value::Bytes(bs)) => {
            let mut c = bs.clone();
            c[*i] = *x;
            Value::Bytes(c)
        }
        (Move::Unit(i, ch), Value::Str(s)) => {
            let mut buf = [0u8; 4];
            let mut c = Vec::with_capacity(s.len());
            for (j, (u, _)) in units(s).iter().enumerate() {
                if j == *i {
                    c.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                } else {
                    c.extend_from_slice(u);
                }
            }
            Value::Str(c)
        }
        (Move::Raw(i, bytes), Value::Str(s)) => {
            let mut c = Vec::with_capacity(s.len());
            for (j, (u, _)) in units(s).iter().enumerate() {
                c.extend_from_slice(if j == *i { bytes } else { u });
            }
            Value::Str(c)
        }
        (Move::Borrow(i, ch), Value::Str(s)) => {
            let us = units(s);
            let class = ascii_class(us.get(*i)?.1?)?;
            let mut c = Vec::with_capacity(s.len());
            let mut run = true;
            for (j, (u, unit)) in us.iter().enumerate() {
                if j < *i {
                    c.extend_from_slice(u);
                } else if j == *i {
                    c.push(*ch as u8);
                } else {
                    run = run && unit.and_then(ascii_class) == Some(class);
                    if run {
                        c.push(class_last(class) as u8);
                    } else {
                        c.extend_from_slice(u);
                    }
                }
            }
            Value::Str(c)
        }
        (Move::Key(i, k), Value::Map(es)) => {
            // A key that collides with another entry would drop it: that is a removal, which is
            // proposed on its own.
            if es.iter().any(|(other, _)| other == k) {
                return None;
            }
            let mut c = es.clone();
            c[*i].0 = k.clone();
            Value::Map(Value::sort_map(c))
        }
        _ => return None,
    })
}

/// All edits of `v` (of type `ty` under `hints`), in order of preference.
pub(crate) fn edits<'a>(v: &Value, ty: &'a Type, hints: &'a Hints) -> Vec<Edit<'a>> {
    let mut out = Vec::new();
    collect(v, ty, hints, &mut out);
    out
}

/// The edits of every node of `root`, in walk order.
fn collect<'a>(root: &Value, ty: &'a Type, hints: &'a Hints, out: &mut Vec<Edit<'a>>) {
    walk(root, ty, hints, &mut Vec::new(), &mut |path, ty, hints| {
        let node = node_at(root, path);
        for mv in own_moves(node, ty, hints) {
            out.push(Edit {
                path: path.to_vec(),
                ty,
                hints,
                mv,
            });
        }
    });
}

/// Calls `visit` on every node of `v` below `path`, outer before inner, left to right; options
/// are transparent (a present option is visited as its value, with the inner type).
fn walk<'a>(
    v: &Value,
    ty: &'a Type,
    hints: &'a Hints,
    path: &mut Vec<usize>,
    visit: &mut dyn FnMut(&[usize], &'a Type, &'a Hints),
) {
    visit(path, ty, hints);
    match (ty, v) {
        (Type::Option(_), Value::Nil) => {}
        (Type::Option(inner), v) => walk(v, inner, option_hints(hints), path, visit),
        (Type::List(item), Value::List(xs)) => {
            let h = item_hints(hints);
            for (i, x) in xs.iter().enumerate() {
                path.push(i);
                walk(x, item, h, path, visit);
                path.pop();
            }
        }
        (Type::Map(_, val), Value::Map(es)) => {
            let h = value_hints(hints);
            for (i, (_, x)) in es.iter().enumerate() {
                path.push(i);
                walk(x, val, h, path, visit);
                path.pop();
            }
        }
        (Type::Struct(st), Value::Struct(fs)) => {
            for (i, (f, field)) in fs.iter().zip(&st.fields).enumerate() {
                path.push(i);
                walk(f, &field.ty, field_hints(hints, i), path, visit);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Moves of the whole node (not of its parts), in order of preference. `Set` moves are
/// deduplicated and prefiltered by simplicity; every move is checked again when applied.
fn own_moves(v: &Value, ty: &Type, hints: &Hints) -> Vec<Move> {
    let sets = |alts: Vec<Value>| -> Vec<Move> {
        let mut seen = HashSet::new();
        alts.into_iter()
            .filter(|a| cmp_simplicity(a, v, ty, hints) == Ordering::Less && seen.insert(a.clone()))
            .map(Move::Set)
            .collect()
    };
    match (ty, v) {
        (Type::Option(_), Value::Nil) => Vec::new(),
        (Type::Option(_), _) => vec![Move::Set(Value::Nil)],
        (Type::Bool, Value::Bool(true)) => vec![Move::Set(Value::Bool(false))],
        (t, Value::Int(x)) => sets(
            int_moves((*x).into(), t, hints)
                .into_iter()
                .map(|y| Value::Int(y as i64))
                .collect(),
        ),
        (t, Value::Uint(x)) => sets(
            int_moves((*x).into(), t, hints)
                .into_iter()
                .map(|y| Value::Uint(y as u64))
                .collect(),
        ),
        (_, Value::F64(x)) => sets(float_moves(*x, false).into_iter().map(Value::F64).collect()),
        (_, Value::F32(x)) => sets(
            float_moves(f64::from(*x), true)
                .into_iter()
                .map(|y| Value::F32(y as f32))
                .collect(),
        ),
        (_, Value::Str(s)) => str_moves(s, hints),
        (Type::Bytes, Value::Nil) => vec![Move::Set(Value::Bytes(Vec::new()))],
        (Type::List(_), Value::Nil) => vec![Move::Set(Value::List(Vec::new()))],
        (Type::Map(..), Value::Nil) => vec![Move::Set(Value::Map(Vec::new()))],
        (Type::Bytes, Value::Bytes(b)) => {
            let mut out = removals(b.len());
            let h = item_hints(hints);
            let target = int_target(&Type::U8, h);
            for (i, x) in b.iter().enumerate() {
                let mut ys = int_moves((*x).into(), &Type::U8, h);
                ys.retain(|y| (y - target).abs() < (i128::from(*x) - target).abs());
                ys.dedup();
                out.extend(ys.into_iter().map(|y| Move::Byte(i, y as u8)));
            }
            out
        }
        (Type::List(_), Value::List(xs)) => removals(xs.len()),
        (Type::Map(k, _), Value::Map(es)) => {
            let mut out = removals(es.len());
            let kh = key_hints(hints);
            for (i, (key, _)) in es.iter().enumerate() {
                for mv in own_moves(key, k, kh) {
                    if let Move::Set(alt) = mv {
                        out.push(Move::Key(i, alt));
                    } else if let Some(alt) = materialize(key, &mv) {
                        out.push(Move::Key(i, alt));
                    }
                }
            }
            out
        }
        _ => Vec::new(),
    }
}

/// Removals of chunks, delta-debugging style: everything, then halves, quarters, … single items.
fn removals(n: usize) -> Vec<Move> {
    if n == 0 {
        return Vec::new();
    }
    let mut out = vec![Move::Remove(0, n)];
    let mut size = n / 2;
    while size >= 1 {
        let mut start = 0;
        while start < n {
            let end = (start + size).min(n);
            out.push(Move::Remove(start, end));
            start = end;
        }
        size /= 2;
    }
    out
}

/// The target (zero or the range bound nearest zero) and the absolute value of a negative. The
/// descent tries only these: bisection towards the target is the canonical pass's job, which
/// costs a few tries per halving instead of a batch.
fn int_moves(x: i128, ty: &Type, hints: &Hints) -> Vec<i128> {
    let target = int_target(ty, hints);
    let (lo, hi) = int_domain(ty, hints);
    let mut out = vec![target];
    if x < 0 {
        out.push(-x);
    }
    out.retain(|y| (lo..=hi).contains(y));
    out
}

/// The steps of an integer in a joint move: the target, the absolute value, half way to the
/// target and one step towards it (a joint move keeps two arguments in step, as in `max = len - 1`).
fn int_steps(x: i128, ty: &Type, hints: &Hints) -> Vec<i128> {
    let target = int_target(ty, hints);
    let (lo, hi) = int_domain(ty, hints);
    let d = x - target;
    let mut out = int_moves(x, ty, hints);
    out.extend([x - d / 2, x - d.signum()]);
    out.retain(|y| (lo..=hi).contains(y));
    out
}

/// The simplifications of a whole argument tried in a joint move, at most `n`, distinct and in
/// order of preference: for an integer its [`int_steps`], for anything else its edits applied.
pub(crate) fn joint_steps(v: &Value, ty: &Type, hints: &Hints, n: usize) -> Vec<Value> {
    let mut seen = HashSet::new();
    let as_int = match (ty, v) {
        (Type::Option(_), _) => None,
        (t, Value::Int(x)) => Some(
            int_steps((*x).into(), t, hints)
                .into_iter()
                .map(|y| Value::Int(y as i64))
                .collect::<Vec<_>>(),
        ),
        (t, Value::Uint(x)) => Some(
            int_steps((*x).into(), t, hints)
                .into_iter()
                .map(|y| Value::Uint(y as u64))
                .collect(),
        ),
        _ => None,
    };
    let candidates: Vec<Value> = match as_int {
        Some(ys) => ys
            .into_iter()
            .filter(|y| {
                cmp_simplicity(y, v, ty, hints) == Ordering::Less && admissible(y, ty, hints)
            })
            .collect(),
        None => edits(v, ty, hints)
            .iter()
            .filter_map(|e| apply(v, e))
            .collect(),
    };
    candidates
        .into_iter()
        .filter(|y| seen.insert(y.clone()))
        .take(n)
        .collect()
}

/// Zero, one, the absolute value, the integer part and fewer significant digits. NaN and ±Inf
/// are only offered finite replacements: if they are what makes the input diverge, those fail
/// and the NaN stays. Bisection of the magnitude is the canonical pass's job.
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
    out
}

/// Empty, chunk removals, then each character replaced by a simpler one: `a`, its ASCII lower
/// case, `0`, `A`, the simplest character of the charset, the least character of its Unicode
/// general category (in the shortest UTF-8 length, then in its own), `\x00`, then the familiar
/// character of each UTF-8 length (`é`, `€`, `😀`), so that a bug that needs a multi-byte
/// character is reported with one a reader recognizes. The canonical pass then tries every
/// simpler character (see `chars`).
fn str_moves(s: &[u8], hints: &Hints) -> Vec<Move> {
    let us = units(s);
    let mut out = removals(us.len());
    let simplest_in_charset = hints
        .charset
        .as_ref()
        .and_then(|set| set.iter().copied().min_by_key(|c| char_rank(Some(*c))));
    for (i, (_, c)) in us.iter().enumerate() {
        let rank = char_rank(*c);
        let lower = c.map(|c| c.to_ascii_lowercase());
        let mut tried: Vec<char> = Vec::with_capacity(12);
        for r in [
            Some('a'),
            lower,
            Some('0'),
            Some('A'),
            simplest_in_charset,
            c.map(least_of_same_category),
            c.map(least_of_same_category_and_length),
            Some('\0'),
            Some('é'),
            Some('€'),
            Some('😀'),
        ]
        .into_iter()
        .flatten()
        {
            if char_rank(Some(r)) < rank && !tried.contains(&r) {
                tried.push(r);
                out.push(Move::Unit(i, r));
            }
        }
    }
    out
}

/// The class of an ASCII character that [`Move::Borrow`] counts in: 0 lower-case letters,
/// 1 digits, 2 upper-case letters; `None` for anything else.
pub(crate) fn ascii_class(c: char) -> Option<u8> {
    if c.is_ascii_lowercase() {
        Some(0)
    } else if c.is_ascii_digit() {
        Some(1)
    } else if c.is_ascii_uppercase() {
        Some(2)
    } else {
        None
    }
}

/// The last character of a class of [`ascii_class`] in the simplicity order.
fn class_last(class: u8) -> char {
    match class {
        0 => 'z',
        1 => '9',
        _ => 'Z',
    }
}
