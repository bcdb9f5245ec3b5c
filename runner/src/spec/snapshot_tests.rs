//! Snapshots of the errors a user sees for bad specs: each case is a spec (and, for signature
//! checks, the handshakes), the reason it is wrong, and the rendered message, which must name
//! file:line:column, say what is wrong and how to fix it.

use std::path::Path;

use super::tests::handshake;
use super::{check_signatures, load_str};

/// A registered function: name, parameter types, result types, trailing error.
type Sig = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    bool,
);

struct Case {
    name: &'static str,
    reason: &'static str,
    spec: &'static str,
    /// For signature checks: the Go and Rust registrations, and problems the Go harness reports.
    check: Option<(&'static [Sig], &'static [Sig], &'static [&'static str])>,
}

const HEAD: &str = "[go]\npackage = \"../harness-go/cmd/billing-harness\"\n";

const CASES: &[Case] = &[
    Case {
        name: "unknown_type",
        reason: "a type that does not exist points at the type name inside the string",
        spec: r#"[[function]]
name = "Add"
args = [{ name = "a", type = "list<uint128>" }]
"#,
        check: None,
    },
    Case {
        name: "close_struct_name",
        reason: "a misspelt struct name suggests the declared struct",
        spec: r#"[types.Money]
fields = [{ name = "Units", type = "i64" }]

[[function]]
name = "Add"
args = [{ name = "a", type = "Mony" }]
"#,
        check: None,
    },
    Case {
        name: "typo_key",
        reason: "a misspelt key is rejected, naming the key, listing the valid ones and suggesting the closest",
        spec: r#"[[function]]
name = "ParseAmount"
args = [
  { name = "s", type = "string", exmaples = ["1.50"] },
]
"#,
        check: None,
    },
    Case {
        name: "toml_syntax",
        reason: "a TOML syntax error reports the parser's message at its position",
        spec: r#"[[function]]
name = "Add
"#,
        check: None,
    },
    Case {
        name: "bad_ranges_and_hints",
        reason: "hints that do not fit the type or are malformed are each reported at the hint",
        spec: r#"[[function]]
name = "F"
args = [
  { name = "s", type = "string", range = [0, 10] },
  { name = "n", type = "i8", range = [10, -10] },
  { name = "m", type = "u8", range = [0, 300] },
  { name = "b", type = "bool", len = [0, 1] },
  { name = "r", type = "string", regex = "[a-" },
  { name = "k", type = "i64", regex = "[0-9]+" },
  { name = "c", type = "string", charset = "" },
  { name = "o", type = "option<string>", len = [0, 3] },
  { name = "x", type = "i64", items = { range = [0, 1] } },
  { name = "y", type = "list<i64>", keys = { range = [0, 1] } },
]
"#,
        check: None,
    },
    Case {
        name: "bad_examples",
        reason: "examples that do not fit the type say which element is wrong and how values are written",
        spec: r#"[types.Money]
fields = [{ name = "Units", type = "i64" }, { name = "Currency", type = "string" }]

[[function]]
name = "F"
args = [
  { name = "a", type = "list<i8>", examples = [[1, 300]] },
  { name = "b", type = "f32", examples = ["0x7ff8000000000001", "x"] },
  { name = "c", type = "Money", examples = [{ Units = 1 }, { Units = 1, Currency = "EUR", Curency = "X" }] },
  { name = "d", type = "map<string,i64>", examples = [[["a"]]] },
]
"#,
        check: None,
    },
    Case {
        name: "duplicate_names",
        reason: "duplicate function, argument and field names are all reported",
        spec: r#"[types.Money]
fields = [{ name = "Units", type = "i64" }, { name = "Units", type = "i64" }]

[[function]]
name = "F"
args = [{ name = "a", type = "i64" }, { name = "a", type = "i64" }]

[[function]]
name = "F"
"#,
        check: None,
    },
    Case {
        name: "struct_cycle",
        reason: "structs that contain each other are rejected once, naming the path of the cycle",
        spec: r#"[types.A]
fields = [{ name = "b", type = "B" }]

[types.B]
fields = [{ name = "a", type = "list<A>" }]

[[function]]
name = "F"
args = [{ name = "a", type = "A" }]
"#,
        check: None,
    },
    Case {
        name: "bad_compare",
        reason: "malformed compare rules and path patterns are reported at their values",
        spec: r#"[[function]]
name = "F"
results = ["list<f64>"]

[function.compare]
errors = { regex = "(" }
float = { ulps = 4, abs = 1e-9 }

[[function.compare.paths]]
path = "0/x"

[[function.compare.paths]]
path = "/1"
"#,
        check: None,
    },
    Case {
        name: "missing_go",
        reason: "a spec without [go] says both ways to name the harness",
        spec: "[[function]]\nname = \"F\"\n",
        check: None,
    },
    Case {
        name: "endpoint_without_servers",
        reason: "endpoints need [server.go] and [server.rust]; a path parameter must be declared in `params`",
        spec: r#"[[endpoint]]
name = "GetUser"
method = "GET"
path = "/users/{id}"
"#,
        check: None,
    },
    Case {
        name: "endpoint_inputs",
        reason: "a misspelt `from` suggests the endpoint; a header of a list type, an optional path parameter and a misspelt method are reported at their keys",
        spec: r#"[server.go]
url = "http://127.0.0.1:8080"
ready = "GET /healthz"

[server.rust]
cargo = "users-http"
ready = "GET /healthz"
reset = "POST /_reset"

[[endpoint]]
name = "CreateUser"
method = "POTS"
path = "/users"
headers = [{ name = "X-Tags", type = "list<string>" }]

[[endpoint]]
name = "GetUser"
method = "GET"
path = "/users/{id}"
params = [{ name = "id", type = "string", optional = true, from = "CreateUsr", pointer = "/id" }]
"#,
        check: None,
    },
    Case {
        name: "top_level_typo",
        reason: "a misspelt table name suggests the valid one",
        spec: r#"[[functions]]
name = "F"
"#,
        check: None,
    },
    Case {
        name: "wrong_value_type",
        reason: "a key with a value of the wrong TOML type names the key path and the expected type",
        spec: r#"[[function]]
name = "F"
error = "yes"
"#,
        check: None,
    },
    Case {
        name: "go_both_forms",
        reason: "[go] must have exactly one of `package` and `command`",
        spec: r#"command = ["./bin/harness"]

[[function]]
name = "F"
"#,
        check: None,
    },
    Case {
        name: "missing_rust_function",
        reason: "a function missing from the Rust registry suggests the close registered name",
        spec: r#"[[function]]
name = "ParseAmount"
args = [{ name = "s", type = "string" }]
results = ["i64"]
error = true
"#,
        check: Some((
            &[("ParseAmount", &["string"], &["i64"], true)],
            &[("parse_amount", &["string"], &["i64"], true), ("format_amount", &["i64"], &["string"], false)],
            &[],
        )),
    },
    Case {
        name: "wrong_go_arg_type",
        reason: "an argument type that differs from Go points at the argument and gives the Go spelling",
        spec: r#"[[function]]
name = "Scale"
args = [
  { name = "x", type = "f64" },
  { name = "by", type = "i32" },
]
results = ["f64"]
"#,
        check: Some((
            &[("Scale", &["f64", "i64"], &["f64"], false)],
            &[("Scale", &["f64", "i32"], &["f64"], false)],
            &[],
        )),
    },
    Case {
        name: "result_count_mismatch",
        reason: "a result list that differs from Go and Rust points at `results` and says what to write",
        spec: r#"[[function]]
name = "Split"
args = [{ name = "s", type = "string" }]
results = ["string"]
error = true
"#,
        check: Some((
            &[("Split", &["string"], &["string", "string"], true)],
            &[("Split", &["string"], &["string", "string"], true)],
            &[],
        )),
    },
    Case {
        name: "struct_field_mismatch",
        reason: "Go structs are compared by field name and type, Rust structs by position and type",
        spec: r#"[types.Money]
fields = [{ name = "Units", type = "i64" }, { name = "Currency", type = "string" }]

[[function]]
name = "Neg"
args = [{ name = "m", type = "Money" }]
results = ["Money"]
"#,
        check: Some((
            &[("Neg", &["GoMoney"], &["Money"], false)],
            &[("Neg", &["RustMoney"], &["Money"], false)],
            &["function `Round`: parameter 1 has unsupported type `chan int`"],
        )),
    },
    Case {
        name: "error_flag_and_arity",
        reason: "an error flag or an argument count that differs from a side is reported with the fix",
        spec: r#"[[function]]
name = "Div"
args = [{ name = "a", type = "i64" }, { name = "b", type = "i64" }]
results = ["i64"]
"#,
        check: Some((
            &[("Div", &["i64", "i64"], &["i64"], true)],
            &[("Div", &["i64"], &["i64"], false)],
            &[],
        )),
    },
];

