//! The Rust side's registry: closures registered by name, with arguments decoded from and results
//! encoded to the protocol's value codec directly (no intermediate [`Value`](crate::value::Value)).
//!
//! ```no_run
//! fn main() -> std::process::ExitCode {
//!     let registry = parity::Registry::new()
//!         .function("add", |a: i64, b: i64| a.wrapping_add(b))
//!         .function("parse", |s: String| s.parse::<i64>().map_err(|e| e.to_string()));
//!     parity::main(registry)
//! }
//! ```

use std::collections::{BTreeMap, HashMap};
use std::fmt::Display;
use std::hash::Hash;
use std::sync::Arc;

use crate::protocol::{self, DecodeError, FunctionSig, Handshake, Parser, ReplyKind};
use crate::value::{Field, StructType, Type};

pub(crate) mod object;
pub(crate) use object::ObjectEntry;
pub use object::{ByValue, Constructor, Method};

/// A Rust type that maps to a spec type and knows its wire encoding.
///
/// Implemented for `bool`, the integer types, `f32`, `f64`, `String`, `Vec<u8>` (= `bytes`, and
/// accepted for a spec `string` too: see the `String` impl),
/// `Option<T>` (= Go `*T`), `Vec<T>`, `BTreeMap`/`HashMap`, and structs via [`wire_struct!`].
pub trait Wire: Sized {
    /// The spec type.
    fn ty() -> Type;
    /// Appends the wire encoding.
    fn encode(&self, out: &mut Vec<u8>);
    /// Decodes one value.
    fn decode(p: &mut Parser) -> Result<Self, DecodeError>;

    /// The type of `Vec<Self>`; `u8` overrides it to `bytes`, as Go's `[]uint8` is `[]byte`.
    #[doc(hidden)]
    fn list_ty() -> Type {
        Type::List(Box::new(Self::ty()))
    }
    /// Encodes `Vec<Self>`.
    #[doc(hidden)]
    fn encode_list(items: &[Self], out: &mut Vec<u8>) {
        out.push(b'[');
        for (i, x) in items.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            x.encode(out);
        }
        out.push(b']');
    }
    /// Decodes `Vec<Self>`; a nil list decodes as empty (Rust has no nil `Vec`).
    #[doc(hidden)]
    fn decode_list(p: &mut Parser) -> Result<Vec<Self>, DecodeError> {
        if p.eat_null() {
            return Ok(Vec::new());
        }
        p.expect(b"[")?;
        let mut items = Vec::new();
        while p.next_element(items.is_empty())? {
            items.push(Self::decode(p)?);
        }
        Ok(items)
    }
}

impl Wire for bool {
    fn ty() -> Type {
        Type::Bool
    }
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(if *self { b"true" } else { b"false" });
    }
    fn decode(p: &mut Parser) -> Result<Self, DecodeError> {
        p.bool()
    }
}

macro_rules! wire_int {
    ($($t:ty => $ty:ident, $wide:ty, $write:ident, $read:ident;)*) => {$(
        impl Wire for $t {
            fn ty() -> Type {
                Type::$ty
            }
            fn encode(&self, out: &mut Vec<u8>) {
                protocol::$write(out, <$wide>::from(*self));
            }
            fn decode(p: &mut Parser) -> Result<Self, DecodeError> {
                let n = p.$read()?;
                <$t>::try_from(n).map_err(|_| p.error(format!("{n} is out of range for {}", Type::$ty)))
            }
        }
    )*};
}

wire_int! {
    i8 => I8, i64, write_i64, i64;
    i16 => I16, i64, write_i64, i64;
    i32 => I32, i64, write_i64, i64;
    i64 => I64, i64, write_i64, i64;
    u16 => U16, u64, write_u64, u64;
    u32 => U32, u64, write_u64, u64;
    u64 => U64, u64, write_u64, u64;
}

impl Wire for u8 {
    fn ty() -> Type {
        Type::U8
    }
    fn encode(&self, out: &mut Vec<u8>) {
        protocol::write_u64(out, u64::from(*self));
    }
    fn decode(p: &mut Parser) -> Result<Self, DecodeError> {
        let n = p.u64()?;
        u8::try_from(n).map_err(|_| p.error(format!("{n} is out of range for u8")))
    }
    fn list_ty() -> Type {
        Type::Bytes
    }
    fn encode_list(items: &[Self], out: &mut Vec<u8>) {
        protocol::write_hex_bytes(out, items);
    }
    fn decode_list(p: &mut Parser) -> Result<Vec<Self>, DecodeError> {
        if p.eat_null() {
            return Ok(Vec::new());
        }
        p.hex_bytes()
    }
}

