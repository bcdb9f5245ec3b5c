//! The harness protocol, version 2 (`docs/protocol.md`): handshake, request and reply lines, and the
//! type-directed value codec. `harness-go/protocol.go` mirrors this file. Version 2 is version 1
//! plus stateful objects (`new`, `call` and `drop` requests; the handshake's `objects`, parsed in
//! `protocol/object.rs`).

use crate::value::Type;

mod object;
pub use object::{write_call, write_drop, write_new, MethodSig, ObjectSig};

/// The protocol version this build speaks.
pub const PROTOCOL_VERSION: u32 = 2;

/// The protocol versions parity accepts from a harness: version 1 is version 2 without objects.
pub const ACCEPTED_VERSIONS: [u32; 2] = [1, 2];

/// The first line a harness writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Handshake {
    /// The protocol version the harness speaks.
    pub protocol: u32,
    /// `"go"` or `"rust"`.
    pub harness: String,
    /// Every registered function, in registration order.
    pub functions: Vec<FunctionSig>,
    /// Every registered object type (always empty from a version-1 harness).
    pub objects: Vec<ObjectSig>,
    /// Registrations the harness could not map to spec types.
    pub problems: Vec<String>,
}

/// A registered function's signature as a harness reports it. Struct types are resolved against
/// the handshake's `structs` list, so a [`Type::Struct`] here carries the harness's field names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionSig {
    /// The registered name.
    pub name: String,
    /// Parameter types.
    pub params: Vec<Type>,
    /// Result types, not counting a trailing error.
    pub results: Vec<Type>,
    /// Whether the function returns a trailing error (Go `error`, Rust `Result`).
    pub error: bool,
    /// Go spellings of the parameter types (Go harness only; empty otherwise).
    pub go_params: Vec<String>,
}

use std::sync::Arc;

use crate::outcome::Outcome;
use crate::value::{StructType, Value};

/// Why bytes on the wire could not be decoded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message} at byte {offset}")]
pub struct DecodeError {
    /// Byte offset in the line.
    pub offset: usize,
    /// What was expected.
    pub message: String,
}

/// A cursor over one protocol line. The primitives here are shared by the type-directed value
/// decoder below and by the Rust registry's [`crate::registry::Wire`] implementations.
pub struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
}

impl<'a> Parser<'a> {
    /// A parser at the start of `s`.
    pub fn new(s: &'a [u8]) -> Self {
        Parser { s, pos: 0 }
    }

    /// The current byte offset.
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// Whether every byte was consumed.
    pub fn at_end(&self) -> bool {
        self.pos == self.s.len()
    }

    /// An error at the current position.
    pub fn error(&self, message: impl Into<String>) -> DecodeError {
        DecodeError {
            offset: self.pos,
            message: message.into(),
        }
    }

    /// The next byte, not consumed.
    pub fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    /// Consumes `lit` or fails.
    pub fn expect(&mut self, lit: &[u8]) -> Result<(), DecodeError> {
        if self.s[self.pos..].starts_with(lit) {
            self.pos += lit.len();
            Ok(())
        } else {
            Err(self.error(format!("expected `{}`", String::from_utf8_lossy(lit))))
        }
    }

    /// Consumes `lit` if it is next.
    pub fn eat(&mut self, lit: &[u8]) -> bool {
        if self.s[self.pos..].starts_with(lit) {
            self.pos += lit.len();
            true
        } else {
            false
        }
    }

    /// Consumes `null` if it is next.
    pub fn eat_null(&mut self) -> bool {
        self.eat(b"null")
    }

    /// Parses `true` or `false`.
    pub fn bool(&mut self) -> Result<bool, DecodeError> {
        if self.eat(b"true") {
            Ok(true)
        } else if self.eat(b"false") {
            Ok(false)
        } else {
            Err(self.error("expected a bool"))
        }
    }

