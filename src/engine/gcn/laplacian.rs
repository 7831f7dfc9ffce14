//! The normalized Laplacian L = I − D^-½ A D^-½ (seed 001) and the trace of all the graph
//! matrices a student sees on the GCN slides.
//!
//! **Degree-0 convention** (Chung, *Spectral Graph Theory*): L_ii = 1 when d_i > 0 and 0 when
//! d_i = 0. Together with P's zero row (see [`super::adjacency`]) an isolated node contributes
//! an eigenvalue 0 — it is a connected component of its own — and nothing is NaN or ∞.

use super::super::{Mat, Result, Vector};
use super::adjacency::{degrees, inv_sqrt_degrees, normalized_adjacency};

/// L = I' − D^-½ A D^-½ where I'_ii = 1 if d_i > 0 else 0 (module doc). Validates `a`.
pub fn normalized_laplacian(a: &Mat) -> Result<Mat> {
    Ok(laplacian_of(&normalized_adjacency(a)?, &degrees(a)))
}

/// L of the graph with `n` nodes and the undirected `edges` ((i, i) a self-loop; a pair given
/// twice, either way round, is one edge; a pair naming a node ≥ n is skipped, as the graph
/// model's `adjacency` does), equal entry for entry to
/// `graph_matrices(&A).l` — the same operations in the same order on each entry — but built from
/// the edge list, without A's validation, P or D: two passes over the n² storage instead of
/// about six. The GCN view sends this to its Web Worker the moment an edit lands, before the
/// other matrices are built (src/views/gcn/spectrum.rs).
pub fn normalized_laplacian_of_edges(n: usize, edges: &[(usize, usize)]) -> Mat {
    let edges = || edges.iter().copied().filter(|&(i, j)| i < n && j < n);
    // A first, in place: its column sums are the degrees, as `degrees` computes them.
    let mut l = Mat::zeros(n, n);
    for (i, j) in edges() {
        l[(i, j)] = 1.0;
        l[(j, i)] = 1.0;
    }
    let d = degrees(&l);
    let s = inv_sqrt_degrees(&d);
    // Then each edge entry becomes 0 − P_ij with P_ij = s_i·A_ij·s_j (`normalized_adjacency`);
    // a zero entry of A is already L's 0.
    for (i, j) in edges() {
        l[(i, j)] = 0.0 - s[i] * 1.0 * s[j];
        l[(j, i)] = 0.0 - s[j] * 1.0 * s[i];
    }
    for i in 0..n {
        if d[i] > 0.0 {
            l[(i, i)] += 1.0;
        }
    }
    l
}

/// I' − P for a normalized adjacency `p` of a graph with degrees `d`.
fn laplacian_of(p: &Mat, d: &Vector) -> Mat {
    // 0 − P (not −P, which would write −0 where P is 0), then I' on the diagonal: plain passes
    // over the storage, as a 500-node edit builds two of these.
    let mut l = p.clone();
    l.apply(|v| *v = 0.0 - *v);
    for i in 0..l.nrows().min(l.ncols()) {
        if d[i] > 0.0 {
            l[(i, i)] += 1.0;
        }
    }
    l
}

/// Every matrix on the deck's GCN slides for one graph, computed once.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphMatricesTrace {
    /// Adjacency A (as given, possibly with self-loops).
    pub a: Mat,
    /// Degrees d_i = Σ_j A_ij.
    pub degrees: Vector,
    /// Degree matrix D = diag(d).
    pub d: Mat,
    /// d_i^-½ (0 for isolated nodes).
    pub d_inv_sqrt: Vector,
    /// Normalized adjacency P = D^-½ A D^-½.
    pub p: Mat,
    /// Normalized Laplacian L = I − D^-½ A D^-½.
    pub l: Mat,
}

