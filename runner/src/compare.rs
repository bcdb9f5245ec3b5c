//! Decides whether a Go outcome and a Rust outcome agree under a function's comparison rules, and
//! when they do not, explains where and by which rule.
//!
//! The order of questions:
//! 1. A [`Outcome::Rejected`] on either side (the harness could not decode the input) is a
//!    [`Verdict::Rejected`], never a divergence; Go is named first when both rejected.
//! 2. The classes (ok / error / panic / crash / timeout) must match (rule `class`, path `""`).
//! 3. Two errors are compared by the [`ErrorRule`] (path `/error`, rules `error-exact`,
//!    `error-regex`). Two panics agree: Go's runtime messages (`runtime error: index out of range
//!    [5] with length 3`) and Rust's (`index out of bounds: the len is 3 but the index is 5`)
//!    differ by nature, so comparing them would only report noise. Two crashes agree, and so do
//!    two timeouts.
//! 4. Two ok outcomes are walked value by value along their types, depth first, in a fixed order:
//!    results in order; at each node its own properties first (nil-ness, length, key set), then its
//!    children (list elements by index, map values in key order, struct fields in declaration
//!    order). The first difference in that order is reported, so the same pair of outcomes always
//!    yields the same [`Divergence`].
//!
//! Paths (see [`Divergence::path`]): `/0` is the first result, `/0/Units` a struct field by its Go
//! name, `/0/3` a list index, and a map key is written in brackets with the key's readable
//! spelling: `/0/["EUR"]` for a string key (a Go quoted literal, so a key containing `/` or `]`
//! stays unambiguous), `/0/[42]` for an integer, `/0/[true]` for a bool. A pointer adds no
//! segment. Path *patterns* in rules are split on `/`; a pattern segment matches a path segment
//! when it is `*`, equals it, or (for map keys, so specs can stay simple) equals the bare key:
//! `EUR` matches `["EUR"]`, `42` matches `[42]`. A pattern matches every path it is a prefix of.
//!
//! The rule at a path is the function's default [`ValueRule`], overridden field by field by each
//! matching [`PathRule`](crate::spec::PathRule) in file order. An ignored node is skipped with
//! everything below it, unless a rule un-ignores a path below it; see `Walker::walk`.
//!
//! For `error-regex` the reported messages are the rewritten ones, since those were compared.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;

use crate::outcome::{Class, Outcome, Side};
use crate::readable;
use crate::spec::{CompareRules, ErrorRule, FloatRule, ValueRule};
use crate::value::{Type, Value};

/// The verdict on one input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The outcomes agree under the rules.
    Agree,
    /// The outcomes differ; where and how.
    Diverge(Divergence),
    /// A harness could not execute the input; not a divergence.
    Rejected {
        /// The side that rejected it (Go when both did).
        by: Side,
        /// The harness's reason.
        reason: String,
    },
}

/// Where and how two outcomes differ.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Divergence {
    /// The Go outcome's class.
    pub go_class: Class,
    /// The Rust outcome's class.
    pub rust_class: Class,
    /// Where the values differ, as described in the module docs: `""` when the classes differ,
    /// `/error` for error messages, else a path into the results such as `/0/Items/2/Price`.
    pub path: String,
    /// The rule that decided: `class`, `result-count`, `exact`, `ulps(4)`,
    /// `tolerance(abs=1e-9,rel=0)`, `nan-payload`, `nil-vs-empty`, `nil-pointer`, `length`,
    /// `order` (an ordered list whose elements agree as a multiset, in another order),
    /// `missing-key`, `unordered`, `error-exact`, `error-regex`.
    pub rule: String,
    /// The Go value at `path`, in its short readable form; `None` when absent (a missing key).
    pub go: Option<String>,
    /// The Rust value at `path`, in its short readable form; `None` when absent.
    pub rust: Option<String>,
    /// How the two values differ (see [`shape`]): `last-digit`, `spelling(inf)`,
    /// `substitute(letter→letter)`…; empty for a class difference, where the classes say it all.
    pub shape: String,
}

