//! Canonical, deterministic, human-readable spellings of values and outcomes for reports, diffs
//! and snapshots.
//!
//! The spelling is Go-flavoured, because the Go side is the reference and its users read Go:
//! - strings are Go quoted literals: `\n`, `\t`, `\x00` for control bytes, `\xff` for each byte
//!   that is not part of valid UTF-8, printable non-ASCII verbatim, and `\u00a0`/`\U00012421`
//!   escapes for every character that a reader could not see or type from the report (combining
//!   marks, format characters, non-ASCII whitespace, private-use and unassigned code points,
//!   letters of rare scripts and look-alike mathematical letters: see [`is_visible`]), so two
//!   strings that look alike never print alike;
//! - floats are the shortest decimal that round-trips (`1.5`, `100`, `1e+21`, `1e-7`), with the
//!   cases a decimal cannot show spelled out: `-0`, `+Inf`, `-Inf`, `NaN` for the canonical quiet
//!   NaN and `NaN(0x7ff8000000000001)` for any other NaN bit pattern (f32 likewise with 8 hex
//!   digits);
//! - bytes are `[]byte("…")` with the string escapes (`[]byte("")` when empty but not nil);
//! - nil slices, maps, byte slices and pointers are `nil`; a non-nil pointer is `&` and its target;
//! - structs are `Money{Units: 150, Currency: "EUR"}`, maps `{"a": 1, "b": 2}`, lists `[1, 2]`.
//!
//! [`pretty`] puts every element, entry and field of a non-empty list, map or struct on its own
//! line with a two-space indent and a trailing comma, so that a line diff ([`diff`]) points at the
//! element that differs. [`short`] is the same spelling on one line, truncated for tables.

use std::fmt::Write as _;

use crate::outcome::Outcome;
use crate::value::{Type, Value};

/// The longest [`short`] rendering, in characters, including the trailing `…`.
pub const SHORT_MAX: usize = 80;

/// The value on one line if it is a scalar or empty, else one element, entry or field per line
/// with a two-space indent. Deterministic: map entries are printed in their canonical order.
pub fn pretty(v: &Value, ty: &Type) -> String {
    let mut out = String::new();
    write_value(&mut out, v, Some(ty), Some(0));
    out
}

/// The value on one line, truncated to [`SHORT_MAX`] characters with a trailing `…`.
pub fn short(v: &Value, ty: &Type) -> String {
    let mut out = String::new();
    write_value(&mut out, v, Some(ty), None);
    truncate(out)
}

/// The value on one line, whole: [`short`] without the truncation.
pub fn one_line(v: &Value, ty: &Type) -> String {
    let mut out = String::new();
    write_value(&mut out, v, Some(ty), None);
    out
}

/// Truncates a one-line rendering to [`SHORT_MAX`] characters, ending in `…` when cut.
pub fn truncate(s: String) -> String {
    if s.chars().count() <= SHORT_MAX {
        return s;
    }
    let mut cut: String = s.chars().take(SHORT_MAX - 1).collect();
    cut.push('…');
    cut
}

/// An outcome as one or more lines: `ok 1234`, `ok (1234, "EUR")`, `ok` and a pretty value when
/// nested, `error "…"`, `panic "…"`, `crash: …`, `timeout`, `rejected: …`.
pub fn pretty_outcome(o: &Outcome, results: &[Type]) -> String {
    match o {
        Outcome::Ok(values) => {
            let parts: Vec<String> = values
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let mut s = String::new();
                    write_value(&mut s, v, results.get(i), Some(0));
                    s
                })
                .collect();
            match parts.len() {
                0 => "ok".to_string(),
                1 => format!("ok {}", parts[0]),
                _ => {
                    let one_line = parts.iter().all(|p| !p.contains('\n'))
                        && parts.iter().map(|p| p.len() + 2).sum::<usize>() <= SHORT_MAX;
                    if one_line {
                        format!("ok ({})", parts.join(", "))
                    } else {
                        let mut s = String::from("ok (\n");
                        for p in parts {
                            push_indented(&mut s, &p, 1);
                            s.push_str(",\n");
                        }
                        s.push(')');
                        s
                    }
                }
            }
        }
        Outcome::Error(m) => format!("error {}", go_quote(m)),
        Outcome::Panic(m) => format!("panic {}", go_quote(m)),
        Outcome::Crash(d) => format!("crash: {d}"),
        Outcome::Timeout => "timeout".to_string(),
        Outcome::Rejected(r) => format!("rejected: {r}"),
    }
}

