//! Graph attention (seed 000): e_vu = a(W h_u, W h_v), α_vu = exp(e_vu) / Σ_{k∈N(v)} exp(e_vk),
//! h_v' = σ(Σ_{u∈N(v)} α_vu W h_u). The scoring function a is GAT's
//! e_vu = LeakyReLU(a_dstᵀ W h_v + a_srcᵀ W h_u) (slope 0.2). N(v) includes v itself when
//! `self_loops` is set (as in the GAT paper).
//!
//! Backward with Z = HW, E (pre-LeakyReLU scores), α and Y = αZ: ∂Y = σ'(Y) ⊙ ∂H',
//! ∂α = ∂Y Zᵀ, ∂Z = αᵀ∂Y, ∂e = softmax backward (0 off the neighbourhood), ∂E = ∂e ⊙ LeakyReLU'(E),
//! ∂s_dst = Σ_u ∂E_vu, ∂s_src = Σ_v ∂E_vu, ∂a_dst = Zᵀ∂s_dst, ∂a_src = Zᵀ∂s_src,
//! ∂Z += ∂s_dst a_dstᵀ + ∂s_src a_srcᵀ, ∂W = Hᵀ∂Z, ∂H = ∂Z Wᵀ.

use super::super::ops::{softmax_rows, softmax_rows_backward, Activation};
use super::super::Mat;

/// LeakyReLU slope for negative scores.
pub const LEAKY_SLOPE: f64 = 0.2;

/// One GAT head's weights (also its gradient).
#[derive(Debug, Clone, PartialEq)]
pub struct GatHead {
    /// W (f × f').
    pub w: Mat,
    /// a_dst (f' × 1), scores the receiving node v.
    pub a_dst: Mat,
    /// a_src (f' × 1), scores the sending neighbour u.
    pub a_src: Mat,
    /// σ.
    pub activation: Activation,
}
crate::impl_parameters!(GatHead { w => "W", a_dst => "a_dst", a_src => "a_src" });

/// One GAT head's intermediates.
#[derive(Debug, Clone, PartialEq)]
pub struct GatTrace {
    /// Z = HW.
    pub z: Mat,
    /// Raw scores a_dstᵀz_v + a_srcᵀz_u (n × n), before LeakyReLU.
    pub raw: Mat,
    /// e_vu after LeakyReLU, −∞ off the neighbourhood.
    pub e: Mat,
    /// α_vu (rows sum to 1 over N(v); exactly 0 elsewhere).
    pub alpha: Mat,
    /// Y = αZ.
    pub y: Mat,
    /// H' = σ(Y).
    pub out: Mat,
}

fn leaky(x: f64) -> f64 {
    if x > 0.0 {
        x
    } else {
        LEAKY_SLOPE * x
    }
}

impl GatHead {
    /// Forward over adjacency `a` (N(v) = {u : A_vu ≠ 0}, plus v if `self_loops`).
    pub fn forward(&self, a: &Mat, h: &Mat, self_loops: bool) -> GatTrace {
        let z = h * &self.w;
        let s_dst = &z * &self.a_dst;
        let s_src = &z * &self.a_src;
        let n = h.nrows();
        let raw = Mat::from_fn(n, n, |v, u| s_dst[(v, 0)] + s_src[(u, 0)]);
        let e = Mat::from_fn(n, n, |v, u| {
            if a[(v, u)] != 0.0 || (self_loops && u == v) {
                leaky(raw[(v, u)])
            } else {
                f64::NEG_INFINITY
            }
        });
        let alpha = softmax_rows(&e);
        let y = &alpha * &z;
        let out = self.activation.forward(&y);
        GatTrace {
            z,
            raw,
            e,
            alpha,
            y,
            out,
        }
    }

