//! With every `[generate]` feature off, generation is the generation from before those features
//! (commit 10ec21f), draw for draw: the first 2,000 inputs of three signatures for seeds 1 to 3
//! hash to the digests that commit's `Generator` produced. This is the baseline that
//! `benches/finding_power.rs` compares the features against, so it must not drift silently.
//!
//! The digests were printed by this same code compiled against 10ec21f (`Generator::new` there
//! is the whole generator; here it is `Generator::with_context` with `Generation::NONE`).

use parity::generate::{GenContext, Generator};
use parity::spec::{FunctionSpec, Generation};
use parity::value::Type;

/// FNV-1a: a hash fixed forever, unlike `DefaultHasher`.
fn fnv(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn digest(f: &FunctionSpec, seed: u64, ctx: &GenContext) -> String {
    let mut g = Generator::with_context(f, seed, ctx);
    let text: String = (0..2000)
        .map(|_| format!("{:?}\n", g.next_input()))
        .collect();
    format!("{:016x}", fnv(&text))
}

fn signatures() -> Vec<FunctionSpec> {
    vec![
        FunctionSpec::new(
            "S",
            vec![("s", Type::String), ("n", Type::I64)],
            vec![],
            false,
        ),
        FunctionSpec::new("F", vec![("x", Type::F64), ("u", Type::U32)], vec![], false),
        FunctionSpec::new(
            "L",
            vec![("xs", Type::List(Box::new(Type::I64))), ("b", Type::Bytes)],
            vec![],
            false,
        ),
    ]
}

#[test]
fn every_generation_feature_off_reproduces_the_earlier_generation_draw_for_draw() {
    let earlier: [(&str, u64, &str); 9] = [
        ("S", 1, "e408112ff2fb2f5a"),
        ("S", 2, "d847ffc7207ef12c"),
        ("S", 3, "c275f7945b7aca09"),
        ("F", 1, "56f0d8a8c7ff4824"),
        ("F", 2, "a1c645e1dc411fa8"),
        ("F", 3, "9354fbeceb3b7a67"),
        ("L", 1, "0a00f9138ee921ac"),
        ("L", 2, "35320ad016bc5897"),
        ("L", 3, "0ed92856619c89f9"),
    ];
    let ctx = GenContext::new(Generation::NONE);
    let funs = signatures();
    let mut wrong = Vec::new();
    for (name, seed, want) in earlier {
        let f = funs.iter().find(|f| f.name == name).unwrap();
        let got = digest(f, seed, &ctx);
        if got != want {
            wrong.push(format!("{name} seed {seed}: {got}, earlier {want}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_default_generation_differs_from_the_earlier_one() {
    // The check above must be able to fail: with the features on, the draws differ.
    let ctx = GenContext::new(Generation::ALL);
    let s = &signatures()[0];
    assert_ne!(digest(s, 1, &ctx), "e408112ff2fb2f5a");
}
