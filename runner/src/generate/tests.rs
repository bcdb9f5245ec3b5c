use std::sync::Arc;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use super::*;
use crate::value::{Field, StructType};

fn hints() -> Hints {
    Hints::default()
}

fn fun1(ty: Type, h: Hints) -> FunctionSpec {
    let mut f = FunctionSpec::new("F", vec![("x", ty)], vec![], false);
    f.args[0].hints = h;
    f
}

fn values(ty: &Type, h: &Hints, n: usize, seed: u64) -> Vec<Value> {
    let mut g = Generator::new(&fun1(ty.clone(), h.clone()), seed);
    (0..n).map(|_| g.next_input().remove(0)).collect()
}

/// Variant-level type conformance, written independently of `admissible`.
fn conforms(v: &Value, ty: &Type) -> bool {
    match (ty, v) {
        (Type::Option(_), Value::Nil) => true,
        (Type::Option(inner), v) => conforms(v, inner),
        (Type::Bool, Value::Bool(_)) => true,
        (t, Value::Int(_)) => t.is_signed(),
        (t, Value::Uint(_)) => t.is_unsigned(),
        (Type::F32, Value::F32(_)) | (Type::F64, Value::F64(_)) | (Type::String, Value::Str(_)) => {
            true
        }
        (Type::Bytes, Value::Bytes(_)) => true,
        (t, Value::Nil) => t.is_nilable(),
        (Type::List(t), Value::List(xs)) => xs.iter().all(|x| conforms(x, t)),
        (Type::Map(k, t), Value::Map(es)) => {
            es.iter().all(|(a, b)| conforms(a, k) && conforms(b, t))
        }
        (Type::Struct(st), Value::Struct(fs)) => {
            fs.len() == st.fields.len()
                && fs.iter().zip(&st.fields).all(|(f, d)| conforms(f, &d.ty))
        }
        _ => false,
    }
}

fn money() -> (Type, Hints) {
    let st = Arc::new(StructType {
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
    });
    let h = Hints {
        fields: vec![
            Hints {
                int_range: Some((-1_000_000, 1_000_000)),
                ..hints()
            },
            Hints {
                regex: Some("[A-Z]{3}".into()),
                ..hints()
            },
        ],
        ..hints()
    };
    (Type::Struct(st), h)
}

fn spread() -> Vec<(Type, Hints)> {
    let list = |t: Type| Type::List(Box::new(t));
    let opt = |t: Type| Type::Option(Box::new(t));
    let boxed = |h: Hints| Some(Box::new(h));
    vec![
        (Type::Bool, hints()),
        (Type::I8, hints()),
        (Type::I64, hints()),
        (Type::U8, hints()),
        (Type::U64, hints()),
        (
            Type::I64,
            Hints {
                int_range: Some((10, 20)),
                ..hints()
            },
        ),
        (
            Type::U32,
            Hints {
                int_range: Some((-5, 3)),
                ..hints()
            },
        ),
        (Type::F32, hints()),
        (Type::F64, hints()),
        (
            Type::F64,
            Hints {
                float_range: Some((0.0, 1.0)),
                ..hints()
            },
        ),
        (
            Type::F32,
            Hints {
                float_range: Some((-1e3, f64::INFINITY)),
                ..hints()
            },
        ),
        (Type::String, hints()),
        (
            Type::String,
            Hints {
                len: Some((0, 24)),
                ..hints()
            },
        ),
        (
            Type::String,
            Hints {
                len: Some((3, 3)),
                invalid_utf8: true,
                ..hints()
            },
        ),
        (
            Type::String,
            Hints {
                charset: Some(parse_charset("a-c_")),
                len: Some((1, 40)),
                ..hints()
            },
        ),
        (
            Type::String,
            Hints {
                regex: Some("[A-Z]{3}".into()),
                ..hints()
            },
        ),
        (
            Type::String,
            Hints {
                regex: Some("[a-z]+(-[a-z]+)*".into()),
                len: Some((2, 6)),
                ..hints()
            },
        ),
        (
            Type::String,
            Hints {
                invalid_utf8: true,
                ..hints()
            },
        ),
        (Type::Bytes, hints()),
        (
            Type::Bytes,
            Hints {
                len: Some((1, 4)),
                ..hints()
            },
        ),
        (
            Type::Bytes,
            Hints {
                items: boxed(Hints {
                    int_range: Some((48, 57)),
                    ..hints()
                }),
                ..hints()
            },
        ),
        (
            opt(Type::I64),
            Hints {
                items: boxed(Hints {
                    int_range: Some((0, 9)),
                    ..hints()
                }),
                ..hints()
            },
        ),
        (
            list(Type::I32),
            Hints {
                len: Some((2, 5)),
                items: boxed(Hints {
                    int_range: Some((-3, 3)),
                    ..hints()
                }),
                ..hints()
            },
        ),
        (list(opt(Type::String)), hints()),
        (
            Type::Map(Box::new(Type::String), Box::new(Type::I64)),
            hints(),
        ),
        (
            Type::Map(Box::new(Type::U8), Box::new(Type::F64)),
            Hints {
                len: Some((2, 4)),
                ..hints()
            },
        ),
        (
            Type::Map(Box::new(Type::Bool), Box::new(Type::Bool)),
            hints(),
        ),
        money(),
        (
            list(money().0),
            Hints {
                items: boxed(money().1),
                ..hints()
            },
        ),
    ]
}

