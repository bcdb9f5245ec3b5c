//! Harness deaths that the executor could not pin on an input of the run that noticed them (see
//! `execute/vigil.rs`): pinned on an earlier input, they join the diverging inputs (a `crash`
//! outcome on the dead side) and are confirmed and minimized like any other; pinned on none, they
//! are reported with the last inputs sent. Never "equivalent".

use crate::compare::{self, Divergence, Verdict};
use crate::execute::{Executor, HarnessDeath, StartError};
use crate::outcome::{Class, Side};
use crate::render;
use crate::report::{Finding, FindingKind, Origin};
use crate::spec::FunctionSpec;

use super::{finding, outcomes, Diverging};

/// Checks that every harness is still alive and quiet after `fun`'s last batch, then sorts the
/// deaths found: pinned ones are added to `diverging` (numbered from `index`), the others are
/// returned to be reported by [`findings`].
pub(super) fn collect(
    fun: &FunctionSpec,
    execs: &mut [Executor],
    index: u64,
    diverging: &mut Vec<Diverging>,
) -> Result<Vec<HarnessDeath>, StartError> {
    let mut deaths = Vec::new();
    for exec in execs.iter_mut() {
        exec.settle(fun)?;
        deaths.extend(exec.take_deaths());
    }
    if !deaths.is_empty() {
        execs[0].suspect(fun);
    }
    let mut unpinned = Vec::new();
    for death in deaths {
        let Some(input) = death.input.clone() else {
            unpinned.push(death);
            continue;
        };
        // A careful run pins the death on the input again, as a `crash` outcome of its side.
        let (go, rust) = outcomes(
            execs[0]
                .run(fun, std::slice::from_ref(&input), true)?
                .remove(0),
        );
        match compare::compare(&fun.compare, &fun.results, &go, &rust) {
            Verdict::Diverge(divergence) => {
                if !diverging.iter().any(|d| d.input == input) {
                    diverging.push(Diverging {
                        index: index + diverging.len() as u64,
                        input,
                        divergence,
                    });
                }
            }
            _ => unpinned.push(death),
        }
    }
    unpinned.extend(execs.iter_mut().flat_map(|e| e.take_deaths()));
    Ok(unpinned)
}

/// One finding per side for the deaths no input causes alone, with the last inputs sent.
pub(super) fn findings(fun: &FunctionSpec, deaths: Vec<HarnessDeath>) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    for death in deaths {
        if out.iter().any(
            |f| matches!(&f.kind, FindingKind::HarnessDied { side, .. } if *side == death.side),
        ) {
            continue;
        }
        let call = |input: &[crate::value::Value]| match death.side {
            Side::Go => render::go_call(fun, input),
            Side::Rust => render::rust_call(fun, input),
        };
        let last_inputs: Vec<String> = death.last_inputs.iter().map(|i| call(i)).collect();
        let last = death.last_inputs.last().cloned().unwrap_or_default();
        let (go_class, rust_class) = match death.side {
            Side::Go => (Class::Crash, Class::Ok),
            Side::Rust => (Class::Ok, Class::Crash),
        };
        let divergence = Divergence {
            go_class,
            rust_class,
            path: String::new(),
            rule: "harness-died".into(),
            shape: String::new(),
            go: None,
            rust: None,
        };
        let mut f = if last.len() == fun.args.len() {
            let crash = crate::outcome::Outcome::Crash(death.why.clone());
            let ok = crate::outcome::Outcome::Ok(Vec::new());
            let (go, rust) = match death.side {
                Side::Go => (crash, ok),
                Side::Rust => (ok, crash),
            };
            finding(fun, &last, &go, &rust, divergence, Origin::Generated)
        } else {
            Finding {
                function: fun.name.clone(),
                kind: FindingKind::Divergence,
                origin: Origin::Generated,
                input: Vec::new(),
                go_call: String::new(),
                rust_call: String::new(),
                go: String::new(),
                rust: String::new(),
                divergence,
                shrink: None,
                corpus_file: None,
                review: None,
                bug: None,
                sequence: None,
                typed_input: Vec::new(),
                spec_line: (fun.location.line > 0).then_some(fun.location.line),
            }
        };
        f.kind = FindingKind::HarnessDied {
            side: death.side,
            why: death.why,
            last_inputs,
        };
        out.push(f);
    }
    out
}
