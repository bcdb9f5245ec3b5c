//! The fuzz crate `parity fuzz` generates for a team's own project, so that nobody copies `fuzz/`.
//!
//! The convention: the port's registry is a library function, `pub fn registry() ->
//! parity::Registry`, at the root of a library crate of the user's Cargo workspace (its parity
//! binary's `main` calls it too). [`prepare`] finds that crate with `cargo metadata` (the package
//! of the current folder, else the one workspace member with a library that depends on parity, or
//! `--crate NAME|PATH`), reads where its `parity` comes from (path, git or registry), and writes a
//! fuzz crate into `<target>/parity/fuzz/<hash>/`: a `Cargo.toml` that is its own workspace and
//! depends on that same `parity` and on the user's crate by path, a deep-mode link script, and a
//! 20-line target calling [`super::target::init`] with the user's `registry()`. The hash is that
//! of the generated files, so a changed dependency makes a new crate and an unchanged one is
//! rebuilt incrementally. The user's `Cargo.lock` is copied in (when it changed), so the fuzz
//! build uses the versions the project already uses.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::build::FuzzBuildError;

/// Where a generated (or given) fuzz crate lives and builds.
#[derive(Clone, Debug)]
pub struct Project {
    /// The fuzz crate's folder.
    pub crate_dir: PathBuf,
    /// The target binary's name: `differential-<hash>`, unique per generated crate, because every
    /// generated crate builds into the same target folder (which shares the instrumented
    /// dependencies between them).
    pub target: String,
    /// cargo's target folder for the instrumented builds (kept apart from the user's own builds,
    /// whose flags differ, so that neither rebuilds the other's artifacts).
    pub target_dir: PathBuf,
    /// The default home of libFuzzer's corpus (`corpus/`) and work folders (`work/`).
    pub data_dir: PathBuf,
    /// The user's crate (package name), for messages.
    pub port: String,
}

#[derive(Deserialize)]
struct Metadata {
    packages: Vec<Package>,
    workspace_members: Vec<String>,
    workspace_root: PathBuf,
    target_directory: PathBuf,
}

#[derive(Deserialize, Clone)]
struct Package {
    name: String,
    id: String,
    manifest_path: PathBuf,
    dependencies: Vec<Dependency>,
    targets: Vec<Target>,
}

#[derive(Deserialize, Clone)]
struct Dependency {
    name: String,
    source: Option<String>,
    req: String,
    kind: Option<String>,
    path: Option<PathBuf>,
}

#[derive(Deserialize, Clone)]
struct Target {
    kind: Vec<String>,
}

impl Package {
    fn has_lib(&self) -> bool {
        self.targets.iter().any(|t| {
            t.kind
                .iter()
                .any(|k| k.ends_with("lib") || k == "proc-macro")
        })
    }

    fn parity(&self) -> Option<&Dependency> {
        self.dependencies
            .iter()
            .find(|d| d.name == "parity" && d.kind.is_none())
    }

    fn dir(&self) -> &Path {
        self.manifest_path.parent().unwrap_or(Path::new("."))
    }
}

fn metadata(manifest: Option<&Path>, cwd: &Path) -> Result<Metadata, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(&cargo);
    cmd.args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(cwd);
    if let Some(m) = manifest {
        cmd.arg("--manifest-path").arg(m);
    }
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run `cargo metadata`: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "`cargo metadata` failed in `{}`:\n{}",
            cwd.display(),
            String::from_utf8_lossy(&out.stderr).trim_end()
        ));
    }
    serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("cannot read the output of `cargo metadata`: {e}"))
}

fn no_crate(why: String) -> FuzzBuildError {
    FuzzBuildError::NoPort { why }
}

/// The registry convention, said once for every hint.
pub(super) const CONVENTION: &str = "the registry lives in `pub fn registry() -> parity::Registry` in the library of your port's crate (src/lib.rs), and your parity binary's main returns `parity::main(your_crate::registry())`; see docs/fuzzing.md";

