//! Generation hints: each raw hint key checked against the type it applies to, then turned into
//! [`Hints`]; struct field hints copied into every place a struct type is used.

use std::collections::HashMap;

use toml::{Spanned, Value as Toml};

use crate::value::Type;

use super::error::{clip_debug, quote, Diags};
use super::examples::{example, float, int_bounds, integer, list_names};
use super::model::Hints;
use super::raw::RawHints;

/// The hint keys a type takes.
fn applicable(ty: &Type) -> &'static [&'static str] {
    match ty {
        t if t.is_integer() => &["range", "examples"],
        Type::F32 | Type::F64 => &["range", "examples"],
        Type::String => &["len", "regex", "charset", "invalid_utf8", "examples"],
        Type::Bytes | Type::List(_) => &["len", "items", "examples"],
        Type::Map(..) => &["len", "keys", "values", "examples"],
        Type::Option(_) => &["items", "examples"],
        _ => &["examples"],
    }
}

/// Where a hint for a type that cannot take it belongs instead.
fn misplaced_hint(ty: &Type, key: &str) -> Option<String> {
    let text = match (ty, key) {
        (Type::Map(..), "items") => {
            "map keys and values take `keys = { … }` and `values = { … }`".to_string()
        }
        (Type::List(_) | Type::Option(_) | Type::Bytes, "keys" | "values") => {
            "`keys` and `values` are for maps; list elements and the value inside an option take `items = { … }`".to_string()
        }
        (_, "items" | "keys" | "values") => return None,
        (Type::Option(_), _) => format!(
            "hints for the value inside an option go in `items`, like `items = {{ {key} = … }}`"
        ),
        (Type::Struct(st), _) => format!(
            "hints for the fields of a struct go with each field under [types.{}]",
            st.name
        ),
        (Type::List(_), k) if k != "len" => {
            format!("hints for list elements go in `items`, like `items = {{ {key} = … }}`")
        }
        (Type::Map(..), k) if k != "len" => {
            "hints for map keys and values go in `keys = { … }` and `values = { … }`".to_string()
        }
        (Type::String | Type::Bytes, "range") => {
            "to bound a length, use `len = [lo, hi]`".to_string()
        }
        _ => return None,
    };
    Some(text)
}

