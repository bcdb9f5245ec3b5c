//! Malformed requests: a well-formed request, then one thing a real client (or attacker) gets
//! wrong. Ports differ most here: frameworks reject bad bodies, unknown methods and unclean paths
//! with their own statuses and bodies, and JSON decoders disagree on duplicated, wrongly cased or
//! `null` fields.
//!
//! A malformation is a value (`kind` plus a small selector `n`), not a function of randomness, so
//! a stored or shrunk sequence replays exactly.

use super::http::Request;
use super::request::{encode_json, json_string};
use crate::spec::{BodyKind, EndpointSpec, InputKind, Spec};
use crate::value::{Type, Value};

/// What is wrong with a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A body that is not JSON at all.
    NotJson,
    /// The JSON body cut short.
    Truncated,
    /// More data after the JSON value.
    TrailingData,
    /// A field the type does not have.
    UnknownField,
    /// A field given twice (first with another value).
    DuplicateField,
    /// A field left out.
    MissingField,
    /// A field name in other letter case.
    WrongCase,
    /// A field of another JSON type.
    WrongType,
    /// `null` where a value is expected.
    NullField,
    /// A number too big for any field.
    HugeNumber,
    /// No `Content-Type` header.
    NoContentType,
    /// Another `Content-Type`.
    OtherContentType,
    /// A query parameter given twice.
    RepeatedQuery,
    /// A query parameter with an empty value.
    EmptyQuery,
    /// A `%` not followed by two hex digits.
    BadPercent,
    /// A trailing `/`.
    TrailingSlash,
    /// A doubled `/`.
    DoubleSlash,
    /// A `..` segment.
    DotSegment,
    /// An encoded `/` (`%2F`) in the path.
    EncodedSlash,
    /// Another method.
    WrongMethod,
}

/// One malformation of a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Malformation {
    /// What is wrong.
    pub kind: Kind,
    /// Which field, parameter or variant (taken modulo how many there are).
    pub n: u8,
}

impl Kind {
    /// Every kind, in the order reports and the corpus spell them.
    pub const ALL: [Kind; 20] = [
        Kind::NotJson,
        Kind::Truncated,
        Kind::TrailingData,
        Kind::UnknownField,
        Kind::DuplicateField,
        Kind::MissingField,
        Kind::WrongCase,
        Kind::WrongType,
        Kind::NullField,
        Kind::HugeNumber,
        Kind::NoContentType,
        Kind::OtherContentType,
        Kind::RepeatedQuery,
        Kind::EmptyQuery,
        Kind::BadPercent,
        Kind::TrailingSlash,
        Kind::DoubleSlash,
        Kind::DotSegment,
        Kind::EncodedSlash,
        Kind::WrongMethod,
    ];

    /// The kind's name in reports and the corpus (`duplicate-field`).
    pub fn name(self) -> &'static str {
        match self {
            Kind::NotJson => "not-json",
            Kind::Truncated => "truncated",
            Kind::TrailingData => "trailing-data",
            Kind::UnknownField => "unknown-field",
            Kind::DuplicateField => "duplicate-field",
            Kind::MissingField => "missing-field",
            Kind::WrongCase => "wrong-case",
            Kind::WrongType => "wrong-type",
            Kind::NullField => "null-field",
            Kind::HugeNumber => "huge-number",
            Kind::NoContentType => "no-content-type",
            Kind::OtherContentType => "other-content-type",
            Kind::RepeatedQuery => "repeated-query",
            Kind::EmptyQuery => "empty-query",
            Kind::BadPercent => "bad-percent",
            Kind::TrailingSlash => "trailing-slash",
            Kind::DoubleSlash => "double-slash",
            Kind::DotSegment => "dot-segment",
            Kind::EncodedSlash => "encoded-slash",
            Kind::WrongMethod => "wrong-method",
        }
    }

    /// The kind named `name`.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// The kinds that apply to `ep`'s requests.