/// The spec with line numbers, so a reviewer can check every line:column in the snapshot.
fn numbered(text: &str) -> String {
    text.lines()
        .enumerate()
        .map(|(i, l)| format!("{:>3} | {l}\n", i + 1))
        .collect()
}

fn extra_structs(spec: &mut super::Spec) {
    // Harness-side views of `Money`: Go with a renamed field, Rust with a field of another type.
    use crate::value::{Field, StructType, Type};
    use std::sync::Arc;
    let field = |n: &str, ty: Type| Field { name: n.into(), ty };
    for (name, fields) in [
        (
            "GoMoney",
            vec![field("Units", Type::I64), field("Cur", Type::String)],
        ),
        (
            "RustMoney",
            vec![field("units", Type::I64), field("currency", Type::I64)],
        ),
    ] {
        spec.structs.push(Arc::new(StructType {
            name: name.into(),
            fields,
        }));
    }
}

#[test]
fn bad_specs_get_errors_that_name_the_place_the_problem_and_the_fix() {
    for case in CASES {
        let text = if case.name == "missing_go" {
            case.spec.to_string()
        } else {
            format!("{HEAD}{}", case.spec)
        };
        let path = Path::new("specs/billing.toml");
        let error = match case.check {
            None => load_str(path, &text).expect_err(case.name),
            Some((go, rust, problems)) => {
                let mut spec =
                    load_str(path, &text).unwrap_or_else(|e| panic!("{}: {e}", case.name));
                let mut view = spec.clone();
                extra_structs(&mut view);
                let mut go = handshake("go", &view, go);
                go.problems = problems.iter().map(|p| p.to_string()).collect();
                let rust = handshake("rust", &view, rust);
                check_signatures(&mut spec, &text, &go, &rust).expect_err(case.name)
            }
        };
        insta::with_settings!({ description => case.reason, omit_expression => true }, {
            insta::assert_snapshot!(case.name, format!("{}---\n{error}", numbered(&text)));
        });
    }
}
