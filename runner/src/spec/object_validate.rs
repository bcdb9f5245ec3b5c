//! Validation of `[[object]]` tables into [`ObjectSpec`]s: the constructor and each method are
//! validated as functions are (`validate::function_at`), then what is about sequences is
//! checked: `steps`, `sequences`, `after`/`not_after` and every argument's `from`.

use std::collections::HashMap;

use toml::Spanned;

use super::error::{clip_debug, closest, Diags};
use super::model::{FunctionSpec, Location};
use super::object::{MethodSpec, ObjectSpec, Precondition, Ref, Take};
use super::raw::object::{RawMethod, RawObject};
use super::raw::RawArg;
use super::validate::{argument, function_at, name_ok, registered_name, Types};
use crate::value::Type;

/// Default most calls per sequence after the constructor: enough to pass a small capacity or
/// buffer size and observe it.
pub const DEFAULT_STEPS: usize = 8;
/// Default sequences per method.
pub const DEFAULT_SEQUENCES: u64 = 300;

/// Validates every `[[object]]`; `function_lines` holds the functions' names, which an object
/// may not reuse (they share the corpus folder).
pub(crate) fn objects(
    raw: &[Spanned<RawObject>],
    function_lines: &HashMap<String, usize>,
    types: &Types,
    text: &str,
    d: &mut Diags,
) -> Vec<ObjectSpec> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    for o in raw {
        let r = o.get_ref();
        let name = r.name.get_ref().clone();
        let line = d.position(o.span().start).0;
        if !name_ok(&name) {
            d.at(
                r.name.span().start,
                format!("object name {} is empty or has characters other than letters, digits, `_`, `-` and `.`", clip_debug(&name)),
                Some("the name is used in reports and in the corpus path; set `go = \"…\"` / `rust = \"…\"` if the registered names differ".into()),
            );
        } else if let Some(first) = seen.get(&name).or_else(|| function_lines.get(&name)) {
            d.at(
                r.name.span().start,
                format!("duplicate name `{name}` (first declared on line {first})"),
                Some("give each [[object]] a name of its own, distinct from every [[function]]'s: names pick the corpus folder".into()),
            );
        } else {
            seen.insert(name.clone(), line);
        }
        out.push(object(o, types, text, d));
    }
    out
}

fn object(o: &Spanned<RawObject>, types: &Types, text: &str, d: &mut Diags) -> ObjectSpec {
    let r = o.get_ref();
    let name = r.name.get_ref().clone();
    let go_name = registered_name("go", &r.go, &name, "object", d);
    let rust_name = registered_name("rust", &r.rust, &name, "object", d);
    let mut constructor = FunctionSpec::new("new", vec![], vec![], false);
    constructor.go_name = go_name.clone();
    constructor.rust_name = rust_name.clone();
    constructor.error = r.error.as_ref().is_some_and(|e| *e.get_ref());
    let lookup = |n: &str| types.lookup(n);
    for a in &r.args {
        no_from(a, "the constructor", d);
        if let Some(arg) = argument(a, &format!("{name}.new"), &lookup, types, text, d) {
            if constructor.args.iter().any(|x| x.name == arg.name) {
                d.at(
                    a.get_ref().name.span().start,
                    format!(
                        "duplicate argument name `{}` in the constructor of `{name}`",
                        arg.name
                    ),
                    Some("give each argument its own name; names appear in reports".into()),
                );
            }
            constructor.args.push(arg);
        }
    }
    let (line, column) = d.position(o.span().start);
    constructor.location = Location { line, column };
    let max_steps = count(r.steps.as_ref(), "steps", 1, 1000, DEFAULT_STEPS as i64, d) as usize;
    let sequences = count(
        r.sequences.as_ref(),
        "sequences",
        1,
        10_000_000,
        DEFAULT_SEQUENCES as i64,
        d,
    ) as u64;
    if r.method.is_empty() {
        d.at(
            r.name.span().start,
            format!("object `{name}` declares no methods"),
            Some("add an `[[object.method]]` table per method to call, with `name`, `args` and `results` like a [[function]]".into()),
        );
    }
    // Names first, so that `after` and `from` may name a method declared further down.
    let names: Vec<String> = r
        .method
        .iter()
        .map(|m| m.get_ref().function.name.get_ref().clone())
        .collect();
    let mut methods: Vec<MethodSpec> = Vec::new();
    for (i, m) in r.method.iter().enumerate() {
        if let Some(j) = names[..i].iter().position(|n| *n == names[i]) {
            let first = d.position(r.method[j].span().start).0;
            d.at(
                m.get_ref().function.name.span().start,
                format!("duplicate method `{}` in `{name}` (first declared on line {first})", names[i]),
                Some("declare each method once; to call one Go method under two names, set `go = \"…\"` on both".into()),
            );
        }
        let function = function_at(&m.get_ref().function, m.span().start, types, text, d);
        methods.push(MethodSpec {
            refs: vec![None; function.args.len()],
            function,
            precondition: Precondition::default(),
            consumes: false,
        });
    }
    for (i, m) in r.method.iter().enumerate() {
        let raw = m.get_ref();
        methods[i].precondition = precondition(raw, &names, &name, d);
        let refs = references(raw, i, &methods, &names, &name, d);
        methods[i].refs = refs;
    }
    ObjectSpec {
        name,
        go_name,
        rust_name,
        constructor,
        methods,
        max_steps,
        sequences,
        location: Location { line, column },
        go_type: String::new(),
        go_constructor: String::new(),
    }
}

