//! Go's `encoding/json`, as the Go service uses it: `json.NewDecoder(body)` with
//! `DisallowUnknownFields` decoding into the request structs, and `json.NewEncoder(w).Encode`.
//!
//! What the decoder does, and this module with it:
//! - it reads ONE JSON value and ignores whatever follows it (`{"a":1}garbage` decodes);
//! - the whole value is syntax-checked first (nesting deeper than 10000 is an error), then
//!   decoded; the first decoding error (unknown field, wrong type) is the one reported;
//! - keys match fields exactly, else case-insensitively with Unicode simple folding
//!   (`CUSTOMER`, `cuſtomer` with U+017F both mean `customer`);
//! - a duplicated key decodes again into the same field, so the last one wins, and a slice
//!   decoded again reuses its backing array (`[null]` keeps the old first element);
//! - `null` leaves a string alone, and sets a slice or pointer to nil;
//! - invalid UTF-8 and lone surrogates inside strings become U+FFFD instead of failing;
//! - top-level `null` decodes into the zero struct.

/// The maximum nesting depth of Go's scanner.
const MAX_DEPTH: usize = 10000;

/// Why a body did not decode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// Any syntax, EOF or type error: the service answers with one fixed message.
    Invalid,
    /// `json: unknown field "x"`: the field name as Go's `%q` prints it.
    UnknownField(String),
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

enum Ctx {
    Arr,
    Obj,
}

/// Checks the first JSON value of `buf` the way Go's Decoder scanner does and returns the
/// range of bytes it occupies.
fn scan(buf: &[u8]) -> Result<(usize, usize), DecodeError> {
    let mut i = 0;
    while i < buf.len() && is_ws(buf[i]) {
        i += 1;
    }
    if i == buf.len() {
        return Err(DecodeError::Invalid); // io.EOF
    }
    let start = i;
    let mut stack: Vec<Ctx> = Vec::new();
    let ws = |i: &mut usize| {
        while *i < buf.len() && is_ws(buf[*i]) {
            *i += 1;
        }
    };
    'value: loop {
        ws(&mut i);
        let Some(&c) = buf.get(i) else {
            return Err(DecodeError::Invalid);
        };
        match c {
            b'{' | b'[' => {
                stack.push(if c == b'{' { Ctx::Obj } else { Ctx::Arr });
                if stack.len() > MAX_DEPTH {
                    return Err(DecodeError::Invalid);
                }
                i += 1;
                ws(&mut i);
                let close = if c == b'{' { b'}' } else { b']' };
                if buf.get(i) == Some(&close) {
                    i += 1;
                    stack.pop();
                } else if c == b'{' {
                    i = scan_key(buf, i)?;
                    continue 'value;
                } else {
                    continue 'value;
                }
            }
            b'"' => i = scan_string(buf, i)?,
            b't' => i = scan_literal(buf, i, b"true")?,
            b'f' => i = scan_literal(buf, i, b"false")?,
            b'n' => i = scan_literal(buf, i, b"null")?,
            b'-' | b'0'..=b'9' => i = scan_number(buf, i, stack.is_empty())?,
            _ => return Err(DecodeError::Invalid),
        }
        // After a value.
        loop {
            let Some(top) = stack.last() else {
                return Ok((start, i));
            };
            ws(&mut i);
            let Some(&c) = buf.get(i) else {
                return Err(DecodeError::Invalid);
            };
            match (top, c) {
                (_, b',') => {
                    i += 1;
                    if matches!(top, Ctx::Obj) {
                        ws(&mut i);
                        i = scan_key(buf, i)?;
                    }
                    continue 'value;
                }
                (Ctx::Obj, b'}') | (Ctx::Arr, b']') => {
                    i += 1;
                    stack.pop();
                }
                _ => return Err(DecodeError::Invalid),
            }
        }
    }
}

/// A key and its colon; returns the position after the colon.
fn scan_key(buf: &[u8], i: usize) -> Result<usize, DecodeError> {
    if buf.get(i) != Some(&b'"') {
        return Err(DecodeError::Invalid);
    }
    let mut i = scan_string(buf, i)?;
    while i < buf.len() && is_ws(buf[i]) {
        i += 1;
    }
    if buf.get(i) != Some(&b':') {
        return Err(DecodeError::Invalid);
    }
    Ok(i + 1)
}

