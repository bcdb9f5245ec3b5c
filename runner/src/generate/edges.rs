//! Edge-case tables: the values where ports of Go code tend to break.
//!
//! The tables are data, not logic; `compile` filters them against the hints of each value so that
//! nothing outside a declared range, length, charset or regex is generated.

/// Integer edge cases for a type with bounds `[tmin, tmax]` and declared bounds `[lo, hi]`:
/// the *boundary tier* (edges of the width and of the declared range, and values around zero)
/// and the *power tier* (±2^k and their neighbours). Both are sorted, deduplicated and in range.
pub(crate) fn int_edges(tmin: i128, tmax: i128, lo: i128, hi: i128) -> (Vec<i128>, Vec<i128>) {
    let mut bounds = vec![tmin, tmax, tmin + 1, tmax - 1, lo, hi, lo + 1, hi - 1];
    bounds.extend(-2..=2);
    let mut powers = Vec::new();
    let mut p: i128 = 2;
    while p <= tmax.max(-tmin) {
        for v in [p - 1, p, p + 1] {
            powers.push(v);
            powers.push(-v);
        }
        p *= 2;
    }
    let keep = |v: &mut Vec<i128>| {
        v.retain(|x| (lo..=hi).contains(x));
        v.sort_unstable();
        v.dedup();
    };
    keep(&mut bounds);
    keep(&mut powers);
    powers.retain(|x| bounds.binary_search(x).is_err());
    (bounds, powers)
}

/// `f64` edge cases: signed zeros, NaNs (with a non-default payload and a negative one),
/// infinities, subnormals, the named constants, decimals without a short binary expansion,
/// rounding halves and the precision limit of integers.
#[allow(clippy::excessive_precision)] // 123456789.123456789 is the point: more digits than fit.
pub(crate) const F64_EDGES: &[f64] = &[
    0.0,
    -0.0,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    1.0,
    -1.0,
    0.5,
    -0.5,
    1.5,
    2.5,
    -2.5,
    0.1,
    0.2,
    0.3,
    1.0 / 3.0,
    2.0 / 3.0,
    2.675,
    1.005,
    1e-7,
    1e-5,
    1e15,
    1e16,
    1e21,
    1e22,
    1e-300,
    123456789.123456789,
    9007199254740992.0,
    9007199254740994.0,
    -9007199254740992.0,
    4294967295.0,
    4294967296.0,
    -9223372036854775808.0,
    18446744073709551616.0,
    f64::MIN_POSITIVE,
    -f64::MIN_POSITIVE,
    f64::MAX,
    f64::MIN,
    f64::EPSILON,
    1.0 + f64::EPSILON,
    1.0 - f64::EPSILON / 2.0,
];

/// `f64` edge cases given by their bits: NaN payloads and subnormals.
pub(crate) const F64_EDGE_BITS: &[u64] = &[
    0x7ff8_0000_0000_0001, // quiet NaN with a payload
    0xfff8_0000_0000_0000, // negative NaN
    0x7ff0_0000_0000_0001, // signalling NaN
    0x0000_0000_0000_0001, // smallest subnormal
    0x000f_ffff_ffff_ffff, // largest subnormal
    0x8000_0000_0000_0001, // smallest negative subnormal
];

/// `f32` edge cases, as for [`F64_EDGES`].
pub(crate) const F32_EDGES: &[f32] = &[
    0.0,
    -0.0,
    f32::NAN,
    f32::INFINITY,
    f32::NEG_INFINITY,
    1.0,
    -1.0,
    0.5,
    -0.5,
    1.5,
    2.5,
    -2.5,
    0.1,
    0.2,
    0.3,
    1.0 / 3.0,
    2.675,
    1e-7,
    1e7,
    1e10,
    123456.79,
    16777216.0,
    16777218.0,
    -16777216.0,
    2147483648.0,
    f32::MIN_POSITIVE,
    -f32::MIN_POSITIVE,
    f32::MAX,
    f32::MIN,
    f32::EPSILON,
];

/// `f32` edge cases given by their bits.
pub(crate) const F32_EDGE_BITS: &[u32] = &[
    0x7fc0_0001, // quiet NaN with a payload
    0xffc0_0000, // negative NaN
    0x7f80_0001, // signalling NaN
    0x0000_0001, // smallest subnormal
    0x007f_ffff, // largest subnormal
];