impl Wire for f64 {
    fn ty() -> Type {
        Type::F64
    }
    fn encode(&self, out: &mut Vec<u8>) {
        protocol::write_hex_bits(out, self.to_bits(), 16);
    }
    fn decode(p: &mut Parser) -> Result<Self, DecodeError> {
        Ok(f64::from_bits(p.hex_bits(16)?))
    }
}

impl Wire for f32 {
    fn ty() -> Type {
        Type::F32
    }
    fn encode(&self, out: &mut Vec<u8>) {
        protocol::write_hex_bits(out, u64::from(self.to_bits()), 8);
    }
    fn decode(p: &mut Parser) -> Result<Self, DecodeError> {
        Ok(f32::from_bits(p.hex_bits(8)? as u32))
    }
}

/// A Rust `String` parameter cannot receive a Go string that is not UTF-8: such an input is
/// answered `bad` (a rejection, never a divergence). Take `Vec<u8>` to receive every Go string:
/// signature checking accepts `Vec<u8>` for a spec `string` (also inside lists, maps, options
/// and structs), the runner sends the string's bytes as they are, and a `Vec<u8>` result for a
/// spec `string` is compared with Go's string byte for byte (`|s: Vec<u8>|
/// String::from_utf8_lossy(&s).into_owned()` against Go's `strings.ToValidUTF8(s, "\uFFFD")`).
impl Wire for String {
    fn ty() -> Type {
        Type::String
    }
    fn encode(&self, out: &mut Vec<u8>) {
        protocol::write_string(out, self.as_bytes());
    }
    fn decode(p: &mut Parser) -> Result<Self, DecodeError> {
        let at = p.pos();
        String::from_utf8(p.string_bytes()?).map_err(|_| DecodeError {
            offset: at,
            message: "string argument is not valid UTF-8, which a Rust `String` cannot hold".into(),
        })
    }
}

impl<T: Wire> Wire for Option<T> {
    fn ty() -> Type {
        match T::ty() {
            // A nil-able Go type is modelled in Rust as `Option<Vec<T>>`: same wire type.
            t if t.is_nilable() => t,
            t => Type::Option(Box::new(t)),
        }
    }
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            None => out.extend_from_slice(b"null"),
            Some(x) => x.encode(out),
        }
    }
    fn decode(p: &mut Parser) -> Result<Self, DecodeError> {
        if p.eat_null() {
            Ok(None)
        } else {
            T::decode(p).map(Some)
        }
    }
}

impl<T: Wire> Wire for Vec<T> {
    fn ty() -> Type {
        T::list_ty()
    }
    fn encode(&self, out: &mut Vec<u8>) {
        T::encode_list(self, out);
    }
    fn decode(p: &mut Parser) -> Result<Self, DecodeError> {
        T::decode_list(p)
    }
}

fn encode_entries<'a, K: Wire + 'a, V: Wire + 'a>(
    entries: impl Iterator<Item = (&'a K, &'a V)>,
    out: &mut Vec<u8>,
) {
    out.push(b'[');
    for (i, (k, v)) in entries.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'[');
        k.encode(out);
        out.push(b',');
        v.encode(out);
        out.push(b']');
    }
    out.push(b']');
}

fn decode_entries<K: Wire, V: Wire>(
    p: &mut Parser,
    mut insert: impl FnMut(K, V),
) -> Result<(), DecodeError> {
    p.expect(b"[")?;
    let mut first = true;
    while p.next_element(first)? {
        first = false;
        p.expect(b"[")?;
        let k = K::decode(p)?;
        p.expect(b",")?;
        let v = V::decode(p)?;
        p.expect(b"]")?;
        insert(k, v);
    }
    Ok(())
}

/// Keys sort by `Ord`, which for bool, integers and `String` is the protocol's canonical order.
impl<K: Wire + Ord, V: Wire> Wire for BTreeMap<K, V> {
    fn ty() -> Type {
        Type::Map(Box::new(K::ty()), Box::new(V::ty()))
    }
    fn encode(&self, out: &mut Vec<u8>) {
        encode_entries(self.iter(), out);
    }
    fn decode(p: &mut Parser) -> Result<Self, DecodeError> {
        let mut m = BTreeMap::new();
        if !p.eat_null() {
            decode_entries(p, |k, v| {
                m.insert(k, v);
            })?;
        }
        Ok(m)
    }
}

