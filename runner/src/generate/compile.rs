//! Compiled generators: a type and its hints turned once into a tree of [`Gen`] nodes that draw
//! values straight from the runner's RNG.
//!
//! Why not proptest combinators (`prop_oneof!`, `vec`, `Union`)? Their value trees exist for
//! proptest's own shrinking, which parity does not use (see `shrink`), and a union's tree clones
//! the runner (its `Config` and a fresh ChaCha RNG) for every arm before the picked one. At
//! hundreds of thousands of inputs per second that is most of the cost. A [`Gen`] makes the same
//! weighted choices with a few RNG draws and no allocation besides the value itself.

use std::cmp::Ordering;

use proptest::prelude::Rng;
use proptest::test_runner::{TestRng, TestRunner};

use super::admissible::{
    admissible, field_hints, in_float_range, int_bounds, int_domain, item_hints, key_hints,
    option_hints, value_hints,
};
use super::edges;
use super::rare;
use super::relate;
use super::strings::StrGen;
use super::swarm::Env;
use crate::spec::Hints;
use crate::value::{Type, Value};

/// Default maximum string length in characters (long repeats aside).
pub(super) const SOFT_STR_LEN: usize = 32;
/// Default maximum list length.
const SOFT_LIST_LEN: usize = 16;
/// Default maximum map size.
const SOFT_MAP_LEN: usize = 8;
/// Longest generated repeat, in characters.
pub(super) const LONG_REPEAT: usize = 200;
/// How many times a generate-then-check step retries before falling back.
pub(super) const RETRIES: usize = 16;

/// A compiled generator for one type under its hints.
#[derive(Debug)]
pub(crate) enum Gen {
    Bool,
    Int(IntGen),
    Float(FloatGen),
    Str(Box<StrGen>),
    Bytes(BytesGen),
    Option(Box<Gen>),
    List(Box<ListGen>),
    Map(Box<MapGen>),
    Struct(Box<StructGen>),
}

#[derive(Debug)]
pub(crate) struct IntGen {
    signed: bool,
    pub(super) lo: i128,
    pub(super) hi: i128,
    bounds: Vec<i128>,
    powers: Vec<i128>,
    /// Decimal boundaries (10^k ± 1) and the edges of smaller widths, in range (rare shapes).
    rare: Vec<i128>,
}

#[derive(Debug)]
pub(crate) struct FloatGen {
    f32: bool,
    range: Option<(f64, f64)>,
    edges: Vec<Value>,
}

/// A value's type and hints, kept where derived values must be checked for admissibility.
#[derive(Debug)]
pub(crate) struct Domain {
    pub(crate) ty: Type,
    pub(crate) hints: Hints,
}

impl Domain {
    pub(crate) fn new(ty: &Type, hints: &Hints) -> Domain {
        let mut hints = hints.clone();
        hints.examples.clear();
        Domain {
            ty: ty.clone(),
            hints,
        }
    }

    pub(crate) fn admits(&self, v: &Value) -> bool {
        admissible(v, &self.ty, &self.hints)
    }
}

#[derive(Debug)]
pub(crate) struct StructGen {
    fields: Vec<Gen>,
    domains: Vec<Domain>,
}

#[derive(Debug)]
pub(crate) struct BytesGen {
    len: Option<(usize, usize)>,
    item: Option<IntGen>,
    edges: Vec<Vec<u8>>,
}

#[derive(Debug)]
pub(crate) struct ListGen {
    item: Gen,
    len: Option<(usize, usize)>,
    item_domain: Domain,
}

#[derive(Debug)]
pub(crate) struct MapGen {
    key: Gen,
    value: Gen,
    len: Option<(usize, usize)>,
    key_domain: Domain,
}

