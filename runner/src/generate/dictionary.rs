//! A dictionary from the Go source: the string, rune and numeric literals of the Go package under
//! test, as libFuzzer dictionaries hold them. Code that compares against a constant written in
//! its own source (`case "x-request-id":`, `if n == 8675309`) is almost never reached by random
//! values; inserting the source's own literals at a modest rate reaches it.
//!
//! Which files: `go list -deps -json` in the spec's Go package names every package it builds; the
//! dictionary reads the non-test Go files of the packages of the main module that the harness
//! imports (the package itself and, through its imports, the packages its functions live in),
//! never the standard library and never the parity harness package. The literal scanner is a
//! small Go lexer in Rust (comments, interpreted and raw strings, runes, numbers), so nothing but
//! the go tool is needed.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The import path of the harness package, whose literals belong to parity, not to the code
/// under test.
const HARNESS_PACKAGE: &str = "github.com/parity-dev/parity/harness-go";
/// Longest token kept, in bytes (libFuzzer's own limit is 64).
const MAX_TOKEN: usize = 64;
/// Most tokens kept per dictionary.
const MAX_TOKENS: usize = 2000;

/// Tokens read from Go source: byte strings (string and rune literals, and the spelling of every
/// number), integer and float values. Deduplicated, in source order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dictionary {
    /// String and rune literals (decoded), and numeric literals as written.
    pub strings: Vec<Vec<u8>>,
    /// The values of integer literals.
    pub ints: Vec<i128>,
    /// The values of float literals (integer literals too, as floats).
    pub floats: Vec<f64>,
}

impl Dictionary {
    /// How many distinct tokens the dictionary holds (what the summary reports).
    pub fn len(&self) -> usize {
        self.strings.len()
    }

    /// Whether the dictionary holds no token.
    pub fn is_empty(&self) -> bool {
        self.strings.is_empty()
    }

    /// Adds the literals of one Go source text.
    pub fn add_source(&mut self, src: &str) {
        for lit in scan(src) {
            if self.strings.len() >= MAX_TOKENS {
                return;
            }
            match lit {
                Literal::Str(b) => self.add_string(b),
                Literal::Int(text, v) => {
                    self.add_string(text.into_bytes());
                    if !self.ints.contains(&v) {
                        self.ints.push(v);
                    }
                    let f = v as f64;
                    if !self.floats.iter().any(|x| x.to_bits() == f.to_bits()) {
                        self.floats.push(f);
                    }
                }
                Literal::Float(text, v) => {
                    self.add_string(text.into_bytes());
                    if !self.floats.iter().any(|x| x.to_bits() == v.to_bits()) {
                        self.floats.push(v);
                    }
                }
            }
        }
    }

    fn add_string(&mut self, b: Vec<u8>) {
        if !b.is_empty() && b.len() <= MAX_TOKEN && !self.strings.contains(&b) {
            self.strings.push(b);
        }
    }

    /// The dictionary in libFuzzer's `-dict` format: one `"…"` line per token, with `\\`, `\"`
    /// and every byte outside printable ASCII written as `\xNN`.
    pub fn libfuzzer_text(&self) -> String {
        let mut out = String::from("# Literals of the Go package under test, read by parity.\n");
        for t in &self.strings {
            out.push('"');
            for &b in t {
                match b {
                    b'\\' => out.push_str("\\\\"),
                    b'"' => out.push_str("\\\""),
                    0x20..=0x7e => out.push(char::from(b)),
                    _ => out.push_str(&format!("\\x{b:02X}")),
                }
            }
            out.push_str("\"\n");
        }
        out
    }
}

