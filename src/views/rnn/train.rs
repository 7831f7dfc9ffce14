//! The training panel's model, in plain Rust (tested natively): a vanilla RNN or an LSTM learning
//! one of the engine's seeded tasks, advanced by the engine's bounded [`Trainer::tick`], and what
//! the panel plots after each tick — predictions against targets on a fixed, seeded probe set and
//! the per-step gradient norm ‖∂L/∂h⁽ᵏ⁾‖ on the first probe sequence.

use super::state::CellChoice;
use crate::engine::clip::Clip;
use crate::engine::data::{SeqExample, SeqTask, RECALL_SYMBOLS, TINY_TEXT};
use crate::engine::ops::Activation;
use crate::engine::optim::OptimConfig;
use crate::engine::rng::rng;
use crate::engine::rnn::task::{mean_predictor_loss, SeqSource, SeqTrainTask};
use crate::engine::rnn::{
    bptt, Cell, LstmCell, LstmConfig, Readout, ReadoutKind, SeqModel, Target, VanillaCell,
    VanillaConfig,
};
use crate::engine::train::{Snapshot, Trainer};
use serde::{Deserialize, Serialize};

/// Widest hidden state the panel trains (training runs in the page, between frames).
pub const MAX_TRAIN_HIDDEN: usize = 64;
/// Longest training sequence.
pub const MAX_TRAIN_LEN: usize = 100;
/// Longest training text (characters).
pub const MAX_TEXT: usize = 2000;
/// Sequences per training step.
pub const BATCH: usize = 8;
/// Sequences in the probe set shown as predictions against targets.
pub const PROBES: usize = 5;

/// The task learned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TaskChoice {
    /// Adding problem: sum the two marked values (many-to-one, MSE).
    Adding,
    /// Delayed recall: name the symbol seen at step 1 (many-to-one, cross-entropy).
    Recall,
    /// Sine: predict the next value (many-to-many, MSE).
    Sine,
    /// Next character of a text (many-to-many, cross-entropy).
    Text,
}

impl TaskChoice {
    /// In the order of the menu.
    pub const ALL: [TaskChoice; 4] = [
        TaskChoice::Adding,
        TaskChoice::Recall,
        TaskChoice::Sine,
        TaskChoice::Text,
    ];

    /// Menu text.
    pub fn label(self) -> &'static str {
        match self {
            TaskChoice::Adding => "adding problem",
            TaskChoice::Recall => "delayed recall",
            TaskChoice::Sine => "sine prediction",
            TaskChoice::Text => "next character (tiny text)",
        }
    }

    /// What the model must do, in a sentence.
    pub fn describe(self) -> &'static str {
        match self {
            TaskChoice::Adding => {
                "x⁽ᵗ⁾ = (value, marker); two steps are marked. At the last step, output the sum of \
                 the two marked values — one of them lies in the first half of the sequence."
            }
            TaskChoice::Recall => {
                "A symbol (one of 4) is shown at step 1, blanks follow. At the last step, name the \
                 symbol: the memory must survive the whole sequence."
            }
            TaskChoice::Sine => {
                "x⁽ᵗ⁾ = sin(ωt + φ) with random ω and φ; predict x⁽ᵗ⁺¹⁾ at every step."
            }
            TaskChoice::Text => {
                "One-hot characters of the text below; predict the next character at every step."
            }
        }
    }

    /// The value in the URL and in the menu.
    pub fn key(self) -> &'static str {
        match self {
            TaskChoice::Adding => "adding",
            TaskChoice::Recall => "recall",
            TaskChoice::Sine => "sine",
            TaskChoice::Text => "text",
        }
    }

    /// From [`TaskChoice::key`].
    pub fn from_key(k: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.key() == k)
    }
}

/// The optimiser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OptimChoice {
    /// Plain gradient descent.
    Sgd,
    /// SGD with momentum 0.9.
    Momentum,
    /// Adam (β₁ = 0.9, β₂ = 0.999).
    Adam,
}

