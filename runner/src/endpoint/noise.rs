//! Noise cancelling, in Diffy's arrangement: every request also goes to a second instance of
//! the Go service (the *secondary*), and what differs between two Go runs is noise, not a bug
//! of the port.
//!
//! [`NoiseTable`] counts, per endpoint and per [general path](Difference::general_path)
//! (array indices as `*`), in how many responses the Go primary and the Go secondary differ
//! there (*noise*) and in how many the Go primary and the Rust port do (*raw*), out of how
//! many responses. Each path counts at most once per response.
//!
//! The rules:
//! - **Per response:** a difference between the primary and Rust at a path where the primary
//!   and the secondary differ *in the same response* is noise ([`NoiseFilter::in_response`]).
//! - **Per path:** a path is *noisy* for an endpoint when the two Go instances have differed
//!   there in at least one response and in at least [`NOISE_SHARE`] (half) as many responses
//!   as Go and Rust have: the raw differences are explained by noise. A timestamp that differs
//!   between Go runs in 40 of 40 responses is noisy; an id that differs between Go runs once
//!   in 100 responses while Rust differs in all 100 is not (1 < 50), so a real bug hidden at a
//!   slightly nondeterministic path is still reported.
//! - **Pinned:** a path the spec ignores (`ignore = true` under `[[endpoint.compare.paths]]`)
//!   is noise wherever it is met (header paths included: `/headers/x-request-id`).
//!
//! Diffy reports a path when raw > noise, |raw − noise| / (raw + noise) > 20 % and
//! |raw − noise| / total > 0.03 %. Ours is one ratio: a share of 50 % means raw ≤ 2 × noise is
//! noise, which keeps a path Rust breaks far more often than Go disagrees with itself, and
//! needs no minimum traffic because every request reaches all three servers.

use std::collections::{BTreeMap, BTreeSet};

use super::response::Difference;
use crate::compare::{self, Seg};
use crate::spec::{CompareRules, EndpointSpec};

/// A path is noisy when Go-vs-Go differences there reach this share of Go-vs-Rust ones.
pub const NOISE_SHARE: f64 = 0.5;

/// What decides whether a difference between the Go primary and the Rust port is noise.
pub trait Noise {
    /// Whether difference `d` of endpoint `ep` is noise.
    fn is_noise(&self, ep: &str, d: &Difference) -> bool;
}

/// The counts of one endpoint.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct EndpointCounts {
    responses: u64,
    /// General path → (noise, raw).
    paths: BTreeMap<String, (u64, u64)>,
}

/// Noise and raw difference counts per endpoint and path; see the module docs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NoiseTable {
    endpoints: BTreeMap<String, EndpointCounts>,
}

/// One path's counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathCounts {
    /// The endpoint.
    pub endpoint: String,
    /// The general path.
    pub path: String,
    /// Responses where the Go instances differed there.
    pub noise: u64,
    /// Responses where Go and Rust differed there.
    pub raw: u64,
    /// Responses of the endpoint recorded.
    pub responses: u64,
}

impl PathCounts {
    /// Whether the path is noisy by the per-path rule.
    pub fn is_noisy(&self) -> bool {
        self.noise >= 1 && self.noise as f64 >= NOISE_SHARE * self.raw as f64
    }
}

impl NoiseTable {
    /// An empty table.
    pub fn new() -> NoiseTable {
        NoiseTable::default()
    }

    /// Records one response of endpoint `ep`: the differences between the Go primary and the
    /// Go secondary, and between the Go primary and the Rust port.
    pub fn record(
        &mut self,
        ep: &str,
        primary_vs_secondary: &[Difference],
        primary_vs_rust: &[Difference],
    ) {
        let counts = self.endpoints.entry(ep.to_string()).or_default();
        counts.responses += 1;
        let paths = |ds: &[Difference]| -> BTreeSet<String> {
            ds.iter().map(Difference::general_path).collect()
        };
        for p in paths(primary_vs_secondary) {
            counts.paths.entry(p).or_default().0 += 1;
        }
        for p in paths(primary_vs_rust) {
            counts.paths.entry(p).or_default().1 += 1;
        }
    }

