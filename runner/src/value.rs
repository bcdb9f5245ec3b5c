//! The canonical value model: the types a spec can name and the values that flow between stages.
//!
//! Every stage speaks in these terms. Generation produces [`Value`]s, the protocol encodes them for
//! both sides, comparison walks them, shrinking simplifies them and the corpus stores them. A value
//! is always interpreted against a [`Type`]; values carry no type tags of their own.
//!
//! Faithfulness rules (they are the reason this is not `serde_json::Value`):
//! - strings are byte strings ([`Value::Str`] holds `Vec<u8>`), because Go strings may hold invalid
//!   UTF-8 and a port that differs there must not be masked;
//! - floats compare and hash by their bits, so NaN payloads, ±Inf and −0 survive and are visible;
//! - all of `i64` and `u64` is exact;
//! - [`Value::Nil`] is a nil slice, map or pointer, distinct from an empty list, map or byte string.

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

/// A type named in a spec, reported by a harness handshake, or implied by a Rust registration.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    /// Go `bool`, Rust `bool`.
    Bool,
    /// Signed integers; Go `int` is [`Type::I64`].
    I8,
    /// Signed 16-bit integer.
    I16,
    /// Signed 32-bit integer (Go `rune` too).
    I32,
    /// Signed 64-bit integer (Go `int` too).
    I64,
    /// Unsigned 8-bit integer (Go `byte` too).
    U8,
    /// Unsigned 16-bit integer.
    U16,
    /// Unsigned 32-bit integer.
    U32,
    /// Unsigned 64-bit integer (Go `uint` too).
    U64,
    /// 32-bit IEEE float.
    F32,
    /// 64-bit IEEE float.
    F64,
    /// A Go string: a byte string that is usually, but not always, UTF-8.
    String,
    /// Go `[]byte` (nil-able), Rust `Vec<u8>`.
    Bytes,
    /// Go pointer `*T`, Rust `Option<T>`.
    Option(Box<Type>),
    /// Go slice `[]T` (nil-able), Rust `Vec<T>`.
    List(Box<Type>),
    /// Go map (nil-able), Rust `BTreeMap`/`HashMap`. Keys are bool, integers or strings.
    Map(Box<Type>, Box<Type>),
    /// A named struct declared in the spec.
    Struct(Arc<StructType>),
}

/// A named struct type: its Go name and its fields in declaration order.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StructType {
    /// The Go type name, for example `Money`.
    pub name: String,
    /// The fields in declaration order; the wire format is positional.
    pub fields: Vec<Field>,
}

/// One field of a [`StructType`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Field {
    /// The Go field name, for example `Units`.
    pub name: String,
    /// The field's type.
    pub ty: Type,
}

impl Type {
    /// Whether values of this type may be map keys (bool, integers, strings).
    pub fn is_map_key(&self) -> bool {
        self.is_integer() || matches!(self, Type::Bool | Type::String)
    }

    /// Whether this is one of the integer types.
    pub fn is_integer(&self) -> bool {
        self.is_signed() || self.is_unsigned()
    }

    /// Whether this is a signed integer type.
    pub fn is_signed(&self) -> bool {
        matches!(self, Type::I8 | Type::I16 | Type::I32 | Type::I64)
    }

    /// Whether this is an unsigned integer type.
    pub fn is_unsigned(&self) -> bool {
        matches!(self, Type::U8 | Type::U16 | Type::U32 | Type::U64)
    }

    /// The bit width of an integer or float type.
    pub fn bits(&self) -> Option<u32> {
        Some(match self {
            Type::I8 | Type::U8 => 8,
            Type::I16 | Type::U16 => 16,
            Type::I32 | Type::U32 | Type::F32 => 32,
            Type::I64 | Type::U64 | Type::F64 => 64,
            _ => return None,
        })
    }

    /// Whether a nil value is legal: options, lists, maps and bytes.
    pub fn is_nilable(&self) -> bool {
        matches!(
            self,
            Type::Option(_) | Type::List(_) | Type::Map(..) | Type::Bytes
        )
    }
}

