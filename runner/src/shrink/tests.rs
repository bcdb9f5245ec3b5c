use std::sync::Arc;
use std::time::Duration;

use super::*;
use crate::generate::{admissible, Generator};
use crate::spec::Hints;
use crate::value::{Field, StructType, Type};

pub(super) fn budget() -> Budget {
    Budget {
        max_iters: 100_000,
        max_time: Duration::from_secs(60),
    }
}

pub(super) fn fun1(ty: Type, hints: Hints) -> FunctionSpec {
    let mut f = FunctionSpec::new("F", vec![("x", ty)], vec![], false);
    f.args[0].hints = hints;
    f
}

/// Shrinks with a predicate on the inputs, asserting that every candidate is admissible.
pub(super) fn shrink_with(
    fun: &FunctionSpec,
    input: Vec<Value>,
    fails: impl Fn(&[Value]) -> bool,
) -> Shrunk {
    let mut test = |batch: &[Vec<Value>]| {
        batch
            .iter()
            .map(|c| {
                for (v, a) in c.iter().zip(&fun.args) {
                    assert!(
                        admissible(v, &a.ty, &a.hints),
                        "inadmissible candidate {v:?}"
                    );
                }
                fails(c)
            })
            .collect()
    };
    shrink(fun, input, &budget(), &mut test)
}

pub(super) fn int(v: &Value) -> i64 {
    match v {
        Value::Int(x) => *x,
        _ => panic!("{v:?}"),
    }
}

#[test]
fn an_integer_threshold_shrinks_to_exactly_the_threshold() {
    let f = fun1(Type::I64, Hints::default());
    for start in [i64::MAX, 1_000, 123_456_789, 1_001] {
        let s = shrink_with(&f, vec![Value::Int(start)], |c| int(&c[0]) >= 1000);
        assert_eq!(s.input, vec![Value::Int(1000)], "from {start}");
        assert_eq!(s.stopped, Stopped::Minimal);
    }
}

#[test]
fn a_negative_integer_becomes_positive_when_the_sign_does_not_matter() {
    let f = fun1(Type::I64, Hints::default());
    let s = shrink_with(&f, vec![Value::Int(-777)], |c| int(&c[0]).abs() >= 10);
    assert_eq!(s.input, vec![Value::Int(10)]);
    let s = shrink_with(&f, vec![Value::Int(i64::MIN)], |c| int(&c[0]) < -5);
    assert_eq!(s.input, vec![Value::Int(-6)]);
}

#[test]
fn a_string_containing_eszett_shrinks_to_the_eszett_alone() {
    let f = fun1(Type::String, Hints::default());
    let start = Value::str("xxßyyQQ €zz 12 long tail of text");
    let s = shrink_with(
        &f,
        vec![start],
        |c| matches!(&c[0], Value::Str(s) if String::from_utf8_lossy(s).contains('ß')),
    );
    assert_eq!(s.input, vec![Value::str("ß")]);
}

#[test]
fn string_characters_become_simpler_but_stay_in_the_charset() {
    let h = Hints {
        charset: Some(crate::generate::parse_charset("A-Z")),
        ..Hints::default()
    };
    let f = fun1(Type::String, h);
    let s = shrink_with(
        &f,
        vec![Value::str("QXZW")],
        |c| matches!(&c[0], Value::Str(s) if s.len() >= 3),
    );
    assert_eq!(s.input, vec![Value::str("AAA")]);
}

#[test]
fn a_list_failing_from_three_elements_shrinks_to_three_zeros() {
    let f = fun1(Type::List(Box::new(Type::I64)), Hints::default());
    let start: Vec<Value> = [5, -3, 100, 7, 8, i64::MIN, 42].map(Value::Int).to_vec();
    let s = shrink_with(
        &f,
        vec![Value::List(start)],
        |c| matches!(&c[0], Value::List(xs) if xs.len() >= 3),
    );
    assert_eq!(s.input, vec![Value::List(vec![Value::Int(0); 3])]);
}

