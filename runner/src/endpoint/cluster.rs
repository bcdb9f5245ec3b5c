//! The three servers a sequence runs on (Go primary, Go secondary, Rust), and running one
//! sequence on all of them: reset, then each step's request built per side (references resolved
//! from that side's own earlier responses), sent to the three at once.

use std::time::Duration;

use super::http::{Answer, Request};
use super::malformed;
use super::request;
use super::server::{prepare, Role, Server, StartError};
use crate::sequence::Step;
use crate::spec::Spec;
use crate::value::{Type, Value};

/// The sides, in the order of every per-side array here.
pub const SIDES: [Role; 3] = [Role::GoPrimary, Role::GoSecondary, Role::Rust];

/// What one step sent and got, per side (indexed like [`SIDES`]).
#[derive(Clone, Debug)]
pub struct StepTrace {
    /// The request each side was sent.
    pub requests: [Request; 3],
    /// What each side answered.
    pub answers: [Answer; 3],
}

/// The servers.
pub struct Cluster {
    servers: [Server; 3],
    timeout: Duration,
}

impl Cluster {
    /// Builds and starts the servers of `spec` (`phase` hears what is being built and started).
    pub async fn start(
        spec: &Spec,
        timeout: Duration,
        phase: &mut dyn FnMut(&str),
    ) -> Result<Cluster, StartError> {
        let servers = spec
            .servers
            .as_ref()
            .expect("validated: endpoints have servers");
        let go = prepare(&servers.go, "go", phase)?;
        let rust = prepare(&servers.rust, "rust", phase)?;
        phase("starting the servers");
        let primary = Server::start(Role::GoPrimary, &servers.go, go.as_ref()).await?;
        let secondary = Server::start(Role::GoSecondary, &servers.go, go.as_ref()).await?;
        let rust = Server::start(Role::Rust, &servers.rust, rust.as_ref()).await?;
        Ok(Cluster {
            servers: [primary, secondary, rust],
            timeout,
        })
    }

    /// Resets every server, then runs `seq`, stopping after the first step on which a server
    /// did not answer (it is restarted before the next sequence).
    pub async fn run(&mut self, spec: &Spec, seq: &[Step]) -> Result<Vec<StepTrace>, StartError> {
        let [a, b, c] = &mut self.servers;
        let (ra, rb, rc) = tokio::join!(a.reset(), b.reset(), c.reset());
        ra?;
        rb?;
        rc?;
        let mut trace: Vec<StepTrace> = Vec::with_capacity(seq.len());
        for step in seq {
            let requests: [Request; 3] =
                std::array::from_fn(|side| build(spec, step, &trace, side));
            let timeout = self.timeout;
            let [a, b, c] = &mut self.servers;
            let (xa, xb, xc) = tokio::join!(
                a.client.send(&requests[0], timeout),
                b.client.send(&requests[1], timeout),
                c.client.send(&requests[2], timeout)
            );
            let mut answers = Vec::with_capacity(3);
            for (server, sent) in self.servers.iter_mut().zip([xa, xb, xc]) {
                let how = match &sent {
                    Ok(_) => None,
                    Err(_) => died(server).await,
                };
                answers.push(super::client::answer(sent, how));
            }
            let answers: [Answer; 3] = answers.try_into().expect("three sides");
            let failed = answers.iter().any(|a| !matches!(a, Answer::Response(_)));
            for (server, answer) in self.servers.iter_mut().zip(&answers) {
                if !matches!(answer, Answer::Response(_)) {
                    // A hung server may still be busy; a crashed one is gone: either way it
                    // starts afresh.
                    server.restart().await?;
                }
            }
            trace.push(StepTrace { requests, answers });
            if failed {
                break;
            }
        }
        Ok(trace)
    }

    /// Stops every server.
    pub fn stop(&mut self) {
        for s in &mut self.servers {
            s.stop();
        }
    }
}

/// How a server that failed to answer ended, if it did: its exit status and last output.
async fn died(server: &mut Server) -> Option<String> {
    // A process that is dying may need a moment before `try_wait` sees it.
    for _ in 0..5 {
        if let Some(status) = server.exited() {
            let log = server.log_tail();
            return Some(if log.is_empty() {
                format!("the server exited ({status})")
            } else {
                format!("the server exited ({status}); {log}")
            });
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    None
}

/// The request of `step` for `side`: references resolved from that side's earlier answers.
fn build(spec: &Spec, step: &Step, trace: &[StepTrace], side: usize) -> Request {
    let ep = &spec.endpoints[step.target];
    let mut inputs = step.inputs.clone();
    for (k, input) in ep.inputs.iter().enumerate() {
        let (Some(r), Some(Some(src))) = (&input.from, step.sources.get(k)) else {
            continue;
        };
        let Some(t) = trace.get(*src) else { continue };
        if let Some(v) = referenced(&t.answers[side], &r.pointer, &input.arg.ty) {
            inputs[k] = v;
        }
    }
    let mut req = request::build(ep, &spec.json_names, &inputs);
    if let Some(m) = step.malformed {
        malformed::apply(m, spec, ep, &inputs, &mut req);
    }
    req
}

/// The value at `pointer` of a JSON response, as a value of `ty` (a scalar, or an option of
/// one); `None` when the answer has no such value.
fn referenced(answer: &Answer, pointer: &str, ty: &Type) -> Option<Value> {
    let Answer::Response(r) = answer else {
        return None;
    };
    let json: serde_json::Value = serde_json::from_slice(&r.body).ok()?;
    let found = json.pointer(pointer)?;
    let inner = match ty {
        Type::Option(t) => t.as_ref(),
        t => t,
    };
    let v = match (found, inner) {
        (serde_json::Value::String(s), Type::String) => Value::str(s),
        (serde_json::Value::Number(n), Type::String) => Value::str(&n.to_string()),
        (serde_json::Value::Bool(b), Type::String) => Value::str(&b.to_string()),
        (serde_json::Value::Bool(b), Type::Bool) => Value::Bool(*b),
        (serde_json::Value::Number(n), Type::U8 | Type::U16 | Type::U32 | Type::U64) => {
            Value::Uint(n.as_u64()?)
        }
        (serde_json::Value::Number(n), t) if t.is_integer() => Value::Int(n.as_i64()?),
        _ => return None,
    };
    Some(v)
}
