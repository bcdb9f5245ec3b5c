use super::*;
use crate::endpoint::noise::NoiseFilter;
use crate::spec::{
    BodyKind, CompareRules, FloatRule, HeaderRules, Location, PathRule, ResponseShape,
};

fn endpoint() -> EndpointSpec {
    let mut compare = CompareRules::default();
    compare.default.nil_equals_empty = false;
    EndpointSpec {
        name: "GetInvoice".into(),
        method: "GET".into(),
        path: "/invoices/{id}".into(),
        segments: Vec::new(),
        inputs: Vec::new(),
        body: BodyKind::None,
        response: ResponseShape::default(),
        compare,
        headers: HeaderRules::default(),
        json_bytes: true,
        location: Location::default(),
    }
}

fn rule(path: &str) -> PathRule {
    PathRule {
        path: path.into(),
        float: None,
        unordered: None,
        ignore: None,
        nil_equals_empty: None,
        nan_payload: None,
    }
}

fn json(body: &str) -> Answer {
    with_headers(
        200,
        &[("content-type", "application/json; charset=utf-8")],
        body,
    )
}

fn with_headers(status: u16, headers: &[(&str, &str)], body: &str) -> Answer {
    Answer::Response(Response {
        status,
        headers: headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.as_bytes().to_vec()))
            .collect(),
        body: body.as_bytes().to_vec(),
    })
}

/// The differences as `path kind go rust` lines.
fn diffs(ep: &EndpointSpec, a: &Answer, b: &Answer) -> Vec<String> {
    differences(ep, a, b)
        .iter()
        .map(|d| format!("{} {} {} {}", d.path, d.kind.as_str(), d.go, d.rust))
        .collect()
}

fn body_diffs(ep: &EndpointSpec, a: &str, b: &str) -> Vec<String> {
    diffs(ep, &json(a), &json(b))
}

