//! `parity fuzz` end to end: builds the real fuzz target (instrumented, stable Rust), fuzzes the
//! fixture of tests/fixtures/fuzz, and checks that the planted divergence (a magic code that typed
//! generation practically never draws, with a nested condition) becomes a minimized corpus entry;
//! and that the nightly CI script runs with a tiny budget.
//!
//! The first build of the fuzz target takes minutes on 2 cores (every dependency is instrumented);
//! later runs reuse cargo's cache.

use std::path::Path;
use std::process::Command;

/// The fixture's Rust side, whose library has the `registry()` the generated fuzz target calls.
const FIXTURE_CRATE: &str = "tests/fixtures/fuzz/rust";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn a_short_fuzz_run_turns_the_planted_nested_branch_bug_into_a_minimized_corpus_entry() {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_parity"))
        // CI mode (CI=true, as in .ci/run) writes no corpus files; this test checks that it does.
        // Seed 1 reaches the bug after about 14k executions; 40 s leaves room on a loaded machine.
        .env_remove("CI")
        .current_dir(repo())
        .args([
            "fuzz",
            "tests/fixtures/fuzz/spec.toml",
            "--function",
            "Checksum",
        ])
        .args(["--crate", FIXTURE_CRATE])
        .args(["--time", "40s", "--seed", "1", "--no-times"])
        .arg("--corpus")
        .arg(tmp.path().join("corpus"))
        .arg("--fuzz-corpus")
        .arg(tmp.path().join("fuzz-corpus"))
        .arg("--work")
        .arg(tmp.path().join("work"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    // Minimized: the magic code stays, the salt shrinks to the smallest with its top bit set.
    assert!(
        stdout.contains("go call    Checksum(1592651789, 2147483648)"),
        "{stdout}"
    );
    let dir = tmp.path().join("corpus/spec/Checksum");
    let entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    assert_eq!(entries.len(), 1, "one corpus entry in {}", dir.display());
    assert!(
        entries[0].with_extension("snap.new").is_file(),
        "with its pending review snapshot beside it"
    );
    let text = std::fs::read_to_string(&entries[0]).unwrap();
    assert!(text.contains("1592651789,\n    2147483648"), "{text}");
    // The crash artifact is gone: the corpus entry is the record.
    let artifacts = tmp.path().join("work/spec/Checksum/artifacts");
    assert_eq!(std::fs::read_dir(artifacts).unwrap().count(), 0);
    // The build said what it was doing, on stderr.
    assert!(stderr.contains("building fuzz target (cargo"), "{stderr}");
    assert!(stderr.contains("built fuzz target (cargo, "), "{stderr}");
}

#[test]
fn with_json_output_the_build_progress_is_json_lines_on_stderr_and_stdout_stays_one_document() {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_parity"))
        .env_remove("CI")
        .current_dir(repo())
        .args([
            "fuzz",
            "tests/fixtures/fuzz/spec.toml",
            "--function",
            "Scale",
        ])
        .args(["--crate", FIXTURE_CRATE])
        .args(["--time", "2s", "--seed", "1", "--format", "json"])
        .arg("--corpus")
        .arg(tmp.path().join("corpus"))
        .arg("--fuzz-corpus")
        .arg(tmp.path().join("fuzz-corpus"))
        .arg("--work")
        .arg(tmp.path().join("work"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(report.is_object(), "{stdout}");
    let build: Vec<serde_json::Value> = stderr
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["event"] == "build")
        .collect();
    let states: Vec<&str> = build.iter().filter_map(|v| v["state"].as_str()).collect();
    assert_eq!(states.first(), Some(&"started"), "{stderr}");
    assert_eq!(states.last(), Some(&"finished"), "{stderr}");
    let finished = build.last().unwrap();
    assert_eq!(finished["step"], "cargo");
    assert_eq!(finished["ok"], true);
    assert!(finished["elapsed_ms"].is_u64(), "{finished}");
    // cargo's own lines come through too, wrapped (its `Finished` line at least).
    assert!(
        build.iter().any(|v| v["state"] == "output"
            && v["line"].as_str().is_some_and(|l| l.contains("Finished"))),
        "{stderr}"
    );
}

#[test]
fn the_nightly_script_runs_with_a_tiny_budget() {
    let tmp = tempfile::tempdir().unwrap();
    let parity = env!("CARGO_BIN_EXE_parity");
    let out = Command::new("bash")
        .current_dir(repo())
        .args([
            "ci/nightly-fuzz.sh",
            "tests/fixtures/fuzz/spec.toml",
            "Scale",
        ])
        .env("PARITY", parity)
        .env("FUZZ_CRATE", FIXTURE_CRATE)
        .env("FUZZ_TIME", "2s")
        .env("FUZZ_SEED", "1")
        .env("FUZZ_CORPUS", tmp.path().join("fuzz-corpus"))
        .env("FUZZ_OUT", tmp.path().join("out"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stdout.contains("no divergence"), "{stdout}");
    let report = std::fs::read_to_string(tmp.path().join("out/report.json")).unwrap();
    assert!(report.contains("\"Scale\""), "{report}");
}

#[test]
fn the_clusterfuzzlite_build_script_leaves_runnable_targets_with_their_settings_in_out() {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("out");
    let out = Command::new("bash")
        .current_dir(repo())
        .arg(".clusterfuzzlite/build.sh")
        .env("OUT", &out_dir)
        .env("PARITY", env!("CARGO_BIN_EXE_parity"))
        .env("PARITY_SPECS", "tests/fixtures/fuzz/spec.toml")
        .env("PARITY_CRATE", FIXTURE_CRATE)
        .env_remove("SANITIZER")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "stderr:\n{stderr}");
    for name in ["spec_Checksum", "spec_DeepChecksum", "spec_Scale"] {
        assert!(out_dir.join(name).is_file(), "{name} in $OUT");
        assert!(out_dir.join(format!("{name}.parity")).is_file());
    }
    assert!(out_dir.join("spec.toml").is_file());
    assert!(out_dir.join("spec-go-harness").is_file());
    let settings = std::fs::read_to_string(out_dir.join("spec_Scale.parity")).unwrap();
    assert_eq!(
        settings,
        "PARITY_FUZZ_SPEC=spec.toml\nPARITY_FUZZ_FUNCTION=Scale\nPARITY_FUZZ_GO=spec-go-harness\n"
    );
    // Run as ClusterFuzzLite runs it: from elsewhere, with nothing of ours in the environment.
    let run = Command::new(out_dir.join("spec_Scale"))
        .current_dir(tmp.path())
        .env_remove("PARITY_FUZZ_SPEC")
        .env_remove("PARITY_FUZZ_FUNCTION")
        .env_remove("PARITY_FUZZ_GO")
        .args(["-runs=500", "-seed=1"])
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{log}");
    assert!(log.contains("Done 500 runs"), "{log}");
}

#[test]
fn deep_mode_links_go_in_process_as_a_second_coverage_module_and_agrees_with_rust() {
    // Warm, this takes seconds; the first deep build instruments every dependency again. Finding
    // DeepChecksum's nested bug takes 3 to 60 s depending on the seed and the binary's layout (see
    // docs/PERFORMANCE.md), too uncertain for a test; this checks the wiring: no fallback, Go's
    // counters registered, and in-process Go answering like Rust on an equivalent function.
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_parity"))
        .env_remove("CI")
        .current_dir(repo())
        .args([
            "fuzz",
            "tests/fixtures/fuzz/spec.toml",
            "--function",
            "Scale",
            "--deep",
        ])
        .args(["--crate", FIXTURE_CRATE])
        .args(["--time", "3s", "--seed", "1", "--no-times"])
        .arg("--corpus")
        .arg(tmp.path().join("corpus"))
        .arg("--fuzz-corpus")
        .arg(tmp.path().join("fuzz-corpus"))
        .arg("--work")
        .arg(tmp.path().join("work"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("deep mode"), "no fallback: {stderr}");
    assert_eq!(
        out.status.code(),
        Some(0),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    let log = std::fs::read_to_string(tmp.path().join("work/spec/Scale/libfuzzer-0.log")).unwrap();
    assert!(log.contains("Loaded 2 modules"), "{log}");
    assert!(log.contains("Done "), "{log}");
}

#[test]
fn deep_mode_falls_back_to_the_subprocess_and_says_which_step_failed() {
    // The billing harness registers in main and has no C ABI file: deep mode cannot build it.
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_parity"))
        .env_remove("CI")
        .current_dir(repo())
        .args([
            "fuzz",
            "specs/example.toml",
            "--function",
            "Slugify",
            "--deep",
        ])
        .args(["--time", "2s", "--seed", "1", "--no-times"])
        .arg("--corpus")
        .arg(tmp.path().join("corpus"))
        .arg("--fuzz-corpus")
        .arg(tmp.path().join("fuzz-corpus"))
        .arg("--work")
        .arg(tmp.path().join("work"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("deep mode (Go in-process with its own coverage) is not available"),
        "{stderr}"
    );
    assert!(
        stderr.contains("does not import `github.com/parity-dev/parity/harness-go/capi`"),
        "{stderr}"
    );
    assert!(stderr.contains("fuzzing with the Go harness as a subprocess instead"));
    assert!(out.status.code().is_some_and(|c| c <= 1), "{stderr}");
}

#[test]
fn fuzzing_outside_a_cargo_project_is_a_usage_error_that_names_the_way_out() {
    // Nothing is built: finding the crate with the registry comes first.
    let tmp = tempfile::tempdir().unwrap();
    let spec = repo().join("tests/fixtures/fuzz/spec.toml");
    let out = Command::new(env!("CARGO_BIN_EXE_parity"))
        .current_dir(tmp.path())
        .arg("fuzz")
        .arg(&spec)
        .args(["--time", "1s"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("failed to find the crate whose registry the fuzz target calls"),
        "{stderr}"
    );
    assert!(stderr.contains("pass --crate"), "{stderr}");
}