/// Finds the user's crate (`choice`: `--crate`, a package name or a crate folder) from `cwd`,
/// writes the fuzz crate for it and returns where it lives.
pub fn prepare(choice: Option<&str>, cwd: &Path) -> Result<Project, FuzzBuildError> {
    let as_path = choice
        .map(|c| cwd.join(c))
        .filter(|p| p.join("Cargo.toml").is_file());
    let workspace = metadata(None, cwd);
    let (meta, package, lock_root) = match (&as_path, choice) {
        (Some(dir), _) => {
            let manifest = std::fs::canonicalize(dir.join("Cargo.toml"))
                .map_err(|e| no_crate(format!("cannot read `{}`: {e}", dir.display())))?;
            let own = metadata(Some(&manifest), cwd).map_err(no_crate)?;
            let package = own
                .packages
                .iter()
                .find(|p| p.manifest_path == manifest)
                .cloned()
                .ok_or_else(|| {
                    no_crate(format!(
                        "`{}` is not a package manifest",
                        manifest.display()
                    ))
                })?;
            let lock_root = own.workspace_root.clone();
            // Build under the current workspace's target folder when there is one.
            (workspace.unwrap_or(own), package, lock_root)
        }
        (None, Some(name)) => {
            let meta = workspace.map_err(no_crate)?;
            let package = meta
                .packages
                .iter()
                .find(|p| p.name == name)
                .cloned()
                .ok_or_else(|| {
                    let names: Vec<&str> = meta.packages.iter().map(|p| p.name.as_str()).collect();
                    no_crate(format!(
                        "`--crate {name}` is neither a package of the workspace at `{}` (its packages: {}) nor a folder with a Cargo.toml",
                        meta.workspace_root.display(),
                        names.join(", ")
                    ))
                })?;
            let lock_root = meta.workspace_root.clone();
            (meta, package, lock_root)
        }
        (None, None) => {
            let meta = workspace.map_err(|e| {
                no_crate(format!(
                    "{e}\n(hint: run `parity fuzz` inside your Cargo project, or pass --crate with the folder of your port's crate)"
                ))
            })?;
            let package = pick(&meta, cwd)?;
            let lock_root = meta.workspace_root.clone();
            (meta, package, lock_root)
        }
    };
    if !package.has_lib() {
        return Err(no_crate(format!(
            "the crate `{}` ({}) has no library, and the fuzz target calls its `registry()` in-process\n(hint: {CONVENTION})",
            package.name,
            package.manifest_path.display()
        )));
    }
    let Some(parity) = package.parity() else {
        return Err(no_crate(format!(
            "the crate `{}` ({}) does not depend on `parity`\n(hint: {CONVENTION})",
            package.name,
            package.manifest_path.display()
        )));
    };
    let parity_dep = dependency_toml(parity)?;
    let key = {
        let mut h = Sha256::new();
        for part in [
            package.manifest_path.display().to_string().as_str(),
            &parity_dep,
            super::build::TARGET_SOURCE,
            super::build::DEEP_BUILD_SCRIPT,
        ] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        h.finalize()
            .iter()
            .take(8)
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let target_name = format!("differential-{key}");
    let files = files(&package, &parity_dep, &target_name);
    let target = std::path::absolute(&meta.target_directory).unwrap_or(meta.target_directory);
    let root = target.join("parity").join("fuzz");
    let crate_dir = root.join(&key);
    for (name, text) in &files {
        write_if_changed(&crate_dir.join(name), text)?;
    }
    // The workspace the user's crate belongs to holds the lock file with its versions.
    // A crate outside the current workspace without a lock of its own takes the current one's.
    let lock = [&lock_root, &meta.workspace_root]
        .iter()
        .map(|r| r.join("Cargo.lock"))
        .find(|l| l.is_file());
    if let Some(lock) = lock {
        copy_lock(&lock, &crate_dir)?;
    }
    Ok(Project {
        target: target_name,
        crate_dir,
        target_dir: root.join("build"),
        data_dir: root,
        port: package.name.clone(),
    })
}

/// The package of the current folder, else the one member with a library depending on parity.
fn pick(meta: &Metadata, cwd: &Path) -> Result<Package, FuzzBuildError> {
    let cwd = std::fs::canonicalize(cwd).unwrap_or_else(|_| cwd.to_path_buf());
    let members: Vec<&Package> = meta
        .packages
        .iter()
        .filter(|p| meta.workspace_members.contains(&p.id) && p.name != "parity")
        .collect();
    let here = members
        .iter()
        .filter(|p| cwd.starts_with(p.dir()))
        .max_by_key(|p| p.dir().components().count());
    if let Some(p) = here {
        if p.has_lib() && p.parity().is_some() {
            return Ok((*p).clone());
        }
    }
    let candidates: Vec<&&Package> = members
        .iter()
        .filter(|p| p.has_lib() && p.parity().is_some())
        .collect();
    match candidates.as_slice() {
        [one] => Ok((**one).clone()),
        [] => Err(no_crate(format!(
            "no crate of the workspace at `{}` has a library that depends on `parity`{}\n(hint: {CONVENTION})",
            meta.workspace_root.display(),
            here.map(|p| format!(" (the crate of this folder, `{}`, has {})", p.name, if p.has_lib() { "no dependency on parity" } else { "no library" })).unwrap_or_default()
        ))),
        many => Err(no_crate(format!(
            "several crates of the workspace at `{}` have a library that depends on `parity`: {}\n(hint: pass --crate with the one whose library has `pub fn registry() -> parity::Registry`, or run from its folder)",
            meta.workspace_root.display(),
            many.iter().map(|p| format!("`{}`", p.name)).collect::<Vec<_>>().join(", ")
        ))),
    }
}

fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The `parity` dependency of the user's crate, as an inline table for the generated manifest.
fn dependency_toml(dep: &Dependency) -> Result<String, FuzzBuildError> {
    let version = (dep.req != "*").then(|| format!(", version = {}", toml_str(&dep.req)));
    if let Some(path) = &dep.path {
        return Ok(format!(
            "{{ path = {} }}",
            toml_str(&path.display().to_string())
        ));
    }
    let source = dep.source.as_deref().unwrap_or("");
    if let Some(git) = source.strip_prefix("git+") {
        let git = git.split('#').next().unwrap_or(git);
        let (url, query) = git.split_once('?').unwrap_or((git, ""));
        let mut out = format!("{{ git = {}", toml_str(url));
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            if let Some((k @ ("branch" | "tag" | "rev"), v)) = pair.split_once('=') {
                out.push_str(&format!(", {k} = {}", toml_str(v)));
            }
        }
        out.push_str(&version.unwrap_or_default());
        out.push_str(" }");
        return Ok(out);
    }
    if source.is_empty() || source.contains("crates.io-index") {
        return Ok(format!("{{ version = {} }}", toml_str(&dep.req)));
    }
    Err(no_crate(format!(
        "the crate depends on `parity` from `{source}`, which the generated fuzz crate cannot name\n(hint: depend on parity by path, git or crates.io version, or write a fuzz crate yourself and pass --fuzz-dir; see docs/fuzzing.md)"
    )))
}

