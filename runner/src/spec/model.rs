//! The validated spec: typed, checked, ready for the pipeline. Nothing downstream sees TOML.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::value::{StructType, Type, Value};

/// A validated spec file.
#[derive(Clone, Debug)]
pub struct Spec {
    /// The spec file as given (for messages), with forward slashes.
    pub path: PathBuf,
    /// The spec's name: its file stem (`specs/example.toml` → `example`). Names the corpus folder.
    pub name: String,
    /// Where the Go harness comes from.
    pub go: GoSource,
    /// Struct types declared under `[types]`, in file order.
    pub structs: Vec<Arc<StructType>>,
    /// Per-field generation hints of each struct (struct name → hints by field position). They are
    /// also copied into [`Hints::fields`] wherever a struct type is used, so the generator only
    /// ever reads [`Hints`].
    pub struct_hints: HashMap<String, Vec<Hints>>,
    /// The functions, in file order.
    pub functions: Vec<FunctionSpec>,
    /// Which generation features are on (`[generate]`).
    pub generation: Generation,
    /// The HTTP endpoints, in file order (`[[endpoint]]`).
    pub endpoints: Vec<super::endpoint::EndpointSpec>,
    /// How the servers of both sides start; set exactly when there are endpoints.
    pub servers: Option<super::endpoint::Servers>,
    /// Run settings of the endpoints (`[http]`).
    pub http: super::endpoint::HttpSettings,
    /// The JSON name of every struct field (struct name → names by field position): the field's
    /// `json` key, else its Go name, as `encoding/json` does.
    pub json_names: HashMap<String, Vec<String>>,
    /// The stateful objects, in file order (`[[object]]`).
    pub objects: Vec<super::object::ObjectSpec>,
}

/// The generation features a spec can switch off under `[generate]` (all on by default; all off
/// is generation as it was before they existed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Generation {
    /// Values derived from other values of the same input (arguments, elements, fields).
    pub correlated: bool,
    /// Examples, corpus entries and imported Go corpora mutated, not only replayed.
    pub mutation: bool,
    /// Literals of the Go source inserted into generated values.
    pub dictionary: bool,
    /// Long lists with equal keys, float ties, decimal and smaller-width integer edges.
    pub rare_shapes: bool,
    /// A random subset of generation features per chunk.
    pub swarm: bool,
}

impl Generation {
    /// Every feature on (the default).
    pub const ALL: Generation = Generation {
        correlated: true,
        mutation: true,
        dictionary: true,
        rare_shapes: true,
        swarm: true,
    };
    /// Every feature off: generation as before these features.
    pub const NONE: Generation = Generation {
        correlated: false,
        mutation: false,
        dictionary: false,
        rare_shapes: false,
        swarm: false,
    };
}

impl Default for Generation {
    fn default() -> Self {
        Generation::ALL
    }
}

/// Where the Go harness comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GoSource {
    /// A Go main package directory (absolute), built with `go build` and cached.
    Package {
        /// The main package's directory, absolute.
        dir: PathBuf,
    },
    /// A ready command; the first element is the program. Relative program paths were resolved
    /// against the spec file's directory.
    Command {
        /// Program and arguments.
        argv: Vec<String>,
    },
}

/// A 1-based line and column in the spec file, for errors found after parsing (for example a
/// signature that disagrees with the Go harness's handshake).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Location {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// One function under test.
#[derive(Clone, Debug)]
pub struct FunctionSpec {
    /// The name in reports and in the corpus path; the Go name unless `name` says otherwise.
    pub name: String,
    /// The function's name in the Go harness registration.
    pub go_name: String,
    /// The function's name in the Rust registry.
    pub rust_name: String,
    /// Arguments in order.
    pub args: Vec<ArgSpec>,
    /// Results in order (not counting a trailing Go `error`).
    pub results: Vec<Type>,
    /// Whether the Go function returns a trailing `error` (Rust: `Result`).
    pub error: bool,
    /// How outcomes are compared.
    pub compare: CompareRules,
    /// Set by signature checking: the Rust function returns `Option<T>` where Go returns
    /// `(T, error)`, so a Rust `None` (encoded as `ok:[null]`) is read as an error outcome.
    pub rust_none_is_error: bool,
    /// Set by signature checking: the Rust port's own parameter types when it receives a spec
    /// `string` as bytes (`Vec<u8>`, possibly inside a list, map, option or struct); empty when
    /// they are the spec's. Requests to the Rust side are encoded with these.
    pub rust_params: Vec<Type>,
    /// Likewise the Rust port's result types when it returns bytes for a spec `string`; its
    /// replies are decoded with these and read back as strings.
    pub rust_results: Vec<Type>,
    /// The Go spelling of each parameter type, from the handshake (empty until checked).
    pub go_params: Vec<String>,
    /// Where the function's `[[function]]` table starts.
    pub location: Location,
}

