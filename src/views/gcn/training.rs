//! The training panel: semi-supervised node classification live. The student labels nodes in
//! the drawing (the karate club preset labels Mr. Hi and the Officer), a 2-layer GCN trains on
//! those labels alone in bounded ticks, the nodes take the colour of their prediction, and the
//! hidden embedding H⁽¹⁾ moves in a scatter as the classes pull apart.

use super::state::{Colouring, GcnRun, GcnState};
use super::train_state::{labels_for, GcnReport, GcnSession};
use crate::engine::data::karate_club;
use crate::engine::train::Status;
use crate::views::train_loop::{loss_curve, use_session_loop, TrainButtons};
use crate::views::Shared;
use crate::widgets::chart::{ChartKind, ChartSpec, LineChart, Series};
use crate::widgets::colour::Rgb;
use crate::widgets::controls::Select;
use crate::widgets::format::fmt_num;
use leptos::prelude::*;

type Run = Memo<Result<Shared<GcnRun>, String>>;

const BLUE: Rgb = Rgb(0x21, 0x66, 0xac);
const RED: Rgb = Rgb(0xb2, 0x18, 0x2b);
const INK: Rgb = Rgb(0x22, 0x22, 0x22);

/// The training session of the view and what it last reported.
#[derive(Clone, Copy)]
pub struct Training {
    /// The play/pause switch.
    pub running: RwSignal<bool>,
    /// The latest report (None before a session exists).
    pub report: RwSignal<Option<GcnReport>>,
    /// The binned loss curve.
    pub losses: RwSignal<Vec<(f64, f64)>>,
    /// Why there is no session (labels missing, …).
    pub blocked: RwSignal<Option<String>>,
    /// Why training stopped (NaN/∞), if it did.
    pub stopped: RwSignal<Option<String>>,
    /// One step, then publish.
    pub step: Callback<()>,
    /// A fresh model.
    pub reset: Callback<()>,
}

/// Creates the session: rebuilt (paused, fresh weights from the seed) whenever the graph, the
/// labels, the settings or the seed change.
pub fn use_training(state: RwSignal<GcnState>, run: Run) -> Training {
    let key = Memo::new(move |_| {
        state.with(|s| {
            let st = s.structure();
            let labels = labels_for(&s.labels, st.n);
            let karate = s.preset == "karate" && st.n == 34;
            (st, labels, s.train.clone(), s.seed, karate)
        })
    });
    let running = RwSignal::new(false);
    let report = RwSignal::new(None::<GcnReport>);
    let losses = RwSignal::new(Vec::new());
    let blocked = RwSignal::new(None::<String>);
    let stopped = RwSignal::new(None::<String>);
    let session = StoredValue::new_local(None::<GcnSession>);
    let publish = move || {
        session.update_value(|s| {
            if let Some(s) = s {
                let r = s.report();
                stopped.set(match &r.snapshot.status {
                    Status::Ready => None,
                    Status::Diverged(m) | Status::Failed(m) => Some(m.clone()),
                });
                if r.snapshot.status != Status::Ready {
                    running.set(false);
                }
                losses.set(loss_curve(s.losses()));
                report.set(Some(r));
            }
        })
    };
    let rebuild = move || {
        running.set(false);
        stopped.set(None);
        let made = key.with_untracked(|(_, labels, settings, seed, karate)| {
            run.with_untracked(|r| {
                let r = r.as_ref().map_err(String::clone)?;
                let truth = karate.then(|| karate_club().classes);
                GcnSession::new(&r.plain.a, labels, truth, settings, *seed)
            })
        });
        match made {
            Ok(s) => {
                session.set_value(Some(s));
                blocked.set(None);
                publish();
            }
            Err(e) => {
                session.set_value(None);
                report.set(None);
                losses.set(Vec::new());
                blocked.set(Some(e));
            }
        }
    };
    Effect::new(move |_| {
        key.track();
        run.track();
        rebuild();
    });
    let step = use_session_loop(running, session, |s| s.tick(1), publish);
    Effect::new(move |_| {
        if running.get() && state.with_untracked(|s| s.colour) != Colouring::Prediction {
            state.update(|s| s.colour = Colouring::Prediction);
        }
    });
    Training {
        running,
        report,
        losses,
        blocked,
        stopped,
        step,
        reset: Callback::new(move |()| rebuild()),
    }
}