impl Divergence {
    /// Whether `other` diverges the same way: same classes, same path, same rule and the same
    /// [`shape`] of the value difference. Shrinking keeps a smaller input only if it still
    /// diverges the same way as the original, so an input of a rare bug cannot slide into a
    /// common one at the same path that differs in another way.
    pub fn same_way(&self, other: &Divergence) -> bool {
        self.go_class == other.go_class
            && self.rust_class == other.rust_class
            && self.path == other.path
            && self.rule == other.rule
            && self.shape == other.shape
    }

    /// The way of diverging as one line, equal for two divergences exactly when
    /// [`Self::same_way`] holds: `ok/ok at /0 (exact): last-digit`.
    pub fn signature(&self) -> String {
        let path = if self.path.is_empty() {
            "(outcome)"
        } else {
            &self.path
        };
        let mut s = format!(
            "{}/{} at {path} ({})",
            self.go_class.as_str(),
            self.rust_class.as_str(),
            self.rule
        );
        if !self.shape.is_empty() {
            s.push_str(": ");
            s.push_str(&self.shape);
        }
        s
    }
}

/// `at /0/Units (exact): go 150, rust 151`; the path reads `(outcome)` when empty.
impl fmt::Display for Divergence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "(outcome)"
        } else {
            &self.path
        };
        let side = |v: &Option<String>| v.clone().unwrap_or_else(|| "(absent)".to_string());
        write!(
            f,
            "at {path} ({}): go {}, rust {}",
            self.rule,
            side(&self.go),
            side(&self.rust)
        )
    }
}

/// Compares the Go and the Rust outcome of one input under `rules`; `results` are the function's
/// result types.
pub fn compare(rules: &CompareRules, results: &[Type], go: &Outcome, rust: &Outcome) -> Verdict {
    compare_declared(rules, results, go, rust).0
}

/// [`compare`], also saying whether a declared difference (a `[[function.accept]]` rule, see
/// [`AcceptRule`](crate::spec::AcceptRule)) made a differing value count as agreeing. A `true` with [`Verdict::Agree`]
/// is an input that differed only in declared ways.
pub fn compare_declared(
    rules: &CompareRules,
    results: &[Type],
    go: &Outcome,
    rust: &Outcome,
) -> (Verdict, bool) {
    for (side, o) in [(Side::Go, go), (Side::Rust, rust)] {
        if let Outcome::Rejected(reason) = o {
            let v = Verdict::Rejected {
                by: side,
                reason: reason.clone(),
            };
            return (v, false);
        }
    }
    let found = |path: &str, rule: &str, g: Option<String>, r: Option<String>, shape: String| {
        Verdict::Diverge(Divergence {
            go_class: go.class(),
            rust_class: rust.class(),
            path: path.to_string(),
            rule: rule.to_string(),
            go: g,
            rust: r,
            shape,
        })
    };
    if go.class() != rust.class() {
        let v = found(
            "",
            "class",
            Some(readable::short_outcome(go, results)),
            Some(readable::short_outcome(rust, results)),
            String::new(),
        );
        return (v, false);
    }
    match (go, rust) {
        (Outcome::Error(g), Outcome::Error(r)) => {
            let (rule, g, r) = match &rules.errors {
                ErrorRule::Ignore => return (Verdict::Agree, false),
                ErrorRule::Exact => ("error-exact", g.clone(), r.clone()),
                ErrorRule::Regex { regex, replace } => {
                    let rewrite = |m: &[u8]| {
                        let text = String::from_utf8_lossy(m);
                        regex.replace_all(&text, replace.as_str()).into_owned()
                    };
                    (
                        "error-regex",
                        rewrite(g).into_bytes(),
                        rewrite(r).into_bytes(),
                    )
                }
            };
            let (gt, rt) = (String::from_utf8_lossy(&g), String::from_utf8_lossy(&r));
            if g == r {
                (Verdict::Agree, false)
            } else if accept::declared(&rules.accept, &[Seg::Field("error".into())], &gt, &rt) {
                (Verdict::Agree, true)
            } else {
                let quote = |m: &[u8]| Some(readable::truncate(readable::go_quote(m)));
                let shape = shape::of_texts(&gt, &rt);
                (found("/error", rule, quote(&g), quote(&r), shape), false)
            }
        }
        (Outcome::Ok(g), Outcome::Ok(r)) => {
            if g.len() != r.len() {
                let v = found(
                    "",
                    "result-count",
                    Some(g.len().to_string()),
                    Some(r.len().to_string()),
                    String::new(),
                );
                return (v, false);
            }
            let mut w = Walker::new(rules);
            for (i, (gv, rv)) in g.iter().zip(r).enumerate() {
                w.path.push(Seg::Index(i));
                let d = match results.get(i) {
                    Some(ty) => w.walk(ty, gv, rv),
                    None => w.untyped(gv, rv),
                };
                if let Some(d) = d {
                    return (found(&d.path, &d.rule, d.go, d.rust, d.shape), false);
                }
                w.path.pop();
            }
            (Verdict::Agree, w.declared)
        }
        // Panics, crashes and timeouts of both sides agree: see the module docs.
        _ => (Verdict::Agree, false),
    }
}