/// The generated crate's files: manifest, deep-mode link script, target.
fn files(port: &Package, parity: &str, target: &str) -> Vec<(&'static str, String)> {
    let manifest = format!(
        r#"# Generated by `parity fuzz` for the crate `{name}`; rewritten when it changes, do not edit.
# Its own workspace, so that the instrumented build never touches the project's.
[package]
name = "parity-fuzz-target"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[features]
# Links the Go harness built as an instrumented C archive and calls Go in-process ("deep" mode).
deep = []

[dependencies]
libfuzzer-sys = "0.4"
parity = {parity}
parity_port = {{ package = {pkg}, path = {path} }}

[[bin]]
name = "{target}"
path = "fuzz_targets/differential.rs"
test = false
doc = false
bench = false

[profile.release]
debug = 1
"#,
        name = port.name,
        pkg = toml_str(&port.name),
        path = toml_str(&port.dir().display().to_string()),
    );
    vec![
        ("Cargo.toml", manifest),
        ("build.rs", super::build::DEEP_BUILD_SCRIPT.to_string()),
        (
            "fuzz_targets/differential.rs",
            super::build::TARGET_SOURCE.to_string(),
        ),
    ]
}

fn write_if_changed(path: &Path, text: &str) -> Result<(), FuzzBuildError> {
    if std::fs::read_to_string(path).ok().as_deref() == Some(text) {
        return Ok(());
    }
    let io = |source| FuzzBuildError::Write {
        path: path.display().to_string(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    std::fs::write(path, text).map_err(io)
}

/// Copies the project's lock file in when it changed since the last copy (cargo then only adds
/// what the fuzz crate needs besides: libfuzzer-sys).
fn copy_lock(lock: &Path, crate_dir: &Path) -> Result<(), FuzzBuildError> {
    let bytes = std::fs::read(lock).map_err(|source| FuzzBuildError::Write {
        path: lock.display().to_string(),
        source,
    })?;
    let stamp = crate_dir.join(".lock-source");
    let digest: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let text = format!("{digest} {}\n", lock.display());
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(text.as_str())
        && crate_dir.join("Cargo.lock").is_file()
    {
        return Ok(());
    }
    let dest = crate_dir.join("Cargo.lock");
    std::fs::write(&dest, &bytes).map_err(|source| FuzzBuildError::Write {
        path: dest.display().to_string(),
        source,
    })?;
    write_if_changed(&stamp, &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dep(source: Option<&str>, req: &str, path: Option<&str>) -> Dependency {
        Dependency {
            name: "parity".into(),
            source: source.map(str::to_string),
            req: req.into(),
            kind: None,
            path: path.map(PathBuf::from),
        }
    }

    #[test]
    fn the_generated_crate_depends_on_parity_from_the_same_source_as_the_users_crate() {
        assert_eq!(
            dependency_toml(&dep(None, "*", Some("/src/parity/runner"))).unwrap(),
            r#"{ path = "/src/parity/runner" }"#
        );
        assert_eq!(
            dependency_toml(&dep(
                Some("git+https://github.com/parity-dev/parity?branch=main"),
                "*",
                None
            ))
            .unwrap(),
            r#"{ git = "https://github.com/parity-dev/parity", branch = "main" }"#
        );
        assert_eq!(
            dependency_toml(&dep(
                Some("git+https://example.com/p.git?rev=abc123"),
                "^0.1",
                None
            ))
            .unwrap(),
            r#"{ git = "https://example.com/p.git", rev = "abc123", version = "^0.1" }"#
        );
        assert_eq!(
            dependency_toml(&dep(
                Some("registry+https://github.com/rust-lang/crates.io-index"),
                "^0.1.0",
                None
            ))
            .unwrap(),
            r#"{ version = "^0.1.0" }"#
        );
        let err = dependency_toml(&dep(Some("registry+https://my.corp/index"), "^0.1", None))
            .unwrap_err()
            .to_string();
        assert!(err.contains("--fuzz-dir"), "{err}");
    }
}
