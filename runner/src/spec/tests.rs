//! Tests of spec loading: a valid spec using every feature of the format, and snapshots of the
//! errors users see for bad specs (`snapshot_tests.rs`).

use std::path::Path;

use crate::value::{Type, Value};

use super::*;

const FULL: &str = r#"
[go]
package = "../harness-go/cmd/billing-harness"

# Line refers to Money, declared after it.
[types.Line]
fields = [
  { name = "Price", type = "Money" },
  { name = "Tags", type = "list<string>", len = [0, 3], items = { charset = "a-z", len = [1, 8] } },
]

[types.Money]
fields = [
  { name = "Units", type = "i64", range = [-1000000, 1000000] },
  { name = "Currency", type = "string", regex = "[A-Z]{3}" },
]

[[function]]
name = "ParseAmount"
rust = "parse_amount"
args = [
  { name = "s", type = "string", len = [0, 24], examples = ["1.50", "-0.5", ""], invalid_utf8 = true },
]
results = ["i64"]
error = true

[function.compare]
errors = { regex = "^parse: .*", replace = "parse error" }

[[function]]
name = "Total"
go = "TotalLines"
args = [
  { name = "lines", type = "list<Line>", len = [0, 5], examples = [[{ Price = { Units = 1, Currency = "EUR" }, Tags = [] }], {}] },
  { name = "rate", type = "f64", range = [0.0, 2.5], examples = [nan, inf, -0.0, "0x7ff8000000000001", 1] },
  { name = "fx", type = "map<string,f32>", keys = { regex = "[A-Z]{3}" }, values = { range = [0.5, 2] }, examples = [{ USD = 1.5, EUR = 1.0 }, [["USD", 1.5]], {}] },
  { name = "note", type = "option<string>", items = { len = [0, 4] }, examples = [{}, "x"] },
  { name = "raw", type = "bytes", len = [0, 8], items = { range = [0, 127] }, examples = ["hi", [0, 255], {}] },
  { name = "big", type = "u64", examples = ["18446744073709551615", 3] },
  { name = "flag", type = "bool", examples = [true] },
  { name = "byid", type = "map<u16,Money>", examples = [{ 7 = { Units = 1, Currency = "USD" } }] },
]
results = ["Money", "list<f64>"]

[function.compare]
errors = "exact"
float = { ulps = 4 }
unordered = true
nil_equals_empty = false
nan_payload = true

[[function.compare.paths]]
path = "/1"
float = { abs = 1e-9, rel = 1e-12 }

[[function.compare.paths]]
path = "/0/Currency"
ignore = true

[[function.compare.paths]]
path = "/*/Tags"
unordered = false
nil_equals_empty = true
nan_payload = false
float = "exact"
"#;

fn full() -> Spec {
    load_str(Path::new("specs/billing.toml"), FULL).unwrap_or_else(|e| panic!("{e}"))
}

fn money(units: i64, currency: &str) -> Value {
    Value::Struct(vec![Value::Int(units), Value::str(currency)])
}

#[test]
fn a_full_spec_loads_with_its_name_path_and_go_package() {
    let spec = full();
    assert_eq!(spec.name, "billing");
    assert_eq!(spec.path, Path::new("specs/billing.toml"));
    let GoSource::Package { dir } = &spec.go else {
        panic!("{:?}", spec.go)
    };
    assert!(dir.is_absolute(), "{dir:?}");
    assert!(
        dir.ends_with("specs/../harness-go/cmd/billing-harness"),
        "{dir:?}"
    );
}

#[test]
fn structs_resolve_in_any_order_and_keep_file_order() {
    let spec = full();
    let names: Vec<&str> = spec.structs.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Line", "Money"]);
    let Type::Struct(money) = &spec.structs[0].fields[0].ty else {
        panic!("Line.Price is not a struct")
    };
    assert_eq!(money.name, "Money");
    assert_eq!(money.fields[1].name, "Currency");
}

