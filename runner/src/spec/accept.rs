//! `[[function.accept]]`: declared differences, checked and turned into [`AcceptRule`]s.
//!
//! ```toml
//! [[function.accept]]
//! path = "/0"
//! go = "+Inf"
//! rust = "inf"
//! reason = "Rust spells infinity `inf`; the log readers accept both"
//! ```
//!
//! Each side is either exact (`go`, `rust`) or a regex the whole text must match (`go_matches`,
//! `rust_matches`); `path` and `reason` are required.

use toml::Spanned;

use super::error::Diags;
use super::model::{AcceptRule, TextPattern};
use super::raw::RawAccept;

const FORM: &str = "write `[[function.accept]]` with `path = \"/0\"`, one of `go = \"…\"` / `go_matches = \"…\"`, one of `rust = \"…\"` / `rust_matches = \"…\"`, and `reason = \"…\"`";

/// Checks the declared differences of a function with `results` results (`error`: it returns
/// a Go error, so `/error` is a valid path).
pub(crate) fn accept_rules(
    raw: &[Spanned<RawAccept>],
    results: usize,
    error: bool,
    function: &str,
    d: &mut Diags,
) -> Vec<AcceptRule> {
    raw.iter()
        .filter_map(|a| accept_rule(a, results, error, function, d))
        .collect()
}

fn accept_rule(
    a: &Spanned<RawAccept>,
    results: usize,
    error: bool,
    function: &str,
    d: &mut Diags,
) -> Option<AcceptRule> {
    let at = a.span().start;
    let raw = a.get_ref();
    let Some(path) = &raw.path else {
        d.at(
            at,
            format!("a declared difference of `{function}` has no `path`"),
            Some(FORM.into()),
        );
        return None;
    };
    let path_ok = check_path(path, results, error, function, d);
    let go = side("go", &raw.go, &raw.go_matches, at, d);
    let rust = side("rust", &raw.rust, &raw.rust_matches, at, d);
    let reason = match &raw.reason {
        Some(r) if !r.get_ref().trim().is_empty() => Some(r.get_ref().clone()),
        Some(r) => {
            d.at(
                r.span().start,
                "the `reason` of a declared difference is empty",
                Some("say why the difference is intended: reviewers read it in the spec".into()),
            );
            None
        }
        None => {
            d.at(
                at,
                format!("a declared difference of `{function}` has no `reason`"),
                Some("add `reason = \"…\"` saying why the difference is intended: a declared difference hides it from every run".into()),
            );
            None
        }
    };
    Some(AcceptRule {
        path: path_ok?,
        go: go?,
        rust: rust?,
        reason: reason?,
    })
}

fn check_path(
    path: &Spanned<String>,
    results: usize,
    error: bool,
    function: &str,
    d: &mut Diags,
) -> Option<String> {
    let p = path.get_ref();
    let at = path.span().start;
    let hint = if error {
        "paths start at a result (`/0` is the first result, `/0/*/Price` the `Price` of every element) or are `/error` for the error message"
    } else {
        "paths start at a result: `/0` is the first result, `/0/*/Price` the `Price` of every element"
    };
    if p == "/error" {
        if error {
            return Some(p.clone());
        }
        d.at(
            at,
            format!("`{function}` returns no error, so `/error` cannot differ"),
            Some(
                "set `error = true` on the function, or declare the difference at a result path"
                    .into(),
            ),
        );
        return None;
    }
    let segments: Vec<&str> = p
        .strip_prefix('/')
        .map(|r| r.split('/').collect())
        .unwrap_or_default();
    if segments.is_empty() || segments.iter().any(|s| s.is_empty()) {
        d.at(
            at,
            format!("path pattern {p:?} of a declared difference is not a path"),
            Some(hint.into()),
        );
        return None;
    }
    let first = segments[0];
    let ok = first == "*" || first.parse::<usize>().is_ok_and(|i| i < results);
    if !ok {
        d.at(
            at,
            format!("path pattern {p:?} does not start at one of the {results} result(s) of `{function}`"),
            Some(format!("{hint}; results are numbered from 0")),
        );
        return None;
    }
    Some(p.clone())
}

