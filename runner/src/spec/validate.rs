//! Validation: a [`RawSpec`] checked key by key and turned into a [`Spec`], collecting every
//! problem rather than stopping at the first.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use toml::Spanned;

use crate::value::{Field, StructType, Type, SCALAR_TYPES};

use super::compare::compare_rules;
use super::error::{clip_debug, closest, display_path, quote, Diags};
use super::hints::{fill_struct_hints, hints};
use super::model::{
    ArgSpec, CompareRules, FunctionSpec, Generation, GoSource, Hints, Location, Spec,
};
use super::raw::{RawArg, RawFunction, RawGenerate, RawGo, RawSpec, RawStruct};

/// Turns a parsed file into a [`Spec`]. Problems go to `d`; the returned spec is only meaningful
/// when `d` stays empty.
/// With `check_paths`, the [go] `package` folder or `command` program must exist.
pub(crate) fn validate(
    path: &Path,
    text: &str,
    raw: RawSpec,
    check_paths: bool,
    d: &mut Diags,
) -> Spec {
    let dir = path.parent().unwrap_or(Path::new(""));
    // A spec of endpoints alone needs no Go harness.
    let needs_go = raw.has_functions || raw.has_objects || !raw.has_endpoints;
    let go = go_source(raw.go.as_ref(), raw.has_go || !needs_go, dir, d);
    if check_paths {
        go_paths_exist(raw.go.as_ref(), &go, dir, d);
    }
    let types = Types::resolve(&raw.types, text, d);
    let mut functions: Vec<FunctionSpec> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for f in &raw.function {
        let spec = function(f, &types, text, d);
        let line = d.position(f.span().start).0;
        if let Some(first) = seen.get(&spec.name) {
            d.at(
                f.get_ref().name.span().start,
                format!(
                    "duplicate function name `{}` (first declared on line {first})",
                    spec.name
                ),
                Some("give each [[function]] its own `name`; to test one Go function twice, set `go = \"…\"` on both and choose different names".into()),
            );
        } else {
            seen.insert(spec.name.clone(), line);
        }
        functions.push(spec);
    }
    if !raw.has_functions && !raw.has_endpoints && !raw.has_objects {
        d.at(
            0,
            "the spec declares no functions",
            Some("add a `[[function]]` table with `name`, `args` and `results` (or an `[[object]]` or `[[endpoint]]` table, see docs/spec.md)".into()),
        );
    }
    let function_lines: HashMap<String, usize> = seen;
    let objects = super::object_validate::objects(&raw.object, &function_lines, &types, text, d);
    let endpoints =
        super::endpoint_validate::endpoints(&raw.endpoint, &function_lines, &types, text, d);
    let servers = super::server_validate::servers(&raw, dir, check_paths, d);
    let http = super::server_validate::http_settings(raw.http.as_ref(), raw.has_endpoints, d);
    let json_names = super::endpoint_validate::json_names(&raw.types, &types, d);
    Spec {
        path: PathBuf::from(display_path(path)),
        name: path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
        go,
        structs: types.in_file_order(),
        struct_hints: types.hints,
        functions,
        generation: generation(raw.generate.as_ref()),
        endpoints,
        servers,
        http,
        json_names,
        objects,
    }
}

/// `[generate]`: each key given overrides its default (on).
fn generation(raw: Option<&RawGenerate>) -> Generation {
    let on = Generation::default();
    let Some(g) = raw else {
        return on;
    };
    Generation {
        correlated: g.correlated.unwrap_or(on.correlated),
        mutation: g.mutation.unwrap_or(on.mutation),
        dictionary: g.dictionary.unwrap_or(on.dictionary),
        rare_shapes: g.rare_shapes.unwrap_or(on.rare_shapes),
        swarm: g.swarm.unwrap_or(on.swarm),
    }
}

