//! The attention view (issue #5). So far: its state (sentence, d_model, heads, √d_k, mask,
//! padding, positional encoding, seed — all for the URL) and the engine run it implies, tested
//! natively. The components come next.

pub mod state;