impl<K: Wire + Ord + Hash, V: Wire, S: std::hash::BuildHasher + Default> Wire for HashMap<K, V, S> {
    fn ty() -> Type {
        Type::Map(Box::new(K::ty()), Box::new(V::ty()))
    }
    fn encode(&self, out: &mut Vec<u8>) {
        let mut entries: Vec<_> = self.iter().collect();
        entries.sort_by(|a, b| a.0.cmp(b.0));
        encode_entries(entries.into_iter(), out);
    }
    fn decode(p: &mut Parser) -> Result<Self, DecodeError> {
        let mut m = HashMap::default();
        if !p.eat_null() {
            decode_entries(p, |k, v| {
                m.insert(k, v);
            })?;
        }
        Ok(m)
    }
}

/// Builds the [`Type`] of a struct registered with [`wire_struct!`]. The handshake reports Rust
/// names; signature checking compares Rust structs with the spec by field position and type.
#[doc(hidden)]
pub fn struct_type(path: &str, fields: Vec<(&str, Type)>) -> Type {
    let name = path.rsplit("::").next().unwrap_or(path).trim().to_string();
    Type::Struct(Arc::new(StructType {
        name,
        fields: fields
            .into_iter()
            .map(|(n, ty)| Field {
                name: n.to_string(),
                ty,
            })
            .collect(),
    }))
}

/// The type of a struct field, inferred from an accessor.
#[doc(hidden)]
pub fn field_type<S, T: Wire>(_: fn(&S) -> &T) -> Type {
    T::ty()
}

/// Implements [`Wire`] for a struct, listing its fields in the Go struct's field order:
/// `parity::wire_struct!(Money { units, currency });`. Invoke it in the crate that defines the
/// struct (the orphan rule), typically behind an optional `parity` feature.
#[macro_export]
macro_rules! wire_struct {
    ($t:ident { $($f:ident),* $(,)? }) => {
        impl $crate::Wire for $t {
            fn ty() -> $crate::value::Type {
                $crate::registry::struct_type(
                    stringify!($t),
                    vec![$((stringify!($f), $crate::registry::field_type(|s: &$t| &s.$f))),*],
                )
            }
            fn encode(&self, out: &mut Vec<u8>) {
                out.push(b'[');
                let mut _first = true;
                $(
                    if !_first { out.push(b','); }
                    _first = false;
                    $crate::Wire::encode(&self.$f, out);
                )*
                out.push(b']');
            }
            fn decode(p: &mut $crate::protocol::Parser) -> Result<Self, $crate::protocol::DecodeError> {
                p.expect(b"[")?;
                let mut _first = true;
                $(
                    if !_first { p.expect(b",")?; }
                    _first = false;
                    let $f = $crate::Wire::decode(p)?;
                )*
                p.expect(b"]")?;
                Ok($t { $($f),* })
            }
        }
    };
}

/// The ordinary results of a function: `()` (none), one [`Wire`] value, or a tuple of them.
pub trait Results {
    /// The result types.
    fn types() -> Vec<Type>;
    /// Appends the results array.
    fn encode_results(&self, out: &mut Vec<u8>);
}

impl Results for () {
    fn types() -> Vec<Type> {
        Vec::new()
    }
    fn encode_results(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"[]");
    }
}

impl<T: Wire> Results for T {
    fn types() -> Vec<Type> {
        vec![T::ty()]
    }
    fn encode_results(&self, out: &mut Vec<u8>) {
        out.push(b'[');
        self.encode(out);
        out.push(b']');
    }
}

macro_rules! results_tuple {
    ($($t:ident $i:tt),+) => {
        impl<$($t: Wire),+> Results for ($($t,)+) {
            fn types() -> Vec<Type> {
                vec![$($t::ty()),+]
            }
            fn encode_results(&self, out: &mut Vec<u8>) {
                out.push(b'[');
                $(
                    if $i > 0 { out.push(b','); }
                    self.$i.encode(out);
                )+
                out.push(b']');
            }
        }
    };
}

results_tuple!(A 0, B 1);
results_tuple!(A 0, B 1, C 2);
results_tuple!(A 0, B 1, C 2, D 3);

/// What a registered closure may return: [`Results`], or `Result<R, E>` for Go's trailing `error`.
pub trait IntoReply {
    /// Result types and whether there is a trailing error.
    fn shape() -> (Vec<Type>, bool);
    /// Appends the reply payload and says which kind of reply it is.
    fn write(self, out: &mut Vec<u8>) -> ReplyKind;
}

