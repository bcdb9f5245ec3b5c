//! Renders a (minimized) counterexample as a call, in Go and in Rust source, ready to paste into a
//! regression test on either side.
//!
//! Go: literals are written against the Go parameter types from the harness handshake
//! ([`FunctionSpec::go_params`], `reflect.Type.String()` spellings such as `[]string`,
//! `*billing.Money`, `map[string]int`, `billing.Cents`), so named types keep their names:
//! `[]string{"a"}`, `[]string(nil)`, `[]byte("\xff")`, `billing.Money{Units: 1, Currency: "EUR"}`,
//! `&billing.Money{…}`, `func() *int64 { v := int64(5); return &v }()` for a pointer to a scalar,
//! `math.NaN()` for the canonical NaN and `math.Float64frombits(0x…)` for any other,
//! `math.Inf(1)`, `math.Copysign(0, -1)` for −0, and otherwise the shortest decimal that converts
//! back to the same float. Scalars are written as untyped constants, which Go converts to the
//! parameter's type; a conversion is added only where the type would otherwise be lost (inside
//! a pointer helper, or a float64 special passed as another float type). When `go_params` is empty
//! (or a spelling does not fit), types are derived from the spec (`i64` → `int64`, `list<T>` →
//! `[]T`, `option<T>` → `*T`, struct → its name). The handshake names struct *fields* by spec type
//! only, so a field of a named Go type is written with its underlying type where a type must be
//! written, and a nested struct takes the package qualifier of the struct containing it. The
//! `main.` qualifier of a harness's own package is dropped, since the test lives in that package.
//!
//! Rust: `"…".to_string()`, `vec![…]`, `Vec::new()`, `BTreeMap::from([(k, v)])`, `None`/`Some(…)`,
//! `f64::NAN`/`f64::from_bits(0x…)`, `f64::INFINITY`, `-0.0_f64`, `i64::MIN` and other bounds by
//! name, structs as `Money { units: 1, currency: "EUR".to_string() }` (Go field names in
//! snake_case). Arguments are in typed positions, so no literal needs a suffix except −0.0, which
//! gets one to stand out. A Go nil slice or map has no Rust counterpart beyond empty, so it is
//! written empty and marked `/* nil */`. A string that is not UTF-8 cannot be a Rust `String`; it
//! is written `/* invalid UTF-8 */ b"\xff"`, which does not compile on purpose. A port that
//! receives a Go string as `Vec<u8>` ([`FunctionSpec::rust_params`]) gets `b"\xff".to_vec()`.

use std::fmt;

use crate::readable::{self, go_quote};
use crate::spec::FunctionSpec;
use crate::value::{Type, Value};

/// The call in Go source: `ParseAmount("1.5")`, using [`FunctionSpec::go_name`].
pub fn go_call(fun: &FunctionSpec, args: &[Value]) -> String {
    let mut parts = Vec::with_capacity(args.len());
    for (i, v) in args.iter().enumerate() {
        let ty = fun.args.get(i).map(|a| &a.ty);
        let given = fun.go_params.get(i).map(|s| GoTy::parse(s));
        let part = match ty {
            Some(ty) => {
                let gt = given.unwrap_or_else(|| GoTy::of(ty, ""));
                go_lit(v, ty, &gt).text
            }
            None => format!("/* extra argument */ {}", readable::short(v, &Type::Bool)),
        };
        parts.push(part);
    }
    format!("{}({})", fun.go_name, parts.join(", "))
}

/// The call in Rust source: `parse_amount("1.5".to_string())`, using [`FunctionSpec::rust_name`].
pub fn rust_call(fun: &FunctionSpec, args: &[Value]) -> String {
    let parts: Vec<String> = args
        .iter()
        .enumerate()
        .map(|(i, v)| match (fun.args.get(i), fun.rust_params.get(i)) {
            // A port receiving a Go string as bytes is called with a byte string.
            (Some(a), Some(rust_ty)) => rust_lit(&v.clone().retyped(&a.ty, rust_ty), &a.ty),
            (Some(a), None) => rust_lit(v, &a.ty),
            (None, _) => format!("/* extra argument */ {}", readable::short(v, &Type::Bool)),
        })
        .collect();
    format!("{}({})", fun.rust_name, parts.join(", "))
}