    /// Parses a canonical decimal unsigned integer.
    pub fn u64(&mut self) -> Result<u64, DecodeError> {
        let start = self.pos;
        let mut n: u64 = 0;
        while let Some(c @ b'0'..=b'9') = self.peek() {
            n = n
                .checked_mul(10)
                .and_then(|n| n.checked_add(u64::from(c - b'0')))
                .ok_or_else(|| self.error("integer out of range"))?;
            self.pos += 1;
        }
        let digits = self.pos - start;
        if digits == 0 || (digits > 1 && self.s[start] == b'0') {
            self.pos = start;
            return Err(self.error("expected a canonical decimal integer"));
        }
        Ok(n)
    }

    /// Parses a canonical decimal signed integer.
    pub fn i64(&mut self) -> Result<i64, DecodeError> {
        let neg = self.eat(b"-");
        let start = self.pos;
        let m = self.u64()?;
        if neg {
            if m == 0 {
                self.pos = start;
                return Err(self.error("`-0` is not a canonical integer"));
            }
            0i64.checked_sub_unsigned(m)
                .ok_or_else(|| self.error("integer out of range"))
        } else {
            i64::try_from(m).map_err(|_| self.error("integer out of range"))
        }
    }

    fn hex_digit(&mut self) -> Result<u8, DecodeError> {
        let d = match self.peek() {
            Some(c @ b'0'..=b'9') => c - b'0',
            Some(c @ b'a'..=b'f') => c - b'a' + 10,
            Some(c @ b'A'..=b'F') => c - b'A' + 10,
            _ => return Err(self.error("expected a hex digit")),
        };
        self.pos += 1;
        Ok(d)
    }

    /// Parses a quoted string of exactly `digits` hex digits into an integer (float bits).
    pub fn hex_bits(&mut self, digits: usize) -> Result<u64, DecodeError> {
        self.expect(b"\"")?;
        let mut n = 0u64;
        for _ in 0..digits {
            n = (n << 4) | u64::from(self.hex_digit()?);
        }
        self.expect(b"\"")?;
        Ok(n)
    }

    /// Parses a quoted string of hex digit pairs.
    pub fn hex_bytes(&mut self) -> Result<Vec<u8>, DecodeError> {
        self.expect(b"\"")?;
        let mut out = Vec::new();
        while self.peek() != Some(b'"') {
            let hi = self.hex_digit()?;
            let lo = self.hex_digit()?;
            out.push(hi << 4 | lo);
        }
        self.pos += 1;
        Ok(out)
    }

    fn u_escape(&mut self) -> Result<u32, DecodeError> {
        let mut n = 0u32;
        for _ in 0..4 {
            n = (n << 4) | u32::from(self.hex_digit()?);
        }
        Ok(n)
    }

    /// Parses a JSON string into bytes, mapping lone `\udc80`–`\udcff` back to raw bytes.
    pub fn string_bytes(&mut self) -> Result<Vec<u8>, DecodeError> {
        self.expect(b"\"")?;
        let mut out = Vec::new();
        loop {
            let start = self.pos;
            while let Some(c) = self.peek() {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.extend_from_slice(&self.s[start..self.pos]);
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let c = self
                        .peek()
                        .ok_or_else(|| self.error("unterminated escape"))?;
                    self.pos += 1;
                    match c {
                        b'"' | b'\\' | b'/' => out.push(c),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'u' => {
                            let u = self.u_escape()?;
                            let ch = if (0xD800..0xDC00).contains(&u) {
                                self.expect(b"\\u")?;
                                let lo = self.u_escape()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(
                                        self.error("high surrogate without a low surrogate")
                                    );
                                }
                                0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00)
                            } else if (0xDC80..0xDD00).contains(&u) {
                                out.push((u - 0xDC00) as u8);
                                continue;
                            } else {
                                u
                            };
                            let ch =
                                char::from_u32(ch).ok_or_else(|| self.error("lone surrogate"))?;
                            let mut b = [0; 4];
                            out.extend_from_slice(ch.encode_utf8(&mut b).as_bytes());
                        }
                        _ => return Err(self.error("unknown escape")),
                    }
                }
                _ => return Err(self.error("unterminated string")),
            }
        }
    }

    /// Parses a comma between array elements, or reports the end of the array (`]`, consumed).
    /// `first` is true before the first element.
    pub fn next_element(&mut self, first: bool) -> Result<bool, DecodeError> {
        if self.eat(b"]") {
            return Ok(false);
        }
        if !first {
            self.expect(b",")?;
        }
        Ok(true)
    }

    /// The unparsed rest of the line.
    pub fn rest(&self) -> &'a [u8] {
        &self.s[self.pos..]
    }
}

