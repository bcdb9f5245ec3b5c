//! Go native fuzz corpora: files of `testdata/fuzz/FuzzX/` in the `go test fuzz v1` format,
//! read into typed [`Value`]s (and written, for round trips and for handing inputs back to Go).
//!
//! The format (Go's `internal/fuzz/encoding.go`) is a header line then one Go expression per
//! argument: `string("a\xffb")`, `[]byte("\x00")`, `int64(-5)`, `byte('a')`, `rune('é')`,
//! `float64(1.5)`, `float64(+Inf)`, `math.Float64frombits(0x7ff8000000000001)`, `bool(true)`.
//! Strings are Go literals, so invalid UTF-8 survives as `\xHH` escapes, and NaN payloads survive
//! as `math.Float{32,64}frombits`: this importer keeps both bit-exact.

use std::path::{Path, PathBuf};

use crate::spec::FunctionSpec;
use crate::value::{Type, Value};

/// The header line of every file.
pub const HEADER: &str = "go test fuzz v1";

/// Why a Go corpus file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GoCorpusError {
    /// The folder or a file could not be read.
    #[error("failed to read the Go fuzz corpus `{path}`: {source}")]
    Io {
        /// The file or folder.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// A file is not in the format, or does not fit the function's arguments.
    #[error("failed to import the Go fuzz corpus file {path}:{line}: {message}{}", hint.as_ref().map(|h| format!("\n(hint: {h})")).unwrap_or_default())]
    Parse {
        /// The file (empty when parsing text).
        path: String,
        /// The 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
        /// How to fix it, when known.
        hint: Option<String>,
    },
}

fn parse_error(line: usize, message: impl Into<String>, hint: Option<&str>) -> GoCorpusError {
    GoCorpusError::Parse {
        path: String::new(),
        line,
        message: message.into(),
        hint: hint.map(str::to_string),
    }
}

/// Parses one file's text into one value per type of `types`.
pub fn parse_file(text: &str, types: &[Type]) -> Result<Vec<Value>, GoCorpusError> {
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, l)) if l.trim() == HEADER => {}
        _ => {
            return Err(parse_error(
                1,
                format!("the file does not start with `{HEADER}`"),
                Some("only Go native fuzz corpus files (testdata/fuzz/FuzzX/*) can be imported"),
            ))
        }
    }
    let exprs: Vec<(usize, &str)> = lines
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty())
        .collect();
    if exprs.len() != types.len() {
        return Err(parse_error(
            exprs.last().map_or(1, |e| e.0),
            format!(
                "the file has {} values but the function takes {} arguments",
                exprs.len(),
                types.len()
            ),
            Some("import the corpus of the Go fuzz test whose f.Fuzz arguments match the spec's"),
        ));
    }
    exprs
        .iter()
        .zip(types)
        .map(|(&(line, expr), ty)| parse_value(expr, ty).map_err(|m| parse_error(line, m, None)))
        .collect()
}

/// Reads every file of a Go corpus folder (`testdata/fuzz/FuzzX`), in file-name order, as inputs
/// of `fun`.
pub fn import(dir: &Path, fun: &FunctionSpec) -> Result<Vec<Vec<Value>>, GoCorpusError> {
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |source| GoCorpusError::Io { path, source }
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io(dir))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    let types = fun.arg_types();
    files
        .iter()
        .map(|f| {
            let text = std::fs::read(f).map_err(io(f))?;
            let text = String::from_utf8_lossy(&text);
            parse_file(&text, &types).map_err(|e| match e {
                GoCorpusError::Parse {
                    line,
                    message,
                    hint,
                    ..
                } => GoCorpusError::Parse {
                    path: f.display().to_string(),
                    line,
                    message,
                    hint,
                },
                other => other,
            })
        })
        .collect()
}

/// The Go type names a spec type may be written with in a corpus file.
fn go_names(ty: &Type) -> &'static [&'static str] {
    match ty {
        Type::Bool => &["bool"],
        Type::I8 => &["int8"],
        Type::I16 => &["int16"],
        Type::I32 => &["int32", "rune"],
        Type::I64 => &["int64", "int"],
        Type::U8 => &["uint8", "byte"],
        Type::U16 => &["uint16"],
        Type::U32 => &["uint32"],
        Type::U64 => &["uint64", "uint"],
        Type::F32 => &["float32"],
        Type::F64 => &["float64"],
        Type::String => &["string"],
        Type::Bytes => &["[]byte"],
        _ => &[],
    }
}