/// The training panel.
#[component]
pub fn TrainingPanel(state: RwSignal<GcnState>, training: Training) -> impl IntoView {
    let Training {
        running,
        report,
        losses,
        blocked,
        stopped,
        step,
        reset,
    } = training;
    let steps = Signal::derive(move || report.with(|r| r.as_ref().map_or(0, |r| r.snapshot.step)));
    let readout = Signal::derive(move || {
        report.with(|r| match r {
            Some(r) => {
                let loss = r.snapshot.loss.map_or("–".into(), |l| {
                    if l > 0.0 && l < 1e-3 {
                        format!("{l:.1e}")
                    } else {
                        fmt_num(l, 3)
                    }
                });
                let of = if r.against_truth {
                    format!(
                        "of all {} members, against the club's real split",
                        r.predictions.len()
                    )
                } else {
                    "of the labelled nodes".to_string()
                };
                format!(
                    "step {} · loss {loss} · accuracy {} % ({of})",
                    r.snapshot.step,
                    fmt_num(100.0 * r.accuracy, 1)
                )
            }
            None => String::new(),
        })
    });
    let loss_chart = Signal::derive(move || ChartSpec {
        x_label: "step".into(),
        y_label: "cross-entropy on the labelled nodes".into(),
        series: vec![Series {
            label: "loss".into(),
            points: losses.get(),
            colour: INK,
        }],
        ..Default::default()
    });
    let acc_chart = Signal::derive(move || ChartSpec {
        x_label: "step".into(),
        y_label: "accuracy".into(),
        series: vec![Series {
            label: "accuracy".into(),
            points: report.with(|r| r.as_ref().map_or(vec![], |r| r.accuracy_curve.clone())),
            colour: BLUE,
        }],
        y_range: Some((0.0, 1.05)),
        ..Default::default()
    });
    // Through a memo: a node moved (or the layout's frames) must not redraw the charts.
    let labels = Memo::new(move |_| state.with(|s| s.labels.clone()));
    let scatter = Signal::derive(move || {
        let labels = labels.get();
        report.with(|r| {
            let Some(r) = r else {
                return ChartSpec::default();
            };
            let pick = |f: &dyn Fn(usize) -> bool| -> Vec<(f64, f64)> {
                r.embedding
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| f(*i))
                    .map(|(_, p)| *p)
                    .collect()
            };
            let labelled = |i: usize| labels.get(i).copied().flatten().is_some();
            ChartSpec {
                x_label: if r.projected {
                    "principal axis 1"
                } else {
                    "h⁽¹⁾ unit 1"
                }
                .into(),
                y_label: if r.projected {
                    "principal axis 2"
                } else {
                    "h⁽¹⁾ unit 2"
                }
                .into(),
                series: vec![
                    Series {
                        label: "predicted blue".into(),
                        points: pick(&|i| r.predictions[i] == 0 && !labelled(i)),
                        colour: BLUE,
                    },
                    Series {
                        label: "predicted red".into(),
                        points: pick(&|i| r.predictions[i] == 1 && !labelled(i)),
                        colour: RED,
                    },
                    Series {
                        label: "labelled".into(),
                        points: pick(&labelled),
                        colour: INK,
                    },
                ],
                kind: ChartKind::Points,
                // tanh keeps H⁽¹⁾ in (−1, 1)²: fixed axes, room above for the legend.
                x_range: (!r.projected).then_some((-1.1, 1.1)),
                y_range: (!r.projected).then_some((-1.1, 2.0)),
                ..Default::default()
            }
        })
    });
    let label_count = move || {
        labels.with(|l| {
            let c = |k| l.iter().filter(|x| **x == Some(k)).count();
            (c(0), c(1))
        })
    };
    view! {
        <div class="panel training-panel" id="gcn-training">
            <h2>"Training: semi-supervised node classification"</h2>
            <p class="lede">
                "Kipf & Welling's two-layer GCN, Z = P̃ · tanh(P̃ X W⁽¹⁾) · W⁽²⁾ with one-hot features X = I,
                learns from the few nodes you label — the loss counts only those — and predicts every
                node: the labels spread along the edges. Tick “Label nodes” above and click a node once
                for blue, twice for red (a third click clears it); the karate club preset labels the
                two leaders."
            </p>
            <div class="training-row">
                <div class="training-controls">
                    <p class="label-count">{move || {
                        let (b, r) = label_count();
                        format!("{b} node{} labelled blue, {r} red.", if b == 1 { "" } else { "s" })
                    }}</p>
                    <button class="clear-labels" prop:disabled=move || { let (b, r) = label_count(); b + r == 0 }
                        on:click=move |_| state.update(|s| s.labels.clear())>"Clear labels"</button>
                    <Select label="Hidden width" name="hidden"
                        options=vec![("2", "2 (plotted as is)"), ("4", "4"), ("8", "8"), ("16", "16")]
                        value=Signal::derive(move || state.with(|s| s.train.hidden.to_string()))
                        on_change=Callback::new(move |v: String| if let Ok(h) = v.parse() { state.update(|s| s.train.hidden = h) })/>
                    <Select label="Learning rate (Adam)" name="lr"
                        options=vec![("0.005", "0.005"), ("0.01", "0.01"), ("0.05", "0.05"), ("0.1", "0.1"), ("0.5", "0.5")]
                        value=Signal::derive(move || state.with(|s| s.train.lr.to_string()))
                        on_change=Callback::new(move |v: String| if let Ok(lr) = v.parse() { state.update(|s| s.train.lr = lr) })/>
                    <p class="note">"Changing the graph, the labels or these settings starts a fresh model (weights from the seed)."</p>
                </div>
                <div class="training-run">
                    {move || match blocked.get() {
                        Some(why) => view! { <p class="note train-blocked" role="status">{why}</p> }.into_any(),
                        None => view! {
                            <TrainButtons running=running on_step=step on_reset=reset step=steps
                                readout=readout stopped=Signal::derive(move || stopped.get())/>
                        }.into_any(),
                    }}
                </div>
            </div>
            <div class="training-row">
                <LineChart spec=loss_chart name="train-loss" label="training loss against steps" width=360 height=220/>
                <LineChart spec=acc_chart name="train-accuracy" label="accuracy against steps" width=360 height=220/>
                <LineChart spec=scatter name="embedding" label="the hidden embedding of every node, coloured by prediction" width=360 height=220/>
            </div>
        </div>
    }
}
