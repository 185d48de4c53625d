//! Numbers as text for the DOM and the inspector, without core's float formatting and parsing.
//!
//! Owns: fixed-point text for SVG coordinates and percentages, and reading decimal input.
//! Why not `format!("{x:.1}")` / `str::parse::<f64>`: core's float formatter (Grisu + Dragon)
//! and parser (Eisel-Lemire with a 128-bit power-of-five table) together weigh about 20 KB of
//! the gzipped wasm, and the page needs neither their generality nor their exactness for pixel
//! positions. Must not import: web crates (plain Rust, unit-tested natively).

/// `x` rounded to `places` decimals (at most 6), e.g. `fixed(2.345, 1) == "2.3"`; a value that
/// is not finite is written as `0`.
pub fn fixed(x: f64, places: u32) -> String {
    let mut out = String::new();
    push_fixed(&mut out, x, places);
    out
}

/// Appends [`fixed`]`(x, places)` to `out` (no allocation per number in path data).
pub fn push_fixed(out: &mut String, x: f64, places: u32) {
    use std::fmt::Write;
    let places = places.min(6);
    let scale = 10_i64.pow(places);
    // `as` saturates: a huge coordinate is clamped, never undefined.
    let n = if x.is_finite() {
        (x * scale as f64).round() as i64
    } else {
        0
    };
    if n < 0 {
        out.push('-');
    }
    let n = n.unsigned_abs();
    let scale = scale.unsigned_abs();
    let _ = write!(out, "{}", n / scale);
    if places > 0 {
        let frac = n % scale;
        out.push('.');
        let digits = frac.to_string();
        for _ in digits.len()..places as usize {
            out.push('0');
        }
        out.push_str(&digits);
    }
}

/// The shortest decimal text that reads back as `x` for values with up to 9 decimals (what the
/// inspector shows for a failure rate): trailing zeros dropped, `0.25`, `1`, `0.1`.
pub fn short(x: f64) -> String {
    let mut s = fixed(x, 6);
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" { "0".to_owned() } else { s }
}

/// Reads a plain decimal number: optional sign, digits, optional fraction (`.5`, `0.25`, `-3`,
/// `1.`); `None` for anything else (exponents, `inf`, more than 15 significant digits, where
/// the quotient below would no longer be exact).
pub fn parse_decimal(s: &str) -> Option<f64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut mantissa: u64 = 0;
    let mut digits = 0;
    for b in int.bytes().chain(frac.bytes()) {
        if !b.is_ascii_digit() {
            return None;
        }
        if mantissa > 0 || b != b'0' {
            digits += 1;
        }
        if digits > 15 {
            return None;
        }
        mantissa = mantissa * 10 + u64::from(b - b'0');
    }
    // Both operands are exact (mantissa < 2^53, 10^k for k <= 22 is exact), so the one
    // division rounds correctly.
    let k = i32::try_from(frac.len()).ok().filter(|k| *k <= 22)?;
    let v = mantissa as f64 / 10_f64.powi(k);
    Some(if neg { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_matches_std_formatting_away_from_ties() {
        for &x in &[
            0.0,
            1.0,
            -1.0,
            2.34,
            -2.36,
            123.456,
            0.04,
            -0.04,
            1e9 + 0.26,
            959.99,
        ] {
            for places in 0..4 {
                let want = format!("{x:.*}", places as usize);
                let want = if want.starts_with("-")
                    && want.trim_start_matches(['-', '0', '.']).is_empty()
                {
                    want[1..].to_owned()
                } else {
                    want
                };
                assert_eq!(fixed(x, places), want, "{x} {places}");
            }
        }
        assert_eq!(fixed(f64::NAN, 1), "0.0");
        assert_eq!(fixed(f64::INFINITY, 0), "0");
    }

    #[test]
    fn short_drops_trailing_zeros_and_round_trips() {
        assert_eq!(short(0.25), "0.25");
        assert_eq!(short(1.0), "1");
        assert_eq!(short(0.0), "0");
        assert_eq!(short(0.1), "0.1");
        assert_eq!(short(-0.0000001), "0");
        for x in [0.0, 0.05, 0.1, 0.125, 0.3, 0.333333, 0.999999, 1.0] {
            assert_eq!(parse_decimal(&short(x)), Some(x), "{x}");
        }
    }

    #[test]
    fn parse_decimal_reads_plain_decimals_only() {
        assert_eq!(parse_decimal("0.25"), Some(0.25));
        assert_eq!(parse_decimal(".5"), Some(0.5));
        assert_eq!(parse_decimal("1."), Some(1.0));
        assert_eq!(parse_decimal("-3"), Some(-3.0));
        assert_eq!(parse_decimal("+0.1"), Some(0.1));
        assert_eq!(parse_decimal("0.1"), "0.1".parse::<f64>().ok());
        assert_eq!(parse_decimal("0.3"), "0.3".parse::<f64>().ok());
        assert_eq!(parse_decimal("123456789012345"), Some(123456789012345.0));
        for bad in [
            "",
            ".",
            "-",
            "1e3",
            "inf",
            "NaN",
            "1.2.3",
            "0x1",
            " 1",
            "1234567890123456",
        ] {
            assert_eq!(parse_decimal(bad), None, "{bad:?}");
        }
    }
}