/// One step of a path (shared with the endpoint comparison, whose JSON keys are `Field`s spelt
/// as JSON pointer segments).
#[derive(Clone, Debug)]
pub(crate) enum Seg {
    /// A list index.
    Index(usize),
    /// A struct field (or a JSON object key, escaped as in a JSON pointer).
    Field(String),
    /// A map key: its readable spelling in brackets, and the bare key.
    Key { shown: String, bare: String },
}

impl Seg {
    fn key(k: &Value, ty: &Type) -> Seg {
        let bare = match k {
            Value::Str(s) => String::from_utf8_lossy(s).into_owned(),
            other => readable::short(other, ty),
        };
        let mut shown = String::new();
        shown.push('[');
        match k {
            Value::Str(s) => shown.push_str(&readable::go_quote(s)),
            other => shown.push_str(&readable::short(other, ty)),
        }
        shown.push(']');
        Seg::Key { shown, bare }
    }

    pub(crate) fn matches(&self, pattern: &str) -> bool {
        if pattern == "*" {
            return true;
        }
        match self {
            Seg::Index(i) => pattern.parse::<usize>().ok() == Some(*i),
            Seg::Field(f) => f == pattern,
            Seg::Key { shown, bare } => shown == pattern || bare == pattern,
        }
    }
}

impl fmt::Display for Seg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Seg::Index(i) => write!(f, "{i}"),
            Seg::Field(name) => f.write_str(name),
            Seg::Key { shown, .. } => f.write_str(shown),
        }
    }
}

/// The path patterns of `rules`, split into segments, in file order (for [`rule_at`]).
pub(crate) fn patterns(rules: &CompareRules) -> Vec<Vec<&str>> {
    rules
        .paths
        .iter()
        .map(|p| p.path.split('/').filter(|s| !s.is_empty()).collect())
        .collect()
}

/// The rule at `path`: the default rule overridden by each matching path rule, in file order;
/// `patterns` are [`patterns`] of `rules`.
pub(crate) fn rule_at(rules: &CompareRules, patterns: &[Vec<&str>], path: &[Seg]) -> ValueRule {
    let mut rule = rules.default.clone();
    for (pr, pattern) in rules.paths.iter().zip(patterns) {
        let hit =
            pattern.len() <= path.len() && pattern.iter().zip(path).all(|(p, s)| s.matches(p));
        if hit {
            rule.float = pr.float.unwrap_or(rule.float);
            rule.unordered = pr.unordered.unwrap_or(rule.unordered);
            rule.ignore = pr.ignore.unwrap_or(rule.ignore);
            rule.nil_equals_empty = pr.nil_equals_empty.unwrap_or(rule.nil_equals_empty);
            rule.nan_payload = pr.nan_payload.unwrap_or(rule.nan_payload);
        }
    }
    rule
}

/// Whether a rule of `rules` sets `ignore = false` somewhere strictly below `path`.
pub(crate) fn unignored_below(rules: &CompareRules, patterns: &[Vec<&str>], path: &[Seg]) -> bool {
    let depth = path.len();
    rules.paths.iter().zip(patterns).any(|(pr, pattern)| {
        pr.ignore == Some(false)
            && pattern.len() > depth
            && pattern.iter().zip(path).all(|(p, s)| s.matches(p))
    })
}

