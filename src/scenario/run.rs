//! Runs a scenario with the engine and returns every intermediate as JSON.

use super::json::{finite, mat, rows_to_mat, vec};
use super::weights::{self, from_pytorch_mha, from_pytorch_rnn};
use super::{
    AttentionScenario, BlockScenario, CellKind, GraphScenario, LayerKind, PositionalSpec,
    RnnScenario, Rows, Scenario,
};
use crate::engine::attention::{sinusoidal, BlockConfig, MultiHead, TransformerBlock};
use crate::engine::data::{karate_club, seed_001_graph, seed_003_graph};
use crate::engine::gcn::gat::GatHead;
use crate::engine::gcn::layer::{aggregation_matrix, GcnLayer, SageLayer};
use crate::engine::gcn::{
    components, graph_matrices, normalized_adjacency, spectrum, with_self_loops,
};
use crate::engine::ops::mse;
use crate::engine::ops::softmax::row_entropy;
use crate::engine::params::Parameters;
use crate::engine::rng::{glorot, normal, rng, Rng};
use crate::engine::rnn::bptt::reach;
use crate::engine::rnn::{bptt, Cell, LstmConfig, Readout, SeqModel, VanillaConfig};
use crate::engine::{Mat, Vector};
use serde_json::{json, Map, Value};

type Out = Result<Value, String>;

/// The largest sizes a scenario may ask for (bigger requests are refused with a message, not
/// attempted: a WASM page cannot survive an allocation failure).
pub mod limits {
    /// Hidden units, d_model, d_ff, outputs.
    pub const WIDTH: usize = 1024;
    /// Sequence length or tokens.
    pub const LENGTH: usize = 4096;
    /// Attention heads.
    pub const HEADS: usize = 16;
    /// Graph nodes.
    pub const NODES: usize = 2000;
}

fn within(what: &str, v: usize, max: usize) -> Result<(), String> {
    if v > max {
        Err(format!(
            "`{what}` = {v} is larger than nnviz allows ({max})"
        ))
    } else {
        Ok(())
    }
}

fn check_limits(s: &Scenario) -> Result<(), String> {
    use limits::*;
    match s {
        Scenario::Rnn(r) => {
            within("hidden", r.hidden, WIDTH)?;
            within("outputs", r.outputs, WIDTH)?;
            within("inputs", r.inputs.len(), LENGTH)?;
            within("inputs[0]", r.inputs.first().map_or(0, Vec::len), WIDTH)
        }
        Scenario::Attention(a) => {
            within("d_model", a.d_model, WIDTH)?;
            within("heads", a.heads, HEADS)?;
            within(
                "inputs",
                a.inputs
                    .as_ref()
                    .map_or(0, Vec::len)
                    .max(a.tokens.as_ref().map_or(0, Vec::len)),
                LENGTH,
            )?;
            within(
                "source",
                a.source
                    .as_ref()
                    .map_or(0, Vec::len)
                    .max(a.source_tokens.as_ref().map_or(0, Vec::len)),
                LENGTH,
            )
        }
        Scenario::TransformerBlock(b) => {
            within("d_model", b.d_model, WIDTH)?;
            within("d_ff", b.d_ff, 4 * WIDTH)?;
            within("heads", b.heads, HEADS)?;
            within("inputs", b.inputs.len(), LENGTH)
        }
        Scenario::Graph(g) => {
            within("nodes", g.nodes.unwrap_or(0), NODES)?;
            within("adjacency", g.adjacency.as_ref().map_or(0, Vec::len), NODES)?;
            within("layer.out", g.layer.as_ref().map_or(0, |l| l.out), WIDTH)?;
            within(
                "features[0]",
                g.features
                    .as_ref()
                    .and_then(|f| f.first())
                    .map_or(0, Vec::len),
                WIDTH,
            )
        }
    }
}

/// Runs `s` and returns its full trace.
pub fn run(s: &Scenario) -> Out {
    check_limits(s)?;
    match s {
        Scenario::Rnn(r) => run_rnn(r),
        Scenario::Attention(a) => run_attention(a),
        Scenario::TransformerBlock(b) => run_block(b),
        Scenario::Graph(g) => run_graph(g),
    }
}

fn grads_json<P: Parameters>(g: &P) -> Value {
    let keys = weights::keys(g);
    let mut m = Map::new();
    for (k, (_, t)) in keys.into_iter().zip(g.tensors()) {
        m.insert(k, mat(t));
    }
    Value::Object(m)
}