#[test]
fn the_same_seed_gives_the_same_sequence_and_different_seeds_differ() {
    let mut f = FunctionSpec::new(
        "F",
        vec![("a", Type::I64), ("b", Type::String)],
        vec![],
        false,
    );
    f.args.push(
        fun1(Type::List(Box::new(Type::F64)), hints())
            .args
            .remove(0),
    );
    let run = |seed| {
        let mut g = Generator::new(&f, seed);
        (0..500).map(|_| g.next_input()).collect::<Vec<_>>()
    };
    assert_eq!(run(7), run(7));
    assert_ne!(run(7), run(8));
}

#[test]
fn every_generated_value_is_admissible_and_of_its_type() {
    for (i, (ty, h)) in spread().into_iter().enumerate() {
        for v in values(&ty, &h, 3000, i as u64) {
            assert!(conforms(&v, &ty), "{ty}: {v:?} is not of the type");
            assert!(
                admissible(&v, &ty, &h),
                "{ty} {h:?}: {v:?} is not admissible"
            );
        }
    }
}

#[test]
fn edge_cases_appear_within_the_first_2000_values() {
    let has = |ty: Type, h: Hints, want: &dyn Fn(&Value) -> bool| {
        values(&ty, &h, 2000, 1).iter().any(want)
    };
    assert!(has(Type::I64, hints(), &|v| *v == Value::Int(i64::MIN)));
    assert!(has(Type::I64, hints(), &|v| *v == Value::Int(i64::MAX - 1)));
    assert!(has(Type::U64, hints(), &|v| *v == Value::Uint(u64::MAX)));
    assert!(has(Type::I32, hints(), &|v| *v == Value::Int(65)));
    assert!(has(Type::F64, hints(), &|v| *v == Value::F64(-0.0)));
    assert!(has(
        Type::F64,
        hints(),
        &|v| matches!(v, Value::F64(x) if x.is_nan())
    ));
    assert!(has(Type::F64, hints(), &|v| *v
        == Value::F64(f64::from_bits(0x7ff8_0000_0000_0001))));
    assert!(has(Type::F64, hints(), &|v| *v == Value::F64(f64::from_bits(1))));
    assert!(has(Type::F32, hints(), &|v| *v == Value::F32(f32::NEG_INFINITY)));
    assert!(has(Type::String, hints(), &|v| *v == Value::str("ß")));
    assert!(has(Type::String, hints(), &|v| *v == Value::str("ΑΣ")));
    assert!(has(Type::String, hints(), &|v| *v == Value::str("\u{3000}")));
    assert!(has(
        Type::String,
        hints(),
        &|v| matches!(v, Value::Str(s) if char_len(s) > 100)
    ));
    assert!(has(
        Type::Bytes,
        hints(),
        &|v| matches!(v, Value::Bytes(b) if std::str::from_utf8(b).is_err())
    ));
    assert!(has(Type::Bytes, hints(), &|v| *v == Value::Nil));
    let list = Type::List(Box::new(Type::I64));
    assert!(has(list.clone(), hints(), &|v| *v == Value::Nil));
    assert!(has(list.clone(), hints(), &|v| *v == Value::List(vec![])));
    assert!(has(
        list,
        hints(),
        &|v| matches!(v, Value::List(xs) if xs.len() > 3 && xs.iter().all(|x| *x == xs[0]))
    ));
    let invalid = Hints {
        invalid_utf8: true,
        ..hints()
    };
    assert!(has(Type::String, invalid, &|v| *v
        == Value::Str(b"\xed\xa0\x80".to_vec())));
}

#[test]
fn strings_are_valid_utf8_unless_invalid_utf8_is_set() {
    let valid = |h: &Hints| {
        values(&Type::String, h, 3000, 3)
            .iter()
            .all(|v| matches!(v, Value::Str(s) if std::str::from_utf8(s).is_ok()))
    };
    assert!(valid(&hints()));
    assert!(!valid(&Hints {
        invalid_utf8: true,
        ..hints()
    }));
}

#[test]
fn edge_cases_outside_a_declared_range_are_not_generated_but_its_bounds_are() {
    let h = Hints {
        int_range: Some((10, 20)),
        ..hints()
    };
    let vs = values(&Type::I64, &h, 2000, 5);
    assert!(
        vs.iter().all(|v| matches!(v, Value::Int(10..=20))),
        "{vs:?}"
    );
    assert!(vs.contains(&Value::Int(10)) && vs.contains(&Value::Int(20)));
    let h = Hints {
        float_range: Some((0.0, 1.0)),
        ..hints()
    };
    let vs = values(&Type::F64, &h, 2000, 5);
    assert!(vs
        .iter()
        .all(|v| matches!(v, Value::F64(x) if (0.0..=1.0).contains(x))));
    assert!(vs.contains(&Value::F64(-0.0)), "-0.0 is within [0, 1]");
}

