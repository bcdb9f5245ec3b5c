//! `--format junit`: one JUnit XML document on stdout at the end of the run, so that CI systems
//! (GitHub, GitLab, Jenkins, Buildkite…) show parity's results as tests. The layout follows
//! nextest's: one `<testsuite>` for the spec, one `<testcase>` per function, and a `<failure>`
//! per function with findings, carrying each finding's report exactly as the human format
//! prints it. Known divergences and fixed entries go to the test case's `<system-out>`.
//!
//! The document is written by hand rather than with `quick-junit` (the crate nextest uses): the
//! subset needed is a dozen lines, and the crate would bring `chrono`, `uuid` and `quick-xml` into
//! every build of every user's parity binary. Text is escaped for XML, and the characters XML 1.0
//! cannot carry at all (most C0 controls) are written as `\u{…}`, which the reports never
//! contain anyway (they escape controls themselves).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;

use super::{Event, Finding, HumanReporter, Reporter, RunSummary, Style};

/// Collects a run's events and writes one JUnit document when it finishes.
pub struct JunitReporter<W: Write> {
    out: W,
    no_times: bool,
    suite: String,
    /// Per function: the failure texts (one per finding) and the notes for `<system-out>`.
    failures: BTreeMap<String, Vec<String>>,
    notes: BTreeMap<String, Vec<String>>,
}

impl<W: Write> JunitReporter<W> {
    /// A reporter writing to `out`; `no_times` leaves `time` attributes out (for snapshots).
    pub fn new(out: W, no_times: bool) -> Self {
        JunitReporter {
            out,
            no_times,
            suite: "parity".into(),
            failures: BTreeMap::new(),
            notes: BTreeMap::new(),
        }
    }

    fn note(&mut self, function: &str, text: String) {
        self.notes.entry(function.into()).or_default().push(text);
    }

    fn document(&self, s: &RunSummary) -> String {
        let tests = s.functions.len();
        let failed = s.functions.iter().filter(|f| f.findings > 0).count();
        let time = |secs: f64| {
            if self.no_times {
                String::new()
            } else {
                format!(" time=\"{secs:.3}\"")
            }
        };
        let total: f64 = s.functions.iter().map(|f| f.elapsed.as_secs_f64()).sum();
        let suite = attr(&self.suite);
        let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            x,
            "<testsuites name=\"parity\" tests=\"{tests}\" failures=\"{failed}\" errors=\"0\"{}>",
            time(total)
        );
        let _ = writeln!(
            x,
            "    <testsuite name=\"{suite}\" tests=\"{tests}\" failures=\"{failed}\" errors=\"0\"{}>",
            time(total)
        );
        let _ = writeln!(
            x,
            "        <properties>\n            <property name=\"seed\" value=\"{}\"/>\n        </properties>",
            s.seed
        );
        for f in &s.functions {
            let _ = write!(
                x,
                "        <testcase name=\"{}\" classname=\"{suite}\"{}",
                attr(&f.function),
                time(f.elapsed.as_secs_f64())
            );
            let failures = self.failures.get(&f.function);
            let notes = self.notes.get(&f.function);
            if failures.is_none() && notes.is_none() && f.findings == 0 {
                x.push_str("/>\n");
                continue;
            }
            x.push_str(">\n");
            if f.findings > 0 {
                let body = failures.map(|v| v.join("\n")).unwrap_or_default();
                let _ = writeln!(
                    x,
                    "            <failure message=\"{} finding{} in {}\" type=\"parity finding\">{}</failure>",
                    f.findings,
                    if f.findings == 1 { "" } else { "s" },
                    attr(&f.function),
                    text(&body)
                );
            }
            let mut out = vec![format!(
                "{} cases, {} rejected, {} corpus entries replayed",
                f.cases, f.rejected, f.replayed
            )];
            out.extend(notes.into_iter().flatten().cloned());
            let _ = writeln!(
                x,
                "            <system-out>{}</system-out>",
                text(&out.join("\n"))
            );
            x.push_str("        </testcase>\n");
        }
        x.push_str("    </testsuite>\n</testsuites>\n");
        x
    }
}

/// A finding as the human report prints it (no colours, no leading blank line).
pub fn finding_text(f: &Finding) -> String {
    let mut h = HumanReporter::new(Vec::new(), Style::default(), false);
    h.event(&Event::Finding(f));
    String::from_utf8_lossy(&h.out).trim_start().to_string()
}

