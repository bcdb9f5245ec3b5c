use std::sync::Arc;

use super::*;
use crate::spec::PathRule;
use crate::value::{Field, StructType};

#[derive(Debug, PartialEq)]
enum Want {
    Agree,
    Diverge(&'static str, &'static str),
    Rejected(Side),
}

struct Case {
    reason: &'static str,
    rules: CompareRules,
    results: Vec<Type>,
    go: Outcome,
    rust: Outcome,
    want: Want,
}

fn ok(v: Value) -> Outcome {
    Outcome::Ok(vec![v])
}

fn list(items: Vec<Value>) -> Value {
    Value::List(items)
}

fn map(entries: Vec<(Value, Value)>) -> Value {
    Value::Map(Value::sort_map(entries))
}

fn list_of(t: Type) -> Type {
    Type::List(Box::new(t))
}

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

fn with_default(f: impl FnOnce(&mut ValueRule)) -> CompareRules {
    let mut r = CompareRules::default();
    f(&mut r.default);
    r
}

fn path_rule(path: &str) -> PathRule {
    PathRule {
        path: path.into(),
        float: None,
        unordered: None,
        ignore: None,
        nil_equals_empty: None,
        nan_payload: None,
    }
}

fn with_paths(paths: Vec<PathRule>) -> CompareRules {
    CompareRules {
        paths,
        ..CompareRules::default()
    }
}

fn errors(rule: ErrorRule) -> CompareRules {
    CompareRules {
        errors: rule,
        ..CompareRules::default()
    }
}

fn ignore(path: &str, on: bool) -> PathRule {
    PathRule {
        ignore: Some(on),
        ..path_rule(path)
    }
}

fn next_up(x: f64, n: u64) -> f64 {
    f64::from_bits(x.to_bits() + n)
}

