//! The README's instructions are complete enough to follow: its Rust snippets are whole
//! programs, its dependency line is a real one, struct arguments are shown, and it says which
//! build profile to check a port with.

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap()
}

/// The fenced blocks of one language.
fn blocks(text: &str, lang: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let fence = line.trim_start();
        match &mut current {
            None if fence == format!("```{lang}") => current = Some(String::new()),
            Some(_) if fence == "```" => out.push(current.take().unwrap()),
            Some(b) => {
                b.push_str(line);
                b.push('\n');
            }
            None => {}
        }
    }
    out
}

#[test]
fn every_rust_snippet_in_the_readme_is_a_whole_program_with_the_main_parity_expects() {
    let rust = blocks(&readme(), "rust");
    assert!(!rust.is_empty());
    for b in &rust {
        assert!(
            b.contains("fn main() -> std::process::ExitCode {") && b.contains("parity::main("),
            "a snippet a reader can paste as src/main.rs:\n{b}"
        );
    }
}

#[test]
fn the_readme_shows_struct_arguments_with_wire_struct() {
    let rust = blocks(&readme(), "rust");
    assert!(
        rust.iter().any(|b| b.contains("parity::wire_struct!(")),
        "{rust:?}"
    );
}

#[test]
fn the_readme_dependency_lines_have_no_placeholders() {
    let text = readme();
    for line in text.lines().filter(|l| l.contains("parity = {")) {
        assert!(
            !line.contains('…') && !line.contains("..."),
            "a dependency line a reader can copy: {line}"
        );
    }
    assert!(
        text.contains(r#"parity = { path = "#) && text.contains(r#"parity = { git = "https://"#),
        "both the path and the git form are shown"
    );
}

#[test]
fn the_readme_says_which_build_profile_to_check_a_port_with_and_why() {
    let text = readme();
    assert!(text.contains("--release"), "the recommendation");
    assert!(
        text.contains("overflow-checks = false"),
        "the dev-profile alternative"
    );
    assert!(
        text.contains("overflow") && text.contains("wraps"),
        "why: debug builds panic where Go wraps"
    );
}
