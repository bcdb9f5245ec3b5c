//! Declared differences: `[[function.accept]]` rules under which two differing values count as
//! agreeing (see `docs/spec.md`). A rule applies at its path pattern and below it, exactly as a
//! `[[function.compare.paths]]` pattern does, and covers a pair of values when the Go value's
//! text matches its `go` side and the Rust value's text its `rust` side.

use super::Seg;
use crate::spec::AcceptRule;

/// Whether a rule of `rules` declares the difference between the Go text `go` and the Rust text
/// `rust` at `path` intended.
pub(crate) fn declared(rules: &[AcceptRule], path: &[Seg], go: &str, rust: &str) -> bool {
    rules.iter().any(|r| {
        let pattern: Vec<&str> = r.path.split('/').filter(|s| !s.is_empty()).collect();
        pattern.len() <= path.len()
            && pattern.iter().zip(path).all(|(p, s)| s.matches(p))
            && r.go.matches(go)
            && r.rust.matches(rust)
    })
}
