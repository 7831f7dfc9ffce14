//! Graph attention on the drawn graph (seed 000), plain Rust tested natively: every node has two
//! features h_v = (x_v, d_v) — the signal and its degree — and [`HEADS`] heads with
//! weights drawn from the view's seed score each neighbour, e_vu = LeakyReLU(a_dstᵀWh_v +
//! a_srcᵀWh_u), and take the softmax over the neighbourhood N(v) ∪ {v}: α_vu. The engine's
//! `gcn::gat::GatHead` computes it all; this module picks out one node's row and the edges'
//! weights for the drawing.

use super::state::GcnRun;
use crate::engine::gcn::gat::{GatHead, GatTrace};
use crate::engine::ops::Activation;
use crate::engine::rng::{glorot, rng};
use crate::engine::{Mat, Vector};

/// Attention heads shown.
pub const HEADS: usize = 2;
/// Width of Wh.
const WIDTH: usize = 2;

/// The heads' intermediates on the graph.
#[derive(Debug, Clone, PartialEq)]
pub struct GatRun {
    /// One trace per head.
    pub heads: Vec<GatTrace>,
}

/// The heads for `seed` (the same weights for the same seed).
pub fn heads(seed: u64) -> Vec<GatHead> {
    let mut r = rng(seed.wrapping_add(7));
    (0..HEADS)
        .map(|_| GatHead {
            w: glorot(&mut r, 2, WIDTH),
            a_dst: glorot(&mut r, WIDTH, 1),
            a_src: glorot(&mut r, WIDTH, 1),
            activation: Activation::Identity,
        })
        .collect()
}

/// The node features: (x_v, d_v) per row.
pub fn features(r: &GcnRun, x: &Vector) -> Mat {
    let d = &r.plain.degrees;
    Mat::from_fn(x.len(), 2, |v, j| if j == 0 { x[v] } else { d[v] })
}

/// Every head on the graph (neighbourhoods include the node itself, as in the GAT paper).
pub fn attend(r: &GcnRun, x: &Vector, seed: u64) -> GatRun {
    let h = features(r, x);
    GatRun {
        heads: heads(seed)
            .iter()
            .map(|g| g.forward(&r.plain.a, &h, true))
            .collect(),
    }
}

/// One row of node v's attention: (u, e_vu, α_vu) for u in N(v) ∪ {v}, per head.
pub fn row(run: &GatRun, v: usize) -> Vec<(usize, Vec<(f64, f64)>)> {
    let Some(first) = run.heads.first() else {
        return vec![];
    };
    if v >= first.alpha.nrows() {
        return vec![];
    }
    (0..first.alpha.ncols())
        .filter(|&u| first.e[(v, u)] != f64::NEG_INFINITY)
        .map(|u| {
            (
                u,
                run.heads
                    .iter()
                    .map(|t| (t.e[(v, u)], t.alpha[(v, u)]))
                    .collect(),
            )
        })
        .collect()
}

/// Each edge's width in the drawing for `head`: α of the picked node's neighbours when a node
/// is picked (0 elsewhere), else the larger of α_ab and α_ba — divided by the largest shown, so
/// the edge listened to most is drawn at full width whatever the neighbourhood's size.
pub fn edge_weights(
    run: &GatRun,
    head: usize,
    edges: &[(usize, usize)],
    picked: Option<usize>,
) -> Option<Vec<f64>> {
    let t = run.heads.get(head)?;
    let n = t.alpha.nrows();
    let w: Vec<f64> = edges
        .iter()
        .map(|&(a, b)| {
            if a >= n || b >= n {
                return 0.0;
            }
            match picked {
                Some(v) if v == a => t.alpha[(a, b)],
                Some(v) if v == b => t.alpha[(b, a)],
                Some(_) => 0.0,
                None => t.alpha[(a, b)].max(t.alpha[(b, a)]),
            }
        })
        .collect();
    let top = w.iter().copied().fold(0.0, f64::max);
    Some(if top > 0.0 {
        w.iter().map(|x| x / top).collect()
    } else {
        w
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::gcn::state::{run, GcnState};

    #[test]
    fn each_neighbourhood_sums_to_one_and_heads_differ() {
        let s = GcnState::default();
        let r = run(&s.structure()).unwrap();
        let g = attend(&r, &s.signal_vec(), 1);
        assert_eq!(g.heads.len(), HEADS);
        for v in 0..6 {
            let row = row(&g, v);
            // N(v) ∪ {v}: degree + 1 entries.
            assert_eq!(row.len() as f64, r.plain.degrees[v] + 1.0);
            for h in 0..HEADS {
                let total: f64 = row.iter().map(|(_, hs)| hs[h].1).sum();
                assert!((total - 1.0).abs() < 1e-12);
            }
        }
        let a0 = &g.heads[0].alpha;
        let a1 = &g.heads[1].alpha;
        assert!((a0 - a1).amax() > 1e-3, "two heads, two patterns");
        // Same seed, same weights; another seed, other weights.
        assert_eq!(attend(&r, &s.signal_vec(), 1), g);
        assert_ne!(attend(&r, &s.signal_vec(), 2), g);
    }

    #[test]
    fn edge_weights_follow_the_picked_node() {
        let s = GcnState::default();
        let r = run(&s.structure()).unwrap();
        let g = attend(&r, &s.signal_vec(), 1);
        let edges = &s.graph.edges;
        let w = edge_weights(&g, 0, edges, Some(0)).unwrap();
        let alpha = &g.heads[0].alpha;
        let top = (1..6).map(|u| alpha[(0, u)]).fold(0.0, f64::max);
        for (k, &(a, b)) in edges.iter().enumerate() {
            if a == 0 {
                assert!((w[k] - alpha[(0, b)] / top).abs() < 1e-15);
            } else if b == 0 {
                assert!((w[k] - alpha[(0, a)] / top).abs() < 1e-15);
            } else {
                assert_eq!(w[k], 0.0);
            }
        }
        assert!(w.contains(&1.0));
        assert!(edge_weights(&g, 0, edges, None)
            .unwrap()
            .iter()
            .all(|w| *w > 0.0 && *w <= 1.0));
        assert!(edge_weights(&g, HEADS, edges, None).is_none());
    }

    #[test]
    fn isolated_nodes_attend_to_themselves_only() {
        let mut s = GcnState::default();
        s.graph.nodes.push(Default::default());
        let r = run(&s.structure()).unwrap();
        let g = attend(&r, &s.signal_vec(), 1);
        let row = row(&g, 6);
        assert_eq!(row.len(), 1);
        assert_eq!(row[0].0, 6);
        assert!((row[0].1[0].1 - 1.0).abs() < 1e-15);
        let empty = run(&Default::default()).unwrap();
        assert!(row_is_empty(&attend(&empty, &Vector::zeros(0), 1)));
    }

    fn row_is_empty(g: &GatRun) -> bool {
        row(g, 0).is_empty()
    }
}
