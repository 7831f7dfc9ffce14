//! A tiny attention model trained live on token tasks (reversal, copy, sort):
//! X = E[tokens] + P (embeddings plus learned positions), one multi-head self-attention layer,
//! logits = Attn(X) W_out + b_out, softmax cross-entropy at every position. There is no
//! residual path, so the only way to solve reversal is for position i to attend to n − 1 − i.
//!
//! Backward: ∂W_out = Attnᵀ ∂logits, ∂b_out = Σ_rows ∂logits, attention backward gives ∂X,
//! then ∂P = ∂X and ∂E[token] += the rows of ∂X where that token occurs.
//!
//! Cross mode (`cross = true`) is the decoder side of seed 003's encoder–decoder: the queries
//! are the output positions alone, X_q = P, and the keys and values come from the input sentence,
//! X = E[tokens] + P. Output position i then has to *look up* where its answer is in the source,
//! so the weights are the target × source alignment of the translation figure. Backward:
//! ∂P += ∂X_q as well.

use super::super::data::TokenTask;
use super::super::linalg::at_b;
use super::super::ops::cross_entropy_rows;
use super::super::params::Parameters;
use super::super::rng::{normal, Rng};
use super::super::train::Trainable;
use super::super::{EngineError, Mat, Result};
use super::mask::Mask;
use super::multihead::{MultiHead, MultiHeadTrace};

/// The tiny model's weights (also its gradients).
#[derive(Debug, Clone, PartialEq)]
pub struct TinyAttention {
    /// Token embeddings E (vocab × d_model).
    pub embed: Mat,
    /// Learned positional encodings P (max_len × d_model).
    pub pos: Mat,
    /// The attention layer.
    pub mha: MultiHead,
    /// W_out (d_model × vocab).
    pub w_out: Mat,
    /// b_out (1 × vocab).
    pub b_out: Mat,
    /// Queries from the positions alone (cross-attention), not from X (self-attention).
    pub cross: bool,
}

impl Parameters for TinyAttention {
    fn tensors(&self) -> Vec<(&'static str, &Mat)> {
        let mut v = vec![("E", &self.embed), ("P", &self.pos)];
        v.extend(self.mha.tensors());
        v.extend([("W_out", &self.w_out), ("b_out", &self.b_out)]);
        v
    }
    fn tensors_mut(&mut self) -> Vec<(&'static str, &mut Mat)> {
        let mut v = vec![("E", &mut self.embed), ("P", &mut self.pos)];
        v.extend(self.mha.tensors_mut());
        v.extend([("W_out", &mut self.w_out), ("b_out", &mut self.b_out)]);
        v
    }
}

/// Forward intermediates.
#[derive(Debug, Clone, PartialEq)]
pub struct TinyTrace {
    /// X = E[tokens] + P (keys and values; also the queries unless cross).
    pub x: Mat,
    /// The queries' input: X, or P[0..n] in cross mode.
    pub x_q: Mat,
    /// The attention layer (per-head weights are what the view shows).
    pub mha: MultiHeadTrace,
    /// Logits (n × vocab).
    pub logits: Mat,
    /// Softmax probabilities.
    pub probs: Mat,
    /// Mean cross-entropy.
    pub loss: f64,
    /// ∂L/∂logits.
    pub d_logits: Mat,
}

impl TinyAttention {
    /// Small random weights.
    pub fn init(
        rng: &mut Rng,
        vocab: usize,
        max_len: usize,
        d_model: usize,
        heads: usize,
    ) -> Result<Self> {
        Ok(TinyAttention {
            embed: normal(rng, vocab, d_model, 1.0),
            pos: normal(rng, max_len, d_model, 1.0),
            mha: MultiHead::init(rng, d_model, heads)?,
            w_out: normal(rng, d_model, vocab, 0.3),
            b_out: Mat::zeros(1, vocab),
            cross: false,
        })
    }

