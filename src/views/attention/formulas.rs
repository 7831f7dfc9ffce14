//! The formulas of the attention view in seed 002's notation (e_ij = q_iᵀ k_j,
//! α_ij = exp(e_ij) / Σ_j' exp(e_ij'), output_i = Σ_j α_ij v_j), built as data with the engine's
//! numbers for the entry the student points at. Pure functions, tested natively.

use crate::engine::attention::EntryTerms;
use crate::widgets::formula::{
    frac, mi, mn, mo, mtext, num, row, sqrt, sub, subsup, sup, under, M,
};

fn n(v: f64) -> M {
    num(v, 3)
}
fn ij(name: &str, i: usize, j: usize) -> M {
    sub(
        mi(name),
        row(vec![mn(i.to_string()), mo(","), mn(j.to_string())]),
    )
}
/// name_{i,j′}: row i, every column j′.
fn ij_sym(name: &str, i: usize) -> M {
    sub(mi(name), row(vec![mn(i.to_string()), mo(","), mi("j′")]))
}
fn i_sub(name: &str, i: usize) -> M {
    sub(mi(name), mn(i.to_string()))
}

/// Attention(Q, K, V) = softmax(QKᵀ / √d_k) V — with or without the √d_k.
pub fn attention(scale: bool) -> M {
    let qk = row(vec![mi("Q"), sup(mi("K"), mi("T"))]);
    let inner = if scale {
        frac(qk, sqrt(sub(mi("d"), mi("k"))))
    } else {
        qk
    };
    row(vec![
        mtext("Attention"),
        mo("("),
        mi("Q"),
        mo(","),
        mi("K"),
        mo(","),
        mi("V"),
        mo(")"),
        mo("="),
        mtext("softmax"),
        mo("("),
        inner,
        mo(")"),
        mi("V"),
    ])
}

/// The lines of α_ij for query i and key j (1-based), keyed for tests:
/// the score, its scaling, the mask (when it hides the key), and the softmax.
pub fn entry_lines(i: usize, j: usize, t: &EntryTerms, d_k: usize) -> Vec<(&'static str, M)> {
    let et = || ij("ẽ", i, j);
    let mut out = vec![(
        "score",
        row(vec![
            ij("e", i, j),
            mo("="),
            subsup(mi("q"), mn(i.to_string()), mi("T")),
            i_sub("k", j),
            mo("="),
            n(t.score),
        ]),
    )];
    out.push((
        "scaled",
        if t.scale == 1.0 {
            row(vec![
                et(),
                mo("="),
                ij("e", i, j),
                mo("="),
                n(t.scaled),
                mtext("  (not scaled)"),
            ])
        } else {
            row(vec![
                et(),
                mo("="),
                frac(ij("e", i, j), sqrt(sub(mi("d"), mi("k")))),
                mo("="),
                frac(n(t.score), sqrt(mn(d_k.to_string()))),
                mo("="),
                n(t.scaled),
            ])
        },
    ));
    if !t.allowed {
        out.push((
            "mask",
            row(vec![
                et(),
                mo("→"),
                mo("−∞"),
                mtext("  (masked: key hidden from this query), so "),
                mtext("exp"),
                mo("("),
                mo("−∞"),
                mo(")"),
                mo("="),
                mn("0"),
            ]),
        ));
    }
    let m_i = i_sub("m", i);
    let den = row(vec![
        under(mo("Σ"), mi("j′")),
        mtext("exp"),
        mo("("),
        ij_sym("ẽ", i),
        mo("−"),
        m_i.clone(),
        mo(")"),
    ]);
    let numerator = if t.allowed {
        row(vec![
            mtext("exp"),
            mo("("),
            et(),
            mo("−"),
            m_i.clone(),
            mo(")"),
        ])
    } else {
        mn("0")
    };
    out.push((
        "softmax",
        row(vec![
            ij("α", i, j),
            mo("="),
            frac(numerator, den),
            mo("="),
            frac(n(t.numerator), n(t.denominator)),
            mo("="),
            n(t.weight),
        ]),
    ));
    out.push((
        "max",
        row(vec![
            m_i,
            mo("="),
            under(mtext("max"), mi("j′")),
            ij_sym("ẽ", i),
            mo("="),
            n(t.row_max),
        ]),
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::attention::{attention as attn, entry, Mask};
    use crate::engine::Mat;

    #[test]
    fn entry_lines_carry_the_engine_numbers() {
        let q = Mat::from_row_slice(2, 2, &[1.0, 0.0, 1.0, 1.0]);
        let k = Mat::from_row_slice(2, 2, &[2.0, 0.0, 0.0, 2.0]);
        let t = attn(&q, &k, &Mat::identity(2, 2), &Mask::Causal, true).unwrap();
        let lines = entry_lines(2, 1, &entry(&t, 1, 0).unwrap(), 2);
        let text = |key: &str| lines.iter().find(|(k, _)| *k == key).unwrap().1.text();
        assert_eq!(text("score"), "e_2,1=q_2^Tk_1=2");
        assert_eq!(text("scaled"), "ẽ_2,1=(e_2,1)/(√(d_k))=(2)/(√(2))=1.414");
        assert!(
            text("softmax").ends_with("=(1)/(2)=0.5"),
            "{}",
            text("softmax")
        );
        assert!(text("softmax").contains("Σ_j′exp(ẽ_2,j′−m_2)"));
        assert!(lines.iter().all(|(k, _)| *k != "mask"));
        let hidden = entry_lines(1, 2, &entry(&t, 0, 1).unwrap(), 2);
        let mask = hidden.iter().find(|(k, _)| *k == "mask").unwrap().1.text();
        assert!(mask.contains("−∞"));
        assert!(hidden[hidden.len() - 2].1.text().ends_with("=(0)/(1)=0"));
    }

    #[test]
    fn the_attention_formula_with_and_without_scaling() {
        assert_eq!(
            attention(true).text(),
            "Attention(Q,K,V)=softmax((QK^T)/(√(d_k)))V"
        );
        assert!(!attention(false).text().contains('√'));
    }
}
