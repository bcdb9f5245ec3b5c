//! The canonical pass: after the greedy descent stops at a local minimum, every position of the
//! input (each integer, float, character and byte, arguments first to last, outer before inner,
//! left to right) is moved to the least value under the simplicity order that still diverges,
//! the rest of the input fixed.
//!
//! - characters: every simpler character in increasing rank (all of ASCII and the 2-byte range,
//!   a deterministic sample above; see `chars`), so the first that diverges is the least;
//! - integers and bytes: the values nearest the target exhaustively ([`SMALL`] on either side),
//!   then a [`PROBES`]-way bisection of the distance on the value's own side: exact when the
//!   divergence is monotone in the distance (a threshold), a boundary of it otherwise; then
//!   the value with one decimal digit deleted or its leading digits dropped (a bug just below
//!   a power of ten has its least input in the lowest such window, which a bisection misses);
//! - floats: the small integers, then the same bisection over the magnitude's bits, truncated
//!   to integers (every float above 2^53 is one), because integers are the simplest floats;
//!   then the integers keeping the mantissa's low bits, and for a non-integer its decimal
//!   neighbours of fewer or smaller significant digits and a bisection over the decimals of as
//!   many digits by magnitude (see `floats`).
//!
//! Whatever local minimum a seed reached, each position then holds the least value that keeps
//! the divergence, which is what makes two local minima of the same bug the same input.

use super::chars::unit_moves;
use super::floats;
use super::moves::{apply, node_at, nodes, Edit, Move, Node};
use super::order::{ascii_in_rank_order, cmp_simplicity, int_target, units, FAMILIAR};
use super::{Stopped, Tester, BATCH};
use crate::generate::{int_domain, item_hints};
use crate::spec::FunctionSpec;
use crate::value::{Type, Value};

/// Values this near the target are tried one by one, on both sides, before any bisection.
pub(crate) const SMALL: u128 = 8;

/// Probes per bisection round: one round divides the interval by `PROBES + 1`.
pub(crate) const PROBES: u128 = 8;

/// Moves each position of `current` to its least diverging value; whether anything changed.
pub(crate) fn canonicalize(
    fun: &FunctionSpec,
    current: &mut [Value],
    t: &mut Tester,
) -> Result<bool, Stopped> {
    let mut changed = false;
    for k in 0..current.len().min(fun.args.len()) {
        let spec = &fun.args[k];
        for node in nodes(&current[k], &spec.ty, &spec.hints) {
            changed |= position(current, k, &node, t)?;
        }
    }
    Ok(changed)
}

/// Canonicalizes the node `node` of argument `k`.
fn position(current: &mut [Value], k: usize, node: &Node, t: &mut Tester) -> Result<bool, Stopped> {
    let value = node_at(&current[k], &node.path).clone();
    let set = |v: Value| Move::Set(v);
    match (node.ty, &value) {
        (Type::Option(_), _) => Ok(false),
        (ty, Value::Int(x)) => {
            let target = int_target(ty, node.hints);
            let domain = int_domain(ty, node.hints);
            integer(current, k, node, t, (*x).into(), target, domain, &|y| {
                set(Value::Int(y as i64))
            })
        }
        (ty, Value::Uint(x)) => {
            let target = int_target(ty, node.hints);
            let domain = int_domain(ty, node.hints);
            integer(current, k, node, t, (*x).into(), target, domain, &|y| {
                set(Value::Uint(y as u64))
            })
        }
        (_, Value::F64(x)) => float(current, k, node, t, *x, false, &|y| set(Value::F64(y))),
        (_, Value::F32(x)) => float(current, k, node, t, f64::from(*x), true, &|y| {
            set(Value::F32(y as f32))
        }),
        (_, Value::Str(s)) => {
            let mut changed = merge(current, k, node, t, units(s).len())?;
            let n = match node_at(&current[k], &node.path) {
                Value::Str(s) => units(s).len(),
                _ => 0,
            };
            for i in 0..n {
                changed |= character(current, k, node, t, i)?;
            }
            Ok(changed)
        }
        (Type::Bytes, Value::Bytes(bs)) => {
            let h = item_hints(node.hints);
            let target = int_target(&Type::U8, h);
            let domain = int_domain(&Type::U8, h);
            let mut changed = false;
            for (i, b) in bs.iter().enumerate() {
                changed |= integer(current, k, node, t, (*b).into(), target, domain, &|y| {
                    Move::Byte(i, y as u8)
                })?;
            }
            Ok(changed)
        }
        _ => Ok(false),
    }
}

/// The input with move `mv` applied to the node, if admissible and strictly simpler.
fn candidate(current: &[Value], k: usize, node: &Node, mv: Move) -> Option<Vec<Value>> {
    let arg = apply(
        &current[k],
        &Edit::new(node.path.clone(), node.ty, node.hints, mv),
    )?;
    let mut c = current.to_vec();
    c[k] = arg;
    Some(c)
}

