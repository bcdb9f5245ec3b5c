//! Progress on stderr, for every output format: a live bar on a terminal (function k of N, the
//! function's budget, elapsed time and an ETA for the whole run, with each function's line
//! printed above the bar as it finishes), and one plain line per finished function when stderr
//! is a pipe or a file (as cargo and nextest do), so a CI log shows how far a run got.
//!
//! [`ProgressReporter`] wraps the reporter of the chosen format and passes every event on; the
//! texts are computed by pure functions ([`finished_line`], [`live_message`], [`eta`]) so that they
//! can be tested without a terminal. The bar is drawn by `indicatif`, which rate-limits redraws,
//! fits the line to the terminal width and, through [`indicatif::ProgressBar::suspend`], clears
//! the bar while the wrapped reporter writes a finding to the same terminal.

use std::io::Write;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{Event, FunctionSummary, Reporter};

/// Where progress goes.
pub enum Sink {
    /// A terminal: a live bar.
    Live,
    /// Not a terminal: one plain line per finished function on this writer.
    Plain(Box<dyn Write>),
}

/// Draws progress on stderr around another reporter (see the module docs).
pub struct ProgressReporter<R: Reporter> {
    inner: R,
    sink: Sink,
    no_times: bool,
    bar: Option<ProgressBar>,
    functions: Vec<String>,
    run_started: Instant,
    function_started: Instant,
    /// Wall time of each finished function.
    finished: Vec<Duration>,
}

impl<R: Reporter> ProgressReporter<R> {
    /// Wraps `inner`; `no_times` leaves durations out of the plain lines (for snapshots).
    pub fn new(inner: R, sink: Sink, no_times: bool) -> Self {
        ProgressReporter {
            inner,
            sink,
            no_times,
            bar: None,
            functions: Vec::new(),
            run_started: Instant::now(),
            function_started: Instant::now(),
            finished: Vec::new(),
        }
    }

    /// The 1-based position of `function` among the run's functions.
    fn position(&self, function: &str) -> usize {
        self.functions
            .iter()
            .position(|f| f == function)
            .map_or(self.finished.len() + 1, |i| i + 1)
    }

    fn pass_on(&mut self, event: &Event) {
        match &self.bar {
            Some(bar) => {
                let inner = &mut self.inner;
                bar.suspend(|| inner.event(event));
            }
            None => self.inner.event(event),
        }
    }
}

impl<R: Reporter> Reporter for ProgressReporter<R> {
    fn event(&mut self, event: &Event) {
        match event {
            Event::RunStarted { functions, .. } => {
                self.functions = functions.to_vec();
                self.run_started = Instant::now();
                self.function_started = Instant::now();
                self.inner.event(event);
                if matches!(self.sink, Sink::Live) {
                    let bar = ProgressBar::with_draw_target(
                        Some(1000),
                        ProgressDrawTarget::stderr_with_hz(10),
                    );
                    if let Ok(style) =
                        ProgressStyle::with_template("{prefix} [{bar:24}] {percent:>3}% {msg}")
                    {
                        bar.set_style(style.progress_chars("=> "));
                    }
                    self.bar = Some(bar);
                }
            }
            Event::Progress {
                function,
                cases,
                done,
                elapsed,
            } => {
                let k = self.position(function);
                if let Some(bar) = &self.bar {
                    let total = self.functions.len().max(k);
                    bar.set_prefix(format!("[{k}/{total}] {function}"));
                    bar.set_position((done.clamp(0.0, 1.0) * 1000.0) as u64);
                    let left = total - k;
                    bar.set_message(live_message(
                        *cases,
                        *elapsed,
                        self.run_started.elapsed(),
                        eta(*done, *elapsed, &self.finished, left),
                    ));
                }
                self.inner.event(event);
            }
            Event::Phase { what, elapsed } => {
                let line = if self.no_times {
                    format!("parity: {what}")
                } else {
                    format!("parity: {what} ({:.1}s)", elapsed.as_secs_f64())
                };
                match (&self.bar, &mut self.sink) {
                    (Some(bar), _) => bar.println(line),
                    (None, Sink::Plain(w)) => {
                        let _ = writeln!(w, "{line}");
                        let _ = w.flush();
                    }
                    (None, Sink::Live) => eprintln!("{line}"),
                }
                self.inner.event(event);
            }
            Event::FunctionFinished(summary) => {
                let k = self.position(&summary.function);
                let total = self.functions.len().max(k);
                let wall = self.function_started.elapsed();
                self.finished.push(wall);
                self.function_started = Instant::now();
                let line = finished_line(k, total, summary, (!self.no_times).then_some(wall));
                match (&self.bar, &mut self.sink) {
                    (Some(bar), _) => {
                        bar.println(line);
                        bar.set_position(0);
                        bar.set_message("");
                    }
                    (None, Sink::Plain(w)) => {
                        let _ = writeln!(w, "{line}");
                        let _ = w.flush();
                    }
                    (None, Sink::Live) => {}
                }
                self.pass_on(event);
            }
            Event::RunFinished(_) => {
                if let Some(bar) = self.bar.take() {
                    bar.finish_and_clear();
                }
                self.inner.event(event);
            }
            _ => self.pass_on(event),
        }
    }
}