/// Compiles the generator for `ty` under `hints`.
pub(crate) fn compile(ty: &Type, hints: &Hints) -> Gen {
    match ty {
        Type::Bool => Gen::Bool,
        t if t.is_integer() => Gen::Int(IntGen::new(t, hints)),
        Type::F32 | Type::F64 => Gen::Float(FloatGen::new(*ty == Type::F32, hints)),
        Type::String => Gen::Str(Box::new(StrGen::new(hints))),
        Type::Bytes => Gen::Bytes(BytesGen::new(hints)),
        Type::Option(inner) => Gen::Option(Box::new(compile(inner, option_hints(hints)))),
        Type::List(item) => Gen::List(Box::new(ListGen {
            item: compile(item, item_hints(hints)),
            len: hints.len,
            item_domain: Domain::new(item, item_hints(hints)),
        })),
        Type::Map(k, v) => Gen::Map(Box::new(MapGen {
            key: compile(k, key_hints(hints)),
            value: compile(v, value_hints(hints)),
            len: hints.len,
            key_domain: Domain::new(k, key_hints(hints)),
        })),
        Type::Struct(st) => Gen::Struct(Box::new(StructGen {
            fields: st
                .fields
                .iter()
                .enumerate()
                .map(|(i, f)| compile(&f.ty, field_hints(hints, i)))
                .collect(),
            domains: st
                .fields
                .iter()
                .enumerate()
                .map(|(i, f)| Domain::new(&f.ty, field_hints(hints, i)))
                .collect(),
        })),
        _ => unreachable!("every type is covered above"),
    }
}

impl Gen {
    /// Draws one value with every feature on, no swarm and no dictionary.
    pub(crate) fn generate(&self, runner: &mut TestRunner) -> Value {
        self.draw(runner, &Env::plain())
    }

    /// Draws one value in `env`.
    pub(crate) fn draw(&self, runner: &mut TestRunner, env: &Env) -> Value {
        match self {
            Gen::Bool => Value::Bool(runner.rng().next_u64() & 1 == 1),
            Gen::Int(g) => g.value(g.draw(runner.rng(), env)),
            Gen::Float(g) => g.draw(runner.rng(), env),
            Gen::Str(g) => Value::Str(g.draw(runner, env)),
            Gen::Bytes(g) => g.draw(runner.rng(), env),
            Gen::Option(inner) => {
                if chance(runner.rng(), 15) {
                    Value::Nil
                } else {
                    inner.draw(runner, env)
                }
            }
            Gen::List(g) => g.draw(runner, env),
            Gen::Map(g) => g.draw(runner, env),
            Gen::Struct(g) => g.draw(runner, env),
        }
    }
}

impl StructGen {
    /// Every field drawn; sometimes one field derived from another of a compatible type.
    fn draw(&self, runner: &mut TestRunner, env: &Env) -> Value {
        let mut fs: Vec<Value> = self.fields.iter().map(|f| f.draw(runner, env)).collect();
        if env.features.correlated && fs.len() >= 2 && chance(runner.rng(), 15) {
            correlate(runner.rng(), &mut fs, &self.domains);
        }
        Value::Struct(fs)
    }

    /// A struct like `base` with the same first field (its key) and the others drawn again.
    fn same_key(&self, runner: &mut TestRunner, env: &Env, base: &Value) -> Value {
        let Value::Struct(fs) = base else {
            return base.clone();
        };
        let mut out = fs.clone();
        for (i, f) in self.fields.iter().enumerate().skip(1) {
            out[i] = f.draw(runner, env);
        }
        Value::Struct(out)
    }
}

/// Replaces one of `values` by a value derived from another one of a compatible type, if the
/// result is admissible in its domain.
pub(crate) fn correlate(rng: &mut TestRng, values: &mut [Value], domains: &[Domain]) {
    let n = values.len();
    let to = below(rng, n as u64) as usize;
    let from = (to + 1 + below(rng, n as u64 - 1) as usize) % n;
    let (ft, tt) = (&domains[from].ty, &domains[to].ty);
    if !relate::compatible(ft, tt) {
        return;
    }
    if let Some(v) = relate::derive(rng, &values[from], ft, tt) {
        if domains[to].admits(&v) {
            values[to] = v;
        }
    }
}

// --- random helpers -------------------------------------------------------------------------

/// A uniform draw from `0..n` (`n > 0`), by multiply-shift; the bias is below 2^-64 per unit.
pub(crate) fn below(rng: &mut TestRng, n: u64) -> u64 {
    ((u128::from(rng.next_u64()) * u128::from(n)) >> 64) as u64
}

pub(super) fn chance(rng: &mut TestRng, percent: u64) -> bool {
    below(rng, 100) < percent
}

pub(super) fn pick<'a, T>(rng: &mut TestRng, xs: &'a [T]) -> &'a T {
    &xs[below(rng, xs.len() as u64) as usize]
}

/// A uniform draw from `lo..=hi`; the span is at most 2^64.
pub(super) fn int_in(rng: &mut TestRng, lo: i128, hi: i128) -> i128 {
    let span = (hi - lo) as u128 + 1;
    if span > u128::from(u64::MAX) {
        lo + i128::from(rng.next_u64())
    } else {
        lo + i128::from(below(rng, span as u64))
    }
}

