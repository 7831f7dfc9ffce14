//! Elementary operations, each with its forward and its derivative side by side.

pub mod activation;
pub mod layernorm;
pub mod loss;
pub mod softmax;

pub use activation::Activation;
pub use loss::{cross_entropy_rows, mse};
pub use softmax::{softmax_rows, softmax_rows_backward};
