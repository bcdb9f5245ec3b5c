//! A JSON reader that keeps what a response comparison needs and `serde_json` would lose.
//!
//! Why hand-written, about 300 lines, instead of `serde_json::Value`:
//! - **Exact numbers.** `serde_json::Value` reads a number as `u64`, `i64` or `f64`, so
//!   `12345678901234567890123` (beyond `u64`) becomes a float and equals every integer that
//!   rounds to the same `f64`. Its `arbitrary_precision` feature keeps the text, but Cargo
//!   features are unified across the build: switching it on would change number handling for
//!   every `serde_json` user in the build, parity's own protocol codec included.
//! - **Duplicate keys.** `serde_json` keeps the last member of a duplicated key and forgets the
//!   rest; a Go service and a Rust port that differ in *how many* members they write differ in
//!   bytes a client may read, so [`Json::Object`] keeps every member, in order.
//! - **Spelling.** Byte spans of every node ([`parse_spanned`]) let the comparison tell equal
//!   JSON spelt differently (`"\u003c"` vs `"<"`, `1e21` vs `1E+21`) from different JSON.
//! - **Hostile bodies.** Nesting deeper than [`MAX_DEPTH`] is an error, not a stack overflow.
//!
//! The grammar is RFC 8259's, strictly (no comments, no trailing commas, no byte order mark,
//! no control characters in strings), with surrounding whitespace allowed: Go's `Encoder`
//! ends every value with `\n`. Two leniencies, both as Go's `encoding/json` decodes: invalid
//! UTF-8 inside a string is kept as it is (Go would replace it; keeping it can only show more
//! differences), and a lone surrogate escape (`"\ud800"`) decodes to U+FFFD.

use std::fmt;

/// The deepest nesting of arrays and objects [`parse`] accepts.
pub const MAX_DEPTH: usize = 512;

/// A JSON value. Derived equality is structural (members and elements in order, numbers by
/// exact value); the response comparison ignores object member order on its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, compared by exact decimal value.
    Number(Number),
    /// A string as bytes, escapes decoded (`"\u003c"` is `<`).
    String(Vec<u8>),
    /// An array.
    Array(Vec<Json>),
    /// An object: members in order, duplicated keys kept.
    Object(Vec<(Vec<u8>, Json)>),
}

/// A JSON number: its text as written, and its exact decimal value `±digits × 10^exponent`
/// (`digits` without leading or trailing zeros; empty for zero). `1e21`, `1E+21`, `1.0e21` and
/// `1000000000000000000000` are equal; `-0` equals `0` (the same decimal value; a side that
/// writes `-0` differs in bytes only). Exponents beyond ±2^60 saturate there.
#[derive(Clone, Debug)]
pub struct Number {
    text: String,
    negative: bool,
    digits: Vec<u8>,
    exponent: i64,
}

impl Number {
    /// The number as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The nearest `f64`, when it is finite (a number beyond `f64`'s range does not fit).
    pub fn as_f64(&self) -> Option<f64> {
        self.text.parse::<f64>().ok().filter(|x| x.is_finite())
    }
}

impl PartialEq for Number {
    fn eq(&self, other: &Number) -> bool {
        let zero = self.digits.is_empty();
        (zero || self.negative == other.negative)
            && self.digits == other.digits
            && self.exponent == other.exponent
    }
}

impl Eq for Number {}

/// Where and why a body is not JSON.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid JSON at byte {offset}: {what}")]
pub struct JsonError {
    /// The byte offset of the problem.
    pub offset: usize,
    /// What is wrong there.
    pub what: &'static str,
}

/// The byte span of one node, in pre-order: node 0 is the root, a node's first child follows
/// it, and its next sibling is `size` nodes further.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// The first byte of the node.
    pub start: usize,
    /// One past its last byte.
    pub end: usize,
    /// How many nodes its subtree has, itself included.
    pub size: usize,
}

/// Parses a whole body as one JSON value with optional surrounding whitespace.
pub fn parse(bytes: &[u8]) -> Result<Json, JsonError> {
    parse_spanned(bytes).map(|(json, _)| json)
}