/// Why a type expression did not parse: a message and the byte offset in the expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeSyntaxError {
    /// Byte offset of the problem within the expression.
    pub offset: usize,
    /// What is wrong, as a sentence fragment.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

impl Type {
    /// Parses spec type syntax (`i64`, `option<string>`, `list<T>`, `map<K,V>`, a struct name).
    /// `structs` resolves struct names; it returns `None` for unknown names.
    pub fn parse(
        text: &str,
        structs: &dyn Fn(&str) -> Option<Arc<StructType>>,
    ) -> Result<Type, TypeSyntaxError> {
        let mut p = TypeParser {
            s: text.as_bytes(),
            pos: 0,
            structs,
        };
        let t = p.ty()?;
        p.ws();
        if p.pos != p.s.len() {
            return Err(p.err(
                "unexpected text after the type",
                "remove it, or write a single type such as `list<i64>`",
            ));
        }
        Ok(t)
    }
}

struct TypeParser<'a> {
    s: &'a [u8],
    pos: usize,
    structs: &'a dyn Fn(&str) -> Option<Arc<StructType>>,
}

/// The scalar type names, for parsing and for hints in error messages.
pub const SCALAR_TYPES: &[&str] = &[
    "bool", "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "f32", "f64", "string", "bytes",
];

impl TypeParser<'_> {
    fn err(&self, message: &str, hint: &str) -> TypeSyntaxError {
        TypeSyntaxError {
            offset: self.pos,
            message: message.to_string(),
            hint: hint.to_string(),
        }
    }

    fn ws(&mut self) {
        while self.pos < self.s.len() && self.s[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
    }

    fn expect(&mut self, c: u8) -> Result<(), TypeSyntaxError> {
        self.ws();
        if self.s.get(self.pos) == Some(&c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.err(
                &format!("expected `{}`", c as char),
                "generic types are written `list<T>`, `option<T>`, `map<K,V>`",
            ))
        }
    }

    fn ty(&mut self) -> Result<Type, TypeSyntaxError> {
        self.ws();
        let start = self.pos;
        while self.pos < self.s.len()
            && (self.s[self.pos].is_ascii_alphanumeric() || self.s[self.pos] == b'_')
        {
            self.pos += 1;
        }
        let name = std::str::from_utf8(&self.s[start..self.pos]).unwrap_or("");
        if name.is_empty() {
            return Err(self.err(
                "expected a type name",
                "write a type such as `i64`, `string` or `list<u8>`",
            ));
        }
        let t = match name {
            "bool" => Type::Bool,
            "i8" => Type::I8,
            "i16" => Type::I16,
            "i32" => Type::I32,
            "i64" => Type::I64,
            "u8" => Type::U8,
            "u16" => Type::U16,
            "u32" => Type::U32,
            "u64" => Type::U64,
            "f32" => Type::F32,
            "f64" => Type::F64,
            "string" => Type::String,
            "bytes" => Type::Bytes,
            "option" | "list" => {
                self.expect(b'<')?;
                let inner = self.ty()?;
                self.expect(b'>')?;
                if name == "option" {
                    if matches!(inner, Type::Option(_)) {
                        self.pos = start;
                        return Err(self.err(
                            "nested options are not supported",
                            "use a single `option<T>` (a Go `*T`)",
                        ));
                    }
                    Type::Option(Box::new(inner))
                } else if inner == Type::U8 {
                    Type::Bytes
                } else {
                    Type::List(Box::new(inner))
                }
            }
            "map" => {
                self.expect(b'<')?;
                let key_pos = self.pos;
                let k = self.ty()?;
                if !k.is_map_key() {
                    self.pos = key_pos;
                    self.ws();
                    return Err(self.err(
                        &format!("`{k}` cannot be a map key"),
                        "map keys must be bool, an integer type or string",
                    ));
                }
                self.expect(b',')?;
                let v = self.ty()?;
                self.expect(b'>')?;
                Type::Map(Box::new(k), Box::new(v))
            }
            "int" | "uint" | "int64" | "int32" | "int16" | "int8" | "uint64" | "uint32"
            | "uint16" | "uint8" | "float64" | "float32" | "byte" | "rune" => {
                self.pos = start;
                let spec = match name {
                    "int" | "int64" => "i64",
                    "uint" | "uint64" => "u64",
                    "int32" | "rune" => "i32",
                    "int16" => "i16",
                    "int8" => "i8",
                    "uint32" => "u32",
                    "uint16" => "u16",
                    "uint8" | "byte" => "u8",
                    "float64" => "f64",
                    _ => "f32",
                };
                return Err(self.err(
                    &format!("unknown type `{name}`"),
                    &format!("the Go type `{name}` is written `{spec}` in a spec"),
                ));
            }
            _ => match (self.structs)(name) {
                Some(st) => Type::Struct(st),
                None => {
                    self.pos = start;
                    return Err(self.err(
                        &format!("unknown type `{name}`"),
                        &format!("supported types are {}, option<T>, list<T>, map<K,V>, or a struct declared under [types]", SCALAR_TYPES.join(", ")),
                    ));
                }
            },
        };
        Ok(t)
    }
}