    /// (parameter gradients, ∂H) from ∂H'.
    pub fn backward(&self, h: &Mat, t: &GatTrace, grad_out: &Mat) -> (GatHead, Mat) {
        let dy = self.activation.backward(&t.y, grad_out);
        let d_alpha = &dy * t.z.transpose();
        let mut dz = t.alpha.transpose() * &dy;
        let mut de = softmax_rows_backward(&t.alpha, &d_alpha);
        for ((d, e), r) in de.iter_mut().zip(t.e.iter()).zip(t.raw.iter()) {
            *d = if *e == f64::NEG_INFINITY {
                0.0
            } else if *r > 0.0 {
                *d
            } else {
                *d * LEAKY_SLOPE
            };
        }
        let n = de.nrows();
        let ds_dst = Mat::from_fn(n, 1, |v, _| de.row(v).sum());
        let ds_src = Mat::from_fn(n, 1, |u, _| de.column(u).sum());
        let g = GatHead {
            w: Mat::zeros(0, 0),
            a_dst: t.z.transpose() * &ds_dst,
            a_src: t.z.transpose() * &ds_src,
            activation: self.activation,
        };
        dz += &ds_dst * self.a_dst.transpose() + &ds_src * self.a_src.transpose();
        let g = GatHead {
            w: h.transpose() * &dz,
            ..g
        };
        (g, dz * self.w.transpose())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::gradcheck::{check_parameters, numerical_grad, rel_error};
    use crate::engine::rng::{normal, rng};

    fn star() -> Mat {
        // Node 0 joined to 1, 2, 3.
        let mut a = Mat::zeros(4, 4);
        for u in 1..4 {
            a[(0, u)] = 1.0;
            a[(u, 0)] = 1.0;
        }
        a
    }

    #[test]
    fn attention_is_a_softmax_over_each_neighbourhood() {
        let mut r = rng(1);
        let head = GatHead {
            w: normal(&mut r, 2, 3, 1.0),
            a_dst: normal(&mut r, 3, 1, 1.0),
            a_src: normal(&mut r, 3, 1, 1.0),
            activation: Activation::Identity,
        };
        let t = head.forward(&star(), &normal(&mut r, 4, 2, 1.0), false);
        for v in 0..4 {
            assert!((t.alpha.row(v).sum() - 1.0).abs() < 1e-12);
        }
        assert_eq!(t.alpha[(1, 2)], 0.0, "1 and 2 are not neighbours");
        assert_eq!(
            t.alpha[(1, 0)],
            1.0,
            "a leaf's only neighbour gets all the weight"
        );
        // Equal scores → α = 1/|N(v)|: with a = 0, the hub averages its 3 neighbours.
        let flat = GatHead {
            a_dst: Mat::zeros(3, 1),
            a_src: Mat::zeros(3, 1),
            ..head.clone()
        };
        let t = flat.forward(&star(), &normal(&mut r, 4, 2, 1.0), false);
        assert!((t.alpha[(0, 1)] - 1.0 / 3.0).abs() < 1e-15);
    }

    /// A 5-cycle with a chord: every row mixes positive and negative raw scores, so the
    /// LeakyReLU breaks the softmax's shift invariance and ∂L/∂a_dst is far from 0.
    fn cycle_with_chord() -> Mat {
        let mut a = Mat::zeros(5, 5);
        for (i, j) in [(0, 1), (1, 2), (2, 3), (3, 4), (4, 0), (0, 2)] {
            a[(i, j)] = 1.0;
            a[(j, i)] = 1.0;
        }
        a
    }

    #[test]
    fn gat_gradients() {
        let mut r = rng(2);
        // a_src large, a_dst small: the neighbour term spreads the raw scores across 0.
        let head = GatHead {
            w: normal(&mut r, 3, 2, 1.0),
            a_dst: normal(&mut r, 2, 1, 0.3),
            a_src: normal(&mut r, 2, 1, 3.0),
            activation: Activation::Tanh,
        };
        let h = normal(&mut r, 5, 3, 1.5);
        let w = normal(&mut r, 5, 2, 1.0);
        let a = cycle_with_chord();
        for self_loops in [false, true] {
            let t = head.forward(&a, &h, self_loops);
            let (g, dh) = head.backward(&h, &t, &w);
            assert!(
                g.a_dst.norm() > 1e-3,
                "the check must exercise a_dst: {:e}",
                g.a_dst.norm()
            );
            let f =
                |hd: &GatHead, hh: &Mat| hd.forward(&a, hh, self_loops).out.component_mul(&w).sum();
            let (name, err) = check_parameters(&head, &g, |hd| f(hd, &h));
            assert!(err <= 1e-6, "{name}: {err:e} (self_loops = {self_loops})");
            assert!(rel_error(&dh, &numerical_grad(|hh| f(&head, hh), &h)) <= 1e-6);
        }
    }
}