/// [`parse`], also returning every node's [`Span`] in pre-order.
pub fn parse_spanned(bytes: &[u8]) -> Result<(Json, Vec<Span>), JsonError> {
    let mut p = Parser {
        b: bytes,
        i: 0,
        spans: Vec::new(),
    };
    p.ws();
    let v = p.value(0)?;
    p.ws();
    if p.i != bytes.len() {
        return Err(p.err("unexpected data after the value"));
    }
    Ok((v, p.spans))
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
    spans: Vec<Span>,
}

impl Parser<'_> {
    fn err(&self, what: &'static str) -> JsonError {
        JsonError {
            offset: self.i,
            what,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn expect(&mut self, c: u8, what: &'static str) -> Result<(), JsonError> {
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(self.err(what))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, JsonError> {
        let node = self.spans.len();
        self.spans.push(Span {
            start: self.i,
            end: self.i,
            size: 1,
        });
        let v = match self.peek() {
            None => return Err(self.err("expected a value, found the end")),
            Some(b'n') => self.word(b"null", Json::Null)?,
            Some(b't') => self.word(b"true", Json::Bool(true))?,
            Some(b'f') => self.word(b"false", Json::Bool(false))?,
            Some(b'"') => Json::String(self.string()?),
            Some(b'-' | b'0'..=b'9') => Json::Number(self.number()?),
            Some(b'[') => {
                if depth >= MAX_DEPTH {
                    return Err(self.err("nested deeper than 512 arrays and objects"));
                }
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.peek() == Some(b']') {
                    self.i += 1;
                } else {
                    loop {
                        self.ws();
                        items.push(self.value(depth + 1)?);
                        self.ws();
                        match self.peek() {
                            Some(b',') => self.i += 1,
                            Some(b']') => {
                                self.i += 1;
                                break;
                            }
                            _ => return Err(self.err("expected `,` or `]` in an array")),
                        }
                    }
                }
                Json::Array(items)
            }
            Some(b'{') => {
                if depth >= MAX_DEPTH {
                    return Err(self.err("nested deeper than 512 arrays and objects"));
                }
                self.i += 1;
                let mut members = Vec::new();
                self.ws();
                if self.peek() == Some(b'}') {
                    self.i += 1;
                } else {
                    loop {
                        self.ws();
                        if self.peek() != Some(b'"') {
                            return Err(self.err("expected a string key in an object"));
                        }
                        let key = self.string()?;
                        self.ws();
                        self.expect(b':', "expected `:` after an object key")?;
                        self.ws();
                        let v = self.value(depth + 1)?;
                        members.push((key, v));
                        self.ws();
                        match self.peek() {
                            Some(b',') => self.i += 1,
                            Some(b'}') => {
                                self.i += 1;
                                break;
                            }
                            _ => return Err(self.err("expected `,` or `}` in an object")),
                        }
                    }
                }
                Json::Object(members)
            }
            Some(_) => return Err(self.err("expected a value")),
        };
        let size = self.spans.len() - node;
        let span = &mut self.spans[node];
        span.end = self.i;
        span.size = size;
        Ok(v)
    }

    fn word(&mut self, w: &[u8], v: Json) -> Result<Json, JsonError> {
        if self.b[self.i..].starts_with(w) {
            self.i += w.len();
            Ok(v)
        } else {
            Err(self.err("expected `null`, `true` or `false`"))
        }
    }

    fn digits(&mut self) -> &[u8] {
        let start = self.i;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
        &self.b[start..self.i]
    }

    fn number(&mut self) -> Result<Number, JsonError> {
        let start = self.i;
        let negative = self.peek() == Some(b'-');
        if negative {
            self.i += 1;
        }
        let int = self.digits().to_vec();
        if int.is_empty() {
            return Err(self.err("expected a digit"));
        }
        if int.len() > 1 && int[0] == b'0' {
            return Err(JsonError {
                offset: start,
                what: "a number with a leading zero",
            });
        }
        let mut frac = Vec::new();
        if self.peek() == Some(b'.') {
            self.i += 1;
            frac = self.digits().to_vec();
            if frac.is_empty() {
                return Err(self.err("expected a digit after `.`"));
            }
        }
        let mut exponent: i64 = 0;
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            let minus = match self.peek() {
                Some(b'-') => {
                    self.i += 1;
                    true
                }
                Some(b'+') => {
                    self.i += 1;
                    false
                }
                _ => false,
            };
            let e = self.digits();
            if e.is_empty() {
                return Err(self.err("expected a digit in the exponent"));
            }
            for &d in e {
                exponent = exponent
                    .saturating_mul(10)
                    .saturating_add(i64::from(d - b'0'))
                    .min(LIMIT);
            }
            if minus {
                exponent = -exponent;
            }
        }
        let text = String::from_utf8_lossy(&self.b[start..self.i]).into_owned();
        let mut digits = int;
        digits.extend_from_slice(&frac);
        exponent = exponent.saturating_sub(frac.len() as i64);
        let lead = digits.iter().take_while(|&&d| d == b'0').count();
        digits.drain(..lead);
        while digits.last() == Some(&b'0') {
            digits.pop();
            exponent += 1;
        }
        if digits.is_empty() {
            exponent = 0;
        }
        Ok(Number {
            text,
            negative,
            digits,
            exponent: exponent.clamp(-LIMIT, LIMIT),
        })
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut n = 0u32;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(c @ b'0'..=b'9') => c - b'0',
                Some(c @ b'a'..=b'f') => c - b'a' + 10,
                Some(c @ b'A'..=b'F') => c - b'A' + 10,
                _ => return Err(self.err("expected four hex digits after `\\u`")),
            };
            n = n * 16 + u32::from(d);
            self.i += 1;
        }
        Ok(n)
    }

    fn string(&mut self) -> Result<Vec<u8>, JsonError> {
        self.i += 1; // the opening quote
        let mut out = Vec::new();
        loop {
            match self.peek() {
                None => return Err(self.err("unterminated string")),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.i += 1;
                    let c = self.peek().ok_or_else(|| self.err("unterminated string"))?;
                    self.i += 1;
                    let simple = match c {
                        b'"' => b'"',
                        b'\\' => b'\\',
                        b'/' => b'/',
                        b'b' => 0x08,
                        b'f' => 0x0c,
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'u' => {
                            let ch = self.unicode_escape()?;
                            let mut buf = [0u8; 4];
                            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                            continue;
                        }
                        _ => {
                            self.i -= 1;
                            return Err(self.err("unknown escape in a string"));
                        }
                    };
                    out.push(simple);
                }
                Some(c) if c < 0x20 => return Err(self.err("control character in a string")),
                Some(c) => {
                    out.push(c);
                    self.i += 1;
                }
            }
        }
    }

    /// The character of a `\u` escape whose `\u` was read, with a following low surrogate
    /// escape if it is a high one; a lone surrogate is U+FFFD, as Go decodes it.
    fn unicode_escape(&mut self) -> Result<char, JsonError> {
        let hi = self.hex4()?;
        if (0xD800..0xDC00).contains(&hi) && self.b[self.i..].starts_with(b"\\u") {
            let save = self.i;
            self.i += 2;
            let lo = self.hex4()?;
            if (0xDC00..0xE000).contains(&lo) {
                let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                return Ok(char::from_u32(c).unwrap_or('\u{FFFD}'));
            }
            self.i = save;
        }
        Ok(char::from_u32(hi).unwrap_or('\u{FFFD}'))
    }
}

/// Where exponents saturate.
const LIMIT: i64 = 1 << 60;

/// Compact JSON text: numbers as written, strings with `"`, `\` and control characters
/// escaped (invalid UTF-8 shown as U+FFFD), members in order.
impl fmt::Display for Json {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Json::Null => f.write_str("null"),
            Json::Bool(b) => write!(f, "{b}"),
            Json::Number(n) => f.write_str(n.text()),
            Json::String(s) => write_string(f, s),
            Json::Array(items) => {
                f.write_str("[")?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            Json::Object(members) => {
                f.write_str("{")?;
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write_string(f, k)?;
                    write!(f, ":{v}")?;
                }
                f.write_str("}")
            }
        }
    }
}

fn write_string(f: &mut fmt::Formatter<'_>, s: &[u8]) -> fmt::Result {
    f.write_str("\"")?;
    for c in String::from_utf8_lossy(s).chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\t' => f.write_str("\\t")?,
            '\r' => f.write_str("\\r")?,
            c if (c as u32) < 0x20 => write!(f, "\\u{:04x}", c as u32)?,
            c => write!(f, "{c}")?,
        }
    }
    f.write_str("\"")
}

#[cfg(test)]
#[path = "json_tests.rs"]
mod tests;
