//! A diverging call sequence as a [`Finding`] the shared reporters print: every call with both
//! sides' outcomes (agreeing ones once), the `(-go +rust)` diff of the diverging call, and
//! paste-ready regression tests: a Go test that drives the type and expects Go's answer, and a
//! Rust test that drives the port and expects the same.

use super::session::StepRun;
use super::targets::ObjectTargets;
use crate::compare::{Divergence, Verdict};
use crate::outcome::{Outcome, Side};
use crate::readable;
use crate::report::{Finding, FindingKind, Origin, SequenceKind, SequenceNote};
use crate::sequence::{Sequence, Targets};
use crate::spec::{FunctionSpec, ObjectSpec};
use crate::value::Type;

pub use crate::sequence::Counts;

/// The variable a rendered test holds the object in: `ledger` for `Ledger`.
fn var(obj: &ObjectSpec) -> String {
    let mut c = obj.name.chars();
    match c.next() {
        Some(f) => {
            let v: String = f.to_lowercase().chain(c).collect();
            let v: String = v
                .chars()
                .filter(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if v.is_empty() {
                "obj".into()
            } else {
                v
            }
        }
        None => "obj".into(),
    }
}

/// The Go constructor's name as a test in the type's package calls it.
fn go_constructor(obj: &ObjectSpec) -> String {
    let full = if obj.go_constructor.is_empty() {
        format!("New{}", obj.go_name)
    } else {
        obj.go_constructor.clone()
    };
    full.rsplit_once('.')
        .map(|(_, f)| f.to_string())
        .unwrap_or(full)
}

/// Step `k` as a Go call: `NewLedger(1)`, `ledger.Add("a", 1)`.
fn go_call(obj: &ObjectSpec, seq: &Sequence, trace: &[StepRun], k: usize) -> String {
    let t = ObjectTargets(obj);
    let mut f: FunctionSpec = t.function(seq[k].target);
    f.go_name = match t.method(seq[k].target) {
        None => go_constructor(obj),
        Some(m) => format!("{}.{}", var(obj), m.function.go_name),
    };
    crate::render::go_call(&f, &trace[k].go_inputs)
}

/// Step `k` as a Rust call: `Ledger::new(1)`, `ledger.add("a".to_string(), 1)`.
fn rust_call(obj: &ObjectSpec, seq: &Sequence, trace: &[StepRun], k: usize) -> String {
    let t = ObjectTargets(obj);
    let mut f: FunctionSpec = t.function(seq[k].target);
    f.rust_name = match t.method(seq[k].target) {
        None => format!("{}::new", obj.rust_name),
        Some(m) => format!(
            "{}.{}",
            var(obj),
            crate::render::snake_case(&m.function.rust_name)
        ),
    };
    crate::render::rust_call(&f, &trace[k].rust_inputs)
}

fn results(obj: &ObjectSpec, seq: &Sequence, k: usize) -> Vec<Type> {
    ObjectTargets(obj).function(seq[k].target).results
}

/// The short text of an outcome: `ok`, `ok 5`, `error "no invoice"`.
fn outcome(o: &Outcome, results: &[Type]) -> String {
    readable::short_outcome(o, results)
}

/// The steps as lines: each call, then its outcome, or both sides' when they differ.
fn lines(obj: &ObjectSpec, seq: &Sequence, trace: &[StepRun], side: Side) -> Vec<String> {
    let calls: Vec<String> = (0..trace.len())
        .map(|k| match side {
            Side::Go => go_call(obj, seq, trace, k),
            Side::Rust => rust_call(obj, seq, trace, k),
        })
        .collect();
    let width = calls
        .iter()
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(0)
        .min(48);
    calls
        .into_iter()
        .enumerate()
        .map(|(k, call)| {
            let r = results(obj, seq, k);
            let s = &trace[k];
            let pad = width.saturating_sub(call.chars().count());
            let (g, ru) = (outcome(&s.go, &r), outcome(&s.rust, &r));
            let said = if g == ru && matches!(s.verdict, Verdict::Agree) {
                g
            } else {
                format!("go: {g}   rust: {ru}")
            };
            format!("{}. {call}{} → {said}", k, " ".repeat(pad))
        })
        .collect()
}

/// The key under which two findings are one bug: the calls before the diverging one, with
/// their arguments (the same state reached the same way, observed through another method).
pub fn prefix_key(seq: &Sequence) -> String {
    format!("{:?}", &seq[..seq.len().saturating_sub(1)])
}

/// The last call of a sequence, in Go.
pub fn last_call(obj: &ObjectSpec, seq: &Sequence, trace: &[StepRun]) -> String {
    go_call(obj, seq, trace, trace.len() - 1)
}

fn base(obj: &ObjectSpec, seq: &Sequence, trace: &[StepRun]) -> Finding {
    let last = trace.len() - 1;
    let r = results(obj, seq, last);
    let (go, rust) = (&trace[last].go, &trace[last].rust);
    let input = (0..trace.len())
        .map(|k| (format!("call {k}"), go_call(obj, seq, trace, k)))
        .collect();
    let go_calls: Vec<String> = (0..trace.len())
        .map(|k| go_call(obj, seq, trace, k))
        .collect();
    let rust_calls: Vec<String> = (0..trace.len())
        .map(|k| rust_call(obj, seq, trace, k))
        .collect();
    let divergence = match &trace[last].verdict {
        Verdict::Diverge(d) => d.clone(),
        _ => Divergence {
            go_class: go.class(),
            rust_class: rust.class(),
            path: String::new(),
            rule: "class".into(),
            go: None,
            rust: None,
            shape: String::new(),
        },
    };
    let go_steps = lines(obj, seq, trace, Side::Go);
    let rust_steps = lines(obj, seq, trace, Side::Rust);
    let same_refs = (0..trace.len()).all(|k| trace[k].go_inputs == trace[k].rust_inputs);
    Finding {
        function: super::run::finding_name(obj, seq[last].target),
        kind: FindingKind::Divergence,
        origin: Origin::Generated,
        input,
        typed_input: Vec::new(),
        spec_line: Some(obj.location.line),
        go_call: go_calls.join("; "),
        rust_call: rust_calls.join("; "),
        go: readable::pretty_outcome(go, &r),
        rust: readable::pretty_outcome(rust, &r),
        divergence,
        shrink: None,
        corpus_file: None,
        review: None,
        bug: None,
        sequence: Some(Box::new(SequenceNote {
            kind: SequenceKind::Calls,
            steps: go_steps,
            rust_steps: if same_refs { Vec::new() } else { rust_steps },
            steps_before: trace.len(),
            steps_after: trace.len(),
            differences: Vec::new(),
            go_test: go_test(obj, seq, trace),
            rust_test: rust_test(obj, seq, trace),
        })),
    }
}

/// The finding of a confirmed, minimized diverging sequence.
pub fn finding(obj: &ObjectSpec, seq: &Sequence, trace: &[StepRun], counts: &Counts) -> Finding {
    let mut f = base(obj, seq, trace);
    counts.apply(&mut f);
    f
}

/// The finding of a sequence that did not repeat from a fresh object: which side answered call
/// `k` differently, with both answers.
pub fn nondeterministic(
    obj: &ObjectSpec,
    seq: &Sequence,
    first: &[StepRun],
    again: &[StepRun],
    k: usize,
    side: Side,
) -> Finding {
    let mut f = base(obj, seq, first);
    let r = results(obj, seq, k.min(seq.len() - 1));
    let pick = |t: &[StepRun]| {
        t.get(k).map_or("(not reached)".to_string(), |s| {
            let o = match side {
                Side::Go => &s.go,
                Side::Rust => &s.rust,
            };
            format!("call {k}: {}", readable::pretty_outcome(o, &r))
        })
    };
    f.kind = FindingKind::Nondeterministic {
        side,
        first: pick(first),
        then: pick(again),
    };
    f
}

/// A Go test: the calls, then Go's answer to the last one as the expectation.
fn go_test(obj: &ObjectSpec, seq: &Sequence, trace: &[StepRun]) -> String {
    let last = trace.len() - 1;
    let v = var(obj);
    let name = super::run::finding_name(obj, seq[last].target).replace('.', "");
    let mut s = format!("func Test{name}MatchesRust(t *testing.T) {{\n");
    let ctor = go_call(obj, seq, trace, 0);
    if obj.constructor.error {
        s.push_str(&format!("\t{v}, err := {ctor}\n"));
        if last > 0 {
            s.push_str("\tif err != nil {\n\t\tt.Fatal(err)\n\t}\n");
        }
    } else {
        s.push_str(&format!("\t{v} := {ctor}\n"));
    }
    for k in 1..last {
        s.push_str(&format!("\t{}\n", go_call(obj, seq, trace, k)));
    }
    let r = results(obj, seq, last);
    let call = go_call(obj, seq, trace, last);
    let error = ObjectTargets(obj).function(seq[last].target).error;
    let mut names: Vec<String> = (0..r.len()).map(|i| format!("got{i}")).collect();
    if error {
        names.push("callErr".into());
    }
    if last == 0 {
        // The constructor itself diverges.
        s.push_str(&expect_go(&trace[0].go, &[], "err", obj.constructor.error));
        s.push_str(&format!("\t_ = {v}\n}}\n"));
        return s;
    }
    if names.is_empty() {
        s.push_str(&format!("\t{call}\n"));
    } else {
        s.push_str(&format!("\t{} := {call}\n", names.join(", ")));
    }
    s.push_str(&expect_go(&trace[last].go, &r, "callErr", error));
    s.push_str("}\n");
    s
}

fn expect_go(o: &Outcome, results: &[Type], err: &str, has_error: bool) -> String {
    let mut s = String::new();
    match o {
        Outcome::Error(msg) => {
            s.push_str(&format!(
                "\tif {err} == nil || {err}.Error() != {} {{\n\t\tt.Fatalf(\"got error %v, want {}\", {err})\n\t}}\n",
                readable::go_quote(msg),
                readable::go_quote(msg).trim_matches('"').replace('%', "%%")
            ));
        }
        Outcome::Ok(values) => {
            if has_error {
                s.push_str(&format!("\tif {err} != nil {{\n\t\tt.Fatal({err})\n\t}}\n"));
            }
            for (i, (v, ty)) in values.iter().zip(results).enumerate() {
                let want = crate::render::go_value(v, ty);
                if is_scalar(ty) {
                    s.push_str(&format!(
                        "\tif got{i} != {want} {{\n\t\tt.Fatalf(\"got %v, want %v\", got{i}, {want})\n\t}}\n"
                    ));
                } else {
                    s.push_str(&format!(
                        "\tif want := {want}; !reflect.DeepEqual(got{i}, want) {{\n\t\tt.Fatalf(\"got %#v, want %#v\", got{i}, want)\n\t}}\n"
                    ));
                }
            }
        }
        other => s.push_str(&format!(
            "\t// Go: {}\n",
            readable::short_outcome(other, results)
        )),
    }
    s
}

fn is_scalar(ty: &Type) -> bool {
    !matches!(
        ty,
        Type::List(_) | Type::Map(..) | Type::Struct(_) | Type::Bytes | Type::Option(_)
    ) && !matches!(ty, Type::F32 | Type::F64)
}

/// A Rust test: the same calls on the port, then Go's answer as the expectation.
fn rust_test(obj: &ObjectSpec, seq: &Sequence, trace: &[StepRun]) -> String {
    let last = trace.len() - 1;
    let v = var(obj);
    let name = crate::render::snake_case(
        &super::run::finding_name(obj, seq[last].target).replace('.', "_"),
    );
    let mut s = format!("#[test]\nfn {name}_matches_go() {{\n");
    let ctor = rust_call(obj, seq, trace, 0);
    let unwrap = if obj.constructor.error {
        ".unwrap()"
    } else {
        ""
    };
    if last == 0 {
        s.push_str(&format!(
            "    let got = {ctor};\n    // Go: {}\n    let _ = got;\n}}\n",
            readable::short_outcome(&trace[0].go, &[])
        ));
        return s;
    }
    s.push_str(&format!("    let mut {v} = {ctor}{unwrap};\n"));
    for k in 1..last {
        s.push_str(&format!("    let _ = {};\n", rust_call(obj, seq, trace, k)));
    }
    let r = results(obj, seq, last);
    let call = rust_call(obj, seq, trace, last);
    let error = ObjectTargets(obj).function(seq[last].target).error;
    let want = match &trace[last].go {
        Outcome::Ok(values) => {
            let vals: Vec<String> = values
                .iter()
                .zip(&r)
                .map(|(x, t)| crate::render::rust_value(x, t))
                .collect();
            let inner = match vals.len() {
                0 => "()".to_string(),
                1 => vals[0].clone(),
                _ => format!("({})", vals.join(", ")),
            };
            if error {
                format!("Ok({inner})")
            } else {
                inner
            }
        }
        Outcome::Error(msg) => format!(
            "Err({}.to_string())",
            crate::render::rust_value(&crate::value::Value::Str(msg.clone()), &Type::String)
                .trim_end_matches(".to_string()")
        ),
        // Go panicked: the port should too.
        Outcome::Panic(_) => {
            s = s.replacen("#[test]\n", "#[test]\n#[should_panic]\n", 1);
            s.push_str(&format!("    let _ = {call};\n}}\n"));
            return s;
        }
        other => {
            s.push_str(&format!(
                "    // Go: {} (nothing to compare with)\n    let _ = {call};\n}}\n",
                readable::short_outcome(other, &r)
            ));
            return s;
        }
    };
    s.push_str(&format!("    assert_eq!({call}, {want});\n}}\n"));
    s
}

/// The snapshot body of an object finding: the calls with their outcomes, and the divergence.
pub fn snapshot_body(f: &Finding) -> String {
    let mut s = format!("object method: {}\ncalls:\n", f.function);
    if let Some(h) = &f.sequence {
        for c in &h.steps {
            s.push_str(&format!("  {c}\n"));
        }
    }
    s.push_str(&format!("differs: {}\n", f.divergence));
    s
}

/// The one-line description in an object snapshot's header.
pub fn description(f: &Finding) -> String {
    let at = if f.divergence.path.is_empty() {
        "(outcome)"
    } else {
        &f.divergence.path
    };
    format!(
        "parity: {} diverges at {at} ({}) after the calls before it",
        f.function, f.divergence.rule
    )
}