/// A one-line summary of an outcome: [`pretty_outcome`] with values in their [`short`] form.
pub fn short_outcome(o: &Outcome, results: &[Type]) -> String {
    match o {
        Outcome::Ok(values) => {
            let parts: Vec<String> = values
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let mut s = String::new();
                    write_value(&mut s, v, results.get(i), None);
                    s
                })
                .collect();
            truncate(match parts.len() {
                0 => "ok".to_string(),
                1 => format!("ok {}", parts[0]),
                _ => format!("ok ({})", parts.join(", ")),
            })
        }
        Outcome::Crash(d) => truncate(format!("crash: {}", d.lines().next().unwrap_or(""))),
        other => truncate(pretty_outcome(other, results)),
    }
}

/// A line diff of two renderings, headed `(-go +rust)`: lines only in `go` start with `-`, lines
/// only in `rust` with `+`, shared lines with a space. With `color`, removed lines are red and
/// added lines green (ANSI). Every line, the last included, ends with a newline.
pub fn diff(go: &str, rust: &str, color: bool) -> String {
    // A missing final newline would make the last lines differ in the diff without differing in
    // content, so both sides are normalized to end with one.
    let go = with_final_newline(go);
    let rust = with_final_newline(rust);
    let d = similar::TextDiff::from_lines(go.as_str(), rust.as_str());
    let mut out = String::from("(-go +rust)\n");
    for change in d.iter_all_changes() {
        let (sign, start) = match change.tag() {
            similar::ChangeTag::Delete => ('-', "\x1b[31m"),
            similar::ChangeTag::Insert => ('+', "\x1b[32m"),
            similar::ChangeTag::Equal => (' ', ""),
        };
        let line = change.value().strip_suffix('\n').unwrap_or(change.value());
        if color && !start.is_empty() {
            let _ = writeln!(out, "{start}{sign}{line}\x1b[0m");
        } else {
            let _ = writeln!(out, "{sign}{line}");
        }
    }
    out
}

fn with_final_newline(s: &str) -> String {
    let mut s = s.to_string();
    if !s.is_empty() && !s.ends_with('\n') {
        s.push('\n');
    }
    s
}

/// A Go interpreted string literal for these bytes, as described in the module docs. It is valid
/// Go source and denotes exactly these bytes.
pub fn go_quote(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\x07' => out.push_str("\\a"),
                '\x08' => out.push_str("\\b"),
                '\x0c' => out.push_str("\\f"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\x0b' => out.push_str("\\v"),
                '\\' => out.push_str("\\\\"),
                '"' => out.push_str("\\\""),
                c if (c as u32) < 0x20 || c == '\x7f' => {
                    let _ = write!(out, "\\x{:02x}", c as u32);
                }
                c if is_visible(c) => out.push(c),
                c if (c as u32) < 0x10000 => {
                    let _ = write!(out, "\\u{:04x}", c as u32);
                }
                c => {
                    let _ = write!(out, "\\U{:08x}", c as u32);
                }
            }
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out.push('"');
    out
}