fn go_source(go: Option<&Spanned<RawGo>>, has_go: bool, dir: &Path, d: &mut Diags) -> GoSource {
    let placeholder = GoSource::Command { argv: Vec::new() };
    if go.is_none() && has_go {
        return placeholder; // reported while reading (unreadable or misspelt)
    }
    let forms = "`package = \"../harness-go/cmd/my-harness\"` (a Go main package, built with `go build`) or `command = [\"./bin/my-harness\"]`";
    let Some(go) = go else {
        d.at(
            0,
            "the spec has no [go] table",
            Some(format!(
                "add a [go] table saying where the Go harness comes from: {forms}"
            )),
        );
        return placeholder;
    };
    let at = go.span().start;
    let absolute = |p: PathBuf| std::path::absolute(&p).unwrap_or(p);
    match (&go.get_ref().package, &go.get_ref().command) {
        (Some(_), Some(_)) => {
            d.at(
                at,
                "[go] has both `package` and `command`",
                Some(
                    "keep one: `package` builds a Go main package, `command` runs a ready harness"
                        .into(),
                ),
            );
            placeholder
        }
        (None, None) => {
            d.at(
                at,
                "[go] needs `package` or `command`",
                Some(format!("write {forms}")),
            );
            placeholder
        }
        (Some(p), None) if p.get_ref().trim().is_empty() => {
            d.at(
                p.span().start,
                "`package` is empty",
                Some(
                    "give the directory of the harness's main package, relative to this spec file"
                        .into(),
                ),
            );
            placeholder
        }
        (Some(p), None) => GoSource::Package {
            dir: absolute(dir.join(p.get_ref())),
        },
        (None, Some(c)) => {
            let mut argv = c.get_ref().clone();
            match argv.first_mut() {
                None => {
                    d.at(
                        c.span().start,
                        "`command` is empty",
                        Some("give the program and its arguments, like `command = [\"./bin/my-harness\"]`".into()),
                    );
                }
                Some(program) => {
                    // Like a shell: a program with a slash is a path, a bare name is looked up in PATH.
                    let is_path = program.contains('/') || program.contains('\\');
                    if is_path && Path::new(program.as_str()).is_relative() {
                        *program = absolute(dir.join(&*program)).to_string_lossy().into_owned();
                    }
                }
            }
            GoSource::Command { argv }
        }
    }
}

/// Reports a [go] `package` folder or `command` program that does not exist, at its key, with
/// the path it was resolved to. A bare command name counts as existing when it is on `PATH`.
fn go_paths_exist(raw: Option<&Spanned<RawGo>>, go: &GoSource, dir: &Path, d: &mut Diags) {
    let Some(raw) = raw.map(Spanned::get_ref) else {
        return;
    };
    let base = display_path(&normalize(dir));
    match (go, &raw.package, &raw.command) {
        (GoSource::Package { dir: pkg }, Some(key), _) if !pkg.is_dir() => {
            let shown = display_path(&normalize(pkg));
            let message = if pkg.exists() {
                format!("the `package` `{shown}` is a file, not a folder")
            } else {
                format!("the `package` folder `{shown}` does not exist")
            };
            d.at(
                key.span().start,
                message,
                Some(format!("`package` is the folder of the Go harness's main package, relative to the spec file's folder `{base}`, like `package = \"../harness-go/cmd/my-harness\"`")),
            );
        }
        (GoSource::Command { argv }, _, Some(key)) if !argv.is_empty() => {
            let program = &argv[0];
            let is_path = program.contains('/') || program.contains('\\');
            if is_path && !Path::new(program).is_file() {
                d.at(
                    key.span().start,
                    format!(
                        "the `command` program `{}` does not exist",
                        display_path(&normalize(Path::new(program)))
                    ),
                    Some(format!("a program written as a path is relative to the spec file's folder `{base}`; build the harness first, or fix the path")),
                );
            } else if !is_path && !on_path(program) {
                d.at(
                    key.span().start,
                    format!("the `command` program `{program}` is not on PATH"),
                    Some(format!("install it on PATH, or write its path relative to the spec file's folder `{base}`, like `command = [\"./bin/{program}\"]`")),
                );
            }
        }
        _ => {}
    }
}

/// The absolute form of `path` with `.` and `..` taken out, for messages.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for c in absolute.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Whether a bare program name is found in one of `PATH`'s folders, as a shell would find it.
pub(crate) fn on_path(program: &str) -> bool {
    let Some(path) = std::env::var_os("PATH") else {
        return false;
    };
    std::env::split_paths(&path).any(|folder| {
        let candidate = folder.join(program);
        candidate.is_file() || (cfg!(windows) && candidate.with_extension("exe").is_file())
    })
}

/// The byte offset of `offset` inside a TOML string value, when the source text is the plain
/// quoted value (no escapes); otherwise the start of the value.
pub(crate) fn offset_in_string(text: &str, s: &Spanned<String>, offset: usize) -> usize {
    let span = s.span();
    let raw = text.get(span.clone()).unwrap_or("");
    let plain = raw.len() == s.get_ref().len() + 2
        && (raw.starts_with('"') || raw.starts_with('\''))
        && &raw[1..raw.len() - 1] == s.get_ref();
    if plain {
        span.start + 1 + offset
    } else {
        span.start
    }
}

