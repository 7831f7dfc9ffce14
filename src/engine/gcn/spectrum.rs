//! The spectrum of the normalized Laplacian (seed 001): L = UΛUᵀ with λ_i ∈ [0, 2], the graph
//! Fourier transform x̂ = Uᵀx and its inverse x = Ux̂, and spectral filtering.
//!
//! The decomposition is `nnviz_eigen`'s: faer's Householder tridiagonalisation and a QR
//! iteration whose rotations are kept, so U is never formed — the views need Uᵀx, Ux̂ and one
//! column at a time, each O(n²), and at 500 nodes not forming U halved the browser's time
//! (docs/performance.md; nalgebra's `SymmetricEigen`, unblocked and forming U, took 140–250 ms
//! natively where faer took 47). [`Spectrum::vectors`] builds U for the few callers that want
//! the matrix. Eigenvalues are sorted ascending here with their eigenvectors, and each
//! eigenvector's sign is fixed so the picture does not flip between runs: the sign that makes
//! Σ_i u_i/√(i + 1) positive — a sum weighted towards the first nodes, computed for every
//! eigenvector at once as one more transform — or, where that sum is (numerically) zero, the
//! sign that makes the largest entry positive. Non-convergence is an error, not a panic.

use super::super::{EngineError, Mat, Result, Vector};
use nnviz_eigen::Factored;

/// Eigenvalues below this count as zero.
pub const ZERO_TOL: f64 = 1e-9;

/// L = UΛUᵀ, sorted, with U kept factored.
#[derive(Debug, Clone, PartialEq)]
pub struct Spectrum {
    /// λ_1 ≤ … ≤ λ_n.
    pub values: Vector,
    /// U = QZ as factors; column `order[k]` of it, times `signs[k]`, is u_k.
    basis: Factored,
    order: Vec<usize>,
    signs: Vec<f64>,
}

/// Eigen-decomposition of a symmetric matrix (usually L), sorted ascending.
pub fn spectrum(l: &Mat) -> Result<Spectrum> {
    check_symmetric(l)?;
    let basis = nnviz_eigen::self_adjoint_factored(l.nrows(), l.as_slice()).ok_or(
        EngineError::NoConvergence {
            what: "eigen-decomposition",
        },
    )?;
    Ok(Spectrum::from_factored(basis))
}

/// The checks [`spectrum`] makes before it decomposes `l`: square, finite, symmetric.
fn check_symmetric(l: &Mat) -> Result<()> {
    let n = l.nrows();
    if n != l.ncols() {
        return Err(EngineError::NotSquare {
            what: "L",
            rows: n,
            cols: l.ncols(),
        });
    }
    if let Some(k) = l.iter().position(|v| !v.is_finite()) {
        return Err(EngineError::NonFinite {
            what: "L",
            row: k % n,
            col: k / n,
        });
    }
    let s = l.as_slice();
    for (j, column) in s.chunks_exact(n.max(1)).enumerate() {
        for (i, &v) in column.iter().enumerate().skip(j + 1) {
            // L[i, j] against L[j, i], i > j.
            let t = s[j + n * i];
            if (t - v).abs() > 1e-12 * (1.0 + t.abs()) {
                return Err(EngineError::NotSymmetric {
                    what: "L",
                    row: j,
                    col: i,
                });
            }
        }
    }
    Ok(())
}

