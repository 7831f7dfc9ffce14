//! The vanilla (Elman) RNN cell of seed 001:
//! z_h^(t) = W_hx x^(t) + W_hh h^(t−1) + b_h, h^(t) = σ_h(z_h^(t)).
//!
//! Backward with δ = ∂L/∂h^(t): ∂L/∂z_h = δ ⊙ σ_h'(z_h); ∂L/∂W_hx += ∂L/∂z_h x^T;
//! ∂L/∂W_hh += ∂L/∂z_h h^(t−1)T; ∂L/∂b_h += ∂L/∂z_h; ∂L/∂h^(t−1) = W_hh^T ∂L/∂z_h.
//! The step Jacobian is ∂h^(t)/∂h^(t−1) = diag(σ_h'(z_h^(t))) W_hh.

use super::super::linalg::spectral_norm;
use super::super::ops::Activation;
use super::super::rng::{normal, uniform, Rng};
use super::super::{Mat, Result, Vector};
use super::{Cell, CellState, SeqTrace};
use serde::{Deserialize, Serialize};

/// Sizes and initialisation of a vanilla RNN cell.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct VanillaConfig {
    /// Input size n_x.
    pub inputs: usize,
    /// Hidden size n_h.
    pub hidden: usize,
    /// σ_h.
    pub activation: Activation,
    /// If set, W_hh = σ·Q with Q a random orthogonal matrix, so *every* singular value (and the
    /// modulus of every eigenvalue) is σ: seed 001's rule — > 1 exploding, < 1 vanishing — then
    /// holds exactly for a linear RNN. (A Gaussian matrix merely rescaled to σ_max = σ has
    /// spectral radius ≈ σ/2, so its powers can shrink even when σ > 1.) Otherwise entries are
    /// N(0, 1/n_h).
    pub recurrent_sigma: Option<f64>,
}

/// A vanilla RNN cell's weights (also used for its gradients).
#[derive(Debug, Clone, PartialEq)]
pub struct VanillaCell {
    /// W_hx (n_h × n_x).
    pub w_hx: Mat,
    /// W_hh (n_h × n_h).
    pub w_hh: Mat,
    /// b_h (n_h × 1).
    pub b_h: Mat,
    /// σ_h.
    pub activation: Activation,
}
crate::impl_parameters!(VanillaCell { w_hx => "W_hx", w_hh => "W_hh", b_h => "b_h" });

/// The intermediates of one vanilla step.
#[derive(Debug, Clone, PartialEq)]
pub struct VanillaStep {
    /// z_h^(t).
    pub z_h: Vector,
}

impl VanillaConfig {
    /// Random weights from `rng`.
    pub fn init(&self, rng: &mut Rng) -> Result<VanillaCell> {
        let a = 1.0 / (self.hidden.max(1) as f64).sqrt();
        let w_hx = uniform(rng, self.hidden, self.inputs, a);
        let mut w_hh = normal(rng, self.hidden, self.hidden, a);
        if let Some(sigma) = self.recurrent_sigma {
            // Q from the QR factorisation of a Gaussian matrix, columns sign-fixed by R's diagonal.
            let qr = w_hh.clone().qr();
            let (mut q, r) = (qr.q(), qr.r());
            for j in 0..q.ncols() {
                if r[(j, j)] < 0.0 {
                    q.column_mut(j).neg_mut();
                }
            }
            w_hh = q * sigma;
            if spectral_norm(&w_hh)?.is_nan() {
                return Err(crate::engine::EngineError::Invalid(
                    "W_hh is not finite".into(),
                ));
            }
        }
        Ok(VanillaCell {
            w_hx,
            w_hh,
            b_h: Mat::zeros(self.hidden, 1),
            activation: self.activation,
        })
    }
}

impl VanillaCell {
    /// ∂h^(t)/∂h^(t−1) = diag(σ_h'(z_h^(t))) W_hh.
    pub fn step_jacobian(&self, step: &VanillaStep) -> Mat {
        let mut j = self.w_hh.clone();
        for (i, z) in step.z_h.iter().enumerate() {
            let d = self.activation.derivative(*z);
            j.row_mut(i).scale_mut(d);
        }
        j
    }

    /// ‖∂h^(T)/∂h^(k)‖₂ = ‖∏_{i=k+1}^{T} ∂h^(i)/∂h^(i−1)‖₂ for k = 0 … T (seed 001's product),
    /// spectral norms. Entry T is 1 (the empty product).
    pub fn jacobian_product_norms(&self, trace: &SeqTrace<VanillaStep>) -> Result<Vec<f64>> {
        let t_len = trace.steps.len();
        let mut norms = vec![0.0; t_len + 1];
        let mut m = Mat::identity(self.w_hh.nrows(), self.w_hh.nrows());
        norms[t_len] = 1.0;
        for k in (1..=t_len).rev() {
            m *= self.step_jacobian(&trace.steps[k - 1]);
            norms[k - 1] = spectral_norm(&m)?;
        }
        Ok(norms)
    }
}

impl Cell for VanillaCell {
    type Step = VanillaStep;

    fn input_size(&self) -> usize {
        self.w_hx.ncols()
    }
    fn hidden_size(&self) -> usize {
        self.w_hh.nrows()
    }
    fn has_cell_state(&self) -> bool {
        false
    }

    fn step(&self, x: &Vector, prev: &CellState) -> (CellState, VanillaStep) {
        let z_h = &self.w_hx * x + &self.w_hh * &prev.h + self.b_h.column(0);
        let h = z_h.map(|z| self.activation.apply(z));
        (
            CellState {
                h,
                c: Vector::zeros(0),
            },
            VanillaStep { z_h },
        )
    }

    fn step_backward(
        &self,
        x: &Vector,
        prev: &CellState,
        step: &VanillaStep,
        d: &CellState,
        grads: &mut Self,
    ) -> CellState {
        let dz =
            d.h.zip_map(&step.z_h, |g, z| g * self.activation.derivative(z));
        grads.w_hx.ger(1.0, &dz, x, 1.0);
        grads.w_hh.ger(1.0, &dz, &prev.h, 1.0);
        grads.b_h.column_mut(0).axpy(1.0, &dz, 1.0);
        CellState {
            h: self.w_hh.tr_mul(&dz),
            c: Vector::zeros(0),
        }
    }
}