/// The line of a finished function: `  PASS [1/3] ParseAmount  20000 cases  0 findings  1.2s`
/// (`FAIL` when it has findings), the time left out when `wall` is `None`.
pub fn finished_line(k: usize, n: usize, s: &FunctionSummary, wall: Option<Duration>) -> String {
    let status = if s.findings == 0 { "PASS" } else { "FAIL" };
    let mut line = format!(
        "{status:>6} [{k}/{n}] {}  {} cases  {} finding{}",
        s.function,
        s.cases,
        s.findings,
        if s.findings == 1 { "" } else { "s" }
    );
    if s.known > 0 {
        line.push_str(&format!("  {} known", s.known));
    }
    if s.fixed > 0 {
        line.push_str(&format!("  {} fixed", s.fixed));
    }
    if let Some(w) = wall {
        line.push_str(&format!("  {}", duration(w)));
    }
    line
}

/// The live bar's message: `12000 cases, 8000 checks/s, 3.0s elapsed, ETA 41s`.
pub fn live_message(
    cases: u64,
    function_elapsed: Duration,
    run_elapsed: Duration,
    eta: Option<Duration>,
) -> String {
    let rate = cases as f64 / function_elapsed.as_secs_f64().max(1e-9);
    let eta = eta.map_or_else(|| "ETA ?".to_string(), |e| format!("ETA {}", duration(e)));
    format!(
        "{cases} cases, {rate:.0} checks/s, {} elapsed, {eta}",
        duration(run_elapsed)
    )
}

/// Time left in the run: the current function's rest (from how far its budget is, `done`, after
/// `elapsed`), plus `left` more functions, each taking as long as the functions so far took on
/// average (the current one counted at its projected length). `None` before anything is known.
pub fn eta(done: f64, elapsed: Duration, finished: &[Duration], left: usize) -> Option<Duration> {
    if done.is_nan() || done <= 0.0 {
        return None;
    }
    let projected = elapsed.as_secs_f64() / done.min(1.0);
    let current_rest = (projected - elapsed.as_secs_f64()).max(0.0);
    let sum: f64 = finished.iter().map(Duration::as_secs_f64).sum::<f64>() + projected;
    let average = sum / (finished.len() + 1) as f64;
    Some(Duration::from_secs_f64(
        current_rest + average * left as f64,
    ))
}

