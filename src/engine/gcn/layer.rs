//! Graph layers on node-feature rows H (n × f).
//!
//! * **GCN** (Kipf & Welling, seed 001): H' = σ(P H W) with P = D̃^-½(A+I)D̃^-½ usually.
//!   Backward with Z = PHW: ∂Z = σ'(Z) ⊙ ∂H', ∂W = (PH)ᵀ ∂Z, ∂H = Pᵀ ∂Z Wᵀ.
//! * **Self + neighbour** (seeds 002/003): h_u' = σ(W_self h_u + W_neigh AGG_{v∈N(u)} h_v + b),
//!   with AGG a sum (seed 002) or a mean (seed 003; 0 for an isolated node). In rows:
//!   H' = σ(H W_self + M H W_neigh + 1bᵀ) with M = A or D^-1 A. Backward: ∂W_self = Hᵀ∂Z,
//!   ∂W_neigh = (MH)ᵀ∂Z, ∂b = Σ_rows ∂Z, ∂H = ∂Z W_selfᵀ + Mᵀ ∂Z W_neighᵀ.

use super::super::ops::Activation;
use super::super::{Mat, Vector};
use serde::{Deserialize, Serialize};

/// The weights of one GCN layer (also its gradient).
#[derive(Debug, Clone, PartialEq)]
pub struct GcnLayer {
    /// W (f × f').
    pub w: Mat,
    /// σ.
    pub activation: Activation,
}
crate::impl_parameters!(GcnLayer { w => "W" });

/// A GCN layer's intermediates.
#[derive(Debug, Clone, PartialEq)]
pub struct GcnLayerTrace {
    /// Aggregated features PH.
    pub ph: Mat,
    /// Pre-activation Z = PHW.
    pub z: Mat,
    /// H' = σ(Z).
    pub out: Mat,
}

impl GcnLayer {
    /// H' = σ(P H W).
    pub fn forward(&self, p: &Mat, h: &Mat) -> GcnLayerTrace {
        self.forward_aggregated(p * h)
    }

    /// H' = σ((PH) W) from PH already formed — fixed input features X need P X only once, which
    /// for one-hot features (X = I) saves an n³ product every step.
    pub fn forward_aggregated(&self, ph: Mat) -> GcnLayerTrace {
        let z = &ph * &self.w;
        let out = self.activation.forward(&z);
        GcnLayerTrace { ph, z, out }
    }

    /// (∂W, ∂H) from ∂H'.
    pub fn backward(&self, p: &Mat, t: &GcnLayerTrace, grad_out: &Mat) -> (GcnLayer, Mat) {
        let dz = self.activation.backward(&t.z, grad_out);
        let g = GcnLayer {
            w: t.ph.transpose() * &dz,
            activation: self.activation,
        };
        (g, p.transpose() * dz * self.w.transpose())
    }
}

/// How neighbours are aggregated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Aggregator {
    /// Σ_{v∈N(u)} h_v (seed 002).
    Sum,
    /// (1/|N(u)|) Σ_{v∈N(u)} h_v (seed 003); 0 for an isolated node.
    Mean,
}

/// The aggregation matrix M: A for a sum, D^-1 A for a mean (rows of isolated nodes are 0).
pub fn aggregation_matrix(a: &Mat, agg: Aggregator) -> Mat {
    match agg {
        Aggregator::Sum => a.clone(),
        Aggregator::Mean => {
            let d = Vector::from_iterator(a.nrows(), a.row_iter().map(|r| r.sum()));
            Mat::from_fn(a.nrows(), a.ncols(), |i, j| {
                if d[i] > 0.0 {
                    a[(i, j)] / d[i]
                } else {
                    0.0
                }
            })
        }
    }
}

/// A self + neighbour layer's weights (also its gradient).
#[derive(Debug, Clone, PartialEq)]
pub struct SageLayer {
    /// W_self (f × f').
    pub w_self: Mat,
    /// W_neigh (f × f').
    pub w_neigh: Mat,
    /// b (1 × f').
    pub b: Mat,
    /// σ.
    pub activation: Activation,
}
crate::impl_parameters!(SageLayer { w_self => "W_self", w_neigh => "W_neigh", b => "b" });

/// A self + neighbour layer's intermediates.
#[derive(Debug, Clone, PartialEq)]
pub struct SageTrace {
    /// Messages aggregated per node, MH.
    pub messages: Mat,
    /// Pre-activation Z = H W_self + MH W_neigh + b.
    pub z: Mat,
    /// σ(Z).
    pub out: Mat,
}

impl SageLayer {
    /// H' = σ(H W_self + M H W_neigh + b) for aggregation matrix `m`.
    pub fn forward(&self, m: &Mat, h: &Mat) -> SageTrace {
        self.forward_aggregated(h, m * h)
    }

    /// The same from the messages MH already formed (e.g. by a sparse product).
    pub fn forward_aggregated(&self, h: &Mat, messages: Mat) -> SageTrace {
        let mut z = h * &self.w_self + &messages * &self.w_neigh;
        for mut row in z.row_iter_mut() {
            row += &self.b;
        }
        let out = self.activation.forward(&z);
        SageTrace { messages, z, out }
    }

