//! Re-anchoring: a second, seed-independent start for the shrinker.
//!
//! The greedy descent and the canonical pass end at an input where no single position (and no
//! pair of arguments) can become simpler. That is still one local minimum per region of the input
//! space that a seed happened to start in: a sort-stability bug needs two equal keys in the
//! right places, so each seed keeps the tie it started with; a parser bug is `"+0"` from one seed
//! and `"0,"` from the next, because going from one to the other changes two characters at once.
//!
//! So once the first minimum is reached, the shrinker builds a fixed family of candidates of the
//! same *shape* (the same number of characters per string, elements per list and bytes per byte
//! string) out of the simplest values only: the first [`ALPHABET`] characters of the simplicity
//! order admissible for the argument, small integers. The family depends on the shape and the
//! spec, never on the run's seed or on the values the minimum happens to hold, so two seeds that
//! reach minima of the same shape get the same family. Where the family is small (a string of one
//! or two characters over its alphabet) it is exhaustive; otherwise it is [`DRAWS`] candidates
//! from a fixed seed. The least candidate that diverges the same way is minimized in turn, and
//! the simplest of the minima wins (the first and those of the [`STARTS`] least diverging
//! members). Nothing here trusts the candidates: each is tested like any
//! other, and counts against the budget.

use std::cmp::Ordering;

use super::order::{char_rank, cmp_simplicity, int_target};
use super::{Stopped, Tester, BATCH};
use crate::generate::{admissible, field_hints, int_domain, item_hints};
use crate::spec::{FunctionSpec, Hints};
use crate::value::{Type, Value};

/// Characters (or byte values) a position of an anchored string may take: the simplest ones.
pub(crate) const ALPHABET: usize = 32;

/// Candidates drawn when the family is too large to try whole.
pub(crate) const DRAWS: usize = 512;

/// Families at most this large are tried whole, in simplicity order.
pub(crate) const EXHAUSTIVE: usize = 1024;

/// Minima with more anchored positions (characters, bytes, integers) than this are not anchored.
pub(crate) const MAX_POSITIONS: usize = 256;

/// How many diverging members of the family are minimized (the least ones): one can end at a
/// local minimum of its own, and the simplest of a few is much likelier to be the same for every
/// seed.
pub(crate) const STARTS: usize = 8;

/// A fixed seed: the family must not depend on the run's.
const SEED: u64 = 0x5eed_a2c4_0b1d_7e11;

/// The anchored family of `input`'s shape, least first, admissible only; empty when no argument
/// has a shape to anchor (no string, byte string, list or integer).
pub(crate) fn family(fun: &FunctionSpec, input: &[Value]) -> Vec<Vec<Value>> {
    let n = input.len().min(fun.args.len());
    let shapes: Vec<Shape> = (0..n)
        .map(|k| shape(&input[k], &fun.args[k].ty, &fun.args[k].hints))
        .collect();
    // A minimum with hundreds of positions is not what anchoring is for (and 512 copies of it
    // would cost memory for nothing): small minima are where seeds disagree.
    let positions: usize = shapes.iter().map(Shape::positions).sum();
    if positions == 0 || positions > MAX_POSITIONS {
        return Vec::new();
    }
    let size = shapes
        .iter()
        .try_fold(1usize, |acc, s| acc.checked_mul(s.count()?));
    let mut out: Vec<Vec<Value>> = match size {
        Some(size) if size <= EXHAUSTIVE => product(&shapes),
        _ => {
            let mut rng = SplitMix(SEED);
            (0..DRAWS)
                .map(|_| shapes.iter().map(|s| s.draw(&mut rng)).collect())
                .collect()
        }
    };
    out.retain(|c| {
        c.iter()
            .zip(&fun.args)
            .all(|(v, a)| admissible(v, &a.ty, &a.hints))
    });
    out.sort_by(|a, b| cmp_inputs(fun, a, b));
    out.dedup();
    out
}

