//! Losses, each returning the value and its gradient with respect to the prediction.
//!
//! * Mean squared error L = (1/n) Σ (ŷ − y)², ∂L/∂ŷ = (2/n)(ŷ − y).
//! * Softmax cross-entropy over the rows of a logit matrix with a target class per row (rows
//!   without a target are skipped, as for unlabelled nodes): L = −(1/m) Σ_rows log p_{r,c_r},
//!   ∂L/∂z_r = (p_r − onehot(c_r)) / m where m is the number of labelled rows.

use super::super::Mat;
use super::softmax::softmax_rows;

/// Mean squared error and its gradient with respect to `pred`.
pub fn mse(pred: &Mat, target: &Mat) -> (f64, Mat) {
    let n = pred.len().max(1) as f64;
    let diff = pred - target;
    (diff.norm_squared() / n, diff * (2.0 / n))
}

/// Softmax cross-entropy over rows of `logits`; `targets[r]` is the class of row r or `None`.
/// Returns (mean loss over labelled rows, ∂L/∂logits, softmax probabilities).
pub fn cross_entropy_rows(logits: &Mat, targets: &[Option<usize>]) -> (f64, Mat, Mat) {
    let p = softmax_rows(logits);
    let m = targets.iter().flatten().count();
    let mut grad = Mat::zeros(logits.nrows(), logits.ncols());
    if m == 0 {
        return (0.0, grad, p);
    }
    let mut loss = 0.0;
    for (r, t) in targets.iter().enumerate() {
        let Some(c) = *t else { continue };
        if r >= p.nrows() || c >= p.ncols() {
            continue;
        }
        loss -= p[(r, c)].max(f64::MIN_POSITIVE).ln();
        for j in 0..p.ncols() {
            grad[(r, j)] = (p[(r, j)] - if j == c { 1.0 } else { 0.0 }) / m as f64;
        }
    }
    (loss / m as f64, grad, p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::gradcheck::{numerical_grad, rel_error};

    #[test]
    fn mse_golden_and_gradient() {
        let p = Mat::from_row_slice(1, 2, &[1.0, 3.0]);
        let t = Mat::from_row_slice(1, 2, &[0.0, 1.0]);
        let (l, g) = mse(&p, &t);
        assert_eq!(l, (1.0 + 4.0) / 2.0);
        let num = numerical_grad(|pp| mse(pp, &t).0, &p);
        assert!(rel_error(&g, &num) < 1e-9);
    }

    #[test]
    fn cross_entropy_golden_and_gradient() {
        // Uniform logits over 4 classes: L = ln 4.
        let (l, _, _) = cross_entropy_rows(&Mat::zeros(1, 4), &[Some(2)]);
        assert!((l - 4f64.ln()).abs() < 1e-15);
        let z = Mat::from_row_slice(3, 3, &[0.2, -0.4, 1.1, 0.0, 0.3, -0.2, 2.0, 0.1, 0.5]);
        let t = [Some(2), None, Some(0)];
        let (_, g, _) = cross_entropy_rows(&z, &t);
        let num = numerical_grad(|zz| cross_entropy_rows(zz, &t).0, &z);
        assert!(rel_error(&g, &num) < 1e-9);
        assert_eq!(g.row(1).sum(), 0.0, "unlabelled rows get no gradient");
    }
}