/// A Go type as `reflect.Type.String()` spells it, split where composite literals need it.
#[derive(Clone, Debug, PartialEq)]
enum GoTy {
    /// A predeclared or named type: `int`, `billing.Cents`, `billing.Money`.
    Name(String),
    /// `*T`.
    Ptr(Box<GoTy>),
    /// `[]T`.
    Slice(Box<GoTy>),
    /// `map[K]V`.
    Map(Box<GoTy>, Box<GoTy>),
}

impl GoTy {
    fn parse(s: &str) -> GoTy {
        let s = s.trim();
        if let Some(rest) = s.strip_prefix('*') {
            return GoTy::Ptr(Box::new(GoTy::parse(rest)));
        }
        if let Some(rest) = s.strip_prefix("[]") {
            return GoTy::Slice(Box::new(GoTy::parse(rest)));
        }
        if let Some(rest) = s.strip_prefix("map[") {
            let mut depth = 1;
            for (i, c) in rest.char_indices() {
                match c {
                    '[' => depth += 1,
                    ']' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    let key = GoTy::parse(&rest[..i]);
                    let value = GoTy::parse(&rest[i + 1..]);
                    return GoTy::Map(Box::new(key), Box::new(value));
                }
            }
        }
        GoTy::Name(s.strip_prefix("main.").unwrap_or(s).to_string())
    }

    /// The Go type for a spec type; struct names get the package qualifier `pkg` (`billing.`).
    fn of(ty: &Type, pkg: &str) -> GoTy {
        let name = |n: &str| GoTy::Name(n.to_string());
        match ty {
            Type::Bool => name("bool"),
            Type::I8 => name("int8"),
            Type::I16 => name("int16"),
            Type::I32 => name("int32"),
            Type::I64 => name("int64"),
            Type::U8 => name("uint8"),
            Type::U16 => name("uint16"),
            Type::U32 => name("uint32"),
            Type::U64 => name("uint64"),
            Type::F32 => name("float32"),
            Type::F64 => name("float64"),
            Type::String => name("string"),
            Type::Bytes => GoTy::Slice(Box::new(name("byte"))),
            Type::Option(t) => GoTy::Ptr(Box::new(GoTy::of(t, pkg))),
            Type::List(t) => GoTy::Slice(Box::new(GoTy::of(t, pkg))),
            Type::Map(k, v) => GoTy::Map(Box::new(GoTy::of(k, pkg)), Box::new(GoTy::of(v, pkg))),
            Type::Struct(st) => GoTy::Name(format!("{pkg}{}", st.name)),
        }
    }

    /// The package qualifier of a named type, with its dot (`billing.`), or `""`.
    fn pkg(&self) -> &str {
        match self {
            GoTy::Name(n) => n.rfind('.').map_or("", |i| &n[..=i]),
            GoTy::Ptr(t) | GoTy::Slice(t) | GoTy::Map(_, t) => t.pkg(),
        }
    }
}

impl fmt::Display for GoTy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GoTy::Name(n) => f.write_str(n),
            GoTy::Ptr(t) => write!(f, "*{t}"),
            GoTy::Slice(t) => write!(f, "[]{t}"),
            GoTy::Map(k, v) => write!(f, "map[{k}]{v}"),
        }
    }
}

/// A Go expression and whether it already has the wanted type (else it is an untyped constant).
struct GoExpr {
    text: String,
    typed: bool,
}

fn untyped(text: String) -> GoExpr {
    GoExpr { text, typed: false }
}

fn typed(text: String) -> GoExpr {
    GoExpr { text, typed: true }
}