impl FunctionSpec {
    /// A function with default names, no hints and default comparison rules; for tests and for
    /// building specs in code.
    pub fn new(
        name: &str,
        args: Vec<(&str, Type)>,
        results: Vec<Type>,
        error: bool,
    ) -> FunctionSpec {
        FunctionSpec {
            name: name.to_string(),
            go_name: name.to_string(),
            rust_name: name.to_string(),
            args: args
                .into_iter()
                .map(|(n, ty)| ArgSpec {
                    name: n.to_string(),
                    ty,
                    hints: Hints::default(),
                    location: Location::default(),
                })
                .collect(),
            results,
            error,
            compare: CompareRules::default(),
            rust_none_is_error: false,
            rust_params: Vec::new(),
            rust_results: Vec::new(),
            go_params: Vec::new(),
            location: Location::default(),
        }
    }

    /// The argument types in order.
    pub fn arg_types(&self) -> Vec<Type> {
        self.args.iter().map(|a| a.ty.clone()).collect()
    }

    /// The argument types as the Rust port receives them: [`FunctionSpec::rust_params`] when
    /// set, else the spec's.
    pub fn rust_arg_types(&self) -> Vec<Type> {
        if self.rust_params.is_empty() {
            self.arg_types()
        } else {
            self.rust_params.clone()
        }
    }
}

/// One argument: its name (for reports), type and generation hints.
#[derive(Clone, Debug)]
pub struct ArgSpec {
    /// The argument's name, as written in reports (`ParseAmount(s: "1.5")`).
    pub name: String,
    /// Its type.
    pub ty: Type,
    /// How to generate it.
    pub hints: Hints,
    /// Where the argument is declared.
    pub location: Location,
}

/// Generation hints for a value. Which fields apply depends on the type; validation has already
/// rejected hints that do not fit the type.
#[derive(Clone, Debug, Default)]
pub struct Hints {
    /// Inclusive integer range (integer types).
    pub int_range: Option<(i128, i128)>,
    /// Inclusive float range (float types). Edge values outside it are not generated.
    pub float_range: Option<(f64, f64)>,
    /// Inclusive length bounds: characters for strings, bytes for `bytes`, elements for lists,
    /// entries for maps.
    pub len: Option<(usize, usize)>,
    /// A regex that generated strings match (strings only).
    pub regex: Option<String>,
    /// The characters strings are drawn from (strings only).
    pub charset: Option<Vec<char>>,
    /// Whether strings may also be invalid UTF-8 (strings only; default false, because a Rust
    /// `String` parameter cannot receive them).
    pub invalid_utf8: bool,
    /// Values always tried first, in order.
    pub examples: Vec<Value>,
    /// Hints for list elements and for the value inside an option.
    pub items: Option<Box<Hints>>,
    /// Hints for map keys.
    pub keys: Option<Box<Hints>>,
    /// Hints for map values.
    pub values: Option<Box<Hints>>,
    /// Hints for struct fields, by field position (declared with the struct under `[types]`).
    pub fields: Vec<Hints>,
}

/// How two outcomes of one function are compared.
#[derive(Clone, Debug)]
pub struct CompareRules {
    /// How error messages are compared.
    pub errors: ErrorRule,
    /// The rule for every value path not matched by `paths`.
    pub default: ValueRule,
    /// Per-path overrides, in file order; a later match overrides an earlier one field by field.
    pub paths: Vec<PathRule>,
    /// Declared differences (`[[function.accept]]`), in file order.
    pub accept: Vec<AcceptRule>,
}