pub(super) fn usize_in(rng: &mut TestRng, lo: usize, hi: usize) -> usize {
    int_in(rng, lo as i128, hi.max(lo) as i128) as usize
}

/// A length for a string, list or map: small by default; under a `len` hint, often near its
/// lower bound, sometimes exactly at a bound.
pub(super) fn pick_len(rng: &mut TestRng, len: Option<(usize, usize)>, soft: usize) -> usize {
    match len {
        None if chance(rng, 30) => usize_in(rng, 0, 4),
        None => usize_in(rng, 0, soft),
        Some((lo, hi)) => {
            let hi = hi.max(lo);
            let capped = hi.min(lo.saturating_add(8 * soft));
            match below(rng, 100) {
                0..=4 => lo,
                5..=9 => capped,
                10..=79 => usize_in(rng, lo, hi.min(lo.saturating_add(soft))),
                _ => usize_in(rng, lo, capped),
            }
        }
    }
}

/// Whether a collection may be nil or empty under its `len` hint.
fn may_be_empty(len: Option<(usize, usize)>) -> bool {
    !matches!(len, Some((lo, _)) if lo > 0)
}

/// An order for "sorted" lists that sorts floats numerically (values order them by bits).
fn numeric_cmp(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::F64(x), Value::F64(y)) => x.total_cmp(y),
        (Value::F32(x), Value::F32(y)) => x.total_cmp(y),
        _ => a.cmp(b),
    }
}

// --- integers -------------------------------------------------------------------------------

impl IntGen {
    fn new(ty: &Type, hints: &Hints) -> IntGen {
        let (tmin, tmax) = int_bounds(ty);
        let (lo, hi) = int_domain(ty, hints);
        let hi = hi.max(lo);
        let (bounds, powers) = edges::int_edges(tmin, tmax, lo, hi);
        let mut rare = rare::int_edges(tmin, tmax, lo, hi);
        rare.retain(|x| bounds.binary_search(x).is_err() && powers.binary_search(x).is_err());
        IntGen {
            signed: ty.is_signed(),
            lo,
            hi,
            bounds,
            powers,
            rare,
        }
    }

    fn value(&self, x: i128) -> Value {
        if self.signed {
            Value::Int(x as i64)
        } else {
            Value::Uint(x as u64)
        }
    }

    /// Edges of the width and of the range, powers of two, small magnitudes (log-uniform), and
    /// uniform values over the whole domain; with rare shapes, decimal boundaries and the edges
    /// of smaller widths; with the dictionary, the Go source's integer literals.
    pub(super) fn draw(&self, rng: &mut TestRng, env: &Env) -> i128 {
        if env.features.rare_shapes || env.swarm.edge_numbers || env.dictionary() {
            let r = below(rng, 100);
            if env.swarm.edge_numbers {
                let tables = [&self.bounds, &self.powers, &self.rare];
                let t = pick(rng, &tables);
                if !t.is_empty() {
                    return *pick(rng, t);
                }
            }
            if env.features.rare_shapes && r < 8 && !self.rare.is_empty() {
                return *pick(rng, &self.rare);
            }
            if env.dictionary() && (8..12).contains(&r) && !env.dict.ints.is_empty() {
                let x = *pick(rng, &env.dict.ints);
                for y in [x, -x, x - 1, x + 1] {
                    if (self.lo..=self.hi).contains(&y) {
                        return y;
                    }
                }
            }
        }
        self.draw_plain(rng)
    }

    fn draw_plain(&self, rng: &mut TestRng) -> i128 {
        let r = below(rng, 100);
        if r < 30 && !self.bounds.is_empty() {
            *pick(rng, &self.bounds)
        } else if r < 50 && !self.powers.is_empty() {
            *pick(rng, &self.powers)
        } else if r < 75 {
            let bits = below(rng, 65) as u32;
            let m = if bits == 0 {
                0
            } else {
                i128::from(rng.next_u64() >> (64 - bits))
            };
            let x = if self.signed && rng.next_u64() & 1 == 1 {
                -m
            } else {
                m
            };
            if (self.lo..=self.hi).contains(&x) {
                x
            } else {
                // Small offsets from the lower bound of a range that excludes zero.
                let span = (self.hi - self.lo) as u128 + 1;
                self.lo + (m as u128 % span) as i128
            }
        } else {
            int_in(rng, self.lo, self.hi)
        }
    }
}

