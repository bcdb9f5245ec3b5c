//! Deep mode's Go side: the spec's Go harness package built as a C archive with the Go compiler's
//! libFuzzer instrumentation, for the fuzz crate's `deep` feature to link in-process.
//!
//! The recipe, checked on Go 1.26: `go build -buildmode=c-archive -tags=libfuzzer,parity_deep
//! -gcflags=-d=libfuzzer`, then `objcopy --rename-section __sancov_cntrs=go_sancov_cntrs` so that
//! libFuzzer sees Go's counters as their own module (Go 1.26 already names the section
//! `.go.fuzzcntrs` and defines its bounds itself, so the rename only matters on older Go). Only the
//! harness package is instrumented, not `all`: the runtime's and reflection's own comparisons would
//! flood libFuzzer's comparison tables and hide the ones of the code under test.

use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

use super::{target_dir, BuildOptions};

/// The variable naming the archive for the fuzz crate's build script.
pub const ARCHIVE_ENV: &str = "PARITY_DEEP_ARCHIVE";

/// The package a deep harness imports (with build tag `parity_deep`) for its C ABI.
const CAPI: &str = "github.com/parity-dev/parity/harness-go/capi";

/// The note printed when deep mode falls back to the subprocess.
pub fn fallback(why: &str) -> String {
    format!("warning: deep mode (Go in-process with its own coverage) is not available: {why}\nfuzzing with the Go harness as a subprocess instead (see docs/fuzzing.md, \"Deep mode\")")
}

fn go() -> std::ffi::OsString {
    std::env::var_os("GO").unwrap_or_else(|| "go".into())
}

fn tail(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(15)..].join("\n")
}

/// Builds the archive; on failure, why (for [`fallback`]).
pub fn build_archive(opts: &BuildOptions) -> Result<PathBuf, String> {
    let Some(dir) = &opts.go_package else {
        return Err(
            "the spec's Go side is a command, and deep mode builds a `[go] package`".into(),
        );
    };
    let dir = std::fs::canonicalize(dir)
        .map_err(|e| format!("cannot read the Go package `{}`: {e}", dir.display()))?;
    let deps = Command::new(go())
        .args(["list", "-tags=parity_deep", "-deps", "."])
        .current_dir(&dir)
        .output()
        .map_err(|e| format!("cannot run `go`: {e}"))?;
    if !deps.status.success() {
        return Err(format!(
            "`go list` failed in `{}`:\n{}",
            dir.display(),
            tail(&deps.stderr)
        ));
    }
    if !String::from_utf8_lossy(&deps.stdout)
        .lines()
        .any(|l| l == CAPI)
    {
        return Err(format!(
            "the Go package `{}` does not import `{CAPI}` under the build tag `parity_deep`\n(hint: add a file with `//go:build parity_deep` and `import _ \"{CAPI}\"`, and call harness.Register from init, as tests/fixtures/fuzz/testdata/go does)",
            dir.display()
        ));
    }
    let key: String = Sha256::digest(dir.display().to_string().as_bytes())
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect();
    let out_dir = target_dir(opts).join("parity-deep").join(key);
    std::fs::create_dir_all(&out_dir)
        .map_err(|e| format!("cannot create `{}`: {e}", out_dir.display()))?;
    let archive = out_dir.join("libparitygo.a");
    let tmp = out_dir.join(format!("libparitygo.a.tmp-{}", std::process::id()));
    let shown = format!(
        "cd {} && go build -buildmode=c-archive -tags=libfuzzer,parity_deep -gcflags=-d=libfuzzer -o {} .",
        dir.display(),
        archive.display()
    );
    let mut build = Command::new(go());
    build
        .args([
            "build",
            "-buildmode=c-archive",
            "-tags=libfuzzer,parity_deep",
            "-gcflags=-d=libfuzzer",
            "-o",
        ])
        .arg(&tmp)
        .arg(".")
        .current_dir(&dir);
    let (status, output) = super::progress::run(
        &mut build,
        opts.progress,
        "go build -buildmode=c-archive",
        "Go harness archive",
        "",
    )
    .map_err(|e| format!("cannot run `go`: {e}"))?;
    if !status.success() {
        return Err(format!("`{shown}` failed:\n{output}"));
    }
    let objcopy = std::env::var_os("OBJCOPY").unwrap_or_else(|| "objcopy".into());
    let renamed = Command::new(&objcopy)
        .args(["--rename-section", "__sancov_cntrs=go_sancov_cntrs"])
        .arg(&tmp)
        .output()
        .map_err(|e| format!("cannot run `{}`: {e}", Path::new(&objcopy).display()))?;
    if !renamed.status.success() {
        return Err(format!(
            "`objcopy --rename-section __sancov_cntrs=go_sancov_cntrs` failed on the Go archive:\n{}",
            tail(&renamed.stderr)
        ));
    }
    // Only a changed archive makes cargo relink (the build script watches its modification time).
    let same = std::fs::read(&archive).ok() == std::fs::read(&tmp).ok();
    if same {
        let _ = std::fs::remove_file(&tmp);
    } else {
        std::fs::rename(&tmp, &archive)
            .map_err(|e| format!("cannot write `{}`: {e}", archive.display()))?;
    }
    let _ = std::fs::remove_file(tmp.with_extension("h"));
    Ok(archive)
}
