//! Row-wise softmax, α_ij = exp(e_ij) / Σ_j' exp(e_ij') (seed 002), and its backward:
//! with y = softmax(x) and upstream g, ∂L/∂x_i = y_i (g_i − Σ_j y_j g_j).
//!
//! Masked entries are −∞ and get weight exactly 0. A row that is masked *entirely* has no
//! distribution; by convention its weights are all 0 (its output is the zero vector) rather
//! than NaN.

use super::super::Mat;

/// Softmax of every row, computed stably (the row maximum is subtracted first).
pub fn softmax_rows(x: &Mat) -> Mat {
    // Column-major storage: work column by column with per-row accumulators (a row-by-row
    // loop strides through memory and profiled at 9 % of an attention pass).
    let n = x.nrows();
    let mut y = x.clone();
    if n == 0 || x.ncols() == 0 {
        return y;
    }
    let mut max = vec![f64::NEG_INFINITY; n];
    for col in x.as_slice().chunks(n) {
        for (m, v) in max.iter_mut().zip(col) {
            *m = m.max(*v);
        }
    }
    let mut sum = vec![0.0; n];
    for col in y.as_mut_slice().chunks_mut(n) {
        for ((v, m), s) in col.iter_mut().zip(&max).zip(sum.iter_mut()) {
            if *m == f64::NEG_INFINITY || m.is_nan() {
                // A row with nothing allowed (all −∞) gets all-zero weights, not NaN.
                *v = 0.0;
            } else {
                *v = (*v - m).exp();
                *s += *v;
            }
        }
    }
    for col in y.as_mut_slice().chunks_mut(n) {
        for (v, s) in col.iter_mut().zip(&sum) {
            if *s != 0.0 {
                *v /= s;
            }
        }
    }
    y
}

/// ∂L/∂x for y = softmax_rows(x), given y and ∂L/∂y: ∂L/∂x_ij = y_ij (∂L/∂y_ij − Σ_k y_ik ∂L/∂y_ik).
pub fn softmax_rows_backward(y: &Mat, grad_y: &Mat) -> Mat {
    let n = y.nrows();
    let mut gx = Mat::zeros(n, y.ncols());
    if n == 0 || y.ncols() == 0 {
        return gx;
    }
    let mut dot = vec![0.0; n];
    for (yc, gc) in y.as_slice().chunks(n).zip(grad_y.as_slice().chunks(n)) {
        for ((d, a), b) in dot.iter_mut().zip(yc).zip(gc) {
            *d += a * b;
        }
    }
    for ((xc, yc), gc) in gx
        .as_mut_slice()
        .chunks_mut(n)
        .zip(y.as_slice().chunks(n))
        .zip(grad_y.as_slice().chunks(n))
    {
        for (((x, a), b), d) in xc.iter_mut().zip(yc).zip(gc).zip(&dot) {
            *x = a * (b - d);
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
