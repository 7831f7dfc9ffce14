//! Semi-supervised node classification with a 2-layer GCN (Kipf & Welling):
//! H⁽¹⁾ = ReLU(P̃ X W⁽¹⁾), Z = P̃ H⁽¹⁾ W⁽²⁾, softmax cross-entropy on the labelled nodes only.
//! P̃ = D̃^-½(A+I)D̃^-½. Backward: ∂Z from the loss, ∂W⁽²⁾ = (P̃H⁽¹⁾)ᵀ∂Z,
//! ∂H⁽¹⁾ = P̃ᵀ∂Z W⁽²⁾ᵀ, ∂pre = ∂H⁽¹⁾ ⊙ σ'(pre), ∂W⁽¹⁾ = (P̃X)ᵀ∂pre.
//!
//! Four of those products grow with the graph (n×n times n×h or n×c): P̃X·W⁽¹⁾, P̃·H⁽¹⁾,
//! P̃ᵀ·∂Z and (P̃X)ᵀ·∂pre. [`NodeClassification::loss_and_grad_via`] hands them to a
//! [`MatmulBackend`] (the app's routes big ones to WebGPU); the rest stay on nalgebra.

use super::super::matmul::MatmulBackend;
use super::super::ops::{cross_entropy_rows, Activation};
use super::super::rng::{glorot, Rng};
use super::super::train::Trainable;
use super::super::{Mat, Result};
use super::adjacency::{normalized_adjacency, with_self_loops};
use super::layer::{GcnLayer, GcnLayerTrace};

/// The weights of a 2-layer GCN classifier (also its gradients).
#[derive(Debug, Clone, PartialEq)]
pub struct GcnClassifier {
    /// W⁽¹⁾ (features × hidden).
    pub w1: Mat,
    /// W⁽²⁾ (hidden × classes).
    pub w2: Mat,
    /// σ of the hidden layer (ReLU in Kipf & Welling).
    pub activation: Activation,
}
crate::impl_parameters!(GcnClassifier { w1 => "W⁽¹⁾", w2 => "W⁽²⁾" });

/// Forward intermediates.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassifierTrace {
    /// Layer 1 (its `out` is the hidden embedding H⁽¹⁾).
    pub layer1: GcnLayerTrace,
    /// Layer 2 (its `z` are the logits).
    pub layer2: GcnLayerTrace,
    /// Softmax probabilities per node.
    pub probs: Mat,
    /// Cross-entropy over the labelled nodes.
    pub loss: f64,
    /// ∂L/∂logits.
    pub d_logits: Mat,
}

impl GcnClassifier {
    /// Glorot-initialised weights.
    pub fn init(rng: &mut Rng, features: usize, hidden: usize, classes: usize) -> Self {
        GcnClassifier {
            w1: glorot(rng, features, hidden),
            w2: glorot(rng, hidden, classes),
            activation: Activation::Relu,
        }
    }

    fn layers(&self) -> (GcnLayer, GcnLayer) {
        (
            GcnLayer {
                w: self.w1.clone(),
                activation: self.activation,
            },
            GcnLayer {
                w: self.w2.clone(),
                activation: Activation::Identity,
            },
        )
    }

    /// Forward on propagation matrix `p` and features `x`, scored on `labels`.
    pub fn forward(&self, p: &Mat, x: &Mat, labels: &[Option<usize>]) -> ClassifierTrace {
        self.forward_px(p, p * x, labels)
    }

    /// [`forward`](Self::forward) with P X already formed (`px`).
    pub fn forward_px(&self, p: &Mat, px: Mat, labels: &[Option<usize>]) -> ClassifierTrace {
        let (l1, l2) = self.layers();
        let layer1 = l1.forward_aggregated(px);
        let layer2 = l2.forward(p, &layer1.out);
        let (loss, d_logits, probs) = cross_entropy_rows(&layer2.z, labels);
        ClassifierTrace {
            layer1,
            layer2,
            probs,
            loss,
            d_logits,
        }
    }

    /// Parameter gradients.
    pub fn backward(&self, p: &Mat, t: &ClassifierTrace) -> GcnClassifier {
        let (l1, l2) = self.layers();
        let (g2, d_h1) = l2.backward(p, &t.layer2, &t.d_logits);
        let (g1, _) = l1.backward(p, &t.layer1, &d_h1);
        GcnClassifier {
            w1: g1.w,
            w2: g2.w,
            activation: self.activation,
        }
    }
}