/// A difference found below the outcome level, before classes are attached.
struct Found {
    path: String,
    rule: String,
    go: Option<String>,
    rust: Option<String>,
    shape: String,
}

struct Walker<'a> {
    rules: &'a CompareRules,
    patterns: Vec<Vec<&'a str>>,
    path: Vec<Seg>,
    /// Whether a declared difference made a differing node agree.
    declared: bool,
}

impl<'a> Walker<'a> {
    fn new(rules: &'a CompareRules) -> Walker<'a> {
        let patterns = patterns(rules);
        Walker {
            rules,
            patterns,
            path: Vec::new(),
            declared: false,
        }
    }

    /// The default rule overridden by each matching path rule, in file order.
    fn rule_here(&self) -> ValueRule {
        rule_at(self.rules, &self.patterns, &self.path)
    }

    fn path_string(&self) -> String {
        let mut s = String::new();
        for seg in &self.path {
            s.push('/');
            s.push_str(&seg.to_string());
        }
        s
    }

    fn found(&self, rule: &str, go: Option<String>, rust: Option<String>) -> Option<Found> {
        let shape = match (&go, &rust) {
            (None, Some(_)) => "rust-only".to_string(),
            (Some(_), None) => "go-only".to_string(),
            _ => String::new(),
        };
        Some(Found {
            path: self.path_string(),
            rule: rule.to_string(),
            go,
            rust,
            shape,
        })
    }

    /// A difference between two values, unless a declared difference covers it.
    fn both(&mut self, rule: &str, ty: &Type, go: &Value, rust: &Value) -> Option<Found> {
        let (gt, rt) = (value_text(go, ty), value_text(rust, ty));
        if accept::declared(&self.rules.accept, &self.path, &gt, &rt) {
            self.declared = true;
            return None;
        }
        Some(Found {
            path: self.path_string(),
            rule: rule.to_string(),
            go: Some(readable::short(go, ty)),
            rust: Some(readable::short(rust, ty)),
            shape: shape::of_texts(&gt, &rt),
        })
    }

    /// Values that do not fit their type (only a broken harness sends them): structural equality.
    fn untyped(&mut self, go: &Value, rust: &Value) -> Option<Found> {
        if go == rust {
            return None;
        }
        let ty = Type::Bool; // ignored by the readable fallback for values that do not fit it
        self.both("exact", &ty, go, rust)
    }

    /// Whether a later-acting rule sets `ignore = false` somewhere strictly below this path.
    fn unignored_below(&self) -> bool {
        unignored_below(self.rules, &self.patterns, &self.path)
    }

    /// A difference in the node's own properties, unless the node is `shallow` (see [`Self::walk`]).
    fn own(
        &mut self,
        shallow: bool,
        rule: &str,
        ty: &Type,
        go: &Value,
        rust: &Value,
    ) -> Option<Found> {
        if shallow {
            None
        } else {
            self.both(rule, ty, go, rust)
        }
    }

    /// Compares two values of type `ty` at the current path. An ignored node is skipped, unless a
    /// path rule un-ignores something below it (`ignore = true` on `/0`, then `ignore = false` on
    /// `/0/*/Units`): then the node is walked *shallow*, its own properties (nil-ness, length, key
    /// set, scalar value) are not compared and its children (common indices, common keys, fields)
    /// are, each under its own rule.
    fn walk(&mut self, ty: &Type, go: &Value, rust: &Value) -> Option<Found> {
        let rule = self.rule_here();
        if rule.ignore && !self.unignored_below() {
            return None;
        }
        let shallow = rule.ignore;
        match (ty, go, rust) {
            (Type::Option(_), Value::Nil, Value::Nil) => None,
            (Type::Option(_), Value::Nil, _) | (Type::Option(_), _, Value::Nil) => {
                self.own(shallow, "nil-pointer", ty, go, rust)
            }
            (Type::Option(inner), _, _) => self.walk(inner, go, rust),
            (Type::F64, Value::F64(g), Value::F64(r)) => {
                let name = float_diff(&rule, Float::of64(*g), Float::of64(*r))?;
                self.own(shallow, &name, ty, go, rust)
            }
            (Type::F32, Value::F32(g), Value::F32(r)) => {
                let name = float_diff(&rule, Float::of32(*g), Float::of32(*r))?;
                self.own(shallow, &name, ty, go, rust)
            }
            (Type::Bytes | Type::List(_) | Type::Map(..), _, _) => {
                if is_nil(go) != is_nil(rust) && is_empty(go) && is_empty(rust) {
                    return if rule.nil_equals_empty {
                        None
                    } else {
                        self.own(shallow, "nil-vs-empty", ty, go, rust)
                    };
                }
                let (g, r) = (or_empty(go, ty), or_empty(rust, ty));
                match (ty, &*g, &*r) {
                    (Type::Bytes, Value::Bytes(g), Value::Bytes(r)) if g != r => {
                        self.own(shallow, "exact", ty, go, rust)
                    }
                    (Type::Bytes, Value::Bytes(_), Value::Bytes(_)) => None,
                    (Type::List(elem), Value::List(g), Value::List(r)) => {
                        if g.len() != r.len() && (!shallow || rule.unordered) {
                            self.own(shallow, "length", ty, go, rust)
                        } else if rule.unordered {
                            self.unordered(elem, g, r)
                        } else {
                            let d = self.list(elem, g, r);
                            if d.is_some() && !shallow && g.len() == r.len() {
                                // The same elements in another order (a sort that is not
                                // stable, a map iterated in another order) is one way of
                                // diverging wherever the first differing index falls: the
                                // bug is the order, not element 7.
                                let declared = self.declared;
                                let same_elements = self.unordered(elem, g, r).is_none();
                                self.declared = declared;
                                if same_elements {
                                    return Some(Found {
                                        path: self.path_string(),
                                        rule: "order".to_string(),
                                        go: Some(readable::short(go, ty)),
                                        rust: Some(readable::short(rust, ty)),
                                        shape: "order".to_string(),
                                    });
                                }
                            }
                            d
                        }
                    }
                    (Type::Map(kt, vt), Value::Map(g), Value::Map(r)) => {
                        self.map(kt, vt, g, r, shallow)
                    }
                    _ if shallow => None,
                    _ => self.untyped(go, rust),
                }
            }
            (Type::Struct(st), Value::Struct(g), Value::Struct(r))
                if g.len() == st.fields.len() && r.len() == st.fields.len() =>
            {
                for (f, (gv, rv)) in st.fields.iter().zip(g.iter().zip(r)) {
                    self.path.push(Seg::Field(f.name.clone()));
                    let d = self.walk(&f.ty, gv, rv);
                    self.path.pop();
                    if d.is_some() {
                        return d;
                    }
                }
                None
            }
            _ if go == rust => None,
            _ => self.own(shallow, "exact", ty, go, rust),
        }
    }

    fn list(&mut self, elem: &Type, g: &[Value], r: &[Value]) -> Option<Found> {
        for (i, (gv, rv)) in g.iter().zip(r).enumerate() {
            self.path.push(Seg::Index(i));
            let d = self.walk(elem, gv, rv);
            self.path.pop();
            if d.is_some() {
                return d;
            }
        }
        None
    }

    /// Multiset comparison of two lists of equal length. Both are sorted (floats numerically,
    /// every NaN alike, see [`sort_cmp`]); then each Go element, in that order, takes the first
    /// unclaimed Rust element that agrees with it under the element rules. Equal lists therefore
    /// cost one pass. With the `exact` and `ulps` rules agreement is an equivalence and the
    /// matching is exact; with a tolerance it is not transitive, and greedy matching may in rare
    /// cases miss a pairing that exists (accepted: such a list is close to the tolerance edge).
    /// Element paths use the element's index on the Go side, so `/0/Tags/*` rules apply.
    fn unordered(&mut self, elem: &Type, g: &[Value], r: &[Value]) -> Option<Found> {
        let mut gi: Vec<usize> = (0..g.len()).collect();
        let mut ri: Vec<usize> = (0..r.len()).collect();
        gi.sort_by(|&a, &b| sort_cmp(&g[a], &g[b]));
        ri.sort_by(|&a, &b| sort_cmp(&r[a], &r[b]));
        let mut claimed = vec![false; r.len()];
        let mut unmatched_go = None;
        for &i in &gi {
            self.path.push(Seg::Index(i));
            let hit = ri
                .iter()
                .copied()
                .find(|&j| !claimed[j] && self.walk(elem, &g[i], &r[j]).is_none());
            self.path.pop();
            match hit {
                Some(j) => claimed[j] = true,
                None => {
                    unmatched_go = Some(i);
                    break;
                }
            }
        }
        let i = unmatched_go?;
        let j = ri.iter().copied().find(|&j| !claimed[j])?;
        self.found(
            "unordered",
            Some(readable::short(&g[i], elem)),
            Some(readable::short(&r[j], elem)),
        )
    }

    fn map(
        &mut self,
        kt: &Type,
        vt: &Type,
        g: &[(Value, Value)],
        r: &[(Value, Value)],
        shallow: bool,
    ) -> Option<Found> {
        let mut g: Vec<&(Value, Value)> = g.iter().collect();
        let mut r: Vec<&(Value, Value)> = r.iter().collect();
        g.sort_by(|a, b| a.0.cmp(&b.0));
        r.sort_by(|a, b| a.0.cmp(&b.0));
        // Key sets first (unless shallow): the first key, in key order, present on one side only.
        let (mut a, mut b) = (0, 0);
        while !shallow && (a < g.len() || b < r.len()) {
            let order = match (g.get(a), r.get(b)) {
                (Some(x), Some(y)) => x.0.cmp(&y.0),
                (Some(_), None) => Ordering::Less,
                _ => Ordering::Greater,
            };
            let (key, go, rust) = match order {
                Ordering::Equal => {
                    a += 1;
                    b += 1;
                    continue;
                }
                Ordering::Less => (&g[a].0, Some(readable::short(&g[a].1, vt)), None),
                Ordering::Greater => (&r[b].0, None, Some(readable::short(&r[b].1, vt))),
            };
            self.path.push(Seg::key(key, kt));
            let ignored = self.rule_here().ignore;
            let d = self.found("missing-key", go, rust);
            self.path.pop();
            if !ignored {
                return d;
            }
            match order {
                Ordering::Less => a += 1,
                _ => b += 1,
            }
        }
        // Then values, in key order; the key sets are equal but for ignored keys.
        let (mut a, mut b) = (0, 0);
        while a < g.len() && b < r.len() {
            match g[a].0.cmp(&r[b].0) {
                Ordering::Less => a += 1,
                Ordering::Greater => b += 1,
                Ordering::Equal => {
                    self.path.push(Seg::key(&g[a].0, kt));
                    let d = self.walk(vt, &g[a].1, &r[b].1);
                    self.path.pop();
                    if d.is_some() {
                        return d;
                    }
                    a += 1;
                    b += 1;
                }
            }
        }
        None
    }
}

/// A value's own text for [`shape`] and declared differences: a string's or byte string's
/// content (invalid UTF-8 replaced), any other value's readable spelling.
fn value_text<'v>(v: &'v Value, ty: &Type) -> Cow<'v, str> {
    match v {
        Value::Str(b) | Value::Bytes(b) => String::from_utf8_lossy(b),
        other => Cow::Owned(readable::short(other, ty)),
    }
}

