//! Optimisers behind one trait, applied tensor by tensor to any [`Parameters`]:
//!
//! * SGD: θ ← θ − η g
//! * Momentum: v ← μv + g, θ ← θ − η v
//! * Adam: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ),
//!   θ ← θ − η m̂/(√v̂ + ε)

use super::params::Parameters;
use super::Mat;
use serde::{Deserialize, Serialize};

/// One optimisation algorithm with its state.
pub trait Optimizer {
    /// Called once before the tensors of a step are updated.
    fn begin_step(&mut self);
    /// Updates tensor number `k` of the parameter set in place.
    fn update(&mut self, k: usize, param: &mut Mat, grad: &Mat);
    /// The learning rate η.
    fn learning_rate(&self) -> f64;
}

/// Applies one step of `opt` to `params` with `grads` (same shapes, same order).
pub fn apply<P: Parameters>(opt: &mut dyn Optimizer, params: &mut P, grads: &P) {
    opt.begin_step();
    for (k, ((_, p), (_, g))) in params
        .tensors_mut()
        .into_iter()
        .zip(grads.tensors())
        .enumerate()
    {
        opt.update(k, p, g);
    }
}

/// The serialisable choice of optimiser and its hyper-parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum OptimConfig {
    /// Plain gradient descent.
    Sgd {
        /// η.
        lr: f64,
    },
    /// Gradient descent with momentum μ.
    Momentum {
        /// η.
        lr: f64,
        /// μ (0.9 is usual).
        momentum: f64,
    },
    /// Adam.
    Adam {
        /// η.
        lr: f64,
        /// β₁ (0.9).
        beta1: f64,
        /// β₂ (0.999).
        beta2: f64,
    },
}

impl OptimConfig {
    /// Adam with the usual β₁ = 0.9, β₂ = 0.999.
    pub fn adam(lr: f64) -> Self {
        OptimConfig::Adam {
            lr,
            beta1: 0.9,
            beta2: 0.999,
        }
    }

    /// A fresh optimiser (no accumulated state).
    pub fn build(self) -> Box<dyn Optimizer + Send + Sync> {
        match self {
            OptimConfig::Sgd { lr } => Box::new(Sgd { lr }),
            OptimConfig::Momentum { lr, momentum } => Box::new(Momentum {
                lr,
                momentum,
                velocity: Vec::new(),
            }),
            OptimConfig::Adam { lr, beta1, beta2 } => Box::new(Adam {
                lr,
                beta1,
                beta2,
                eps: 1e-8,
                t: 0,
                m: Vec::new(),
                v: Vec::new(),
            }),
        }
    }
}

/// θ ← θ − η g.
#[derive(Debug, Clone)]
pub struct Sgd {
    /// η.
    pub lr: f64,
}

impl Optimizer for Sgd {
    fn begin_step(&mut self) {}
    fn update(&mut self, _k: usize, param: &mut Mat, grad: &Mat) {
        *param -= grad * self.lr;
    }
    fn learning_rate(&self) -> f64 {
        self.lr
    }
}

/// Heavy-ball momentum.
#[derive(Debug, Clone)]
pub struct Momentum {
    /// η.
    pub lr: f64,
    /// μ.
    pub momentum: f64,
    velocity: Vec<Mat>,
}

/// The k-th state slot, created as zeros of `like`'s shape on first use.
fn slot<'a>(store: &'a mut Vec<Mat>, k: usize, like: &Mat) -> &'a mut Mat {
    while store.len() <= k {
        store.push(Mat::zeros(0, 0));
    }
    if store[k].shape() != like.shape() {
        store[k] = Mat::zeros(like.nrows(), like.ncols());
    }
    &mut store[k]
}

impl Optimizer for Momentum {
    fn begin_step(&mut self) {}
    fn update(&mut self, k: usize, param: &mut Mat, grad: &Mat) {
        let v = slot(&mut self.velocity, k, grad);
        *v = &*v * self.momentum + grad;
        *param -= &*v * self.lr;
    }
    fn learning_rate(&self) -> f64 {
        self.lr
    }
}

/// Adam (Kingma & Ba, 2015).
#[derive(Debug, Clone)]
pub struct Adam {
    /// η.
    pub lr: f64,
    /// β₁.
    pub beta1: f64,
    /// β₂.
    pub beta2: f64,
    /// ε.
    pub eps: f64,
    t: i32,
    m: Vec<Mat>,
    v: Vec<Mat>,
}

impl Optimizer for Adam {
    fn begin_step(&mut self) {
        self.t += 1;
    }
    fn update(&mut self, k: usize, param: &mut Mat, grad: &Mat) {
        let (b1, b2) = (self.beta1, self.beta2);
        let c1 = 1.0 - b1.powi(self.t.max(1));
        let c2 = 1.0 - b2.powi(self.t.max(1));
        let m = slot(&mut self.m, k, grad);
        *m = &*m * b1 + grad * (1.0 - b1);
        let m_hat = &*m / c1;
        let v = slot(&mut self.v, k, grad);
        *v = &*v * b2 + grad.component_mul(grad) * (1.0 - b2);
        let step = m_hat.zip_map(v, |mh, vv| mh / ((vv / c2).sqrt() + self.eps));
        *param -= step * self.lr;
    }
    fn learning_rate(&self) -> f64 {
        self.lr
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone)]
    struct X {
        x: Mat,
    }
    crate::impl_parameters!(X { x => "x" });

    /// Minimises f(x) = ½‖x − 3‖² (∇f = x − 3) and returns the final x.
    fn minimise(cfg: OptimConfig, steps: usize) -> f64 {
        let mut p = X {
            x: Mat::zeros(1, 1),
        };
        let mut opt = cfg.build();
        for _ in 0..steps {
            let g = X {
                x: p.x.add_scalar(-3.0),
            };
            apply(opt.as_mut(), &mut p, &g);
        }
        p.x[(0, 0)]
    }

    #[test]
    fn golden_first_steps() {
        // SGD, η = 0.1, from 0: x₁ = 0 − 0.1·(−3) = 0.3.
        assert!((minimise(OptimConfig::Sgd { lr: 0.1 }, 1) - 0.3).abs() < 1e-15);
        // Momentum μ = 0.9: v₁ = −3, x₁ = 0.3; v₂ = 0.9·(−3) + (0.3 − 3) = −5.4, x₂ = 0.84.
        assert!(
            (minimise(
                OptimConfig::Momentum {
                    lr: 0.1,
                    momentum: 0.9
                },
                2
            ) - 0.84)
                .abs()
                < 1e-12
        );
        // Adam's first step moves by η·sign(g) (bias-corrected m̂/√v̂ = ±1): x₁ = 0.1.
        assert!((minimise(OptimConfig::adam(0.1), 1) - 0.1).abs() < 1e-6);
    }

    #[test]
    fn all_converge() {
        for cfg in [
            OptimConfig::Sgd { lr: 0.1 },
            OptimConfig::Momentum {
                lr: 0.05,
                momentum: 0.9,
            },
            OptimConfig::adam(0.1),
        ] {
            assert!((minimise(cfg, 500) - 3.0).abs() < 1e-3, "{cfg:?}");
        }
    }
}
