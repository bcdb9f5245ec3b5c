//! No silent deaths: a harness that dies without a reply outstanding (a goroutine that panics just
//! after the call returned, an exit every few calls) or sends a reply nobody asked for is a
//! finding, never a restart that goes unnoticed.
//!
//! Replies are pipelined, so such a death shows up later than the input that caused it: as the
//! end of the protocol stream in the middle of a later batch, or not at all before the next one.
//! When the unanswered inputs all pass alone (so none of them is the cause), the inputs answered
//! before the death are *hunted*: re-run as one pipelined group on a fresh harness, followed by a
//! short wait ([`GRACE`]) in which the harness must neither die nor say anything; a group that
//! fails is halved until one input fails alone, which pins the death on it. A death that no input
//! causes alone (one that depends on how many calls the process made) is reported with the last
//! inputs sent.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use super::{Executor, Lane, LaneFailure, Reply, StartError};
use crate::outcome::Side;
use crate::protocol;
use crate::spec::FunctionSpec;
use crate::value::Value;

/// How long a harness must stay alive and quiet after the last reply of a careful run
/// (confirmation, minimization, replay) of a suspect function, and after a function's last batch.
/// A death it misses is noticed by the next batch.
pub const GRACE: Duration = Duration::from_millis(50);
/// The same wait for a group re-run while hunting, longer: a loaded machine may take a while to
/// run the goroutine or thread that kills the harness, and a missed death leaves it unpinned.
const HUNT_GRACE: Duration = Duration::from_millis(150);
/// Inputs remembered per executor, the suspects of a death noticed at the start of a batch.
pub(super) const HISTORY: usize = 1024;
/// Inputs listed with a death that cannot be pinned.
const LAST_SHOWN: usize = 5;
/// Hunts per function and side: a harness that dies all the time is reported, not hunted forever.
const MAX_HUNTS: usize = 3;

/// A harness death or unrequested reply that was not pinned on an input of the batch that noticed
/// it: pinned on an earlier input, or on none.
#[derive(Clone, Debug)]
pub struct HarnessDeath {
    /// The harness.
    pub side: Side,
    /// The function (spec name) being run.
    pub function: String,
    /// The input that causes it when run alone, if one does.
    pub input: Option<Vec<Value>>,
    /// The last inputs sent before it was noticed, oldest first.
    pub last_inputs: Vec<Vec<Value>>,
    /// What happened: the exit status and crash summary, or the unrequested line.
    pub why: String,
}

/// What an executor remembers to hunt deaths: the inputs sent for the current function, the
/// deaths found, and how many hunts each side had.
#[derive(Default)]
pub(super) struct Vigil {
    function: String,
    history: VecDeque<Vec<Value>>,
    pub(super) deaths: Vec<HarnessDeath>,
    hunts: [usize; 2],
    /// A harness died or spoke unasked while running this function: its careful runs wait
    /// [`GRACE`] after their last reply from now on (healthy functions never pay for it).
    pub(super) suspect: bool,
}

fn side_index(side: Side) -> usize {
    match side {
        Side::Go => 0,
        Side::Rust => 1,
    }
}

impl Vigil {
    /// Whether what is remembered is about `fun`.
    pub(super) fn is_for(&self, fun: &FunctionSpec) -> bool {
        self.function == fun.name
    }

    /// Remembers the last [`HISTORY`] of `inputs` of `fun` as sent and answered (once per run:
    /// copying every batch's inputs would cost the fast path).
    pub(super) fn sent(&mut self, fun: &FunctionSpec, inputs: &[Vec<Value>]) {
        if self.function != fun.name {
            self.function = fun.name.clone();
            self.history.clear();
            self.hunts = [0, 0];
            self.suspect = false;
        }
        let skip = inputs.len().saturating_sub(HISTORY);
        self.history.extend(inputs[skip..].iter().cloned());
        while self.history.len() > HISTORY {
            self.history.pop_front();
        }
    }
}

