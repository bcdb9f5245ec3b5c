//! Validation of `[[endpoint]]` tables into [`EndpointSpec`]s: method, path template, typed
//! inputs (path parameters, query parameters, headers, body) with their hints and references,
//! the response shape and the comparison rules; and the JSON names of struct fields.

use std::collections::{BTreeMap, HashMap};

use toml::{Spanned, Value as Toml};

use super::compare::float_rule;
use super::endpoint::{
    BodyKind, EndpointSpec, HeaderRules, Input, InputKind, PathPart, Reference, ResponseShape,
};
use super::error::{clip_debug, closest, quote, Diags};
use super::model::{CompareRules, ErrorRule, Hints, Location, PathRule, ValueRule};
use super::raw::endpoint::{RawBody, RawEndpoint, RawEndpointCompare, RawInput};
use super::raw::{RawArg, RawStruct};
use super::server_validate::{method_hint, METHODS};
use super::validate::{name_ok, offset_in_string, parse_type, typed_argument, Types};
use crate::value::Type;

/// Validates every endpoint; `functions` maps the spec's function names to their lines.
pub(crate) fn endpoints(
    raw: &[Spanned<RawEndpoint>],
    functions: &HashMap<String, usize>,
    types: &Types,
    text: &str,
    d: &mut Diags,
) -> Vec<EndpointSpec> {
    let names: Vec<&str> = raw
        .iter()
        .map(|e| e.get_ref().name.get_ref().as_str())
        .collect();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut out = Vec::new();
    for e in raw {
        let name = e.get_ref().name.get_ref().as_str();
        let at = e.get_ref().name.span().start;
        if let Some(first) = seen.get(name) {
            d.at(
                at,
                format!("duplicate endpoint name `{name}` (first declared on line {first})"),
                Some("give each [[endpoint]] its own `name`; names appear in reports, the corpus and `from`".into()),
            );
        } else {
            seen.insert(name, d.position(e.span().start).0);
        }
        if let Some(line) = functions.get(name) {
            d.at(
                at,
                format!("endpoint name `{name}` is also the name of a function (line {line})"),
                Some("endpoints and functions share the names in reports and the corpus: rename one of them".into()),
            );
        }
        out.push(endpoint(e, &names, types, text, d));
    }
    out
}

