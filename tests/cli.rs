//! The command line through the real binary: exit code, stdout and stderr snapshot together, for
//! the errors a user meets before anything runs.

use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `parity ARGS` from the repository root and renders what a user sees.
fn run(args: &[&str]) -> (Option<i32>, String) {
    let corpus = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_parity"))
        .env_remove("CI")
        .args(args)
        .arg("--corpus")
        .arg(corpus.path())
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("the parity binary runs");
    let text = format!(
        "exit code: {:?}\n--- stdout ---\n{}--- stderr ---\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr).replace(&root().display().to_string(), "<repo>")
    );
    (out.status.code(), text)
}

#[test]
fn spec_mistakes_are_all_reported_with_file_line_column_and_a_hint() {
    let (code, text) = run(&["check", "tests/specs/bad-types.toml"]);
    assert_eq!(code, Some(2), "{text}");
    insta::assert_snapshot!("bad_types", text);
}

#[test]
fn a_misspelt_key_gets_a_did_you_mean_hint() {
    let (code, text) = run(&["check", "tests/specs/typo.toml"]);
    assert_eq!(code, Some(2), "{text}");
    insta::assert_snapshot!("typo", text);
}

#[test]
fn a_spec_that_disagrees_with_the_real_harnesses_names_the_line_and_the_fix() {
    let (code, text) = run(&["check", "tests/specs/wrong-signature.toml"]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("did you mean `format_amount`"), "{text}");
    insta::assert_snapshot!("wrong_signature", text);
}

#[test]
fn a_go_harness_that_does_not_build_is_a_start_up_failure_with_go_s_message() {
    let (code, text) = run(&["check", "tests/specs/broken-go.toml"]);
    assert_eq!(code, Some(3), "{text}");
    assert!(text.contains("failed to build the Go harness"), "{text}");
    assert!(text.contains("main.go"), "{text}");
}

#[test]
fn a_go_package_folder_that_does_not_exist_is_a_spec_error_pointing_at_the_key() {
    // See: issue 7, point 6 (it was exit 3 with no position in the spec).
    let (code, text) = run(&["check", "tests/specs/errors/go-package-missing.toml"]);
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains("go-package-missing.toml:3:11: the `package` folder `<repo>/tests/specs/no-such-package` does not exist"),
        "{text}"
    );
}

#[test]
fn jobs_zero_is_a_usage_error_that_says_what_to_write() {
    // See: issue 7, point 6 (`--jobs 0` silently ran one job).
    for command in ["check", "fuzz"] {
        let (code, text) = run(&[command, "specs/example.toml", "--jobs", "0"]);
        assert_eq!(code, Some(2), "{text}");
        assert!(text.contains("must be at least 1"), "{text}");
        assert!(text.contains("`--jobs 1`"), "{text}");
    }
}

#[test]
fn an_unknown_function_is_a_usage_error_listing_the_spec_s_functions() {
    let (code, text) = run(&["check", "specs/example-naive.toml", "--function", "Slugfy"]);
    assert_eq!(code, Some(2), "{text}");
    insta::assert_snapshot!("unknown_function", text);
}

#[test]
fn a_missing_spec_file_is_a_spec_error_naming_the_file() {
    let (code, text) = run(&["check", "specs/nope.toml"]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("specs/nope.toml"), "{text}");
}
