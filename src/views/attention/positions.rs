//! The positional-encoding explorer (seed 003: "attention is permutation invariant, but
//! language is not"): the encoding P and the similarity of positions P Pᵀ as heatmaps, the
//! sinusoidal base adjustable, and what reversing the sentence does with and without positions.

use super::pipeline::Ctx;
use super::state::{AttnState, PeChoice};
use crate::widgets::controls::{Select, Slider};
use crate::widgets::format::fmt_num;
use crate::widgets::formula::{frac, mi, mn, mo, mtext, row, sub, sup, Formula, M};
use crate::widgets::Heatmap;
use leptos::prelude::*;

/// PE(pos, 2i) = sin(pos / base^(2i/d_model)), PE(pos, 2i+1) = cos(…).
fn sinusoid(f: &str, k: M, base: f64) -> M {
    row(vec![
        mi("PE"),
        mo("("),
        mi("pos"),
        mo(","),
        k,
        mo(")"),
        mo("="),
        mi(f),
        mo("("),
        frac(
            mi("pos"),
            sup(
                mn(fmt_num(base, 0)),
                frac(row(vec![mn("2"), mi("i")]), sub(mi("d"), mtext("model"))),
            ),
        ),
        mo(")"),
    ])
}

/// The explorer.
#[component]
pub fn PositionsPanel(state: RwSignal<AttnState>, ctx: Ctx) -> impl IntoView {
    let run = ctx.run;
    let positions = Signal::derive(move || {
        let n = run.with(|r| r.as_ref().map_or(0, |r| r.pe.nrows()));
        (1..=n).map(|k| k.to_string()).collect::<Vec<_>>()
    });
    let features = Signal::derive(move || {
        let d = run.with(|r| r.as_ref().map_or(0, |r| r.pe.ncols()));
        (1..=d).map(|k| k.to_string()).collect::<Vec<_>>()
    });
    let pe = Memo::new(move |_| state.with(|s| s.pe));
    let base = Memo::new(move |_| state.with(|s| s.base));
    let gap = Memo::new(move |_| run.with(|r| r.as_ref().ok().and_then(|r| r.permutation_gap)));
    let says = move || {
        match (gap.get(), pe.get()) {
        (None, _) => "Cross-attention: the reversal test is for self-attention.".to_string(),
        (Some(g), PeChoice::None) => format!(
            "Reverse the sentence without positions: every output row is the same as before, only in reverse order (largest difference {}). Self-attention alone cannot see word order{}.",
            fmt_num(g, 12),
            if state.with(|s| s.mask == super::state::MaskChoice::Causal) { " — only the causal mask, which depends on position, can" } else { "" }
        ),
        (Some(g), _) => format!(
            "Reverse the sentence with positions: the outputs are no longer a reordering of the old ones (largest difference {}). The same word at another position gets another input, so attention sees order.",
            fmt_num(g, 3)
        ),
    }
    };
    let formula = Signal::derive(move || {
        let b = base.get();
        match pe.get() {
            PeChoice::Sinusoidal => row(vec![
                sinusoid("sin", row(vec![mn("2"), mi("i")]), b),
                mtext(",   "),
                sinusoid("cos", row(vec![mn("2"), mi("i"), mo("+"), mn("1")]), b),
            ]),
            PeChoice::Learned => row(vec![
                mi("P"),
                mo("="),
                mtext("a learned table (here at its seeded initialisation, entries ~ N(0, 0.1²))"),
            ]),
            PeChoice::None => row(vec![mi("P"), mo("="), mn("0"), mtext("  (X = E)")]),
        }
    });
    view! {
        <div class="panel positions-panel" data-pe=move || pe.get().name()>
            <h2>"Positional encoding"</h2>
            <div class="positions-controls">
                <Select label="Positions" name="pe"
                    options=vec![("sinusoidal", "sinusoidal (fixed)"), ("learned", "learned table"), ("none", "none")]
                    value=Signal::derive(move || pe.get().name().to_string())
                    on_change=Callback::new(move |v: String| {
                        let p = match v.as_str() { "none" => PeChoice::None, "learned" => PeChoice::Learned, _ => PeChoice::Sinusoidal };
                        state.update(|s| s.pe = p);
                    })/>
                <Show when=move || pe.get() == PeChoice::Sinusoidal>
                    <Slider label="Base (10 000 in the paper)" name="base" min=1.0 max=6.0 step=0.1
                        value=Signal::derive(move || base.get().log10())
                        on_input=Callback::new(move |v: f64| state.update(|s| s.base = 10f64.powf(v).round()))
                        display=Signal::derive(move || fmt_num(base.get(), 0))/>
                </Show>
            </div>
            <Formula expr=formula block=true class="eq-line"/>
            <p class="perm-gap" data-gap=move || gap.get().map(|g| g.to_string()).unwrap_or_default()>{says}</p>
            <div class="matrix-strip">
                <Heatmap name="P" budget=300.0 values=ctx.mat(|r, _| Some(&r.pe)) row_labels=positions col_labels=features digits=2>
                    <span class="caption-title">"Encoding"</span>" "
                    <Formula expr=row(vec![mi("P"), mtext("  (position × feature)")]) class="caption-math"/>
                </Heatmap>
                <Heatmap name="PPt" budget=300.0 values=ctx.mat(|r, _| Some(&r.pe_similarity)) row_labels=positions col_labels=positions digits=1>
                    <span class="caption-title">"Similarity of positions"</span>" "
                    <Formula expr=row(vec![mi("P"), sup(mi("P"), mi("T")), mtext("  (sinusoidal: depends only on the distance)")]) class="caption-math"/>
                </Heatmap>
            </div>
        </div>
    }
}
