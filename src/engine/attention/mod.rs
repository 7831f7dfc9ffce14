//! Attention in the notation of seeds 000, 002 and 003:
//! Attention(Q, K, V) = softmax(QKᵀ/√d_k) V, masks, multi-head (self and cross), positional
//! encodings and a transformer block.

pub mod block;
pub mod explain;
pub mod mask;
pub mod multihead;
pub mod positional;
pub mod scaled;
pub mod tiny;

pub use block::{BlockConfig, Norm, TransformerBlock};
pub use explain::{entry, EntryTerms};
pub use mask::Mask;
pub use multihead::{HeadParams, MultiHead, MultiHeadTrace};
pub use positional::{learned_init, similarity, sinusoidal, Positional};
pub use scaled::{attention, attention_backward, AttentionTrace};
