//! The spec file as read: shaped like the TOML, with spans for error positions. The TOML is
//! parsed into a spanned tree (`tree`) and each table is read key by key (`read`), so every
//! unknown key, wrong value type and missing key in the file is reported, each at its position.
//! Keys whose value may take several shapes (`range`, `errors`, `float`, examples) stay
//! `toml::Value` here and are interpreted, with precise messages, by validation.
//!
//! Adding a key to a table is one field below and one line in that table's reader.

pub(crate) mod endpoint;
pub(crate) mod object;
pub(crate) mod read;
pub(crate) mod tree;

use std::collections::BTreeMap;

use toml::Spanned;

use super::error::Diags;
use endpoint::{RawEndpoint, RawHttp, RawServers};
use object::RawObject;
use read::{read_table, Read, Table};

/// The whole file.
#[derive(Debug)]
pub(crate) struct RawSpec {
    pub go: Option<Spanned<RawGo>>,
    /// Whether the file has a `go` key, or an unknown key that looks like a misspelt one (one
    /// that could not be read is `None` in `go`).
    pub has_go: bool,
    pub types: BTreeMap<Spanned<String>, Spanned<RawStruct>>,
    pub function: Vec<Spanned<RawFunction>>,
    /// Whether the file declares a function, has `function` tables that could not be read (they
    /// are left out of `function`), or an unknown key that looks like a misspelt `function`:
    /// only a spec without any of these is reported as declaring no functions.
    pub has_functions: bool,
    /// `[generate]`: generation features that can be switched off.
    pub generate: Option<RawGenerate>,
    /// `[[endpoint]]` tables that could be read.
    pub endpoint: Vec<Spanned<RawEndpoint>>,
    /// Like `has_functions`, for endpoints.
    pub has_endpoints: bool,
    /// `[server]`, with `[server.go]` and `[server.rust]`.
    pub server: Option<Spanned<RawServers>>,
    /// Whether the file has a `server` key (read or not).
    pub has_server: bool,
    /// `[http]`.
    pub http: Option<Spanned<RawHttp>>,
    /// `[[object]]` tables that could be read.
    pub object: Vec<Spanned<RawObject>>,
    /// Like `has_functions`, for objects.
    pub has_objects: bool,
}

fn spec(t: &mut Table) -> Option<RawSpec> {
    let go = t.optional("go");
    let types = t.or_default("types");
    let reported = t.d.count();
    let function = t.or_default("function");
    let function_unreadable = t.has("function") && t.d.count() > reported;
    let reported = t.d.count();
    let endpoint = t.or_default("endpoint");
    let endpoint_unreadable = t.has("endpoint") && t.d.count() > reported;
    let reported = t.d.count();
    let object = t.or_default("object");
    let object_unreadable = t.has("object") && t.d.count() > reported;
    let mut spec = RawSpec {
        go,
        has_go: false,
        types,
        function,
        has_functions: false,
        endpoint,
        has_endpoints: false,
        generate: t.optional("generate"),
        server: t.optional("server"),
        has_server: false,
        http: t.optional("http"),
        object,
        has_objects: false,
    };
    spec.has_go = t.has("go") || t.misspelt("go");
    spec.has_server = t.has("server") || t.misspelt("server");
    spec.has_functions = !spec.function.is_empty() || function_unreadable || t.misspelt("function");
    spec.has_endpoints = !spec.endpoint.is_empty() || endpoint_unreadable || t.misspelt("endpoint");
    spec.has_objects = !spec.object.is_empty() || object_unreadable || t.misspelt("object");
    Some(spec)
}
read_table!(RawSpec, "a spec", spec);

/// `[go]`: exactly one of `package` and `command`.
#[derive(Debug)]
pub(crate) struct RawGo {
    pub package: Option<Spanned<String>>,
    pub command: Option<Spanned<Vec<String>>>,
}

fn go(t: &mut Table) -> Option<RawGo> {
    Some(RawGo {
        package: t.essential("package"),
        command: t.essential("command"),
    })
}
read_table!(RawGo, "the [go] table", go);

/// `[generate]`: every key switches one generation feature (default on).
#[derive(Debug)]
pub(crate) struct RawGenerate {
    pub correlated: Option<bool>,
    pub mutation: Option<bool>,
    pub dictionary: Option<bool>,
    pub rare_shapes: Option<bool>,
    pub swarm: Option<bool>,
}

