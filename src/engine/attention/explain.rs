//! One weight of an attention head written out term by term, for the formula beside the
//! heatmaps (seed 002's notation): e_ij = q_iᵀ k_j, the scaled score ẽ_ij = e_ij / √d_k, −∞ where
//! the mask forbids, and α_ij = exp(ẽ_ij) / Σ_j' exp(ẽ_ij'). The exponentials are taken after
//! subtracting the row maximum m_i (as every softmax implementation does, so that unscaled
//! scores cannot overflow); the ratio is the same.

use super::scaled::AttentionTrace;

/// The terms of α_ij for query i and key j.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryTerms {
    /// Raw score e_ij = q_iᵀ k_j.
    pub score: f64,
    /// The factor applied to the score: 1/√d_k, or 1 without scaling.
    pub scale: f64,
    /// The scaled score ẽ_ij.
    pub scaled: f64,
    /// Whether the mask lets query i see key j.
    pub allowed: bool,
    /// The row maximum m_i of the masked scaled scores.
    pub row_max: f64,
    /// exp(ẽ_ij − m_i) (0 where masked).
    pub numerator: f64,
    /// Σ_j' exp(ẽ_ij' − m_i) over the keys query i may see.
    pub denominator: f64,
    /// The weight α_ij from the trace.
    pub weight: f64,
    /// How many keys query i may see.
    pub visible: usize,
}

/// The terms of entry (i, j) of a head's trace; `None` outside the matrix.
pub fn entry(t: &AttentionTrace, i: usize, j: usize) -> Option<EntryTerms> {
    let (n_q, n_k) = t.masked.shape();
    if i >= n_q || j >= n_k {
        return None;
    }
    let row = t.masked.row(i);
    let row_max = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let ex = |v: f64| {
        if v == f64::NEG_INFINITY {
            0.0
        } else {
            (v - row_max).exp()
        }
    };
    Some(EntryTerms {
        score: t.scores[(i, j)],
        scale: t.scale,
        scaled: t.scaled[(i, j)],
        allowed: t.masked[(i, j)] != f64::NEG_INFINITY,
        row_max,
        numerator: ex(t.masked[(i, j)]),
        denominator: row.iter().map(|&v| ex(v)).sum(),
        weight: t.weights[(i, j)],
        visible: row.iter().filter(|&&v| v != f64::NEG_INFINITY).count(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::attention::{attention, Mask};
    use crate::engine::Mat;

    #[test]
    fn terms_of_a_two_by_two_causal_head() {
        // q_1 = (1, 0), q_2 = (1, 1); k_1 = (2, 0), k_2 = (0, 2); d_k = 2.
        // e = [[2, 0], [2, 2]]; ÷√2 → [[1.414, 0], [1.414, 1.414]]; causal hides (1, 2).
        let q = Mat::from_row_slice(2, 2, &[1.0, 0.0, 1.0, 1.0]);
        let k = Mat::from_row_slice(2, 2, &[2.0, 0.0, 0.0, 2.0]);
        let t = attention(&q, &k, &Mat::identity(2, 2), &Mask::Causal, true).unwrap();
        let s = 2f64.sqrt();
        let e = entry(&t, 1, 0).unwrap();
        assert_eq!(e.score, 2.0);
        assert!((e.scaled - s).abs() < 1e-15);
        assert!(e.allowed);
        // Row 2: both scaled scores are √2, so m = √2, each numerator exp(0) = 1, Σ = 2, α = ½.
        assert!((e.row_max - s).abs() < 1e-15);
        assert_eq!((e.numerator, e.denominator), (1.0, 2.0));
        assert!((e.weight - 0.5).abs() < 1e-15);
        assert_eq!(e.visible, 2);
        let hidden = entry(&t, 0, 1).unwrap();
        assert!(!hidden.allowed);
        assert_eq!(
            (hidden.numerator, hidden.weight, hidden.visible),
            (0.0, 0.0, 1)
        );
        assert_eq!(hidden.denominator, 1.0);
        assert!(entry(&t, 2, 0).is_none());
    }

    #[test]
    fn numerator_over_denominator_is_the_weight() {
        let q = Mat::from_fn(3, 4, |i, j| (i as f64 - j as f64) * 3.0);
        let k = Mat::from_fn(5, 4, |i, j| (i * j) as f64 * 0.7 - 1.0);
        for scale in [true, false] {
            let t = attention(&q, &k, &Mat::identity(5, 5), &Mask::None, scale).unwrap();
            for i in 0..3 {
                for j in 0..5 {
                    let e = entry(&t, i, j).unwrap();
                    assert!((e.numerator / e.denominator - e.weight).abs() < 1e-12);
                }
            }
        }
    }
}
