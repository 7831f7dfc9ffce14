//! The unrolled network: one column per time step — input below, hidden state (and for the
//! LSTM the cell state) as coloured strips, the output above the last step, and a bar for
//! ‖∂L/∂h^(t)‖ under each column. Columns whose gradient path truncation cut are greyed.

use super::state::{CellChoice, RnnState, RunRef};
use crate::engine::rnn::bptt::reach;
use crate::engine::Vector;
use crate::widgets::colour::diverging;
use crate::widgets::format::fmt_num;
use leptos::prelude::*;

/// Units drawn per strip (the rest are summarised in the tooltip).
const UNITS_SHOWN: usize = 12;
const CELL_H: f64 = 9.0;

fn strip(values: &Vector, x: f64, y: f64, w: f64) -> impl IntoView {
    values
        .iter()
        .take(UNITS_SHOWN)
        .enumerate()
        .map(|(j, v)| {
            let c = diverging(*v, 1.0);
            view! { <rect x=x y=y + j as f64 * CELL_H width=w height=CELL_H - 1.0 fill=c.css()></rect> }
        })
        .collect_view()
}

fn values_text(name: &str, t: usize, v: &Vector) -> String {
    let shown: Vec<String> = v.iter().take(8).map(|x| fmt_num(*x, 3)).collect();
    let more = if v.len() > 8 {
        format!(", … ({} units)", v.len())
    } else {
        String::new()
    };
    format!("{name}({t}) = [{}{more}]", shown.join(", "))
}