/// The segments of a path template: literals and `{name}`s, with each name's byte offset.
enum Piece<'a> {
    Literal(&'a str),
    Param(&'a str, usize),
}

fn endpoint(
    e: &Spanned<RawEndpoint>,
    names: &[&str],
    types: &Types,
    text: &str,
    d: &mut Diags,
) -> EndpointSpec {
    let raw = e.get_ref();
    let name = raw.name.get_ref().clone();
    let table = format!("endpoint `{name}`");
    if !name_ok(&name) {
        d.at(
            raw.name.span().start,
            format!("endpoint name {} is empty or has characters other than letters, digits, `_`, `-` and `.`", clip_debug(&name)),
            Some("the name is used in reports, in the corpus path and by `from`, like `name = \"CreateInvoice\"`".into()),
        );
    }
    let method = match &raw.method {
        None => {
            d.at(
                e.span().start,
                format!("{table} has no `method`"),
                Some("add `method = \"GET\"` (or POST, PUT, PATCH, DELETE, HEAD, OPTIONS)".into()),
            );
            String::new()
        }
        Some(m) => {
            let upper = m.get_ref().to_ascii_uppercase();
            if !METHODS.contains(&upper.as_str()) {
                d.at(
                    m.span().start,
                    format!("unknown method {} in {table}", clip_debug(m.get_ref())),
                    Some(method_hint(&upper)),
                );
            }
            upper
        }
    };
    let pieces = match &raw.path {
        None => {
            d.at(e.span().start, format!("{table} has no `path`"), Some("add `path = \"/invoices/{id}\"`: the route, with `{name}` for each path parameter".into()));
            Vec::new()
        }
        Some(p) => template(p, text, d),
    };
    let lookup = |n: &str| types.lookup(n);
    let mut inputs: Vec<Input> = Vec::new();
    let kinds = [
        (InputKind::Path, &raw.params),
        (InputKind::Query, &raw.query),
        (InputKind::Header, &raw.headers),
    ];
    for (kind, list) in kinds {
        let mut seen: HashMap<String, ()> = HashMap::new();
        for input in list {
            let r = input.get_ref();
            let shown = r.arg.name.get_ref();
            let key = if kind == InputKind::Header {
                shown.to_ascii_lowercase()
            } else {
                shown.clone()
            };
            if seen.insert(key, ()).is_some() {
                d.at(
                    r.arg.name.span().start,
                    format!("duplicate {} `{shown}` in {table}", kind_name(kind)),
                    Some(format!("each {} is declared once", kind_name(kind))),
                );
            }
            if let Some(i) = request_input(input, kind, &name, names, &lookup, types, text, d) {
                inputs.push(i);
            }
        }
    }
    // Every `{name}` of the path is declared in `params`, and every param appears in the path.
    let mut segments = Vec::new();
    let mut in_path: Vec<&str> = Vec::new();
    for piece in &pieces {
        match piece {
            Piece::Literal(s) => segments.push(PathPart::Literal(s.to_string())),
            Piece::Param(p, at) => {
                in_path.push(p);
                match inputs.iter().position(|i| i.kind == InputKind::Path && i.arg.name == *p) {
                    Some(i) => segments.push(PathPart::Param(i)),
                    None if raw.params.iter().any(|r| r.get_ref().arg.name.get_ref() == p) => {} // reported
                    None => d.at(
                        *at,
                        format!("path parameter `{p}` of {table} is not declared in `params`"),
                        Some(format!("add `params = [{{ name = \"{p}\", type = \"string\" }}]` (with hints, like `len` or `regex`, as for an argument)")),
                    ),
                }
            }
        }
    }
    if raw.path.is_some() {
        for r in &raw.params {
            let p = r.get_ref().arg.name.get_ref();
            if !in_path.contains(&p.as_str()) {
                d.at(
                    r.get_ref().arg.name.span().start,
                    format!("`params` declares `{p}`, but the path of {table} has no `{{{p}}}`"),
                    Some(format!("add `{{{p}}}` to `path`, or move `{p}` to `query` if it is a query parameter")),
                );
            }
        }
    }
    let body = match &raw.body {
        None => BodyKind::None,
        Some(b) => match body_input(b, &name, &lookup, types, text, d) {
            Some((kind, input)) => {
                inputs.extend(input);
                kind
            }
            None => BodyKind::None,
        },
    };
    let response = raw.response.as_ref().map(|r| {
        let r = r.get_ref();
        ResponseShape {
            statuses: r
                .status
                .as_ref()
                .map(|s| statuses(s, d))
                .unwrap_or_default(),
            body: r
                .body
                .as_ref()
                .and_then(|b| parse_type(b, &lookup, &types.declared, text, d)),
        }
    });
    let (compare, headers, json_bytes) = match &raw.compare {
        Some(c) => endpoint_compare(c, d),
        None => (default_rules(), HeaderRules::default(), true),
    };
    let (line, column) = d.position(e.span().start);
    EndpointSpec {
        name,
        method,
        path: raw
            .path
            .as_ref()
            .map(|p| p.get_ref().clone())
            .unwrap_or_default(),
        segments,
        inputs,
        body,
        response: response.unwrap_or_default(),
        compare,
        headers,
        json_bytes,
        location: Location { line, column },
    }
}

fn kind_name(kind: InputKind) -> &'static str {
    match kind {
        InputKind::Path => "path parameter",
        InputKind::Query => "query parameter",
        InputKind::Header => "header",
        InputKind::Body => "body",
    }
}

