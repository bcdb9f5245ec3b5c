//! Timeouts that must be believed before they are reported, and functions that fail on every
//! input.
//!
//! A call that exceeds `--timeout` under load, or under a tiny `--timeout`, is not a bug of the
//! port: before a timeout becomes a finding its input is re-run alone with a budget of
//! [`confirm_budget`] (10 times the timeout, at least 1 s). One that answers then is *slow*: an
//! event with the time it took, never a finding, never stored. The diverging inputs that are
//! confirmed on both sides are re-run with that budget too, so a slow re-run is never mistaken for
//! nondeterminism.
//!
//! A function that crashes or times out on every input (a Go `os.Exit` on the first call of each
//! process) would cost a harness restart per case, 15 minutes at the default budget: its first
//! [`GIVE_UP_AFTER`] inputs are run before the jobs start, and when one side failed on each of
//! them, the function ends with one finding and the run goes on to the next.

use std::time::{Duration, Instant};

use crate::compare::Divergence;
use crate::execute::{Executor, StartError};
use crate::outcome::{Class, Outcome, Side};
use crate::readable;
use crate::render;
use crate::report::{Finding, FindingKind, Origin, SlowCall};
use crate::spec::FunctionSpec;
use crate::value::Value;

use super::{chunk_inputs, finding, outcomes, sort_pairs, CheckOptions, Explored, CHUNK};

/// How many of a function's first inputs must all fail on one side before checking it stops.
pub(crate) const GIVE_UP_AFTER: u64 = 16;

/// The budget a timeout is confirmed with: 10 times the per-call timeout, at least 1 s.
pub(crate) fn confirm_budget(timeout: Duration) -> Duration {
    (timeout.saturating_mul(10)).max(Duration::from_secs(1))
}

/// The side that timed out in a divergence (Go when both did).
pub(crate) fn timed_out_side(d: &Divergence) -> Option<Side> {
    if d.go_class == Class::Timeout {
        Some(Side::Go)
    } else if d.rust_class == Class::Timeout {
        Some(Side::Rust)
    } else {
        None
    }
}

/// Runs `inputs` on `exec` with the confirmation budget instead of the per-call timeout.
pub(crate) fn run_with_budget(
    fun: &FunctionSpec,
    opts: &CheckOptions,
    exec: &mut Executor,
    inputs: &[Vec<Value>],
) -> Result<Vec<(Outcome, Outcome)>, StartError> {
    let old = exec.set_timeout(confirm_budget(opts.timeout));
    let result = exec.run(fun, inputs, true);
    exec.set_timeout(old);
    Ok(result?.into_iter().map(outcomes).collect())
}

/// Re-runs `input`, on which `side` timed out, alone with the confirmation budget. `None`: it
/// still times out, a real timeout. `Some`: it answered, the slow call to report instead, with
/// both outcomes of the re-run (which may still diverge, in another way).
pub(crate) fn confirm_timeout(
    fun: &FunctionSpec,
    opts: &CheckOptions,
    exec: &mut Executor,
    input: &[Value],
    side: Side,
) -> Result<Option<(SlowCall, Outcome, Outcome)>, StartError> {
    let started = Instant::now();
    let (go, rust) = run_with_budget(fun, opts, exec, &[input.to_vec()])?.remove(0);
    let took = started.elapsed();
    let again = match side {
        Side::Go => &go,
        Side::Rust => &rust,
    };
    if again.class() == Class::Timeout {
        return Ok(None);
    }
    let slow = SlowCall {
        function: fun.name.clone(),
        side,
        input: fun
            .args
            .iter()
            .zip(input)
            .map(|(a, v)| (a.name.clone(), readable::short(v, &a.ty)))
            .collect(),
        go_call: render::go_call(fun, input),
        took,
        timeout: opts.timeout,
        budget: confirm_budget(opts.timeout),
        every_input: false,
    };
    Ok(Some((slow, go, rust)))
}

/// Why a function's check stopped after its first inputs.
pub(crate) enum Stop {
    /// One side crashed or timed out (confirmed) on every one of them: one finding.
    EveryInputFails(Box<Finding>),
    /// Every one of them timed out but answered within the confirmation budget: nothing was
    /// checked.
    AllSlow(SlowCall),
}

/// Runs the first [`GIVE_UP_AFTER`] inputs of `fun` (fewer when the budget is smaller), counting
/// them like any chunk, and says whether to stop the function there.
pub(crate) fn probe(
    fun: &FunctionSpec,
    opts: &CheckOptions,
    exec: &mut Executor,
    total: u64,
    ctx: &crate::generate::GenContext,
) -> Result<(Explored, Option<Stop>), StartError> {
    let n = GIVE_UP_AFTER.min(total);
    let mut found = Explored::default();
    if n == 0 {
        return Ok((found, None));
    }
    let mut inputs = chunk_inputs(fun, opts.seed, 0, CHUNK.min(total), ctx);
    inputs.truncate(n as usize);
    let pairs: Vec<(Outcome, Outcome)> = exec
        .run(fun, &inputs, true)?
        .into_iter()
        .map(outcomes)
        .collect();
    let failing = |o: &Outcome| matches!(o.class(), Class::Crash | Class::Timeout);
    let side = if pairs.iter().all(|(g, _)| failing(g)) {
        Some(Side::Go)
    } else if pairs.iter().all(|(_, r)| failing(r)) {
        Some(Side::Rust)
    } else {
        None
    };
    let (go0, rust0) = pairs[0].clone();
    found.cases = n;
    sort_pairs(
        fun,
        0,
        inputs.clone(),
        pairs
            .iter()
            .cloned()
            .map(|(g, r)| crate::execute::CasePair::Outcomes(g, r))
            .collect(),
        &mut found,
    );
    // Too few inputs to call it "every input", or a side that answers some of them.
    let Some(side) = side.filter(|_| n == GIVE_UP_AFTER) else {
        return Ok((found, None));
    };
    let mine = |(g, r): &(Outcome, Outcome)| match side {
        Side::Go => g.class(),
        Side::Rust => r.class(),
    };
    let timeouts = pairs.iter().filter(|p| mine(p) == Class::Timeout).count();
    if let Some(i) = pairs.iter().position(|p| mine(p) == Class::Timeout) {
        if let Some((mut slow, _, _)) = confirm_timeout(fun, opts, exec, &inputs[i], side)? {
            if timeouts == pairs.len() {
                slow.every_input = true;
                return Ok((found, Some(Stop::AllSlow(slow))));
            }
            // Some inputs crash, others are only slow: not a failure of every input.
            return Ok((found, None));
        }
    }
    let how = match timeouts {
        0 => "crashes",
        t if t == pairs.len() => "times out",
        _ => "crashes or times out",
    };
    let short = |o: &Outcome| Some(readable::short_outcome(o, &fun.results));
    let divergence = Divergence {
        go_class: go0.class(),
        rust_class: rust0.class(),
        path: String::new(),
        rule: "class".into(),
        shape: String::new(),
        go: short(&go0),
        rust: short(&rust0),
    };
    let mut f = finding(fun, &inputs[0], &go0, &rust0, divergence, Origin::Generated);
    f.kind = FindingKind::EveryInputFails {
        side,
        inputs: n,
        how,
    };
    Ok((found, Some(Stop::EveryInputFails(Box::new(f)))))
}
