//! Deep mode's link step: with the `deep` feature, links the Go harness built as an instrumented
//! C archive (`parity fuzz --deep` builds it and names it in `PARITY_DEEP_ARCHIVE`; see
//! docs/fuzzing.md), so the target calls Go in-process and libFuzzer sees Go's coverage too.

fn main() {
    println!("cargo:rerun-if-env-changed=PARITY_DEEP_ARCHIVE");
    if std::env::var_os("CARGO_FEATURE_DEEP").is_none() {
        return;
    }
    let Some(archive) = std::env::var_os("PARITY_DEEP_ARCHIVE").map(std::path::PathBuf::from)
    else {
        panic!(
            "the deep feature needs PARITY_DEEP_ARCHIVE, the Go harness built as a C archive\n(hint: run `parity fuzz --deep`, which builds it; see docs/fuzzing.md)"
        );
    };
    println!("cargo:rerun-if-changed={}", archive.display());
    let dir = archive.parent().expect("the archive has a folder");
    let name = archive
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_prefix("lib"))
        .and_then(|n| n.strip_suffix(".a"))
        .expect("PARITY_DEEP_ARCHIVE is named lib<name>.a");
    println!("cargo:rustc-link-search=native={}", dir.display());
    println!("cargo:rustc-link-lib=static={name}");
    // The Go runtime's own needs.
    println!("cargo:rustc-link-lib=dylib=pthread");
    println!("cargo:rustc-link-lib=dylib=resolv");
}
