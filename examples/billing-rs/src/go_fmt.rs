//! Go's `fmt` formatting of floats (`%v`) and strings (`%q`), which error messages embed.
//!
//! Rust's `Display` for `f64` never switches to exponent form and spells infinity `inf`; Go's
//! `%v` is `%g` with the shortest digits: exponent form below 1e-4 and from 1e6 on (`1e+21`,
//! `1.234567e+06`, `1e-05`), and `+Inf`, `-Inf`, `NaN`.

/// Formats `s` as Go's `fmt.Sprintf("%q", s)` (that is `strconv.Quote`) does for a valid UTF-8
/// string: `"` and `\` are backslashed, runes Go counts as printable ([`is_print`]) stay as
/// they are, `\a \b \f \n \r \t \v` get their short escapes, other ASCII controls and DEL are
/// `\xNN`, and the remaining runes `\uNNNN` or `\UNNNNNNNN`, in lower-case hex. Rust's `{:?}`
/// differs (`\u{1b}`, and it keeps every printable non-ASCII char by std's newer Unicode).
///
/// [`is_print`]: crate::go_unicode::is_print
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if crate::go_unicode::is_print(c) => out.push(c),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if c < ' ' || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// Formats `f` as Go's `fmt.Sprint(f)` does for a `float64`.
pub fn float_v(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    let sci = shortest_sci(f);
    let (mantissa, exp) = sci
        .split_once('e')
        .expect("`{:e}` always writes an exponent");
    let exp: i32 = exp.parse().expect("`{:e}` writes a decimal exponent");
    let (neg, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    let digits: String = mantissa.chars().filter(|&c| c != '.').collect();
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if !(-4..6).contains(&exp) {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push_str(&format!(
            "e{}{:02}",
            if exp < 0 { '-' } else { '+' },
            exp.abs()
        ));
        return out;
    }
    // Decimal point position: digits[..point] are the integer part.
    let point = exp + 1;
    if point <= 0 {
        out.push_str("0.");
        out.push_str(&"0".repeat(point.unsigned_abs() as usize));
        out.push_str(&digits);
    } else if point as usize >= digits.len() {
        out.push_str(&digits);
        out.push_str(&"0".repeat(point as usize - digits.len()));
    } else {
        out.push_str(&digits[..point as usize]);
        out.push('.');
        out.push_str(&digits[point as usize..]);
    }
    out
}

/// The shortest digits that round-trip, in `{:e}` form ("-1.5e-7"), chosen as Go chooses them.
///
/// Rust's `{:e}` finds the same number of digits as Go, but when the exact binary value lies
/// exactly halfway between two such candidates Rust takes the upper one and Go (Dragonbox) the
/// even one: -1112850129604576.25 is "-1.1128501296045762e+15" in Go, "…763e15" in Rust.
/// Rust's fixed-precision formatting rounds ties to even, so re-rounding to that many digits
/// gives Go's pick, unless that candidate falls outside the round-trip interval (the interval is
/// lopsided at powers of two), where the shortest one is the only choice.
fn shortest_sci(f: f64) -> String {
    let shortest = format!("{f:e}");
    let mantissa = shortest.split('e').next().unwrap_or_default();
    let digits = mantissa.bytes().filter(u8::is_ascii_digit).count();
    let even = format!("{:.*e}", digits.saturating_sub(1), f);
    if even.parse::<f64>() == Ok(f) {
        even
    } else {
        shortest
    }
}

#[cfg(test)]
mod tests {
    use super::{float_v, quote};

    #[test]
    fn strings_quote_like_gos_percent_q() {
        // Expected texts printed by Go's fmt.Sprintf("%q", s).
        let cases = [
            ("", r#""""#),
            ("plain ASCII ~", r#""plain ASCII ~""#),
            ("\"\\'", r#""\"\\'""#),
            ("\u{7}\u{8}\u{c}\n\r\t\u{b}", r#""\a\b\f\n\r\t\v""#),
            ("\u{0}\u{1b}\u{1f}\u{7f}", r#""\x00\x1b\x1f\x7f""#),
            ("\u{80}\u{a0}\u{ad}", r#""\u0080\u00a0\u00ad""#),
            ("é ǅ ١ \u{301} €", "\"é ǅ ١ \u{301} €\""),
            ("\u{200b}\u{feff}\u{2028}", r#""\u200b\ufeff\u2028""#),
            ("\u{378}\u{fffd}\u{ffff}", "\"\\u0378\u{fffd}\\uffff\""),
            (
                "\u{1F600}\u{E0001}\u{10FFFF}",
                r#""😀\U000e0001\U0010ffff""#,
            ),
        ];
        for (s, want) in cases {
            assert_eq!(quote(s), want, "quoting {s:?}");
        }
    }

    #[test]
    fn floats_print_like_gos_percent_v() {
        let cases = [
            (1234567.0, "1.234567e+06"),
            (123456.0, "123456"),
            (1e21, "1e+21"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (-0.0, "-0"),
            (100.5, "100.5"),
            (5e-324, "5e-324"),
            (1e100, "1e+100"),
            (f64::INFINITY, "+Inf"),
            (f64::NEG_INFINITY, "-Inf"),
            (f64::NAN, "NaN"),
            // Exactly -1112850129604576.25, halfway between two 17-digit candidates.
            (
                f64::from_bits(0xc30f_a10c_e54e_7f02),
                "-1.1128501296045762e+15",
            ),
        ];
        for (f, want) in cases {
            assert_eq!(float_v(f), want, "formatting {f:?}");
        }
    }
}
