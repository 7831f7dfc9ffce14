//! The message-passing panel (seeds 001–003): one node's update written out stage by stage —
//! neighbours send h_v, each message weighted, summed, times W, through σ — with the numbers;
//! the four aggregators side by side for the same node; the features of every layer on the
//! nodes; and the over-smoothing plot (how alike the nodes become as layers stack up).

use super::passing_state::{
    node_update, propagate, relative_variance, stage_lines, Agg, PassingRun, AGGS, MAX_LAYER,
    PLOT_DEPTH, STAGES,
};
use super::state::{Colouring, GcnRun, GcnState};
use crate::engine::ops::Activation;
use crate::views::Shared;
use crate::widgets::chart::{ChartSpec, LineChart, Series};
use crate::widgets::colour::Rgb;
use crate::widgets::controls::{Select, Slider};
use crate::widgets::format::fmt_num;
use crate::widgets::formula::{row, Formula};
use leptos::prelude::*;

type Run = Memo<Result<Shared<GcnRun>, String>>;

/// Line colours of the aggregators (Okabe–Ito: distinguishable with colour-blindness).
const AGG_COLOURS: [Rgb; 4] = [
    Rgb(0x00, 0x72, 0xb2),
    Rgb(0xe6, 0x9f, 0x00),
    Rgb(0xd5, 0x5e, 0x00),
    Rgb(0x00, 0x9e, 0x73),
];

/// Every aggregator's stack of layers, recomputed when the signal, the weights, σ, the
/// self-loop switch or the graph change (not when a node moves or a stage is stepped).
pub fn use_propagation(state: RwSignal<GcnState>, run: Run) -> Memo<Option<PassingRun>> {
    let input = Memo::new(move |_| {
        state.with(|s| {
            let p = &s.pass;
            (
                s.signal_vec(),
                (p.w, p.w_self, p.w_neigh, p.act),
                s.self_loops,
            )
        })
    });
    Memo::new(move |_| {
        let pass = state.with_untracked(|s| s.pass.clone());
        input.with(|(x, _, self_loops)| {
            run.with(|r| r.as_ref().ok().map(|r| propagate(r, x, &pass, *self_loops)))
        })
    })
}

/// h⁽ᵏ⁾ of the chosen aggregator at the chosen layer, one value per node.
pub fn features(state: RwSignal<GcnState>, prop: Memo<Option<PassingRun>>) -> Option<Vec<f64>> {
    let (agg, k) = state.with(|s| (s.pass.agg, s.pass.layer));
    prop.with(|p| {
        p.as_ref()
            .and_then(|p| p.stack(agg).h.get(k).map(|h| h.iter().copied().collect()))
    })
}

