//! An editable node-link diagram in SVG, driven by pointer events so mouse, pen and touch work
//! alike, and by the keyboard (every node is a focusable button):
//!
//! - click (tap) empty space: a new node there;
//! - drag a node onto another node: an edge between them (a dashed line shows it first);
//! - drag a node elsewhere: it moves there;
//! - click a node or an edge: select it (again: clear);
//! - on a focused node: Enter/Space select, arrow keys move (Shift: further), C connects (or
//!   disconnects) the selected node and this one, L toggles a self-loop, Delete removes it.
//!
//! The widget changes nothing itself: it reports [`Edit`]s and selections, and the caller keeps
//! the graph (and its undo history). Geometry — node radius by graph size, hit tests — is plain
//! functions, tested natively.

use super::colour::{diverging, max_abs};
use super::projection::Viewport;
use crate::graph::edit::Edit;
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

/// What is selected in the drawing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Selection {
    /// Nothing.
    #[default]
    None,
    /// Node i.
    Node(usize),
    /// The edge (i, j), i ≤ j.
    Edge(usize, usize),
}

impl Selection {
    /// The selected node, if a node is selected.
    pub fn node(self) -> Option<usize> {
        match self {
            Selection::Node(i) => Some(i),
            _ => None,
        }
    }
}

/// Width of the drawing in SVG units.
pub const WIDTH: f64 = 560.0;
/// Height of the drawing in SVG units.
pub const HEIGHT: f64 = 380.0;
/// A pointer that travels less than this (SVG units) between press and release clicked.
const CLICK_SLOP: f64 = 5.0;
/// Arrow-key step in graph space (Shift: five times as far).
const KEY_STEP: f64 = 0.02;

fn positions_of(ns: &[CanvasNode]) -> Vec<(f64, f64)> {
    ns.iter().map(|n| n.pos_in_graph).collect()
}

fn labels_of(ns: &[CanvasNode]) -> Vec<String> {
    ns.iter().map(|n| n.label.clone()).collect()
}

/// Node radius for a graph of `n` nodes: large for the decks' examples, small for 500 nodes.
pub fn radius(n: usize) -> f64 {
    (17.0 * (12.0 / n.max(1) as f64).sqrt()).clamp(4.0, 17.0)
}

/// Whether labels fit inside nodes of this radius.
pub fn labels_fit(r: f64) -> bool {
    r >= 8.5
}

/// The viewport for nodes of radius `r` (a margin so border nodes are whole).
pub fn viewport(r: f64) -> Viewport {
    Viewport {
        width: WIDTH,
        height: HEIGHT,
        margin: r + 4.0,
    }
}

/// The topmost node whose circle contains `p` (screen space), leaving out `except`.
pub fn node_at(pts: &[(f64, f64)], p: (f64, f64), r: f64, except: Option<usize>) -> Option<usize> {
    let reach = (r + 3.0).max(9.0); // small nodes stay hittable with a finger
    (0..pts.len())
        .rev()
        .find(|&i| Some(i) != except && (pts[i].0 - p.0).hypot(pts[i].1 - p.1) <= reach)
}

/// The edge nearest to `p` within 7 units, if any (self-loops are hit on their loop).
pub fn edge_at(
    pts: &[(f64, f64)],
    edges: &[(usize, usize)],
    p: (f64, f64),
    r: f64,
) -> Option<(usize, usize)> {
    let mut best = None;
    let mut best_d = 7.0;
    for &(a, b) in edges {
        let (Some(&pa), Some(&pb)) = (pts.get(a), pts.get(b)) else {
            continue;
        };
        let d = if a == b {
            let (cx, cy) = loop_centre(pa, r);
            ((p.0 - cx).hypot(p.1 - cy) - loop_radius(r)).abs()
        } else {
            segment_distance(p, pa, pb)
        };
        if d < best_d {
            best_d = d;
            best = Some((a, b));
        }
    }
    best
}

