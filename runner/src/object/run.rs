//! Checking a spec's objects: per object, explore generated call sequences on both harnesses,
//! replay the corpus, then per bug (the method and way of the first diverging step) confirm the
//! shortest sequence from a fresh object, shrink it and report it through the shared reporters.

use std::collections::BTreeMap;
use std::time::Instant;

use super::render;
use super::session::{Session, StepRun};
use super::targets::ObjectTargets;
use crate::check::{CheckError, CheckOptions};
use crate::compare::{Divergence, Verdict};
use crate::generate::GenContext;
use crate::outcome::Side;
use crate::report::{Event, FunctionSummary, Reporter, RunSummary};
use crate::sequence::store::{self, Shelf};
use crate::sequence::{shrink_sequence, Sequence, SequenceGen, Targets};
use crate::spec::{ObjectSpec, Spec};

/// How many further sequences of a merged bug a report lists.
const MAX_FURTHER: usize = 4;

/// A diverging sequence met while exploring: cut after its first diverging step.
struct Candidate {
    seq: Sequence,
    trace: Vec<StepRun>,
    divergence: Divergence,
}

/// Checks every object of `spec` (already signature-checked) on `session`.
pub fn check_objects(
    spec: &Spec,
    opts: &CheckOptions,
    session: &mut Session,
    reporter: &mut dyn Reporter,
    summary: &mut RunSummary,
) -> Result<(), CheckError> {
    for obj in &spec.objects {
        if crate::supervise::interrupted().is_some() {
            break;
        }
        let s = check_object(spec, obj, opts, session, reporter)?;
        summary.findings += s.findings;
        summary.known += s.known;
        reporter.event(&Event::FunctionFinished(&s));
        summary.functions.push(s);
        summary.objects += 1;
    }
    Ok(())
}

/// The name an object's findings carry: `Ledger.Total`.
pub fn finding_name(obj: &ObjectSpec, t: usize) -> String {
    format!("{}.{}", obj.name, ObjectTargets(obj).name(t))
}

fn shelf<'a>(spec: &'a Spec, targets: &'a ObjectTargets<'a>) -> Shelf<'a> {
    Shelf {
        targets,
        spec: &spec.name,
        label: "object",
        step_key: "call",
    }
}

