//! Semi-supervised node classification on the drawn graph (Kipf & Welling's 2-layer GCN, the
//! engine's `gcn::classify`, with a tanh hidden layer): the student labels a few nodes with one of two classes, the model
//! trains on those alone with one-hot features X = I, and every node gets a prediction. The
//! settings live in the URL; a session steps the engine's `Trainer` and reports what the panel
//! draws. Plain Rust, tested natively.

use crate::engine::clip::Clip;
use crate::engine::gcn::classify::{GcnClassifier, NodeClassification};
use crate::engine::gcn::spectrum;
use crate::engine::matmul::MatmulBackend;
use crate::engine::ops::Activation;
use crate::engine::optim::OptimConfig;
use crate::engine::rng::rng;
use crate::engine::train::{Snapshot, Status, Trainer};
use crate::engine::Mat;
use serde::{Deserialize, Serialize};

/// Classes a student can give (the drawing shows them as blue and red).
pub const CLASSES: usize = 2;
/// Widths of the hidden layer on offer.
pub const HIDDEN: [usize; 4] = [2, 4, 8, 16];

/// The training panel's settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrainSettings {
    /// Width of H⁽¹⁾.
    pub hidden: usize,
    /// Adam's learning rate.
    pub lr: f64,
}

impl Default for TrainSettings {
    fn default() -> Self {
        TrainSettings {
            hidden: 2,
            lr: 0.01,
        }
    }
}

impl TrainSettings {
    /// The settings brought into range, with a note for each change.
    pub fn sanitized(&self) -> (TrainSettings, Vec<String>) {
        let mut t = self.clone();
        let mut notes = Vec::new();
        if !HIDDEN.contains(&t.hidden) {
            notes.push(format!(
                "hidden width {} is not one of 2, 4, 8, 16; using 2",
                t.hidden
            ));
            t.hidden = 2;
        }
        if !(t.lr.is_finite() && t.lr > 0.0 && t.lr <= 1.0) {
            notes.push(format!(
                "learning rate {} is not in (0, 1]; using 0.01",
                t.lr
            ));
            t.lr = 0.01;
        }
        (t, notes)
    }
}

/// Labels cleaned for a graph of `n` nodes: one entry per node, classes ≥ [`CLASSES`] dropped.
pub fn labels_for(labels: &[Option<usize>], n: usize) -> Vec<Option<usize>> {
    (0..n)
        .map(|i| labels.get(i).copied().flatten().filter(|c| *c < CLASSES))
        .collect()
}

/// A click in labelling mode: none → class 0 → class 1 → none.
pub fn next_label(l: Option<usize>) -> Option<usize> {
    match l {
        None => Some(0),
        Some(c) if c + 1 < CLASSES => Some(c + 1),
        Some(_) => None,
    }
}

/// What training needs before it can start, as a sentence, or None when it can.
pub fn not_ready(n: usize, labels: &[Option<usize>]) -> Option<String> {
    if n < 2 {
        return Some("Training needs at least two nodes.".into());
    }
    let has = |c| labels.contains(&Some(c));
    (!(has(0) && has(1))).then(|| {
        "Label at least one node of each class first: tick “Label nodes” and click a node once \
         for blue, twice for red."
            .into()
    })
}

/// The model and its trainer on one graph with one set of labels.
pub struct GcnSession {
    trainer: Trainer<NodeClassification>,
    truth: Option<Vec<usize>>,
    accuracy: Vec<(f64, f64)>,
}

/// What the panel shows after a tick.
#[derive(Debug, Clone, PartialEq)]
pub struct GcnReport {
    /// Steps taken and the status.
    pub snapshot: Snapshot,
    /// Predicted class per node.
    pub predictions: Vec<usize>,
    /// P(class 1) − P(class 0) per node, in [−1, 1] (the node colours).
    pub margin: Vec<f64>,
    /// The hidden embedding H⁽¹⁾ in 2-D (its first two principal axes when wider).
    pub embedding: Vec<(f64, f64)>,
    /// Whether the embedding is a projection.
    pub projected: bool,
    /// Fraction right: of every node when the true classes are known, else of the labelled.
    pub accuracy: f64,
    /// Whether `accuracy` counts every node (true classes known, as for the karate club).
    pub against_truth: bool,
    /// (step, accuracy) at every report so far.
    pub accuracy_curve: Vec<(f64, f64)>,
}