#[test]
fn struct_field_hints_are_kept_per_struct_and_copied_where_the_struct_is_used() {
    let spec = full();
    let money = &spec.struct_hints["Money"];
    assert_eq!(money[0].int_range, Some((-1_000_000, 1_000_000)));
    assert_eq!(money[1].regex.as_deref(), Some("[A-Z]{3}"));
    let line = &spec.struct_hints["Line"];
    assert_eq!(line[0].fields[0].int_range, Some((-1_000_000, 1_000_000)));
    assert_eq!(line[1].len, Some((0, 3)));
    assert_eq!(line[1].items.as_ref().unwrap().len, Some((1, 8)));

    let total = &spec.functions[1];
    let lines = &total.args[0].hints;
    let line_hints = lines.items.as_ref().expect("items created for list<Line>");
    assert_eq!(line_hints.fields.len(), 2);
    assert_eq!(
        line_hints.fields[0].fields[1].regex.as_deref(),
        Some("[A-Z]{3}")
    );
    let byid = &total.args[7].hints;
    assert_eq!(
        byid.values.as_ref().unwrap().fields[0].int_range,
        Some((-1_000_000, 1_000_000))
    );
}

#[test]
fn names_default_to_the_function_name_and_can_be_overridden_per_side() {
    let spec = full();
    let (parse, total) = (&spec.functions[0], &spec.functions[1]);
    assert_eq!(
        (parse.go_name.as_str(), parse.rust_name.as_str()),
        ("ParseAmount", "parse_amount")
    );
    assert_eq!(
        (total.go_name.as_str(), total.rust_name.as_str()),
        ("TotalLines", "Total")
    );
    assert_eq!(
        parse.location,
        Location {
            line: 18,
            column: 1
        }
    );
    assert_eq!(
        parse.args[0].location,
        Location {
            line: 22,
            column: 3
        }
    );
}

#[test]
fn string_hints_examples_and_the_error_flag_are_read() {
    let spec = full();
    let f = &spec.functions[0];
    assert_eq!(f.results, [Type::I64]);
    assert!(f.error);
    let h = &f.args[0].hints;
    assert_eq!(h.len, Some((0, 24)));
    assert!(h.invalid_utf8);
    assert_eq!(
        h.examples,
        [Value::str("1.50"), Value::str("-0.5"), Value::str("")]
    );
    let ErrorRule::Regex { regex, replace } = &f.compare.errors else {
        panic!("{:?}", f.compare.errors)
    };
    assert_eq!(regex.as_str(), "^parse: .*");
    assert_eq!(replace, "parse error");
}

#[test]
fn examples_of_every_type_become_values() {
    let spec = full();
    let args = &spec.functions[1].args;
    assert_eq!(
        args[0].hints.examples,
        [
            Value::List(vec![Value::Struct(vec![
                money(1, "EUR"),
                Value::List(vec![])
            ])]),
            Value::Nil
        ]
    );
    let rate = &args[1].hints.examples;
    assert!(matches!(rate[0], Value::F64(x) if x.is_nan()));
    assert_eq!(
        rate[1..],
        [
            Value::F64(f64::INFINITY),
            Value::F64(-0.0),
            Value::F64(f64::from_bits(0x7ff8_0000_0000_0001)),
            Value::F64(1.0)
        ]
    );
    assert_eq!(args[1].hints.float_range, Some((0.0, 2.5)));
    let fx = &args[2].hints;
    assert_eq!(fx.keys.as_ref().unwrap().regex.as_deref(), Some("[A-Z]{3}"));
    assert_eq!(fx.values.as_ref().unwrap().float_range, Some((0.5, 2.0)));
    assert_eq!(
        fx.examples,
        [
            Value::Map(vec![
                (Value::str("EUR"), Value::F32(1.0)),
                (Value::str("USD"), Value::F32(1.5))
            ]),
            Value::Map(vec![(Value::str("USD"), Value::F32(1.5))]),
            Value::Nil
        ]
    );
    let note = &args[3].hints;
    assert_eq!(note.items.as_ref().unwrap().len, Some((0, 4)));
    assert_eq!(note.examples, [Value::Nil, Value::str("x")]);
    let raw = &args[4].hints;
    assert_eq!(raw.items.as_ref().unwrap().int_range, Some((0, 127)));
    assert_eq!(
        raw.examples,
        [
            Value::Bytes(b"hi".to_vec()),
            Value::Bytes(vec![0, 255]),
            Value::Nil
        ]
    );
    assert_eq!(
        args[5].hints.examples,
        [Value::Uint(u64::MAX), Value::Uint(3)]
    );
    assert_eq!(args[6].hints.examples, [Value::Bool(true)]);
    assert_eq!(
        args[7].hints.examples,
        [Value::Map(vec![(Value::Uint(7), money(1, "USD"))])]
    );
}

