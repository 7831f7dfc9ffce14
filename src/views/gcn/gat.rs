//! The GAT panel (seed 000): the attention a node pays to each neighbour, per head — the scores
//! e_vu and their softmax α_vu over the neighbourhood, which sums to 1 — and, on request, one
//! head's α drawn as the edges' width and opacity.

use super::gat_state::{attend, row, GatRun, HEADS};
use super::state::{GcnRun, GcnState};
use crate::views::Shared;
use crate::widgets::controls::Select;
use crate::widgets::format::fmt_num;
use leptos::prelude::*;

type Run = Memo<Result<Shared<GcnRun>, String>>;

/// Every head on the graph, recomputed when the graph, the signal or the seed change.
pub fn use_gat(state: RwSignal<GcnState>, run: Run) -> Memo<Option<GatRun>> {
    let input = Memo::new(move |_| state.with(|s| (s.signal_vec(), s.seed)));
    Memo::new(move |_| {
        input.with(|(x, seed)| run.with(|r| r.as_ref().ok().map(|r| attend(r, x, *seed))))
    })
}

/// The GAT panel.
#[component]
pub fn GatPanel(
    state: RwSignal<GcnState>,
    labels: Memo<Vec<String>>,
    /// The node whose attention is listed (selected, else hovered, else the first).
    node: Signal<Option<usize>>,
    gat: Memo<Option<GatRun>>,
) -> impl IntoView {
    let v = Memo::new(move |_| node.get().unwrap_or(0));
    let label = move |i: usize| labels.with(|l| l.get(i).cloned().unwrap_or_default());
    let rows = move || {
        let v = v.get();
        let r = gat.with(|g| g.as_ref().map(|g| row(g, v)).unwrap_or_default());
        let sums: Vec<f64> = (0..HEADS)
            .map(|h| r.iter().map(|(_, hs)| hs[h].1).sum())
            .collect();
        let body = r
            .into_iter()
            .map(|(u, hs)| {
                let who = if u == v {
                    format!("{} (itself)", label(u))
                } else {
                    label(u)
                };
                view! {
                    <tr data-u=u>
                        <th scope="row">{who}</th>
                        {hs.into_iter().map(|(e, a)| view! {
                            <td>{fmt_num(e, 3)}</td>
                            <td class="alpha">{fmt_num(a, 3)}</td>
                        }).collect_view()}
                    </tr>
                }
            })
            .collect_view();
        view! {
            {body}
            <tr class="alpha-sum">
                <th scope="row">"Σ over the neighbourhood"</th>
                {sums.into_iter().map(|s| view! { <td></td><td class="alpha">{fmt_num(s, 3)}</td> }).collect_view()}
            </tr>
        }
    };
    view! {
        <div class="panel gat-panel" id="gcn-gat">
            <h2>"Graph attention (GAT)"</h2>
            <p class="lede">
                "Instead of fixed weights 1/√(dᵤdᵥ), a GAT layer learns how much node v listens to each
                neighbour u: a score eᵥᵤ = LeakyReLU(a_dstᵀWhᵥ + a_srcᵀWhᵤ), then a softmax over v's
                neighbourhood (v included), αᵥᵤ = exp(eᵥᵤ) / Σₖ exp(eᵥₖ), and hᵥ' = σ(Σᵤ αᵥᵤ Whᵤ). Each
                head has its own W and a, so heads attend differently. Here hᵥ = (xᵥ, dᵥ): the
                signal and the degree; the weights are drawn from the seed."
            </p>
            <div class="gat-row">
                <div class="gat-controls">
                    <Select label="Edges in the drawing show" name="gat"
                        options=vec![("0", "nothing (plain edges)"), ("1", "head 1's α"), ("2", "head 2's α")]
                        value=Signal::derive(move || state.with(|s| s.gat_head.to_string()))
                        on_change=Callback::new(move |v: String| {
                            if let Ok(h) = v.parse::<usize>() { state.update(|s| s.gat_head = h.min(HEADS)) }
                        })/>
                    <p class="note">"With a node picked (click it) the edges show its αᵥᵤ — thick and dark where it
                        listens most (widths relative to the largest α shown); otherwise each edge shows the larger of its
                        two directions."</p>
                </div>
                <div class="gat-table-box">
                    <p class="gat-node">{move || format!("Node v = {}: who it listens to", label(v.get()))}</p>
                    <table class="gat-table">
                        <thead>
                            <tr><th></th>{(1..=HEADS).map(|h| view! { <th colspan="2" scope="colgroup">{format!("head {h}")}</th> }).collect_view()}</tr>
                            <tr><th scope="col">"u"</th>{(0..HEADS).map(|_| view! { <th scope="col">"eᵥᵤ"</th><th scope="col">"αᵥᵤ"</th> }).collect_view()}</tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </div>
        </div>
    }
}
