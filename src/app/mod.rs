//! The shell: header, navigation between the views, the hash router and the error banner.

pub mod backend;
mod pages;
mod panic;

pub use panic::{install_panic_hook, show_error_banner};

use crate::route::Route;
use leptos::prelude::*;
use pages::{Home, NotFound};

/// The route named by the page's current `location.hash` (`None` if it names no page).
fn current_route() -> Option<Route> {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    Route::parse(&hash)
}

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let route = RwSignal::new(current_route());
    let compute = crate::hooks::compute::provide_compute();
    let listener = window_event_listener(leptos::ev::hashchange, move |_| {
        // A view rewriting its own state in the hash must not be re-mounted.
        let next = current_route();
        if route.get_untracked() != next {
            route.set(next);
        }
    });
    on_cleanup(move || listener.remove());
    Effect::new(move |_| {
        let title = match route.get() {
            Some(Route::Home) | None => {
                "nnviz — RNNs, attention and GNNs, computed live".to_string()
            }
            Some(r) => format!("{} · nnviz", r.label()),
        };
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            doc.set_title(&title);
        }
    });

    let nav = Route::ALL
        .into_iter()
        .map(|r| {
            let active = move || route.get() == Some(r);
            view! {
                <a href=r.link() class:active=active
                    aria-current=move || if active() { Some("page") } else { None }>
                    {r.label()}
                </a>
            }
        })
        .collect_view();

    view! {
        <header class="site-header">
            <a class="brand" href=Route::Home.link()>"nnviz"</a>
            <span class="tagline">"Recurrent nets, attention and graph networks — every formula computed live"</span>
            <nav aria-label="views">{nav}</nav>
            <backend::BackendIndicator compute=compute/>
        </header>
        <main id="content">
            {move || match route.get() {
                Some(Route::Home) => view! { <Home/> }.into_any(),
                #[cfg(feature = "rnn")]
                Some(Route::Rnn) => view! { <crate::views::RnnView/> }.into_any(),
                #[cfg(feature = "attention")]
                Some(Route::Attention) => view! { <crate::views::AttentionView/> }.into_any(),
                #[cfg(feature = "gcn")]
                Some(Route::Gcn) => view! { <crate::views::GcnView/> }.into_any(),
                #[cfg(feature = "gcn-learn")]
                Some(Route::GcnLearn) => view! { <crate::views::GcnView learn=true/> }.into_any(),
                #[cfg(feature = "gpu-bench")]
                Some(Route::GpuBench) => view! { <crate::views::GpuBenchView/> }.into_any(),
                // A view of another page (an old link, or a hash typed by hand): go there,
                // keeping the hash with its state. (Unreachable when every view is built in.)
                #[allow(unreachable_patterns)]
                Some(r) => {
                    go_to_page(r);
                    view! { <p class="loading">"Opening " {r.label()} "…"</p> }.into_any()
                }
                None => view! { <NotFound/> }.into_any(),
            }}
        </main>
        <footer class="site-footer">
            "nnviz · f64 engine on nalgebra · notation of the course decks"
        </footer>
    }
}

/// Replaces this page by `route`'s page, with the current hash (so a view's state survives).
fn go_to_page(route: Route) {
    if let Some(loc) = web_sys::window().map(|w| w.location()) {
        let hash = loc.hash().unwrap_or_default();
        let _ = loc.replace(&format!("{}{}", route.page(), hash));
    }
}

/// Mounts the app on the page, replacing the static "Loading…" note.
pub fn mount() {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("loading"))
    {
        el.remove();
    }
    leptos::mount::mount_to_body(App);
}
