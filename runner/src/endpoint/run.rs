//! Checking a spec's endpoints: start the servers, explore generated sequences while counting
//! noise, then per way of diverging (bug) confirm the shortest sequence, shrink it and report it
//! through the shared reporters.

use std::collections::BTreeMap;
use std::time::Instant;

use super::cluster::{Cluster, StepTrace};
use super::noise::{NoiseFilter, NoiseTable};
use super::render;
use super::response::{self, Difference, Verdict};
use crate::check::{CheckError, CheckOptions};
use crate::generate::GenContext;
use crate::report::{Event, FunctionSummary, Reporter, RunSummary};
use crate::sequence::store::{self, Shelf};
use crate::sequence::{shrink_sequence, Endpoints, Sequence, SequenceGen};
use crate::spec::Spec;

/// How many further sequences of a merged bug a report lists.
const MAX_FURTHER: usize = 4;

/// A diverging sequence met while exploring.
struct Candidate {
    seq: Sequence,
    /// The differences of its last step, per-response noise removed.
    diffs: Vec<Difference>,
    /// What its last step sent and got, to tell which side changed if it does not repeat.
    last: StepTrace,
}

/// What the endpoints' check found, for the run summary.
pub struct Checked {
    /// One summary per endpoint.
    pub endpoints: Vec<FunctionSummary>,
    /// The noise lines of the summary.
    pub noise: Vec<String>,
}

/// Checks every endpoint of `spec`, reporting findings through `reporter`.
pub fn check_endpoints(
    spec: &Spec,
    opts: &CheckOptions,
    reporter: &mut dyn Reporter,
    summary: &mut RunSummary,
) -> Result<(), CheckError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let started = Instant::now();
    let mut phase = |what: &str| {
        reporter.event(&Event::Phase {
            what,
            elapsed: started.elapsed(),
        })
    };
    let mut cluster = match rt.block_on(Cluster::start(spec, opts.timeout, &mut phase)) {
        Ok(c) => c,
        // Interrupted while starting: the servers were killed, nothing was checked.
        Err(_) if crate::supervise::interrupted().is_some() => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    let result = explore_and_report(spec, opts, reporter, summary, &rt, &mut cluster);
    cluster.stop();
    result
}

