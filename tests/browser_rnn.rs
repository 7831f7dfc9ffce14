//! Browser tests of the RNN/LSTM view: driven as a person would (buttons, keys, presets, typed
//! input, links) with what is displayed checked against the engine.
#![cfg(target_arch = "wasm32")]

use nnviz::views::rnn::state::{run, Preset, RnnState};
use nnviz::views::RnnView;
mod common;

use common::{count, query as q, tick, URL_WRITE_WAIT};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

async fn mount(hash: &str) -> HtmlElement {
    common::mount_at(hash, RnnView).await
}

fn click(root: &Element, sel: &str) {
    q(root, sel).unchecked_into::<HtmlElement>().click();
}

fn button(root: &Element, text: &str) -> HtmlElement {
    let all = root.query_selector_all("button").unwrap();
    (0..all.length())
        .filter_map(|i| all.item(i))
        .map(|n| n.unchecked_into::<HtmlElement>())
        .find(|b| b.text_content().unwrap_or_default().contains(text))
        .unwrap_or_else(|| panic!("no button {text}"))
}

fn selected_step(root: &Element) -> String {
    q(root, ".diagram .step.selected")
        .get_attribute("data-step")
        .unwrap()
}

#[wasm_bindgen_test]
async fn stepping_moves_the_highlight_and_the_equations() {
    let root = mount("#/rnn").await;
    assert_eq!(count(&root, ".diagram .step"), 30);
    assert_eq!(selected_step(&root), "30");
    click(&root, "button[aria-label='step back']");
    tick(URL_WRITE_WAIT).await;
    assert_eq!(selected_step(&root), "29");
    assert!(q(&root, ".equations h2")
        .text_content()
        .unwrap()
        .contains("Step t = 29"));
    // The keyboard: ← steps back, → forward.
    let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &{
        let init = web_sys::KeyboardEventInit::new();
        init.set_key("ArrowLeft");
        init
    })
    .unwrap();
    web_sys::window().unwrap().dispatch_event(&ev).unwrap();
    tick(30).await;
    assert_eq!(selected_step(&root), "28");
    // Clicking a column selects it.
    q(&root, ".diagram .step[data-step='5']")
        .dispatch_event(&web_sys::MouseEvent::new("click").unwrap())
        .unwrap();
    tick(30).await;
    assert_eq!(selected_step(&root), "5");
    root.remove();
}

#[wasm_bindgen_test]
async fn vanishing_preset_plots_what_the_engine_computes() {
    let root = mount("#/rnn").await;
    button(&root, "Vanishing gradients").click();
    tick(80).await;
    let want = run(&Preset::Vanishing.state()).unwrap();
    let series: serde_json::Value = serde_json::from_str(
        &q(&root, "[data-chart='grad-norms']")
            .get_attribute("data-series")
            .unwrap(),
    )
    .unwrap();
    let vanilla = series[0]["points"].as_array().unwrap();
    assert_eq!(vanilla.len(), 41, "k = 0 … 40");
    let first = vanilla[0][1].as_f64().unwrap();
    let last = vanilla[40][1].as_f64().unwrap();
    assert_eq!(first, want.vanilla_bptt.dh_norms[0]);
    assert_eq!(last, want.vanilla_bptt.dh_norms[40]);
    assert!(
        first < 1e-6 * last,
        "the first step's gradient is far below the last: {first:e} vs {last:e}"
    );
    let (ratio, _) = want.survival();
    let shown: f64 = q(&root, "[data-stat='survival']")
        .get_attribute("data-vanilla")
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(shown, ratio);
    assert!(q(&root, "[data-stat='sigma']")
        .text_content()
        .unwrap()
        .contains("0.6"));
    root.remove();
}

#[wasm_bindgen_test]
async fn a_link_reproduces_the_state() {
    let s = Preset::Exploding.state();
    let root = mount(&nnviz::state::encode("#/rnn", &s)).await;
    assert_eq!(
        q(&root, "[data-control='sigma'] output")
            .text_content()
            .unwrap(),
        "1.3"
    );
    assert_eq!(
        q(&root, "[data-control='clip'] output")
            .text_content()
            .unwrap(),
        "1"
    );
    assert!(q(&root, "[data-stat='clip']")
        .text_content()
        .unwrap()
        .contains("(clipped)"));
    let sel: web_sys::HtmlSelectElement =
        q(&root, "[data-control='activation'] select").unchecked_into();
    assert_eq!(sel.value(), "identity");
    // Changing a control rewrites the link, so reloading it would show the same.
    click(&root, "button[aria-label='step back']");
    tick(URL_WRITE_WAIT).await;
    let hash = web_sys::window().unwrap().location().hash().unwrap();
    let back: RnnState = nnviz::state::decode(&hash).unwrap().unwrap();
    assert_eq!(back.step, 39);
    assert_eq!(back.sigma, 1.3);
    root.remove();
}

#[wasm_bindgen_test]
async fn bad_input_gets_a_message_and_keeps_the_picture() {
    let root = mount("#/rnn").await;
    let area: web_sys::HtmlTextAreaElement =
        q(&root, "[data-control='input'] textarea").unchecked_into();
    area.set_value("1, two, 3");
    area.dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    area.dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    tick(50).await;
    let msg = q(&root, ".input-error").text_content().unwrap();
    assert!(msg.contains("two") && msg.contains("last valid"), "{msg}");
    assert_eq!(
        count(&root, ".diagram .step"),
        30,
        "the last good run stays"
    );
    area.set_value("");
    area.dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    area.dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    tick(50).await;
    assert!(root.query_selector(".input-error").unwrap().is_none());
    // A typed sequence sets T.
    area.set_value("1 0 0 0 0");
    area.dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    area.dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    tick(50).await;
    assert_eq!(count(&root, ".diagram .step"), 5);
    root.remove();
}

