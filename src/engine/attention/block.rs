//! A transformer block (seed 003): multi-head self-attention and a point-wise MLP
//! z_i = W_2 GeLU(W_1 x + b_1) + b_2, each wrapped in a residual connection and LayerNorm,
//! either **post-norm** (original): z = LN(Module(x) + x), or **pre-norm** (modern):
//! z = Module(LN(x)) + x. Rows are tokens; the MLP acts on each row: X W_1 + b_1.
//!
//! Backward composes the pieces' backwards: residuals copy the gradient to both branches;
//! LayerNorm and attention use their own backward functions; for the MLP with U = A W_1 + b_1,
//! G = GeLU(U), F = G W_2 + b_2: ∂W_2 = Gᵀ ∂F, ∂b_2 = Σ_rows ∂F, ∂U = (∂F W_2ᵀ) ⊙ GeLU'(U),
//! ∂W_1 = Aᵀ ∂U, ∂b_1 = Σ_rows ∂U, ∂A = ∂U W_1ᵀ.

use super::super::linalg::at_b;
use super::super::ops::layernorm::{layer_norm, layer_norm_backward, LayerNormTrace};
use super::super::ops::Activation;
use super::super::params::Parameters;
use super::super::rng::{glorot, Rng};
use super::super::{Mat, Result};
use super::mask::Mask;
use super::multihead::{MultiHead, MultiHeadTrace};
use serde::{Deserialize, Serialize};

/// Where LayerNorm sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Norm {
    /// z = Module(LN(x)) + x.
    #[default]
    Pre,
    /// z = LN(Module(x) + x).
    Post,
}

/// Sizes of a block.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BlockConfig {
    /// d_model.
    pub d_model: usize,
    /// Number of heads.
    pub heads: usize,
    /// Hidden width of the MLP.
    pub d_ff: usize,
    /// Pre- or post-norm.
    pub norm: Norm,
}

/// A transformer block's weights (also used for their gradients).
#[derive(Debug, Clone, PartialEq)]
pub struct TransformerBlock {
    /// Self-attention.
    pub mha: MultiHead,
    /// γ of the first LayerNorm (1 × d_model).
    pub ln1_gamma: Mat,
    /// β of the first LayerNorm.
    pub ln1_beta: Mat,
    /// γ of the second LayerNorm.
    pub ln2_gamma: Mat,
    /// β of the second LayerNorm.
    pub ln2_beta: Mat,
    /// W_1 (d_model × d_ff).
    pub w1: Mat,
    /// b_1 (1 × d_ff).
    pub b1: Mat,
    /// W_2 (d_ff × d_model).
    pub w2: Mat,
    /// b_2 (1 × d_model).
    pub b2: Mat,
    /// Pre- or post-norm.
    pub norm: Norm,
}

impl Parameters for TransformerBlock {
    fn tensors(&self) -> Vec<(&'static str, &Mat)> {
        let mut v = self.mha.tensors();
        v.extend([
            ("LN1.γ", &self.ln1_gamma),
            ("LN1.β", &self.ln1_beta),
            ("LN2.γ", &self.ln2_gamma),
            ("LN2.β", &self.ln2_beta),
            ("W_1", &self.w1),
            ("b_1", &self.b1),
            ("W_2", &self.w2),
            ("b_2", &self.b2),
        ]);
        v
    }
    fn tensors_mut(&mut self) -> Vec<(&'static str, &mut Mat)> {
        let mut v = self.mha.tensors_mut();
        v.extend([
            ("LN1.γ", &mut self.ln1_gamma),
            ("LN1.β", &mut self.ln1_beta),
            ("LN2.γ", &mut self.ln2_gamma),
            ("LN2.β", &mut self.ln2_beta),
            ("W_1", &mut self.w1),
            ("b_1", &mut self.b1),
            ("W_2", &mut self.w2),
            ("b_2", &mut self.b2),
        ]);
        v
    }
}