/// Struct types under `[types]`, resolved in dependency order.
pub(crate) struct Types {
    /// Resolved structs by name.
    pub(crate) resolved: HashMap<String, Arc<StructType>>,
    /// Declared names, in file order.
    pub(crate) declared: Vec<String>,
    /// Per-field hints of resolved structs.
    pub(crate) hints: HashMap<String, Vec<Hints>>,
}

impl Types {
    pub(crate) fn lookup(&self, name: &str) -> Option<Arc<StructType>> {
        if let Some(st) = self.resolved.get(name) {
            return Some(st.clone());
        }
        // A declared struct that failed to resolve was already reported: do not cascade.
        self.declared
            .iter()
            .any(|n| n == name)
            .then(|| placeholder(name))
    }

    fn in_file_order(&self) -> Vec<Arc<StructType>> {
        self.declared
            .iter()
            .filter_map(|n| self.resolved.get(n).cloned())
            .collect()
    }

    fn resolve(
        raw: &std::collections::BTreeMap<Spanned<String>, Spanned<RawStruct>>,
        text: &str,
        d: &mut Diags,
    ) -> Types {
        let mut decls: Vec<(&Spanned<String>, &Spanned<RawStruct>)> = raw.iter().collect();
        decls.sort_by_key(|(_, s)| s.span().start);
        let declared: Vec<String> = decls.iter().map(|(n, _)| n.get_ref().clone()).collect();
        let index: HashMap<&str, usize> = declared
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_str(), i))
            .collect();
        let mut broken = vec![false; decls.len()];
        // Edges: struct → (struct it refers to, the field that refers to it).
        let mut edges: Vec<Vec<(usize, String)>> = vec![Vec::new(); decls.len()];
        let any_declared = |n: &str| index.contains_key(n).then(|| placeholder(n));
        for (i, (name, st)) in decls.iter().enumerate() {
            if !struct_name_ok(name, d) {
                broken[i] = true;
            }
            let mut field_names: HashMap<&str, ()> = HashMap::new();
            for f in &st.get_ref().fields {
                let fname = f.get_ref().name.get_ref();
                if fname.is_empty() {
                    d.at(
                        f.get_ref().name.span().start,
                        "a field name is empty",
                        Some("name the field as in the Go struct, like `{ name = \"Units\", type = \"i64\" }`".into()),
                    );
                    broken[i] = true;
                } else if field_names.insert(fname, ()).is_some() {
                    d.at(
                        f.get_ref().name.span().start,
                        format!("duplicate field `{fname}` in struct `{}`", name.get_ref()),
                        Some("each field of a struct needs its own name, as in the Go type".into()),
                    );
                    broken[i] = true;
                }
                match parse_type(&f.get_ref().ty, &any_declared, &declared, text, d) {
                    Some(ty) => {
                        let mut refs = Vec::new();
                        struct_refs(&ty, &mut refs);
                        for r in refs {
                            edges[i].push((index[r.as_str()], fname.clone()));
                        }
                    }
                    None => broken[i] = true,
                }
            }
        }
        report_cycles(&decls, &edges, &mut broken, d);

        let mut types = Types {
            resolved: HashMap::new(),
            declared: declared.clone(),
            hints: HashMap::new(),
        };
        let mut order = Vec::new();
        loop {
            let mut progress = false;
            for i in 0..decls.len() {
                if broken[i] || types.resolved.contains_key(&declared[i]) {
                    continue;
                }
                if edges[i].iter().any(|(j, _)| broken[*j]) {
                    broken[i] = true;
                    progress = true;
                    continue;
                }
                if !edges[i]
                    .iter()
                    .all(|(j, _)| types.resolved.contains_key(&declared[*j]))
                {
                    continue;
                }
                let lookup = |n: &str| types.resolved.get(n).cloned();
                let fields = decls[i]
                    .1
                    .get_ref()
                    .fields
                    .iter()
                    .map(|f| Field {
                        name: f.get_ref().name.get_ref().clone(),
                        ty: Type::parse(f.get_ref().ty.get_ref(), &lookup)
                            .expect("checked in the first pass"),
                    })
                    .collect();
                let st = Arc::new(StructType {
                    name: declared[i].clone(),
                    fields,
                });
                types.resolved.insert(declared[i].clone(), st);
                order.push(i);
                progress = true;
            }
            if !progress {
                break;
            }
        }
        // Field hints, dependencies first so nested struct hints can be copied in.
        for i in order {
            let st = types.resolved[&declared[i]].clone();
            let mut per_field = Vec::new();
            for (raw_field, field) in decls[i].1.get_ref().fields.iter().zip(&st.fields) {
                let what = format!("field `{}.{}`", st.name, field.name);
                let mut h = hints(raw_field.get_ref().hints(), &field.ty, &what, d);
                fill_struct_hints(&mut h, &field.ty, &types.hints);
                per_field.push(h);
            }
            types.hints.insert(st.name.clone(), per_field);
        }
        types
    }
}