/// A Go literal of `v`, read as spec type `ty`, for a position of Go type `gt`.
fn go_lit(v: &Value, ty: &Type, gt: &GoTy) -> GoExpr {
    let pkg = gt.pkg();
    // The element types a composite's Go type gives, or the spec's when it is a named type.
    let elem = |t: &Type| match gt {
        GoTy::Slice(e) | GoTy::Ptr(e) => (**e).clone(),
        _ => GoTy::of(t, pkg),
    };
    match (ty, v) {
        (Type::Option(_), Value::Nil) => untyped("nil".into()),
        (Type::Option(inner), v) => {
            let it = elem(inner);
            let lit = go_lit(v, inner, &it);
            if matches!(**inner, Type::Struct(_)) && lit.text.starts_with(&it.to_string()) {
                return typed(format!("&{}", lit.text));
            }
            let init = if lit.typed {
                lit.text
            } else {
                format!("{it}({})", lit.text)
            };
            typed(format!("func() *{it} {{ v := {init}; return &v }}()"))
        }
        (Type::Bytes | Type::List(_) | Type::Map(..), Value::Nil) => typed(format!("{gt}(nil)")),
        (_, Value::Bool(b)) => untyped(b.to_string()),
        (_, Value::Int(i)) => untyped(i.to_string()),
        (_, Value::Uint(u)) => untyped(u.to_string()),
        (_, Value::F64(x)) => go_float(*x, gt, false),
        (_, Value::F32(x)) => {
            let bits = x.to_bits();
            if x.is_nan() && bits != f32::NAN.to_bits() {
                let e = format!("math.Float32frombits(0x{bits:08x})");
                return if gt.to_string() == "float32" {
                    typed(e)
                } else {
                    typed(format!("{gt}({e})"))
                };
            }
            go_float(f64::from(*x), gt, true)
        }
        (_, Value::Str(s)) => untyped(go_quote(s)),
        (_, Value::Bytes(b)) if b.is_empty() => typed(format!("{gt}{{}}")),
        (_, Value::Bytes(b)) => typed(format!("{gt}({})", go_quote(b))),
        (Type::List(t), Value::List(items)) => {
            let et = elem(t);
            let parts: Vec<String> = items.iter().map(|x| go_lit(x, t, &et).text).collect();
            typed(format!("{gt}{{{}}}", parts.join(", ")))
        }
        (Type::Map(kt, vt), Value::Map(entries)) => {
            let (kg, vg) = match gt {
                GoTy::Map(k, v) => ((**k).clone(), (**v).clone()),
                _ => (GoTy::of(kt, pkg), GoTy::of(vt, pkg)),
            };
            let parts: Vec<String> = entries
                .iter()
                .map(|(k, x)| format!("{}: {}", go_lit(k, kt, &kg).text, go_lit(x, vt, &vg).text))
                .collect();
            typed(format!("{gt}{{{}}}", parts.join(", ")))
        }
        (Type::Struct(st), Value::Struct(fields)) => {
            let parts: Vec<String> = st
                .fields
                .iter()
                .zip(fields)
                .map(|(f, x)| {
                    let ft = GoTy::of(&f.ty, pkg);
                    format!("{}: {}", f.name, go_lit(x, &f.ty, &ft).text)
                })
                .collect();
            typed(format!("{gt}{{{}}}", parts.join(", ")))
        }
        (_, other) => untyped(format!(
            "/* does not fit {ty} */ {}",
            readable::short(other, ty)
        )),
    }
}