/// Appends a canonical decimal unsigned integer.
pub fn write_u64(out: &mut Vec<u8>, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// Appends a canonical decimal signed integer.
pub fn write_i64(out: &mut Vec<u8>, n: i64) {
    if n < 0 {
        out.push(b'-');
    }
    write_u64(out, n.unsigned_abs());
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends float bits as a quoted string of `digits` lowercase hex digits.
pub fn write_hex_bits(out: &mut Vec<u8>, bits: u64, digits: usize) {
    out.push(b'"');
    for i in (0..digits).rev() {
        out.push(HEX[((bits >> (i * 4)) & 15) as usize]);
    }
    out.push(b'"');
}

/// Appends bytes as a quoted string of lowercase hex pairs.
pub fn write_hex_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    out.push(b'"');
    for b in bytes {
        out.push(HEX[usize::from(b >> 4)]);
        out.push(HEX[usize::from(b & 15)]);
    }
    out.push(b'"');
}

/// Appends a Go string as a JSON string; bytes outside valid UTF-8 become `\udcXX`.
pub fn write_string(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    for chunk in s.utf8_chunks() {
        let valid = chunk.valid().as_bytes();
        let mut start = 0;
        for (i, &c) in valid.iter().enumerate() {
            if c >= 0x20 && c != b'"' && c != b'\\' && c != 0x7f {
                continue;
            }
            out.extend_from_slice(&valid[start..i]);
            start = i + 1;
            match c {
                b'"' => out.extend_from_slice(b"\\\""),
                b'\\' => out.extend_from_slice(b"\\\\"),
                _ => {
                    out.extend_from_slice(b"\\u00");
                    out.push(HEX[usize::from(c >> 4)]);
                    out.push(HEX[usize::from(c & 15)]);
                }
            }
        }
        out.extend_from_slice(&valid[start..]);
        for &b in chunk.invalid() {
            out.extend_from_slice(b"\\udc");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 15)]);
        }
    }
    out.push(b'"');
}

/// Appends `v`, a value of type `ty`, in the wire encoding.
pub fn encode_value(out: &mut Vec<u8>, v: &Value, ty: &Type) {
    match (v, ty) {
        (Value::Nil, _) => out.extend_from_slice(b"null"),
        (_, Type::Option(inner)) => encode_value(out, v, inner),
        (Value::Bool(b), _) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        (Value::Int(i), _) => write_i64(out, *i),
        (Value::Uint(u), _) => write_u64(out, *u),
        (Value::F32(x), _) => write_hex_bits(out, u64::from(x.to_bits()), 8),
        (Value::F64(x), _) => write_hex_bits(out, x.to_bits(), 16),
        // A spec string sent to a Rust port that receives it as `Vec<u8>`.
        (Value::Str(s), Type::Bytes) => write_hex_bytes(out, s),
        (Value::Str(s), _) => write_string(out, s),
        (Value::Bytes(b), _) => write_hex_bytes(out, b),
        (Value::List(items), Type::List(t)) => {
            encode_seq(out, items.iter(), |out, x| encode_value(out, x, t))
        }
        (Value::Map(entries), Type::Map(kt, vt)) => {
            encode_seq(out, entries.iter(), |out, (k, v)| {
                out.push(b'[');
                encode_value(out, k, kt);
                out.push(b',');
                encode_value(out, v, vt);
                out.push(b']');
            })
        }
        (Value::Struct(fields), Type::Struct(st)) => {
            encode_seq(out, fields.iter().zip(&st.fields), |out, (x, f)| {
                encode_value(out, x, &f.ty)
            })
        }
        _ => panic!("value {v:?} does not fit type {ty}"),
    }
}

fn encode_seq<T>(
    out: &mut Vec<u8>,
    items: impl Iterator<Item = T>,
    mut each: impl FnMut(&mut Vec<u8>, T),
) {
    out.push(b'[');
    for (i, x) in items.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        each(out, x);
    }
    out.push(b']');
}

