//! The unrolled network: one column per time step — input below, hidden state (and for the
//! LSTM the cell state) as coloured strips, the output above the last step, and a bar for
//! ‖∂L/∂h^(t)‖ under each column. Columns whose gradient path truncation cut are greyed.

use super::state::{CellChoice, RnnRun, RnnState, RunRef};
use crate::engine::rnn::bptt::reach;
use crate::engine::Vector;
use crate::widgets::colour::diverging;
use crate::widgets::format::fmt_num;
use leptos::prelude::*;

/// Units drawn per strip (the rest are summarised in the tooltip).
const UNITS_SHOWN: usize = 12;
const CELL_H: f64 = 9.0;

/// What one column shows (recomputed per run; the column's DOM is kept and updated in place).
#[derive(Debug, Clone, PartialEq, Default)]
struct ColumnShow {
    h: Vec<String>,
    c: Vec<String>,
    x_fill: String,
    x_text_fill: &'static str,
    x_text: String,
    bar: f64,
    cut: bool,
    tip: String,
}

/// Every column, the earliest state reached by the gradient, and the truncation window.
#[derive(Debug, Clone, PartialEq, Default)]
struct Content {
    columns: Vec<ColumnShow>,
    earliest: usize,
    window: Option<usize>,
}

fn colours(v: &Vector) -> Vec<String> {
    v.iter()
        .take(UNITS_SHOWN)
        .map(|x| diverging(*x, 1.0).css())
        .collect()
}

