//! Live training of the engine's tiny attention model (`TinyAttention`) on reversal, copy or
//! sort of digit strings: the settings (in the URL) and a session that steps the engine's
//! `Trainer` and reports what the panel draws. Plain Rust, tested natively.

use crate::engine::attention::tiny::{Evaluation, TinyAttention, TokenTrainTask};
use crate::engine::clip::Clip;
use crate::engine::data::TokenTask;
use crate::engine::optim::OptimConfig;
use crate::engine::rng::rng;
use crate::engine::train::{Snapshot, Trainer};
use crate::engine::Mat;
use serde::{Deserialize, Serialize};

/// The symbols: the digits 0–9.
pub const VOCAB: usize = 10;
/// Longest training sequence.
pub const MAX_LEN: usize = 12;
/// Most heads of the tiny model.
pub const MAX_TRAIN_HEADS: usize = 4;
/// Width of the tiny model (d_k = 16 / h).
pub const D_MODEL: usize = 16;
/// Sequences per step.
pub const BATCH: usize = 8;
/// Fixed probe sequences the accuracy is measured on.
pub const PROBES: usize = 32;
/// Probe rows listed as input / target / prediction.
pub const LISTED: usize = 4;

/// The training panel's settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrainConfig {
    /// What the output must be.
    pub task: TokenTask,
    /// Queries from the output positions, keys and values from the input (cross-attention).
    pub cross: bool,
    /// Heads.
    pub heads: usize,
    /// Sequence length.
    pub len: usize,
    /// Adam's learning rate.
    pub lr: f64,
    /// Seed of the initial weights, the training data and the probes.
    pub seed: u64,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            task: TokenTask::Reversal,
            cross: false,
            heads: 2,
            len: 6,
            lr: 0.01,
            seed: 1,
        }
    }
}

/// The tasks, for the menu: (task, key, label).
pub const TASKS: [(TokenTask, &str, &str); 3] = [
    (TokenTask::Reversal, "reversal", "reverse the digits"),
    (TokenTask::Copy, "copy", "copy the digits"),
    (TokenTask::Sort, "sort", "sort the digits"),
];

impl TrainConfig {
    /// The configuration brought into range, with a note for each change.
    pub fn sanitized(&self) -> (TrainConfig, Vec<String>) {
        let mut c = self.clone();
        let mut notes = Vec::new();
        crate::views::clamp_noted(&mut notes, "Heads", &mut c.heads, 1, MAX_TRAIN_HEADS);
        crate::views::clamp_noted(&mut notes, "Sequence length", &mut c.len, 2, MAX_LEN);
        if !(c.lr.is_finite() && c.lr > 0.0 && c.lr <= 10.0) {
            notes.push(format!(
                "learning rate {} is not in (0, 10]; using 0.01",
                c.lr
            ));
            c.lr = 0.01;
        }
        (c, notes)
    }
}

/// The model, its trainer and the fixed probes.
pub struct TrainSession {
    trainer: Trainer<TokenTrainTask>,
    probes: Vec<(Vec<usize>, Vec<usize>)>,
    /// The configuration actually used.
    pub config: TrainConfig,
    /// What had to be clamped.
    pub notes: Vec<String>,
}

/// What the panel shows after a tick.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainReport {
    /// Steps taken and the status.
    pub snapshot: Snapshot,
    /// Accuracy, loss, predictions and per-head answer weights on the probes.
    pub eval: Evaluation,
    /// The first [`LISTED`] probes (input, target); the heads' weights are on the first.
    pub probes: Vec<(Vec<usize>, Vec<usize>)>,
    /// Each head's weights on the first probe (output positions × input positions).
    pub weights: Vec<Mat>,
}

impl TrainSession {
    /// A fresh model (the same one for the same configuration).
    pub fn new(config: &TrainConfig) -> Result<TrainSession, String> {
        let (config, notes) = config.sanitized();
        let mut init = rng(config.seed);
        let mut model = TinyAttention::init(&mut init, VOCAB, config.len, D_MODEL, config.heads)
            .map_err(|e| e.to_string())?;
        model.cross = config.cross;
        let mut probe_rng = rng(config.seed.wrapping_add(2));
        let probes = (0..PROBES)
            .map(|_| config.task.sample(&mut probe_rng, config.len, VOCAB))
            .collect();
        let task = TokenTrainTask {
            model,
            task: config.task,
            len: config.len,
            batch: BATCH,
            rng: rng(config.seed.wrapping_add(1)),
        };
        Ok(TrainSession {
            trainer: Trainer::new(task, OptimConfig::adam(config.lr), Clip::Norm(5.0)),
            probes,
            config,
            notes,
        })
    }

