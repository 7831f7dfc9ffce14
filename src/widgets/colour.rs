//! Colour scales. The diverging scale is ColorBrewer's RdBu (7 classes), which is safe for the
//! common forms of colour blindness: negative values red, zero near-white, positive blue.

/// ColorBrewer RdBu, from −1 (red) through 0 (light grey) to +1 (blue).
const RDBU: [(u8, u8, u8); 7] = [
    (0xb2, 0x18, 0x2b),
    (0xef, 0x8a, 0x62),
    (0xfd, 0xdb, 0xc7),
    (0xf7, 0xf7, 0xf7),
    (0xd1, 0xe5, 0xf0),
    (0x67, 0xa9, 0xcf),
    (0x21, 0x66, 0xac),
];

/// The colour of ±∞ cells (CSS --masked).
pub const INFINITE: Rgb = Rgb(0x4b, 0x55, 0x63);

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// CSS form, `#rrggbb`.
    pub fn css(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// Relative luminance (WCAG), 0 = black, 1 = white.
    pub fn luminance(self) -> f64 {
        let lin = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.040_45 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(self.0) + 0.7152 * lin(self.1) + 0.0722 * lin(self.2)
    }

    /// Black or white, whichever reads better on this colour.
    pub fn text_colour(self) -> &'static str {
        if self.luminance() > 0.35 {
            "#111"
        } else {
            "#fff"
        }
    }
}