#[test]
fn an_escaped_character_against_the_character_itself_is_json_bytes_only() {
    let ep = endpoint();
    let v = verdict(
        &ep,
        &json(r#"{"note":"\u003cb\u003e"}"#),
        &json(r#"{"note":"<b>"}"#),
        &NoiseFilter::default(),
    );
    let Verdict::JsonBytesOnly(d) = v else {
        panic!("not JsonBytesOnly: {v:?}")
    };
    assert_eq!((d.path.as_str(), d.kind), ("/body", DiffKind::JsonBytes));
}

#[test]
fn json_bytes_are_not_reported_when_the_endpoint_switches_them_off() {
    let mut ep = endpoint();
    ep.json_bytes = false;
    assert!(body_diffs(&ep, r#"{"a":"\u003c"}"#, r#"{"a":"<"}"#).is_empty());
}

#[test]
fn a_trailing_newline_key_order_or_number_spelling_is_json_bytes() {
    let ep = endpoint();
    for (a, b) in [
        ("{\"a\":1}\n", "{\"a\":1}"),
        (r#"{"a":1,"b":2}"#, r#"{"b":2,"a":1}"#),
        (r#"[1e21]"#, r#"[1E+21]"#),
        (r#"[1, 2]"#, r#"[1,2]"#),
    ] {
        assert_eq!(
            body_diffs(&ep, a, b),
            [format!("/body json-bytes {a} {b}")],
            "{a:?} vs {b:?}"
        );
    }
}

#[test]
fn one_e21_equals_1e_plus_21_as_a_value() {
    let mut ep = endpoint();
    ep.json_bytes = false;
    assert!(body_diffs(&ep, r#"{"n":1e21}"#, r#"{"n":1E+21}"#).is_empty());
    assert!(body_diffs(&ep, r#"{"n":1e21}"#, r#"{"n":1000000000000000000000}"#).is_empty());
}

#[test]
fn big_integers_are_compared_exactly_not_as_floats() {
    let ep = endpoint();
    assert_eq!(
        body_diffs(
            &ep,
            r#"{"id":12345678901234567891}"#,
            r#"{"id":12345678901234567890}"#
        ),
        ["/body/id value 12345678901234567891 12345678901234567890"]
    );
}

#[test]
fn object_key_order_is_ignored_for_values() {
    let mut ep = endpoint();
    ep.json_bytes = false;
    assert!(body_diffs(
        &ep,
        r#"{"a":1,"b":[true,null]}"#,
        r#"{"b":[true,null],"a":1}"#
    )
    .is_empty());
}

#[test]
fn null_differs_from_empty_by_default_and_agrees_under_nil_equals_empty() {
    let mut ep = endpoint();
    assert_eq!(
        body_diffs(&ep, r#"{"items":null}"#, r#"{"items":[]}"#),
        ["/body/items value null []"]
    );
    assert_eq!(
        body_diffs(&ep, r#"{"m":{}}"#, r#"{"m":null}"#),
        ["/body/m value {} null"]
    );
    let mut r = rule("/body/items");
    r.nil_equals_empty = Some(true);
    ep.compare.paths.push(r);
    ep.json_bytes = false;
    assert!(body_diffs(&ep, r#"{"items":null}"#, r#"{"items":[]}"#).is_empty());
    assert_eq!(body_diffs(&ep, r#"{"m":{}}"#, r#"{"m":null}"#).len(), 1);
}

#[test]
fn unordered_arrays_agree_in_any_order_and_differ_once_at_the_array() {
    let mut ep = endpoint();
    let mut r = rule("/body/tags");
    r.unordered = Some(true);
    ep.compare.paths.push(r);
    ep.json_bytes = false;
    assert!(body_diffs(
        &ep,
        r#"{"tags":["a","b","a"]}"#,
        r#"{"tags":["b","a","a"]}"#
    )
    .is_empty());
    assert_eq!(
        body_diffs(
            &ep,
            r#"{"tags":["a","b","a"]}"#,
            r#"{"tags":["b","b","a"]}"#
        ),
        [r#"/body/tags value ["a","b","a"] ["b","b","a"]"#]
    );
    assert_eq!(
        body_diffs(&ep, r#"{"tags":["a"]}"#, r#"{"tags":["a","a"]}"#),
        [r#"/body/tags value ["a"] ["a","a"]"#]
    );
}

#[test]
fn ordered_arrays_report_differing_and_missing_elements() {
    let ep = endpoint();
    assert_eq!(
        body_diffs(
            &ep,
            r#"{"items":[{"id":1},{"id":2},{"id":3}]}"#,
            r#"{"items":[{"id":1},{"id":5}]}"#
        ),
        [
            "/body/items/1/id value 2 5",
            r#"/body/items/2 missing {"id":3} (absent)"#
        ]
    );
}

#[test]
fn a_float_tolerance_set_by_a_path_rule_forgives_small_differences_there_only() {
    let mut ep = endpoint();
    let mut r = rule("/body/items/*/price");
    r.float = Some(FloatRule::Tolerance {
        abs: 1e-9,
        rel: 0.0,
    });
    ep.compare.paths.push(r);
    let a = r#"{"items":[{"price":0.30000000000000004,"qty":0.1}]}"#;
    let b = r#"{"items":[{"price":0.3,"qty":0.1}]}"#;
    assert!(
        body_diffs(&ep, a, b).is_empty(),
        "tolerance is not a spelling"
    );
    let c = r#"{"items":[{"price":0.3,"qty":0.10000000000000002}]}"#;
    assert_eq!(
        body_diffs(&ep, b, c),
        ["/body/items/0/qty value 0.1 0.10000000000000002"]
    );
}

#[test]
fn an_ignored_path_is_not_compared_and_does_not_make_json_bytes() {
    let mut ep = endpoint();
    let mut r = rule("/body/items/*/created_at");
    r.ignore = Some(true);
    ep.compare.paths.push(r);
    let a = r#"{"items":[{"id":1,"created_at":"2024-01-01"}]}"#;
    let b = r#"{"items":[{"id":1,"created_at":"2025-12-31"}]}"#;
    assert!(body_diffs(&ep, a, b).is_empty());
    let c = r#"{"items":[{"id":1}]}"#;
    assert!(body_diffs(&ep, a, c).is_empty(), "missing but ignored");
    let d = r#"{"items":[{"id":"\u0031","created_at":"x"}]}"#;
    let e = r#"{"items":[{"id":"1","created_at":"y"}]}"#;
    assert_eq!(
        body_diffs(&ep, d, e),
        [format!("/body json-bytes {d} {e}")],
        "a spelling beside an ignored difference is still seen"
    );
}

#[test]
fn keys_with_slash_and_tilde_are_escaped_in_paths() {
    let ep = endpoint();
    assert_eq!(
        body_diffs(&ep, r#"{"a/b~c":1}"#, r#"{"a/b~c":2}"#),
        ["/body/a~1b~0c value 1 2"]
    );
}

#[test]
fn a_key_on_one_side_only_is_missing_on_the_other() {
    let ep = endpoint();
    assert_eq!(
        body_diffs(&ep, r#"{"a":1}"#, r#"{"a":1,"b":"x"}"#),
        [r#"/body/b missing (absent) "x""#]
    );
}

#[test]
fn duplicate_keys_compare_the_last_member_and_report_the_count() {
    let ep = endpoint();
    assert_eq!(
        body_diffs(&ep, r#"{"a":1,"a":2}"#, r#"{"a":2}"#),
        ["/body/a duplicate-key 2 members 1 member"]
    );
    assert_eq!(
        body_diffs(&ep, r#"{"a":1,"a":2}"#, r#"{"a":3,"a":2}"#),
        [r#"/body json-bytes {"a":1,"a":2} {"a":3,"a":2}"#],
        "a shadowed member is still bytes a client may read"
    );
}

#[test]
fn date_is_ignored_and_content_type_is_compared_with_its_charset() {
    let ep = endpoint();
    let a = with_headers(
        200,
        &[("date", "Mon"), ("content-type", "application/json")],
        "{}",
    );
    let b = with_headers(
        200,
        &[
            ("date", "Tue"),
            ("content-type", "application/json; charset=utf-8"),
        ],
        "{}",
    );
    assert_eq!(
        diffs(&ep, &a, &b),
        ["/headers/content-type header application/json application/json; charset=utf-8"]
    );
}

#[test]
fn a_compared_header_absent_on_one_side_differs_and_an_unnamed_one_is_not_compared() {
    let mut ep = endpoint();
    let a = with_headers(201, &[("location", "/x/1"), ("x-trace", "a")], "");
    let b = with_headers(201, &[("x-trace", "b")], "");
    assert_eq!(
        diffs(&ep, &a, &b),
        ["/headers/location header /x/1 (absent)"]
    );
    ep.headers.ignore.push("location".into());
    assert!(diffs(&ep, &a, &b).is_empty());
}

#[test]
fn bodies_that_are_not_both_json_are_compared_as_bytes() {
    let ep = endpoint();
    let a = with_headers(200, &[], "hello");
    let b = with_headers(200, &[], "hello!");
    assert_eq!(diffs(&ep, &a, &b), [r#"/body bytes "hello" "hello!""#]);
    let c = with_headers(200, &[], "{}");
    assert_eq!(diffs(&ep, &c, &a), [r#"/body bytes "{}" "hello""#]);
    assert!(diffs(&ep, &a, &a.clone()).is_empty());
}

#[test]
fn statuses_and_answer_kinds_are_compared_first() {
    let ep = endpoint();
    assert_eq!(
        diffs(
            &ep,
            &with_headers(200, &[], ""),
            &with_headers(500, &[], "")
        ),
        ["/status status 200 500"]
    );
    assert_eq!(
        diffs(&ep, &with_headers(200, &[], ""), &Answer::Timeout),
        ["/answer answer response 200 timeout"]
    );
    assert!(diffs(&ep, &Answer::Crash("a".into()), &Answer::Crash("b".into())).is_empty());
}

#[test]
fn deeply_nested_bodies_are_compared_as_bytes_without_overflowing_the_stack() {
    let ep = endpoint();
    let deep = "[".repeat(200_000);
    let a = with_headers(200, &[], &deep);
    let b = with_headers(200, &[], &format!("{deep}1"));
    let d = differences(&ep, &a, &b);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].kind, DiffKind::Bytes);
}

#[test]
fn signatures_replace_indices_and_keep_kind_and_statuses() {
    let ep = endpoint();
    let a = differences(
        &ep,
        &json(r#"{"items":[{"t":1},{"t":2}]}"#),
        &json(r#"{"items":[{"t":1},{"t":3}]}"#),
    );
    let b = differences(
        &ep,
        &json(r#"{"items":[{"t":4}]}"#),
        &json(r#"{"items":[{"t":5}]}"#),
    );
    assert_eq!(a[0].signature(), "value at /body/items/*/t");
    assert_eq!(a[0].signature(), b[0].signature());
    let s = differences(
        &ep,
        &with_headers(200, &[], ""),
        &with_headers(500, &[], ""),
    );
    assert_eq!(s[0].signature(), "status 200/500 at /status");
    let m = differences(&ep, &json(r#"[1]"#), &json(r#"[1,2]"#));
    assert_eq!(m[0].signature(), "missing(go) at /body/*");
}