#[test]
fn compare_rules_and_path_overrides_are_read_in_file_order() {
    let spec = full();
    let c = &spec.functions[1].compare;
    assert!(matches!(c.errors, ErrorRule::Exact));
    assert_eq!(
        c.default,
        ValueRule {
            float: FloatRule::Ulps(4),
            unordered: true,
            ignore: false,
            nil_equals_empty: false,
            nan_payload: true,
        }
    );
    assert_eq!(
        c.paths,
        [
            PathRule {
                path: "/1".into(),
                float: Some(FloatRule::Tolerance {
                    abs: 1e-9,
                    rel: 1e-12
                }),
                unordered: None,
                ignore: None,
                nil_equals_empty: None,
                nan_payload: None,
            },
            PathRule {
                path: "/0/Currency".into(),
                float: None,
                unordered: None,
                ignore: Some(true),
                nil_equals_empty: None,
                nan_payload: None,
            },
            PathRule {
                path: "/*/Tags".into(),
                float: Some(FloatRule::Exact),
                unordered: Some(false),
                ignore: None,
                nil_equals_empty: Some(true),
                nan_payload: Some(false),
            },
        ]
    );
    let defaults = &spec.functions[0].compare;
    assert_eq!(defaults.default, ValueRule::default());
    assert!(defaults.paths.is_empty());
}

#[test]
fn a_relative_go_command_is_resolved_against_the_spec_directory_but_a_bare_name_is_not() {
    let text = "[go]\ncommand = [\"./bin/harness\", \"--flag\"]\n[[function]]\nname = \"F\"\n";
    let spec = load_str(Path::new("specs/x.toml"), text).unwrap();
    let GoSource::Command { argv } = &spec.go else {
        panic!("{:?}", spec.go)
    };
    assert!(Path::new(&argv[0]).is_absolute(), "{argv:?}");
    assert!(argv[0].ends_with("specs/bin/harness"), "{argv:?}");
    assert_eq!(argv[1], "--flag");

    let text = "[go]\ncommand = [\"my-harness\"]\n[[function]]\nname = \"F\"\n";
    let spec = load_str(Path::new("specs/x.toml"), text).unwrap();
    assert_eq!(
        spec.go,
        GoSource::Command {
            argv: vec!["my-harness".into()]
        }
    );
}

#[test]
fn load_reads_the_file_and_reports_a_missing_one_as_a_spec_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.toml");
    std::fs::create_dir(dir.path().join("h")).unwrap();
    std::fs::write(&path, "[go]\npackage = \"h\"\n[[function]]\nname = \"F\"\n").unwrap();
    assert_eq!(load(&path).unwrap().name, "demo");

    let e = load(Path::new("specs/missing.toml")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "error: failed to load spec at specs/missing.toml: the file does not exist\n\
         (hint: check the path; it is relative to the current directory)"
    );
}

#[test]
fn every_validation_error_is_reported_in_file_order() {
    let text = r#"[go]
package = "h"
[[function]]
name = "F"
args = [
  { name = "a", type = "uint128" },
  { name = "b", type = "string", range = [0, 1] },
]
results = ["float"]
"#;
    let e = load_str(Path::new("specs/x.toml"), text).unwrap_err();
    let lines: Vec<(usize, usize)> = e.diagnostics.iter().map(|d| (d.line, d.column)).collect();
    assert_eq!(lines, [(6, 25), (7, 42), (9, 13)]);
}

