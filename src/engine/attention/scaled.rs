//! Scaled dot-product attention, one intermediate at a time (as transformer-explainer names
//! them): scores S = QKᵀ, scaled S/√d_k (or not, to show saturation), masked (−∞ where the mask
//! forbids), weights A = softmax(masked) row-wise, output O = AV.
//!
//! Backward from ∂L/∂O: ∂L/∂A = ∂L/∂O Vᵀ, ∂L/∂V = Aᵀ ∂L/∂O, ∂L/∂masked = softmax backward,
//! zero where masked, ∂L/∂S = s · ∂L/∂masked with s = 1/√d_k (or 1), ∂L/∂Q = ∂L/∂S K,
//! ∂L/∂K = ∂L/∂Sᵀ Q.

use super::super::linalg::at_b;
use super::super::ops::{softmax_rows, softmax_rows_backward};
use super::super::{EngineError, Mat, Result};
use super::mask::Mask;

/// Every intermediate of one attention head.
#[derive(Debug, Clone, PartialEq)]
pub struct AttentionTrace {
    /// Raw scores S = QKᵀ (n_q × n_k), e_ij = q_iᵀ k_j.
    pub scores: Mat,
    /// The factor applied: 1/√d_k, or 1 when scaling is off.
    pub scale: f64,
    /// S · scale.
    pub scaled: Mat,
    /// Scaled scores with −∞ where the mask forbids.
    pub masked: Mat,
    /// Weights α = softmax(masked), row-wise.
    pub weights: Mat,
    /// Output O = αV (n_q × d_v).
    pub output: Mat,
}

/// Attention of queries `q` (n_q × d_k) over keys `k` (n_k × d_k) and values `v` (n_k × d_v).
pub fn attention(
    q: &Mat,
    k: &Mat,
    v: &Mat,
    mask: &Mask,
    scale_by_sqrt_dk: bool,
) -> Result<AttentionTrace> {
    if q.ncols() != k.ncols() {
        return Err(EngineError::Shape {
            what: format!("Q has d_k = {} but K has {}", q.ncols(), k.ncols()),
        });
    }
    if k.nrows() != v.nrows() {
        return Err(EngineError::Shape {
            what: format!("{} keys but {} values", k.nrows(), v.nrows()),
        });
    }
    let scores = q * k.transpose();
    let scale = if scale_by_sqrt_dk && q.ncols() > 0 {
        1.0 / (q.ncols() as f64).sqrt()
    } else {
        1.0
    };
    let scaled = &scores * scale;
    let mut masked = scaled.clone();
    if *mask != Mask::None {
        for j in 0..masked.ncols() {
            for i in 0..masked.nrows() {
                if !mask.allows(i, j) {
                    masked[(i, j)] = f64::NEG_INFINITY;
                }
            }
        }
    }
    let weights = softmax_rows(&masked);
    let output = &weights * v;
    Ok(AttentionTrace {
        scores,
        scale,
        scaled,
        masked,
        weights,
        output,
    })
}

/// (∂L/∂Q, ∂L/∂K, ∂L/∂V) from ∂L/∂O.
pub fn attention_backward(
    t: &AttentionTrace,
    q: &Mat,
    k: &Mat,
    v: &Mat,
    grad_out: &Mat,
) -> (Mat, Mat, Mat) {
    let d_weights = grad_out * v.transpose();
    let d_v = at_b(&t.weights, grad_out);
    let mut d_masked = softmax_rows_backward(&t.weights, &d_weights);
    for (dm, m) in d_masked.iter_mut().zip(t.masked.iter()) {
        if *m == f64::NEG_INFINITY {
            *dm = 0.0;
        }
    }
    let d_scores = d_masked * t.scale;
    (&d_scores * k, at_b(&d_scores, q), d_v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::gradcheck::{numerical_grad, rel_error};

    #[test]
    fn golden_two_tokens() {
        // q₁ = (1, 0), q₂ = (0, 1); k₁ = (1, 0), k₂ = (1, 1); d_k = 2.
        // S = [[1, 1], [0, 1]]; scaled by 1/√2: [[0.7071, 0.7071], [0, 0.7071]].
        // Row 1 weights (½, ½); row 2: softmax(0, 0.7071) = (0.3302, 0.6698).
        let q = Mat::from_row_slice(2, 2, &[1., 0., 0., 1.]);
        let k = Mat::from_row_slice(2, 2, &[1., 0., 1., 1.]);
        let v = Mat::from_row_slice(2, 1, &[10., 20.]);
        let t = attention(&q, &k, &v, &Mask::None, true).unwrap();
        assert_eq!(t.scores, Mat::from_row_slice(2, 2, &[1., 1., 0., 1.]));
        assert!((t.weights[(0, 0)] - 0.5).abs() < 1e-15);
        let w = 1.0 / (1.0 + (-(0.5f64).sqrt()).exp()); // σ(1/√2) = 0.66976
        assert!((t.weights[(1, 1)] - w).abs() < 1e-15);
        assert!((t.output[(1, 0)] - (10.0 * (1.0 - w) + 20.0 * w)).abs() < 1e-12);
    }

    #[test]
    fn causal_mask_gives_exact_zeros_above_the_diagonal() {
        let x = Mat::from_row_slice(3, 2, &[0.3, 1.0, -0.5, 0.2, 0.9, -0.1]);
        let t = attention(&x, &x, &x, &Mask::Causal, true).unwrap();
        for i in 0..3 {
            for j in i + 1..3 {
                assert_eq!(t.weights[(i, j)], 0.0);
                assert_eq!(t.masked[(i, j)], f64::NEG_INFINITY);
            }
            assert!((t.weights.row(i).sum() - 1.0).abs() < 1e-15);
        }
        assert_eq!(t.weights[(0, 0)], 1.0, "the first token sees only itself");
    }

    #[test]
    fn backward_matches_finite_differences_with_a_causal_mask() {
        let q = Mat::from_row_slice(3, 2, &[0.3, 1.0, -0.5, 0.2, 0.9, -0.1]);
        let k = Mat::from_row_slice(3, 2, &[0.1, -0.4, 0.7, 0.5, -0.2, 0.8]);
        let v = Mat::from_row_slice(3, 2, &[1.0, 0.0, -1.0, 0.5, 0.3, 2.0]);
        let g = Mat::from_row_slice(3, 2, &[0.2, -0.6, 1.0, 0.4, -0.3, 0.7]);
        for scale in [true, false] {
            let t = attention(&q, &k, &v, &Mask::Causal, scale).unwrap();
            let (dq, dk, dv) = attention_backward(&t, &q, &k, &v, &g);
            let f = |q: &Mat, k: &Mat, v: &Mat| {
                attention(q, k, v, &Mask::Causal, scale)
                    .unwrap()
                    .output
                    .component_mul(&g)
                    .sum()
            };
            assert!(rel_error(&dq, &numerical_grad(|x| f(x, &k, &v), &q)) < 1e-7);
            assert!(rel_error(&dk, &numerical_grad(|x| f(&q, x, &v), &k)) < 1e-7);
            assert!(rel_error(&dv, &numerical_grad(|x| f(&q, &k, x), &v)) < 1e-7);
        }
    }

    #[test]
    fn shape_errors_are_reported() {
        let a = Mat::zeros(2, 3);
        assert!(attention(&a, &Mat::zeros(2, 2), &a, &Mask::None, true).is_err());
        assert!(attention(&a, &a, &Mat::zeros(3, 1), &Mask::None, true).is_err());
    }
}
