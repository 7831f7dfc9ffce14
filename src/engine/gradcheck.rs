//! Central finite differences, the referee of every backward pass:
//! ∂f/∂x_k ≈ (f(x + h e_k) − f(x − h e_k)) / 2h with h = 1e-6, in f64.
//!
//! Errors are measured per tensor as ‖a − n‖ / max(‖a‖ + ‖n‖, 1e-12) (Frobenius norms), which
//! stays meaningful when individual entries are tiny (vanishing gradients).

use super::params::Parameters;
use super::Mat;

/// Step of the central difference.
pub const STEP: f64 = 1e-6;

/// The numerical gradient of scalar `f` at `x`.
pub fn numerical_grad(f: impl Fn(&Mat) -> f64, x: &Mat) -> Mat {
    let mut g = Mat::zeros(x.nrows(), x.ncols());
    let mut xp = x.clone();
    for k in 0..x.len() {
        let orig = xp[k];
        xp[k] = orig + STEP;
        let fp = f(&xp);
        xp[k] = orig - STEP;
        let fm = f(&xp);
        xp[k] = orig;
        g[k] = (fp - fm) / (2.0 * STEP);
    }
    g
}

/// Relative error ‖a − n‖ / max(‖a‖ + ‖n‖, 1e-12).
pub fn rel_error(a: &Mat, n: &Mat) -> f64 {
    (a - n).norm() / (a.norm() + n.norm()).max(1e-12)
}

/// Checks every tensor of `analytic` (gradients of `loss` at `params`) against central
/// differences. Returns the worst (tensor name, relative error).
pub fn check_parameters<P: Parameters>(
    params: &P,
    analytic: &P,
    loss: impl Fn(&P) -> f64,
) -> (&'static str, f64) {
    let names: Vec<&'static str> = params.tensors().iter().map(|(n, _)| *n).collect();
    let grads: Vec<Mat> = analytic
        .tensors()
        .iter()
        .map(|(_, t)| (*t).clone())
        .collect();
    let mut worst = ("", 0.0);
    for (k, name) in names.iter().enumerate() {
        let base = params.tensors()[k].1.clone();
        let numeric = numerical_grad(
            |x| {
                let mut p = params.clone();
                *p.tensors_mut().swap_remove(k).1 = x.clone();
                loss(&p)
            },
            &base,
        );
        let e = rel_error(&grads[k], &numeric);
        if e > worst.1 || worst.0.is_empty() {
            worst = (name, e);
        }
    }
    worst
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gradient_of_a_quadratic() {
        // f(x) = Σ x², ∇f = 2x.
        let x = Mat::from_row_slice(1, 3, &[1.0, -2.0, 0.5]);
        let g = numerical_grad(|x| x.norm_squared(), &x);
        assert!(rel_error(&g, &(&x * 2.0)) < 1e-9);
    }

    #[test]
    fn relative_error_flags_a_wrong_gradient() {
        let a = Mat::from_row_slice(1, 2, &[1.0, 2.0]);
        assert!(rel_error(&a, &(&a * 1.01)) > 1e-3);
    }
}
