//! The training panel: a vanilla RNN or an LSTM trained live on a seeded toy task. Training runs
//! in bounded ticks on `requestAnimationFrame` — each frame takes optimiser steps until about
//! 8 ms have passed (at least one), so the page keeps painting — and stops with a message when
//! the engine reports a NaN or ∞, keeping the last good weights until the student resets.

use super::state::{CellChoice, RnnState};
use super::train::{
    OptimChoice, Probe, TaskChoice, TrainConfig, TrainSession, MAX_TRAIN_HIDDEN, MAX_TRAIN_LEN,
};
use crate::engine::train::Status;
use crate::views::train_loop::{loss_curve, use_session_loop, TrainButtons};
use crate::widgets::chart::{ChartSpec, LineChart, Series};
use crate::widgets::colour::Rgb;
use crate::widgets::controls::{Select, Slider};
use crate::widgets::format::{fmt_num, sci};
use leptos::prelude::*;

const BLUE: Rgb = Rgb(0x21, 0x66, 0xac);
const RED: Rgb = Rgb(0xb2, 0x18, 0x2b);
const GREY: Rgb = Rgb(0x70, 0x70, 0x70);

/// What one frame left for the panel to show.
#[derive(Debug, Clone, PartialEq)]
struct View {
    step: usize,
    losses: Vec<(f64, f64)>,
    last_loss: Option<f64>,
    probe: Probe,
    status: Status,
}

