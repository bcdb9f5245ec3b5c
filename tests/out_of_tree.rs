//! A team uses parity from its own repository: a Cargo project depending on the `parity` crate by
//! path, a Go module requiring `harness-go` through a `replace` directive, and a spec pointing at
//! both. This test builds such a project in a temporary folder, exactly as the README describes.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn an_out_of_tree_project_builds_and_its_planted_divergence_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let repo = repo();
    write(
        &p.join("Cargo.toml"),
        &format!(
            r#"[package]
name = "myservice-port"
version = "0.1.0"
edition = "2021"

[dependencies]
parity = {{ path = "{}" }}

[workspace]

# The same settings as parity's own workspace, so the test reuses its compiled dependencies.
[profile.dev.package."*"]
opt-level = 2

[profile.dev.package.parity]
opt-level = 2
"#,
            repo.join("runner").display()
        ),
    );
    // The same dependency versions as parity's own workspace, for the same reason.
    std::fs::copy(repo.join("Cargo.lock"), p.join("Cargo.lock")).unwrap();
    write(
        &p.join("src/main.rs"),
        r#"fn main() -> std::process::ExitCode {
    let registry = parity::Registry::new()
        .function("clamp_percent", |n: i64| n.clamp(0, 99))
        .function("shout", |s: String| s.to_uppercase());
    parity::main(registry)
}
"#,
    );
    write(
        &p.join("go/go.mod"),
        &format!(
            "module example.com/myservice/harness\n\ngo 1.22\n\nrequire github.com/parity-dev/parity/harness-go v0.0.0\n\nreplace github.com/parity-dev/parity/harness-go => {}\n",
            repo.join("harness-go").display()
        ),
    );
    write(
        &p.join("go/main.go"),
        r#"package main

import (
	"strings"

	harness "github.com/parity-dev/parity/harness-go"
)

func ClampPercent(n int64) int64 {
	if n < 0 {
		return 0
	}
	if n > 100 {
		return 100
	}
	return n
}

func Shout(s string) string { return strings.ToUpper(s) }

func main() {
	harness.Register("ClampPercent", ClampPercent)
	harness.Register("Shout", Shout)
	harness.Serve()
}
"#,
    );
    write(
        &p.join("parity.toml"),
        r#"[go]
package = "go"

[[function]]
name = "ClampPercent"
rust = "clamp_percent"
args = [{ name = "n", type = "i64", range = [-1000, 1000] }]
results = ["i64"]

[[function]]
name = "Shout"
rust = "shout"
args = [{ name = "s", type = "string", charset = "a-z" }]
results = ["string"]
"#,
    );
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo.join("target"));
    let out = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args([
            "run",
            "--quiet",
            "--",
            "check",
            "parity.toml",
            "--seed",
            "5",
            "--cases",
            "2000",
            "--format",
            "json",
            "--no-times",
        ])
        .current_dir(p)
        .env("CARGO_TARGET_DIR", &target)
        .env("NO_COLOR", "1")
        .env_remove("CI")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "only the planted off-by-one: {stdout}");
    assert_eq!(findings[0]["function"], "ClampPercent");
    assert_eq!(findings[0]["go_call"], "ClampPercent(100)");
    assert_eq!(findings[0]["rust_call"], "clamp_percent(100)");
    assert!(
        p.join("corpus/parity/ClampPercent").is_dir(),
        "the corpus lives in the project"
    );
}