pub fn applicable(ep: &EndpointSpec) -> Vec<Kind> {
    let mut out = Vec::new();
    if let BodyKind::Json(ty) = &ep.body {
        out.extend([
            Kind::NotJson,
            Kind::Truncated,
            Kind::TrailingData,
            Kind::WrongType,
            Kind::NullField,
            Kind::NoContentType,
            Kind::OtherContentType,
        ]);
        if matches!(ty, Type::Struct(_)) {
            out.extend([
                Kind::UnknownField,
                Kind::DuplicateField,
                Kind::MissingField,
                Kind::WrongCase,
                Kind::HugeNumber,
            ]);
        }
    }
    if ep.inputs.iter().any(|i| i.kind == InputKind::Query) {
        out.extend([Kind::RepeatedQuery, Kind::EmptyQuery]);
    }
    out.extend([
        Kind::BadPercent,
        Kind::TrailingSlash,
        Kind::DoubleSlash,
        Kind::DotSegment,
        Kind::EncodedSlash,
        Kind::WrongMethod,
    ]);
    out.sort();
    out
}

/// Applies `m` to `req`, the well-formed request of `ep` for `inputs`.
pub fn apply(m: Malformation, spec: &Spec, ep: &EndpointSpec, inputs: &[Value], req: &mut Request) {
    let n = m.n as usize;
    match m.kind {
        Kind::NotJson => {
            const NOT_JSON: [&[u8]; 4] = [b"not json", b"", b"<invoice/>", b"{'a': 1}"];
            req.body = NOT_JSON[n % NOT_JSON.len()].to_vec();
        }
        Kind::Truncated => {
            let keep = req.body.len().saturating_sub(1 + n % req.body.len().max(1));
            req.body.truncate(keep);
        }
        Kind::TrailingData => {
            const TRAILING: [&[u8]; 3] = [b"x", b" {}", b"\n{\"a\":1}"];
            req.body.extend_from_slice(TRAILING[n % TRAILING.len()]);
        }
        Kind::WrongType | Kind::NullField if !is_struct_body(ep) => {
            req.body = if m.kind == Kind::NullField {
                b"null".to_vec()
            } else {
                wrong_type(&req.body)
            };
        }
        Kind::UnknownField
        | Kind::DuplicateField
        | Kind::MissingField
        | Kind::WrongCase
        | Kind::WrongType
        | Kind::NullField
        | Kind::HugeNumber => {
            if let Some(members) = struct_members(spec, ep, inputs) {
                req.body = edit_members(m, members);
            }
        }
        Kind::NoContentType => req
            .headers
            .retain(|(name, _)| !name.eq_ignore_ascii_case("content-type")),
        Kind::OtherContentType => {
            const OTHER: [&[u8]; 3] = [
                b"text/plain",
                b"application/x-www-form-urlencoded",
                b"application/JSON",
            ];
            for (name, value) in &mut req.headers {
                if name.eq_ignore_ascii_case("content-type") {
                    *value = OTHER[n % OTHER.len()].to_vec();
                }
            }
        }
        Kind::RepeatedQuery | Kind::EmptyQuery => {
            let (path, query) = split(&req.target);
            let mut params: Vec<String> = query
                .split('&')
                .filter(|p| !p.is_empty())
                .map(String::from)
                .collect();
            if params.is_empty() {
                // Every optional parameter was absent: name the first query input.
                if let Some(q) = ep.inputs.iter().find(|i| i.kind == InputKind::Query) {
                    params.push(format!("{}=1", q.arg.name));
                }
            }
            if !params.is_empty() {
                let i = n % params.len();
                let key = params[i].split('=').next().unwrap_or_default().to_string();
                if m.kind == Kind::RepeatedQuery {
                    params.push(format!("{key}=x"));
                } else {
                    params[i] = format!("{key}=");
                }
            }
            req.target = format!("{path}?{}", params.join("&"));
        }
        Kind::BadPercent => {
            const BAD: [&str; 3] = ["%zz", "%", "%e9"];
            let bad = BAD[n % BAD.len()];
            let (path, query) = split(&req.target);
            req.target = if query.is_empty() {
                format!("{path}{bad}")
            } else {
                format!("{path}?{query}{bad}")
            };
        }
        Kind::TrailingSlash => {
            let (path, query) = split(&req.target);
            req.target = join(&format!("{path}/"), query);
        }
        Kind::DoubleSlash => {
            let (path, query) = split(&req.target);
            let slashes: Vec<usize> = path.match_indices('/').map(|(i, _)| i).collect();
            let at = slashes[n % slashes.len().max(1)];
            req.target = join(&format!("{}/{}", &path[..at], &path[at..]), query);
        }
        Kind::DotSegment => {
            let (path, query) = split(&req.target);
            req.target = join(&format!("/x/..{path}"), query);
        }
        Kind::EncodedSlash => {
            let (path, query) = split(&req.target);
            let new = match path.rfind('/') {
                Some(i) if i > 0 => format!("{}%2F{}", &path[..i], &path[i + 1..]),
                _ => format!("{path}%2F"),
            };
            req.target = join(&new, query);
        }
        Kind::WrongMethod => {
            const METHODS: [&str; 6] = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
            let others: Vec<&str> = METHODS
                .iter()
                .copied()
                .filter(|x| *x != ep.method)
                .collect();
            req.method = others[n % others.len()].to_string();
        }
    }
}