fn int_in_range(p: &Parser, n: i128, ty: &Type) -> Result<(), DecodeError> {
    let bits = ty.bits().unwrap_or(64);
    let (lo, hi) = if ty.is_signed() {
        (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
    } else {
        (0, (1i128 << bits) - 1)
    };
    if n < lo || n > hi {
        return Err(p.error(format!("{n} is out of range for {ty}")));
    }
    Ok(())
}

/// Decodes a value of type `ty`.
pub fn decode_value(p: &mut Parser, ty: &Type) -> Result<Value, DecodeError> {
    if ty.is_nilable() && p.eat_null() {
        return Ok(Value::Nil);
    }
    Ok(match ty {
        Type::Bool => Value::Bool(p.bool()?),
        Type::I8 | Type::I16 | Type::I32 | Type::I64 => {
            let n = p.i64()?;
            int_in_range(p, i128::from(n), ty)?;
            Value::Int(n)
        }
        Type::U8 | Type::U16 | Type::U32 | Type::U64 => {
            let n = p.u64()?;
            int_in_range(p, i128::from(n), ty)?;
            Value::Uint(n)
        }
        Type::F32 => Value::F32(f32::from_bits(p.hex_bits(8)? as u32)),
        Type::F64 => Value::F64(f64::from_bits(p.hex_bits(16)?)),
        Type::String => Value::Str(p.string_bytes()?),
        Type::Bytes => Value::Bytes(p.hex_bytes()?),
        Type::Option(inner) => decode_value(p, inner)?,
        Type::List(t) => {
            p.expect(b"[")?;
            let mut items = Vec::new();
            while p.next_element(items.is_empty())? {
                items.push(decode_value(p, t)?);
            }
            Value::List(items)
        }
        Type::Map(kt, vt) => {
            p.expect(b"[")?;
            let mut entries: Vec<(Value, Value)> = Vec::new();
            while p.next_element(entries.is_empty())? {
                p.expect(b"[")?;
                let k = decode_value(p, kt)?;
                p.expect(b",")?;
                let v = decode_value(p, vt)?;
                p.expect(b"]")?;
                if entries.last().is_some_and(|(last, _)| *last >= k) {
                    return Err(p.error("map keys are not sorted and unique"));
                }
                entries.push((k, v));
            }
            Value::Map(entries)
        }
        Type::Struct(st) => {
            p.expect(b"[")?;
            let mut fields = Vec::with_capacity(st.fields.len());
            for (i, f) in st.fields.iter().enumerate() {
                if i > 0 {
                    p.expect(b",")?;
                }
                fields.push(decode_value(p, &f.ty)?);
            }
            p.expect(b"]")?;
            Value::Struct(fields)
        }
    })
}

/// Appends one request line (with its `\n`).
pub fn write_request(out: &mut Vec<u8>, id: u64, function: &str, args: &[Value], types: &[Type]) {
    write_named(out, id, b",\"fn\":", function);
    write_args(out, args, types);
}

/// `{"id":N` then `key` and the quoted `name`.
fn write_named(out: &mut Vec<u8>, id: u64, key: &[u8], name: &str) {
    out.extend_from_slice(b"{\"id\":");
    write_u64(out, id);
    out.extend_from_slice(key);
    write_string(out, name.as_bytes());
}

/// `,"args":[...]}` and the line's `\n`.
fn write_args(out: &mut Vec<u8>, args: &[Value], types: &[Type]) {
    out.extend_from_slice(b",\"args\":");
    encode_seq(out, args.iter().zip(types), |out, (v, t)| {
        encode_value(out, v, t)
    });
    out.extend_from_slice(b"}\n");
}

/// The kind of a reply line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplyKind {
    /// `ok`: an array of results.
    Ok,
    /// `error`: a string.
    Error,
    /// `panic`: a string.
    Panic,
    /// `bad`: a string.
    Bad,
}

