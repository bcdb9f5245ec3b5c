//! Example values: a TOML value read as a [`Value`] of a given [`Type`], following the rules of
//! the spec format (floats as numbers or exact bits, bytes as text or integers, `{}` as nil,
//! maps from tables or pairs, structs by field name).

use toml::Value as Toml;

use crate::value::{Type, Value};

use super::error::{clip, clip_debug, closest, quote, MAX_QUOTE};

/// Why a TOML value does not fit a type.
#[derive(Debug)]
pub(crate) struct ExampleError {
    /// Where inside the example, like `[1].Units`; empty at the top.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// How such a value is written.
    pub hint: Option<String>,
}

impl ExampleError {
    fn new(message: impl Into<String>, hint: Option<String>) -> Self {
        ExampleError {
            path: String::new(),
            message: message.into(),
            hint,
        }
    }

    fn inside(mut self, segment: String) -> Self {
        self.path = format!("{segment}{}", self.path);
        self
    }
}

/// `a string "abc"`, `an integer 3`, … for messages.
fn describe(v: &Toml) -> String {
    match v {
        Toml::String(s) => format!("a string {}", clip_debug(s)),
        Toml::Integer(i) => format!("an integer {i}"),
        Toml::Float(f) => format!("a float {f}"),
        Toml::Boolean(b) => format!("a boolean {b}"),
        Toml::Datetime(d) => format!("a datetime {d}"),
        Toml::Array(_) => "an array".to_string(),
        Toml::Table(t) if t.is_empty() => "an empty table `{}`".to_string(),
        Toml::Table(_) => "a table".to_string(),
    }
}

fn is_nil(v: &Toml) -> bool {
    matches!(v, Toml::Table(t) if t.is_empty())
}