/// The MLP's intermediates.
#[derive(Debug, Clone, PartialEq)]
pub struct MlpTrace {
    /// U = A W_1 + b_1.
    pub u: Mat,
    /// GeLU(U).
    pub g: Mat,
    /// F = G W_2 + b_2.
    pub f: Mat,
}

/// Every intermediate of a block.
#[derive(Debug, Clone, PartialEq)]
pub struct BlockTrace {
    /// The attention sub-layer's input (LN(x) for pre-norm, x for post-norm).
    pub attn_in: Mat,
    /// Multi-head attention trace.
    pub mha: MultiHeadTrace,
    /// First LayerNorm.
    pub ln1: LayerNormTrace,
    /// The MLP's input.
    pub mlp_in: Mat,
    /// The MLP.
    pub mlp: MlpTrace,
    /// Second LayerNorm.
    pub ln2: LayerNormTrace,
    /// After the attention sub-layer (residual included).
    pub z: Mat,
    /// The block's output.
    pub y: Mat,
}

fn add_row(m: &Mat, row: &Mat) -> Mat {
    let mut out = m.clone();
    for mut r in out.row_iter_mut() {
        r += row;
    }
    out
}

fn col_sums(m: &Mat) -> Mat {
    Mat::from_fn(1, m.ncols(), |_, j| m.column(j).sum())
}

impl TransformerBlock {
    /// Glorot weights, γ = 1, β = 0, zero biases.
    pub fn init(rng: &mut Rng, c: &BlockConfig) -> Result<Self> {
        let d = c.d_model;
        Ok(TransformerBlock {
            mha: MultiHead::init(rng, d, c.heads)?,
            ln1_gamma: Mat::from_element(1, d, 1.0),
            ln1_beta: Mat::zeros(1, d),
            ln2_gamma: Mat::from_element(1, d, 1.0),
            ln2_beta: Mat::zeros(1, d),
            w1: glorot(rng, d, c.d_ff),
            b1: Mat::zeros(1, c.d_ff),
            w2: glorot(rng, c.d_ff, d),
            b2: Mat::zeros(1, d),
            norm: c.norm,
        })
    }

    fn mlp(&self, a: &Mat) -> MlpTrace {
        let u = add_row(&(a * &self.w1), &self.b1);
        let g = Activation::Gelu.forward(&u);
        let f = add_row(&(&g * &self.w2), &self.b2);
        MlpTrace { u, g, f }
    }

    /// Adds the MLP's parameter gradients to `grads`; returns ∂L/∂A.
    fn mlp_backward(&self, a: &Mat, t: &MlpTrace, d_f: &Mat, grads: &mut TransformerBlock) -> Mat {
        grads.w2 += at_b(&t.g, d_f);
        grads.b2 += col_sums(d_f);
        let d_u = Activation::Gelu.backward(&t.u, &(d_f * self.w2.transpose()));
        grads.w1 += at_b(a, &d_u);
        grads.b1 += col_sums(&d_u);
        d_u * self.w1.transpose()
    }

    /// The block applied to token rows `x` (n × d_model).
    pub fn forward(&self, x: &Mat, mask: &Mask) -> Result<BlockTrace> {
        match self.norm {
            Norm::Pre => {
                let ln1 = layer_norm(x, &self.ln1_gamma, &self.ln1_beta);
                let attn_in = ln1.y.clone();
                let mha = self.mha.forward(&attn_in, &attn_in, mask, true)?;
                let z = x + &mha.output;
                let ln2 = layer_norm(&z, &self.ln2_gamma, &self.ln2_beta);
                let mlp_in = ln2.y.clone();
                let mlp = self.mlp(&mlp_in);
                let y = &z + &mlp.f;
                Ok(BlockTrace {
                    attn_in,
                    mha,
                    ln1,
                    mlp_in,
                    mlp,
                    ln2,
                    z,
                    y,
                })
            }
            Norm::Post => {
                let mha = self.mha.forward(x, x, mask, true)?;
                let ln1 = layer_norm(&(x + &mha.output), &self.ln1_gamma, &self.ln1_beta);
                let z = ln1.y.clone();
                let mlp = self.mlp(&z);
                let ln2 = layer_norm(&(&z + &mlp.f), &self.ln2_gamma, &self.ln2_beta);
                let y = ln2.y.clone();
                Ok(BlockTrace {
                    attn_in: x.clone(),
                    mha,
                    ln1,
                    mlp_in: z.clone(),
                    mlp,
                    ln2,
                    z,
                    y,
                })
            }
        }
    }

