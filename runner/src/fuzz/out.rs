//! `parity fuzz --build-only [--out DIR]`: builds the fuzz target without fuzzing, for CI systems
//! that run targets themselves. Without `--out` it prints the target's path; with it, it lays out
//! ClusterFuzzLite's `$OUT` (`.clusterfuzzlite/build.sh` only calls this), for every function
//! of the spec:
//!
//! - `<spec>_<Function>`: a copy of the target (ClusterFuzzLite's unit is one binary per target);
//! - `<spec>_<Function>.parity`: its settings (spec, function, Go harness; paths relative to
//!   `$OUT`), read by the target beside its executable ([`super::target::SETTINGS_EXT`]);
//! - `<spec>.toml` and `<spec>-go-harness`: the spec and its Go harness, built now (the runner
//!   image has no Go), so only `[go] package` specs can be laid out;
//! - `<spec>_<Function>_seed_corpus.zip`: the spec's examples, `check`'s first generated inputs and
//!   the value corpus as seeds (when `zip` is installed).

use std::path::Path;
use std::process::Command;

use super::{build_target, io, seed_corpus, FuzzError, FuzzOptions};
use crate::check::{self, CheckError};
use crate::spec::GoSource;

/// Builds the target; with `out`, lays out ClusterFuzzLite's `$OUT` there.
pub fn build_only(opts: &FuzzOptions, out: Option<&Path>) -> Result<(), FuzzError> {
    let spec = check::load_spec(&opts.spec_path, opts.function.as_deref())?;
    let mut build = opts.build.clone();
    if let GoSource::Package { dir } = &spec.go {
        build.go_package = Some(dir.clone());
    }
    let built = build_target(&build)?;
    if let Some(note) = &built.note {
        eprintln!("{note}");
    }
    let Some(out) = out else {
        println!("{}", built.binary.display());
        return Ok(());
    };
    if let GoSource::Command { .. } = &spec.go {
        return Err(CheckError::Usage(format!(
            "error: {}: `[go] command` specs cannot be laid out for ClusterFuzzLite, whose runner has only $OUT\n(hint: use `[go] package`, which is built into $OUT now)",
            opts.spec_path.display()
        ))
        .into());
    }
    std::fs::create_dir_all(out).map_err(io("create", out))?;
    let stem = opts
        .spec_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "spec".into());
    let spec_file = format!("{stem}.toml");
    copy(&opts.spec_path, &out.join(&spec_file))?;
    let go = check::go_command(&spec).map_err(CheckError::from)?;
    let harness = format!("{stem}-go-harness");
    copy(&go.program, &out.join(&harness))?;
    let safe: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let mut zip_missing = false;
    for fun in &spec.functions {
        let name = format!("{safe}_{}", fun.name);
        copy(&built.binary, &out.join(&name))?;
        let settings = out.join(format!("{name}.{}", super::target::SETTINGS_EXT));
        let text = format!(
            "{}={spec_file}\n{}={}\n{}={harness}\n",
            super::target::SPEC_ENV,
            super::target::FUNCTION_ENV,
            fun.name,
            super::target::GO_ENV,
        );
        std::fs::write(&settings, text).map_err(io("write", &settings))?;
        let seeds = opts.fuzz_corpus.join(&spec.name).join(&fun.name);
        seed_corpus(&spec, fun, opts, &seeds)?;
        let zip = out.join(format!("{name}_seed_corpus.zip"));
        let _ = std::fs::remove_file(&zip);
        let zipped = Command::new("zip")
            .args(["-q", "-r"])
            .arg(std::path::absolute(&zip).unwrap_or(zip.clone()))
            .arg(".")
            .current_dir(&seeds)
            .status();
        zip_missing |= !zipped.is_ok_and(|s| s.success());
    }
    if zip_missing {
        eprintln!("warning: no seed corpus zips in `{}`: `zip` failed or is not installed (the targets start from an empty corpus)", out.display());
    }
    eprintln!(
        "parity fuzz: {} fuzz targets for {} in {}",
        spec.functions.len(),
        opts.spec_path.display(),
        out.display()
    );
    Ok(())
}

fn copy(from: &Path, to: &Path) -> Result<(), FuzzError> {
    // Replace rather than write through: a running copy of the old target stays intact.
    let _ = std::fs::remove_file(to);
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(io("copy", from))
}
