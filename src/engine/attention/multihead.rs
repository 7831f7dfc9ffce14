//! Multi-head attention (seeds 002/003): for each head h, Q_h = X_q W_q^h, K_h = X_kv W_k^h,
//! V_h = X_kv W_v^h, head_h = Attention(Q_h, K_h, V_h); then
//! MultiHead = Concat(head_1, …, head_H) W_o. Self-attention has X_q = X_kv; cross-attention
//! takes queries from one sequence (decoder) and keys/values from another (encoder).
//!
//! Backward: each head's ∂L/∂head_h is its block of columns of ∂L/∂Concat = ∂L/∂Y W_oᵀ;
//! ∂L/∂W_o = Concatᵀ ∂L/∂Y; per head ∂L/∂W_q^h = X_qᵀ ∂L/∂Q_h (likewise K, V with X_kv), and
//! ∂L/∂X_q = Σ_h ∂L/∂Q_h W_q^hᵀ, ∂L/∂X_kv = Σ_h (∂L/∂K_h W_k^hᵀ + ∂L/∂V_h W_v^hᵀ).

use super::super::linalg::at_b;
use super::super::params::Parameters;
use super::super::rng::{glorot, Rng};
use super::super::{EngineError, Mat, Result};
use super::mask::Mask;
use super::scaled::{attention, attention_backward, AttentionTrace};

/// One head's projections, each d_model × d_k.
#[derive(Debug, Clone, PartialEq)]
pub struct HeadParams {
    /// W_q.
    pub w_q: Mat,
    /// W_k.
    pub w_k: Mat,
    /// W_v.
    pub w_v: Mat,
}
crate::impl_parameters!(HeadParams { w_q => "W_q", w_k => "W_k", w_v => "W_v" });

/// Multi-head attention weights (also used for their gradients).
#[derive(Debug, Clone, PartialEq)]
pub struct MultiHead {
    /// The heads.
    pub heads: Vec<HeadParams>,
    /// Output projection W_o ((H·d_v) × d_model).
    pub w_o: Mat,
}

impl Parameters for MultiHead {
    fn tensors(&self) -> Vec<(&'static str, &Mat)> {
        let mut v = self.heads.tensors();
        v.push(("W_o", &self.w_o));
        v
    }
    fn tensors_mut(&mut self) -> Vec<(&'static str, &mut Mat)> {
        let mut v = self.heads.tensors_mut();
        v.push(("W_o", &mut self.w_o));
        v
    }
}

/// One head's trace: its projections and its attention intermediates.
#[derive(Debug, Clone, PartialEq)]
pub struct HeadTrace {
    /// Q = X_q W_q.
    pub q: Mat,
    /// K = X_kv W_k.
    pub k: Mat,
    /// V = X_kv W_v.
    pub v: Mat,
    /// Scores, scaled, masked, weights, output.
    pub attn: AttentionTrace,
}

/// Everything multi-head attention computed.
#[derive(Debug, Clone, PartialEq)]
pub struct MultiHeadTrace {
    /// Per-head traces.
    pub heads: Vec<HeadTrace>,
    /// Concat(head_1, …, head_H) (n_q × H·d_v).
    pub concat: Mat,
    /// Concat · W_o (n_q × d_model).
    pub output: Mat,
}

impl MultiHead {
    /// `heads` heads of size d_k = d_model / heads (at least 1), Glorot-initialised.
    pub fn init(rng: &mut Rng, d_model: usize, heads: usize) -> Result<Self> {
        if heads == 0 || d_model == 0 {
            return Err(EngineError::Invalid(
                "need at least one head and d_model ≥ 1".into(),
            ));
        }
        let d_k = (d_model / heads).max(1);
        let heads_v = (0..heads)
            .map(|_| HeadParams {
                w_q: glorot(rng, d_model, d_k),
                w_k: glorot(rng, d_model, d_k),
                w_v: glorot(rng, d_model, d_k),
            })
            .collect();
        Ok(MultiHead {
            heads: heads_v,
            w_o: glorot(rng, heads * d_k, d_model),
        })
    }

