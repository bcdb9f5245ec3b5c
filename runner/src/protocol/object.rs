//! Stateful objects on the wire (protocol version 2): the `new`, `call` and `drop` request writers,
//! and the handshake's `objects` key, parsed into [`ObjectSig`]s with struct types resolved like
//! functions', and written back for the Rust worker.

use super::{write_args, write_named, write_u64, FunctionSig, RawSig};
use crate::value::{Type, Value};

/// Appends a `new` request line (with its `\n`): construct an `object` from `args`.
pub fn write_new(out: &mut Vec<u8>, id: u64, object: &str, args: &[Value], types: &[Type]) {
    write_named(out, id, b",\"new\":", object);
    write_args(out, args, types);
}

/// Appends a `call` request line (with its `\n`): call `method` on the object with `handle`.
pub fn write_call(
    out: &mut Vec<u8>,
    id: u64,
    method: &str,
    handle: u64,
    args: &[Value],
    types: &[Type],
) {
    write_named(out, id, b",\"call\":", method);
    out.extend_from_slice(b",\"on\":");
    write_u64(out, handle);
    write_args(out, args, types);
}

/// Appends a `drop` request line (with its `\n`): forget the object with `handle`.
pub fn write_drop(out: &mut Vec<u8>, id: u64, handle: u64) {
    out.extend_from_slice(b"{\"id\":");
    write_u64(out, id);
    out.extend_from_slice(b",\"drop\":");
    write_u64(out, handle);
    out.extend_from_slice(b"}\n");
}

/// A registered object type as a harness reports it: its constructor, its methods, and (Go only)
/// where it comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectSig {
    /// The registered object name.
    pub name: String,
    /// The constructor's signature; its `name` is the object name and its `results` are empty (the
    /// constructed value is not a result).
    pub constructor: FunctionSig,
    /// Every method, in the harness's stable order (Go: sorted by name; Rust: registration order).
    pub methods: Vec<MethodSig>,
    /// `reflect.Type.String()` of the constructed value (Go only; empty otherwise).
    pub go_type: String,
    /// The constructor as `package.Func` (Go only; empty for a closure or on the Rust side).
    pub go_constructor: String,
    /// Exported methods no spec type maps to, as `"Name: reason"` (Go only).
    pub skipped: Vec<String>,
}

/// One method of an object. The receiver is not listed in `sig.params`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MethodSig {
    /// The method's signature, named by the method name alone (`Add`, not `Ledger.Add`).
    pub sig: FunctionSig,
    /// Whether the method takes the object by value, so that it is gone afterwards (Rust
    /// `.consuming`).
    pub consumes: bool,
}

#[derive(serde::Serialize, serde::Deserialize)]
pub(super) struct RawObject {
    name: String,
    params: Vec<String>,
    error: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    go_params: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    go_type: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    go_constructor: String,
    #[serde(default)]
    methods: Vec<RawMethod>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    skipped: Vec<String>,
}

/// A method: the keys of [`RawSig`] plus `consumes` (spelled out rather than flattened, see
/// STYLE.md on `#[serde(flatten)]`).
#[derive(serde::Serialize, serde::Deserialize)]
pub(super) struct RawMethod {
    name: String,
    params: Vec<String>,
    results: Vec<String>,
    error: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    go_params: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    go_results: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    consumes: bool,
}

/// Resolves every object's types; `sig` parses one raw signature, naming `what` in its errors.
pub(super) fn parse_objects(
    raw: &[RawObject],
    sig: impl Fn(&RawSig, &str) -> Result<FunctionSig, String>,
) -> Result<Vec<ObjectSig>, String> {
    raw.iter()
        .map(|o| {
            let constructor = sig(
                &RawSig {
                    name: o.name.clone(),
                    params: o.params.clone(),
                    results: Vec::new(),
                    error: o.error,
                    go_params: o.go_params.clone(),
                    go_results: Vec::new(),
                },
                &format!("object `{}` constructor", o.name),
            )?;
            let methods = o
                .methods
                .iter()
                .map(|m| {
                    let raw = RawSig {
                        name: m.name.clone(),
                        params: m.params.clone(),
                        results: m.results.clone(),
                        error: m.error,
                        go_params: m.go_params.clone(),
                        go_results: m.go_results.clone(),
                    };
                    Ok(MethodSig {
                        sig: sig(&raw, &format!("object `{}` method `{}`", o.name, m.name))?,
                        consumes: m.consumes,
                    })
                })
                .collect::<Result<Vec<_>, String>>()?;
            Ok(ObjectSig {
                name: o.name.clone(),
                constructor,
                methods,
                go_type: o.go_type.clone(),
                go_constructor: o.go_constructor.clone(),
                skipped: o.skipped.clone(),
            })
        })
        .collect()
}

/// The raw form of `objects`, for [`super::write_handshake`].
pub(super) fn raw_objects(objects: &[ObjectSig]) -> Vec<RawObject> {
    let types = |ts: &[Type]| ts.iter().map(|t| t.to_string()).collect::<Vec<_>>();
    objects
        .iter()
        .map(|o| RawObject {
            name: o.name.clone(),
            params: types(&o.constructor.params),
            error: o.constructor.error,
            go_params: o.constructor.go_params.clone(),
            go_type: o.go_type.clone(),
            go_constructor: o.go_constructor.clone(),
            methods: o
                .methods
                .iter()
                .map(|m| RawMethod {
                    name: m.sig.name.clone(),
                    params: types(&m.sig.params),
                    results: types(&m.sig.results),
                    error: m.sig.error,
                    go_params: m.sig.go_params.clone(),
                    go_results: Vec::new(),
                    consumes: m.consumes,
                })
                .collect(),
            skipped: o.skipped.clone(),
        })
        .collect()
}

/// Every type an object's constructor and methods mention, for the handshake's `structs`.
pub(super) fn object_types(objects: &[ObjectSig]) -> impl Iterator<Item = &Type> {
    objects.iter().flat_map(|o| {
        o.constructor.params.iter().chain(
            o.methods
                .iter()
                .flat_map(|m| m.sig.params.iter().chain(&m.sig.results)),
        )
    })
}
