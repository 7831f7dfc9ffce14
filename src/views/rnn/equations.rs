//! The selected step's equations in the decks' notation, with the engine's numbers for one
//! unit j substituted. The formulas are built as data (pure functions, tested natively) and
//! rendered by the shared MathML renderer.

use super::state::{CellChoice, RnnState, RunRef};
use crate::engine::rnn::explain::{LstmUnit, UnitTerms};
use crate::engine::Vector;
use crate::widgets::format::fmt_num;
use crate::widgets::formula::{mi, mo, num, paren, row, sub, subsup, sup, tag, Formula, M};
use leptos::prelude::*;

fn w(s: &str) -> M {
    sub(mi("W"), mi(s))
}
fn at(name: &str, t: usize) -> M {
    sup(mi(name), paren(t.to_string()))
}
fn n(v: f64) -> M {
    num(v, 3)
}

/// `name_t = act(W_·x x^(t) + W_·h h^(t−1) + b_·) = act(a + b + c) = act(z) = value`.
pub fn gate_line(name: &str, g: &str, act: &str, t: usize, u: &UnitTerms) -> M {
    row(vec![
        tag(name.to_string(), sub(mi(name), mi("t"))),
        mo("="),
        mi(act),
        mo("("),
        w(&format!("{g}x")),
        tag("x", at("x", t)),
        mo("+"),
        w(&format!("{g}h")),
        tag("hprev", at("h", t - 1)),
        mo("+"),
        sub(mi("b"), mi(g)),
        mo(")"),
        mo("="),
        mi(act),
        mo("("),
        n(u.input_term),
        mo("+"),
        n(u.recurrent_term),
        mo("+"),
        n(u.bias),
        mo(")"),
        mo("="),
        mi(act),
        mo("("),
        n(u.z),
        mo(")"),
        mo("="),
        n(u.value),
    ])
}

/// The LSTM's six lines (f, i, g, o, C, h) for unit j at step t, keyed by gate.
pub fn lstm_lines(t: usize, u: &LstmUnit) -> Vec<(&'static str, M)> {
    vec![
        ("f", gate_line("f", "f", "σ", t, &u.f)),
        ("i", gate_line("i", "i", "σ", t, &u.i)),
        ("g", gate_line("g", "g", "tanh", t, &u.g)),
        ("o", gate_line("o", "o", "σ", t, &u.o)),
        (
            "C",
            row(vec![
                tag("C", at("C", t)),
                mo("="),
                tag("f", sub(mi("f"), mi("t"))),
                mo("⊙"),
                tag("Cprev", at("C", t - 1)),
                mo("+"),
                tag("i", sub(mi("i"), mi("t"))),
                mo("⊙"),
                tag("g", sub(mi("g"), mi("t"))),
                mo("="),
                n(u.f.value),
                mo("·"),
                n(u.c_prev),
                mo("+"),
                n(u.i.value),
                mo("·"),
                n(u.g.value),
                mo("="),
                n(u.c),
            ]),
        ),
        (
            "h",
            row(vec![
                tag("h", at("h", t)),
                mo("="),
                tag("o", sub(mi("o"), mi("t"))),
                mo("⊙"),
                mi("tanh"),
                mo("("),
                tag("C", at("C", t)),
                mo(")"),
                mo("="),
                n(u.o.value),
                mo("·"),
                n(u.tanh_c),
                mo("="),
                n(u.h),
            ]),
        ),
    ]
}

/// The vanilla RNN's two lines (z_h, h) for unit j at step t.
pub fn vanilla_lines(t: usize, act: &str, u: &UnitTerms) -> Vec<(&'static str, M)> {
    let z = || subsup(mi("z"), mi("h"), paren(t.to_string()));
    vec![
        (
            "z",
            row(vec![
                z(),
                mo("="),
                w("hx"),
                tag("x", at("x", t)),
                mo("+"),
                w("hh"),
                tag("hprev", at("h", t - 1)),
                mo("+"),
                sub(mi("b"), mi("h")),
                mo("="),
                n(u.input_term),
                mo("+"),
                n(u.recurrent_term),
                mo("+"),
                n(u.bias),
                mo("="),
                n(u.z),
            ]),
        ),
        (
            "h",
            row(vec![
                tag("h", at("h", t)),
                mo("="),
                sub(mi("σ"), mi("h")),
                mo("("),
                z(),
                mo(")"),
                mo("="),
                mi(act),
                mo("("),
                n(u.z),
                mo(")"),
                mo("="),
                n(u.value),
            ]),
        ),
    ]
}