    /// Attention of `x_q` over `x_kv` (pass the same matrix twice for self-attention).
    pub fn forward(
        &self,
        x_q: &Mat,
        x_kv: &Mat,
        mask: &Mask,
        scale: bool,
    ) -> Result<MultiHeadTrace> {
        let d_model = self.w_o.ncols();
        if x_q.ncols() != d_model || x_kv.ncols() != d_model {
            return Err(EngineError::Shape {
                what: format!(
                    "inputs have {} and {} features, the model expects d_model = {d_model}",
                    x_q.ncols(),
                    x_kv.ncols()
                ),
            });
        }
        let mut heads = Vec::with_capacity(self.heads.len());
        let mut blocks = Vec::with_capacity(self.heads.len());
        for h in &self.heads {
            let (q, k, v) = (x_q * &h.w_q, x_kv * &h.w_k, x_kv * &h.w_v);
            let attn = attention(&q, &k, &v, mask, scale)?;
            blocks.push(attn.output.clone());
            heads.push(HeadTrace { q, k, v, attn });
        }
        let width: usize = blocks.iter().map(|b| b.ncols()).sum();
        if width != self.w_o.nrows() {
            return Err(EngineError::Shape {
                what: format!(
                    "Concat has {width} columns but W_o has {} rows",
                    self.w_o.nrows()
                ),
            });
        }
        let mut concat = Mat::zeros(x_q.nrows(), width);
        let mut col = 0;
        for b in &blocks {
            concat
                .view_mut((0, col), (b.nrows(), b.ncols()))
                .copy_from(b);
            col += b.ncols();
        }
        let output = &concat * &self.w_o;
        Ok(MultiHeadTrace {
            heads,
            concat,
            output,
        })
    }

    /// How far self-attention is from permutation-equivariant: `out` is the layer's output on
    /// some input x, `permuted` the input after reordering the tokens by `perm` (row k holds
    /// token perm[k]; with positional encodings the positions stay put, so it is not Πx). Runs the
    /// layer on it and returns max |out(permuted) − Π out|. Without positional information and
    /// without a mask that depends on positions this is 0 up to rounding (seed 003: attention is
    /// permutation invariant, but language is not).
    pub fn equivariance_gap(
        &self,
        out: &Mat,
        permuted: &Mat,
        perm: &[usize],
        mask: &Mask,
        scale: bool,
    ) -> Result<f64> {
        if perm.len() != out.nrows()
            || perm.len() != permuted.nrows()
            || perm.iter().any(|&p| p >= out.nrows())
        {
            return Err(EngineError::Shape {
                what: format!("a permutation of {} rows", out.nrows()),
            });
        }
        let p_out = self.forward(permuted, permuted, mask, scale)?.output;
        Ok((0..p_out.nrows())
            .flat_map(|k| (0..p_out.ncols()).map(move |c| (k, c)))
            .map(|(k, c)| (p_out[(k, c)] - out[(perm[k], c)]).abs())
            .fold(0.0, f64::max))
    }