/// Diverging colour for `v` on a scale symmetric around 0 with half-range `max_abs`.
/// Values beyond the range are clamped; NaN is drawn magenta so it cannot hide; ±∞ (a masked
/// attention score is −∞) dark grey, outside the scale.
pub fn diverging(v: f64, max_abs: f64) -> Rgb {
    if v.is_nan() {
        return Rgb(0xff, 0x00, 0xff);
    }
    if v.is_infinite() {
        return INFINITE;
    }
    let t = if max_abs > 0.0 {
        (v / max_abs).clamp(-1.0, 1.0)
    } else {
        0.0
    };
    // Map t ∈ [−1, 1] onto the 6 segments between the 7 stops.
    let x = (t + 1.0) * 3.0;
    let k = (x.floor() as usize).min(5);
    let f = x - k as f64;
    let (a, b) = (RDBU[k], RDBU[k + 1]);
    let mix = |p: u8, q: u8| (f64::from(p) + (f64::from(q) - f64::from(p)) * f).round() as u8;
    Rgb(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Levels per side of zero used by [`diverging_banded`].
pub const BANDS: f64 = 24.0;

/// [`diverging`] with |v|/max_abs rounded to one of [`BANDS`] levels per side (49 colours in
/// all, below what the eye separates on this scale). Canvas drawings use it so that cells of
/// one colour share one `fillStyle` change instead of one per cell.
pub fn diverging_banded(v: f64, max_abs: f64) -> Rgb {
    if !v.is_finite() || max_abs <= 0.0 {
        return diverging(v, max_abs);
    }
    let t = (v / max_abs).clamp(-1.0, 1.0);
    diverging((t * BANDS).round() / BANDS, 1.0)
}

/// [`diverging_banded`] for many values on one scale: the 2·[`BANDS`] + 1 colours computed once,
/// then one division and one rounding per value — a 500 × 500 matrix is 250 000 values, and the
/// scale's own roundings (`f64::round` is a function call in WebAssembly) were most of its paint.
#[derive(Debug, Clone)]
pub struct Banded {
    max_abs: f64,
    lut: [Rgb; 2 * BANDS as usize + 1],
}

impl Banded {
    /// The scale with half-range `max_abs`.
    pub fn new(max_abs: f64) -> Self {
        let mut lut = [Rgb(0, 0, 0); 2 * BANDS as usize + 1];
        for (k, c) in lut.iter_mut().enumerate() {
            *c = diverging((k as f64 - BANDS) / BANDS, 1.0);
        }
        Banded { max_abs, lut }
    }

    /// The same colour as `diverging_banded(v, max_abs)`.
    pub fn colour(&self, v: f64) -> Rgb {
        // Most entries of a large graph's matrices are 0: its band without a division and a
        // rounding (a libm call in WebAssembly).
        if v == 0.0 && self.max_abs > 0.0 {
            return self.lut[BANDS as usize];
        }
        if !v.is_finite() || self.max_abs <= 0.0 {
            return diverging(v, self.max_abs);
        }
        let t = (v / self.max_abs).clamp(-1.0, 1.0);
        // t·BANDS ∈ [−BANDS, BANDS]: the index is in range.
        self.lut[((t * BANDS).round() + BANDS) as usize]
    }
}

/// The largest |v| over finite values (0 for an empty or all-zero input): the half-range
/// that makes a matrix's own extremes the ends of the scale.
pub fn max_abs<'a>(values: impl IntoIterator<Item = &'a f64>) -> f64 {
    values
        .into_iter()
        .filter(|v| v.is_finite())
        // A comparison, not f64::max: no NaN can reach here, and f64::max is a libm call in
        // WebAssembly (its NaN rule differs from the instruction's).
        .fold(0.0, |m, v| if v.abs() > m { v.abs() } else { m })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_banded_table_gives_the_banded_colours() {
        for max_abs in [0.0, 1e-3, 0.5, 1.0, 7.25] {
            let b = Banded::new(max_abs);
            for k in -2000..=2000 {
                // Includes the ties t·BANDS = n + ½ and values beyond the range.
                let v = k as f64 / 1000.0 * max_abs.max(1.0) * 1.2;
                let t = k as f64 / 48.0 / 1000.0 * max_abs;
                for v in [v, t, -v] {
                    assert_eq!(
                        b.colour(v),
                        diverging_banded(v, max_abs),
                        "{v} on ±{max_abs}"
                    );
                }
            }
            for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 0.0, -0.0] {
                assert_eq!(b.colour(v), diverging_banded(v, max_abs), "{v}");
            }
        }
    }

    #[test]
    fn ends_and_middle_are_the_palette_stops() {
        assert_eq!(diverging(-1.0, 1.0), Rgb(0xb2, 0x18, 0x2b));
        assert_eq!(diverging(0.0, 1.0), Rgb(0xf7, 0xf7, 0xf7));
        assert_eq!(diverging(1.0, 1.0), Rgb(0x21, 0x66, 0xac));
        assert_eq!(diverging(5.0, 1.0), diverging(1.0, 1.0), "clamped");
        assert_eq!(
            diverging(3.0, 0.0),
            diverging(0.0, 1.0),
            "degenerate range is neutral"
        );
        assert_eq!(diverging(f64::NAN, 1.0).css(), "#ff00ff");
        assert_eq!(diverging(f64::NEG_INFINITY, 1.0), INFINITE);
        assert_eq!(INFINITE.text_colour(), "#fff");
    }

    #[test]
    fn bands_keep_the_ends_and_few_colours() {
        assert_eq!(diverging_banded(-7.0, 7.0), diverging(-1.0, 1.0));
        assert_eq!(diverging_banded(0.01, 1.0), diverging(0.0, 1.0));
        let mut all: Vec<Rgb> = (0..1000)
            .map(|k| diverging_banded(k as f64 / 500.0 - 1.0, 1.0))
            .collect();
        all.sort_by_key(|c| (c.0, c.1, c.2));
        all.dedup();
        assert!(all.len() <= 2 * BANDS as usize + 1);
        assert_eq!(diverging_banded(f64::NAN, 1.0).css(), "#ff00ff");
    }

    #[test]
    fn text_stays_readable() {
        assert_eq!(diverging(1.0, 1.0).text_colour(), "#fff");
        assert_eq!(diverging(0.0, 1.0).text_colour(), "#111");
    }

    #[test]
    fn max_abs_ignores_non_finite() {
        assert_eq!(max_abs(&[1.0, -3.0, f64::NAN]), 3.0);
        assert_eq!(max_abs(&[]), 0.0);
    }
}