/// What a failure looks like when it came after the reply.
pub(super) fn after_reply(f: LaneFailure) -> String {
    match f {
        LaneFailure::Crash(why) => format!("died after answering: {why}"),
        LaneFailure::Unrequested(line) => format!("sent a reply nobody asked for: {line}"),
        LaneFailure::Timeout => "hung after answering".to_string(),
    }
}

impl Lane {
    /// Waits up to `grace` for the harness to die or to write anything: after the last reply of
    /// a batch, a healthy harness does neither. `Duration::ZERO` only looks at what has arrived.
    pub(super) fn settle(&mut self, grace: Duration) -> Option<LaneFailure> {
        if self.pos < self.buf.len() {
            return Some(self.unrequested());
        }
        let got = if grace.is_zero() {
            self.from_child.try_recv().map_err(|e| match e {
                std::sync::mpsc::TryRecvError::Empty => None,
                std::sync::mpsc::TryRecvError::Disconnected => Some(()),
            })
        } else {
            self.from_child.recv_timeout(grace).map_err(|e| match e {
                std::sync::mpsc::RecvTimeoutError::Timeout => None,
                std::sync::mpsc::RecvTimeoutError::Disconnected => Some(()),
            })
        };
        match got {
            Err(None) => None,
            Ok(super::FromChild::Lines(chunk)) => {
                self.buf = chunk;
                self.pos = 0;
                Some(self.unrequested())
            }
            Ok(super::FromChild::TooLong) => Some(self.unrequested()),
            Ok(super::FromChild::Eof) | Err(Some(())) => {
                Some(LaneFailure::Crash(self.exit_description()))
            }
        }
    }

    fn unrequested(&mut self) -> LaneFailure {
        let rest = &self.buf[self.pos..];
        let line = rest.split(|&b| b == b'\n').next().unwrap_or_default();
        let shown = String::from_utf8_lossy(&line[..line.len().min(200)]).into_owned();
        self.pos = self.buf.len();
        LaneFailure::Unrequested(shown)
    }
}

impl Executor {
    /// The deaths found since the last call that were not pinned on an input of the run that
    /// noticed them (see [`HarnessDeath`]).
    pub fn take_deaths(&mut self) -> Vec<HarnessDeath> {
        std::mem::take(&mut self.vigil.deaths)
    }

    /// Treats `fun` as suspect on this executor: its careful runs wait [`GRACE`] after their
    /// last reply (for deaths another executor noticed).
    pub fn suspect(&mut self, fun: &FunctionSpec) {
        if !self.vigil.is_for(fun) {
            self.vigil.sent(fun, &[]);
        }
        self.vigil.suspect = true;
    }

    /// Checks, after the last batch of `fun`, that both harnesses are still alive and quiet
    /// ([`GRACE`]); a death or an unrequested reply is hunted like one noticed mid-run and ends
    /// up in [`Executor::take_deaths`].
    pub fn settle(&mut self, fun: &FunctionSpec) -> Result<(), StartError> {
        for side in [Side::Go, Side::Rust] {
            if let Some(f) = self.lane(side).settle(GRACE) {
                self.lane(side).kill();
                let found = self.hunt(side, fun, &[], &[], f, true)?;
                debug_assert!(found.is_none());
                self.lane(side).restart()?;
            }
        }
        Ok(())
    }

    pub(super) fn lane(&mut self, side: Side) -> &mut Lane {
        match side {
            Side::Go => &mut self.go,
            Side::Rust => &mut self.rust,
        }
    }