/// Checks the hints of `what` (for messages, like "argument `s`") against `ty`.
pub(crate) fn hints(raw: &RawHints, ty: &Type, what: &str, d: &mut Diags) -> Hints {
    let mut h = Hints::default();
    let wrong_type = |d: &mut Diags, key: &str, offset: usize, applies: &str| {
        d.at(
            offset,
            format!(
                "`{key}` applies to {applies}, but {what} is `{}`",
                quote(ty)
            ),
            misplaced_hint(ty, key).or_else(|| {
                Some(format!(
                    "remove `{key}`; the hint keys for `{}` are {}",
                    quote(ty),
                    list_names(applicable(ty).iter().copied())
                ))
            }),
        );
    };

    if let Some(r) = &raw.range {
        if ty.is_integer() {
            h.int_range = int_pair(r, ty, d);
        } else if matches!(ty, Type::F32 | Type::F64) {
            h.float_range = float_pair(r, ty, d);
        } else {
            wrong_type(d, "range", r.span().start, "integer and float types");
        }
    }
    if let Some(l) = &raw.len {
        if matches!(
            ty,
            Type::String | Type::Bytes | Type::List(_) | Type::Map(..)
        ) {
            let bound = (0, i128::from(u32::MAX));
            h.len = pair(l, "len", d, |v| {
                integer(v, &Type::U32)
                    .ok()
                    .filter(|n| *n >= bound.0 && *n <= bound.1)
            })
            .map(|(lo, hi)| (lo as usize, hi as usize));
        } else {
            wrong_type(
                d,
                "len",
                l.span().start,
                "string, bytes, list and map types",
            );
        }
    }
    let is_string = *ty == Type::String;
    if let Some(re) = &raw.regex {
        if !is_string {
            wrong_type(d, "regex", re.span().start, "strings");
        } else if let Err(e) = regex::Regex::new(re.get_ref()) {
            d.at(
                re.span().start,
                format!("invalid regex {}: {}", clip_debug(re.get_ref()), regex_reason(&e)),
                Some("the syntax is that of the Rust `regex` crate; escape special characters with `\\\\` in a TOML basic string, or use a literal string '…'".into()),
            );
        } else {
            h.regex = Some(re.get_ref().clone());
        }
    }
    if let Some(cs) = &raw.charset {
        if !is_string {
            wrong_type(d, "charset", cs.span().start, "strings");
        } else {
            match charset(cs.get_ref()) {
                Ok(chars) => h.charset = Some(chars),
                Err(message) => d.at(
                    cs.span().start,
                    message,
                    Some("list characters and `a-z` style ranges, like \"a-zA-Z0-9_\"; a `-` first or last is literal".into()),
                ),
            }
        }
        if let (Some(re), true) = (&raw.regex, is_string) {
            d.at(
                cs.span().start.max(re.span().start),
                format!("{what} has both `regex` and `charset`"),
                Some("keep one: a regex can restrict characters itself, like `[a-z]{0,8}`".into()),
            );
        }
    }
    if let Some(iu) = &raw.invalid_utf8 {
        if is_string {
            h.invalid_utf8 = *iu.get_ref();
        } else {
            wrong_type(d, "invalid_utf8", iu.span().start, "strings");
        }
    }
    if let Some(ex) = &raw.examples {
        for (i, e) in ex.get_ref().iter().enumerate() {
            match example(e.get_ref(), ty) {
                Ok(v) => h.examples.push(v),
                Err(err) => {
                    let at = if err.path.is_empty() {
                        String::new()
                    } else {
                        format!(" at `{}`", err.path)
                    };
                    d.at(
                        e.span().start,
                        format!(
                            "example {} of {what} does not fit `{}`{at}: {}",
                            i + 1,
                            quote(ty),
                            err.message
                        ),
                        err.hint.or_else(|| {
                            Some(format!(
                                "see \"Example values\" in docs/spec.md for how a `{}` is written",
                                quote(ty)
                            ))
                        }),
                    );
                }
            }
        }
    }
    if let Some(items) = &raw.items {
        match ty {
            Type::List(inner) | Type::Option(inner) => {
                let sub = format!("the items of {what}");
                h.items = Some(Box::new(hints(items.get_ref(), inner, &sub, d)));
            }
            Type::Bytes => {
                let sub = format!("the bytes of {what}");
                h.items = Some(Box::new(hints(items.get_ref(), &Type::U8, &sub, d)));
            }
            _ => wrong_type(
                d,
                "items",
                items.span().start,
                "list, bytes and option types",
            ),
        }
    }
    for (key, raw_sub) in [("keys", &raw.keys), ("values", &raw.values)] {
        let Some(sub) = raw_sub else { continue };
        match ty {
            Type::Map(k, v) => {
                let (inner, label) = if key == "keys" {
                    (k, "keys")
                } else {
                    (v, "values")
                };
                let sub_what = format!("the {label} of {what}");
                let parsed = Some(Box::new(hints(sub.get_ref(), inner, &sub_what, d)));
                if key == "keys" {
                    h.keys = parsed;
                } else {
                    h.values = parsed;
                }
            }
            _ => wrong_type(d, key, sub.span().start, "map types"),
        }
    }
    h
}

/// The useful line of a regex error (its `Display` draws the pattern with a caret).
fn regex_reason(e: &regex::Error) -> String {
    let text = e.to_string();
    match text.rfind("error: ") {
        Some(i) => text[i + "error: ".len()..].trim().to_string(),
        None => text.lines().last().unwrap_or("").trim().to_string(),
    }
}

/// A `[lo, hi]` array of two items read by `item`, with `lo <= hi`.
fn pair<T: PartialOrd + Copy>(
    raw: &Spanned<Toml>,
    key: &str,
    d: &mut Diags,
    item: impl Fn(&Toml) -> Option<T>,
) -> Option<(T, T)> {
    let at = raw.span().start;
    let shape = || format!("`{key}` must be an array `[lo, hi]` of two non-negative integers");
    let Toml::Array(a) = raw.get_ref() else {
        d.at(at, shape(), Some(format!("for example `{key} = [0, 16]`")));
        return None;
    };
    let (Some(lo), Some(hi)) = (
        a.first().and_then(&item),
        a.get(1).and_then(&item).filter(|_| a.len() == 2),
    ) else {
        d.at(at, shape(), Some(format!("for example `{key} = [0, 16]`")));
        return None;
    };
    if lo > hi {
        d.at(
            at,
            format!("`{key}` has its lower bound above its upper bound"),
            Some("write `[lo, hi]` with lo <= hi; both ends are inclusive".into()),
        );
        return None;
    }
    Some((lo, hi))
}

