//! Recurrent networks in the notation of seed 001. A [`Cell`] (vanilla RNN or LSTM) maps
//! (x^(t), state^(t−1)) to state^(t); a [`Readout`] maps h^(t) to y^(t); [`SeqModel`] unrolls
//! both over a sequence and returns a [`SeqTrace`] with every intermediate. Backpropagation
//! through time lives in [`bptt`].

pub mod bptt;
pub mod explain;
pub mod lstm;
pub mod readout;
pub mod task;
pub mod vanilla;

pub use bptt::{bptt, BpttTrace};
pub use lstm::{LstmCell, LstmConfig, LstmStep};
pub use readout::{Readout, ReadoutKind, Target};
pub use vanilla::{VanillaCell, VanillaConfig, VanillaStep};

use super::params::Parameters;
use super::{EngineError, Mat, Result, Vector};

/// The recurrent state after a step: h^(t), and for an LSTM the cell state C^(t)
/// (empty for a vanilla RNN).
#[derive(Debug, Clone, PartialEq)]
pub struct CellState {
    /// Hidden state h^(t).
    pub h: Vector,
    /// Cell state C^(t) (length 0 for a vanilla RNN).
    pub c: Vector,
}

impl CellState {
    /// The all-zero state.
    pub fn zeros(hidden: usize, has_c: bool) -> Self {
        CellState {
            h: Vector::zeros(hidden),
            c: Vector::zeros(if has_c { hidden } else { 0 }),
        }
    }

    /// Adds `other` in place.
    pub fn add(&mut self, other: &CellState) {
        self.h += &other.h;
        if self.c.len() == other.c.len() {
            self.c += &other.c;
        }
    }
}

/// One recurrent cell: its weights are its [`Parameters`], and its gradients use the same type.
pub trait Cell: Parameters {
    /// Everything a forward step computes that the backward step and the views need.
    type Step: Clone + std::fmt::Debug;
    /// Input size n_x.
    fn input_size(&self) -> usize;
    /// Hidden size n_h.
    fn hidden_size(&self) -> usize;
    /// Whether the cell carries a cell state C (LSTM).
    fn has_cell_state(&self) -> bool;
    /// One forward step.
    fn step(&self, x: &Vector, prev: &CellState) -> (CellState, Self::Step);
    /// The total gradient with respect to this step's state, given `d` = (∂L/∂h^(t), the part
    /// of ∂L/∂C^(t) arriving from step t + 1). For an LSTM the cell state also receives
    /// ∂L/∂h^(t) ⊙ o_t ⊙ (1 − tanh² C^(t)) through h^(t) = o_t ⊙ tanh C^(t); a vanilla cell
    /// returns `d` unchanged.
    fn total_state_grad(&self, step: &Self::Step, d: &CellState) -> CellState {
        let _ = step;
        d.clone()
    }
    /// One backward step. `d` holds ∂L/∂h^(t) and ∂L/∂C^(t) (total, from every later use);
    /// parameter gradients are added to `grads`; returns ∂L/∂h^(t−1), ∂L/∂C^(t−1).
    fn step_backward(
        &self,
        x: &Vector,
        prev: &CellState,
        step: &Self::Step,
        d: &CellState,
        grads: &mut Self,
    ) -> CellState;
}

/// A recurrent cell with its read-out layer.
#[derive(Debug, Clone, PartialEq)]
pub struct SeqModel<C> {
    /// The recurrent cell.
    pub cell: C,
    /// The output layer y = σ_y(W_yh h + b_y).
    pub readout: Readout,
}

impl<C: Cell> Parameters for SeqModel<C> {
    fn tensors(&self) -> Vec<(&'static str, &Mat)> {
        let mut v = self.cell.tensors();
        v.extend(self.readout.tensors());
        v
    }
    fn tensors_mut(&mut self) -> Vec<(&'static str, &mut Mat)> {
        let mut v = self.cell.tensors_mut();
        v.extend(self.readout.tensors_mut());
        v
    }
}

/// Everything the forward pass over a sequence computed.
#[derive(Debug, Clone)]
pub struct SeqTrace<S> {
    /// States h^(0) … h^(T) (and C); index 0 is the initial state.
    pub states: Vec<CellState>,
    /// Per-step intermediates of the cell, for t = 1 … T (index t − 1).
    pub steps: Vec<S>,
    /// Output pre-activations z_y^(t) (index t − 1).
    pub z_y: Vec<Vector>,
    /// Outputs y^(t) (index t − 1); probabilities for a softmax read-out.
    pub y: Vec<Vector>,
    /// Loss L^(t) at each step that has a target (index t − 1).
    pub step_losses: Vec<Option<f64>>,
    /// L = Σ_t L^(t) (seed 001).
    pub loss: f64,
}

impl<C: Cell> SeqModel<C> {
    /// Checks that inputs and targets fit the model.
    pub fn validate(&self, xs: &[Vector], targets: &[Option<Target>]) -> Result<()> {
        if xs.is_empty() {
            return Err(EngineError::Invalid("the input sequence is empty".into()));
        }
        if targets.len() != xs.len() {
            return Err(EngineError::Shape {
                what: format!("{} targets for {} inputs", targets.len(), xs.len()),
            });
        }
        if let Some((t, x)) = xs
            .iter()
            .enumerate()
            .find(|(_, x)| x.len() != self.cell.input_size())
        {
            return Err(EngineError::Shape {
                what: format!(
                    "x^({}) has {} entries, the model expects {}",
                    t + 1,
                    x.len(),
                    self.cell.input_size()
                ),
            });
        }
        for (t, target) in targets.iter().enumerate() {
            if let Some(target) = target {
                self.readout
                    .validate_target(target)
                    .map_err(|what| EngineError::Shape {
                        what: format!("target at step {}: {what}", t + 1),
                    })?;
            }
        }
        Ok(())
    }

    /// Runs the model over `xs` from the zero state and scores it against `targets`
    /// (one per step, `None` where a step has no loss — e.g. all but the last for many-to-one).
    pub fn forward(&self, xs: &[Vector], targets: &[Option<Target>]) -> Result<SeqTrace<C::Step>> {
        self.validate(xs, targets)?;
        let mut states = vec![CellState::zeros(
            self.cell.hidden_size(),
            self.cell.has_cell_state(),
        )];
        let mut steps = Vec::with_capacity(xs.len());
        let (mut z_y, mut y, mut step_losses) = (Vec::new(), Vec::new(), Vec::new());
        let mut loss = 0.0;
        for (x, target) in xs.iter().zip(targets) {
            let (next, step) = self.cell.step(x, &states[states.len() - 1]);
            let (z, out) = self.readout.forward(&next.h);
            let l = target.as_ref().map(|t| self.readout.loss(&z, &out, t).0);
            loss += l.unwrap_or(0.0);
            states.push(next);
            steps.push(step);
            z_y.push(z);
            y.push(out);
            step_losses.push(l);
        }
        Ok(SeqTrace {
            states,
            steps,
            z_y,
            y,
            step_losses,
            loss,
        })
    }
}

#[cfg(test)]
mod tests;