    /// Finds the input that caused `failure`, a death or unrequested reply that no unanswered
    /// input of the batch causes alone. The suspects are the history (earlier runs of `fun`), the
    /// `earlier` batches of this run, then `answered`, this batch's inputs answered before it. Returns the index in
    /// `answered` (and what happened) when the culprit is there; otherwise records a [`HarnessDeath`] (pinned on an
    /// earlier input, or on none). `careful` runs (confirmation, minimization) always hunt; the
    /// fast path gives up after [`MAX_HUNTS`] per function and side. Leaves the lane dead.
    pub(super) fn hunt(
        &mut self,
        side: Side,
        fun: &FunctionSpec,
        earlier: &[Vec<Value>],
        answered: &[Vec<Value>],
        failure: LaneFailure,
        careful: bool,
    ) -> Result<Option<(usize, String)>, StartError> {
        let why = after_reply(failure);
        if self.vigil.function != fun.name {
            self.vigil.sent(fun, &[]);
        }
        self.vigil.suspect = true;
        let mut suspects: Vec<Vec<Value>> = self.vigil.history.iter().cloned().collect();
        suspects.extend(earlier.iter().cloned());
        let from_history = suspects.len();
        suspects.extend(answered.iter().cloned());
        let last_inputs: Vec<Vec<Value>> =
            suspects[suspects.len().saturating_sub(LAST_SHOWN)..].to_vec();
        let hunts = &mut self.vigil.hunts[side_index(side)];
        *hunts += 1;
        let culprit = if (*hunts > MAX_HUNTS && !careful) || suspects.is_empty() {
            None
        } else {
            self.bisect(side, fun, &suspects)?
        };
        match culprit {
            Some(i) if i >= from_history => Ok(Some((i - from_history, why))),
            Some(i) => {
                self.vigil.deaths.push(HarnessDeath {
                    side,
                    function: fun.name.clone(),
                    input: Some(suspects[i].clone()),
                    last_inputs,
                    why,
                });
                Ok(None)
            }
            None => {
                self.vigil.deaths.push(HarnessDeath {
                    side,
                    function: fun.name.clone(),
                    input: None,
                    last_inputs,
                    why,
                });
                Ok(None)
            }
        }
    }

    /// Halves `suspects` until one input alone makes a fresh harness die or speak unasked; `None`
    /// when a group fails but neither of its halves does (the death depends on the process's
    /// history, not on an input).
    fn bisect(
        &mut self,
        side: Side,
        fun: &FunctionSpec,
        suspects: &[Vec<Value>],
    ) -> Result<Option<usize>, StartError> {
        let (mut lo, mut hi) = (0, suspects.len());
        if !self.group_fails(side, fun, &suspects[lo..hi])? {
            return Ok(None);
        }
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if self.group_fails(side, fun, &suspects[mid..hi])? {
                lo = mid;
            } else if self.group_fails(side, fun, &suspects[lo..mid])? {
                hi = mid;
            } else {
                return Ok(None);
            }
        }
        Ok(Some(lo))
    }

    /// Runs `group` pipelined on a fresh harness, then waits [`GRACE`]: whether the harness died,
    /// hung or said something nobody asked for. Leaves the lane dead.
    fn group_fails(
        &mut self,
        side: Side,
        fun: &FunctionSpec,
        group: &[Vec<Value>],
    ) -> Result<bool, StartError> {
        let types = match side {
            Side::Go => fun.arg_types(),
            Side::Rust => fun.rust_arg_types(),
        };
        let name = match side {
            Side::Go => fun.go_name.clone(),
            Side::Rust => fun.rust_name.clone(),
        };
        let first = self.next_id;
        self.next_id += group.len() as u64;
        let timeout = self.timeout;
        let lane = self.lane(side);
        lane.restart()?;
        let mut buf = Vec::new();
        for (i, args) in group.iter().enumerate() {
            protocol::write_request(&mut buf, first + i as u64, &name, args, &types);
        }
        lane.send(buf);
        let mut failed = false;
        for i in 0..group.len() {
            if lane
                .reply(first + i as u64, Instant::now() + timeout)
                .is_err()
            {
                failed = true;
                break;
            }
        }
        if !failed {
            failed = lane.settle(HUNT_GRACE).is_some();
        }
        lane.kill();
        Ok(failed)
    }
}

/// The reply that stands for an input pinned as the cause of a death after its reply.
pub(super) fn pinned(why: &str) -> Reply {
    Reply::Failed(LaneFailure::Crash(why.to_string()))
}
