//! String generation: edge cases, palettes of characters that break ports, long repeats,
//! invalid UTF-8 when allowed, and regex-driven strings that also honour `len`.

use proptest::strategy::{BoxedStrategy, Strategy, ValueTree};
use proptest::test_runner::{TestRng, TestRunner};

use super::admissible::StrRules;
use super::compile::{
    below, chance, int_in, pick, pick_len, usize_in, LONG_REPEAT, RETRIES, SOFT_STR_LEN,
};
use super::edges;
use super::swarm::{Env, Swarm};
use crate::spec::Hints;

#[derive(Debug)]
pub(crate) struct StrGen {
    rules: StrRules,
    /// Regex generators, when a regex is given and proptest can generate it: unbounded
    /// repetitions capped at decreasing bounds, tried in turn when `len` rejects a string.
    regex: Vec<BoxedStrategy<String>>,
    edges: Vec<Vec<u8>>,
    invalid_edges: Vec<Vec<u8>>,
}

impl StrGen {
    pub(super) fn new(hints: &Hints) -> StrGen {
        let rules = StrRules::new(hints);
        let mut regex = Vec::new();
        if let Some(p) = hints.regex.as_deref() {
            // Unbounded repetitions are capped so that a `len` hint is usually met; the capped
            // languages are subsets of the pattern's, so matches still hold. Without `len`, one
            // modest cap; with it, halving caps for when nested repetitions overshoot.
            let mut cap = match hints.len {
                Some((lo, hi)) if lo > SOFT_STR_LEN => hi,
                Some((_, hi)) => hi.min(SOFT_STR_LEN),
                None => SOFT_STR_LEN / 2,
            };
            let unanchored = strip_anchors(p);
            loop {
                if let Ok(s) = proptest::string::string_regex(&cap_repetitions(unanchored, cap)) {
                    regex.push(s.boxed());
                }
                if hints.len.is_none() || cap <= 1 {
                    break;
                }
                cap /= 2;
            }
            if regex.is_empty() {
                regex.extend(proptest::string::string_regex(p).ok().map(Strategy::boxed));
            }
        }
        let mut edges: Vec<Vec<u8>> = edges::STR_EDGES
            .iter()
            .map(|s| s.as_bytes().to_vec())
            .collect();
        for unit in ["a", "ß", " ", "9"] {
            edges.push(unit.repeat(64).into_bytes());
        }
        edges.retain(|e| rules.admits(e));
        let invalid_edges = if hints.invalid_utf8 {
            let mut v: Vec<Vec<u8>> = edges::INVALID_UTF8.iter().map(|b| b.to_vec()).collect();
            v.retain(|e| rules.admits(e));
            v
        } else {
            Vec::new()
        };
        StrGen {
            rules,
            regex,
            edges,
            invalid_edges,
        }
    }

    pub(super) fn draw(&self, runner: &mut TestRunner, env: &Env) -> Vec<u8> {
        if env.dictionary() && chance(runner.rng(), 6) {
            if let Some(s) = self.with_token(runner.rng(), env) {
                return s;
            }
        }
        if self.rules.regex.is_some() || !self.regex.is_empty() {
            return self.draw_regex(runner);
        }
        let rng = runner.rng();
        let r = below(rng, 100);
        if r < 40 && !self.edges.is_empty() && !env.swarm.no_str_edges {
            return pick(rng, &self.edges).clone();
        }
        if r < 52 && !self.invalid_edges.is_empty() {
            return pick(rng, &self.invalid_edges).clone();
        }
        if r < 55 {
            if let Some(s) = self.long_repeat(rng) {
                return s;
            }
        }
        let mut s = self.random(rng, &env.swarm);
        if self.rules.invalid_utf8 && chance(rng, 30) {
            let mut spliced = s.clone();
            let at = char_boundary(&s, below(rng, s.len() as u64 + 1) as usize);
            let bad = pick(rng, edges::INVALID_UTF8);
            spliced.splice(at..at, bad.iter().copied());
            if self.rules.admits(&spliced) {
                s = spliced;
            }
        }
        s
    }

