//! A view's state, read from the URL once and written back on every change with
//! `history.replaceState` (so edits neither add history entries nor fire `hashchange`).
//! Writes are throttled and never made in the change's own frame: a change is written in a timer
//! task after it is painted, further ones at most every [`WRITE_EVERY_MS`] (the last one always
//! lands). A replaceState took several milliseconds per slider step in a CPU profile — too much
//! to repeat on every input event.

use crate::route::Route;
use crate::state;
use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;

/// Least time between two URL writes.
pub const WRITE_EVERY_MS: f64 = 250.0;

use super::now_ms;

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
    let last_write = StoredValue::new(f64::NEG_INFINITY);
    let pending = StoredValue::new(false);
    let write = move || {
        let Some(encoded) = signal.try_with_untracked(|s| state::encode(route.href(), s)) else {
            return; // the view is gone
        };
        // Only while this view is the page shown (a late write must not rewrite another route).
        if Route::parse(&current_hash()) == Some(route) {
            replace_hash(&encoded);
        }
        last_write.try_set_value(now_ms());
    };
    Effect::new(move |_| {
        signal.track();
        if pending.get_value() {
            return;
        }
        // Even the first write waits for a timer task, after the browser has painted the
        // change: a write inside the change's own frame (encode + replaceState, and Chrome
        // reloading the page's icon) landed in about one change in eight — the p95 of every
        // input → paint benchmark.
        let wait = (WRITE_EVERY_MS - (now_ms() - last_write.get_value())).max(0.0);
        pending.set_value(true);
        set_timeout(
            move || {
                pending.try_set_value(false);
                write();
            },
            std::time::Duration::from_millis(wait as u64),
        );
    });
    (signal, error)
}
