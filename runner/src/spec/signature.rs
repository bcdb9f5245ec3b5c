//! Signature checking: every spec function must exist in the Go harness and in the Rust registry
//! with the argument and result types the spec declares, as their handshakes report them.

use std::collections::HashMap;

use crate::protocol::{FunctionSig, Handshake};
use crate::value::Type;

use super::error::{closest, Diags, SpecError};
use super::examples::list_names;
use super::model::{FunctionSpec, Location, Spec};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Go,
    Rust,
}

impl Side {
    fn label(self) -> &'static str {
        match self {
            Side::Go => "Go harness",
            Side::Rust => "Rust registry",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Side::Go => "go",
            Side::Rust => "rust",
        }
    }
}

/// Byte offsets of a function's keys in the spec text, for pointing at the key that is wrong.
#[derive(Default)]
struct Spots {
    go: Option<usize>,
    rust: Option<usize>,
    results: Option<usize>,
    error: Option<usize>,
}

fn spots(source: &str) -> HashMap<String, Spots> {
    let mut scratch = Diags::new(std::path::Path::new(""), source);
    let Some(raw) = super::raw::parse(source, &mut scratch) else {
        return HashMap::new();
    };
    raw.function
        .iter()
        .map(|f| {
            let f = f.get_ref();
            let spots = Spots {
                go: f.go.as_ref().map(|s| s.span().start),
                rust: f.rust.as_ref().map(|s| s.span().start),
                results: f.results.as_ref().map(|s| s.span().start),
                error: f.error.as_ref().map(|s| s.span().start),
            };
            (f.name.get_ref().clone(), spots)
        })
        .collect()
}

/// Reports at a key's offset when known, else at the function's location.
fn report(
    d: &mut Diags,
    offset: Option<usize>,
    loc: Location,
    message: String,
    hint: Option<String>,
) {
    match offset {
        Some(o) => d.at(o, message, hint),
        None if loc.line > 0 => d.at_line(loc.line, loc.column, message, hint),
        None => d.whole_file(message, hint),
    }
}

/// Checks every function of `spec` against both handshakes; `source` is the spec text, used to
/// point at the exact key. Fills [`FunctionSpec::go_params`] and
/// [`FunctionSpec::rust_none_is_error`].
pub fn check_signatures(
    spec: &mut Spec,
    source: &str,
    go: &Handshake,
    rust: &Handshake,
) -> Result<(), SpecError> {
    let mut d = Diags::new(&spec.path, source);
    for (side, hs) in [(Side::Go, go), (Side::Rust, rust)] {
        for p in &hs.problems {
            d.whole_file(
                format!("the {} reports a problem: {p}", side.label()),
                Some("fix the registration: every parameter and result type must map to a spec type (see docs/protocol.md)".into()),
            );
        }
    }
    let spots = spots(source);
    let none = Spots::default();
    for f in &mut spec.functions {
        let s = spots.get(&f.name).unwrap_or(&none);
        check_side(f, Side::Go, go, s, &mut d);
        check_side(f, Side::Rust, rust, s, &mut d);
    }
    d.finish(())
}

fn check_side(f: &mut FunctionSpec, side: Side, hs: &Handshake, s: &Spots, d: &mut Diags) {
    let (name, name_spot) = match side {
        Side::Go => (f.go_name.clone(), s.go),
        Side::Rust => (f.rust_name.clone(), s.rust),
    };
    let Some(sig) = hs.functions.iter().find(|g| g.name == name) else {
        let names = hs.functions.iter().map(|g| g.name.as_str());
        let hint = match closest(&name, names.clone()) {
            Some(c) => format!(
                "did you mean `{c}`? set `{} = \"{c}\"` in this [[function]] table",
                side.key()
            ),
            None if hs.functions.is_empty() => format!("the {} has no functions", side.label()),
            None => format!(
                "the {} has {}; register `{name}` there, or set `{} = \"…\"` to its registered name",
                side.label(),
                list_names(names),
                side.key()
            ),
        };
        report(
            d,
            name_spot,
            f.location,
            format!("the {} has no function `{name}`", side.label()),
            Some(hint),
        );
        return;
    };
    if side == Side::Go {
        f.go_params = sig.go_params.clone();
    }
    check_params(f, side, sig, d);
    check_results(f, side, sig, s, d);
    if side == Side::Rust
        && sig.params.len() == f.args.len()
        && f.args
            .iter()
            .zip(&sig.params)
            .any(|(a, t)| bytes_for_string(&a.ty, t))
    {
        f.rust_params = sig.params.clone();
    }
}