impl GcnSession {
    /// A fresh model from `seed` on adjacency `a`; `truth` when the true classes are known.
    pub fn new(
        a: &Mat,
        labels: &[Option<usize>],
        truth: Option<Vec<usize>>,
        settings: &TrainSettings,
        seed: u64,
    ) -> Result<GcnSession, String> {
        let n = a.nrows();
        let labels = labels_for(labels, n);
        if let Some(why) = not_ready(n, &labels) {
            return Err(why);
        }
        let (settings, _) = settings.sanitized();
        // tanh rather than ReLU in the hidden layer (as in Kipf's karate-club embedding demo):
        // with two hidden units a ReLU often dies for a node, which then stays at 50/50 for
        // good; tanh keeps every node learning and the embedding bounded for the scatter.
        let mut model = GcnClassifier::init(&mut rng(seed), n, settings.hidden, CLASSES);
        model.activation = Activation::Tanh;
        let task = NodeClassification::new(model, a, Mat::identity(n, n), labels)
            .map_err(|e| e.to_string())?;
        Ok(GcnSession {
            trainer: Trainer::new(task, OptimConfig::adam(settings.lr), Clip::None),
            truth: truth.filter(|t| t.len() == n),
            accuracy: Vec::new(),
        })
    }

    /// At most `steps` optimiser steps.
    pub fn tick(&mut self, steps: usize) -> Snapshot {
        self.trainer.tick(steps)
    }

    /// One optimiser step with the graph-sized products computed by `mm` (see
    /// [`NodeClassification::loss_and_grad_via`]); the same step as `tick(1)` up to `mm`'s
    /// rounding.
    pub async fn step_via(&mut self, mm: &dyn MatmulBackend) -> Snapshot {
        if *self.trainer.status() == Status::Ready {
            let computed = self.trainer.task.loss_and_grad_via(mm).await;
            self.trainer.apply_step(computed);
        }
        self.trainer.snapshot()
    }

    /// Shapes (m, k, n) of the products a step hands to a backend.
    pub fn offloaded_shapes(&self) -> [(usize, usize, usize); 4] {
        self.trainer.task.offloaded_shapes()
    }

    /// The loss of every step taken.
    pub fn losses(&self) -> &[f64] {
        &self.trainer.losses
    }

    /// The model on every node (and the accuracy point of this step, remembered).
    pub fn report(&mut self) -> GcnReport {
        let task = &self.trainer.task;
        let t = task.trace();
        let predictions: Vec<usize> = t
            .probs
            .row_iter()
            .map(|r| usize::from(r[1] > r[0]))
            .collect();
        let margin = t.probs.row_iter().map(|r| r[1] - r[0]).collect();
        let (right, total) = match &self.truth {
            Some(truth) => (
                predictions
                    .iter()
                    .zip(truth)
                    .filter(|(p, t)| p == t)
                    .count(),
                truth.len(),
            ),
            None => {
                let labelled: Vec<_> = task
                    .labels
                    .iter()
                    .zip(&predictions)
                    .filter_map(|(l, p)| l.map(|l| l == *p))
                    .collect();
                (labelled.iter().filter(|b| **b).count(), labelled.len())
            }
        };
        let accuracy = right as f64 / total.max(1) as f64;
        let snapshot = self.trainer.snapshot();
        let step = snapshot.step as f64;
        if self.accuracy.last().is_none_or(|(s, _)| *s < step) {
            self.accuracy.push((step, accuracy));
        }
        let (embedding, projected) = plane(&t.layer1.out);
        GcnReport {
            snapshot,
            predictions,
            margin,
            embedding,
            projected,
            accuracy,
            against_truth: self.truth.is_some(),
            accuracy_curve: self.accuracy.clone(),
        }
    }
}