/// The inclusive bounds of an integer type.
pub(crate) fn int_bounds(ty: &Type) -> (i128, i128) {
    let bits = ty.bits().unwrap_or(64);
    if ty.is_signed() {
        (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
    } else {
        (0, (1i128 << bits) - 1)
    }
}

/// An integer from a TOML integer or a decimal string, checked against the type's bounds.
pub(crate) fn integer(v: &Toml, ty: &Type) -> Result<i128, ExampleError> {
    let n = match v {
        Toml::Integer(i) => i128::from(*i),
        Toml::String(s) => s.trim().parse::<i128>().map_err(|_| {
            ExampleError::new(
                format!("expected an integer for `{}`, found {}", quote(ty), describe(v)),
                Some("a string is read as a decimal integer, like \"18446744073709551615\"".into()),
            )
        })?,
        _ => {
            return Err(ExampleError::new(
                format!("expected an integer for `{}`, found {}", quote(ty), describe(v)),
                Some("write an integer, like `42` or `-7` (a decimal string, like \"18446744073709551615\", for `u64` values above `i64`'s)".into()),
            ))
        }
    };
    let (lo, hi) = int_bounds(ty);
    if n < lo || n > hi {
        return Err(ExampleError::new(
            format!("{n} is out of range for `{}` ({lo}..={hi})", quote(ty)),
            Some(format!(
                "pick a value in {lo}..={hi}, or declare the wider type the Go code really takes"
            )),
        ));
    }
    Ok(n)
}

const FLOAT_HINT: &str = "write a float (`1.5`, `nan`, `inf`, `-inf`, `-0.0`), or exact IEEE bits as a string like \"0x7ff8000000000001\"";

/// A float from a TOML float, an integer that converts exactly, or a `"0x…"` bit string.
pub(crate) fn float(v: &Toml, ty: &Type) -> Result<Value, ExampleError> {
    let wide = *ty == Type::F64;
    let x = match v {
        Toml::Float(x) => *x,
        Toml::Integer(i) => {
            let x = *i as f64;
            if x as i128 != i128::from(*i) || (!wide && (x as f32) as f64 != x) {
                return Err(ExampleError::new(
                    format!(
                        "the integer {i} is not exactly representable as `{}`",
                        quote(ty)
                    ),
                    Some(FLOAT_HINT.into()),
                ));
            }
            x
        }
        Toml::String(s) if s.starts_with("0x") || s.starts_with("0X") => {
            let digits = &s[2..];
            let max = if wide { 16 } else { 8 };
            let bits = u64::from_str_radix(digits, 16)
                .ok()
                .filter(|_| !digits.is_empty() && digits.len() <= max);
            return match bits {
                Some(b) if wide => Ok(Value::F64(f64::from_bits(b))),
                Some(b) => Ok(Value::F32(f32::from_bits(b as u32))),
                None => Err(ExampleError::new(
                    format!(
                        "{} is not a valid bit pattern for `{}`",
                        clip_debug(s),
                        quote(ty)
                    ),
                    Some(format!(
                        "exact bits are \"0x\" and up to {max} hex digits, like \"0x{}\"",
                        if wide { "7ff8000000000001" } else { "7fc00001" }
                    )),
                )),
            };
        }
        _ => {
            return Err(ExampleError::new(
                format!(
                    "expected a float for `{}`, found {}",
                    quote(ty),
                    describe(v)
                ),
                Some(FLOAT_HINT.into()),
            ))
        }
    };
    if wide {
        return Ok(Value::F64(x));
    }
    let narrow = x as f32;
    if x.is_finite() && !narrow.is_finite() {
        return Err(ExampleError::new(
            format!("{x:?} is out of range for `f32`"),
            Some("`f32` holds magnitudes up to about 3.4e38: write `inf` or `-inf` for infinities, or declare `f64`".into()),
        ));
    }
    Ok(Value::F32(narrow))
}

/// Reads `v` as a value of `ty`.
pub(crate) fn example(v: &Toml, ty: &Type) -> Result<Value, ExampleError> {
    match ty {
        Type::Bool => match v {
            Toml::Boolean(b) => Ok(Value::Bool(*b)),
            _ => Err(ExampleError::new(
                format!("expected a boolean, found {}", describe(v)),
                Some("write `true` or `false`".into()),
            )),
        },
        t if t.is_signed() => Ok(Value::Int(integer(v, t)? as i64)),
        t if t.is_unsigned() => Ok(Value::Uint(integer(v, t)? as u64)),
        Type::F32 | Type::F64 => float(v, ty),
        Type::String => match v {
            Toml::String(s) => Ok(Value::str(s)),
            _ => Err(ExampleError::new(
                format!("expected a string, found {}", describe(v)),
                Some("write a quoted string, like `\"text\"` (use `\\u` escapes for any character)".into()),
            )),
        },
        Type::Bytes => match v {
            _ if is_nil(v) => Ok(Value::Nil),
            Toml::String(s) => Ok(Value::Bytes(s.as_bytes().to_vec())),
            Toml::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let b = integer(item, &Type::U8).map_err(|e| e.inside(format!("[{i}]")))?;
                    out.push(b as u8);
                }
                Ok(Value::Bytes(out))
            }
            _ => Err(ExampleError::new(
                format!("expected bytes, found {}", describe(v)),
                Some("bytes are written as a string (its UTF-8 bytes), an array of integers 0-255, or `{}` for nil".into()),
            )),
        },
        Type::Option(inner) => {
            if is_nil(v) {
                Ok(Value::Nil)
            } else {
                example(v, inner)
            }
        }
        Type::List(inner) => match v {
            _ if is_nil(v) => Ok(Value::Nil),
            Toml::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, item)| example(item, inner).map_err(|e| e.inside(format!("[{i}]"))))
                .collect::<Result<_, _>>()
                .map(Value::List),
            _ => Err(ExampleError::new(
                format!("expected an array for `{}`, found {}", quote(ty), describe(v)),
                Some("a list is written as an array, or `{}` for nil".into()),
            )),
        },
        Type::Map(k, val) => map(v, ty, k, val),
        Type::Struct(st) => match v {
            Toml::Table(table) => {
                let mut fields = Vec::with_capacity(st.fields.len());
                for f in &st.fields {
                    match table.get(&f.name) {
                        Some(fv) => fields.push(
                            example(fv, &f.ty).map_err(|e| e.inside(format!(".{}", f.name)))?,
                        ),
                        None => {
                            return Err(ExampleError::new(
                                format!("missing field `{}` of struct `{}`", f.name, st.name),
                                Some("a struct example gives every field by name, like `{ Units = 1, Currency = \"EUR\" }`".into()),
                            ))
                        }
                    }
                }
                if let Some(extra) = table.keys().find(|k| !st.fields.iter().any(|f| &f.name == *k)) {
                    let names = st.fields.iter().map(|f| f.name.as_str());
                    let hint = match closest(extra, names) {
                        Some(c) => format!("did you mean `{c}`?"),
                        None => format!(
                            "the fields of `{}` are {}",
                            st.name,
                            list_names(st.fields.iter().map(|f| f.name.as_str()))
                        ),
                    };
                    return Err(ExampleError::new(
                        format!("struct `{}` has no field `{}`", st.name, clip(extra, MAX_QUOTE)),
                        Some(hint),
                    ));
                }
                Ok(Value::Struct(fields))
            }
            _ => Err(ExampleError::new(
                format!("expected a table for struct `{}`, found {}", st.name, describe(v)),
                Some("a struct example is an inline table by field name".into()),
            )),
        },
        _ => unreachable!("all types are covered above"),
    }
}

/// `a`, `b` and `c` for messages.
pub(crate) fn list_names<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<String> = names.map(|n| format!("`{n}`")).collect();
    match names.len() {
        0 => "none".to_string(),
        1 => names[0].clone(),
        n => format!("{} and {}", names[..n - 1].join(", "), names[n - 1]),
    }
}

