//! Gradient clipping (seed 001, after Pascanu et al. 2013). The deck's pseudo-code compares
//! `np.sum(grad * grad)` — the *squared* norm — with the threshold; nnviz uses the norm itself,
//! ‖g‖ = √Σ g², as Pascanu et al. do, and reports it before and after.

use super::params::Parameters;
use serde::{Deserialize, Serialize};

/// How to clip gradients.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
#[serde(tag = "kind", content = "threshold", rename_all = "lowercase")]
pub enum Clip {
    /// No clipping.
    #[default]
    None,
    /// If ‖g‖ > τ, rescale g ← g · τ/‖g‖ (global norm over every parameter).
    Norm(f64),
    /// Clamp every entry to [−τ, τ].
    Value(f64),
}

/// What clipping did.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ClipReport {
    /// Global gradient norm before clipping.
    pub norm_before: f64,
    /// Global gradient norm after clipping.
    pub norm_after: f64,
    /// Whether anything changed.
    pub clipped: bool,
}

/// Clips `grads` in place and reports the norms.
pub fn clip<P: Parameters>(grads: &mut P, how: Clip) -> ClipReport {
    let norm_before = grads.global_norm();
    let mut clipped = false;
    match how {
        Clip::None => {}
        Clip::Norm(t) => {
            if norm_before > t && norm_before > 0.0 {
                grads.scale(t / norm_before);
                clipped = true;
            }
        }
        Clip::Value(t) => {
            for (_, g) in grads.tensors_mut() {
                for v in g.iter_mut() {
                    let c = v.clamp(-t, t);
                    if c != *v {
                        clipped = true;
                        *v = c;
                    }
                }
            }
        }
    }
    ClipReport {
        norm_before,
        norm_after: grads.global_norm(),
        clipped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Mat;

    #[derive(Clone)]
    struct G {
        g: Mat,
    }
    crate::impl_parameters!(G { g => "g" });

    #[test]
    fn norm_clipping_rescales_to_the_threshold() {
        let mut g = G {
            g: Mat::from_row_slice(1, 2, &[3.0, 4.0]),
        };
        let r = clip(&mut g, Clip::Norm(1.0));
        assert_eq!(r.norm_before, 5.0);
        assert!((r.norm_after - 1.0).abs() < 1e-15 && r.clipped);
        assert!((g.g[(0, 0)] - 0.6).abs() < 1e-15, "direction kept");
        let r = clip(&mut g, Clip::Norm(10.0));
        assert!(!r.clipped);
    }

    #[test]
    fn value_clipping_clamps_entries() {
        let mut g = G {
            g: Mat::from_row_slice(1, 3, &[3.0, -0.5, -4.0]),
        };
        let r = clip(&mut g, Clip::Value(1.0));
        assert_eq!(g.g.as_slice(), &[1.0, -0.5, -1.0]);
        assert!(r.clipped && r.norm_after < r.norm_before);
    }
}