fn is_nil(v: &Value) -> bool {
    matches!(v, Value::Nil)
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Nil => true,
        Value::Bytes(b) => b.is_empty(),
        Value::List(l) => l.is_empty(),
        Value::Map(m) => m.is_empty(),
        _ => false,
    }
}

/// A nil list, map or byte slice as its empty counterpart; anything else unchanged.
fn or_empty<'v>(v: &'v Value, ty: &Type) -> Cow<'v, Value> {
    match (v, ty) {
        (Value::Nil, Type::Bytes) => Cow::Owned(Value::Bytes(Vec::new())),
        (Value::Nil, Type::List(_)) => Cow::Owned(Value::List(Vec::new())),
        (Value::Nil, Type::Map(..)) => Cow::Owned(Value::Map(Vec::new())),
        (v, _) => Cow::Borrowed(v),
    }
}

/// A float of either width, seen the ways the rules need.
#[derive(Clone, Copy)]
pub(crate) struct Float {
    x: f64,
    bits: u64,
    /// The bits without the sign bit: adjacent floats of one sign differ by one here.
    magnitude: u64,
}

impl Float {
    pub(crate) fn of64(x: f64) -> Float {
        Float {
            x,
            bits: x.to_bits(),
            magnitude: x.to_bits() & !(1 << 63),
        }
    }

