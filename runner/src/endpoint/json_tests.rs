use super::*;

fn num(text: &str) -> Number {
    match parse(text.as_bytes()) {
        Ok(Json::Number(n)) => n,
        other => panic!("{text}: not a number: {other:?}"),
    }
}

#[test]
fn numbers_spelt_differently_are_equal_by_value() {
    let all = [
        "1e21",
        "1E+21",
        "1000000000000000000000",
        "1.0e21",
        "10e20",
        "0.1e22",
    ];
    for a in all {
        for b in all {
            assert_eq!(num(a), num(b), "{a} vs {b}");
        }
    }
    assert_eq!(num("0"), num("-0.0e5"));
    assert_eq!(num("1.50"), num("15e-1"));
}

#[test]
fn big_integers_are_compared_exactly() {
    assert_ne!(num("12345678901234567891"), num("12345678901234567890"));
    assert_eq!(
        num("12345678901234567890123"),
        num("1.2345678901234567890123e22")
    );
    assert_ne!(
        num("12345678901234567890123"),
        num("12345678901234567890124")
    );
    assert_ne!(num("-1"), num("1"));
}

#[test]
fn a_number_keeps_its_text_and_fits_f64_only_when_finite() {
    assert_eq!(num("1E+21").text(), "1E+21");
    assert_eq!(num("1E+21").as_f64(), Some(1e21));
    assert_eq!(num("1e400").as_f64(), None);
}

#[test]
fn huge_exponents_saturate_instead_of_overflowing() {
    let n = num("1e99999999999999999999999999");
    assert_eq!(n, num("1e99999999999999999999999999"));
    assert_ne!(n, num("1"));
}

#[test]
fn escapes_are_decoded_so_equal_strings_compare_equal() {
    assert_eq!(parse(br#""\u003c""#), parse(br#""<""#));
    assert_eq!(
        parse(br#""a\n\t\"\\\/\b\f\r""#).unwrap(),
        Json::String(b"a\n\t\"\\/\x08\x0c\r".to_vec())
    );
    assert_eq!(
        parse(br#""\ud83d\ude00""#).unwrap(),
        Json::String("😀".as_bytes().to_vec())
    );
    assert_eq!(
        parse(br#""\ud800x""#).unwrap(),
        Json::String("\u{FFFD}x".as_bytes().to_vec())
    );
}

#[test]
fn duplicate_keys_and_member_order_are_kept() {
    let v = parse(br#"{"b":1,"a":2,"b":3}"#).unwrap();
    let Json::Object(m) = v else {
        panic!("not an object")
    };
    let keys: Vec<&[u8]> = m.iter().map(|(k, _)| k.as_slice()).collect();
    assert_eq!(keys, [b"b".as_slice(), b"a", b"b"]);
}

#[test]
fn surrounding_whitespace_is_allowed_as_go_encoder_writes_a_newline() {
    assert_eq!(
        parse(b" {\"a\":[1, 2]}\n").unwrap().to_string(),
        r#"{"a":[1,2]}"#
    );
}

#[test]
fn bodies_that_are_not_json_are_rejected_with_an_offset() {
    for (body, offset) in [
        (&b""[..], 0),
        (b"hello", 0),
        (b"{\"a\":1,}", 7),
        (b"[1 2]", 3),
        (b"01", 0),
        (b"1.", 2),
        (b"\"tab\there\"", 4),
        (b"\xef\xbb\xbf{}", 0),
        (b"{} {}", 3),
        (b"\"abc", 4),
        (b"nul", 0),
        (b"{1:2}", 1),
    ] {
        let e = parse(body).expect_err(&String::from_utf8_lossy(body));
        assert_eq!(e.offset, offset, "{:?}: {e}", String::from_utf8_lossy(body));
    }
}

#[test]
fn deep_nesting_is_rejected_without_overflowing_the_stack() {
    let deep = "[".repeat(100_000);
    let e = parse(deep.as_bytes()).unwrap_err();
    assert_eq!(e.offset, MAX_DEPTH);
    let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    assert!(parse(ok.as_bytes()).is_ok());
    let objects = "{\"a\":".repeat(100_000);
    assert!(parse(objects.as_bytes()).is_err());
}

#[test]
fn spans_are_in_pre_order_with_subtree_sizes() {
    let body = br#"{"a": [1, "x"], "b": null}"#;
    let (_, spans) = parse_spanned(body).unwrap();
    let texts: Vec<&str> = spans
        .iter()
        .map(|s| std::str::from_utf8(&body[s.start..s.end]).unwrap())
        .collect();
    assert_eq!(
        texts,
        [
            r#"{"a": [1, "x"], "b": null}"#,
            r#"[1, "x"]"#,
            "1",
            r#""x""#,
            "null"
        ]
    );
    let sizes: Vec<usize> = spans.iter().map(|s| s.size).collect();
    assert_eq!(sizes, [5, 3, 1, 1, 1]);
}

#[test]
fn display_writes_compact_json_with_escapes() {
    let v = parse(br#"{"k\"": ["a\nb", 1.50, true, {}]}"#).unwrap();
    assert_eq!(v.to_string(), r#"{"k\"":["a\nb",1.50,true,{}]}"#);
}