/// The symbols that link the equations, the diagram and the heatmaps.
pub const LINK_KEYS: [&str; 9] = ["x", "h", "hprev", "C", "Cprev", "f", "i", "g", "o"];

/// The static key for a `data-sym` value.
pub fn link_key(k: &str) -> Option<&'static str> {
    LINK_KEYS.into_iter().find(|&l| l == k)
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
    /// The quantity pointed at, shared with the diagram and the heatmaps.
    link: RwSignal<Option<&'static str>>,
) -> impl IntoView {
    let unit = Memo::new(move |_| state.with(|s| s.unit));
    // Hovering a tagged symbol (event delegation: one listener for every formula).
    let over = move |ev: web_sys::MouseEvent| {
        use wasm_bindgen::JsCast;
        let key = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("[data-sym]").ok().flatten())
            .and_then(|el| el.get_attribute("data-sym"))
            .and_then(|k| link_key(&k));
        if link.get_untracked() != key {
            link.set(key);
        }
    };
    // What the panel says for the selected step and unit, as data: a slider change patches the
    // numbers of the same elements (the panel used to be rebuilt, its formulas re-created whole).
    let content = Memo::new(move |_| {
        let t = step.get();
        run.with(|r| {
            let r = r.as_ref().ok()?;
            let hidden = r.vanilla.cell.w_hh.nrows();
            let j = unit.get().min(hidden - 1);
            let x = Vector::from_vec(vec![r.xs[t - 1]]);
            let lstm = state.with(|s| s.cell) == CellChoice::Lstm;
            let (lines, note) = if lstm {
                match r.lstm.cell.explain_unit(&x, &r.lstm_trace.states[t - 1], j) {
                    Some(u) => (
                        lstm_lines(t, &u),
                        Some(format!("The constant-error path: C({}) reaches C({t}) multiplied by f = {} — close to 1 keeps the memory, and its gradient.", t - 1, fmt_num(u.f.value, 3))),
                    ),
                    None => (vec![], None),
                }
            } else {
                let act = r.vanilla.cell.activation.label();
                match r
                    .vanilla
                    .cell
                    .explain_unit(&x, &r.vanilla_trace.states[t - 1], j)
                {
                    Some(u) => (vanilla_lines(t, act, &u), None),
                    None => (vec![], None),
                }
            };
            Some((
                format!("Step t = {t}, unit j = {} of {hidden}", j + 1),
                format!(
                    "x({t}) = {} · the numbers are unit j's entries",
                    fmt_num(r.xs[t - 1], 4)
                ),
                lines,
                note,
            ))
        })
    });
    let present = Memo::new(move |_| content.with(Option::is_some));
    let keys = Memo::new(move |_| {
        content.with(|c| {
            c.as_ref()
                .map(|c| c.2.iter().map(|(k, _)| *k).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    });
    let note = Memo::new(move |_| content.with(|c| c.as_ref().and_then(|c| c.3.clone())));
    let title = move || content.with(|c| c.as_ref().map(|c| c.0.clone()).unwrap_or_default());
    let x_note = move || content.with(|c| c.as_ref().map(|c| c.1.clone()).unwrap_or_default());
    let body = view! {
        <Show when=move || present.get()>
            <h2>{title}</h2>
            <p class="note">{x_note}</p>
            {move || keys.with(|keys| keys.iter().enumerate().map(|(n, key)| {
                let expr = Signal::derive(move || content.with(|c| {
                    c.as_ref().and_then(|c| c.2.get(n)).map_or_else(|| row(vec![]), |(_, m)| m.clone())
                }));
                view! { <Formula expr=expr block=true class="eq-line" key=key.to_string()/> }
            }).collect_view())}
            {move || note.get().map(|s| view! { <p class="note">{s}</p> })}
        </Show>
    };
    view! {
        <div class="panel equations" aria-live="polite"
            data-linked=move || link.get().unwrap_or_default()
            on:mouseover=over on:mouseleave=move |_| link.set(None)>
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vanilla_line_reads_like_the_deck() {
        let u = UnitTerms {
            input_term: 0.017,
            recurrent_term: 0.019,
            bias: 0.0,
            z: 0.036,
            value: 0.036,
        };
        let lines = vanilla_lines(30, "tanh", &u);
        assert_eq!(
            lines[0].1.text(),
            "z_h^(30)=W_hxx^(30)+W_hhh^(29)+b_h=0.017+0.019+0=0.036"
        );
        assert_eq!(lines[1].1.text(), "h^(30)=σ_h(z_h^(30))=tanh(0.036)=0.036");
    }
}