/// Computes A, d, D, D^-½, P and L for adjacency `a`. Fails on an invalid adjacency.
pub fn graph_matrices(a: &Mat) -> Result<GraphMatricesTrace> {
    // P once: L is I' − P (a 500-node edit computed P twice per graph, as two 250 000-entry
    // passes with validation).
    let p = normalized_adjacency(a)?;
    let degrees = degrees(a);
    let l = laplacian_of(&p, &degrees);
    Ok(GraphMatricesTrace {
        a: a.clone(),
        d: Mat::from_diagonal(&degrees),
        d_inv_sqrt: inv_sqrt_degrees(&degrees),
        degrees,
        p,
        l,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The 6-node graph of seed 001 ("Graph Convolutional Networks", Kipf 2016 slides).
    fn seed_001() -> Mat {
        Mat::from_row_slice(
            6,
            6,
            &[
                0., 1., 1., 1., 0., 0., //
                1., 0., 1., 0., 0., 0., //
                1., 1., 0., 0., 1., 1., //
                1., 0., 0., 0., 0., 0., //
                0., 0., 1., 0., 0., 1., //
                0., 0., 1., 0., 1., 0., //
            ],
        )
    }

    fn r(x: f64) -> f64 {
        x.sqrt()
    }

    #[test]
    fn seed_001_degree_matrix() {
        let t = graph_matrices(&seed_001()).unwrap();
        // Deck: D = diag(3, 2, 4, 1, 2, 2).
        assert_eq!(t.degrees.as_slice(), &[3., 2., 4., 1., 2., 2.]);
        assert_eq!(
            t.d,
            Mat::from_diagonal(&Vector::from_vec(vec![3., 2., 4., 1., 2., 2.]))
        );
    }

    /// The deck's P, written exactly as on the slide: P_ij = 1/(√d_i·√d_j) on edges.
    fn deck_p() -> Mat {
        let z = 0.0;
        Mat::from_row_slice(
            6,
            6,
            &[
                z,
                1. / (r(3.) * r(2.)),
                1. / (r(3.) * r(4.)),
                1. / (r(3.) * r(1.)),
                z,
                z, //
                1. / (r(3.) * r(2.)),
                z,
                1. / (r(2.) * r(4.)),
                z,
                z,
                z, //
                1. / (r(3.) * r(4.)),
                1. / (r(2.) * r(4.)),
                z,
                z,
                1. / (r(4.) * r(2.)),
                1. / (r(4.) * r(2.)), //
                1. / (r(3.) * r(1.)),
                z,
                z,
                z,
                z,
                z, //
                z,
                z,
                1. / (r(4.) * r(2.)),
                z,
                z,
                1. / (r(2.) * r(2.)), //
                z,
                z,
                1. / (r(4.) * r(2.)),
                z,
                1. / (r(2.) * r(2.)),
                z, //
            ],
        )
    }

    #[test]
    fn seed_001_normalized_adjacency_entry_by_entry() {
        let t = graph_matrices(&seed_001()).unwrap();
        let want = deck_p();
        for i in 0..6 {
            for j in 0..6 {
                assert!(
                    (t.p[(i, j)] - want[(i, j)]).abs() <= 1e-15,
                    "P[{i},{j}] = {} but the deck says {}",
                    t.p[(i, j)],
                    want[(i, j)]
                );
            }
        }
        // Spot values: 1/(√3·√2) = 0.408248..., 1/(√2·√2) = 1/2.
        assert!((t.p[(0, 1)] - 0.408_248_290_463_863).abs() < 1e-14);
        assert!((t.p[(4, 5)] - 0.5).abs() < 1e-15);
    }

    #[test]
    fn seed_001_laplacian_entry_by_entry() {
        let t = graph_matrices(&seed_001()).unwrap();
        // Deck: L = I − P, with −1/(√d_i·√d_j) off the diagonal and 1 on it.
        let want = Mat::identity(6, 6) - deck_p();
        for i in 0..6 {
            for j in 0..6 {
                assert!(
                    (t.l[(i, j)] - want[(i, j)]).abs() <= 1e-15,
                    "L[{i},{j}] = {} but the deck says {}",
                    t.l[(i, j)],
                    want[(i, j)]
                );
            }
        }
    }

    #[test]
    fn laplacian_from_the_edge_list_is_the_same_to_the_bit() {
        let cases: Vec<(usize, Vec<(usize, usize)>)> = vec![
            (0, vec![]),
            (1, vec![]),
            (1, vec![(0, 0)]),
            // Seed 001's graph.
            (
                6,
                vec![(0, 1), (0, 2), (0, 3), (1, 2), (2, 4), (2, 5), (4, 5)],
            ),
            // A duplicate (both ways round), a self-loop, an isolated node, an edge to no node.
            (
                5,
                vec![(0, 1), (1, 0), (0, 1), (2, 2), (2, 3), (3, 0), (1, 9)],
            ),
            // A path of 40 and chords: degrees whose roots do not multiply exactly.
            (
                40,
                (0..39)
                    .map(|i| (i, i + 1))
                    .chain((0..40).map(|i| (i, (i * 7 + 3) % 40)))
                    .collect(),
            ),
        ];
        for (n, edges) in cases {
            let mut a = Mat::zeros(n, n);
            for &(i, j) in &edges {
                if i < n && j < n {
                    a[(i, j)] = 1.0;
                    a[(j, i)] = 1.0;
                }
            }
            let want = graph_matrices(&a).unwrap().l;
            let got = normalized_laplacian_of_edges(n, &edges);
            let bits = |m: &Mat| m.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&got), bits(&want), "n = {n}, edges {edges:?}");
        }
    }

    #[test]
    fn isolated_node_has_zero_laplacian_row() {
        let a = Mat::from_row_slice(3, 3, &[0., 1., 0., 1., 0., 0., 0., 0., 0.]);
        let l = normalized_laplacian(&a).unwrap();
        assert_eq!(l[(0, 0)], 1.0);
        assert_eq!(l[(2, 2)], 0.0);
        assert!(l.iter().all(|v| v.is_finite()));
    }
}