impl OptimChoice {
    /// In the order of the menu, with labels.
    pub const ALL: [(OptimChoice, &'static str, &'static str); 3] = [
        (OptimChoice::Sgd, "sgd", "SGD"),
        (OptimChoice::Momentum, "momentum", "SGD + momentum 0.9"),
        (OptimChoice::Adam, "adam", "Adam"),
    ];

    /// The engine's optimiser with learning rate `lr`.
    pub fn config(self, lr: f64) -> OptimConfig {
        match self {
            OptimChoice::Sgd => OptimConfig::Sgd { lr },
            OptimChoice::Momentum => OptimConfig::Momentum { lr, momentum: 0.9 },
            OptimChoice::Adam => OptimConfig::adam(lr),
        }
    }
}

/// Every control of the training panel (lives in the URL under `train`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrainConfig {
    /// The task.
    pub task: TaskChoice,
    /// The model trained.
    pub cell: CellChoice,
    /// Hidden size n_h.
    pub hidden: usize,
    /// Sequence length T.
    pub len: usize,
    /// Learning rate η.
    pub lr: f64,
    /// Optimiser.
    pub optim: OptimChoice,
    /// Clip the gradient's global norm at this value (0 = off).
    pub clip: f64,
    /// Seed of the weights, the training data and the probe set.
    pub seed: u64,
    /// The text for the next-character task (empty = the built-in tiny text).
    pub text: String,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            task: TaskChoice::Adding,
            cell: CellChoice::Lstm,
            hidden: 16,
            len: 10,
            lr: 0.01,
            optim: OptimChoice::Adam,
            clip: 1.0,
            seed: 1,
            text: String::new(),
        }
    }
}

impl TrainConfig {
    /// The configuration brought into range, with a message for each change.
    pub fn sanitized(&self) -> (TrainConfig, Vec<String>) {
        let mut c = self.clone();
        let mut notes = Vec::new();
        crate::views::clamp_noted(
            &mut notes,
            "Training hidden size",
            &mut c.hidden,
            1,
            MAX_TRAIN_HIDDEN,
        );
        crate::views::clamp_noted(
            &mut notes,
            "Training sequence length",
            &mut c.len,
            2,
            MAX_TRAIN_LEN,
        );
        if !(c.lr.is_finite() && c.lr > 0.0 && c.lr <= 10.0) {
            notes.push(format!(
                "learning rate {} is outside (0, 10]; using 0.01",
                c.lr
            ));
            c.lr = 0.01;
        }
        if !c.clip.is_finite() || c.clip < 0.0 {
            c.clip = 0.0;
        }
        let n = c.text.chars().count();
        if n > MAX_TEXT {
            notes.push(format!(
                "the training text has {n} characters; nnviz trains on the first {MAX_TEXT}"
            ));
            c.text = c.text.chars().take(MAX_TEXT).collect();
        }
        (c, notes)
    }

    /// The text the character task trains on.
    pub fn training_text(&self) -> &str {
        if self.text.trim().is_empty() {
            TINY_TEXT
        } else {
            &self.text
        }
    }

    fn source(&self) -> Result<SeqSource, String> {
        Ok(match self.task {
            TaskChoice::Adding => SeqTask::Adding.into(),
            TaskChoice::Recall => SeqTask::DelayedRecall.into(),
            TaskChoice::Sine => SeqTask::Sine.into(),
            TaskChoice::Text => SeqSource::text(self.training_text()).map_err(|e| e.to_string())?,
        })
    }
}

/// The trainer, for either cell (boxed: the LSTM's is several times larger).
enum Learner {
    Vanilla(Box<Trainer<SeqTrainTask<VanillaCell>>>),
    Lstm(Box<Trainer<SeqTrainTask<LstmCell>>>),
}

