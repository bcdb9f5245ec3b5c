//! Fuzzer bytes ↔ typed inputs: how libFuzzer's byte strings become a function's arguments.
//!
//! Every value starts with a *mode* byte, read through `arbitrary::Unstructured`:
//!
//! - `0x00..=0x3f` **generated**: the next 4 bytes seed `generate`'s own generator for the value's
//!   type and hints, so the fuzzer draws from exactly the edge-biased distribution of `check`.
//! - `0x40..=0x4f` **nil**, for nil-able types (otherwise treated as raw).
//! - `0x50..=0xff` **raw**: the value's bytes as they are (integers little-endian at their width,
//!   floats by their bits, strings and byte strings after a 2-byte length, lists and maps after a
//!   1-byte length). Raw values are what comparison tracing works on: a magic constant compared in
//!   the code under test shows up in the input verbatim.
//!
//! A raw value outside its hints (range, length, charset, regex) is replaced by a generated one, so
//! the fuzzer, like `check`, only ever produces admissible inputs. [`encode_input`] is the inverse
//! on admissible values; it turns spec examples and corpus entries into fuzzer seeds.

use std::hash::{Hash, Hasher};

use arbitrary::Unstructured;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use crate::generate::{
    admissible, field_hints, int_domain, item_hints, key_hints, option_hints, value_hints,
};
use crate::generate::{compile, Gen};
use crate::spec::{FunctionSpec, Hints};
use crate::value::{Type, Value};

const GENERATED_BELOW: u8 = 0x40;
const NIL_BELOW: u8 = 0x50;
/// The mode byte [`encode_input`] writes for raw values.
const RAW: u8 = 0xff;
/// The mode byte [`encode_input`] writes for nil.
const NIL: u8 = 0x40;
/// Longest list or map a raw value has (its length is one byte).
const MAX_RAW_ITEMS: usize = 255;

/// A compiled decoder for one function's arguments: generators are compiled once (a regex hint
/// costs a compilation), not per input.
pub struct Decoder {
    args: Vec<Node>,
}

/// One value's type, hints and compiled generator, with the same for its children.
struct Node {
    ty: Type,
    hints: Hints,
    gen: Gen,
    children: Vec<Node>,
}

impl Node {
    fn new(ty: &Type, hints: &Hints) -> Node {
        let children = match ty {
            Type::Option(inner) => vec![Node::new(inner, option_hints(hints))],
            Type::List(item) => vec![Node::new(item, item_hints(hints))],
            Type::Map(k, v) => vec![
                Node::new(k, key_hints(hints)),
                Node::new(v, value_hints(hints)),
            ],
            Type::Struct(st) => st
                .fields
                .iter()
                .enumerate()
                .map(|(i, f)| Node::new(&f.ty, field_hints(hints, i)))
                .collect(),
            _ => Vec::new(),
        };
        Node {
            ty: ty.clone(),
            hints: hints.clone(),
            gen: compile(ty, hints),
            children,
        }
    }

    fn generated(&self, seed: u32) -> Value {
        let mut bytes = [0u8; 32];
        bytes[..4].copy_from_slice(&seed.to_le_bytes());
        let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &bytes);
        let mut runner = TestRunner::new_with_rng(Config::default(), rng);
        self.gen.generate(&mut runner)
    }

    fn decode(&self, u: &mut Unstructured) -> Value {
        let start = u.len();
        let mode: u8 = u.arbitrary().unwrap_or(0);
        if mode < GENERATED_BELOW {
            return self.generated(u.arbitrary().unwrap_or(0));
        }
        if mode < NIL_BELOW && self.ty.is_nilable() {
            return Value::Nil;
        }
        let v = self.raw(u);
        if admissible(&v, &self.ty, &self.hints) {
            v
        } else {
            // Deterministic in the bytes read, so the same input always decodes the same way.
            let mut h = std::collections::hash_map::DefaultHasher::new();
            (start, u.len(), &v).hash(&mut h);
            self.generated(h.finish() as u32)
        }
    }

    fn raw(&self, u: &mut Unstructured) -> Value {
        match &self.ty {
            Type::Bool => Value::Bool(u.arbitrary::<u8>().unwrap_or(0) & 1 == 1),
            t if t.is_integer() => {
                let width = t.bits().unwrap_or(64) as usize / 8;
                let mut buf = [0u8; 8];
                let got = u.bytes(width.min(u.len())).unwrap_or(&[]);
                buf[..got.len()].copy_from_slice(got);
                let raw = u64::from_le_bytes(buf);
                let x: i128 = if t.is_signed() {
                    // Sign-extend from the type's width.
                    let shift = 64 - 8 * width as u32;
                    i128::from(((raw << shift) as i64) >> shift)
                } else {
                    i128::from(raw)
                };
                let (lo, hi) = int_domain(t, &self.hints);
                let x = if (lo..=hi).contains(&x) {
                    x
                } else {
                    lo + (x - lo).rem_euclid(hi - lo + 1)
                };
                if t.is_signed() {
                    Value::Int(x as i64)
                } else {
                    Value::Uint(x as u64)
                }
            }
            Type::F32 => Value::F32(f32::from_bits(u.arbitrary().unwrap_or(0))),
            Type::F64 => Value::F64(f64::from_bits(u.arbitrary().unwrap_or(0))),
            Type::String => Value::Str(raw_bytes(u)),
            Type::Bytes => Value::Bytes(raw_bytes(u)),
            Type::Option(_) => self.children[0].decode(u),
            Type::List(_) => {
                let n = usize::from(u.arbitrary::<u8>().unwrap_or(0));
                Value::List((0..n).map(|_| self.children[0].decode(u)).collect())
            }
            Type::Map(..) => {
                let n = usize::from(u.arbitrary::<u8>().unwrap_or(0));
                let entries = (0..n)
                    .map(|_| (self.children[0].decode(u), self.children[1].decode(u)))
                    .collect();
                Value::Map(Value::sort_map(entries))
            }
            Type::Struct(_) => Value::Struct(self.children.iter().map(|c| c.decode(u)).collect()),
            _ => unreachable!("every type is covered above"),
        }
    }
}