pub(super) fn handshake(
    harness: &str,
    spec: &Spec,
    sigs: &[(&str, &[&str], &[&str], bool)],
) -> crate::protocol::Handshake {
    let lookup = |n: &str| spec.structs.iter().find(|s| s.name == n).cloned();
    let parse = |ts: &[&str]| -> Vec<Type> {
        ts.iter()
            .map(|t| Type::parse(t, &lookup).unwrap())
            .collect()
    };
    crate::protocol::Handshake {
        protocol: crate::protocol::PROTOCOL_VERSION,
        harness: harness.into(),
        functions: sigs
            .iter()
            .map(
                |(name, params, results, error)| crate::protocol::FunctionSig {
                    name: name.to_string(),
                    params: parse(params),
                    results: parse(results),
                    error: *error,
                    go_params: if harness == "go" {
                        params.iter().map(|p| p.replace("i64", "int")).collect()
                    } else {
                        Vec::new()
                    },
                },
            )
            .collect(),
        objects: Vec::new(),
        problems: Vec::new(),
    }
}

const SMALL: &str = r#"[go]
package = "h"

[[function]]
name = "ParseAmount"
rust = "parse_amount"
args = [{ name = "s", type = "string" }, { name = "n", type = "i64" }]
results = ["i64"]
error = true
"#;

#[test]
fn a_rust_option_stands_for_a_go_error_and_go_param_spellings_are_filled() {
    let mut spec = load_str(Path::new("specs/small.toml"), SMALL).unwrap();
    let go = handshake(
        "go",
        &spec,
        &[("ParseAmount", &["string", "i64"], &["i64"], true)],
    );
    let rust = handshake(
        "rust",
        &spec,
        &[("parse_amount", &["string", "i64"], &["option<i64>"], false)],
    );
    check_signatures(&mut spec, SMALL, &go, &rust).unwrap_or_else(|e| panic!("{e}"));
    let f = &spec.functions[0];
    assert!(f.rust_none_is_error);
    assert_eq!(f.go_params, ["string", "int"]);
}

#[test]
fn a_rust_result_matches_a_go_error_without_the_option_flag() {
    let mut spec = load_str(Path::new("specs/small.toml"), SMALL).unwrap();
    let go = handshake(
        "go",
        &spec,
        &[("ParseAmount", &["string", "i64"], &["i64"], true)],
    );
    let rust = handshake(
        "rust",
        &spec,
        &[("parse_amount", &["string", "i64"], &["i64"], true)],
    );
    check_signatures(&mut spec, SMALL, &go, &rust).unwrap();
    assert!(!spec.functions[0].rust_none_is_error);
}

/// The spec text of a file in a temporary folder, loaded with [`load`] (which checks paths).
fn load_file(name: &str, bytes: &[u8]) -> (tempfile::TempDir, Result<Spec, super::SpecError>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let result = load(&path);
    (dir, result)
}

#[test]
fn a_go_package_folder_that_does_not_exist_is_a_spec_error_at_the_key_with_the_resolved_path() {
    let (dir, result) = load_file(
        "s.toml",
        b"[go]\npackage = \"../nope\"\n\n[[function]]\nname = \"F\"\n",
    );
    let e = result.unwrap_err();
    assert_eq!(e.diagnostics.len(), 1, "{e}");
    let d = &e.diagnostics[0];
    assert_eq!((d.line, d.column), (2, 11), "{e}");
    let resolved = dir.path().parent().unwrap().join("nope");
    assert!(
        d.message.contains(&super::error::display_path(&resolved)),
        "{e}"
    );
    assert!(
        d.hint
            .as_deref()
            .unwrap()
            .contains("relative to the spec file's folder"),
        "{e}"
    );
}