fn segment_distance(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (p.0 - a.0 - t * dx).hypot(p.1 - a.1 - t * dy)
}

fn loop_radius(r: f64) -> f64 {
    r * 0.75
}

/// Where a self-loop's circle sits: above the node.
fn loop_centre(p: (f64, f64), r: f64) -> (f64, f64) {
    (p.0, p.1 - r - loop_radius(r) * 0.6)
}

/// The SVG user-space point under a client (CSS pixel) point, for an SVG element whose box is
/// `(left, top, width, height)` and whose viewBox (WIDTH × HEIGHT) is centred in it at the
/// largest scale that fits (the default `preserveAspectRatio="xMidYMid meet"`).
pub fn view_from_client(
    (left, top, width, height): (f64, f64, f64, f64),
    (cx, cy): (f64, f64),
) -> Option<(f64, f64)> {
    let scale = (width / WIDTH).min(height / HEIGHT);
    if !(scale.is_finite() && scale > 0.0) {
        return None;
    }
    let (ox, oy) = (
        (width - WIDTH * scale) / 2.0,
        (height - HEIGHT * scale) / 2.0,
    );
    Some(((cx - left - ox) / scale, (cy - top - oy) / scale))
}

/// A press on the drawing, followed until release.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Drag {
    /// The node pressed, if any.
    node: Option<usize>,
    start: (f64, f64),
    at: (f64, f64),
    moved: bool,
    pointer: i32,
}

