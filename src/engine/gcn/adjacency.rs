//! Adjacency, degree and the symmetric normalisation P = D^-½ A D^-½ (seed 001).
//!
//! **Degree-0 convention.** An isolated node has d_i = 0, so d_i^-½ is undefined. We set
//! (D^-½)_ii = 0 for such nodes (the Moore–Penrose pseudo-inverse square root), so every
//! entry of P in row and column i is 0 — no NaN, no ∞. With self-loops (Kipf's renormalisation
//! trick, Ã = A + I) every degree is ≥ 1 and the question never arises.

use super::super::{EngineError, Mat, Result, Vector};

/// Checks that `a` is a valid undirected adjacency matrix: square, finite, non-negative and
/// symmetric. Returns the first problem found.
pub fn validate_adjacency(a: &Mat) -> Result<()> {
    let what = "A";
    if a.nrows() != a.ncols() {
        return Err(EngineError::NotSquare {
            what,
            rows: a.nrows(),
            cols: a.ncols(),
        });
    }
    // Column by column, as the matrix is stored (row by row, at 500 nodes each step jumped 4 KB
    // and this check cost milliseconds); the symmetry test reads each pair once.
    let n = a.nrows();
    let s = a.as_slice();
    for (col, column) in s.chunks_exact(n.max(1)).enumerate() {
        for (row, &v) in column.iter().enumerate() {
            if !v.is_finite() {
                return Err(EngineError::NonFinite { what, row, col });
            }
            if v < 0.0 {
                return Err(EngineError::Negative { what, row, col });
            }
            if row > col && v != s[col + n * row] {
                return Err(EngineError::NotSymmetric {
                    what,
                    row: col,
                    col: row,
                });
            }
        }
    }
    Ok(())
}

/// Degrees d_i = Σ_j A_ij (row sums; a self-loop A_ii = 1 counts once, as in D̃ of A + I).
pub fn degrees(a: &Mat) -> Vector {
    // Σ of the columns: the row sums, read in storage order.
    a.column_sum()
}

/// d_i^-½, with the degree-0 convention of this module: 0 where d_i = 0.
pub fn inv_sqrt_degrees(d: &Vector) -> Vector {
    d.map(|di| if di > 0.0 { 1.0 / di.sqrt() } else { 0.0 })
}

/// A + I: every node gets a self-loop (Kipf's renormalisation trick).
pub fn with_self_loops(a: &Mat) -> Mat {
    let mut b = a.clone();
    for i in 0..a.nrows().min(a.ncols()) {
        b[(i, i)] += 1.0;
    }
    b
}

/// P = D^-½ A D^-½, i.e. P_ij = A_ij / √(d_i d_j). Validates `a` first.
pub fn normalized_adjacency(a: &Mat) -> Result<Mat> {
    validate_adjacency(a)?;
    let s = inv_sqrt_degrees(&degrees(a));
    // Column by column over the storage, touching only the edges (s is finite, so a zero stays
    // zero): entry by entry through `from_fn` this was milliseconds at 500 nodes.
    let mut p = a.clone();
    let n = a.nrows();
    for (j, column) in p.as_mut_slice().chunks_exact_mut(n.max(1)).enumerate() {
        for (v, si) in column.iter_mut().zip(s.iter()) {
            if *v != 0.0 {
                *v = si * *v * s[j];
            }
        }
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_adjacency() {
        assert!(matches!(
            validate_adjacency(&Mat::zeros(2, 3)),
            Err(EngineError::NotSquare {
                rows: 2,
                cols: 3,
                ..
            })
        ));
        let mut a = Mat::zeros(3, 3);
        a[(0, 1)] = 1.0;
        assert!(matches!(
            validate_adjacency(&a),
            Err(EngineError::NotSymmetric { row: 0, col: 1, .. })
        ));
        a[(1, 0)] = 1.0;
        a[(2, 2)] = f64::NAN;
        assert!(matches!(
            validate_adjacency(&a),
            Err(EngineError::NonFinite { row: 2, col: 2, .. })
        ));
        a[(2, 2)] = -1.0;
        assert!(matches!(
            validate_adjacency(&a),
            Err(EngineError::Negative { .. })
        ));
    }

    #[test]
    fn isolated_node_gives_zero_row_not_nan() {
        // Path 0–1 plus isolated node 2.
        let a = Mat::from_row_slice(3, 3, &[0., 1., 0., 1., 0., 0., 0., 0., 0.]);
        let p = normalized_adjacency(&a).unwrap();
        assert!(p.iter().all(|v| v.is_finite()));
        assert_eq!(p.row(2).sum(), 0.0);
        assert_eq!(p.column(2).sum(), 0.0);
        // d = (1, 1): P_01 = 1/√(1·1) = 1.
        assert_eq!(p[(0, 1)], 1.0);
    }

    #[test]
    fn self_loops_make_every_degree_positive() {
        let a = Mat::zeros(3, 3);
        let d = degrees(&with_self_loops(&a));
        assert_eq!(d.as_slice(), &[1.0, 1.0, 1.0]);
        // Ã = I, D̃ = I: P̃ = I.
        assert_eq!(
            normalized_adjacency(&with_self_loops(&a)).unwrap(),
            Mat::identity(3, 3)
        );
    }
}
