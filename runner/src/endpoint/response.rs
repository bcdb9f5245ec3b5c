//! Compares two answers of one endpoint: every difference, each at a path.
//!
//! Paths are JSON pointers into a response seen as `{status, headers, body}`: `/status`,
//! `/answer` (one answered and the other timed out or crashed), `/headers/<lower-case name>`,
//! `/body` and below it the body's own pointer (`/body/items/0/id`; `~` is written `~0` and `/`
//! `~1` in keys). The spec's path patterns (`[[endpoint.compare.paths]]`) are resolved by the
//! function comparison's own rule resolution ([`crate::compare`]): `*` matches one segment, a
//! pattern matches everything below it, later rules override earlier ones field by field.
//!
//! What is compared, in this order (so that the list of differences is deterministic):
//! 1. The kind of answer (response, timeout, crash). Two timeouts or two crashes agree, as for
//!    functions; when the kinds differ nothing else is compared.
//! 2. The status.
//! 3. Each header that [`HeaderRules::compared`](crate::spec::HeaderRules::compared) names, in
//!    name order; repeated headers joined with `, `; `Content-Type` exactly, with its parameters.
//! 4. The body. When both bodies are JSON ([`super::json`]) they are compared as values:
//!    numbers by exact decimal value (a float rule applies when both fit `f64`), strings
//!    decoded, object members by key in any order, arrays by index (or as multisets under
//!    `unordered`), `null` unequal to `[]`/`{}` unless `nil_equals_empty`. A key written more
//!    than once is compared by its last member, as Go and `serde_json` decode it, and a
//!    different count is a difference of its own ([`DiffKind::DuplicateKey`]). When the values
//!    agree but the bytes differ in what the rules do not forgive (escapes, number spelling,
//!    key order, whitespace), that is one [`DiffKind::JsonBytes`] at `/body` if the endpoint's
//!    `json_bytes` is on. When either body is not JSON, the bytes are compared: one
//!    [`DiffKind::Bytes`] at `/body`.
//!
//! Limit: an object that has an ignored member on either side is checked for `JsonBytes` by
//! the order of its other keys only (its whitespace and key escapes are not compared).

use std::collections::BTreeMap;
use std::fmt;

use super::http::{Answer, Response};
use super::json::{self, Json, Span};
use super::noise::Noise;
use crate::compare::{self, accept, Float, Seg};
use crate::readable;
use crate::spec::{CompareRules, EndpointSpec, FloatRule, ValueRule};

/// How two answers differ at one path: a closed set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DiffKind {
    /// The statuses differ (`/status`).
    Status,
    /// One side answered and the other timed out or crashed, or one timed out and the other
    /// crashed (`/answer`).
    Answer,
    /// A compared header differs, or is present on one side only (`/headers/<name>`).
    Header,
    /// Two JSON values differ (different values or kinds, or an `unordered` array whose
    /// elements do not match as a multiset).
    Value,
    /// An object member or array element present on one side only; the other side reads
    /// `(absent)`.
    Missing,
    /// A key written a different number of times (`go`/`rust` say how many members).
    DuplicateKey,
    /// Equal JSON spelt in different bytes (`\u003c` vs `<`): the lesser kind of finding.
    JsonBytes,
    /// Bodies that are not both JSON differ in bytes.
    Bytes,
}

impl DiffKind {
    /// The kind's name in signatures and reports: `status`, `answer`, `header`, `value`,
    /// `missing`, `duplicate-key`, `json-bytes`, `bytes`.
    pub fn as_str(self) -> &'static str {
        match self {
            DiffKind::Status => "status",
            DiffKind::Answer => "answer",
            DiffKind::Header => "header",
            DiffKind::Value => "value",
            DiffKind::Missing => "missing",
            DiffKind::DuplicateKey => "duplicate-key",
            DiffKind::JsonBytes => "json-bytes",
            DiffKind::Bytes => "bytes",
        }
    }
}

/// One difference between two answers. `go` and `rust` name the first and the second answer
/// compared (for the noise comparison, the Go primary and the Go secondary).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Difference {
    /// Where: `/status`, `/answer`, `/headers/content-type`, `/body`, `/body/items/0/id`.
    pub path: String,
    /// How.
    pub kind: DiffKind,
    /// The first side's short readable spelling: JSON text of the value, a header value, a
    /// status, `(absent)`.
    pub go: String,
    /// The second side's spelling, likewise.
    pub rust: String,
}

/// The text meaning "not there".
pub const ABSENT: &str = "(absent)";

