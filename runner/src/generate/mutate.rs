//! Mutation of seed inputs: the spec's examples, the corpus entries and imported Go fuzz corpora
//! are starting points, not only replays. Inputs such as durations, addresses or numbers with
//! units diverge on small edits of valid inputs, which random generation almost never produces.
//!
//! A mutant changes one argument of a seed by one to three edits: character and byte inserts,
//! deletes and replacements biased to the edge characters of `edges`; token-aware edits (a run of
//! digits becomes another number, including 0, huge and negative ones; hex digits change case; a
//! segment between separators repeats or disappears; two seeds splice; a dictionary token goes
//! in); numbers step, negate, scale or jump to an edge; lists lose, repeat or swap elements. The
//! caller keeps a mutant only if it is admissible under the hints.

use proptest::test_runner::TestRng;

use super::compile::{below, pick};
use super::dictionary::Dictionary;
use super::relate::{boundaries, edge_char, int_value, one_edit};
use crate::value::{Type, Value};

/// Numbers a run of digits is replaced by: zero, the edges of common widths and beyond them,
/// decimal boundaries.
const NUMBERS: &[&str] = &[
    "0",
    "1",
    "00",
    "9",
    "10",
    "99",
    "100",
    "255",
    "256",
    "999",
    "1000",
    "32767",
    "32768",
    "65535",
    "65536",
    "2147483647",
    "2147483648",
    "4294967295",
    "4294967296",
    "9999999999",
    "9007199254740993",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551615",
    "18446744073709551616",
    "99999999999999999999",
    "340282366920938463463374607431768211456",
];

/// What mutation draws on besides the seed: the dictionary, and the same argument of other
/// seeds (for splices).
pub(crate) struct Sources<'a> {
    pub(crate) dict: &'a Dictionary,
    pub(crate) other: Option<&'a Value>,
}

/// One mutant of `v` (of type `ty`): one to three edits.
pub(crate) fn mutate(rng: &mut TestRng, v: &Value, ty: &Type, src: &Sources) -> Value {
    let mut out = v.clone();
    for _ in 0..=below(rng, 3) {
        out = mutate_once(rng, &out, ty, src);
    }
    out
}

fn mutate_once(rng: &mut TestRng, v: &Value, ty: &Type, src: &Sources) -> Value {
    match (v, ty) {
        (Value::Bool(b), _) => Value::Bool(!*b),
        (Value::Int(x), t) => mutate_int(rng, i128::from(*x), t, src.dict).unwrap_or(v.clone()),
        (Value::Uint(x), t) => mutate_int(rng, i128::from(*x), t, src.dict).unwrap_or(v.clone()),
        (Value::F64(x), _) => Value::F64(mutate_float(rng, *x, src.dict)),
        (Value::F32(x), _) => Value::F32(mutate_float(rng, f64::from(*x), src.dict) as f32),
        (Value::Str(s), _) => Value::Str(mutate_text(rng, s, other_text(src), src.dict)),
        (Value::Bytes(s), _) => Value::Bytes(mutate_text(rng, s, other_text(src), src.dict)),
        (Value::Nil, Type::Bytes) => Value::Bytes(Vec::new()),
        (Value::Nil, Type::List(_)) => Value::List(Vec::new()),
        (Value::Nil, Type::Map(..)) => Value::Map(Vec::new()),
        (Value::Nil, _) => Value::Nil,
        (v, Type::Option(inner)) => {
            if below(rng, 8) == 0 {
                Value::Nil
            } else {
                mutate_once(rng, v, inner, src)
            }
        }
        (Value::List(xs), Type::List(item)) => Value::List(mutate_list(rng, xs, item, src)),
        (Value::Map(es), Type::Map(_, vt)) if !es.is_empty() => {
            let mut es = es.clone();
            let i = below(rng, es.len() as u64) as usize;
            if below(rng, 2) == 0 {
                es.remove(i);
            } else {
                let plain = Sources {
                    dict: src.dict,
                    other: None,
                };
                es[i].1 = mutate_once(rng, &es[i].1, vt, &plain);
            }
            Value::Map(es)
        }
        (Value::Struct(fs), Type::Struct(st)) if !fs.is_empty() => {
            let mut fs = fs.clone();
            let i = below(rng, fs.len() as u64) as usize;
            let other = match src.other {
                Some(Value::Struct(o)) => o.get(i),
                _ => None,
            };
            let field_src = Sources {
                dict: src.dict,
                other,
            };
            fs[i] = mutate_once(rng, &fs[i], &st.fields[i].ty, &field_src);
            Value::Struct(fs)
        }
        _ => v.clone(),
    }
}