fn generate(t: &mut Table) -> Option<RawGenerate> {
    Some(RawGenerate {
        correlated: t.optional("correlated"),
        mutation: t.optional("mutation"),
        dictionary: t.optional("dictionary"),
        rare_shapes: t.optional("rare_shapes"),
        swarm: t.optional("swarm"),
    })
}
read_table!(RawGenerate, "the [generate] table", generate);

/// `[types.Name]`.
#[derive(Debug)]
pub(crate) struct RawStruct {
    pub fields: Vec<Spanned<RawField>>,
}

/// A struct field: an argument's keys plus `json`, the field's JSON name.
#[derive(Debug)]
pub(crate) struct RawField {
    pub name: Spanned<String>,
    pub ty: Spanned<String>,
    pub hints: RawHints,
    pub json: Option<Spanned<String>>,
}

fn field(t: &mut Table) -> Option<RawField> {
    let name = t.required("name");
    let ty = t.required("type");
    let hints = hint_keys(t)?;
    let json = t.optional("json");
    Some(RawField {
        name: name?,
        ty: ty?,
        hints,
        json,
    })
}
read_table!(RawField, "a struct field", field);

impl RawField {
    /// The hint keys.
    pub(crate) fn hints(&self) -> &RawHints {
        &self.hints
    }
}

fn struct_(t: &mut Table) -> Option<RawStruct> {
    let fields = t.required("fields");
    Some(RawStruct { fields: fields? })
}
read_table!(RawStruct, "a [types.X] table", struct_);

/// A `[[function]]` table.
#[derive(Debug)]
pub(crate) struct RawFunction {
    pub name: Spanned<String>,
    pub go: Option<Spanned<String>>,
    pub rust: Option<Spanned<String>>,
    pub args: Vec<Spanned<RawArg>>,
    pub results: Option<Spanned<Vec<Spanned<String>>>>,
    pub error: Option<Spanned<bool>>,
    pub compare: Option<Spanned<RawCompare>>,
    /// Declared differences, checked by `spec/accept.rs`.
    pub accept: Vec<Spanned<RawAccept>>,
}

/// `[[function.accept]]`: a declared difference.
#[derive(Debug)]
pub(crate) struct RawAccept {
    pub path: Option<Spanned<String>>,
    pub go: Option<Spanned<String>>,
    pub rust: Option<Spanned<String>>,
    pub go_matches: Option<Spanned<String>>,
    pub rust_matches: Option<Spanned<String>>,
    pub reason: Option<Spanned<String>>,
}

fn accept(t: &mut Table) -> Option<RawAccept> {
    Some(RawAccept {
        path: t.optional("path"),
        go: t.optional("go"),
        rust: t.optional("rust"),
        go_matches: t.optional("go_matches"),
        rust_matches: t.optional("rust_matches"),
        reason: t.optional("reason"),
    })
}
read_table!(RawAccept, "a [[function.accept]] table", accept);

pub(crate) fn function(t: &mut Table) -> Option<RawFunction> {
    let name = t.required("name");
    let f = RawFunction {
        name: Spanned::new(0..0, String::new()),
        go: t.optional("go"),
        rust: t.optional("rust"),
        args: t.or_default("args"),
        results: t.optional("results"),
        error: t.optional("error"),
        compare: t.optional("compare"),
        accept: t.or_default("accept"),
    };
    Some(RawFunction { name: name?, ..f })
}
read_table!(RawFunction, "a [[function]] table", function);

/// An argument: a name, a type and the hint keys, and for a method of an object `from`, the
/// earlier call it takes its value from.
#[derive(Debug)]
pub(crate) struct RawArg {
    pub name: Spanned<String>,
    pub ty: Spanned<String>,
    pub hints: RawHints,
    pub from: Option<Spanned<String>>,
}

fn arg(t: &mut Table) -> Option<RawArg> {
    let name = t.required("name");
    let ty = t.required("type");
    let hints = hint_keys(t)?;
    let from = t.optional("from");
    Some(RawArg {
        name: name?,
        ty: ty?,
        hints,
        from,
    })
}
read_table!(RawArg, "an argument", arg);