/// Runs `seq`; `None` when SIGINT or SIGTERM interrupted the run (the harnesses were killed).
fn run(
    session: &mut Session,
    obj: &ObjectSpec,
    seq: &Sequence,
) -> Result<Option<Vec<StepRun>>, CheckError> {
    match session.run(obj, seq) {
        Ok(t) => Ok(Some(t)),
        Err(_) if crate::supervise::interrupted().is_some() => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The last step's divergence, if the trace ends in one.
fn divergence(trace: &[StepRun]) -> Option<&Divergence> {
    match &trace.last()?.verdict {
        Verdict::Diverge(d) => Some(d),
        _ => None,
    }
}

fn check_object(
    spec: &Spec,
    obj: &ObjectSpec,
    opts: &CheckOptions,
    session: &mut Session,
    reporter: &mut dyn Reporter,
) -> Result<FunctionSummary, CheckError> {
    let targets = ObjectTargets(obj);
    let ctx = GenContext::new(spec.generation);
    let seed = opts.seed ^ crate::shrink::anchor::SplitMix(obj.name.len() as u64).next();
    let mut gen = SequenceGen::new(&targets, seed, &ctx);
    let per_method = opts.sequences.unwrap_or(obj.sequences);
    let mut sum = FunctionSummary {
        function: obj.name.clone(),
        ..FunctionSummary::default()
    };
    let start = Instant::now();
    let deadline = opts.time.map(|t| start + t);
    let mut candidates: Vec<Candidate> = Vec::new();
    let methods = obj.methods.len();
    let total = per_method * methods as u64;
    'explore: for round in 0..per_method {
        for focus in 1..=methods {
            if crate::supervise::interrupted().is_some()
                || deadline.is_some_and(|d| Instant::now() >= d)
            {
                sum.interrupted = crate::supervise::interrupted().is_some();
                break 'explore;
            }
            let seq = gen.next(focus);
            let Some(trace) = run(session, obj, &seq)? else {
                sum.interrupted = true;
                break 'explore;
            };
            sum.cases += 1;
            if let Some(d) = divergence(&trace) {
                candidates.push(Candidate {
                    seq: seq[..trace.len()].to_vec(),
                    divergence: d.clone(),
                    trace,
                });
            } else if matches!(
                trace.last().map(|s| &s.verdict),
                Some(Verdict::Rejected { .. })
            ) {
                sum.rejected += 1;
            }
        }
        if round % 32 == 0 {
            reporter.event(&Event::Progress {
                function: &obj.name,
                cases: sum.cases,
                done: sum.cases as f64 / total.max(1) as f64,
                elapsed: start.elapsed(),
            });
        }
    }
    sum.elapsed = start.elapsed();
    // One bug per method and way of diverging of the first diverging step; its shortest
    // sequence represents it.
    let mut bugs: BTreeMap<(usize, String), (Candidate, u64)> = BTreeMap::new();
    for c in candidates {
        let key = (c.seq[c.seq.len() - 1].target, c.divergence.signature());
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
    let review = crate::check::review_context(opts);
    let mut found: Vec<(String, crate::report::Finding)> = Vec::new();
    // Replayed bugs, which a generated one may be another view of.
    let mut prior: Vec<Prior> = Vec::new();
    // The corpus first: a stored sequence that still diverges is reported (or known), and a
    // generated bug it shows is not reported twice.
    for (path, seq) in store::load(&opts.corpus_root, &shelf(spec, &targets), &obj.name)? {
        let shown = crate::check::display_path(&path);
        let Some(trace) = run(session, obj, &seq)? else {
            sum.interrupted = true;
            break;
        };
        sum.replayed += 1;
        let Some(d) = divergence(&trace).cloned() else {
            let files: Vec<String> = crate::snapshot::files_of(&path)
                .iter()
                .map(|p| crate::check::display_path(p))
                .collect();
            crate::snapshot::agreed(&review, &path)?;
            sum.fixed += 1;
            reporter.event(&Event::CorpusFixed {
                function: &obj.name,
                path: &shown,
                files: &files,
            });
            continue;
        };
        let seq = seq[..trace.len()].to_vec();
        let key = (seq[seq.len() - 1].target, d.signature());
        let mut f = render::finding(
            obj,
            &seq,
            &trace,
            &render::Counts {
                signature: key.1.clone(),
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
        bugs.remove(&key);
        let known = matches!(r, crate::snapshot::Review::Known { .. });
        prior.push(Prior {
            target: key.0,
            signature: key.1.clone(),
            seq: seq.clone(),
            trace: trace.clone(),
            found: (!known).then_some(found.len()),
        });
        if let crate::snapshot::Review::Known { accepted } = &r {
            sum.known += 1;
            let snap = crate::check::display_path(accepted);
            reporter.event(&Event::Known {
                function: &f.function,
                path: &shown,
                snapshot: &snap,
            });
            continue;
        }
        f.origin = crate::report::Origin::Corpus(shown.clone());
        f.corpus_file = Some(shown);
        f.review = Some(crate::check::review_note(&r));
        f.shrink = None;
        found.push((render::prefix_key(&seq), f));
    }
    let mut fresh: Vec<Fresh> = Vec::new();
    for ((target, signature), (c, seen)) in bugs {
        if crate::supervise::interrupted().is_some() {
            sum.interrupted = true;
            break;
        }
        // Confirmation: from a fresh object, every step answers as before on each side.
        let Some(again) = run(session, obj, &c.seq)? else {
            sum.interrupted = true;
            break;
        };
        if let Some((k, side)) = changed(&c.trace, &again) {
            found.push((
                String::new(),
                render::nondeterministic(obj, &c.seq, &c.trace, &again, k, side),
            ));
            continue;
        }
        let mut diverges = |cand: &Sequence| -> Option<usize> {
            let trace = session.run(obj, cand).ok()?;
            let d = divergence(&trace)?;
            let at = trace.len() - 1;
            (cand[at].target == target && d.signature() == signature).then_some(at)
        };
        let before = c.seq.len();
        let (min, stats) = shrink_sequence(&targets, c.seq, &opts.shrink, &mut diverges);
        let Some(trace) = run(session, obj, &min)? else {
            sum.interrupted = true;
            break;
        };
        let key = render::prefix_key(&min);
        // The same state reached by the same calls, observed through another method, is the
        // same bug: merged, with the other way named.
        if let Some((_, f)) = found.iter_mut().find(|(k, _)| !k.is_empty() && *k == key) {
            also(
                f,
                seen,
                format!("{} ({signature})", render::last_call(obj, &min, &trace)),
            );
            continue;
        }
        let f = render::finding(
            obj,
            &min,
            &trace,
            &render::Counts {
                signature: signature.clone(),
                seen,
                sequences: sum.cases,
                steps_before: before,
                accepted: stats.accepted,
                tried: stats.tried,
            },
        );
        fresh.push(Fresh {
            target,
            signature,
            seq: min,
            trace,
            seen,
            finding: f,
        });
    }
    let (fresh, into_prior) = merge_observers(session, obj, &prior, fresh)?;
    for (i, seen, line) in into_prior {
        also(&mut found[i].1, seen, line);
    }
    for Fresh {
        target,
        signature,
        seq: min,
        finding: mut f,
        ..
    } in fresh
    {
        if review.ci {
            f.review = Some(crate::report::ReviewNote::Unreviewed { pending: None });
        } else {
            let entry = store::write(
                &opts.corpus_root,
                &shelf(spec, &targets),
                &obj.name,
                &min,
                &format!(
                    "confirmed divergence: {} {signature}",
                    finding_name(obj, target)
                ),
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
        found.push((render::prefix_key(&min), f));
    }
    for (_, f) in &found {
        sum.findings += 1;
        reporter.event(&Event::Finding(f));
    }
    Ok(sum)
}

/// A bug replayed from the corpus: a finding (`found`, its index) or a known divergence.
struct Prior {
    target: usize,
    signature: String,
    seq: Sequence,
    trace: Vec<StepRun>,
    found: Option<usize>,
}

/// A confirmed, minimized bug not yet stored.
struct Fresh {
    target: usize,
    signature: String,
    seq: Sequence,
    trace: Vec<StepRun>,
    seen: u64,
    finding: crate::report::Finding,
}

/// Counts `seen` more sequences into `f`'s bug and names another way it showed.
fn also(f: &mut crate::report::Finding, seen: u64, line: String) {
    if let Some(b) = f.bug.as_mut() {
        b.seen += seen;
        if b.further.len() < MAX_FURTHER {
            b.further.push(vec![(String::new(), line)]);
        }
    }
}

/// Merges bugs that are one wrong state observed through two methods: each one's diverging
/// call, made after the other's calls (with the arguments it was sent), diverges as it did.
/// Both directions must hold, so that two bugs whose triggering calls merely overlap stay two.
/// A generated bug that is a replayed one seen another way is not reported again: it goes into
/// that finding's "also" lines (returned as its index, count and line), or nowhere when the
/// replayed one is known.
#[allow(clippy::type_complexity)]
fn merge_observers(
    session: &mut Session,
    obj: &ObjectSpec,
    prior: &[Prior],
    fresh: Vec<Fresh>,
) -> Result<(Vec<Fresh>, Vec<(usize, u64, String)>), CheckError> {
    let mut kept: Vec<Fresh> = Vec::new();
    let mut into_prior = Vec::new();
    'next: for b in fresh {
        let line = |b: &Fresh| {
            format!(
                "{} after the calls before it ({})",
                render::last_call(obj, &b.seq, &b.trace),
                b.signature
            )
        };
        for p in prior {
            if p.target == b.target || crate::supervise::interrupted().is_some() {
                continue;
            }
            if observes(session, obj, &p.seq, &b.seq, &b.trace, &b.signature)?
                && observes(session, obj, &b.seq, &p.seq, &p.trace, &p.signature)?
            {
                if let Some(i) = p.found {
                    into_prior.push((i, b.seen, line(&b)));
                }
                continue 'next;
            }
        }
        for a in kept.iter_mut() {
            if a.target == b.target || crate::supervise::interrupted().is_some() {
                continue;
            }
            if observes(session, obj, &a.seq, &b.seq, &b.trace, &b.signature)?
                && observes(session, obj, &b.seq, &a.seq, &a.trace, &a.signature)?
            {
                also(&mut a.finding, b.seen, line(&b));
                continue 'next;
            }
        }
        kept.push(b);
    }
    Ok((kept, into_prior))
}

/// Whether the diverging call of `bug_seq` (as its `bug_trace` sent it to Go), made after the
/// calls of `seq` but its last, diverges as `signature` says.
fn observes(
    session: &mut Session,
    obj: &ObjectSpec,
    seq: &Sequence,
    bug_seq: &Sequence,
    bug_trace: &[StepRun],
    signature: &str,
) -> Result<bool, CheckError> {
    let mut cand: Sequence = seq[..seq.len() - 1].to_vec();
    let mut last = bug_seq[bug_seq.len() - 1].clone();
    last.inputs = bug_trace[bug_trace.len() - 1].go_inputs.clone();
    last.sources = vec![None; last.inputs.len()];
    cand.push(last);
    if !crate::sequence::valid(&ObjectTargets(obj), &cand) {
        return Ok(false);
    }
    let Some(trace) = run(session, obj, &cand)? else {
        return Ok(false);
    };
    Ok(trace.len() == cand.len() && divergence(&trace).is_some_and(|d| d.signature() == signature))
}

/// The first step at which a side answered differently when the sequence ran again, and which.
fn changed(first: &[StepRun], again: &[StepRun]) -> Option<(usize, Side)> {
    for k in 0..first.len().max(again.len()) {
        let (Some(a), Some(b)) = (first.get(k), again.get(k)) else {
            return Some((k.min(again.len().saturating_sub(1)), Side::Go));
        };
        if a.go != b.go {
            return Some((k, Side::Go));
        }
        if a.rust != b.rust {
            return Some((k, Side::Rust));
        }
    }
    None
}