fn raw_bytes(u: &mut Unstructured) -> Vec<u8> {
    let n = usize::from(u.arbitrary::<u16>().unwrap_or(0)).min(u.len());
    u.bytes(n).unwrap_or(&[]).to_vec()
}

impl Decoder {
    /// Compiles the decoder for `fun`'s arguments.
    pub fn new(fun: &FunctionSpec) -> Decoder {
        Decoder {
            args: fun
                .args
                .iter()
                .map(|a| Node::new(&a.ty, &a.hints))
                .collect(),
        }
    }

    /// The input `data` stands for. Total: every byte string decodes (missing bytes read as
    /// zeros), always to the same admissible input.
    pub fn decode(&self, data: &[u8]) -> Vec<Value> {
        let mut u = Unstructured::new(data);
        self.args.iter().map(|a| a.decode(&mut u)).collect()
    }
}

/// The bytes that [`Decoder::decode`] turns back into `input`, when every value of `input` is
/// admissible under its hints (spec examples and corpus entries are). `None` when a value cannot
/// be written raw (a string longer than 65535 bytes, a list longer than 255 elements).
pub fn encode_input(fun: &FunctionSpec, input: &[Value]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    for (a, v) in fun.args.iter().zip(input) {
        encode_value(&mut out, v, &a.ty)?;
    }
    Some(out)
}

fn encode_value(out: &mut Vec<u8>, v: &Value, ty: &Type) -> Option<()> {
    if matches!(v, Value::Nil) {
        out.push(NIL);
        return Some(());
    }
    out.push(RAW);
    if let Type::Option(inner) = ty {
        // The option's own mode byte is followed by the pointee's.
        return encode_value(out, v, inner);
    }
    match (ty, v) {
        (Type::Bool, Value::Bool(b)) => out.push(u8::from(*b)),
        (t, Value::Int(x)) => {
            let width = t.bits()? as usize / 8;
            out.extend_from_slice(&x.to_le_bytes()[..width]);
        }
        (t, Value::Uint(x)) => {
            let width = t.bits()? as usize / 8;
            out.extend_from_slice(&x.to_le_bytes()[..width]);
        }
        (_, Value::F32(x)) => out.extend_from_slice(&x.to_bits().to_le_bytes()),
        (_, Value::F64(x)) => out.extend_from_slice(&x.to_bits().to_le_bytes()),
        (_, Value::Str(b) | Value::Bytes(b)) => {
            out.extend_from_slice(&u16::try_from(b.len()).ok()?.to_le_bytes());
            out.extend_from_slice(b);
        }
        (Type::List(item), Value::List(xs)) => {
            if xs.len() > MAX_RAW_ITEMS {
                return None;
            }
            out.push(xs.len() as u8);
            for x in xs {
                encode_value(out, x, item)?;
            }
        }
        (Type::Map(k, vt), Value::Map(entries)) => {
            if entries.len() > MAX_RAW_ITEMS {
                return None;
            }
            out.push(entries.len() as u8);
            for (key, val) in entries {
                encode_value(out, key, k)?;
                encode_value(out, val, vt)?;
            }
        }
        (Type::Struct(st), Value::Struct(fields)) => {
            for (f, x) in st.fields.iter().zip(fields) {
                encode_value(out, x, &f.ty)?;
            }
        }
        _ => return None,
    }
    Some(())
}

#[cfg(test)]
mod tests;