fn content(r: &RnnRun, lstm: bool) -> Content {
    let t_len = r.len();
    let (states, norms, window) = if lstm {
        (
            &r.lstm_trace.states,
            &r.lstm_bptt.dh_norms,
            r.lstm_bptt.window,
        )
    } else {
        (
            &r.vanilla_trace.states,
            &r.vanilla_bptt.dh_norms,
            r.vanilla_bptt.window,
        )
    };
    let mut has_loss = vec![false; t_len];
    if let Some(l) = has_loss.last_mut() {
        *l = true;
    }
    let earliest = reach(&has_loss, window)
        .first()
        .map_or(0, |x| x.earliest_state);
    // Bar heights on a log scale between the smallest and largest non-zero norm.
    let (lo, hi) = norms
        .iter()
        .copied()
        .filter(|n| *n > 0.0 && n.is_finite())
        .fold((f64::MAX, f64::MIN), |(a, b), n| (a.min(n), b.max(n)));
    let bar = |n: f64| {
        if !(n > 0.0 && n.is_finite()) {
            0.0
        } else if hi <= lo {
            26.0
        } else {
            2.0 + 24.0 * (n.log10() - lo.log10()) / (hi.log10() - lo.log10())
        }
    };
    let columns = (1..=t_len)
        .map(|t| {
            let cut = t < earliest;
            let xv = r.xs[t - 1];
            let n = norms.get(t).copied().unwrap_or(0.0);
            let xc = diverging(xv, 1.0);
            ColumnShow {
                h: colours(&states[t].h),
                c: if lstm {
                    colours(&states[t].c)
                } else {
                    Vec::new()
                },
                x_fill: xc.css(),
                x_text_fill: xc.text_colour(),
                x_text: fmt_num(xv, 2),
                bar: bar(n),
                cut,
                tip: format!(
                    "t = {t}: x = {}; {}; ‖∂L/∂h({t})‖ = {}{}",
                    fmt_num(xv, 3),
                    values_text("h", t, &states[t].h),
                    fmt_num(n, 6),
                    if cut {
                        " — path cut by truncation"
                    } else {
                        ""
                    }
                ),
            }
        })
        .collect();
    Content {
        columns,
        earliest,
        window,
    }
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
    let lstm = Memo::new(move |_| state.with(|s| s.cell) == CellChoice::Lstm);
    let shape = Memo::new(move |_| {
        run.with(|r| {
            r.as_ref()
                .ok()
                .map(|r| (r.len(), r.vanilla.cell.w_hh.nrows().min(UNITS_SHOWN)))
        })
        .map(|(t, u)| (t, u, lstm.get()))
    });
    let data = Memo::new(move |_| {
        run.with(|r| r.as_ref().ok().map(|r| content(r, lstm.get())))
            .unwrap_or_default()
    });
    // The SVG is built once per shape (T, units shown, cell); a new run only updates colours,
    // bars and tooltips through per-column signals (see widgets::heatmap for why per-element
    // signals rather than one shared source).
    move || {
        let Some((t_len, units, lstm)) = shape.get() else {
            return ().into_any();
        };
        let cw = (940.0 / t_len as f64).clamp(4.0, 56.0);
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
        let gx = move |t: usize| 40.0 + (t - 1) as f64 * cw;
        let cols: Vec<RwSignal<ColumnShow>> = untrack(|| data.get().columns)
            .into_iter()
            .map(RwSignal::new)
            .collect();
        {
            let cols = cols.clone();
            Effect::new(move |_| {
                data.with(|d| {
                    for (sig, new) in cols.iter().zip(&d.columns) {
                        if sig.with_untracked(|old| old != new) {
                            sig.set(new.clone());
                        }
                    }
                })
            });
        }
        let strip = move |col: RwSignal<ColumnShow>, c: bool, x: f64, y: f64| {
            (0..units)
                .map(|j| {
                    let fill = move || {
                        col.with(|s| {
                            let v = if c { &s.c } else { &s.h };
                            v.get(j).cloned().unwrap_or_default()
                        })
                    };
                    view! { <rect x=x y=y + j as f64 * CELL_H width=cw - 2.0 height=CELL_H - 1.0 fill=fill></rect> }
                })
                .collect_view()
        };
        let columns = cols
            .iter()
            .enumerate()
            .map(|(k, &col)| {
                let t = k + 1;
                let x = gx(t);
                let label = (cw >= 34.0).then(|| {
                    view! {
                        <text x=x + cw / 2.0 y=y_x + 11.0 text-anchor="middle" class="x-text"
                            fill=move || col.with(|c| c.x_text_fill)>{move || col.with(|c| c.x_text.clone())}</text>
                    }
                });
                view! {
                    <g class="step" class:selected=move || step.get() == t class:cut=move || col.with(|c| c.cut) data-step=t
                        on:click=move |_| on_select.run(t)>
                        <rect class="step-bg" x=x y=2.0 width=cw height=height - 4.0></rect>
                        {strip(col, false, x + 1.0, y_h)}
                        {lstm.then(|| strip(col, true, x + 1.0, y_c))}
                        <rect x=x + 1.0 y=y_x width=cw - 2.0 height=16.0 fill=move || col.with(|c| c.x_fill.clone()) class="x-box"></rect>
                        {label}
                        <rect class="grad-bar" x=x + cw * 0.2 y=move || y_g + 28.0 - col.with(|c| c.bar)
                            width=cw * 0.6 height=move || col.with(|c| c.bar)></rect>
                        <title>{move || col.with(|c| c.tip.clone())}</title>
                    </g>
                }
            })
            .collect_view();
        let last = gx(t_len) + cw / 2.0;
        let mid_h = y_h + strip_h / 2.0;
        let mid_c = y_c + strip_h / 2.0;
        let first_x = gx(1);
        let end_x = gx(t_len) + cw;
        let cut_note = move || {
            let (earliest, window) = data.with(|d| (d.earliest, d.window));
            (earliest > 0).then(|| {
                let x_end = gx(earliest);
                view! {
                    <text class="cut-label" x=first_x + 4.0 y=y_g - 4.0>
                        {format!("h(1)…h({}) get no gradient: truncated BPTT, k = {}", earliest - 1, window.unwrap_or(0))}
                    </text>
                    <line class="cut-edge" x1=x_end y1=2.0 x2=x_end y2=height - 2.0></line>
                }
            })
        };
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