    /// (parameter gradients, ∂L/∂x) from ∂L/∂y.
    pub fn backward(&self, x: &Mat, t: &BlockTrace, grad_y: &Mat) -> (TransformerBlock, Mat) {
        let mut g = self.zeros_like();
        match self.norm {
            Norm::Pre => {
                let mut d_z = grad_y.clone();
                let d_mlp_in = self.mlp_backward(&t.mlp_in, &t.mlp, grad_y, &mut g);
                let (d, dg, db) = layer_norm_backward(&t.ln2, &self.ln2_gamma, &d_mlp_in);
                d_z += d;
                g.ln2_gamma = dg;
                g.ln2_beta = db;
                let (gm, dq, dkv) = self.mha.backward(&t.attn_in, &t.attn_in, &t.mha, &d_z);
                g.mha = gm;
                let (d, dg, db) = layer_norm_backward(&t.ln1, &self.ln1_gamma, &(dq + dkv));
                g.ln1_gamma = dg;
                g.ln1_beta = db;
                (g, d_z + d)
            }
            Norm::Post => {
                let (d_s2, dg, db) = layer_norm_backward(&t.ln2, &self.ln2_gamma, grad_y);
                g.ln2_gamma = dg;
                g.ln2_beta = db;
                let d_z = self.mlp_backward(&t.mlp_in, &t.mlp, &d_s2, &mut g) + &d_s2;
                let (d_s1, dg, db) = layer_norm_backward(&t.ln1, &self.ln1_gamma, &d_z);
                g.ln1_gamma = dg;
                g.ln1_beta = db;
                let (gm, dq, dkv) = self.mha.backward(x, x, &t.mha, &d_s1);
                g.mha = gm;
                (g, d_s1 + dq + dkv)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::gradcheck::{check_parameters, numerical_grad, rel_error};
    use crate::engine::rng::{normal, rng};

    #[test]
    fn block_gradients_pre_and_post_norm() {
        for norm in [Norm::Pre, Norm::Post] {
            let mut r = rng(3);
            let mut b = TransformerBlock::init(
                &mut r,
                &BlockConfig {
                    d_model: 4,
                    heads: 2,
                    d_ff: 6,
                    norm,
                },
            )
            .unwrap();
            b.ln1_gamma = normal(&mut r, 1, 4, 0.3).add_scalar(1.0);
            b.b1 = normal(&mut r, 1, 6, 0.2);
            let x = normal(&mut r, 3, 4, 1.0);
            let w = normal(&mut r, 3, 4, 1.0);
            let f = |bb: &TransformerBlock, xx: &Mat| {
                bb.forward(xx, &Mask::Causal)
                    .unwrap()
                    .y
                    .component_mul(&w)
                    .sum()
            };
            let t = b.forward(&x, &Mask::Causal).unwrap();
            let (g, dx) = b.backward(&x, &t, &w);
            let (name, err) = check_parameters(&b, &g, |bb| f(bb, &x));
            assert!(err <= 1e-6, "{norm:?} {name}: {err:e}");
            assert!(
                rel_error(&dx, &numerical_grad(|xx| f(&b, xx), &x)) <= 1e-6,
                "{norm:?} ∂L/∂x"
            );
        }
    }
}