fn no_from(a: &Spanned<RawArg>, what: &str, d: &mut Diags) {
    if let Some(from) = &a.get_ref().from {
        d.at(
            from.span().start,
            format!("`from` on argument `{}` of {what}", a.get_ref().name.get_ref()),
            Some("the constructor runs first, so no earlier call can supply its arguments; `from` is for method arguments".into()),
        );
    }
}

fn count(
    v: Option<&Spanned<i64>>,
    key: &str,
    min: i64,
    max: i64,
    default: i64,
    d: &mut Diags,
) -> i64 {
    match v {
        None => default,
        Some(s) if (min..=max).contains(s.get_ref()) => *s.get_ref(),
        Some(s) => {
            d.at(
                s.span().start,
                format!("`{key}` is {}, outside {min}..={max}", s.get_ref()),
                Some(format!("leave `{key}` out for the default ({default}), or give a number from {min} to {max}")),
            );
            default
        }
    }
}

fn method_index(
    n: &Spanned<String>,
    names: &[String],
    object: &str,
    key: &str,
    d: &mut Diags,
) -> Option<usize> {
    let found = names.iter().position(|m| m == n.get_ref());
    if found.is_none() {
        let known = names
            .iter()
            .map(|m| format!("`{m}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let hint = match closest(n.get_ref(), names.iter().map(String::as_str)) {
            Some(c) => format!("did you mean `{c}`? the methods of `{object}` are {known}"),
            None => format!("name one of the methods of `{object}`: {known}"),
        };
        d.at(
            n.span().start,
            format!(
                "`{key}` names {}, which is not a method of `{object}`",
                clip_debug(n.get_ref())
            ),
            Some(hint),
        );
    }
    found
}

fn precondition(raw: &RawMethod, names: &[String], object: &str, d: &mut Diags) -> Precondition {
    let list =
        |v: &Option<Spanned<Vec<Spanned<String>>>>, key: &str, d: &mut Diags| -> Vec<usize> {
            v.iter()
                .flat_map(|l| l.get_ref())
                .filter_map(|n| method_index(n, names, object, key, d))
                .collect()
        };
    Precondition {
        after: list(&raw.after, "after", d),
        not_after: list(&raw.not_after, "not_after", d),
    }
}

/// `from = "Add"` (the first result of the latest `Add`), `"Issue.1"` (its second result) or
/// `"Add(key)"` (its argument `key`), for every argument of `raw` that has one.
fn references(
    raw: &RawMethod,
    index: usize,
    methods: &[MethodSpec],
    names: &[String],
    object: &str,
    d: &mut Diags,
) -> Vec<Option<Ref>> {
    let me = raw.function.name.get_ref();
    let mine = &methods[index];
    let hint = "write `from = \"Add\"` for the first result of an earlier `Add` call, `from = \"Issue.1\"` for its second result, or `from = \"Add(key)\"` for the value its argument `key` was given";
    let mut refs = vec![None; mine.function.args.len()];
    for (i, a) in raw.function.args.iter().enumerate() {
        let Some(from) = &a.get_ref().from else {
            continue;
        };
        let text = from.get_ref().trim();
        let (method, take) = if let Some(open) = text.find('(') {
            let Some(arg) = text[open + 1..].strip_suffix(')') else {
                d.at(
                    from.span().start,
                    format!("`from` {} is not a reference", clip_debug(text)),
                    Some(hint.into()),
                );
                continue;
            };
            (&text[..open], Err(arg.trim()))
        } else if let Some((m, n)) = text
            .rsplit_once('.')
            .filter(|(_, n)| n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty())
        {
            (m, Ok(n.parse::<usize>().unwrap_or(usize::MAX)))
        } else {
            (text, Ok(0))
        };
        let spanned = Spanned::new(from.span(), method.to_string());
        let Some(m) = method_index(&spanned, names, object, "from", d) else {
            continue;
        };
        let producer = &methods[m].function;
        let (take, ty) = match take {
            Ok(n) => match producer.results.get(n) {
                Some(t) => (Take::Result(n), t.clone()),
                None => {
                    d.at(
                        from.span().start,
                        format!(
                            "`{}` has {} result{}, so `from` {} names none",
                            producer.name,
                            producer.results.len(),
                            if producer.results.len() == 1 { "" } else { "s" },
                            clip_debug(text)
                        ),
                        Some(hint.into()),
                    );
                    continue;
                }
            },
            Err(arg) => match producer.args.iter().position(|x| x.name == arg) {
                Some(k) => (Take::Arg(k), producer.args[k].ty.clone()),
                None => {
                    let known = producer
                        .args
                        .iter()
                        .map(|x| format!("`{}`", x.name))
                        .collect::<Vec<_>>()
                        .join(", ");
                    d.at(
                        from.span().start,
                        format!("`{}` has no argument `{arg}`", producer.name),
                        Some(format!("its arguments are {known}")),
                    );
                    continue;
                }
            },
        };
        let Some(want) = mine.function.args.get(i).map(|x| &x.ty) else {
            continue;
        };
        let fits = &ty == want || matches!(&ty, Type::Option(inner) if **inner == *want);
        if !fits {
            d.at(
                from.span().start,
                format!("`from` {} gives a {ty}, but argument `{}` of `{me}` is a {want}", clip_debug(text), mine.function.args[i].name),
                Some("a reference must give the argument's own type (an `option<T>` result may feed a `T` argument)".into()),
            );
            continue;
        }
        refs[i] = Some(Ref { method: m, take });
    }
    refs
}
