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