#[test]
fn examples_come_first_then_random_values() {
    let mut f = FunctionSpec::new(
        "F",
        vec![("a", Type::I64), ("b", Type::String), ("c", Type::Bool)],
        vec![],
        false,
    );
    f.args[0].hints.examples = vec![Value::Int(1), Value::Int(2), Value::Int(3)];
    f.args[1].hints.examples = vec![Value::str("x")];
    let mut g = Generator::new(&f, 0);
    let firsts: Vec<Vec<Value>> = (0..3).map(|_| g.next_input()).collect();
    for (i, input) in firsts.iter().enumerate() {
        assert_eq!(input[0], Value::Int(i as i64 + 1));
        assert_eq!(input[1], Value::str("x"));
        assert!(matches!(input[2], Value::Bool(_)));
    }
    let rest: Vec<Vec<Value>> = (0..50).map(|_| g.next_input()).collect();
    assert!(rest.iter().any(|input| input[1] != Value::str("x")));
}

#[test]
fn regex_hints_hold_with_and_without_anchors_and_with_len() {
    let cases = [
        ("[A-Z]{3}", None),
        ("^[0-9]{2}-[0-9]{2}$", None),
        ("[a-z]+(-[a-z]+)*", Some((2, 6))),
        ("(0|[1-9][0-9]*)(\\.[0-9]{1,2})?", None),
    ];
    for (re, len) in cases {
        let h = Hints {
            regex: Some(re.into()),
            len,
            ..hints()
        };
        let full = regex::Regex::new(&format!("^(?:{re})$")).unwrap();
        for v in values(&Type::String, &h, 1000, 9) {
            let Value::Str(s) = &v else { panic!("{v:?}") };
            let s = std::str::from_utf8(s).unwrap();
            assert!(full.is_match(s), "{s:?} does not match {re}");
            if let Some((lo, hi)) = len {
                assert!(
                    (lo..=hi).contains(&s.chars().count()),
                    "{s:?} breaks len {len:?}"
                );
            }
        }
    }
}

#[test]
fn admissible_rejects_values_outside_their_type_or_hints() {
    let r = Hints {
        int_range: Some((0, 9)),
        ..hints()
    };
    assert!(!admissible(&Value::Int(10), &Type::I64, &r));
    assert!(!admissible(&Value::Uint(1), &Type::I64, &hints()));
    assert!(!admissible(&Value::Int(300), &Type::I8, &hints()));
    assert!(!admissible(
        &Value::F64(f64::NAN),
        &Type::F64,
        &Hints {
            float_range: Some((0.0, 1.0)),
            ..hints()
        }
    ));
    assert!(!admissible(
        &Value::Str(b"\xff".to_vec()),
        &Type::String,
        &hints()
    ));
    assert!(admissible(
        &Value::Str(b"\xff".to_vec()),
        &Type::String,
        &Hints {
            invalid_utf8: true,
            ..hints()
        }
    ));
    assert!(!admissible(
        &Value::str("abcd"),
        &Type::String,
        &Hints {
            len: Some((0, 3)),
            ..hints()
        }
    ));
    assert!(admissible(
        &Value::str("ßßß"),
        &Type::String,
        &Hints {
            len: Some((0, 3)),
            ..hints()
        }
    ));
    assert!(!admissible(
        &Value::str("abd"),
        &Type::String,
        &Hints {
            charset: Some(parse_charset("a-c")),
            ..hints()
        }
    ));
    assert!(!admissible(
        &Value::str("AB"),
        &Type::String,
        &Hints {
            regex: Some("[A-Z]{3}".into()),
            ..hints()
        }
    ));
    let map = Type::Map(Box::new(Type::I64), Box::new(Type::Bool));
    let unsorted = Value::Map(vec![
        (Value::Int(2), Value::Bool(true)),
        (Value::Int(1), Value::Bool(true)),
    ]);
    assert!(!admissible(&unsorted, &map, &hints()));
    assert!(!admissible(
        &Value::Nil,
        &Type::List(Box::new(Type::I64)),
        &Hints {
            len: Some((1, 2)),
            ..hints()
        }
    ));
    assert!(!admissible(&Value::Nil, &Type::I64, &hints()));
}

#[test]
fn charsets_expand_ranges_and_keep_literal_dashes() {
    assert_eq!(parse_charset("a-c_"), vec!['a', 'b', 'c', '_']);
    assert_eq!(parse_charset("-0-2a"), vec!['-', '0', '1', '2', 'a']);
    assert_eq!(parse_charset("ab-"), vec!['a', 'b', '-']);
}

#[test]
fn value_strategy_draws_admissible_values_through_proptest() {
    let (ty, h) = money();
    let strategy = value_strategy(&ty, &h);
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[3; 32]);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    for _ in 0..200 {
        let v = strategy.new_tree(&mut runner).unwrap().current();
        assert!(admissible(&v, &ty, &h), "{v:?}");
    }
}