fn other_text<'a>(src: &Sources<'a>) -> Option<&'a [u8]> {
    match src.other {
        Some(Value::Str(s) | Value::Bytes(s)) => Some(s),
        _ => None,
    }
}

fn mutate_int(rng: &mut TestRng, x: i128, ty: &Type, dict: &Dictionary) -> Option<Value> {
    let y = match below(rng, 10) {
        0 => x + 1,
        1 => x - 1,
        2 => -x,
        3 => x * 10,
        4 => x / 10,
        5 => 0,
        6 => x ^ (1i128 << below(rng, 64)),
        7 if !dict.ints.is_empty() => *pick(rng, &dict.ints),
        8 => {
            let p = 10i128.pow(below(rng, 20) as u32);
            *pick(rng, &[p - 1, p, p + 1, -p, 1 - p])
        }
        _ => NUMBERS[below(rng, NUMBERS.len() as u64) as usize]
            .parse()
            .unwrap_or(0),
    };
    int_value(ty, y)
}

fn mutate_float(rng: &mut TestRng, x: f64, dict: &Dictionary) -> f64 {
    match below(rng, 9) {
        0 => f64::from_bits(x.to_bits().wrapping_add(1)),
        1 => f64::from_bits(x.to_bits().wrapping_sub(1)),
        2 => -x,
        3 => x * 10.0,
        4 => x / 10.0,
        // The nearest exact decimal tie at a few digits: x rounded to k digits, plus half a unit.
        5 => {
            let k = below(rng, 4) as i32;
            let scale = 10f64.powi(k);
            ((x * scale).trunc() + 0.5) / scale
        }
        6 if !dict.floats.is_empty() => *pick(rng, &dict.floats),
        7 => x.trunc(),
        _ => *pick(rng, &[0.0, -0.0, f64::NAN, f64::INFINITY, 0.5, 0.125, 1e21]),
    }
}

/// The runs of ASCII digits of `s`, as byte ranges.
fn digit_runs(s: &[u8]) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut i = 0;
    while i < s.len() {
        if s[i].is_ascii_digit() {
            let start = i;
            while i < s.len() && s[i].is_ascii_digit() {
                i += 1;
            }
            runs.push((start, i));
        } else {
            i += 1;
        }
    }
    runs
}

/// Segment boundaries: the start, the end, and both sides of every separator byte (anything
/// but an ASCII letter or digit, and not inside a multi-byte character).
fn segments(s: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in s.iter().enumerate() {
        if b.is_ascii() && !b.is_ascii_alphanumeric() {
            out.push((start, i));
            out.push((i, i + 1));
            start = i + 1;
        }
    }
    out.push((start, s.len()));
    out.retain(|(a, b)| a < b);
    out
}

fn replace(s: &[u8], (a, b): (usize, usize), with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() + with.len());
    out.extend_from_slice(&s[..a]);
    out.extend_from_slice(with);
    out.extend_from_slice(&s[b..]);
    out
}

/// Another number for a run of digits: a listed edge, ±1, negated, scaled, with leading zeros,
/// or random digits of a random length.
fn other_number(rng: &mut TestRng, run: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(run).unwrap_or("0");
    let n: Option<u128> = text.parse().ok();
    match below(rng, 8) {
        0 | 1 => NUMBERS[below(rng, NUMBERS.len() as u64) as usize]
            .as_bytes()
            .to_vec(),
        2 => n.map_or(b"0".to_vec(), |n| {
            n.wrapping_add(1).to_string().into_bytes()
        }),
        3 => n.map_or(b"0".to_vec(), |n| {
            n.saturating_sub(1).to_string().into_bytes()
        }),
        4 => [b"-", run].concat(),
        5 => [run, b"000".as_slice()].concat(),
        6 => [b"0", run].concat(),
        _ => (0..1 + below(rng, 24))
            .map(|_| b'0' + below(rng, 10) as u8)
            .collect(),
    }
}

