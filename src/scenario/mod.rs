//! Scenarios: a JSON document that fully describes one model run — kind, sizes, explicit
//! weights (else drawn from `seed`), inputs, targets, options. The format is documented in
//! `docs/scenario.md`, with one example per kind in `docs/examples/`. [`run`] executes a
//! scenario with the engine and returns the full trace as JSON (what `trace` prints).
//!
//! Parse with [`parse`]: a malformed document gives a message naming the bad field's path
//! (via serde_path_to_error) and what was expected — never a panic.

mod json;
mod run;
mod weights;

pub use run::run;

use crate::engine::attention::{Mask, Norm};
use crate::engine::clip::Clip;
use crate::engine::gcn::layer::Aggregator;
use crate::engine::ops::Activation;
use crate::engine::rnn::{ReadoutKind, Target};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A matrix as a list of rows.
pub type Rows = Vec<Vec<f64>>;
/// Named weights, e.g. `"W_hh": [[…], …]`; see `docs/scenario.md` for the names.
pub type Weights = BTreeMap<String, Tensor>;

/// A weight as JSON gives it: a matrix (list of rows) or a flat list (a bias vector).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Tensor {
    /// Rows of a matrix.
    Matrix(Rows),
    /// A vector (fits an n × 1 or 1 × n parameter).
    Vector(Vec<f64>),
}

/// One model run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Scenario {
    /// A vanilla RNN or LSTM over a sequence, with BPTT.
    Rnn(RnnScenario),
    /// (Multi-head) scaled dot-product attention, self or cross.
    Attention(AttentionScenario),
    /// A transformer block (attention + MLP, residuals, LayerNorm).
    TransformerBlock(BlockScenario),
    /// A graph: its matrices, spectrum, Fourier transform and optionally one GNN layer.
    Graph(GraphScenario),
}

fn default_true() -> bool {
    true
}
fn default_one() -> f64 {
    1.0
}
fn default_heads() -> usize {
    1
}
fn default_base() -> f64 {
    10_000.0
}

/// Which recurrent cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CellKind {
    /// z_h = W_hx x + W_hh h + b_h, h = σ_h(z_h).
    Vanilla,
    /// The LSTM of seed 001.
    Lstm,
}

/// A recurrent model run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RnnScenario {
    /// Seed for weights that are not given.
    #[serde(default)]
    pub seed: u64,
    /// Vanilla RNN or LSTM.
    pub cell: CellKind,
    /// Hidden size n_h.
    pub hidden: usize,
    /// Output size n_y.
    pub outputs: usize,
    /// σ_h of the vanilla cell (ignored for the LSTM).
    #[serde(default)]
    pub activation: Activation,
    /// Read-out and loss.
    pub readout: ReadoutKind,
    /// The input sequence, one row per step: x^(1), …, x^(T).
    pub inputs: Rows,
    /// One target per step (`null` = no loss at that step). Empty = no loss anywhere.
    #[serde(default)]
    pub targets: Vec<Option<Target>>,
    /// Explicit weights by name (deck or PyTorch names).
    #[serde(default)]
    pub weights: Weights,
    /// Rescale a *seeded* W_hh to this largest singular value.
    #[serde(default)]
    pub recurrent_sigma: Option<f64>,
    /// Initial forget-gate bias of a seeded LSTM.
    #[serde(default = "default_one")]
    pub forget_bias: f64,
    /// Truncated BPTT window k (absent = full BPTT).
    #[serde(default)]
    pub truncation: Option<usize>,
    /// Gradient clipping.
    #[serde(default)]
    pub clip: Clip,
}

/// How positions are encoded in an attention scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum PositionalSpec {
    /// None.
    #[default]
    None,
    /// Sinusoidal with the given base.
    Sinusoidal {
        /// 10000 in the paper.
        #[serde(default = "default_base")]
        base: f64,
    },
}

/// An attention run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttentionScenario {
    /// Seed for weights (and token embeddings) that are not given.
    #[serde(default)]
    pub seed: u64,
    /// d_model.
    pub d_model: usize,
    /// Number of heads.
    #[serde(default = "default_heads")]
    pub heads: usize,
    /// Query-side input rows X (n × d_model); or give `tokens`.
    #[serde(default)]
    pub inputs: Option<Rows>,
    /// Query-side tokens, embedded with seeded vectors (same word → same vector).
    #[serde(default)]
    pub tokens: Option<Vec<String>>,
    /// Key/value-side input rows for cross-attention (absent = self-attention).
    #[serde(default)]
    pub source: Option<Rows>,
    /// Key/value-side tokens for cross-attention.
    #[serde(default)]
    pub source_tokens: Option<Vec<String>>,
    /// Mask.
    #[serde(default)]
    pub mask: Mask,
    /// Divide scores by √d_k.
    #[serde(default = "default_true")]
    pub scale: bool,
    /// Positional encoding added to the inputs.
    #[serde(default)]
    pub positional: PositionalSpec,
    /// Explicit weights (`W_q.0`, …, `W_o`, or PyTorch `in_proj_weight`, `out_proj.weight`).
    #[serde(default)]
    pub weights: Weights,
    /// Target for the output (n × d_model); the loss is MSE against it (zeros if absent).
    #[serde(default)]
    pub target: Option<Rows>,
}

