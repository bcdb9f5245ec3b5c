use super::*;

fn types() -> Vec<Type> {
    vec![
        Type::String,
        Type::Bytes,
        Type::F64,
        Type::F32,
        Type::I64,
        Type::U8,
        Type::I32,
        Type::Bool,
    ]
}

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/fuzz/testdata/gocorpus/testdata/fuzz/FuzzCorpus")
}

fn fixture_fun() -> FunctionSpec {
    let names = ["s", "b", "f64", "f32", "i", "u8", "r", "ok"];
    FunctionSpec::new(
        "FuzzCorpus",
        names.iter().copied().zip(types()).collect(),
        vec![],
        false,
    )
}

// The expected values are the ones `go test` asserts on the same files, in
// tests/fixtures/fuzz/testdata/gocorpus/corpus_test.go: Go and this importer agree on them.
#[test]
fn files_written_in_go_s_format_import_to_the_values_go_reads() {
    let inputs = import(&fixture_dir(), &fixture_fun()).unwrap();
    assert_eq!(inputs.len(), 3);
    // File-name order: infinities, invalid-utf8-and-nan, plain.
    assert_eq!(
        inputs[1],
        vec![
            Value::Str(b"a\xffb\xc3".to_vec()),
            Value::Bytes(vec![0, 0xfe]),
            Value::F64(f64::from_bits(0x7ff8_0000_0000_0001)),
            Value::F32(f32::from_bits(0x7fc0_0001)),
            Value::Int(i64::MIN),
            Value::Uint(u64::from(b'a')),
            Value::Int(i64::from(u32::from('é'))),
            Value::Bool(true),
        ]
    );
    assert_eq!(
        inputs[2],
        vec![
            Value::str("héllo \"quoted\"\n"),
            Value::Bytes(vec![]),
            Value::F64(1.5),
            Value::F32(-0.0),
            Value::Int(42),
            Value::Uint(255),
            Value::Int(-1),
            Value::Bool(false),
        ]
    );
    assert_eq!(inputs[0][2], Value::F64(f64::NEG_INFINITY));
    assert_eq!(inputs[0][3], Value::F32(f32::INFINITY));
    assert_eq!(inputs[0][6], Value::Int(0x10ffff));
}

#[test]
fn invalid_utf8_and_nan_payloads_survive_the_round_trip() {
    let values = vec![
        Value::Str(b"\xff\xc3(\xe2\x82 \"\\ \t\n\x01 \xc2\xa0 \xf0\x9f\x98\x80".to_vec()),
        Value::Bytes(b"\x00\x80\xff".to_vec()),
        Value::F64(f64::from_bits(0xfff8_0000_0000_0001)),
        Value::F32(f32::from_bits(0x7f80_0001)),
        Value::Int(i64::MIN),
        Value::Uint(0),
        Value::Int(-5),
        Value::Bool(false),
    ];
    let text = write_file(&values, &types());
    assert!(
        text.contains("math.Float64frombits(0xfff8000000000001)"),
        "{text}"
    );
    assert_eq!(parse_file(&text, &types()).unwrap(), values);
    for x in [-0.0, 1e-320, 0.1, f64::MAX, 123_456_789.123_456_79] {
        let mut v = values.clone();
        v[2] = Value::F64(x);
        v[3] = Value::F32(x as f32);
        assert_eq!(parse_file(&write_file(&v, &types()), &types()).unwrap(), v);
    }
}

#[test]
fn go_literal_spellings_parse_like_go() {
    let p = |e: &str, t: Type| parse_value(e, &t).unwrap();
    assert_eq!(p("int(-0x_7f)", Type::I64), Value::Int(-0x7f));
    assert_eq!(p("uint(0b101)", Type::U64), Value::Uint(5));
    assert_eq!(p("int8(0o17)", Type::I8), Value::Int(15));
    assert_eq!(p("byte('\\n')", Type::U8), Value::Uint(10));
    assert_eq!(p("string(`a\\x`)", Type::String), Value::str("a\\x"));
    assert_eq!(
        p("string(\"\\101\\u00e9\")", Type::String),
        Value::str("Aé")
    );
    assert!(matches!(p("float64(NaN)", Type::F64), Value::F64(x) if x.is_nan()));
    assert_eq!(p("float64(1e+21)", Type::F64), Value::F64(1e21));
}

#[test]
fn a_value_that_does_not_fit_the_spec_names_the_line_and_the_types() {
    let text = "go test fuzz v1\nstring(\"x\")\nint64(5)\n";
    let err = parse_file(text, &[Type::String, Type::U8])
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "failed to import the Go fuzz corpus file :3: found a int64 value where the spec's argument is u8 (Go: uint8 or byte)"
    );
    let err = parse_file("go test fuzz v1\nint8(300)\n", &[Type::I8])
        .unwrap_err()
        .to_string();
    assert!(err.ends_with("300 is out of range for i8"), "{err}");
    let err = parse_file("hello\n", &[Type::I8]).unwrap_err().to_string();
    assert!(
        err.contains("does not start with `go test fuzz v1`"),
        "{err}"
    );
    let err = parse_file("go test fuzz v1\nint8(1)\n", &[Type::I8, Type::I8])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("the file has 1 values but the function takes 2 arguments"),
        "{err}"
    );
}