#[test]
fn a_nan_that_causes_the_divergence_stays_nan() {
    let f = fun1(Type::F64, Hints::default());
    let s = shrink_with(
        &f,
        vec![Value::F64(f64::NAN)],
        |c| matches!(c[0], Value::F64(x) if x.is_nan()),
    );
    assert!(matches!(s.input[0], Value::F64(x) if x.is_nan()));
    assert_eq!(s.stopped, Stopped::Minimal);
}

#[test]
fn floats_shrink_to_short_decimals_and_integers() {
    let f = fun1(Type::F64, Hints::default());
    let x = |c: &[Value]| match c[0] {
        Value::F64(x) => x,
        _ => panic!(),
    };
    let s = shrink_with(&f, vec![Value::F64(-98765.4321)], |c| x(c) < -1234.5);
    assert_eq!(s.input, vec![Value::F64(-1235.0)]);
    let s = shrink_with(&f, vec![Value::F64(3.12345)], |c| x(c) > 3.0 && x(c) < 3.2);
    assert_eq!(s.input, vec![Value::F64(3.1)]);
    let s = shrink_with(&f, vec![Value::F64(-0.0)], |_| true);
    assert_eq!(s.input, vec![Value::F64(0.0)]);
}

#[test]
fn range_hints_bound_the_minimum() {
    let h = Hints {
        int_range: Some((10, 20)),
        ..Hints::default()
    };
    let f = fun1(Type::I64, h);
    let s = shrink_with(&f, vec![Value::Int(17)], |_| true);
    assert_eq!(s.input, vec![Value::Int(10)]);
    let h = Hints {
        len: Some((2, 5)),
        ..Hints::default()
    };
    let f = fun1(Type::String, h);
    let s = shrink_with(&f, vec![Value::str("hello")], |_| true);
    assert_eq!(s.input, vec![Value::str("aa")]);
}

#[test]
fn options_maps_structs_and_bytes_shrink_towards_nil_empty_and_zero() {
    let opt = fun1(Type::Option(Box::new(Type::I64)), Hints::default());
    assert_eq!(
        shrink_with(&opt, vec![Value::Int(9)], |_| true).input,
        vec![Value::Nil]
    );
    let some = shrink_with(&opt, vec![Value::Int(9)], |c| c[0] != Value::Nil);
    assert_eq!(some.input, vec![Value::Int(0)]);

    let map = fun1(
        Type::Map(Box::new(Type::String), Box::new(Type::I64)),
        Hints::default(),
    );
    let start = Value::Map(Value::sort_map(vec![
        (Value::str("zed"), Value::Int(5)),
        (Value::str("key"), Value::Int(-9)),
        (Value::str("q"), Value::Int(1 << 40)),
    ]));
    let s = shrink_with(
        &map,
        vec![start],
        |c| matches!(&c[0], Value::Map(es) if es.len() >= 2),
    );
    assert_eq!(
        s.input,
        vec![Value::Map(vec![
            (Value::str(""), Value::Int(0)),
            (Value::str("a"), Value::Int(0))
        ])]
    );

    let st = Arc::new(StructType {
        name: "P".into(),
        fields: vec![
            Field {
                name: "A".into(),
                ty: Type::I32,
            },
            Field {
                name: "B".into(),
                ty: Type::Bytes,
            },
        ],
    });
    let f = fun1(Type::Struct(st), Hints::default());
    let start = Value::Struct(vec![Value::Int(77), Value::Bytes(b"\xff\x80abc".to_vec())]);
    let s = shrink_with(
        &f,
        vec![start],
        |c| matches!(&c[0], Value::Struct(fs) if matches!(&fs[1], Value::Bytes(b) if b.contains(&0x80))),
    );
    assert_eq!(
        s.input,
        vec![Value::Struct(vec![Value::Int(0), Value::Bytes(vec![0x80])])]
    );
}

#[test]
fn nil_becomes_empty_only_when_the_divergence_allows_it() {
    let f = fun1(Type::List(Box::new(Type::Bool)), Hints::default());
    assert_eq!(
        shrink_with(&f, vec![Value::Nil], |_| true).input,
        vec![Value::List(vec![])]
    );
    let s = shrink_with(&f, vec![Value::Nil], |c| c[0] == Value::Nil);
    assert_eq!((s.input, s.stopped), (vec![Value::Nil], Stopped::Minimal));
}

