//! Row-wise softmax, α_ij = exp(e_ij) / Σ_j' exp(e_ij') (seed 002), and its backward:
//! with y = softmax(x) and upstream g, ∂L/∂x_i = y_i (g_i − Σ_j y_j g_j).
//!
//! Masked entries are −∞ and get weight exactly 0. A row that is masked *entirely* has no
//! distribution; by convention its weights are all 0 (its output is the zero vector) rather
//! than NaN.

use super::super::Mat;

/// Softmax of every row, computed stably (the row maximum is subtracted first).
pub fn softmax_rows(x: &Mat) -> Mat {
    let mut y = x.clone();
    for mut row in y.row_iter_mut() {
        let max = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if max == f64::NEG_INFINITY || max.is_nan() {
            row.fill(0.0);
            continue;
        }
        let mut sum = 0.0;
        for v in row.iter_mut() {
            *v = (*v - max).exp();
            sum += *v;
        }
        for v in row.iter_mut() {
            *v /= sum;
        }
    }
    y
}

/// ∂L/∂x for y = softmax_rows(x), given y and ∂L/∂y.
pub fn softmax_rows_backward(y: &Mat, grad_y: &Mat) -> Mat {
    let mut gx = Mat::zeros(y.nrows(), y.ncols());
    for i in 0..y.nrows() {
        let dot: f64 = (0..y.ncols()).map(|j| y[(i, j)] * grad_y[(i, j)]).sum();
        for j in 0..y.ncols() {
            gx[(i, j)] = y[(i, j)] * (grad_y[(i, j)] - dot);
        }
    }
    gx
}

/// Shannon entropy (nats) of every row of a row-stochastic matrix; 0·ln 0 = 0.
pub fn row_entropy(p: &Mat) -> Vec<f64> {
    p.row_iter()
        .map(|r| {
            -r.iter()
                .filter(|&&v| v > 0.0)
                .map(|&v| v * v.ln())
                .sum::<f64>()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::gradcheck::{numerical_grad, rel_error};

    #[test]
    fn golden_row() {
        // softmax(1, 2, 3) = (e¹, e², e³) / (e¹ + e² + e³) = (0.0900, 0.2447, 0.6652)
        let y = softmax_rows(&Mat::from_row_slice(1, 3, &[1.0, 2.0, 3.0]));
        let want = [
            0.090_030_573_170_380_46,
            0.244_728_471_054_797_6,
            0.665_240_955_774_821_9,
        ];
        for j in 0..3 {
            assert!((y[(0, j)] - want[j]).abs() < 1e-15);
        }
    }

    #[test]
    fn masks_give_exact_zeros_and_full_mask_gives_zero_row() {
        let ninf = f64::NEG_INFINITY;
        let y = softmax_rows(&Mat::from_row_slice(
            2,
            3,
            &[0.5, ninf, 0.5, ninf, ninf, ninf],
        ));
        assert_eq!(y[(0, 1)], 0.0);
        assert_eq!(y[(0, 0)], 0.5);
        assert_eq!(y.row(1).sum(), 0.0);
        assert!(y.iter().all(|v| v.is_finite()));
    }

    #[test]
    fn large_scores_do_not_overflow() {
        let y = softmax_rows(&Mat::from_row_slice(1, 2, &[1000.0, 999.0]));
        assert!((y.sum() - 1.0).abs() < 1e-15);
    }

    #[test]
    fn backward_matches_finite_differences() {
        let x = Mat::from_row_slice(2, 4, &[0.1, -0.3, 0.8, 0.0, 1.2, 0.4, -0.7, 0.2]);
        let g = Mat::from_row_slice(2, 4, &[0.5, -1.0, 0.3, 2.0, -0.4, 0.1, 0.9, -0.6]);
        let analytic = softmax_rows_backward(&softmax_rows(&x), &g);
        let numeric = numerical_grad(|xx| softmax_rows(xx).component_mul(&g).sum(), &x);
        assert!(rel_error(&analytic, &numeric) < 1e-9);
    }

    #[test]
    fn entropy_of_uniform_is_ln_n() {
        let p = Mat::from_element(1, 4, 0.25);
        assert!((row_entropy(&p)[0] - 4f64.ln()).abs() < 1e-15);
        assert_eq!(row_entropy(&Mat::from_row_slice(1, 2, &[1.0, 0.0]))[0], 0.0);
    }
}
