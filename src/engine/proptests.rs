//! Property tests over random inputs (proptest): the invariants the decks state.

use super::attention::{attention, Mask};
use super::gcn::{components, normalized_adjacency, normalized_laplacian, spectrum};
use super::ops::softmax_rows;
use super::{Mat, Vector};
use proptest::prelude::*;

fn matrix(rows: usize, cols: usize) -> impl Strategy<Value = Mat> {
    prop::collection::vec(-30.0f64..30.0, rows * cols)
        .prop_map(move |v| Mat::from_row_slice(rows, cols, &v))
}

/// A random undirected graph on 1..=12 nodes (edges, isolated nodes and several components
/// all occur).
fn graph() -> impl Strategy<Value = Mat> {
    (1usize..=12).prop_flat_map(|n| {
        prop::collection::vec(prop::bool::weighted(0.3), n * n).prop_map(move |bits| {
            let mut a = Mat::zeros(n, n);
            for i in 0..n {
                for j in i + 1..n {
                    if bits[i * n + j] {
                        a[(i, j)] = 1.0;
                        a[(j, i)] = 1.0;
                    }
                }
            }
            a
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn softmax_rows_sum_to_one(x in matrix(4, 6)) {
        let y = softmax_rows(&x);
        for r in y.row_iter() {
            prop_assert!((r.sum() - 1.0).abs() < 1e-12);
            prop_assert!(r.iter().all(|v| (0.0..=1.0).contains(v)));
        }
    }

    #[test]
    fn masked_weights_are_exactly_zero(q in matrix(5, 3), k in matrix(5, 3), valid in 1usize..=5) {
        for mask in [Mask::Causal, Mask::Padding { valid }] {
            let t = attention(&q, &k, &k, &mask, true).unwrap();
            for i in 0..5 {
                for j in 0..5 {
                    if !mask.allows(i, j) {
                        prop_assert_eq!(t.weights[(i, j)], 0.0);
                    }
                }
                prop_assert!((t.weights.row(i).sum() - 1.0).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn normalized_adjacency_is_symmetric(a in graph()) {
        let p = normalized_adjacency(&a).unwrap();
        prop_assert_eq!(&p, &p.transpose());
        prop_assert!(p.iter().all(|v| v.is_finite()));
    }

    #[test]
    fn laplacian_spectrum_in_0_2_and_zeros_count_components(a in graph()) {
        let s = spectrum(&normalized_laplacian(&a).unwrap()).unwrap();
        prop_assert!(s.values.iter().all(|&l| (-1e-9..=2.0 + 1e-9).contains(&l)), "{}", s.values);
        let comps = components(&a).into_iter().max().map_or(0, |m| m + 1);
        prop_assert_eq!(s.zero_count(), comps);
    }

    #[test]
    fn gft_then_inverse_is_the_identity(a in graph(), seed in any::<u64>()) {
        let n = a.nrows();
        let s = spectrum(&normalized_laplacian(&a).unwrap()).unwrap();
        let x = Vector::from_iterator(n, (0..n).map(|i| ((seed >> (i % 60)) & 0xff) as f64 / 37.0 - 3.0));
        prop_assert!((s.igft(&s.gft(&x)) - &x).norm() < 1e-9 * (1.0 + x.norm()));
    }
}
