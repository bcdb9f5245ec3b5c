//! Building the fuzz target on stable Rust: `cargo build` of the fuzz crate with libFuzzer's
//! coverage instrumentation passed as `RUSTFLAGS`, for an explicit `--target` (without it, build
//! scripts are instrumented too and fail to link), in release mode with debug info.
//!
//! This is what `cargo fuzz build --sanitizer none` does; calling cargo directly means no
//! cargo-fuzz install and no nightly toolchain (cargo-fuzz's default AddressSanitizer needs one).

use std::path::{Path, PathBuf};
use std::process::Command;

mod deep;

/// The coverage instrumentation libFuzzer needs: 8-bit counters, the PC table, and comparison
/// tracing (which is what finds magic values), plus `--cfg fuzzing` as cargo-fuzz sets it.
pub const RUSTFLAGS: &str = "-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table -Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks";

/// How to build the fuzz target.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// The fuzz crate's folder (with its own `Cargo.toml` and workspace).
    pub fuzz_dir: PathBuf,
    /// The target binary's name.
    pub target: String,
    /// Build deep mode (Go linked in-process with its own coverage; the crate's `deep` feature).
    pub deep: bool,
    /// The spec's Go main package (`[go] package`), which deep mode builds as a C archive.
    pub go_package: Option<PathBuf>,
}

/// A built fuzz target.
#[derive(Clone, Debug)]
pub struct Built {
    /// The executable.
    pub binary: PathBuf,
    /// Something the user should know about the build (deep mode fell back), if anything.
    pub note: Option<String>,
    /// Whether Go is linked in-process (deep mode was asked for and built).
    pub deep: bool,
}

/// Why the fuzz target did not build.
#[derive(Debug, thiserror::Error)]
pub enum FuzzBuildError {
    /// cargo or rustc could not be run.
    #[error("failed to run `{program}` to build the fuzz target in `{dir}`: {source}")]
    Spawn {
        /// The program.
        program: String,
        /// The fuzz crate folder.
        dir: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// There is no fuzz crate where we looked.
    #[error("failed to find the fuzz crate: `{manifest}` does not exist\n(hint: pass --fuzz-dir with the folder of your fuzz crate; see docs/fuzzing.md)")]
    NoCrate {
        /// The manifest looked for.
        manifest: String,
    },
    /// cargo failed.
    #[error("failed to build the fuzz target in `{dir}` (cargo exited with {status}):\n{output}\n(hint: `{command}` reproduces it)")]
    Failed {
        /// The fuzz crate folder.
        dir: String,
        /// cargo's exit status.
        status: String,
        /// The end of cargo's output.
        output: String,
        /// The command to reproduce.
        command: String,
    },
}

/// The host's target triple, from `rustc -vV`.
pub fn host_triple() -> Result<String, FuzzBuildError> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let out = Command::new(&rustc)
        .arg("-vV")
        .output()
        .map_err(|source| FuzzBuildError::Spawn {
            program: rustc.to_string_lossy().into_owned(),
            dir: ".".into(),
            source,
        })?;
    let text = String::from_utf8_lossy(&out.stdout);
    Ok(text
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .unwrap_or("x86_64-unknown-linux-gnu")
        .trim()
        .to_string())
}

/// The folder cargo builds the fuzz crate into: `$CARGO_TARGET_DIR`, else `<fuzz_dir>/target`.
/// The fuzz crate's target folder, absolute: tools run from other folders (`go build` runs in the
/// Go package's folder) must find the same files.
fn target_dir(fuzz_dir: &Path) -> PathBuf {
    let dir = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(d) => PathBuf::from(d),
        None => fuzz_dir.join("target"),
    };
    std::path::absolute(&dir).unwrap_or(dir)
}

/// Builds the target (cargo decides what is stale) and returns its executable. When deep mode is
/// asked for but cannot be built, falls back to subprocess mode and says so in [`Built::note`].
pub fn build_target(opts: &BuildOptions) -> Result<Built, FuzzBuildError> {
    let manifest = opts.fuzz_dir.join("Cargo.toml");
    if !manifest.exists() {
        return Err(FuzzBuildError::NoCrate {
            manifest: manifest.display().to_string(),
        });
    }
    let host = host_triple()?;
    if opts.deep {
        match deep::build_archive(opts) {
            Ok(archive) => match cargo_build(opts, &host, Some(&archive)) {
                Ok(binary) => {
                    return Ok(Built {
                        binary,
                        note: None,
                        deep: true,
                    })
                }
                Err(e) => {
                    let binary = cargo_build(opts, &host, None)?;
                    return Ok(Built {
                        binary,
                        note: Some(deep::fallback(&format!(
                            "the fuzz target did not link with the Go archive: {e}"
                        ))),
                        deep: false,
                    });
                }
            },
            Err(why) => {
                let binary = cargo_build(opts, &host, None)?;
                return Ok(Built {
                    binary,
                    note: Some(deep::fallback(&why)),
                    deep: false,
                });
            }
        }
    }
    let binary = cargo_build(opts, &host, None)?;
    Ok(Built {
        binary,
        note: None,
        deep: false,
    })
}

/// Builds the target; with `archive`, deep mode linking that Go archive, into its own target
/// folder (`<target>/deep`) so that the two builds never overwrite each other's binary.
fn cargo_build(
    opts: &BuildOptions,
    host: &str,
    archive: Option<&Path>,
) -> Result<PathBuf, FuzzBuildError> {
    let deep = archive.is_some();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let manifest = opts.fuzz_dir.join("Cargo.toml");
    let mut cmd = Command::new(&cargo);
    cmd.args([
        "build",
        "--release",
        "--bin",
        &opts.target,
        "--target",
        host,
    ])
    .arg("--manifest-path")
    .arg(&manifest)
    .env("RUSTFLAGS", RUSTFLAGS)
    // A RUSTFLAGS set for the host build must not leak in, nor an encoded variant win over it.
    .env_remove("CARGO_ENCODED_RUSTFLAGS");
    let mut dir = target_dir(&opts.fuzz_dir);
    if let Some(archive) = archive {
        dir = dir.join("deep");
        cmd.args(["--features", "deep"])
            .env("CARGO_TARGET_DIR", &dir)
            .env(deep::ARCHIVE_ENV, archive);
    }
    let shown = format!(
        "{}RUSTFLAGS=\"{RUSTFLAGS}\" cargo build --release --bin {} --target {host} --manifest-path {}{}",
        archive
            .map(|a| format!(
                "CARGO_TARGET_DIR={} {}={} ",
                dir.display(),
                deep::ARCHIVE_ENV,
                a.display()
            ))
            .unwrap_or_default(),
        opts.target,
        manifest.display(),
        if deep { " --features deep" } else { "" }
    );
    let out = cmd.output().map_err(|source| FuzzBuildError::Spawn {
        program: cargo.to_string_lossy().into_owned(),
        dir: opts.fuzz_dir.display().to_string(),
        source,
    })?;
    if !out.status.success() {
        let text = String::from_utf8_lossy(&out.stderr);
        let lines: Vec<&str> = text.lines().collect();
        return Err(FuzzBuildError::Failed {
            dir: opts.fuzz_dir.display().to_string(),
            status: out.status.to_string(),
            output: lines[lines.len().saturating_sub(30)..].join("\n"),
            command: shown,
        });
    }
    Ok(dir.join(host).join("release").join(&opts.target))
}