#[test]
fn a_go_command_that_does_not_exist_is_a_spec_error_but_a_program_on_path_is_not() {
    let (_dir, result) = load_file(
        "s.toml",
        b"[go]\ncommand = [\"./bin/nope\"]\n\n[[function]]\nname = \"F\"\n",
    );
    let e = result.unwrap_err();
    assert_eq!(
        (e.diagnostics[0].line, e.diagnostics[0].column),
        (2, 11),
        "{e}"
    );
    assert!(
        e.diagnostics[0]
            .message
            .contains("/bin/nope` does not exist"),
        "{e}"
    );

    let (_dir, result) = load_file(
        "s.toml",
        b"[go]\ncommand = [\"parity-surely-not-on-path\"]\n\n[[function]]\nname = \"F\"\n",
    );
    let e = result.unwrap_err();
    assert!(e.diagnostics[0].message.contains("is not on PATH"), "{e}");

    // `sh` is on PATH on every machine these tests run on.
    let (_dir, result) = load_file(
        "s.toml",
        b"[go]\ncommand = [\"sh\", \"-c\", \"x\"]\n\n[[function]]\nname = \"F\"\n",
    );
    result.unwrap();
}

#[test]
fn invalid_utf8_is_reported_at_the_line_and_column_of_the_first_bad_byte() {
    let (_dir, result) = load_file(
        "s.toml",
        b"[go]\ncommand = [\"sh\"]\n[[function]]\nname = \"Caf\xe9\"\n",
    );
    let e = result.unwrap_err();
    let d = &e.diagnostics[0];
    assert_eq!((d.line, d.column), (4, 12), "{e}");
    assert!(d.message.contains("byte 0xE9"), "{e}");
    assert!(d.hint.is_some(), "{e}");

    let (_dir, result) = load_file("s.toml", b"\x89PNG\r\n\x1a\n\x00\x00");
    let e = result.unwrap_err();
    assert_eq!(
        (e.diagnostics[0].line, e.diagnostics[0].column),
        (1, 1),
        "{e}"
    );
    assert!(
        e.diagnostics[0].hint.as_deref().unwrap().contains("binary"),
        "{e}"
    );
}

#[test]
fn compare_paths_tables_work_without_a_compare_table_before_them() {
    // See: issue 7, point 6 (the documented syntax was rejected with a serde-internal message).
    let text = r#"[go]
package = "h"

[[function]]
name = "F"
results = ["list<f64>", "f64"]

[[function.compare.paths]]
path = "/1"
float = { ulps = 4 }

[[function.compare.paths]]
path = "/0"
unordered = true
"#;
    let spec = load_str(Path::new("specs/x.toml"), text).unwrap_or_else(|e| panic!("{e}"));
    let paths = &spec.functions[0].compare.paths;
    assert_eq!(paths.len(), 2);
    assert_eq!(paths[0].path, "/1");
    assert_eq!(paths[1].unordered, Some(true));
}

#[test]
fn every_unknown_key_and_wrong_type_in_the_file_is_reported_not_only_the_first() {
    let text = r#"[go]
package = "h"
pakage = "x"

[gooo]

[[function]]
name = "F"
eror = true
results = "i64"
args = [{ name = "s", type = "string", exmaples = ["a"], items = { lenn = [0, 1] } }]

[function.compare]
unorderd = true
"#;
    let e = load_str(Path::new("specs/x.toml"), text).unwrap_err();
    let got: Vec<(usize, usize, &str)> = e
        .diagnostics
        .iter()
        .map(|d| (d.line, d.column, d.hint.as_deref().unwrap_or("")))
        .collect();
    let expect_hint = |line: usize, needle: &str| {
        assert!(
            got.iter()
                .any(|(l, c, h)| *l == line && *c > 0 && h.contains(needle)),
            "line {line}: {needle}\n{e}"
        );
    };
    expect_hint(3, "did you mean `package`?");
    expect_hint(5, "did you mean `go`?");
    expect_hint(9, "did you mean `error`?");
    expect_hint(10, "write `results = [\"…\"]`");
    expect_hint(11, "did you mean `examples`?");
    expect_hint(11, "did you mean `len`?");
    expect_hint(14, "did you mean `unordered`?");
    // The eighth is validation of what could be read: `items` on a string.
    assert_eq!(e.diagnostics.len(), 8, "{e}");
    assert!(
        !e.to_string().contains("borrowed") && !e.to_string().contains("expected one of"),
        "{e}"
    );
}

const BYTES_PORT: &str = r#"[go]
package = "h"