fn side(
    name: &str,
    exact: &Option<Spanned<String>>,
    pattern: &Option<Spanned<String>>,
    at: usize,
    d: &mut Diags,
) -> Option<TextPattern> {
    match (exact, pattern) {
        (Some(e), None) => Some(TextPattern::Exact(e.get_ref().clone())),
        (None, Some(p)) => {
            match regex::Regex::new(&format!("^(?:{})$", p.get_ref())) {
                Ok(r) => Some(TextPattern::Regex(r)),
                Err(err) => {
                    let text = err.to_string();
                    let reason = text
                        .rfind("error: ")
                        .map_or(text.as_str(), |i| &text[i + 7..])
                        .trim()
                        .to_string();
                    d.at(
                    p.span().start,
                    format!("invalid `{name}_matches` regex {:?}: {reason}", p.get_ref()),
                    Some("the syntax is that of the Rust `regex` crate; the whole text must match".into()),
                );
                    None
                }
            }
        }
        (Some(e), Some(_)) => {
            d.at(
                e.span().start,
                format!("a declared difference sets both `{name}` and `{name}_matches`"),
                Some(format!(
                    "keep `{name}` for an exact text or `{name}_matches` for a regex, not both"
                )),
            );
            None
        }
        (None, None) => {
            d.at(
                at,
                format!("a declared difference says nothing about the {name} side"),
                Some(FORM.into()),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    fn load(accept: &str) -> Result<crate::spec::Spec, String> {
        let text = format!(
            "[go]\ncommand = [\"go-harness\"]\n\n[[function]]\nname = \"F\"\nargs = [{{ name = \"x\", type = \"f64\" }}]\nresults = [\"string\"]\n\n[[function.accept]]\n{accept}\n"
        );
        crate::spec::load_str(Path::new("s.toml"), &text).map_err(|e| e.to_string())
    }

    #[test]
    fn a_declared_difference_is_read_with_exact_and_regex_sides() {
        let spec = load("path = \"/0\"\ngo_matches = \"[+-]Inf\"\nrust = \"inf\"\nreason = \"r\"")
            .unwrap();
        let rule = &spec.functions[0].compare.accept[0];
        assert_eq!(rule.path, "/0");
        assert!(rule.go.matches("+Inf") && rule.go.matches("-Inf"));
        assert!(!rule.go.matches("x+Inf"), "the whole text must match");
        assert!(rule.rust.matches("inf") && !rule.rust.matches("-inf"));
        assert_eq!(rule.reason, "r");
    }

    #[test]
    fn a_declared_difference_without_a_reason_is_an_error_at_its_table() {
        let err = load("path = \"/0\"\ngo = \"+Inf\"\nrust = \"inf\"").unwrap_err();
        assert!(err.contains("s.toml:9:"), "{err}");
        assert!(err.contains("has no `reason`"), "{err}");
        assert!(err.contains("hint:"), "{err}");
    }

    #[test]
    fn a_declared_difference_at_a_result_that_does_not_exist_names_the_path() {
        let err = load("path = \"/1\"\ngo = \"a\"\nrust = \"b\"\nreason = \"r\"").unwrap_err();
        assert!(err.contains("s.toml:10:"), "{err}");
        assert!(err.contains("\"/1\""), "{err}");
    }

    #[test]
    fn a_declared_difference_with_both_spellings_of_a_side_is_an_error() {
        let err =
            load("path = \"/0\"\ngo = \"a\"\ngo_matches = \"a\"\nrust = \"b\"\nreason = \"r\"")
                .unwrap_err();
        assert!(err.contains("both `go` and `go_matches`"), "{err}");
        let err =
            load("path = \"/0\"\ngo = \"a\"\nrust_matches = \"(\"\nreason = \"r\"").unwrap_err();
        assert!(err.contains("invalid `rust_matches` regex"), "{err}");
    }
}
