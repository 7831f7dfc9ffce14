//! Browser tests (wasm-bindgen-test in headless Chromium): mount real components, act on them as
//! a person would (click, hover, follow links) and assert what the DOM shows.
//! Run: `scripts/test.sh` (or see README for the raw cargo command).
#![cfg(target_arch = "wasm32")]

use nnviz::app::{show_error_banner, App};
mod common;

use common::{container, count, document, query, tick};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

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

#[wasm_bindgen_test]
async fn a_formula_patches_its_numbers_in_place() {
    use leptos::prelude::*;
    use nnviz::widgets::formula::{frac, mi, mn, mo, row, tag, Formula};
    let root = container();
    let expr = RwSignal::new(row(vec![mi("x"), mo("="), mn("1.5")]));
    let _handle = leptos::mount::mount_to(root.clone(), move || view! { <Formula expr=expr/> });
    tick(10).await;
    let math = query(&root, "math");
    let number = query(&root, "math mn");
    assert_eq!(math.text_content().as_deref(), Some("x=1.5"));
    // A new number: the same element, its text changed.
    expr.set(row(vec![mi("x"), mo("="), mn("2.25")]));
    tick(10).await;
    let now = query(&root, "math mn");
    assert!(
        now.is_same_node(Some(&number)),
        "the number's element is kept"
    );
    assert_eq!(now.text_content().as_deref(), Some("2.25"));
    assert_eq!(math.get_attribute("aria-label").as_deref(), Some("x=2.25"));
    let equals = query(&root, "math mo");
    // A new shape: that part is rebuilt — a fraction where the number was, a tagged symbol —
    // and its text is still text.
    expr.set(row(vec![
        tag("h", mi("x")),
        mo("="),
        frac(mn("1"), mn("<b>2</b>")),
    ]));
    tick(10).await;
    assert_eq!(count(&root, "math mfrac mn"), 2);
    assert_eq!(count(&root, "math b"), 0, "markup in a formula is text");
    assert_eq!(
        query(&root, "math mrow[data-sym='h'] mi")
            .text_content()
            .as_deref(),
        Some("x")
    );
    assert_eq!(math.text_content().as_deref(), Some("x=1<b>2</b>"));
    assert!(
        query(&root, "math mo").is_same_node(Some(&equals)),
        "what kept its shape is kept"
    );
    // And back.
    expr.set(row(vec![mi("x"), mo("="), mn("3")]));
    tick(10).await;
    assert_eq!(count(&root, "math mfrac"), 0);
    assert_eq!(count(&root, "math [data-sym]"), 0);
    assert_eq!(math.text_content().as_deref(), Some("x=3"));
    assert_eq!(count(&root, "math"), 1);
    // A row that gains a term (a sum over one more neighbour) keeps its first elements, then
    // loses it again.
    let x = query(&root, "math mi");
    expr.set(row(vec![mi("x"), mo("="), mn("3"), mo("+"), mn("4")]));
    tick(10).await;
    assert!(query(&root, "math mi").is_same_node(Some(&x)));
    assert_eq!(math.text_content().as_deref(), Some("x=3+4"));
    expr.set(row(vec![mi("x"), mo("="), mn("5")]));
    tick(10).await;
    assert_eq!(math.text_content().as_deref(), Some("x=5"));
    assert_eq!(count(&root, "math mn"), 1);
}
