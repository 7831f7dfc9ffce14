//! Loading explicit weights into a model: by the engine's own names (the decks' notation), or
//! by the names PyTorch's `state_dict()` uses, translated here.
//!
//! A parameter's key is its name (`W_hh`), with `.k` appended when the name repeats — one per
//! attention head: `W_q.0`, `W_q.1`, ….

use super::json::rows_to_mat;
use super::{Tensor, Weights};
use crate::engine::params::Parameters;
use crate::engine::Mat;

/// The key of every tensor of a parameter set, in order.
pub fn keys<P: Parameters>(p: &P) -> Vec<String> {
    let names: Vec<&str> = p.tensors().iter().map(|(n, _)| *n).collect();
    let mut seen = std::collections::BTreeMap::<&str, usize>::new();
    names
        .iter()
        .map(|n| {
            let total = names.iter().filter(|m| *m == n).count();
            let k = seen.entry(n).or_insert(0);
            *k += 1;
            if total > 1 {
                format!("{n}.{}", *k - 1)
            } else {
                (*n).to_string()
            }
        })
        .collect()
}

fn tensor_to_mat(t: &Tensor, shape: (usize, usize), what: &str) -> Result<Mat, String> {
    let m = match t {
        Tensor::Matrix(rows) => rows_to_mat(rows, what)?,
        Tensor::Vector(v) if shape.1 == 1 => Mat::from_column_slice(v.len(), 1, v),
        Tensor::Vector(v) => Mat::from_row_slice(1, v.len(), v),
    };
    if m.shape() != shape {
        return Err(format!(
            "`{what}`: expected {}×{}, got {}×{}",
            shape.0,
            shape.1,
            m.nrows(),
            m.ncols()
        ));
    }
    if let Some(k) = m.iter().position(|v| !v.is_finite()) {
        return Err(format!("`{what}`: entry {k} is not a finite number"));
    }
    Ok(m)
}

/// Overwrites the tensors of `params` named in `given`. Unknown names are an error that lists
/// the names this model has.
pub fn apply<P: Parameters>(params: &mut P, given: &Weights, field: &str) -> Result<(), String> {
    let ks = keys(params);
    if let Some(bad) = given.keys().find(|k| !ks.contains(k)) {
        return Err(format!(
            "`{field}.{bad}`: no such weight; this model has {}",
            ks.join(", ")
        ));
    }
    for ((_, t), key) in params.tensors_mut().into_iter().zip(&ks) {
        if let Some(value) = given.get(key) {
            *t = tensor_to_mat(value, t.shape(), &format!("{field}.{key}"))?;
        }
    }
    Ok(())
}

fn take_mat(w: &mut Weights, key: &str, field: &str) -> Result<Option<Mat>, String> {
    let Some(t) = w.remove(key) else {
        return Ok(None);
    };
    let m = match &t {
        Tensor::Matrix(rows) => rows_to_mat(rows, &format!("{field}.{key}"))?,
        Tensor::Vector(v) => Mat::from_column_slice(v.len(), 1, v),
    };
    Ok(Some(m))
}

fn rows(m: &Mat) -> Tensor {
    Tensor::Matrix(m.row_iter().map(|r| r.iter().copied().collect()).collect())
}

fn split_rows(m: &Mat, parts: usize, key: &str, field: &str) -> Result<Vec<Mat>, String> {
    if parts == 0 || !m.nrows().is_multiple_of(parts) {
        return Err(format!(
            "`{field}.{key}`: {} rows do not split into {parts} equal blocks",
            m.nrows()
        ));
    }
    let h = m.nrows() / parts;
    Ok((0..parts).map(|k| m.rows(k * h, h).into_owned()).collect())
}

