//! The GCN view: the deck's 6-node graph (seed 001) and its matrices A, D,
//! P = D^-½AD^-½ and L = I − D^-½AD^-½, with a live formula for the entry under the pointer.

mod formula;

use crate::engine::gcn::{graph_matrices, GraphMatricesTrace};
use crate::graph::presets;
use crate::widgets::formula::Formula;
use crate::widgets::graph_canvas::CanvasNode;
use crate::widgets::{GraphCanvas, Heatmap};
use leptos::prelude::*;

/// Which matrix an entry formula refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// Adjacency A.
    A,
    /// Degree matrix D.
    D,
    /// Normalized adjacency P.
    P,
    /// Normalized Laplacian L.
    L,
}

/// The GCN page.
#[component]
pub fn GcnView() -> impl IntoView {
    let graph = RwSignal::new(presets::seed_001_six_nodes());
    let trace = Memo::new(move |_| graph.with(|g| graph_matrices(&g.adjacency())));
    let labels = Memo::new(move |_| graph.with(|g| g.labels()));
    let selected = RwSignal::new(None::<usize>);
    // The entry whose formula is written out; P₁₂ to begin with, as on the slide.
    let entry = RwSignal::new((Which::P, 0usize, 1usize));

    let nodes = Signal::derive(move || {
        let degrees = trace.with(|t| t.as_ref().map(|t| t.degrees.clone()).ok());
        graph.with(|g| {
            g.nodes()
                .into_iter()
                .enumerate()
                .map(|(i, n)| CanvasNode {
                    label: n.label.clone(),
                    pos_in_graph: n.pos_in_graph,
                    description: match degrees.as_ref().and_then(|d| d.get(i)) {
                        Some(d) => format!("node {}, degree {d}", n.label),
                        None => format!("node {}", n.label),
                    },
                })
                .collect()
        })
    });
    let edges = Signal::derive(move || graph.with(|g| g.edges_compact()));
    let on_select = Callback::new(move |i: usize| {
        selected.update(|s| *s = if *s == Some(i) { None } else { Some(i) });
    });

    let matrix = move |pick: fn(&GraphMatricesTrace) -> &crate::engine::Mat| {
        Signal::derive(move || {
            trace.with(|t| match t {
                Ok(t) => pick(t).clone(),
                Err(_) => crate::engine::Mat::zeros(0, 0),
            })
        })
    };
    let hover = move |w: Which| Callback::new(move |(i, j): (usize, usize)| entry.set((w, i, j)));
    let focus_of = move |w: Which| {
        Signal::derive(move || {
            let (ew, i, j) = entry.get();
            (ew == w).then_some((i, j))
        })
    };
    let heatmap = move |w: Which,
                        name: &'static str,
                        pick: fn(&GraphMatricesTrace) -> &crate::engine::Mat| {
        view! {
            <Heatmap name=name values=matrix(pick) row_labels=labels col_labels=labels
                highlight=selected focus=focus_of(w) on_hover=hover(w)>
                <span class="caption-title">{formula::caption(w).0}</span>
                " "
                <Formula expr=formula::caption(w).1 class="caption-math"/>
            </Heatmap>
        }
    };

    let error = move || {
        trace.with(|t| {
            t.as_ref()
                .err()
                .map(|e| view! { <p class="error" role="alert">{e.to_string()}</p> })
        })
    };

    view! {
        <section class="view gcn-view">
            <header class="view-header">
                <h1>"Graph convolutional networks"</h1>
                <p class="lede">
                    "The 6-node graph from the GCN slides (seed 001, after Kipf & Welling) and the
                    matrices a GCN layer is built from. Click a node to light up its row and
                    column in every matrix; point at any entry to see how it is computed."
                </p>
            </header>
            {error}
            <div class="gcn-top">
                <figure class="panel graph-panel">
                    <GraphCanvas nodes=nodes edges=edges selected=selected on_select=on_select/>
                    <figcaption>
                        {move || match selected.get() {
                            Some(i) => {
                                let label = labels.with(|l| l.get(i).cloned().unwrap_or_default());
                                let degree = trace.with(|t| {
                                    t.as_ref().ok().and_then(|t| t.degrees.get(i).copied())
                                });
                                format!(
                                    "Node {label} selected: degree {}. Click it again to clear.",
                                    degree.map_or("?".into(), |d| crate::widgets::format::fmt_num(d, 3))
                                )
                            }
                            None => "Click a node (or Tab to it and press Enter) to highlight it.".to_string(),
                        }}
                    </figcaption>
                </figure>
                <div class="panel formula-panel" aria-live="polite">
                    <h2>"The entry under the pointer"</h2>
                    {move || {
                        let (w, i, j) = entry.get();
                        let m = trace.with(|t| t.as_ref().ok().and_then(|t| labels.with(|l| formula::entry(w, i, j, t, l))));
                        m.map(|m| view! { <Formula expr=m block=true class="entry-formula" key=format!("{w:?}{i},{j}")/> })
                    }}
                    <p class="note">
                        "Isolated nodes (degree 0) would make d"<sup>"−½"</sup>
                        " undefined; nnviz sets that factor to 0, so their rows of P are 0 and
                        their diagonal entry of L is 0 (Chung's convention) — never NaN."
                    </p>
                </div>
            </div>
            <div class="matrix-grid">
                {heatmap(Which::A, "A", |t| &t.a)}
                {heatmap(Which::D, "D", |t| &t.d)}
                {heatmap(Which::P, "P", |t| &t.p)}
                {heatmap(Which::L, "L", |t| &t.l)}
            </div>
        </section>
    }
}