fn engine<T>(r: crate::engine::Result<T>, ctx: &str) -> Result<T, String> {
    r.map_err(|e| format!("{ctx}: {e}"))
}

fn sequence(rows: &Rows) -> Result<Vec<Vector>, String> {
    if rows.is_empty() {
        return Err("`inputs`: the sequence is empty; give at least one step".into());
    }
    let m = rows_to_mat(rows, "inputs")?;
    Ok(m.row_iter().map(|r| r.transpose()).collect())
}

fn run_rnn(s: &RnnScenario) -> Out {
    let xs = sequence(&s.inputs)?;
    let t_len = xs.len();
    let targets = if s.targets.is_empty() {
        vec![None; t_len]
    } else {
        s.targets.clone()
    };
    let lstm = s.cell == CellKind::Lstm;
    let given = from_pytorch_rnn(&s.weights, lstm, "weights")?;
    let mut r = rng(s.seed);
    let n_x = xs[0].len();
    match s.cell {
        CellKind::Vanilla => {
            let cfg = VanillaConfig {
                inputs: n_x,
                hidden: s.hidden,
                activation: s.activation,
                recurrent_sigma: s.recurrent_sigma,
            };
            let cell = engine(cfg.init(&mut r), "initialising W_hh")?;
            let mut model = SeqModel {
                cell,
                readout: Readout::init(&mut r, s.hidden, s.outputs, s.readout),
            };
            weights::apply(&mut model, &given, "weights")?;
            let (mut out, trace) = trace_seq(
                &model,
                &xs,
                &targets,
                s,
                |st| json!({ "z_h": vec(&st.z_h) }),
            )?;
            let sigma = engine(
                crate::engine::linalg::spectral_norm(&model.cell.w_hh),
                "σ_max(W_hh)",
            )?;
            out.insert("w_hh_largest_singular_value".into(), finite(sigma));
            let norms = engine(
                model.cell.jacobian_product_norms(&trace),
                "Jacobian products",
            )?;
            out.insert(
                "jacobian_product_norms".into(),
                json!(norms.into_iter().map(finite).collect::<Vec<_>>()),
            );
            Ok(Value::Object(out))
        }
        CellKind::Lstm => {
            let cell = LstmConfig {
                inputs: n_x,
                hidden: s.hidden,
                forget_bias: s.forget_bias,
            }
            .init(&mut r);
            let mut model = SeqModel {
                cell,
                readout: Readout::init(&mut r, s.hidden, s.outputs, s.readout),
            };
            weights::apply(&mut model, &given, "weights")?;
            let (out, _) = trace_seq(
                &model,
                &xs,
                &targets,
                s,
                |st| json!({ "f": vec(&st.f), "i": vec(&st.i), "g": vec(&st.g), "o": vec(&st.o), "tanh_C": vec(&st.tanh_c) }),
            )?;
            Ok(Value::Object(out))
        }
    }
}

/// A recurrent trace as JSON fields, and the engine trace (for cell-specific extras).
type SeqOut<S> = (Map<String, Value>, crate::engine::rnn::SeqTrace<S>);

fn trace_seq<C: Cell>(
    model: &SeqModel<C>,
    xs: &[Vector],
    targets: &[Option<crate::engine::rnn::Target>],
    s: &RnnScenario,
    step_json: impl Fn(&C::Step) -> Value,
) -> Result<SeqOut<C::Step>, String> {
    let trace = engine(model.forward(xs, targets), "forward pass")?;
    let bp = bptt(model, xs, targets, &trace, s.truncation, s.clip);
    let has_loss: Vec<bool> = targets.iter().map(Option::is_some).collect();
    let mut out = Map::new();
    out.insert("kind".into(), json!("rnn"));
    out.insert("cell".into(), json!(s.cell));
    out.insert("T".into(), json!(xs.len()));
    out.insert(
        "h".into(),
        json!(trace.states.iter().map(|st| vec(&st.h)).collect::<Vec<_>>()),
    );
    if model.cell.has_cell_state() {
        out.insert(
            "C".into(),
            json!(trace.states.iter().map(|st| vec(&st.c)).collect::<Vec<_>>()),
        );
    }
    out.insert(
        "steps".into(),
        json!(trace.steps.iter().map(&step_json).collect::<Vec<_>>()),
    );
    out.insert(
        "z_y".into(),
        json!(trace.z_y.iter().map(vec).collect::<Vec<_>>()),
    );
    out.insert(
        "y".into(),
        json!(trace.y.iter().map(vec).collect::<Vec<_>>()),
    );
    out.insert(
        "step_losses".into(),
        json!(trace
            .step_losses
            .iter()
            .map(|l| l.map(finite))
            .collect::<Vec<_>>()),
    );
    out.insert("loss".into(), finite(trace.loss));
    out.insert("grads".into(), grads_json(&bp.grads));
    out.insert(
        "dL_dh_norms".into(),
        json!(bp.dh_norms.iter().copied().map(finite).collect::<Vec<_>>()),
    );
    if !bp.dc_norms.is_empty() {
        out.insert(
            "dL_dC_norms".into(),
            json!(bp.dc_norms.iter().copied().map(finite).collect::<Vec<_>>()),
        );
    }
    out.insert("truncation".into(), json!(bp.window));
    out.insert("reach".into(), json!(reach(&has_loss, bp.window)));
    out.insert("clip".into(), json!({"how": s.clip, "norm_before": finite(bp.clip.norm_before), "norm_after": finite(bp.clip.norm_after), "clipped": bp.clip.clipped}));
    Ok((out, trace))
}

