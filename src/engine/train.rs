//! Training as a state machine advanced in bounded ticks, so the page never freezes: the UI
//! calls [`Trainer::tick`] with a step budget from each animation frame and shows the
//! [`Snapshot`]. The engine never reads a clock (that is the UI's job, via performance.now()).
//!
//! NaN/Inf are caught before they spread: if the loss, a gradient or an updated parameter is
//! not finite, the step is *not* applied, training stops, and the status says where it happened.

use super::clip::{clip, Clip, ClipReport};
use super::optim::{apply, OptimConfig, Optimizer};
use super::params::Parameters;
use super::Result;

/// A model together with its data: it can produce a loss and gradients for its next batch.
pub trait Trainable {
    /// The parameter (and gradient) type.
    type Params: Parameters;
    /// The current parameters.
    fn params(&self) -> &Self::Params;
    /// The current parameters, to update.
    fn params_mut(&mut self) -> &mut Self::Params;
    /// Loss and gradients on the next batch (drawn from the task's own seeded generator).
    fn loss_and_grad(&mut self) -> Result<(f64, Self::Params)>;
}

/// Where training stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    /// Steps can be taken.
    Ready,
    /// Stopped because something became NaN or infinite; the text says what and at which step.
    Diverged(String),
    /// Stopped because the model reported an error (e.g. invalid data).
    Failed(String),
}

/// What one tick reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// Steps taken so far.
    pub step: usize,
    /// Loss of the most recent step.
    pub loss: Option<f64>,
    /// Clipping report of the most recent step.
    pub clip: Option<ClipReport>,
    /// Status after the tick.
    pub status: Status,
}

/// Drives a [`Trainable`] with an optimiser and optional clipping.
pub struct Trainer<T: Trainable> {
    /// The model and its data.
    pub task: T,
    optimizer: Box<dyn Optimizer + Send + Sync>,
    /// Gradient clipping applied every step.
    pub clip: Clip,
    /// Loss of every step taken.
    pub losses: Vec<f64>,
    last_clip: Option<ClipReport>,
    status: Status,
}

impl<T: Trainable> Trainer<T> {
    /// A trainer at step 0.
    pub fn new(task: T, optim: OptimConfig, clip: Clip) -> Self {
        Trainer {
            task,
            optimizer: optim.build(),
            clip,
            losses: Vec::new(),
            last_clip: None,
            status: Status::Ready,
        }
    }

    /// Current status.
    pub fn status(&self) -> &Status {
        &self.status
    }

    /// Takes at most `max_steps` steps (fewer if training stops) and reports.
    pub fn tick(&mut self, max_steps: usize) -> Snapshot {
        for _ in 0..max_steps {
            if self.status != Status::Ready {
                break;
            }
            self.step_once();
        }
        self.snapshot()
    }

    /// The state without stepping.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            step: self.losses.len(),
            loss: self.losses.last().copied(),
            clip: self.last_clip,
            status: self.status.clone(),
        }
    }

    fn step_once(&mut self) {
        let computed = self.task.loss_and_grad();
        self.apply_step(computed);
    }

    /// Takes one step from a loss and gradients computed elsewhere from the current parameters
    /// (e.g. with the big products on another backend, see `engine::matmul`): the same checks
    /// and update as [`tick`](Self::tick). Does nothing once training has stopped.
    pub fn apply_step(&mut self, computed: Result<(f64, T::Params)>) {
        if self.status != Status::Ready {
            return;
        }
        let step = self.losses.len() + 1;
        let (loss, mut grads) = match computed {
            Ok(v) => v,
            Err(e) => {
                self.status = Status::Failed(e.to_string());
                return;
            }
        };
        if !loss.is_finite() {
            self.status = Status::Diverged(format!("the loss became {loss} at step {step}"));
            return;
        }
        if let Some((name, r, c)) = grads.first_non_finite() {
            self.status = Status::Diverged(format!(
                "the gradient of {name} (entry {r}, {c}) became non-finite at step {step}"
            ));
            return;
        }
        let report = clip(&mut grads, self.clip);
        let mut next = self.task.params().clone();
        apply(self.optimizer.as_mut(), &mut next, &grads);
        if let Some((name, r, c)) = next.first_non_finite() {
            self.status = Status::Diverged(format!(
                "{name} (entry {r}, {c}) became non-finite after the update at step {step}"
            ));
            return;
        }
        *self.task.params_mut() = next;
        self.losses.push(loss);
        self.last_clip = Some(report);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Mat;

    #[derive(Clone)]
    struct X {
        x: Mat,
    }
    crate::impl_parameters!(X { x => "x" });

    /// f(x) = x²/2 with a gradient that is multiplied by `boost` (to force divergence).
    struct Quad {
        p: X,
        boost: f64,
    }

    impl Trainable for Quad {
        type Params = X;
        fn params(&self) -> &X {
            &self.p
        }
        fn params_mut(&mut self) -> &mut X {
            &mut self.p
        }
        fn loss_and_grad(&mut self) -> Result<(f64, X)> {
            let x = self.p.x[(0, 0)];
            Ok((
                0.5 * x * x,
                X {
                    x: Mat::from_element(1, 1, x * self.boost),
                },
            ))
        }
    }

    #[test]
    fn ticks_are_bounded_and_training_converges() {
        let mut t = Trainer::new(
            Quad {
                p: X {
                    x: Mat::from_element(1, 1, 4.0),
                },
                boost: 1.0,
            },
            OptimConfig::Sgd { lr: 0.5 },
            Clip::None,
        );
        let s = t.tick(3);
        assert_eq!(s.step, 3);
        assert_eq!(
            s.loss,
            Some(0.5 * 1.0 * 1.0),
            "x: 4 → 2 → 1, loss of step 3 taken at x = 1"
        );
        t.tick(100);
        assert!(t.task.p.x[(0, 0)].abs() < 1e-12);
    }

    #[test]
    fn divergence_stops_and_says_where_without_losing_the_last_good_weights() {
        let mut t = Trainer::new(
            Quad {
                p: X {
                    x: Mat::from_element(1, 1, 1.0),
                },
                boost: 1e200,
            },
            OptimConfig::Sgd { lr: 1e200 },
            Clip::None,
        );
        let s = t.tick(50);
        match &s.status {
            Status::Diverged(msg) => assert!(msg.contains("step"), "{msg}"),
            other => panic!("expected divergence, got {other:?}"),
        }
        assert!(s.step < 50, "stopped early");
        assert!(
            t.task.p.x[(0, 0)].is_finite(),
            "the non-finite update was not applied"
        );
        let again = t.tick(10);
        assert_eq!(again.step, s.step, "a stopped trainer takes no more steps");
    }

    #[test]
    fn clipping_tames_the_same_run() {
        let mut t = Trainer::new(
            Quad {
                p: X {
                    x: Mat::from_element(1, 1, 1.0),
                },
                boost: 1e200,
            },
            OptimConfig::Sgd { lr: 0.1 },
            Clip::Norm(1.0),
        );
        let s = t.tick(5);
        assert_eq!(s.status, Status::Ready);
        assert!(s
            .clip
            .is_some_and(|c| c.clipped && (c.norm_after - 1.0).abs() < 1e-12));
    }
}
