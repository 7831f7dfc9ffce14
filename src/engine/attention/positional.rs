//! Positional encodings (seed 003: "attention is permutation invariant, but language is not").
//! Sinusoidal (Vaswani et al.): PE(pos, 2i) = sin(pos / base^(2i/d)),
//! PE(pos, 2i+1) = cos(pos / base^(2i/d)), base = 10000 in the paper; or a learned matrix.

use super::super::Mat;

/// How positions are encoded.
#[derive(Debug, Clone, PartialEq)]
pub enum Positional {
    /// No positional information (attention is then permutation-equivariant).
    None,
    /// The fixed sinusoidal encoding with the given base.
    Sinusoidal {
        /// The base (10000 in the paper).
        base: f64,
    },
    /// A learned matrix (max_len × d_model); row p is added at position p.
    Learned(Mat),
}

/// The sinusoidal PE matrix (n × d_model).
pub fn sinusoidal(n: usize, d_model: usize, base: f64) -> Mat {
    Mat::from_fn(n, d_model, |pos, j| {
        let i2 = (j - j % 2) as f64;
        let angle = pos as f64 / base.powf(i2 / d_model.max(1) as f64);
        if j % 2 == 0 {
            angle.sin()
        } else {
            angle.cos()
        }
    })
}

impl Positional {
    /// The encoding for the first `n` positions (zeros for `None`; a learned matrix shorter
    /// than `n` leaves later positions at zero).
    pub fn matrix(&self, n: usize, d_model: usize) -> Mat {
        match self {
            Positional::None => Mat::zeros(n, d_model),
            Positional::Sinusoidal { base } => sinusoidal(n, d_model, *base),
            Positional::Learned(m) => {
                Mat::from_fn(n, d_model, |i, j| m.get((i, j)).copied().unwrap_or(0.0))
            }
        }
    }

    /// The model input X = E + P for token embeddings `e` (n × d_model): returns (P, X).
    pub fn encode(&self, e: &Mat) -> (Mat, Mat) {
        let p = self.matrix(e.nrows(), e.ncols());
        let x = e + &p;
        (p, x)
    }
}

/// How alike the positions are: the Gram matrix P Pᵀ (entry (i, j) = p_iᵀ p_j). For the
/// sinusoidal encoding each sin/cos pair contributes cos(ω (i − j)), so the entry depends only on
/// the distance |i − j| — the property that lets attention read relative positions.
pub fn similarity(p: &Mat) -> Mat {
    p * p.transpose()
}

/// A learned position table at its initialisation: N(0, 0.1²) entries drawn from `rng`
/// (a trained model moves them; the tiny model of the attention view learns its own).
pub fn learned_init(rng: &mut super::super::rng::Rng, max_len: usize, d_model: usize) -> Mat {
    super::super::rng::normal(rng, max_len, d_model, 0.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_adds_the_position_matrix() {
        let e = Mat::from_element(2, 2, 0.5);
        let (p, x) = Positional::Sinusoidal { base: 10_000.0 }.encode(&e);
        assert_eq!(
            x,
            Mat::from_row_slice(2, 2, &[0.5, 1.5, 0.5 + 1f64.sin(), 0.5 + 1f64.cos()])
        );
        assert_eq!(p, sinusoidal(2, 2, 10_000.0));
        assert_eq!(Positional::None.encode(&e).1, e);
    }

    #[test]
    fn golden_entries() {
        let pe = sinusoidal(3, 4, 10_000.0);
        // pos 0: (sin 0, cos 0, sin 0, cos 0) = (0, 1, 0, 1)
        assert_eq!(
            pe.row(0).iter().copied().collect::<Vec<_>>(),
            vec![0.0, 1.0, 0.0, 1.0]
        );
        // pos 1, i = 1: angle = 1/10000^(2/4) = 0.01.
        assert!((pe[(1, 2)] - 0.01f64.sin()).abs() < 1e-15);
        assert!((pe[(2, 1)] - 2f64.cos()).abs() < 1e-15);
    }

    #[test]
    fn sinusoidal_similarity_depends_only_on_distance() {
        // d = 2: one pair with ω = 1, so p_iᵀp_j = sin i sin j + cos i cos j = cos(i − j).
        let g = similarity(&sinusoidal(4, 2, 10_000.0));
        assert!((g[(3, 1)] - 2f64.cos()).abs() < 1e-15);
        assert!((g[(0, 0)] - 1.0).abs() < 1e-15);
        let g = similarity(&sinusoidal(12, 16, 10_000.0));
        for (i, j, k, l) in [(0, 3, 5, 8), (2, 2, 9, 9), (7, 1, 10, 4)] {
            assert!(
                (g[(i, j)] - g[(k, l)]).abs() < 1e-12,
                "({i},{j}) vs ({k},{l})"
            );
        }
        // The diagonal is d/2: each pair has sin² + cos² = 1.
        assert!((g[(5, 5)] - 8.0).abs() < 1e-12);
    }

    #[test]
    fn learned_table_is_seeded() {
        use crate::engine::rng::rng;
        let a = learned_init(&mut rng(3), 5, 4);
        assert_eq!(a, learned_init(&mut rng(3), 5, 4));
        assert_ne!(a, learned_init(&mut rng(4), 5, 4));
        assert!(a.iter().all(|v| v.abs() < 1.0));
    }
}