/// A reply line split into its id, kind and payload (the raw bytes after the key's colon, without
/// the closing brace). Two harnesses that did the same thing produce equal `kind` and `payload`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawReply<'a> {
    /// The echoed request id.
    pub id: u64,
    /// Which outcome.
    pub kind: ReplyKind,
    /// The encoded results array or message string.
    pub payload: &'a [u8],
}

/// Splits a reply line (without its `\n`).
pub fn split_reply(line: &[u8]) -> Result<RawReply<'_>, DecodeError> {
    let mut p = Parser::new(line);
    p.expect(b"{\"id\":")?;
    let id = p.u64()?;
    let kind = if p.eat(b",\"ok\":") {
        ReplyKind::Ok
    } else if p.eat(b",\"error\":") {
        ReplyKind::Error
    } else if p.eat(b",\"panic\":") {
        ReplyKind::Panic
    } else if p.eat(b",\"bad\":") {
        ReplyKind::Bad
    } else {
        return Err(p.error("expected `,\"ok\":`, `,\"error\":`, `,\"panic\":` or `,\"bad\":`"));
    };
    let rest = p.rest();
    match rest.split_last() {
        Some((b'}', payload)) => Ok(RawReply { id, kind, payload }),
        _ => Err(DecodeError {
            offset: line.len(),
            message: "expected `}` at the end of the reply".into(),
        }),
    }
}

/// Decodes a reply's payload into an [`Outcome`] given the function's result types.
pub fn decode_outcome(
    kind: ReplyKind,
    payload: &[u8],
    results: &[Type],
) -> Result<Outcome, DecodeError> {
    let mut p = Parser::new(payload);
    let outcome = match kind {
        ReplyKind::Ok => {
            p.expect(b"[")?;
            let mut values = Vec::with_capacity(results.len());
            for (i, t) in results.iter().enumerate() {
                if i > 0 {
                    p.expect(b",")?;
                }
                values.push(decode_value(&mut p, t)?);
            }
            p.expect(b"]")?;
            Outcome::Ok(values)
        }
        ReplyKind::Error => Outcome::Error(p.string_bytes()?),
        ReplyKind::Panic => Outcome::Panic(p.string_bytes()?),
        ReplyKind::Bad => {
            Outcome::Rejected(String::from_utf8_lossy(&p.string_bytes()?).into_owned())
        }
    };
    if !p.at_end() {
        return Err(p.error("unexpected bytes after the value"));
    }
    Ok(outcome)
}

/// Appends a reply line (with its `\n`) whose payload is already encoded.
pub fn write_reply(out: &mut Vec<u8>, id: u64, kind: ReplyKind, payload: &[u8]) {
    out.extend_from_slice(b"{\"id\":");
    write_u64(out, id);
    out.extend_from_slice(match kind {
        ReplyKind::Ok => b",\"ok\":",
        ReplyKind::Error => b",\"error\":",
        ReplyKind::Panic => b",\"panic\":",
        ReplyKind::Bad => b",\"bad\":",
    });
    out.extend_from_slice(payload);
    out.extend_from_slice(b"}\n");
}

