//! Hash routes: `#/`, `#/rnn`, `#/attention`, `#/gcn`.
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
    /// Graph convolutional networks.
    Gcn,
}

impl Route {
    /// Every route, in navigation order.
    pub const ALL: [Route; 4] = [Route::Home, Route::Rnn, Route::Attention, Route::Gcn];

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
        }
    }

    /// The navigation label.
    pub fn label(self) -> &'static str {
        match self {
            Route::Home => "Home",
            Route::Rnn => "RNN / LSTM",
            Route::Attention => "Attention",
            Route::Gcn => "GCN",
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
    fn tolerant_of_forms_a_person_types() {
        assert_eq!(Route::parse(""), Some(Route::Home));
        assert_eq!(Route::parse("#"), Some(Route::Home));
        assert_eq!(Route::parse("#/gcn/"), Some(Route::Gcn));
        assert_eq!(Route::parse("#/gcn?seed=3"), Some(Route::Gcn));
        assert_eq!(Route::parse("#/nope"), None);
    }
}