    /// Runs the model on `tokens`, scored against `targets` (same length).
    pub fn forward(&self, tokens: &[usize], targets: &[usize]) -> Result<TinyTrace> {
        let n = tokens.len();
        if n == 0 || n > self.pos.nrows() {
            return Err(EngineError::Invalid(format!(
                "sequence length {n} must be 1..={}",
                self.pos.nrows()
            )));
        }
        if let Some(&t) = tokens
            .iter()
            .chain(targets)
            .find(|&&t| t >= self.embed.nrows())
        {
            return Err(EngineError::Invalid(format!(
                "token {t} is outside the vocabulary of {}",
                self.embed.nrows()
            )));
        }
        let x = Mat::from_fn(n, self.embed.ncols(), |i, j| {
            self.embed[(tokens[i], j)] + self.pos[(i, j)]
        });
        let x_q = if self.cross {
            self.pos.rows(0, n).into_owned()
        } else {
            x.clone()
        };
        let mha = self.mha.forward(&x_q, &x, &Mask::None, true)?;
        let mut logits = &mha.output * &self.w_out;
        for mut r in logits.row_iter_mut() {
            r += &self.b_out;
        }
        let labels: Vec<Option<usize>> = targets.iter().map(|&t| Some(t)).collect();
        let (loss, d_logits, probs) = cross_entropy_rows(&logits, &labels);
        Ok(TinyTrace {
            x,
            x_q,
            mha,
            logits,
            probs,
            loss,
            d_logits,
        })
    }

    /// Parameter gradients.
    pub fn backward(&self, tokens: &[usize], t: &TinyTrace) -> TinyAttention {
        let mut g = self.zeros_like();
        g.w_out = at_b(&t.mha.output, &t.d_logits);
        g.b_out = Mat::from_fn(1, t.d_logits.ncols(), |_, j| t.d_logits.column(j).sum());
        let d_attn = &t.d_logits * self.w_out.transpose();
        let (gm, dq, dkv) = self.mha.backward(&t.x_q, &t.x, &t.mha, &d_attn);
        g.mha = gm;
        let dx = if self.cross { dkv } else { dq.clone() + dkv };
        for (i, &tok) in tokens.iter().enumerate() {
            let row = dx.row(i);
            let mut e = g.embed.row_mut(tok);
            e += &row;
            let mut p = g.pos.row_mut(i);
            p += &row;
            if self.cross {
                p += &dq.row(i);
            }
        }
        g
    }

    /// Scores the model on fixed probe sequences: loss, accuracy, the predicted tokens, and how
    /// much weight each head puts on the keys that hold the answer.
    pub fn evaluate(&self, probes: &[(Vec<usize>, Vec<usize>)]) -> Result<Evaluation> {
        let heads = self.mha.heads.len();
        let n = probes.first().map_or(0, |p| p.1.len());
        let mut ev = Evaluation {
            loss: 0.0,
            accuracy: 0.0,
            predictions: Vec::with_capacity(probes.len()),
            answer_weight: Mat::zeros(heads, n),
        };
        let mut rows = 0usize;
        for (x, y) in probes {
            if y.len() != n {
                return Err(EngineError::Invalid(
                    "probe sequences must have one length".into(),
                ));
            }
            let t = self.forward(x, y)?;
            ev.loss += t.loss;
            let pred: Vec<usize> = t
                .probs
                .row_iter()
                .map(|r| r.transpose().argmax().0)
                .collect();
            ev.accuracy += pred.iter().zip(y).filter(|(p, t)| p == t).count() as f64;
            for (h, head) in t.mha.heads.iter().enumerate() {
                for (i, w) in answer_weights(&head.attn.weights, x, y).iter().enumerate() {
                    ev.answer_weight[(h, i)] += w;
                }
            }
            rows += y.len();
            ev.predictions.push(pred);
        }
        let seqs = probes.len().max(1) as f64;
        ev.loss /= seqs;
        ev.accuracy /= rows.max(1) as f64;
        ev.answer_weight /= seqs;
        Ok(ev)
    }
}

