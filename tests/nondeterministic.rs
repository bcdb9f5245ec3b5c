//! A side that answers the same input differently is a finding of its own kind: reported as
//! nondeterministic with both answers, never as a divergence, never minimized or stored.

mod common;

use common::{findings, run, spec};

#[test]
fn a_port_that_changes_its_answer_is_reported_as_nondeterministic_not_as_a_divergence() {
    let r = run(&[
        "check",
        &spec("nondeterministic"),
        "--seed",
        "1",
        "--cases",
        "200",
        "--format",
        "json",
        "--no-times",
    ]);
    r.assert_code(1);
    let report = r.json();
    let found = findings(&report);
    assert_eq!(found.len(), 1, "{report:#}");
    let f = &found[0];
    assert_eq!(f["kind"], "nondeterministic", "{f:#}");
    assert_eq!(f["nondeterministic"]["side"], "rust", "{f:#}");
    assert_ne!(
        f["nondeterministic"]["first"], f["nondeterministic"]["then"],
        "{f:#}"
    );
    // Only a = 42 is flaky; of the diverging inputs seen, the simplest is the one confirmed.
    assert!(
        f["go_call"].as_str().is_some_and(|c| c.starts_with("Add(42, ")),
        "{f:#}"
    );
    assert!(
        f["shrink"].is_null(),
        "nondeterminism is not minimized: {f:#}"
    );
    assert!(f["corpus_file"].is_null(), "nor stored: {f:#}");
    assert!(
        !r.work.path().join("corpus").exists(),
        "no corpus entry is written"
    );
}
