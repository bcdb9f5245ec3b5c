//! The snapshot review cycle end to end, through the real `parity` binary and the real
//! `cargo insta`: a divergence becomes a pending snapshot, accepting it makes it known (the next
//! check passes), a changed Rust side fails with a new pending snapshot, rejecting leaves it
//! failing, and a fixed Rust side is reported as fixed with the files to delete.
//!
//! The project under test is a throwaway Cargo package in a temporary folder (cargo-insta needs
//! a manifest to find its snapshots) holding one spec: Go's `billing.Slugify` against a Rust
//! function chosen by the spec's `rust` key. The parity binary registers three candidates: the
//! naive port (diverges on final sigma), `title_case` (diverges differently) and the careful
//! `slugify` (agrees).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[path = "common/cargo_insta.rs"]
mod cargo_insta;

struct Project {
    dir: tempfile::TempDir,
    parity: PathBuf,
}

impl Project {
    fn new() -> Project {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(
            root.join("Cargo.toml"),
            "[package]\nname = \"review-fixture\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[workspace]\n",
        )
        .unwrap();
        std::fs::create_dir_all(root.join("src")).unwrap();
        std::fs::write(root.join("src/lib.rs"), "").unwrap();
        std::fs::create_dir_all(root.join("specs")).unwrap();
        // A private copy of the binary: the Rust worker re-executes it, and a parallel build
        // replacing the original mid-test must not change what runs.
        let parity = root.join("parity-under-test");
        std::fs::copy(env!("CARGO_BIN_EXE_parity"), &parity).unwrap();
        let p = Project { dir, parity };
        p.use_rust("naive_slugify");
        p
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Points the spec's Slugify at another registered Rust function.
    fn use_rust(&self, rust: &str) {
        let harness = Path::new(env!("CARGO_MANIFEST_DIR")).join("harness-go/cmd/billing-harness");
        let spec = format!(
            "[go]\npackage = {:?}\n\n[[function]]\nname = \"Slugify\"\nrust = \"{rust}\"\n\
             args = [{{ name = \"s\", type = \"string\", len = [0, 8], examples = [\"aΣ\"] }}]\n\
             results = [\"string\"]\n",
            harness.display().to_string()
        );
        std::fs::write(self.root().join("specs/review.toml"), spec).unwrap();
    }

    /// `parity check specs/review.toml` with a fixed seed and `cases` generated inputs, or with
    /// 0, `parity corpus replay specs/review.toml` (the corpus alone). CI is off unless `extra`
    /// asks for it.
    fn check(&self, cases: u64, extra: &[&str], env: &[(&str, &str)]) -> (i32, String) {
        let mut cmd = Command::new(&self.parity);
        cmd.current_dir(self.root());
        if cases == 0 {
            cmd.args(["corpus", "replay", "specs/review.toml"]);
        } else {
            cmd.args(["check", "specs/review.toml", "--seed", "7", "--jobs", "1"])
                .args(["--no-times", "--cases", &cases.to_string()]);
        }
        cmd.args(extra).env_remove("CI").env("NO_COLOR", "1");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        let text = format!(
            "{}\n--- stderr ---\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.code().unwrap_or(-1), text)
    }

    fn insta(&self, args: &[&str]) -> Output {
        let out = cargo_insta::command(args)
            .current_dir(self.root())
            .env_remove("CI")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "cargo insta {args:?} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// Every file under the corpus, relative, sorted: the side effects a step left.
    fn corpus_files(&self) -> Vec<String> {
        let mut files = Vec::new();
        let mut stack = vec![self.root().join("specs/corpus")];
        while let Some(d) = stack.pop() {
            let Ok(listing) = std::fs::read_dir(&d) else {
                continue;
            };
            for e in listing {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    let rel = p.strip_prefix(self.root()).unwrap();
                    files.push(rel.display().to_string().replace('\\', "/"));
                }
            }
        }
        files.sort();
        files
    }

    fn with_suffix(&self, suffix: &str) -> Vec<String> {
        self.corpus_files()
            .into_iter()
            .filter(|f| f.ends_with(suffix))
            .collect()
    }
}

#[test]
fn a_divergence_goes_from_pending_to_known_to_changed_to_fixed_through_cargo_insta() {
    let p = Project::new();

    // 1. A new divergence: the check fails and leaves a pending snapshot beside its entry.
    let (code, out) = p.check(1, &[], &[]);
    assert_eq!(code, 1, "{out}");
    let entries = p.with_suffix(".json");
    assert_eq!(entries.len(), 1, "one minimized divergence: {out}");
    let entry = entries[0].clone();
    let stem = entry.strip_suffix(".json").unwrap().to_string();
    let (accepted, pending) = (format!("{stem}.snap"), format!("{stem}.snap.new"));
    assert_eq!(p.corpus_files(), vec![entry.clone(), pending.clone()]);
    assert!(
        out.contains(&pending),
        "the report names the snapshot: {out}"
    );
    let body = std::fs::read_to_string(p.root().join(&pending)).unwrap();
    assert!(
        body.starts_with("---\nsource: \"specs/review.toml\"\n"),
        "{body}"
    );
    assert!(body.contains("rust call: naive_slugify("), "{body}");
    assert!(body.contains("(-go +rust)\n-ok "), "{body}");
    assert!(!body.contains(&p.root().display().to_string()), "{body}");

    // cargo-insta sees it where it looks by default.
    let listed = p.insta(&["pending-snapshots"]);
    assert!(
        String::from_utf8_lossy(&listed.stdout).contains(&accepted),
        "{}",
        String::from_utf8_lossy(&listed.stdout)
    );

    // 2. Accepted: the next check (corpus replay and the same generated input) passes.
    p.insta(&["accept"]);
    assert_eq!(p.corpus_files(), vec![entry.clone(), accepted.clone()]);
    let (code, out) = p.check(1, &[], &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("KNOWN Slugify"), "{out}");
    assert!(out.contains("apart from 1 known divergence"), "{out}");
    assert_eq!(p.corpus_files(), vec![entry.clone(), accepted.clone()]);
    let (code, out) = p.check(1, &["--ci"], &[]);
    assert_eq!(code, 0, "CI accepts a known divergence: {out}");

    // 3. The Rust side changes: CI fails and writes nothing; a local check writes the change.
    p.use_rust("title_case");
    let (code, out) = p.check(0, &[], &[("CI", "true")]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("no longer matches"), "{out}");
    assert_eq!(p.corpus_files(), vec![entry.clone(), accepted.clone()]);
    let (code, out) = p.check(0, &[], &[]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        p.corpus_files(),
        vec![entry.clone(), accepted.clone(), pending.clone()]
    );
    let changed = std::fs::read_to_string(p.root().join(&pending)).unwrap();
    assert!(changed.contains("rust call: title_case("), "{changed}");

    // A rejected change stays a failure.
    p.insta(&["reject"]);
    assert_eq!(p.corpus_files(), vec![entry.clone(), accepted.clone()]);
    let (code, out) = p.check(0, &["--ci"], &[]);
    assert_eq!(code, 1, "{out}");

    // 4. The Rust side is fixed: the known divergence is reported as fixed, with the files to
    // delete, and the run passes.
    p.use_rust("slugify");
    let (code, out) = p.check(1, &[], &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("FIXED Slugify: known divergence"), "{out}");
    assert!(out.contains(&format!("rm {entry} {accepted}")), "{out}");
}

#[test]
fn corpus_subcommands_list_replay_and_prune_without_generating_anything() {
    let p = Project::new();
    let (code, out) = p.check(1, &[], &[]);
    assert_eq!(code, 1, "{out}");
    let entry = p.with_suffix(".json").remove(0);
    let hash = entry
        .rsplit('/')
        .next()
        .unwrap()
        .trim_end_matches(".json")
        .to_string();
    // A copy of the entry under another name is a duplicate; a snapshot without an entry is
    // an orphan.
    let dir = p.root().join("specs/corpus/review/Slugify");
    std::fs::copy(p.root().join(&entry), dir.join("copy.json")).unwrap();
    std::fs::write(dir.join("gone.snap"), "---\n---\nx\n").unwrap();

    let run = |args: &[&str]| {
        let out = Command::new(&p.parity)
            .current_dir(p.root())
            .args(args)
            .env_remove("CI")
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, out) = run(&["corpus", "list", "specs/review.toml"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(&format!("{hash}  pending")), "{out}");
    assert!(out.contains("copy          unreviewed"), "{out}");

    let (code, out) = run(&["corpus", "replay", "specs/review.toml", "--ci"]);
    assert_eq!(code, 1, "both stored inputs still diverge: {out}");
    assert!(out.contains("0 cases"), "replay generates nothing: {out}");

    let before = p.corpus_files();
    let (code, out) = run(&["corpus", "prune", "specs/review.toml", "--dry-run"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("would remove specs/corpus/review/Slugify/copy.json (duplicate input)"),
        "{out}"
    );
    assert!(
        out.contains(
            "would remove specs/corpus/review/Slugify/gone.snap (its corpus entry is gone)"
        ),
        "{out}"
    );
    assert_eq!(p.corpus_files(), before, "a dry run removes nothing");

    // Once the Rust side agrees, an unaccepted entry adds nothing and is pruned.
    p.use_rust("slugify");
    let (code, out) = run(&["corpus", "prune", "specs/review.toml"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(p.corpus_files(), Vec::<String>::new(), "{out}");
}

#[test]
fn a_fixed_entry_names_every_file_to_delete_and_prune_counts_every_file_it_removes() {
    let p = Project::new();
    let (code, out) = p.check(1, &[], &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(", corpus specs/corpus)"),
        "the corpus defaults to the spec's folder and the report says so: {out}"
    );
    let entry = p.with_suffix(".json").remove(0);
    let pending = p.with_suffix(".snap.new").remove(0);
    assert!(entry.starts_with("specs/corpus/review/Slugify/"), "{entry}");

    // Fixed, checked in CI mode (which deletes nothing): the hint names the entry and the
    // pending snapshot still beside it.
    p.use_rust("slugify");
    let (code, out) = p.check(1, &["--ci"], &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(&format!("`rm {entry} {pending}`")), "{out}");

    // A duplicate with its own pending snapshot, and the temporary file of a killed run.
    let dir = p.root().join("specs/corpus/review/Slugify");
    std::fs::copy(p.root().join(&entry), dir.join("copy.json")).unwrap();
    std::fs::copy(p.root().join(&pending), dir.join("copy.snap.new")).unwrap();
    let mut child = Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    let tmp = dir.join(format!(".0123456789ab.tmp-{dead}"));
    std::fs::write(&tmp, "half an entry").unwrap();
    let before = p.corpus_files().len();
    assert_eq!(before, 5, "{:?}", p.corpus_files());

    let out = Command::new(&p.parity)
        .current_dir(p.root())
        .args(["corpus", "prune", "specs/review.toml"])
        .env_remove("CI")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert_eq!(p.corpus_files(), Vec::<String>::new(), "{text}");
    assert!(
        text.contains(&format!("removed {before} files")),
        "the count is every file removed: {text}"
    );
    assert!(text.contains("(left by a killed run)"), "{text}");
}