    fn of32(x: f32) -> Float {
        Float {
            x: f64::from(x),
            bits: u64::from(x.to_bits()),
            magnitude: u64::from(x.to_bits() & !(1 << 31)),
        }
    }
}

/// `None` when the floats agree under `rule`, else the name of the rule that separates them.
pub(crate) fn float_diff(rule: &ValueRule, g: Float, r: Float) -> Option<String> {
    let name = || match rule.float {
        FloatRule::Exact => "exact".to_string(),
        FloatRule::Ulps(n) => format!("ulps({n})"),
        FloatRule::Tolerance { abs, rel } => format!(
            "tolerance(abs={},rel={})",
            readable::float64(abs),
            readable::float64(rel)
        ),
    };
    match (g.x.is_nan(), r.x.is_nan()) {
        (true, true) if rule.nan_payload && g.bits != r.bits => return Some("nan-payload".into()),
        (true, true) => return None,
        (true, false) | (false, true) => return Some(name()),
        (false, false) => {}
    }
    let agree = match rule.float {
        FloatRule::Exact => g.bits == r.bits,
        FloatRule::Ulps(n) => {
            let both_zero = g.magnitude == 0 && r.magnitude == 0;
            let same_sign = g.x.is_sign_negative() == r.x.is_sign_negative();
            both_zero || (same_sign && g.magnitude.abs_diff(r.magnitude) <= n)
        }
        FloatRule::Tolerance { abs, rel } => {
            if g.x == r.x {
                true
            } else if g.x.is_infinite() || r.x.is_infinite() {
                false
            } else {
                let d = (g.x - r.x).abs();
                d <= abs || d <= rel * g.x.abs().max(r.x.abs())
            }
        }
    };
    (!agree).then(name)
}