/// A node-classification problem: the graph's P̃, node features and the labelled subset.
#[derive(Debug, Clone)]
pub struct NodeClassification {
    /// The model.
    pub model: GcnClassifier,
    /// P̃ = D̃^-½(A+I)D̃^-½.
    pub p: Mat,
    /// Node features X (n × f); the identity when nodes have no features.
    pub x: Mat,
    /// P̃ X, formed once.
    pub px: Mat,
    /// P̃ᵀ and (P̃X)ᵀ, formed once for [`loss_and_grad_via`](Self::loss_and_grad_via) (a
    /// backend multiplies stored matrices; it has no transposed product).
    p_t: Mat,
    px_t: Mat,
    /// Class of each labelled node (`None` = unlabelled).
    pub labels: Vec<Option<usize>>,
}

impl NodeClassification {
    /// Builds P̃ from `adjacency` (validated).
    pub fn new(
        model: GcnClassifier,
        adjacency: &Mat,
        x: Mat,
        labels: Vec<Option<usize>>,
    ) -> Result<Self> {
        let p = normalized_adjacency(&with_self_loops(adjacency))?;
        // One-hot features (X = I, the usual choice without node features): P̃X is P̃ itself,
        // no n³ product needed.
        let px = if x.is_square() && x == Mat::identity(x.nrows(), x.ncols()) {
            p.clone()
        } else {
            &p * &x
        };
        let p_t = p.transpose();
        let px_t = px.transpose();
        Ok(NodeClassification {
            model,
            p,
            x,
            px,
            p_t,
            px_t,
            labels,
        })
    }

    /// Loss and gradients as [`Trainable::loss_and_grad`] gives them, with the four products
    /// that grow with the graph computed by `mm` (awaited one after another; the small ones by
    /// nalgebra). With the CPU backend the result is the same to the last bit.
    pub async fn loss_and_grad_via(&self, mm: &dyn MatmulBackend) -> Result<(f64, GcnClassifier)> {
        let m = &self.model;
        let z1 = mm.matmul(&self.px, &m.w1).await?;
        let h1 = m.activation.forward(&z1);
        let ph1 = mm.matmul(&self.p, &h1).await?;
        let z2 = &ph1 * &m.w2;
        let (loss, dz2, _) = cross_entropy_rows(&z2, &self.labels);
        let w2 = ph1.transpose() * &dz2;
        let d_h1 = mm.matmul(&self.p_t, &dz2).await? * m.w2.transpose();
        let dz1 = m.activation.backward(&z1, &d_h1);
        let w1 = mm.matmul(&self.px_t, &dz1).await?;
        let grads = GcnClassifier {
            w1,
            w2,
            activation: m.activation,
        };
        Ok((loss, grads))
    }

    /// The shapes (m, k, n) of the products [`loss_and_grad_via`](Self::loss_and_grad_via)
    /// hands to its backend, in order.
    pub fn offloaded_shapes(&self) -> [(usize, usize, usize); 4] {
        let (n, f) = self.px.shape();
        let h = self.model.w1.ncols();
        let c = self.model.w2.ncols();
        [(n, f, h), (n, n, h), (n, n, c), (f, n, h)]
    }

    /// Predicted class of every node.
    pub fn predictions(&self) -> Vec<usize> {
        let t = self.trace();
        t.probs
            .row_iter()
            .map(|r| {
                r.iter()
                    .enumerate()
                    .fold(
                        (0, f64::NEG_INFINITY),
                        |b, (k, &v)| if v > b.1 { (k, v) } else { b },
                    )
                    .0
            })
            .collect()
    }

    /// The model's forward pass on this graph.
    pub fn trace(&self) -> ClassifierTrace {
        self.model
            .forward_px(&self.p, self.px.clone(), &self.labels)
    }

    /// Fraction of nodes whose prediction equals `truth`.
    pub fn accuracy(&self, truth: &[usize]) -> f64 {
        let pred = self.predictions();
        let right = pred.iter().zip(truth).filter(|(a, b)| a == b).count();
        right as f64 / truth.len().max(1) as f64
    }
}

