//! Opaque page cursors (Go: `cursor.go`): unpadded base64url of a version byte, a flags byte
//! and two zig-zag varints.
//!
//! Decoding reproduces Go's `base64.RawURLEncoding.DecodeString` and `binary.Varint` exactly,
//! leniencies included: CR and LF are skipped anywhere in the token, non-zero trailing bits are
//! ignored ("AQBUAh" decodes like "AQBUAg"), and a varint may be overlong. A stock base64 crate
//! rejects the first two, so tokens that work against the Go service would break.

/// A list page position: the last row seen and the sort direction (Go: `Cursor`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cursor {
    /// The last row's id.
    pub id: i64,
    /// The last row's creation time.
    pub created_at: i64,
    /// Descending order.
    pub desc: bool,
}

/// Why [`decode_cursor`] rejected a token; the texts are Go's `err.Error()`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CursorError {
    /// Not base64url: Go's `CorruptInputError` at the given byte.
    #[error("billing: malformed cursor: illegal base64 data at input byte {0}")]
    Base64(usize),
    /// Shorter than two bytes, or another format version.
    #[error("billing: malformed cursor: not a version 1 cursor")]
    Version,
    /// Flag bits other than "descending"; Go prints them with `%#x`.
    #[error("billing: malformed cursor: unknown flags {0:#x}")]
    Flags(u8),
    /// The id varint is truncated or overflows.
    #[error("billing: malformed cursor: bad id")]
    Id,
    /// The creation time varint is truncated or overflows.
    #[error("billing: malformed cursor: bad creation time")]
    CreatedAt,
    /// Bytes after the last field.
    #[error("billing: malformed cursor: {0} trailing bytes")]
    Trailing(usize),
}

const VERSION: u8 = 1;
const DESC: u8 = 1;
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Renders `c` as an opaque URL-safe token; `None` (the first page) is "".
pub fn encode_cursor(c: Option<&Cursor>) -> String {
    let Some(c) = c else {
        return String::new();
    };
    let mut raw = vec![VERSION, if c.desc { DESC } else { 0 }];
    put_varint(&mut raw, c.id);
    put_varint(&mut raw, c.created_at);
    base64_encode(&raw)
}

/// Parses a token from [`encode_cursor`]; "" is the first page, `None`.
pub fn decode_cursor(s: &str) -> Result<Option<Cursor>, CursorError> {
    if s.is_empty() {
        return Ok(None);
    }
    let raw = base64_decode(s.as_bytes()).map_err(CursorError::Base64)?;
    if raw.len() < 2 || raw[0] != VERSION {
        return Err(CursorError::Version);
    }
    let flags = raw[1];
    if flags & !DESC != 0 {
        return Err(CursorError::Flags(flags));
    }
    let (id, n) = varint(&raw[2..]).ok_or(CursorError::Id)?;
    let rest = &raw[2 + n..];
    let (created_at, m) = varint(rest).ok_or(CursorError::CreatedAt)?;
    if m != rest.len() {
        return Err(CursorError::Trailing(rest.len() - m));
    }
    Ok(Some(Cursor {
        id,
        created_at,
        desc: flags & DESC != 0,
    }))
}

/// Go's `binary.AppendVarint`: zig-zag, then 7 bits per byte, low bits first.
fn put_varint(out: &mut Vec<u8>, x: i64) {
    let mut ux = ((x << 1) ^ (x >> 63)) as u64;
    while ux >= 0x80 {
        out.push(ux as u8 | 0x80);
        ux >>= 7;
    }
    out.push(ux as u8);
}

/// Go's `binary.Varint`: the value and the bytes read, or `None` where Go returns `n <= 0`
/// (truncated, or more than 64 bits). Overlong encodings such as `80 00` are accepted.
fn varint(buf: &[u8]) -> Option<(i64, usize)> {
    let mut x: u64 = 0;
    let mut shift = 0;
    for (i, &b) in buf.iter().enumerate() {
        if i == 10 {
            return None;
        }
        if b < 0x80 {
            if i == 9 && b > 1 {
                return None;
            }
            let ux = x | u64::from(b) << shift;
            let v = (ux >> 1) as i64;
            return Some((if ux & 1 != 0 { !v } else { v }, i + 1));
        }
        x |= u64::from(b & 0x7f) << shift;
        shift += 7;
    }
    None
}

fn base64_encode(raw: &[u8]) -> String {
    let mut out = String::with_capacity(raw.len().div_ceil(3) * 4);
    for chunk in raw.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let v = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for k in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(v >> (18 - 6 * k)) as usize & 63]));
        }
    }
    out
}

fn sextet(c: u8) -> Option<u8> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u8)
}

/// Go's `base64.RawURLEncoding.DecodeString`, quantum by quantum as Go's `decodeQuantum` does,
/// with Go's error offsets. The error is the byte offset Go reports.
fn base64_decode(src: &[u8]) -> Result<Vec<u8>, usize> {
    let mut out = Vec::with_capacity(src.len() * 3 / 4);
    let mut si = 0;
    while si < src.len() {
        let mut quantum = [0u8; 4];
        let mut j = 0;
        while j < 4 {
            if si == src.len() {
                if j == 0 {
                    // Only newlines were left.
                    return Ok(out);
                }
                if j == 1 {
                    return Err(si - j);
                }
                break;
            }
            let c = src[si];
            si += 1;
            match sextet(c) {
                Some(v) => {
                    quantum[j] = v;
                    j += 1;
                }
                None if c == b'\n' || c == b'\r' => {}
                None => return Err(si - 1),
            }
        }
        let v = u32::from(quantum[0]) << 18
            | u32::from(quantum[1]) << 12
            | u32::from(quantum[2]) << 6
            | u32::from(quantum[3]);
        // j sextets carry j - 1 whole bytes; the bits left over are ignored, not checked.
        out.extend_from_slice(&[(v >> 16) as u8, (v >> 8) as u8, v as u8][..j - 1]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_at_the_extremes() {
        for c in [
            Cursor::default(),
            Cursor {
                id: i64::MIN,
                created_at: i64::MAX,
                desc: true,
            },
        ] {
            assert_eq!(decode_cursor(&encode_cursor(Some(&c))), Ok(Some(c)));
        }
        assert_eq!(encode_cursor(None), "");
        assert_eq!(decode_cursor(""), Ok(None));
    }

    #[test]
    fn tokens_go_accepts_leniently_decode_the_same() {
        let want = Ok(Some(Cursor {
            id: 42,
            created_at: 1,
            desc: false,
        }));
        assert_eq!(decode_cursor("AQBUAg"), want);
        assert_eq!(decode_cursor("AQBU\r\nAg"), want, "CR and LF are skipped");
        assert_eq!(decode_cursor("AQBUAh"), want, "trailing bits are ignored");
    }

    #[test]
    fn foreign_tokens_fail_with_gos_messages() {
        let msg = |s| decode_cursor(s).unwrap_err().to_string();
        assert_eq!(
            msg("AQBUAg=="),
            "billing: malformed cursor: illegal base64 data at input byte 6"
        );
        assert_eq!(
            msg("AQBUA"),
            "billing: malformed cursor: illegal base64 data at input byte 4"
        );
        assert_eq!(
            msg("AQJUAg"),
            "billing: malformed cursor: unknown flags 0x2"
        );
        assert_eq!(
            msg("\n"),
            "billing: malformed cursor: not a version 1 cursor"
        );
    }
}
