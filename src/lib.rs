//! # nnviz
//!
//! A browser-based, interactive teaching visualiser for recurrent networks, attention and graph
//! neural networks. Layers, with arrows pointing down only:
//!
//! ```text
//!             app (shell, routes, error banner)
//!               │
//!             views/ gcn (rnn, attention to come)   — wiring only: engine traces → widget props
//!               │
//!           widgets/                                — heatmap, graph canvas, formatting, colour
//!               │
//!    ┌──────────┴──────────┐
//!  engine/               graph/                     — engine: pure nalgebra math, f64, no web.
//!  (math)               (petgraph model, presets)     graph: editable StableGraph model.
//! ```
//!
//! `tests/architecture.rs` fails the build if `engine` imports anything from the web, plotting,
//! GPU or UI layers.

pub mod app;
pub mod engine;
pub mod gpu;
pub mod graph;
pub mod hooks;
pub mod route;
pub mod scenario;
pub mod state;
pub mod views;
pub mod widgets;