impl Trainable for NodeClassification {
    type Params = GcnClassifier;
    fn params(&self) -> &GcnClassifier {
        &self.model
    }
    fn params_mut(&mut self) -> &mut GcnClassifier {
        &mut self.model
    }
    fn loss_and_grad(&mut self) -> Result<(f64, GcnClassifier)> {
        let t = self.trace();
        Ok((t.loss, self.model.backward(&self.p, &t)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::clip::Clip;
    use crate::engine::data::karate_club;
    use crate::engine::gradcheck::check_parameters;
    use crate::engine::matmul::{poll_ready, CpuMatmul};
    use crate::engine::optim::OptimConfig;
    use crate::engine::rng::rng;
    use crate::engine::train::Status;
    use crate::engine::train::Trainer;

    #[test]
    fn classifier_gradients() {
        let g = karate_club();
        let mut m = GcnClassifier::init(&mut rng(1), 34, 4, 2);
        m.activation = Activation::Tanh; // smooth for the finite-difference check
        let mut labels = vec![None; 34];
        labels[0] = Some(0);
        labels[33] = Some(1);
        labels[5] = Some(0);
        let task = NodeClassification::new(
            m.clone(),
            &g.adjacency,
            Mat::identity(34, 34),
            labels.clone(),
        )
        .unwrap();
        let t = m.forward(&task.p, &task.x, &labels);
        let grads = m.backward(&task.p, &t);
        let (name, err) =
            check_parameters(&m, &grads, |mm| mm.forward(&task.p, &task.x, &labels).loss);
        assert!(err <= 1e-6, "{name}: {err:e}");
    }

    #[test]
    fn the_backend_path_gives_the_same_bits_and_the_same_training() {
        let g = karate_club();
        let mut labels = vec![None; 34];
        for v in [0, 1, 32, 33] {
            labels[v] = Some(g.classes[v]);
        }
        for act in [Activation::Relu, Activation::Tanh] {
            let mut model = GcnClassifier::init(&mut rng(3), 34, 4, 2);
            model.activation = act;
            let mut task =
                NodeClassification::new(model, &g.adjacency, Mat::identity(34, 34), labels.clone())
                    .unwrap();
            let via = poll_ready(task.loss_and_grad_via(&CpuMatmul))
                .unwrap()
                .unwrap();
            assert_eq!(via, task.loss_and_grad().unwrap(), "{act:?}");
            let shapes = task.offloaded_shapes();
            assert_eq!(shapes, [(34, 34, 4), (34, 34, 4), (34, 34, 2), (34, 34, 4)]);
        }
        // Ten optimiser steps either way land on the same weights.
        let model = GcnClassifier::init(&mut rng(3), 34, 4, 2);
        let task =
            NodeClassification::new(model, &g.adjacency, Mat::identity(34, 34), labels).unwrap();
        let mut a = Trainer::new(task.clone(), OptimConfig::adam(0.01), Clip::None);
        let mut b = Trainer::new(task, OptimConfig::adam(0.01), Clip::None);
        a.tick(10);
        for _ in 0..10 {
            let r = poll_ready(b.task.loss_and_grad_via(&CpuMatmul)).unwrap();
            b.apply_step(r);
        }
        assert_eq!(a.losses, b.losses);
        assert_eq!(a.task.model, b.task.model);
    }

    #[test]
    fn a_failing_backend_fails_the_step_and_keeps_the_weights() {
        struct Broken;
        impl MatmulBackend for Broken {
            fn name(&self) -> String {
                "broken".into()
            }
            fn matmul(&self, _: &Mat, _: &Mat) -> crate::engine::matmul::MatmulFuture<'_> {
                Box::pin(std::future::ready(Err(crate::engine::EngineError::Shape {
                    what: "device gone".into(),
                })))
            }
        }
        let g = karate_club();
        let mut labels = vec![None; 34];
        labels[0] = Some(0);
        labels[33] = Some(1);
        let model = GcnClassifier::init(&mut rng(3), 34, 2, 2);
        let task =
            NodeClassification::new(model, &g.adjacency, Mat::identity(34, 34), labels).unwrap();
        let before = task.model.clone();
        let mut t = Trainer::new(task, OptimConfig::adam(0.01), Clip::None);
        let r = poll_ready(t.task.loss_and_grad_via(&Broken)).unwrap();
        t.apply_step(r);
        assert!(matches!(t.status(), Status::Failed(m) if m.contains("device gone")));
        assert_eq!(t.task.model, before);
        assert!(t.losses.is_empty());
    }

    #[test]
    fn karate_club_from_four_labels() {
        let g = karate_club();
        let mut labels = vec![None; 34];
        for v in [0, 1, 32, 33] {
            labels[v] = Some(g.classes[v]);
        }
        let model = GcnClassifier::init(&mut rng(42), 34, 8, 2);
        let task =
            NodeClassification::new(model, &g.adjacency, Mat::identity(34, 34), labels).unwrap();
        let mut trainer = Trainer::new(task, OptimConfig::adam(0.01), Clip::None);
        trainer.tick(300);
        let acc = trainer.task.accuracy(&g.classes);
        assert!(acc >= 0.85, "accuracy {acc}");
    }
}