fn parse_value(expr: &str, ty: &Type) -> Result<Value, String> {
    if go_names(ty).is_empty() {
        return Err(format!(
            "the spec type {ty} has no Go fuzz corpus form (Go fuzzing takes only strings, []byte, booleans and numbers)"
        ));
    }
    let (func, arg) = expr
        .strip_suffix(')')
        .and_then(|e| e.split_once('('))
        .ok_or_else(|| format!("expected a call like `int64(5)`, found `{expr}`"))?;
    let arg = arg.trim();
    match (func.trim(), ty) {
        ("math.Float64frombits", Type::F64) => {
            return Ok(Value::F64(f64::from_bits(parse_uint(arg)?)))
        }
        ("math.Float32frombits", Type::F32) => {
            let bits = u32::try_from(parse_uint(arg)?).map_err(|_| "bits out of range")?;
            return Ok(Value::F32(f32::from_bits(bits)));
        }
        _ => {}
    }
    let func = func.trim();
    if !go_names(ty).contains(&func) {
        return Err(format!(
            "found a {func} value where the spec's argument is {ty} (Go: {})",
            go_names(ty).join(" or ")
        ));
    }
    Ok(match ty {
        Type::Bool => match arg {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(format!("`{arg}` is not a bool")),
        },
        Type::String => Value::Str(parse_string(arg)?),
        Type::Bytes => Value::Bytes(parse_string(arg)?),
        Type::F64 => Value::F64(parse_float(arg)?),
        // Go writes float32 values with the shortest decimal that reads back as the same float32.
        Type::F32 => Value::F32(match arg.trim_start_matches(['+', '-']) {
            "NaN" | "Inf" => parse_float(arg)? as f32,
            _ => arg
                .replace('_', "")
                .parse::<f32>()
                .map_err(|_| format!("`{arg}` is not a float"))?,
        }),
        t => {
            let n = parse_int(arg)?;
            let bits = t.bits().unwrap_or(64);
            if t.is_signed() {
                let (lo, hi) = (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1);
                if n < lo || n > hi {
                    return Err(format!("{n} is out of range for {t}"));
                }
                Value::Int(n as i64)
            } else {
                if n < 0 || n > (1i128 << bits) - 1 {
                    return Err(format!("{n} is out of range for {t}"));
                }
                Value::Uint(n as u64)
            }
        }
    })
}

fn parse_uint(s: &str) -> Result<u64, String> {
    let n = parse_int(s)?;
    u64::try_from(n).map_err(|_| format!("`{s}` is not an unsigned 64-bit integer"))
}

/// A Go integer literal (decimal, 0x, 0o, 0b, legacy octal, `_` separators, a sign) or a
/// character literal (`'a'`, `'\x00'`).
fn parse_int(s: &str) -> Result<i128, String> {
    if s.starts_with('\'') {
        let bytes = parse_quoted(s, '\'')?;
        // A single `\xHH` escape is one byte, not a character; otherwise one UTF-8 character.
        if let [b] = bytes[..] {
            return Ok(i128::from(b));
        }
        let text = std::str::from_utf8(&bytes).map_err(|_| format!("bad rune literal {s}"))?;
        let mut cs = text.chars();
        return match (cs.next(), cs.next()) {
            (Some(c), None) => Ok(i128::from(u32::from(c))),
            _ => Err(format!("bad rune literal {s}")),
        };
    }
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let body = body.replace('_', "");
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d.to_string())
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d.to_string())
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d.to_string())
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, lower[1..].to_string())
    } else {
        (10, lower)
    };
    let n = i128::from_str_radix(&digits, radix).map_err(|_| format!("`{s}` is not an integer"))?;
    Ok(if neg { -n } else { n })
}

fn parse_float(s: &str) -> Result<f64, String> {
    match s {
        "NaN" => Ok(f64::NAN),
        "+Inf" | "Inf" => Ok(f64::INFINITY),
        "-Inf" => Ok(f64::NEG_INFINITY),
        _ => s
            .replace('_', "")
            .parse::<f64>()
            .map_err(|_| format!("`{s}` is not a float")),
    }
}