    fn draw_regex(&self, runner: &mut TestRunner) -> Vec<u8> {
        if chance(runner.rng(), 20) && !self.edges.is_empty() {
            return pick(runner.rng(), &self.edges).clone();
        }
        let mut last = Vec::new();
        for attempt in 0..RETRIES {
            let level = (attempt / 4).min(self.regex.len().saturating_sub(1));
            last = match self.regex.get(level) {
                Some(strategy) => match strategy.new_tree(runner) {
                    Ok(tree) => tree.current().into_bytes(),
                    Err(_) => break,
                },
                // Proptest cannot generate this regex: draw printable strings and filter.
                None => self.random(runner.rng(), &Swarm::default()),
            };
            if self.rules.admits(&last) {
                return last;
            }
        }
        // The regex and the other hints rarely agree: an admissible edge if there is one,
        // else the last attempt (the hints may be contradictory; validation cannot tell).
        if self.edges.is_empty() {
            last
        } else {
            pick(runner.rng(), &self.edges).clone()
        }
    }

    /// A token of the Go source, alone or inserted into a random string, if admissible.
    fn with_token(&self, rng: &mut TestRng, env: &Env) -> Option<Vec<u8>> {
        let tok = pick(rng, &env.dict.strings);
        let s = if chance(rng, 50) {
            tok.clone()
        } else {
            let mut s = self.random(rng, &env.swarm);
            let at = char_boundary(&s, below(rng, s.len() as u64 + 1) as usize);
            s.splice(at..at, tok.iter().copied());
            s
        };
        self.rules.admits(&s).then_some(s)
    }

    /// A repeated unit, longer than the default length, within the `len` hint.
    fn long_repeat(&self, rng: &mut TestRng) -> Option<Vec<u8>> {
        let (lo, hi) = self.rules.len.unwrap_or((0, LONG_REPEAT));
        let lo = lo.max(SOFT_STR_LEN + 1);
        let hi = hi.min(lo.max(LONG_REPEAT));
        if lo > hi {
            return None;
        }
        let n = usize_in(rng, lo, hi);
        let unit: Vec<char> = match &self.rules.charset {
            Some(set) if set.is_empty() => return None,
            Some(set) => vec![*pick(rng, set)],
            None => [
                "a", "ab", "ß", "é", "0", " ", "9", "𝄞", "e\u{301}", "İ", "ΑΣ",
            ][below(rng, 11) as usize]
                .chars()
                .collect(),
        };
        let s: String = unit.iter().cycle().take(n).collect();
        let s = s.into_bytes();
        self.rules.admits(&s).then_some(s)
    }

    /// A random valid string: its length from the hint, its characters from the charset or from
    /// one palette per string (ASCII, whitespace, number-like, special, any code point).
    fn random(&self, rng: &mut TestRng, swarm: &Swarm) -> Vec<u8> {
        let n = pick_len(rng, self.rules.len, SOFT_STR_LEN);
        let mut s = String::with_capacity(n);
        match &self.rules.charset {
            Some(set) if set.is_empty() => {}
            Some(set) => {
                if chance(rng, 15) {
                    let c = *pick(rng, set);
                    s.extend((0..n).map(|_| c));
                } else {
                    s.extend((0..n).map(|_| *pick(rng, set)));
                }
            }
            None => {
                let palette = match swarm.palette {
                    Some(p) => p,
                    None => below(rng, 6),
                };
                for _ in 0..n {
                    let c = random_char(rng, palette);
                    if swarm.no_letters && c.is_alphabetic() {
                        s.push(char::from(*pick(rng, b"0123456789-+.,_ /:%")));
                    } else {
                        s.push(c);
                    }
                }
            }
        }
        s.into_bytes()
    }
}