#[test]
fn several_arguments_shrink_independently() {
    let f = FunctionSpec::new(
        "F",
        vec![("a", Type::I64), ("b", Type::String)],
        vec![],
        false,
    );
    let s = shrink_with(&f, vec![Value::Int(5000), Value::str("hello")], |c| {
        int(&c[0]) > 100
    });
    assert_eq!(s.input, vec![Value::Int(101), Value::str("")]);
}

#[test]
fn an_exhausted_iteration_budget_is_reported_with_the_count() {
    let f = fun1(Type::I64, Hints::default());
    let b = Budget {
        max_iters: 5,
        max_time: Duration::from_secs(60),
    };
    let mut calls = Vec::new();
    let mut test = |batch: &[Vec<Value>]| {
        calls.push(batch.len());
        vec![false; batch.len()]
    };
    let s = shrink(&f, vec![Value::Int(i64::MAX)], &b, &mut test);
    assert_eq!(s.stopped, Stopped::Iterations(5));
    assert_eq!((s.tried, s.accepted), (5, 0));
    assert_eq!(
        calls.iter().sum::<usize>(),
        5,
        "batches {calls:?} stay within the budget"
    );
    assert_eq!(s.input, vec![Value::Int(i64::MAX)]);
    assert_eq!(
        s.stopped.note(&b).as_deref(),
        Some("stopped shrinking after 5 iterations (raise --max-shrink-iters; current: 5)")
    );
}

#[test]
fn an_exhausted_time_budget_is_reported() {
    let f = fun1(Type::I64, Hints::default());
    let b = Budget {
        max_iters: 100,
        max_time: Duration::ZERO,
    };
    let s = shrink(&f, vec![Value::Int(9)], &b, &mut |batch| {
        vec![true; batch.len()]
    });
    assert!(matches!(s.stopped, Stopped::Time(_)), "{:?}", s.stopped);
    assert_eq!(s.tried, 0);
}

#[test]
fn the_first_passing_candidate_of_a_batch_is_taken() {
    let f = fun1(Type::I64, Hints::default());
    let mut batches = Vec::new();
    let mut test = |batch: &[Vec<Value>]| {
        batches.push(batch.to_vec());
        batch.iter().map(|c| int(&c[0]) >= 40).collect()
    };
    let s = shrink(&f, vec![Value::Int(100)], &budget(), &mut test);
    assert_eq!(s.input, vec![Value::Int(40)]);
    // Some batch of the bisection holds two probes that still fail: the first is taken, so no
    // later batch holds anything above it.
    let passing = |b: &Vec<Vec<Value>>| b.iter().filter(|c| int(&c[0]) >= 40).count();
    let at = batches
        .iter()
        .position(|b| passing(b) >= 2)
        .expect("a batch with two passing probes");
    let taken = batches[at].iter().map(|c| int(&c[0])).find(|x| *x >= 40);
    let taken = taken.expect("a passing probe");
    assert!(batches[at + 1..]
        .iter()
        .flatten()
        .all(|c| int(&c[0]) < taken));
}

#[test]
fn shrinking_is_deterministic_and_candidates_stay_admissible_on_generated_inputs() {
    let st = Arc::new(StructType {
        name: "M".into(),
        fields: vec![
            Field {
                name: "U".into(),
                ty: Type::I64,
            },
            Field {
                name: "C".into(),
                ty: Type::String,
            },
        ],
    });
    let item = Hints {
        fields: vec![
            Hints {
                int_range: Some((-100, 100)),
                ..Hints::default()
            },
            Hints {
                regex: Some("[A-Z]{3}".into()),
                ..Hints::default()
            },
        ],
        ..Hints::default()
    };
    let h = Hints {
        len: Some((1, 6)),
        items: Some(Box::new(item)),
        ..Hints::default()
    };
    let f = fun1(Type::List(Box::new(Type::Struct(st))), h);
    let mut g = Generator::new(&f, 11);
    // Fails when some element has units above 10 or a currency other than AAA.
    let fails = |c: &[Value]| match &c[0] {
        Value::List(xs) => xs.iter().any(|x| match x {
            Value::Struct(fs) => int(&fs[0]) > 10 || fs[1] != Value::str("AAA"),
            _ => false,
        }),
        _ => false,
    };
    let mut shrunk = 0;
    for _ in 0..200 {
        let input = g.next_input();
        if !fails(&input) {
            continue;
        }
        let a = shrink_with(&f, input.clone(), fails);
        let b = shrink_with(&f, input, fails);
        assert_eq!(a, b);
        assert_eq!(a.stopped, Stopped::Minimal);
        let Value::List(xs) = &a.input[0] else {
            panic!()
        };
        assert_eq!(xs.len(), 1, "{a:?}");
        shrunk += 1;
    }
    assert!(shrunk > 50);
}