impl Default for CompareRules {
    fn default() -> Self {
        CompareRules {
            errors: ErrorRule::Ignore,
            default: ValueRule::default(),
            paths: Vec::new(),
            accept: Vec::new(),
        }
    }
}

/// How error messages are compared when both sides return an error.
#[derive(Clone, Debug)]
pub enum ErrorRule {
    /// Any two errors agree (the default: Go and Rust messages rarely match word for word).
    Ignore,
    /// Messages must be byte-identical.
    Exact,
    /// Each message is rewritten with `regex` → `replace` (Rust `regex` replacement syntax) on
    /// both sides, then compared exactly.
    Regex {
        /// The pattern.
        regex: regex::Regex,
        /// The replacement.
        replace: String,
    },
}

/// How values at one path are compared.
#[derive(Clone, Debug, PartialEq)]
pub struct ValueRule {
    /// Float comparison.
    pub float: FloatRule,
    /// Whether a list is compared as a multiset (order ignored).
    pub unordered: bool,
    /// Whether the value is ignored entirely.
    pub ignore: bool,
    /// Whether nil equals empty for lists, maps and bytes (default true).
    pub nil_equals_empty: bool,
    /// Whether NaNs must have the same payload bits (default false: any NaN equals any NaN).
    pub nan_payload: bool,
}

impl Default for ValueRule {
    fn default() -> Self {
        ValueRule {
            float: FloatRule::Exact,
            unordered: false,
            ignore: false,
            nil_equals_empty: true,
            nan_payload: false,
        }
    }
}

/// Float comparison.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FloatRule {
    /// Bit-equal, except that −0 equals +0 is *not* assumed and NaN follows `nan_payload`.
    Exact,
    /// At most this many units in the last place apart (same sign).
    Ulps(u64),
    /// `|a-b| <= abs` or `|a-b| <= rel * max(|a|,|b|)`.
    Tolerance {
        /// Absolute tolerance.
        abs: f64,
        /// Relative tolerance.
        rel: f64,
    },
}

/// A per-path override. `path` is a pattern over result paths: `/0` is the first result, then
/// struct field names, list indices and map keys, each segment may be `*`; a pattern also matches
/// everything below it.
#[derive(Clone, Debug, PartialEq)]
pub struct PathRule {
    /// The path pattern, for example `/0/Items/*/Price`.
    pub path: String,
    /// Overrides [`ValueRule::float`].
    pub float: Option<FloatRule>,
    /// Overrides [`ValueRule::unordered`].
    pub unordered: Option<bool>,
    /// Overrides [`ValueRule::ignore`].
    pub ignore: Option<bool>,
    /// Overrides [`ValueRule::nil_equals_empty`].
    pub nil_equals_empty: Option<bool>,
    /// Overrides [`ValueRule::nan_payload`].
    pub nan_payload: Option<bool>,
}

/// A declared difference (`[[function.accept]]`): at `path` (a pattern, as for [`PathRule`]) and
/// below it, a Go value whose text matches `go` and a Rust value whose text matches `rust` count
/// as agreeing. The text of a string or byte string is its content; of any other value its
/// readable spelling (`+Inf`, `-0`, `42`, `true`); at `/error`, the error message.
#[derive(Clone, Debug)]
pub struct AcceptRule {
    /// The path pattern, for example `/0` or `/0/*/Price`.
    pub path: String,
    /// What the Go side's text must be.
    pub go: TextPattern,
    /// What the Rust side's text must be.
    pub rust: TextPattern,
    /// Why the difference is intended (required; shown by `parity corpus list` and in docs).
    pub reason: String,
}

/// One side of a declared difference.
#[derive(Clone, Debug)]
pub enum TextPattern {
    /// The text equals this (`go = "+Inf"`).
    Exact(String),
    /// The whole text matches this regex (`go_matches = "[+-]Inf"`), compiled anchored.
    Regex(regex::Regex),
}

impl TextPattern {
    /// Whether `text` matches.
    pub fn matches(&self, text: &str) -> bool {
        match self {
            TextPattern::Exact(s) => s == text,
            TextPattern::Regex(r) => r.is_match(text),
        }
    }
}
