//! Layer normalisation over the features of each row (token), seed 003's "LN":
//! μ = mean(x), σ² = var(x), x̂ = (x − μ)/√(σ² + ε), y = γ ⊙ x̂ + β.
//!
//! Backward, per row with n features and g = ∂L/∂y:
//! ∂L/∂γ = Σ_rows g ⊙ x̂, ∂L/∂β = Σ_rows g, and with ĝ = g ⊙ γ,
//! ∂L/∂x = (1/√(σ²+ε)) (ĝ − mean(ĝ) − x̂ · mean(ĝ ⊙ x̂)).

use super::super::Mat;

/// The ε added to the variance.
pub const LN_EPS: f64 = 1e-5;

/// Every intermediate of a LayerNorm forward pass.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerNormTrace {
    /// Normalised input x̂ (rows × features).
    pub x_hat: Mat,
    /// 1/√(σ² + ε) per row.
    pub inv_std: Vec<f64>,
    /// Output y = γ ⊙ x̂ + β.
    pub y: Mat,
}

/// LayerNorm of each row of `x` with gain `gamma` and shift `beta` (both 1 × features).
pub fn layer_norm(x: &Mat, gamma: &Mat, beta: &Mat) -> LayerNormTrace {
    let n = x.ncols().max(1) as f64;
    let mut x_hat = x.clone();
    let mut inv_std = Vec::with_capacity(x.nrows());
    for mut row in x_hat.row_iter_mut() {
        let mu = row.sum() / n;
        let var = row.iter().map(|v| (v - mu).powi(2)).sum::<f64>() / n;
        let s = 1.0 / (var + LN_EPS).sqrt();
        for v in row.iter_mut() {
            *v = (*v - mu) * s;
        }
        inv_std.push(s);
    }
    let mut y = x_hat.clone();
    for mut row in y.row_iter_mut() {
        for (j, v) in row.iter_mut().enumerate() {
            *v = *v * gamma[(0, j)] + beta[(0, j)];
        }
    }
    LayerNormTrace { x_hat, inv_std, y }
}

/// Gradients (∂L/∂x, ∂L/∂γ, ∂L/∂β) of LayerNorm given its trace, γ and ∂L/∂y.
pub fn layer_norm_backward(t: &LayerNormTrace, gamma: &Mat, grad_y: &Mat) -> (Mat, Mat, Mat) {
    let (rows, n) = (grad_y.nrows(), grad_y.ncols());
    let mut gx = Mat::zeros(rows, n);
    let mut ggamma = Mat::zeros(1, n);
    let mut gbeta = Mat::zeros(1, n);
    for r in 0..rows {
        let mut mean_g = 0.0;
        let mut mean_gx = 0.0;
        for j in 0..n {
            let g = grad_y[(r, j)];
            ggamma[(0, j)] += g * t.x_hat[(r, j)];
            gbeta[(0, j)] += g;
            let gh = g * gamma[(0, j)];
            mean_g += gh;
            mean_gx += gh * t.x_hat[(r, j)];
        }
        mean_g /= n as f64;
        mean_gx /= n as f64;
        for j in 0..n {
            let gh = grad_y[(r, j)] * gamma[(0, j)];
            gx[(r, j)] = t.inv_std[r] * (gh - mean_g - t.x_hat[(r, j)] * mean_gx);
        }
    }
    (gx, ggamma, gbeta)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::gradcheck::{numerical_grad, rel_error};

    #[test]
    fn golden_row() {
        // x = (1, 2, 3): μ = 2, σ² = 2/3, x̂ = (−1, 0, 1)/√(2/3 + ε).
        let t = layer_norm(
            &Mat::from_row_slice(1, 3, &[1.0, 2.0, 3.0]),
            &Mat::from_element(1, 3, 1.0),
            &Mat::zeros(1, 3),
        );
        let s = 1.0 / (2.0f64 / 3.0 + LN_EPS).sqrt();
        assert!((t.y[(0, 0)] + s).abs() < 1e-15 && t.y[(0, 1)].abs() < 1e-15);
    }

    #[test]
    fn backward_matches_finite_differences() {
        let x = Mat::from_row_slice(2, 4, &[0.3, -1.2, 0.8, 2.0, -0.5, 0.1, 0.4, -0.9]);
        let gamma = Mat::from_row_slice(1, 4, &[1.1, 0.7, -0.4, 1.3]);
        let beta = Mat::from_row_slice(1, 4, &[0.1, -0.2, 0.0, 0.3]);
        let w = Mat::from_row_slice(2, 4, &[0.2, -0.7, 1.0, 0.4, -0.3, 0.8, 0.5, -1.1]);
        let t = layer_norm(&x, &gamma, &beta);
        let (gx, gg, gb) = layer_norm_backward(&t, &gamma, &w);
        let f = |x: &Mat, g: &Mat, b: &Mat| layer_norm(x, g, b).y.component_mul(&w).sum();
        assert!(rel_error(&gx, &numerical_grad(|xx| f(xx, &gamma, &beta), &x)) < 1e-7);
        assert!(rel_error(&gg, &numerical_grad(|gg| f(&x, gg, &beta), &gamma)) < 1e-7);
        assert!(rel_error(&gb, &numerical_grad(|bb| f(&x, &gamma, bb), &beta)) < 1e-7);
    }
}
