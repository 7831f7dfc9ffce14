//! Live training shared by the views: a play/pause loop on `requestAnimationFrame` in which each
//! frame takes optimiser steps until about [`FRAME_BUDGET_MS`] have passed (at least one step),
//! so the page keeps painting; the buttons and read-out under it; the loss curve's binning.
//! The engine's `Trainer` does the stepping and stops itself on NaN/∞.

use crate::engine::train::{Snapshot, Status};
use crate::hooks::now_ms;
use leptos::prelude::*;
use std::rc::Rc;

/// Time a frame may spend on training before it yields to painting.
pub const FRAME_BUDGET_MS: f64 = 8.0;
/// Most steps one frame takes (small models are fast; the curve should still animate).
pub const MAX_STEPS_PER_FRAME: usize = 20;
/// Points kept on a loss curve (longer runs are averaged into this many bins).
pub const CURVE_POINTS: usize = 300;

/// Calls `step` until it returns false, the frame budget is spent or [`MAX_STEPS_PER_FRAME`]
/// steps were taken; always at least once.
pub fn steps_within_budget(step: impl FnMut() -> bool) {
    steps_within(MAX_STEPS_PER_FRAME, step);
}

/// [`steps_within_budget`] with at most `max_steps` steps (at least one).
pub fn steps_within(max_steps: usize, mut step: impl FnMut() -> bool) {
    let start = now_ms();
    for _ in 0..max_steps.max(1) {
        if !step() || now_ms() - start > FRAME_BUDGET_MS {
            break;
        }
    }
}

/// The loss of every step, averaged into at most [`CURVE_POINTS`] bins (x = step number).
pub fn loss_curve(losses: &[f64]) -> Vec<(f64, f64)> {
    let bin = losses.len().div_ceil(CURVE_POINTS).max(1);
    losses
        .chunks(bin)
        .enumerate()
        .map(|(k, c)| {
            let x = (k * bin + c.len()) as f64;
            (x, c.iter().sum::<f64>() / c.len() as f64)
        })
        .collect()
}

/// A play/pause loop: while `running` is true, `frame` runs once per animation frame (it
/// should take its steps with [`steps_within_budget`] and publish what it shows). Setting
/// `running` to true starts the loop; anything (`frame` too) may set it to false to stop.
pub fn use_frame_loop(running: RwSignal<bool>, frame: impl Fn() + 'static) {
    // One frame request at a time, however often play is pressed.
    let pending = StoredValue::new_local(false);
    let body = StoredValue::new_local(None::<Rc<dyn Fn()>>);
    let schedule = move || {
        if pending.try_get_value().unwrap_or(true) {
            return;
        }
        if let Some(f) = body.try_get_value().flatten() {
            pending.set_value(true);
            request_animation_frame(move || f());
        }
    };
    let is_running = move || running.try_get_untracked().unwrap_or(false);
    body.set_value(Some(Rc::new(move || {
        // After the view is gone the stored values are too: nothing more to do.
        if pending.try_set_value(false).is_some() || !is_running() {
            return;
        }
        frame();
        if is_running() {
            schedule();
        }
    })));
    Effect::new(move |_| {
        if running.get() {
            schedule();
        }
    });
}

/// Drives a view's training session: while `running`, each frame takes steps with `tick` within
/// the budget (stopping when the engine says it is no longer ready) and then `publish`es;
/// returns the callback of the "+1 step" button (one step, then publish).
pub fn use_session_loop<S: 'static>(
    running: RwSignal<bool>,
    session: StoredValue<Option<S>, LocalStorage>,
    tick: fn(&mut S) -> Snapshot,
    publish: impl Fn() + Copy + Send + Sync + 'static,
) -> Callback<()> {
    use_frame_loop(running, move || {
        session.update_value(|s| {
            if let Some(s) = s {
                steps_within_budget(|| tick(s).status == Status::Ready);
            }
        });
        publish();
    });
    Callback::new(move |()| {
        session.update_value(|s| {
            if let Some(s) = s {
                tick(s);
            }
        });
        publish();
    })
}

/// Train / pause, one step, reset, and a read-out; a stopped run's message with a reset button.
#[component]
pub fn TrainButtons(
    /// The loop's switch (see [`use_frame_loop`]).
    running: RwSignal<bool>,
    /// Takes one step (and pauses).
    on_step: Callback<()>,
    /// A fresh model from the same seed.
    on_reset: Callback<()>,
    /// Steps taken (written to `data-train-step`).
    step: Signal<usize>,
    /// What the read-out says.
    readout: Signal<String>,
    /// Why training stopped (NaN/∞ or an error), if it did.
    stopped: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <div class="player" role="group" aria-label="training">
            <button class="play train-play" on:click=move |_| running.update(|r| *r = !*r)
                aria-label=move || if running.get() { "pause training" } else { "train" }>
                {move || if running.get() { "⏸ pause" } else { "▶ train" }}
            </button>
            <button class="train-step" on:click=move |_| { running.set(false); on_step.run(()) }
                aria-label="one training step">"+1 step"</button>
            <button class="train-reset" on:click=move |_| on_reset.run(()) aria-label="reset the model">"↺ reset"</button>
            <span class="train-readout" data-train-step=move || step.get().to_string()
                data-running=move || running.get().to_string()>{readout}</span>
        </div>
        {move || stopped.get().map(|msg| view! {
            <p class="error train-stopped" role="alert">
                "Training stopped: " {msg} ". The weights are the last finite ones. "
                "Try a smaller learning rate or clipping, then "
                <button on:click=move |_| on_reset.run(())>"reset"</button>
            </p>
        })}
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn long_runs_are_binned_and_short_ones_kept() {
        let short: Vec<f64> = (0..10).map(|k| k as f64).collect();
        assert_eq!(loss_curve(&short).len(), 10);
        assert_eq!(loss_curve(&short)[3], (4.0, 3.0));
        let long: Vec<f64> = vec![2.0; 1000];
        let c = loss_curve(&long);
        assert!(c.len() <= CURVE_POINTS && c.len() >= CURVE_POINTS / 2);
        assert_eq!(c.last().unwrap().0, 1000.0);
        assert!(loss_curve(&[]).is_empty());
    }

    #[test]
    fn at_least_one_step_and_never_more_than_the_cap() {
        let mut n = 0;
        steps_within_budget(|| {
            n += 1;
            true
        });
        assert!((1..=MAX_STEPS_PER_FRAME).contains(&n));
        let mut m = 0;
        steps_within_budget(|| {
            m += 1;
            false
        });
        assert_eq!(m, 1);
    }
}
