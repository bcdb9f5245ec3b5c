use super::*;

#[test]
fn long_outcomes_are_cut_around_their_first_difference() {
    let go = format!("ok \"{}a{}\"", "x".repeat(10_000), "y".repeat(10_000));
    let rust = format!("ok \"{}b{}\"", "x".repeat(10_000), "y".repeat(10_000));
    let (g, r) = clip_pair(go, rust);
    assert!(g.chars().count() < SHOWN_CHARS + 100, "{}", g.len());
    assert!(
        g.contains("xa") && r.contains("xb"),
        "the difference stays visible"
    );
    assert!(g.starts_with("… (") && g.ends_with("characters after)"));
}

#[test]
fn short_outcomes_are_shown_whole() {
    let (g, r) = clip_pair("ok 1".into(), "ok 2".into());
    assert_eq!((g.as_str(), r.as_str()), ("ok 1", "ok 2"));
}

#[test]
fn chunk_seeds_differ_per_chunk_and_per_run_seed() {
    assert_ne!(chunk_seed(1, 0), chunk_seed(1, 1));
    assert_ne!(chunk_seed(1, 0), chunk_seed(2, 0));
    assert_eq!(chunk_seed(7, 3), chunk_seed(7, 3));
}
