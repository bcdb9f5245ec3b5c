//! Related arguments move together: a divergence between two string arguments that are case
//! mappings of each other (`EqualFold("ß", "ẞ")`) survives no single-argument move, because
//! changing one argument breaks the relation. Each seed then stops at the related pair it
//! started from (`("ﬁ", "fi")`, `("ı", "i")`, `("ß", "ẞ")`).
//!
//! So when two string arguments of the current input are related (one is a case relation of the
//! other, as `generate::case_relations` computes them for generation), the shrinker tries a
//! fixed family of related pairs: for every character `x` of `chars::simpler_chars(None)` (all
//! 1- and 2-byte characters and a sample above, in rank order), `(x, r(x))` and `(r(x), x)` for
//! each relation `r`, the other arguments kept, least first. The family depends only on which
//! arguments are related, so two seeds that reach different related pairs of the same bug meet
//! at the least pair that diverges the same way.

use super::anchor::cmp_inputs;
use super::chars::simpler_chars;
use super::{Stopped, Tester, BATCH};
use crate::generate::{admissible, case_relations};
use crate::spec::FunctionSpec;
use crate::value::{Type, Value};

/// Whether `b` is a case relation of `a` (and not `a` itself).
fn related(a: &[u8], b: &[u8]) -> bool {
    a != b && case_relations(a).iter().any(|r| r == b)
}

/// The related pairs of single characters, least first: `(x, r(x))` and `(r(x), x)` for every
/// character `x` of the family and every case relation `r` that changes it.
pub(crate) fn pairs() -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut out = Vec::new();
    let mut buf = [0u8; 4];
    for x in simpler_chars(None) {
        let x = x.encode_utf8(&mut buf).as_bytes().to_vec();
        for r in case_relations(&x) {
            if r != x {
                out.push((x.clone(), r.clone()));
                out.push((r, x.clone()));
            }
        }
    }
    out
}

/// Tries the least related pair in place of every two related string arguments of `current`;
/// whether anything changed.
pub(crate) fn together(
    fun: &FunctionSpec,
    current: &mut [Value],
    t: &mut Tester,
) -> Result<bool, Stopped> {
    let n = current.len().min(fun.args.len());
    let strings: Vec<usize> = (0..n)
        .filter(|&k| fun.args[k].ty == Type::String && matches!(current[k], Value::Str(_)))
        .collect();
    let mut changed = false;
    for (p, &i) in strings.iter().enumerate() {
        for &j in &strings[p + 1..] {
            let (Value::Str(a), Value::Str(b)) = (&current[i], &current[j]) else {
                continue;
            };
            if !related(a, b) && !related(b, a) {
                continue;
            }
            let mut candidates: Vec<Vec<Value>> = pairs()
                .into_iter()
                .map(|(x, y)| {
                    let mut c = current.to_vec();
                    c[i] = Value::Str(x);
                    c[j] = Value::Str(y);
                    c
                })
                .filter(|c| {
                    cmp_inputs(fun, c, current).is_lt()
                        && [i, j]
                            .iter()
                            .all(|&k| admissible(&c[k], &fun.args[k].ty, &fun.args[k].hints))
                })
                .collect();
            candidates.sort_by(|x, y| cmp_inputs(fun, x, y));
            candidates.dedup();
            if let Some(w) = t.least(&candidates, BATCH)? {
                current.clone_from_slice(&candidates[w]);
                changed = true;
            }
        }
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use crate::shrink::{shrink, Budget};
    use crate::spec::FunctionSpec;
    use crate::value::{Type, Value};
    use std::time::Duration;

    fn budget() -> Budget {
        Budget {
            max_iters: 4096,
            max_time: Duration::from_secs(30),
        }
    }

    #[test]
    fn two_case_related_pairs_of_the_same_folding_bug_meet_at_the_least_pair() {
        // A port that compares upper cases where the original compares lower cases: they differ
        // on pairs such as ("ı", "i"), ("fi", "ﬁ") and ("s", "ſ"), which no one-argument move
        // connects.
        let f = FunctionSpec::new(
            "SameFold",
            vec![("a", Type::String), ("b", Type::String)],
            vec![],
            false,
        );
        let go = |a: &str, b: &str| a.to_lowercase() == b.to_lowercase();
        let rust = |a: &str, b: &str| a.to_uppercase() == b.to_uppercase();
        let diverges = |c: &[Value]| {
            let (Value::Str(a), Value::Str(b)) = (&c[0], &c[1]) else {
                return false;
            };
            let (Ok(a), Ok(b)) = (std::str::from_utf8(a), std::str::from_utf8(b)) else {
                return false;
            };
            // One way of diverging: Go says different, the port says equal.
            !go(a, b) && rust(a, b)
        };
        let mut test = |batch: &[Vec<Value>]| batch.iter().map(|c| diverges(c)).collect();
        let from_dotless = shrink(
            &f,
            vec![Value::str("ı"), Value::str("i")],
            &budget(),
            &mut test,
        );
        let from_ligature = shrink(
            &f,
            vec![Value::str("fi"), Value::str("ﬁ")],
            &budget(),
            &mut test,
        );
        assert!(diverges(&from_dotless.input));
        assert_eq!(from_dotless.input, from_ligature.input);
        assert_eq!(from_dotless.input, vec![Value::str("i"), Value::str("ı")]);
    }
}
