//! Browser tests of the GCN view (wasm-bindgen-test in headless Chromium): edit the graph with
//! simulated pointer events and keys, as a person would, and assert the matrices, notes and
//! spectrum shown.
#![cfg(target_arch = "wasm32")]

mod common;

use common::{count, mount_at, query, tick, URL_WRITE_WAIT};
use nnviz::views::gcn::state::GcnState;
use nnviz::views::GcnView;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

async fn mount(hash: &str) -> HtmlElement {
    if hash.starts_with("#/gcn/learn") {
        mount_at(hash, || leptos::view! { <GcnView learn=true/> }).await
    } else {
        mount_at(hash, || leptos::view! { <GcnView/> }).await
    }
}

fn click(root: &Element, sel: &str) {
    query(root, sel).unchecked_into::<HtmlElement>().click();
}

fn cell_value(root: &Element, matrix: &str, i: usize, j: usize) -> f64 {
    let sel = format!("[data-matrix='{matrix}'] .cell[data-row='{i}'][data-col='{j}']");
    query(root, &sel)
        .get_attribute("data-value")
        .unwrap()
        .parse()
        .unwrap()
}

fn pointer(root: &Element, kind: &str, (x, y): (f64, f64)) {
    let init = web_sys::PointerEventInit::new();
    init.set_client_x(x as i32);
    init.set_client_y(y as i32);
    init.set_pointer_id(1);
    init.set_button(0);
    init.set_bubbles(true);
    let ev = web_sys::PointerEvent::new_with_event_init_dict(kind, &init).unwrap();
    query(root, ".graph-canvas").dispatch_event(&ev).unwrap();
}

/// The centre of node `i` on screen.
fn node_at(root: &Element, i: usize) -> (f64, f64) {
    let r = query(root, &format!(".node[data-node='{i}'] circle")).get_bounding_client_rect();
    (r.left() + r.width() / 2.0, r.top() + r.height() / 2.0)
}

/// A point of the drawing given as fractions of its box.
fn canvas_point(root: &Element, fx: f64, fy: f64) -> (f64, f64) {
    let r = query(root, ".graph-canvas").get_bounding_client_rect();
    (r.left() + fx * r.width(), r.top() + fy * r.height())
}

async fn tap(root: &Element, p: (f64, f64)) {
    pointer(root, "pointerdown", p);
    pointer(root, "pointerup", p);
    tick(30).await;
}

async fn drag(root: &Element, from: (f64, f64), to: (f64, f64)) {
    pointer(root, "pointerdown", from);
    for k in 1..=6 {
        let t = f64::from(k) / 6.0;
        pointer(
            root,
            "pointermove",
            (from.0 + t * (to.0 - from.0), from.1 + t * (to.1 - from.1)),
        );
    }
    pointer(root, "pointerup", to);
    tick(40).await;
}

fn key(target: &Element, key: &str, ctrl: bool) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_ctrl_key(ctrl);
    init.set_bubbles(true);
    let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    target.dispatch_event(&ev).unwrap();
}

fn zeros(root: &Element) -> (String, String) {
    let z = query(root, ".zero-count");
    (
        z.get_attribute("data-zeros").unwrap(),
        z.get_attribute("data-components").unwrap(),
    )
}

fn text(root: &Element, sel: &str) -> String {
    query(root, sel).text_content().unwrap_or_default()
}

#[wasm_bindgen_test]
async fn the_deck_matrices_are_shown_exactly() {
    let root = mount("#/gcn").await;
    for m in ["A", "D", "P", "L"] {
        assert_eq!(
            count(&root, &format!("[data-matrix='{m}'] .cell")),
            36,
            "{m} is 6×6"
        );
    }
    // Deck: P_12 = 1/(√3·√2), L_12 = −1/(√3·√2), D = diag(3, 2, 4, 1, 2, 2).
    let p12 = 1.0 / (3f64.sqrt() * 2f64.sqrt());
    assert!((cell_value(&root, "P", 0, 1) - p12).abs() < 1e-12);
    assert!((cell_value(&root, "L", 0, 1) + p12).abs() < 1e-12);
    assert_eq!(cell_value(&root, "D", 2, 2), 4.0);
    let shown = text(
        &root,
        "[data-matrix='P'] .cell[data-row='0'][data-col='1'] text",
    );
    assert_eq!(shown, "0.408");
    assert_eq!(zeros(&root), ("1".into(), "1".into()));
    root.remove();
}