/// A Go string literal, interpreted (`"…"`) or raw (`` `…` ``), to its bytes.
fn parse_string(s: &str) -> Result<Vec<u8>, String> {
    if let Some(raw) = s.strip_prefix('`').and_then(|r| r.strip_suffix('`')) {
        return Ok(raw.replace('\r', "").into_bytes());
    }
    parse_quoted(s, '"')
}

fn parse_quoted(s: &str, quote: char) -> Result<Vec<u8>, String> {
    let inner = s
        .strip_prefix(quote)
        .and_then(|r| r.strip_suffix(quote))
        .ok_or_else(|| format!("expected a {quote}-quoted Go literal, found `{s}`"))?;
    let mut out = Vec::new();
    let mut cs = inner.chars().peekable();
    let hex = |cs: &mut std::iter::Peekable<std::str::Chars>, n: usize| -> Result<u32, String> {
        let digits: String = (0..n).filter_map(|_| cs.next()).collect();
        u32::from_str_radix(&digits, 16).map_err(|_| format!("bad escape in {s}"))
    };
    while let Some(c) = cs.next() {
        if c != '\\' {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        let e = cs
            .next()
            .ok_or_else(|| format!("unfinished escape in {s}"))?;
        let push_char = |out: &mut Vec<u8>, v: u32| -> Result<(), String> {
            let c = char::from_u32(v).ok_or_else(|| format!("bad code point in {s}"))?;
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            Ok(())
        };
        match e {
            'a' => out.push(7),
            'b' => out.push(8),
            'f' => out.push(12),
            'n' => out.push(b'\n'),
            'r' => out.push(b'\r'),
            't' => out.push(b'\t'),
            'v' => out.push(11),
            '\\' => out.push(b'\\'),
            '\'' => out.push(b'\''),
            '"' => out.push(b'"'),
            'x' => out.push(hex(&mut cs, 2)? as u8),
            'u' => push_char(&mut out, hex(&mut cs, 4)?)?,
            'U' => push_char(&mut out, hex(&mut cs, 8)?)?,
            '0'..='7' => {
                let digits: String = std::iter::once(e)
                    .chain((0..2).filter_map(|_| cs.next()))
                    .collect();
                let v =
                    u32::from_str_radix(&digits, 8).map_err(|_| format!("bad escape in {s}"))?;
                out.push(u8::try_from(v).map_err(|_| format!("bad octal escape in {s}"))?);
            }
            other => return Err(format!("unknown escape \\{other} in {s}")),
        }
    }
    Ok(out)
}

/// Writes `values` as a `go test fuzz v1` file, with Go's own spellings (the types' first Go
/// names, `%q`-style literals, NaNs with a payload other than Go's default and infinities as
/// `math.Float{32,64}frombits`). Panics if a type has no Go fuzz corpus form.
pub fn write_file(values: &[Value], types: &[Type]) -> String {
    let mut out = format!("{HEADER}\n");
    for (v, ty) in values.iter().zip(types) {
        let name = go_names(ty)[0];
        let arg = match v {
            Value::Bool(b) => b.to_string(),
            Value::Int(n) => n.to_string(),
            Value::Uint(n) => n.to_string(),
            Value::F64(x) if !x.is_finite() => {
                out.push_str(&format!("math.Float64frombits(0x{:x})\n", x.to_bits()));
                continue;
            }
            Value::F32(x) if !x.is_finite() => {
                out.push_str(&format!("math.Float32frombits(0x{:x})\n", x.to_bits()));
                continue;
            }
            // Rust's `{:e}` (`1.5e0`, `-0e0`) is a Go float literal that reads back exactly.
            Value::F64(x) => format!("{x:e}"),
            Value::F32(x) => format!("{x:e}"),
            Value::Str(b) | Value::Bytes(b) => quote(b),
            Value::Nil => "\"\"".to_string(),
            other => panic!("no Go fuzz corpus form for {other:?}"),
        };
        out.push_str(&format!("{name}({arg})\n"));
    }
    out
}

/// A Go interpreted string literal for `bytes`: valid UTF-8 kept (printable ASCII as is, the
/// rest escaped), invalid bytes as `\xHH`.
fn quote(bytes: &[u8]) -> String {
    let mut out = String::from("\"");
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                ' '..='~' => out.push(c),
                c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push_str(&format!("\\U{:08x}", c as u32)),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests;
