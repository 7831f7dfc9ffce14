//! MathML for the GCN matrices: each matrix's definition (as a heatmap caption) and the live
//! formula of one entry with the engine's numbers substituted.

use super::Which;
use crate::engine::gcn::GraphMatricesTrace;
use crate::engine::Result;
use crate::widgets::format::fmt_num;
use leptos::prelude::*;

/// The definition of a matrix in the decks' notation, e.g. P = D^-½ A D^-½.
#[component]
pub fn MatrixCaption(
    /// Which matrix.
    which: Which,
) -> impl IntoView {
    let d_half = || {
        view! { <msup><mi>"D"</mi><mrow><mo>"−"</mo><mn>"½"</mn></mrow></msup> }
    };
    let (title, body) = match which {
        Which::A => ("Adjacency", view! { <mi>"A"</mi> }.into_any()),
        Which::D => (
            "Degree",
            view! { <mi>"D"</mi><mo>"="</mo><mi>"diag"</mi><mo>"("</mo><msub><mi>"d"</mi><mi>"i"</mi></msub><mo>")"</mo> }.into_any(),
        ),
        Which::P => (
            "Normalized adjacency",
            view! { <mi>"P"</mi><mo>"="</mo>{d_half()}<mi>"A"</mi>{d_half()} }.into_any(),
        ),
        Which::L => (
            "Normalized Laplacian",
            view! { <mi>"L"</mi><mo>"="</mo><mi>"I"</mi><mo>"−"</mo>{d_half()}<mi>"A"</mi>{d_half()} }.into_any(),
        ),
    };
    view! {
        <span class="caption-title">{title}</span>
        " "
        <math class="caption-math">{body}</math>
    }
}

/// `X_ij` in MathML, with node labels as subscripts.
fn sub_ij(x: &'static str, i: String, j: String) -> impl IntoView {
    view! { <msub><mi>{x}</mi><mrow><mn>{i}</mn><mo>","</mo><mn>{j}</mn></mrow></msub> }
}

/// The live formula of the focused entry.
#[component]
pub fn EntryFormula(
    /// Which matrix and which (row, col) entry.
    #[prop(into)]
    entry: Signal<(Which, usize, usize)>,
    /// The engine's trace for the current graph.
    #[prop(into)]
    trace: Signal<Result<GraphMatricesTrace>>,
    /// Node labels in compact order.
    #[prop(into)]
    labels: Signal<Vec<String>>,
) -> impl IntoView {
    move || {
        let (w, i, j) = entry.get();
        let lab = labels.get();
        trace.with(|t| {
            let t = t.as_ref().ok()?;
            let (li, lj) = (lab.get(i)?.clone(), lab.get(j)?.clone());
            let (di, dj) = (*t.degrees.get(i)?, *t.degrees.get(j)?);
            let a = t.a.get((i, j)).copied()?;
            let n = |v: f64| view! { <mn>{fmt_num(v, 3)}</mn> };
            let body = match w {
                Which::A => view! {
                    {sub_ij("A", li.clone(), lj.clone())}<mo>"="</mo>{n(a)}
                    <mtext>{if a > 0.0 { "  (an edge joins them)" } else if i == j { "  (no self-loop)" } else { "  (no edge)" }}</mtext>
                }.into_any(),
                Which::D => {
                    let v = *t.d.get((i, j))?;
                    if i == j {
                        view! {
                            {sub_ij("D", li.clone(), lj.clone())}<mo>"="</mo>
                            <msub><mi>"d"</mi><mn>{li.clone()}</mn></msub><mo>"="</mo>
                            <munder><mo>"∑"</mo><mi>"j"</mi></munder>
                            <msub><mi>"A"</mi><mrow><mn>{li.clone()}</mn><mo>","</mo><mi>"j"</mi></mrow></msub>
                            <mo>"="</mo>{n(v)}
                        }.into_any()
                    } else {
                        view! { {sub_ij("D", li.clone(), lj.clone())}<mo>"="</mo>{n(v)}<mtext>"  (D is diagonal)"</mtext> }.into_any()
                    }
                }
                Which::P | Which::L => {
                    let p = *t.p.get((i, j))?;
                    let frac = view! {
                        <mfrac>
                            {sub_ij("A", li.clone(), lj.clone())}
                            <mrow>
                                <msqrt><msub><mi>"d"</mi><mn>{li.clone()}</mn></msub></msqrt>
                                <mo>"·"</mo>
                                <msqrt><msub><mi>"d"</mi><mn>{lj.clone()}</mn></msub></msqrt>
                            </mrow>
                        </mfrac>
                        <mo>"="</mo>
                        <mfrac>
                            {n(a)}
                            <mrow>
                                <msqrt>{n(di)}</msqrt><mo>"·"</mo><msqrt>{n(dj)}</msqrt>
                            </mrow>
                        </mfrac>
                    };
                    if w == Which::P {
                        view! { {sub_ij("P", li.clone(), lj.clone())}<mo>"="</mo>{frac}<mo>"="</mo>{n(p)} }.into_any()
                    } else {
                        let l = *t.l.get((i, j))?;
                        // Chung's convention: the identity term is 0 for an isolated node.
                        let delta = if i == j && di > 0.0 { "1" } else { "0" };
                        view! {
                            {sub_ij("L", li.clone(), lj.clone())}<mo>"="</mo>
                            <mn>{delta}</mn><mo>"−"</mo>{frac}<mo>"="</mo>{n(l)}
                        }.into_any()
                    }
                }
            };
            Some(view! { <math display="block" class="entry-formula" data-entry=format!("{w:?}{i},{j}")>{body}</math> })
        })
    }
}