impl Spectrum {
    /// The sorted spectrum, with each eigenvector's sign fixed, of a decomposition made by
    /// `nnviz_eigen` (here or in another WebAssembly instance).
    pub fn from_factored(basis: Factored) -> Spectrum {
        let n = basis.n();
        let raw = basis.values();
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| raw[a].total_cmp(&raw[b]));
        let values = Vector::from_iterator(n, order.iter().map(|&k| raw[k]));
        // wᵀu for every raw column u at once: Uᵀw.
        let mut weighted: Vec<f64> = (0..n).map(|i| 1.0 / ((i + 1) as f64).sqrt()).collect();
        basis.to_eigenbasis(&mut weighted);
        let signs = order
            .iter()
            .map(|&k| {
                let towards = if weighted[k].abs() > 1e-9 {
                    weighted[k]
                } else {
                    let mut u = vec![0.0; n];
                    u[k] = 1.0;
                    basis.from_eigenbasis(&mut u);
                    u.iter()
                        .copied()
                        .fold(0.0f64, |m, v| if v.abs() > m.abs() + 1e-12 { v } else { m })
                };
                if towards < 0.0 {
                    -1.0
                } else {
                    1.0
                }
            })
            .collect();
        Spectrum {
            values,
            basis,
            order,
            signs,
        }
    }

    /// Number of (numerically) zero eigenvalues: the number of connected components for L.
    pub fn zero_count(&self) -> usize {
        self.values.iter().filter(|v| v.abs() < ZERO_TOL).count()
    }

    /// Graph Fourier transform x̂ = Uᵀx (NaN throughout if x does not have one entry per node).
    pub fn gft(&self, x: &Vector) -> Vector {
        let n = self.values.len();
        let mut y: Vec<f64> = x.iter().copied().collect();
        if y.len() != n {
            return Vector::from_element(n, f64::NAN);
        }
        self.basis.to_eigenbasis(&mut y);
        Vector::from_iterator(
            n,
            self.order.iter().zip(&self.signs).map(|(&k, s)| s * y[k]),
        )
    }

    /// Inverse transform x = Ux̂ (NaN throughout if x̂ has the wrong length).
    pub fn igft(&self, x_hat: &Vector) -> Vector {
        let n = self.values.len();
        if x_hat.len() != n {
            return Vector::from_element(n, f64::NAN);
        }
        let mut c = vec![0.0; n];
        for ((&k, s), v) in self.order.iter().zip(&self.signs).zip(x_hat.iter()) {
            c[k] = s * v;
        }
        self.basis.from_eigenbasis(&mut c);
        Vector::from_vec(c)
    }

    /// The eigenvector u_k of λ_k (None past the last).
    pub fn vector(&self, k: usize) -> Option<Vector> {
        let n = self.values.len();
        (k < n).then(|| self.igft(&Vector::from_fn(n, |i, _| f64::from(u8::from(i == k)))))
    }

    /// U as a matrix, column k = u_k: n transforms, O(n³) — for exports and small matrices.
    pub fn vectors(&self) -> Mat {
        let n = self.values.len();
        let mut u = Mat::zeros(n, n);
        for k in 0..n {
            if let Some(v) = self.vector(k) {
                u.set_column(k, &v);
            }
        }
        u
    }

    /// Keeps the frequencies λ ≤ `cutoff` of `x` and drops the rest (ideal low-pass).
    pub fn low_pass(&self, x: &Vector, cutoff: f64) -> Vector {
        self.low_pass_of_transform(&self.gft(x), cutoff)
    }

    /// The same from x̂ = Uᵀx already computed.
    pub fn low_pass_of_transform(&self, x_hat: &Vector, cutoff: f64) -> Vector {
        let kept = x_hat.zip_map(
            &self.values,
            |v, l| {
                if l <= cutoff + ZERO_TOL {
                    v
                } else {
                    0.0
                }
            },
        );
        self.igft(&kept)
    }

    /// U diag(h(λ)) Uᵀ x for a frequency response h.
    pub fn filter(&self, x: &Vector, h: impl Fn(f64) -> f64) -> Vector {
        let mut x_hat = self.gft(x);
        for (v, l) in x_hat.iter_mut().zip(self.values.iter()) {
            *v *= h(*l);
        }
        self.igft(&x_hat)
    }
}

/// Connected components of the undirected graph with (symmetric) adjacency `a` (edges where
/// A_ij ≠ 0, i ≠ j), as a component id per node, numbered in order of their smallest node.
pub fn components(a: &Mat) -> Vec<usize> {
    // The upper triangle, column by column as stored.
    let edges = a.column_iter().enumerate().flat_map(|(j, col)| {
        col.iter()
            .take(j)
            .enumerate()
            .filter(|(_, w)| **w != 0.0)
            .map(move |(i, _)| (i, j))
            .collect::<Vec<_>>()
    });
    components_of_edges(a.nrows(), edges)
}