impl Difference {
    /// The path with every all-digit segment (an array index, or an object key that is a
    /// number, such as an id used as a key) replaced by `*`: what noise is counted by.
    pub fn general_path(&self) -> String {
        self.path
            .split('/')
            .map(|s| {
                if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
                    "*"
                } else {
                    s
                }
            })
            .collect::<Vec<_>>()
            .join("/")
    }

    /// The bug-identity key: the [general path](Self::general_path) and the kind, plus the two
    /// statuses for a status difference, the two kinds of answer for an answer difference and
    /// the side that lacks the value for a missing one (`missing(go)`). Two sequences that meet the same bug get
    /// the same signature: `value at /body/items/*/total`, `status 200/500 at /status`.
    pub fn signature(&self) -> String {
        let path = self.general_path();
        let kind = self.kind.as_str();
        match self.kind {
            DiffKind::Status => format!("{kind} {}/{} at {path}", self.go, self.rust),
            DiffKind::Answer => {
                let word = |s: &str| s.split([' ', ':']).next().unwrap_or("").to_string();
                format!("{kind} {}/{} at {path}", word(&self.go), word(&self.rust))
            }
            DiffKind::Missing if self.go == ABSENT => format!("{kind}(go) at {path}"),
            DiffKind::Missing => format!("{kind}(rust) at {path}"),
            _ => format!("{kind} at {path}"),
        }
    }
}

/// `at /body/id (value): go 1, rust 2`.
impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "at {} ({}): go {}, rust {}",
            self.path,
            self.kind.as_str(),
            self.go,
            self.rust
        )
    }
}

/// The verdict on one response of the Go primary and the Rust port, noise removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// No difference, or only noise.
    Agree,
    /// The differences that are not noise, in [`differences`] order.
    Diverge(Vec<Difference>),
    /// The only difference is equal JSON spelt in different bytes.
    JsonBytesOnly(Difference),
}

/// Every difference between answers `a` and `b` of endpoint `ep`, in the order of the module
/// docs.
pub fn differences(ep: &EndpointSpec, a: &Answer, b: &Answer) -> Vec<Difference> {
    let mut out = Vec::new();
    let (ra, rb) = match (a, b) {
        (Answer::Response(ra), Answer::Response(rb)) => (ra, rb),
        (Answer::Timeout, Answer::Timeout) | (Answer::Crash(_), Answer::Crash(_)) => return out,
        _ => {
            out.push(Difference {
                path: "/answer".into(),
                kind: DiffKind::Answer,
                go: answer_text(a),
                rust: answer_text(b),
            });
            return out;
        }
    };
    if ra.status != rb.status {
        out.push(Difference {
            path: "/status".into(),
            kind: DiffKind::Status,
            go: ra.status.to_string(),
            rust: rb.status.to_string(),
        });
    }
    let patterns = compare::patterns(&ep.compare);
    headers(ep, &patterns, ra, rb, &mut out);
    body(ep, &patterns, ra, rb, &mut out);
    out
}

/// The differences between the Go primary's answer `go` and the Rust port's `rust` that
/// `noise` does not explain.
pub fn verdict(ep: &EndpointSpec, go: &Answer, rust: &Answer, noise: &impl Noise) -> Verdict {
    let mut diffs = differences(ep, go, rust);
    diffs.retain(|d| !noise.is_noise(&ep.name, d));
    match diffs.len() {
        0 => Verdict::Agree,
        1 if diffs[0].kind == DiffKind::JsonBytes => Verdict::JsonBytesOnly(diffs.remove(0)),
        _ => Verdict::Diverge(diffs),
    }
}

fn answer_text(a: &Answer) -> String {
    match a {
        Answer::Response(r) => format!("response {}", r.status),
        Answer::Timeout => "timeout".into(),
        Answer::Crash(why) => readable::truncate(format!("crash: {why}")),
    }
}

fn lossy(b: &[u8]) -> String {
    readable::truncate(String::from_utf8_lossy(b).into_owned())
}

fn headers(
    ep: &EndpointSpec,
    patterns: &[Vec<&str>],
    a: &Response,
    b: &Response,
    out: &mut Vec<Difference>,
) {
    let mut names: Vec<String> = a
        .headers
        .iter()
        .chain(&b.headers)
        .map(|(n, _)| n.to_ascii_lowercase())
        .filter(|n| ep.headers.compared(n))
        .collect();
    names.sort();
    names.dedup();
    for name in names {
        let path = [
            Seg::Field("headers".into()),
            Seg::Field(escape(name.as_bytes())),
        ];
        if compare::rule_at(&ep.compare, patterns, &path).ignore {
            continue;
        }
        let (va, vb) = (a.header(&name), b.header(&name));
        if va != vb {
            let show = |v: &Option<Vec<u8>>| v.as_deref().map_or(ABSENT.to_string(), lossy);
            out.push(Difference {
                path: format!("/headers/{}", escape(name.as_bytes())),
                kind: DiffKind::Header,
                go: show(&va),
                rust: show(&vb),
            });
        }
    }
}