impl RawArg {
    /// The hint keys.
    pub(crate) fn hints(&self) -> &RawHints {
        &self.hints
    }
}

/// Generation hints: the keys of an `items` / `keys` / `values` table, and of an argument
/// besides `name` and `type`.
#[derive(Clone, Debug, Default)]
pub(crate) struct RawHints {
    pub range: Option<Spanned<toml::Value>>,
    pub len: Option<Spanned<toml::Value>>,
    pub regex: Option<Spanned<String>>,
    pub charset: Option<Spanned<String>>,
    pub invalid_utf8: Option<Spanned<bool>>,
    pub examples: Option<Spanned<Vec<Spanned<toml::Value>>>>,
    pub items: Option<Spanned<Box<RawHints>>>,
    pub keys: Option<Spanned<Box<RawHints>>>,
    pub values: Option<Spanned<Box<RawHints>>>,
}

fn hint_keys(t: &mut Table) -> Option<RawHints> {
    Some(RawHints {
        range: t.optional("range"),
        len: t.optional("len"),
        regex: t.optional("regex"),
        charset: t.optional("charset"),
        invalid_utf8: t.optional("invalid_utf8"),
        examples: t.optional("examples"),
        items: t.optional("items"),
        keys: t.optional("keys"),
        values: t.optional("values"),
    })
}
read_table!(RawHints, "a hint table", hint_keys);

/// `[function.compare]`.
#[derive(Debug)]
pub(crate) struct RawCompare {
    pub errors: Option<Spanned<toml::Value>>,
    pub float: Option<Spanned<toml::Value>>,
    pub unordered: Option<bool>,
    pub nil_equals_empty: Option<bool>,
    pub nan_payload: Option<bool>,
    pub paths: Vec<Spanned<RawPath>>,
}

fn compare(t: &mut Table) -> Option<RawCompare> {
    Some(RawCompare {
        errors: t.optional("errors"),
        float: t.optional("float"),
        unordered: t.optional("unordered"),
        nil_equals_empty: t.optional("nil_equals_empty"),
        nan_payload: t.optional("nan_payload"),
        paths: t.or_default("paths"),
    })
}
read_table!(RawCompare, "[function.compare]", compare);

/// `[[function.compare.paths]]`.
#[derive(Debug)]
pub(crate) struct RawPath {
    pub path: Spanned<String>,
    pub float: Option<Spanned<toml::Value>>,
    pub unordered: Option<bool>,
    pub ignore: Option<bool>,
    pub nil_equals_empty: Option<bool>,
    pub nan_payload: Option<bool>,
}

fn path_rule(t: &mut Table) -> Option<RawPath> {
    let path = t.required("path");
    let rule = RawPath {
        path: Spanned::new(0..0, String::new()),
        float: t.optional("float"),
        unordered: t.optional("unordered"),
        ignore: t.optional("ignore"),
        nil_equals_empty: t.optional("nil_equals_empty"),
        nan_payload: t.optional("nan_payload"),
    };
    Some(RawPath {
        path: path?,
        ..rule
    })
}
read_table!(RawPath, "a [[function.compare.paths]] table", path_rule);

/// Parses the TOML and reads it into a [`RawSpec`], reporting every problem to `d`. `None` when
/// the text is not TOML (the syntax error is reported).
pub(crate) fn parse(text: &str, d: &mut Diags) -> Option<RawSpec> {
    match tree::parse(text) {
        Ok(root) => RawSpec::read(&root, "", d),
        Err(e) => {
            d.at(
                e.offset,
                format!("invalid TOML: {}", e.message),
                Some(syntax_hint(&e.message)),
            );
            None
        }
    }
}

/// A hint for a TOML syntax error, by the parser's message.
fn syntax_hint(message: &str) -> String {
    let m = message.to_lowercase();
    let text = if m.contains("duplicate key") {
        "each key may appear once per table; remove or rename the second one"
    } else if m.contains("string") {
        "close every string with the quote that opened it, on the same line; use '''…''' for text across lines"
    } else if m.contains("table") {
        "a table header is `[name]`, an array-of-tables header `[[name]]`; each table may be defined once"
    } else {
        "a key is written `key = value`; strings are quoted, arrays are `[a, b]`, inline tables `{ k = v }` (see docs/spec.md)"
    };
    text.to_string()
}
