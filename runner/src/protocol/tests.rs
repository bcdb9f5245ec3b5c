use super::*;

fn enc(v: &Value, t: &Type) -> String {
    let mut out = Vec::new();
    encode_value(&mut out, v, t);
    String::from_utf8(out).unwrap()
}

fn round_trip(v: Value, t: Type) {
    let text = enc(&v, &t);
    let mut p = Parser::new(text.as_bytes());
    assert_eq!(decode_value(&mut p, &t).unwrap(), v, "{text}");
    assert!(p.at_end());
}

#[test]
fn encodings_match_the_golden_examples_in_the_protocol_document() {
    assert_eq!(
        enc(&Value::Str(b"a\x00\xff".to_vec()), &Type::String),
        r#""a\u0000\udcff""#
    );
    assert_eq!(enc(&Value::F64(1.0), &Type::F64), r#""3ff0000000000000""#);
    assert_eq!(enc(&Value::F64(-0.0), &Type::F64), r#""8000000000000000""#);
    assert_eq!(enc(&Value::F32(1.0), &Type::F32), r#""3f800000""#);
    assert_eq!(
        enc(&Value::Int(i64::MIN), &Type::I64),
        "-9223372036854775808"
    );
    assert_eq!(enc(&Value::Bytes(vec![0, 255]), &Type::Bytes), r#""00ff""#);
    assert_eq!(enc(&Value::Nil, &Type::Bytes), "null");
    assert_eq!(
        enc(&Value::str("\u{fffd}\"\\\u{7f}é"), &Type::String),
        "\"\u{fffd}\\\"\\\\\\u007fé\""
    );
}

#[test]
fn invalid_utf8_survives_byte_exact() {
    for s in [
        &b"\x80"[..],
        b"\xe2\x82",
        b"\xc0\xaf",
        b"\xed\xa0\x80",
        b"ok\xffok",
        "\u{1d11e}".as_bytes(),
    ] {
        round_trip(Value::Str(s.to_vec()), Type::String);
    }
}

#[test]
fn float_bits_and_integer_extremes_survive() {
    for bits in [
        0x7ff8_0000_0000_0001u64,
        0x8000_0000_0000_0000,
        0x7ff0_0000_0000_0000,
        1,
    ] {
        round_trip(Value::F64(f64::from_bits(bits)), Type::F64);
    }
    round_trip(Value::F32(f32::from_bits(0x7fc0_0001)), Type::F32);
    round_trip(Value::Uint(u64::MAX), Type::U64);
    round_trip(Value::Int(i64::MIN), Type::I64);
}

#[test]
fn nil_and_empty_collections_stay_distinct() {
    let t = Type::List(Box::new(Type::I64));
    round_trip(Value::Nil, t.clone());
    round_trip(Value::List(vec![]), t);
    let m = Type::Map(
        Box::new(Type::String),
        Box::new(Type::Option(Box::new(Type::I64))),
    );
    round_trip(
        Value::Map(vec![
            (Value::str("a"), Value::Nil),
            (Value::str("b"), Value::Int(2)),
        ]),
        m.clone(),
    );
    round_trip(Value::Nil, m);
}

#[test]
fn out_of_range_and_non_canonical_integers_are_rejected() {
    assert!(decode_value(&mut Parser::new(b"300"), &Type::I8).is_err());
    assert!(decode_value(&mut Parser::new(b"007"), &Type::I64).is_err());
    assert!(decode_value(&mut Parser::new(b"-0"), &Type::I64).is_err());
    assert!(decode_value(&mut Parser::new(b"18446744073709551616"), &Type::U64).is_err());
}

#[test]
fn unsorted_map_keys_are_rejected() {
    let m = Type::Map(Box::new(Type::I64), Box::new(Type::I64));
    assert!(decode_value(&mut Parser::new(b"[[2,0],[1,0]]"), &m).is_err());
}

#[test]
fn replies_split_into_id_kind_and_payload() {
    let r = split_reply(br#"{"id":17,"ok":[3]}"#).unwrap();
    assert_eq!((r.id, r.kind, r.payload), (17, ReplyKind::Ok, &b"[3]"[..]));
    let o = decode_outcome(ReplyKind::Ok, r.payload, &[Type::I64]).unwrap();
    assert_eq!(o, Outcome::Ok(vec![Value::Int(3)]));
    assert!(split_reply(b"garbage").is_err());
}

#[test]
fn handshakes_round_trip_with_structs() {
    let money = Arc::new(StructType {
        name: "Money".into(),
        fields: vec![crate::value::Field {
            name: "Units".into(),
            ty: Type::I64,
        }],
    });
    let hs = Handshake {
        protocol: 1,
        harness: "rust".into(),
        functions: vec![FunctionSig {
            name: "f".into(),
            params: vec![Type::List(Box::new(Type::Struct(money)))],
            results: vec![],
            error: true,
            go_params: vec![],
        }],
        problems: vec![],
    };
    let line = write_handshake(&hs);
    assert_eq!(parse_handshake(line.trim_ascii_end()).unwrap(), hs);
}