/// Reads the dictionary of the Go main package in `dir` (see the module docs for which files).
/// A package the go tool cannot list gives an empty dictionary: the build reports the problem.
pub fn read_go_package(dir: &Path) -> Dictionary {
    let mut dict = Dictionary::default();
    for file in go_files(dir) {
        if let Ok(src) = std::fs::read_to_string(&file) {
            dict.add_source(&src);
        }
    }
    dict
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListedPackage {
    import_path: String,
    #[serde(default)]
    dir: PathBuf,
    #[serde(default)]
    go_files: Vec<String>,
    #[serde(default)]
    standard: bool,
    module: Option<ListedModule>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListedModule {
    path: String,
}

/// The Go files of the main package in `dir` and of the packages of its module it depends on.
fn go_files(dir: &Path) -> Vec<PathBuf> {
    let out = Command::new("go")
        .args(["list", "-deps", "-json", "."])
        .current_dir(dir)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output();
    let Ok(out) = out else {
        return Vec::new();
    };
    if !out.status.success() {
        return Vec::new();
    }
    let packages: Vec<ListedPackage> = serde_json::Deserializer::from_slice(&out.stdout)
        .into_iter::<ListedPackage>()
        .map_while(Result::ok)
        .collect();
    // `-deps` lists the named package last; its module is the one under test.
    let Some(main_module) = packages
        .last()
        .and_then(|p| p.module.as_ref().map(|m| m.path.clone()))
    else {
        return Vec::new();
    };
    packages
        .iter()
        .filter(|p| !p.standard && p.import_path != HARNESS_PACKAGE)
        .filter(|p| p.module.as_ref().is_some_and(|m| m.path == main_module))
        .flat_map(|p| p.go_files.iter().map(|f| p.dir.join(f)))
        .collect()
}

/// One literal of Go source.
#[derive(Debug, PartialEq)]
enum Literal {
    Str(Vec<u8>),
    Int(String, i128),
    Float(String, f64),
}

/// The literals of a Go source text, in order, skipping comments and import paths.
fn scan(src: &str) -> Vec<Literal> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    // After `import`: skip the next string, or every string up to `)`.
    let mut import = ImportState::None;
    while i < b.len() {
        let c = b[i];
        match c {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            b'"' => {
                let (s, next) = interpreted(b, i + 1, b'"');
                if import == ImportState::None {
                    out.push(Literal::Str(s));
                } else if import == ImportState::One {
                    import = ImportState::None;
                }
                i = next;
            }
            b'`' => {
                let end = b[i + 1..]
                    .iter()
                    .position(|x| *x == b'`')
                    .map_or(b.len(), |k| i + 1 + k);
                let s: Vec<u8> = b[i + 1..end]
                    .iter()
                    .copied()
                    .filter(|x| *x != b'\r')
                    .collect();
                if import == ImportState::None {
                    out.push(Literal::Str(s));
                } else if import == ImportState::One {
                    import = ImportState::None;
                }
                i = end + 1;
            }
            b'\'' => {
                let (s, next) = interpreted(b, i + 1, b'\'');
                out.push(Literal::Str(s));
                i = next;
            }
            b'(' if import == ImportState::One => {
                import = ImportState::Block;
                i += 1;
            }
            b')' if import == ImportState::Block => {
                import = ImportState::None;
                i += 1;
            }
            b'0'..=b'9' => {
                let start = i;
                i = number_end(b, i);
                out.extend(number(&src[start..i]));
            }
            b'.' if b.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                let start = i;
                i = number_end(b, i + 1);
                out.extend(number(&src[start..i]));
            }
            _ if c == b'_' || c.is_ascii_alphabetic() || c >= 0x80 => {
                let start = i;
                while i < b.len() && (b[i] == b'_' || b[i].is_ascii_alphanumeric() || b[i] >= 0x80)
                {
                    i += 1;
                }
                if &b[start..i] == b"import" {
                    import = ImportState::One;
                }
            }
            _ => i += 1,
        }
    }
    out
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum ImportState {
    None,
    One,
    Block,
}

/// The end of a numeric literal starting at `i` (digits, letters for bases and exponents,
/// underscores, a point, and a sign right after an exponent letter).
fn number_end(b: &[u8], mut i: usize) -> usize {
    let hex = b.get(i) == Some(&b'0') && matches!(b.get(i + 1), Some(b'x' | b'X'));
    while i < b.len() {
        let c = b[i];
        let exponent = if hex {
            matches!(c, b'p' | b'P')
        } else {
            matches!(c, b'e' | b'E')
        };
        if exponent && matches!(b.get(i + 1), Some(b'+' | b'-')) {
            i += 2;
        } else if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' {
            i += 1;
        } else {
            break;
        }
    }
    i
}

