//! The Go side's own tests (codec, harness, example package) run as part of `cargo test`, so the
//! one test command in the README covers both languages.

use std::path::PathBuf;
use std::process::Command;

fn go(args: &[&str]) -> (bool, String) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("harness-go");
    let out = Command::new("go")
        .args(args)
        .current_dir(&dir)
        .output()
        .expect("`go` is on PATH (Go 1.22 or newer is a prerequisite, see the README)");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn the_go_harness_module_passes_go_vet() {
    let (ok, text) = go(&["vet", "./..."]);
    assert!(ok, "{text}");
}

#[test]
fn the_go_harness_module_passes_its_go_tests() {
    let (ok, text) = go(&["test", "-count=1", "./..."]);
    assert!(ok, "{text}");
    assert!(
        text.contains("ok  \tgithub.com/parity-dev/parity/harness-go\t"),
        "{text}"
    );
}

#[test]
fn the_go_harness_module_is_gofmt_clean() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("harness-go");
    let out = Command::new("gofmt")
        .arg("-l")
        .arg(".")
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "",
        "gofmt -w these files"
    );
}
