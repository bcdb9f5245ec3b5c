//! The validated model of HTTP targets: the servers of both sides (`[server.go]`,
//! `[server.rust]`), the run settings (`[http]`) and the endpoints (`[[endpoint]]`).
//!
//! An endpoint's request is described by typed *inputs* (path parameters, query parameters,
//! headers, a body), each an [`ArgSpec`] with hints exactly like a function argument, so that
//! generation and value shrinking are the function stages, reused through
//! [`EndpointSpec::as_function`].

use std::path::PathBuf;
use std::time::Duration;

use super::model::{ArgSpec, CompareRules, FunctionSpec, Location};
use crate::value::Type;

/// How both sides' servers are started and probed (`[server.go]`, `[server.rust]`).
#[derive(Clone, Debug)]
pub struct Servers {
    /// The Go service. parity starts two instances of it (primary and secondary) to tell noise
    /// from divergence.
    pub go: ServerSpec,
    /// The Rust port.
    pub rust: ServerSpec,
}

/// One side's server.
#[derive(Clone, Debug)]
pub struct ServerSpec {
    /// How it is started, or where it already runs.
    pub launch: Launch,
    /// A request that must answer (any status below 500) before the server counts as ready.
    pub ready: Probe,
    /// A request that resets the server's state, run before every sequence. Without one, parity
    /// restarts the server between sequences. Required for [`Launch::Url`].
    pub reset: Option<Probe>,
    /// How long the server may take to become ready (`startup_timeout`, default 60 s: a `cargo run`
    /// may compile first).
    pub startup_timeout: Duration,
    /// Where the `[server.X]` table starts.
    pub location: Location,
}

/// How a server is started. In `args` and `env` values, `{addr}` becomes `127.0.0.1:PORT`,
/// `{port}` the port and `{host}` `127.0.0.1`, for a free loopback port parity picked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Launch {
    /// A Go main package (absolute directory), built with `go build` and cached.
    GoPackage {
        /// The package directory.
        dir: PathBuf,
        /// Arguments after the program.
        args: Vec<String>,
        /// Extra environment variables.
        env: Vec<(String, String)>,
    },
    /// A command: program and arguments (a relative program path was resolved against the spec
    /// file's directory), run in the spec file's directory.
    Command {
        /// Program and arguments.
        argv: Vec<String>,
        /// Extra environment variables.
        env: Vec<(String, String)>,
        /// The working directory (the spec file's directory).
        cwd: PathBuf,
    },
    /// A binary of a Cargo package in the spec's workspace (`cargo = "billing-http"`, optional
    /// `bin`), built once with `cargo build` (progress shown) and then run directly, in the spec
    /// file's directory.
    Cargo {
        /// The package (`-p`).
        package: String,
        /// The binary (`--bin`); the package's only binary when `None`.
        bin: Option<String>,
        /// Arguments after the program.
        args: Vec<String>,
        /// Extra environment variables.
        env: Vec<(String, String)>,
        /// The directory cargo runs in (the spec file's directory).
        cwd: PathBuf,
    },
    /// A server that is already running (`url = "http://127.0.0.1:8080"`): parity starts
    /// nothing. Only one instance exists, so noise cancelling compares it with itself.
    Url(String),
}

/// A request used to probe or reset a server: `"GET /healthz"`, `"POST /_reset"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Probe {
    /// The method, upper case.
    pub method: String,
    /// The path (and query), starting with `/`.
    pub path: String,
}

/// Run settings of the HTTP targets (`[http]`).
#[derive(Clone, Debug, PartialEq)]
pub struct HttpSettings {
    /// The longest generated sequence of requests (`sequence`, default 4).
    pub max_steps: usize,
    /// The share of requests that are malformed (`malformed`, default 0.25).
    pub malformed: f64,
    /// How many sequences a run generates per endpoint (`sequences`, default 200); `--cases`
    /// overrides it.
    pub sequences: usize,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            max_steps: 4,
            malformed: 0.25,
            sequences: 200,
        }
    }
}

/// One `[[endpoint]]`.
#[derive(Clone, Debug)]
pub struct EndpointSpec {
    /// The endpoint's name (reports, corpus, references).
    pub name: String,
    /// The method, upper case (`GET`, `POST`, …).
    pub method: String,
    /// The path template as written (`/invoices/{id}`).
    pub path: String,
    /// The template split into literal text and parameters.
    pub segments: Vec<PathPart>,
    /// The request's typed inputs, in this order: path parameters, query parameters, headers,
    /// then the body (if any). Optional query parameters and headers have type `option<T>`
    /// (`Value::Nil` = absent).
    pub inputs: Vec<Input>,
    /// The request body.
    pub body: BodyKind,
    /// The response's expected shape, for readable reports (may be empty).
    pub response: ResponseShape,
    /// How JSON bodies are compared: the function rules, with paths as JSON pointers under
    /// `/body` (`/body/items/*/created_at`). `nil_equals_empty` defaults to false here.
    pub compare: CompareRules,
    /// Which response headers are compared.
    pub headers: HeaderRules,
    /// Whether equal JSON spelt in different bytes (`\u003c` vs `<`) is reported (as a lesser
    /// kind of finding; default true).
    pub json_bytes: bool,
    /// Where the `[[endpoint]]` table starts.
    pub location: Location,
}

/// A piece of a path template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathPart {
    /// Literal text, for example `/invoices/`.
    Literal(String),
    /// The path parameter that is input number `.0`.
    Param(usize),
}