fn explore_and_report(
    spec: &Spec,
    opts: &CheckOptions,
    reporter: &mut dyn Reporter,
    summary: &mut RunSummary,
    rt: &tokio::runtime::Runtime,
    cluster: &mut Cluster,
) -> Result<(), CheckError> {
    let ctx = GenContext::new(spec.generation);
    let targets = Endpoints(spec);
    let mut gen = SequenceGen::new(&targets, opts.seed, &ctx);
    let per_endpoint = opts.sequences.unwrap_or(spec.http.sequences as u64);
    let mut table = NoiseTable::new();
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut sums: Vec<FunctionSummary> = spec
        .endpoints
        .iter()
        .map(|e| FunctionSummary {
            function: e.name.clone(),
            ..FunctionSummary::default()
        })
        .collect();
    // `--function` naming an endpoint checks only that one (the others still run as the steps
    // before it).
    let focused: Vec<usize> = (0..spec.endpoints.len())
        .filter(|&i| {
            opts.function
                .as_deref()
                .is_none_or(|f| f == spec.endpoints[i].name)
        })
        .collect();
    let start = Instant::now();
    let deadline = opts.time.map(|t| start + t * focused.len() as u32);
    'explore: for round in 0..per_endpoint {
        for focus in focused.iter().copied() {
            if crate::supervise::interrupted().is_some()
                || deadline.is_some_and(|d| Instant::now() >= d)
            {
                break 'explore;
            }
            let seq = gen.next(focus);
            let t0 = Instant::now();
            let Some(trace) = run_unless_interrupted(rt, cluster, spec, &seq)? else {
                break 'explore;
            };
            sums[focus].cases += 1;
            sums[focus].elapsed += t0.elapsed();
            if let Some(c) = first_divergence(spec, &seq, &trace, &mut table) {
                candidates.push(c);
            }
            if round % 16 == 0 && focus == focused[0] {
                reporter.event(&Event::Progress {
                    function: "endpoints",
                    cases: round,
                    done: round as f64 / per_endpoint.max(1) as f64,
                    elapsed: start.elapsed(),
                });
            }
        }
    }
    let noise = NoiseFilter::new(&table, &spec.endpoints);
    // One bug per endpoint and way of diverging; its shortest sequence represents it.
    let mut bugs: BTreeMap<(String, String), (Candidate, u64)> = BTreeMap::new();
    for c in candidates {
        let ep = &spec.endpoints[c.seq.last().expect("non-empty").target];
        let left: Vec<Difference> = c
            .diffs
            .iter()
            .filter(|d| !super::noise::Noise::is_noise(&noise, &ep.name, d))
            .cloned()
            .collect();
        let Some(first) = left.first() else { continue };
        let key = (ep.name.clone(), first.signature());
        let c = Candidate { diffs: left, ..c };
        match bugs.get_mut(&key) {
            Some((best, seen)) => {
                *seen += 1;
                if c.seq.len() < best.seq.len() {
                    *best = c;
                }
            }
            None => {
                bugs.insert(key, (c, 1));
            }
        }
    }
    // The corpus: stored sequences are replayed (now that noise is known) and reported first;
    // a generated bug that a stored sequence already shows is not reported twice.
    let review = crate::check::review_context(opts);
    let mut found: Vec<(String, String, usize, crate::report::Finding)> = Vec::new();
    'replay: for (idx, ep) in spec.endpoints.iter().enumerate() {
        if !focused.contains(&idx) {
            continue;
        }
        for (path, seq) in store::load(&opts.corpus_root, &shelf(&targets), &ep.name)? {
            let shown = crate::check::display_path(&path);
            let Some(trace) = run_unless_interrupted(rt, cluster, spec, &seq)? else {
                break 'replay;
            };
            sums[idx].replayed += 1;
            let Some(diffs) = last_step_diffs(spec, &seq, &trace, &noise) else {
                let files: Vec<String> = crate::snapshot::files_of(&path)
                    .iter()
                    .map(|p| crate::check::display_path(p))
                    .collect();
                crate::snapshot::agreed(&review, &path)?;
                sums[idx].fixed += 1;
                reporter.event(&Event::CorpusFixed {
                    function: &ep.name,
                    path: &shown,
                    files: &files,
                });
                continue;
            };
            let signature = diffs[0].signature();
            let mut f = render::finding(
                spec,
                &seq,
                &trace,
                &diffs,
                &render::Counts {
                    signature: signature.clone(),
                    seen: 0,
                    sequences: 0,
                    steps_before: seq.len(),
                    accepted: 0,
                    tried: 0,
                },
            );
            let r = crate::snapshot::review_body(
                &review,
                &path,
                &render::snapshot_body(&f),
                &render::description(&f),
                &f.go_call,
            )?;
            if let crate::snapshot::Review::Known { accepted } = &r {
                sums[idx].known += 1;
                summary.known += 1;
                let snap = crate::check::display_path(accepted);
                reporter.event(&Event::Known {
                    function: &ep.name,
                    path: &shown,
                    snapshot: &snap,
                });
                bugs.remove(&(ep.name.clone(), signature));
                continue;
            }
            f.origin = crate::report::Origin::Corpus(shown.clone());
            f.corpus_file = Some(shown);
            f.review = Some(crate::check::review_note(&r));
            f.shrink = None;
            bugs.remove(&(ep.name.clone(), signature.clone()));
            let target = trace[trace.len() - 1].requests[0]
                .target
                .split('?')
                .next()
                .unwrap_or_default()
                .to_string();
            found.push((signature, target, idx, f));
        }
    }
    // Findings whose minimized last requests hit the same path and diverge the same way are one
    // bug met through two endpoints (a wrong method on one is a request of another): merged.
    for ((name, signature), (c, seen)) in bugs {
        if crate::supervise::interrupted().is_some() {
            break;
        }
        let idx = spec
            .endpoints
            .iter()
            .position(|e| e.name == name)
            .expect("known endpoint");
        let mut diverges = |seq: &Sequence| -> Option<usize> {
            match rt.block_on(cluster.run(spec, seq)) {
                Ok(trace) => same_way(spec, seq, &trace, &noise, &signature).then(|| seq.len() - 1),
                Err(_) => None,
            }
        };
        // Confirmation: the sequence, run again from reset, diverges the same way.
        if diverges(&c.seq).is_none() {
            let Some(trace) = run_unless_interrupted(rt, cluster, spec, &c.seq)? else {
                break;
            };
            let f = render::nondeterministic(spec, &c.seq, &trace, &c.last, &noise);
            found.push((signature, String::new(), idx, f));
            continue;
        }
        let before = c.seq.len();
        let (min, stats) = shrink_sequence(&targets, c.seq, &opts.shrink, &mut diverges);
        let Some(trace) = run_unless_interrupted(rt, cluster, spec, &min)? else {
            break;
        };
        let last = &trace[trace.len() - 1];
        let ep = &spec.endpoints[min[min.len() - 1].target];
        let pvs = response::differences(ep, &last.answers[0], &last.answers[1]);
        let diffs = match response::verdict(
            ep,
            &last.answers[0],
            &last.answers[2],
            &noise.in_response(&pvs),
        ) {
            Verdict::Diverge(d) => d,
            Verdict::JsonBytesOnly(d) => vec![d],
            Verdict::Agree => c.diffs.clone(),
        };
        let path = last.requests[0]
            .target
            .split('?')
            .next()
            .unwrap_or_default()
            .to_string();
        // The same way of diverging met through another endpoint is the same bug (a wrong
        // method on one endpoint is a request of another; one encoder serves every response).
        if let Some((_, _, _, f)) = found.iter_mut().find(|(s, _, _, _)| *s == signature) {
            if let Some(b) = f.bug.as_mut() {
                b.seen += seen;
                if b.further.len() < MAX_FURTHER {
                    b.further.push(vec![(
                        "sequence".to_string(),
                        render::curl(&last.requests[0], "$GO"),
                    )]);
                }
            }
            continue;
        }
        let mut f = render::finding(
            spec,
            &min,
            &trace,
            &diffs,
            &render::Counts {
                signature: signature.clone(),
                seen,
                sequences: sums.iter().map(|s| s.cases).sum(),
                steps_before: before,
                accepted: stats.accepted,
                tried: stats.tried,
            },
        );
        if review.ci {
            f.review = Some(crate::report::ReviewNote::Unreviewed { pending: None });
        } else {
            let last = &spec.endpoints[min[min.len() - 1].target].name;
            let entry = store::write(
                &opts.corpus_root,
                &shelf(&targets),
                last,
                &min,
                &format!("confirmed divergence: {signature}"),
            )?;
            let r = crate::snapshot::review_body(
                &review,
                &entry,
                &render::snapshot_body(&f),
                &render::description(&f),
                &f.go_call,
            )?;
            f.corpus_file = Some(crate::check::display_path(&entry));
            f.review = Some(crate::check::review_note(&r));
        }
        found.push((signature, path, idx, f));
    }
    for (_, _, idx, f) in &found {
        sums[*idx].findings += 1;
        summary.findings += 1;
        reporter.event(&Event::Finding(f));
    }
    for (i, s) in sums.into_iter().enumerate() {
        if focused.contains(&i) {
            reporter.event(&Event::FunctionFinished(&s));
            summary.functions.push(s);
            summary.endpoints += 1;
        }
    }
    summary.noise = noise.summary();
    Ok(())
}

