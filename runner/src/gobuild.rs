//! Building the Go harness: `go build` of the spec's main package into a per-package cache folder.
//!
//! Go's own build cache makes a rebuild of an unchanged package take a fraction of a second, so
//! parity always asks `go build` rather than guessing staleness from timestamps (which would miss a
//! change in a dependency of the package). The binary is written under a temporary name and renamed,
//! so parallel runs (tests) never execute a half-written file.

use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

/// Why the Go harness could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The package folder does not exist.
    #[error("failed to build the Go harness: the package folder `{dir}` does not exist\n(hint: `package` in the spec's [go] table is a Go main package folder, relative to the spec file)")]
    NoPackage {
        /// The package folder.
        dir: String,
    },
    /// `go` is not installed or not on PATH.
    #[error("failed to run `go build` for the Go harness in `{dir}`: {source}\n(hint: install Go 1.22 or newer and put `go` on PATH, or point the spec's [go] table at a ready `command`)")]
    NoGo {
        /// The package folder.
        dir: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// The compiler rejected the package.
    #[error("failed to build the Go harness in `{dir}` (`go build` exited with {status}):\n{output}\n(hint: fix the Go errors above; `cd {dir} && go build .` reproduces them)")]
    Failed {
        /// The package folder.
        dir: String,
        /// go's exit status.
        status: String,
        /// go's output.
        output: String,
    },
}

/// The folder binaries are cached in: `$PARITY_CACHE_DIR`, else `$XDG_CACHE_HOME/parity`, else
/// `~/.cache/parity`, else the system temporary folder.
pub fn cache_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("PARITY_CACHE_DIR") {
        return PathBuf::from(d);
    }
    if let Some(d) = std::env::var_os("XDG_CACHE_HOME") {
        return PathBuf::from(d).join("parity");
    }
    if let Some(h) = std::env::var_os("HOME") {
        return PathBuf::from(h).join(".cache").join("parity");
    }
    std::env::temp_dir().join("parity")
}

/// Builds the Go main package in `dir` and returns the binary's path.
pub fn build(dir: &Path) -> Result<PathBuf, BuildError> {
    let shown = dir.display().to_string();
    if !dir.is_dir() {
        return Err(BuildError::NoPackage { dir: shown });
    }
    let key: String = Sha256::digest(shown.as_bytes())
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect();
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "harness".into());
    let out_dir = cache_dir().join("go");
    std::fs::create_dir_all(&out_dir).map_err(|source| BuildError::NoGo {
        dir: shown.clone(),
        source,
    })?;
    let bin = out_dir.join(format!("{name}-{key}"));
    let tmp = out_dir.join(format!(".{name}-{key}.tmp-{}", std::process::id()));
    let output = Command::new(std::env::var_os("GO").unwrap_or_else(|| "go".into()))
        .arg("build")
        .arg("-o")
        .arg(&tmp)
        .arg(".")
        .current_dir(dir)
        .output()
        .map_err(|source| BuildError::NoGo {
            dir: shown.clone(),
            source,
        })?;
    if !output.status.success() {
        let _ = std::fs::remove_file(&tmp);
        let mut text = String::from_utf8_lossy(&output.stderr).into_owned();
        text.push_str(&String::from_utf8_lossy(&output.stdout));
        return Err(BuildError::Failed {
            dir: shown,
            status: output.status.to_string(),
            output: text.trim_end().to_string(),
        });
    }
    std::fs::rename(&tmp, &bin).map_err(|source| BuildError::NoGo { dir: shown, source })?;
    Ok(bin)
}
