//! `[function.compare]`: the error rule, the float rule and per-path overrides, checked and
//! turned into [`CompareRules`].

use toml::{Spanned, Value as Toml};

use super::error::{clip_debug, quote, Diags};
use super::model::{CompareRules, ErrorRule, FloatRule, PathRule, ValueRule};
use super::raw::{RawCompare, RawPath};

const ERRORS_FORMS: &str =
    "write `errors = \"ignore\"`, `errors = \"exact\"` or `errors = { regex = \"…\", replace = \"…\" }`";
const FLOAT_FORMS: &str =
    "write `float = \"exact\"`, `float = { ulps = 4 }` or `float = { abs = 1e-9, rel = 1e-12 }`";

/// Checks a `[function.compare]` table of a function with `results` results.
pub(crate) fn compare_rules(
    c: &Spanned<RawCompare>,
    results: usize,
    function: &str,
    d: &mut Diags,
) -> CompareRules {
    let raw = c.get_ref();
    let mut rules = CompareRules::default();
    if let Some(e) = &raw.errors {
        if let Some(rule) = error_rule(e, d) {
            rules.errors = rule;
        }
    }
    rules.default = default_rule(
        raw.float.as_ref(),
        raw.unordered,
        raw.nil_equals_empty.unwrap_or(true),
        raw.nan_payload,
        d,
    );
    for p in &raw.paths {
        if let Some(rule) = path_rule(p, results, function, d) {
            rules.paths.push(rule);
        }
    }
    rules
}

/// The rule for every path no pattern matches, from a compare table's top-level keys; the
/// `nil_equals_empty` default differs between functions (true) and endpoints (false).
pub(crate) fn default_rule(
    float: Option<&Spanned<Toml>>,
    unordered: Option<bool>,
    nil_equals_empty: bool,
    nan_payload: Option<bool>,
    d: &mut Diags,
) -> ValueRule {
    ValueRule {
        float: float
            .and_then(|f| float_rule(f, d))
            .unwrap_or(FloatRule::Exact),
        unordered: unordered.unwrap_or(false),
        ignore: false,
        nil_equals_empty,
        nan_payload: nan_payload.unwrap_or(false),
    }
}

fn error_rule(e: &Spanned<Toml>, d: &mut Diags) -> Option<ErrorRule> {
    let at = e.span().start;
    match e.get_ref() {
        Toml::String(s) if s == "ignore" => Some(ErrorRule::Ignore),
        Toml::String(s) if s == "exact" => Some(ErrorRule::Exact),
        Toml::Table(t) => {
            if let Some(k) = t.keys().find(|k| *k != "regex" && *k != "replace") {
                d.at(
                    at,
                    format!("unknown key `{k}` in the `errors` rule"),
                    Some(ERRORS_FORMS.into()),
                );
                return None;
            }
            let replace_ok = matches!(t.get("replace"), None | Some(Toml::String(_)));
            let (Some(Toml::String(re)), true) = (t.get("regex"), replace_ok) else {
                d.at(
                    at,
                    "the `errors` rule needs a string `regex` (and optionally a string `replace`)",
                    Some(ERRORS_FORMS.into()),
                );
                return None;
            };
            let replace = match t.get("replace") {
                Some(Toml::String(r)) => r.clone(),
                _ => String::new(),
            };
            match regex::Regex::new(re) {
                Ok(regex) => Some(ErrorRule::Regex { regex, replace }),
                Err(err) => {
                    let text = err.to_string();
                    let reason = text
                        .rfind("error: ")
                        .map_or(text.as_str(), |i| &text[i + 7..])
                        .trim();
                    d.at(
                        at,
                        format!("invalid `errors` regex {}: {reason}", clip_debug(re)),
                        Some("the syntax is that of the Rust `regex` crate; `replace` may use `$1` for groups".into()),
                    );
                    None
                }
            }
        }
        other => {
            d.at(
                at,
                format!("unknown `errors` rule {}", quote(other)),
                Some(ERRORS_FORMS.into()),
            );
            None
        }
    }
}

