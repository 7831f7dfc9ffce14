//! Which keys each query may attend to. A disallowed score becomes −∞ before the softmax and so
//! gets weight exactly 0 after it (seed 003: "set all entries i:N to 0").

use serde::{Deserialize, Serialize};

/// An attention mask over (query i, key j).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Mask {
    /// Every query sees every key.
    #[default]
    None,
    /// Query i sees keys j ≤ i (decoder self-attention).
    Causal,
    /// Only the first `valid` keys are real tokens; the rest are padding.
    Padding {
        /// Number of real (non-padding) keys.
        valid: usize,
    },
    /// An explicit matrix: `allowed[i][j]` says whether query i may see key j.
    Custom {
        /// Rows of allowed flags, one row per query.
        allowed: Vec<Vec<bool>>,
    },
}

impl Mask {
    /// Whether query `i` may attend to key `j`.
    pub fn allows(&self, i: usize, j: usize) -> bool {
        match self {
            Mask::None => true,
            Mask::Causal => j <= i,
            Mask::Padding { valid } => j < *valid,
            Mask::Custom { allowed } => allowed
                .get(i)
                .and_then(|r| r.get(j))
                .copied()
                .unwrap_or(false),
        }
    }

    /// A short name for labels.
    pub fn label(&self) -> &'static str {
        match self {
            Mask::None => "none",
            Mask::Causal => "causal",
            Mask::Padding { .. } => "padding",
            Mask::Custom { .. } => "custom",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causal_is_lower_triangular() {
        let m = Mask::Causal;
        assert!(m.allows(2, 0) && m.allows(2, 2) && !m.allows(1, 2));
        assert!(!Mask::Padding { valid: 2 }.allows(0, 2));
        let c = Mask::Custom {
            allowed: vec![vec![true, false]],
        };
        assert!(c.allows(0, 0) && !c.allows(0, 1) && !c.allows(5, 5));
    }
}