/// Where an input goes in the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputKind {
    /// A `{name}` path parameter, percent-encoded into its segment.
    Path,
    /// A query parameter `name=value`; absent when optional and nil.
    Query,
    /// A request header; absent when optional and nil.
    Header,
    /// The body.
    Body,
}

/// One typed input of a request.
#[derive(Clone, Debug)]
pub struct Input {
    /// Where it goes.
    pub kind: InputKind,
    /// Name (the query key, header name, path parameter name, or `body`), type and hints.
    pub arg: ArgSpec,
    /// A value taken from an earlier response of the same sequence, per side.
    pub from: Option<Reference>,
}

/// `from = "CreateInvoice", pointer = "/id"`: the value at a JSON pointer of an earlier
/// response of another endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// The producing endpoint's index in [`super::Spec::endpoints`].
    pub endpoint: usize,
    /// A JSON pointer into its response body (`/id`, `/items/0/id`).
    pub pointer: String,
}

/// A request body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyKind {
    /// No body.
    None,
    /// A spec type encoded as JSON (`Content-Type: application/json`); struct fields use their
    /// JSON names ([`super::Spec::json_names`]).
    Json(Type),
    /// Raw bytes (`Content-Type: application/octet-stream` unless a header input says otherwise).
    Bytes,
}

/// What a response is expected to look like (for reports only; never a reason to diverge).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResponseShape {
    /// Statuses the endpoint is documented to answer with.
    pub statuses: Vec<u16>,
    /// The type of its JSON body when known.
    pub body: Option<Type>,
}

/// Which response headers are compared. Names are lower case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeaderRules {
    /// Compared: the defaults ([`HeaderRules::DEFAULT_COMPARED`]) plus those the spec names.
    pub compare: Vec<String>,
    /// Never compared, even when named above (the defaults plus the spec's).
    pub ignore: Vec<String>,
}

impl HeaderRules {
    /// The headers compared by default: those clients read.
    pub const DEFAULT_COMPARED: &'static [&'static str] = &[
        "content-type",
        "location",
        "allow",
        "cache-control",
        "content-encoding",
        "www-authenticate",
        "retry-after",
    ];
    /// The headers ignored by default: set by the transport, not by the handler.
    pub const DEFAULT_IGNORED: &'static [&'static str] = &[
        "date",
        "content-length",
        "connection",
        "keep-alive",
        "transfer-encoding",
        "server",
    ];

    /// Whether header `name` (any case) is compared.
    pub fn compared(&self, name: &str) -> bool {
        let name = name.to_ascii_lowercase();
        self.compare.contains(&name) && !self.ignore.contains(&name)
    }
}

impl Default for HeaderRules {
    fn default() -> Self {
        HeaderRules {
            compare: Self::DEFAULT_COMPARED
                .iter()
                .map(|s| s.to_string())
                .collect(),
            ignore: Self::DEFAULT_IGNORED
                .iter()
                .map(|s| s.to_string())
                .collect(),
        }
    }
}

impl EndpointSpec {
    /// The endpoint's inputs as a function's arguments (no results), so that the function
    /// stages generate and shrink request values unchanged.
    pub fn as_function(&self) -> FunctionSpec {
        let mut f = FunctionSpec::new(&self.name, Vec::new(), Vec::new(), false);
        f.args = self.inputs.iter().map(|i| i.arg.clone()).collect();
        for a in &mut f.args {
            if a.hints.examples.is_empty() {
                a.hints.examples = struct_examples(&a.ty, &a.hints);
            }
        }
        f.location = self.location;
        f
    }

    /// The index of the body input, if the endpoint has a body.
    pub fn body_input(&self) -> Option<usize> {
        self.inputs.iter().position(|i| i.kind == InputKind::Body)
    }
}

/// Examples of a struct body built from its fields' examples: the i-th takes the i-th example of
/// every field that has examples (cycling) and the zero value of every other field, when that is
/// admissible under the field's hints. A request body is one value, so without this a field's
/// examples (a valid amount, a known currency) would never be sent together.
fn struct_examples(ty: &Type, hints: &super::model::Hints) -> Vec<crate::value::Value> {
    use crate::value::Value;
    let Type::Struct(st) = ty else {
        return Vec::new();
    };
    let n = hints
        .fields
        .iter()
        .map(|h| h.examples.len())
        .max()
        .unwrap_or(0);
    if n == 0 || hints.fields.len() != st.fields.len() {
        return Vec::new();
    }
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let mut fields = Vec::with_capacity(st.fields.len());
        for (f, h) in st.fields.iter().zip(&hints.fields) {
            let v = if h.examples.is_empty() {
                let zero = zero(&f.ty);
                if !crate::generate::admissible(&zero, &f.ty, h) {
                    return out;
                }
                zero
            } else {
                h.examples[i % h.examples.len()].clone()
            };
            fields.push(v);
        }
        out.push(Value::Struct(fields));
    }
    out
}

/// Go's zero value of `ty`.
fn zero(ty: &Type) -> crate::value::Value {
    use crate::value::Value;
    match ty {
        Type::Bool => Value::Bool(false),
        Type::I8 | Type::I16 | Type::I32 | Type::I64 => Value::Int(0),
        Type::U8 | Type::U16 | Type::U32 | Type::U64 => Value::Uint(0),
        Type::F32 => Value::F32(0.0),
        Type::F64 => Value::F64(0.0),
        Type::String => Value::Str(Vec::new()),
        Type::Bytes | Type::Option(_) | Type::List(_) | Type::Map(..) => Value::Nil,
        Type::Struct(st) => Value::Struct(st.fields.iter().map(|f| zero(&f.ty)).collect()),
    }
}