[[function]]
name = "ToValidUTF8"
rust = "lossy"
args = [{ name = "s", type = "string" }, { name = "tags", type = "list<string>" }]
results = ["string", "i64"]
"#;

#[test]
fn a_rust_port_may_receive_and_return_a_go_string_as_bytes_and_the_spec_records_it() {
    let mut spec = load_str(Path::new("specs/bytes.toml"), BYTES_PORT).unwrap();
    let go = handshake(
        "go",
        &spec,
        &[(
            "ToValidUTF8",
            &["string", "list<string>"],
            &["string", "i64"],
            false,
        )],
    );
    let rust = handshake(
        "rust",
        &spec,
        &[("lossy", &["bytes", "list<bytes>"], &["bytes", "i64"], false)],
    );
    check_signatures(&mut spec, BYTES_PORT, &go, &rust).unwrap_or_else(|e| panic!("{e}"));
    let f = &spec.functions[0];
    let bytes_list = Type::List(Box::new(Type::Bytes));
    assert_eq!(f.rust_params, [Type::Bytes, bytes_list.clone()]);
    assert_eq!(f.rust_arg_types(), [Type::Bytes, bytes_list]);
    assert_eq!(f.rust_results, [Type::Bytes, Type::I64]);
}

#[test]
fn a_rust_port_taking_the_spec_s_own_types_records_no_rust_types() {
    let mut spec = load_str(Path::new("specs/bytes.toml"), BYTES_PORT).unwrap();
    let sig: &[(&str, &[&str], &[&str], bool)] = &[(
        "ToValidUTF8",
        &["string", "list<string>"],
        &["string", "i64"],
        false,
    )];
    let go = handshake("go", &spec, sig);
    let rust = handshake(
        "rust",
        &spec,
        &[(
            "lossy",
            &["string", "list<string>"],
            &["string", "i64"],
            false,
        )],
    );
    check_signatures(&mut spec, BYTES_PORT, &go, &rust).unwrap_or_else(|e| panic!("{e}"));
    let f = &spec.functions[0];
    assert!(f.rust_params.is_empty() && f.rust_results.is_empty());
    assert_eq!(f.rust_arg_types(), f.arg_types());
}

#[test]
fn bytes_stand_for_a_string_only_on_the_rust_side_and_only_that_way_round() {
    let mut spec = load_str(Path::new("specs/bytes.toml"), BYTES_PORT).unwrap();
    // The Go harness must take what the spec says: Go's own []byte is `bytes`, not `string`.
    let go = handshake(
        "go",
        &spec,
        &[(
            "ToValidUTF8",
            &["bytes", "list<string>"],
            &["string", "i64"],
            false,
        )],
    );
    let rust = handshake(
        "rust",
        &spec,
        &[("lossy", &["bytes", "list<i64>"], &["bytes", "i64"], false)],
    );
    let err = check_signatures(&mut spec, BYTES_PORT, &go, &rust)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(
            "argument `s` of `ToValidUTF8` is `string` in the spec but `bytes` in the Go harness"
        ),
        "{err}"
    );
    assert!(
        err.contains("argument `tags` of `ToValidUTF8` is `list<string>` in the spec but `list<i64>` in the Rust registry"),
        "{err}"
    );
    assert!(!err.contains("argument `s` of `ToValidUTF8` is `string` in the spec but `bytes` in the Rust registry"), "{err}");
}

#[test]
fn generation_features_are_on_by_default_and_each_can_be_switched_off() {
    assert_eq!(full().generation, Generation::ALL);
    let text = format!("{SMALL}\n[generate]\nmutation = false\ndictionary = false\n");
    let spec = load_str(Path::new("specs/small.toml"), &text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        spec.generation,
        Generation {
            mutation: false,
            dictionary: false,
            ..Generation::ALL
        }
    );
    let typo = format!("{SMALL}\n[generate]\nmutations = false\n");
    let e = load_str(Path::new("specs/small.toml"), &typo).unwrap_err();
    assert!(e.to_string().contains("did you mean `mutation`?"), "{e}");
}
