//! Message passing on the drawn graph (seeds 001–003), as plain Rust tested natively: the node
//! signal x is the 1-D feature H⁽⁰⁾, and k layers of one aggregator — Kipf's GCN
//! (P or P̃ = D̃^-½ÃD̃^-½), mean (D^-1A), sum (A), or self + neighbour
//! (h_u' = σ(W_self h_u + W_neigh · mean of the neighbours), seed 003's B and W) — are run by the
//! engine's layers. One node's update is then written out stage by stage with its numbers, and the
//! relative variance of the features over the nodes is tracked against depth (over-smoothing).

use super::state::GcnRun;
use crate::engine::gcn::layer::{GcnLayer, SageLayer};
use crate::engine::ops::Activation;
use crate::engine::{Mat, Vector};
use crate::widgets::formula::{frac, mi, mn, mo, mtext, num, paren, row, sqrt, sub, subsup, M};
use nalgebra_sparse::CsrMatrix;
use serde::{Deserialize, Serialize};

/// Deepest layer the step-through offers.
pub const MAX_LAYER: usize = 8;
/// Depths the over-smoothing plot covers (k = 0 ..= this).
pub const PLOT_DEPTH: usize = 16;
/// Stages of one node's update: neighbours, weighted messages, sum, × W, σ.
pub const STAGES: usize = 5;

/// An aggregation scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Agg {
    /// Σ_v h_v / √(d_u d_v) over N(u) (∪ {u} with the self-loop switch), then W.
    #[default]
    Gcn,
    /// Mean over N(u), then W.
    Mean,
    /// Sum over N(u), then W.
    Sum,
    /// W_self h_u + W_neigh · mean over N(u).
    SelfNeigh,
}

/// Every aggregator, in the order of the side-by-side table.
pub const AGGS: [Agg; 4] = [Agg::Gcn, Agg::Mean, Agg::Sum, Agg::SelfNeigh];

impl Agg {
    /// The key used in menus and links.
    pub fn key(self) -> &'static str {
        match self {
            Agg::Gcn => "gcn",
            Agg::Mean => "mean",
            Agg::Sum => "sum",
            Agg::SelfNeigh => "selfneigh",
        }
    }

    /// The aggregator with this key.
    pub fn from_key(k: &str) -> Option<Agg> {
        AGGS.into_iter().find(|a| a.key() == k)
    }

    /// How people name it.
    pub fn name(self) -> &'static str {
        match self {
            Agg::Gcn => "GCN (normalized)",
            Agg::Mean => "mean",
            Agg::Sum => "sum",
            Agg::SelfNeigh => "W_self / W_neigh",
        }
    }
}

/// The message-passing controls (part of the view's state, so of the link).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Passing {
    /// The aggregator stepped through and shown on the nodes.
    pub agg: Agg,
    /// The layer k (1 ..= [`MAX_LAYER`]) whose update is written out.
    pub layer: usize,
    /// Stages revealed (0 ..= [`STAGES`]).
    pub stage: usize,
    /// W (1 × 1: one feature in, one out).
    pub w: f64,
    /// W_self of the self + neighbour layer.
    pub w_self: f64,
    /// W_neigh of the self + neighbour layer.
    pub w_neigh: f64,
    /// σ.
    pub act: Activation,
}

impl Default for Passing {
    fn default() -> Self {
        Passing {
            agg: Agg::Gcn,
            layer: 1,
            stage: STAGES,
            w: 1.0,
            w_self: 0.5,
            w_neigh: 0.5,
            act: Activation::Identity,
        }
    }
}

