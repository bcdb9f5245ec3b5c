//! The HTTP tables as read: `[server.go]` / `[server.rust]`, `[http]` and `[[endpoint]]`, key by
//! key like the function tables. Keys whose value may take several shapes (`body`, `status`, the
//! `[http]` numbers) stay `toml::Value` or a small enum here and are interpreted by
//! `spec/endpoint_validate.rs`.

use std::collections::BTreeMap;

use toml::Spanned;

use super::read::{read_table, Read, Table};
use super::tree::{Kind, Node};
use super::{hint_keys, path_rule, RawArg, RawHints, RawPath};
use crate::spec::error::Diags;

/// `[server]`: the two sides' servers; any other subtable is an unknown key (with "did you mean").
#[derive(Debug)]
pub(crate) struct RawServers {
    pub go: Option<Spanned<RawServer>>,
    pub rust: Option<Spanned<RawServer>>,
    /// Whether `go` / `rust` are given (read or not), so an unreadable one is not also missing.
    pub has_go: bool,
    pub has_rust: bool,
}

fn servers(t: &mut Table) -> Option<RawServers> {
    let go = t.optional("go");
    let rust = t.optional("rust");
    Some(RawServers {
        go,
        rust,
        has_go: t.has("go") || t.misspelt("go"),
        has_rust: t.has("rust") || t.misspelt("rust"),
    })
}
read_table!(RawServers, "the [server] table", servers);

/// `[server.go]` or `[server.rust]`: exactly one of `package`, `command`, `cargo`, `url`.
#[derive(Debug)]
pub(crate) struct RawServer {
    pub package: Option<Spanned<String>>,
    pub command: Option<Spanned<Vec<String>>>,
    pub cargo: Option<Spanned<String>>,
    pub url: Option<Spanned<String>>,
    pub bin: Option<Spanned<String>>,
    pub args: Option<Spanned<Vec<String>>>,
    pub env: Option<Spanned<BTreeMap<Spanned<String>, Spanned<String>>>>,
    pub ready: Option<Spanned<String>>,
    pub reset: Option<Spanned<String>>,
    pub startup_timeout: Option<Spanned<String>>,
}

fn server(t: &mut Table) -> Option<RawServer> {
    Some(RawServer {
        package: t.essential("package"),
        command: t.essential("command"),
        cargo: t.essential("cargo"),
        url: t.essential("url"),
        bin: t.optional("bin"),
        args: t.optional("args"),
        env: t.optional("env"),
        ready: t.essential("ready"),
        reset: t.optional("reset"),
        startup_timeout: t.optional("startup_timeout"),
    })
}
read_table!(RawServer, "a [server.X] table", server);

/// `[http]`: run settings, interpreted (ranges, integer or float) by validation.
#[derive(Debug)]
pub(crate) struct RawHttp {
    pub sequence: Option<Spanned<toml::Value>>,
    pub malformed: Option<Spanned<toml::Value>>,
    pub sequences: Option<Spanned<toml::Value>>,
}

fn http(t: &mut Table) -> Option<RawHttp> {
    Some(RawHttp {
        sequence: t.optional("sequence"),
        malformed: t.optional("malformed"),
        sequences: t.optional("sequences"),
    })
}
read_table!(RawHttp, "the [http] table", http);

/// A `[[endpoint]]` table. Only `name` is required while reading, so that an endpoint with
/// another key missing can still be named by `from` without a second, false error.
#[derive(Debug)]
pub(crate) struct RawEndpoint {
    pub name: Spanned<String>,
    pub method: Option<Spanned<String>>,
    pub path: Option<Spanned<String>>,
    pub body: Option<Spanned<RawBody>>,
    pub response: Option<Spanned<RawResponse>>,
    pub params: Vec<Spanned<RawInput>>,
    pub query: Vec<Spanned<RawInput>>,
    pub headers: Vec<Spanned<RawInput>>,
    pub compare: Option<Spanned<RawEndpointCompare>>,
}

fn endpoint(t: &mut Table) -> Option<RawEndpoint> {
    let name = t.required("name");
    let e = RawEndpoint {
        name: Spanned::new(0..0, String::new()),
        method: t.optional("method"),
        path: t.optional("path"),
        body: t.optional("body"),
        response: t.optional("response"),
        params: t.or_default("params"),
        query: t.or_default("query"),
        headers: t.or_default("headers"),
        compare: t.optional("compare"),
    };
    Some(RawEndpoint { name: name?, ..e })
}
read_table!(RawEndpoint, "an [[endpoint]] table", endpoint);

