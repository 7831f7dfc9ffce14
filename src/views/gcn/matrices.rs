//! The matrices panel: A, (A + I), D, P and L as heatmaps labelled with the nodes, the hovered
//! or selected node's row and column emphasised in every one, the self-loop switch
//! (renormalisation trick), and the formula of the entry under the pointer.

use super::formula;
use super::state::{GcnRun, GcnState};
use super::Which;
use crate::engine::gcn::GraphMatricesTrace;
use crate::engine::Mat;
use crate::views::Shared;
use crate::widgets::formula::Formula;
use crate::widgets::graph_canvas::Selection;
use crate::widgets::Heatmap;
use leptos::prelude::*;

type Run = Memo<Result<Shared<GcnRun>, String>>;

/// The trace an entry of `which` is read from: Ã's for A + I, and for D and P when the
/// self-loop switch is on.
fn trace_of(r: &GcnRun, which: Which, tilde: bool) -> &GraphMatricesTrace {
    match which {
        Which::At => &r.tilde,
        Which::D | Which::P if tilde => &r.tilde,
        _ => &r.plain,
    }
}

/// The written-out formula of the entry under the pointer.
#[component]
pub fn EntryPanel(
    state: RwSignal<GcnState>,
    run: Run,
    labels: Memo<Vec<String>>,
    entry: RwSignal<(Which, usize, usize)>,
) -> impl IntoView {
    let tilde = Memo::new(move |_| state.with(|s| s.self_loops));
    // The formula as data: an edit patches its numbers in place (it used to be re-created).
    let expr = Memo::new(move |_| {
        let (w, i, j) = entry.get();
        let t = tilde.get();
        run.with(|r| {
            r.as_ref()
                .ok()
                .and_then(|r| labels.with(|l| formula::entry(w, i, j, trace_of(r, w, t), l, t)))
        })
    });
    let present = Memo::new(move |_| expr.with(Option::is_some));
    let key = Signal::derive(move || {
        let (w, i, j) = entry.get();
        format!("{w:?}{i},{j}{}", tilde.get())
    });
    view! {
        <div class="panel formula-panel" aria-live="polite">
            <h2>"The entry under the pointer"</h2>
            <Show when=move || present.get()
                fallback=|| view! { <p class="note">"Point at an entry of a matrix below (or Tab to it and use the arrow keys)."</p> }>
                <Formula expr=Signal::derive(move || expr.get().unwrap_or_else(|| crate::widgets::formula::row(vec![])))
                    block=true class="entry-formula" key=key/>
            </Show>
            <p class="note">
                "A GCN layer computes H' = σ(P H W): each node's new features are its neighbours'
                features weighted by P"<sub>"ij"</sub>" = 1/√(d"<sub>"i"</sub>" d"<sub>"j"</sub>"), summed,
                and multiplied by W. Kipf & Welling add self-loops first (Ã = A + I), so a node keeps
                its own features: switch it on below."
            </p>
        </div>
    }
}

/// The heatmaps of A, A + I, D, P and L with the self-loop switch.
#[component]
pub fn MatricesPanel(
    state: RwSignal<GcnState>,
    run: Run,
    labels: Memo<Vec<String>>,
    hover: RwSignal<Option<usize>>,
    selection: RwSignal<Selection>,
    entry: RwSignal<(Which, usize, usize)>,
) -> impl IntoView {
    let tilde = Memo::new(move |_| state.with(|s| s.self_loops));
    let highlight = Signal::derive(move || hover.get().or(selection.get().node()));
    let matrix = move |w: Which, pick: fn(&GraphMatricesTrace) -> &Mat| {
        Signal::derive(move || {
            let t = tilde.get();
            run.with(|r| match r {
                Ok(r) => pick(trace_of(r, w, t)).clone(),
                Err(_) => Mat::zeros(0, 0),
            })
        })
    };
    let on_hover =
        move |w: Which| Callback::new(move |(i, j): (usize, usize)| entry.set((w, i, j)));
    let focus_of = move |w: Which| {
        Signal::derive(move || {
            let (ew, i, j) = entry.get();
            (ew == w).then_some((i, j))
        })
    };
    let heatmap = move |w: Which, name: &'static str, pick: fn(&GraphMatricesTrace) -> &Mat| {
        let caption = Signal::derive(move || formula::caption(w, tilde.get()));
        view! {
            <Heatmap name=name values=matrix(w, pick) row_labels=labels col_labels=labels
                highlight=highlight focus=focus_of(w) on_hover=on_hover(w)>
                <span class="caption-title">{move || caption.get().0}</span>
                " "
                <Formula expr=Signal::derive(move || caption.get().1) class="caption-math"/>
            </Heatmap>
        }
    };
    view! {
        <div class="panel matrices-panel">
            <h2>"The matrices of a GCN layer"</h2>
            <label class="control check" data-control="self-loops">
                <input type="checkbox" prop:checked=move || tilde.get()
                    on:change=move |ev| { let on = event_target_checked(&ev); state.update(|s| s.self_loops = on) }/>
                <span>"Self-loops (renormalisation trick): Ã = A + I, D̃ = D + I, P̃ = D̃"<sup>"−½"</sup>"ÃD̃"<sup>"−½"</sup></span>
            </label>
            <p class="note">{move || if tilde.get() {
                "With self-loops every degree is one more, so no node has degree 0, and P̃'s eigenvalues lie in (−1, 1]: stacking layers no longer blows up or flips signs."
            } else {
                "Without self-loops P = D^−½AD^−½ = I − L: a node's own features do not enter its update, and P's eigenvalues 1 − λ reach −1 on a bipartite graph."
            }}</p>
            <div class="matrix-grid">
                {heatmap(Which::A, "A", |t| &t.a)}
                <Show when=move || tilde.get()>
                    {heatmap(Which::At, "At", |t| &t.a)}
                </Show>
                {heatmap(Which::D, "D", |t| &t.d)}
                {heatmap(Which::P, "P", |t| &t.p)}
                {heatmap(Which::L, "L", |t| &t.l)}
            </div>
        </div>
    }
}