// --- floats ---------------------------------------------------------------------------------

impl FloatGen {
    fn new(f32: bool, hints: &Hints) -> FloatGen {
        let range = hints.float_range;
        let mut edges: Vec<Value> = if f32 {
            let bits = edges::F32_EDGE_BITS.iter().map(|b| f32::from_bits(*b));
            edges::F32_EDGES
                .iter()
                .copied()
                .chain(bits)
                .map(Value::F32)
                .collect()
        } else {
            let bits = edges::F64_EDGE_BITS.iter().map(|b| f64::from_bits(*b));
            edges::F64_EDGES
                .iter()
                .copied()
                .chain(bits)
                .map(Value::F64)
                .collect()
        };
        if let Some((lo, hi)) = range {
            edges.extend(if f32 {
                vec![Value::F32(lo as f32), Value::F32(hi as f32)]
            } else {
                vec![Value::F64(lo), Value::F64(hi)]
            });
        }
        edges.retain(|v| match v {
            Value::F32(x) => in_float_range(f64::from(*x), range),
            Value::F64(x) => in_float_range(*x, range),
            _ => false,
        });
        edges.sort();
        edges.dedup();
        FloatGen { f32, range, edges }
    }

    /// The plain draw, or with rare shapes a decimal tie or a power of two with a negative
    /// exponent, or a float literal of the Go source.
    fn draw(&self, rng: &mut TestRng, env: &Env) -> Value {
        if env.features.rare_shapes || env.swarm.edge_numbers || env.dictionary() {
            let r = below(rng, 100);
            let special = if env.swarm.edge_numbers && !self.edges.is_empty() {
                return pick(rng, &self.edges).clone();
            } else if env.features.rare_shapes && r < 10 {
                Some(rare::float(rng))
            } else if env.dictionary() && (10..14).contains(&r) && !env.dict.floats.is_empty() {
                Some(*pick(rng, &env.dict.floats))
            } else {
                None
            };
            if let Some(x) = special {
                let v = if self.f32 {
                    Value::F32(x as f32)
                } else {
                    Value::F64(x)
                };
                let inside = match v {
                    Value::F32(y) => in_float_range(f64::from(y), self.range),
                    _ => in_float_range(x, self.range),
                };
                if inside {
                    return v;
                }
            }
        }
        self.draw_plain(rng)
    }

    fn draw_plain(&self, rng: &mut TestRng) -> Value {
        if chance(rng, 45) && !self.edges.is_empty() {
            return pick(rng, &self.edges).clone();
        }
        let x = match self.range {
            None => self.unrestricted(rng),
            Some((lo, hi)) => {
                let uniform = lo.is_finite() && hi.is_finite() && chance(rng, 50);
                let mut found = None;
                if !uniform {
                    for _ in 0..RETRIES {
                        let x = self.unrestricted(rng);
                        if in_float_range(x, self.range) {
                            found = Some(x);
                            break;
                        }
                    }
                }
                match found {
                    Some(x) => x,
                    None if lo.is_finite() && hi.is_finite() => {
                        let u = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
                        (lo * (1.0 - u) + hi * u).clamp(lo, hi)
                    }
                    None => 0f64.clamp(lo, hi),
                }
            }
        };
        if self.f32 {
            let y = x as f32;
            if in_float_range(f64::from(y), self.range) {
                Value::F32(y)
            } else {
                // Rounding to f32 left the range; its bounds are representable or near enough.
                let (lo, hi) = self.range.unwrap_or((0.0, 0.0));
                let y = if f64::from(lo as f32) >= lo {
                    lo as f32
                } else {
                    hi as f32
                };
                Value::F32(y)
            }
        } else {
            Value::F64(x)
        }
    }

    /// Random bit patterns, short decimals, uniform values at random scales, small integers.
    fn unrestricted(&self, rng: &mut TestRng) -> f64 {
        let sign = if rng.next_u64() & 1 == 1 { -1.0 } else { 1.0 };
        match below(rng, 4) {
            0 if self.f32 => f64::from(f32::from_bits(rng.next_u64() as u32)),
            0 => f64::from_bits(rng.next_u64()),
            1 => {
                let bits = below(rng, 54) as u32;
                let m = if bits == 0 {
                    0
                } else {
                    rng.next_u64() >> (64 - bits)
                };
                sign * m as f64 / 10f64.powi(below(rng, 9) as i32)
            }
            2 => {
                let u = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
                sign * u * 10f64.powi(below(rng, 31) as i32 - 10)
            }
            _ => int_in(rng, -1000, 1000) as f64,
        }
    }
}