fn is_struct_body(ep: &EndpointSpec) -> bool {
    matches!(&ep.body, BodyKind::Json(Type::Struct(_)))
}

fn split(target: &str) -> (&str, &str) {
    target.split_once('?').unwrap_or((target, ""))
}

fn join(path: &str, query: &str) -> String {
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{query}")
    }
}

/// A JSON value of another type than `body`'s.
fn wrong_type(body: &[u8]) -> Vec<u8> {
    match body.first() {
        Some(b'"') => b"12".to_vec(),
        Some(b'[') => b"{}".to_vec(),
        Some(b'{') => b"[]".to_vec(),
        _ => b"\"x\"".to_vec(),
    }
}

/// A struct body's members: JSON name, encoded value, and the field's type.
type Member = (String, Vec<u8>, Type);

fn struct_members(spec: &Spec, ep: &EndpointSpec, inputs: &[Value]) -> Option<Vec<Member>> {
    let BodyKind::Json(Type::Struct(st)) = &ep.body else {
        return None;
    };
    let Value::Struct(fields) = &inputs[ep.body_input()?] else {
        return None;
    };
    let names = spec.json_names.get(&st.name);
    Some(
        st.fields
            .iter()
            .zip(fields)
            .enumerate()
            .map(|(i, (f, v))| {
                let mut enc = Vec::new();
                encode_json(&mut enc, v, &f.ty, &spec.json_names);
                let name = names
                    .and_then(|n| n.get(i))
                    .cloned()
                    .unwrap_or_else(|| f.name.clone());
                (name, enc, f.ty.clone())
            })
            .collect(),
    )
}

fn edit_members(m: Malformation, mut members: Vec<Member>) -> Vec<u8> {
    let n = m.n as usize;
    if members.is_empty() {
        members.push(("a".into(), b"1".to_vec(), Type::I64));
    }
    let i = n % members.len();
    match m.kind {
        Kind::UnknownField => members.push(("unknownField".into(), b"1".to_vec(), Type::I64)),
        Kind::DuplicateField => {
            let (name, _, ty) = members[i].clone();
            members.insert(i, (name, zero(&ty), ty));
        }
        Kind::MissingField => {
            members.remove(i);
        }
        Kind::WrongCase => {
            let name = &members[i].0;
            members[i].0 = if n.is_multiple_of(2) {
                capitalize(name)
            } else {
                name.to_uppercase()
            };
        }
        Kind::WrongType => members[i].1 = wrong_type(&members[i].1),
        Kind::NullField => members[i].1 = b"null".to_vec(),
        Kind::HugeNumber => {
            const HUGE: [&[u8]; 3] = [
                b"1e400",
                b"99999999999999999999999",
                b"-9223372036854775809",
            ];
            // A numeric field if there is one, else the selected field.
            let at = members
                .iter()
                .position(|(_, _, t)| t.is_integer() || matches!(t, Type::F32 | Type::F64))
                .unwrap_or(i);
            members[at].1 = HUGE[n % HUGE.len()].to_vec();
        }
        _ => {}
    }
    let mut out = vec![b'{'];
    for (k, (name, value, _)) in members.iter().enumerate() {
        if k > 0 {
            out.push(b',');
        }
        json_string(&mut out, name);
        out.push(b':');
        out.extend_from_slice(value);
    }
    out.push(b'}');
    out
}

fn zero(ty: &Type) -> Vec<u8> {
    match ty {
        Type::String => b"\"\"".to_vec(),
        Type::Bool => b"false".to_vec(),
        Type::List(_) => b"[]".to_vec(),
        Type::Struct(_) | Type::Map(..) => b"{}".to_vec(),
        Type::Option(_) | Type::Bytes => b"null".to_vec(),
        _ => b"0".to_vec(),
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) if f.is_lowercase() => f.to_uppercase().chain(c).collect(),
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}