/// The value of a Go numeric literal (imaginary ones are skipped).
fn number(text: &str) -> Option<Literal> {
    if text.ends_with('i') {
        return None;
    }
    let clean: String = text.chars().filter(|c| *c != '_').collect();
    let lower = clean.to_ascii_lowercase();
    let int = |digits: &str, radix: u32| i128::from_str_radix(digits, radix).ok();
    let v = if let Some(h) = lower.strip_prefix("0x") {
        if h.contains(['.', 'p']) {
            return None; // hex floats are rare enough to leave out
        }
        int(h, 16)
    } else if let Some(o) = lower.strip_prefix("0o") {
        int(o, 8)
    } else if let Some(bin) = lower.strip_prefix("0b") {
        int(bin, 2)
    } else if lower.contains(['.', 'e']) {
        return lower
            .parse::<f64>()
            .ok()
            .map(|f| Literal::Float(text.to_string(), f));
    } else if lower.len() > 1 && lower.starts_with('0') {
        int(&lower[1..], 8)
    } else {
        int(&lower, 10)
    };
    v.map(|v| Literal::Int(text.to_string(), v))
}

/// Decodes an interpreted string or rune literal starting after its opening quote; returns the
/// bytes and the index after the closing quote.
fn interpreted(b: &[u8], mut i: usize, quote: u8) -> (Vec<u8>, usize) {
    let mut out = Vec::new();
    while i < b.len() && b[i] != quote && b[i] != b'\n' {
        if b[i] != b'\\' {
            out.push(b[i]);
            i += 1;
            continue;
        }
        let e = b.get(i + 1).copied().unwrap_or(b'\\');
        i += 2;
        let hex = |from: usize, n: usize| -> Option<u32> {
            let s = std::str::from_utf8(b.get(from..from + n)?).ok()?;
            u32::from_str_radix(s, 16).ok()
        };
        match e {
            b'n' => out.push(b'\n'),
            b't' => out.push(b'\t'),
            b'r' => out.push(b'\r'),
            b'a' => out.push(7),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'v' => out.push(11),
            b'x' => {
                out.extend(hex(i, 2).map(|v| v as u8));
                i += 2;
            }
            b'u' | b'U' => {
                let n = if e == b'u' { 4 } else { 8 };
                if let Some(c) = hex(i, n).and_then(char::from_u32) {
                    out.extend(c.to_string().bytes());
                }
                i += n;
            }
            b'0'..=b'7' => {
                let s = std::str::from_utf8(&b[i - 1..(i + 2).min(b.len())]).unwrap_or("0");
                out.push(u8::from_str_radix(s, 8).unwrap_or(0));
                i += 2;
            }
            other => out.push(other),
        }
    }
    (out, i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scanner_reads_strings_runes_and_numbers_but_not_comments_or_imports() {
        let src = r#"package p

import (
	"strings"
	fmtx "fmt"
)
import "errors"

// "commented" 42
/* "block" 43 */
const limit = 1_000
var hex, oct, f = 0x1F, 0o17, 2.5e-3
func K(s string) bool {
	if s == "x-request-id" || s == `raw\n` { return true }
	return s == "\u00df\x41\n" || s[0] == 'µ' || s[0] == '\''
}
var x1 = v2
"#;
        let lits = scan(src);
        assert_eq!(
            lits,
            vec![
                Literal::Int("1_000".into(), 1000),
                Literal::Int("0x1F".into(), 31),
                Literal::Int("0o17".into(), 15),
                Literal::Float("2.5e-3".into(), 2.5e-3),
                Literal::Str(b"x-request-id".to_vec()),
                Literal::Str(b"raw\\n".to_vec()),
                Literal::Str("ßA\n".as_bytes().to_vec()),
                Literal::Int("0".into(), 0),
                Literal::Str("µ".as_bytes().to_vec()),
                Literal::Int("0".into(), 0),
                Literal::Str(b"'".to_vec()),
            ]
        );
    }

    #[test]
    fn the_dictionary_deduplicates_and_writes_libfuzzer_syntax() {
        let mut d = Dictionary::default();
        d.add_source("package p\nvar a, b, c = \"q\\\"x\", \"q\\\"x\", \"\\xff\"\nvar n = 7\n");
        assert_eq!(d.len(), 3);
        assert_eq!(d.ints, vec![7]);
        assert_eq!(
            d.libfuzzer_text().lines().skip(1).collect::<Vec<_>>(),
            vec![r#""q\"x""#, r#""\xFF""#, r#""7""#]
        );
    }
}