/// One probe sequence: what went in, what was wanted, what the model said.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeRow {
    /// The input, summarised (e.g. the two marked values).
    pub input: String,
    /// The target.
    pub target: String,
    /// The prediction.
    pub prediction: String,
    /// Whether the prediction is right (class tasks) or within 0.1 (regression).
    pub good: bool,
}

/// What the panel shows about the model now.
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    /// Mean loss over the probe set.
    pub loss: f64,
    /// One row per probe sequence (many-to-one tasks and text).
    pub rows: Vec<ProbeRow>,
    /// (target, prediction) at every step of the first probe sequence (sine).
    pub curve: Option<(Vec<f64>, Vec<f64>)>,
    /// ‖∂L/∂h⁽ᵏ⁾‖ for k = 0 … T on the first probe sequence (full BPTT, unclipped).
    pub dh_norms: Vec<f64>,
}

/// A training run in progress.
pub struct TrainSession {
    /// The configuration it was built from (sanitised).
    pub config: TrainConfig,
    /// Messages about clamped settings.
    pub notes: Vec<String>,
    /// The loss of always predicting the mean target on the probe set (MSE tasks).
    pub baseline: Option<f64>,
    learner: Learner,
    probes: Vec<SeqExample>,
    vocab: Vec<char>,
}

impl TrainSession {
    /// A fresh model at step 0.
    pub fn new(config: &TrainConfig) -> Result<TrainSession, String> {
        let (config, notes) = config.sanitized();
        let source = config.source()?;
        let vocab = match &source {
            SeqSource::Text { vocab, .. } => vocab.clone(),
            SeqSource::Task(_) => Vec::new(),
        };
        let mut r = rng(config.seed);
        let (n_x, n_y, n_h) = (source.inputs(), source.outputs(), config.hidden);
        let kind = match config.task {
            TaskChoice::Adding | TaskChoice::Sine => ReadoutKind::Mse(Activation::Identity),
            TaskChoice::Recall | TaskChoice::Text => ReadoutKind::SoftmaxCrossEntropy,
        };
        let mut probe_rng = rng(config.seed ^ 0x9e37_79b9_7f4a_7c15);
        let probes: Vec<SeqExample> = (0..PROBES)
            .map(|_| source.sample(&mut probe_rng, config.len))
            .collect();
        let baseline = mean_predictor_loss(&probes);
        let optim = config.optim.config(config.lr);
        let clip = if config.clip > 0.0 {
            Clip::Norm(config.clip)
        } else {
            Clip::None
        };
        let data_rng = rng(config.seed.wrapping_add(1));
        let learner = match config.cell {
            CellChoice::Vanilla => {
                let cell = VanillaConfig {
                    inputs: n_x,
                    hidden: n_h,
                    activation: Activation::Tanh,
                    recurrent_sigma: None,
                }
                .init(&mut r)
                .map_err(|e| e.to_string())?;
                let readout = Readout::init(&mut r, n_h, n_y, kind);
                Learner::Vanilla(Box::new(Trainer::new(
                    task(SeqModel { cell, readout }, source, &config, data_rng),
                    optim,
                    clip,
                )))
            }
            CellChoice::Lstm => {
                let cell = LstmConfig {
                    inputs: n_x,
                    hidden: n_h,
                    forget_bias: 1.0,
                }
                .init(&mut r);
                let readout = Readout::init(&mut r, n_h, n_y, kind);
                Learner::Lstm(Box::new(Trainer::new(
                    task(SeqModel { cell, readout }, source, &config, data_rng),
                    optim,
                    clip,
                )))
            }
        };
        Ok(TrainSession {
            config,
            notes,
            baseline,
            learner,
            probes,
            vocab,
        })
    }

    /// Takes at most `max_steps` optimiser steps (fewer if training stopped).
    pub fn tick(&mut self, max_steps: usize) -> Snapshot {
        match &mut self.learner {
            Learner::Vanilla(t) => t.tick(max_steps),
            Learner::Lstm(t) => t.tick(max_steps),
        }
    }