/// A path parameter, query parameter or header: an argument's keys plus `optional`, `from` and
/// `pointer`.
#[derive(Debug)]
pub(crate) struct RawInput {
    pub arg: RawArg,
    pub optional: Option<Spanned<bool>>,
    pub from: Option<Spanned<String>>,
    pub pointer: Option<Spanned<String>>,
}

fn input(t: &mut Table) -> Option<RawInput> {
    let name = t.required("name");
    let ty = t.required("type");
    let hints = hint_keys(t)?;
    let optional = t.optional("optional");
    let from = t.optional("from");
    let pointer = t.optional("pointer");
    Some(RawInput {
        arg: RawArg {
            name: name?,
            ty: ty?,
            hints,
            from: None,
        },
        optional,
        from,
        pointer,
    })
}
read_table!(RawInput, "a request input", input);

/// `body = "NewInvoice"` / `body = "bytes"`, or `body = { type = "…", len = … }`.
#[derive(Debug)]
pub(crate) enum RawBody {
    /// A type name, or `bytes`.
    Name(Spanned<String>),
    /// A type with hints.
    Typed {
        ty: Spanned<String>,
        hints: Box<RawHints>,
    },
}

/// The table form of `body`.
struct RawBodyTable {
    ty: Spanned<String>,
    hints: RawHints,
}

fn body_table(t: &mut Table) -> Option<RawBodyTable> {
    let ty = t.required("type");
    let hints = hint_keys(t)?;
    Some(RawBodyTable { ty: ty?, hints })
}
read_table!(RawBodyTable, "a `body` table", body_table);

impl Read for RawBody {
    fn expected() -> String {
        "a type name or a table".into()
    }
    fn sample() -> String {
        "\"NewInvoice\"".into()
    }
    fn hint(key: &str) -> String {
        format!("write `{key} = \"NewInvoice\"` (a spec type sent as JSON), `{key} = \"bytes\"` (raw bytes) or `{key} = {{ type = \"list<string>\", len = [0, 3] }}`")
    }
    fn read(node: &Node, path: &str, d: &mut Diags) -> Option<Self> {
        match &node.kind {
            Kind::String(_) => Some(RawBody::Name(Spanned::read(node, path, d)?)),
            Kind::Table(_) => {
                let t = RawBodyTable::read(node, path, d)?;
                Some(RawBody::Typed {
                    ty: t.ty,
                    hints: Box::new(t.hints),
                })
            }
            _ => {
                d.at(
                    node.span.start,
                    format!(
                        "`{path}` must be a type name or a table, found {}",
                        node.describe()
                    ),
                    Some(Self::hint("body")),
                );
                None
            }
        }
    }
}

/// `response = { status = [201, 400], body = "Invoice" }`.
#[derive(Debug)]
pub(crate) struct RawResponse {
    pub status: Option<Spanned<toml::Value>>,
    pub body: Option<Spanned<String>>,
}

fn response(t: &mut Table) -> Option<RawResponse> {
    Some(RawResponse {
        status: t.optional("status"),
        body: t.optional("body"),
    })
}
read_table!(RawResponse, "a `response` table", response);

/// `[endpoint.compare]`: the function rules without `errors`, plus the header rules.
#[derive(Debug)]
pub(crate) struct RawEndpointCompare {
    pub float: Option<Spanned<toml::Value>>,
    pub unordered: Option<bool>,
    pub nil_equals_empty: Option<bool>,
    pub nan_payload: Option<bool>,
    pub paths: Vec<Spanned<RawEndpointPath>>,
    pub headers: Vec<Spanned<String>>,
    pub ignore_headers: Vec<Spanned<String>>,
    pub json_bytes: Option<bool>,
}

fn endpoint_compare(t: &mut Table) -> Option<RawEndpointCompare> {
    Some(RawEndpointCompare {
        float: t.optional("float"),
        unordered: t.optional("unordered"),
        nil_equals_empty: t.optional("nil_equals_empty"),
        nan_payload: t.optional("nan_payload"),
        paths: t.or_default("paths"),
        headers: t.or_default("headers"),
        ignore_headers: t.or_default("ignore_headers"),
        json_bytes: t.optional("json_bytes"),
    })
}
read_table!(RawEndpointCompare, "[endpoint.compare]", endpoint_compare);

/// `[[endpoint.compare.paths]]`: the keys of a function's path rule.
#[derive(Debug)]
pub(crate) struct RawEndpointPath(pub RawPath);

fn endpoint_path(t: &mut Table) -> Option<RawEndpointPath> {
    path_rule(t).map(RawEndpointPath)
}
read_table!(
    RawEndpointPath,
    "an [[endpoint.compare.paths]] table",
    endpoint_path
);