fn random_char(rng: &mut TestRng, palette: u64) -> char {
    let ascii =
        |rng: &mut TestRng, lo: u8, hi: u8| char::from(int_in(rng, lo.into(), hi.into()) as u8);
    match palette {
        0 => {
            if chance(rng, 80) {
                ascii(rng, b'a', b'z')
            } else {
                ascii(rng, b'0', b'9')
            }
        }
        1 => ascii(rng, 0x20, 0x7e),
        2 => match below(rng, 3) {
            0 => *pick(rng, edges::WHITESPACE),
            _ => ascii(rng, 0x20, 0x7e),
        },
        3 => *pick(rng, edges::NUMBERISH),
        4 => match below(rng, 2) {
            0 => *pick(rng, edges::SPECIAL),
            _ => ascii(rng, 0x20, 0x7e),
        },
        _ => {
            // Any scalar value, weighted towards each UTF-8 length.
            let (lo, hi) = *pick(
                rng,
                &[
                    (0u32, 0x7f),
                    (0x80, 0x7ff),
                    (0x800, 0xffff),
                    (0x1_0000, 0x10_ffff),
                ],
            );
            char::from_u32(int_in(rng, lo.into(), hi.into()) as u32).unwrap_or('\u{fffd}')
        }
    }
}

fn char_boundary(s: &[u8], mut at: usize) -> usize {
    while at < s.len() && (s[at] & 0xc0) == 0x80 {
        at += 1;
    }
    at
}

/// `^…$` around a pattern: proptest cannot generate anchors, and matching is whole-string anyway.
fn strip_anchors(p: &str) -> &str {
    let p = p.strip_prefix('^').unwrap_or(p);
    match p.strip_suffix('$') {
        Some(q) if !q.ends_with('\\') => q,
        _ => p,
    }
}

/// Rewrites unbounded repetitions (`*`, `+`, `{n,}`) outside character classes into bounded ones
/// of at most `cap` (or `n`) repetitions.
fn cap_repetitions(p: &str, cap: usize) -> String {
    let cs: Vec<char> = p.chars().collect();
    let mut out = String::with_capacity(p.len() + 16);
    let mut depth = 0usize; // inside `[...]`, nested for `[[:alpha:]]` and class operations
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        match c {
            '\\' => {
                out.push(c);
                if let Some(n) = cs.get(i + 1) {
                    out.push(*n);
                }
                i += 2;
                continue;
            }
            '[' => {
                out.push(c);
                depth += 1;
                // A `]` right after `[` or `[^` is a literal.
                if cs.get(i + 1) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                if cs.get(i + 1) == Some(&']') {
                    out.push(']');
                    i += 1;
                }
            }
            ']' if depth > 0 => {
                out.push(c);
                depth -= 1;
            }
            '*' if depth == 0 => out.push_str(&format!("{{0,{cap}}}")),
            '+' if depth == 0 => out.push_str(&format!("{{1,{cap}}}")),
            '{' if depth == 0 => {
                let close = cs[i..].iter().position(|x| *x == '}').map(|k| i + k);
                let body: Option<String> = close.map(|k| cs[i + 1..k].iter().collect());
                match body.as_deref().and_then(|b| b.strip_suffix(',')) {
                    Some(n) if !n.is_empty() && n.chars().all(|d| d.is_ascii_digit()) => {
                        let lo: usize = n.parse().unwrap_or(0);
                        out.push_str(&format!("{{{lo},{}}}", lo.max(cap)));
                        i = close.unwrap_or(i) + 1;
                        continue;
                    }
                    _ => out.push(c),
                }
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::cap_repetitions;

    #[test]
    fn unbounded_repetitions_are_capped_outside_classes_and_escapes() {
        assert_eq!(
            cap_repetitions("[a-z]+(-[a-z]+)*", 6),
            "[a-z]{1,6}(-[a-z]{1,6}){0,6}"
        );
        assert_eq!(cap_repetitions("a{2,}b{3,}c{1,4}", 5), "a{2,5}b{3,5}c{1,4}");
        assert_eq!(cap_repetitions("[+*]\\+\\d*?", 3), "[+*]\\+\\d{0,3}?");
        assert_eq!(cap_repetitions("[]+]+\\p{L}+", 2), "[]+]{1,2}\\p{L}{1,2}");
    }
}
