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

/// Writes the project into `p`: a Cargo package whose library has the registry (the documented
/// convention) and whose binary serves it, a Go harness module, and `parity.toml`. Planted:
/// `clamp_percent` is off by one (found by `check`), and `tag` has a Rust-only special case
/// behind a magic value (practically never generated; found by `fuzz`).
fn write_project(p: &Path) {
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
        &p.join("src/lib.rs"),
        r#"/// The port's registry: the parity binary serves it, `parity fuzz` calls it in-process.
pub fn registry() -> parity::Registry {
    parity::Registry::new()
        .function("clamp_percent", |n: i64| n.clamp(0, 99))
        .function("shout", |s: String| s.to_uppercase())
        .function("tag", tag)
}

/// Port of Go's Tag, with a special case Go never had.
pub fn tag(code: u32) -> u32 {
    if code == 0xC0DE_F00D {
        return 0; // PLANTED
    }
    code ^ 0x5A5A
}
"#,
    );
    write(
        &p.join("src/main.rs"),
        "fn main() -> std::process::ExitCode {\n    parity::main(myservice_port::registry())\n}\n",
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

func Tag(code uint32) uint32 { return code ^ 0x5A5A }

func main() {
	harness.Register("ClampPercent", ClampPercent)
	harness.Register("Shout", Shout)
	harness.Register("Tag", Tag)
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

[[function]]
name = "Tag"
rust = "tag"
args = [{ name = "code", type = "u32" }]
results = ["u32"]
"#,
    );
}

/// The target folder of parity's own workspace, which the project shares to reuse its builds.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target"))
}

#[test]
fn an_out_of_tree_project_builds_and_its_planted_divergence_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    write_project(p);
    let target = target_dir();
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

#[test]
fn parity_fuzz_in_an_out_of_tree_project_generates_its_fuzz_target_and_finds_the_planted_magic_value(
) {
    // A fixed folder (not a temporary one): the generated fuzz crate is named by the project's
    // path, so a fixed path lets later runs rebuild it incrementally instead of anew.
    let p = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("out-of-tree-fuzz");
    let _ = std::fs::remove_dir_all(&p);
    write_project(&p);
    let target = target_dir();
    let started = std::time::Instant::now();
    let out = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["run", "--quiet", "--", "fuzz", "parity.toml"])
        .args(["--function", "Tag", "--time", "20s", "--seed", "1"])
        .current_dir(&p)
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
    assert!(stdout.contains("go call    Tag(3235835917)"), "{stdout}");
    assert!(stdout.contains("rust call  tag(3235835917)"), "{stdout}");
    // The build said what it was doing while it ran, with its elapsed time at the end.
    assert!(stderr.contains("building fuzz target (cargo"), "{stderr}");
    assert!(stderr.contains("built fuzz target (cargo, "), "{stderr}");
    eprintln!("out-of-tree parity fuzz: {:?} in all", started.elapsed());
    // No fuzz folder was copied into the project: the crate was generated under the target folder,
    // depending on the project's crate and on parity from the same place the project takes it.
    assert!(!p.join("fuzz").exists());
    let generated: Vec<PathBuf> = std::fs::read_dir(target.join("parity/fuzz"))
        .unwrap()
        .map(|e| e.unwrap().path().join("Cargo.toml"))
        .filter(|m| std::fs::read_to_string(m).is_ok_and(|t| t.contains(&p.display().to_string())))
        .collect();
    assert_eq!(generated.len(), 1, "one generated crate for the project");
    let manifest = std::fs::read_to_string(&generated[0]).unwrap();
    let runner = repo().join("runner");
    assert!(
        manifest.contains(&format!("parity = {{ path = \"{}\" }}", runner.display())),
        "{manifest}"
    );
    assert!(
        manifest.contains("parity_port = { package = \"myservice-port\""),
        "{manifest}"
    );
    let source = std::fs::read_to_string(
        generated[0]
            .parent()
            .unwrap()
            .join("fuzz_targets/differential.rs"),
    )
    .unwrap();
    assert!(source.contains("parity_port::registry()"), "{source}");
    // The libFuzzer corpus and logs went to the target folder too, not into the project.
    assert!(target.join("parity/fuzz/work/parity/Tag").is_dir());
    assert!(
        p.join("corpus/parity/Tag").is_dir(),
        "the finding is stored in the project"
    );
}
