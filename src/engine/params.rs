//! Named parameter tensors. Every model exposes its weights as `(name, &Mat)` pairs in a fixed
//! order; its gradients use the same type, so optimisers, clipping, gradient checks and the
//! trace tool treat every model alike. Biases are stored as one-column matrices.

use super::Mat;

/// A set of named parameter tensors (weights or their gradients).
pub trait Parameters: Clone {
    /// The tensors with their names in the decks' notation (e.g. "W_hh"), in a fixed order.
    fn tensors(&self) -> Vec<(&'static str, &Mat)>;
    /// The same tensors, mutable, in the same order.
    fn tensors_mut(&mut self) -> Vec<(&'static str, &mut Mat)>;

    /// A set of the same shapes filled with zeros (the start of a gradient accumulation).
    fn zeros_like(&self) -> Self {
        let mut z = self.clone();
        for (_, t) in z.tensors_mut() {
            t.fill(0.0);
        }
        z
    }

    /// The global L2 norm √(Σ over all tensors of Σ entries²), computed as m·√(Σ (g/m)²)
    /// with m the largest |entry| so that huge (exploding) gradients do not overflow to ∞.
    /// NaN if any entry is NaN, ∞ if any is infinite.
    fn global_norm(&self) -> f64 {
        let tensors = self.tensors();
        // Fast path: the plain sum of squares is exact whenever it neither overflows nor
        // underflows; only then is the scaled (two-pass) computation needed.
        let plain: f64 = tensors.iter().map(|(_, t)| t.norm_squared()).sum();
        if plain.is_finite() && plain > 1e-200 {
            return plain.sqrt();
        }
        let m = tensors
            .iter()
            .flat_map(|(_, t)| t.iter())
            .fold(0.0f64, |m, v| {
                if v.is_nan() || m.is_nan() {
                    f64::NAN
                } else {
                    m.max(v.abs())
                }
            });
        if m == 0.0 || !m.is_finite() {
            return m;
        }
        let s: f64 = tensors
            .iter()
            .flat_map(|(_, t)| t.iter())
            .map(|v| (v / m).powi(2))
            .sum();
        m * s.sqrt()
    }

    /// Multiplies every entry by `s`.
    fn scale(&mut self, s: f64) {
        for (_, t) in self.tensors_mut() {
            *t *= s;
        }
    }

    /// Total number of scalar parameters.
    fn count(&self) -> usize {
        self.tensors().iter().map(|(_, t)| t.len()).sum()
    }

    /// The first tensor holding a NaN or ±∞, with the (row, col) of the entry.
    fn first_non_finite(&self) -> Option<(&'static str, usize, usize)> {
        self.tensors().into_iter().find_map(|(name, t)| {
            t.iter()
                .position(|v| !v.is_finite())
                .map(|k| (name, k % t.nrows().max(1), k / t.nrows().max(1)))
        })
    }
}

/// Implements [`Parameters`] for a struct whose listed fields are all `Mat`.
#[macro_export]
macro_rules! impl_parameters {
    ($ty:ty { $($field:ident => $name:literal),+ $(,)? }) => {
        impl $crate::engine::params::Parameters for $ty {
            fn tensors(&self) -> Vec<(&'static str, &$crate::engine::Mat)> {
                vec![$(($name, &self.$field)),+]
            }
            fn tensors_mut(&mut self) -> Vec<(&'static str, &mut $crate::engine::Mat)> {
                vec![$(($name, &mut self.$field)),+]
            }
        }
    };
}

/// Two parameter sets side by side (e.g. a recurrent cell and its read-out layer).
#[derive(Debug, Clone, PartialEq)]
pub struct Pair<A, B>(pub A, pub B);

impl<A: Parameters, B: Parameters> Parameters for Pair<A, B> {
    fn tensors(&self) -> Vec<(&'static str, &Mat)> {
        let mut v = self.0.tensors();
        v.extend(self.1.tensors());
        v
    }
    fn tensors_mut(&mut self) -> Vec<(&'static str, &mut Mat)> {
        let mut v = self.0.tensors_mut();
        v.extend(self.1.tensors_mut());
        v
    }
}

/// A list of same-typed parameter sets (e.g. the heads of multi-head attention).
impl<P: Parameters> Parameters for Vec<P> {
    fn tensors(&self) -> Vec<(&'static str, &Mat)> {
        self.iter().flat_map(|p| p.tensors()).collect()
    }
    fn tensors_mut(&mut self) -> Vec<(&'static str, &mut Mat)> {
        self.iter_mut().flat_map(|p| p.tensors_mut()).collect()
    }
}
