//! The HTTP example through the real `parity` binary and the real servers on 127.0.0.1: the Go
//! service (`harness-go/cmd/billing-http`, two instances) against its careful axum port, which is
//! equivalent with its noise named, and against the naive port, whose mistakes are all found,
//! each minimized to a short sequence.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn parity(args: &[&str], corpus: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_parity"))
        .env_remove("CI")
        .args(args)
        .arg("--corpus")
        .arg(corpus)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("the parity binary runs")
}

fn json_report(out: &Output) -> serde_json::Value {
    let stdout = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{e}\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn the_careful_http_port_is_equivalent_and_its_timestamps_are_named_as_noise() {
    let corpus = tempfile::tempdir().unwrap();
    let out = parity(
        &[
            "check",
            "specs/example-http.toml",
            "--seed",
            "1",
            "--cases",
            "100",
        ],
        corpus.path(),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("result: equivalent"), "{stdout}");
    assert!(
        stdout.contains("noise: CreateInvoice: `/body/created_at` differs between two Go runs"),
        "the server-generated timestamp is recognised as noise:\n{stdout}"
    );
    assert!(!stdout.contains("DIVERGENCE"), "{stdout}");
}

/// The naive port's findings as `endpoint | way of diverging | last request`, sorted.
fn findings(report: &serde_json::Value) -> Vec<String> {
    let mut out: Vec<String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let curl = f["sequence"]["steps"]
                .as_array()
                .expect("an endpoint finding has curl lines");
            format!(
                "{} | {} | {} step(s) | {}",
                f["function"].as_str().unwrap(),
                f["bug"]["signature"].as_str().unwrap(),
                curl.len(),
                curl.last().unwrap().as_str().unwrap()
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_mistake_of_the_naive_http_port_is_found_minimized_and_reported_the_same_for_a_seed() {
    let corpus = tempfile::tempdir().unwrap();
    let args = [
        "check",
        "specs/example-http-naive.toml",
        "--seed",
        "1",
        "--format",
        "json",
        "--no-times",
        "--ci",
    ];
    let out = parity(&args, corpus.path());
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let found = findings(&json_report(&out));
    let text = found.join("\n");
    // The planted mistakes (examples/billing-http-naive-rs/src/main.rs), each by what shows it.
    for (mistake, needle) in [
        (
            "an empty page is [] where Go sends null",
            "value at /body/items",
        ),
        ("tags [] where Go sends null", "value at /body/tags"),
        (
            "axum's Json rejection of a wrongly typed field",
            "status 400/422 at /status",
        ),
        (
            "a request without Content-Type is refused",
            "status 422/415 at /status",
        ),
        ("trailing data after the JSON value is rejected", "}x'"),
        ("a null field is an error", r#"{"text":null}"#),
        (
            "a duplicated key is an error",
            r#""customer":null,"customer":null"#,
        ),
        (
            "a 404 body of another shape",
            "missing(rust) at /body/error",
        ),
        ("a repeated query parameter is rejected", "limit=1&limit=x"),
        (
            "the router does not redirect unclean paths",
            "status 307/404 at /status",
        ),
        (
            "a wrong method gets axum's 405 and Allow",
            "header at /headers/allow",
        ),
        (
            "no HTML escaping, no trailing newline",
            "json-bytes at /body",
        ),
    ] {
        assert!(
            text.contains(needle),
            "the naive port's mistake '{mistake}' is not found (looked for `{needle}`):\n{text}"
        );
    }
    // Minimized: every finding is a short sequence.
    for f in &found {
        let steps: usize = f
            .split(" | ")
            .nth(2)
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(steps <= 2, "not minimized: {f}");
    }
    insta::assert_snapshot!("naive_http_findings", text);
    let again = findings(&json_report(&parity(&args, corpus.path())));
    assert_eq!(found, again, "the same seed gives the same findings");
}
