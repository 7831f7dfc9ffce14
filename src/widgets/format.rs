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
}
