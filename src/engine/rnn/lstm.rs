//! The LSTM cell exactly as seed 001 writes it:
//!
//! f_t = σ(W_fx x^(t) + W_fh h^(t−1) + b_f)   forget gate
//! i_t = σ(W_ix x^(t) + W_ih h^(t−1) + b_i)   input gate
//! g_t = tanh(W_gx x^(t) + W_gh h^(t−1) + b_g) input node
//! o_t = σ(W_ox x^(t) + W_oh h^(t−1) + b_o)   output gate
//! C^(t) = f_t ⊙ C^(t−1) + i_t ⊙ g_t,  h^(t) = o_t ⊙ tanh(C^(t))
//!
//! Backward with δh = ∂L/∂h^(t), δC = ∂L/∂C^(t) (from step t+1):
//! δo = δh ⊙ tanh C; δC ← δC + δh ⊙ o ⊙ (1 − tanh² C);
//! δf = δC ⊙ C^(t−1); δi = δC ⊙ g; δg = δC ⊙ i; ∂L/∂C^(t−1) = δC ⊙ f (the constant-error path);
//! pre-activation gradients δz_f = δf ⊙ f(1−f), δz_i = δi ⊙ i(1−i), δz_g = δg ⊙ (1−g²),
//! δz_o = δo ⊙ o(1−o); then W_·x += δz_· x^T, W_·h += δz_· h^(t−1)T, b_· += δz_·, and
//! ∂L/∂h^(t−1) = Σ_· W_·h^T δz_·.

use super::super::ops::activation::sigmoid;
use super::super::rng::{uniform, Rng};
use super::super::{Mat, Vector};
use super::{Cell, CellState};
use serde::{Deserialize, Serialize};

/// Sizes and initialisation of an LSTM cell.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LstmConfig {
    /// Input size n_x.
    pub inputs: usize,
    /// Hidden size n_h.
    pub hidden: usize,
    /// Initial forget-gate bias b_f (≈ 1 keeps the memory open at the start of training).
    pub forget_bias: f64,
}

/// An LSTM cell's weights (also used for its gradients).
#[derive(Debug, Clone, PartialEq)]
pub struct LstmCell {
    /// W_fx.
    pub w_fx: Mat,
    /// W_fh.
    pub w_fh: Mat,
    /// b_f.
    pub b_f: Mat,
    /// W_ix.
    pub w_ix: Mat,
    /// W_ih.
    pub w_ih: Mat,
    /// b_i.
    pub b_i: Mat,
    /// W_gx.
    pub w_gx: Mat,
    /// W_gh.
    pub w_gh: Mat,
    /// b_g.
    pub b_g: Mat,
    /// W_ox.
    pub w_ox: Mat,
    /// W_oh.
    pub w_oh: Mat,
    /// b_o.
    pub b_o: Mat,
}
crate::impl_parameters!(LstmCell {
    w_fx => "W_fx", w_fh => "W_fh", b_f => "b_f",
    w_ix => "W_ix", w_ih => "W_ih", b_i => "b_i",
    w_gx => "W_gx", w_gh => "W_gh", b_g => "b_g",
    w_ox => "W_ox", w_oh => "W_oh", b_o => "b_o",
});

/// The intermediates of one LSTM step.
#[derive(Debug, Clone, PartialEq)]
pub struct LstmStep {
    /// Forget gate f_t.
    pub f: Vector,
    /// Input gate i_t.
    pub i: Vector,
    /// Input node g_t.
    pub g: Vector,
    /// Output gate o_t.
    pub o: Vector,
    /// tanh(C^(t)).
    pub tanh_c: Vector,
}

impl LstmConfig {
    /// Random weights U(−1/√n_h, 1/√n_h) (as PyTorch), b_f = `forget_bias`, other biases 0.
    pub fn init(&self, rng: &mut Rng) -> LstmCell {
        let (h, x) = (self.hidden, self.inputs);
        let a = 1.0 / (h.max(1) as f64).sqrt();
        let mut w = |r, c| uniform(rng, r, c, a);
        LstmCell {
            w_fx: w(h, x),
            w_fh: w(h, h),
            b_f: Mat::from_element(h, 1, self.forget_bias),
            w_ix: w(h, x),
            w_ih: w(h, h),
            b_i: Mat::zeros(h, 1),
            w_gx: w(h, x),
            w_gh: w(h, h),
            b_g: Mat::zeros(h, 1),
            w_ox: w(h, x),
            w_oh: w(h, h),
            b_o: Mat::zeros(h, 1),
        }
    }
}