/// Splits `/invoices/{id}/lines` into pieces, reporting braces that do not pair and bad names.
fn template<'a>(p: &'a Spanned<String>, text: &str, d: &mut Diags) -> Vec<Piece<'a>> {
    let path = p.get_ref().as_str();
    let shape = "write the route like `/invoices/{id}`: it starts with `/`, and each `{name}` is a path parameter declared in `params`";
    if !path.starts_with('/') {
        d.at(
            p.span().start,
            format!("path {} does not start with `/`", clip_debug(path)),
            Some(shape.into()),
        );
        return Vec::new();
    }
    let mut pieces = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    let mut rest = 0;
    while rest < path.len() {
        let tail = &path[rest..];
        let open = tail.find('{');
        let close = tail.find('}');
        match (open, close) {
            (None, None) => {
                pieces.push(Piece::Literal(tail));
                break;
            }
            (o, Some(c)) if o.is_none_or(|o| c < o) => {
                d.at(
                    offset_in_string(text, p, rest + c),
                    format!("path {} has a `}}` without `{{`", clip_debug(path)),
                    Some(shape.into()),
                );
                return Vec::new();
            }
            (Some(o), c) => {
                if o > 0 {
                    pieces.push(Piece::Literal(&tail[..o]));
                }
                let Some(c) = c else {
                    d.at(
                        offset_in_string(text, p, rest + o),
                        format!("path {} has a `{{` without `}}`", clip_debug(path)),
                        Some(shape.into()),
                    );
                    return Vec::new();
                };
                let name = &tail[o + 1..c];
                let at = offset_in_string(text, p, rest + o);
                let ident = !name.is_empty()
                    && name
                        .chars()
                        .all(|ch| ch.is_ascii_alphanumeric() || ch == '_');
                if !ident {
                    d.at(at, format!("path parameter {} is not a name", clip_debug(name)), Some("a path parameter is `{name}`, with letters, digits and `_`, like `{id}`".into()));
                    return Vec::new();
                }
                if names.contains(&name) {
                    d.at(
                        at,
                        format!(
                            "path parameter `{name}` appears twice in path {}",
                            clip_debug(path)
                        ),
                        Some("name each path parameter once; give the second another name".into()),
                    );
                    return Vec::new();
                }
                names.push(name);
                pieces.push(Piece::Param(name, at));
                rest += c + 1;
            }
            (None, Some(_)) => unreachable!("handled above"),
        }
    }
    pieces
}

/// Whether `ty` may be a path parameter, query parameter or header.
fn scalar(ty: &Type) -> bool {
    !matches!(
        ty,
        Type::Bytes | Type::Option(_) | Type::List(_) | Type::Map(..) | Type::Struct(_)
    )
}

#[allow(clippy::too_many_arguments)]
fn request_input(
    input: &Spanned<RawInput>,
    kind: InputKind,
    endpoint: &str,
    names: &[&str],
    lookup: &dyn Fn(&str) -> Option<std::sync::Arc<crate::value::StructType>>,
    types: &Types,
    text: &str,
    d: &mut Diags,
) -> Option<Input> {
    let r = input.get_ref();
    let name = r.arg.name.get_ref();
    let what = format!("{} `{name}` of `{endpoint}`", kind_name(kind));
    if name.is_empty() {
        d.at(
            r.arg.name.span().start,
            format!("a {} name is empty", kind_name(kind)),
            Some("name it as the request spells it, like `name = \"limit\"`".into()),
        );
    } else if kind == InputKind::Header && !name.chars().all(token_char) {
        d.at(
            r.arg.name.span().start,
            format!(
                "header name {} has characters a header name cannot have",
                clip_debug(name)
            ),
            Some(
                "a header name is letters, digits and `-` (and a few symbols), like `X-Request-Id`"
                    .into(),
            ),
        );
    }
    let optional = r.optional.as_ref().is_some_and(|o| *o.get_ref());
    if let (Some(o), InputKind::Path) = (&r.optional, kind) {
        d.at(
            o.span().start,
            format!("path parameter `{name}` of `{endpoint}` cannot be optional"),
            Some("a path parameter is always part of the route; remove `optional`, or declare the route without it as another [[endpoint]]".into()),
        );
    }
    let from = reference(r, &what, names, d);
    let ty = parse_type(&r.arg.ty, lookup, &types.declared, text, d)?;
    if !scalar(&ty) {
        let hint = match &ty {
            Type::Option(inner) => format!("write `type = \"{inner}\", optional = true`: a nil value leaves the input out"),
            _ => "use `string`, `bool`, an integer or a float type; send structured values in the `body`".to_string(),
        };
        d.at(
            r.arg.ty.span().start,
            format!(
                "{what} is `{}`, but path, query and header inputs take a scalar type",
                quote(&ty)
            ),
            Some(hint),
        );
        return None;
    }
    if from.is_some() && matches!(ty, Type::F32 | Type::F64) {
        d.at(
            r.arg.ty.span().start,
            format!("{what} takes its value `from` another response, so it cannot be `{ty}`"),
            Some(
                "a reference carries an identifier: use `string`, `bool` or an integer type".into(),
            ),
        );
    }
    let mut arg = typed_argument(&r.arg, ty, input.span().start, &what, types, d);
    if optional && kind != InputKind::Path {
        arg.ty = Type::Option(Box::new(arg.ty));
        let mut inner = std::mem::take(&mut arg.hints);
        arg.hints = Hints {
            examples: std::mem::take(&mut inner.examples),
            items: Some(Box::new(inner)),
            ..Hints::default()
        };
    }
    Some(Input { kind, arg, from })
}