impl Passing {
    /// The controls brought into range, with a note for each value that was not.
    pub fn sanitized(&self) -> (Passing, Vec<String>) {
        let mut p = self.clone();
        let mut notes = Vec::new();
        if !(1..=MAX_LAYER).contains(&p.layer) {
            p.layer = p.layer.clamp(1, MAX_LAYER);
            notes.push(format!("Layer clamped to {} (1–{MAX_LAYER})", p.layer));
        }
        p.stage = p.stage.min(STAGES);
        for (name, v) in [
            ("W", &mut p.w),
            ("W_self", &mut p.w_self),
            ("W_neigh", &mut p.w_neigh),
        ] {
            if !v.is_finite() || v.abs() > 2.0 {
                let c = if v.is_finite() {
                    v.clamp(-2.0, 2.0)
                } else {
                    1.0
                };
                notes.push(format!("{name} = {v} is outside −2–2; using {c}"));
                *v = c;
            }
        }
        (p, notes)
    }
}

/// One neighbour's message to the picked node.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// The sender v.
    pub from: usize,
    /// h_v⁽ᵏ⁻¹⁾.
    pub h: f64,
    /// Its weight c_uv (1/√(d_u d_v), 1/|N(u)| or 1).
    pub weight: f64,
    /// (d_u, d_v) as the weight uses them (d̃ with self-loops for the GCN).
    pub degrees: (f64, f64),
}

/// One node's update at one layer, stage by stage.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeUpdate {
    /// The aggregator.
    pub agg: Agg,
    /// h_u⁽ᵏ⁻¹⁾.
    pub h_self: f64,
    /// The weighted messages (for the self + neighbour layer: the neighbours only).
    pub messages: Vec<Message>,
    /// Σ_v c_uv h_v.
    pub sum: f64,
    /// z = W · sum (+ W_self h_u).
    pub z: f64,
    /// h_u⁽ᵏ⁾ = σ(z).
    pub out: f64,
}

/// The features at every depth for one aggregator: `h[k]` is H⁽ᵏ⁾ (k = 0 ..= [`PLOT_DEPTH`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Stack {
    /// H⁽⁰⁾ … H⁽ᴷ⁾ (one value per node).
    pub h: Vec<Vector>,
}

/// Everything the message-passing panel shows.
#[derive(Debug, Clone, PartialEq)]
pub struct PassingRun {
    /// One stack per aggregator, in the order of [`AGGS`].
    pub stacks: [Stack; 4],
}

impl PassingRun {
    /// The stack of `agg`.
    pub fn stack(&self, agg: Agg) -> &Stack {
        let i = AGGS.iter().position(|a| *a == agg).unwrap_or(0);
        &self.stacks[i.min(3)]
    }
}

/// The matrices the aggregators multiply the features by (the GCN's follows the self-loop
/// switch), in the order of [`AGGS`], sparse: [`PLOT_DEPTH`] layers of four aggregators are 64
/// products, dense O(n²) each (~10 ms of a 500-node edit), O(edges) like this. The mean's
/// D^-1 A is A's pattern with each row divided by its degree.
fn matrices(r: &GcnRun, self_loops: bool) -> [CsrMatrix<f64>; 4] {
    let sum = symmetric_csr(&r.plain.a);
    let mut mean = sum.clone();
    for (i, mut row) in mean.row_iter_mut().enumerate() {
        let d = r.plain.degrees.get(i).copied().unwrap_or(0.0);
        for v in row.values_mut() {
            *v = if d > 0.0 { *v / d } else { 0.0 };
        }
    }
    let gcn = symmetric_csr(if self_loops { &r.tilde.p } else { &r.plain.p });
    AGGS.map(|agg| match agg {
        Agg::Gcn => gcn.clone(),
        Agg::Mean | Agg::SelfNeigh => mean.clone(),
        Agg::Sum => sum.clone(),
    })
}