// --- bytes ----------------------------------------------------------------------------------

impl BytesGen {
    fn new(hints: &Hints) -> BytesGen {
        let item = hints.items.as_deref().map(|h| IntGen::new(&Type::U8, h));
        let mut edges: Vec<Vec<u8>> = edges::BYTES_EDGES
            .iter()
            .chain(edges::INVALID_UTF8)
            .map(|b| b.to_vec())
            .collect();
        edges.push(vec![b'a'; LONG_REPEAT]);
        edges.push(vec![0xff; 64]);
        edges.retain(|b| admissible(&Value::Bytes(b.clone()), &Type::Bytes, hints));
        BytesGen {
            len: hints.len,
            item,
            edges,
        }
    }

    fn draw(&self, rng: &mut TestRng, env: &Env) -> Value {
        if env.dictionary() && chance(rng, 5) {
            let tok = pick(rng, &env.dict.strings).clone();
            let fits = !matches!(self.len, Some((lo, hi)) if tok.len() < lo || tok.len() > hi);
            if fits && self.item.is_none() {
                return Value::Bytes(tok);
            }
        }
        let r = below(rng, 100);
        if r < 5 && may_be_empty(self.len) {
            return Value::Nil;
        }
        if r < 45 && !self.edges.is_empty() {
            return Value::Bytes(pick(rng, &self.edges).clone());
        }
        let n = pick_len(rng, self.len, SOFT_STR_LEN);
        let bytes = match &self.item {
            Some(g) => (0..n).map(|_| g.draw(rng, env) as u8).collect(),
            None => match below(rng, 3) {
                0 => (0..n).map(|_| rng.next_u64() as u8).collect(),
                1 => (0..n).map(|_| int_in(rng, 0x20, 0x7e) as u8).collect(),
                _ => {
                    // Text with one invalid sequence replacing a byte, same length.
                    let mut b: Vec<u8> = (0..n)
                        .map(|_| int_in(rng, b'a'.into(), b'z'.into()) as u8)
                        .collect();
                    if n > 0 {
                        let bad = pick(rng, edges::INVALID_UTF8);
                        let at = below(rng, n as u64) as usize;
                        b[at] = bad[0];
                    }
                    b
                }
            },
        };
        Value::Bytes(bytes)
    }
}

// --- collections ----------------------------------------------------------------------------

impl ListGen {
    /// Nil, empty, single, all duplicates, few distinct values, sorted, reversed, or random;
    /// with rare shapes, at a steady rate, long with many equal keys; sometimes one element
    /// derived from another.
    fn draw(&self, runner: &mut TestRunner, env: &Env) -> Value {
        if env.features.rare_shapes || env.swarm.long_lists {
            let long = env.swarm.long_lists || chance(runner.rng(), rare::LONG_LIST_PERCENT);
            if long {
                if let Some(v) = self.long_equal_keys(runner, env) {
                    return v;
                }
            }
        }
        let mut v = self.draw_plain(runner, env);
        if let Value::List(xs) = &mut v {
            if env.features.correlated && xs.len() >= 2 && chance(runner.rng(), 10) {
                let n = xs.len();
                let (to, from) = (
                    below(runner.rng(), n as u64) as usize,
                    below(runner.rng(), n as u64) as usize,
                );
                let ty = &self.item_domain.ty;
                let d = relate::relate(runner.rng(), &xs[from], ty);
                if self.item_domain.admits(&d) {
                    xs[to] = d;
                }
            }
        }
        v
    }