/// An editable undirected graph drawing.
#[component]
pub fn GraphCanvas(
    /// Nodes in matrix order.
    #[prop(into)]
    nodes: Signal<Vec<CanvasNode>>,
    /// Edges as pairs of node indices.
    #[prop(into)]
    edges: Signal<Vec<(usize, usize)>>,
    /// The selection (the caller owns it; the canvas sets it on clicks).
    selection: RwSignal<Selection>,
    /// The node under the pointer (set by the canvas).
    hover: RwSignal<Option<usize>>,
    /// A value per node drawn as its fill colour (diverging scale), or none.
    #[prop(optional, into)]
    colours: Signal<Option<Vec<f64>>>,
    /// Called with each edit the student makes.
    on_edit: Callback<Edit>,
    /// While true (and `on_paint` given), clicking a node calls `on_paint` instead of selecting
    /// (e.g. drawing a signal), and clicking empty space adds nothing.
    #[prop(optional, into)]
    painting: Signal<bool>,
    /// See `painting`.
    #[prop(optional)]
    on_paint: Option<Callback<usize>>,
    /// A weight in [0, 1] per edge (in the order of `edges`), drawn as its width and opacity
    /// (e.g. attention coefficients), or none.
    #[prop(optional, into)]
    edge_weights: Signal<Option<Vec<f64>>>,
    /// A class per node drawn as a ring (e.g. the labels of semi-supervised training), or none.
    #[prop(optional, into)]
    marks: Signal<Option<Vec<Option<usize>>>>,
) -> impl IntoView {
    // The props are often derived signals, which rebuild their value on every read: read once
    // per change into memos (hundreds of per-node closures read them; at 500 nodes each edit
    // rebuilt the node list 1 000 times).
    //
    // The nodes are split into positions, labels and one description signal per node, each set
    // only when it changed, so the per-node closures hear of a change only where it changed
    // something. Behind one memo of the whole list, any change of the view's state marked all of
    // them for checking, and each edit (descriptions give the degree) re-ran two per node, each
    // re-subscribing — O(n²) in the reactive graph, ~20 ms of a 500-node edit.
    let positions = RwSignal::new(nodes.with_untracked(|ns| positions_of(ns)));
    let labels = RwSignal::new(nodes.with_untracked(|ns| labels_of(ns)));
    let descs = StoredValue::new(Vec::<RwSignal<String>>::new());
    Effect::new(move |_| {
        nodes.with(|ns| {
            let p = positions_of(ns);
            if positions.with_untracked(|q| q != &p) {
                positions.set(p);
            }
            let l = labels_of(ns);
            if labels.with_untracked(|m| m != &l) {
                labels.set(l);
            }
            descs.with_value(|d| {
                for (s, n) in d.iter().zip(ns) {
                    if s.try_with_untracked(|x| x != &n.description) == Some(true) {
                        s.set(n.description.clone());
                    }
                }
            })
        })
    });
    let edges = Memo::new(move |_| edges.get());
    let colours = Memo::new(move |_| colours.get());
    let edge_weights = Memo::new(move |_| edge_weights.get());
    let marks = Memo::new(move |_| marks.get());
    let paint_now = move || on_paint.filter(|_| painting.get_untracked());
    let svg = NodeRef::<leptos::svg::Svg>::new();
    let drag = RwSignal::new(None::<Drag>);
    let count = Memo::new(move |_| labels.with(Vec::len));
    let r = Memo::new(move |_| radius(count.get()));
    let view_port = Memo::new(move |_| viewport(r.get()));
    // Screen positions, the dragged node following the pointer.
    let pts = Memo::new(move |_| {
        let vp = view_port.get();
        let mut p: Vec<(f64, f64)> =
            positions.with(|ps| ps.iter().map(|&q| vp.screen_from_graph(q)).collect());
        if let Some(Drag {
            node: Some(i),
            at,
            moved: true,
            ..
        }) = drag.get()
        {
            if let Some(q) = p.get_mut(i) {
                *q = at;
            }
        }
        p
    });
    // The node a dragged node would connect to on release.
    let target = Memo::new(move |_| match drag.get() {
        Some(Drag {
            node: Some(i),
            at,
            moved: true,
            ..
        }) => pts.with(|p| node_at(p, at, r.get(), Some(i))),
        _ => None,
    });
    let emphasised = Memo::new(move |_| hover.get().or(selection.get().node()));
    let fills = Memo::new(move |_| {
        colours.get().map(|v| {
            let m = max_abs(v.iter()).max(1e-12);
            v.iter().map(|x| diverging(*x, m)).collect::<Vec<_>>()
        })
    });

    let to_svg = move |ev: &web_sys::PointerEvent| -> Option<(f64, f64)> {
        let el = svg.get_untracked()?;
        let rect = el.get_bounding_client_rect();
        view_from_client(
            (rect.left(), rect.top(), rect.width(), rect.height()),
            (f64::from(ev.client_x()), f64::from(ev.client_y())),
        )
    };
    let on_down = move |ev: web_sys::PointerEvent| {
        if ev.button() != 0 {
            return;
        }
        let Some(p) = to_svg(&ev) else { return };
        let node = pts.with_untracked(|q| node_at(q, p, r.get_untracked(), None));
        if let Some(el) = svg.get_untracked() {
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
        drag.set(Some(Drag {
            node,
            start: p,
            at: p,
            moved: false,
            pointer: ev.pointer_id(),
        }));
    };
    let on_move = move |ev: web_sys::PointerEvent| {
        let Some(p) = to_svg(&ev) else { return };
        match drag.get_untracked() {
            Some(d) if d.pointer == ev.pointer_id() => {
                let moved = d.moved || (p.0 - d.start.0).hypot(p.1 - d.start.1) > CLICK_SLOP;
                // Only a press on a node drags; a press on empty space waits for its release.
                if d.node.is_some() {
                    drag.set(Some(Drag { at: p, moved, ..d }));
                } else if moved != d.moved {
                    drag.set(Some(Drag { moved, ..d }));
                }
            }
            _ => {
                let h = pts.with_untracked(|q| node_at(q, p, r.get_untracked(), None));
                if hover.get_untracked() != h {
                    hover.set(h);
                }
            }
        }
    };
    let on_up = move |ev: web_sys::PointerEvent| {
        let Some(d) = drag.get_untracked() else {
            return;
        };
        if d.pointer != ev.pointer_id() {
            return;
        }
        let to = target.get_untracked();
        drag.set(None);
        let vp = view_port.get_untracked();
        match (d.node, d.moved) {
            (Some(i), false) => match paint_now() {
                Some(paint) => paint.run(i),
                None => selection.update(|s| {
                    *s = if *s == Selection::Node(i) {
                        Selection::None
                    } else {
                        Selection::Node(i)
                    }
                }),
            },
            (Some(i), true) => match to {
                Some(j) => on_edit.run(Edit::AddEdge(i, j)),
                None => {
                    let (x, y) = vp.graph_from_screen(d.at);
                    on_edit.run(Edit::Move(i, x, y));
                }
            },
            (None, false) => {
                let hit = pts.with_untracked(|q| {
                    edges.with_untracked(|e| edge_at(q, e, d.start, r.get_untracked()))
                });
                match hit {
                    Some((a, b)) => selection.update(|s| {
                        *s = if *s == Selection::Edge(a, b) {
                            Selection::None
                        } else {
                            Selection::Edge(a, b)
                        }
                    }),
                    None if paint_now().is_none() => {
                        let (x, y) = vp.graph_from_screen(d.start);
                        selection.set(Selection::None);
                        on_edit.run(Edit::AddNode(x, y));
                    }
                    None => {}
                }
            }
            (None, true) => {}
        }
    };
    let on_cancel = move |_: web_sys::PointerEvent| drag.set(None);

    // Keys on a focused node.
    let node_key = move |i: usize, ev: web_sys::KeyboardEvent| {
        let key = ev.key();
        let step = if ev.shift_key() {
            KEY_STEP * 5.0
        } else {
            KEY_STEP
        };
        let pos = positions.with_untracked(|ps| ps.get(i).copied());
        let Some((x, y)) = pos else { return };
        let edit = match key.as_str() {
            "Enter" | " " => {
                match paint_now() {
                    Some(paint) => paint.run(i),
                    None => selection.update(|s| {
                        *s = if *s == Selection::Node(i) {
                            Selection::None
                        } else {
                            Selection::Node(i)
                        }
                    }),
                }
                None
            }
            "ArrowLeft" => Some(Edit::Move(i, x - step, y)),
            "ArrowRight" => Some(Edit::Move(i, x + step, y)),
            "ArrowUp" => Some(Edit::Move(i, x, y - step)),
            "ArrowDown" => Some(Edit::Move(i, x, y + step)),
            "Delete" | "Backspace" => Some(Edit::RemoveNode(i)),
            "c" | "C" => match selection.get_untracked() {
                Selection::Node(s) if s != i => {
                    let e = (s.min(i), s.max(i));
                    Some(if edges.with_untracked(|es| es.contains(&e)) {
                        Edit::RemoveEdge(s, i)
                    } else {
                        Edit::AddEdge(s, i)
                    })
                }
                _ => None,
            },
            "l" | "L" => Some(if edges.with_untracked(|es| es.contains(&(i, i))) {
                Edit::RemoveEdge(i, i)
            } else {
                Edit::AddEdge(i, i)
            }),
            _ => return,
        };
        ev.prevent_default();
        ev.stop_propagation();
        if let Some(e) = edit {
            on_edit.run(e);
        }
    };

    // Each distinct edge once, sorted, with its index in `edges` (where its weight is). The
    // edges are a keyed list: an edit adds or removes one line instead of rebuilding every edge
    // and its reactive attributes (9 ms of each edit at 40 nodes).
    let keyed = Memo::new(move |_| {
        edges.with(|e| {
            let mut v: Vec<((usize, usize), usize)> =
                e.iter().enumerate().map(|(k, &ab)| (ab, k)).collect();
            v.sort_unstable();
            v.dedup_by_key(|x| x.0);
            v
        })
    });
    let edge_view = move |((a, b), _): ((usize, usize), usize)| {
        let weight = move || {
            // Only pages that weight edges (GAT) follow the edge list here.
            edge_weights.with(Option::is_some).then_some(())?;
            let k = keyed.with(|v| {
                v.binary_search_by_key(&(a, b), |x| x.0)
                    .ok()
                    .map(|p| v[p].1)
            })?;
            edge_weights.with(|w| w.as_ref().and_then(|w| w.get(k).copied()))
        };
        let width = move || weight().map(|w| format!("{:.2}", 1.0 + 7.0 * w.clamp(0.0, 1.0)));
        let opacity = move || weight().map(|w| format!("{:.2}", 0.2 + 0.8 * w.clamp(0.0, 1.0)));
        let end = move |k: usize| pts.with(|p| p.get(k).copied().unwrap_or_default());
        let hl = move || {
            let s = emphasised.get();
            s == Some(a) || s == Some(b)
        };
        let sel = move || selection.get() == Selection::Edge(a, b);
        if a == b {
            let c = move || loop_centre(end(a), r.get());
            view! {
                <circle class="edge self-loop" class:hl=hl class:selected=sel
                    style:stroke-width=width style:opacity=opacity
                    cx=move || c().0 cy=move || c().1 r=move || loop_radius(r.get())
                    data-edge=format!("{a}-{b}")></circle>
            }
            .into_any()
        } else {
            view! {
                <line class="edge" class:hl=hl class:selected=sel
                    style:stroke-width=width style:opacity=opacity
                    x1=move || end(a).0 y1=move || end(a).1
                    x2=move || end(b).0 y2=move || end(b).1
                    data-edge=format!("{a}-{b}")></line>
            }
            .into_any()
        }
    };
    // The node list is rebuilt only when nodes are added, removed or relabelled; positions,
    // colours and descriptions update in place.
    let node_views = move || {
        let show_label = labels_fit(r.get());
        // Created with the views (and gone with them), in `descs` for the effect above.
        let own = nodes.with_untracked(|ns| {
            ns.iter()
                .map(|n| RwSignal::new(n.description.clone()))
                .collect::<Vec<_>>()
        });
        descs.set_value(own.clone());
        labels
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, label)| {
                let at = move || pts.with(|p| p.get(i).copied().unwrap_or_default());
                let own = own.get(i).copied();
                let desc = move || own.map(|d| d.get()).unwrap_or_default();
                let is_sel = move || selection.get() == Selection::Node(i);
                let fill = move || fills.with(|f| f.as_ref().and_then(|f| f.get(i)).map(|c| c.css()));
                let ink = move || fills.with(|f| f.as_ref().and_then(|f| f.get(i)).map(|c| c.text_colour()));
                let mark = move || marks.with(|m| m.as_ref().and_then(|m| m.get(i).copied().flatten()));
                view! {
                    <g class="node" class:selected=is_sel class:hl=move || hover.get() == Some(i)
                        class:target=move || target.get() == Some(i)
                        class:marked=move || mark().is_some() data-mark=move || mark().map(|c| c.to_string())
                        data-node=i tabindex="0" role="button"
                        aria-label=desc
                        aria-pressed=move || if is_sel() { "true" } else { "false" }
                        aria-keyshortcuts="Enter Space ArrowUp ArrowDown ArrowLeft ArrowRight Delete C L"
                        on:keydown=move |ev| node_key(i, ev)
                        on:focus=move |_| hover.set(Some(i))
                        on:blur=move |_| hover.set(None)>
                        <circle cx=move || at().0 cy=move || at().1 r=move || r.get() style:fill=fill></circle>
                        {show_label.then(|| view! {
                            <text x=move || at().0 y=move || at().1 text-anchor="middle" dominant-baseline="central"
                                style:fill=ink style:font-size=move || format!("{:.0}px", (r.get() * 0.9).clamp(9.0, 15.0))>
                                {label.clone()}
                            </text>
                        })}
                        <title>{desc}</title>
                    </g>
                }
            })
            .collect_view()
    };
    // While a dragged node is over another: the edge it would make, dashed.
    let preview = move || {
        let (i, j) = (drag.get()?.node?, target.get()?);
        let vp = view_port.get();
        let from = positions.with(|ps| ps.get(i).map(|&q| vp.screen_from_graph(q)))?;
        let to = pts.with(|p| p.get(j).copied())?;
        Some(view! {
            <line class="edge-preview" x1=from.0 y1=from.1 x2=to.0 y2=to.1></line>
        })
    };
    view! {
        <svg class="graph-canvas" node_ref=svg viewBox=format!("0 0 {WIDTH} {HEIGHT}")
            role="group" aria-label="graph drawing: click empty space to add a node, drag a node onto another to connect them, drag it elsewhere to move it"
            class:painting=move || on_paint.is_some() && painting.get()
            class:dragging=move || drag.with(|d| d.is_some_and(|d| d.moved && d.node.is_some()))
            on:pointerdown=on_down on:pointermove=on_move on:pointerup=on_up
            on:pointercancel=on_cancel
            on:pointerleave=move |_| { if drag.get_untracked().is_none() { hover.set(None) } }>
            <rect class="canvas-bg" width=WIDTH height=HEIGHT></rect>
            <g class="edges"><For each=move || keyed.get() key=|e| e.0 children=edge_view/></g>
            {preview}
            <g class="nodes">{node_views}</g>
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radius_shrinks_with_size_but_stays_hittable() {
        assert_eq!(radius(6), 17.0);
        assert!(radius(34) < 12.0 && labels_fit(radius(34)));
        assert_eq!(radius(500), 4.0);
        assert!(!labels_fit(radius(200)));
        // A finger-sized reach around tiny nodes.
        assert_eq!(node_at(&[(10.0, 10.0)], (18.0, 10.0), 4.0, None), Some(0));
    }

    #[test]
    fn hit_tests() {
        let pts = [(0.0, 0.0), (100.0, 0.0), (50.0, 80.0)];
        assert_eq!(node_at(&pts, (98.0, 4.0), 17.0, None), Some(1));
        assert_eq!(node_at(&pts, (98.0, 4.0), 17.0, Some(1)), None);
        assert_eq!(node_at(&pts, (50.0, 40.0), 17.0, None), None);
        let edges = [(0, 1), (1, 2), (2, 2)];
        assert_eq!(edge_at(&pts, &edges, (50.0, 3.0), 17.0), Some((0, 1)));
        assert_eq!(edge_at(&pts, &edges, (50.0, 30.0), 17.0), None);
        // The self-loop's circle sits above node 2.
        let (cx, cy) = loop_centre(pts[2], 17.0);
        assert_eq!(
            edge_at(&pts, &edges, (cx, cy - loop_radius(17.0)), 17.0),
            Some((2, 2))
        );
    }

    #[test]
    fn client_points_map_through_the_letterbox() {
        // Exactly the viewBox's aspect: a plain scale.
        let p = view_from_client(
            (10.0, 20.0, WIDTH / 2.0, HEIGHT / 2.0),
            (10.0 + 50.0, 20.0 + 30.0),
        );
        assert_eq!(p, Some((100.0, 60.0)));
        // Twice as wide as needed: the drawing is centred, with bars left and right.
        let p = view_from_client((0.0, 0.0, WIDTH * 2.0, HEIGHT), (WIDTH / 2.0, 0.0));
        assert_eq!(p, Some((0.0, 0.0)));
        assert_eq!(view_from_client((0.0, 0.0, 0.0, 10.0), (1.0, 1.0)), None);
    }

    #[test]
    fn selection_node() {
        assert_eq!(Selection::Node(3).node(), Some(3));
        assert_eq!(Selection::Edge(1, 2).node(), None);
    }
}
