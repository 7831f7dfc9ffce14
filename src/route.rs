//! Hash routes: `#/`, `#/rnn`, `#/attention`, `#/gcn`, `#/gcn/learn`, `#/gpu`.
//!
//! Written by hand because leptos_router (0.8) routes on the URL path only — hash mode is an
//! open feature request (leptos-rs/leptos#2184) — and path routes need rewrite rules that plain
//! static hosting does not have. The hash survives reloads and works from any sub-path.

/// A page of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// Home: what each view teaches.
    Home,
    /// RNN / LSTM and backpropagation through time.
    Rnn,
    /// Attention and Transformers.
    Attention,
    /// Graph convolutional networks: matrices, message passing, spectrum.
    Gcn,
    /// The same graph, learning: graph attention and semi-supervised training.
    GcnLearn,
    /// CPU vs WebGPU matrix multiply, measured in this browser.
    GpuBench,
}

impl Route {
    /// Every route, in navigation order.
    pub const ALL: [Route; 6] = [
        Route::Home,
        Route::Rnn,
        Route::Attention,
        Route::Gcn,
        Route::GcnLearn,
        Route::GpuBench,
    ];

    /// Parses `location.hash` (with or without the leading `#`, with an optional `?query`).
    /// Unknown routes are `None`, so the shell can say so instead of guessing.
    pub fn parse(hash: &str) -> Option<Route> {
        let h = hash.strip_prefix('#').unwrap_or(hash);
        let path = h.split('?').next().unwrap_or("");
        match path.trim_end_matches('/') {
            "" => Some(Route::Home),
            "/rnn" => Some(Route::Rnn),
            "/attention" => Some(Route::Attention),
            "/gcn" => Some(Route::Gcn),
            "/gcn/learn" => Some(Route::GcnLearn),
            "/gpu" => Some(Route::GpuBench),
            _ => None,
        }
    }

    /// The hash for this route, e.g. `#/gcn`.
    pub fn href(self) -> &'static str {
        match self {
            Route::Home => "#/",
            Route::Rnn => "#/rnn",
            Route::Attention => "#/attention",
            Route::Gcn => "#/gcn",
            Route::GcnLearn => "#/gcn/learn",
            Route::GpuBench => "#/gpu",
        }
    }

    /// The page that has this route's view: each view is its own page with its own wasm
    /// (Cargo features `rnn`, `attention`, `gcn`), so a student downloads only the view they
    /// open; home is `index.html`.
    pub fn page(self) -> &'static str {
        match self {
            Route::Home => "./",
            Route::Rnn => "rnn.html",
            Route::Attention => "attention.html",
            Route::Gcn => "gcn.html",
            Route::GcnLearn => "gcn-learn.html",
            Route::GpuBench => "gpu.html",
        }
    }

    /// A link to this route from any page: its page and its hash, relative, so `dist/` works
    /// from any sub-path (e.g. `rnn.html#/rnn`).
    pub fn link(self) -> String {
        format!("{}{}", self.page(), self.href())
    }

    /// Whether this build has the route's view (otherwise the shell sends the browser to
    /// [`Route::page`]).
    pub fn available(self) -> bool {
        match self {
            Route::Home => true,
            Route::Rnn => cfg!(feature = "rnn"),
            Route::Attention => cfg!(feature = "attention"),
            Route::Gcn => cfg!(feature = "gcn"),
            Route::GcnLearn => cfg!(feature = "gcn-learn"),
            Route::GpuBench => cfg!(feature = "gpu-bench"),
        }
    }

    /// The navigation label.
    pub fn label(self) -> &'static str {
        match self {
            Route::Home => "Home",
            Route::Rnn => "RNN / LSTM",
            Route::Attention => "Attention",
            Route::Gcn => "GCN",
            Route::GcnLearn => "GAT & training",
            Route::GpuBench => "GPU benchmark",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_every_route() {
        for r in Route::ALL {
            assert_eq!(Route::parse(r.href()), Some(r));
        }
    }

    #[test]
    fn links_name_the_page_and_the_hash() {
        assert_eq!(Route::Gcn.link(), "gcn.html#/gcn");
        assert_eq!(Route::Home.link(), "./#/");
        for r in Route::ALL {
            assert!(r.link().ends_with(r.href()));
            assert!(
                !r.link().starts_with('/'),
                "relative: works from any sub-path"
            );
        }
        // `cargo test` builds every view (the default features).
        assert!(Route::ALL.iter().all(|r| r.available()));
    }

    #[test]
    fn tolerant_of_forms_a_person_types() {
        assert_eq!(Route::parse(""), Some(Route::Home));
        assert_eq!(Route::parse("#"), Some(Route::Home));
        assert_eq!(Route::parse("#/gcn/"), Some(Route::Gcn));
        assert_eq!(Route::parse("#/gcn?seed=3"), Some(Route::Gcn));
        assert_eq!(Route::parse("#/gcn/learn?s=1"), Some(Route::GcnLearn));
        assert_eq!(Route::parse("#/gpu"), Some(Route::GpuBench));
        assert_eq!(Route::parse("#/nope"), None);
    }
}
