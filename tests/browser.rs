//! Browser tests (wasm-bindgen-test in headless Chromium): mount real components, act on them as
//! a person would (click, hover, follow links) and assert what the DOM shows.
//! Run: `scripts/test.sh` (or see README for the raw cargo command).
#![cfg(target_arch = "wasm32")]

use nnviz::app::{show_error_banner, App};
use nnviz::views::GcnView;
mod common;

use common::{container, count, document, query, tick};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

fn cell_value(root: &Element, matrix: &str, i: usize, j: usize) -> f64 {
    let sel = format!("[data-matrix='{matrix}'] .cell[data-row='{i}'][data-col='{j}']");
    query(root, &sel)
        .get_attribute("data-value")
        .unwrap()
        .parse()
        .unwrap()
}

#[wasm_bindgen_test]
async fn gcn_view_shows_the_deck_matrices() {
    let root = container();
    let _handle = leptos::mount::mount_to(root.clone(), GcnView);
    tick(20).await;
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
    // The number printed in the cell is the rounded value.
    let text = query(
        &root,
        "[data-matrix='P'] .cell[data-row='0'][data-col='1'] text",
    )
    .text_content();
    assert_eq!(text.as_deref(), Some("0.408"));
}

#[wasm_bindgen_test]
async fn clicking_a_node_highlights_its_row_and_column() {
    let root = container();
    let _handle = leptos::mount::mount_to(root.clone(), GcnView);
    tick(20).await;
    assert_eq!(count(&root, "[data-matrix='A'] .cell.hl"), 0);
    let node: HtmlElement = query(&root, ".node[data-node='2']").unchecked_into();
    node.dispatch_event(&web_sys::MouseEvent::new("click").unwrap())
        .unwrap();
    tick(20).await;
    // Row 3 and column 3 of a 6×6 matrix: 6 + 6 − 1 cells.
    assert_eq!(count(&root, "[data-matrix='A'] .cell.hl"), 11);
    assert_eq!(count(&root, "[data-matrix='L'] .cell.hl"), 11);
    assert_eq!(count(&root, ".edge.hl"), 4, "node 3 has degree 4");
    let caption = query(&root, ".graph-panel figcaption")
        .text_content()
        .unwrap();
    assert!(caption.contains("Node 3 selected: degree 4"), "{caption}");
    // Clicking again clears the selection.
    node.dispatch_event(&web_sys::MouseEvent::new("click").unwrap())
        .unwrap();
    tick(20).await;
    assert_eq!(count(&root, "[data-matrix='A'] .cell.hl"), 0);
}

#[wasm_bindgen_test]
async fn hovering_an_entry_writes_its_formula() {
    let root = container();
    let _handle = leptos::mount::mount_to(root.clone(), GcnView);
    tick(20).await;
    let cell = query(&root, "[data-matrix='P'] .cell[data-row='4'][data-col='5']");
    cell.dispatch_event(&web_sys::MouseEvent::new("mouseenter").unwrap())
        .unwrap();
    tick(20).await;
    let f = query(&root, ".entry-formula");
    assert_eq!(f.get_attribute("data-key").as_deref(), Some("P4,5"));
    let text = f.text_content().unwrap();
    // P_{5,6} = A/(√d5·√d6) = 1/(√2·√2) = 0.5
    assert!(text.contains("5,6") && text.ends_with("0.5"), "{text}");
}

#[wasm_bindgen_test]
async fn navigation_follows_the_hash() {
    let root = container();
    web_sys::window()
        .unwrap()
        .location()
        .set_hash("#/")
        .unwrap();
    tick(10).await;
    let _handle = leptos::mount::mount_to(root.clone(), App);
    tick(20).await;
    assert!(root
        .text_content()
        .unwrap()
        .contains("See every number of the lecture"));
    // Links name each view's page (the release build has one page per view; following them
    // is the Playwright suite's job). This build has every view, so a hash change shows it.
    assert_eq!(count(&root, "nav a[href='gcn.html#/gcn']"), 1);
    web_sys::window()
        .unwrap()
        .location()
        .set_hash("#/gcn")
        .unwrap();
    tick(50).await;
    assert_eq!(count(&root, "[data-matrix='P']"), 1, "GCN view is shown");
    assert_eq!(
        query(&root, "nav a.active")
            .get_attribute("href")
            .as_deref(),
        Some("gcn.html#/gcn")
    );
    web_sys::window()
        .unwrap()
        .location()
        .set_hash("#/no-such-page")
        .unwrap();
    tick(50).await;
    assert!(root.text_content().unwrap().contains("No such page"));
    web_sys::window()
        .unwrap()
        .location()
        .set_hash("#/")
        .unwrap();
    tick(20).await;
}

#[wasm_bindgen_test]
fn error_banner_shows_text_never_html() {
    show_error_banner("<b>boom</b>");
    let banner = document().get_element_by_id("nnviz-error").unwrap();
    assert_eq!(banner.get_attribute("role").as_deref(), Some("alert"));
    assert!(banner.text_content().unwrap().contains("<b>boom</b>"));
    assert!(banner.query_selector("b").unwrap().is_none());
    banner.remove();
}