impl<R: Results> IntoReply for R {
    fn shape() -> (Vec<Type>, bool) {
        (R::types(), false)
    }
    fn write(self, out: &mut Vec<u8>) -> ReplyKind {
        self.encode_results(out);
        ReplyKind::Ok
    }
}

impl<R: Results, E: Display> IntoReply for Result<R, E> {
    fn shape() -> (Vec<Type>, bool) {
        (R::types(), true)
    }
    fn write(self, out: &mut Vec<u8>) -> ReplyKind {
        match self {
            Ok(r) => {
                r.encode_results(out);
                ReplyKind::Ok
            }
            Err(e) => {
                protocol::write_string(out, e.to_string().as_bytes());
                ReplyKind::Error
            }
        }
    }
}

/// The arguments of a registered closure: a tuple of up to 8 [`Wire`] values, decoded from the
/// request's `args` array. The one decoder shared by functions, constructors and methods.
pub trait ArgList: Sized {
    /// Parameter types.
    fn types() -> Vec<Type>;
    /// Decodes the `args` array (brackets included); a wrong count is a decode error.
    fn decode(p: &mut Parser) -> Result<Self, DecodeError>;
}

macro_rules! arg_list {
    ($($a:ident),*) => {
        impl<$($a: Wire),*> ArgList for ($($a,)*) {
            fn types() -> Vec<Type> {
                vec![$($a::ty()),*]
            }
            #[allow(non_snake_case, unused_assignments, unused_mut, unused_variables)]
            fn decode(p: &mut Parser) -> Result<Self, DecodeError> {
                p.expect(b"[")?;
                let mut first = true;
                $(
                    if !first { p.expect(b",")?; }
                    first = false;
                    let $a = $a::decode(p)?;
                )*
                p.expect(b"]")?;
                Ok(($($a,)*))
            }
        }
    };
}

/// Invokes `$m!` once per arity, 0 to 8 (the argument lists, handlers and method kinds).
macro_rules! for_each_arity {
    ($m:ident) => {
        $m!();
        $m!(A1);
        $m!(A1, A2);
        $m!(A1, A2, A3);
        $m!(A1, A2, A3, A4);
        $m!(A1, A2, A3, A4, A5);
        $m!(A1, A2, A3, A4, A5, A6);
        $m!(A1, A2, A3, A4, A5, A6, A7);
        $m!(A1, A2, A3, A4, A5, A6, A7, A8);
    };
}
pub(crate) use for_each_arity;

for_each_arity!(arg_list);

/// A closure that can be registered; implemented for `Fn(A, B, …) -> R` of up to 8 [`Wire`]
/// arguments. `Args` is a marker that lets one closure type implement it once per arity.
pub trait Handler<Args>: Send + Sync + 'static {
    /// Parameter types.
    fn params() -> Vec<Type>;
    /// Result types and trailing error.
    fn shape() -> (Vec<Type>, bool);
    /// Decodes the `args` array, calls the closure and appends the payload.
    fn call(&self, p: &mut Parser, out: &mut Vec<u8>) -> Result<ReplyKind, DecodeError>;
}

macro_rules! handler {
    ($($a:ident),*) => {
        impl<F, R, $($a: Wire),*> Handler<($($a,)*)> for F
        where
            F: Fn($($a),*) -> R + Send + Sync + 'static,
            R: IntoReply,
        {
            fn params() -> Vec<Type> {
                <($($a,)*) as ArgList>::types()
            }
            fn shape() -> (Vec<Type>, bool) {
                R::shape()
            }
            #[allow(non_snake_case)]
            fn call(&self, p: &mut Parser, out: &mut Vec<u8>) -> Result<ReplyKind, DecodeError> {
                let ($($a,)*) = <($($a,)*) as ArgList>::decode(p)?;
                Ok((self)($($a),*).write(out))
            }
        }
    };
}

for_each_arity!(handler);

type Call = Box<dyn Fn(&mut Parser, &mut Vec<u8>) -> Result<ReplyKind, DecodeError> + Send + Sync>;

pub(crate) struct Entry {
    pub(crate) sig: FunctionSig,
    pub(crate) call: Call,
}

