//! A view's state, read from the URL once and written back on every change with
//! `history.replaceState` (so edits neither add history entries nor fire `hashchange`).

use crate::route::Route;
use crate::state;
use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;

fn current_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

fn replace_hash(hash: &str) {
    if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(hash));
    }
}

/// The view state for `route`: decoded from the link (defaults if absent), kept in the URL.
/// The second value is a message when the link was malformed.
pub fn use_url_state<T>(route: Route) -> (RwSignal<T>, Option<String>)
where
    T: Serialize + DeserializeOwned + Default + Clone + Send + Sync + 'static,
{
    let (initial, error) = match state::decode::<T>(&current_hash()) {
        Ok(Some(s)) => (s, None),
        Ok(None) => (T::default(), None),
        Err(e) => (T::default(), Some(e)),
    };
    let signal = RwSignal::new(initial);
    Effect::new(move |_| {
        let encoded = signal.with(|s| state::encode(route.href(), s));
        // Only while this view is the page shown (a late effect must not rewrite another route).
        if Route::parse(&current_hash()) == Some(route) {
            replace_hash(&encoded);
        }
    });
    (signal, error)
}
