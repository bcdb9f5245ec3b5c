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
        objects: vec![],
        problems: vec![],
    };
    let line = write_handshake(&hs);
    assert_eq!(parse_handshake(line.trim_ascii_end()).unwrap(), hs);
}

#[test]
fn a_version_2_handshake_lists_objects_with_struct_types_consumes_and_go_details() {
    let line = br#"{"protocol":2,"harness":"go","functions":[],"objects":[{"name":"Ledger","params":["i64"],"error":true,"go_params":["int"],"go_type":"*billing.Ledger","go_constructor":"billing.NewLedger","methods":[{"name":"Add","params":["string","Money"],"results":[],"error":true,"go_params":["string","billing.Money"],"go_results":[]},{"name":"Total","params":[],"results":["i64"],"error":false,"go_params":[],"go_results":["int64"]},{"name":"Close","params":[],"results":["list<Money>"],"error":false,"consumes":true}],"skipped":["Lock: parameter 1 has type chan int, which no spec type maps to"]}],"structs":[{"name":"Money","fields":[["Units","i64"]]}],"problems":[]}"#;
    let hs = parse_handshake(line).unwrap();
    assert_eq!(hs.protocol, 2);
    let [ledger] = &hs.objects[..] else {
        panic!("one object expected: {:?}", hs.objects)
    };
    assert_eq!(ledger.name, "Ledger");
    assert_eq!(
        ledger.constructor,
        FunctionSig {
            name: "Ledger".into(),
            params: vec![Type::I64],
            results: vec![],
            error: true,
            go_params: vec!["int".into()],
        }
    );
    assert_eq!(
        (ledger.go_type.as_str(), ledger.go_constructor.as_str()),
        ("*billing.Ledger", "billing.NewLedger")
    );
    assert_eq!(
        ledger.skipped,
        ["Lock: parameter 1 has type chan int, which no spec type maps to"]
    );
    let show: Vec<String> = ledger
        .methods
        .iter()
        .map(|m| {
            let types = |ts: &[Type]| ts.iter().map(|t| t.to_string()).collect::<Vec<_>>();
            format!(
                "{}{:?}->{:?} err={} consumes={}",
                m.sig.name,
                types(&m.sig.params),
                types(&m.sig.results),
                m.sig.error,
                m.consumes
            )
        })
        .collect();
    assert_eq!(
        show,
        [
            r#"Add["string", "Money"]->[] err=true consumes=false"#,
            r#"Total[]->["i64"] err=false consumes=false"#,
            r#"Close[]->["list<Money>"] err=false consumes=true"#,
        ]
    );
    let Type::Struct(money) = &ledger.methods[0].sig.params[1] else {
        panic!("Money is resolved against `structs`")
    };
    assert_eq!(money.fields[0].name, "Units");
}

#[test]
fn an_object_method_of_unknown_type_names_the_object_and_the_method() {
    let line = br#"{"protocol":2,"harness":"go","functions":[],"objects":[{"name":"Ledger","params":[],"error":false,"methods":[{"name":"Add","params":["Nope"],"results":[],"error":false}]}]}"#;
    let e = parse_handshake(line).unwrap_err();
    assert!(
        e.starts_with("object `Ledger` method `Add`: parameter type `Nope`"),
        "{e}"
    );
}

#[test]
fn a_version_1_handshake_without_objects_is_accepted() {
    let line = br#"{"protocol":1,"harness":"go","functions":[{"name":"F","params":["i64"],"results":[],"error":false}],"structs":[],"problems":[]}"#;
    let hs = parse_handshake(line).unwrap();
    assert_eq!((hs.protocol, hs.functions.len()), (1, 1));
    assert!(hs.objects.is_empty());
}

#[test]
fn a_version_3_handshake_is_refused_with_the_versions_parity_speaks() {
    let line = br#"{"protocol":3,"harness":"go","functions":[]}"#;
    assert_eq!(
        parse_handshake(line).unwrap_err(),
        "the harness speaks protocol version 3 but this parity speaks versions 1 and 2"
    );
}

#[test]
fn handshakes_with_objects_round_trip_and_list_the_structs_only_methods_reach() {
    let money = Arc::new(StructType {
        name: "Money".into(),
        fields: vec![crate::value::Field {
            name: "units".into(),
            ty: Type::I64,
        }],
    });
    let sig = |name: &str, params: Vec<Type>, results: Vec<Type>| FunctionSig {
        name: name.into(),
        params,
        results,
        error: false,
        go_params: vec![],
    };
    let hs = Handshake {
        protocol: PROTOCOL_VERSION,
        harness: "rust".into(),
        functions: vec![],
        objects: vec![ObjectSig {
            name: "Ledger".into(),
            constructor: sig("Ledger", vec![Type::I64], vec![]),
            methods: vec![
                MethodSig {
                    sig: sig("Total", vec![], vec![Type::Struct(money)]),
                    consumes: false,
                },
                MethodSig {
                    sig: sig("Close", vec![], vec![]),
                    consumes: true,
                },
            ],
            go_type: String::new(),
            go_constructor: String::new(),
            skipped: vec![],
        }],
        problems: vec![],
    };
    let line = write_handshake(&hs);
    let text = String::from_utf8(line.clone()).unwrap();
    assert!(
        text.contains(r#""objects":[{"name":"Ledger","params":["i64"],"error":false,"methods":[{"name":"Total","params":[],"results":["Money"],"error":false},{"name":"Close","params":[],"results":[],"error":false,"consumes":true}]}],"structs":[{"name":"Money""#),
        "{text}"
    );
    assert_eq!(parse_handshake(line.trim_ascii_end()).unwrap(), hs);
}

#[test]
fn new_call_and_drop_requests_have_the_bytes_of_the_contract() {
    let mut out = Vec::new();
    write_new(&mut out, 5, "Ledger", &[Value::Int(3)], &[Type::I64]);
    write_call(
        &mut out,
        6,
        "Add",
        1,
        &[Value::str("a"), Value::Int(100)],
        &[Type::String, Type::I64],
    );
    write_drop(&mut out, 7, 1);
    write_call(&mut out, 8, "Total", 18446744073709551615, &[], &[]);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        concat!(
            "{\"id\":5,\"new\":\"Ledger\",\"args\":[3]}\n",
            "{\"id\":6,\"call\":\"Add\",\"on\":1,\"args\":[\"a\",100]}\n",
            "{\"id\":7,\"drop\":1}\n",
            "{\"id\":8,\"call\":\"Total\",\"on\":18446744073709551615,\"args\":[]}\n",
        )
    );
}