fn body(
    ep: &EndpointSpec,
    patterns: &[Vec<&str>],
    a: &Response,
    b: &Response,
    out: &mut Vec<Difference>,
) {
    let mut w = Walker {
        rules: &ep.compare,
        patterns,
        path: vec![Seg::Field("body".into())],
        out: Vec::new(),
    };
    let whole = compare::rule_at(&ep.compare, patterns, &w.path);
    match (json::parse_spanned(&a.body), json::parse_spanned(&b.body)) {
        (Ok((ja, sa)), Ok((jb, sb))) => {
            w.walk(&ja, &jb);
            let agree = w.out.is_empty();
            out.append(&mut w.out);
            if agree && ep.json_bytes && a.body != b.body {
                let ga = Spelt {
                    bytes: &a.body,
                    spans: &sa,
                };
                let gb = Spelt {
                    bytes: &b.body,
                    spans: &sb,
                };
                fn outside<'b>(s: &Spelt<'b>) -> (&'b [u8], &'b [u8]) {
                    let root = s.spans[0];
                    (&s.bytes[..root.start], &s.bytes[root.end..])
                }
                let differs = (!whole.ignore && outside(&ga) != outside(&gb))
                    || w.spelt_differently(&ja, &ga, 0, &jb, &gb, 0);
                if differs {
                    out.push(Difference {
                        path: "/body".into(),
                        kind: DiffKind::JsonBytes,
                        go: lossy(&a.body),
                        rust: lossy(&b.body),
                    });
                }
            }
        }
        _ if a.body != b.body && !whole.ignore => out.push(Difference {
            path: "/body".into(),
            kind: DiffKind::Bytes,
            go: readable::truncate(readable::go_quote(&a.body)),
            rust: readable::truncate(readable::go_quote(&b.body)),
        }),
        _ => {}
    }
}

/// A key as a JSON pointer segment: `~` as `~0`, `/` as `~1`.
fn escape(key: &[u8]) -> String {
    String::from_utf8_lossy(key)
        .replace('~', "~0")
        .replace('/', "~1")
}

/// A parsed body with its bytes and spans.
struct Spelt<'a> {
    bytes: &'a [u8],
    spans: &'a [Span],
}

impl Spelt<'_> {
    fn raw(&self, node: usize) -> &[u8] {
        let s = self.spans[node];
        &self.bytes[s.start..s.end]
    }

    /// The node indices of a container's children, in order.
    fn children(&self, node: usize, count: usize) -> Vec<usize> {
        let mut c = node + 1;
        let mut out = Vec::with_capacity(count);
        for _ in 0..count {
            out.push(c);
            c += self.spans[c].size;
        }
        out
    }

    /// A container's bytes without its children's values: brackets, separators, whitespace
    /// and (for objects) the keys as written.
    fn skeleton(&self, node: usize, count: usize) -> Vec<u8> {
        let mut out = Vec::new();
        let mut pos = self.spans[node].start;
        for c in self.children(node, count) {
            out.extend_from_slice(&self.bytes[pos..self.spans[c].start]);
            pos = self.spans[c].end;
        }
        out.extend_from_slice(&self.bytes[pos..self.spans[node].end]);
        out
    }
}

struct Walker<'a> {
    rules: &'a CompareRules,
    patterns: &'a [Vec<&'a str>],
    path: Vec<Seg>,
    out: Vec<Difference>,
}