/// Writes the type in spec syntax: `i64`, `list<string>`, `map<string,i64>`, `Money`.
impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Bool => f.write_str("bool"),
            Type::I8 => f.write_str("i8"),
            Type::I16 => f.write_str("i16"),
            Type::I32 => f.write_str("i32"),
            Type::I64 => f.write_str("i64"),
            Type::U8 => f.write_str("u8"),
            Type::U16 => f.write_str("u16"),
            Type::U32 => f.write_str("u32"),
            Type::U64 => f.write_str("u64"),
            Type::F32 => f.write_str("f32"),
            Type::F64 => f.write_str("f64"),
            Type::String => f.write_str("string"),
            Type::Bytes => f.write_str("bytes"),
            Type::Option(t) => write!(f, "option<{t}>"),
            Type::List(t) => write!(f, "list<{t}>"),
            Type::Map(k, v) => write!(f, "map<{k},{v}>"),
            Type::Struct(s) => f.write_str(&s.name),
        }
    }
}

/// A value of some [`Type`]. Which variant is legal is decided by the type:
///
/// | type | variants |
/// |---|---|
/// | `bool` | `Bool` |
/// | `i8`..`i64` | `Int` |
/// | `u8`..`u64` | `Uint` |
/// | `f32` | `F32` |
/// | `f64` | `F64` |
/// | `string` | `Str` |
/// | `bytes` | `Nil`, `Bytes` |
/// | `option<T>` | `Nil`, or a value of `T` |
/// | `list<T>` | `Nil`, `List` |
/// | `map<K,V>` | `Nil`, `Map` (entries sorted by key, keys unique) |
/// | struct | `Struct` (fields in declaration order) |
///
/// Equality, ordering and hashing are structural and compare floats by bits, so `Eq` and `Ord`
/// are total and lawful. Comparison *rules* (NaN equals NaN, tolerances) live in `compare`.
#[derive(Clone, Debug)]
pub enum Value {
    /// A nil pointer, slice, map or byte slice.
    Nil,
    /// A boolean.
    Bool(bool),
    /// A signed integer of any width.
    Int(i64),
    /// An unsigned integer of any width.
    Uint(u64),
    /// An `f32`, compared by bits.
    F32(f32),
    /// An `f64`, compared by bits.
    F64(f64),
    /// A Go string: bytes, possibly invalid UTF-8.
    Str(Vec<u8>),
    /// A non-nil byte slice.
    Bytes(Vec<u8>),
    /// A non-nil list.
    List(Vec<Value>),
    /// A non-nil map: entries sorted by key (see [`Value::sort_map`]), keys unique.
    Map(Vec<(Value, Value)>),
    /// A struct's fields in declaration order.
    Struct(Vec<Value>),
}