#[derive(serde::Serialize, serde::Deserialize)]
struct RawHandshake {
    protocol: u32,
    harness: String,
    functions: Vec<RawSig>,
    #[serde(default)]
    objects: Vec<object::RawObject>,
    #[serde(default)]
    structs: Vec<RawStruct>,
    #[serde(default)]
    problems: Vec<String>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct RawSig {
    name: String,
    params: Vec<String>,
    results: Vec<String>,
    error: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    go_params: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    go_results: Vec<String>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct RawStruct {
    name: String,
    fields: Vec<(String, String)>,
}

/// Parses a handshake line, resolving struct names against its `structs` list.
pub fn parse_handshake(line: &[u8]) -> Result<Handshake, String> {
    let raw: RawHandshake =
        serde_json::from_slice(line).map_err(|e| format!("malformed handshake: {e}"))?;
    if !ACCEPTED_VERSIONS.contains(&raw.protocol) {
        return Err(format!(
            "the harness speaks protocol version {} but this parity speaks versions 1 and {PROTOCOL_VERSION}",
            raw.protocol
        ));
    }
    if raw.protocol == 1 && !raw.objects.is_empty() {
        return Err(
            "the harness speaks protocol version 1 but lists objects, which need version 2".into(),
        );
    }
    // Structs may refer to each other in any order: resolve until nothing changes.
    let mut resolved: Vec<Arc<StructType>> = Vec::new();
    let mut pending: Vec<&RawStruct> = raw.structs.iter().collect();
    while !pending.is_empty() {
        let before = pending.len();
        pending.retain(|rs| {
            let lookup = |n: &str| resolved.iter().find(|s| s.name == n).cloned();
            let fields: Result<Vec<_>, _> = rs
                .fields
                .iter()
                .map(|(n, t)| {
                    Type::parse(t, &lookup).map(|ty| crate::value::Field {
                        name: n.clone(),
                        ty,
                    })
                })
                .collect();
            match fields {
                Ok(fields) => {
                    resolved.push(Arc::new(StructType {
                        name: rs.name.clone(),
                        fields,
                    }));
                    false
                }
                Err(_) => true,
            }
        });
        if pending.len() == before {
            return Err(format!(
                "handshake struct `{}` has a field of unknown type",
                pending[0].name
            ));
        }
    }
    let lookup = |n: &str| resolved.iter().find(|s| s.name == n).cloned();
    let parse_all = |ts: &[String], kind: &str, what: &str| -> Result<Vec<Type>, String> {
        ts.iter()
            .map(|t| {
                Type::parse(t, &lookup)
                    .map_err(|e| format!("{what}: {kind} type `{t}`: {}", e.message))
            })
            .collect()
    };
    let sig = |s: &RawSig, what: &str| -> Result<FunctionSig, String> {
        Ok(FunctionSig {
            name: s.name.clone(),
            params: parse_all(&s.params, "parameter", what)?,
            results: parse_all(&s.results, "result", what)?,
            error: s.error,
            go_params: s.go_params.clone(),
        })
    };
    let functions = raw
        .functions
        .iter()
        .map(|s| sig(s, &format!("function `{}`", s.name)))
        .collect::<Result<Vec<_>, _>>()?;
    let objects = object::parse_objects(&raw.objects, sig)?;
    Ok(Handshake {
        protocol: raw.protocol,
        harness: raw.harness,
        functions,
        objects,
        problems: raw.problems,
    })
}

/// Writes a handshake line (with its `\n`); used by the Rust worker.
pub fn write_handshake(hs: &Handshake) -> Vec<u8> {
    let mut structs: Vec<Arc<StructType>> = Vec::new();
    fn collect(t: &Type, out: &mut Vec<Arc<StructType>>) {
        match t {
            Type::Option(i) | Type::List(i) => collect(i, out),
            Type::Map(k, v) => {
                collect(k, out);
                collect(v, out);
            }
            Type::Struct(s) if !out.iter().any(|o| o.name == s.name) => {
                out.push(s.clone());
                for f in &s.fields {
                    collect(&f.ty, out);
                }
            }
            _ => {}
        }
    }
    hs.functions
        .iter()
        .flat_map(|f| f.params.iter().chain(&f.results))
        .chain(object::object_types(&hs.objects))
        .for_each(|t| collect(t, &mut structs));
    let raw = RawHandshake {
        protocol: hs.protocol,
        harness: hs.harness.clone(),
        functions: hs
            .functions
            .iter()
            .map(|f| RawSig {
                name: f.name.clone(),
                params: f.params.iter().map(|t| t.to_string()).collect(),
                results: f.results.iter().map(|t| t.to_string()).collect(),
                error: f.error,
                go_params: f.go_params.clone(),
                go_results: Vec::new(),
            })
            .collect(),
        objects: object::raw_objects(&hs.objects),
        structs: structs
            .iter()
            .map(|s| RawStruct {
                name: s.name.clone(),
                fields: s
                    .fields
                    .iter()
                    .map(|f| (f.name.clone(), f.ty.to_string()))
                    .collect(),
            })
            .collect(),
        problems: hs.problems.clone(),
    };
    let mut line = serde_json::to_vec(&raw).expect("handshake serializes");
    line.push(b'\n');
    line
}

#[cfg(test)]
mod tests;
