//! Point-wise activations with their derivatives, both written in terms of the input z:
//!
//! | σ | σ(z) | σ'(z) |
//! |---|---|---|
//! | tanh | tanh z | 1 − tanh² z |
//! | ReLU | max(0, z) | 1 if z > 0 else 0 |
//! | sigmoid | 1 / (1 + e^−z) | σ(z)(1 − σ(z)) |
//! | GeLU (tanh form) | ½z(1 + tanh(√(2/π)(z + 0.044715z³))) | product rule, see [`Activation::derivative`] |
//! | identity | z | 1 |

use super::super::Mat;
use serde::{Deserialize, Serialize};

/// A point-wise activation function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    /// Hyperbolic tangent.
    #[default]
    Tanh,
    /// Rectified linear unit.
    Relu,
    /// Logistic sigmoid.
    Sigmoid,
    /// Gaussian error linear unit (tanh approximation, as in GPT-2 and the seed 003 MLP).
    Gelu,
    /// No activation.
    Identity,
}

const GELU_C: f64 = 0.797_884_560_802_865_4; // √(2/π)

/// Logistic sigmoid 1 / (1 + e^−z), computed without overflow for large |z|.
pub fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

impl Activation {
    /// σ(z).
    pub fn apply(self, z: f64) -> f64 {
        match self {
            Activation::Tanh => z.tanh(),
            Activation::Relu => z.max(0.0),
            Activation::Sigmoid => sigmoid(z),
            Activation::Gelu => 0.5 * z * (1.0 + (GELU_C * (z + 0.044_715 * z * z * z)).tanh()),
            Activation::Identity => z,
        }
    }

    /// σ'(z). For GeLU with u = √(2/π)(z + 0.044715z³):
    /// ½(1 + tanh u) + ½z(1 − tanh² u)·√(2/π)(1 + 3·0.044715z²).
    pub fn derivative(self, z: f64) -> f64 {
        match self {
            Activation::Tanh => 1.0 - z.tanh().powi(2),
            Activation::Relu => {
                if z > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Activation::Sigmoid => {
                let s = sigmoid(z);
                s * (1.0 - s)
            }
            Activation::Gelu => {
                let u = GELU_C * (z + 0.044_715 * z * z * z);
                let t = u.tanh();
                0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * GELU_C * (1.0 + 3.0 * 0.044_715 * z * z)
            }
            Activation::Identity => 1.0,
        }
    }

    /// σ applied to every entry.
    pub fn forward(self, z: &Mat) -> Mat {
        z.map(|v| self.apply(v))
    }

    /// ∂L/∂z = ∂L/∂σ(z) ⊙ σ'(z), given the pre-activation z.
    pub fn backward(self, z: &Mat, grad_out: &Mat) -> Mat {
        grad_out.zip_map(z, |g, v| g * self.derivative(v))
    }

    /// Name as the decks write it.
    pub fn label(self) -> &'static str {
        match self {
            Activation::Tanh => "tanh",
            Activation::Relu => "ReLU",
            Activation::Sigmoid => "sigmoid",
            Activation::Gelu => "GeLU",
            Activation::Identity => "identity",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::gradcheck::{numerical_grad, rel_error};

    #[test]
    fn golden_values() {
        assert_eq!(Activation::Relu.apply(-2.0), 0.0);
        assert_eq!(Activation::Relu.apply(1.5), 1.5);
        assert_eq!(Activation::Sigmoid.apply(0.0), 0.5);
        assert!((Activation::Tanh.apply(0.5) - 0.462_117_157_260_009_8).abs() < 1e-15);
        // GeLU(1) = ½(1 + tanh(√(2/π)·1.044715)) = 0.841191990...
        assert!((Activation::Gelu.apply(1.0) - 0.841_191_990_607_477_2).abs() < 1e-12);
        assert!(
            sigmoid(-800.0) >= 0.0 && sigmoid(800.0) <= 1.0,
            "no overflow"
        );
    }

    #[test]
    fn derivatives_match_finite_differences() {
        let z = Mat::from_row_slice(2, 3, &[-1.3, -0.2, 0.4, 0.9, 2.1, -2.7]);
        for act in [
            Activation::Tanh,
            Activation::Sigmoid,
            Activation::Gelu,
            Activation::Identity,
            Activation::Relu, // no entry sits on the kink at 0
        ] {
            let g = Mat::from_fn(2, 3, |i, j| 0.3 + i as f64 - 0.2 * j as f64);
            let analytic = act.backward(&z, &g);
            let numeric = numerical_grad(|zz| act.forward(zz).component_mul(&g).sum(), &z);
            assert!(rel_error(&analytic, &numeric) < 1e-8, "{act:?}");
        }
    }
}