    /// (parameter gradients, ∂L/∂X_q, ∂L/∂X_kv) from ∂L/∂output.
    pub fn backward(
        &self,
        x_q: &Mat,
        x_kv: &Mat,
        t: &MultiHeadTrace,
        grad_out: &Mat,
    ) -> (MultiHead, Mat, Mat) {
        let mut g = self.zeros_like();
        g.w_o = at_b(&t.concat, grad_out);
        let d_concat = grad_out * self.w_o.transpose();
        let mut dx_q = Mat::zeros(x_q.nrows(), x_q.ncols());
        let mut dx_kv = Mat::zeros(x_kv.nrows(), x_kv.ncols());
        let mut col = 0;
        for ((h, ht), gh) in self.heads.iter().zip(&t.heads).zip(g.heads.iter_mut()) {
            let w = ht.attn.output.ncols();
            let d_head = d_concat.columns(col, w).into_owned();
            col += w;
            let (dq, dk, dv) = attention_backward(&ht.attn, &ht.q, &ht.k, &ht.v, &d_head);
            gh.w_q = at_b(x_q, &dq);
            gh.w_k = at_b(x_kv, &dk);
            gh.w_v = at_b(x_kv, &dv);
            dx_q += dq * h.w_q.transpose();
            dx_kv += dk * h.w_k.transpose() + dv * h.w_v.transpose();
        }
        (g, dx_q, dx_kv)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::gradcheck::{check_parameters, numerical_grad, rel_error};
    use crate::engine::rng::{normal, rng};

    fn loss(m: &MultiHead, xq: &Mat, xkv: &Mat, mask: &Mask, w: &Mat) -> f64 {
        m.forward(xq, xkv, mask, true)
            .unwrap()
            .output
            .component_mul(w)
            .sum()
    }

    #[test]
    fn multi_head_causal_self_attention_gradients() {
        let mut r = rng(1);
        let m = MultiHead::init(&mut r, 6, 3).unwrap();
        let x = normal(&mut r, 4, 6, 1.0);
        let w = normal(&mut r, 4, 6, 1.0);
        let t = m.forward(&x, &x, &Mask::Causal, true).unwrap();
        assert_eq!(t.heads.len(), 3);
        let (g, dxq, dxkv) = m.backward(&x, &x, &t, &w);
        let (name, err) = check_parameters(&m, &g, |mm| loss(mm, &x, &x, &Mask::Causal, &w));
        assert!(err <= 1e-6, "{name}: {err:e}");
        // Self-attention: ∂L/∂X = ∂L/∂X_q + ∂L/∂X_kv.
        let num = numerical_grad(|xx| loss(&m, xx, xx, &Mask::Causal, &w), &x);
        assert!(rel_error(&(dxq + dxkv), &num) <= 1e-6);
    }

    #[test]
    fn cross_attention_gradients() {
        let mut r = rng(2);
        let m = MultiHead::init(&mut r, 4, 2).unwrap();
        let dec = normal(&mut r, 3, 4, 1.0);
        let enc = normal(&mut r, 5, 4, 1.0);
        let w = normal(&mut r, 3, 4, 1.0);
        let t = m.forward(&dec, &enc, &Mask::None, true).unwrap();
        assert_eq!(
            t.heads[0].attn.weights.shape(),
            (3, 5),
            "target queries × source keys"
        );
        let (g, dq, dkv) = m.backward(&dec, &enc, &t, &w);
        let (name, err) = check_parameters(&m, &g, |mm| loss(mm, &dec, &enc, &Mask::None, &w));
        assert!(err <= 1e-6, "{name}: {err:e}");
        assert!(
            rel_error(
                &dq,
                &numerical_grad(|x| loss(&m, x, &enc, &Mask::None, &w), &dec)
            ) <= 1e-6
        );
        assert!(
            rel_error(
                &dkv,
                &numerical_grad(|x| loss(&m, &dec, x, &Mask::None, &w), &enc)
            ) <= 1e-6
        );
    }

    #[test]
    fn equivariant_without_positions_or_causal_mask() {
        let mut r = crate::engine::rng::rng(5);
        let m = MultiHead::init(&mut r, 8, 2).unwrap();
        let x = crate::engine::rng::normal(&mut r, 5, 8, 1.0);
        let reverse = [4, 3, 2, 1, 0];
        let px = Mat::from_fn(5, 8, |k, c| x[(reverse[k], c)]);
        let out = m.forward(&x, &x, &Mask::None, true).unwrap().output;
        assert!(
            m.equivariance_gap(&out, &px, &reverse, &Mask::None, true)
                .unwrap()
                < 1e-12
        );
        // A causal mask depends on positions: reordering changes what each token sees.
        let out = m.forward(&x, &x, &Mask::Causal, true).unwrap().output;
        assert!(
            m.equivariance_gap(&out, &px, &reverse, &Mask::Causal, true)
                .unwrap()
                > 1e-3
        );
        // Positions added after reordering break it too.
        let p = crate::engine::attention::sinusoidal(5, 8, 10_000.0);
        let out = m
            .forward(&(&x + &p), &(&x + &p), &Mask::None, true)
            .unwrap()
            .output;
        assert!(
            m.equivariance_gap(&out, &(&px + &p), &reverse, &Mask::None, true)
                .unwrap()
                > 1e-3
        );
        assert!(m
            .equivariance_gap(&out, &px, &[0, 1], &Mask::None, true)
            .is_err());
    }
}
