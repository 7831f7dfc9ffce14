//! Helpers shared by the wasm-bindgen browser tests.
#![allow(dead_code)] // each test crate uses a different subset

use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement};

/// The page's document.
pub fn document() -> Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh container appended to <body>, so tests do not see each other's DOM.
pub fn container() -> HtmlElement {
    let el: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&el).unwrap();
    el
}

/// Lets Leptos' scheduled effects and the browser's events run for `ms` milliseconds.
pub async fn tick(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

/// The first element matching `sel` under `root` (panics with the selector if none).
pub fn query(root: &Element, sel: &str) -> Element {
    root.query_selector(sel)
        .unwrap()
        .unwrap_or_else(|| panic!("nothing matches {sel}"))
}

/// How many elements match `sel` under `root`.
pub fn count(root: &Element, sel: &str) -> u32 {
    root.query_selector_all(sel).unwrap().length()
}

/// Longer than the URL hook waits for the state to be still before writing it, with room for
/// a debug build's slow effects (the quiet time starts when the hook's effect runs, after the
/// views' own effects have recomputed: an eight-head attention preset took ~200 ms on a busy
/// machine).
pub const URL_WRITE_WAIT: i32 = nnviz::hooks::url_state::QUIET_MS as i32 + 250;

/// Mounts `view` in a fresh container with the page at `hash` and returns the container.
pub async fn mount_at<F, N>(hash: &str, view: F) -> HtmlElement
where
    F: FnOnce() -> N + 'static,
    N: leptos::prelude::IntoView + 'static,
{
    // Earlier tests' views are leaked, not unmounted: let their pending URL writes land
    // before this test sets its own link.
    tick(URL_WRITE_WAIT).await;
    web_sys::window()
        .unwrap()
        .location()
        .set_hash(hash)
        .unwrap();
    tick(10).await;
    let el = container();
    std::mem::forget(leptos::mount::mount_to(el.clone(), view));
    tick(60).await;
    el
}
