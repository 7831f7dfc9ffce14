//! A view's state, read from the URL once and written back with `history.replaceState` (so edits
//! neither add history entries nor fire `hashchange`).
//!
//! A write waits until the state has been still for [`QUIET_MS`] — the end of a slider drag or
//! of a burst of key presses — and is never made in the change's own frame. While the state
//! keeps changing (an animation, a long drag) it is written at least every
//! [`WRITE_AT_LEAST_EVERY_MS`], and a change still waiting when the page is left (`pagehide`: a
//! reload, a closed tab) is written then.
//! A write is not free: encoding, `replaceState`, and Chrome then reloads the page's icon (about
//! 3 ms in a trace); with a fixed throttle it landed inside one change in eight of a drag, which
//! is where every input → paint benchmark's p95 sat.

use crate::route::Route;
use crate::state;
use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;

/// A change is written once the state has not changed for this long.
pub const QUIET_MS: f64 = 250.0;
/// While the state keeps changing, it is still written at least this often.
pub const WRITE_AT_LEAST_EVERY_MS: f64 = 2000.0;

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
    let timing = StoredValue::new(Timing::default());
    Effect::new(move |_| {
        signal.track();
        let now = now_ms();
        let start = timing.with_value(|t| t.pending.is_none());
        timing.update_value(|t| {
            t.last_change = now;
            t.pending.get_or_insert(now);
        });
        if start {
            wait_then_write(signal, route, timing, QUIET_MS);
        }
    });
    // A reload or a closed tab inside the quiet time: write what is pending before the page goes.
    let leaving = window_event_listener(leptos::ev::pagehide, move |_| {
        write_pending(signal, route, timing);
    });
    on_cleanup(move || leaving.remove());
    (signal, error)
}

/// When the state last changed, and when the oldest change not yet in the URL was made.
#[derive(Default)]
struct Timing {
    last_change: f64,
    pending: Option<f64>,
}

/// In `ms`: writes the state if it has been quiet long enough (or waited too long), else waits
/// again for as long as is left.
fn wait_then_write<T>(signal: RwSignal<T>, route: Route, timing: StoredValue<Timing>, ms: f64)
where
    T: Serialize + Send + Sync + 'static,
{
    set_timeout(
        move || {
            let Some((last, Some(first))) = timing.try_with_value(|t| (t.last_change, t.pending))
            else {
                return; // the view is gone, or nothing to write
            };
            let now = now_ms();
            let due = (last + QUIET_MS).min(first + WRITE_AT_LEAST_EVERY_MS);
            if now + 1.0 < due {
                return wait_then_write(signal, route, timing, due - now);
            }
            write_pending(signal, route, timing);
        },
        std::time::Duration::from_millis(ms.max(0.0).ceil() as u64),
    );
}

/// Writes the state now if a change is waiting (a timer still armed then finds nothing to do).
fn write_pending<T>(signal: RwSignal<T>, route: Route, timing: StoredValue<Timing>)
where
    T: Serialize + Send + Sync + 'static,
{
    if timing.try_with_value(|t| t.pending.is_some()) != Some(true) {
        return; // the view is gone, or nothing to write
    }
    timing.update_value(|t| t.pending = None);
    let Some(encoded) = signal.try_with_untracked(|s| state::encode(route.href(), s)) else {
        return;
    };
    // Only while this view is the page shown (a late write must not rewrite another route).
    if Route::parse(&current_hash()) == Some(route) {
        replace_hash(&encoded);
    }
}
