//! The selected step's equations in the decks' notation, with the engine's numbers for one
//! unit j substituted (MathML).

use super::state::{CellChoice, RnnState, RunRef};
use crate::engine::rnn::explain::UnitTerms;
use crate::engine::rnn::CellState;
use crate::engine::Vector;
use crate::widgets::format::fmt_num;
use leptos::prelude::*;

fn n(v: f64) -> impl IntoView {
    view! { <mn>{fmt_num(v, 3)}</mn> }
}

/// `name` with subscript and superscript, e.g. W_hx or h^(t).
fn sym(name: &'static str, sub: &'static str) -> impl IntoView {
    view! { <msub><mi>{name}</mi><mi>{sub}</mi></msub> }
}

fn sup_t(name: &'static str, t: String) -> impl IntoView {
    view! { <msup><mi>{name}</mi><mrow><mo>"("</mo><mn>{t}</mn><mo>")"</mo></mrow></msup> }
}

/// One line: name = σ( (W·x x)_j + (W·h h)_j + b_j ) = σ(z) = value.
fn gate_line(
    name: &'static str,
    wx: &'static str,
    wh: &'static str,
    b: &'static str,
    act: &'static str,
    t: usize,
    u: &UnitTerms,
) -> impl IntoView {
    view! {
        <math display="block" class="eq-line" data-gate=name>
            <msub><mi>{name}</mi><mi>"t"</mi></msub><mo>"="</mo><mi>{act}</mi><mo>"("</mo>
            {sym("W", wx)}{sup_t("x", t.to_string())}<mo>"+"</mo>
            {sym("W", wh)}{sup_t("h", (t - 1).to_string())}<mo>"+"</mo>{sym("b", b)}<mo>")"</mo>
            <mo>"="</mo><mi>{act}</mi><mo>"("</mo>{n(u.input_term)}<mo>"+"</mo>{n(u.recurrent_term)}<mo>"+"</mo>{n(u.bias)}<mo>")"</mo>
            <mo>"="</mo><mi>{act}</mi><mo>"("</mo>{n(u.z)}<mo>")"</mo><mo>"="</mo>{n(u.value)}
        </math>
    }
}

/// The equations panel.
#[component]
pub fn Equations(
    /// The engine run.
    run: Memo<Result<RunRef, String>>,
    /// The view state.
    state: RwSignal<RnnState>,
    /// The selected step.
    step: Memo<usize>,
) -> impl IntoView {
    let unit = Memo::new(move |_| state.with(|s| s.unit));
    let body = move || {
        let Ok(r) = run.get() else {
            return ().into_any();
        };
        let t = step.get();
        let hidden = r.vanilla.cell.w_hh.nrows();
        let j = unit.get().min(hidden - 1);
        let x = Vector::from_vec(vec![r.xs[t - 1]]);
        let lstm = state.with(|s| s.cell) == CellChoice::Lstm;
        let heading = format!("Step t = {t}, unit j = {} of {hidden}", j + 1);
        let lines = if lstm {
            let prev: &CellState = &r.lstm_trace.states[t - 1];
            match r.lstm.cell.explain_unit(&x, prev, j) {
                Some(u) => view! {
                    {gate_line("f", "fx", "fh", "f", "σ", t, &u.f)}
                    {gate_line("i", "ix", "ih", "i", "σ", t, &u.i)}
                    {gate_line("g", "gx", "gh", "g", "tanh", t, &u.g)}
                    {gate_line("o", "ox", "oh", "o", "σ", t, &u.o)}
                    <math display="block" class="eq-line" data-gate="C">
                        {sup_t("C", t.to_string())}<mo>"="</mo>
                        <msub><mi>"f"</mi><mi>"t"</mi></msub><mo>"⊙"</mo>{sup_t("C", (t - 1).to_string())}<mo>"+"</mo>
                        <msub><mi>"i"</mi><mi>"t"</mi></msub><mo>"⊙"</mo><msub><mi>"g"</mi><mi>"t"</mi></msub>
                        <mo>"="</mo>{n(u.f.value)}<mo>"·"</mo>{n(u.c_prev)}<mo>"+"</mo>{n(u.i.value)}<mo>"·"</mo>{n(u.g.value)}
                        <mo>"="</mo>{n(u.c)}
                    </math>
                    <math display="block" class="eq-line" data-gate="h">
                        {sup_t("h", t.to_string())}<mo>"="</mo><msub><mi>"o"</mi><mi>"t"</mi></msub><mo>"⊙"</mo>
                        <mi>"tanh"</mi><mo>"("</mo>{sup_t("C", t.to_string())}<mo>")"</mo>
                        <mo>"="</mo>{n(u.o.value)}<mo>"·"</mo>{n(u.tanh_c)}<mo>"="</mo>{n(u.h)}
                    </math>
                    <p class="note">
                        {format!("The constant-error path: C({}) reaches C({t}) multiplied by f = {} — close to 1 keeps the memory (and its gradient).", t - 1, fmt_num(u.f.value, 3))}
                    </p>
                }
                .into_any(),
                None => ().into_any(),
            }
        } else {
            let prev = &r.vanilla_trace.states[t - 1];
            let act = r.vanilla.cell.activation.label();
            match r.vanilla.cell.explain_unit(&x, prev, j) {
                Some(u) => view! {
                    <math display="block" class="eq-line" data-gate="z">
                        <msubsup><mi>"z"</mi><mi>"h"</mi><mrow><mo>"("</mo><mn>{t.to_string()}</mn><mo>")"</mo></mrow></msubsup><mo>"="</mo>
                        {sym("W", "hx")}{sup_t("x", t.to_string())}<mo>"+"</mo>{sym("W", "hh")}{sup_t("h", (t - 1).to_string())}<mo>"+"</mo>{sym("b", "h")}
                        <mo>"="</mo>{n(u.input_term)}<mo>"+"</mo>{n(u.recurrent_term)}<mo>"+"</mo>{n(u.bias)}<mo>"="</mo>{n(u.z)}
                    </math>
                    <math display="block" class="eq-line" data-gate="h">
                        {sup_t("h", t.to_string())}<mo>"="</mo><msub><mi>"σ"</mi><mi>"h"</mi></msub><mo>"("</mo>
                        <msubsup><mi>"z"</mi><mi>"h"</mi><mrow><mo>"("</mo><mn>{t.to_string()}</mn><mo>")"</mo></mrow></msubsup><mo>")"</mo>
                        <mo>"="</mo><mi>{act}</mi><mo>"("</mo>{n(u.z)}<mo>")"</mo><mo>"="</mo>{n(u.value)}
                    </math>
                }
                .into_any(),
                None => ().into_any(),
            }
        };
        view! {
            <h2>{heading}</h2>
            <p class="note">{format!("x({t}) = {} · the numbers are unit j's entries", fmt_num(r.xs[t - 1], 4))}</p>
            {lines}
        }
        .into_any()
    };
    view! {
        <div class="panel equations" aria-live="polite">
            {body}
            <label class="control" data-control="unit">
                <span class="control-label">"Unit j"</span>
                <input type="number" min="1"
                    prop:max=move || run.with(|r| r.as_ref().map_or(1, |r| r.vanilla.cell.w_hh.nrows())).to_string()
                    prop:value=move || (unit.get() + 1).to_string()
                    on:change=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<usize>() {
                            state.update(|s| s.unit = v.saturating_sub(1));
                        }
                    }/>
            </label>
        </div>
    }
}