/// Tests the moves in order and takes the first that diverges; whether one did.
fn take_least(
    current: &mut [Value],
    k: usize,
    node: &Node,
    t: &mut Tester,
    moves: impl Iterator<Item = Move>,
    size: usize,
) -> Result<bool, Stopped> {
    let candidates: Vec<Vec<Value>> = moves
        .filter_map(|mv| candidate(current, k, node, mv))
        .collect();
    match t.least(&candidates, size)? {
        Some(i) => {
            current[k] = candidates[i][k].clone();
            Ok(true)
        }
        None => Ok(false),
    }
}

/// Strings at most this long (in characters) get [`merge`] candidates.
const MERGE_UP_TO: usize = 24;

/// Two neighbouring characters replaced by one (`a`, a digit, `A`, space, ASCII punctuation or a
/// familiar character), which removes
/// one and changes another at once (`"0e0"` to `"+0"`, `"éa"` to `"€"`), or swapped (`"+0"` to
/// `"0+"`): the least such string that diverges, tried in increasing simplicity.
fn merge(
    current: &mut [Value],
    k: usize,
    node: &Node,
    t: &mut Tester,
    n: usize,
) -> Result<bool, Stopped> {
    if !(2..=MERGE_UP_TO).contains(&n) {
        return Ok(false);
    }
    let Value::Str(s) = node_at(&current[k], &node.path).clone() else {
        return Ok(false);
    };
    let us = units(&s);
    // Not all of ASCII: a merge is tried at every pair, so it costs this many tries per pair.
    let replacements: Vec<char> = ascii_in_rank_order()
        .filter(|c| c.is_ascii_punctuation() || c.is_ascii_digit() || "aA ".contains(*c))
        .chain(FAMILIAR[1..].iter().copied())
        .collect();
    let mut strings: Vec<Vec<u8>> = Vec::new();
    let mut buf = [0u8; 4];
    for i in 0..n - 1 {
        for r in &replacements {
            let mut c = Vec::with_capacity(s.len());
            for (j, (u, _)) in us.iter().enumerate() {
                if j == i {
                    c.extend_from_slice(r.encode_utf8(&mut buf).as_bytes());
                } else if j != i + 1 {
                    c.extend_from_slice(u);
                }
            }
            strings.push(c);
        }
        let mut swapped: Vec<&[u8]> = us.iter().map(|(u, _)| *u).collect();
        swapped.swap(i, i + 1);
        strings.push(swapped.concat());
    }
    strings.sort_by(|a, b| {
        cmp_simplicity(
            &Value::Str(a.clone()),
            &Value::Str(b.clone()),
            node.ty,
            node.hints,
        )
    });
    strings.dedup();
    take_least(
        current,
        k,
        node,
        t,
        strings.into_iter().map(|x| Move::Set(Value::Str(x))),
        BATCH,
    )
}

/// The least character at unit `i` of the string node.
fn character(
    current: &mut [Value],
    k: usize,
    node: &Node,
    t: &mut Tester,
    i: usize,
) -> Result<bool, Stopped> {
    let Value::Str(s) = node_at(&current[k], &node.path) else {
        return Ok(false);
    };
    let moves = unit_moves(s, i);
    take_least(current, k, node, t, moves.into_iter(), BATCH)
}

/// The least integer at the node (or at a byte of it, through `mv`): small distances from the
/// target one by one, then bisection of the distance on the current value's side, then the
/// least diverging integer of fewer decimal digits ([`floats::fewer_digits`]).
#[allow(clippy::too_many_arguments)]
fn integer(
    current: &mut [Value],
    k: usize,
    node: &Node,
    t: &mut Tester,
    x: i128,
    target: i128,
    (lo, hi): (i128, i128),
    mv: &dyn Fn(i128) -> Move,
) -> Result<bool, Stopped> {
    let distance = (x - target).unsigned_abs();
    let small = (0..=SMALL.min(distance))
        .flat_map(|m| [target + m as i128, target - m as i128])
        .filter(|y| (lo..=hi).contains(y));
    if take_least(current, k, node, t, small.map(mv), BATCH)? {
        return Ok(true);
    }
    let sign = (x - target).signum();
    let bisected = bisect(
        SMALL,
        distance,
        |m| mv(target + sign * m as i128),
        current,
        k,
        node,
        t,
    )?;
    let x = match node_at(&current[k], &node.path) {
        Value::Int(y) => i128::from(*y),
        Value::Uint(y) => i128::from(*y),
        _ => x,
    };
    let mut shorter: Vec<i128> = floats::fewer_digits(x)
        .into_iter()
        .filter(|y| (lo..=hi).contains(y))
        .collect();
    shorter.sort_by_key(|y| ((y - target).unsigned_abs(), *y < target));
    shorter.dedup();
    Ok(take_least(current, k, node, t, shorter.into_iter().map(mv), BATCH)? || bisected)
}

