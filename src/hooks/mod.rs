//! Leptos hooks shared by the views.

pub mod url_state;

pub use url_state::use_url_state;
