//! Spec errors: every problem found in a spec, each naming the file, line and column, what is
//! wrong and how to fix it.

use std::fmt;
use std::path::Path;

/// One problem in a spec file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The spec file as given, with forward slashes.
    pub file: String,
    /// 1-based line; 0 when the problem has no position (an unreadable file, a harness problem).
    pub line: usize,
    /// 1-based column (in characters); 0 when the problem has no position.
    pub column: usize,
    /// What is wrong, as a lowercase sentence fragment.
    pub message: String,
    /// How to fix it, when there is something useful to say.
    pub hint: Option<String>,
}

/// Renders `failed to load spec at FILE:LINE:COLUMN: MESSAGE` and the hint on its own line.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = &self.file;
        if self.line == 0 {
            write!(f, "failed to load spec at {file}: {}", self.message)?;
        } else {
            let (line, column) = (self.line, self.column);
            write!(
                f,
                "failed to load spec at {file}:{line}:{column}: {}",
                self.message
            )?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n(hint: {hint})")?;
        }
        Ok(())
    }
}

/// A spec that could not be loaded or does not match the harnesses: one or more [`Diagnostic`]s,
/// in file order.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", render(.diagnostics))]
pub struct SpecError {
    /// Every problem found, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

fn render(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for (i, d) in diagnostics.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&format!("error: {d}"));
    }
    out
}

/// The file name as shown in messages: as given, with forward slashes.
pub(crate) fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Maps byte offsets in the spec text to 1-based line and column.
#[derive(Clone, Debug)]
pub(crate) struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { text, starts }
    }

    /// The 1-based line and character column of a byte offset.
    pub(crate) fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count())
            + 1;
        (line, column)
    }
}

/// Collects diagnostics while a spec is validated, so that every problem is reported at once.
pub(crate) struct Diags<'a> {
    file: String,
    lines: Lines<'a>,
    list: Vec<Diagnostic>,
}

impl<'a> Diags<'a> {
    pub(crate) fn new(path: &Path, text: &'a str) -> Self {
        Diags {
            file: display_path(path),
            lines: Lines::new(text),
            list: Vec::new(),
        }
    }

    /// Records a problem at a byte offset of the spec text.
    pub(crate) fn at(&mut self, offset: usize, message: impl Into<String>, hint: Option<String>) {
        let (line, column) = self.lines.position(offset);
        self.push(line, column, message.into(), hint);
    }

    /// Records a problem that has no position in the file.
    pub(crate) fn whole_file(&mut self, message: impl Into<String>, hint: Option<String>) {
        self.push(0, 0, message.into(), hint);
    }

    /// Records a problem at a line and column already known.
    pub(crate) fn at_line(
        &mut self,
        line: usize,
        column: usize,
        message: impl Into<String>,
        hint: Option<String>,
    ) {
        self.push(line, column, message.into(), hint);
    }

    fn push(&mut self, line: usize, column: usize, message: String, hint: Option<String>) {
        // A last guard against echoing huge text (a type or value of many kilobytes): the
        // messages clip what they quote, and no message or hint grows past a screenful.
        let d = Diagnostic {
            file: self.file.clone(),
            line,
            column,
            message: clip(&message, MAX_MESSAGE),
            hint: hint.map(|h| clip(&h, MAX_MESSAGE)),
        };
        if !self.list.contains(&d) {
            self.list.push(d);
        }
    }

    /// How many problems were reported so far.
    pub(crate) fn count(&self) -> usize {
        self.list.len()
    }

    /// The 1-based line and column of a byte offset.
    pub(crate) fn position(&self, offset: usize) -> (usize, usize) {
        self.lines.position(offset)
    }

    /// `Ok(value)` when nothing was reported, else every diagnostic in file order.
    pub(crate) fn finish<T>(self, value: T) -> Result<T, SpecError> {
        if self.list.is_empty() {
            Ok(value)
        } else {
            Err(self.into_error())
        }
    }

    pub(crate) fn into_error(self) -> SpecError {
        let mut diagnostics = self.list;
        diagnostics.sort_by_key(|d| (d.line, d.column));
        SpecError { diagnostics }
    }
}

/// The longest a message or a hint may be, in characters.
const MAX_MESSAGE: usize = 600;

