//! The GCN view (seeds 000–004): a graph the student edits — by pointer, touch or keyboard,
//! with undo — and everything the slides compute from it, live: A, D, A + I, the normalized
//! adjacency P (or Kipf's renormalised P̃ with the self-loop switch) and the Laplacian
//! L = I − D^-½AD^-½, with the formula of the entry under the pointer; then L's spectrum, its
//! eigenvectors on the nodes, and a node signal's graph Fourier transform and low-pass filter.

mod formula;
mod gat;
pub mod gat_state;
mod matrices;
mod passing;
pub mod passing_state;
mod spectrum;
pub mod state;
pub mod train_state;
mod training;

use crate::graph::edit::{Edit, History, MAX_NODES};
use crate::graph::layout::ForceLayout;
use crate::graph::presets::{self, PRESETS};
use crate::hooks::use_url_state;
use crate::route::Route;
use crate::views::train_loop::{use_frame_loop, FRAME_BUDGET_MS};
use crate::widgets::controls::Select;
use crate::widgets::graph_canvas::{CanvasNode, Selection};
use crate::widgets::GraphCanvas;
use leptos::prelude::*;
use state::{run, sanitized, Colouring, GcnState};

/// Which matrix an entry formula refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// Adjacency A.
    A,
    /// A + I.
    At,
    /// Degree matrix D (D̃ with self-loops).
    D,
    /// Normalized adjacency P (P̃ with self-loops).
    P,
    /// Normalized Laplacian L.
    L,
}

/// Force-layout steps per animation frame at most (about a second to settle).
const LAYOUT_STEPS_PER_FRAME: usize = 3;

/// Presets whose stored positions are a plain circle: laid out by force when loaded.
const LAID_OUT: [&str; 3] = ["karate", "er", "sbm"];