/// A Go float: the shortest decimal when it denotes the value, else a `math` call (float64) that
/// is converted to `gt` unless `gt` is float64. `f32` widens exactly, so its specials come out
/// the same after the conversion back (a canonical f32 NaN from `math.NaN()` included).
fn go_float(x: f64, gt: &GoTy, is_f32: bool) -> GoExpr {
    let special = if x.is_nan() {
        if is_f32 || x.to_bits() == f64::NAN.to_bits() {
            "math.NaN()".to_string()
        } else {
            format!("math.Float64frombits(0x{:016x})", x.to_bits())
        }
    } else if x.is_infinite() {
        format!("math.Inf({})", if x > 0.0 { 1 } else { -1 })
    } else if x == 0.0 && x.is_sign_negative() {
        "math.Copysign(0, -1)".to_string()
    } else if is_f32 {
        // The shortest decimal for the f32, which Go rounds to the same f32.
        return untyped(readable::float32(x as f32));
    } else {
        return untyped(readable::float64(x));
    };
    if gt.to_string() == "float64" {
        typed(special)
    } else {
        typed(format!("{gt}({special})"))
    }
}

/// A Rust literal of `v`, read as spec type `ty`.
fn rust_lit(v: &Value, ty: &Type) -> String {
    match (ty, v) {
        (Type::Option(_), Value::Nil) => "None".into(),
        (Type::Option(inner), v) => format!("Some({})", rust_lit(v, inner)),
        (Type::Bytes | Type::List(_), Value::Nil) => "Vec::new() /* nil */".into(),
        (Type::Map(..), Value::Nil) => "BTreeMap::new() /* nil */".into(),
        (_, Value::Bool(b)) => b.to_string(),
        (_, Value::Int(i)) => {
            let bound = match (ty, *i) {
                (Type::I8, x) if x == i64::from(i8::MIN) => Some("i8::MIN"),
                (Type::I8, x) if x == i64::from(i8::MAX) => Some("i8::MAX"),
                (Type::I16, x) if x == i64::from(i16::MIN) => Some("i16::MIN"),
                (Type::I16, x) if x == i64::from(i16::MAX) => Some("i16::MAX"),
                (Type::I32, x) if x == i64::from(i32::MIN) => Some("i32::MIN"),
                (Type::I32, x) if x == i64::from(i32::MAX) => Some("i32::MAX"),
                (Type::I64, i64::MIN) => Some("i64::MIN"),
                (Type::I64, i64::MAX) => Some("i64::MAX"),
                _ => None,
            };
            bound.map_or_else(|| i.to_string(), str::to_string)
        }
        (_, Value::Uint(u)) => {
            let bound = match (ty, *u) {
                (Type::U8, x) if x == u64::from(u8::MAX) => Some("u8::MAX"),
                (Type::U16, x) if x == u64::from(u16::MAX) => Some("u16::MAX"),
                (Type::U32, x) if x == u64::from(u32::MAX) => Some("u32::MAX"),
                (Type::U64, u64::MAX) => Some("u64::MAX"),
                _ => None,
            };
            bound.map_or_else(|| u.to_string(), str::to_string)
        }
        (_, Value::F64(x)) => {
            let bits = x.to_bits();
            if x.is_nan() && bits == f64::NAN.to_bits() {
                "f64::NAN".into()
            } else if x.is_nan() {
                format!("f64::from_bits(0x{bits:016x})")
            } else if x.is_infinite() {
                (if *x > 0.0 {
                    "f64::INFINITY"
                } else {
                    "f64::NEG_INFINITY"
                })
                .into()
            } else if *x == 0.0 && x.is_sign_negative() {
                "-0.0_f64".into()
            } else {
                format!("{x:?}")
            }
        }
        (_, Value::F32(x)) => {
            let bits = x.to_bits();
            if x.is_nan() && bits == f32::NAN.to_bits() {
                "f32::NAN".into()
            } else if x.is_nan() {
                format!("f32::from_bits(0x{bits:08x})")
            } else if x.is_infinite() {
                (if *x > 0.0 {
                    "f32::INFINITY"
                } else {
                    "f32::NEG_INFINITY"
                })
                .into()
            } else if *x == 0.0 && x.is_sign_negative() {
                "-0.0_f32".into()
            } else {
                format!("{x:?}")
            }
        }
        (_, Value::Str(s)) => match std::str::from_utf8(s) {
            Ok(text) => format!("{}.to_string()", rust_quote(text)),
            Err(_) => format!("/* invalid UTF-8 */ {}", rust_byte_string(s)),
        },
        (_, Value::Bytes(b)) if b.is_empty() => "Vec::new()".into(),
        (_, Value::Bytes(b)) => format!("{}.to_vec()", rust_byte_string(b)),
        (Type::List(_), Value::List(items)) if items.is_empty() => "Vec::new()".into(),
        (Type::List(t), Value::List(items)) => {
            let parts: Vec<String> = items.iter().map(|x| rust_lit(x, t)).collect();
            format!("vec![{}]", parts.join(", "))
        }
        (Type::Map(..), Value::Map(entries)) if entries.is_empty() => "BTreeMap::new()".into(),
        (Type::Map(kt, vt), Value::Map(entries)) => {
            let parts: Vec<String> = entries
                .iter()
                .map(|(k, x)| format!("({}, {})", rust_lit(k, kt), rust_lit(x, vt)))
                .collect();
            format!("BTreeMap::from([{}])", parts.join(", "))
        }
        (Type::Struct(st), Value::Struct(fields)) => {
            let parts: Vec<String> = st
                .fields
                .iter()
                .zip(fields)
                .map(|(f, x)| format!("{}: {}", snake_case(&f.name), rust_lit(x, &f.ty)))
                .collect();
            if parts.is_empty() {
                format!("{} {{}}", st.name)
            } else {
                format!("{} {{ {} }}", st.name, parts.join(", "))
            }
        }
        (_, other) => format!("/* does not fit {ty} */ {}", readable::short(other, ty)),
    }
}

