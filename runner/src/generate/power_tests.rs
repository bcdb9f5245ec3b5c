//! Tests of the generation features that reach related arguments, structured text and rare
//! shapes: correlation, mutation of seeds, the dictionary, rare shapes and swarm testing.

use super::*;

fn fun(args: Vec<(&str, Type)>) -> FunctionSpec {
    FunctionSpec::new("F", args, vec![], false)
}

fn inputs(f: &FunctionSpec, ctx: &GenContext, n: usize, seed: u64) -> Vec<Vec<Value>> {
    let mut g = Generator::with_context(f, seed, ctx);
    (0..n).map(|_| g.next_input()).collect()
}

fn text(v: &Value) -> String {
    match v {
        Value::Str(s) => String::from_utf8_lossy(s).into_owned(),
        _ => String::new(),
    }
}

#[test]
fn two_string_arguments_are_often_case_mappings_of_each_other_with_length_changes() {
    let f = fun(vec![("a", Type::String), ("b", Type::String)]);
    let all = GenContext::new(Generation::ALL);
    let related = |ins: &[Vec<Value>]| {
        ins.iter()
            .filter(|i| {
                let (a, b) = (text(&i[0]), text(&i[1]));
                a != b && (a.to_uppercase() == b || b.to_uppercase() == a) && a.len() != b.len()
            })
            .count()
    };
    let on = related(&inputs(&f, &all, 20_000, 1));
    let off = related(&inputs(&f, &GenContext::new(Generation::NONE), 20_000, 1));
    assert!(
        on >= 5,
        "length-changing case pairs with correlation on: {on}"
    );
    assert!(off <= on / 5, "and rarely without: {off} against {on}");
}

#[test]
fn a_derived_argument_respects_its_own_hints() {
    let mut f = fun(vec![("a", Type::String), ("b", Type::String)]);
    f.args[1].hints.len = Some((0, 2));
    f.args[1].hints.charset = Some(parse_charset("a-z"));
    for input in inputs(&f, &GenContext::new(Generation::ALL), 5000, 3) {
        assert!(
            admissible(&input[1], &Type::String, &f.args[1].hints),
            "{input:?}"
        );
    }
}

#[test]
fn examples_seed_mutants_that_stay_admissible() {
    let mut f = fun(vec![("s", Type::String)]);
    f.args[0].hints.examples = vec![Value::str("250ms"), Value::str("1h30m")];
    f.args[0].hints.len = Some((0, 40));
    let ins = inputs(&f, &GenContext::new(Generation::ALL), 5000, 2);
    let near: Vec<String> = ins[2..]
        .iter()
        .map(|i| text(&i[0]))
        .filter(|s| (s.contains("ms") || s.contains('h')) && s != "250ms" && s != "1h30m")
        .collect();
    assert!(near.len() > 200, "mutants of the examples: {}", near.len());
    assert!(
        near.iter().any(|s| s.len() > 12 && s.ends_with("ms")),
        "a digit run became a huge number: {near:?}"
    );
    for i in &ins {
        assert!(admissible(&i[0], &Type::String, &f.args[0].hints), "{i:?}");
    }
    let off = inputs(&f, &GenContext::new(Generation::NONE), 5000, 2);
    let off_near = off[2..]
        .iter()
        .filter(|i| text(&i[0]).contains("ms"))
        .count();
    assert!(off_near < near.len() / 10, "without mutation: {off_near}");
}

#[test]
fn corpus_seeds_are_mutated_too() {
    let f = fun(vec![("n", Type::I64)]);
    let mut ctx = GenContext::new(Generation::ALL);
    ctx.seeds = vec![vec![Value::Int(8_675_309)]];
    let near = inputs(&f, &ctx, 4000, 5)
        .iter()
        .filter(|i| matches!(i[0], Value::Int(x) if (8_675_308..=8_675_310).contains(&x) || x == -8_675_309))
        .count();
    assert!(near > 20, "steps and negations of the seed: {near}");
}

#[test]
fn dictionary_tokens_appear_in_strings_and_numbers() {
    let f = fun(vec![("s", Type::String), ("n", Type::I64)]);
    let mut ctx = GenContext::new(Generation::ALL);
    ctx.dictionary
        .add_source("package p\nconst k = \"x-request-id\"\nconst m = 8675309\n");
    let ins = inputs(&f, &ctx, 5000, 4);
    let strings = ins
        .iter()
        .filter(|i| text(&i[0]).contains("x-request-id"))
        .count();
    let numbers = ins.iter().filter(|i| i[1] == Value::Int(8_675_309)).count();
    assert!(
        strings > 20 && numbers > 20,
        "{strings} strings, {numbers} numbers"
    );
    ctx.generation.dictionary = false;
    let ins = inputs(&f, &ctx, 5000, 4);
    assert!(!ins.iter().any(|i| text(&i[0]).contains("x-request-id")));
}

#[test]
fn long_lists_with_equal_keys_and_float_ties_and_decimal_edges_are_drawn_by_default() {
    let f = fun(vec![
        ("xs", Type::List(Box::new(Type::I64))),
        ("x", Type::F64),
        ("n", Type::I64),
    ]);
    let ins = inputs(&f, &GenContext::new(Generation::ALL), 10_000, 6);
    let long_equal = ins
        .iter()
        .filter(|i| match &i[0] {
            Value::List(xs) if xs.len() > 12 => {
                let mut v = xs.clone();
                v.sort();
                v.dedup();
                v.len() <= xs.len() / 2
            }
            _ => false,
        })
        .count();
    let ties = ins
        .iter()
        .filter(|i| matches!(i[1], Value::F64(x) if (x * 8.0).fract() == 0.0 && (x * 4.0).fract() != 0.0))
        .count();
    let decimal = ins
        .iter()
        .filter(|i| matches!(i[2], Value::Int(x) if x.unsigned_abs() > 1000 && (x.unsigned_abs() + 1).to_string().trim_end_matches('0') == "1"))
        .count();
    assert!(long_equal > 300, "long lists with equal keys: {long_equal}");
    assert!(ties > 50, "exact ties at three decimals: {ties}");
    assert!(decimal > 30, "10^k - 1: {decimal}");
}

#[test]
fn swarm_chunks_switch_features_on_and_off_and_every_feature_off_draws_no_swarm() {
    let mut restricted = 0;
    for seed in 0..200 {
        let mut runner = TestRunner::new_with_rng(
            Config::default(),
            TestRng::from_seed(RngAlgorithm::ChaCha, &[seed as u8; 32]),
        );
        if Swarm::draw(runner.rng()) != Swarm::default() {
            restricted += 1;
        }
    }
    assert!(
        (50..150).contains(&restricted),
        "{restricted} of 200 chunks restricted"
    );
    let f = fun(vec![("s", Type::String)]);
    let none = GenContext::new(Generation::NONE);
    let g = Generator::with_context(&f, 1, &none);
    assert_eq!(g.swarm, Swarm::default());
}

#[test]
fn generation_is_deterministic_per_seed_with_every_feature_on() {
    let f = fun(vec![
        ("a", Type::String),
        ("b", Type::String),
        ("xs", Type::List(Box::new(Type::I64))),
    ]);
    let mut ctx = GenContext::new(Generation::ALL);
    ctx.dictionary.add_source("package p\nvar s = \"tok\"\n");
    ctx.seeds = vec![vec![Value::str("x"), Value::str("y"), Value::List(vec![])]];
    assert_eq!(inputs(&f, &ctx, 3000, 9), inputs(&f, &ctx, 3000, 9));
    assert_ne!(inputs(&f, &ctx, 3000, 9), inputs(&f, &ctx, 3000, 10));
}
