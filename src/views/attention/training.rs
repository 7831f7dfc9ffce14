//! The training panel: the tiny attention model learning to reverse, copy or sort digit strings
//! live, in bounded ticks, with its loss, its accuracy on fixed probes, every head's weights on
//! one probe, and how much of each output position's answer each head fetches.

use super::state::AttnState;
use super::train::{
    digits, TrainConfig, TrainReport, TrainSession, LISTED, MAX_LEN, MAX_TRAIN_HEADS, TASKS, VOCAB,
};
use crate::engine::train::Status;
use crate::views::train_loop::{loss_curve, use_session_loop, TrainButtons};
use crate::widgets::chart::{ChartSpec, LineChart, Series};
use crate::widgets::colour::Rgb;
use crate::widgets::controls::{Select, Slider};
use crate::widgets::format::{fmt_num, sci};
use crate::widgets::Heatmap;
use leptos::prelude::*;

/// What one frame left for the panel to show.
#[derive(Debug, Clone, PartialEq)]
struct Shown {
    report: TrainReport,
    losses: Vec<(f64, f64)>,
}

/// The panel.
#[component]
pub fn AttnTrainingPanel(
    /// The view state (the panel's settings live in `train`).
    state: RwSignal<AttnState>,
    /// Set by a preset: reset and start training once the new settings are in.
    autoplay: RwSignal<bool>,
) -> impl IntoView {
    let config = Memo::new(move |_| state.with(|s| s.train.clone()));
    let session = StoredValue::new_local(None::<TrainSession>);
    let error = RwSignal::new(None::<String>);
    let notes = RwSignal::new(Vec::<String>::new());
    let shown = RwSignal::new(None::<Shown>);
    let running = RwSignal::new(false);

    let publish = move || {
        let v = session.with_value(|s| {
            s.as_ref().map(|s| {
                s.report().map(|report| Shown {
                    losses: loss_curve(s.losses()),
                    report,
                })
            })
        });
        match v {
            Some(Ok(v)) => {
                if v.report.snapshot.status != Status::Ready {
                    running.set(false);
                }
                shown.set(Some(v));
            }
            Some(Err(e)) => {
                running.set(false);
                error.set(Some(e));
            }
            None => {}
        }
    };
    let rebuild = move |c: &TrainConfig| {
        running.set(false);
        match TrainSession::new(c) {
            Ok(s) => {
                notes.set(s.notes.clone());
                session.set_value(Some(s));
                error.set(None);
            }
            // Keep the previous model on screen: nothing is lost.
            Err(e) => error.set(Some(e)),
        }
        publish();
    };
    let start_if_asked = move || {
        if autoplay.get_untracked() {
            autoplay.set(false);
            running.set(true);
        }
    };
    // A new configuration starts a fresh model (the seed makes it the same model every time).
    Effect::new(move |_| {
        config.with(|c| rebuild(c));
        start_if_asked();
    });
    // A preset whose settings are already in place (clicked twice) restarts from scratch.
    Effect::new(move |_| {
        let current = config.get_untracked().sanitized().0;
        if autoplay.get() && session.with_value(|s| s.as_ref().is_some_and(|s| s.config == current))
        {
            rebuild(&current);
            start_if_asked();
        }
    });
    let step_once = use_session_loop(running, session, |s| s.tick(1), publish);
    let reset = Callback::new(move |()| rebuild(&config.get_untracked()));

    let read = move |f: fn(&Shown) -> String| {
        Signal::derive(move || shown.with(|v| v.as_ref().map(f).unwrap_or_default()))
    };
    let readout = read(|v| {
        format!(
            "step {} · training loss {} · probe loss {} · probe accuracy {} %",
            v.report.snapshot.step,
            v.report.snapshot.loss.map_or("—".into(), sci),
            sci(v.report.eval.loss),
            fmt_num(100.0 * v.report.eval.accuracy, 1)
        )
    });
    let stopped = Signal::derive(move || {
        shown.with(|v| match v.as_ref().map(|v| &v.report.snapshot.status) {
            Some(Status::Diverged(m)) | Some(Status::Failed(m)) => Some(m.clone()),
            _ => None,
        })
    });

    let set = move |f: fn(&mut TrainConfig, f64)| {
        Callback::new(move |v: f64| state.update(|s| f(&mut s.train, v)))
    };
    let num = move |f: fn(&TrainConfig) -> f64| Signal::derive(move || config.with(f));
    let controls = view! {
        <div class="train-controls" role="group" aria-label="training settings">
            <Select label="Task" name="attn-train-task"
                options=TASKS.iter().map(|t| (t.1, t.2)).collect()
                value=Signal::derive(move || config.with(|c| TASKS.iter().find(|t| t.0 == c.task).map_or("", |t| t.1)).to_string())
                on_change=Callback::new(move |v: String| {
                    if let Some(t) = TASKS.iter().find(|t| t.1 == v) { state.update(|s| s.train.task = t.0) }
                })/>
            <Select label="Queries from" name="attn-train-cross"
                options=vec![("self", "the input (self)"), ("cross", "output positions (cross)")]
                value=Signal::derive(move || if config.with(|c| c.cross) { "cross".to_string() } else { "self".to_string() })
                on_change=Callback::new(move |v: String| state.update(|s| s.train.cross = v == "cross"))/>
            <Slider label="Heads" name="attn-train-heads" min=1.0 max=MAX_TRAIN_HEADS as f64 step=1.0
                value=num(|c| c.heads as f64) on_input=set(|c, v| c.heads = v as usize)/>
            <Slider label="Sequence length n" name="attn-train-len" min=2.0 max=MAX_LEN as f64 step=1.0
                value=num(|c| c.len as f64) on_input=set(|c, v| c.len = v as usize)/>
            <Slider label="Learning rate η (Adam)" name="attn-train-lr" min=-4.0 max=0.0 step=0.1
                value=num(|c| c.lr.log10()) on_input=set(|c, v| c.lr = 10f64.powf((v * 10.0).round() / 10.0))
                display=Signal::derive(move || sci(config.with(|c| c.lr)))/>
            <label class="control" data-control="attn-train-seed">
                <span class="control-label">"Seed"</span>
                <input type="number" min="0" prop:value=move || config.with(|c| c.seed).to_string()
                    on:change=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<u64>() { state.update(|s| s.train.seed = v) } }/>
            </label>
        </div>
    };

    let loss_spec = Signal::derive(move || {
        let n = shown.with(|v| v.as_ref().map_or(1, |v| v.report.snapshot.step.max(1))) as f64;
        let chance = (VOCAB as f64).ln();
        ChartSpec {
            x_label: "training step".into(),
            y_label: "cross-entropy".into(),
            log_y: true,
            series: vec![
                Series {
                    label: "training loss (batch of 8)".into(),
                    points: shown
                        .with(|v| v.as_ref().map(|v| v.losses.clone()).unwrap_or_default()),
                    colour: Rgb(0x21, 0x66, 0xac),
                },
                Series {
                    label: "guessing: ln 10".into(),
                    points: vec![(0.0, chance), (n, chance)],
                    colour: Rgb(0x70, 0x70, 0x70),
                },
            ],
            marker_x: None,
            x_range: None,
            ..Default::default()
        }
    });

    // The first probe: rows are output positions (labelled with their target digit), columns
    // the input positions (their digit).
    let labels = move |target: bool| {
        Signal::derive(move || {
            shown.with(|v| {
                v.as_ref().map_or(Vec::new(), |v| {
                    v.report.probes.first().map_or(Vec::new(), |(x, y)| {
                        let t = if target { y } else { x };
                        t.iter().map(|d| d.to_string()).collect()
                    })
                })
            })
        })
    };
    let heads = move || shown.with(|v| v.as_ref().map_or(0, |v| v.report.weights.len()));
    let head_maps = move || {
        (0..heads())
            .map(|h| {
                let values = Signal::derive(move || {
                    shown.with(|v| {
                        v.as_ref()
                            .and_then(|v| v.report.weights.get(h).cloned())
                            .unwrap_or_default()
                    })
                });
                view! {
                    <Heatmap name=format!("train-head-{}", h + 1) budget=220.0 values=values
                        row_labels=labels(true) col_labels=labels(false) digits=2>
                        {format!("head {}", h + 1)}
                    </Heatmap>
                }
            })
            .collect_view()
    };
    let answer = Signal::derive(move || {
        shown.with(|v| {
            v.as_ref()
                .map(|v| v.report.eval.answer_weight.clone())
                .unwrap_or_default()
        })
    });
    let answer_rows = Signal::derive(move || (1..=heads()).map(|h| format!("head {h}")).collect());
    let answer_cols = Signal::derive(move || {
        let n = answer.with(|a| a.ncols());
        (1..=n).map(|i| i.to_string()).collect()
    });
    let probe_rows = move || {
        shown.with(|v| {
            v.as_ref().map_or(Vec::new(), |v| {
                v.report
                    .eval
                    .predictions
                    .iter()
                    .zip(&v.report.probes)
                    .take(LISTED)
                    .map(|(p, (x, y))| (digits(x), digits(y), digits(p), p == y))
                    .collect()
            })
        })
    };

    view! {
        <section class="panel training-panel attn-training" id="attn-training" aria-labelledby="attn-training-title">
            <h2 id="attn-training-title">"Training: watch the heads form"</h2>
            <p class="lede">
                "A tiny model learns a digit task live: X = E[x] + P (learned positions), one attention layer, "
                "then a linear read-out to the ten digits at every position. There is no residual path, so "
                "to output the right digit at position i the model must attend to where that digit is."
                {move || config.with(|c| c.cross).then_some(
                    " Here the queries are the output positions alone and the keys and values the input, \
                     so each head's weights are a target × source alignment, as in the translation figure.")}
            </p>
            {controls}
            {move || error.get().map(|e| view! { <p class="error input-error" role="alert">{e}" — still showing the previous model."</p> })}
            {move || notes.get().into_iter().map(|n| view! { <p class="note clamp-note" role="status">{n}</p> }).collect_view()}
            <TrainButtons running=running on_step=step_once on_reset=reset readout=readout stopped=stopped
                step=Signal::derive(move || shown.with(|v| v.as_ref().map_or(0, |v| v.report.snapshot.step)))/>
            <div class="train-charts">
                <LineChart spec=loss_spec name="attn-train-loss" label="training loss per step, log scale" width=420 height=220/>
                <figure class="probe">
                    <Heatmap name="answer-weight" budget=260.0 values=answer row_labels=answer_rows col_labels=answer_cols digits=2>
                        "Weight on the answer, by output position"
                    </Heatmap>
                    <figcaption>
                        "How much of its weight each head puts on the input positions holding the right digit, "
                        "averaged over the probes. A head that fetches the answer reads 1."
                    </figcaption>
                </figure>
            </div>
            <figure class="probe">
                <figcaption>"Each head's weights on the first probe (rows: output positions, labelled with the digit they should produce; columns: the input digits)"</figcaption>
                <div class="head-maps">{head_maps}</div>
            </figure>
            <table class="probe-table attn-probes">
                <thead><tr>
                    <th scope="col">"input"</th><th scope="col">"target"</th><th scope="col">"prediction"</th>
                </tr></thead>
                <tbody>
                    {move || probe_rows().into_iter().map(|(x, y, p, good)| view! {
                        <tr class=if good { "good" } else { "bad" }>
                            <td><code>{x}</code></td><td><code>{y}</code></td>
                            <td class="probe-prediction"><code>{p}</code>{if good { " ✓" } else { " ✗" }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