/// FNV-1a, 64-bit: a stable hash so the same token gets the same seeded embedding on every
/// platform and in every order (std's hasher is randomised per process). Written by hand: it is
/// six lines and no dependency is worth it.
fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Seeded embeddings for tokens: row i is N(0, 1) drawn from (seed, token).
pub fn embed_tokens(tokens: &[String], d_model: usize, seed: u64) -> Mat {
    let mut m = Mat::zeros(tokens.len(), d_model);
    for (i, t) in tokens.iter().enumerate() {
        let row = normal(&mut rng(seed ^ fnv1a(t)), 1, d_model, 1.0);
        m.set_row(i, &row.row(0));
    }
    m
}

fn attention_input(
    rows: &Option<Rows>,
    tokens: &Option<Vec<String>>,
    d: usize,
    seed: u64,
    what: &str,
) -> Result<Option<Mat>, String> {
    match (rows, tokens) {
        (Some(_), Some(_)) => Err(format!("`{what}`: give rows or tokens, not both")),
        (Some(r), None) => {
            let m = rows_to_mat(r, what)?;
            if m.nrows() == 0 || m.ncols() != d {
                return Err(format!(
                    "`{what}`: expected n × {d} (d_model) with n ≥ 1, got {}×{}",
                    m.nrows(),
                    m.ncols()
                ));
            }
            Ok(Some(m))
        }
        (None, Some(t)) if t.is_empty() => Err(format!("`{what}`: no tokens")),
        (None, Some(t)) => Ok(Some(embed_tokens(t, d, seed))),
        (None, None) => Ok(None),
    }
}

fn add_positional(x: &Mat, p: &PositionalSpec) -> Mat {
    match p {
        PositionalSpec::None => x.clone(),
        PositionalSpec::Sinusoidal { base } => x + sinusoidal(x.nrows(), x.ncols(), *base),
    }
}

fn target_or_zeros(t: &Option<Rows>, shape: (usize, usize)) -> Result<Mat, String> {
    match t {
        None => Ok(Mat::zeros(shape.0, shape.1)),
        Some(rows) => {
            let m = rows_to_mat(rows, "target")?;
            if m.shape() != shape {
                return Err(format!(
                    "`target`: expected {}×{}, got {}×{}",
                    shape.0,
                    shape.1,
                    m.nrows(),
                    m.ncols()
                ));
            }
            Ok(m)
        }
    }
}