/// The order unordered lists are sorted in before matching: [`Value`]'s order, except that floats
/// sort numerically (−0 next to +0) with every NaN in one place, ties broken by bits, so elements
/// that agree under a float rule tend to land at the same position on both sides.
fn sort_cmp(a: &Value, b: &Value) -> Ordering {
    fn key64(x: f64) -> (f64, u64) {
        (if x.is_nan() { f64::NAN } else { x }, x.to_bits())
    }
    fn lex<'v>(a: impl Iterator<Item = &'v Value>, b: impl Iterator<Item = &'v Value>) -> Ordering {
        let mut b = b;
        for x in a {
            match b.next() {
                None => return Ordering::Greater,
                Some(y) => match sort_cmp(x, y) {
                    Ordering::Equal => {}
                    o => return o,
                },
            }
        }
        if b.next().is_some() {
            Ordering::Less
        } else {
            Ordering::Equal
        }
    }
    match (a, b) {
        (Value::F64(x), Value::F64(y)) => {
            let ((x, xb), (y, yb)) = (key64(*x), key64(*y));
            x.total_cmp(&y).then(xb.cmp(&yb))
        }
        (Value::F32(x), Value::F32(y)) => {
            let ((x, xb), (y, yb)) = (key64(f64::from(*x)), key64(f64::from(*y)));
            x.total_cmp(&y).then(xb.cmp(&yb))
        }
        (Value::List(x), Value::List(y)) | (Value::Struct(x), Value::Struct(y)) => {
            lex(x.iter(), y.iter())
        }
        (Value::Map(x), Value::Map(y)) => lex(
            x.iter().flat_map(|(k, v)| [k, v]),
            y.iter().flat_map(|(k, v)| [k, v]),
        ),
        _ => a.cmp(b),
    }
}

pub(crate) mod accept;
pub mod shape;

#[cfg(test)]
mod tests;
