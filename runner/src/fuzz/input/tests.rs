use std::sync::Arc;

use super::*;
use crate::value::{Field, StructType};

fn fun(args: Vec<(&str, Type)>) -> FunctionSpec {
    FunctionSpec::new("F", args, vec![], false)
}

fn ty(s: &str) -> Type {
    Type::parse(s, &|_| None).unwrap()
}

/// A small deterministic byte source for the property tests (no RNG crate needed).
fn noise(seed: u64, n: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

#[test]
fn every_byte_string_decodes_to_an_admissible_input() {
    let mut f = fun(vec![
        ("n", Type::I16),
        ("s", Type::String),
        ("xs", ty("list<u8>")),
        ("m", ty("map<string,f64>")),
    ]);
    f.args[0].hints.int_range = Some((-3, 40));
    f.args[1].hints.len = Some((1, 5));
    f.args[1].hints.charset = Some("abc".chars().collect());
    f.args[2].hints.len = Some((0, 3));
    let d = Decoder::new(&f);
    for seed in 0..2000 {
        let data = noise(seed, (seed % 97) as usize);
        let input = d.decode(&data);
        assert_eq!(input, d.decode(&data), "decoding is deterministic");
        for (a, v) in f.args.iter().zip(&input) {
            assert!(admissible(v, &a.ty, &a.hints), "{v:?} for {}", a.name);
        }
    }
}

#[test]
fn encoded_inputs_decode_to_themselves() {
    let point = Type::Struct(Arc::new(StructType {
        name: "Point".into(),
        fields: vec![
            Field {
                name: "X".into(),
                ty: Type::I64,
            },
            Field {
                name: "Tag".into(),
                ty: ty("option<string>"),
            },
        ],
    }));
    let f = fun(vec![
        ("b", Type::Bool),
        ("i", Type::I8),
        ("u", Type::U64),
        ("g", Type::F64),
        ("h", Type::F32),
        ("s", Type::String),
        ("raw", Type::Bytes),
        ("xs", ty("list<i32>")),
        ("m", ty("map<string,u16>")),
        ("p", point.clone()),
        ("nil", ty("option<i64>")),
    ]);
    let mut f = f;
    f.args[5].hints.invalid_utf8 = true;
    let input = vec![
        Value::Bool(true),
        Value::Int(-128),
        Value::Uint(u64::MAX),
        Value::F64(f64::from_bits(0x7ff8_0000_0000_0001)),
        Value::F32(-0.0),
        Value::Str(b"a\xffb\xc3".to_vec()),
        Value::Nil,
        Value::List(vec![Value::Int(i32::MIN.into()), Value::Int(7)]),
        Value::Map(vec![
            (Value::str(""), Value::Uint(0)),
            (Value::str("é"), Value::Uint(65535)),
        ]),
        Value::Struct(vec![Value::Int(-1), Value::str("t")]),
        Value::Nil,
    ];
    let bytes = encode_input(&f, &input).unwrap();
    assert_eq!(Decoder::new(&f).decode(&bytes), input);
}

#[test]
fn a_magic_integer_appears_verbatim_in_the_raw_encoding() {
    // Comparison tracing finds `code == 0x5EEDF00D` by writing the constant's bytes into the input:
    // that only works if raw integers are their little-endian bytes.
    let f = fun(vec![("code", Type::U32)]);
    let bytes = encode_input(&f, &[Value::Uint(0x5EED_F00D)]).unwrap();
    assert_eq!(&bytes[1..], &0x5EED_F00Du32.to_le_bytes());
}

#[test]
fn raw_integers_outside_the_range_are_folded_into_it() {
    let mut f = fun(vec![("n", Type::I64)]);
    f.args[0].hints.int_range = Some((10, 12));
    let d = Decoder::new(&f);
    let mut data = vec![0xff];
    data.extend_from_slice(&13i64.to_le_bytes());
    assert_eq!(d.decode(&data), vec![Value::Int(10)]);
}

#[test]
fn the_generated_mode_draws_from_check_s_edge_biased_generator() {
    // Mode byte below 0x40 and a 4-byte seed: over many seeds, the edges of the width show up.
    let f = fun(vec![("n", Type::I32)]);
    let d = Decoder::new(&f);
    let seen: Vec<Value> = (0..400u32)
        .map(|s| {
            let mut data = vec![0x00];
            data.extend_from_slice(&s.to_le_bytes());
            d.decode(&data).remove(0)
        })
        .collect();
    assert!(seen.contains(&Value::Int(i32::MIN.into())));
    assert!(seen.contains(&Value::Int(i32::MAX.into())));
}