/// For every query i, the weight it puts on the keys j whose token is i's target:
/// Σ_{j: tokens_j = targets_i} α_ij.
pub fn answer_weights(weights: &Mat, tokens: &[usize], targets: &[usize]) -> Vec<f64> {
    targets
        .iter()
        .enumerate()
        .map(|(i, &t)| {
            tokens
                .iter()
                .enumerate()
                .filter(|&(_, &k)| k == t)
                .map(|(j, _)| weights[(i, j)])
                .sum::<f64>()
        })
        .collect()
}

/// What [`TinyAttention::evaluate`] reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// Mean cross-entropy per sequence.
    pub loss: f64,
    /// Fraction of positions whose most likely token is the target.
    pub accuracy: f64,
    /// The most likely token at every position of every probe.
    pub predictions: Vec<Vec<usize>>,
    /// Heads × output positions: the mean over the probes of the weight that position's query
    /// puts on the keys holding its target token (how much of the answer each head fetches).
    pub answer_weight: Mat,
}

/// The tiny model learning a [`TokenTask`] on fresh random sequences.
#[derive(Debug, Clone)]
pub struct TokenTrainTask {
    /// The model.
    pub model: TinyAttention,
    /// The task.
    pub task: TokenTask,
    /// Sequence length.
    pub len: usize,
    /// Sequences per step.
    pub batch: usize,
    /// Data generator.
    pub rng: Rng,
}

