use super::*;
use crate::compare;
use crate::outcome::Class;
use crate::value::Type;

fn slugify() -> FunctionSpec {
    let mut fun = FunctionSpec::new(
        "Slugify",
        vec![("s", Type::String)],
        vec![Type::String],
        false,
    );
    fun.rust_name = "naive_slugify".into();
    fun
}

fn diverging(fun: &FunctionSpec, go: &Outcome, rust: &Outcome) -> Divergence {
    match compare::compare(&fun.compare, &fun.results, go, rust) {
        compare::Verdict::Diverge(d) => d,
        other => panic!("expected a divergence, got {other:?}"),
    }
}

fn ok(s: &str) -> Outcome {
    Outcome::Ok(vec![Value::str(s)])
}

#[test]
fn the_body_shows_input_calls_outcomes_and_a_go_minus_rust_diff() {
    let fun = slugify();
    let (go, rust) = (ok("i"), ok("i\u{307}"));
    let d = diverging(&fun, &go, &rust);
    let body = render_body(&fun, &[Value::str("İ")], &go, &rust, &d);
    assert_eq!(
        body,
        "function: Slugify\n\
         input:\n  s = \"İ\"\n\
         go call:   Slugify(\"İ\")\n\
         rust call: naive_slugify(\"İ\".to_string())\n\
         go:        ok \"i\"\n\
         rust:      ok \"i\\u0307\"\n\
         differs:   at /0 (rule: exact)\n\
         (-go +rust)\n-ok \"i\"\n+ok \"i\\u0307\"\n"
    );
}

#[test]
fn a_crash_is_recorded_by_its_class_because_its_report_varies_between_runs() {
    let fun = slugify();
    let go = ok("a");
    let rust = Outcome::Crash("signal 6 at 0x7ffd1234".into());
    let d = diverging(&fun, &go, &rust);
    assert_eq!(d.rust_class, Class::Crash);
    let body = render_body(&fun, &[Value::str("a")], &go, &rust, &d);
    assert!(body.contains("rust:      crash\n"), "{body}");
    assert!(!body.contains("0x7ffd"), "{body}");
}

#[test]
fn header_strings_are_ascii_yaml_whatever_the_input_holds() {
    assert_eq!(yaml_quote("a\"b\\c"), r#""a\"b\\c""#);
    assert_eq!(yaml_quote("İ\u{85}\n😀"), r#""\u0130\u0085\x0a\U0001f600""#);
    let file = render_file("specs/x.toml", "d: \"İ\"", "F(\"\u{2028}\")", "body\n");
    let header: Vec<&str> = file.lines().take(5).collect();
    assert!(header.iter().all(|l| l.is_ascii()), "{header:?}");
    assert_eq!(header[0], "---");
    assert_eq!(header[4], "---");
}

#[test]
fn a_written_snapshot_reads_back_as_its_normalized_body() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("abc.snap.new");
    let text = render_file("specs/x.toml", "desc", "F()", "line one\n  line two\n");
    write_atomic(&path, &text).unwrap();
    assert_eq!(
        read_body(&path).unwrap().as_deref(),
        Some("line one\n  line two")
    );
    assert_eq!(read_body(&dir.path().join("missing.snap")).unwrap(), None);
    let names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        vec!["abc.snap.new"],
        "no temporary file is left behind"
    );
}

#[test]
fn an_accepted_snapshot_makes_the_divergence_known_until_an_outcome_changes() {
    let dir = tempfile::tempdir().unwrap();
    let entry = dir.path().join("abc.json");
    let fun = slugify();
    let ctx = Context {
        source: "specs/x.toml".into(),
        ci: false,
    };
    let input = [Value::str("İ")];
    let (go, rust) = (ok("i"), ok("i\u{307}"));
    let d = diverging(&fun, &go, &rust);

    let first = review(&ctx, &fun, &entry, &input, &go, &rust, &d).unwrap();
    assert_eq!(
        first,
        Review::Unreviewed {
            pending: Some(pending_path(&entry))
        }
    );
    // What `cargo insta accept` does: the pending file becomes the accepted one.
    fs::rename(pending_path(&entry), accepted_path(&entry)).unwrap();
    let known = review(&ctx, &fun, &entry, &input, &go, &rust, &d).unwrap();
    assert_eq!(
        known,
        Review::Known {
            accepted: accepted_path(&entry)
        }
    );
    assert!(!pending_path(&entry).exists());

    let rust2 = ok("I");
    let d2 = diverging(&fun, &go, &rust2);
    let changed = review(&ctx, &fun, &entry, &input, &go, &rust2, &d2).unwrap();
    assert_eq!(
        changed,
        Review::Changed {
            accepted: accepted_path(&entry),
            pending: Some(pending_path(&entry))
        }
    );
    let pending = read_body(&pending_path(&entry)).unwrap().unwrap();
    assert!(pending.contains("+ok \"I\""), "{pending}");
}