#[wasm_bindgen_test]
async fn tapping_a_node_highlights_its_row_column_and_edges() {
    let root = mount("#/gcn").await;
    assert_eq!(count(&root, "[data-matrix='A'] .cell.hl"), 0);
    let p = node_at(&root, 2);
    tap(&root, p).await;
    // Row 3 and column 3 of a 6×6 matrix: 6 + 6 − 1 cells.
    assert_eq!(count(&root, "[data-matrix='A'] .cell.hl"), 11);
    assert_eq!(count(&root, "[data-matrix='L'] .cell.hl"), 11);
    assert_eq!(count(&root, ".edge.hl"), 4, "node 3 has degree 4");
    assert!(text(&root, ".selection-text").contains("Node 3 selected (degree 4)"));
    tap(&root, p).await;
    assert_eq!(
        count(&root, "[data-matrix='A'] .cell.hl"),
        0,
        "a second tap clears"
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn hovering_an_entry_writes_its_formula() {
    let root = mount("#/gcn").await;
    query(&root, "[data-matrix='P'] .cell[data-row='4'][data-col='5']")
        .dispatch_event(&web_sys::MouseEvent::new("mouseenter").unwrap())
        .unwrap();
    tick(20).await;
    let f = query(&root, ".entry-formula");
    assert_eq!(f.get_attribute("data-key").as_deref(), Some("P4,5false"));
    // P_{5,6} = A/(√d5·√d6) = 1/(√2·√2) = 0.5
    let t = f.text_content().unwrap();
    assert!(t.contains("5,6") && t.ends_with("0.5"), "{t}");
    root.remove();
}

#[wasm_bindgen_test]
async fn pointer_edits_change_degrees_p_and_the_spectrum() {
    let root = mount("#/gcn").await;
    // Tap empty space (bottom-left corner): node 7 appears, isolated.
    tap(&root, canvas_point(&root, 0.06, 0.94)).await;
    assert_eq!(count(&root, ".graph-canvas .node"), 7);
    assert_eq!(count(&root, "[data-matrix='A'] .cell"), 49);
    assert_eq!(cell_value(&root, "D", 6, 6), 0.0);
    assert_eq!(
        zeros(&root),
        ("2".into(), "2".into()),
        "an isolated node is a component"
    );
    assert!(text(&root, ".edit-status").contains("Isolated node 7 (degree 0)"));
    assert!(
        (0..7).all(|j| cell_value(&root, "P", 6, j) == 0.0),
        "no NaN: P's row is 0"
    );

    // Drag node 7 onto node 3: the edge 3–7; d_3 4 → 5, d_7 0 → 1.
    let (from, to) = (node_at(&root, 6), node_at(&root, 2));
    drag(&root, from, to).await;
    assert_eq!(count(&root, ".graph-canvas .edge"), 8);
    assert_eq!(cell_value(&root, "D", 2, 2), 5.0);
    assert_eq!(cell_value(&root, "D", 6, 6), 1.0);
    assert!((cell_value(&root, "P", 2, 6) - 1.0 / 5f64.sqrt()).abs() < 1e-12);
    assert!(
        (cell_value(&root, "P", 0, 2) - 1.0 / 15f64.sqrt()).abs() < 1e-12,
        "P_13 = 1/√(3·5)"
    );
    assert_eq!(zeros(&root), ("1".into(), "1".into()));
    // The node went back: a drag onto a node connects, it does not move.
    let back = node_at(&root, 6);
    assert!((back.0 - from.0).abs() < 1.0 && (back.1 - from.1).abs() < 1.0);

    // Tap the edge 1–4 and press Delete: node 4 is cut off, a zero eigenvalue more.
    let (a, b) = (node_at(&root, 0), node_at(&root, 3));
    tap(&root, ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0)).await;
    assert!(text(&root, ".selection-text").contains("Edge 1–4 selected"));
    key(&query(&root, ".gcn-view"), "Delete", false);
    tick(30).await;
    assert_eq!(zeros(&root), ("2".into(), "2".into()));
    assert_eq!(cell_value(&root, "A", 0, 3), 0.0);

    // Ctrl+Z brings the edge back.
    key(&query(&root, ".gcn-view"), "z", true);
    tick(30).await;
    assert_eq!(cell_value(&root, "A", 0, 3), 1.0);
    assert_eq!(zeros(&root), ("1".into(), "1".into()));

    // Dragging node 1 onto node 2, already its neighbour: refused with a note.
    let (from, to) = (node_at(&root, 0), node_at(&root, 1));
    drag(&root, from, to).await;
    assert_eq!(count(&root, ".graph-canvas .edge"), 8);
    assert!(text(&root, ".edit-status").contains("is already there"));
    root.remove();
}

#[wasm_bindgen_test]
async fn dragging_to_empty_space_moves_without_changing_matrices() {
    let root = mount("#/gcn").await;
    let before = cell_value(&root, "P", 0, 1);
    let from = node_at(&root, 3);
    let to = canvas_point(&root, 0.5, 0.92);
    drag(&root, from, to).await;
    let now = node_at(&root, 3);
    assert!(
        (now.0 - to.0).abs() < 2.0 && (now.1 - to.1).abs() < 2.0,
        "{now:?} vs {to:?}"
    );
    assert_eq!(cell_value(&root, "P", 0, 1), before);
    assert_eq!(count(&root, ".graph-canvas .edge"), 7);
    root.remove();
}

#[wasm_bindgen_test]
async fn keyboard_connects_loops_and_removes() {
    let root = mount("#/gcn").await;
    let node = |i: usize| query(&root, &format!(".node[data-node='{i}']"));
    // Select node 4 (Enter), then on node 6 press C: the edge 4–6.
    key(&node(3), "Enter", false);
    tick(20).await;
    key(&node(5), "c", false);
    tick(30).await;
    assert_eq!(cell_value(&root, "A", 3, 5), 1.0);
    assert_eq!(cell_value(&root, "D", 3, 3), 2.0);
    // L on node 2: a self-loop, A_22 = 1, with its note.
    key(&node(1), "l", false);
    tick(30).await;
    assert_eq!(cell_value(&root, "A", 1, 1), 1.0);
    assert!(text(&root, ".edit-status").contains("self-loop on node 2"));
    // Delete on node 1 removes it and its edges.
    key(&node(0), "Delete", false);
    tick(30).await;
    assert_eq!(count(&root, ".graph-canvas .node"), 5);
    assert_eq!(count(&root, "[data-matrix='A'] .cell"), 25);
    root.remove();
}

#[wasm_bindgen_test]
async fn self_loop_switch_shows_the_renormalisation_trick() {
    let root = mount("#/gcn").await;
    assert_eq!(count(&root, "[data-matrix='At']"), 0);
    let cb: HtmlInputElement = query(&root, "[data-control='self-loops'] input").unchecked_into();
    cb.click();
    tick(40).await;
    assert_eq!(count(&root, "[data-matrix='At'] .cell"), 36);
    assert_eq!(cell_value(&root, "At", 0, 0), 1.0);
    assert_eq!(cell_value(&root, "D", 0, 0), 4.0, "D̃ = D + I");
    // P̃_12 = 1/√(4·3).
    assert!((cell_value(&root, "P", 0, 1) - 1.0 / 12f64.sqrt()).abs() < 1e-12);
    assert!(text(&root, "[data-matrix='P'] figcaption").contains("Renormalised"));
    root.remove();
}

#[wasm_bindgen_test]
async fn the_eigenvector_slider_colours_the_nodes() {
    let root = mount("#/gcn").await;
    let slider: HtmlInputElement = query(&root, "[data-control='eig'] input").unchecked_into();
    slider.set_value("6");
    slider
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    tick(40).await;
    let t = text(&root, ".eig-text");
    assert!(t.starts_with("u₆ with λ₆ = "), "{t}");
    let fill = query(&root, ".node[data-node='0'] circle")
        .get_attribute("style")
        .unwrap_or_default();
    assert!(fill.contains("fill"), "nodes coloured: {fill}");
    // The "one node" signal goes on the selected node.
    tap(&root, node_at(&root, 2)).await;
    let select: web_sys::HtmlSelectElement =
        query(&root, "[data-control='signal'] select").unchecked_into();
    select.set_value("impulse");
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    tick(40).await;
    let x = text(&root, ".signal-text");
    assert_eq!(x, "x = (1: 0, 2: 0, 3: 1, 4: 0, 5: 0, 6: 0)");
    root.remove();
}

#[wasm_bindgen_test]
async fn a_link_reproduces_the_graph_and_a_bad_one_is_reported() {
    let s = GcnState {
        graph: nnviz::graph::presets::preset("pieces", 1).unwrap(),
        self_loops: true,
        ..Default::default()
    };
    let hash = nnviz::state::encode("#/gcn", &s);
    let root = mount(&hash).await;
    assert_eq!(count(&root, ".graph-canvas .node"), 7);
    assert_eq!(zeros(&root), ("3".into(), "3".into()));
    assert_eq!(count(&root, "[data-matrix='At']"), 1);
    root.remove();
    tick(URL_WRITE_WAIT).await;

    let root = mount("#/gcn?s={\"graph\":{\"nodes\":5}}").await;
    assert!(text(&root, ".gcn-view .error").contains("could not be read"));
    assert_eq!(count(&root, ".graph-canvas .node"), 6, "the default graph");
    root.remove();
}

#[wasm_bindgen_test]
async fn message_passing_steps_through_one_nodes_update() {
    let root = mount("#/gcn").await;
    // Node 2 (index 1) of the deck's graph hears the impulse on node 1 with weight P₂₁.
    let p = node_at(&root, 1);
    tap(&root, p).await;
    click(&root, ".stage-first");
    tick(30).await;
    let stages = query(&root, ".passing-stages");
    assert_eq!(stages.get_attribute("data-stage").as_deref(), Some("0"));
    assert_eq!(count(&root, ".passing-stages li.revealed"), 0);
    for k in 1..=3 {
        click(&root, ".stage-next");
        tick(30).await;
        assert_eq!(count(&root, ".passing-stages li.revealed"), k);
    }
    let weighted = text(&root, ".passing-stages li:nth-child(2) math");
    assert!(
        weighted.contains("2·3"),
        "1/√(d₂·d₁) = 1/√(2·3): {weighted}"
    );
    assert!(weighted.contains("0.408"), "{weighted}");
    // All stages: h₂⁽¹⁾ = σ(W·m) = 0.408 with W = 1 and the identity, equal to P₂₁.
    click(&root, ".stage-all");
    tick(30).await;
    let out: f64 = query(&root, ".passing-stages")
        .get_attribute("data-out")
        .unwrap()
        .parse()
        .unwrap();
    assert!((out - cell_value(&root, "P", 1, 0)).abs() < 1e-4);
    // Side by side: the sum aggregator hears 1 (the impulse), the mean 1/2.
    assert_eq!(text(&root, "tr[data-agg='sum'] .agg-out"), "1");
    assert_eq!(text(&root, "tr[data-agg='mean'] .agg-out"), "0.5");
    // W = 2 doubles it.
    let w = query(&root, "[data-control='w'] input").unchecked_into::<HtmlInputElement>();
    w.set_value("2");
    w.dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    tick(30).await;
    assert_eq!(text(&root, "tr[data-agg='sum'] .agg-out"), "2");
    // The over-smoothing plot is drawn and the nodes show h⁽ᵏ⁾.
    assert_eq!(count(&root, "[data-chart='smoothing']"), 1);
    assert!(count(&root, ".node circle[style*='fill']") >= 6);
    root.remove();
}

#[wasm_bindgen_test]
async fn attention_rows_sum_to_one_and_draw_on_the_edges() {
    let root = mount("#/gcn/learn").await;
    assert_eq!(
        count(&root, "[data-matrix='A']"),
        0,
        "the matrices are on gcn.html"
    );
    let p = node_at(&root, 2);
    tap(&root, p).await;
    // Node 3: N(3) ∪ {3} has 5 rows, each head's α sums to 1.
    assert_eq!(count(&root, ".gat-table tbody tr[data-u]"), 5);
    let sums = text(&root, ".gat-table tr.alpha-sum");
    assert_eq!(sums.matches('1').count(), 2, "{sums}");
    let sel =
        query(&root, "[data-control='gat'] select").unchecked_into::<web_sys::HtmlSelectElement>();
    sel.set_value("1");
    sel.dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    tick(30).await;
    // Node 3's four edges carry widths, the strongest at full width; the others are faint.
    let edges = root.query_selector_all(".edge").unwrap();
    let widths: Vec<String> = (0..edges.length())
        .filter_map(|k| {
            edges
                .item(k)?
                .unchecked_into::<Element>()
                .get_attribute("style")
        })
        .collect();
    assert!(
        widths.iter().any(|w| w.contains("stroke-width: 8")),
        "{widths:?}"
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn labelling_nodes_and_training_predicts_every_node() {
    let root = mount("#/gcn/learn").await;
    assert!(text(&root, ".train-blocked").contains("each class"));
    let toggle = query(&root, "[data-control='label'] input").unchecked_into::<HtmlInputElement>();
    toggle.click();
    tick(30).await;
    // Node 1 blue (one click), node 6 red (two clicks).
    let (a, b) = (node_at(&root, 0), node_at(&root, 5));
    tap(&root, a).await;
    tap(&root, b).await;
    tap(&root, b).await;
    assert_eq!(count(&root, ".node.marked"), 2);
    assert_eq!(text(&root, ".label-count"), "1 node labelled blue, 1 red.");
    for _ in 0..200 {
        click(&root, ".train-step");
    }
    tick(40).await;
    let readout = query(&root, ".train-readout");
    assert_eq!(
        readout.get_attribute("data-train-step").as_deref(),
        Some("200")
    );
    assert!(text(&root, ".train-readout").contains("of the labelled nodes"));
    // Both labelled nodes are predicted as labelled: accuracy 100 %.
    assert!(
        text(&root, ".train-readout").contains("accuracy 100 %"),
        "{}",
        text(&root, ".train-readout")
    );
    assert_eq!(count(&root, "[data-chart='embedding']"), 1);
    // The prediction colours the nodes; a reload of the link keeps the labels.
    assert!(count(&root, ".node circle[style*='fill']") >= 6);
    tick(URL_WRITE_WAIT).await;
    let hash = web_sys::window().unwrap().location().hash().unwrap();
    let state: GcnState = nnviz::state::decode(&hash).unwrap().unwrap();
    assert_eq!(state.labels[0], Some(0));
    assert_eq!(state.labels[5], Some(1));
    root.remove();
}