/// Whether a character is shown as itself rather than escaped: a letter, number, punctuation mark
/// or symbol (Unicode general categories L, N, P, S, in the Unicode 15.0 tables Go's `unicode`
/// package uses too), or the ASCII space, of a script in widespread modern use (the
/// *Recommended Scripts* of UAX #31, Table 5, plus `Common`, which holds digits, punctuation,
/// currency signs and emoji). Everything else is escaped, so that a reader can type the input:
/// - combining marks (Mn, Mc, Me), which otherwise attach to the quote or the character before
///   (`"\u06e2"`, and `e\u0301` is not `é`);
/// - format characters (zero-width, bidi controls, the BOM), separators other than the ASCII
///   space, controls, surrogates, private-use and unassigned code points;
/// - letters and numbers of historic or rare scripts (`"\U00012421"`, a Cuneiform numeral);
/// - the letters of the `Common` script beyond the BMP (the mathematical alphanumerics such as
///   `𝐚`), which look like Latin letters and are not.
///
/// `é`, `€`, `ß`, `İ`, CJK, Cyrillic, Greek, Arabic letters and emoji stay readable.
pub fn is_visible(c: char) -> bool {
    use unicode_general_category::{get_general_category, GeneralCategory as G};
    use unicode_script::{Script as S, UnicodeScript};
    if c.is_ascii() {
        // The fast path for most text: printable ASCII is itself, controls are not.
        return !c.is_ascii_control();
    }
    let category = get_general_category(c);
    let letter = matches!(
        category,
        G::UppercaseLetter
            | G::LowercaseLetter
            | G::TitlecaseLetter
            | G::ModifierLetter
            | G::OtherLetter
    );
    let printable = letter
        || matches!(
            category,
            G::DecimalNumber
                | G::LetterNumber
                | G::OtherNumber
                | G::ConnectorPunctuation
                | G::DashPunctuation
                | G::OpenPunctuation
                | G::ClosePunctuation
                | G::InitialPunctuation
                | G::FinalPunctuation
                | G::OtherPunctuation
                | G::MathSymbol
                | G::CurrencySymbol
                | G::ModifierSymbol
                | G::OtherSymbol
        );
    if !printable {
        return false;
    }
    match c.script() {
        // Common letters beyond the BMP are the mathematical alphanumerics (`𝐚`, `𝟏` is a
        // number and stays); the BMP ones (`ー`, `µ`, `ℝ`) are everyday text.
        S::Common => !(letter && u32::from(c) > 0xFFFF),
        S::Latin
        | S::Greek
        | S::Cyrillic
        | S::Armenian
        | S::Hebrew
        | S::Arabic
        | S::Thaana
        | S::Devanagari
        | S::Bengali
        | S::Gurmukhi
        | S::Gujarati
        | S::Oriya
        | S::Tamil
        | S::Telugu
        | S::Kannada
        | S::Malayalam
        | S::Sinhala
        | S::Thai
        | S::Lao
        | S::Tibetan
        | S::Myanmar
        | S::Georgian
        | S::Hangul
        | S::Ethiopic
        | S::Khmer
        | S::Mongolian
        | S::Hiragana
        | S::Katakana
        | S::Bopomofo
        | S::Han => true,
        _ => false,
    }
}

/// An `f64` as described in the module docs: `1.5`, `-0`, `+Inf`, `NaN`, `NaN(0x…)`.
pub fn float64(x: f64) -> String {
    if x.is_nan() {
        if x.to_bits() == f64::NAN.to_bits() {
            "NaN".to_string()
        } else {
            format!("NaN(0x{:016x})", x.to_bits())
        }
    } else {
        decimal(format!("{x:e}"))
    }
}

/// An `f32` as described in the module docs: `1.5`, `-0`, `+Inf`, `NaN`, `NaN(0x…)`.
pub fn float32(x: f32) -> String {
    if x.is_nan() {
        if x.to_bits() == f32::NAN.to_bits() {
            "NaN".to_string()
        } else {
            format!("NaN(0x{:08x})", x.to_bits())
        }
    } else {
        decimal(format!("{x:e}"))
    }
}

