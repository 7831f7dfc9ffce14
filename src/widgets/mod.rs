//! Generic UI pieces. They know nothing of RNNs, attention or graphs as concepts: they draw
//! matrices, node-link diagrams and formulas handed to them as props.

pub mod canvas;
pub mod chart;
pub mod colour;
pub mod controls;
pub mod digraph_canvas;
pub mod format;
pub mod formula;
pub mod graph_canvas;
pub mod heatmap;
pub mod projection;

pub use digraph_canvas::DigraphCanvas;
pub use graph_canvas::GraphCanvas;
pub use heatmap::Heatmap;
