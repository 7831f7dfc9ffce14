//! Backpropagation through time (seed 001): L = Σ_t L^(t), and
//! ∂h^(t)/∂h^(k) = ∏_{i=k+1}^{t} ∂h^(i)/∂h^(i−1).
//!
//! **Full BPTT** sweeps once from t = T down to 1, carrying ∂L/∂h (and ∂L/∂C).
//! **Truncated BPTT with window k** lets the loss at step t reach back only through the states
//! h^(t), …, h^(t−k+1): the path from L^(t) to h^(s) is *cut* when t − s ≥ k (Williams & Peng's
//! TBPTT(1, k)). Each loss is swept back separately, costing O(T·k) steps instead of O(T).
//!
//! The trace holds the per-step norms of the *total* gradients ‖∂L/∂h^(t)‖ (and ‖∂L/∂C^(t)‖
//! for an LSTM, including the path through h^(t) = o_t ⊙ tanh C^(t)) for t = 0 … T,
//! the parameter gradients, and what clipping did.

use super::super::clip::{clip, Clip, ClipReport};
use super::super::params::Parameters;
use super::super::Vector;
use super::{Cell, CellState, SeqModel, SeqTrace, Target};
use serde::Serialize;

/// Everything the backward pass computed.
#[derive(Debug, Clone)]
pub struct BpttTrace<P> {
    /// ∂L/∂θ for every parameter (after clipping, if any).
    pub grads: P,
    /// ‖∂L/∂h^(t)‖ for t = 0 … T (index 0 is the initial state).
    pub dh_norms: Vec<f64>,
    /// ‖∂L/∂C^(t)‖ for t = 0 … T (empty for a vanilla RNN).
    pub dc_norms: Vec<f64>,
    /// The truncation window k, if truncated.
    pub window: Option<usize>,
    /// Global gradient norm before and after clipping.
    pub clip: ClipReport,
}

/// Which state a loss can still reach under truncation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Reach {
    /// The step t of the loss L^(t) (1-based, as in the deck).
    pub loss_step: usize,
    /// The earliest state index s whose h^(s) receives gradient from L^(t).
    pub earliest_state: usize,
}

/// For each step with a loss, the earliest state its gradient reaches (window k, T steps).
/// Paths to earlier states are cut.
pub fn reach(has_loss: &[bool], window: Option<usize>) -> Vec<Reach> {
    has_loss
        .iter()
        .enumerate()
        .filter(|(_, &l)| l)
        .map(|(i, _)| {
            let t = i + 1;
            let earliest_state = match window {
                Some(k) => t.saturating_sub(k.max(1)),
                None => 0,
            };
            Reach {
                loss_step: t,
                earliest_state,
            }
        })
        .collect()
}

/// BPTT for `model` on inputs `xs` with `targets`, given the forward trace. `window` truncates
/// (see the module doc); `how` clips the gradient afterwards.
pub fn bptt<C: Cell>(
    model: &SeqModel<C>,
    xs: &[Vector],
    targets: &[Option<Target>],
    trace: &SeqTrace<C::Step>,
    window: Option<usize>,
    how: Clip,
) -> BpttTrace<SeqModel<C>> {
    let t_len = xs.len();
    let (n_h, has_c) = (model.cell.hidden_size(), model.cell.has_cell_state());
    let mut grads = model.zeros_like();
    // ∂L^(t)/∂h^(t) through the read-out, for every step with a target.
    let dh_out: Vec<Option<Vector>> = (0..t_len)
        .map(|k| {
            let target = targets.get(k)?.as_ref()?;
            let (_, dz) = model.readout.loss(&trace.z_y[k], &trace.y[k], target);
            Some(
                model
                    .readout
                    .backward(&trace.states[k + 1].h, &dz, &mut grads.readout),
            )
        })
        .collect();
    let mut d_states: Vec<CellState> = (0..=t_len).map(|_| CellState::zeros(n_h, has_c)).collect();
    let back = |s: usize, d: &CellState, g: &mut C| {
        model
            .cell
            .step_backward(&xs[s - 1], &trace.states[s - 1], &trace.steps[s - 1], d, g)
    };
    let window = window.filter(|&k| k < t_len).map(|k| k.max(1));
    match window {
        None => {
            let mut d = CellState::zeros(n_h, has_c);
            for s in (1..=t_len).rev() {
                if let Some(dh) = &dh_out[s - 1] {
                    d.h += dh;
                }
                d_states[s] = model.cell.total_state_grad(&trace.steps[s - 1], &d);
                d = back(s, &d, &mut grads.cell);
            }
            d_states[0] = d;
        }
        Some(k) => {
            for t in 1..=t_len {
                let Some(dh) = &dh_out[t - 1] else { continue };
                let mut d = CellState {
                    h: dh.clone(),
                    c: Vector::zeros(if has_c { n_h } else { 0 }),
                };
                let first = t.saturating_sub(k) + 1;
                for s in (first..=t).rev() {
                    d_states[s].add(&model.cell.total_state_grad(&trace.steps[s - 1], &d));
                    d = back(s, &d, &mut grads.cell);
                }
                d_states[first - 1].add(&d);
            }
        }
    }
    let clip_report = clip(&mut grads, how);
    BpttTrace {
        grads,
        dh_norms: d_states.iter().map(|d| d.h.norm()).collect(),
        dc_norms: if has_c {
            d_states.iter().map(|d| d.c.norm()).collect()
        } else {
            Vec::new()
        },
        window,
        clip: clip_report,
    }
}