fn affine(wx: &Mat, wh: &Mat, b: &Mat, x: &Vector, h: &Vector) -> Vector {
    let mut z = b.column(0).into_owned();
    z.gemv(1.0, wx, x, 1.0);
    z.gemv(1.0, wh, h, 1.0);
    z
}

/// Adds the outer products δz xᵀ and δz hᵀ in place (rank-1 updates, no temporaries).
fn accumulate(gwx: &mut Mat, gwh: &mut Mat, gb: &mut Mat, dz: &Vector, x: &Vector, h: &Vector) {
    gwx.ger(1.0, dz, x, 1.0);
    gwh.ger(1.0, dz, h, 1.0);
    gb.column_mut(0).axpy(1.0, dz, 1.0);
}

impl Cell for LstmCell {
    type Step = LstmStep;

    fn input_size(&self) -> usize {
        self.w_fx.ncols()
    }
    fn hidden_size(&self) -> usize {
        self.w_fh.nrows()
    }
    fn has_cell_state(&self) -> bool {
        true
    }

    fn step(&self, x: &Vector, prev: &CellState) -> (CellState, LstmStep) {
        let h = &prev.h;
        let f = affine(&self.w_fx, &self.w_fh, &self.b_f, x, h).map(sigmoid);
        let i = affine(&self.w_ix, &self.w_ih, &self.b_i, x, h).map(sigmoid);
        let g = affine(&self.w_gx, &self.w_gh, &self.b_g, x, h).map(f64::tanh);
        let o = affine(&self.w_ox, &self.w_oh, &self.b_o, x, h).map(sigmoid);
        let c = f.component_mul(&prev.c) + i.component_mul(&g);
        let tanh_c = c.map(f64::tanh);
        let h = o.component_mul(&tanh_c);
        (CellState { h, c }, LstmStep { f, i, g, o, tanh_c })
    }

    fn total_state_grad(&self, s: &LstmStep, d: &CellState) -> CellState {
        CellState {
            h: d.h.clone(),
            c: &d.c
                + d.h
                    .component_mul(&s.o)
                    .component_mul(&s.tanh_c.map(|t| 1.0 - t * t)),
        }
    }

    fn step_backward(
        &self,
        x: &Vector,
        prev: &CellState,
        s: &LstmStep,
        d: &CellState,
        grads: &mut Self,
    ) -> CellState {
        let d_o = d.h.component_mul(&s.tanh_c);
        let d_c = &d.c
            + d.h
                .component_mul(&s.o)
                .component_mul(&s.tanh_c.map(|t| 1.0 - t * t));
        let d_f = d_c.component_mul(&prev.c);
        let d_i = d_c.component_mul(&s.g);
        let d_g = d_c.component_mul(&s.i);
        let dz_f = d_f.zip_map(&s.f, |d, f| d * f * (1.0 - f));
        let dz_i = d_i.zip_map(&s.i, |d, i| d * i * (1.0 - i));
        let dz_g = d_g.zip_map(&s.g, |d, g| d * (1.0 - g * g));
        let dz_o = d_o.zip_map(&s.o, |d, o| d * o * (1.0 - o));
        let h = &prev.h;
        accumulate(
            &mut grads.w_fx,
            &mut grads.w_fh,
            &mut grads.b_f,
            &dz_f,
            x,
            h,
        );
        accumulate(
            &mut grads.w_ix,
            &mut grads.w_ih,
            &mut grads.b_i,
            &dz_i,
            x,
            h,
        );
        accumulate(
            &mut grads.w_gx,
            &mut grads.w_gh,
            &mut grads.b_g,
            &dz_g,
            x,
            h,
        );
        accumulate(
            &mut grads.w_ox,
            &mut grads.w_oh,
            &mut grads.b_o,
            &dz_o,
            x,
            h,
        );
        // Σ_· W_·hᵀ δz_·, without materialising the transposes.
        let mut dh_prev = self.w_fh.tr_mul(&dz_f);
        dh_prev.gemv_tr(1.0, &self.w_ih, &dz_i, 1.0);
        dh_prev.gemv_tr(1.0, &self.w_gh, &dz_g, 1.0);
        dh_prev.gemv_tr(1.0, &self.w_oh, &dz_o, 1.0);
        CellState {
            h: dh_prev,
            c: d_c.component_mul(&s.f),
        }
    }
}