/// Equal values move together: for each list argument, every distinct integer among its elements
/// (or among one field of its struct elements) is replaced *everywhere it occurs* by each simpler
/// small integer in turn, and the least replacement that still diverges is taken. A tie, which
/// is what a sort-stability difference needs, survives the move; moving one element alone breaks
/// it. Whether anything changed.
pub(crate) fn together(
    fun: &FunctionSpec,
    current: &mut [Value],
    t: &mut Tester,
) -> Result<bool, Stopped> {
    let mut changed = false;
    for k in 0..current.len().min(fun.args.len()) {
        let (Type::List(item), Value::List(_)) = (&fun.args[k].ty, &current[k]) else {
            continue;
        };
        changed |= swaps(fun, current, k, t)?;
        let item_h = item_hints(&fun.args[k].hints);
        // The places inside an element that hold an integer: the element, or a field.
        let fields: Vec<Option<usize>> = match &**item {
            Type::Struct(st) => (0..st.fields.len()).map(Some).collect(),
            _ => vec![None],
        };
        for field in fields {
            let (ty, hints) = match (field, &**item) {
                (Some(i), Type::Struct(st)) => (&st.fields[i].ty, field_hints(item_h, i)),
                _ => (&**item, item_h),
            };
            let mut seen: Vec<Value> = Vec::new();
            while let Value::List(xs) = &current[k] {
                let at = |x: &Value| -> Option<Value> {
                    match (field, x) {
                        (Some(i), Value::Struct(fs)) => fs.get(i).cloned(),
                        (None, x) => Some(x.clone()),
                        _ => None,
                    }
                };
                let Some(v) = xs
                    .iter()
                    .filter_map(at)
                    .find(|v| matches!(v, Value::Int(_) | Value::Uint(_)) && !seen.contains(v))
                else {
                    break;
                };
                seen.push(v.clone());
                let mut candidates = Vec::new();
                for w in small_ints(ty, hints, &v) {
                    if cmp_simplicity(&w, &v, ty, hints).is_ge() {
                        break;
                    }
                    let renamed: Vec<Value> = xs
                        .iter()
                        .map(|x| match (field, x) {
                            (Some(i), Value::Struct(fs)) if fs.get(i) == Some(&v) => {
                                let mut fs = fs.clone();
                                fs[i] = w.clone();
                                Value::Struct(fs)
                            }
                            (None, x) if *x == v => w.clone(),
                            (_, x) => x.clone(),
                        })
                        .collect();
                    let mut c = current.to_vec();
                    c[k] = Value::List(renamed);
                    if admissible(&c[k], &fun.args[k].ty, &fun.args[k].hints) {
                        candidates.push(c);
                    }
                }
                if let Some(i) = t.least(&candidates, BATCH)? {
                    current.clone_from_slice(&candidates[i]);
                    changed = true;
                    seen.clear();
                }
            }
        }
    }
    Ok(changed)
}

/// Two elements trade places: every swap of list argument `k` that makes it simpler (a simpler
/// element moves forward), least first, until none diverges. An order-dependent divergence (a
/// sort that is not stable) keeps its elements but not their places, so two seeds that found
/// the same elements in other places meet here. Whether anything changed.
fn swaps(
    fun: &FunctionSpec,
    current: &mut [Value],
    k: usize,
    t: &mut Tester,
) -> Result<bool, Stopped> {
    let (ty, hints) = (&fun.args[k].ty, &fun.args[k].hints);
    let mut changed = false;
    loop {
        let Value::List(xs) = &current[k] else {
            return Ok(changed);
        };
        let mut candidates: Vec<Vec<Value>> = Vec::new();
        for i in 0..xs.len() {
            for j in i + 1..xs.len() {
                let mut ys = xs.clone();
                ys.swap(i, j);
                let y = Value::List(ys);
                if cmp_simplicity(&y, &current[k], ty, hints).is_lt() {
                    let mut c = current.to_vec();
                    c[k] = y;
                    candidates.push(c);
                }
            }
        }
        candidates.sort_by(|a, b| cmp_inputs(fun, a, b));
        match t.least(&candidates, BATCH)? {
            Some(i) => {
                current.clone_from_slice(&candidates[i]);
                changed = true;
            }
            None => return Ok(changed),
        }
    }
}