fn token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// `from` + `pointer`: both or neither; `from` names an endpoint, `pointer` starts with `/`.
fn reference(r: &RawInput, what: &str, names: &[&str], d: &mut Diags) -> Option<Reference> {
    match (&r.from, &r.pointer) {
        (None, None) => None,
        (Some(f), None) => {
            d.at(f.span().start, format!("{what} has `from` but no `pointer`"), Some("add `pointer = \"/id\"`: the JSON pointer of the value in that endpoint's response body".into()));
            None
        }
        (None, Some(p)) => {
            d.at(
                p.span().start,
                format!("{what} has `pointer` but no `from`"),
                Some(
                    "add `from = \"CreateInvoice\"`: the endpoint whose response holds the value"
                        .into(),
                ),
            );
            None
        }
        (Some(f), Some(p)) => {
            let target = f.get_ref().as_str();
            let endpoint = names.iter().position(|n| *n == target);
            if endpoint.is_none() {
                let list = names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let hint = match closest(target, names.iter().copied()) {
                    Some(c) => format!(
                        "did you mean `{c}`? `from` names an [[endpoint]] of this spec: {list}"
                    ),
                    None => format!("`from` names an [[endpoint]] of this spec: {list}"),
                };
                d.at(
                    f.span().start,
                    format!("`from` of {what} names no endpoint: {}", clip_debug(target)),
                    Some(hint),
                );
            }
            if !p.get_ref().starts_with('/') {
                d.at(
                    p.span().start,
                    format!(
                        "`pointer` {} does not start with `/`",
                        clip_debug(p.get_ref())
                    ),
                    Some("a JSON pointer starts with `/`, like `/id` or `/items/0/id`".into()),
                );
                return None;
            }
            Some(Reference {
                endpoint: endpoint?,
                pointer: p.get_ref().clone(),
            })
        }
    }
}

/// The body: its kind and the input that carries it (named `body`).
fn body_input(
    b: &Spanned<RawBody>,
    endpoint: &str,
    lookup: &dyn Fn(&str) -> Option<std::sync::Arc<crate::value::StructType>>,
    types: &Types,
    text: &str,
    d: &mut Diags,
) -> Option<(BodyKind, Option<Input>)> {
    let (ty, hints) = match b.get_ref() {
        RawBody::Name(n) => (n.clone(), super::raw::RawHints::default()),
        RawBody::Typed { ty, hints } => (ty.clone(), (**hints).clone()),
    };
    let raw = RawArg {
        name: Spanned::new(ty.span(), "body".to_string()),
        ty,
        hints,
        from: None,
    };
    let what = format!("the body of `{endpoint}`");
    let parsed = parse_type(&raw.ty, lookup, &types.declared, text, d)?;
    let kind = if parsed == Type::Bytes {
        BodyKind::Bytes
    } else {
        BodyKind::Json(parsed.clone())
    };
    let arg = typed_argument(&raw, parsed, b.span().start, &what, types, d);
    Some((
        kind,
        Some(Input {
            kind: InputKind::Body,
            arg,
            from: None,
        }),
    ))
}

/// `status = 201` or `status = [201, 400]`.
fn statuses(s: &Spanned<Toml>, d: &mut Diags) -> Vec<u16> {
    let items: Vec<&Toml> = match s.get_ref() {
        Toml::Array(a) => a.iter().collect(),
        one => vec![one],
    };
    let mut out = Vec::new();
    for v in items {
        match v {
            Toml::Integer(n) if (100..=599).contains(n) => out.push(*n as u16),
            other => d.at(
                s.span().start,
                format!(
                    "`status` must hold HTTP statuses from 100 to 599, found {}",
                    quote(other)
                ),
                Some("write `status = 200` or `status = [201, 400]`".into()),
            ),
        }
    }
    out
}