fn check(cases: Vec<Case>) {
    let mut failures = Vec::new();
    for c in cases {
        assert!(!c.reason.is_empty(), "every case needs a reason");
        let got = match compare(&c.rules, &c.results, &c.go, &c.rust) {
            Verdict::Agree => Want::Agree,
            Verdict::Rejected { by, .. } => Want::Rejected(by),
            Verdict::Diverge(d) => {
                // Leak the strings so the observed verdict compares with the table's `&'static str`.
                let path: &'static str = Box::leak(d.path.into_boxed_str());
                let rule: &'static str = Box::leak(d.rule.into_boxed_str());
                Want::Diverge(path, rule)
            }
        };
        if got != c.want {
            failures.push(format!("{}: want {:?}, got {:?}", c.reason, c.want, got));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn outcome_classes_errors_and_rejections_follow_their_rules() {
    let i64s = vec![Type::I64];
    let digits = ErrorRule::Regex {
        regex: regex::Regex::new("[0-9]+").unwrap(),
        replace: "N".into(),
    };
    let err = |m: &str| Outcome::Error(m.as_bytes().to_vec());
    let case = |reason, rules, go, rust, want| Case {
        reason,
        rules,
        results: i64s.clone(),
        go,
        rust,
        want,
    };
    check(vec![
        case(
            "an ok and an error differ in class, reported at the empty path",
            CompareRules::default(),
            ok(Value::Int(1)),
            err("boom"),
            Want::Diverge("", "class"),
        ),
        case(
            "a panic and an error differ in class",
            CompareRules::default(),
            Outcome::Panic(b"boom".to_vec()),
            err("boom"),
            Want::Diverge("", "class"),
        ),
        case(
            "a rejection by Rust is not a divergence even when Go returned",
            CompareRules::default(),
            ok(Value::Int(1)),
            Outcome::Rejected("not UTF-8".into()),
            Want::Rejected(Side::Rust),
        ),
        case(
            "when both sides reject, Go is named",
            CompareRules::default(),
            Outcome::Rejected("a".into()),
            Outcome::Rejected("b".into()),
            Want::Rejected(Side::Go),
        ),
        case(
            "errors agree by default whatever their messages",
            CompareRules::default(),
            err("strconv.ParseInt: invalid syntax"),
            err("invalid digit found in string"),
            Want::Agree,
        ),
        case(
            "exact errors differ on any byte",
            errors(ErrorRule::Exact),
            err("bad amount"),
            err("bad amount."),
            Want::Diverge("/error", "error-exact"),
        ),
        case(
            "exact errors agree when identical",
            errors(ErrorRule::Exact),
            err("bad amount"),
            err("bad amount"),
            Want::Agree,
        ),
        case(
            "regex errors agree when the rewrites are equal",
            errors(digits.clone()),
            err("offset 12: bad"),
            err("offset 7: bad"),
            Want::Agree,
        ),
        case(
            "regex errors differ when the rewrites differ",
            errors(digits),
            err("offset 12: bad"),
            err("at 7: bad"),
            Want::Diverge("/error", "error-regex"),
        ),
        case(
            "panics agree whatever their messages, which differ between languages by nature",
            errors(ErrorRule::Exact),
            Outcome::Panic(b"runtime error: index out of range [5] with length 3".to_vec()),
            Outcome::Panic(b"index out of bounds: the len is 3 but the index is 5".to_vec()),
            Want::Agree,
        ),
        case(
            "two crashes agree",
            CompareRules::default(),
            Outcome::Crash("killed by signal 6 (SIGABRT)".into()),
            Outcome::Crash("exit status 2".into()),
            Want::Agree,
        ),
        case(
            "two timeouts agree",
            CompareRules::default(),
            Outcome::Timeout,
            Outcome::Timeout,
            Want::Agree,
        ),
        case(
            "a timeout and a crash differ in class",
            CompareRules::default(),
            Outcome::Timeout,
            Outcome::Crash("exit status 2".into()),
            Want::Diverge("", "class"),
        ),
        case(
            "a different number of results is reported before any value",
            CompareRules::default(),
            Outcome::Ok(vec![Value::Int(1), Value::Int(2)]),
            Outcome::Ok(vec![Value::Int(9)]),
            Want::Diverge("", "result-count"),
        ),
    ]);
}

#[test]
fn float_rules_decide_at_the_float_path() {
    let f = Value::F64;
    let case = |reason, rules, go: f64, rust: f64, want| Case {
        reason,
        rules,
        results: vec![Type::F64],
        go: ok(f(go)),
        rust: ok(f(rust)),
        want,
    };
    let ulps4 = || with_default(|r| r.float = FloatRule::Ulps(4));
    let tol = |abs, rel| with_default(|r| r.float = FloatRule::Tolerance { abs, rel });
    let payload = f64::from_bits(0x7ff8_0000_0000_0001);
    check(vec![
        case(
            "equal floats agree",
            CompareRules::default(),
            1.5,
            1.5,
            Want::Agree,
        ),
        case(
            "exact floats differ by one ulp",
            CompareRules::default(),
            1.0,
            next_up(1.0, 1),
            Want::Diverge("/0", "exact"),
        ),
        case(
            "exact treats -0 and +0 as different, since 1/x tells them apart",
            CompareRules::default(),
            0.0,
            -0.0,
            Want::Diverge("/0", "exact"),
        ),
        case(
            "any NaN equals any NaN by default",
            CompareRules::default(),
            f64::NAN,
            payload,
            Want::Agree,
        ),
        case(
            "with nan_payload the NaN bits must match",
            with_default(|r| r.nan_payload = true),
            f64::NAN,
            payload,
            Want::Diverge("/0", "nan-payload"),
        ),
        case(
            "a NaN never equals a number",
            CompareRules::default(),
            f64::NAN,
            1.0,
            Want::Diverge("/0", "exact"),
        ),
        case(
            "ulps allows n steps",
            ulps4(),
            1.0,
            next_up(1.0, 4),
            Want::Agree,
        ),
        case(
            "ulps rejects n+1 steps and names n",
            ulps4(),
            1.0,
            next_up(1.0, 5),
            Want::Diverge("/0", "ulps(4)"),
        ),
        case(
            "ulps treats -0 and +0 as equal",
            ulps4(),
            -0.0,
            0.0,
            Want::Agree,
        ),
        case(
            "ulps never matches opposite signs, even adjacent to zero",
            ulps4(),
            -f64::from_bits(1),
            f64::from_bits(1),
            Want::Diverge("/0", "ulps(4)"),
        ),
        case(
            "ulps applies NaN handling first",
            ulps4(),
            f64::NAN,
            -f64::NAN,
            Want::Agree,
        ),
        case(
            "tolerance accepts within abs",
            tol(0.01, 0.0),
            1.0,
            1.005,
            Want::Agree,
        ),
        case(
            "tolerance rejects beyond abs and rel, and spells both",
            tol(0.01, 0.0),
            1.0,
            1.02,
            Want::Diverge("/0", "tolerance(abs=0.01,rel=0)"),
        ),
        case(
            "tolerance accepts within rel of the larger magnitude",
            tol(0.0, 1e-3),
            1000.0,
            1000.9,
            Want::Agree,
        ),
        case(
            "tolerance accepts equal infinities",
            tol(1.0, 1.0),
            f64::INFINITY,
            f64::INFINITY,
            Want::Agree,
        ),
        case(
            "tolerance never accepts an infinity against a finite value",
            tol(1.0, 1.0),
            f64::INFINITY,
            f64::MAX,
            Want::Diverge("/0", "tolerance(abs=1,rel=1)"),
        ),
    ]);
}

#[test]
fn f32_ulps_count_f32_steps() {
    let rules = with_default(|r| r.float = FloatRule::Ulps(1));
    let a = 1.0_f32;
    let b = f32::from_bits(a.to_bits() + 1);
    let c = f32::from_bits(a.to_bits() + 2);
    let t = vec![Type::F32];
    assert_eq!(
        compare(&rules, &t, &ok(Value::F32(a)), &ok(Value::F32(b))),
        Verdict::Agree
    );
    let Verdict::Diverge(d) = compare(&rules, &t, &ok(Value::F32(a)), &ok(Value::F32(c))) else {
        panic!("two f32 steps exceed ulps(1)");
    };
    assert_eq!((d.path.as_str(), d.rule.as_str()), ("/0", "ulps(1)"));
}

#[test]
fn collections_report_nil_length_keys_and_elements_at_their_paths() {
    let ints = list_of(Type::I64);
    let smap = Type::Map(Box::new(Type::String), Box::new(Type::I64));
    let imap = Type::Map(Box::new(Type::I64), Box::new(Type::I64));
    let strict = || with_default(|r| r.nil_equals_empty = false);
    let unordered = || with_default(|r| r.unordered = true);
    let (i, s) = (Value::Int, Value::str);
    let case = |reason, rules, ty: &Type, go, rust, want| Case {
        reason,
        rules,
        results: vec![ty.clone()],
        go: ok(go),
        rust: ok(rust),
        want,
    };
    check(vec![
        case(
            "a nil list equals an empty list by default",
            CompareRules::default(),
            &ints,
            Value::Nil,
            list(vec![]),
            Want::Agree,
        ),
        case(
            "strict nil_equals_empty tells a nil list from an empty one",
            strict(),
            &ints,
            Value::Nil,
            list(vec![]),
            Want::Diverge("/0", "nil-vs-empty"),
        ),
        case(
            "a nil list against a non-empty one is a length difference",
            CompareRules::default(),
            &ints,
            Value::Nil,
            list(vec![i(1)]),
            Want::Diverge("/0", "length"),
        ),
        case(
            "strict nil_equals_empty tells nil bytes from empty bytes",
            strict(),
            &Type::Bytes,
            Value::Bytes(vec![]),
            Value::Nil,
            Want::Diverge("/0", "nil-vs-empty"),
        ),
        case(
            "nil bytes against some bytes differ exactly",
            CompareRules::default(),
            &Type::Bytes,
            Value::Nil,
            Value::Bytes(vec![0]),
            Want::Diverge("/0", "exact"),
        ),
        case(
            "strict nil_equals_empty tells a nil map from an empty one",
            strict(),
            &smap,
            Value::Nil,
            map(vec![]),
            Want::Diverge("/0", "nil-vs-empty"),
        ),
        case(
            "lists of different lengths differ at the list, before any element",
            CompareRules::default(),
            &ints,
            list(vec![i(9), i(2)]),
            list(vec![i(1)]),
            Want::Diverge("/0", "length"),
        ),
        case(
            "the first differing element is reported by index",
            CompareRules::default(),
            &ints,
            list(vec![i(1), i(2), i(3)]),
            list(vec![i(1), i(5), i(6)]),
            Want::Diverge("/0/1", "exact"),
        ),
        case(
            "an unordered list agrees with a permutation of itself",
            unordered(),
            &ints,
            list(vec![i(1), i(2), i(2), i(3)]),
            list(vec![i(2), i(3), i(1), i(2)]),
            Want::Agree,
        ),
        case(
            "an unordered list compares multiplicities",
            unordered(),
            &ints,
            list(vec![i(1), i(2), i(2)]),
            list(vec![i(1), i(1), i(2)]),
            Want::Diverge("/0", "unordered"),
        ),
        case(
            "a key present on one side only is a missing key, at the key's path",
            CompareRules::default(),
            &smap,
            map(vec![(s("a"), i(1)), (s("b"), i(2))]),
            map(vec![(s("a"), i(5)), (s("c"), i(2))]),
            Want::Diverge("/0/[\"b\"]", "missing-key"),
        ),
        case(
            "map values are compared by key when the key sets agree",
            CompareRules::default(),
            &smap,
            map(vec![(s("a"), i(1)), (s("b"), i(2))]),
            map(vec![(s("a"), i(1)), (s("b"), i(3))]),
            Want::Diverge("/0/[\"b\"]", "exact"),
        ),
        case(
            "integer keys are written bare in brackets",
            CompareRules::default(),
            &imap,
            map(vec![(i(-7), i(1))]),
            map(vec![(i(-7), i(2))]),
            Want::Diverge("/0/[-7]", "exact"),
        ),
        case(
            "a key with a slash stays one quoted segment",
            CompareRules::default(),
            &smap,
            map(vec![(s("a/b"), i(1))]),
            map(vec![(s("a/b"), i(2))]),
            Want::Diverge("/0/[\"a/b\"]", "exact"),
        ),
    ]);
}

#[test]
fn unordered_lists_pair_floats_under_their_rule() {
    let floats = [list_of(Type::F64)];
    let rules = with_default(|r| {
        r.unordered = true;
        r.float = FloatRule::Tolerance {
            abs: 0.01,
            rel: 0.0,
        };
    });
    let f = Value::F64;
    let go = ok(list(vec![f(0.0), f(1.0), f(f64::NAN), f(2.0)]));
    let rust = ok(list(vec![f(2.001), f(-f64::NAN), f(0.999), f(-0.0)]));
    assert_eq!(compare(&rules, &floats, &go, &rust), Verdict::Agree);
    let rust = ok(list(vec![f(2.5), f(-f64::NAN), f(0.999), f(-0.0)]));
    let Verdict::Diverge(d) = compare(&rules, &floats, &go, &rust) else {
        panic!("2.0 has no partner within 0.01");
    };
    assert_eq!((d.path.as_str(), d.rule.as_str()), ("/0", "unordered"));
    assert_eq!(
        (d.go.as_deref(), d.rust.as_deref()),
        (Some("2"), Some("2.5"))
    );
}

#[test]
fn path_rules_override_the_default_in_file_order() {
    let items = list_of(money());
    let (i, s) = (Value::Int, Value::str);
    let wallet = |u: i64, c: &str| ok(list(vec![cash(1, "EUR"), cash(u, c)]));
    let case = |reason, rules, go, rust, want| Case {
        reason,
        rules,
        results: vec![items.clone()],
        go,
        rust,
        want,
    };
    let smap = Type::Map(Box::new(Type::String), Box::new(Type::I64));
    check(vec![
        case(
            "a struct field is reported by its Go name below the list index",
            CompareRules::default(),
            wallet(5, "EUR"),
            wallet(6, "EUR"),
            Want::Diverge("/0/1/Units", "exact"),
        ),
        case(
            "fields are visited in declaration order, so Units is reported before Currency",
            CompareRules::default(),
            wallet(5, "EUR"),
            wallet(6, "USD"),
            Want::Diverge("/0/1/Units", "exact"),
        ),
        case(
            "a wildcard pattern ignores the field in every element",
            with_paths(vec![ignore("/0/*/Units", true)]),
            wallet(5, "EUR"),
            wallet(6, "EUR"),
            Want::Agree,
        ),
        case(
            "an ignored field does not hide a difference in its sibling",
            with_paths(vec![ignore("/0/*/Units", true)]),
            wallet(5, "EUR"),
            wallet(6, "USD"),
            Want::Diverge("/0/1/Currency", "exact"),
        ),
        case(
            "a pattern matches everything below it",
            with_paths(vec![ignore("/0/1", true)]),
            wallet(5, "EUR"),
            wallet(6, "USD"),
            Want::Agree,
        ),
        case(
            "an index pattern matches only its index",
            with_paths(vec![ignore("/0/0", true)]),
            wallet(5, "EUR"),
            wallet(6, "USD"),
            Want::Diverge("/0/1/Units", "exact"),
        ),
        case(
            "a later rule overrides an earlier one",
            with_paths(vec![ignore("/0", true), ignore("/0/*/Units", false)]),
            wallet(5, "EUR"),
            wallet(6, "EUR"),
            Want::Diverge("/0/1/Units", "exact"),
        ),
        case(
            "an un-ignored field below an ignored list skips the list's own length",
            with_paths(vec![ignore("/0", true), ignore("/0/*/Units", false)]),
            ok(list(vec![cash(1, "EUR"), cash(5, "EUR")])),
            ok(list(vec![cash(1, "USD")])),
            Want::Agree,
        ),
        case(
            "an un-ignore that comes first is overridden by a later ignore",
            with_paths(vec![ignore("/0/*/Units", false), ignore("/0", true)]),
            wallet(5, "EUR"),
            wallet(6, "EUR"),
            Want::Agree,
        ),
        Case {
            reason: "a bare map key in a pattern matches the bracketed key segment",
            rules: with_paths(vec![ignore("/0/b", true)]),
            results: vec![smap.clone()],
            go: ok(map(vec![(s("a"), i(1)), (s("b"), i(2))])),
            rust: ok(map(vec![(s("a"), i(1)), (s("b"), i(3))])),
            want: Want::Agree,
        },
        Case {
            reason: "an ignored key may be missing on one side",
            rules: with_paths(vec![ignore("/0/[\"b\"]", true)]),
            results: vec![smap],
            go: ok(map(vec![(s("a"), i(1)), (s("b"), i(2))])),
            rust: ok(map(vec![(s("a"), i(1))])),
            want: Want::Agree,
        },
    ]);
}

#[test]
fn a_float_rule_on_a_prefix_applies_to_nested_floats_only_there() {
    let pair = Type::Struct(Arc::new(StructType {
        name: "Pair".into(),
        fields: vec![
            Field {
                name: "A".into(),
                ty: Type::F64,
            },
            Field {
                name: "B".into(),
                ty: Type::F64,
            },
        ],
    }));
    let rules = with_paths(vec![PathRule {
        float: Some(FloatRule::Ulps(2)),
        ..path_rule("/0/A")
    }]);
    let go = ok(Value::Struct(vec![Value::F64(1.0), Value::F64(1.0)]));
    let near = Value::F64(next_up(1.0, 1));
    let rust_a = ok(Value::Struct(vec![near.clone(), Value::F64(1.0)]));
    let rust_b = ok(Value::Struct(vec![Value::F64(1.0), near]));
    let results = [pair];
    assert_eq!(compare(&rules, &results, &go, &rust_a), Verdict::Agree);
    let Verdict::Diverge(d) = compare(&rules, &results, &go, &rust_b) else {
        panic!("B keeps the exact default");
    };
    assert_eq!((d.path.as_str(), d.rule.as_str()), ("/0/B", "exact"));
}

#[test]
fn pointers_add_no_segment_and_nil_differs_from_a_value() {
    let t = vec![Type::Option(Box::new(Type::I64))];
    let d = |go, rust| match compare(&CompareRules::default(), &t, &ok(go), &ok(rust)) {
        Verdict::Diverge(d) => (d.path, d.rule, d.go, d.rust),
        other => panic!("expected a divergence, got {other:?}"),
    };
    let nil_vs = d(Value::Nil, Value::Int(0));
    assert_eq!(
        nil_vs,
        (
            "/0".into(),
            "nil-pointer".into(),
            Some("nil".into()),
            Some("&0".into())
        )
    );
    let values = d(Value::Int(1), Value::Int(2));
    assert_eq!((values.0.as_str(), values.1.as_str()), ("/0", "exact"));
}

#[test]
fn divergences_carry_short_readable_values_and_none_for_an_absent_side() {
    let smap = Type::Map(Box::new(Type::String), Box::new(Type::Bytes));
    let go = ok(map(vec![(Value::str("k"), Value::Bytes(vec![0xff]))]));
    let rust = ok(map(vec![]));
    let Verdict::Diverge(d) = compare(&CompareRules::default(), &[smap], &go, &rust) else {
        panic!("a missing key diverges");
    };
    assert_eq!(d.go.as_deref(), Some("[]byte(\"\\xff\")"));
    assert_eq!(d.rust, None);
    assert_eq!(
        d.to_string(),
        "at /0/[\"k\"] (missing-key): go []byte(\"\\xff\"), rust (absent)"
    );

    let Verdict::Diverge(d) = compare(
        &CompareRules::default(),
        &[Type::I64],
        &ok(Value::Int(3)),
        &Outcome::Panic(b"boom".to_vec()),
    ) else {
        panic!("ok and panic diverge");
    };
    assert_eq!(
        (d.go.as_deref(), d.rust.as_deref()),
        (Some("ok 3"), Some("panic \"boom\""))
    );
    assert_eq!((d.go_class, d.rust_class), (Class::Ok, Class::Panic));
}

#[test]
fn same_way_needs_equal_classes_path_rule_and_shape_but_not_values() {
    let d = Divergence {
        go_class: Class::Ok,
        rust_class: Class::Ok,
        path: "/0/Units".into(),
        rule: "exact".into(),
        go: Some("5".into()),
        rust: Some("6".into()),
        shape: "last-digit".into(),
    };
    let other_values = Divergence {
        go: Some("1".into()),
        rust: Some("2".into()),
        ..d.clone()
    };
    assert!(d.same_way(&other_values));
    assert_eq!(d.signature(), other_values.signature());
    let other_shape = Divergence {
        go: Some("1".into()),
        rust: Some("7".into()),
        shape: "value".into(),
        ..d.clone()
    };
    assert!(!d.same_way(&other_shape));
    assert_ne!(d.signature(), other_shape.signature());
    let other_path = Divergence {
        path: "/0/Currency".into(),
        ..d.clone()
    };
    assert!(!d.same_way(&other_path));
    let other_rule = Divergence {
        rule: "ulps(4)".into(),
        ..d.clone()
    };
    assert!(!d.same_way(&other_rule));
    let other_class = Divergence {
        rust_class: Class::Error,
        ..d.clone()
    };
    assert!(!d.same_way(&other_class));
}

fn accepting(path: &str, go: &str, rust: &str) -> CompareRules {
    CompareRules {
        accept: vec![crate::spec::AcceptRule {
            path: path.into(),
            go: crate::spec::TextPattern::Exact(go.into()),
            rust: crate::spec::TextPattern::Exact(rust.into()),
            reason: "test".into(),
        }],
        ..CompareRules::default()
    }
}

#[test]
fn a_value_difference_carries_the_shape_of_the_difference() {
    let results = [Type::String];
    let Verdict::Diverge(d) = compare(
        &CompareRules::default(),
        &results,
        &ok(Value::str("+Inf")),
        &ok(Value::str("inf")),
    ) else {
        panic!("+Inf and inf differ")
    };
    assert_eq!(d.shape, "spelling(inf)");
    assert_eq!(d.signature(), "ok/ok at /0 (exact): spelling(inf)");
    let Verdict::Diverge(d) = compare(
        &CompareRules::default(),
        &results,
        &ok(Value::str("0.2")),
        &ok(Value::str("0.3")),
    ) else {
        panic!("0.2 and 0.3 differ")
    };
    assert_eq!(d.shape, "last-digit");
}

#[test]
fn a_declared_difference_agrees_and_says_so_while_other_values_still_diverge() {
    let rules = accepting("/0", "+Inf", "inf");
    let results = [Type::String];
    let (v, declared) = compare_declared(
        &rules,
        &results,
        &ok(Value::str("+Inf")),
        &ok(Value::str("inf")),
    );
    assert_eq!((v, declared), (Verdict::Agree, true));
    let (v, declared) = compare_declared(
        &rules,
        &results,
        &ok(Value::str("0.2")),
        &ok(Value::str("0.3")),
    );
    assert!(matches!(v, Verdict::Diverge(_)) && !declared);
    let (v, declared) = compare_declared(
        &rules,
        &results,
        &ok(Value::str("-Inf")),
        &ok(Value::str("-inf")),
    );
    assert!(
        matches!(v, Verdict::Diverge(_)),
        "only the declared pair agrees"
    );
    assert!(!declared);
}

#[test]
fn a_declared_difference_applies_to_floats_by_their_readable_spelling_and_to_error_messages() {
    let rules = accepting("/0", "-0", "0");
    let (v, declared) = compare_declared(
        &rules,
        &[Type::F64],
        &ok(Value::F64(-0.0)),
        &ok(Value::F64(0.0)),
    );
    assert_eq!((v, declared), (Verdict::Agree, true));
    let rules = CompareRules {
        errors: ErrorRule::Exact,
        ..accepting("/error", "bad input", "invalid input")
    };
    let (v, declared) = compare_declared(
        &rules,
        &[Type::I64],
        &Outcome::Error(b"bad input".to_vec()),
        &Outcome::Error(b"invalid input".to_vec()),
    );
    assert_eq!((v, declared), (Verdict::Agree, true));
}