fn map(v: &Toml, ty: &Type, k: &Type, val: &Type) -> Result<Value, ExampleError> {
    let mut entries = Vec::new();
    match v {
        _ if is_nil(v) => return Ok(Value::Nil),
        Toml::Table(table) => {
            for (key, item) in table {
                let kv = map_key(key, k).map_err(|e| e.inside(format!("[{key:?}]")))?;
                let vv = example(item, val).map_err(|e| e.inside(format!("[{key:?}]")))?;
                entries.push((kv, vv));
            }
        }
        Toml::Array(pairs) => {
            for (i, pair) in pairs.iter().enumerate() {
                match pair {
                    Toml::Array(kv) if kv.len() == 2 => {
                        let kv0 = example(&kv[0], k).map_err(|e| e.inside(format!("[{i}][0]")))?;
                        let kv1 = example(&kv[1], val).map_err(|e| e.inside(format!("[{i}][1]")))?;
                        entries.push((kv0, kv1));
                    }
                    _ => {
                        return Err(ExampleError::new(
                            format!("expected a `[key, value]` pair, found {}", describe(pair)),
                            Some("a map is written as an inline table, or as an array of `[key, value]` pairs".into()),
                        )
                        .inside(format!("[{i}]")))
                    }
                }
            }
        }
        _ => {
            return Err(ExampleError::new(
                format!("expected a map for `{}`, found {}", quote(ty), describe(v)),
                Some("a map is written as an inline table, an array of `[key, value]` pairs (`[]` is empty), or `{}` for nil".into()),
            ))
        }
    }
    Ok(Value::Map(Value::sort_map(entries)))
}

/// A map key written as a TOML table key (always text).
fn map_key(key: &str, ty: &Type) -> Result<Value, ExampleError> {
    match ty {
        Type::String => Ok(Value::str(key)),
        Type::Bool => match key {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(ExampleError::new(
                format!("the key {} is not `true` or `false`", clip_debug(key)),
                Some("the keys of a map with bool keys are written `true` and `false`, like `{ true = 1, false = 0 }`".into()),
            )),
        },
        t => example(&Toml::String(key.to_string()), t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(toml_value: &str, ty: &str) -> Result<Value, ExampleError> {
        let doc: toml::Table = toml::from_str(&format!("v = {toml_value}")).unwrap();
        example(&doc["v"], &Type::parse(ty, &|_| None).unwrap())
    }

    #[test]
    fn floats_accept_special_values_integers_and_exact_bits() {
        assert_eq!(read("-0.0", "f64").unwrap(), Value::F64(-0.0));
        assert_eq!(read("inf", "f32").unwrap(), Value::F32(f32::INFINITY));
        assert_eq!(read("3", "f64").unwrap(), Value::F64(3.0));
        assert_eq!(
            read("\"0x7ff8000000000001\"", "f64").unwrap(),
            Value::F64(f64::from_bits(0x7ff8_0000_0000_0001))
        );
        assert_eq!(
            read("\"0x7fc00001\"", "f32").unwrap(),
            Value::F32(f32::from_bits(0x7fc0_0001))
        );
        assert!(read("\"0x7ff8000000000001\"", "f32").is_err());
        assert!(read("1e300", "f32").is_err());
    }

    #[test]
    fn u64_above_i64_max_is_read_from_a_decimal_string() {
        assert_eq!(
            read("\"18446744073709551615\"", "u64").unwrap(),
            Value::Uint(u64::MAX)
        );
        let e = read("256", "u8").unwrap_err();
        assert_eq!(e.message, "256 is out of range for `u8` (0..=255)");
    }

    #[test]
    fn empty_table_is_nil_and_empty_array_is_empty() {
        assert_eq!(read("{}", "bytes").unwrap(), Value::Nil);
        assert_eq!(read("[]", "bytes").unwrap(), Value::Bytes(vec![]));
        assert_eq!(read("{}", "map<string,i64>").unwrap(), Value::Nil);
        assert_eq!(read("[]", "map<string,i64>").unwrap(), Value::Map(vec![]));
        assert_eq!(read("{}", "option<i64>").unwrap(), Value::Nil);
        assert_eq!(read("7", "option<i64>").unwrap(), Value::Int(7));
    }

    #[test]
    fn maps_come_from_tables_or_pairs_and_are_sorted() {
        let m = Value::Map(vec![
            (Value::Int(1), Value::str("a")),
            (Value::Int(2), Value::str("b")),
        ]);
        assert_eq!(
            read("{ 2 = \"b\", 1 = \"a\" }", "map<i8,string>").unwrap(),
            m
        );
        assert_eq!(
            read("[[2, \"b\"], [1, \"a\"]]", "map<i8,string>").unwrap(),
            m
        );
    }

    #[test]
    fn bytes_come_from_text_or_integers() {
        assert_eq!(
            read("\"hi\"", "bytes").unwrap(),
            Value::Bytes(b"hi".to_vec())
        );
        assert_eq!(
            read("[0, 255]", "bytes").unwrap(),
            Value::Bytes(vec![0, 255])
        );
        let e = read("[0, 256]", "bytes").unwrap_err();
        assert_eq!(e.path, "[1]");
    }
}