/// The function defaults, except that null does not equal `[]` (clients see the difference).
fn default_rules() -> CompareRules {
    CompareRules {
        errors: ErrorRule::Ignore,
        default: ValueRule {
            nil_equals_empty: false,
            ..ValueRule::default()
        },
        paths: Vec::new(),
        accept: Vec::new(),
    }
}

fn endpoint_compare(
    c: &Spanned<RawEndpointCompare>,
    d: &mut Diags,
) -> (CompareRules, HeaderRules, bool) {
    let raw = c.get_ref();
    let mut rules = default_rules();
    rules.default = super::compare::default_rule(
        raw.float.as_ref(),
        raw.unordered,
        raw.nil_equals_empty.unwrap_or(false),
        raw.nan_payload,
        d,
    );
    let shape = "an endpoint's paths are JSON pointers under `/body`, like `/body/items` or `/body/items/*/created_at` (`*` matches any one segment)";
    for p in &raw.paths {
        let r = &p.get_ref().0;
        let path = r.path.get_ref();
        let at = r.path.span().start;
        let Some(rest) = path.strip_prefix("/body") else {
            d.at(
                at,
                format!(
                    "path pattern {} does not start with `/body`",
                    clip_debug(path)
                ),
                Some(shape.into()),
            );
            continue;
        };
        if !rest.is_empty() && (!rest.starts_with('/') || rest[1..].split('/').any(str::is_empty)) {
            d.at(
                at,
                format!(
                    "path pattern {} has an empty or misplaced segment",
                    clip_debug(path)
                ),
                Some(shape.into()),
            );
            continue;
        }
        rules.paths.push(PathRule {
            path: path.clone(),
            float: r.float.as_ref().and_then(|f| float_rule(f, d)),
            unordered: r.unordered,
            ignore: r.ignore,
            nil_equals_empty: r.nil_equals_empty,
            nan_payload: r.nan_payload,
        });
    }
    let mut headers = HeaderRules::default();
    for (list, into) in [
        (&raw.headers, &mut headers.compare),
        (&raw.ignore_headers, &mut headers.ignore),
    ] {
        for h in list {
            let name = h.get_ref();
            if name.is_empty() || !name.chars().all(token_char) {
                d.at(h.span().start, format!("{} is not a header name", clip_debug(name)), Some("write header names as a response spells them, like `\"X-Total\"` (any case)".into()));
                continue;
            }
            let lower = name.to_ascii_lowercase();
            if !into.contains(&lower) {
                into.push(lower);
            }
        }
    }
    (rules, headers, raw.json_bytes.unwrap_or(true))
}

/// The JSON name of every resolved struct's fields: `json`, else the Go name. An empty or
/// duplicate JSON name is reported.
pub(crate) fn json_names(
    raw: &BTreeMap<Spanned<String>, Spanned<RawStruct>>,
    types: &Types,
    d: &mut Diags,
) -> HashMap<String, Vec<String>> {
    let mut out = HashMap::new();
    for (name, st) in raw {
        let mut names: Vec<String> = Vec::new();
        for f in &st.get_ref().fields {
            let f = f.get_ref();
            let json = match &f.json {
                Some(j) if j.get_ref().is_empty() => {
                    d.at(
                        j.span().start,
                        "`json` is empty",
                        Some(
                            "leave `json` out to use the field's Go name, as `encoding/json` does"
                                .into(),
                        ),
                    );
                    f.name.get_ref().clone()
                }
                Some(j) => {
                    if names.contains(j.get_ref()) {
                        d.at(
                            j.span().start,
                            format!(
                                "two fields of struct `{}` have the JSON name {}",
                                name.get_ref(),
                                clip_debug(j.get_ref())
                            ),
                            Some(
                                "give each field its own `json` name, as the Go struct tags do"
                                    .into(),
                            ),
                        );
                    }
                    j.get_ref().clone()
                }
                None => f.name.get_ref().clone(),
            };
            names.push(json);
        }
        if types.resolved.contains_key(name.get_ref()) {
            out.insert(name.get_ref().clone(), names);
        }
    }
    out
}