impl Walker<'_> {
    fn rule(&self) -> ValueRule {
        compare::rule_at(self.rules, self.patterns, &self.path)
    }

    fn skipped(&self, rule: &ValueRule) -> bool {
        rule.ignore && !compare::unignored_below(self.rules, self.patterns, &self.path)
    }

    fn path_string(&self) -> String {
        self.path.iter().map(|s| format!("/{s}")).collect()
    }

    fn push(&mut self, kind: DiffKind, go: String, rust: String) {
        self.out.push(Difference {
            path: self.path_string(),
            kind,
            go: readable::truncate(go),
            rust: readable::truncate(rust),
        });
    }

    /// A value difference at the current path, unless a declared difference covers it.
    fn value(&mut self, g: &Json, r: &Json) {
        let text = |j: &Json| match j {
            Json::String(s) => String::from_utf8_lossy(s).into_owned(),
            other => other.to_string(),
        };
        if accept::declared(&self.rules.accept, &self.path, &text(g), &text(r)) {
            return;
        }
        self.push(DiffKind::Value, g.to_string(), r.to_string());
    }

    /// Compares `g` and `r` at the current path, appending every difference. An ignored node
    /// with an un-ignored path below it is walked *shallow*: its own properties are not
    /// compared, its common children are (as in [`crate::compare`]).
    fn walk(&mut self, g: &Json, r: &Json) {
        let rule = self.rule();
        if self.skipped(&rule) {
            return;
        }
        let shallow = rule.ignore;
        let empty = |j: &Json| match j {
            Json::Array(v) => v.is_empty(),
            Json::Object(m) => m.is_empty(),
            _ => false,
        };
        match (g, r) {
            (Json::Null, other) | (other, Json::Null) if empty(other) => {
                if !rule.nil_equals_empty && !shallow {
                    self.value(g, r);
                }
            }
            (Json::Number(a), Json::Number(b)) => {
                if !shallow && !numbers_agree(&rule, a, b) {
                    self.value(g, r);
                }
            }
            (Json::Array(a), Json::Array(b)) if rule.unordered => {
                if !shallow && !self.multiset(a, b) {
                    self.value(g, r);
                }
            }
            (Json::Array(a), Json::Array(b)) => {
                for (i, (x, y)) in a.iter().zip(b).enumerate() {
                    self.path.push(Seg::Index(i));
                    self.walk(x, y);
                    self.path.pop();
                }
                let longer = if a.len() > b.len() { a } else { b };
                for (i, extra) in longer.iter().enumerate().skip(a.len().min(b.len())) {
                    self.path.push(Seg::Index(i));
                    let rule = self.rule();
                    if !shallow && !rule.ignore {
                        let (go, rust) = if a.len() > b.len() {
                            (extra.to_string(), ABSENT.to_string())
                        } else {
                            (ABSENT.to_string(), extra.to_string())
                        };
                        self.push(DiffKind::Missing, go, rust);
                    }
                    self.path.pop();
                }
            }
            (Json::Object(a), Json::Object(b)) => self.object(a, b, shallow),
            _ if g == r => {}
            _ => {
                if !shallow {
                    self.value(g, r);
                }
            }
        }
    }

    fn object(&mut self, a: &[(Vec<u8>, Json)], b: &[(Vec<u8>, Json)], shallow: bool) {
        let (ma, mb) = (last_members(a), last_members(b));
        let mut keys: Vec<&[u8]> = ma.keys().chain(mb.keys()).copied().collect();
        keys.sort();
        keys.dedup();
        for key in keys {
            self.path.push(Seg::Field(escape(key)));
            let rule = self.rule();
            match (ma.get(key), mb.get(key)) {
                (Some(&(na, x)), Some(&(nb, y))) => {
                    if na != nb && !shallow && !self.skipped(&rule) {
                        let members =
                            |n: usize| format!("{n} member{}", if n == 1 { "" } else { "s" });
                        self.push(DiffKind::DuplicateKey, members(na), members(nb));
                    }
                    self.walk(x, y);
                }
                (Some(&(_, x)), None) if !shallow && !rule.ignore => {
                    self.push(DiffKind::Missing, x.to_string(), ABSENT.to_string())
                }
                (None, Some(&(_, y))) if !shallow && !rule.ignore => {
                    self.push(DiffKind::Missing, ABSENT.to_string(), y.to_string())
                }
                _ => {}
            }
            self.path.pop();
        }
    }

    /// Whether `g` and `r` agree at the current path (no difference would be reported).
    fn agrees(&mut self, g: &Json, r: &Json) -> bool {
        let before = self.out.len();
        self.walk(g, r);
        let agree = self.out.len() == before;
        self.out.truncate(before);
        agree
    }

    /// Multiset comparison: each Go element, in order, takes the first unclaimed Rust element
    /// that agrees with it (trying the same index first), under the element rules at its Go
    /// index. With a float tolerance agreement is not transitive and greedy matching may miss
    /// a pairing that exists, as in [`crate::compare`].
    fn multiset(&mut self, a: &[Json], b: &[Json]) -> bool {
        if a.len() != b.len() {
            return false;
        }
        let mut claimed = vec![false; b.len()];
        for (i, x) in a.iter().enumerate() {
            self.path.push(Seg::Index(i));
            let order = std::iter::once(i).chain((0..b.len()).filter(|&j| j != i));
            let mut hit = None;
            for j in order {
                if !claimed[j] && self.agrees(x, &b[j]) {
                    hit = Some(j);
                    break;
                }
            }
            self.path.pop();
            match hit {
                Some(j) => claimed[j] = true,
                None => return false,
            }
        }
        true
    }

    /// Whether two values that agree under the rules are spelt differently where the rules do
    /// not forgive it: a scalar equal by value but written otherwise, or a container whose
    /// brackets, separators, whitespace, keys or key order differ. Ignored nodes and values
    /// that agree only by a rule (a tolerance, `nil_equals_empty`, another order under
    /// `unordered`) do not count.
    fn spelt_differently(
        &mut self,
        g: &Json,
        gs: &Spelt,
        gi: usize,
        r: &Json,
        rs: &Spelt,
        ri: usize,
    ) -> bool {
        let rule = self.rule();
        if self.skipped(&rule) {
            return false;
        }
        match (g, r) {
            (Json::Array(a), Json::Array(b)) if a.len() == b.len() => {
                let (ca, cb) = (gs.children(gi, a.len()), rs.children(ri, b.len()));
                for k in 0..a.len() {
                    self.path.push(Seg::Index(k));
                    let d = self.spelt_differently(&a[k], gs, ca[k], &b[k], rs, cb[k]);
                    self.path.pop();
                    if d {
                        return true;
                    }
                }
                !rule.ignore && gs.skeleton(gi, a.len()) != rs.skeleton(ri, b.len())
            }
            (Json::Object(a), Json::Object(b)) => {
                let (ca, cb) = (gs.children(gi, a.len()), rs.children(ri, b.len()));
                let (ma, mb) = (by_key(a, &ca), by_key(b, &cb));
                let mut any_ignored = false;
                let mut order = |m: &[(Vec<u8>, Json)], this: &mut Self| -> Vec<Vec<u8>> {
                    let mut keys = Vec::new();
                    for (k, _) in m {
                        this.path.push(Seg::Field(escape(k)));
                        let ignored = this.rule().ignore;
                        this.path.pop();
                        any_ignored |= ignored;
                        if !ignored {
                            keys.push(k.clone());
                        }
                    }
                    keys
                };
                let (ka, kb) = (order(a, self), order(b, self));
                for (key, xs) in &ma {
                    let Some(ys) = mb.get(key) else { continue };
                    let (Some(&(x, xi)), Some(&(y, yi))) = (xs.last(), ys.last()) else {
                        continue;
                    };
                    self.path.push(Seg::Field(escape(key)));
                    // The last members were compared as values; shadowed ones are bytes.
                    let shadowed = xs.len() == ys.len()
                        && !self.skipped(&self.rule())
                        && xs
                            .iter()
                            .zip(ys.iter())
                            .rev()
                            .skip(1)
                            .any(|(&(_, i), &(_, j))| gs.raw(i) != rs.raw(j));
                    let d = shadowed || self.spelt_differently(x, gs, xi, y, rs, yi);
                    self.path.pop();
                    if d {
                        return true;
                    }
                }
                if rule.ignore {
                    false
                } else if any_ignored {
                    ka != kb
                } else {
                    gs.skeleton(gi, a.len()) != rs.skeleton(ri, b.len())
                }
            }
            (Json::Array(_), _) | (Json::Object(_), _) => false,
            _ => g == r && gs.raw(gi) != rs.raw(ri),
        }
    }
}