    /// At most `steps` optimiser steps.
    pub fn tick(&mut self, steps: usize) -> Snapshot {
        self.trainer.tick(steps)
    }

    /// The loss of every step taken.
    pub fn losses(&self) -> &[f64] {
        &self.trainer.losses
    }

    /// The model on the probes.
    pub fn report(&self) -> Result<TrainReport, String> {
        let model = &self.trainer.task.model;
        let eval = model.evaluate(&self.probes).map_err(|e| e.to_string())?;
        let probes: Vec<_> = self.probes.iter().take(LISTED).cloned().collect();
        let (x, y) = probes.first().cloned().unwrap_or_default();
        let trace = model.forward(&x, &y).map_err(|e| e.to_string())?;
        Ok(TrainReport {
            snapshot: self.trainer.snapshot(),
            eval,
            probes,
            weights: trace
                .mha
                .heads
                .into_iter()
                .map(|h| h.attn.weights)
                .collect(),
        })
    }
}

/// Digits as text: [3, 1, 4] → "3 1 4".
pub fn digits(tokens: &[usize]) -> String {
    tokens
        .iter()
        .map(|t| t.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_settings_are_clamped_with_notes() {
        let (c, notes) = TrainConfig {
            heads: 9,
            len: 1,
            lr: f64::NAN,
            ..TrainConfig::default()
        }
        .sanitized();
        assert_eq!((c.heads, c.len, c.lr), (MAX_TRAIN_HEADS, 2, 0.01));
        assert_eq!(notes.len(), 3, "{notes:?}");
    }

    #[test]
    fn same_config_same_run_and_reversal_is_learned() {
        let cfg = TrainConfig::default();
        let (mut a, mut b) = (
            TrainSession::new(&cfg).unwrap(),
            TrainSession::new(&cfg).unwrap(),
        );
        let before = a.report().unwrap();
        assert_eq!(before.weights.len(), 2);
        assert_eq!(before.weights[0].shape(), (6, 6));
        a.tick(300);
        for _ in 0..30 {
            b.tick(10);
        }
        assert_eq!(
            a.losses(),
            b.losses(),
            "ticks of any size give the same run"
        );
        let after = a.report().unwrap();
        assert_eq!(after.snapshot.step, 300);
        assert!(after.eval.accuracy > 0.95, "{}", after.eval.accuracy);
        assert!(before.eval.accuracy < 0.5);
        let (x, y) = &after.probes[0];
        assert_eq!(*y, x.iter().rev().copied().collect::<Vec<_>>());
        assert_eq!(after.probes.len(), LISTED);
    }

    #[test]
    fn cross_attention_learns_an_alignment() {
        let mut s = TrainSession::new(&TrainConfig {
            cross: true,
            heads: 1,
            task: TokenTask::Copy,
            ..TrainConfig::default()
        })
        .unwrap();
        s.tick(200);
        let r = s.report().unwrap();
        let n = r.probes[0].0.len();
        for i in 0..n {
            assert!(
                r.weights[0][(i, i)] > 0.9,
                "copy aligns position {i} with itself"
            );
        }
    }

    #[test]
    fn the_presets_tell_their_story() {
        use super::super::state::Preset;
        let mut s = TrainSession::new(&Preset::HeadsSpecialise.state().train).unwrap();
        s.tick(600);
        let r = s.report().unwrap();
        let aw = &r.eval.answer_weight;
        let n = aw.ncols();
        let best =
            |i: usize| (0..aw.nrows()).fold(0, |b, h| if aw[(h, i)] > aw[(b, i)] { h } else { b });
        assert!(r.eval.accuracy > 0.85, "{}", r.eval.accuracy);
        assert_ne!(
            best(0),
            best(n - 1),
            "one head fetches the smallest, another the largest: {aw:.2}"
        );
        assert!(
            aw[(best(0), 0)] > 0.6 && aw[(best(n - 1), n - 1)] > 0.6,
            "{aw:.2}"
        );

        let mut s = TrainSession::new(&Preset::CrossAlignment.state().train).unwrap();
        s.tick(300);
        let r = s.report().unwrap();
        let n = r.probes[0].0.len();
        for i in 0..n {
            assert!(
                r.weights[0][(i, n - 1 - i)] > 0.9,
                "anti-diagonal at {i}: {:.2}",
                r.weights[0]
            );
        }
    }

    #[test]
    fn digits_are_spaced() {
        assert_eq!(digits(&[3, 1, 4]), "3 1 4");
        assert_eq!(digits(&[]), "");
    }
}