#[wasm_bindgen_test]
async fn stepping_does_not_rerun_the_engine() {
    let root = mount("#/rnn").await;
    let runs = |root: &Element| {
        q(root, ".rnn-view")
            .get_attribute("data-engine-runs")
            .unwrap()
    };
    let before = runs(&root);
    click(&root, "button[aria-label='step back']");
    click(&root, "button[aria-label='step back']");
    tick(40).await;
    assert_eq!(selected_step(&root), "28");
    assert_eq!(runs(&root), before, "stepping reuses the run");
    click(&root, "button[data-cell='LSTM']");
    tick(40).await;
    assert_eq!(
        runs(&root),
        before,
        "switching the cell shown reuses the run"
    );
    button(&root, "Vanishing gradients").click();
    tick(60).await;
    assert_ne!(runs(&root), before, "a model change runs the engine");
    root.remove();
}

/// A mouse event of `kind` at client position (x, y), bubbling.
fn mouse(el: &Element, kind: &str, x: f64, y: f64) {
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    init.set_client_x(x as i32);
    init.set_client_y(y as i32);
    el.dispatch_event(&web_sys::MouseEvent::new_with_mouse_event_init_dict(kind, &init).unwrap())
        .unwrap();
}

fn centre(el: &Element) -> (f64, f64) {
    let r = el.get_bounding_client_rect();
    (r.left() + r.width() / 2.0, r.top() + r.height() / 2.0)
}

#[wasm_bindgen_test]
async fn equation_symbols_diagram_and_heatmaps_point_at_each_other() {
    let s = Preset::LstmRemembers.state();
    let root = mount(&nnviz::state::encode("#/rnn", &s)).await;
    let eq = q(&root, ".equations");
    // The forget gate f_t in the equations lights up the f heatmap.
    let f = q(&root, ".equations mrow[data-sym='f']");
    let (x, y) = centre(&f);
    mouse(&f, "mouseover", x, y);
    tick(30).await;
    assert_eq!(eq.get_attribute("data-linked").as_deref(), Some("f"));
    assert!(q(&root, ".gate-wrap[data-gate='f']")
        .class_list()
        .contains("linked"));
    assert!(!q(&root, ".gate-wrap[data-gate='i']")
        .class_list()
        .contains("linked"));
    // h^(t−1) outlines the previous column's h strip in the diagram.
    let hprev = q(&root, ".equations mrow[data-sym='hprev']");
    mouse(&hprev, "mouseover", x, y);
    tick(30).await;
    let boxed = q(&root, ".diagram .link-box");
    let prev_col = q(&root, ".diagram .step[data-step='49'] .step-bg");
    let bx: f64 = boxed.get_attribute("x").unwrap().parse().unwrap();
    let cx: f64 = prev_col.get_attribute("x").unwrap().parse().unwrap();
    assert!(
        (bx - (cx - 1.0)).abs() < 1e-9,
        "box at column 49: {bx} vs {cx}"
    );
    assert!(q(&root, ".gate-wrap[data-gate='h']")
        .class_list()
        .contains("linked"));
    mouse(&eq, "mouseleave", x, y);
    tick(30).await;
    assert_eq!(count(&root, ".diagram .link-box"), 0);
    // And back: pointing at the cell-state heatmap marks C in the equations.
    let c = q(&root, ".gate-wrap[data-gate='C']");
    c.dispatch_event(&web_sys::MouseEvent::new("mouseenter").unwrap())
        .unwrap();
    tick(30).await;
    assert_eq!(eq.get_attribute("data-linked").as_deref(), Some("C"));
    // The gate heatmaps are canvases (12 × 20 cells); the entry under the pointer is the engine's.
    let canvas = q(&root, "[data-matrix='f'] canvas.heatmap-canvas");
    assert_eq!(canvas.get_attribute("data-shape").as_deref(), Some("8x20"));
    let r = canvas.get_bounding_client_rect();
    // The grid's left, top and cell edge in drawing units (data-grid); 20 columns of cells.
    let grid: Vec<f64> = canvas
        .get_attribute("data-grid")
        .unwrap()
        .split(',')
        .map(|v| v.parse().unwrap())
        .collect();
    let (left, top, cs) = (grid[0], grid[1], grid[2]);
    let scale = r.width() / (left + 20.0 * cs + 2.0); // shown size / drawn size
                                                      // Cell (row 2, col 3).
    let (px, py) = (left + 3.5 * cs, top + 2.5 * cs);
    mouse(
        &canvas,
        "mousemove",
        r.left() + px * scale,
        r.top() + py * scale,
    );
    tick(30).await;
    let hover = canvas.get_attribute("data-hover").unwrap();
    let parts: Vec<&str> = hover.split(',').collect();
    assert_eq!(&parts[..2], &["2", "3"], "{hover}");
    let engine = run(&s).unwrap();
    // The window shows steps 31–50; column 3 is step 34, row 2 is unit 3.
    let want = engine.lstm_trace.steps[33].f[2];
    assert_eq!(parts[2].parse::<f64>().unwrap(), want);
    assert!(canvas.get_attribute("title").unwrap().contains("f["));
    root.remove();
}