    /// (parameter gradients, ∂H) from ∂H'.
    pub fn backward(&self, m: &Mat, h: &Mat, t: &SageTrace, grad_out: &Mat) -> (SageLayer, Mat) {
        let dz = self.activation.backward(&t.z, grad_out);
        let g = SageLayer {
            w_self: h.transpose() * &dz,
            w_neigh: t.messages.transpose() * &dz,
            b: Mat::from_fn(1, dz.ncols(), |_, j| dz.column(j).sum()),
            activation: self.activation,
        };
        let dh = &dz * self.w_self.transpose() + m.transpose() * (&dz * self.w_neigh.transpose());
        (g, dh)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::gcn::{normalized_adjacency, with_self_loops};
    use crate::engine::gradcheck::{check_parameters, numerical_grad, rel_error};
    use crate::engine::rng::{normal, rng};

    fn path4() -> Mat {
        Mat::from_row_slice(
            4,
            4,
            &[
                0., 1., 0., 0., 1., 0., 1., 0., 0., 1., 0., 1., 0., 0., 1., 0.,
            ],
        )
    }

    #[test]
    fn gcn_golden_one_layer() {
        // Path 0–1 with self-loops: Ã = [[1,1],[1,1]], D̃ = 2I, P̃ = ½Ã. H = (1, 3)ᵀ, W = 2:
        // P̃H = (2, 2)ᵀ, Z = (4, 4)ᵀ — both nodes end up at the mean: smoothing.
        let a = Mat::from_row_slice(2, 2, &[0., 1., 1., 0.]);
        let p = normalized_adjacency(&with_self_loops(&a)).unwrap();
        let layer = GcnLayer {
            w: Mat::from_element(1, 1, 2.0),
            activation: Activation::Identity,
        };
        let h = Mat::from_row_slice(2, 1, &[1.0, 3.0]);
        let t = layer.forward(&p, &h);
        assert!(t.z.iter().all(|z| (z - 4.0).abs() < 1e-14), "{}", t.z);
        // PH formed once by the caller gives the same trace.
        assert_eq!(layer.forward_aggregated(&p * &h), t);
    }

    #[test]
    fn gcn_gradients() {
        let mut r = rng(1);
        let p = normalized_adjacency(&with_self_loops(&path4())).unwrap();
        let layer = GcnLayer {
            w: normal(&mut r, 3, 2, 1.0),
            activation: Activation::Tanh,
        };
        let h = normal(&mut r, 4, 3, 1.0);
        let w = normal(&mut r, 4, 2, 1.0);
        let t = layer.forward(&p, &h);
        let (g, dh) = layer.backward(&p, &t, &w);
        let (_, err) = check_parameters(&layer, &g, |l| {
            l.forward(&p, &h).out.component_mul(&w).sum()
        });
        assert!(err <= 1e-6);
        assert!(
            rel_error(
                &dh,
                &numerical_grad(|hh| layer.forward(&p, hh).out.component_mul(&w).sum(), &h)
            ) <= 1e-6
        );
    }

    #[test]
    fn self_neighbour_golden_and_gradients() {
        // Mean over neighbours of node 1 in the path: (h_0 + h_2)/2.
        let a = path4();
        let m = aggregation_matrix(&a, Aggregator::Mean);
        let h = Mat::from_row_slice(4, 1, &[1.0, 5.0, 3.0, 7.0]);
        let layer = SageLayer {
            w_self: Mat::from_element(1, 1, 1.0),
            w_neigh: Mat::from_element(1, 1, 10.0),
            b: Mat::zeros(1, 1),
            activation: Activation::Identity,
        };
        // z_1 = 1·5 + 10·(1 + 3)/2 = 25.
        assert_eq!(layer.forward(&m, &h).z[(1, 0)], 25.0);
        let sum = aggregation_matrix(&a, Aggregator::Sum);
        assert_eq!(layer.forward(&sum, &h).z[(1, 0)], 45.0);

        let mut r = rng(2);
        let layer = SageLayer {
            w_self: normal(&mut r, 3, 2, 1.0),
            w_neigh: normal(&mut r, 3, 2, 1.0),
            b: normal(&mut r, 1, 2, 1.0),
            activation: Activation::Tanh,
        };
        let h = normal(&mut r, 4, 3, 1.0);
        let w = normal(&mut r, 4, 2, 1.0);
        for agg in [Aggregator::Sum, Aggregator::Mean] {
            let m = aggregation_matrix(&a, agg);
            let t = layer.forward(&m, &h);
            let (g, dh) = layer.backward(&m, &h, &t, &w);
            let (name, err) = check_parameters(&layer, &g, |l| {
                l.forward(&m, &h).out.component_mul(&w).sum()
            });
            assert!(err <= 1e-6, "{agg:?} {name}");
            assert!(
                rel_error(
                    &dh,
                    &numerical_grad(|hh| layer.forward(&m, hh).out.component_mul(&w).sum(), &h)
                ) <= 1e-6
            );
        }
    }

    #[test]
    fn mean_of_isolated_node_is_zero() {
        let m = aggregation_matrix(&Mat::zeros(2, 2), Aggregator::Mean);
        assert!(m.iter().all(|v| *v == 0.0));
    }
}
