//! The nnviz engine: pure, synchronous, deterministic f64 math on nalgebra.
//!
//! Every number the app shows is computed here, by a function with a test. The engine imports
//! nothing from the web, plotting, GPU or UI layers (enforced by `tests/architecture.rs`).
//! Notation follows the lecture decks in `shared/seeds/`.
//!
//! Forward functions return named *trace* structs holding every intermediate a student should
//! see; views render traces, they never do arithmetic themselves.

pub mod attention;
pub mod clip;
pub mod data;
pub mod error;
pub mod gcn;
pub mod gradcheck;
pub mod linalg;
pub mod matmul;
pub mod ops;
pub mod optim;
pub mod params;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod proptests;
pub mod rng;
pub mod rnn;
pub mod train;

pub use error::{EngineError, Result};

/// The engine's scalar type. f64 everywhere: finite-difference checks need the precision.
pub type Real = f64;
/// A dense matrix of [`Real`].
pub type Mat = nalgebra::DMatrix<Real>;
/// A dense column vector of [`Real`].
pub type Vector = nalgebra::DVector<Real>;