fn scan_string(buf: &[u8], mut i: usize) -> Result<usize, DecodeError> {
    i += 1;
    loop {
        let Some(&c) = buf.get(i) else {
            return Err(DecodeError::Invalid);
        };
        match c {
            b'"' => return Ok(i + 1),
            b'\\' => match buf.get(i + 1) {
                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i += 2,
                Some(b'u') => {
                    for k in 0..4 {
                        match buf.get(i + 2 + k) {
                            Some(h) if h.is_ascii_hexdigit() => {}
                            _ => return Err(DecodeError::Invalid),
                        }
                    }
                    i += 6;
                }
                _ => return Err(DecodeError::Invalid),
            },
            0..=0x1f => return Err(DecodeError::Invalid),
            _ => i += 1,
        }
    }
}

fn scan_literal(buf: &[u8], i: usize, lit: &[u8]) -> Result<usize, DecodeError> {
    for (k, &b) in lit.iter().enumerate() {
        if buf.get(i + k) != Some(&b) {
            return Err(DecodeError::Invalid);
        }
    }
    Ok(i + lit.len())
}

/// A number: the longest prefix the grammar allows. At top level the byte after a complete
/// number ends the value whatever it is; a number cut short is an error.
fn scan_number(buf: &[u8], mut i: usize, _top: bool) -> Result<usize, DecodeError> {
    let digit = |i: usize| buf.get(i).is_some_and(|b| b.is_ascii_digit());
    if buf[i] == b'-' {
        i += 1;
    }
    match buf.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            while digit(i) {
                i += 1;
            }
        }
        _ => return Err(DecodeError::Invalid),
    }
    if buf.get(i) == Some(&b'.') {
        i += 1;
        if !digit(i) {
            return Err(DecodeError::Invalid);
        }
        while digit(i) {
            i += 1;
        }
    }
    if matches!(buf.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(buf.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digit(i) {
            return Err(DecodeError::Invalid);
        }
        while digit(i) {
            i += 1;
        }
    }
    Ok(i)
}