    /// A list longer than the small-input cut-offs of common algorithms (insertion sort below
    /// 12 or 20 elements), its elements drawn from a few keys: equal values, and for structs
    /// equal first fields with the other fields drawn again, for integers neighbours.
    fn long_equal_keys(&self, runner: &mut TestRunner, env: &Env) -> Option<Value> {
        let (lo, hi) = self.len.unwrap_or((0, usize::MAX));
        let lo = lo.max(rare::LONG_LIST_MIN);
        let hi = hi.min(lo.max(rare::LONG_LIST_MAX));
        if lo > hi {
            return None;
        }
        let n = usize_in(runner.rng(), lo, hi);
        let k = usize_in(runner.rng(), 1, 4);
        let pool: Vec<Value> = (0..k).map(|_| self.item.draw(runner, env)).collect();
        let mut xs = Vec::with_capacity(n);
        for _ in 0..n {
            let base = pick(runner.rng(), &pool).clone();
            let near = if chance(runner.rng(), 60) {
                match (&self.item, &base) {
                    (Gen::Struct(g), _) => g.same_key(runner, env, &base),
                    (Gen::Int(_), Value::Int(x)) => {
                        Value::Int(x.saturating_add(below(runner.rng(), 4) as i64))
                    }
                    (Gen::Int(_), Value::Uint(x)) => {
                        Value::Uint(x.saturating_add(below(runner.rng(), 4)))
                    }
                    _ => relate::relate(runner.rng(), &base, &self.item_domain.ty),
                }
            } else {
                base.clone()
            };
            xs.push(if self.item_domain.admits(&near) {
                near
            } else {
                base
            });
        }
        Some(Value::List(xs))
    }

    fn draw_plain(&self, runner: &mut TestRunner, env: &Env) -> Value {
        let empty_ok = may_be_empty(self.len);
        let (lo, hi) = self.len.unwrap_or((0, usize::MAX));
        let mode = below(runner.rng(), 100);
        if mode < 5 && empty_ok {
            return Value::Nil;
        }
        if mode < 10 && empty_ok {
            return Value::List(Vec::new());
        }
        let n = if mode < 15 && lo <= 1 && 1 <= hi {
            1
        } else {
            pick_len(runner.rng(), self.len, SOFT_LIST_LEN)
        };
        let mut xs = Vec::with_capacity(n);
        match mode {
            15..=24 if n > 0 => {
                let x = self.item.draw(runner, env);
                xs.resize(n, x);
            }
            25..=34 if n > 0 => {
                let k = usize_in(runner.rng(), 1, 3);
                let pool: Vec<Value> = (0..k).map(|_| self.item.draw(runner, env)).collect();
                xs.extend((0..n).map(|_| pick(runner.rng(), &pool).clone()));
            }
            _ => xs.extend((0..n).map(|_| self.item.draw(runner, env))),
        }
        match mode {
            35..=44 => xs.sort_by(numeric_cmp),
            45..=49 => xs.sort_by(|a, b| numeric_cmp(b, a)),
            _ => {}
        }
        Value::List(xs)
    }
}

impl MapGen {
    /// Nil, empty, as large as allowed, or random; keys canonical (sorted, unique); sometimes
    /// one key derived from another (a case mapping of it, for example).
    fn draw(&self, runner: &mut TestRunner, env: &Env) -> Value {
        let empty_ok = may_be_empty(self.len);
        let mode = below(runner.rng(), 100);
        if mode < 5 && empty_ok {
            return Value::Nil;
        }
        if mode < 10 && empty_ok {
            return Value::Map(Vec::new());
        }
        let n = if mode < 25 {
            match self.len {
                Some((lo, hi)) => hi.min(lo.saturating_add(SOFT_MAP_LEN)).max(lo),
                None => SOFT_MAP_LEN,
            }
        } else {
            pick_len(runner.rng(), self.len, SOFT_MAP_LEN)
        };
        let mut entries: Vec<(Value, Value)> = (0..n)
            .map(|_| (self.key.draw(runner, env), self.value.draw(runner, env)))
            .collect();
        entries = Value::sort_map(entries);
        // Duplicate keys collapse; top up to the lower bound, a bounded number of times.
        let lo = self.len.map_or(0, |(lo, _)| lo);
        let mut budget = 4 * lo + RETRIES;
        while entries.len() < lo && budget > 0 {
            budget -= 1;
            let key = self.key.draw(runner, env);
            if entries.binary_search_by(|e| e.0.cmp(&key)).is_err() {
                entries.push((key, self.value.draw(runner, env)));
                entries = Value::sort_map(entries);
            }
        }
        if env.features.correlated && !entries.is_empty() && chance(runner.rng(), 10) {
            let from = pick(runner.rng(), &entries).0.clone();
            let key = relate::relate(runner.rng(), &from, &self.key_domain.ty);
            let fits = !matches!(self.len, Some((_, hi)) if entries.len() >= hi);
            if fits
                && self.key_domain.admits(&key)
                && entries.binary_search_by(|e| e.0.cmp(&key)).is_err()
            {
                entries.push((key, self.value.draw(runner, env)));
                entries = Value::sort_map(entries);
            }
        }
        Value::Map(entries)
    }
}
