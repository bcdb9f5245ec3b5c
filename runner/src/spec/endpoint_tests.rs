//! Tests of loading HTTP endpoints: a spec using every key of `[server.*]`, `[http]` and
//! `[[endpoint]]` loads into the expected model, and broken ones are reported at their keys.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::value::{Type, Value};

use super::*;

const FULL: &str = r#"
[server.go]
package = "../harness-go/cmd/billing-http"
args = ["-addr", "{addr}"]
env = { PORT = "{port}", HOST = "{host}" }
ready = "get /healthz"
reset = "POST /_reset"
startup_timeout = "90s"

[server.rust]
cargo = "billing-http"
bin = "server"
args = ["--addr", "{addr}"]
ready = "GET /healthz"

[http]
sequence = 6
malformed = 0.5
sequences = 50

[types.NewInvoice]
fields = [
  { name = "Customer", json = "customer", type = "string", len = [0, 12] },
  { name = "Tags", json = "tags", type = "list<string>", len = [0, 2] },
  { name = "Note", type = "option<string>" },
]

[[endpoint]]
name = "CreateInvoice"
method = "post"
path = "/invoices"
body = "NewInvoice"
response = { status = [201, 400], body = "NewInvoice" }
headers = [{ name = "X-Request-Id", type = "string", optional = true, len = [1, 8] }]

[[endpoint]]
name = "GetLine"
method = "GET"
path = "/invoices/{id}/lines/{n}"
params = [
  { name = "id", type = "string", from = "CreateInvoice", pointer = "/id", examples = ["inv_999"] },
  { name = "n", type = "u8", range = [0, 9] },
]
query = [{ name = "limit", type = "i64", optional = true, range = [1, 100], examples = [5] }]

[endpoint.compare]
headers = ["X-Total", "content-type"]
ignore_headers = ["Location"]
json_bytes = false
float = { ulps = 2 }

[[endpoint.compare.paths]]
path = "/body/items"
unordered = true

[[endpoint]]
name = "Upload"
method = "PUT"
path = "/blobs"
body = "bytes"

[[endpoint]]
name = "Tag"
method = "PATCH"
path = "/tags"
body = { type = "list<string>", len = [0, 3] }
"#;

fn load_full() -> Spec {
    load_str(Path::new("specs/billing.toml"), FULL).unwrap_or_else(|e| panic!("{e}"))
}

fn abs(p: &str) -> PathBuf {
    std::path::absolute(p).unwrap()
}

#[test]
fn a_spec_of_endpoints_alone_needs_no_go_table() {
    let spec = load_full();
    assert!(spec.functions.is_empty());
    assert_eq!(spec.endpoints.len(), 4);
}

#[test]
fn servers_keep_placeholders_and_resolve_paths_against_the_spec_folder() {
    let servers = load_full().servers.expect("servers");
    assert_eq!(
        servers.go.launch,
        Launch::GoPackage {
            dir: abs("specs").join("../harness-go/cmd/billing-http"),
            args: vec!["-addr".into(), "{addr}".into()],
            env: vec![
                ("HOST".into(), "{host}".into()),
                ("PORT".into(), "{port}".into())
            ],
        }
    );
    assert_eq!(
        servers.go.ready,
        Probe {
            method: "GET".into(),
            path: "/healthz".into()
        }
    );
    assert_eq!(
        servers.go.reset,
        Some(Probe {
            method: "POST".into(),
            path: "/_reset".into()
        })
    );
    assert_eq!(servers.go.startup_timeout, Duration::from_secs(90));
    assert_eq!(
        servers.rust.launch,
        Launch::Cargo {
            package: "billing-http".into(),
            bin: Some("server".into()),
            args: vec!["--addr".into(), "{addr}".into()],
            env: Vec::new(),
            cwd: abs("specs"),
        }
    );
    assert_eq!(servers.rust.reset, None);
    assert_eq!(servers.rust.startup_timeout, Duration::from_secs(60));
}