/// The longest quoted text (a type, a value, a pattern) a message echoes, in characters.
pub(crate) const MAX_QUOTE: usize = 80;

/// `text` if it has at most `max` characters; else its start and end around
/// `…(N characters)…`, so a reader still recognizes it.
pub(crate) fn clip(text: &str, max: usize) -> String {
    let n = text.chars().count();
    if n <= max {
        return text.to_string();
    }
    let head: String = text.chars().take(max * 2 / 3).collect();
    let tail: String = text.chars().skip(n - max / 3).collect();
    format!("{head}…({n} characters)…{tail}")
}

/// `text` quoted as Rust's `{:?}` does, clipped to [`MAX_QUOTE`] characters.
pub(crate) fn clip_debug(text: &str) -> String {
    let n = text.chars().count();
    if n <= MAX_QUOTE {
        return format!("{text:?}");
    }
    let head: String = text.chars().take(MAX_QUOTE * 2 / 3).collect();
    let tail: String = text.chars().skip(n - MAX_QUOTE / 3).collect();
    format!("{head:?}…({n} characters)…{tail:?}")
}

/// A type or other echoed text for a message: as written, clipped to [`MAX_QUOTE`].
pub(crate) fn quote(text: impl fmt::Display) -> String {
    clip(&text.to_string(), MAX_QUOTE)
}

/// The closest candidate to `name` if it is close enough to be a likely typo. Case and
/// underscores are ignored first, so `ParseAmount` finds `parse_amount`.
pub(crate) fn closest<'c>(
    name: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let norm = |s: &str| -> Vec<char> {
        s.chars()
            .filter(|c| *c != '_' && *c != '-')
            .flat_map(char::to_lowercase)
            .collect()
    };
    let target = norm(name);
    let limit = (target.len() / 3).max(1);
    // A name that extends or shortens a candidate of two or more letters (`gooo`, `func`) is
    // as likely a typo as one a letter or two away.
    let affix = |c: &[char]| {
        let (short, long) = if c.len() <= target.len() {
            (c, &target[..])
        } else {
            (&target[..], c)
        };
        short.len() >= 2 && (long.starts_with(short) || long.ends_with(short))
    };
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .filter_map(|c| {
            let n = norm(c);
            let d = edit_distance(&target, &n);
            (d <= limit || affix(&n)).then_some((d, c))
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Edit distance where swapping two neighbouring letters counts as one edit (optimal string
/// alignment), so `rnage` is one edit from `range`.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let (n, m) = (a.len(), b.len());
    let mut dist = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in dist.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in dist[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (dist[i - 1][j] + 1)
                .min(dist[i][j - 1] + 1)
                .min(dist[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(dist[i - 2][j - 2] + 1);
            }
            dist[i][j] = best;
        }
    }
    dist[n][m]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_to_one_based_lines_and_character_columns() {
        let lines = Lines::new("ab\nçd\n");
        assert_eq!(lines.position(0), (1, 1));
        assert_eq!(lines.position(3), (2, 1));
        assert_eq!(lines.position(5), (2, 2)); // after the two-byte `ç`
        assert_eq!(lines.position(7), (3, 1));
    }

    #[test]
    fn closest_ignores_case_and_underscores_and_rejects_far_names() {
        let names = ["parse_amount", "format_amount", "add"];
        assert_eq!(closest("ParseAmount", names), Some("parse_amount"));
        assert_eq!(closest("parse_amout", names), Some("parse_amount"));
        assert_eq!(closest("totally_else", names), None);
        assert_eq!(closest("gooo", ["go", "types", "function"]), Some("go"));
        assert_eq!(
            closest("func", ["go", "types", "function"]),
            Some("function")
        );
        assert_eq!(closest("x", ["go", "types", "function"]), None);
        assert_eq!(closest("rnage", ["range", "len"]), Some("range"));
    }

    #[test]
    fn long_quoted_text_is_clipped_around_its_length() {
        assert_eq!(clip("short", 10), "short");
        let long = "a".repeat(1000);
        let clipped = clip(&long, 30);
        assert!(clipped.contains("…(1000 characters)…"), "{clipped}");
        assert!(clipped.chars().count() < 60, "{clipped}");
        assert!(
            clip_debug(&long).starts_with("\"aaa"),
            "{}",
            clip_debug(&long)
        );
    }
}