/// Compares two inputs of `fun` in the simplicity order, argument by argument.
pub(crate) fn cmp_inputs(fun: &FunctionSpec, a: &[Value], b: &[Value]) -> Ordering {
    a.iter()
        .zip(b)
        .zip(&fun.args)
        .map(|((x, y), arg)| cmp_simplicity(x, y, &arg.ty, &arg.hints))
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

/// What an argument of the family may be.
#[derive(Clone, Debug)]
enum Shape {
    /// Not anchored: the minimum's own value.
    Keep(Value),
    /// A string of this many characters over an alphabet.
    Str(usize, Vec<char>),
    /// A byte string of this many bytes over small byte values.
    Bytes(usize, Vec<u8>),
    /// A list of these element shapes.
    List(Vec<Shape>),
    /// An integer among these candidates (the simplest values of its domain).
    Int(Vec<Value>),
    /// A struct of these field shapes.
    Struct(Vec<Shape>),
}

fn shape(v: &Value, ty: &Type, hints: &Hints) -> Shape {
    match (ty, v) {
        (Type::String, Value::Str(s)) => {
            let chars = std::str::from_utf8(s).map(|s| s.chars().count());
            match chars {
                Ok(n) => Shape::Str(n, alphabet(hints)),
                Err(_) => Shape::Keep(v.clone()),
            }
        }
        (Type::Bytes, Value::Bytes(b)) => Shape::Bytes(b.len(), (0..ALPHABET as u8).collect()),
        (Type::List(item), Value::List(xs)) => {
            let h = item_hints(hints);
            Shape::List(xs.iter().map(|x| shape(x, item, h)).collect())
        }
        (Type::Struct(st), Value::Struct(fs)) if fs.len() == st.fields.len() => Shape::Struct(
            fs.iter()
                .zip(&st.fields)
                .enumerate()
                .map(|(i, (v, f))| shape(v, &f.ty, field_hints(hints, i)))
                .collect(),
        ),
        (t, Value::Int(_) | Value::Uint(_)) => {
            let values = small_ints(t, hints, v);
            if values.is_empty() {
                Shape::Keep(v.clone())
            } else {
                Shape::Int(values)
            }
        }
        _ => Shape::Keep(v.clone()),
    }
}

/// Characters an unconstrained string is anchored over: the simplest of every class that code
/// tells apart (letters, digits, upper case, space, the punctuation that parsers and escapers
/// treat specially, the first control characters, the familiar 2-byte character), so that a bug
/// that needs a digit or a `+` is in the family too, not only the first letters of the order.
const CLASSES: &str = "abcd0123AB +-.,/:_%&'\"<>\\\0\t\né";

/// The simplest admissible characters, in rank order: a charset's first [`ALPHABET`], or
/// [`CLASSES`].
fn alphabet(hints: &Hints) -> Vec<char> {
    let mut set: Vec<char> = match &hints.charset {
        Some(set) => set.clone(),
        None => CLASSES.chars().collect(),
    };
    set.sort_by_key(|c| char_rank(Some(*c)));
    set.dedup();
    set.truncate(ALPHABET);
    set
}

/// The [`ALPHABET`] simplest integers of the domain, nearest the target first, as values of the
/// same kind as `like`.
fn small_ints(ty: &Type, hints: &Hints, like: &Value) -> Vec<Value> {
    let target = int_target(ty, hints);
    let (lo, hi) = int_domain(ty, hints);
    let mut out = Vec::with_capacity(ALPHABET);
    let mut d: i128 = 0;
    while out.len() < ALPHABET && d <= (hi - lo) {
        for y in [target + d, target - d] {
            if (d == 0 && y != target) || y < lo || y > hi || out.len() >= ALPHABET {
                continue;
            }
            let v = match like {
                Value::Int(_) => i64::try_from(y).ok().map(Value::Int),
                _ => u64::try_from(y).ok().map(Value::Uint),
            };
            if let Some(v) = v {
                if !out.contains(&v) {
                    out.push(v);
                }
            }
        }
        d += 1;
    }
    out
}

impl Shape {
    /// How many positions the family varies in this shape.
    fn positions(&self) -> usize {
        match self {
            Shape::Keep(_) => 0,
            Shape::Str(n, _) | Shape::Bytes(n, _) => *n,
            Shape::Int(_) => 1,
            Shape::List(items) | Shape::Struct(items) => items.iter().map(Shape::positions).sum(),
        }
    }

    /// How many values of this shape there are, when few enough to count.
    fn count(&self) -> Option<usize> {
        match self {
            Shape::Keep(_) => Some(1),
            Shape::Str(n, a) => pow(a.len(), *n),
            Shape::Bytes(n, a) => pow(a.len(), *n),
            Shape::Int(vs) => Some(vs.len()),
            Shape::List(items) | Shape::Struct(items) => items
                .iter()
                .try_fold(1usize, |acc, s| acc.checked_mul(s.count()?))
                .filter(|c| *c <= EXHAUSTIVE),
        }
    }

    /// Every value of this shape (only called when [`Shape::count`] is small).
    fn all(&self) -> Vec<Value> {
        match self {
            Shape::Keep(v) => vec![v.clone()],
            Shape::Int(vs) => vs.clone(),
            Shape::Str(n, a) => words(*n, a.len())
                .into_iter()
                .map(|w| Value::Str(w.iter().map(|&i| a[i]).collect::<String>().into_bytes()))
                .collect(),
            Shape::Bytes(n, a) => words(*n, a.len())
                .into_iter()
                .map(|w| Value::Bytes(w.iter().map(|&i| a[i]).collect()))
                .collect(),
            Shape::List(items) | Shape::Struct(items) => {
                let wrap = match self {
                    Shape::Struct(_) => Value::Struct,
                    _ => Value::List,
                };
                product(items).into_iter().map(wrap).collect()
            }
        }
    }

    /// One value of this shape, drawn with a bias to the simplest (each position takes one of
    /// the first few choices more often than the last).
    fn draw(&self, rng: &mut SplitMix) -> Value {
        match self {
            Shape::Keep(v) => v.clone(),
            Shape::Int(vs) => vs[rng.biased(vs.len())].clone(),
            Shape::Str(n, a) => Value::Str(
                (0..*n)
                    .map(|_| a[rng.biased(a.len())])
                    .collect::<String>()
                    .into_bytes(),
            ),
            Shape::Bytes(n, a) => Value::Bytes((0..*n).map(|_| a[rng.biased(a.len())]).collect()),
            Shape::List(items) => Value::List(items.iter().map(|s| s.draw(rng)).collect()),
            Shape::Struct(fields) => Value::Struct(fields.iter().map(|s| s.draw(rng)).collect()),
        }
    }
}

/// Every combination of one value per shape, in order (the first shape varies slowest).
fn product(shapes: &[Shape]) -> Vec<Vec<Value>> {
    let mut all = vec![Vec::with_capacity(shapes.len())];
    for s in shapes {
        let choices = s.all();
        all = all
            .into_iter()
            .flat_map(|prefix| {
                choices.iter().map(move |c| {
                    let mut next = prefix.clone();
                    next.push(c.clone());
                    next
                })
            })
            .collect();
    }
    all
}

fn pow(base: usize, exp: usize) -> Option<usize> {
    let exp = u32::try_from(exp).ok()?;
    base.checked_pow(exp).filter(|c| *c <= EXHAUSTIVE)
}

/// Every word of `n` letters over `0..k`, in lexicographic order.
fn words(n: usize, k: usize) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new()];
    for _ in 0..n {
        out = out
            .into_iter()
            .flat_map(|w| {
                (0..k).map(move |i| {
                    let mut next = w.clone();
                    next.push(i);
                    next
                })
            })
            .collect();
    }
    out
}