#[test]
fn ci_mode_writes_no_pending_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let entry = dir.path().join("abc.json");
    let fun = slugify();
    let ctx = Context {
        source: "specs/x.toml".into(),
        ci: true,
    };
    let (go, rust) = (ok("a"), ok("b"));
    let d = diverging(&fun, &go, &rust);
    let r = review(&ctx, &fun, &entry, &[Value::str("a")], &go, &rust, &d).unwrap();
    assert_eq!(r, Review::Unreviewed { pending: None });
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn the_header_source_is_never_an_absolute_path() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("specs")).unwrap();
    fs::create_dir_all(dir.path().join("corpus")).unwrap();
    let spec = dir.path().join("specs/x.toml");
    fs::write(&spec, "").unwrap();
    assert_eq!(
        source_for(&spec, &dir.path().join("corpus")),
        "specs/x.toml"
    );
    let elsewhere = tempfile::tempdir().unwrap();
    assert_eq!(
        source_for(&spec, &elsewhere.path().join("corpus")),
        "x.toml"
    );
}

#[test]
fn a_snapshot_accepted_with_raw_characters_still_matches_after_they_became_escapes() {
    let dir = tempfile::tempdir().unwrap();
    let entry = dir.path().join("abc.json");
    let fun = slugify();
    let ctx = Context {
        source: "specs/x.toml".into(),
        ci: true,
    };
    let input = [Value::str("\u{6e2}")];
    let (go, rust) = (ok(""), ok("\u{6e2}"));
    let d = diverging(&fun, &go, &rust);
    let now = render_body(&fun, &input, &go, &rust, &d);
    assert!(now.contains("\\u06e2") && now.contains("\\u{6e2}"), "{now}");
    // What parity wrote before combining marks were escaped: the mark itself.
    let before = now
        .replace("\\u06e2", "\u{6e2}")
        .replace("\\u{6e2}", "\u{6e2}");
    let text = render_file(&ctx.source, "d", "Slugify(\"\u{6e2}\")", &before);
    fs::write(accepted_path(&entry), text).unwrap();
    let r = review(&ctx, &fun, &entry, &input, &go, &rust, &d).unwrap();
    assert!(matches!(r, Review::Known { .. }), "{r:?}");
    // A real change of behaviour still fails.
    let other = ok("x");
    let d2 = diverging(&fun, &go, &other);
    let r = review(&ctx, &fun, &entry, &input, &go, &other, &d2).unwrap();
    assert!(matches!(r, Review::Changed { .. }), "{r:?}");
}

#[test]
fn escaped_backslashes_are_not_read_as_code_point_escapes() {
    assert!(same_body(r#""\u00e9""#, "\"é\""));
    assert!(same_body(r#""\u{1f600}""#, r#""\U0001f600""#));
    assert!(!same_body(r#""\\u00e9""#, "\"\\é\""));
    assert!(!same_body(r#""\u00e9""#, "\"e\""));
}

#[test]
fn the_header_source_of_a_corpus_beside_the_spec_is_relative_to_the_cargo_workspace() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("Cargo.toml"), "").unwrap();
    fs::create_dir_all(dir.path().join("specs/corpus")).unwrap();
    let spec = dir.path().join("specs/x.toml");
    fs::write(&spec, "").unwrap();
    assert_eq!(
        source_for(&spec, &dir.path().join("specs/corpus")),
        "specs/x.toml"
    );
}
