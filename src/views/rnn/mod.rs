//! The RNN/LSTM view (seed 001).

pub mod state;
