//! Running one call sequence on both sides: a Go harness and a Rust worker (the same processes
//! and protocol as functions, version 2's `new`/`call`/`drop`), step by step, each step sent to
//! both sides at once. A referencing argument takes its value from that side's own earlier
//! call, so a handed-out id never causes a false divergence. The run stops after the first step
//! whose outcomes diverge, are rejected, or leave no object behind (a constructor that failed, a
//! crash, a hang); a side that crashed or hung is restarted before the next sequence.

use std::time::{Duration, Instant};

use crate::compare::{self, Verdict};
use crate::execute::{HarnessCommand, Lane, LaneFailure, StartError};
use crate::outcome::{Outcome, Side};
use crate::protocol::{self, ReplyKind};
use crate::sequence::Step;
use crate::spec::{FunctionSpec, ObjectSpec, Take};
use crate::value::{Type, Value};

use super::targets::ObjectTargets;

/// What one step did on both sides.
#[derive(Clone, Debug, PartialEq)]
pub struct StepRun {
    /// The arguments as sent to Go (references resolved from Go's answers).
    pub go_inputs: Vec<Value>,
    /// The arguments as sent to Rust.
    pub rust_inputs: Vec<Value>,
    /// Go's outcome (a constructor's `ok` carries no values: handles are not compared).
    pub go: Outcome,
    /// Rust's outcome.
    pub rust: Outcome,
    /// The comparison under the step's rules.
    pub verdict: Verdict,
}

/// Both sides' harnesses, kept across sequences.
pub struct Session {
    go: Lane,
    rust: Lane,
    timeout: Duration,
    next_id: u64,
}

impl Session {
    /// Starts both harnesses.
    pub fn start(
        go: &HarnessCommand,
        rust: &HarnessCommand,
        timeout: Duration,
    ) -> Result<Session, StartError> {
        let (go, rust) = Lane::start_pair(go, rust)?;
        Ok(Session {
            go,
            rust,
            timeout,
            next_id: 1,
        })
    }

    /// The handshake of `side`.
    pub fn handshake(&self, side: Side) -> &protocol::Handshake {
        match side {
            Side::Go => &self.go.handshake,
            Side::Rust => &self.rust.handshake,
        }
    }

    /// Runs `seq` (whose first step is the constructor) on a fresh object per side. The trace
    /// ends at the first step that diverges, is rejected, or leaves a side without its object.
    pub fn run(&mut self, obj: &ObjectSpec, seq: &[Step]) -> Result<Vec<StepRun>, StartError> {
        let targets = ObjectTargets(obj);
        let mut trace: Vec<StepRun> = Vec::with_capacity(seq.len());
        let mut handles: [Option<u64>; 2] = [None, None];
        let mut restart = [false, false];
        for (k, step) in seq.iter().enumerate() {
            let method = targets.method(step.target);
            let fun: &FunctionSpec = match method {
                None => &obj.constructor,
                Some(m) => &m.function,
            };
            let inputs = [Side::Go, Side::Rust].map(|side| resolve(obj, seq, &trace, k, side));
            let mut lines = [Vec::new(), Vec::new()];
            let ids = [self.id(), self.id()];
            for (i, side) in [Side::Go, Side::Rust].into_iter().enumerate() {
                let types = match side {
                    Side::Go => fun.arg_types(),
                    Side::Rust => fun.rust_arg_types(),
                };
                let name = registered(obj, fun, side, method.is_none());
                match method {
                    None => protocol::write_new(&mut lines[i], ids[i], name, &inputs[i], &types),
                    Some(_) => {
                        let Some(h) = handles[i] else { continue };
                        protocol::write_call(&mut lines[i], ids[i], name, h, &inputs[i], &types)
                    }
                }
            }
            self.go.send(std::mem::take(&mut lines[0]));
            self.rust.send(std::mem::take(&mut lines[1]));
            let deadline = Instant::now() + self.timeout;
            let replies = [
                self.go.reply(ids[0], deadline),
                self.rust.reply(ids[1], deadline),
            ];
            let mut outcomes = [Outcome::Timeout, Outcome::Timeout];
            for (i, (reply, side)) in replies.into_iter().zip([Side::Go, Side::Rust]).enumerate() {
                outcomes[i] = match reply {
                    Ok((ReplyKind::Ok, payload)) if method.is_none() => match handle_of(&payload) {
                        Some(h) => {
                            handles[i] = Some(h);
                            Outcome::Ok(vec![])
                        }
                        None => Outcome::Crash(format!(
                            "the constructor's reply is not a handle: {}",
                            String::from_utf8_lossy(&payload[..payload.len().min(200)])
                        )),
                    },
                    Ok((kind, payload)) => crate::execute::decode_reply(fun, side, kind, &payload),
                    Err(f) => {
                        restart[i] = true;
                        match f {
                            LaneFailure::Crash(why) => Outcome::Crash(why),
                            LaneFailure::Timeout => Outcome::Timeout,
                            LaneFailure::Unrequested(line) => {
                                Outcome::Crash(format!("sent a reply nobody asked for: {line}"))
                            }
                        }
                    }
                };
            }
            let [go, rust] = outcomes;
            let verdict = compare::compare(&fun.compare, &fun.results, &go, &rust);
            let [go_inputs, rust_inputs] = inputs;
            let stop = !matches!(verdict, Verdict::Agree)
                || restart.iter().any(|r| *r)
                || handles.iter().any(Option::is_none)
                || method.is_some_and(|m| m.consumes);
            trace.push(StepRun {
                go_inputs,
                rust_inputs,
                go,
                rust,
                verdict,
            });
            if stop {
                break;
            }
        }
        self.finish(handles, restart)?;
        Ok(trace)
    }

