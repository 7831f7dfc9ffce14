//! The GCN matrices' formulas as data: each matrix's definition (a heatmap caption) and the
//! live formula of one entry with the engine's numbers substituted. Pure and tested natively.

use super::Which;
use crate::engine::gcn::GraphMatricesTrace;
use crate::widgets::formula::{frac, mi, mn, mo, mtext, num, row, sqrt, sub, sup, under, M};

/// The symbols of the plain (A, D, d, P) or renormalised (Ã, D̃, d̃, P̃) matrices.
#[derive(Debug, Clone, Copy)]
struct Sym {
    a: &'static str,
    d: &'static str,
    deg: &'static str,
    p: &'static str,
}

fn sym(tilde: bool) -> Sym {
    if tilde {
        Sym {
            a: "Ã",
            d: "D̃",
            deg: "d̃",
            p: "P̃",
        }
    } else {
        Sym {
            a: "A",
            d: "D",
            deg: "d",
            p: "P",
        }
    }
}

fn d_half_of(d: &str) -> M {
    sup(mi(d), row(vec![mo("−"), mn("½")]))
}

fn d_half() -> M {
    d_half_of("D")
}

/// The definition of a matrix in the decks' notation, with its title; `tilde` for the
/// renormalised matrices (self-loops added: Ã = A + I).
pub fn caption(which: Which, tilde: bool) -> (&'static str, M) {
    let s = sym(tilde);
    match which {
        Which::A => ("Adjacency", mi("A")),
        Which::At => (
            "With self-loops",
            row(vec![mi("Ã"), mo("="), mi("A"), mo("+"), mi("I")]),
        ),
        Which::D => (
            "Degree",
            row(vec![
                mi(s.d),
                mo("="),
                mi("diag"),
                mo("("),
                sub(mi(s.deg), mi("i")),
                mo(")"),
            ]),
        ),
        Which::P => (
            if tilde {
                "Renormalised adjacency"
            } else {
                "Normalized adjacency"
            },
            row(vec![
                mi(s.p),
                mo("="),
                d_half_of(s.d),
                mi(s.a),
                d_half_of(s.d),
            ]),
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
/// For [`Which::At`], [`Which::D`] and [`Which::P`] with `tilde`, `t` is the trace of Ã.
pub fn entry(
    which: Which,
    i: usize,
    j: usize,
    t: &GraphMatricesTrace,
    labels: &[String],
    tilde: bool,
) -> Option<M> {
    let s = sym(tilde && which != Which::A && which != Which::L);
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
        Which::At => {
            let delta = if i == j { "1" } else { "0" };
            row(vec![
                ij("Ã", li, lj),
                mo("="),
                ij("A", li, lj),
                mo("+"),
                sub(mi("δ"), row(vec![mn(li), mo(","), mn(lj)])),
                mo("="),
                n(a - f64::from(u8::from(i == j))),
                mo("+"),
                mn(delta),
                mo("="),
                n(a),
            ])
        }
        Which::D if i == j => row(vec![
            ij(s.d, li, lj),
            mo("="),
            sub(mi(s.deg), mn(li)),
            mo("="),
            under(mo("∑"), mi("j")),
            sub(mi(s.a), row(vec![mn(li), mo(","), mi("j")])),
            mo("="),
            n(*t.d.get((i, j))?),
        ]),
        Which::D => row(vec![
            ij(s.d, li, lj),
            mo("="),
            n(*t.d.get((i, j))?),
            mtext("  (D is diagonal)"),
        ]),
        Which::P | Which::L => {
            let symbolic = frac(
                ij(s.a, li, lj),
                row(vec![
                    sqrt(sub(mi(s.deg), mn(li))),
                    mo("·"),
                    sqrt(sub(mi(s.deg), mn(lj))),
                ]),
            );
            let numeric = frac(n(a), row(vec![sqrt(n(di)), mo("·"), sqrt(n(dj))]));
            if which == Which::P {
                row(vec![
                    ij(s.p, li, lj),
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
        let p = entry(Which::P, 0, 1, &t, &labels, false).unwrap().text();
        assert_eq!(p, "P_1,2=(A_1,2)/(√(d_1)·√(d_2))=(1)/(√(3)·√(2))=0.408");
        let l = entry(Which::L, 2, 2, &t, &labels, false).unwrap().text();
        assert!(l.starts_with("L_3,3=1−") && l.ends_with("=1"), "{l}");
        assert!(entry(Which::A, 9, 0, &t, &labels, false).is_none());
        // The renormalised entry: Ã = A + I, d̃ = d + 1.
        let tt = graph_matrices(&crate::engine::gcn::with_self_loops(&seed_001_graph())).unwrap();
        let pt = entry(Which::P, 0, 1, &tt, &labels, true).unwrap().text();
        assert_eq!(pt, "P̃_1,2=(Ã_1,2)/(√(d̃_1)·√(d̃_2))=(1)/(√(4)·√(3))=0.289");
        let at = entry(Which::At, 2, 2, &tt, &labels, true).unwrap().text();
        assert_eq!(at, "Ã_3,3=A_3,3+δ_3,3=0+1=1");
    }
}
