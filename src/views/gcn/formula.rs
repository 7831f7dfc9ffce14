//! The GCN matrices' formulas as data: each matrix's definition (a heatmap caption) and the
//! live formula of one entry with the engine's numbers substituted. Pure and tested natively.

use super::Which;
use crate::engine::gcn::GraphMatricesTrace;
use crate::widgets::formula::{frac, mi, mn, mo, mtext, num, row, sqrt, sub, sup, under, M};

fn d_half() -> M {
    sup(mi("D"), row(vec![mo("−"), mn("½")]))
}

/// The definition of a matrix in the decks' notation, with its title.
pub fn caption(which: Which) -> (&'static str, M) {
    match which {
        Which::A => ("Adjacency", mi("A")),
        Which::D => (
            "Degree",
            row(vec![
                mi("D"),
                mo("="),
                mi("diag"),
                mo("("),
                sub(mi("d"), mi("i")),
                mo(")"),
            ]),
        ),
        Which::P => (
            "Normalized adjacency",
            row(vec![mi("P"), mo("="), d_half(), mi("A"), d_half()]),
        ),
        Which::L => (
            "Normalized Laplacian",
            row(vec![
                mi("L"),
                mo("="),
                mi("I"),
                mo("−"),
                d_half(),
                mi("A"),
                d_half(),
            ]),
        ),
    }
}

fn ij(x: &str, i: &str, j: &str) -> M {
    sub(mi(x), row(vec![mn(i), mo(","), mn(j)]))
}

/// The formula of entry (i, j) of `which`, with the numbers of `t` (None if out of range).
pub fn entry(
    which: Which,
    i: usize,
    j: usize,
    t: &GraphMatricesTrace,
    labels: &[String],
) -> Option<M> {
    let (li, lj) = (labels.get(i)?.as_str(), labels.get(j)?.as_str());
    let (di, dj) = (*t.degrees.get(i)?, *t.degrees.get(j)?);
    let a = *t.a.get((i, j))?;
    let n = |v: f64| num(v, 3);
    Some(match which {
        Which::A => {
            let why = if a > 0.0 {
                "  (an edge joins them)"
            } else if i == j {
                "  (no self-loop)"
            } else {
                "  (no edge)"
            };
            row(vec![ij("A", li, lj), mo("="), n(a), mtext(why)])
        }
        Which::D if i == j => row(vec![
            ij("D", li, lj),
            mo("="),
            sub(mi("d"), mn(li)),
            mo("="),
            under(mo("∑"), mi("j")),
            sub(mi("A"), row(vec![mn(li), mo(","), mi("j")])),
            mo("="),
            n(*t.d.get((i, j))?),
        ]),
        Which::D => row(vec![
            ij("D", li, lj),
            mo("="),
            n(*t.d.get((i, j))?),
            mtext("  (D is diagonal)"),
        ]),
        Which::P | Which::L => {
            let symbolic = frac(
                ij("A", li, lj),
                row(vec![
                    sqrt(sub(mi("d"), mn(li))),
                    mo("·"),
                    sqrt(sub(mi("d"), mn(lj))),
                ]),
            );
            let numeric = frac(n(a), row(vec![sqrt(n(di)), mo("·"), sqrt(n(dj))]));
            if which == Which::P {
                row(vec![
                    ij("P", li, lj),
                    mo("="),
                    symbolic,
                    mo("="),
                    numeric,
                    mo("="),
                    n(*t.p.get((i, j))?),
                ])
            } else {
                // Chung's convention: the identity term is 0 for an isolated node.
                let delta = if i == j && di > 0.0 { "1" } else { "0" };
                row(vec![
                    ij("L", li, lj),
                    mo("="),
                    mn(delta),
                    mo("−"),
                    symbolic,
                    mo("="),
                    n(*t.l.get((i, j))?),
                ])
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::data::seed_001_graph;
    use crate::engine::gcn::graph_matrices;

    #[test]
    fn entry_formulas_carry_the_deck_numbers() {
        let t = graph_matrices(&seed_001_graph()).unwrap();
        let labels: Vec<String> = (1..=6).map(|k| k.to_string()).collect();
        let p = entry(Which::P, 0, 1, &t, &labels).unwrap().text();
        assert_eq!(p, "P_1,2=(A_1,2)/(√(d_1)·√(d_2))=(1)/(√(3)·√(2))=0.408");
        let l = entry(Which::L, 2, 2, &t, &labels).unwrap().text();
        assert!(l.starts_with("L_3,3=1−") && l.ends_with("=1"), "{l}");
        assert!(entry(Which::A, 9, 0, &t, &labels).is_none());
    }
}
