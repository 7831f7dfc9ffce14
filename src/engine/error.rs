//! One error type for everything a user (or a loaded scenario) can get wrong. User-caused
//! problems are `Result`s, never panics: a panic in WASM kills the page.

use thiserror::Error;

/// Errors the engine reports instead of panicking.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum EngineError {
    /// A matrix that must be square is not.
    #[error("{what} must be square, but it is {rows}×{cols}")]
    NotSquare {
        /// Which matrix, in the decks' notation (e.g. "A").
        what: &'static str,
        /// Number of rows found.
        rows: usize,
        /// Number of columns found.
        cols: usize,
    },
    /// A matrix that must be symmetric is not (an undirected graph's adjacency).
    #[error("{what} must be symmetric, but entry ({row}, {col}) differs from ({col}, {row})")]
    NotSymmetric {
        /// Which matrix.
        what: &'static str,
        /// Row of the first mismatch (0-based).
        row: usize,
        /// Column of the first mismatch (0-based).
        col: usize,
    },
    /// An entry is NaN or infinite.
    #[error("{what} has a non-finite entry at ({row}, {col})")]
    NonFinite {
        /// Which matrix.
        what: &'static str,
        /// Row (0-based).
        row: usize,
        /// Column (0-based).
        col: usize,
    },
    /// An entry that must be non-negative (an edge weight) is negative.
    #[error("{what} has a negative entry at ({row}, {col}); edge weights must be ≥ 0")]
    Negative {
        /// Which matrix.
        what: &'static str,
        /// Row (0-based).
        row: usize,
        /// Column (0-based).
        col: usize,
    },
    /// An iterative algorithm (eigen-decomposition, SVD) did not converge.
    #[error("{what} did not converge")]
    NoConvergence {
        /// Which algorithm.
        what: &'static str,
    },
    /// Shapes that must agree do not.
    #[error("shape mismatch: {what}")]
    Shape {
        /// What was expected, in words.
        what: String,
    },
    /// A value outside what the model accepts (e.g. an empty sequence).
    #[error("invalid input: {0}")]
    Invalid(String),
}

/// Engine result.
pub type Result<T> = std::result::Result<T, EngineError>;
