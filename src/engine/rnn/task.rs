//! Training a recurrent model on a seeded sequence task (minibatches of fresh examples).

use super::super::clip::Clip;
use super::super::data::{char_vocab, text_window, SeqExample, SeqTask};
use super::super::params::Parameters;
use super::super::rng::Rng;
use super::super::train::Trainable;
use super::super::{EngineError, Result};
use super::{bptt, Cell, SeqModel, Target};

/// Where training sequences come from.
#[derive(Debug, Clone, PartialEq)]
pub enum SeqSource {
    /// One of the built-in seeded tasks.
    Task(SeqTask),
    /// Next-character prediction on random windows of a text the student typed; the
    /// vocabulary is the text's distinct characters.
    Text {
        /// The text's characters.
        chars: Vec<char>,
        /// Its sorted distinct characters.
        vocab: Vec<char>,
    },
}

impl From<SeqTask> for SeqSource {
    fn from(t: SeqTask) -> Self {
        SeqSource::Task(t)
    }
}

impl SeqSource {
    /// A text source; at least two characters are needed to predict a next one.
    pub fn text(text: &str) -> Result<Self> {
        let chars: Vec<char> = text.chars().collect();
        if chars.len() < 2 {
            return Err(EngineError::Invalid(
                "the training text needs at least two characters".into(),
            ));
        }
        Ok(SeqSource::Text {
            vocab: char_vocab(text),
            chars,
        })
    }

    /// Input width n_x.
    pub fn inputs(&self) -> usize {
        match self {
            SeqSource::Task(t) => t.inputs(),
            SeqSource::Text { vocab, .. } => vocab.len(),
        }
    }

    /// Output width n_y.
    pub fn outputs(&self) -> usize {
        match self {
            SeqSource::Task(t) => t.outputs(),
            SeqSource::Text { vocab, .. } => vocab.len(),
        }
    }

    /// One example of length `t_len`.
    pub fn sample(&self, rng: &mut Rng, t_len: usize) -> SeqExample {
        match self {
            SeqSource::Task(t) => t.sample(rng, t_len),
            SeqSource::Text { chars, vocab } => text_window(rng, chars, vocab, t_len.max(1)),
        }
    }
}

/// A recurrent model learning from a [`SeqSource`].
#[derive(Debug, Clone)]
pub struct SeqTrainTask<C> {
    /// The model being trained.
    pub model: SeqModel<C>,
    /// Where the sequences come from.
    pub task: SeqSource,
    /// Sequence length T.
    pub seq_len: usize,
    /// Examples per step.
    pub batch: usize,
    /// Truncation window for BPTT (None = full).
    pub window: Option<usize>,
    /// The data generator (seeded).
    pub rng: Rng,
}

impl<C: Cell> Trainable for SeqTrainTask<C> {
    type Params = SeqModel<C>;
    fn params(&self) -> &SeqModel<C> {
        &self.model
    }
    fn params_mut(&mut self) -> &mut SeqModel<C> {
        &mut self.model
    }
    fn loss_and_grad(&mut self) -> Result<(f64, SeqModel<C>)> {
        let batch = self.batch.max(1);
        let mut total = 0.0;
        let mut grads = self.model.zeros_like();
        for _ in 0..batch {
            let ex = self.task.sample(&mut self.rng, self.seq_len);
            let tr = self.model.forward(&ex.xs, &ex.targets)?;
            let bp = bptt(
                &self.model,
                &ex.xs,
                &ex.targets,
                &tr,
                self.window,
                Clip::None,
            );
            total += tr.loss;
            for ((_, g), (_, b)) in grads.tensors_mut().into_iter().zip(bp.grads.tensors()) {
                *g += b;
            }
        }
        grads.scale(1.0 / batch as f64);
        Ok((total / batch as f64, grads))
    }
}

/// Mean loss of `model` on `n` fresh examples, and the loss of always predicting the mean
/// target (the baseline a model must beat; for MSE tasks only, else NaN).
pub fn evaluate<C: Cell>(
    model: &SeqModel<C>,
    task: SeqTask,
    seq_len: usize,
    n: usize,
    rng: &mut Rng,
) -> Result<(f64, f64)> {
    let examples: Vec<_> = (0..n.max(1)).map(|_| task.sample(rng, seq_len)).collect();
    let mut loss = 0.0;
    for ex in &examples {
        loss += model.forward(&ex.xs, &ex.targets)?.loss;
    }
    let baseline = mean_predictor_loss(&examples).unwrap_or(f64::NAN);
    Ok((loss / examples.len() as f64, baseline))
}

/// The summed squared error per sequence of always predicting the mean of all regression
/// targets in `examples` — the number an MSE model must beat. None when there are no
/// regression targets (class tasks).
pub fn mean_predictor_loss(examples: &[SeqExample]) -> Option<f64> {
    let values: Vec<f64> = examples
        .iter()
        .flat_map(|ex| ex.targets.iter().flatten())
        .filter_map(|t| match t {
            Target::Values(v) => Some(v.iter().copied()),
            Target::Class(_) => None,
        })
        .flatten()
        .collect();
    if values.is_empty() {
        return None;
    }
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    let total: f64 = values.iter().map(|v| (v - mean).powi(2)).sum();
    Some(total / examples.len().max(1) as f64)
}
