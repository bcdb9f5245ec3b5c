//! The real `cargo insta`, for tests that walk the snapshot review cycle, on a machine that has
//! only Rust and Go: a `cargo-insta` that cargo already finds is used as it is; otherwise the
//! version matching the `insta` crate in `Cargo.lock` is installed once into
//! `<target>/tools/cargo-insta` (`cargo install --locked --root`), under a file lock so parallel
//! tests and test binaries wait for one install instead of racing, and used from there.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The `insta` version pinned in the workspace's `Cargo.lock`: cargo-insta is released in step
/// with it.
pub fn locked_insta_version() -> String {
    let lock_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock");
    let lock = std::fs::read_to_string(&lock_path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", lock_path.display()));
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"insta\"" {
            if let Some(v) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = \""))
            {
                return v.trim_end_matches('"').to_string();
            }
        }
    }
    panic!(
        "{}: no `insta` package\n(hint: insta is a dev-dependency of the workspace; run `cargo update -p insta`)",
        lock_path.display()
    )
}

/// A folder to put first on the `PATH` of a `cargo insta` child (`None`: cargo already finds a
/// cargo-insta and nothing needs to change).
pub fn bin_dir() -> Option<PathBuf> {
    static DIR: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        if works(Command::new("cargo").args(["insta", "--version"])).is_some() {
            return None;
        }
        Some(install_cached())
    })
    .clone()
}

/// `cargo insta` with `args`, finding the cached copy when there is one.
pub fn command(args: &[&str]) -> Command {
    let mut cmd = Command::new("cargo");
    cmd.arg("insta").args(args);
    if let Some(dir) = bin_dir() {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let mut dirs = vec![dir];
        dirs.extend(std::env::split_paths(&path));
        cmd.env(
            "PATH",
            std::env::join_paths(dirs).expect("PATH entries join"),
        );
    }
    cmd
}

/// The stdout of a command that ran and succeeded.
fn works(cmd: &mut Command) -> Option<String> {
    cmd.output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
}

/// Installs the locked cargo-insta version under the target folder unless it is there already;
/// returns its `bin` folder.
fn install_cached() -> PathBuf {
    let version = locked_insta_version();
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target temp folder lies inside the target folder");
    let tools = target.join("tools");
    std::fs::create_dir_all(&tools).expect("the target folder is writable");
    let root = tools.join("cargo-insta");
    let bin = root.join("bin");
    let exe = bin.join("cargo-insta");
    let lock =
        File::create(tools.join("cargo-insta.lock")).expect("a lock file under target/tools");
    // Blocks while another test (or test binary) installs; released when `lock` is dropped.
    lock.lock().expect("locking target/tools/cargo-insta.lock");
    let installed = |exe: &Path| {
        works(Command::new(exe).arg("--version")).is_some_and(|v| v.contains(&version))
    };
    if !installed(&exe) {
        let out = Command::new("cargo")
            .args(["install", "cargo-insta", "--locked", "--version", &version])
            .arg("--root")
            .arg(&root)
            .output()
            .expect("cargo runs");
        assert!(
            out.status.success() && installed(&exe),
            "installing cargo-insta {version} into {} failed:\n{}\n\
             (hint: this needs access to crates.io once; or install it yourself with \
             `cargo install cargo-insta --locked --version {version}`)",
            root.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    drop(lock);
    bin
}