    fn id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Drops both objects (or restarts a side that crashed or hung).
    fn finish(&mut self, handles: [Option<u64>; 2], restart: [bool; 2]) -> Result<(), StartError> {
        let lanes = [&mut self.go, &mut self.rust];
        let mut ids = [0u64; 2];
        for (i, lane) in lanes.into_iter().enumerate() {
            if restart[i] {
                lane.restart()?;
                continue;
            }
            if let Some(h) = handles[i] {
                self.next_id += 1;
                ids[i] = self.next_id;
                let mut line = Vec::new();
                protocol::write_drop(&mut line, ids[i], h);
                lane.send(line);
            }
        }
        let deadline = Instant::now() + self.timeout;
        for (i, lane) in [&mut self.go, &mut self.rust].into_iter().enumerate() {
            if ids[i] != 0 && lane.reply(ids[i], deadline).is_err() {
                // A harness that dies or hangs on a drop is restarted; the sequence's outcome
                // stands (a drop is not a step).
                lane.restart()?;
            }
        }
        Ok(())
    }
}

/// The name a side registered the constructor (the object's) or method under.
fn registered<'a>(obj: &'a ObjectSpec, fun: &'a FunctionSpec, side: Side, ctor: bool) -> &'a str {
    match (side, ctor) {
        (Side::Go, true) => &obj.go_name,
        (Side::Rust, true) => &obj.rust_name,
        (Side::Go, false) => &fun.go_name,
        (Side::Rust, false) => &fun.rust_name,
    }
}

/// A constructor's `ok` payload: `[H]`.
fn handle_of(payload: &[u8]) -> Option<u64> {
    let mut p = protocol::Parser::new(payload);
    p.expect(b"[").ok()?;
    let h = p.u64().ok()?;
    p.expect(b"]").ok()?;
    p.at_end().then_some(h)
}

/// Step `k`'s arguments as sent to `side`: a referencing argument takes the value of that
/// side's own earlier call, else its generated value.
pub fn resolve(
    obj: &ObjectSpec,
    seq: &[Step],
    trace: &[StepRun],
    k: usize,
    side: Side,
) -> Vec<Value> {
    let step = &seq[k];
    let targets = ObjectTargets(obj);
    let Some(m) = targets.method(step.target) else {
        return step.inputs.clone();
    };
    step.inputs
        .iter()
        .enumerate()
        .map(|(i, fallback)| {
            let (Some(Some(r)), Some(Some(j))) = (m.refs.get(i), step.sources.get(i)) else {
                return fallback.clone();
            };
            let Some(earlier) = trace.get(*j) else {
                return fallback.clone();
            };
            let producer = &obj.methods[r.method].function;
            let taken = match r.take {
                Take::Arg(n) => match side {
                    Side::Go => earlier.go_inputs.get(n),
                    Side::Rust => earlier.rust_inputs.get(n),
                }
                .cloned(),
                Take::Result(n) => {
                    let out = match side {
                        Side::Go => &earlier.go,
                        Side::Rust => &earlier.rust,
                    };
                    match out {
                        Outcome::Ok(values) => values.get(n).cloned().filter(|v| {
                            // A nil `option<T>` result feeds no `T` argument.
                            !(matches!(producer.results.get(n), Some(Type::Option(_)))
                                && *v == Value::Nil
                                && !matches!(m.function.args[i].ty, Type::Option(_)))
                        }),
                        _ => None,
                    }
                }
            };
            taken.unwrap_or_else(|| fallback.clone())
        })
        .collect()
}
