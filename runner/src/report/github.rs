//! GitHub Actions annotations: on GitHub (`GITHUB_ACTIONS=true`), every finding is also written
//! as an `::error` workflow command, pointing at the spec file and the line of the function's
//! `[[function]]` table, so the finding shows on the pull request's diff and in the run summary.
//!
//! The commands go to stderr, which the Actions runner reads for workflow commands as it reads
//! stdout, so that stdout keeps exactly the chosen format (a JSON or JUnit document).

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{junit::finding_text, Event, Finding, FindingKind, Reporter};

/// Whether the environment is a GitHub Actions job.
pub fn enabled() -> bool {
    std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true")
}

/// Passes every event on to `inner`, and writes an annotation for each finding to `out`.
pub struct GithubAnnotations<R: Reporter, W: Write> {
    inner: R,
    out: W,
    spec: String,
}

impl<R: Reporter, W: Write> GithubAnnotations<R, W> {
    /// Wraps `inner`; annotations go to `out` (stderr).
    pub fn new(inner: R, out: W) -> Self {
        GithubAnnotations {
            inner,
            out,
            spec: String::new(),
        }
    }
}

impl<R: Reporter, W: Write> Reporter for GithubAnnotations<R, W> {
    fn event(&mut self, event: &Event) {
        match event {
            Event::RunStarted { spec, .. } => self.spec = workspace_relative(spec),
            Event::Finding(f) => {
                let _ = writeln!(self.out, "{}", annotation(&self.spec, f));
                let _ = self.out.flush();
            }
            _ => {}
        }
        self.inner.event(event);
    }
}

/// The spec path as GitHub wants it: relative to the repository (`GITHUB_WORKSPACE`) when it
/// lies inside, forward slashes.
fn workspace_relative(spec: &Path) -> String {
    let abs = std::fs::canonicalize(spec).unwrap_or_else(|_| spec.to_path_buf());
    let root = std::env::var_os("GITHUB_WORKSPACE")
        .map(PathBuf::from)
        .and_then(|w| std::fs::canonicalize(w).ok());
    let shown = root
        .as_deref()
        .and_then(|r| abs.strip_prefix(r).ok())
        .unwrap_or(spec);
    shown.display().to_string().replace('\\', "/")
}

/// `::error file=specs/x.toml,line=12,title=parity: divergence in Truncate::<the report>`.
pub fn annotation(spec: &str, f: &Finding) -> String {
    let kind = match f.kind {
        FindingKind::Divergence => "divergence",
        FindingKind::Nondeterministic { .. } => "nondeterministic",
        FindingKind::HarnessDied { .. } => "harness death",
        FindingKind::EveryInputFails { .. } => "every input fails",
    };
    let mut props = format!("file={}", property(spec));
    if let Some(line) = f.spec_line {
        props.push_str(&format!(",line={line}"));
    }
    props.push_str(&format!(
        ",title={}",
        property(&format!("parity: {kind} in {}", f.function))
    ));
    format!("::error {props}::{}", data(finding_text(f).trim_end()))
}

/// A workflow command's message: `%`, CR and LF escaped.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: as [`data`], plus `:` and `,`.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::Divergence;
    use crate::outcome::Class;
    use crate::report::Origin;

    #[test]
    fn a_finding_is_one_error_command_at_the_function_s_spec_line() {
        let f = Finding {
            function: "Truncate".into(),
            kind: FindingKind::Divergence,
            origin: Origin::Generated,
            input: vec![("s".into(), "\"100%\"".into())],
            typed_input: vec![],
            spec_line: Some(12),
            go_call: "Truncate(\"100%\")".into(),
            rust_call: "truncate(\"100%\".to_string())".into(),
            go: "ok 1".into(),
            rust: "ok 2".into(),
            divergence: Divergence {
                go_class: Class::Ok,
                rust_class: Class::Ok,
                path: "/0".into(),
                rule: "exact".into(),
                shape: String::new(),
                go: Some("1".into()),
                rust: Some("2".into()),
            },
            shrink: None,
            corpus_file: None,
            review: None,
            bug: None,
            sequence: None,
        };
        let a = annotation("specs/a,b.toml", &f);
        assert!(
            a.starts_with("::error file=specs/a%2Cb.toml,line=12,title=parity%3A divergence in Truncate::DIVERGENCE Truncate%0A"),
            "{a}"
        );
        assert!(a.contains("Truncate(\"100%25\")"), "{a}");
        assert!(!a.contains('\n'), "one line: {a}");
    }
}
