//! faer's self-adjoint eigensolver behind one non-generic function.
//!
//! Why a crate of its own: the browser build is at `opt-level = "z"` for size, and faer's generic
//! code is instantiated — and optimised — in the crate that calls it, so a
//! `[profile.release.package.faer]` override changes nothing. Called from here, the solver is
//! compiled with this crate's profile (`opt-level = 2`, nnviz's Cargo.toml), which halved a
//! 500-node spectrum's time in the browser (docs/performance.md).

/// Eigenvalues and eigenvectors of the symmetric `n`×`n` matrix stored column-major in `a`
/// (only its lower triangle is read). Returns the eigenvalues (in faer's order) and the
/// eigenvectors column-major, column k belonging to eigenvalue k; `None` when the iteration did
/// not converge or `a` is not `n`×`n`.
pub fn self_adjoint_eigen(n: usize, a: &[f64]) -> Option<(Vec<f64>, Vec<f64>)> {
    if a.len() != n * n {
        return None;
    }
    let m = faer::MatRef::from_column_major_slice(a, n, n);
    let eig = m.self_adjoint_eigen(faer::Side::Lower).ok()?;
    let s = eig.S().column_vector();
    let u = eig.U();
    let values = (0..n).map(|k| s[k]).collect();
    let mut vectors = Vec::with_capacity(n * n);
    for j in 0..n {
        vectors.extend((0..n).map(|i| u[(i, j)]));
    }
    Some((values, vectors))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_of_three_has_its_known_spectrum() {
        // L of the path 1–2–3: eigenvalues 0, 1, 2.
        let r = 0.5f64.sqrt();
        let a = [1.0, -r, 0.0, -r, 1.0, -r, 0.0, -r, 1.0];
        let (mut values, vectors) = self_adjoint_eigen(3, &a).expect("converges");
        for k in 0..3 {
            // A u_k = λ_k u_k
            for i in 0..3 {
                let au: f64 = (0..3).map(|j| a[i + 3 * j] * vectors[j + 3 * k]).sum();
                assert!((au - values[k] * vectors[i + 3 * k]).abs() < 1e-12);
            }
        }
        values.sort_by(f64::total_cmp);
        for (v, want) in values.iter().zip([0.0, 1.0, 2.0]) {
            assert!((v - want).abs() < 1e-12, "{v} vs {want}");
        }
        assert!(self_adjoint_eigen(2, &a).is_none());
    }
}