/// The least float at the node: small integers one by one, then bisection of the magnitude's
/// bits (positive floats order like their bits), each probe truncated to an integer; then the
/// integers that keep the mantissa's low bits ([`floats::low_bit_integers`]); then, while the
/// value is not an integer, the least of its decimal neighbours that diverges
/// ([`floats::decimal_neighbours`]: fewer or smaller significant digits), and last a bisection
/// over the decimals of as many significant digits in increasing magnitude.
fn float(
    current: &mut [Value],
    k: usize,
    node: &Node,
    t: &mut Tester,
    x: f64,
    f32: bool,
    mv: &dyn Fn(f64) -> Move,
) -> Result<bool, Stopped> {
    let small = (0..=SMALL as i32).flat_map(|m| [f64::from(m), -f64::from(m)]);
    if take_least(current, k, node, t, small.map(mv), BATCH)? {
        return Ok(true);
    }
    if !x.is_finite() {
        return Ok(false);
    }
    let sign = if x.is_sign_negative() { -1.0 } else { 1.0 };
    let mut changed = false;
    if x.abs() > SMALL as f64 {
        let (from, to) = ((SMALL as f64).to_bits(), x.abs().to_bits());
        changed |= bisect(
            u128::from(from),
            u128::from(to),
            |bits| mv(sign * f64::from_bits(bits as u64).trunc()),
            current,
            k,
            node,
            t,
        )?;
    }
    let now = |c: &[Value]| float_at(c, k, node).unwrap_or(x);
    let signed = |ys: Vec<f64>| {
        let mut out: Vec<f64> = ys.to_vec();
        if sign < 0.0 {
            out.extend(ys.iter().map(|y| -y));
        }
        sorted(out, f32, node)
    };
    let ints = signed(floats::low_bit_integers(now(current), f32));
    changed |= take_least(current, k, node, t, ints.into_iter().map(mv), BATCH)?;
    while now(current).fract() != 0.0 {
        let near = signed(floats::decimal_neighbours(now(current), f32));
        if !take_least(current, k, node, t, near.into_iter().map(mv), BATCH)? {
            break;
        }
        changed = true;
    }
    let y = now(current);
    if let (Some(d), true) = (floats::Decimal::of(y, f32), y.fract() != 0.0) {
        let s = if y.is_sign_negative() { -1.0 } else { 1.0 };
        changed |= bisect(
            0,
            d.index(f32),
            |i| mv(s * floats::decimal_at(i, d.len, f32)),
            current,
            k,
            node,
            t,
        )?;
    }
    Ok(changed)
}

/// The float at the node, if it holds one.
fn float_at(current: &[Value], k: usize, node: &Node) -> Option<f64> {
    match node_at(&current[k], &node.path) {
        Value::F64(x) => Some(*x),
        Value::F32(x) => Some(f64::from(*x)),
        _ => None,
    }
}

/// The floats in increasing simplicity at the node's type, each once.
fn sorted(mut ys: Vec<f64>, f32: bool, node: &Node) -> Vec<f64> {
    let value = |y: f64| {
        if f32 {
            Value::F32(y as f32)
        } else {
            Value::F64(y)
        }
    };
    ys.sort_by(|a, b| cmp_simplicity(&value(*a), &value(*b), node.ty, node.hints));
    ys.dedup_by(|a, b| value(*a) == value(*b));
    ys
}

/// Bisection over `lo < m < hi`, where `m = hi` diverges (the current value) and `m = lo` does
/// not (as far as tried): each round probes [`PROBES`] points of the interval in increasing
/// order and keeps the interval below the first that diverges (taking it as the current input).
fn bisect(
    mut lo: u128,
    mut hi: u128,
    at: impl Fn(u128) -> Move,
    current: &mut [Value],
    k: usize,
    node: &Node,
    t: &mut Tester,
) -> Result<bool, Stopped> {
    let mut changed = false;
    while hi > lo + 1 {
        let mut points: Vec<u128> = (1..=PROBES)
            .map(|j| lo + (hi - lo) * j / (PROBES + 1))
            .filter(|m| lo < *m && *m < hi)
            .collect();
        points.dedup();
        let probes: Vec<(u128, Vec<Value>)> = points
            .iter()
            .filter_map(|m| candidate(current, k, node, at(*m)).map(|c| (*m, c)))
            .collect();
        let candidates: Vec<Vec<Value>> = probes.iter().map(|(_, c)| c.clone()).collect();
        match t.first(&candidates)? {
            Some(i) => {
                current[k] = candidates[i][k].clone();
                changed = true;
                lo = if i == 0 { lo } else { probes[i - 1].0 };
                hi = probes[i].0;
            }
            None => lo = points.last().copied().unwrap_or(hi),
        }
    }
    Ok(changed)
}