/// Lays out Rust's shortest round-trip scientific form (`-1.25e-3`, `inf`) as a plain decimal
/// when the exponent is in `-7 < exp < 21` (as JavaScript does), else as `1.25e-30`/`1e+21`.
fn decimal(sci: String) -> String {
    match sci.as_str() {
        "inf" => return "+Inf".to_string(),
        "-inf" => return "-Inf".to_string(),
        _ => {}
    }
    let (neg, rest) = match sci.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, sci.as_str()),
    };
    let (mantissa, exp) = rest.split_once('e').unwrap_or((rest, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let sign = if neg { "-" } else { "" };
    if digits == "0" {
        return format!("{sign}0");
    }
    if exp <= -7 || exp >= 21 {
        let (first, frac) = digits.split_at(1);
        let dot = if frac.is_empty() { "" } else { "." };
        let esign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{first}{dot}{frac}e{esign}{}", exp.abs());
    }
    let point = exp + 1; // digits before the decimal point
    if point <= 0 {
        format!("{sign}0.{}{digits}", "0".repeat((-point) as usize))
    } else if point as usize >= digits.len() {
        format!(
            "{sign}{digits}{}",
            "0".repeat(point as usize - digits.len())
        )
    } else {
        let (int, frac) = digits.split_at(point as usize);
        format!("{sign}{int}.{frac}")
    }
}

/// Writes `v` read as `ty` (untyped when the value does not fit the type, which only a broken
/// harness produces). `indent` is the current nesting level in pretty mode, `None` on one line.
fn write_value(out: &mut String, v: &Value, ty: Option<&Type>, indent: Option<usize>) {
    match (v, ty) {
        (Value::Nil, _) => out.push_str("nil"),
        (v, Some(Type::Option(inner))) => {
            out.push('&');
            write_value(out, v, Some(inner), indent);
        }
        (Value::Bool(b), _) => out.push_str(if *b { "true" } else { "false" }),
        (Value::Int(i), _) => {
            let _ = write!(out, "{i}");
        }
        (Value::Uint(u), _) => {
            let _ = write!(out, "{u}");
        }
        (Value::F64(x), _) => out.push_str(&float64(*x)),
        (Value::F32(x), _) => out.push_str(&float32(*x)),
        (Value::Str(s), _) => out.push_str(&go_quote(s)),
        (Value::Bytes(b), _) => {
            out.push_str("[]byte(");
            out.push_str(&go_quote(b));
            out.push(')');
        }
        (Value::List(items), ty) => {
            let elem = match ty {
                Some(Type::List(e)) => Some(&**e),
                _ => None,
            };
            let parts = items.iter().map(|x| (None, x, elem));
            write_group(out, "", '[', ']', parts, indent);
        }
        (Value::Map(entries), ty) => {
            let (kt, vt) = match ty {
                Some(Type::Map(k, v)) => (Some(&**k), Some(&**v)),
                _ => (None, None),
            };
            let parts = entries.iter().map(|(k, x)| {
                let mut key = String::new();
                write_value(&mut key, k, kt, None);
                (Some(key), x, vt)
            });
            write_group(out, "", '{', '}', parts, indent);
        }
        (Value::Struct(fields), Some(Type::Struct(st))) if st.fields.len() == fields.len() => {
            let parts = st
                .fields
                .iter()
                .zip(fields)
                .map(|(f, x)| (Some(f.name.clone()), x, Some(&f.ty)));
            write_group(out, &st.name, '{', '}', parts, indent);
        }
        (Value::Struct(fields), _) => {
            let parts = fields.iter().map(|x| (None, x, None));
            write_group(out, "struct", '{', '}', parts, indent);
        }
    }
}

/// Writes `name{a, b}` or its multi-line form. Each part is an optional label (`key: `), a value
/// and the value's type.
fn write_group<'a>(
    out: &mut String,
    name: &str,
    open: char,
    close: char,
    parts: impl ExactSizeIterator<Item = (Option<String>, &'a Value, Option<&'a Type>)>,
    indent: Option<usize>,
) {
    out.push_str(name);
    out.push(open);
    let empty = parts.len() == 0;
    for (i, (label, v, ty)) in parts.enumerate() {
        match indent {
            Some(level) => {
                out.push('\n');
                out.push_str(&"  ".repeat(level + 1));
            }
            None if i > 0 => out.push_str(", "),
            None => {}
        }
        if let Some(label) = label {
            out.push_str(&label);
            out.push_str(": ");
        }
        write_value(out, v, ty, indent.map(|l| l + 1));
        if indent.is_some() {
            out.push(',');
        }
    }
    if let (Some(level), false) = (indent, empty) {
        out.push('\n');
        out.push_str(&"  ".repeat(level));
    }
    out.push(close);
}

/// Appends `text` indented by `level` steps on every line.
fn push_indented(out: &mut String, text: &str, level: usize) {
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&"  ".repeat(level));
        out.push_str(line);
    }
}

#[cfg(test)]
mod tests;