/// The end of the (already checked) value starting at `i`.
fn skip(buf: &[u8], i: usize) -> usize {
    match buf[i] {
        b'"' => scan_string(buf, i).unwrap_or(buf.len()),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = i;
            loop {
                match buf[i] {
                    b'"' => {
                        i = scan_string(buf, i).unwrap_or(buf.len());
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return i + 1;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        b't' | b'n' => i + 4,
        b'f' => i + 5,
        _ => {
            let mut i = i;
            while i < buf.len() && matches!(buf[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
            {
                i += 1;
            }
            i
        }
    }
}

fn hex4(b: &[u8]) -> u32 {
    let s = std::str::from_utf8(&b[..4]).unwrap_or("0000");
    u32::from_str_radix(s, 16).unwrap_or(0)
}

/// Go's `unquote` of a checked string starting at the quote; returns the text and the end.
fn unquote(buf: &[u8], start: usize) -> (String, usize) {
    let mut out = String::new();
    let mut i = start + 1;
    loop {
        let c = buf[i];
        match c {
            b'"' => return (out, i + 1),
            b'\\' => {
                let e = buf[i + 1];
                i += 2;
                match e {
                    b'b' => out.push('\u{8}'),
                    b'f' => out.push('\u{c}'),
                    b'n' => out.push('\n'),
                    b'r' => out.push('\r'),
                    b't' => out.push('\t'),
                    b'u' => {
                        let r = hex4(&buf[i..]);
                        i += 4;
                        if (0xD800..0xE000).contains(&r) {
                            // A valid pair is consumed whole; anything else is U+FFFD.
                            if (0xD800..0xDC00).contains(&r)
                                && buf.get(i) == Some(&b'\\')
                                && buf.get(i + 1) == Some(&b'u')
                            {
                                let r2 = hex4(&buf[i + 2..]);
                                if (0xDC00..0xE000).contains(&r2) {
                                    let c = 0x10000 + ((r - 0xD800) << 10) + (r2 - 0xDC00);
                                    out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
                                    i += 6;
                                    continue;
                                }
                            }
                            out.push('\u{FFFD}');
                        } else {
                            out.push(char::from_u32(r).unwrap_or('\u{FFFD}'));
                        }
                    }
                    other => out.push(other as char),
                }
            }
            0..=0x7f => {
                out.push(c as char);
                i += 1;
            }
            _ => {
                // Go's utf8.DecodeRune: a bad byte is one U+FFFD and one byte consumed.
                let len = match c {
                    0xC0..=0xDF => 2,
                    0xE0..=0xEF => 3,
                    0xF0..=0xF7 => 4,
                    _ => 1,
                };
                match buf
                    .get(i..i + len)
                    .and_then(|b| std::str::from_utf8(b).ok())
                {
                    Some(s) if len > 1 => {
                        out.push_str(s);
                        i += len;
                    }
                    _ => {
                        out.push('\u{FFFD}');
                        i += 1;
                    }
                }
            }
        }
    }
}

/// Folds a key the way Go matches it against a field name case-insensitively. Only the folds
/// that can reach the ASCII field names matter: ASCII case, U+017F (ſ) → s, U+212A (K) → k.
fn fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{17F}' => 's',
            '\u{212A}' => 'k',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// A Go `[]string` as the decoder fills it: `None` is nil; the backing array outlives `len`.
#[derive(Debug, Default, Clone)]
pub struct GoSlice {
    backing: Vec<String>,
    len: Option<usize>,
}

impl GoSlice {
    /// The slice's value: `None` for a nil slice.
    pub fn value(&self) -> Option<Vec<String>> {
        self.len.map(|n| self.backing[..n].to_vec())
    }
}

/// A field of a request struct.
pub enum Field<'a> {
    /// A `string` (null leaves it alone).
    Str(&'a mut String),
    /// A `*string` (null sets it to nil).
    PtrStr(&'a mut Option<String>),
    /// A `[]string` (null sets it to nil).
    Strings(&'a mut GoSlice),
    /// A `*[]string` (null sets the pointer to nil; a present pointee is reused).
    PtrStrings(&'a mut Option<GoSlice>),
}

/// Decodes the first JSON value of `body` into a struct whose fields are `fields` (JSON name,
/// slot), as `Decoder.Decode` with `DisallowUnknownFields` does.
pub fn decode(body: &[u8], fields: &mut [(&str, Field<'_>)]) -> Result<(), DecodeError> {
    let (start, _) = scan(body)?;
    match body[start] {
        b'n' => return Ok(()),
        b'{' => {}
        _ => return Err(DecodeError::Invalid),
    }
    let mut saved: Option<DecodeError> = None;
    let save = |e: DecodeError, saved: &mut Option<DecodeError>| {
        if saved.is_none() {
            *saved = Some(e);
        }
    };
    let ws = |i: &mut usize| {
        while is_ws(body[*i]) {
            *i += 1;
        }
    };
    let mut i = start + 1;
    loop {
        ws(&mut i);
        match body[i] {
            b'}' => break,
            b',' => {
                i += 1;
                ws(&mut i);
            }
            _ => {}
        }
        let (key, end) = unquote(body, i);
        i = end;
        ws(&mut i);
        i += 1; // ':'
        ws(&mut i);
        let folded = fold(&key);
        let idx = fields
            .iter()
            .position(|(name, _)| *name == key)
            .or_else(|| fields.iter().position(|(name, _)| fold(name) == folded));
        let Some(idx) = idx else {
            save(DecodeError::UnknownField(go_quote(&key)), &mut saved);
            i = skip(body, i);
            continue;
        };
        let c = body[i];
        match &mut fields[idx].1 {
            Field::Str(s) => match c {
                b'"' => {
                    let (v, end) = unquote(body, i);
                    **s = v;
                    i = end;
                }
                b'n' => i += 4,
                _ => {
                    save(DecodeError::Invalid, &mut saved);
                    i = skip(body, i);
                }
            },
            Field::PtrStr(p) => match c {
                b'"' => {
                    let (v, end) = unquote(body, i);
                    **p = Some(v);
                    i = end;
                }
                b'n' => {
                    **p = None;
                    i += 4;
                }
                _ => {
                    save(DecodeError::Invalid, &mut saved);
                    i = skip(body, i);
                }
            },
            Field::Strings(sl) => {
                if c == b'n' {
                    **sl = GoSlice::default();
                    i += 4;
                } else {
                    i = decode_strings(body, i, sl, &mut saved);
                }
            }
            Field::PtrStrings(p) => {
                if c == b'n' {
                    **p = None;
                    i += 4;
                } else if c == b'[' {
                    let sl = p.get_or_insert_with(GoSlice::default);
                    i = decode_strings(body, i, sl, &mut saved);
                } else {
                    // A type error leaves the pointer as it was, but allocated.
                    p.get_or_insert_with(GoSlice::default);
                    save(DecodeError::Invalid, &mut saved);
                    i = skip(body, i);
                }
            }
        }
    }
    match saved {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Go's `array()` into a `[]string`: reuses the backing array, grows one element at a time,
/// sets the length at the end, and makes an empty non-nil slice for `[]`.
fn decode_strings(
    body: &[u8],
    mut i: usize,
    sl: &mut GoSlice,
    saved: &mut Option<DecodeError>,
) -> usize {
    if body[i] != b'[' {
        if saved.is_none() {
            *saved = Some(DecodeError::Invalid);
        }
        return skip(body, i);
    }
    i += 1;
    let mut n = 0usize;
    loop {
        while is_ws(body[i]) {
            i += 1;
        }
        match body[i] {
            b']' => {
                i += 1;
                break;
            }
            b',' => {
                i += 1;
                while is_ws(body[i]) {
                    i += 1;
                }
            }
            _ => {}
        }
        if n >= sl.backing.len() {
            sl.backing.push(String::new());
        }
        let len = sl.len.get_or_insert(0);
        if n >= *len {
            *len = n + 1;
        }
        match body[i] {
            b'"' => {
                let (v, end) = unquote(body, i);
                sl.backing[n] = v;
                i = end;
            }
            b'n' => i += 4,
            _ => {
                if saved.is_none() {
                    *saved = Some(DecodeError::Invalid);
                }
                i = skip(body, i);
            }
        }
        n += 1;
    }
    if n == 0 {
        *sl = GoSlice {
            backing: Vec::new(),
            len: Some(0),
        };
    } else {
        sl.len = Some(n);
    }
    i
}

/// Go's `strconv.Quote` for a valid UTF-8 string. Printable non-ASCII runes are kept when
/// they are letters or digits by Go's tables; other non-ASCII runes are escaped, which is Go's
/// answer for spaces, controls and format characters (an approximation for marks, punctuation
/// and symbols outside ASCII, which Go keeps).
pub fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            ' '..='~' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if c != '\u{FFFD}'
                && (billing::go_unicode::is_letter(c) || billing::go_unicode::is_digit(c)) =>
            {
                out.push(c)
            }
            '\u{FFFD}' => out.push(c),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// Appends `s` as a JSON string the way Go's encoder writes it with HTML escaping on.
pub fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{0}'..='\u{1f}' => out.push_str(&format!("\\u00{:02x}", c as u32)),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Appends a `[]string`: `null` for nil.
pub fn write_strings(out: &mut String, v: Option<&[String]>) {
    match v {
        None => out.push_str("null"),
        Some(items) => {
            out.push('[');
            for (k, s) in items.iter().enumerate() {
                if k > 0 {
                    out.push(',');
                }
                write_str(out, s);
            }
            out.push(']');
        }
    }
}

/// A JSON object written field by field in Go's struct order; `finish` adds Encode's newline.
pub struct Obj(String);

impl Obj {
    /// `{`.
    pub fn new() -> Self {
        Obj(String::from("{"))
    }
    fn key(&mut self, k: &str) {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        write_str(&mut self.0, k);
        self.0.push(':');
    }
    /// A string field.
    pub fn str(mut self, k: &str, v: &str) -> Self {
        self.key(k);
        write_str(&mut self.0, v);
        self
    }
    /// An integer field.
    pub fn int(mut self, k: &str, v: i64) -> Self {
        self.key(k);
        self.0.push_str(&v.to_string());
        self
    }
    /// A field holding already encoded JSON.
    pub fn raw(mut self, k: &str, v: &str) -> Self {
        self.key(k);
        self.0.push_str(v);
        self
    }
    /// The object without the newline (to nest it).
    pub fn close(mut self) -> String {
        self.0.push('}');
        self.0
    }
    /// The object as `Encoder.Encode` writes it: with a trailing newline.
    pub fn finish(self) -> String {
        let mut s = self.close();
        s.push('\n');
        s
    }
}