/// A transformer-block run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockScenario {
    /// Seed for weights that are not given.
    #[serde(default)]
    pub seed: u64,
    /// d_model.
    pub d_model: usize,
    /// Number of heads.
    #[serde(default = "default_heads")]
    pub heads: usize,
    /// MLP width.
    pub d_ff: usize,
    /// Pre- or post-norm.
    #[serde(default)]
    pub norm: Norm,
    /// Input rows (n × d_model).
    pub inputs: Rows,
    /// Mask.
    #[serde(default)]
    pub mask: Mask,
    /// Explicit weights by name.
    #[serde(default)]
    pub weights: Weights,
    /// Target rows; MSE loss (zeros if absent).
    #[serde(default)]
    pub target: Option<Rows>,
}

/// Which GNN layer to run on a graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LayerKind {
    /// H' = σ(P H W).
    Gcn,
    /// H' = σ(H W_self + AGG(H) W_neigh + b).
    Sage,
    /// Graph attention.
    Gat,
}

/// One GNN layer on the graph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerSpec {
    /// Which layer.
    pub kind: LayerKind,
    /// Output features.
    pub out: usize,
    /// σ.
    #[serde(default)]
    pub activation: Activation,
    /// Sum or mean (Sage only).
    #[serde(default = "default_mean")]
    pub aggregator: Aggregator,
    /// Explicit weights by name.
    #[serde(default)]
    pub weights: Weights,
}

fn default_mean() -> Aggregator {
    Aggregator::Mean
}

/// A graph run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GraphScenario {
    /// Seed for weights that are not given.
    #[serde(default)]
    pub seed: u64,
    /// A preset: "seed_001", "seed_003" or "karate".
    #[serde(default)]
    pub preset: Option<String>,
    /// Number of nodes (with `edges`).
    #[serde(default)]
    pub nodes: Option<usize>,
    /// Undirected edges as node-index pairs.
    #[serde(default)]
    pub edges: Option<Vec<(usize, usize)>>,
    /// Or the adjacency matrix itself.
    #[serde(default)]
    pub adjacency: Option<Rows>,
    /// Use A + I for the propagation matrix P (Kipf's renormalisation trick).
    #[serde(default)]
    pub self_loops: bool,
    /// A signal on the nodes for the graph Fourier transform.
    #[serde(default)]
    pub signal: Option<Vec<f64>>,
    /// Low-pass cut-off on the eigenvalues (keep λ ≤ cutoff).
    #[serde(default)]
    pub cutoff: Option<f64>,
    /// Node features (n × f); the identity if absent.
    #[serde(default)]
    pub features: Option<Rows>,
    /// A GNN layer to run (with gradients of an MSE loss against `target`).
    #[serde(default)]
    pub layer: Option<LayerSpec>,
    /// Target rows for the layer's output (zeros if absent).
    #[serde(default)]
    pub target: Option<Rows>,
}

/// Parses a scenario; the error names the path of the bad field and what was expected.
///
/// Parsing happens in two stages — read `kind`, then deserialise that kind's fields — because
/// serde's internally tagged enums buffer their content and lose the path of a bad field.
pub fn parse(text: &str) -> Result<Scenario, String> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    let serde_json::Value::Object(mut fields) = value else {
        return Err("a scenario is a JSON object with a \"kind\" field".into());
    };
    let kind = match fields.remove("kind") {
        Some(serde_json::Value::String(k)) => k,
        Some(other) => return Err(format!("field `kind`: expected a string, got {other}")),
        None => return Err("field `kind` is missing; expected \"rnn\", \"attention\", \"transformer_block\" or \"graph\"".into()),
    };
    let body = serde_json::Value::Object(fields);
    fn variant<T: serde::de::DeserializeOwned>(body: serde_json::Value) -> Result<T, String> {
        serde_path_to_error::deserialize(body).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            if path == "." || path.is_empty() {
                format!("{inner}")
            } else {
                format!("field `{path}`: {inner}")
            }
        })
    }
    match kind.as_str() {
        "rnn" => variant(body).map(Scenario::Rnn),
        "attention" => variant(body).map(Scenario::Attention),
        "transformer_block" => variant(body).map(Scenario::TransformerBlock),
        "graph" => variant(body).map(Scenario::Graph),
        other => Err(format!(
            "field `kind`: unknown kind {other:?}; expected \"rnn\", \"attention\", \"transformer_block\" or \"graph\""
        )),
    }
}

#[cfg(test)]
mod tests;
