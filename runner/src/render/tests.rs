use std::sync::Arc;

use super::*;
use crate::value::{Field, StructType};

fn money() -> Type {
    Type::Struct(Arc::new(StructType {
        name: "Money".into(),
        fields: vec![
            Field {
                name: "Units".into(),
                ty: Type::I64,
            },
            Field {
                name: "CurrencyCode".into(),
                ty: Type::String,
            },
        ],
    }))
}

fn cash(units: i64, currency: &str) -> Value {
    Value::Struct(vec![Value::Int(units), Value::str(currency)])
}

/// One argument to render: its spec type, the Go spelling from the handshake (`""` for none),
/// the value, and the expected Go and Rust calls of a one-argument function `F` / `f`.
struct Call {
    reason: &'static str,
    ty: Type,
    go_param: &'static str,
    value: Value,
    go: &'static str,
    rust: &'static str,
}

fn one_arg(ty: &Type, go_param: &str) -> FunctionSpec {
    let mut fun = FunctionSpec::new("F", vec![("x", ty.clone())], vec![], false);
    fun.rust_name = "f".into();
    if !go_param.is_empty() {
        fun.go_params = vec![go_param.to_string()];
    }
    fun
}

#[test]
fn counterexamples_render_as_calls_that_paste_into_either_language() {
    let opt = |t: Type| Type::Option(Box::new(t));
    let list = |t: Type| Type::List(Box::new(t));
    let smap = Type::Map(Box::new(Type::String), Box::new(Type::I64));
    let c = |reason, ty: &Type, go_param, value, go, rust| Call {
        reason,
        ty: ty.clone(),
        go_param,
        value,
        go,
        rust,
    };
    let strings = list(Type::String);
    let cases = vec![
        c(
            "plain text",
            &Type::String,
            "string",
            Value::str("1.5"),
            r#"F("1.5")"#,
            r#"f("1.5".to_string())"#,
        ),
        c(
            "invalid UTF-8 is a \\x escape in Go and cannot be a Rust String",
            &Type::String,
            "string",
            Value::Str(b"a\xff".to_vec()),
            r#"F("a\xff")"#,
            r#"f(/* invalid UTF-8 */ b"a\xff")"#,
        ),
        c(
            "invisible characters are escaped on both sides",
            &Type::String,
            "",
            Value::str("\u{a0}\"\n"),
            r#"F("\u00a0\"\n")"#,
            r#"f("\u{a0}\"\n".to_string())"#,
        ),
        c(
            "combining marks and rare scripts are escaped with their code points on both sides",
            &Type::String,
            "string",
            Value::str("\u{6e2}\u{12421}é€日"),
            r#"F("\u06e2\U00012421é€日")"#,
            r#"f("\u{6e2}\u{12421}é€日".to_string())"#,
        ),
        c(
            "the canonical NaN",
            &Type::F64,
            "float64",
            Value::F64(f64::NAN),
            "F(math.NaN())",
            "f(f64::NAN)",
        ),
        c(
            "a NaN payload is kept by its bits",
            &Type::F64,
            "float64",
            Value::F64(f64::from_bits(0x7ff8_0000_0000_0001)),
            "F(math.Float64frombits(0x7ff8000000000001))",
            "f(f64::from_bits(0x7ff8000000000001))",
        ),
        c(
            "negative zero cannot be a Go constant",
            &Type::F64,
            "float64",
            Value::F64(-0.0),
            "F(math.Copysign(0, -1))",
            "f(-0.0_f64)",
        ),
        c(
            "infinity in a named float type is converted",
            &Type::F64,
            "billing.Rate",
            Value::F64(f64::NEG_INFINITY),
            "F(billing.Rate(math.Inf(-1)))",
            "f(f64::NEG_INFINITY)",
        ),
        c(
            "a finite float is its shortest decimal",
            &Type::F64,
            "float64",
            Value::F64(0.1),
            "F(0.1)",
            "f(0.1)",
        ),
        c(
            "f32 specials are converted to float32",
            &Type::F32,
            "float32",
            Value::F32(f32::INFINITY),
            "F(float32(math.Inf(1)))",
            "f(f32::INFINITY)",
        ),
        c(
            "an f32 NaN payload uses the f32 bits",
            &Type::F32,
            "float32",
            Value::F32(f32::from_bits(0x7fc0_0001)),
            "F(math.Float32frombits(0x7fc00001))",
            "f(f32::from_bits(0x7fc00001))",
        ),
        c(
            "integer bounds by name in Rust, decimal in Go",
            &Type::I64,
            "int",
            Value::Int(i64::MIN),
            "F(-9223372036854775808)",
            "f(i64::MIN)",
        ),
        c(
            "the largest u64",
            &Type::U64,
            "uint64",
            Value::Uint(u64::MAX),
            "F(18446744073709551615)",
            "f(u64::MAX)",
        ),
        c(
            "a nil slice",
            &strings,
            "[]string",
            Value::Nil,
            "F([]string(nil))",
            "f(Vec::new() /* nil */)",
        ),
        c(
            "an empty slice is not nil in Go",
            &strings,
            "[]string",
            Value::List(vec![]),
            "F([]string{})",
            "f(Vec::new())",
        ),
        c(
            "a slice of strings",
            &strings,
            "[]string",
            Value::List(vec![Value::str("a"), Value::str("b")]),
            r#"F([]string{"a", "b"})"#,
            r#"f(vec!["a".to_string(), "b".to_string()])"#,
        ),
        c(
            "a named slice type keeps its name",
            &strings,
            "billing.Tags",
            Value::List(vec![Value::str("a")]),
            r#"F(billing.Tags{"a"})"#,
            r#"f(vec!["a".to_string()])"#,
        ),
        c(
            "bytes with an invalid byte",
            &Type::Bytes,
            "[]uint8",
            Value::Bytes(vec![b'a', 0xff]),
            r#"F([]uint8("a\xff"))"#,
            r#"f(b"a\xff".to_vec())"#,
        ),
        c(
            "nil bytes",
            &Type::Bytes,
            "",
            Value::Nil,
            "F([]byte(nil))",
            "f(Vec::new() /* nil */)",
        ),
        c(
            "a map",
            &smap,
            "map[string]int",
            Value::Map(vec![(Value::str("a"), Value::Int(1))]),
            r#"F(map[string]int{"a": 1})"#,
            r#"f(BTreeMap::from([("a".to_string(), 1)]))"#,
        ),
        c(
            "a nil map",
            &smap,
            "map[string]int",
            Value::Nil,
            "F(map[string]int(nil))",
            "f(BTreeMap::new() /* nil */)",
        ),
        c(
            "a struct takes its qualified Go name and snake_case Rust fields",
            &money(),
            "billing.Money",
            cash(1, "EUR"),
            r#"F(billing.Money{Units: 1, CurrencyCode: "EUR"})"#,
            r#"f(Money { units: 1, currency_code: "EUR".to_string() })"#,
        ),
        c(
            "a pointer to a struct is its address",
            &opt(money()),
            "*billing.Money",
            cash(1, "EUR"),
            r#"F(&billing.Money{Units: 1, CurrencyCode: "EUR"})"#,
            r#"f(Some(Money { units: 1, currency_code: "EUR".to_string() }))"#,
        ),
        c(
            "a pointer to a scalar needs a helper and a typed variable",
            &opt(Type::I64),
            "*int64",
            Value::Int(5),
            "F(func() *int64 { v := int64(5); return &v }())",
            "f(Some(5))",
        ),
        c(
            "a pointer to a typed float special is not converted twice",
            &opt(Type::F32),
            "*float32",
            Value::F32(f32::NAN),
            "F(func() *float32 { v := float32(math.NaN()); return &v }())",
            "f(Some(f32::NAN))",
        ),
        c(
            "a nil pointer",
            &opt(Type::I64),
            "*int64",
            Value::Nil,
            "F(nil)",
            "f(None)",
        ),
        c(
            "a harness in package main drops the main qualifier",
            &list(opt(money())),
            "[]*main.Money",
            Value::List(vec![cash(2, "USD"), Value::Nil]),
            r#"F([]*Money{&Money{Units: 2, CurrencyCode: "USD"}, nil})"#,
            r#"f(vec![Some(Money { units: 2, currency_code: "USD".to_string() }), None])"#,
        ),
        c(
            "without Go spellings types come from the spec",
            &Type::Map(Box::new(Type::U8), Box::new(list(opt(Type::I8)))),
            "",
            Value::Map(vec![(
                Value::Uint(255),
                Value::List(vec![Value::Int(-128), Value::Nil]),
            )]),
            "F(map[uint8][]*int8{255: []*int8{func() *int8 { v := int8(-128); return &v }(), nil}})",
            "f(BTreeMap::from([(u8::MAX, vec![Some(i8::MIN), None])]))",
        ),
    ];
    let mut failures = Vec::new();
    for c in cases {
        assert!(!c.reason.is_empty(), "every case needs a reason");
        let fun = one_arg(&c.ty, c.go_param);
        let args = [c.value];
        let (go, rust) = (go_call(&fun, &args), rust_call(&fun, &args));
        if go != c.go {
            failures.push(format!(
                "{} (go):\n  want {}\n  got  {}",
                c.reason, c.go, go
            ));
        }
        if rust != c.rust {
            failures.push(format!(
                "{} (rust):\n  want {}\n  got  {}",
                c.reason, c.rust, rust
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn calls_use_each_side_s_name_and_separate_arguments() {
    let mut fun = FunctionSpec::new(
        "ParseAmount",
        vec![("s", Type::String), ("n", Type::I64)],
        vec![Type::I64],
        true,
    );
    fun.rust_name = "parse_amount".into();
    let args = [Value::str("1.5"), Value::Int(2)];
    assert_eq!(go_call(&fun, &args), r#"ParseAmount("1.5", 2)"#);
    assert_eq!(
        rust_call(&fun, &args),
        r#"parse_amount("1.5".to_string(), 2)"#
    );
}

#[test]
fn go_field_names_become_rust_snake_case() {
    for (go, rust) in [
        ("Units", "units"),
        ("UserID", "user_id"),
        ("HTTPCode", "http_code"),
        ("ID", "id"),
        ("Line2Total", "line2_total"),
        ("Type", "r#type"),
        ("already_snake", "already_snake"),
    ] {
        assert_eq!(snake_case(go), rust, "{go}");
    }
}
