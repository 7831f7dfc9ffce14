//! The training panel: semi-supervised node classification live. The student labels nodes in
//! the drawing (the karate club preset labels Mr. Hi and the Officer), a 2-layer GCN trains on
//! those labels alone in bounded ticks, the nodes take the colour of their prediction, and the
//! hidden embedding H⁽¹⁾ moves in a scatter as the classes pull apart.

use super::state::{Colouring, GcnRun, GcnState};
use super::train_state::{labels_for, GcnReport, GcnSession};
use crate::engine::data::karate_club;
use crate::engine::train::Status;
use crate::hooks::compute::{use_compute, BackendStatus, Compute, Routed};
use crate::hooks::now_ms;
use crate::views::train_loop::{
    loss_curve, steps_within, use_frame_loop, TrainButtons, FRAME_BUDGET_MS, MAX_STEPS_PER_FRAME,
};
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
    /// This run's graph-sized products so far: (on the GPU, on the CPU) — counted only when
    /// some go to the GPU.
    pub products: RwSignal<(usize, usize)>,
    /// The shape (m, k, n) of the step's P̃·H⁽¹⁾ product.
    pub shape: RwSignal<(usize, usize, usize)>,
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
    // Bumped whenever the session is replaced: a step in flight on the GPU then lands nowhere.
    let generation = StoredValue::new_local(0u64);
    let products = RwSignal::new((0usize, 0usize));
    let shape = RwSignal::new((0usize, 0usize, 0usize));
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
        generation.update_value(|g| *g += 1);
        products.set((0, 0));
        let made = key.with_untracked(|(_, labels, settings, seed, karate)| {
            run.with_untracked(|r| {
                let r = r.as_ref().map_err(String::clone)?;
                let truth = karate.then(|| karate_club().classes);
                GcnSession::new(&r.plain.a, labels, truth, settings, *seed)
            })
        });
        match made {
            Ok(s) => {
                shape.set(s.offloaded_shapes()[1]);
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
    let step = use_offloading_loop(running, session, publish, generation, products);
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
        products,
        shape,
    }
}

/// The play/pause loop and the "+1 step" callback. Steps run on the CPU in the frame, as in
/// the other views, unless one of the step's graph-sized products goes to the GPU (see
/// `hooks::compute::Compute::route`): then the session is taken out for an asynchronous batch
/// of steps, the frame loop waits for it, and it is put back (unless the model was rebuilt
/// meanwhile) with the products counted in `products` (on the GPU, on the CPU). "+1 step"
/// clicks that arrive meanwhile are taken by that batch, not lost. What the panel shows after a
/// batch (predictions, embedding) is one forward pass on the CPU, as after a CPU frame.
fn use_offloading_loop(
    running: RwSignal<bool>,
    session: StoredValue<Option<GcnSession>, LocalStorage>,
    publish: impl Fn() + Copy + Send + Sync + 'static,
    generation: StoredValue<u64, LocalStorage>,
    products: RwSignal<(usize, usize)>,
) -> Callback<()> {
    let compute = use_compute();
    let busy = StoredValue::new_local(false);
    let offloading = move || {
        let c = compute?;
        let routed = session.try_with_value(|s| {
            s.as_ref().is_some_and(|s| {
                s.offloaded_shapes()
                    .iter()
                    .any(|&(m, k, n)| c.route(m, k, n).is_some())
            })
        });
        routed.unwrap_or(false).then_some(c)
    };
    // "+1 step" clicks that arrived while a batch was on the GPU: taken by that batch.
    let clicks = StoredValue::new_local(0usize);
    let advance = move |max_steps: usize, click: bool| {
        if busy.try_get_value().unwrap_or(true) {
            if click {
                clicks.update_value(|c| *c += 1);
            }
            return;
        }
        let Some(compute) = offloading() else {
            session.update_value(|s| {
                if let Some(s) = s {
                    steps_within(max_steps, || s.tick(1).status == Status::Ready);
                }
            });
            publish();
            return;
        };
        let Some(mut s) = session.try_update_value(Option::take).flatten() else {
            return;
        };
        busy.set_value(true);
        let taken_at = generation.get_value();
        leptos::task::spawn_local(async move {
            let routed = Routed::new(compute);
            let start = now_ms();
            for _ in 0..max_steps.max(1) {
                let ready = s.step_via(&routed).await.status == Status::Ready;
                if !ready || now_ms() - start > FRAME_BUDGET_MS {
                    break;
                }
            }
            while let Some(n) = clicks.try_update_value(std::mem::take).filter(|n| *n > 0) {
                for _ in 0..n {
                    s.step_via(&routed).await;
                }
            }
            if generation.try_get_value() == Some(taken_at) {
                session.set_value(Some(s));
                let (gpu, cpu) = routed.counts();
                products.update(|p| *p = (p.0 + gpu, p.1 + cpu));
                publish();
            }
            let _ = busy.try_set_value(false);
        });
    };
    use_frame_loop(running, move || advance(MAX_STEPS_PER_FRAME, false));
    Callback::new(move |()| advance(1, true))
}

/// Where a step's graph-sized products are computed, in a sentence (the panel's note).
fn backend_note(
    compute: Option<Compute>,
    products: (usize, usize),
    shape: (usize, usize, usize),
) -> String {
    let (m, k, n) = shape;
    if products.0 > 0 {
        let which = if products.1 == 0 {
            format!(
                "all {} of this run's graph-sized products (f32)",
                products.0
            )
        } else {
            format!(
                "{} of this run's graph-sized products (f32; {} on the CPU)",
                products.0, products.1
            )
        };
        return format!("WebGPU computed {which}: the same training up to f32 rounding.");
    }
    let Some(c) = compute else {
        return String::new();
    };
    let why = match c.status.get() {
        BackendStatus::Detecting => "checking for WebGPU".to_string(),
        BackendStatus::Unavailable(_) => "this browser offers no WebGPU".to_string(),
        BackendStatus::Lost(_) => "the GPU was lost".to_string(),
        BackendStatus::Ready(_) if c.force_cpu.get() => {
            "“CPU only” is ticked in the header".to_string()
        }
        BackendStatus::Ready(_) => match (c.measured.get(), c.crossover.get()) {
            (false, _) => {
                "the GPU benchmark (gpu.html) has not yet measured where this adapter overtakes \
                 the CPU"
                    .to_string()
            }
            (true, None) => {
                "the GPU benchmark found this adapter slower than the CPU at every size".to_string()
            }
            (true, Some(x)) => {
                format!("they are below the crossover measured on this adapter ({x}×{x}×{x})")
            }
        },
    };
    format!(
        "Graph-sized products (P̃·H⁽¹⁾: {m}×{k} by {k}×{n}) are computed on the CPU (f64): {why}."
    )
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
        products,
        shape,
    } = training;
    let compute = use_compute();
    let backend = move || backend_note(compute, products.get(), shape.get());
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
                            <p class="note train-backend" data-gpu-products=move || products.get().0.to_string()>
                                {backend}
                            </p>
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
