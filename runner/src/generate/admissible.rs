//! Whether a value lies in the domain its type and hints declare.
//!
//! Generation only produces admissible values and shrinking only proposes admissible candidates,
//! so a minimized input stays inside the domain the user declared (a range, a length, a regex).

use std::cell::RefCell;
use std::collections::HashMap;

use crate::spec::Hints;
use crate::value::{Type, Value};

/// The hints of a value that has none.
pub(crate) static NO_HINTS: Hints = Hints {
    int_range: None,
    float_range: None,
    len: None,
    regex: None,
    charset: None,
    invalid_utf8: false,
    examples: Vec::new(),
    items: None,
    keys: None,
    values: None,
    fields: Vec::new(),
};

/// The hints for the value inside an option: `items` when given, else the option's own hints
/// (a range written on an `option<i64>` argument means the pointee's range).
pub(crate) fn option_hints(hints: &Hints) -> &Hints {
    hints.items.as_deref().unwrap_or(hints)
}

/// The hints for list elements (and for the bytes of `bytes`).
pub(crate) fn item_hints(hints: &Hints) -> &Hints {
    hints.items.as_deref().unwrap_or(&NO_HINTS)
}

/// The hints for map keys.
pub(crate) fn key_hints(hints: &Hints) -> &Hints {
    hints.keys.as_deref().unwrap_or(&NO_HINTS)
}

/// The hints for map values.
pub(crate) fn value_hints(hints: &Hints) -> &Hints {
    hints.values.as_deref().unwrap_or(&NO_HINTS)
}

/// The hints for field `i` of a struct.
pub(crate) fn field_hints(hints: &Hints, i: usize) -> &Hints {
    hints.fields.get(i).unwrap_or(&NO_HINTS)
}

/// The inclusive bounds of an integer type.
pub(crate) fn int_bounds(ty: &Type) -> (i128, i128) {
    match ty {
        Type::I8 => (i8::MIN.into(), i8::MAX.into()),
        Type::I16 => (i16::MIN.into(), i16::MAX.into()),
        Type::I32 => (i32::MIN.into(), i32::MAX.into()),
        Type::I64 => (i64::MIN.into(), i64::MAX.into()),
        Type::U8 => (0, u8::MAX.into()),
        Type::U16 => (0, u16::MAX.into()),
        Type::U32 => (0, u32::MAX.into()),
        _ => (0, u64::MAX.into()),
    }
}

/// The declared integer bounds of a value: the type's bounds narrowed by `range`.
pub(crate) fn int_domain(ty: &Type, hints: &Hints) -> (i128, i128) {
    let (tmin, tmax) = int_bounds(ty);
    match hints.int_range {
        Some((lo, hi)) => (lo.max(tmin), hi.min(tmax)),
        None => (tmin, tmax),
    }
}

/// The number of characters of a Go string as a length hint counts them: valid characters, plus
/// one per maximal invalid sequence (what a lossy decoder would turn into U+FFFD).
pub(crate) fn char_len(bytes: &[u8]) -> usize {
    bytes
        .utf8_chunks()
        .map(|c| c.valid().chars().count() + usize::from(!c.invalid().is_empty()))
        .sum()
}

/// Whether `x` lies in an inclusive float range (never true for NaN).
pub(crate) fn in_float_range(x: f64, range: Option<(f64, f64)>) -> bool {
    match range {
        Some((lo, hi)) => lo <= x && x <= hi,
        None => true,
    }
}

fn len_ok(n: usize, len: Option<(usize, usize)>) -> bool {
    match len {
        Some((lo, hi)) => lo <= n && n <= hi,
        None => true,
    }
}

/// Compiles `pattern` so that it must match a whole string. A pattern the `regex` crate rejects
/// constrains nothing here; spec validation reports it.
pub(crate) fn full_match_regex(pattern: &str) -> Option<regex::bytes::Regex> {
    regex::bytes::Regex::new(&format!("^(?:{pattern})$")).ok()
}

thread_local! {
    static REGEX_CACHE: RefCell<HashMap<String, Option<regex::bytes::Regex>>> =
        RefCell::new(HashMap::new());
}

fn regex_matches(pattern: &str, bytes: &[u8]) -> bool {
    REGEX_CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        let re = cache
            .entry(pattern.to_string())
            .or_insert_with(|| full_match_regex(pattern));
        match re {
            Some(re) => re.is_match(bytes),
            None => true,
        }
    })
}