#[test]
fn a_long_byte_string_shrinks_to_the_byte_that_matters() {
    let f = fun1(Type::Bytes, Hints::default());
    let mut b: Vec<u8> = (0..20_000u32).map(|i| (i % 251) as u8).collect();
    b[12_345] = 0xff;
    let s = shrink_with(
        &f,
        vec![Value::Bytes(b)],
        |c| matches!(&c[0], Value::Bytes(b) if b.contains(&0xff)),
    );
    assert_eq!(s.input, vec![Value::Bytes(vec![0xff])]);
}

#[test]
fn a_batch_never_repeats_a_candidate() {
    let f = fun1(Type::String, Hints::default());
    let mut batches = Vec::new();
    let mut test = |batch: &[Vec<Value>]| {
        batches.push(batch.to_vec());
        vec![false; batch.len()]
    };
    let s = shrink(&f, vec![Value::str("bbbbbbbb")], &budget(), &mut test);
    let all: Vec<&Vec<Value>> = batches.iter().flatten().collect();
    let unique: std::collections::HashSet<_> = all.iter().collect();
    assert_eq!(all.len(), unique.len());
    // "", then the removals that leave 4, 6 and 7 "b"s, then "abbbbbbb", "bbbbbbba"…, then in
    // the canonical pass each of the 7 neighbouring pairs merged into one of 48 characters
    // (punctuation, digits, `a`, `A`, space, `é`, `€`, `😀`); the per-character scan only
    // repeats "abbbbbbb"…, which is not tried again, and adds the 7 decrements with borrow
    // "azzzzzzz", "bazzzzzz"…, "bbbbbbaz". Then the anchored family of 8-character strings,
    // less those already tried.
    let before = 1 + 3 + 8 + 7 * 48 + 7;
    let tried: std::collections::HashSet<&Vec<Value>> = all[..before].iter().copied().collect();
    let family = super::anchor::family(&f, &[Value::str("bbbbbbbb")]);
    assert!(family.len() > 100, "{}", family.len());
    let fresh = family.iter().filter(|c| !tried.contains(c)).count();
    assert_eq!(s.tried as usize, before + fresh);
}

#[test]
fn a_divergence_that_needs_a_shorter_string_and_a_smaller_count_together_shrinks_both() {
    // It diverges only when `max` is one byte short of the string's length and the string ends
    // in a multi-byte character: removing a character alone, or lowering `max` alone, stops the
    // divergence, so only a move of both arguments at once makes progress.
    let f = FunctionSpec::new(
        "Truncate",
        vec![("s", Type::String), ("max", Type::I64)],
        vec![],
        false,
    );
    let fails = |c: &[Value]| {
        let (Value::Str(s), Value::Int(max)) = (&c[0], &c[1]) else {
            return false;
        };
        let Ok(s) = std::str::from_utf8(s) else {
            return false;
        };
        s.chars().last().is_some_and(|c| c.len_utf8() > 1) && *max == s.len() as i64 - 1
    };
    let out = shrink_with(&f, vec![Value::str("aa€"), Value::Int(4)], fails);
    assert_eq!(out.input, vec![Value::str("é"), Value::Int(1)]);
    assert_eq!(out.stopped, Stopped::Minimal);
}