/// The unrolled diagram.
#[component]
pub fn Diagram(
    /// The engine run.
    run: Memo<Result<RunRef, String>>,
    /// The view state.
    state: RwSignal<RnnState>,
    /// The selected step.
    step: Memo<usize>,
    /// Called with a step when its column is clicked.
    on_select: Callback<usize>,
) -> impl IntoView {
    move || {
        let Ok(r) = run.get() else {
            return ().into_any();
        };
        let lstm = state.with(|s| s.cell) == CellChoice::Lstm;
        let t_len = r.len();
        let cw = (940.0 / t_len as f64).clamp(4.0, 56.0);
        let units = r.vanilla.cell.w_hh.nrows().min(UNITS_SHOWN);
        let strip_h = units as f64 * CELL_H;
        let (y_out, y_h) = (8.0, 44.0);
        let y_c = y_h + strip_h + 10.0;
        let y_x = if lstm {
            y_c + strip_h + 10.0
        } else {
            y_h + strip_h + 10.0
        };
        let y_g = y_x + 30.0;
        let height = y_g + 34.0;
        let width = 40.0 + t_len as f64 * cw + 10.0;
        let (states, norms) = if lstm {
            (&r.lstm_trace.states, &r.lstm_bptt.dh_norms)
        } else {
            (&r.vanilla_trace.states, &r.vanilla_bptt.dh_norms)
        };
        let window = if lstm {
            r.lstm_bptt.window
        } else {
            r.vanilla_bptt.window
        };
        let mut has_loss = vec![false; t_len];
        has_loss[t_len - 1] = true;
        let earliest = reach(&has_loss, window)
            .first()
            .map_or(0, |x| x.earliest_state);
        // Bar heights on a log scale between the smallest and largest non-zero norm.
        let nz: Vec<f64> = norms
            .iter()
            .copied()
            .filter(|n| *n > 0.0 && n.is_finite())
            .collect();
        let (lo, hi) = nz
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), n| (a.min(*n), b.max(*n)));
        let bar = move |n: f64| {
            if !(n > 0.0 && n.is_finite()) {
                0.0
            } else if hi <= lo {
                26.0
            } else {
                2.0 + 24.0 * (n.log10() - lo.log10()) / (hi.log10() - lo.log10())
            }
        };
        let gx = move |t: usize| 40.0 + (t - 1) as f64 * cw;
        let columns = (1..=t_len)
            .map(|t| {
                let x = gx(t);
                let cut = t < earliest;
                let xv = r.xs[t - 1];
                let sel = move || step.get() == t;
                let n = norms.get(t).copied().unwrap_or(0.0);
                let tip = format!(
                    "t = {t}: x = {}; {}; ‖∂L/∂h({t})‖ = {}{}",
                    fmt_num(xv, 3),
                    values_text("h", t, &states[t].h),
                    fmt_num(n, 6),
                    if cut { " — path cut by truncation" } else { "" }
                );
                let xc = diverging(xv, 1.0);
                let label = (cw >= 34.0).then(|| {
                    view! { <text x=x + cw / 2.0 y=y_x + 11.0 text-anchor="middle" class="x-text" fill=xc.text_colour()>{fmt_num(xv, 2)}</text> }
                });
                view! {
                    <g class="step" class:selected=sel class:cut=cut data-step=t
                        on:click=move |_| on_select.run(t)>
                        <rect class="step-bg" x=x y=2.0 width=cw height=height - 4.0></rect>
                        {strip(&states[t].h, x + 1.0, y_h, cw - 2.0)}
                        {lstm.then(|| strip(&states[t].c, x + 1.0, y_c, cw - 2.0))}
                        <rect x=x + 1.0 y=y_x width=cw - 2.0 height=16.0 fill=xc.css() class="x-box"></rect>
                        {label}
                        <rect class="grad-bar" x=x + cw * 0.2 y=y_g + 28.0 - bar(n) width=cw * 0.6 height=bar(n)></rect>
                        <title>{tip}</title>
                    </g>
                }
            })
            .collect_view();
        let last = gx(t_len) + cw / 2.0;
        let mid_h = y_h + strip_h / 2.0;
        let mid_c = y_c + strip_h / 2.0;
        let first_x = gx(1);
        let end_x = gx(t_len) + cw;
        let cut_note = (earliest > 0).then(|| {
            let x_end = gx(earliest);
            view! {
                <text class="cut-label" x=first_x + 4.0 y=y_g - 4.0>
                    {format!("h(1)…h({}) get no gradient: truncated BPTT, k = {}", earliest - 1, window.unwrap_or(0))}
                </text>
                <line class="cut-edge" x1=x_end y1=2.0 x2=x_end y2=height - 2.0></line>
            }
        });
        view! {
            <figure class="panel diagram" data-cell=if lstm { "lstm" } else { "vanilla" }>
                <div class="diagram-scroll">
                    <svg width=width height=height viewBox=format!("0 0 {width} {height}") role="img"
                        aria-label="the network unrolled over time">
                        <text class="row-label" x=2.0 y=mid_h>"h"</text>
                        {lstm.then(|| view! { <text class="row-label" x=2.0 y=mid_c>"C"</text> })}
                        <text class="row-label" x=2.0 y=y_x + 12.0>"x"</text>
                        <text class="row-label" x=2.0 y=y_g + 24.0>"‖∂h‖"</text>
                        <line class="flow h-flow" x1=first_x y1=mid_h x2=end_x y2=mid_h></line>
                        {lstm.then(|| view! { <line class="flow c-flow" x1=first_x y1=mid_c x2=end_x y2=mid_c></line> })}
                        {columns}
                        <rect class="y-box" x=last - 14.0 y=y_out width=28.0 height=20.0></rect>
                        <text class="y-text" x=last y=y_out + 14.0 text-anchor="middle">"ŷ"</text>
                        <line class="flow" x1=last y1=y_out + 20.0 x2=last y2=y_h></line>
                        {cut_note}
                    </svg>
                </div>
                <figcaption>
                    {format!(
                        "Each column is one time step: the {} strip shows the first {units} units of h{} (colour = value, red < 0 < blue); the bar underneath is ‖∂L/∂h(t)‖ on a log scale. Click a column to select it.",
                        if lstm { "upper" } else { "coloured" },
                        if lstm { ", the lower one the cell state C — the constant-error path" } else { "" }
                    )}
                </figcaption>
            </figure>
        }
        .into_any()
    }
}