impl<W: Write> Reporter for JunitReporter<W> {
    fn event(&mut self, event: &Event) {
        match event {
            Event::RunStarted { spec, .. } => {
                self.suite = spec
                    .file_stem()
                    .map_or_else(|| "parity".into(), |s| s.to_string_lossy().into_owned());
            }
            Event::Finding(f) => self
                .failures
                .entry(f.function.clone())
                .or_default()
                .push(finding_text(f)),
            Event::Known {
                function,
                path,
                snapshot,
            } => self.note(
                function,
                format!("KNOWN: corpus entry {path} diverges as accepted in {snapshot}"),
            ),
            Event::CorpusFixed {
                function, files, ..
            }
            | Event::KnownFixed {
                function, files, ..
            } => self.note(
                function,
                format!("FIXED: now agrees; delete `rm {}`", files.join(" ")),
            ),
            Event::RunFinished(s) => {
                let doc = self.document(s);
                let _ = self.out.write_all(doc.as_bytes());
                let _ = self.out.flush();
            }
            _ => {}
        }
    }
}

/// XML text content: `&`, `<`, `>` escaped, characters XML 1.0 forbids written as `\u{…}`.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || matches!(c as u32, 0xFFFE | 0xFFFF) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// An XML attribute value: [`text`] plus quotes and line breaks escaped.
fn attr(s: &str) -> String {
    text(s)
        .replace('"', "&quot;")
        .replace('\n', "&#10;")
        .replace('\r', "&#13;")
        .replace('\t', "&#9;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::Divergence;
    use crate::outcome::Class;
    use crate::report::{FindingKind, FunctionSummary, Origin};

    fn finding() -> Finding {
        Finding {
            function: "Truncate".into(),
            kind: FindingKind::Divergence,
            origin: Origin::Generated,
            input: vec![("s".into(), "\"<é>\"".into())],
            typed_input: vec![],
            spec_line: Some(12),
            go_call: "Truncate(\"<é>\", 1)".into(),
            rust_call: "truncate(\"<é>\".to_string(), 1)".into(),
            go: "ok \"<\"".into(),
            rust: "ok \"…\"".into(),
            divergence: Divergence {
                go_class: Class::Ok,
                rust_class: Class::Ok,
                path: "/0".into(),
                rule: "exact".into(),
                shape: String::new(),
                go: Some("\"<\"".into()),
                rust: Some("\"…\"".into()),
            },
            shrink: None,
            corpus_file: None,
            review: None,
            bug: None,
            sequence: None,
        }
    }

    #[test]
    fn each_function_is_a_test_case_and_a_finding_is_its_failure_with_the_report() {
        let mut r = JunitReporter::new(Vec::new(), true);
        let functions = vec!["Truncate".to_string(), "Slugify".to_string()];
        r.event(&Event::RunStarted {
            command: "check",
            spec: std::path::Path::new("specs/example-naive.toml"),
            seed: 1,
            jobs: 1,
            functions: &functions,
            corpus: std::path::Path::new("corpus"),
        });
        let f = finding();
        r.event(&Event::Finding(&f));
        let summary = RunSummary {
            seed: 1,
            functions: vec![
                FunctionSummary {
                    function: "Truncate".into(),
                    cases: 100,
                    findings: 1,
                    ..FunctionSummary::default()
                },
                FunctionSummary {
                    function: "Slugify".into(),
                    cases: 100,
                    ..FunctionSummary::default()
                },
            ],
            findings: 1,
            known: 0,
            ..RunSummary::default()
        };
        r.event(&Event::RunFinished(&summary));
        let xml = String::from_utf8(r.out).unwrap();
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"parity\" tests=\"2\" failures=\"1\" errors=\"0\">"), "{xml}");
        assert!(
            xml.contains("<testsuite name=\"example-naive\" tests=\"2\" failures=\"1\""),
            "{xml}"
        );
        assert!(
            xml.contains("<testcase name=\"Slugify\" classname=\"example-naive\"/>"),
            "{xml}"
        );
        assert!(xml.contains("<failure message=\"1 finding in Truncate\" type=\"parity finding\">DIVERGENCE Truncate\n"), "{xml}");
        assert!(
            xml.contains("  go call    Truncate(\"&lt;é&gt;\", 1)\n"),
            "escaped, whole: {xml}"
        );
        assert!(!xml.contains("time="), "--no-times: {xml}");
        assert_eq!(xml.matches("<testcase").count(), 2);
    }

    #[test]
    fn xml_escaping_covers_markup_quotes_and_forbidden_controls() {
        assert_eq!(text("a<b>&c\n"), "a&lt;b&gt;&amp;c\n");
        assert_eq!(text("\u{1}"), "\\u{1}");
        assert_eq!(attr("\"x\"\n"), "&quot;x&quot;&#10;");
    }
}