/// A struct with no fields, standing in for one that is declared but could not be resolved.
fn placeholder(name: &str) -> Arc<StructType> {
    Arc::new(StructType {
        name: name.to_string(),
        fields: Vec::new(),
    })
}

fn struct_name_ok(name: &Spanned<String>, d: &mut Diags) -> bool {
    let n = name.get_ref();
    let ident = n
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !ident {
        d.at(
            name.span().start,
            format!("struct name `{}` is not an identifier", quote(n)),
            Some("name the struct like its Go type: letters, digits and `_`, like `Money`".into()),
        );
        return false;
    }
    let builtin = !matches!(
        Type::parse(n, &|s| Some(placeholder(s))),
        Ok(Type::Struct(_))
    );
    if builtin {
        d.at(
            name.span().start,
            format!("struct name `{}` is a built-in type name", quote(n)),
            Some("choose another name; struct names must differ from the spec's types and Go's basic types".into()),
        );
        return false;
    }
    true
}

fn struct_refs(ty: &Type, out: &mut Vec<String>) {
    match ty {
        Type::Struct(st) => out.push(st.name.clone()),
        Type::Option(i) | Type::List(i) => struct_refs(i, out),
        Type::Map(k, v) => {
            struct_refs(k, out);
            struct_refs(v, out);
        }
        _ => {}
    }
}

fn report_cycles(
    decls: &[(&Spanned<String>, &Spanned<RawStruct>)],
    edges: &[Vec<(usize, String)>],
    broken: &mut [bool],
    d: &mut Diags,
) {
    let mut in_reported = vec![false; decls.len()];
    for start in 0..decls.len() {
        if in_reported[start] {
            continue;
        }
        let mut path = Vec::new();
        let mut visited = HashSet::new();
        if !cycle_from(start, start, edges, &mut visited, &mut path) {
            continue;
        }
        let mut steps = Vec::new();
        let mut at = start;
        for (next, field) in &path {
            steps.push(format!("{}.{field}", decls[at].0.get_ref()));
            in_reported[*next] = true;
            broken[*next] = true;
            at = *next;
        }
        let name = decls[start].0.get_ref();
        d.at(
            decls[start].0.span().start,
            format!(
                "struct `{name}` refers to itself ({} → {name}); recursive struct types are not supported",
                steps.join(" → ")
            ),
            Some("parity needs finite struct types to generate and compare values; break the cycle, for example by testing a function on a flattened type".into()),
        );
    }
}

fn cycle_from(
    start: usize,
    at: usize,
    edges: &[Vec<(usize, String)>],
    visited: &mut HashSet<usize>,
    path: &mut Vec<(usize, String)>,
) -> bool {
    for (next, field) in &edges[at] {
        path.push((*next, field.clone()));
        if *next == start {
            return true;
        }
        if visited.insert(*next) && cycle_from(start, *next, edges, visited, path) {
            return true;
        }
        path.pop();
    }
    false
}