/// SplitMix64: a few lines, and fixed forever (the family must not change with a crate version).
/// Endpoint sequences draw their structure from it too.
pub(crate) struct SplitMix(pub(crate) u64);

impl SplitMix {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// An index below `n`, half the time among the first quarter.
    fn biased(&mut self, n: usize) -> usize {
        let n = n.max(1) as u64;
        let r = self.next();
        let bound = if r & 1 == 0 { n.div_ceil(4) } else { n };
        ((r >> 1) % bound) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shrink::{shrink, Budget};
    use std::time::Duration;

    fn budget() -> Budget {
        Budget {
            max_iters: 4096,
            max_time: Duration::from_secs(30),
        }
    }

    #[test]
    fn two_minima_that_differ_in_two_characters_at_once_meet_at_the_simpler() {
        // A parser bug hit by "+0" and by "0,", and by nothing one character away from either.
        let f = FunctionSpec::new("Parse", vec![("s", Type::String)], vec![], false);
        let diverges = |c: &[Value]| matches!(&c[0], Value::Str(s) if s == b"+0" || s == b"0,");
        let mut test = |batch: &[Vec<Value>]| batch.iter().map(|c| diverges(c)).collect();
        let from_plus = shrink(&f, vec![Value::str("+0")], &budget(), &mut test);
        let from_comma = shrink(&f, vec![Value::str("0,")], &budget(), &mut test);
        assert_eq!(from_plus.input, vec![Value::str("0,")]);
        assert_eq!(from_comma.input, vec![Value::str("0,")]);
    }

    #[test]
    fn lists_whose_divergence_needs_a_tie_meet_at_the_same_list_from_different_ties() {
        // Diverges when two equal non-zero elements of a 6-element list are not adjacent, the way an
        // unstable sort differs from a stable one only on ties: single-element moves keep the tie
        // each start had.
        let f = FunctionSpec::new(
            "Sort",
            vec![("xs", Type::List(Box::new(Type::I64)))],
            vec![],
            false,
        );
        let diverges = |c: &[Value]| {
            let Value::List(xs) = &c[0] else { return false };
            xs.len() == 6
                && (0..6).any(|i| (i + 2..6).any(|j| xs[i] == xs[j] && xs[i] != Value::Int(0)))
        };
        let mut test = |batch: &[Vec<Value>]| batch.iter().map(|c| diverges(c)).collect();
        let list = |xs: &[i64]| vec![Value::List(xs.iter().map(|&x| Value::Int(x)).collect())];
        let a = shrink(&f, list(&[7, 0, 0, 0, 0, 7]), &budget(), &mut test);
        let b = shrink(&f, list(&[0, 0, -3, 5, -3, 0]), &budget(), &mut test);
        assert_eq!(a.input, b.input);
        assert_eq!(a.input, list(&[0, 0, 0, 1, 0, 1]));
    }

    #[test]
    fn elements_of_an_order_dependent_divergence_move_to_the_simplest_places() {
        // Diverges when a 1 comes before a 10 somewhere (the elements matter, their places do
        // not): from either start, the 1 ends first.
        let f = FunctionSpec::new(
            "Sort",
            vec![("xs", Type::List(Box::new(Type::I64)))],
            vec![],
            false,
        );
        let diverges = |c: &[Value]| {
            let Value::List(xs) = &c[0] else { return false };
            let at = |v: i64| xs.iter().position(|x| *x == Value::Int(v));
            xs.len() == 5 && matches!((at(1), at(10)), (Some(a), Some(b)) if a < b)
        };
        let mut test = |batch: &[Vec<Value>]| batch.iter().map(|c| diverges(c)).collect();
        let list = |xs: &[i64]| vec![Value::List(xs.iter().map(|&x| Value::Int(x)).collect())];
        let a = shrink(&f, list(&[0, 1, 0, 10, 0]), &budget(), &mut test);
        let b = shrink(&f, list(&[0, 0, 1, 0, 10]), &budget(), &mut test);
        assert_eq!(a.input, b.input);
        assert_eq!(a.input, list(&[0, 0, 0, 1, 10]));
    }

    #[test]
    fn the_family_depends_on_the_shape_not_on_the_values() {
        let f = FunctionSpec::new("Parse", vec![("s", Type::String)], vec![], false);
        assert_eq!(
            family(&f, &[Value::str("xyz")]),
            family(&f, &[Value::str("+0,")])
        );
        assert_ne!(
            family(&f, &[Value::str("xyz")]),
            family(&f, &[Value::str("xy")])
        );
    }
}