/// One edit of a text (see the module docs).
pub(crate) fn mutate_text(
    rng: &mut TestRng,
    s: &[u8],
    other: Option<&[u8]>,
    dict: &Dictionary,
) -> Vec<u8> {
    let bounds = boundaries(s);
    match below(rng, 12) {
        0..=2 => one_edit(rng, s, &bounds),
        3 | 4 => {
            let runs = digit_runs(s);
            if runs.is_empty() {
                let at = *pick(rng, &bounds);
                return replace(s, (at, at), &other_number(rng, b"1"));
            }
            let r = *pick(rng, &runs);
            replace(s, r, &other_number(rng, &s[r.0..r.1]))
        }
        5 => {
            // Hex digits change case (all of them, or one).
            let all = below(rng, 2) == 0;
            let letters: Vec<usize> = (0..s.len())
                .filter(|i| matches!(s[*i], b'a'..=b'f' | b'A'..=b'F' | b'x' | b'X'))
                .collect();
            let mut out = s.to_vec();
            if all {
                for i in letters {
                    out[i] ^= 0x20;
                }
            } else if !letters.is_empty() {
                out[*pick(rng, &letters)] ^= 0x20;
            }
            out
        }
        6 | 7 => {
            let segs = segments(s);
            if segs.is_empty() {
                return one_edit(rng, s, &bounds);
            }
            let (a, b) = *pick(rng, &segs);
            if below(rng, 2) == 0 {
                replace(s, (b, b), &s[a..b])
            } else {
                replace(s, (a, b), b"")
            }
        }
        8 => match other {
            Some(o) => {
                let ob = boundaries(o);
                let (x, y) = (*pick(rng, &bounds), *pick(rng, &ob));
                [&s[..x], &o[y..]].concat()
            }
            None => one_edit(rng, s, &bounds),
        },
        9 if !dict.strings.is_empty() => {
            let tok = pick(rng, &dict.strings).clone();
            let segs = segments(s);
            if below(rng, 2) == 0 || segs.is_empty() {
                let at = *pick(rng, &bounds);
                replace(s, (at, at), &tok)
            } else {
                replace(s, *pick(rng, &segs), &tok)
            }
        }
        10 => {
            // Byte level: the result may be invalid UTF-8 (kept only where that is allowed).
            let mut out = s.to_vec();
            let at = below(rng, s.len() as u64 + 1) as usize;
            let byte = *pick(rng, &[0x00, 0x7f, 0x80, 0xc3, 0xff, b'\\', b'%', b'\n']);
            if at < out.len() && below(rng, 2) == 0 {
                out[at] = byte;
            } else {
                out.insert(at, byte);
            }
            out
        }
        _ => {
            // One character in the other case.
            let mut out = s.to_vec();
            let letters: Vec<usize> = (0..s.len())
                .filter(|i| s[*i].is_ascii_alphabetic())
                .collect();
            if letters.is_empty() {
                let c = edge_char(rng);
                let at = *pick(rng, &bounds);
                return replace(s, (at, at), c.encode_utf8(&mut [0; 4]).as_bytes());
            }
            out[*pick(rng, &letters)] ^= 0x20;
            out
        }
    }
}

fn mutate_list(rng: &mut TestRng, xs: &[Value], item: &Type, src: &Sources) -> Vec<Value> {
    let mut out = xs.to_vec();
    let n = xs.len();
    if n == 0 {
        return out;
    }
    let i = below(rng, n as u64) as usize;
    match below(rng, 5) {
        0 => {
            out.remove(i);
        }
        1 => out.insert(i, xs[i].clone()),
        2 => out.swap(i, below(rng, n as u64) as usize),
        3 => {
            if let Some(Value::List(o)) = src.other {
                let j = below(rng, o.len() as u64 + 1) as usize;
                out.truncate(i);
                out.extend_from_slice(&o[j..]);
            }
        }
        _ => {
            let plain = Sources {
                dict: src.dict,
                other: None,
            };
            out[i] = mutate_once(rng, &xs[i], item, &plain);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::test_runner::RngAlgorithm;

    #[test]
    fn digit_runs_become_other_numbers_including_huge_and_negative_ones() {
        let mut rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[3; 32]);
        let dict = Dictionary::default();
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..5000 {
            seen.insert(mutate_text(&mut rng, b"250ms", None, &dict));
        }
        for want in [
            "0ms",
            "-250ms",
            "251ms",
            "9223372036854775808ms",
            "250ms250ms",
        ] {
            assert!(seen.contains(want.as_bytes()), "missing {want:?}");
        }
    }

    #[test]
    fn segments_split_at_separators() {
        assert_eq!(segments(b"a.bc"), vec![(0, 1), (1, 2), (2, 4)]);
        assert_eq!(digit_runs(b"1h30m"), vec![(0, 1), (2, 4)]);
    }
}