fn run_attention(s: &AttentionScenario) -> Out {
    if s.d_model == 0 || s.heads == 0 {
        return Err("`d_model` and `heads` must be at least 1".into());
    }
    let xq = attention_input(&s.inputs, &s.tokens, s.d_model, s.seed, "inputs")?
        .ok_or("`inputs`: give `inputs` (rows) or `tokens`")?;
    let xkv = attention_input(&s.source, &s.source_tokens, s.d_model, s.seed, "source")?;
    let cross = xkv.is_some();
    let xq = add_positional(&xq, &s.positional);
    let xkv = xkv.map_or_else(|| xq.clone(), |m| add_positional(&m, &s.positional));
    let mut r = rng(s.seed.wrapping_add(1));
    let mut mha = engine(MultiHead::init(&mut r, s.d_model, s.heads), "`heads`")?;
    weights::apply(
        &mut mha,
        &from_pytorch_mha(&s.weights, s.heads, "weights")?,
        "weights",
    )?;
    let t = engine(mha.forward(&xq, &xkv, &s.mask, s.scale), "attention")?;
    let target = target_or_zeros(&s.target, t.output.shape())?;
    let (loss, d_out) = mse(&t.output, &target);
    let (g, dxq, dxkv) = mha.backward(&xq, &xkv, &t, &d_out);
    let heads: Vec<Value> = t
        .heads
        .iter()
        .map(|h| {
            json!({
                "Q": mat(&h.q), "K": mat(&h.k), "V": mat(&h.v),
                "scores": mat(&h.attn.scores), "scale": h.attn.scale, "scaled": mat(&h.attn.scaled),
                "masked": mat(&h.attn.masked), "weights": mat(&h.attn.weights),
                "row_entropy": row_entropy(&h.attn.weights), "output": mat(&h.attn.output),
            })
        })
        .collect();
    Ok(json!({
        "kind": "attention", "cross": cross, "mask": s.mask, "X": mat(&xq), "X_kv": mat(&xkv),
        "heads": heads, "concat": mat(&t.concat), "output": mat(&t.output), "loss": finite(loss),
        "grads": grads_json(&g),
        "dL_dX": if cross { mat(&dxq) } else { mat(&(&dxq + &dxkv)) },
        "dL_dX_kv": if cross { mat(&dxkv) } else { Value::Null },
    }))
}

fn run_block(s: &BlockScenario) -> Out {
    let x = rows_to_mat(&s.inputs, "inputs")?;
    if x.nrows() == 0 || x.ncols() != s.d_model {
        return Err(format!(
            "`inputs`: expected n × {} with n ≥ 1, got {}×{}",
            s.d_model,
            x.nrows(),
            x.ncols()
        ));
    }
    let cfg = BlockConfig {
        d_model: s.d_model,
        heads: s.heads,
        d_ff: s.d_ff,
        norm: s.norm,
    };
    let mut b = engine(TransformerBlock::init(&mut rng(s.seed), &cfg), "block")?;
    weights::apply(&mut b, &s.weights, "weights")?;
    let t = engine(b.forward(&x, &s.mask), "block")?;
    let target = target_or_zeros(&s.target, t.y.shape())?;
    let (loss, d_y) = mse(&t.y, &target);
    let (g, dx) = b.backward(&x, &t, &d_y);
    Ok(json!({
        "kind": "transformer_block", "norm": s.norm,
        "attention_weights": t.mha.heads.iter().map(|h| mat(&h.attn.weights)).collect::<Vec<_>>(),
        "attention_output": mat(&t.mha.output), "after_attention": mat(&t.z),
        "mlp_hidden": mat(&t.mlp.g), "mlp_output": mat(&t.mlp.f), "output": mat(&t.y),
        "loss": finite(loss), "grads": grads_json(&g), "dL_dX": mat(&dx),
    }))
}

fn graph_adjacency(s: &GraphScenario) -> Result<Mat, String> {
    let given = [s.preset.is_some(), s.edges.is_some(), s.adjacency.is_some()]
        .iter()
        .filter(|b| **b)
        .count();
    if given != 1 {
        return Err("give exactly one of `preset`, `edges` (with `nodes`) or `adjacency`".into());
    }
    if let Some(p) = &s.preset {
        return match p.as_str() {
            "seed_001" => Ok(seed_001_graph()),
            "seed_003" => Ok(seed_003_graph()),
            "karate" => Ok(karate_club().adjacency),
            other => Err(format!("`preset`: unknown preset {other:?}; expected \"seed_001\", \"seed_003\" or \"karate\"")),
        };
    }
    if let Some(edges) = &s.edges {
        let n = s.nodes.ok_or("`nodes`: required with `edges`")?;
        let mut a = Mat::zeros(n, n);
        for (k, &(i, j)) in edges.iter().enumerate() {
            if i >= n || j >= n {
                return Err(format!(
                    "`edges[{k}]`: ({i}, {j}) names a node ≥ nodes = {n}"
                ));
            }
            a[(i, j)] = 1.0;
            a[(j, i)] = 1.0;
        }
        return Ok(a);
    }
    rows_to_mat(
        s.adjacency.as_ref().ok_or("`adjacency` missing")?,
        "adjacency",
    )
}