fn int_pair(raw: &Spanned<Toml>, ty: &Type, d: &mut Diags) -> Option<(i128, i128)> {
    let at = raw.span().start;
    let (lo_b, hi_b) = int_bounds(ty);
    let shape_hint = Some(format!(
        "for `{}`, write `range = [lo, hi]` with integers in {lo_b}..={hi_b}",
        quote(ty)
    ));
    let Toml::Array(a) = raw.get_ref() else {
        d.at(at, "`range` must be an array `[lo, hi]`", shape_hint);
        return None;
    };
    if a.len() != 2 {
        d.at(
            at,
            format!("`range` must have two bounds, found {}", a.len()),
            shape_hint,
        );
        return None;
    }
    let mut bounds = [0i128; 2];
    for (slot, v) in bounds.iter_mut().zip(a) {
        match integer(v, ty) {
            Ok(n) => *slot = n,
            Err(e) => {
                d.at(at, format!("bad `range`: {}", e.message), shape_hint);
                return None;
            }
        }
    }
    if bounds[0] > bounds[1] {
        d.at(
            at,
            format!(
                "`range` has its lower bound {} above its upper bound {}",
                bounds[0], bounds[1]
            ),
            Some("write `[lo, hi]` with lo <= hi; both ends are inclusive".into()),
        );
        return None;
    }
    Some((bounds[0], bounds[1]))
}

fn float_pair(raw: &Spanned<Toml>, ty: &Type, d: &mut Diags) -> Option<(f64, f64)> {
    let at = raw.span().start;
    let hint = Some(format!(
        "for `{}`, write `range = [lo, hi]` with two numbers, like `[-1.0, 1.0]`",
        quote(ty)
    ));
    let read = |v: &Toml| -> Option<f64> {
        match float(v, ty).ok()? {
            crate::value::Value::F64(x) => Some(x),
            crate::value::Value::F32(x) => Some(f64::from(x)),
            _ => None,
        }
        .filter(|x| !x.is_nan())
    };
    let Some((lo, hi)) = (match raw.get_ref() {
        Toml::Array(a) if a.len() == 2 => read(&a[0]).zip(read(&a[1])),
        _ => None,
    }) else {
        d.at(
            at,
            "`range` must be an array `[lo, hi]` of two numbers (not NaN)",
            hint,
        );
        return None;
    };
    if lo > hi {
        d.at(
            at,
            format!("`range` has its lower bound {lo} above its upper bound {hi}"),
            Some("write `[lo, hi]` with lo <= hi; both ends are inclusive".into()),
        );
        return None;
    }
    Some((lo, hi))
}

/// The characters of a charset: single characters and `a-z` ranges; a `-` first or last is
/// literal. Sorted and without duplicates.
pub(crate) fn charset(text: &str) -> Result<Vec<char>, String> {
    let chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        return Err("`charset` is empty".to_string());
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if i + 2 < chars.len() && chars[i + 1] == '-' {
            let (lo, hi) = (chars[i], chars[i + 2]);
            if lo > hi {
                return Err(format!("`charset` has a backwards range `{lo}-{hi}`"));
            }
            out.extend(lo..=hi);
            i += 3;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// Copies struct field hints into `h` wherever `ty` holds a struct (the struct itself, list and
/// option items, map values), so the generator only ever reads [`Hints`].
pub(crate) fn fill_struct_hints(h: &mut Hints, ty: &Type, structs: &HashMap<String, Vec<Hints>>) {
    if !contains_struct(ty) {
        return;
    }
    match ty {
        Type::Struct(st) => {
            if h.fields.is_empty() {
                h.fields = structs.get(&st.name).cloned().unwrap_or_default();
            }
            h.fields.resize_with(st.fields.len(), Hints::default);
            for (fh, f) in h.fields.iter_mut().zip(&st.fields) {
                fill_struct_hints(fh, &f.ty, structs);
            }
        }
        Type::Option(inner) | Type::List(inner) => {
            fill_struct_hints(h.items.get_or_insert_with(Default::default), inner, structs);
        }
        Type::Map(_, v) => {
            fill_struct_hints(h.values.get_or_insert_with(Default::default), v, structs);
        }
        _ => {}
    }
}

fn contains_struct(ty: &Type) -> bool {
    match ty {
        Type::Struct(_) => true,
        Type::Option(i) | Type::List(i) => contains_struct(i),
        Type::Map(k, v) => contains_struct(k) || contains_struct(v),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charset_expands_ranges_and_keeps_edge_dashes_literal() {
        assert_eq!(charset("a-c").unwrap(), vec!['a', 'b', 'c']);
        assert_eq!(charset("-x-").unwrap(), vec!['-', 'x']);
        assert_eq!(charset("ba").unwrap(), vec!['a', 'b']);
        assert!(charset("z-a").is_err());
        assert!(charset("").is_err());
    }
}