/// The GCN view: on `gcn.html` the matrices, message passing and the spectrum; with `learn`
/// (`gcn-learn.html`) graph attention and training. Both pages share the editor and the state,
/// so a link carries the graph from one to the other. A page built without a feature leaves the
/// other page's panels out of its wasm (`cfg!` below is a constant the compiler folds).
#[component]
pub fn GcnView(
    /// The second page: GAT and training.
    #[prop(optional)]
    learn: bool,
) -> impl IntoView {
    let first = cfg!(feature = "gcn") && !learn;
    let second = cfg!(feature = "gcn-learn") && learn;
    let (route, other) = if learn {
        (Route::GcnLearn, Route::Gcn)
    } else {
        (Route::Gcn, Route::GcnLearn)
    };
    let (state, link_error) = use_url_state::<GcnState>(route);
    let (clean, mut load_notes) = state.with_untracked(sanitized);
    state.set(clean);
    load_notes.extend(link_error);
    let history = StoredValue::new(History::new(state.with_untracked(|s| s.graph.clone())));
    let undo_redo = RwSignal::new((false, false));
    let edit_note = RwSignal::new(None::<Result<String, String>>);
    let structure = Memo::new(move |_| state.with(GcnState::structure));
    let crate::views::EngineRun {
        run,
        ms: engine_ms,
        latest,
        ..
    } = crate::views::use_engine_run(structure, run);
    // Made before the panels, so a large graph's job goes to the worker before they repaint.
    #[cfg_attr(not(feature = "gcn"), allow(unused_variables))]
    let (spectral, ask_spectrum) = match first.then(|| spectrum::use_spectrum(structure, latest)) {
        Some((s, ask)) => (Some(s), Some(ask)),
        None => (None, None),
    };
    let selection = RwSignal::new(Selection::None);
    let hover = RwSignal::new(None::<usize>);
    let painting = RwSignal::new(false);
    let labelling = RwSignal::new(false);
    // The entry whose formula is written out; P₁₂ to begin with, as on the slide.
    let entry = RwSignal::new((Which::P, 0usize, 1usize));
    let labels = Memo::new(move |_| {
        state.with(|s| {
            s.graph
                .nodes
                .iter()
                .map(|n| n.label.clone())
                .collect::<Vec<_>>()
        })
    });

    // The force layout: runs in frames until it settles, then becomes one undoable step.
    let layout = StoredValue::new_local(None::<ForceLayout>);
    let laying_out = RwSignal::new(false);
    let finish_layout = move || {
        if layout.with_value(Option::is_some) {
            layout.set_value(None);
            laying_out.set(false);
            let g = state.with_untracked(|s| s.graph.clone());
            history.update_value(|h| h.replace(g));
            sync_undo(history, undo_redo);
        }
    };
    use_frame_loop(laying_out, move || {
        let t0 = crate::hooks::now_ms();
        let mut done = true;
        layout.update_value(|l| {
            if let Some(l) = l {
                // A few steps a frame, within the frame budget, so the student sees it settle.
                for _ in 0..LAYOUT_STEPS_PER_FRAME {
                    if l.is_finished() || crate::hooks::now_ms() - t0 > FRAME_BUDGET_MS {
                        break;
                    }
                    l.tick();
                }
                done = l.is_finished();
                let pos = l.positions();
                state.update(|s| {
                    for (n, (x, y)) in s.graph.nodes.iter_mut().zip(pos) {
                        (n.x, n.y) = (x, y);
                    }
                });
            }
        });
        if done {
            finish_layout();
        }
    });
    let start_layout = move || {
        let (pos, edges) = state.with_untracked(|s| {
            (
                s.graph.nodes.iter().map(|n| (n.x, n.y)).collect::<Vec<_>>(),
                s.graph.edges.clone(),
            )
        });
        layout.set_value(Some(ForceLayout::new(pos, &edges)));
        laying_out.set(true);
    };

    let set_graph_from_history = move || {
        let g = history.with_value(|h| h.current().clone());
        state.update(|s| {
            s.graph = g;
            s.signal.truncate(s.graph.nodes.len());
        });
        sync_undo(history, undo_redo);
    };
    // A large graph's spectrum is asked of the worker as soon as the graph changes, before the
    // panels repaint (from the structure's effect it would leave after some of them).
    // Compiled out of gcn-learn.html: called through the callback, the optimiser could not see
    // that it never runs there and kept the spectrum's worker code.
    let ask_now = move || {
        #[cfg(feature = "gcn")]
        if let Some(ask) = ask_spectrum {
            ask();
        }
    };
    let apply = Callback::new(move |e: Edit| {
        finish_layout();
        match history.try_update_value(|h| h.apply(&e)) {
            Some(Ok(note)) => {
                edit_note.set(note.map(Ok));
                if let Edit::RemoveNode(i) = e {
                    selection.set(Selection::None);
                    hover.set(None);
                    state.update(|s| {
                        if i < s.signal.len() {
                            s.signal.remove(i);
                        }
                        if i < s.labels.len() {
                            s.labels.remove(i);
                        }
                    });
                }
                if let (Edit::RemoveEdge(a, b), Selection::Edge(x, y)) =
                    (&e, selection.get_untracked())
                {
                    if (*a.min(b), *a.max(b)) == (x, y) {
                        selection.set(Selection::None);
                    }
                }
                state.update(|s| s.preset.clear());
                set_graph_from_history();
                ask_now();
            }
            Some(Err(msg)) => edit_note.set(Some(Err(msg))),
            None => {}
        }
    });
    // Undo and redo: one step through the history, whichever way.
    let step = move |go: fn(&mut History) -> bool| {
        finish_layout();
        if history.try_update_value(go).unwrap_or(false) {
            selection.set(Selection::None);
            edit_note.set(None);
            set_graph_from_history();
            ask_now();
        }
    };
    let undo = move || step(History::undo);
    let redo = move || step(History::redo);
    let delete_selected = move || match selection.get_untracked() {
        Selection::Node(i) => apply.run(Edit::RemoveNode(i)),
        Selection::Edge(a, b) => apply.run(Edit::RemoveEdge(a, b)),
        Selection::None => edit_note.set(Some(Err(
            "select a node or an edge first (click it), then delete".into(),
        ))),
    };
    let load_preset = move |key: String| {
        let seed = state.with_untracked(|s| s.seed);
        let Some(g) = presets::preset(&key, seed) else {
            return;
        };
        finish_layout();
        history.update_value(|h| h.replace(g));
        selection.set(Selection::None);
        hover.set(None);
        edit_note.set(None);
        state.update(|s| {
            s.preset = key.clone();
            s.eig = 1;
            s.signal = vec![1.0];
            // The karate club comes with its two leaders labelled, ready to train.
            s.labels = if key == "karate" {
                let mut l = vec![None; 34];
                (l[0], l[33]) = (Some(0), Some(1));
                l
            } else {
                Vec::new()
            };
            if s.colour == Colouring::Prediction {
                s.colour = Colouring::None;
            }
        });
        set_graph_from_history();
        if LAID_OUT.contains(&key.as_str()) {
            start_layout();
        }
    };
    // Keys anywhere in the view (a focused node's own keys come first and stop here).
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let in_field = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
        if in_field {
            return;
        }
        let key = ev.key();
        let ctrl = ev.ctrl_key() || ev.meta_key();
        match key.as_str() {
            "z" | "Z" if ctrl && ev.shift_key() => redo(),
            "z" | "Z" if ctrl => undo(),
            "y" | "Y" if ctrl => redo(),
            "Delete" | "Backspace" if selection.get_untracked() != Selection::None => {
                delete_selected()
            }
            "Escape" => selection.set(Selection::None),
            _ => return,
        }
        ev.prevent_default();
    };

    let degrees = Memo::new(move |_| {
        run.with(|r| {
            r.as_ref()
                .map(|r| r.plain.degrees.iter().copied().collect::<Vec<_>>())
                .unwrap_or_default()
        })
    });
    let nodes = Signal::derive(move || {
        let degrees = degrees.get();
        state.with(|s| {
            s.graph
                .nodes
                .iter()
                .enumerate()
                .map(|(i, n)| CanvasNode {
                    label: n.label.clone(),
                    pos_in_graph: (n.x, n.y),
                    description: match degrees.get(i) {
                        Some(d) => format!("node {}, degree {d}", n.label),
                        None => format!("node {}", n.label),
                    },
                })
                .collect()
        })
    });
    let edges = Signal::derive(move || state.with(|s| s.graph.edges.clone()));
    let report = spectral.map(|sp| spectrum::use_report(state, sp));
    let prop = first.then(|| passing::use_propagation(state, run));
    let training = second.then(|| training::use_training(state, run));
    let colours = use_node_colours(state, spectral, report, prop, training.map(|t| t.report));
    let signal_node = Signal::derive(move || selection.get().node().or(hover.get()));
    let gat = second.then(|| gat::use_gat(state, run));
    let edge_weights = Signal::derive(move || {
        let head = state.with(|s| s.gat_head);
        if head == 0 {
            return None;
        }
        let picked = signal_node.get();
        gat?.with(|g| {
            let g = g.as_ref()?;
            state.with(|s| gat_state::edge_weights(g, head - 1, &s.graph.edges, picked))
        })
    });
    // Labels matter on the training page only.
    let marks = Signal::derive(move || {
        if !second {
            return None;
        }
        state.with(|s| {
            let l = train_state::labels_for(&s.labels, s.graph.nodes.len());
            l.iter().any(Option::is_some).then_some(l)
        })
    });
    let paint = Callback::new(move |i: usize| {
        if labelling.get_untracked() {
            state.update(|s| {
                let n = s.graph.nodes.len();
                s.labels = train_state::labels_for(&s.labels, n);
                if let Some(l) = s.labels.get_mut(i) {
                    *l = train_state::next_label(*l);
                }
                s.colour = Colouring::Prediction;
            });
            return;
        }
        state.update(|s| {
            let n = s.graph.nodes.len();
            if s.signal.len() < n {
                s.signal.resize(n, 0.0);
            }
            if let Some(v) = s.signal.get_mut(i) {
                // 0 → 1 → −1 → 0: a student draws signs as well as a bump.
                *v = if *v == 0.0 {
                    1.0
                } else if *v > 0.0 {
                    -1.0
                } else {
                    0.0
                };
            }
            s.colour = Colouring::Signal;
        })
    });

    let notes = move || {
        let labels = labels.get();
        run.with(|r| match r {
            Ok(r) => state::notes(r, &labels),
            Err(e) => vec![e.clone()],
        })
    };
    let selection_text = move || match selection.get() {
        Selection::Node(i) => {
            let label = labels.with(|l| l.get(i).cloned().unwrap_or_default());
            let d = degrees.with(|d| d.get(i).copied()).unwrap_or(0.0);
            format!("Node {label} selected (degree {d}): Delete removes it; focus another node and press C to connect them.")
        }
        Selection::Edge(a, b) => {
            let l = |k: usize| labels.with(|l| l.get(k).cloned().unwrap_or_default());
            format!("Edge {}–{} selected: Delete removes it.", l(a), l(b))
        }
        Selection::None => String::new(),
    };
    let preset_options: Vec<(&'static str, &'static str)> =
        std::iter::once(("", "(your own graph)"))
            .chain(PRESETS)
            .collect();
    let toolbar = view! {
        <div class="graph-toolbar" role="toolbar" aria-label="graph editing">
            <Select label="Preset" name="preset" options=preset_options
                value=Signal::derive(move || state.with(|s| s.preset.clone()))
                on_change=Callback::new(load_preset)/>
            <label class="control seed" data-control="seed">
                <span class="control-label">"Seed (random graphs)"</span>
                <input type="number" min="0" prop:value=move || state.with(|s| s.seed).to_string()
                    on:change=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<u64>() {
                            state.update(|s| s.seed = v);
                            let key = state.with_untracked(|s| s.preset.clone());
                            if key == "er" || key == "sbm" { load_preset(key) }
                        }
                    }/>
            </label>
            <div class="tool-buttons">
                <button class="tool undo" prop:disabled=move || !undo_redo.get().0 on:click=move |_| undo()
                    aria-keyshortcuts="Control+Z" title="Undo (Ctrl+Z)">"↶ Undo"</button>
                <button class="tool redo" prop:disabled=move || !undo_redo.get().1 on:click=move |_| redo()
                    aria-keyshortcuts="Control+Y" title="Redo (Ctrl+Y)">"↷ Redo"</button>
                <button class="tool add-node" title="Add a node (or click empty space in the drawing)"
                    on:click=move |_| {
                        let n = state.with_untracked(|s| s.graph.nodes.len());
                        // Spread keyboard-added nodes over a small spiral around the centre.
                        let a = n as f64 * 2.4;
                        let rr = 0.08 + 0.02 * (n % 10) as f64;
                        apply.run(Edit::AddNode(0.5 + rr * a.cos(), 0.5 + rr * a.sin()));
                    }>"+ Node"</button>
                <button class="tool self-loop" prop:disabled=move || selection.get().node().is_none()
                    title="Add or remove a self-loop on the selected node (key L)"
                    on:click=move |_| if let Some(i) = selection.get_untracked().node() {
                        let has = state.with_untracked(|s| s.graph.edges.contains(&(i, i)));
                        apply.run(if has { Edit::RemoveEdge(i, i) } else { Edit::AddEdge(i, i) });
                    }>"⟲ Self-loop"</button>
                <button class="tool delete" prop:disabled=move || selection.get() == Selection::None
                    title="Delete the selected node or edge (Delete key)"
                    on:click=move |_| delete_selected()>"Delete"</button>
                <button class="tool tidy" on:click=move |_| start_layout()
                    prop:disabled=move || laying_out.get()
                    title="Force layout: nodes repel, edges pull, until it settles">
                    {move || if laying_out.get() { "Laying out…" } else { "✥ Tidy layout" }}
                </button>
                <label class="control check paint-toggle" data-control="paint">
                    <input type="checkbox" prop:checked=move || painting.get()
                        on:change=move |ev| { painting.set(event_target_checked(&ev)); labelling.set(false) }/>
                    <span>"Draw a signal (click nodes: 0 → 1 → −1)"</span>
                </label>
                {second.then(|| view! {
                <label class="control check label-toggle" data-control="label">
                    <input type="checkbox" prop:checked=move || labelling.get()
                        on:change=move |ev| { labelling.set(event_target_checked(&ev)); painting.set(false) }/>
                    <span>"Label nodes (click: blue → red → none)"</span>
                </label>
                })}
            </div>
        </div>
    };

    view! {
        <section class="view gcn-view" on:keydown=on_key
            data-engine-ms=move || { latest.track(); format!("{:.2}", engine_ms.get_value()) }>
            <header class="view-header">
                <h1>{if learn { "Graph attention and training" } else { "Graph convolutional networks" }}</h1>
                <p class="lede">
                    {if learn {
                        "The same editable graph, learning: how a GAT's heads weigh each neighbourhood, and a
                        two-layer GCN trained live from a few labelled nodes. "
                    } else {
                        "Draw a graph — or start from the decks' examples — and watch the matrices of a GCN
                        layer, message passing and the Laplacian's spectrum follow every edit. "
                    }}
                    "Click empty space to add a node, drag one node onto another to connect them, drag a
                    node elsewhere to move it; click a node or edge to select it. Ctrl+Z undoes. "
                    <a class="page-switch" href=other.link() on:click=move |ev| {
                        // Carry the graph and every control to the other page.
                        ev.prevent_default();
                        let url = format!("{}{}", other.page(), state.with_untracked(|s| crate::state::encode(other.href(), s)));
                        let _ = window().location().set_href(&url);
                    }>
                        {if learn { "← Matrices, message passing and spectrum of this graph" } else { "Graph attention and training on this graph →" }}
                    </a>
                </p>
            </header>
            {load_notes.into_iter().map(|e| view! { <p class="error" role="alert">{e}</p> }).collect_view()}
            {toolbar}
            <div class="gcn-top">
                <figure class="panel graph-panel">
                    <GraphCanvas nodes=nodes edges=edges selection=selection hover=hover
                        colours=colours on_edit=apply painting=Signal::derive(move || painting.get() || labelling.get())
                        on_paint=paint marks=marks edge_weights=edge_weights/>
                    <figcaption>
                        <span class="graph-size">{move || {
                            let (n, m) = state.with(|s| (s.graph.nodes.len(), s.graph.edges.len()));
                            format!("{n} node{}, {m} edge{} (at most {MAX_NODES} nodes). ", if n == 1 { "" } else { "s" }, if m == 1 { "" } else { "s" })
                        }}</span>
                        <span class="selection-text">{selection_text}</span>
                    </figcaption>
                    <div class="edit-status" aria-live="polite">
                        {move || edit_note.get().map(|n| match n {
                            Ok(note) => view! { <p class="note edit-note" role="status">{note}</p> }.into_any(),
                            Err(e) => view! { <p class="error edit-error" role="alert">{format!("Not changed: {e}.")}</p> }.into_any(),
                        })}
                        {move || notes().into_iter().map(|n| view! { <p class="note graph-note">{n}</p> }).collect_view()}
                    </div>
                </figure>
                {first.then(|| view! { <matrices::EntryPanel state=state run=run labels=labels entry=entry/> })}
                {gat.filter(|_| second).map(|gat| view! { <gat::GatPanel state=state labels=labels node=signal_node gat=gat/> })}
            </div>
            {prop.zip(report).zip(spectral).filter(|_| first).map(|((prop, report), spectral)| view! {
                <matrices::MatricesPanel state=state run=run labels=labels hover=hover selection=selection entry=entry/>
                <passing::PassingPanel state=state run=run labels=labels node=signal_node prop=prop/>
                <spectrum::SpectrumPanel state=state run=run labels=labels node=signal_node spectral=spectral report=report/>
            })}
            {training.filter(|_| second).map(|training| view! { <training::TrainingPanel state=state training=training/> })}
        </section>
    }
}

