//! From typed inputs to the bytes of a request: path parameters percent-encoded into their
//! segments, query parameters, headers, and a body encoded as JSON the way a Go client's
//! `encoding/json` would write it (struct fields under their JSON names, `[]byte` as base64, nil
//! lists and pointers as `null`).

use std::collections::HashMap;

use super::http::Request;
use crate::readable;
use crate::spec::{BodyKind, EndpointSpec, InputKind, PathPart};
use crate::value::{Type, Value};

/// Builds the request of `ep` for `inputs` (one value per [`EndpointSpec::inputs`]).
pub fn build(
    ep: &EndpointSpec,
    json_names: &HashMap<String, Vec<String>>,
    inputs: &[Value],
) -> Request {
    let mut target = String::new();
    for part in &ep.segments {
        match part {
            PathPart::Literal(s) => target.push_str(s),
            PathPart::Param(i) => target.push_str(&percent_encode(&text(&inputs[*i]))),
        }
    }
    let mut query = Vec::new();
    let mut headers = Vec::new();
    let mut body = Vec::new();
    let mut default_type = None;
    for (input, v) in ep.inputs.iter().zip(inputs) {
        match input.kind {
            InputKind::Path => {}
            InputKind::Query => {
                if let Some(v) = present(v) {
                    query.push(format!(
                        "{}={}",
                        percent_encode(input.arg.name.as_bytes()),
                        percent_encode(&text(v))
                    ));
                }
            }
            InputKind::Header => {
                if let Some(v) = present(v) {
                    headers.push((input.arg.name.clone(), header_value(&text(v))));
                }
            }
            InputKind::Body => match &ep.body {
                BodyKind::None => {}
                BodyKind::Json(ty) => {
                    encode_json(&mut body, v, ty, json_names);
                    default_type = Some(&b"application/json"[..]);
                }
                BodyKind::Bytes => {
                    if let Value::Bytes(b) | Value::Str(b) = v {
                        body = b.clone();
                    }
                    default_type = Some(&b"application/octet-stream"[..]);
                }
            },
        }
    }
    // A body gets its content type unless the spec makes `Content-Type` an input of its own
    // (present or absent: an absent one is a request without it).
    let typed = ep
        .inputs
        .iter()
        .any(|i| i.kind == InputKind::Header && i.arg.name.eq_ignore_ascii_case("content-type"));
    if let (Some(t), false) = (default_type, typed) {
        headers.push(("Content-Type".into(), t.to_vec()));
    }
    if !query.is_empty() {
        target.push('?');
        target.push_str(&query.join("&"));
    }
    Request {
        method: ep.method.clone(),
        target,
        headers,
        body,
    }
}

/// The value inside an optional input, `None` when it is absent.
fn present(v: &Value) -> Option<&Value> {
    match v {
        Value::Nil => None,
        v => Some(v),
    }
}

/// The text of a scalar input as it goes into a path, query or header: strings as their bytes,
/// numbers in Go's `%v` spelling, booleans as `true`/`false`.
pub fn text(v: &Value) -> Vec<u8> {
    match v {
        Value::Str(b) | Value::Bytes(b) => b.clone(),
        Value::Bool(b) => b.to_string().into_bytes(),
        Value::Int(i) => i.to_string().into_bytes(),
        Value::Uint(u) => u.to_string().into_bytes(),
        Value::F64(x) => readable::float64(*x).into_bytes(),
        Value::F32(x) => readable::float32(*x).into_bytes(),
        Value::Nil => Vec::new(),
        other => readable::one_line(other, &Type::String).into_bytes(),
    }
}

/// Percent-encodes every byte outside RFC 3986's unreserved set, so any generated text is one
/// path segment or one query value.
pub fn percent_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A header value HTTP can carry: control bytes other than tab are dropped (no client can send
/// them, so no port sees them).
fn header_value(bytes: &[u8]) -> Vec<u8> {
    bytes
        .iter()
        .copied()
        .filter(|&b| b == b'\t' || (b >= 0x20 && b != 0x7f))
        .collect()
}

/// Appends `v` of type `ty` as JSON.
pub fn encode_json(out: &mut Vec<u8>, v: &Value, ty: &Type, names: &HashMap<String, Vec<String>>) {
    match (v, ty) {
        (Value::Nil, _) => out.extend_from_slice(b"null"),
        (v, Type::Option(inner)) => encode_json(out, v, inner, names),
        (Value::Bool(b), _) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        (Value::Int(i), _) => out.extend_from_slice(i.to_string().as_bytes()),
        (Value::Uint(u), _) => out.extend_from_slice(u.to_string().as_bytes()),
        (Value::F64(x), _) => float(out, *x),
        (Value::F32(x), _) => float(out, *x as f64),
        (Value::Str(b), _) => json_string(out, &String::from_utf8_lossy(b)),
        (Value::Bytes(b), _) => json_string(out, &base64(b)),
        (Value::List(items), Type::List(t)) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                encode_json(out, item, t, names);
            }
            out.push(b']');
        }
        (Value::Map(entries), Type::Map(kt, vt)) => {
            out.push(b'{');
            for (i, (k, val)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                let key = match k {
                    Value::Str(b) => String::from_utf8_lossy(b).into_owned(),
                    k => String::from_utf8_lossy(&text(k)).into_owned(),
                };
                let _ = kt;
                json_string(out, &key);
                out.push(b':');
                encode_json(out, val, vt, names);
            }
            out.push(b'}');
        }
        (Value::Struct(fields), Type::Struct(st)) => {
            out.push(b'{');
            let json = names.get(&st.name);
            for (i, (f, val)) in st.fields.iter().zip(fields).enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                let name = json.and_then(|n| n.get(i)).unwrap_or(&f.name);
                json_string(out, name);
                out.push(b':');
                encode_json(out, val, &f.ty, names);
            }
            out.push(b'}');
        }
        _ => out.extend_from_slice(b"null"),
    }
}

/// A float as JSON; NaN and infinities, which JSON cannot spell, as `null`.
fn float(out: &mut Vec<u8>, x: f64) {
    if x.is_finite() {
        out.extend_from_slice(format!("{x:?}").as_bytes());
    } else {
        out.extend_from_slice(b"null");
    }
}

/// A JSON string with the escapes every encoder agrees on.
pub fn json_string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    for c in s.chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            c if (c as u32) < 0x20 => {
                out.extend_from_slice(format!("\\u{:04x}", c as u32).as_bytes())
            }
            c => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out.push(b'"');
}

/// Standard base64 with padding, as Go encodes `[]byte`.
fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.len();
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let v = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= n {
                out.push(A[(v >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_are_base64_encoded_as_go_does() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foob"), "Zm9vYg==");
    }

    #[test]
    fn path_text_is_one_segment_after_percent_encoding() {
        assert_eq!(percent_encode(b"a/b c%"), "a%2Fb%20c%25");
        assert_eq!(percent_encode("é".as_bytes()), "%C3%A9");
    }
}