/// A Rust string literal: `\n`-style escapes, `\x01` for other ASCII controls, `\u{a0}` for
/// characters that would be invisible (see [`readable::is_visible`]).
fn rust_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c if (c as u32) < 0x20 || c == '\x7f' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if c.is_ascii() || readable::is_visible(c) => out.push(c),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// A Rust byte string literal: printable ASCII as is, `\n`-style escapes, `\xNN` otherwise.
fn rust_byte_string(b: &[u8]) -> String {
    let mut out = String::from("b\"");
    for &c in b {
        match c {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            b'\0' => out.push_str("\\0"),
            0x20..=0x7e => out.push(c as char),
            _ => out.push_str(&format!("\\x{c:02x}")),
        }
    }
    out.push('"');
    out
}

/// A Go field name in Rust's snake_case: `Units` → `units`, `UserID` → `user_id`,
/// `HTTPCode` → `http_code`; Rust keywords become raw identifiers (`Type` → `r#type`).
pub fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev = i.checked_sub(1).map(|j| chars[j]);
            let next = chars.get(i + 1);
            let boundary = match prev {
                Some(p) if p.is_lowercase() || p.is_ascii_digit() => true,
                Some(p) if p.is_uppercase() => next.is_some_and(|n| n.is_lowercase()),
                _ => false,
            };
            if boundary && !out.ends_with('_') {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    const KEYWORDS: &[&str] = &[
        "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern",
        "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move",
        "mut", "pub", "ref", "return", "static", "struct", "trait", "true", "type", "unsafe",
        "use", "where", "while", "abstract", "become", "box", "do", "final", "macro", "override",
        "priv", "try", "typeof", "unsized", "virtual", "yield",
    ];
    if KEYWORDS.contains(&out.as_str()) {
        out.insert_str(0, "r#");
    }
    out
}

#[cfg(test)]
mod tests;

/// A value as a Go expression, its Go type derived from the spec type (`int64`, `[]string`,
/// `*T`): for the expected results of a rendered Go test.
pub fn go_value(v: &Value, ty: &Type) -> String {
    go_lit(v, ty, &GoTy::of(ty, "")).text
}

/// A value as a Rust expression (`"a".to_string()`, `vec![…]`, `Some(…)`): for the expected
/// results of a rendered Rust test.
pub fn rust_value(v: &Value, ty: &Type) -> String {
    rust_lit(v, ty)
}