/// The nonzeros of the symmetric matrix `m` (A and P of a validated adjacency are symmetric to
/// the bit) as CSR, read in storage order: column j of the column-major storage is row j, with
/// its indices already sorted. nalgebra-sparse's dense-to-CSR conversion walks the entries one by
/// one and cost ~3 ms of a 500-node edit for the two matrices. Anything the CSR constructor
/// refuses (it cannot be, but it is checked) goes through that conversion instead.
fn symmetric_csr(m: &Mat) -> CsrMatrix<f64> {
    let n = m.nrows();
    if m.ncols() != n || n == 0 {
        return CsrMatrix::from(m);
    }
    let mut offsets = Vec::with_capacity(n + 1);
    offsets.push(0);
    let (mut indices, mut values) = (Vec::new(), Vec::new());
    for column in m.as_slice().chunks_exact(n) {
        for (i, &v) in column.iter().enumerate() {
            if v != 0.0 {
                indices.push(i);
                values.push(v);
            }
        }
        offsets.push(indices.len());
    }
    CsrMatrix::try_from_csr_data(n, n, offsets, indices, values)
        .unwrap_or_else(|_| CsrMatrix::from(m))
}

fn scalar(v: f64) -> Mat {
    Mat::from_element(1, 1, v)
}

/// Runs [`PLOT_DEPTH`] layers of every aggregator from x, with the engine's layers.
pub fn propagate(r: &GcnRun, x: &Vector, p: &Passing, self_loops: bool) -> PassingRun {
    let n = x.len();
    let ms = matrices(r, self_loops);
    let stacks = std::array::from_fn(|k| {
        let (agg, m) = (AGGS[k], &ms[k]);
        let mut h = Mat::from_column_slice(n, 1, x.as_slice());
        let mut out = vec![x.clone()];
        for _ in 0..PLOT_DEPTH {
            h = match agg {
                Agg::SelfNeigh => {
                    SageLayer {
                        w_self: scalar(p.w_self),
                        w_neigh: scalar(p.w_neigh),
                        b: scalar(0.0),
                        activation: p.act,
                    }
                    .forward_aggregated(&h, m * &h)
                    .out
                }
                _ => {
                    GcnLayer {
                        w: scalar(p.w),
                        activation: p.act,
                    }
                    .forward_aggregated(m * &h)
                    .out
                }
            };
            out.push(Vector::from_column_slice(h.as_slice()));
        }
        Stack { h: out }
    });
    PassingRun { stacks }
}

/// Node `u`'s update at layer `k` (1-based) under `agg`, written out from the engine's matrices.
pub fn node_update(
    r: &GcnRun,
    run: &PassingRun,
    p: &Passing,
    agg: Agg,
    self_loops: bool,
    u: usize,
    k: usize,
) -> Option<NodeUpdate> {
    let prev = run.stack(agg).h.get(k.checked_sub(1)?)?;
    let h_self = *prev.get(u)?;
    // Row u of the aggregation matrix, read from the engine's matrices without forming it (this
    // runs whenever the picked or hovered node changes).
    let (a, deg) = if agg == Agg::Gcn && self_loops {
        (&r.tilde.a, &r.tilde.degrees)
    } else {
        (&r.plain.a, &r.plain.degrees)
    };
    let weight = |v: usize| match agg {
        Agg::Gcn if self_loops => r.tilde.p[(u, v)],
        Agg::Gcn => r.plain.p[(u, v)],
        Agg::Mean | Agg::SelfNeigh => a[(u, v)] / deg[u],
        Agg::Sum => a[(u, v)],
    };
    let messages: Vec<Message> = (0..prev.len())
        .filter(|&v| a[(u, v)] != 0.0)
        .map(|v| Message {
            from: v,
            h: prev[v],
            weight: weight(v),
            degrees: (deg[u], deg[v]),
        })
        .collect();
    let sum: f64 = messages.iter().map(|m| m.weight * m.h).sum();
    let z = match agg {
        Agg::SelfNeigh => p.w_self * h_self + p.w_neigh * sum,
        _ => p.w * sum,
    };
    Some(NodeUpdate {
        agg,
        h_self,
        messages,
        sum,
        z,
        out: p.act.apply(z),
    })
}

