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
