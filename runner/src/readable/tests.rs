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
                name: "Currency".into(),
                ty: Type::String,
            },
        ],
    }))
}

fn cash(units: i64, currency: &str) -> Value {
    Value::Struct(vec![Value::Int(units), Value::str(currency)])
}

/// One spelling to check: the value, its type and the expected `short` form.
struct Spelling {
    reason: &'static str,
    value: Value,
    ty: Type,
    want: &'static str,
}

#[test]
fn values_have_one_canonical_spelling_each() {
    let s = |reason, bytes: &[u8], want| Spelling {
        reason,
        value: Value::Str(bytes.to_vec()),
        ty: Type::String,
        want,
    };
    let f = |reason, x: f64, want| Spelling {
        reason,
        value: Value::F64(x),
        ty: Type::F64,
        want,
    };
    let list = Type::List(Box::new(Type::I64));
    let cases = vec![
        s("plain text is quoted", b"EUR", r#""EUR""#),
        s(
            "common controls use their short escapes",
            b"a\nb\tc\"\\",
            r#""a\nb\tc\"\\""#,
        ),
        s(
            "other controls use \\x",
            b"\x00\x1b\x7f",
            r#""\x00\x1b\x7f""#,
        ),
        s(
            "each invalid UTF-8 byte is \\x, valid text around it verbatim",
            b"a\xffb\xc3",
            r#""a\xffb\xc3""#,
        ),
        s(
            "printable non-ASCII is verbatim",
            "€ é 日本".as_bytes(),
            "\"€ é 日本\"",
        ),
        s(
            "invisible characters are escaped so look-alikes print differently",
            "a\u{a0}b\u{200b}c\u{feff}\u{2028}".as_bytes(),
            r#""a\u00a0b\u200bc\ufeff\u2028""#,
        ),
        s(
            "a lone combining mark is escaped, or it would sit on the quote",
            "\u{6e2}".as_bytes(),
            r#""\u06e2""#,
        ),
        s(
            "a decomposed accent is escaped so it never reads as the precomposed one",
            "e\u{301} é".as_bytes(),
            r#""e\u0301 é""#,
        ),
        s(
            "letters and numbers of a rare script show their code point",
            "\u{12421}".as_bytes(),
            r#""\U00012421""#,
        ),
        s(
            "mathematical letters that look Latin show their code point",
            "\u{1d41a}".as_bytes(),
            r#""\U0001d41a""#,
        ),
        s(
            "modern scripts, symbols and emoji stay readable",
            "ß İ я λ ש ب ह ไ 한 コーヒー ℝ µ 😀 ¥".as_bytes(),
            "\"ß İ я λ ש ب ह ไ 한 コーヒー ℝ µ 😀 ¥\"",
        ),
        s(
            "code points unassigned in Unicode 15 are escaped",
            "\u{378}".as_bytes(),
            r#""\u0378""#,
        ),
        s(
            "astral invisible characters use \\U",
            "\u{e0001}".as_bytes(),
            r#""\U000e0001""#,
        ),
        f("integral floats have no fraction", 100.0, "100"),
        f("fractions are the shortest round trip", 0.1, "0.1"),
        f("negative zero keeps its sign", -0.0, "-0"),
        f("positive zero", 0.0, "0"),
        f("infinities are signed", f64::NEG_INFINITY, "-Inf"),
        f("infinities are signed", f64::INFINITY, "+Inf"),
        f("the canonical NaN is NaN", f64::NAN, "NaN"),
        f(
            "any other NaN shows its bits",
            f64::from_bits(0x7ff8_0000_0000_0001),
            "NaN(0x7ff8000000000001)",
        ),
        f(
            "a negative NaN shows its bits",
            -f64::NAN,
            "NaN(0xfff8000000000000)",
        ),
        f("large magnitudes use an exponent", 1e21, "1e+21"),
        f("below 1e21 is plain", 1.5e20, "150000000000000000000"),
        f("small magnitudes use an exponent", 1.25e-7, "1.25e-7"),
        f("down to 1e-6 is plain", 1e-6, "0.000001"),
        f("the largest float", f64::MAX, "1.7976931348623157e+308"),
        f("the smallest subnormal", f64::from_bits(1), "5e-324"),
        Spelling {
            reason: "an f32 uses its own shortest round trip",
            value: Value::F32(0.1),
            ty: Type::F32,
            want: "0.1",
        },
        Spelling {
            reason: "an f32 NaN payload shows 8 hex digits",
            value: Value::F32(f32::from_bits(0x7fc0_0001)),
            ty: Type::F32,
            want: "NaN(0x7fc00001)",
        },
        Spelling {
            reason: "bytes read as a Go conversion",
            value: Value::Bytes(vec![b'h', 0, 0xff]),
            ty: Type::Bytes,
            want: r#"[]byte("h\x00\xff")"#,
        },
        Spelling {
            reason: "empty bytes are not nil",
            value: Value::Bytes(vec![]),
            ty: Type::Bytes,
            want: r#"[]byte("")"#,
        },
        Spelling {
            reason: "nil bytes are nil",
            value: Value::Nil,
            ty: Type::Bytes,
            want: "nil",
        },
        Spelling {
            reason: "an empty list is not nil",
            value: Value::List(vec![]),
            ty: list.clone(),
            want: "[]",
        },
        Spelling {
            reason: "a nil list is nil",
            value: Value::Nil,
            ty: list.clone(),
            want: "nil",
        },
        Spelling {
            reason: "a pointer shows its target behind &",
            value: cash(150, "EUR"),
            ty: Type::Option(Box::new(money())),
            want: r#"&Money{Units: 150, Currency: "EUR"}"#,
        },
        Spelling {
            reason: "maps list entries in key order",
            value: Value::Map(Value::sort_map(vec![
                (Value::str("b"), Value::Int(2)),
                (Value::str("a"), Value::Int(1)),
            ])),
            ty: Type::Map(Box::new(Type::String), Box::new(Type::I64)),
            want: r#"{"a": 1, "b": 2}"#,
        },
        Spelling {
            reason: "unsigned and signed extremes are exact",
            value: Value::List(vec![Value::Uint(u64::MAX)]),
            ty: Type::List(Box::new(Type::U64)),
            want: "[18446744073709551615]",
        },
    ];
    let mut failures = Vec::new();
    for c in cases {
        assert!(!c.reason.is_empty(), "every case needs a reason");
        let got = short(&c.value, &c.ty);
        if got != c.want {
            failures.push(format!("{}: want {}, got {}", c.reason, c.want, got));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn pretty_puts_each_element_field_and_entry_on_its_own_line() {
    let ty = Type::Map(
        Box::new(Type::String),
        Box::new(Type::List(Box::new(money()))),
    );
    let v = Value::Map(vec![
        (
            Value::str("a"),
            Value::List(vec![cash(1, "EUR"), cash(2, "USD")]),
        ),
        (Value::str("b"), Value::List(vec![])),
        (Value::str("c"), Value::Nil),
    ]);
    let want = r#"{
  "a": [
    Money{
      Units: 1,
      Currency: "EUR",
    },
    Money{
      Units: 2,
      Currency: "USD",
    },
  ],
  "b": [],
  "c": nil,
}"#;
    assert_eq!(pretty(&v, &ty), want);
    assert_eq!(pretty(&Value::Int(-3), &Type::I64), "-3");
}

#[test]
fn short_truncates_long_values_to_eighty_characters() {
    let v = Value::Str(vec![b'x'; 200]);
    let s = short(&v, &Type::String);
    assert_eq!(s.chars().count(), SHORT_MAX);
    assert!(s.starts_with("\"xxx") && s.ends_with("x…"), "{s}");
}

#[test]
fn outcomes_read_as_their_class_and_payload() {
    let ok1 = Outcome::Ok(vec![Value::Int(1234)]);
    assert_eq!(pretty_outcome(&ok1, &[Type::I64]), "ok 1234");
    let ok2 = Outcome::Ok(vec![Value::Int(1234), Value::str("EUR")]);
    assert_eq!(
        pretty_outcome(&ok2, &[Type::I64, Type::String]),
        r#"ok (1234, "EUR")"#
    );
    let nested = Outcome::Ok(vec![cash(1, "EUR"), Value::Bool(true)]);
    assert_eq!(
        pretty_outcome(&nested, &[money(), Type::Bool]),
        "ok (\n  Money{\n    Units: 1,\n    Currency: \"EUR\",\n  },\n  true,\n)"
    );
    assert_eq!(pretty_outcome(&Outcome::Ok(vec![]), &[]), "ok");
    let err = Outcome::Error(b"strconv.ParseInt: parsing \"x\": invalid syntax".to_vec());
    assert_eq!(
        pretty_outcome(&err, &[]),
        r#"error "strconv.ParseInt: parsing \"x\": invalid syntax""#
    );
    let panic = Outcome::Panic(b"index out of range".to_vec());
    assert_eq!(pretty_outcome(&panic, &[]), r#"panic "index out of range""#);
    let crash = Outcome::Crash("killed by signal 6 (SIGABRT)".into());
    assert_eq!(
        pretty_outcome(&crash, &[]),
        "crash: killed by signal 6 (SIGABRT)"
    );
    assert_eq!(pretty_outcome(&Outcome::Timeout, &[]), "timeout");
}

#[test]
fn diff_marks_go_lines_minus_and_rust_lines_plus() {
    let go = "Money{\n  Units: 1,\n  Currency: \"EUR\",\n}";
    let rust = "Money{\n  Units: 2,\n  Currency: \"EUR\",\n}\n";
    let want = "(-go +rust)\n Money{\n-  Units: 1,\n+  Units: 2,\n   Currency: \"EUR\",\n }\n";
    assert_eq!(diff(go, rust, false), want);
    let colored = diff(go, rust, true);
    assert!(
        colored.contains("\x1b[31m-  Units: 1,\x1b[0m\n"),
        "{colored:?}"
    );
    assert!(
        colored.contains("\x1b[32m+  Units: 2,\x1b[0m\n"),
        "{colored:?}"
    );
    assert!(colored.contains("\n Money{\n"), "equal lines stay plain");
}