/// How alike the nodes' features are: Var_v(h_v) / mean_v(h_v²), 0 when they are all equal (or
/// all 0), 1 when they average to 0. Scale-free, so a growing sum aggregator stays comparable.
pub fn relative_variance(h: &Vector) -> f64 {
    let n = h.len() as f64;
    if n == 0.0 {
        return 0.0;
    }
    let mean = h.sum() / n;
    let sq = h.iter().map(|v| v * v).sum::<f64>() / n;
    if !sq.is_finite() || sq < 1e-300 {
        return 0.0;
    }
    ((sq - mean * mean) / sq).max(0.0)
}

/// Messages listed in full up to this many; the rest are summed but not written out.
pub const LISTED: usize = 10;

/// The five stages of `up` as (caption, formula), in the decks' notation with the numbers.
/// `label(v)` names node v; `k` is the layer.
pub fn stage_lines(
    up: &NodeUpdate,
    p: &Passing,
    self_loops: bool,
    u: usize,
    k: usize,
    label: impl Fn(usize) -> String,
) -> Vec<(String, M)> {
    let h = |v: M, k: usize| subsup(mi("h"), v, paren(k.to_string()));
    let node = |v: usize| mn(label(v));
    let listed = up.messages.iter().take(LISTED);
    let more = up.messages.len().saturating_sub(LISTED);
    let ellipsis = |v: &mut Vec<M>| {
        if more > 0 {
            v.push(mtext(format!(" … and {more} more")));
        }
    };
    let set = if up.agg == Agg::Gcn && self_loops {
        "N(u) ∪ {u}"
    } else {
        "N(u)"
    };
    // 1: who speaks.
    let mut senders = vec![mi(set), mo("="), mo("{")];
    for (i, m) in listed.clone().enumerate() {
        if i > 0 {
            senders.push(mo(","));
        }
        senders.push(node(m.from));
    }
    ellipsis(&mut senders);
    senders.push(mo("}"));
    if up.messages.is_empty() {
        senders.push(mtext(" — nobody: the node hears nothing"));
    }
    for m in listed.clone() {
        senders.extend([mo(";"), h(node(m.from), k - 1), mo("="), num(m.h, 3)]);
    }
    // 2: weights.
    let weight = |m: &Message| -> M {
        match up.agg {
            Agg::Gcn => frac(
                mn("1"),
                sqrt(row(vec![num(m.degrees.0, 3), mo("·"), num(m.degrees.1, 3)])),
            ),
            Agg::Mean | Agg::SelfNeigh => frac(mn("1"), num(m.degrees.0, 3)),
            Agg::Sum => mn("1"),
        }
    };
    let mut weighted = vec![];
    for (i, m) in listed.clone().enumerate() {
        if i > 0 {
            weighted.push(mo(";"));
        }
        weighted.extend([
            weight(m),
            mo("·"),
            num(m.h, 3),
            mo("="),
            num(m.weight * m.h, 3),
        ]);
    }
    ellipsis(&mut weighted);
    if up.messages.is_empty() {
        weighted.push(mtext("no messages"));
    }
    // 3: the sum.
    let m_u = sub(mi("m"), mi("u"));
    let mut summed = vec![m_u.clone(), mo("=")];
    for (i, m) in listed.enumerate() {
        if i > 0 {
            summed.push(mo("+"));
        }
        summed.push(num(m.weight * m.h, 3));
    }
    ellipsis(&mut summed);
    if up.messages.is_empty() {
        summed.push(mn("0"));
    } else {
        summed.extend([mo("="), num(up.sum, 4)]);
    }
    // 4: the weights of the layer.
    let times = match up.agg {
        Agg::SelfNeigh => vec![
            mi("z"),
            mo("="),
            sub(mi("W"), mtext("self")),
            h(mi("u"), k - 1),
            mo("+"),
            sub(mi("W"), mtext("neigh")),
            m_u,
            mo("="),
            num(p.w_self, 3),
            mo("·"),
            num(up.h_self, 3),
            mo("+"),
            num(p.w_neigh, 3),
            mo("·"),
            num(up.sum, 3),
            mo("="),
            num(up.z, 4),
        ],
        _ => vec![
            mi("z"),
            mo("="),
            mi("W"),
            m_u,
            mo("="),
            num(p.w, 3),
            mo("·"),
            num(up.sum, 3),
            mo("="),
            num(up.z, 4),
        ],
    };
    // 5: σ.
    let sigma = vec![
        h(node(u), k),
        mo("="),
        mi("σ"),
        mo("("),
        mi("z"),
        mo(")"),
        mo("="),
        mi(p.act.label()),
        mo("("),
        num(up.z, 3),
        mo(")"),
        mo("="),
        num(up.out, 4),
    ];
    let w_caption = if up.agg == Agg::SelfNeigh {
        "Self and neighbours, each with its own weight"
    } else {
        "Multiplied by the layer's weight W"
    };
    let weight_caption = match up.agg {
        Agg::Gcn => "Each message is scaled by 1/√(dᵤ·dᵥ)",
        Agg::Mean | Agg::SelfNeigh => "Each message is scaled by 1/|N(u)| (a mean)",
        Agg::Sum => "Messages are taken as they are (a sum)",
    };
    vec![
        ("Neighbours send their features".into(), row(senders)),
        (weight_caption.into(), row(weighted)),
        ("Summed".into(), row(summed)),
        (w_caption.into(), row(times)),
        ("Through the activation σ".into(), row(sigma)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::gcn::state::{run, GcnState};

    fn setup() -> (GcnRun, Vector) {
        let s = GcnState::default();
        (run(&s.structure()).unwrap(), s.signal_vec())
    }

    #[test]
    fn symmetric_csr_is_the_dense_conversion() {
        let (r, _) = setup();
        for m in [
            &r.plain.a,
            &r.plain.p,
            &r.tilde.p,
            &Mat::zeros(0, 0),
            &Mat::zeros(3, 3),
        ] {
            assert_eq!(symmetric_csr(m), CsrMatrix::from(m));
        }
    }

    #[test]
    fn the_written_out_update_is_the_engines_layer() {
        let (r, x) = setup();
        for self_loops in [false, true] {
            let p = Passing {
                act: Activation::Tanh,
                w: 0.8,
                ..Passing::default()
            };
            let pr = propagate(&r, &x, &p, self_loops);
            for agg in AGGS {
                for k in 1..=3 {
                    for u in 0..x.len() {
                        let up = node_update(&r, &pr, &p, agg, self_loops, u, k).unwrap();
                        let engine = pr.stack(agg).h[k][u];
                        assert!((up.out - engine).abs() < 1e-12, "{agg:?} k={k} u={u}");
                    }
                }
            }
        }
    }

    #[test]
    fn deck_numbers_for_node_one_of_the_six_node_graph() {
        // Seed 001's graph, impulse on node 1 (index 0): node 2 (index 1) hears it with weight
        // 1/√(d₂d₁) = P₂₁.
        let (r, x) = setup();
        let p = Passing::default();
        let pr = propagate(&r, &x, &p, false);
        let up = node_update(&r, &pr, &p, Agg::Gcn, false, 1, 1).unwrap();
        let from_1 = up.messages.iter().find(|m| m.from == 0).unwrap();
        assert!((from_1.weight - r.plain.p[(1, 0)]).abs() < 1e-15);
        assert_eq!(from_1.h, 1.0);
        let d = &r.plain.degrees;
        assert_eq!(from_1.degrees, (d[1], d[0]));
        // Every neighbour speaks once; no self message without self-loops.
        assert_eq!(up.messages.len() as f64, d[1]);
        assert!(up.messages.iter().all(|m| m.from != 1));
        // With self-loops the node hears itself.
        let pr = propagate(&r, &x, &p, true);
        let up = node_update(&r, &pr, &p, Agg::Gcn, true, 1, 1).unwrap();
        assert!(up.messages.iter().any(|m| m.from == 1));
        // Sum weights are 1, mean weights 1/|N(u)|.
        let s = node_update(&r, &pr, &p, Agg::Sum, true, 1, 1).unwrap();
        assert!(s.messages.iter().all(|m| m.weight == 1.0));
        let m = node_update(&r, &pr, &p, Agg::Mean, true, 1, 1).unwrap();
        assert!(m
            .messages
            .iter()
            .all(|m| (m.weight - 1.0 / d[1]).abs() < 1e-15));
    }

    #[test]
    fn features_over_smooth_with_depth() {
        // The mean aggregator on a connected, non-bipartite graph drives every node to the same
        // value: the relative variance falls towards 0.
        let (r, _) = setup();
        let x = Vector::from_fn(6, |i, _| if i % 2 == 0 { 1.0 } else { -0.5 });
        let p = Passing::default();
        let pr = propagate(&r, &x, &p, true);
        let v: Vec<f64> = pr
            .stack(Agg::Mean)
            .h
            .iter()
            .map(relative_variance)
            .collect();
        assert!(v[0] > 0.5);
        assert!(v[PLOT_DEPTH] < 0.01 * v[0], "{v:?}");
        // The sum grows but its relative variance is scale-free.
        let s = pr.stack(Agg::Sum);
        assert!(s.h[PLOT_DEPTH].amax() > 10.0 * s.h[0].amax());
        assert!(relative_variance(&s.h[PLOT_DEPTH]) < 1.0);
    }

    #[test]
    fn isolated_nodes_and_empty_graphs_give_numbers() {
        let mut s = GcnState::default();
        s.graph.nodes.push(Default::default());
        s.signal = vec![1.0; 7];
        let r = run(&s.structure()).unwrap();
        let p = Passing::default();
        let pr = propagate(&r, &s.signal_vec(), &p, false);
        for st in &pr.stacks {
            assert!(st.h.iter().all(|h| h.iter().all(|v| v.is_finite())));
        }
        let up = node_update(&r, &pr, &p, Agg::Mean, false, 6, 1).unwrap();
        assert!(up.messages.is_empty() && up.out == 0.0);
        let empty = run(&Default::default()).unwrap();
        let pr = propagate(&empty, &Vector::zeros(0), &p, false);
        assert_eq!(relative_variance(&pr.stacks[0].h[3]), 0.0);
        assert!(node_update(&empty, &pr, &p, Agg::Gcn, false, 0, 1).is_none());
    }

    #[test]
    fn stages_write_out_the_numbers() {
        let (r, x) = setup();
        let p = Passing::default();
        let pr = propagate(&r, &x, &p, false);
        let up = node_update(&r, &pr, &p, Agg::Gcn, false, 1, 1).unwrap();
        let lines = stage_lines(&up, &p, false, 1, 1, |v| (v + 1).to_string());
        assert_eq!(lines.len(), STAGES);
        let t: Vec<String> = lines.iter().map(|(_, m)| m.text()).collect();
        assert!(t[0].starts_with("N(u)={1,"), "{}", t[0]);
        assert!(t[0].contains("h_1^(0)=1"), "{}", t[0]);
        let d = &r.plain.degrees;
        assert!(
            t[1].contains(&format!("(1)/(√({}·{}))·1=", d[1], d[0])),
            "{}",
            t[1]
        );
        assert!(t[4].starts_with("h_2^(1)=σ(z)=identity("), "{}", t[4]);
        assert!(
            t[4].ends_with(&crate::widgets::format::fmt_num(up.out, 4)),
            "{}",
            t[4]
        );
    }

    #[test]
    fn link_values_are_brought_into_range() {
        let p = Passing {
            layer: 40,
            stage: 9,
            w: f64::NAN,
            w_neigh: -7.0,
            ..Passing::default()
        };
        let (q, notes) = p.sanitized();
        assert_eq!(
            (q.layer, q.stage, q.w, q.w_neigh),
            (MAX_LAYER, STAGES, 1.0, -2.0)
        );
        assert_eq!(notes.len(), 3);
        assert_eq!(Agg::from_key("selfneigh"), Some(Agg::SelfNeigh));
        assert_eq!(Agg::from_key("x"), None);
    }
}