#[test]
fn a_command_server_runs_in_the_spec_folder_with_its_program_resolved() {
    let text = FULL.replace(
        "cargo = \"billing-http\"\nbin = \"server\"\nargs = [\"--addr\", \"{addr}\"]",
        "command = [\"./bin/server\", \"--listen\", \"{addr}\"]",
    );
    let spec = load_str(Path::new("specs/billing.toml"), &text).unwrap_or_else(|e| panic!("{e}"));
    let launch = spec.servers.unwrap().rust.launch;
    let program = abs("specs")
        .join("./bin/server")
        .to_string_lossy()
        .into_owned();
    assert_eq!(
        launch,
        Launch::Command {
            argv: vec![program, "--listen".into(), "{addr}".into()],
            env: Vec::new(),
            cwd: abs("specs"),
        }
    );
}

#[test]
fn http_settings_and_json_names_are_read() {
    let spec = load_full();
    assert_eq!(
        spec.http,
        HttpSettings {
            max_steps: 6,
            malformed: 0.5,
            sequences: 50
        }
    );
    assert_eq!(
        spec.json_names["NewInvoice"],
        vec!["customer".to_string(), "tags".into(), "Note".into()]
    );
}

#[test]
fn inputs_come_in_path_query_header_body_order_with_optional_ones_as_options() {
    let spec = load_full();
    let get = &spec.endpoints[1];
    assert_eq!(get.method, "GET");
    let kinds: Vec<(InputKind, &str, String)> = get
        .inputs
        .iter()
        .map(|i| (i.kind, i.arg.name.as_str(), i.arg.ty.to_string()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (InputKind::Path, "id", "string".to_string()),
            (InputKind::Path, "n", "u8".to_string()),
            (InputKind::Query, "limit", "option<i64>".to_string()),
        ]
    );
    assert_eq!(
        get.inputs[0].from,
        Some(Reference {
            endpoint: 0,
            pointer: "/id".into()
        })
    );
    assert_eq!(
        get.inputs[0].arg.hints.examples,
        vec![Value::Str(b"inv_999".to_vec())]
    );
    let limit = &get.inputs[2].arg.hints;
    assert_eq!(limit.items.as_ref().unwrap().int_range, Some((1, 100)));
    assert_eq!(limit.examples, vec![Value::Int(5)]);
    assert_eq!(
        get.segments,
        vec![
            PathPart::Literal("/invoices/".into()),
            PathPart::Param(0),
            PathPart::Literal("/lines/".into()),
            PathPart::Param(1),
        ]
    );
    assert_eq!(get.body, BodyKind::None);
    assert_eq!(get.body_input(), None);

    let create = &spec.endpoints[0];
    assert_eq!(create.method, "POST");
    assert_eq!(create.segments, vec![PathPart::Literal("/invoices".into())]);
    assert_eq!(create.inputs.len(), 2);
    assert_eq!(create.inputs[0].kind, InputKind::Header);
    assert_eq!(
        create.inputs[0].arg.ty,
        Type::Option(Box::new(Type::String))
    );
    let body = &create.inputs[1];
    assert_eq!(
        (body.kind, body.arg.name.as_str()),
        (InputKind::Body, "body")
    );
    assert!(matches!(&create.body, BodyKind::Json(Type::Struct(st)) if st.name == "NewInvoice"));
    assert_eq!(create.body_input(), Some(1));
    assert_eq!(create.response.statuses, vec![201, 400]);
    assert!(matches!(&create.response.body, Some(Type::Struct(_))));

    assert_eq!(spec.endpoints[2].body, BodyKind::Bytes);
    assert_eq!(spec.endpoints[2].inputs[0].arg.ty, Type::Bytes);
    let tag = &spec.endpoints[3];
    assert_eq!(tag.body, BodyKind::Json(Type::List(Box::new(Type::String))));
    assert_eq!(tag.inputs[0].arg.hints.len, Some((0, 3)));
}