/// The message-passing panel.
#[component]
pub fn PassingPanel(
    state: RwSignal<GcnState>,
    run: Run,
    labels: Memo<Vec<String>>,
    /// The node whose update is written out (selected, else hovered, else the first).
    node: Signal<Option<usize>>,
    prop: Memo<Option<PassingRun>>,
) -> impl IntoView {
    let n = Memo::new(move |_| labels.with(Vec::len));
    let u = Memo::new(move |_| node.get().unwrap_or(0).min(n.get().saturating_sub(1)));
    let pass = Memo::new(move |_| state.with(|s| s.pass.clone()));
    // Read through memos so moving a node (or the layout's frames) does not redraw the panel.
    let self_loops = Memo::new(move |_| state.with(|s| s.self_loops));
    let set = move |f: &dyn Fn(&mut super::passing_state::Passing)| {
        state.update(|s| {
            f(&mut s.pass);
            s.colour = Colouring::Features;
        })
    };
    let label = move |v: usize| labels.with(|l| l.get(v).cloned().unwrap_or_default());
    let update_of = move |agg: Agg| {
        let p = pass.get();
        let self_loops = self_loops.get();
        prop.with(|pr| {
            run.with(|r| {
                let (r, pr) = (r.as_ref().ok()?, pr.as_ref()?);
                node_update(r, pr, &p, agg, self_loops, u.get(), p.layer)
            })
        })
    };
    // The stage lines of the node's update and its output, or None for an empty graph. The list
    // below is built once and updated in place (only the formulas are redrawn); it used to be
    // rebuilt on every edit (docs/performance.md).
    let lines = Memo::new(move |_| {
        let p = pass.get();
        let self_loops = self_loops.get();
        let up = update_of(p.agg)?;
        Some((
            stage_lines(&up, &p, self_loops, u.get(), p.layer, label),
            fmt_num(up.out, 4),
        ))
    });
    let empty = Memo::new(move |_| lines.with(Option::is_none));
    let stage = Memo::new(move |_| pass.with(|p| p.stage));
    let stages = move || {
        if empty.get() {
            return view! { <p class="note">"The graph is empty: add a node to pass messages."</p> }
                .into_any();
        }
        let line =
            move |i: usize| lines.with(|l| l.as_ref().and_then(|(lines, _)| lines.get(i).cloned()));
        view! {
            <ol class="passing-stages" data-stage=move || stage.get()
                data-out=move || lines.with(|l| l.as_ref().map(|(_, out)| out.clone()))>
                {(0..STAGES).map(|i| {
                    let shown = Memo::new(move |_| i < stage.get());
                    let caption = Memo::new(move |_| line(i).map(|(c, _)| c).unwrap_or_default());
                    let expr = Memo::new(move |_| line(i).map_or_else(|| row(vec![]), |(_, m)| m));
                    view! {
                        <li class:revealed=shown class:current=move || i + 1 == stage.get()>
                            <span class="stage-caption">{caption}</span>
                            {move || shown.get().then(|| view! { <Formula expr=expr block=true/> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        }
        .into_any()
    };
    let step = move |by: i64| {
        set(&|p| {
            let s = p.stage as i64 + by;
            if s > STAGES as i64 && p.layer < MAX_LAYER {
                // Past σ: on to the next layer's neighbours.
                p.layer += 1;
                p.stage = 1;
            } else {
                p.stage = s.clamp(0, STAGES as i64) as usize;
            }
        })
    };
    // One row per aggregator, built once; its numbers update in place.
    let table = AGGS
        .into_iter()
        .map(|agg| {
            let cells = Memo::new(move |_| {
                let cell = |v: Option<f64>| v.map_or("–".to_string(), |v| fmt_num(v, 3));
                let up = update_of(agg);
                [
                    cell(up.as_ref().map(|u| u.sum)),
                    cell(up.as_ref().map(|u| u.z)),
                    cell(up.as_ref().map(|u| u.out)),
                ]
            });
            let chosen = Memo::new(move |_| pass.with(|p| p.agg) == agg);
            let text = move |k: usize| cells.with(|c| c[k].clone());
            view! {
                <tr class:current=chosen data-agg=agg.key()>
                    <th scope="row">
                        <button class="agg-pick" on:click=move |_| set(&|p| p.agg = agg)
                            aria-pressed=move || chosen.get().to_string()>{agg.name()}</button>
                    </th>
                    <td>{move || text(0)}</td>
                    <td>{move || text(1)}</td>
                    <td class="agg-out">{move || text(2)}</td>
                </tr>
            }
        })
        .collect_view();
    let smooth_chart = Signal::derive(move || {
        let series = prop.with(|pr| {
            pr.as_ref().map_or(vec![], |pr| {
                AGGS.iter()
                    .zip(AGG_COLOURS)
                    .map(|(&agg, colour)| Series {
                        label: agg.name().into(),
                        points: pr
                            .stack(agg)
                            .h
                            .iter()
                            .enumerate()
                            .map(|(k, h)| (k as f64, relative_variance(h)))
                            .collect(),
                        colour,
                    })
                    .collect()
            })
        });
        ChartSpec {
            x_label: "layers k".into(),
            y_label: "Var(h⁽ᵏ⁾) / mean(h⁽ᵏ⁾²)".into(),
            series,
            marker_x: Some(pass.with(|p| p.layer) as f64),
            x_range: Some((0.0, PLOT_DEPTH as f64)),
            y_range: Some((0.0, 1.0)),
            ..Default::default()
        }
    });
    let act_options = vec![
        ("identity", "identity"),
        ("relu", "ReLU"),
        ("tanh", "tanh"),
        ("sigmoid", "sigmoid"),
    ];
    view! {
        <div class="panel passing-panel" id="gcn-passing">
            <h2>"Message passing"</h2>
            <p class="lede">
                "A layer lets every node u collect messages from its neighbours: "
                "hᵤ⁽ᵏ⁾ = UPDATE(hᵤ⁽ᵏ⁻¹⁾, AGGREGATE{hᵥ⁽ᵏ⁻¹⁾ : v ∈ N(u)}). Here each node has one feature —
                the signal x of the spectrum panel below, so h⁽⁰⁾ = x, and W is a single number. Click a
                node in the drawing to follow it; step through its update."
            </p>
            <div class="passing-row">
                <div class="passing-controls">
                    <Select label="Aggregator" name="agg"
                        options=AGGS.iter().map(|a| (a.key(), a.name())).collect()
                        value=Signal::derive(move || pass.with(|p| p.agg.key().to_string()))
                        on_change=Callback::new(move |v: String| if let Some(a) = Agg::from_key(&v) { set(&|p| p.agg = a) })/>
                    <Slider label="Layer k" name="layer" min=1.0 max=MAX_LAYER as f64 step=1.0
                        value=Signal::derive(move || pass.with(|p| p.layer) as f64)
                        on_input=Callback::new(move |v: f64| set(&|p| p.layer = (v as usize).clamp(1, MAX_LAYER)))/>
                    {move || if pass.with(|p| p.agg) == Agg::SelfNeigh {
                        view! {
                            <Slider label="W_self (B in seed 003)" name="w-self" min=-2.0 max=2.0 step=0.1
                                value=Signal::derive(move || pass.with(|p| p.w_self))
                                on_input=Callback::new(move |v: f64| set(&|p| p.w_self = v))/>
                            <Slider label="W_neigh" name="w-neigh" min=-2.0 max=2.0 step=0.1
                                value=Signal::derive(move || pass.with(|p| p.w_neigh))
                                on_input=Callback::new(move |v: f64| set(&|p| p.w_neigh = v))/>
                        }.into_any()
                    } else {
                        view! {
                            <Slider label="W" name="w" min=-2.0 max=2.0 step=0.1
                                value=Signal::derive(move || pass.with(|p| p.w))
                                on_input=Callback::new(move |v: f64| set(&|p| p.w = v))/>
                        }.into_any()
                    }}
                    <Select label="σ" name="act" options=act_options
                        value=Signal::derive(move || pass.with(|p| match p.act {
                            Activation::Relu => "relu",
                            Activation::Tanh => "tanh",
                            Activation::Sigmoid => "sigmoid",
                            _ => "identity",
                        }.to_string()))
                        on_change=Callback::new(move |v: String| {
                            let a = match v.as_str() {
                                "relu" => Activation::Relu,
                                "tanh" => Activation::Tanh,
                                "sigmoid" => Activation::Sigmoid,
                                _ => Activation::Identity,
                            };
                            set(&|p| p.act = a);
                        })/>
                </div>
                <div class="passing-steps">
                    <p class="passing-node">{move || format!(
                        "Node u = {} at layer k = {}, {} aggregator:",
                        label(u.get()), pass.with(|p| p.layer), pass.with(|p| p.agg.name()))}</p>
                    <div class="player" role="group" aria-label="step through the update">
                        <button class="stage-first" on:click=move |_| set(&|p| p.stage = 0)>"|◀ start"</button>
                        <button class="stage-back" on:click=move |_| step(-1)
                            prop:disabled=move || pass.with(|p| p.stage == 0)>"◀ back"</button>
                        <button class="stage-next" on:click=move |_| step(1)
                            prop:disabled=move || pass.with(|p| p.stage == STAGES && p.layer == MAX_LAYER)>"step ▶"</button>
                        <button class="stage-all" on:click=move |_| set(&|p| p.stage = STAGES)>"all ▶|"</button>
                    </div>
                    {stages}
                </div>
            </div>
            <div class="passing-row">
                <div class="agg-compare">
                    <h3>"The same node, four aggregators"</h3>
                    <table class="agg-table">
                        <thead><tr>
                            <th scope="col">"aggregator"</th>
                            <th scope="col">"mᵤ (aggregated)"</th>
                            <th scope="col">"z"</th>
                            <th scope="col">"hᵤ⁽ᵏ⁾"</th>
                        </tr></thead>
                        <tbody>{table}</tbody>
                    </table>
                    <p class="note">
                        "GCN: Σ over N(u) (∪ {u} with the self-loop switch) of hᵥ/√(dᵤdᵥ), times W. Mean: the
                        average of the neighbours. Sum: their total — it grows with the degree. W_self / W_neigh
                        (seeds 002, 003): the node's own feature keeps its own weight, so it is not drowned."
                    </p>
                </div>
                <div class="smoothing">
                    <h3>"Stacking layers: over-smoothing"</h3>
                    <LineChart spec=smooth_chart name="smoothing"
                        label="relative variance of the features over the nodes against the number of layers"
                        width=520 height=240/>
                    <p class="note">
                        "Each layer averages a node with its neighbours, so after many layers the features
                        become alike: the spread Var(h)/mean(h²) falls towards the value of the graph's
                        smoothest eigenvector (0 for the mean on a connected graph, where every node ends up
                        equal). Deep GCNs lose what told the nodes apart — most use two or three layers."
                    </p>
                </div>
            </div>
        </div>
    }
}
