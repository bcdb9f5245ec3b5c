//! Canonical minimization end to end (issue 8): the real CLI on `tests/fixtures/canonical/`
//! with five seeds must minimize every planted divergence to one and the same documented input,
//! whatever diverging input each seed happened to find first (strings by one character, a list by
//! a tie and the places of its elements).

mod common;

use std::collections::BTreeMap;

use common::{findings, input, run, spec};

/// The documented minimum of each function, as the JSON report renders its input.
const EXPECTED: &[(&str, &str, &str)] = &[
    (
        "Reverse",
        r#""é""#,
        "byte reversal breaks every multi-byte character; é is the first 2-byte character",
    ),
    (
        "Quote",
        r#""\x00""#,
        "Go and Rust escape control characters differently; \\x00 is the first control character",
    ),
    (
        "SortByTens",
        "[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, -10]",
        "an unstable sort reorders a tie under x/10; the least 13-element list that shows it",
    ),
];

#[test]
fn every_seed_minimizes_each_planted_divergence_to_the_same_documented_input() {
    let mut minima: BTreeMap<String, BTreeMap<u64, Vec<String>>> = BTreeMap::new();
    for seed in 1..=5u64 {
        let seed_text = seed.to_string();
        let r = run(&[
            "check",
            &spec("canonical"),
            "--format",
            "json",
            "--seed",
            &seed_text,
            "--no-times",
        ]);
        r.assert_code(1);
        for f in findings(&r.json()) {
            let values: Vec<String> = input(&f).into_iter().map(|(_, v)| v).collect();
            minima
                .entry(f["function"].as_str().unwrap_or_default().to_string())
                .or_default()
                .entry(seed)
                .or_default()
                .push(values.join(", "));
        }
    }
    let mut wrong = Vec::new();
    for (function, want, reason) in EXPECTED {
        let per_seed = minima.remove(*function).unwrap_or_default();
        for seed in 1..=5u64 {
            let got = per_seed.get(&seed).cloned().unwrap_or_default();
            if got != [want.to_string()] {
                wrong.push(format!(
                    "{function} seed {seed}: want [{want}] ({reason}), got {got:?}"
                ));
            }
        }
    }
    assert!(minima.is_empty(), "unexpected findings: {minima:#?}");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