/// Runs `seq` on the cluster; `None` when SIGINT or SIGTERM interrupted the run, whose handler
/// kills every server (so that restarting one fails): the run then ends with what it checked,
/// and the interruption's exit code, rather than as a start-up error.
fn run_unless_interrupted(
    rt: &tokio::runtime::Runtime,
    cluster: &mut Cluster,
    spec: &Spec,
    seq: &Sequence,
) -> Result<Option<Vec<StepTrace>>, super::server::StartError> {
    match rt.block_on(cluster.run(spec, seq)) {
        Ok(trace) => Ok(Some(trace)),
        Err(_) if crate::supervise::interrupted().is_some() => Ok(None),
        Err(e) => Err(e),
    }
}

/// The first step of `trace` at which Rust differs from the Go primary by more than what the
/// Go secondary differs from it in the same response; noise counted on the way.
fn first_divergence(
    spec: &Spec,
    seq: &Sequence,
    trace: &[StepTrace],
    table: &mut NoiseTable,
) -> Option<Candidate> {
    let mut found = None;
    for (k, t) in trace.iter().enumerate() {
        let ep = &spec.endpoints[seq[k].target];
        let noise = response::differences(ep, &t.answers[0], &t.answers[1]);
        let raw = response::differences(ep, &t.answers[0], &t.answers[2]);
        table.record(&ep.name, &noise, &raw);
        if found.is_some() {
            continue;
        }
        let filter = NoiseFilter::default();
        match response::verdict(
            ep,
            &t.answers[0],
            &t.answers[2],
            &filter.in_response(&noise),
        ) {
            Verdict::Agree => {}
            Verdict::Diverge(diffs) => {
                found = Some(Candidate {
                    seq: seq[..=k].to_vec(),
                    diffs,
                    last: t.clone(),
                })
            }
            Verdict::JsonBytesOnly(d) => {
                found = Some(Candidate {
                    seq: seq[..=k].to_vec(),
                    diffs: vec![d],
                    last: t.clone(),
                })
            }
        }
    }
    found
}