/// The values the nodes are coloured by, as chosen in the state (None: plain nodes, or a
/// colouring this page does not have).
fn use_node_colours(
    state: RwSignal<GcnState>,
    spectral: Option<spectrum::SpectralSignal>,
    report: Option<Memo<Option<state::SignalReport>>>,
    prop: Option<Memo<Option<passing_state::PassingRun>>>,
    prediction: Option<RwSignal<Option<train_state::GcnReport>>>,
) -> Memo<Option<Vec<f64>>> {
    let choice = Memo::new(move |_| state.with(|s| (s.colour, s.eig)));
    let signal = Memo::new(move |_| state.with(|s| s.signal_vec()));
    let nodes = Memo::new(move |_| state.with(|s| s.graph.nodes.len()));
    Memo::new(move |_| {
        let (colour, eig) = choice.get();
        let values: Option<Vec<f64>> = match colour {
            Colouring::None => None,
            Colouring::Eigenvector => spectral?.with(|s| {
                let sp = s.as_ref()?.spectrum.as_ref().ok()?;
                sp.vector(eig).map(|u| u.iter().copied().collect())
            }),
            Colouring::Signal => Some(signal.with(|x| x.iter().copied().collect())),
            Colouring::Filtered => {
                report?.with(|r| r.as_ref().map(|rep| rep.filtered.iter().copied().collect()))
            }
            Colouring::Features => passing::features(state, prop?),
            Colouring::Prediction => prediction?.with(|r| r.as_ref().map(|r| r.margin.clone())),
        };
        // A large graph's spectrum (and the filtered signal) can still be the previous graph's
        // for a moment after a node is added or removed: plain nodes until it is this one's.
        values.filter(|v| v.len() == nodes.get())
    })
}

fn sync_undo(history: StoredValue<History>, undo_redo: RwSignal<(bool, bool)>) {
    let flags = history.with_value(|h| (h.can_undo(), h.can_redo()));
    if undo_redo.get_untracked() != flags {
        undo_redo.set(flags);
    }
}