/// Translates PyTorch `nn.RNN` / `nn.LSTM` (one layer) and `nn.Linear` names into ours.
/// `weight_ih_l0` → W_hx (LSTM: split in PyTorch's gate order i, f, g, o into W_ix, W_fx,
/// W_gx, W_ox), `weight_hh_l0` likewise, `bias_ih_l0 + bias_hh_l0` → b_h (or b_i, b_f, b_g,
/// b_o), and `fc.weight`/`fc.bias` (also `linear.`, `readout.`) → W_yh, b_y.
pub fn from_pytorch_rnn(given: &Weights, lstm: bool, field: &str) -> Result<Weights, String> {
    let mut w = given.clone();
    let mut out = Weights::new();
    let gates = ["i", "f", "g", "o"];
    if let Some(m) = take_mat(&mut w, "weight_ih_l0", field)? {
        if lstm {
            for (g, part) in gates.iter().zip(split_rows(&m, 4, "weight_ih_l0", field)?) {
                out.insert(format!("W_{g}x"), rows(&part));
            }
        } else {
            out.insert("W_hx".into(), rows(&m));
        }
    }
    if let Some(m) = take_mat(&mut w, "weight_hh_l0", field)? {
        if lstm {
            for (g, part) in gates.iter().zip(split_rows(&m, 4, "weight_hh_l0", field)?) {
                out.insert(format!("W_{g}h"), rows(&part));
            }
        } else {
            out.insert("W_hh".into(), rows(&m));
        }
    }
    let b_ih = take_mat(&mut w, "bias_ih_l0", field)?;
    let b_hh = take_mat(&mut w, "bias_hh_l0", field)?;
    let bias = match (b_ih, b_hh) {
        (Some(a), Some(b)) if a.shape() == b.shape() => Some(a + b),
        (Some(_), Some(_)) => {
            return Err(format!(
                "`{field}.bias_hh_l0`: shape differs from bias_ih_l0"
            ))
        }
        (a, b) => a.or(b),
    };
    if let Some(b) = bias {
        if lstm {
            for (g, part) in gates.iter().zip(split_rows(&b, 4, "bias_ih_l0", field)?) {
                out.insert(format!("b_{g}"), rows(&part));
            }
        } else {
            out.insert("b_h".into(), rows(&b));
        }
    }
    for prefix in ["fc", "linear", "readout"] {
        if let Some(m) = take_mat(&mut w, &format!("{prefix}.weight"), field)? {
            out.insert("W_yh".into(), rows(&m));
        }
        if let Some(m) = take_mat(&mut w, &format!("{prefix}.bias"), field)? {
            out.insert("b_y".into(), rows(&m));
        }
    }
    out.extend(w);
    Ok(out)
}

/// Translates PyTorch `nn.MultiheadAttention` (batch_first, bias=False) names into ours:
/// `in_proj_weight` (3d × d, rows = [q; k; v], `out × in`) gives W_q.h = (rows of head h of the
/// q block)ᵀ, likewise K and V; `out_proj.weight` gives W_o = its transpose. Biases must be 0:
/// nnviz's attention (like the decks) has none.
pub fn from_pytorch_mha(given: &Weights, heads: usize, field: &str) -> Result<Weights, String> {
    let mut w = given.clone();
    let mut out = Weights::new();
    for key in ["in_proj_bias", "out_proj.bias"] {
        if let Some(b) = take_mat(&mut w, key, field)? {
            if b.iter().any(|v| *v != 0.0) {
                return Err(format!("`{field}.{key}`: attention biases are not part of the model; export with bias=False"));
            }
        }
    }
    if let Some(m) = take_mat(&mut w, "in_proj_weight", field)? {
        let qkv = split_rows(&m, 3, "in_proj_weight", field)?;
        for (name, block) in ["W_q", "W_k", "W_v"].iter().zip(qkv) {
            for (h, part) in split_rows(&block, heads, "in_proj_weight", field)?
                .into_iter()
                .enumerate()
            {
                let key = if heads > 1 {
                    format!("{name}.{h}")
                } else {
                    (*name).to_string()
                };
                out.insert(key, rows(&part.transpose()));
            }
        }
    }
    if let Some(m) = take_mat(&mut w, "out_proj.weight", field)? {
        out.insert("W_o".into(), rows(&m.transpose()));
    }
    out.extend(w);
    Ok(out)
}