/// Each key's member count and last value, by key.
fn last_members(m: &[(Vec<u8>, Json)]) -> BTreeMap<&[u8], (usize, &Json)> {
    let mut out: BTreeMap<&[u8], (usize, &Json)> = BTreeMap::new();
    for (k, v) in m {
        let e = out.entry(k.as_slice()).or_insert((0, v));
        *e = (e.0 + 1, v);
    }
    out
}

/// Each key's members with their node indices, in order, by key.
fn by_key<'j>(
    m: &'j [(Vec<u8>, Json)],
    nodes: &[usize],
) -> BTreeMap<&'j [u8], Vec<(&'j Json, usize)>> {
    let mut out: BTreeMap<&[u8], Vec<(&Json, usize)>> = BTreeMap::new();
    for ((k, v), &n) in m.iter().zip(nodes) {
        out.entry(k.as_slice()).or_default().push((v, n));
    }
    out
}

/// Whether two numbers agree under `rule`: equal by exact decimal value, or, under a float
/// rule other than `exact`, within it when both fit `f64`.
fn numbers_agree(rule: &ValueRule, a: &json::Number, b: &json::Number) -> bool {
    if a == b {
        return true;
    }
    if rule.float == FloatRule::Exact {
        return false;
    }
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => compare::float_diff(rule, Float::of64(x), Float::of64(y)).is_none(),
        _ => false,
    }
}

#[cfg(test)]
#[path = "response_tests.rs"]
mod tests;