fn run_graph(s: &GraphScenario) -> Out {
    let a = graph_adjacency(s)?;
    let n = a.nrows();
    let gm = engine(graph_matrices(&a), "`adjacency`")?;
    let spec = engine(spectrum(&gm.l), "spectrum of L")?;
    let comps = components(&a);
    let mut out = json!({
        "kind": "graph", "n": n, "A": mat(&gm.a), "degrees": vec(&gm.degrees), "D": mat(&gm.d),
        "D_inv_sqrt": vec(&gm.d_inv_sqrt), "P": mat(&gm.p), "L": mat(&gm.l),
        "eigenvalues": vec(&spec.values), "eigenvectors": mat(&spec.vectors()),
        "zero_eigenvalues": spec.zero_count(), "components": comps.iter().max().map_or(0, |m| m + 1),
    });
    let p = if s.self_loops {
        engine(normalized_adjacency(&with_self_loops(&a)), "A + I")?
    } else {
        gm.p.clone()
    };
    out["P_tilde"] = if s.self_loops { mat(&p) } else { Value::Null };
    if let Some(sig) = &s.signal {
        if sig.len() != n {
            return Err(format!("`signal`: {} values for {n} nodes", sig.len()));
        }
        let x = Vector::from_column_slice(sig);
        let cutoff = s.cutoff.unwrap_or(1.0);
        out["gft"] = vec(&spec.gft(&x));
        out["low_pass"] = json!({ "cutoff": cutoff, "signal": vec(&spec.low_pass(&x, cutoff)) });
    }
    if let Some(layer) = &s.layer {
        let h = match &s.features {
            Some(rows) => rows_to_mat(rows, "features")?,
            None => Mat::identity(n, n),
        };
        if h.nrows() != n {
            return Err(format!("`features`: {} rows for {n} nodes", h.nrows()));
        }
        let mut r = rng(s.seed);
        out["layer"] = run_layer(layer, &a, &p, &h, &s.target, &mut r)?;
    }
    Ok(out)
}

fn run_layer(
    l: &super::LayerSpec,
    a: &Mat,
    p: &Mat,
    h: &Mat,
    target: &Option<Rows>,
    r: &mut Rng,
) -> Out {
    let f = h.ncols();
    match l.kind {
        LayerKind::Gcn => {
            let mut layer = GcnLayer {
                w: glorot(r, f, l.out),
                activation: l.activation,
            };
            weights::apply(&mut layer, &l.weights, "layer.weights")?;
            let t = layer.forward(p, h);
            let (loss, d) = mse(&t.out, &target_or_zeros(target, t.out.shape())?);
            let (g, dh) = layer.backward(p, &t, &d);
            Ok(
                json!({"kind": "gcn", "PH": mat(&t.ph), "Z": mat(&t.z), "H_out": mat(&t.out), "loss": finite(loss), "grads": grads_json(&g), "dL_dH": mat(&dh)}),
            )
        }
        LayerKind::Sage => {
            let m = aggregation_matrix(a, l.aggregator);
            let mut layer = SageLayer {
                w_self: glorot(r, f, l.out),
                w_neigh: glorot(r, f, l.out),
                b: Mat::zeros(1, l.out),
                activation: l.activation,
            };
            weights::apply(&mut layer, &l.weights, "layer.weights")?;
            let t = layer.forward(&m, h);
            let (loss, d) = mse(&t.out, &target_or_zeros(target, t.out.shape())?);
            let (g, dh) = layer.backward(&m, h, &t, &d);
            Ok(
                json!({"kind": "sage", "aggregator": l.aggregator, "messages": mat(&t.messages), "Z": mat(&t.z), "H_out": mat(&t.out), "loss": finite(loss), "grads": grads_json(&g), "dL_dH": mat(&dh)}),
            )
        }
        LayerKind::Gat => {
            let mut head = GatHead {
                w: glorot(r, f, l.out),
                a_dst: glorot(r, l.out, 1),
                a_src: glorot(r, l.out, 1),
                activation: l.activation,
            };
            weights::apply(&mut head, &l.weights, "layer.weights")?;
            let t = head.forward(a, h, true);
            let (loss, d) = mse(&t.out, &target_or_zeros(target, t.out.shape())?);
            let (g, dh) = head.backward(h, &t, &d);
            Ok(
                json!({"kind": "gat", "Z": mat(&t.z), "e": mat(&t.e), "alpha": mat(&t.alpha), "H_out": mat(&t.out), "loss": finite(loss), "grads": grads_json(&g), "dL_dH": mat(&dh)}),
            )
        }
    }
}