/// Rows of `h` in 2-D: the two columns themselves when there are two, else the coordinates on
/// the two principal axes — the top eigenvectors of the centred rows' scatter matrix, from the
/// engine's symmetric eigen-decomposition (the one L's spectrum uses; its signs are fixed, so
/// the picture does not flip between frames).
pub fn plane(h: &Mat) -> (Vec<(f64, f64)>, bool) {
    let at = |m: &Mat, i: usize, j: usize| if j < m.ncols() { m[(i, j)] } else { 0.0 };
    let as_is = |m: &Mat| (0..m.nrows()).map(|i| (at(m, i, 0), at(m, i, 1))).collect();
    let f = h.ncols();
    if f <= 2 {
        return (as_is(h), false);
    }
    let mut c = h.clone();
    for mut col in c.column_iter_mut() {
        let mean = col.mean();
        col.add_scalar_mut(-mean);
    }
    let s = c.transpose() * &c;
    let Ok(sp) = spectrum(&((&s + s.transpose()) * 0.5)) else {
        return (as_is(h), true);
    };
    // Ascending eigenvalues: the last two columns are the widest axes.
    let (Some(first), Some(second)) = (sp.vector(f - 1), sp.vector(f - 2)) else {
        return (as_is(h), true);
    };
    let axes = Mat::from_columns(&[first, second]);
    (as_is(&(c * axes)), true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::data::karate_club;

    fn karate_labels() -> Vec<Option<usize>> {
        let mut l = vec![None; 34];
        l[0] = Some(0);
        l[33] = Some(1);
        l
    }

    #[test]
    fn steps_through_a_backend_are_the_steps_of_tick() {
        use crate::engine::matmul::{poll_ready, CpuMatmul};
        let g = karate_club();
        let make = || {
            GcnSession::new(
                &g.adjacency,
                &karate_labels(),
                None,
                &TrainSettings::default(),
                4,
            )
            .unwrap()
        };
        let (mut a, mut b) = (make(), make());
        a.tick(5);
        for _ in 0..5 {
            poll_ready(b.step_via(&CpuMatmul)).unwrap();
        }
        assert_eq!(a.losses(), b.losses());
        assert_eq!(a.report(), b.report());
        assert_eq!(b.offloaded_shapes()[1], (34, 34, 2));
    }

    #[test]
    fn the_karate_club_splits_from_two_labels() {
        let g = karate_club();
        let mut s = GcnSession::new(
            &g.adjacency,
            &karate_labels(),
            Some(g.classes.clone()),
            &TrainSettings::default(),
            1,
        )
        .unwrap();
        let before = s.report();
        assert!(before.against_truth && before.embedding.len() == 34);
        s.tick(300);
        let after = s.report();
        assert!(after.accuracy >= 0.85, "accuracy {}", after.accuracy);
        assert!(s.losses().last().unwrap() < &s.losses()[0]);
        // The labelled nodes are predicted as labelled, with confidence.
        assert_eq!((after.predictions[0], after.predictions[33]), (0, 1));
        assert!(after.margin[0] < -0.5 && after.margin[33] > 0.5);
        assert_eq!(after.accuracy_curve.len(), 2);
        // Same seed, same run.
        let mut again = GcnSession::new(
            &g.adjacency,
            &karate_labels(),
            Some(g.classes),
            &TrainSettings::default(),
            1,
        )
        .unwrap();
        again.tick(300);
        assert_eq!(again.report().margin, after.margin);
    }

    #[test]
    fn wider_hidden_layers_are_projected_to_the_plane() {
        let g = karate_club();
        let settings = TrainSettings {
            hidden: 8,
            ..TrainSettings::default()
        };
        let mut s = GcnSession::new(&g.adjacency, &karate_labels(), None, &settings, 3).unwrap();
        s.tick(50);
        let r = s.report();
        assert!(r.projected && !r.against_truth);
        assert!(r
            .embedding
            .iter()
            .all(|(x, y)| x.is_finite() && y.is_finite()));
        // Without the truth, accuracy is over the two labelled nodes.
        assert!([0.0, 0.5, 1.0].contains(&r.accuracy));
        // The projection keeps the spread along the first axis at least that along the second.
        let var = |f: fn(&(f64, f64)) -> f64| r.embedding.iter().map(|p| f(p).powi(2)).sum::<f64>();
        assert!(var(|p| p.0) >= var(|p| p.1));
    }

    #[test]
    fn training_needs_both_classes_and_says_so() {
        let a = Mat::from_row_slice(2, 2, &[0., 1., 1., 0.]);
        let only_one = [Some(0), None];
        let err = GcnSession::new(&a, &only_one, None, &TrainSettings::default(), 1)
            .err()
            .unwrap();
        assert!(err.contains("each class"), "{err}");
        assert!(not_ready(1, &[Some(0)]).unwrap().contains("two nodes"));
        // An isolated labelled node trains without NaN.
        let a = Mat::from_row_slice(3, 3, &[0., 1., 0., 1., 0., 0., 0., 0., 0.]);
        let mut s = GcnSession::new(
            &a,
            &[Some(0), None, Some(1)],
            None,
            &TrainSettings::default(),
            1,
        )
        .unwrap();
        s.tick(20);
        assert!(s.report().margin.iter().all(|m| m.is_finite()));
    }

    #[test]
    fn the_deck_graph_fits_two_labels_quickly() {
        use crate::views::gcn::state::{run, GcnState};
        let s = GcnState::default();
        let r = run(&s.structure()).unwrap();
        let mut labels = vec![None; 6];
        (labels[0], labels[5]) = (Some(0), Some(1));
        for seed in 1..=5 {
            let mut t = GcnSession::new(&r.plain.a, &labels, None, &TrainSettings::default(), seed)
                .unwrap();
            t.tick(200);
            let rep = t.report();
            assert_eq!(rep.accuracy, 1.0, "seed {seed}");
        }
    }

    #[test]
    fn labels_cycle_and_are_cleaned() {
        assert_eq!(next_label(None), Some(0));
        assert_eq!(next_label(Some(0)), Some(1));
        assert_eq!(next_label(Some(1)), None);
        assert_eq!(
            labels_for(&[Some(5), Some(1)], 3),
            vec![None, Some(1), None]
        );
        let (t, notes) = TrainSettings {
            hidden: 3,
            lr: -1.0,
        }
        .sanitized();
        assert_eq!((t.hidden, t.lr, notes.len()), (2, 0.01, 2));
    }
}