impl Trainable for TokenTrainTask {
    type Params = TinyAttention;
    fn params(&self) -> &TinyAttention {
        &self.model
    }
    fn params_mut(&mut self) -> &mut TinyAttention {
        &mut self.model
    }
    fn loss_and_grad(&mut self) -> Result<(f64, TinyAttention)> {
        let vocab = self.model.embed.nrows();
        let mut grads = self.model.zeros_like();
        let mut total = 0.0;
        let batch = self.batch.max(1);
        for _ in 0..batch {
            let (x, y) = self.task.sample(&mut self.rng, self.len, vocab);
            let t = self.model.forward(&x, &y)?;
            total += t.loss;
            let g = self.model.backward(&x, &t);
            for ((_, a), (_, b)) in grads.tensors_mut().into_iter().zip(g.tensors()) {
                *a += b;
            }
        }
        grads.scale(1.0 / batch as f64);
        Ok((total / batch as f64, grads))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::clip::Clip;
    use crate::engine::gradcheck::check_parameters;
    use crate::engine::optim::OptimConfig;
    use crate::engine::rng::rng;
    use crate::engine::train::Trainer;

    #[test]
    fn tiny_model_gradients() {
        let m = TinyAttention::init(&mut rng(1), 5, 6, 4, 2).unwrap();
        let (x, y) = (vec![0, 3, 3, 1], vec![1, 3, 3, 0]);
        let t = m.forward(&x, &y).unwrap();
        let g = m.backward(&x, &t);
        let (name, err) = check_parameters(&m, &g, |mm| mm.forward(&x, &y).unwrap().loss);
        assert!(err <= 1e-6, "{name}: {err:e}");
    }

    #[test]
    fn cross_mode_gradients() {
        let mut m = TinyAttention::init(&mut rng(2), 5, 6, 4, 2).unwrap();
        m.cross = true;
        let (x, y) = (vec![4, 0, 2, 2], vec![2, 2, 0, 4]);
        let t = m.forward(&x, &y).unwrap();
        assert_eq!(
            t.x_q,
            m.pos.rows(0, 4).into_owned(),
            "queries from positions only"
        );
        let g = m.backward(&x, &t);
        let (name, err) = check_parameters(&m, &g, |mm| mm.forward(&x, &y).unwrap().loss);
        assert!(err <= 1e-6, "{name}: {err:e}");
    }

    #[test]
    fn cross_mode_learns_the_anti_diagonal_alignment_for_reversal() {
        let (n, vocab) = (6, 8);
        let mut model = TinyAttention::init(&mut rng(1), vocab, n, 16, 1).unwrap();
        model.cross = true;
        let task = TokenTrainTask {
            model,
            task: TokenTask::Reversal,
            len: n,
            batch: 8,
            rng: rng(2),
        };
        let mut tr = Trainer::new(task, OptimConfig::adam(0.02), Clip::Norm(5.0));
        tr.tick(200);
        let m = &tr.task.model;
        let (x, y) = TokenTask::Reversal.sample(&mut rng(3), n, vocab);
        let w = &m.forward(&x, &y).unwrap().mha.heads[0].attn.weights;
        for i in 0..n {
            assert!(
                w[(i, n - 1 - i)] > 0.9,
                "target {i} attends to source {}: {w}",
                n - 1 - i
            );
        }
    }

    #[test]
    fn answer_weight_sums_the_weight_on_keys_holding_the_target() {
        // Row 0 wants token 7, held by keys 1 and 2: 0.3 + 0.5. Row 1 wants 5 (key 0): 0.6.
        let w = Mat::from_row_slice(2, 3, &[0.2, 0.3, 0.5, 0.6, 0.4, 0.0]);
        let got = answer_weights(&w, &[5, 7, 7], &[7, 5]);
        assert!((got[0] - 0.8).abs() < 1e-15 && got[1] == 0.6, "{got:?}");
    }

    #[test]
    fn evaluation_of_a_known_model() {
        let m = TinyAttention::init(&mut rng(3), 4, 5, 4, 2).unwrap();
        let probes = vec![(vec![1, 2, 3], vec![3, 2, 1]), (vec![0, 0], vec![0, 0])];
        let t0 = m.forward(&probes[0].0, &probes[0].1).unwrap();
        // The probes must share a length.
        assert!(m.evaluate(&probes).is_err());
        let probes = vec![probes[0].clone(), (vec![0, 0, 0], vec![0, 0, 0])];
        let ev = m.evaluate(&probes).unwrap();
        let t1 = m.forward(&probes[1].0, &probes[1].1).unwrap();
        assert!((ev.loss - (t0.loss + t1.loss) / 2.0).abs() < 1e-15);
        // Every row of the second probe wants token 0, which every key holds: weight 1.
        let aw0 = answer_weights(&t0.mha.heads[1].attn.weights, &[1, 2, 3], &[3, 2, 1]);
        for (i, w) in aw0.iter().enumerate() {
            assert!((ev.answer_weight[(1, i)] - (w + 1.0) / 2.0).abs() < 1e-12);
        }
        let right = ev
            .predictions
            .iter()
            .zip(&probes)
            .map(|(p, (_, y))| p.iter().zip(y).filter(|(a, b)| a == b).count())
            .sum::<usize>();
        assert_eq!(ev.accuracy, right as f64 / 6.0);
        assert_eq!(ev.predictions[0].len(), 3);
    }

    #[test]
    #[allow(clippy::needless_range_loop)] // i indexes rows of several matrices at once
    fn learns_reversal_by_attending_to_the_mirrored_position() {
        let (n, vocab) = (5, 6);
        let model = TinyAttention::init(&mut rng(7), vocab, n, 16, 1).unwrap();
        let task = TokenTrainTask {
            model,
            task: TokenTask::Reversal,
            len: n,
            batch: 8,
            rng: rng(8),
        };
        let mut tr = Trainer::new(task, OptimConfig::adam(0.02), Clip::Norm(5.0));
        tr.tick(600);
        let m = &tr.task.model;
        let mut r = rng(9);
        let (mut right, mut mirrored_weight) = (0, 0.0);
        let trials = 50;
        for _ in 0..trials {
            let (x, y) = TokenTask::Reversal.sample(&mut r, n, vocab);
            let t = m.forward(&x, &y).unwrap();
            for i in 0..n {
                let pred = (0..vocab)
                    .max_by(|&a, &b| t.probs[(i, a)].total_cmp(&t.probs[(i, b)]))
                    .unwrap_or(0);
                right += usize::from(pred == y[i]);
                mirrored_weight += t.mha.heads[0].attn.weights[(i, n - 1 - i)];
            }
        }
        let acc = right as f64 / (trials * n) as f64;
        let w = mirrored_weight / (trials * n) as f64;
        assert!(acc > 0.95, "reversal accuracy {acc}");
        assert!(w > 0.8, "mean weight on the mirrored position {w}");
    }
}