/// The string rules of one value, with its regex compiled once.
#[derive(Debug)]
pub(crate) struct StrRules {
    pub(crate) len: Option<(usize, usize)>,
    pub(crate) charset: Option<Vec<char>>,
    pub(crate) regex: Option<regex::bytes::Regex>,
    pub(crate) invalid_utf8: bool,
}

impl StrRules {
    pub(crate) fn new(hints: &Hints) -> StrRules {
        StrRules {
            len: hints.len,
            charset: hints.charset.clone(),
            regex: hints.regex.as_deref().and_then(full_match_regex),
            invalid_utf8: hints.invalid_utf8,
        }
    }

    pub(crate) fn admits(&self, bytes: &[u8]) -> bool {
        str_ok(
            bytes,
            self.len,
            self.charset.as_deref(),
            self.invalid_utf8,
            |b| match &self.regex {
                Some(re) => re.is_match(b),
                None => true,
            },
        )
    }
}

fn str_ok(
    bytes: &[u8],
    len: Option<(usize, usize)>,
    charset: Option<&[char]>,
    invalid_utf8: bool,
    regex: impl Fn(&[u8]) -> bool,
) -> bool {
    // Invalid sequences are not characters, so a charset constrains only the valid ones.
    let mut valid = true;
    for chunk in bytes.utf8_chunks() {
        if !chunk.invalid().is_empty() {
            valid = false;
        }
        if let Some(set) = charset {
            if !chunk.valid().chars().all(|c| set.contains(&c)) {
                return false;
            }
        }
    }
    (valid || invalid_utf8) && len_ok(char_len(bytes), len) && regex(bytes)
}

/// Whether `v` is a value of `ty` that respects `hints`, recursively: integer and float ranges,
/// lengths, regex full matches, charsets, UTF-8 validity of strings unless `invalid_utf8`,
/// canonical (sorted, unique) map keys. `examples` are not a constraint.
pub fn admissible(v: &Value, ty: &Type, hints: &Hints) -> bool {
    match (ty, v) {
        (Type::Bool, Value::Bool(_)) => true,
        (t, Value::Int(x)) if t.is_signed() => {
            let (lo, hi) = int_domain(t, hints);
            (lo..=hi).contains(&i128::from(*x))
        }
        (t, Value::Uint(x)) if t.is_unsigned() => {
            let (lo, hi) = int_domain(t, hints);
            (lo..=hi).contains(&i128::from(*x))
        }
        (Type::F32, Value::F32(x)) => in_float_range(f64::from(*x), hints.float_range),
        (Type::F64, Value::F64(x)) => in_float_range(*x, hints.float_range),
        (Type::String, Value::Str(s)) => str_ok(
            s,
            hints.len,
            hints.charset.as_deref(),
            hints.invalid_utf8,
            |b| match hints.regex.as_deref() {
                Some(p) => regex_matches(p, b),
                None => true,
            },
        ),
        (Type::Bytes, Value::Nil) | (Type::List(_), Value::Nil) | (Type::Map(..), Value::Nil) => {
            len_ok(0, hints.len)
        }
        (Type::Bytes, Value::Bytes(b)) => {
            len_ok(b.len(), hints.len)
                && (hints.items.is_none()
                    || b.iter().all(|x| {
                        admissible(&Value::Uint((*x).into()), &Type::U8, item_hints(hints))
                    }))
        }
        (Type::Option(_), Value::Nil) => true,
        (Type::Option(inner), v) => admissible(v, inner, option_hints(hints)),
        (Type::List(item), Value::List(xs)) => {
            let h = item_hints(hints);
            len_ok(xs.len(), hints.len) && xs.iter().all(|x| admissible(x, item, h))
        }
        (Type::Map(k, val), Value::Map(entries)) => {
            let (kh, vh) = (key_hints(hints), value_hints(hints));
            len_ok(entries.len(), hints.len)
                && entries.windows(2).all(|w| w[0].0 < w[1].0)
                && entries
                    .iter()
                    .all(|(key, value)| admissible(key, k, kh) && admissible(value, val, vh))
        }
        (Type::Struct(st), Value::Struct(fs)) => {
            fs.len() == st.fields.len()
                && fs
                    .iter()
                    .zip(&st.fields)
                    .enumerate()
                    .all(|(i, (f, field))| admissible(f, &field.ty, field_hints(hints, i)))
        }
        _ => false,
    }
}