    /// Where training stands.
    pub fn snapshot(&self) -> Snapshot {
        match &self.learner {
            Learner::Vanilla(t) => t.snapshot(),
            Learner::Lstm(t) => t.snapshot(),
        }
    }

    /// The training loss of every step taken.
    pub fn losses(&self) -> &[f64] {
        match &self.learner {
            Learner::Vanilla(t) => &t.losses,
            Learner::Lstm(t) => &t.losses,
        }
    }

    /// Predictions and gradient norms of the current model on the probe set.
    pub fn probe(&self) -> Probe {
        match &self.learner {
            Learner::Vanilla(t) => self.probe_model(&t.task.model),
            Learner::Lstm(t) => self.probe_model(&t.task.model),
        }
    }

    fn probe_model<C: Cell>(&self, model: &SeqModel<C>) -> Probe {
        let mut loss = 0.0;
        let mut rows = Vec::new();
        let mut curve = None;
        let mut dh_norms = Vec::new();
        for (n, ex) in self.probes.iter().enumerate() {
            let Ok(tr) = model.forward(&ex.xs, &ex.targets) else {
                continue;
            };
            loss += tr.loss;
            if n == 0 {
                dh_norms = bptt(model, &ex.xs, &ex.targets, &tr, None, Clip::None).dh_norms;
            }
            let last = ex.xs.len().saturating_sub(1);
            match self.config.task {
                TaskChoice::Adding => {
                    let marked: Vec<String> = ex
                        .xs
                        .iter()
                        .filter(|x| x.len() > 1 && x[1] == 1.0)
                        .map(|x| format!("{:.2}", x[0]))
                        .collect();
                    if let (Some(Target::Values(t)), Some(y)) = (
                        ex.targets.get(last).and_then(Option::as_ref),
                        tr.y.get(last),
                    ) {
                        let (t, y) = (t[0], y[0]);
                        rows.push(ProbeRow {
                            input: marked.join(" + "),
                            target: format!("{t:.3}"),
                            prediction: format!("{y:.3}"),
                            good: (t - y).abs() < 0.1,
                        });
                    }
                }
                TaskChoice::Recall => {
                    if let (Some(Target::Class(c)), Some(y)) = (
                        ex.targets.get(last).and_then(Option::as_ref),
                        tr.y.get(last),
                    ) {
                        let k = y.argmax().0;
                        let symbol = |s: usize| char::from(b'A' + (s % RECALL_SYMBOLS) as u8);
                        rows.push(ProbeRow {
                            input: format!("{} then {} blanks", symbol(*c), last),
                            target: symbol(*c).to_string(),
                            prediction: format!("{} (p = {:.2})", symbol(k), y[k]),
                            good: k == *c,
                        });
                    }
                }
                TaskChoice::Sine => {
                    if n == 0 {
                        let target = ex
                            .targets
                            .iter()
                            .map(|t| match t {
                                Some(Target::Values(v)) => v[0],
                                _ => f64::NAN,
                            })
                            .collect();
                        curve = Some((target, tr.y.iter().map(|y| y[0]).collect()));
                    }
                }
                TaskChoice::Text => {
                    let ch = |i: usize| self.vocab.get(i).copied().unwrap_or('?');
                    let input: String = ex.xs.iter().map(|x| ch(x.argmax().0)).collect();
                    let target: String = ex
                        .targets
                        .iter()
                        .map(|t| match t {
                            Some(Target::Class(c)) => ch(*c),
                            _ => '?',
                        })
                        .collect();
                    let prediction: String = tr.y.iter().map(|y| ch(y.argmax().0)).collect();
                    let right = target
                        .chars()
                        .zip(prediction.chars())
                        .filter(|(a, b)| a == b)
                        .count();
                    rows.push(ProbeRow {
                        input,
                        good: 2 * right >= target.chars().count(),
                        target,
                        prediction,
                    });
                }
            }
        }
        Probe {
            loss: loss / self.probes.len().max(1) as f64,
            rows,
            curve,
            dh_norms,
        }
    }
}

