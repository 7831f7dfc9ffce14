//! The output layer of seed 001: z_y^(t) = W_yh h^(t) + b_y, y^(t) = σ_y(z_y^(t)), scored per
//! step either by mean squared error or by softmax cross-entropy (for next-token tasks).
//!
//! Backward: for MSE, ∂L/∂z_y = ∂L/∂y ⊙ σ_y'(z_y); for softmax cross-entropy,
//! ∂L/∂z_y = y − onehot(target). Then ∂L/∂W_yh = ∂L/∂z_y h^T, ∂L/∂b_y = ∂L/∂z_y and the
//! gradient handed back to the hidden state is W_yh^T ∂L/∂z_y.

use super::super::ops::{softmax_rows, Activation};
use super::super::rng::{glorot, Rng};
use super::super::{Mat, Vector};
use serde::{Deserialize, Serialize};

/// How outputs are produced and scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "activation", rename_all = "snake_case")]
pub enum ReadoutKind {
    /// y = σ_y(z_y) scored by mean squared error.
    Mse(Activation),
    /// y = softmax(z_y) scored by cross-entropy against a class index.
    SoftmaxCrossEntropy,
}

/// A target at one step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Target {
    /// Values to regress onto (for MSE).
    Values(Vec<f64>),
    /// A class index (for softmax cross-entropy).
    Class(usize),
}

/// The read-out layer's weights W_yh (n_y × n_h) and b_y (n_y × 1).
#[derive(Debug, Clone, PartialEq)]
pub struct Readout {
    /// W_yh.
    pub w_yh: Mat,
    /// b_y.
    pub b_y: Mat,
    /// Output activation and loss.
    pub kind: ReadoutKind,
}
crate::impl_parameters!(Readout { w_yh => "W_yh", b_y => "b_y" });

impl Readout {
    /// Glorot-initialised weights, zero bias.
    pub fn init(rng: &mut Rng, hidden: usize, outputs: usize, kind: ReadoutKind) -> Self {
        Readout {
            w_yh: glorot(rng, outputs, hidden),
            b_y: Mat::zeros(outputs, 1),
            kind,
        }
    }

    /// Number of outputs n_y.
    pub fn outputs(&self) -> usize {
        self.w_yh.nrows()
    }

    /// Whether `t` fits this read-out (its message names what was expected).
    pub fn validate_target(&self, t: &Target) -> std::result::Result<(), String> {
        match (self.kind, t) {
            (ReadoutKind::Mse(_), Target::Values(v)) if v.len() == self.outputs() => Ok(()),
            (ReadoutKind::Mse(_), Target::Values(v)) => {
                Err(format!("{} values, expected {}", v.len(), self.outputs()))
            }
            (ReadoutKind::Mse(_), Target::Class(_)) => {
                Err("a class index, expected values for MSE".into())
            }
            (ReadoutKind::SoftmaxCrossEntropy, Target::Class(c)) if *c < self.outputs() => Ok(()),
            (ReadoutKind::SoftmaxCrossEntropy, Target::Class(c)) => {
                Err(format!("class {c}, expected one of 0..{}", self.outputs()))
            }
            (ReadoutKind::SoftmaxCrossEntropy, Target::Values(_)) => {
                Err("values, expected a class index for cross-entropy".into())
            }
        }
    }

    /// (z_y, y) for hidden state h.
    pub fn forward(&self, h: &Vector) -> (Vector, Vector) {
        let z = &self.w_yh * h + self.b_y.column(0);
        let y = match self.kind {
            ReadoutKind::Mse(act) => z.map(|v| act.apply(v)),
            ReadoutKind::SoftmaxCrossEntropy => {
                let row = softmax_rows(&Mat::from_row_slice(1, z.len(), z.as_slice()));
                Vector::from_iterator(z.len(), row.iter().copied())
            }
        };
        (z, y)
    }

    /// (L^(t), ∂L^(t)/∂z_y) for one step. Targets are validated before the forward pass.
    pub fn loss(&self, z: &Vector, y: &Vector, target: &Target) -> (f64, Vector) {
        match (self.kind, target) {
            (ReadoutKind::Mse(act), Target::Values(t)) => {
                let n = t.len().max(1) as f64;
                let diff = Vector::from_iterator(y.len(), y.iter().zip(t).map(|(a, b)| a - b));
                let dz = Vector::from_iterator(
                    y.len(),
                    diff.iter()
                        .zip(z.iter())
                        .map(|(d, zz)| 2.0 * d / n * act.derivative(*zz)),
                );
                (diff.norm_squared() / n, dz)
            }
            (ReadoutKind::SoftmaxCrossEntropy, Target::Class(c)) => {
                let mut dz = y.clone();
                dz[*c] -= 1.0;
                (-(y[*c].max(f64::MIN_POSITIVE)).ln(), dz)
            }
            _ => (0.0, Vector::zeros(z.len())),
        }
    }

    /// Adds this step's read-out gradients to `grads` and returns ∂L/∂h from the output.
    pub fn backward(&self, h: &Vector, dz: &Vector, grads: &mut Readout) -> Vector {
        grads.w_yh.ger(1.0, dz, h, 1.0);
        grads.b_y.column_mut(0).axpy(1.0, dz, 1.0);
        self.w_yh.tr_mul(dz)
    }
}