/// The training panel.
#[component]
pub fn TrainingPanel(
    /// The view state (the panel's settings live in `train`).
    state: RwSignal<RnnState>,
) -> impl IntoView {
    let config = Memo::new(move |_| state.with(|s| s.train.clone()));
    let session = StoredValue::new_local(None::<TrainSession>);
    let error = RwSignal::new(None::<String>);
    let notes = RwSignal::new(Vec::<String>::new());
    let baseline = RwSignal::new(None::<f64>);
    let shown = RwSignal::new(None::<View>);
    let running = RwSignal::new(false);

    let publish = move || {
        let v = session.with_value(|s| {
            s.as_ref().map(|s| {
                let snap = s.snapshot();
                View {
                    step: snap.step,
                    losses: loss_curve(s.losses()),
                    last_loss: snap.loss,
                    probe: s.probe(),
                    status: snap.status,
                }
            })
        });
        if v.as_ref().is_some_and(|v| v.status != Status::Ready) {
            running.set(false);
        }
        shown.set(v);
    };
    let rebuild = move |c: &TrainConfig| {
        running.set(false);
        match TrainSession::new(c) {
            Ok(s) => {
                notes.set(s.notes.clone());
                baseline.set(s.baseline);
                session.set_value(Some(s));
                error.set(None);
            }
            Err(e) => {
                // Keep the previous session on screen: nothing is lost.
                error.set(Some(e));
            }
        }
        publish();
    };
    // A new configuration starts a fresh model (the seed makes it the same model every time).
    Effect::new(move |_| config.with(|c| rebuild(c)));

    let step_once = use_session_loop(running, session, |s| s.tick(1), publish);
    let reset = Callback::new(move |()| rebuild(&config.get_untracked()));

    let set = move |f: fn(&mut TrainConfig, f64)| {
        Callback::new(move |v: f64| state.update(|s| f(&mut s.train, v)))
    };
    let num = move |f: fn(&TrainConfig) -> f64| Signal::derive(move || config.with(f));
    let text = RwSignal::new(config.with_untracked(|c| c.text.clone()));
    let task = move || config.with(|c| c.task);

    let controls = view! {
        <div class="train-controls" role="group" aria-label="training settings">
            <Select label="Task" name="train-task"
                options=TaskChoice::ALL.iter().map(|t| (t.key(), t.label())).collect()
                value=Signal::derive(move || task().key().to_string())
                on_change=Callback::new(move |v: String| {
                    if let Some(t) = TaskChoice::from_key(&v) { state.update(|s| s.train.task = t) }
                })/>
            <Select label="Model" name="train-model"
                options=vec![("lstm", "LSTM"), ("vanilla", "vanilla RNN (tanh)")]
                value=Signal::derive(move || if config.with(|c| c.cell) == CellChoice::Lstm { "lstm".to_string() } else { "vanilla".to_string() })
                on_change=Callback::new(move |v: String| state.update(|s| s.train.cell = if v == "lstm" { CellChoice::Lstm } else { CellChoice::Vanilla }))/>
            <Slider label="Hidden size n_h" name="train-hidden" min=1.0 max=MAX_TRAIN_HIDDEN as f64 step=1.0
                value=num(|c| c.hidden as f64) on_input=set(|c, v| c.hidden = v as usize)/>
            <Slider label="Sequence length T" name="train-len" min=2.0 max=MAX_TRAIN_LEN as f64 step=1.0
                value=num(|c| c.len as f64) on_input=set(|c, v| c.len = v as usize)/>
            <Slider label="Learning rate η" name="train-lr" min=-4.0 max=1.0 step=0.1
                value=num(|c| c.lr.log10()) on_input=set(|c, v| c.lr = 10f64.powf((v * 10.0).round() / 10.0))
                display=Signal::derive(move || sci(config.with(|c| c.lr)))/>
            <Select label="Optimiser" name="train-optim"
                options=OptimChoice::ALL.iter().map(|(_, k, l)| (*k, *l)).collect()
                value=Signal::derive(move || config.with(|c| OptimChoice::ALL.iter().find(|o| o.0 == c.optim).map_or("adam", |o| o.1)).to_string())
                on_change=Callback::new(move |v: String| {
                    if let Some((o, _, _)) = OptimChoice::ALL.iter().find(|o| o.1 == v) { state.update(|s| s.train.optim = *o) }
                })/>
            <Slider label="Clip ‖g‖ at" name="train-clip" min=0.0 max=5.0 step=0.1
                value=num(|c| c.clip) on_input=set(|c, v| c.clip = v)
                display=Signal::derive(move || { let c = config.with(|c| c.clip); if c > 0.0 { fmt_num(c, 2) } else { "off".into() } })/>
            <label class="control" data-control="train-seed">
                <span class="control-label">"Seed"</span>
                <input type="number" min="0" prop:value=move || config.with(|c| c.seed).to_string()
                    on:change=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<u64>() { state.update(|s| s.train.seed = v) } }/>
            </label>
            <Show when=move || task() == TaskChoice::Text>
                <label class="control input-seq" data-control="train-text">
                    <span class="control-label">"Training text (empty = the built-in tiny text)"</span>
                    <textarea rows="2" spellcheck="false" prop:value=move || text.get()
                        on:input=move |ev| text.set(event_target_value(&ev))
                        on:change=move |_| state.update(|s| s.train.text = text.get_untracked())></textarea>
                </label>
            </Show>
        </div>
    };

    let readout = Signal::derive(move || {
        let b = baseline
            .get()
            .map(|b| format!(" · predict-the-mean {}", sci(b)));
        shown
            .with(|v| {
                v.as_ref().map(|v| {
                    let loss = v.last_loss.map_or("—".into(), sci);
                    format!(
                        "step {} · training loss {} · probe loss {}{}",
                        v.step,
                        loss,
                        sci(v.probe.loss),
                        b.unwrap_or_default()
                    )
                })
            })
            .unwrap_or_default()
    });
    let stopped = Signal::derive(move || {
        shown.with(|v| match v.as_ref().map(|v| &v.status) {
            Some(Status::Diverged(msg)) | Some(Status::Failed(msg)) => Some(msg.clone()),
            _ => None,
        })
    });
    let buttons = view! {
        <TrainButtons running=running on_step=step_once on_reset=reset readout=readout stopped=stopped
            step=Signal::derive(move || shown.with(|v| v.as_ref().map_or(0, |v| v.step)))/>
    };

    let loss_spec = Signal::derive(move || {
        let mut series = vec![Series {
            label: "training loss (batch of 8)".into(),
            points: shown.with(|v| v.as_ref().map(|v| v.losses.clone()).unwrap_or_default()),
            colour: BLUE,
        }];
        if let Some(b) = baseline.get() {
            let n = shown.with(|v| v.as_ref().map_or(1, |v| v.step.max(1))) as f64;
            series.push(Series {
                label: "predict the mean".into(),
                points: vec![(0.0, b), (n, b)],
                colour: GREY,
            });
        }
        ChartSpec {
            x_label: "training step".into(),
            y_label: "loss".into(),
            log_y: true,
            series,
            marker_x: None,
            x_range: None,
            ..Default::default()
        }
    });
    let grad_spec = Signal::derive(move || ChartSpec {
        x_label: "time step k".into(),
        y_label: "‖∂L/∂h(k)‖".into(),
        log_y: true,
        series: vec![Series {
            label: "first probe sequence".into(),
            points: shown.with(|v| {
                v.as_ref()
                    .map(|v| {
                        v.probe
                            .dh_norms
                            .iter()
                            .enumerate()
                            .map(|(k, n)| (k as f64, *n))
                            .collect()
                    })
                    .unwrap_or_default()
            }),
            colour: RED,
        }],
        marker_x: None,
        x_range: None,
        ..Default::default()
    });
    let curve_spec = Signal::derive(move || {
        let (target, pred) = shown
            .with(|v| v.as_ref().and_then(|v| v.probe.curve.clone()))
            .unwrap_or_default();
        let pts = |v: &[f64]| {
            v.iter()
                .enumerate()
                .map(|(t, y)| ((t + 1) as f64, *y))
                .collect()
        };
        ChartSpec {
            x_label: "time step t".into(),
            y_label: "x(t+1)".into(),
            log_y: false,
            series: vec![
                Series {
                    label: "target".into(),
                    points: pts(&target),
                    colour: GREY,
                },
                Series {
                    label: "prediction".into(),
                    points: pts(&pred),
                    colour: BLUE,
                },
            ],
            marker_x: None,
            x_range: None,
            ..Default::default()
        }
    });

    let predictions = move || {
        if task() == TaskChoice::Sine {
            return view! {
                <LineChart spec=curve_spec name="train-prediction"
                    label="prediction and target on a probe sequence" width=420 height=220/>
            }
            .into_any();
        }
        let rows = shown.with(|v| v.as_ref().map(|v| v.probe.rows.clone()).unwrap_or_default());
        let text_task = task() == TaskChoice::Text;
        let n = rows.len().to_string();
        view! {
            <table class="probe-table" data-probe-rows=n>
                <thead><tr>
                    <th scope="col">{if text_task { "input" } else { "input x" }}</th>
                    <th scope="col">"target"</th>
                    <th scope="col">"prediction"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| view! {
                        <tr class=if r.good { "good" } else { "bad" }>
                            <td class="probe-input"><code>{r.input}</code></td>
                            <td class="probe-target"><code>{r.target}</code></td>
                            <td class="probe-prediction"><code>{r.prediction}</code>
                                {if r.good { " ✓" } else { " ✗" }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any()
    };

    view! {
        <section class="panel training-panel" aria-labelledby="training-title">
            <h2 id="training-title">"Training"</h2>
            <p class="lede">{move || task().describe()}</p>
            {controls}
            {move || error.get().map(|e| view! { <p class="error input-error" role="alert">{e}" — still showing the previous model."</p> })}
            {move || notes.get().into_iter().map(|n| view! { <p class="note clamp-note" role="status">{n}</p> }).collect_view()}
            {buttons}
            <div class="train-charts">
                <LineChart spec=loss_spec name="train-loss" label="training loss per step, log scale" width=420 height=220/>
                <figure class="probe">
                    <LineChart spec=grad_spec name="train-gradient" label="gradient norm per time step on a probe sequence, log scale" width=420 height=220/>
                    <figcaption>
                        "‖∂L/∂h⁽ᵏ⁾‖ on the first probe sequence, full BPTT: how far back the loss reaches."
                        {move || shown.with(|v| v.as_ref().is_some_and(|v| v.probe.dh_norms.iter().any(|n| !n.is_finite())))
                            .then_some(" Some of these gradients are not finite numbers, so they are not drawn.")}
                    </figcaption>
                </figure>
                <figure class="probe">
                    <figcaption>"Predictions on five fixed probe sequences"</figcaption>
                    {predictions}
                </figure>
            </div>
        </section>
    }
}
