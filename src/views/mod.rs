//! The three teaching views. Views are wiring only: they turn engine traces into widget props
//! and never do matrix arithmetic themselves.

pub mod attention;
pub mod gcn;
pub mod rnn;

pub use attention::AttentionView;
pub use gcn::GcnView;
pub use rnn::RnnView;

/// Brings `v` into `lo..=hi`; when it had to, says so in `notes` ("Hidden size 500 is outside
/// 1–128; using 128"). Every view's state sanitiser uses it for its counts.
pub fn clamp_noted(notes: &mut Vec<String>, name: &str, v: &mut usize, lo: usize, hi: usize) {
    let c = (*v).clamp(lo, hi);
    if c != *v {
        notes.push(format!("{name} {v} is outside {lo}–{hi}; using {c}"));
        *v = c;
    }
}