/// Valid UTF-8 string edge cases.
pub(crate) const STR_EDGES: &[&str] = &[
    // Empty and whitespace of every kind.
    "",
    " ",
    "\t",
    "\n",
    "\r",
    "\r\n",
    "\u{b}",
    "\u{c}",
    "\u{85}",
    "\u{a0}",
    "\u{2003}",
    "\u{3000}",
    "\u{feff}",
    "\u{2028}",
    "\u{2029}",
    " \t\n",
    "  a  ",
    " 1 ",
    "a b",
    // ASCII punctuation and control characters.
    "!",
    "\"",
    "#",
    "$",
    "%",
    "&",
    "'",
    "(",
    ")",
    "*",
    "+",
    ",",
    "-",
    ".",
    "/",
    ":",
    ";",
    "<",
    "=",
    ">",
    "?",
    "@",
    "[",
    "\\",
    "]",
    "^",
    "_",
    "`",
    "{",
    "|",
    "}",
    "~",
    "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
    "<a&b>",
    "%v",
    "%!d",
    "\\u0000",
    "\0",
    "\u{1}",
    "\u{1b}",
    "\u{7f}",
    "a\0b",
    // Number-like strings.
    "0",
    "-0",
    "+0",
    "00",
    "007",
    "1",
    "-1",
    "+1",
    "--1",
    "+-1",
    "1.5",
    "-1.5",
    "1.50",
    ".5",
    "5.",
    "-.5",
    "1e3",
    "1E-3",
    "1e",
    "e1",
    "1e309",
    "-1e309",
    "1e-400",
    "1_000",
    "1,000",
    "0x1f",
    "0X1F",
    "0b101",
    "0o17",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "+Inf",
    "Infinity",
    "0.1",
    "2.675",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "18446744073709551615",
    "18446744073709551616",
    "4294967296",
    "١٢٣",
    "１２３",
    // Multi-byte UTF-8 of every length.
    "é",
    "€",
    "𝄞",
    "aé€𝄞",
    "\u{7ff}",
    "\u{800}",
    "\u{ffff}",
    "\u{10000}",
    "\u{10ffff}",
    "\u{fffd}",
    // Case mappings that change length or depend on context.
    "ß",
    "Straße",
    "ẞ",
    "İ",
    "ı",
    "Iı",
    "İstanbul",
    "ŉ",
    "ǰ",
    "ﬁ",
    "ﬃ",
    "ΐ",
    "ǅ",
    "\u{212a}",
    "\u{212b}",
    "Σ",
    "σ",
    "ς",
    "ΑΣ",
    "ΑΣ Α",
    "ΣΑ",
    "ὈΔΥΣΣΕΎΣ",
    // Combining marks, joiners and direction controls.
    "e\u{301}",
    "\u{301}",
    "a\u{308}\u{301}",
    "\u{200b}",
    "\u{200d}",
    "👨\u{200d}👩\u{200d}👧",
    "🇺🇸",
    "\u{202e}abc",
];

/// Invalid UTF-8 byte sequences: lone continuation bytes, truncated and overlong sequences,
/// surrogates encoded in UTF-8, and bytes that never occur in UTF-8.
pub(crate) const INVALID_UTF8: &[&[u8]] = &[
    b"\x80",
    b"\xbf",
    b"\xc3",
    b"\xe2\x82",
    b"\xf0\x9d\x84",
    b"\xc0\xaf",
    b"\xc1\xbf",
    b"\xe0\x80\xaf",
    b"\xf0\x80\x80\xaf",
    b"\xed\xa0\x80",
    b"\xed\xbf\xbf",
    b"\xf4\x90\x80\x80",
    b"\xf5",
    b"\xfe",
    b"\xff",
    b"\xc3\x28",
    b"a\xffb",
    b"\xc3\xa9\x80",
    b"1\x80.5",
];

/// Byte-string edge cases besides the invalid UTF-8 ones.
pub(crate) const BYTES_EDGES: &[&[u8]] = &[
    b"",
    b"\x00",
    b"\x00\x00",
    b"\x7f",
    b"\xef\xbb\xbf",
    b"\r\n",
    b"\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e",
    b"hello",
    b"0",
];

/// Characters for random strings, by palette.
pub(crate) const WHITESPACE: &[char] = &[
    ' ', '\t', '\n', '\r', '\u{b}', '\u{c}', '\u{85}', '\u{a0}', '\u{2003}', '\u{3000}',
    '\u{feff}', '\u{2028}', '\u{2029}',
];

/// Characters for number-like random strings.
pub(crate) const NUMBERISH: &[char] = &[
    '0', '1', '2', '5', '7', '9', '0', '0', '-', '+', '.', '.', 'e', 'E', '_', 'x', ',',
];

/// Characters that break naive ports: multi-byte, case-mapping oddities, combining marks.
pub(crate) const SPECIAL: &[char] = &[
    'é',
    '€',
    '𝄞',
    'ß',
    'ẞ',
    'İ',
    'ı',
    'ŉ',
    'ǰ',
    'ﬁ',
    'Σ',
    'σ',
    'ς',
    'Α',
    'ǅ',
    '\u{212a}',
    '\u{301}',
    '\u{308}',
    '\u{200b}',
    '\u{200d}',
    '\u{fffd}',
    '\u{10ffff}',
    '\u{7ff}',
    '\u{800}',
    '\u{ffff}',
    '\0',
    '\u{1b}',
    '\u{7f}',
    '\u{a0}',
    '\u{feff}',
];
