//! Leptos hooks shared by the views.

pub mod compute;
pub mod eigen_worker;
pub mod url_state;

pub use url_state::use_url_state;

/// `performance.now()` in ms, or 0 where there is none (and in native tests).
pub fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    return web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now());
    #[cfg(not(target_arch = "wasm32"))]
    0.0
}

/// Lets the browser paint and handle input before continuing (a `setTimeout(0)` turn), so a
/// long computation split into slices never blocks a frame. Natively it returns at once.
pub async fn yield_to_browser() {
    #[cfg(target_arch = "wasm32")]
    {
        let p = js_sys::Promise::new(&mut |resolve, _reject| {
            if let Some(w) = web_sys::window() {
                let _ = w.set_timeout_with_callback(&resolve);
            }
        });
        let _ = p.await;
    }
}