/// Whether the Rust type `theirs` receives some spec `string` inside `ours` as bytes.
fn bytes_for_string(ours: &Type, theirs: &Type) -> bool {
    match (ours, theirs) {
        (Type::String, Type::Bytes) => true,
        (Type::Option(a), Type::Option(b)) | (Type::List(a), Type::List(b)) => {
            bytes_for_string(a, b)
        }
        (Type::Map(ka, va), Type::Map(kb, vb)) => {
            bytes_for_string(ka, kb) || bytes_for_string(va, vb)
        }
        (Type::Struct(a), Type::Struct(b)) => a
            .fields
            .iter()
            .zip(&b.fields)
            .any(|(fa, fb)| bytes_for_string(&fa.ty, &fb.ty)),
        _ => false,
    }
}

fn check_params(f: &FunctionSpec, side: Side, sig: &FunctionSig, d: &mut Diags) {
    if sig.params.len() != f.args.len() {
        let theirs = list_types(&sig.params);
        let plural = |n: usize| if n == 1 { "argument" } else { "arguments" };
        report(
            d,
            None,
            f.location,
            format!(
                "`{}` takes {} {} in the {} ({theirs}) but the spec declares {}",
                f.name,
                sig.params.len(),
                plural(sig.params.len()),
                side.label(),
                f.args.len()
            ),
            Some(match side {
                Side::Go => "list every Go parameter under `args`, in order".to_string(),
                Side::Rust => {
                    "the Rust function must take the Go function's parameters, in order".to_string()
                }
            }),
        );
        return;
    }
    for (i, (arg, theirs)) in f.args.iter().zip(&sig.params).enumerate() {
        let Err(detail) = same(&arg.ty, theirs, side) else {
            continue;
        };
        let go_spelling = match (side, sig.go_params.get(i)) {
            (Side::Go, Some(g)) if g != &theirs.to_string() => format!(" (Go `{g}`)"),
            _ => String::new(),
        };
        let message = if detail.is_empty() {
            format!(
                "argument `{}` of `{}` is `{}` in the spec but `{theirs}`{go_spelling} in the {}",
                arg.name,
                f.name,
                arg.ty,
                side.label()
            )
        } else {
            format!(
                "argument `{}` of `{}` has a different type in the {}: {detail}",
                arg.name,
                f.name,
                side.label()
            )
        };
        let hint = match (side, detail.is_empty()) {
            (Side::Go, true) => format!("set `type = \"{theirs}\"` to match the Go parameter"),
            (Side::Go, false) => "declare struct fields under [types] exactly as in the Go type: same names, same order, same types".to_string(),
            (Side::Rust, false) => "the Rust struct must have the spec's field types in the same order (its field names may differ)".to_string(),
            (Side::Rust, true) if arg.ty == Type::String => "the Rust port must take what Go takes: `string` in Rust is `String`, or `Vec<u8>` to receive every byte of a Go string".to_string(),
            (Side::Rust, true) => format!(
                "the Rust port must take what Go takes: `{}` in Rust is `{}`",
                arg.ty,
                rust_spelling(&arg.ty)
            ),
        };
        report(d, None, arg.location, message, Some(hint));
    }
}