fn task<C>(
    model: SeqModel<C>,
    source: SeqSource,
    config: &TrainConfig,
    rng: crate::engine::rng::Rng,
) -> SeqTrainTask<C> {
    SeqTrainTask {
        model,
        task: source,
        seq_len: config.len,
        batch: BATCH,
        window: None,
        rng,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::train::Status;

    #[test]
    fn the_lstm_learns_the_adding_problem_in_bounded_ticks() {
        let mut s = TrainSession::new(&TrainConfig::default()).unwrap();
        let before = s.probe();
        assert_eq!(before.rows.len(), PROBES);
        assert_eq!(before.dh_norms.len(), 11, "T = 10 steps plus h⁽⁰⁾");
        let snap = s.tick(7);
        assert_eq!(snap.step, 7, "a tick takes exactly the steps it is given");
        s.tick(293);
        let after = s.probe();
        let baseline = s.baseline.unwrap();
        assert!(
            after.loss < 0.5 * baseline,
            "probe loss {} vs predict-the-mean {baseline}",
            after.loss
        );
        assert!(after.loss < before.loss);
        assert_eq!(s.losses().len(), 300);
    }

    #[test]
    fn same_config_same_run() {
        let c = TrainConfig {
            task: TaskChoice::Recall,
            cell: CellChoice::Vanilla,
            ..TrainConfig::default()
        };
        let (mut a, mut b) = (
            TrainSession::new(&c).unwrap(),
            TrainSession::new(&c).unwrap(),
        );
        a.tick(20);
        b.tick(20);
        assert_eq!(a.losses(), b.losses(), "a shared link reproduces the curve");
        assert_eq!(a.probe(), b.probe());
    }

    #[test]
    fn text_task_trains_on_the_students_text_and_shows_it_as_text() {
        let c = TrainConfig {
            task: TaskChoice::Text,
            text: "<b>abab</b> abab".into(),
            len: 6,
            ..TrainConfig::default()
        };
        let mut s = TrainSession::new(&c).unwrap();
        s.tick(3);
        let p = s.probe();
        assert_eq!(p.rows.len(), PROBES);
        assert!(p.rows.iter().all(|r| r.input.chars().count() == 6));
        assert!(p.rows[0].input.chars().all(|ch| "<b>a/ ".contains(ch)));
        let short = TrainConfig {
            text: "x".into(),
            ..c
        };
        assert!(TrainSession::new(&short).is_err_and(|e| e.contains("two characters")));
    }

    #[test]
    fn sine_probe_is_a_curve_and_bad_numbers_are_clamped_with_a_note() {
        let c = TrainConfig {
            task: TaskChoice::Sine,
            hidden: 10_000,
            len: 0,
            lr: f64::NAN,
            ..TrainConfig::default()
        };
        let s = TrainSession::new(&c).unwrap();
        assert_eq!(s.config.hidden, MAX_TRAIN_HIDDEN);
        assert_eq!(s.config.len, 2);
        assert_eq!(s.notes.len(), 3, "{:?}", s.notes);
        let (t, y) = s.probe().curve.unwrap();
        assert_eq!((t.len(), y.len()), (2, 2));
    }

    #[test]
    fn a_huge_learning_rate_stops_training_and_says_where() {
        let c = TrainConfig {
            cell: CellChoice::Vanilla,
            optim: OptimChoice::Sgd,
            lr: 10.0,
            clip: 0.0,
            task: TaskChoice::Sine,
            len: 40,
            ..TrainConfig::default()
        };
        let mut s = TrainSession::new(&c).unwrap();
        let snap = s.tick(2000);
        match snap.status {
            Status::Diverged(msg) => assert!(msg.contains("step"), "{msg}"),
            other => panic!("expected divergence, got {other:?} at loss {:?}", snap.loss),
        }
        assert!(snap.step < 2000);
    }
}
