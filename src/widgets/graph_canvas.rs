//! A node-link diagram in SVG. Nodes are focusable buttons (Tab, Enter/Space select), so the
//! drawing works with mouse, touch and keyboard.

use super::projection::Viewport;
use leptos::prelude::*;

/// One node as the canvas needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct CanvasNode {
    /// Label drawn inside the circle.
    pub label: String,
    /// Position in graph space, [0, 1]².
    pub pos_in_graph: (f64, f64),
    /// Accessible description (e.g. "node 3, degree 4").
    pub description: String,
}

const VIEW: Viewport = Viewport {
    width: 420.0,
    height: 300.0,
    margin: 26.0,
};
const RADIUS: f64 = 17.0;

/// An undirected graph drawing with one selectable node.
#[component]
pub fn GraphCanvas(
    /// Nodes in compact order.
    #[prop(into)]
    nodes: Signal<Vec<CanvasNode>>,
    /// Edges as pairs of compact node indices.
    #[prop(into)]
    edges: Signal<Vec<(usize, usize)>>,
    /// The selected node, drawn emphasised together with its edges.
    #[prop(optional, into)]
    selected: MaybeProp<usize>,
    /// Called with a node's index when it is clicked or activated by keyboard.
    #[prop(optional)]
    on_select: Option<Callback<usize>>,
) -> impl IntoView {
    let edge_views = move || {
        let ns = nodes.get();
        edges
            .get()
            .into_iter()
            .filter_map(|(a, b)| {
                let (x1, y1) = VIEW.screen_from_graph(ns.get(a)?.pos_in_graph);
                let (x2, y2) = VIEW.screen_from_graph(ns.get(b)?.pos_in_graph);
                let hl = move || {
                    let s = selected.get();
                    s == Some(a) || s == Some(b)
                };
                Some(view! {
                    <line class="edge" class:hl=hl x1=x1 y1=y1 x2=x2 y2=y2
                        data-edge=format!("{a}-{b}")></line>
                })
            })
            .collect_view()
    };
    let node_views = move || {
        nodes
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, n)| {
                let (x, y) = VIEW.screen_from_graph(n.pos_in_graph);
                let aria = n.description.clone();
                let is_sel = move || selected.get() == Some(i);
                let activate = move || {
                    if let Some(cb) = on_select {
                        cb.run(i)
                    }
                };
                view! {
                    <g class="node" class:selected=is_sel data-node=i tabindex="0" role="button"
                        aria-label=aria
                        aria-pressed=move || if is_sel() { "true" } else { "false" }
                        on:click=move |_| activate()
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                            if ev.key() == "Enter" || ev.key() == " " {
                                ev.prevent_default();
                                activate();
                            }
                        }>
                        <circle cx=x cy=y r=RADIUS></circle>
                        <text x=x y=y text-anchor="middle" dominant-baseline="central">{n.label}</text>
                        <title>{n.description}</title>
                    </g>
                }
            })
            .collect_view()
    };
    view! {
        <svg class="graph-canvas" viewBox=format!("0 0 {} {}", VIEW.width, VIEW.height)
            role="group" aria-label="graph drawing">
            <g class="edges">{edge_views}</g>
            <g class="nodes">{node_views}</g>
        </svg>
    }
}