/// The same from an edge list over nodes 0..n (petgraph's union–find; edges naming a node past
/// n are ignored).
pub fn components_of_edges(
    n: usize,
    edges: impl IntoIterator<Item = (usize, usize)>,
) -> Vec<usize> {
    let mut sets = petgraph::unionfind::UnionFind::<usize>::new(n);
    for (a, b) in edges {
        if a < n && b < n {
            sets.union(a, b);
        }
    }
    let mut id = vec![usize::MAX; n];
    let mut next = 0;
    sets.into_labeling()
        .into_iter()
        .map(|root| {
            if id[root] == usize::MAX {
                id[root] = next;
                next += 1;
            }
            id[root]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::gcn::{normalized_adjacency, normalized_laplacian, with_self_loops};

    fn seed_003() -> Mat {
        // Seed 003: V = {0..4}, E = {(0,1), (0,4), (1,2), (1,3), (3,4), (1,4), (2,3)}.
        let mut a = Mat::zeros(5, 5);
        for (i, j) in [(0, 1), (0, 4), (1, 2), (1, 3), (3, 4), (1, 4), (2, 3)] {
            a[(i, j)] = 1.0;
            a[(j, i)] = 1.0;
        }
        a
    }

    #[test]
    fn seed_003_degrees_and_laplacian() {
        let a = seed_003();
        let d = crate::engine::gcn::degrees(&a);
        assert_eq!(d.as_slice(), &[2., 4., 2., 3., 3.]);
        let l = normalized_laplacian(&a).unwrap();
        // Entry by entry: L_ii = 1, L_ij = −1/√(d_i d_j) on the deck's edges, 0 elsewhere.
        let r = |x: f64| x.sqrt();
        let want = Mat::from_row_slice(
            5,
            5,
            &[
                1.0,
                -1.0 / r(8.0),
                0.0,
                0.0,
                -1.0 / r(6.0), //
                -1.0 / r(8.0),
                1.0,
                -1.0 / r(8.0),
                -1.0 / r(12.0),
                -1.0 / r(12.0), //
                0.0,
                -1.0 / r(8.0),
                1.0,
                -1.0 / r(6.0),
                0.0, //
                0.0,
                -1.0 / r(12.0),
                -1.0 / r(6.0),
                1.0,
                -1.0 / r(9.0), //
                -1.0 / r(6.0),
                -1.0 / r(12.0),
                0.0,
                -1.0 / r(9.0),
                1.0, //
            ],
        );
        for i in 0..5 {
            for j in 0..5 {
                assert!(
                    (l[(i, j)] - want[(i, j)]).abs() < 1e-15,
                    "L[{i},{j}] = {}",
                    l[(i, j)]
                );
            }
        }
    }

    #[test]
    fn sorted_in_zero_two_and_reconstructs() {
        let l = normalized_laplacian(&seed_003()).unwrap();
        let s = spectrum(&l).unwrap();
        assert!(s
            .values
            .iter()
            .zip(s.values.iter().skip(1))
            .all(|(a, b)| a <= b));
        assert!(s.values[0].abs() < 1e-12 && s.values[4] <= 2.0 + 1e-12);
        let u = s.vectors();
        let recon = &u * Mat::from_diagonal(&s.values) * u.transpose();
        assert!((recon - &l).norm() < 1e-12);
        assert!(
            (u.transpose() * &u - Mat::identity(5, 5)).norm() < 1e-12,
            "U Uᵀ = I"
        );
        assert_eq!(s.zero_count(), 1);
    }

    #[test]
    fn eigenvector_signs_follow_the_weighted_sum_rule() {
        // Seed 003 and a 12-cycle (whose eigenvalues but two are doubled): every u_k has
        // Σ_i u_i/√(i + 1) > 0, or where that sum is ~0 its largest entry positive; and the
        // transforms agree with U built column by column.
        let mut cycle = Mat::zeros(12, 12);
        for i in 0..12 {
            cycle[(i, (i + 1) % 12)] = 1.0;
            cycle[((i + 1) % 12, i)] = 1.0;
        }
        for a in [seed_003(), cycle] {
            let s = spectrum(&normalized_laplacian(&a).unwrap()).unwrap();
            let u = s.vectors();
            for k in 0..a.nrows() {
                let col = u.column(k);
                let sum: f64 = col
                    .iter()
                    .enumerate()
                    .map(|(i, v)| v / ((i + 1) as f64).sqrt())
                    .sum();
                if sum.abs() > 1e-9 {
                    assert!(sum > 0.0, "u_{k}: weighted sum {sum}");
                } else {
                    let big = col.iter().copied().fold(0.0f64, |m, v| {
                        if v.abs() > m.abs() + 1e-12 {
                            v
                        } else {
                            m
                        }
                    });
                    assert!(big > 0.0, "u_{k}: largest entry {big}");
                }
            }
            let x = Vector::from_fn(a.nrows(), |i, _| (i as f64 * 0.7).sin());
            assert!((s.gft(&x) - u.transpose() * &x).norm() < 1e-12);
        }
    }

    #[test]
    fn gft_round_trip_and_low_pass() {
        let s = spectrum(&normalized_laplacian(&seed_003()).unwrap()).unwrap();
        let x = Vector::from_vec(vec![1.0, -2.0, 0.5, 3.0, 0.0]);
        assert!((s.igft(&s.gft(&x)) - &x).norm() < 1e-12);
        assert!(
            (s.low_pass(&x, 2.0) - &x).norm() < 1e-12,
            "cut-off 2 keeps everything"
        );
        // Cut-off 0 keeps only the λ = 0 component, ∝ D^½ 1.
        let smooth = s.low_pass(&x, 0.0);
        let u0 = s.vector(0).unwrap();
        assert!((smooth.clone() - &u0 * u0.dot(&x)).norm() < 1e-12);
    }

    #[test]
    fn one_gcn_propagation_is_a_low_pass_filter() {
        // P̃ = D̃^-½(A+I)D̃^-½ = I − L̃, with L̃ the normalized Laplacian of A + I:
        // its frequency response is 1 − λ̃, largest at λ̃ = 0.
        let a = seed_003();
        let p = normalized_adjacency(&with_self_loops(&a)).unwrap();
        let lt = Mat::identity(5, 5) - &p;
        let s = spectrum(&lt).unwrap();
        let x = Vector::from_vec(vec![0.3, 1.0, -0.7, 0.2, 2.0]);
        assert!((s.filter(&x, |l| 1.0 - l) - &p * &x).norm() < 1e-12);
        assert!(s.values.iter().all(|&l| (1.0 - l).abs() <= 1.0 + 1e-12));
    }

    #[test]
    fn zero_eigenvalues_count_components() {
        // Two triangles and an isolated node: 3 components.
        let mut a = Mat::zeros(7, 7);
        for (i, j) in [(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5)] {
            a[(i, j)] = 1.0;
            a[(j, i)] = 1.0;
        }
        let s = spectrum(&normalized_laplacian(&a).unwrap()).unwrap();
        assert_eq!(s.zero_count(), 3);
        assert_eq!(components(&a), vec![0, 0, 0, 1, 1, 1, 2]);
        let edges = [(5, 3), (0, 1), (4, 4), (3, 4), (1, 2), (9, 0)];
        assert_eq!(components_of_edges(7, edges), vec![0, 0, 0, 1, 1, 1, 2]);
    }

    #[test]
    fn empty_and_bad_input() {
        assert_eq!(spectrum(&Mat::zeros(0, 0)).unwrap().values.len(), 0);
        let mut l = Mat::identity(2, 2);
        l[(0, 1)] = f64::NAN;
        assert!(matches!(spectrum(&l), Err(EngineError::NonFinite { .. })));
        let mut l = Mat::identity(2, 2);
        l[(0, 1)] = 0.5;
        assert!(matches!(
            spectrum(&l),
            Err(EngineError::NotSymmetric { .. })
        ));
    }
}