fn check_results(f: &mut FunctionSpec, side: Side, sig: &FunctionSig, s: &Spots, d: &mut Diags) {
    if side == Side::Rust && f.error && !sig.error && f.results.len() == 1 && sig.results.len() == 1
    {
        if let Type::Option(inner) = &sig.results[0] {
            if same(&f.results[0], inner, side).is_ok() {
                f.rust_none_is_error = true;
                if bytes_for_string(&f.results[0], inner) {
                    f.rust_results = vec![(**inner).clone()];
                }
                return;
            }
        }
    }
    let mut detail = String::new();
    let types_match = sig.results.len() == f.results.len()
        && f.results
            .iter()
            .zip(&sig.results)
            .all(|(a, b)| match same(a, b, side) {
                Ok(()) => true,
                Err(e) => {
                    detail = e;
                    false
                }
            });
    let spot = s.results.or(s.error);
    if types_match
        && side == Side::Rust
        && f.results
            .iter()
            .zip(&sig.results)
            .any(|(a, b)| bytes_for_string(a, b))
    {
        f.rust_results = sig.results.clone();
    }
    if !types_match {
        let detail = if detail.is_empty() {
            String::new()
        } else {
            format!(": {detail}")
        };
        let (theirs, ours) = match side {
            Side::Go => (
                go_shape(&sig.results, sig.error),
                go_shape(&f.results, f.error),
            ),
            Side::Rust => (
                rust_shape(&sig.results, sig.error),
                rust_shape(&f.results, f.error),
            ),
        };
        let hint = match side {
            Side::Go => format!(
                "set `results = [{}]` to match the Go function",
                sig.results
                    .iter()
                    .map(|t| format!("\"{t}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Side::Rust if f.error && f.results.len() == 1 => format!(
                "the Rust port must return `{ours}` or `Option<{}>`",
                rust_spelling(&f.results[0])
            ),
            Side::Rust => format!("the Rust port must return `{ours}`"),
        };
        report(
            d,
            spot,
            f.location,
            format!(
                "`{}` returns `{theirs}` in the {} but the spec says `{ours}`{detail}",
                f.name,
                side.label()
            ),
            Some(hint),
        );
        return;
    }
    if sig.error != f.error {
        let (message, hint) = match (side, sig.error) {
            (Side::Go, true) => (
                format!("the Go function `{}` returns an error but the spec does not say `error = true`", f.go_name),
                "set `error = true`",
            ),
            (Side::Go, false) => (
                format!("the Go function `{}` returns no error but the spec says `error = true`", f.go_name),
                "remove `error = true`",
            ),
            (Side::Rust, true) => (
                format!("the Rust function `{}` returns a `Result` but the Go function returns no error", f.rust_name),
                "return the value itself: a port must not fail where Go cannot",
            ),
            (Side::Rust, false) => (
                format!("the Rust function `{}` returns no `Result` but the Go function returns an error", f.rust_name),
                "return `Result<T, E>` (or `Option<T>` for a single result) so errors can be compared",
            ),
        };
        report(
            d,
            s.error.or(spot),
            f.location,
            message,
            Some(hint.to_string()),
        );
    }
}

/// Whether `theirs` is the spec type `ours` as one side sees it: Go structs must have the same
/// field names and types; Rust structs the same field types by position (Rust names are
/// snake_case), and the Rust side may take or return `Vec<u8>` for a spec `string`. `Err` carries a description of a struct difference, or is empty.
fn same(ours: &Type, theirs: &Type, side: Side) -> Result<(), String> {
    match (ours, theirs) {
        (Type::Struct(a), Type::Struct(b)) => {
            if a.fields.len() != b.fields.len() {
                return Err(format!(
                    "struct `{}` has {} fields in the spec but {} in the {}",
                    a.name,
                    a.fields.len(),
                    b.fields.len(),
                    side.label()
                ));
            }
            for (i, (fa, fb)) in a.fields.iter().zip(&b.fields).enumerate() {
                if side == Side::Go && fa.name != fb.name {
                    return Err(format!(
                        "field {} of struct `{}` is `{}` in the spec but `{}` in the Go harness",
                        i + 1,
                        a.name,
                        fa.name,
                        fb.name
                    ));
                }
                same(&fa.ty, &fb.ty, side).map_err(|e| {
                    if e.is_empty() {
                        format!(
                            "field `{}.{}` is `{}` in the spec but `{}` in the {}",
                            a.name,
                            fa.name,
                            fa.ty,
                            fb.ty,
                            side.label()
                        )
                    } else {
                        e
                    }
                })?;
            }
            Ok(())
        }
        (Type::Option(a), Type::Option(b)) | (Type::List(a), Type::List(b)) => same(a, b, side),
        (Type::Map(ka, va), Type::Map(kb, vb)) => {
            same(ka, kb, side)?;
            same(va, vb, side)
        }
        // A Go string holding arbitrary bytes is often ported to a function on bytes.
        (Type::String, Type::Bytes) if side == Side::Rust => Ok(()),
        (a, b) if !matches!(a, Type::Struct(_)) && a == b => Ok(()),
        _ => Err(String::new()),
    }
}

fn list_types(types: &[Type]) -> String {
    types
        .iter()
        .map(Type::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A Go return shape in spec type syntax: `i64`, `(i64, error)`, `()`.
fn go_shape(results: &[Type], error: bool) -> String {
    let mut parts: Vec<String> = results.iter().map(Type::to_string).collect();
    if error {
        parts.push("error".into());
    }
    match parts.len() {
        1 => parts.remove(0),
        _ => format!("({})", parts.join(", ")),
    }
}

/// A Rust return shape: `i64`, `Result<(i64, String), E>`, `()`.
fn rust_shape(results: &[Type], error: bool) -> String {
    let inner = match results {
        [one] => rust_spelling(one),
        _ => format!(
            "({})",
            results
                .iter()
                .map(rust_spelling)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    if error {
        format!("Result<{inner}, E>")
    } else {
        inner
    }
}

/// How a spec type is written in the Rust port.
fn rust_spelling(ty: &Type) -> String {
    match ty {
        Type::String => "String".into(),
        Type::Bytes => "Vec<u8>".into(),
        Type::Option(t) => format!("Option<{}>", rust_spelling(t)),
        Type::List(t) => format!("Vec<{}>", rust_spelling(t)),
        Type::Map(k, v) => format!("BTreeMap<{}, {}>", rust_spelling(k), rust_spelling(v)),
        other => other.to_string(),
    }
}

/// Checks every object of `spec` against both handshakes' objects: the object must be
/// registered on each side, with the spec's constructor and methods, each checked like a
/// function (a method a side skipped because no spec type maps to one of its types names that
/// reason). Fills what functions get filled, plus [`super::MethodSpec::consumes`] and the Go
/// type and constructor names used to render tests.
pub fn check_object_signatures(
    spec: &mut Spec,
    source: &str,
    go: &Handshake,
    rust: &Handshake,
) -> Result<(), SpecError> {
    let mut d = Diags::new(&spec.path, source);
    let none = Spots::default();
    for obj in &mut spec.objects {
        for (side, hs) in [(Side::Go, go), (Side::Rust, rust)] {
            let name = match side {
                Side::Go => obj.go_name.clone(),
                Side::Rust => obj.rust_name.clone(),
            };
            let Some(o) = hs.objects.iter().find(|o| o.name == name) else {
                let names = hs.objects.iter().map(|o| o.name.as_str());
                let how = match side {
                    Side::Go => format!("harness.Object(\"{name}\", New{name})"),
                    Side::Rust => format!(".object(\"{name}\", |…| {name}::new(…))"),
                };
                let hint = match closest(&name, names.clone()) {
                    Some(c) => format!("did you mean `{c}`? set `{} = \"{c}\"` in this [[object]] table", side.key()),
                    None if hs.objects.is_empty() => format!("the {} registers no objects; register it with `{how}`", side.label()),
                    None => format!("the {} has {}; register `{name}` with `{how}`, or set `{} = \"…\"` to its registered name", side.label(), list_names(names), side.key()),
                };
                report(
                    &mut d,
                    None,
                    obj.location,
                    format!("the {} has no object `{name}`", side.label()),
                    Some(hint),
                );
                continue;
            };
            if side == Side::Go {
                obj.go_type = o.go_type.clone();
                obj.go_constructor = o.go_constructor.clone();
            }
            // The constructor and methods as functions named `Ledger.new`, `Ledger.Add`, so
            // that every message names the object.
            let mut sigs: Vec<FunctionSig> = Vec::new();
            let mut ctor = o.constructor.clone();
            ctor.name = format!("{}.new", obj.name);
            sigs.push(ctor);
            for m in &o.methods {
                let mut s = m.sig.clone();
                s.name = format!("{}.{}", obj.name, s.name);
                sigs.push(s);
            }
            let hs_obj = Handshake {
                protocol: hs.protocol,
                harness: hs.harness.clone(),
                functions: sigs,
                problems: Vec::new(),
                objects: Vec::new(),
            };
            let mut c = obj.constructor.clone();
            c.name = format!("{}.new", obj.name);
            c.go_name = c.name.clone();
            c.rust_name = c.name.clone();
            check_side(&mut c, side, &hs_obj, &none, &mut d);
            obj.constructor.go_params = c.go_params;
            obj.constructor.rust_params = c.rust_params;
            for m in &mut obj.methods {
                let registered = match side {
                    Side::Go => m.function.go_name.clone(),
                    Side::Rust => m.function.rust_name.clone(),
                };
                if let Some(why) = o
                    .skipped
                    .iter()
                    .find(|s| s.split(':').next() == Some(registered.as_str()))
                {
                    report(
                        &mut d,
                        None,
                        m.function.location,
                        format!("the {} could not register method `{registered}` of `{name}`: {why}", side.label()),
                        Some("change the method's types to ones a spec type maps to (see docs/protocol.md), or leave it out of the spec".into()),
                    );
                    continue;
                }
                let mut f = m.function.clone();
                let full = format!("{}.{registered}", obj.name);
                f.name = format!("{}.{}", obj.name, m.function.name);
                f.go_name = full.clone();
                f.rust_name = full;
                check_side(&mut f, side, &hs_obj, &none, &mut d);
                match side {
                    Side::Go => m.function.go_params = f.go_params,
                    Side::Rust => {
                        m.function.rust_params = f.rust_params;
                        m.function.rust_results = f.rust_results;
                        m.function.rust_none_is_error = f.rust_none_is_error;
                    }
                }
                if o.methods
                    .iter()
                    .any(|s| s.sig.name == registered && s.consumes)
                {
                    m.consumes = true;
                }
            }
        }
    }
    d.finish(())
}