    /// The counts of every path met, by endpoint then path.
    pub fn paths(&self) -> Vec<PathCounts> {
        let mut out = Vec::new();
        for (ep, c) in &self.endpoints {
            for (path, &(noise, raw)) in &c.paths {
                out.push(PathCounts {
                    endpoint: ep.clone(),
                    path: path.clone(),
                    noise,
                    raw,
                    responses: c.responses,
                });
            }
        }
        out
    }
}

/// Decides noise from a [`NoiseTable`] and the spec's ignored paths.
#[derive(Clone, Debug, Default)]
pub struct NoiseFilter {
    /// The noisy paths' counts, by endpoint then path.
    noisy: Vec<PathCounts>,
    /// (endpoint, general path) of the noisy paths.
    index: BTreeSet<(String, String)>,
    /// Each endpoint's comparison rules, for the paths the spec ignores.
    pinned: BTreeMap<String, CompareRules>,
}

impl NoiseFilter {
    /// The filter of `table`'s noisy paths and the ignored paths of `endpoints`.
    pub fn new(table: &NoiseTable, endpoints: &[EndpointSpec]) -> NoiseFilter {
        let noisy: Vec<PathCounts> = table.paths().into_iter().filter(|p| p.is_noisy()).collect();
        let index = noisy
            .iter()
            .map(|p| (p.endpoint.clone(), p.path.clone()))
            .collect();
        let pinned = endpoints
            .iter()
            .map(|e| (e.name.clone(), e.compare.clone()))
            .collect();
        NoiseFilter {
            noisy,
            index,
            pinned,
        }
    }

    /// The filter for one response whose Go primary and Go secondary differ by
    /// `primary_vs_secondary`: those exact paths are noise too.
    pub fn in_response<'a>(&'a self, primary_vs_secondary: &[Difference]) -> ResponseNoise<'a> {
        ResponseNoise {
            filter: self,
            paths: primary_vs_secondary
                .iter()
                .map(|d| d.path.clone())
                .collect(),
        }
    }

    /// What is cancelled, one line each, by endpoint then path: the noisy paths
    /// (`` Create: `/body/created_at` differs between two Go runs in 100 % of responses (40 of
    /// 40): ignored ``), then the paths the spec ignores (`` Create: `/body/etag` ignored by the
    /// spec ``).
    pub fn summary(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .noisy
            .iter()
            .map(|p| {
                let pct = (p.noise * 100).checked_div(p.responses).unwrap_or(0);
                format!(
                    "{}: `{}` differs between two Go runs in {pct} % of responses ({} of {}): ignored",
                    p.endpoint, p.path, p.noise, p.responses
                )
            })
            .collect();
        for (ep, rules) in &self.pinned {
            for r in &rules.paths {
                if r.ignore == Some(true) {
                    out.push(format!("{ep}: `{}` ignored by the spec", r.path));
                }
            }
        }
        out
    }

    fn pinned(&self, ep: &str, d: &Difference) -> bool {
        let Some(rules) = self.pinned.get(ep) else {
            return false;
        };
        let path: Vec<Seg> = d
            .path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| Seg::Field(s.to_string()))
            .collect();
        compare::rule_at(rules, &compare::patterns(rules), &path).ignore
    }
}

impl Noise for NoiseFilter {
    fn is_noise(&self, ep: &str, d: &Difference) -> bool {
        self.index.contains(&(ep.to_string(), d.general_path())) || self.pinned(ep, d)
    }
}

/// A [`NoiseFilter`] for one response (see [`NoiseFilter::in_response`]).
#[derive(Clone, Debug)]
pub struct ResponseNoise<'a> {
    filter: &'a NoiseFilter,
    paths: BTreeSet<String>,
}

impl Noise for ResponseNoise<'_> {
    fn is_noise(&self, ep: &str, d: &Difference) -> bool {
        self.paths.contains(&d.path) || self.filter.is_noise(ep, d)
    }
}

#[cfg(test)]
#[path = "noise_tests.rs"]
mod tests;
