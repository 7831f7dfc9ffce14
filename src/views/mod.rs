//! The three teaching views. Views are wiring only: they turn engine traces into widget props
//! and never do matrix arithmetic themselves.

pub mod attention;
pub mod gcn;
pub mod rnn;

pub use gcn::GcnView;
pub use rnn::RnnView;