impl Value {
    /// A string value from Rust text.
    pub fn str(s: &str) -> Value {
        Value::Str(s.as_bytes().to_vec())
    }

    /// Sorts map entries into canonical key order (false < true, numeric, bytewise) and keeps the
    /// last entry of duplicate keys, as a Go map literal would.
    pub fn sort_map(mut entries: Vec<(Value, Value)>) -> Vec<(Value, Value)> {
        entries.reverse();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries.dedup_by(|later, earlier| later.0 == earlier.0);
        entries
    }

    /// The value of type `from` as a value of type `to`, where the two types differ only in
    /// `string` against `bytes` (a Rust port receiving or returning a Go string as `Vec<u8>`):
    /// strings become byte slices and back, byte for byte; everything else is kept.
    pub fn retyped(self, from: &Type, to: &Type) -> Value {
        match (self, from, to) {
            (Value::Str(b), Type::String, Type::Bytes) => Value::Bytes(b),
            (Value::Bytes(b), Type::Bytes, Type::String) => Value::Str(b),
            // A Rust `Vec<u8>` has no nil; should one arrive, it stands for the empty string.
            (Value::Nil, Type::Bytes, Type::String) => Value::Str(Vec::new()),
            (Value::Nil, _, _) => Value::Nil,
            (v, Type::Option(a), Type::Option(b)) => v.retyped(a, b),
            (Value::List(items), Type::List(a), Type::List(b)) => {
                Value::List(items.into_iter().map(|x| x.retyped(a, b)).collect())
            }
            (Value::Map(entries), Type::Map(ka, va), Type::Map(kb, vb)) => Value::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.retyped(ka, kb), v.retyped(va, vb)))
                    .collect(),
            ),
            (Value::Struct(fields), Type::Struct(a), Type::Struct(b)) => Value::Struct(
                fields
                    .into_iter()
                    .zip(a.fields.iter().zip(&b.fields))
                    .map(|(x, (fa, fb))| x.retyped(&fa.ty, &fb.ty))
                    .collect(),
            ),
            (v, _, _) => v,
        }
    }

    fn rank(&self) -> u8 {
        match self {
            Value::Nil => 0,
            Value::Bool(_) => 1,
            Value::Int(_) => 2,
            Value::Uint(_) => 3,
            Value::F32(_) => 4,
            Value::F64(_) => 5,
            Value::Str(_) => 6,
            Value::Bytes(_) => 7,
            Value::List(_) => 8,
            Value::Map(_) => 9,
            Value::Struct(_) => 10,
        }
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Value {}

impl PartialOrd for Value {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Total order: by variant, then by content; floats by their bit patterns.
impl Ord for Value {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Value::Nil, Value::Nil) => Ordering::Equal,
            (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
            (Value::Int(a), Value::Int(b)) => a.cmp(b),
            (Value::Uint(a), Value::Uint(b)) => a.cmp(b),
            (Value::F32(a), Value::F32(b)) => a.to_bits().cmp(&b.to_bits()),
            (Value::F64(a), Value::F64(b)) => a.to_bits().cmp(&b.to_bits()),
            (Value::Str(a), Value::Str(b)) => a.cmp(b),
            (Value::Bytes(a), Value::Bytes(b)) => a.cmp(b),
            (Value::List(a), Value::List(b)) => a.cmp(b),
            (Value::Map(a), Value::Map(b)) => a.cmp(b),
            (Value::Struct(a), Value::Struct(b)) => a.cmp(b),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

impl std::hash::Hash for Value {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.rank().hash(state);
        match self {
            Value::Nil => {}
            Value::Bool(b) => b.hash(state),
            Value::Int(i) => i.hash(state),
            Value::Uint(u) => u.hash(state),
            Value::F32(x) => x.to_bits().hash(state),
            Value::F64(x) => x.to_bits().hash(state),
            Value::Str(s) | Value::Bytes(s) => s.hash(state),
            Value::List(v) | Value::Struct(v) => v.hash(state),
            Value::Map(m) => m.hash(state),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_compare_by_bits_so_nan_equals_itself_and_negative_zero_differs() {
        assert_eq!(Value::F64(f64::NAN), Value::F64(f64::NAN));
        assert_ne!(Value::F64(0.0), Value::F64(-0.0));
        assert_ne!(
            Value::F64(f64::NAN),
            Value::F64(f64::from_bits(0x7ff8_0000_0000_0001))
        );
    }

    #[test]
    fn nil_is_distinct_from_empty() {
        assert_ne!(Value::Nil, Value::List(vec![]));
        assert_ne!(Value::Nil, Value::Bytes(vec![]));
    }

    #[test]
    fn sort_map_orders_keys_and_keeps_the_last_duplicate() {
        let m = Value::sort_map(vec![
            (Value::str("b"), Value::Int(1)),
            (Value::str("a"), Value::Int(2)),
            (Value::str("b"), Value::Int(3)),
        ]);
        assert_eq!(
            m,
            vec![
                (Value::str("a"), Value::Int(2)),
                (Value::str("b"), Value::Int(3))
            ]
        );
    }

    #[test]
    fn type_syntax_round_trips_through_display() {
        for text in [
            "i64",
            "option<string>",
            "map<string,list<f64>>",
            "bytes",
            "map<u8,option<bool>>",
        ] {
            let t = Type::parse(text, &|_| None).unwrap();
            assert_eq!(t.to_string(), text);
        }
        assert_eq!(Type::parse("list<u8>", &|_| None).unwrap(), Type::Bytes);
    }

    #[test]
    fn go_type_names_are_rejected_with_the_spec_spelling_as_hint() {
        let e = Type::parse("list<int>", &|_| None).unwrap_err();
        assert_eq!(e.offset, 5);
        assert!(e.hint.contains("`i64`"), "{e:?}");
    }

    #[test]
    fn float_map_keys_are_rejected() {
        let e = Type::parse("map<f64,i64>", &|_| None).unwrap_err();
        assert!(e.message.contains("cannot be a map key"), "{e:?}");
    }

    #[test]
    fn types_display_in_spec_syntax() {
        let t = Type::Map(
            Box::new(Type::String),
            Box::new(Type::List(Box::new(Type::Option(Box::new(Type::F64))))),
        );
        assert_eq!(t.to_string(), "map<string,list<option<f64>>>");
    }

    #[test]
    fn strings_become_bytes_and_back_byte_for_byte_inside_any_container() {
        let spec = Type::parse("list<map<string,string>>", &|_| None).unwrap();
        // What a Rust port's handshake reports for `Vec<BTreeMap<Vec<u8>, Vec<u8>>>` (no spec
        // spelling: `bytes` is no map key in a spec).
        let rust = Type::List(Box::new(Type::Map(
            Box::new(Type::Bytes),
            Box::new(Type::Bytes),
        )));
        let v = Value::List(vec![Value::Map(vec![
            (Value::Str(b"k\xff".to_vec()), Value::str("")),
            (Value::str("a"), Value::Str(vec![0xed, 0xa0, 0x80])),
        ])]);
        let as_bytes = v.clone().retyped(&spec, &rust);
        assert_eq!(
            as_bytes,
            Value::List(vec![Value::Map(vec![
                (Value::Bytes(b"k\xff".to_vec()), Value::Bytes(Vec::new())),
                (
                    Value::Bytes(b"a".to_vec()),
                    Value::Bytes(vec![0xed, 0xa0, 0x80])
                ),
            ])])
        );
        assert_eq!(as_bytes.retyped(&rust, &spec), v);
        assert_eq!(Value::Int(3).retyped(&Type::I64, &Type::I64), Value::Int(3));
    }
}