/// Parses a type written in the spec, reporting a syntax error at its exact column.
pub(crate) fn parse_type(
    s: &Spanned<String>,
    lookup: &dyn Fn(&str) -> Option<Arc<StructType>>,
    structs: &[String],
    text: &str,
    d: &mut Diags,
) -> Option<Type> {
    match Type::parse(s.get_ref(), lookup) {
        Ok(t) => Some(t),
        Err(e) => {
            let mut hint = e.hint;
            if e.message.starts_with("unknown type") {
                let name: String = s.get_ref()[e.offset.min(s.get_ref().len())..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                let known = SCALAR_TYPES
                    .iter()
                    .copied()
                    .chain(["option", "list", "map"])
                    .chain(structs.iter().map(String::as_str));
                if let Some(c) = closest(&name, known).filter(|_| !hint.contains("Go type")) {
                    hint = format!("did you mean `{c}`?");
                }
            }
            d.at(offset_in_string(text, s, e.offset), e.message, Some(hint));
            None
        }
    }
}

pub(crate) fn name_ok(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

fn function(f: &Spanned<RawFunction>, types: &Types, text: &str, d: &mut Diags) -> FunctionSpec {
    for a in &f.get_ref().args {
        if let Some(from) = &a.get_ref().from {
            d.at(
                from.span().start,
                format!("`from` on argument `{}` of a [[function]]", a.get_ref().name.get_ref()),
                Some("a function's arguments are generated; `from` is for the arguments of an [[object.method]], which may take a value an earlier call produced".into()),
            );
        }
    }
    function_at(f.get_ref(), f.span().start, types, text, d)
}

/// Validates a `[[function]]`-shaped table (a function, or a method of an object) starting at
/// byte `at`. `from` keys are not looked at.
pub(crate) fn function_at(
    raw: &RawFunction,
    at: usize,
    types: &Types,
    text: &str,
    d: &mut Diags,
) -> FunctionSpec {
    let name = raw.name.get_ref().clone();
    if !name_ok(&name) {
        d.at(
            raw.name.span().start,
            format!("function name {} is empty or has characters other than letters, digits, `_`, `-` and `.`", clip_debug(&name)),
            Some("the name is used in reports and in the corpus path; set `go = \"…\"` / `rust = \"…\"` if the registered names differ".into()),
        );
    }
    let go_name = registered_name("go", &raw.go, &name, "function", d);
    let rust_name = registered_name("rust", &raw.rust, &name, "function", d);
    let lookup = |n: &str| types.lookup(n);
    let mut args = Vec::new();
    let mut arg_names: HashSet<&str> = HashSet::new();
    for a in &raw.args {
        if let Some(arg) = argument(a, &name, &lookup, types, text, d) {
            if !arg_names.insert(a.get_ref().name.get_ref()) {
                d.at(
                    a.get_ref().name.span().start,
                    format!("duplicate argument name `{}` in `{name}`", arg.name),
                    Some("give each argument its own name; names appear in reports".into()),
                );
            }
            args.push(arg);
        }
    }
    let results: Vec<Type> = raw
        .results
        .iter()
        .flat_map(|r| r.get_ref())
        .filter_map(|r| parse_type(r, &lookup, &types.declared, text, d))
        .collect();
    let mut compare: CompareRules = raw
        .compare
        .as_ref()
        .map(|c| compare_rules(c, results.len(), &name, d))
        .unwrap_or_default();
    let error = raw.error.as_ref().is_some_and(|e| *e.get_ref());
    compare.accept = super::accept::accept_rules(&raw.accept, results.len(), error, &name, d);
    let (line, column) = d.position(at);
    FunctionSpec {
        name: name.clone(),
        go_name,
        rust_name,
        args,
        results,
        error: raw.error.as_ref().is_some_and(|e| *e.get_ref()),
        compare,
        rust_none_is_error: false,
        rust_params: Vec::new(),
        rust_results: Vec::new(),
        go_params: Vec::new(),
        location: Location { line, column },
    }
}

/// The registered name a `go` or `rust` key gives (`name` when it is absent); an empty one is
/// reported. `what` names the table (`function`, `object`) in the hint.
pub(crate) fn registered_name(
    key: &str,
    v: &Option<Spanned<String>>,
    name: &str,
    what: &str,
    d: &mut Diags,
) -> String {
    match v {
        Some(s) if s.get_ref().is_empty() => {
            d.at(
                s.span().start,
                format!("`{key}` is empty"),
                Some(format!("leave `{key}` out to use the {what}'s `name`")),
            );
            name.to_string()
        }
        Some(s) => s.get_ref().clone(),
        None => name.to_string(),
    }
}

pub(crate) fn argument(
    a: &Spanned<RawArg>,
    function: &str,
    lookup: &dyn Fn(&str) -> Option<Arc<StructType>>,
    types: &Types,
    text: &str,
    d: &mut Diags,
) -> Option<ArgSpec> {
    let raw = a.get_ref();
    let name = raw.name.get_ref();
    if name.is_empty() {
        d.at(
            raw.name.span().start,
            "an argument name is empty",
            Some("name it like the Go parameter; names appear in reports".into()),
        );
    }
    let what = format!("argument `{name}` of `{function}`");
    let ty = parse_type(&raw.ty, lookup, &types.declared, text, d)?;
    Some(typed_argument(raw, ty, a.span().start, &what, types, d))
}

/// An argument whose type `ty` is parsed: its hints checked against the type (`what` names it in
/// messages), `at` its position.
pub(crate) fn typed_argument(
    raw: &RawArg,
    ty: Type,
    at: usize,
    what: &str,
    types: &Types,
    d: &mut Diags,
) -> ArgSpec {
    let mut h = hints(raw.hints(), &ty, what, d);
    fill_struct_hints(&mut h, &ty, &types.hints);
    let (line, column) = d.position(at);
    ArgSpec {
        name: raw.name.get_ref().clone(),
        ty,
        hints: h,
        location: Location { line, column },
    }
}
