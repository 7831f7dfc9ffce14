//! Matrices to and from the row-list JSON form students read (nalgebra's own serde form is
//! column-major and flat).

use super::Rows;
use crate::engine::{Mat, Vector};
use serde_json::{json, Value};

/// A matrix as a list of rows.
pub fn mat(m: &Mat) -> Value {
    Value::Array(
        m.row_iter()
            .map(|r| json!(r.iter().copied().map(finite).collect::<Vec<_>>()))
            .collect(),
    )
}

/// A vector as a list.
pub fn vec(v: &Vector) -> Value {
    json!(v.iter().copied().map(finite).collect::<Vec<_>>())
}

/// JSON has no NaN or ∞: they are written as the strings "NaN", "inf" and "-inf" (a masked
/// attention score is "-inf", exactly as on the decoder slides).
pub fn finite(v: f64) -> Value {
    if v.is_finite() {
        json!(v)
    } else if v.is_nan() {
        json!("NaN")
    } else if v > 0.0 {
        json!("inf")
    } else {
        json!("-inf")
    }
}

/// Rows to a matrix; `what` names the field in the error.
pub fn rows_to_mat(rows: &Rows, what: &str) -> Result<Mat, String> {
    let r = rows.len();
    let c = rows.first().map_or(0, Vec::len);
    if let Some((i, row)) = rows.iter().enumerate().find(|(_, row)| row.len() != c) {
        return Err(format!(
            "`{what}`: row {i} has {} entries but row 0 has {c}",
            row.len()
        ));
    }
    Ok(Mat::from_fn(r, c, |i, j| rows[i][j]))
}