/// Whether the last step of `trace` diverges with a difference of `signature` (noise removed).
fn same_way(
    spec: &Spec,
    seq: &Sequence,
    trace: &[StepTrace],
    noise: &NoiseFilter,
    signature: &str,
) -> bool {
    if trace.len() != seq.len() {
        return false;
    }
    let t = trace.last().expect("non-empty");
    let ep = &spec.endpoints[seq.last().expect("non-empty").target];
    let pvs = response::differences(ep, &t.answers[0], &t.answers[1]);
    let diffs = match response::verdict(ep, &t.answers[0], &t.answers[2], &noise.in_response(&pvs))
    {
        Verdict::Agree => return false,
        Verdict::Diverge(d) => d,
        Verdict::JsonBytesOnly(d) => vec![d],
    };
    diffs.first().is_some_and(|d| d.signature() == signature)
}

/// The differences of the last step of a replayed sequence that are not noise; `None` when it
/// agrees.
fn last_step_diffs(
    spec: &Spec,
    seq: &Sequence,
    trace: &[StepTrace],
    noise: &NoiseFilter,
) -> Option<Vec<Difference>> {
    if trace.len() != seq.len() {
        // A server stopped answering earlier in the sequence: that step is the divergence.
        let t = trace.last()?;
        let ep = &spec.endpoints[seq[trace.len() - 1].target];
        return Some(response::differences(ep, &t.answers[0], &t.answers[2]))
            .filter(|d| !d.is_empty());
    }
    let t = trace.last()?;
    let ep = &spec.endpoints[seq.last()?.target];
    let pvs = response::differences(ep, &t.answers[0], &t.answers[1]);
    match response::verdict(ep, &t.answers[0], &t.answers[2], &noise.in_response(&pvs)) {
        Verdict::Agree => None,
        Verdict::Diverge(d) => Some(d),
        Verdict::JsonBytesOnly(d) => Some(vec![d]),
    }
}

/// Where endpoint sequences are stored: under the last endpoint's name.
fn shelf<'a>(targets: &'a Endpoints<'a>) -> Shelf<'a> {
    Shelf {
        targets,
        spec: &targets.0.name,
        label: "endpoint",
        step_key: "endpoint",
    }
}
