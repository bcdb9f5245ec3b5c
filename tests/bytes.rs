//! A Go `string` holding arbitrary bytes, ported to a Rust function on `Vec<u8>`: the signature
//! check accepts it, every byte reaches the port (invalid UTF-8 included, no rejections), and a
//! `Vec<u8>` result is compared with Go's string byte for byte. The fixture is
//! `tests/fixtures/bytes` (Go) and `tests/fixtures/rust/bytes.rs` (Rust).

mod common;

use common::{findings, function_summary, run, spec};

fn check(function: &str) -> common::Run {
    run(&[
        "check",
        &spec("bytes"),
        "--function",
        function,
        "--seed",
        "3",
        "--cases",
        "3000",
        "--jobs",
        "1",
        "--format",
        "json",
        "--no-times",
    ])
}

#[test]
fn go_to_valid_utf8_and_rust_from_utf8_lossy_differ_on_two_invalid_bytes_in_a_row() {
    let r = check("ToValidUTF8");
    r.assert_code(1);
    let report = r.json();
    let found = findings(&report);
    // Several inputs minimize to the same bug: two bytes, each an invalid sequence of its own.
    assert!(!found.is_empty(), "{report:#}");
    for f in &found {
        assert_eq!(f["kind"], "divergence", "{f:#}");
        assert_eq!(f["path"], "/0", "{f:#}");
        // Go replaces a run of invalid bytes with one U+FFFD, Rust each maximal invalid sequence.
        let go = f["go"].as_str().unwrap();
        let rust = f["rust"].as_str().unwrap();
        assert_eq!(go.matches('\u{FFFD}').count(), 1, "{f:#}");
        assert_eq!(rust.matches('\u{FFFD}').count(), 2, "{f:#}");
        let call = f["rust_call"].as_str().unwrap();
        assert!(
            call.starts_with("bytes_lossy(b\"\\x") && call.ends_with("\".to_vec())"),
            "the Rust call passes a byte string: {call}"
        );
        let go_call = f["go_call"].as_str().unwrap();
        assert_eq!(
            go_call.matches("\\x").count(),
            2,
            "two invalid bytes: {go_call}"
        );
    }
    let summary = function_summary(&report, "ToValidUTF8");
    assert_eq!(
        summary["rejected"], 0,
        "invalid UTF-8 reaches a Vec<u8> port: {summary:#}"
    );
}

#[test]
fn a_bytes_port_that_collapses_invalid_runs_as_go_does_is_equivalent() {
    let r = check("ToValidUTF8Runs");
    r.assert_code(0);
    let report = r.json();
    assert_eq!(findings(&report).len(), 0, "{report:#}");
    let summary = function_summary(&report, "ToValidUTF8Runs");
    assert_eq!(summary["cases"], 3000, "{summary:#}");
    assert_eq!(summary["rejected"], 0, "{summary:#}");
}

#[test]
fn a_vec_u8_result_and_a_list_of_them_compare_equal_to_go_strings_byte_for_byte() {
    for function in ["UpperASCII", "Fields"] {
        let r = check(function);
        r.assert_code(0);
        let report = r.json();
        assert_eq!(findings(&report).len(), 0, "{function}: {report:#}");
        let summary = function_summary(&report, function);
        assert_eq!(summary["rejected"], 0, "{function}: {summary:#}");
    }
}