/// Registered Rust functions and object types, served by the worker process (`parity __worker`).
/// Objects are registered in `registry/object.rs` ([`Registry::object`], [`Registry::method`]).
#[derive(Default)]
pub struct Registry {
    pub(crate) entries: Vec<Entry>,
    pub(crate) objects: Vec<ObjectEntry>,
    problems: Vec<String>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers `f` under `name` (the spec's `rust` name for the function).
    pub fn function<Args, H: Handler<Args>>(mut self, name: &str, f: H) -> Self {
        if self.entries.iter().any(|e| e.sig.name == name) {
            self.problems.push(format!(
                "{name}: registered twice in the Rust registry (hint: register each name once)"
            ));
            return self;
        }
        let (results, error) = H::shape();
        let sig = FunctionSig {
            name: name.to_string(),
            params: H::params(),
            results,
            error,
            go_params: Vec::new(),
        };
        self.entries.push(Entry {
            sig,
            call: Box::new(move |p, out| f.call(p, out)),
        });
        self
    }

    /// The handshake the worker sends.
    pub fn handshake(&self) -> Handshake {
        Handshake {
            protocol: protocol::PROTOCOL_VERSION,
            harness: "rust".into(),
            functions: self.entries.iter().map(|e| e.sig.clone()).collect(),
            objects: self.objects.iter().map(|o| o.sig.clone()).collect(),
            problems: self.problems.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(r: &Registry, name: &str, args: &str) -> (ReplyKind, String) {
        let e = r.entries.iter().find(|e| e.sig.name == name).unwrap();
        let mut out = Vec::new();
        let kind = (e.call)(&mut Parser::new(args.as_bytes()), &mut out).unwrap();
        (kind, String::from_utf8(out).unwrap())
    }

    struct Money {
        units: i64,
        currency: String,
    }
    crate::wire_struct!(Money { units, currency });

    #[test]
    fn closures_of_several_shapes_register_with_their_signatures() {
        let r = Registry::new()
            .function("add", |a: i64, b: i64| a.wrapping_add(b))
            .function("parse", |s: String| {
                s.parse::<i64>().map_err(|e| e.to_string())
            })
            .function("split", |s: String| (s.len() as u64, s))
            .function("money", |units: i64| Money {
                units,
                currency: "EUR".into(),
            })
            .function("bytes", |b: Vec<u8>| -> Option<Vec<u8>> {
                if b.is_empty() {
                    None
                } else {
                    Some(b)
                }
            });
        let hs = r.handshake();
        let show: Vec<String> = hs
            .functions
            .iter()
            .map(|f| {
                format!(
                    "{}({:?}) -> {:?} err={}",
                    f.name,
                    f.params.iter().map(|t| t.to_string()).collect::<Vec<_>>(),
                    f.results.iter().map(|t| t.to_string()).collect::<Vec<_>>(),
                    f.error
                )
            })
            .collect();
        assert_eq!(
            show,
            [
                r#"add(["i64", "i64"]) -> ["i64"] err=false"#,
                r#"parse(["string"]) -> ["i64"] err=true"#,
                r#"split(["string"]) -> ["u64", "string"] err=false"#,
                r#"money(["i64"]) -> ["Money"] err=false"#,
                r#"bytes(["bytes"]) -> ["bytes"] err=false"#,
            ]
        );
        assert_eq!(call(&r, "add", "[1,2]"), (ReplyKind::Ok, "[3]".into()));
        assert_eq!(call(&r, "parse", r#"["x"]"#).0, ReplyKind::Error);
        assert_eq!(
            call(&r, "split", r#"["é"]"#),
            (ReplyKind::Ok, r#"[2,"é"]"#.into())
        );
        assert_eq!(
            call(&r, "money", "[5]"),
            (ReplyKind::Ok, r#"[[5,"EUR"]]"#.into())
        );
        assert_eq!(
            call(&r, "bytes", r#"[""]"#),
            (ReplyKind::Ok, "[null]".into())
        );
    }

    #[test]
    fn a_string_argument_that_is_not_utf8_is_a_decode_error() {
        let r = Registry::new().function("len", |s: String| s.len() as u64);
        let e = r.entries.iter().find(|e| e.sig.name == "len").unwrap();
        assert!((e.call)(&mut Parser::new(br#"["\udcff"]"#), &mut Vec::new()).is_err());
    }

    #[test]
    fn hash_maps_encode_in_canonical_key_order() {
        let m: HashMap<String, i64> = [
            ("b".to_string(), 2),
            ("a".to_string(), 1),
            ("c".to_string(), 3),
        ]
        .into();
        let mut out = Vec::new();
        m.encode(&mut out);
        assert_eq!(out, br#"[["a",1],["b",2],["c",3]]"#);
    }
}