#[test]
fn endpoint_comparison_adds_header_rules_and_defaults_null_to_differ_from_empty() {
    let spec = load_full();
    let create = &spec.endpoints[0];
    assert!(!create.compare.default.nil_equals_empty);
    assert_eq!(create.headers, HeaderRules::default());
    assert!(create.json_bytes);

    let get = &spec.endpoints[1];
    assert!(!get.json_bytes);
    assert!(get.headers.compared("X-TOTAL"));
    assert!(get.headers.compared("content-type"));
    assert!(!get.headers.compared("location"));
    assert_eq!(
        get.headers
            .compare
            .iter()
            .filter(|h| *h == "content-type")
            .count(),
        1
    );
    assert_eq!(get.compare.default.float, FloatRule::Ulps(2));
    assert_eq!(get.compare.paths.len(), 1);
    assert_eq!(get.compare.paths[0].path, "/body/items");
    assert_eq!(get.compare.paths[0].unordered, Some(true));
    assert_eq!(get.as_function().args.len(), 3);
}

/// The messages of a broken variant of [`FULL`], as `line:column message`.
fn errors(text: &str) -> Vec<String> {
    let e = load_str(Path::new("specs/billing.toml"), text).expect_err("a spec error");
    e.diagnostics
        .iter()
        .map(|d| {
            assert!(d.hint.is_some(), "no hint: {}", d.message);
            format!("{}:{} {}", d.line, d.column, d.message)
        })
        .collect()
}

#[test]
fn a_misspelt_from_suggests_the_endpoint_and_a_bad_pointer_is_reported() {
    let text = FULL
        .replace("from = \"CreateInvoice\"", "from = \"CreateInvoce\"")
        .replace("pointer = \"/id\"", "pointer = \"id\"");
    let errs = errors(&text);
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert!(
        errs[0].contains("names no endpoint: \"CreateInvoce\""),
        "{errs:?}"
    );
    assert!(
        errs[1].contains("`pointer` \"id\" does not start with `/`"),
        "{errs:?}"
    );
    let e = load_str(Path::new("s.toml"), &text).unwrap_err();
    assert!(e.diagnostics[0]
        .hint
        .as_deref()
        .unwrap()
        .starts_with("did you mean `CreateInvoice`?"));
}

#[test]
fn path_params_must_match_the_template_both_ways() {
    let text = FULL.replace(
        "path = \"/invoices/{id}/lines/{n}\"",
        "path = \"/invoices/{id}/lines/{line}\"",
    );
    let errs = errors(&text);
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert!(errs
        .iter()
        .any(|e| e.contains("path parameter `line` of endpoint `GetLine` is not declared")));
    assert!(errs.iter().any(|e| e.contains("`params` declares `n`")));
}

#[test]
fn endpoints_without_a_rust_server_and_a_url_without_reset_are_errors() {
    let start = FULL.find("[server.rust]").unwrap();
    let end = FULL.find("[http]").unwrap();
    let mut text = FULL.to_string();
    text.replace_range(start..end, "");
    let text = text
        .replace("package = \"../harness-go/cmd/billing-http\"\nargs = [\"-addr\", \"{addr}\"]\nenv = { PORT = \"{port}\", HOST = \"{host}\" }", "url = \"http://127.0.0.1:8080\"")
        .replace("reset = \"POST /_reset\"\n", "");
    let errs = errors(&text);
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert!(errs[0].contains("no [server.rust] table"), "{errs:?}");
    assert!(
        errs[1].contains("a server given by `url` needs `reset`"),
        "{errs:?}"
    );
}

#[test]
fn a_json_key_on_a_function_argument_is_unknown() {
    let text = "[go]\npackage = \"x\"\n[[function]]\nname = \"F\"\nargs = [{ name = \"a\", type = \"i64\", json = \"a\" }]\n";
    let errs = errors(text);
    assert_eq!(
        errs,
        vec!["5:37 unknown key `json` in `function[0].args[0]`".to_string()]
    );
}

#[test]
fn the_http_endpoints_example_of_the_docs_loads() {
    let docs = include_str!("../../../docs/spec.md");
    let section = &docs[docs.find("## HTTP endpoints").unwrap()..];
    let start = section.find("```toml\n").unwrap() + "```toml\n".len();
    let example = &section[start..start + section[start..].find("```").unwrap()];
    let spec = load_str(Path::new("specs/billing.toml"), example).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(spec.endpoints.len(), 4);
    assert_eq!(
        spec.endpoints[1].inputs[0]
            .from
            .as_ref()
            .map(|r| r.endpoint),
        Some(0)
    );
}
