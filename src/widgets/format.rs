//! Number formatting for labels and cells: a true minus sign, trailing zeros trimmed, and
//! non-finite values spelled out so a student sees them instead of a blank.

/// Formats `v` with at most `digits` decimals, trimming trailing zeros ("0.408", "1", "−0.5").
pub fn fmt_num(v: f64, digits: usize) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 {
            "∞".into()
        } else {
            "−∞".into()
        };
    }
    let s = format!("{v:.digits$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    match s.as_str() {
        "-0" => "0".into(),
        _ => s.replacen('-', "−", 1),
    }
}

/// A number in plain or scientific notation, whichever reads better.
pub fn sci(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else if (1e-3..1e4).contains(&v.abs()) {
        fmt_num(v, 4)
    } else {
        format!("{v:.2e}").replace('-', "−")
    }
}

/// Parses a number as a person types it ("0.5", ".5", "-2", "+1e3", "3."), or `None`.
///
/// Written by hand around serde_json's parser (already in the app for the URL state) instead of
/// `str::parse::<f64>`: core's parser brings a 10 KB table of powers of five into the wasm, and
/// the size budget is tight. Up to 15 significant digits the result is exactly the correctly
/// rounded value (serde_json's fast path divides two exact doubles); "inf" and "NaN" are not
/// numbers here.
pub fn parse_num(s: &str) -> Option<f64> {
    let t = s.trim();
    let t = t.strip_prefix('+').unwrap_or(t);
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t),
    };
    if !body.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    // JSON wants a digit on both sides of the point and no leading zeros.
    let mut json = String::with_capacity(body.len() + 2);
    let int_end = body
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(body.len());
    let int = body[..int_end].trim_start_matches('0');
    json.push_str(if int.is_empty() { "0" } else { int });
    let rest = &body[int_end..];
    match rest.strip_prefix('.') {
        Some(frac) => {
            let digits = frac
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(frac.len());
            if digits == 0 && int_end == 0 {
                return None; // "." or ".e3"
            }
            json.push('.');
            json.push_str(if digits == 0 { "0" } else { &frac[..digits] });
            json.push_str(&frac[digits..]);
        }
        None => json.push_str(rest),
    }
    let v: f64 = serde_json::from_str(&json).ok()?;
    v.is_finite().then_some(if neg { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_a_textbook() {
        assert_eq!(fmt_num(0.408_248_29, 3), "0.408");
        assert_eq!(fmt_num(1.0, 3), "1");
        assert_eq!(fmt_num(-0.5, 3), "−0.5");
        assert_eq!(fmt_num(-0.0001, 3), "0");
        assert_eq!(fmt_num(f64::NAN, 3), "NaN");
        assert_eq!(fmt_num(f64::NEG_INFINITY, 3), "−∞");
        assert_eq!(fmt_num(12.0, 0), "12");
    }

    #[test]
    fn numbers_as_people_type_them() {
        for (s, v) in [
            ("0.5", 0.5),
            (".5", 0.5),
            ("-.25", -0.25),
            ("+3", 3.0),
            ("3.", 3.0),
            ("007", 7.0),
            (" 1e3 ", 1000.0),
            ("-2.5E-2", -0.025),
            ("0.35", 0.35),
            ("1.3", 1.3),
            ("0", 0.0),
        ] {
            assert_eq!(parse_num(s), Some(v), "{s}");
        }
        for s in [
            "", ".", "-", "abc", "1,5", "inf", "NaN", "--1", "1e999", "0x10", "1.2.3", ".e3",
        ] {
            assert_eq!(parse_num(s), None, "{s}");
        }
        // The slider's values parse to exactly what the literal means.
        for k in 0..=250 {
            let s = format!("{:.2}", k as f64 * 0.01);
            assert_eq!(parse_num(&s), s.parse::<f64>().ok(), "{s}");
        }
    }
}
