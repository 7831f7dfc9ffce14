//! Graph matrices and graph neural network layers, in the notation of the decks
//! (seed 001: A, D, P = D^-½AD^-½, L = I − D^-½AD^-½; Kipf's P̃ = D̃^-½(A+I)D̃^-½).

pub mod adjacency;
pub mod classify;
pub mod gat;
pub mod laplacian;
pub mod layer;
pub mod spectrum;

pub use adjacency::{
    degrees, inv_sqrt_degrees, normalized_adjacency, validate_adjacency, with_self_loops,
};
pub use laplacian::{
    graph_matrices, normalized_laplacian, normalized_laplacian_of_edges, GraphMatricesTrace,
};
pub use spectrum::{components, components_of_edges, spectrum, Spectrum};