/// `850ms`, `12.5s`, `3m 05s`, `1h 02m`.
fn duration(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 1.0 {
        format!("{}ms", d.as_millis())
    } else if s < 60.0 {
        format!("{s:.1}s")
    } else if s < 3600.0 {
        format!("{}m {:02}s", d.as_secs() / 60, d.as_secs() % 60)
    } else {
        format!("{}h {:02}m", d.as_secs() / 3600, (d.as_secs() % 3600) / 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(function: &str, cases: u64, findings: u64) -> FunctionSummary {
        FunctionSummary {
            function: function.into(),
            cases,
            findings,
            ..FunctionSummary::default()
        }
    }

    #[test]
    fn a_finished_function_is_one_line_with_its_position_status_and_time() {
        let s = summary("ParseAmount", 20000, 0);
        assert_eq!(
            finished_line(1, 3, &s, Some(Duration::from_millis(1250))),
            "  PASS [1/3] ParseAmount  20000 cases  0 findings  1.2s"
        );
        let s = summary("Slugify", 700, 1);
        assert_eq!(
            finished_line(2, 3, &s, None),
            "  FAIL [2/3] Slugify  700 cases  1 finding"
        );
    }

    #[test]
    fn the_eta_counts_the_rest_of_this_function_and_the_functions_left() {
        // Halfway after 10s: 10s more for this one, and two more of 20s each on average.
        let e = eta(0.5, Duration::from_secs(10), &[], 2).unwrap();
        assert_eq!(e.as_secs(), 50);
        // One finished in 40s: the average of 40s and this one's projected 20s is 30s.
        let e = eta(0.5, Duration::from_secs(10), &[Duration::from_secs(40)], 1).unwrap();
        assert_eq!(e.as_secs(), 40);
        assert_eq!(eta(0.0, Duration::from_secs(1), &[], 3), None);
    }

    #[test]
    fn the_live_message_shows_cases_rate_elapsed_and_eta() {
        assert_eq!(
            live_message(
                8000,
                Duration::from_secs(2),
                Duration::from_secs(65),
                Some(Duration::from_millis(500))
            ),
            "8000 cases, 4000 checks/s, 1m 05s elapsed, ETA 500ms"
        );
        assert!(live_message(0, Duration::ZERO, Duration::ZERO, None).ends_with("ETA ?"));
    }

    /// A reporter that records which events reached it.
    struct Names(Vec<String>);

    impl Reporter for Names {
        fn event(&mut self, event: &Event) {
            self.0.push(
                format!("{event:?}")
                    .split([' ', '('])
                    .next()
                    .unwrap()
                    .into(),
            );
        }
    }

    #[test]
    fn piped_progress_writes_one_plain_line_per_finished_function_and_passes_every_event_on() {
        let buf = std::sync::Arc::new(std::sync::Mutex::new(Vec::<u8>::new()));
        struct Shared(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
        impl Write for Shared {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().write(b)
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut r = ProgressReporter::new(
            Names(Vec::new()),
            Sink::Plain(Box::new(Shared(buf.clone()))),
            true,
        );
        let functions = vec!["A".to_string(), "B".to_string()];
        let spec = std::path::Path::new("s.toml");
        r.event(&Event::RunStarted {
            command: "check",
            spec,
            seed: 1,
            jobs: 1,
            functions: &functions,
            corpus: std::path::Path::new("corpus"),
        });
        r.event(&Event::Progress {
            function: "A",
            cases: 5,
            done: 0.5,
            elapsed: Duration::from_millis(10),
        });
        r.event(&Event::FunctionFinished(&summary("A", 10, 0)));
        r.event(&Event::FunctionFinished(&summary("B", 10, 2)));
        let text = String::from_utf8(buf.lock().unwrap().clone()).unwrap();
        assert_eq!(
            text,
            "  PASS [1/2] A  10 cases  0 findings\n  FAIL [2/2] B  10 cases  2 findings\n"
        );
        assert_eq!(
            r.inner.0,
            [
                "RunStarted",
                "Progress",
                "FunctionFinished",
                "FunctionFinished"
            ]
        );
    }
}