fn non_negative(v: &Toml) -> Option<f64> {
    let x = match v {
        Toml::Float(x) => *x,
        Toml::Integer(i) => *i as f64,
        _ => return None,
    };
    (x.is_finite() && x >= 0.0).then_some(x)
}

pub(crate) fn float_rule(f: &Spanned<Toml>, d: &mut Diags) -> Option<FloatRule> {
    let at = f.span().start;
    let bad = |d: &mut Diags, message: String| {
        d.at(at, message, Some(FLOAT_FORMS.into()));
        None
    };
    match f.get_ref() {
        Toml::String(s) if s == "exact" => Some(FloatRule::Exact),
        Toml::Table(t) if t.contains_key("ulps") => {
            if t.len() != 1 {
                return bad(
                    d,
                    "a `float` rule with `ulps` takes no other keys".to_string(),
                );
            }
            match t.get("ulps") {
                Some(Toml::Integer(n)) if *n >= 0 => Some(FloatRule::Ulps(*n as u64)),
                _ => bad(d, "`ulps` must be a non-negative integer".to_string()),
            }
        }
        Toml::Table(t) if !t.is_empty() && t.keys().all(|k| k == "abs" || k == "rel") => {
            let read = |k: &str| t.get(k).map(non_negative).unwrap_or(Some(0.0));
            match (read("abs"), read("rel")) {
                (Some(abs), Some(rel)) => Some(FloatRule::Tolerance { abs, rel }),
                _ => bad(
                    d,
                    "`abs` and `rel` must be non-negative finite numbers".to_string(),
                ),
            }
        }
        Toml::Table(t) => match t
            .keys()
            .find(|k| !matches!(k.as_str(), "abs" | "rel" | "ulps"))
        {
            Some(k) => bad(d, format!("unknown key `{k}` in the `float` rule")),
            None => bad(d, "the `float` rule is an empty table".to_string()),
        },
        other => bad(d, format!("unknown `float` rule {}", quote(other))),
    }
}

fn path_rule(
    p: &Spanned<RawPath>,
    results: usize,
    function: &str,
    d: &mut Diags,
) -> Option<PathRule> {
    let raw = p.get_ref();
    let path = raw.path.get_ref();
    let shown = clip_debug(path);
    let at = raw.path.span().start;
    let shape = "paths start at a result: `/0` is the first result, `/0/Tags` its field `Tags`, `/0/*/Price` the `Price` of every element";
    let Some(rest) = path.strip_prefix('/') else {
        d.at(
            at,
            format!("path pattern {shown} does not start with `/`"),
            Some(shape.into()),
        );
        return None;
    };
    let segments: Vec<&str> = rest.split('/').collect();
    if segments.iter().any(|s| s.is_empty()) {
        d.at(
            at,
            format!("path pattern {shown} has an empty segment"),
            Some(shape.into()),
        );
        return None;
    }
    let first = segments[0];
    if first != "*" {
        match first.parse::<usize>() {
            Ok(i) if i < results => {}
            Ok(i) => {
                let has = match results {
                    0 => "no results".to_string(),
                    1 => "1 result".to_string(),
                    n => format!("{n} results"),
                };
                d.at(
                    at,
                    format!("path pattern {shown} names result {i}, but `{function}` has {has}"),
                    Some("results are numbered from 0 in the order of `results`".into()),
                );
                return None;
            }
            Err(_) => {
                d.at(
                    at,
                    format!("path pattern {shown} must start with a result number or `*`"),
                    Some(shape.into()),
                );
                return None;
            }
        }
    }
    Some(PathRule {
        path: path.clone(),
        float: raw.float.as_ref().and_then(|f| float_rule(f, d)),
        unordered: raw.unordered,
        ignore: raw.ignore,
        nil_equals_empty: raw.nil_equals_empty,
        nan_payload: raw.nan_payload,
    })
}
