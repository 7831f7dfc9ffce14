//! Small linear-algebra helpers on top of nalgebra.

use super::{EngineError, Mat, Result};

/// The largest singular value ‖M‖₂ (nalgebra's SVD; non-convergence is an error).
pub fn spectral_norm(m: &Mat) -> Result<f64> {
    if m.is_empty() {
        return Ok(0.0);
    }
    if m.iter().any(|v| !v.is_finite()) {
        return Err(EngineError::NonFinite {
            what: "matrix",
            row: 0,
            col: 0,
        });
    }
    let svd = nalgebra::SVD::try_new(m.clone(), false, false, f64::EPSILON, 10_000)
        .ok_or(EngineError::NoConvergence { what: "SVD" })?;
    Ok(svd.singular_values.max())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spectral_norm_of_diagonal_is_largest_entry() {
        let m = Mat::from_diagonal(&crate::engine::Vector::from_vec(vec![0.5, -3.0, 2.0]));
        assert!((spectral_norm(&m).unwrap() - 3.0).abs() < 1e-12);
    }
}
