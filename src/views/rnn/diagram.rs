//! The unrolled network: one column per time step — input below, hidden state (and for the
//! LSTM the cell state) as coloured strips, the output above the last step, and a bar for
//! ‖∂L/∂h^(t)‖ under each column. Columns whose gradient path truncation cut are greyed.

use super::state::{CellChoice, RnnRun, RnnState, RunRef};
use crate::engine::rnn::bptt::reach;
use crate::engine::Vector;
use crate::widgets::canvas;
use crate::widgets::colour::{diverging, diverging_banded, Rgb};
use crate::widgets::format::fmt_num;
use leptos::prelude::*;

/// Units drawn per strip (the rest are summarised in the tooltip).
const UNITS_SHOWN: usize = 12;
const CELL_H: f64 = 9.0;
/// The gradient bars' grey.
const GRAD_BAR: Rgb = Rgb(0x6b, 0x72, 0x80);

/// What one column shows (recomputed per run; the column's DOM is kept and updated in place).
#[derive(Debug, Clone, PartialEq, Default)]
struct ColumnShow {
    h: Vec<Rgb>,
    c: Vec<Rgb>,
    x_fill: String,
    x_text_fill: &'static str,
    x_text: String,
    bar: f64,
    cut: bool,
}

/// Every column, the earliest state reached by the gradient, and the truncation window.
#[derive(Debug, Clone, PartialEq, Default)]
struct Content {
    columns: Vec<ColumnShow>,
    earliest: usize,
    window: Option<usize>,
}

fn colours(v: &Vector) -> Vec<Rgb> {
    v.iter()
        .take(UNITS_SHOWN)
        .map(|x| diverging_banded(*x, 1.0))
        .collect()
}

/// Paints every column's h (and C) strip and gradient bar; truncated columns at the SVG's `.cut`
/// opacity.
#[allow(clippy::too_many_arguments)]
fn paint_strips(
    el: &web_sys::HtmlCanvasElement,
    d: &Content,
    units: usize,
    cw: f64,
    y_h: f64,
    y_c: Option<f64>,
    y_g: f64,
    width: f64,
    height: f64,
) {
    let Some(ctx) = canvas::context(el, width, height) else {
        return;
    };
    let (mut solid, mut cut) = (Vec::new(), Vec::new());
    for (k, col) in d.columns.iter().enumerate() {
        let x = 40.0 + k as f64 * cw + 1.0;
        let out = if col.cut { &mut cut } else { &mut solid };
        for (values, y0) in [(&col.h, Some(y_h)), (&col.c, y_c)] {
            let Some(y0) = y0 else { continue };
            for (j, c) in values.iter().take(units).enumerate() {
                out.push((*c, x, y0 + j as f64 * CELL_H, cw - 2.0, CELL_H - 1.0));
            }
        }
        // ‖∂L/∂h⁽ᵗ⁾‖ as a bar on the log scale of `bar` (painted here, not as 2·T SVG attributes
        // rewritten on every slider step).
        if col.bar > 0.0 {
            let x = 40.0 + k as f64 * cw + cw * 0.2;
            out.push((GRAD_BAR, x, y_g + 28.0 - col.bar, cw * 0.6, col.bar));
        }
    }
    canvas::fill_rects(&ctx, &mut solid);
    ctx.set_global_alpha(0.3);
    canvas::fill_rects(&ctx, &mut cut);
}

/// The tooltip of column t: x, the first units of h, and ‖∂L/∂h⁽ᵗ⁾‖.
fn tip(r: &RnnRun, lstm: bool, t: usize) -> String {
    let (states, norms) = if lstm {
        (&r.lstm_trace.states, &r.lstm_bptt.dh_norms)
    } else {
        (&r.vanilla_trace.states, &r.vanilla_bptt.dh_norms)
    };
    let c = earliest_reached(r, lstm);
    let (Some(x), Some(s)) = (r.xs.get(t.wrapping_sub(1)), states.get(t)) else {
        return String::new();
    };
    format!(
        "t = {t}: x = {}; {}; ‖∂L/∂h({t})‖ = {}{}",
        fmt_num(*x, 3),
        values_text("h", t, &s.h),
        fmt_num(norms.get(t).copied().unwrap_or(0.0), 6),
        if t < c {
            " — path cut by truncation"
        } else {
            ""
        }
    )
}

/// The earliest state the last step's loss reaches (columns before it are cut).
fn earliest_reached(r: &RnnRun, lstm: bool) -> usize {
    let window = if lstm {
        r.lstm_bptt.window
    } else {
        r.vanilla_bptt.window
    };
    let mut has_loss = vec![false; r.len()];
    if let Some(l) = has_loss.last_mut() {
        *l = true;
    }
    reach(&has_loss, window)
        .first()
        .map_or(0, |x| x.earliest_state)
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
    let earliest = earliest_reached(r, lstm);
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
    /// The quantity pointed at, shared with the equations and the heatmaps.
    link: RwSignal<Option<&'static str>>,
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
    // The SVG is built once per shape (T, units shown, cell); a new run only updates the input
    // boxes, the cut marks and tooltips through per-column signals (see widgets::heatmap for why
    // per-element signals rather than one shared source) and repaints the strips canvas (h, C and
    // the gradient bars).
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
        // The h and C strips (units × T small cells, thousands of them) are painted on a canvas
        // laid over the SVG, which keeps the columns, bars, tooltips and clicks.
        let strips = NodeRef::<leptos::html::Canvas>::new();
        // Tooltips are written only for the column under the pointer, not for all T per run.
        let hovered = RwSignal::new(None::<usize>);
        Effect::new(move |_| {
            let Some(el) = strips.get() else { return };
            data.with(|d| {
                paint_strips(
                    &el,
                    d,
                    units,
                    cw,
                    y_h,
                    lstm.then_some(y_c),
                    y_g,
                    width,
                    height,
                )
            });
        });
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
                        on:click=move |_| on_select.run(t) on:mouseenter=move |_| hovered.set(Some(t))>
                        <rect class="step-bg" x=x y=2.0 width=cw height=height - 4.0></rect>
                        <rect x=x + 1.0 y=y_x width=cw - 2.0 height=16.0 fill=move || col.with(|c| c.x_fill.clone()) class="x-box"></rect>
                        {label}
                        <title>{move || (hovered.get() == Some(t)).then(|| run.with(|r| r.as_ref().map(|r| tip(r, lstm, t)).unwrap_or_default()))}</title>
                    </g>
                }
            })
            .collect_view();
        let last = gx(t_len) + cw / 2.0;
        let mid_h = y_h + strip_h / 2.0;
        let mid_c = y_c + strip_h / 2.0;
        let first_x = gx(1);
        let end_x = gx(t_len) + cw;
        // The strip (or input box) the linked symbol names: x⁽ᵗ⁾, h⁽ᵗ⁾, h⁽ᵗ⁻¹⁾, C⁽ᵗ⁾, C⁽ᵗ⁻¹⁾.
        let band = move |key: &str| -> Option<(f64, f64)> {
            match key.trim_end_matches("prev") {
                "h" => Some((y_h - 2.0, strip_h + 3.0)),
                "C" if lstm => Some((y_c - 2.0, strip_h + 3.0)),
                "x" => Some((y_x - 2.0, 20.0)),
                _ => None,
            }
        };
        let link_box = move || {
            let key = link.get()?;
            let t = step.get() - usize::from(key.ends_with("prev"));
            let (y, h) = band(key)?;
            (t >= 1).then(|| {
                view! {
                    <rect class="link-box" x=gx(t) - 1.0 y=y width=cw + 2.0 height=h></rect>
                }
            })
        };
        // Pointing at the selected column's h or C strip (or the previous column's) names that
        // symbol in the equations.
        let point = move |ev: web_sys::MouseEvent| {
            use wasm_bindgen::JsCast;
            let Some(svg) = ev
                .current_target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            else {
                return;
            };
            let r = svg.get_bounding_client_rect();
            let (x, y) = (
                ev.client_x() as f64 - r.left(),
                ev.client_y() as f64 - r.top(),
            );
            let col = ((x - 40.0) / cw).floor();
            let t = step.get_untracked() as f64;
            let key = ["x", "h", "C"].into_iter().find_map(|k| {
                let (y0, h) = band(k)?;
                (y >= y0 && y <= y0 + h).then_some(k)
            });
            let key = match (key, col + 1.0 == t, col + 2.0 == t) {
                (Some(k), true, _) => super::equations::link_key(k),
                (Some("h"), _, true) => Some("hprev"),
                (Some("C"), _, true) => Some("Cprev"),
                _ => None,
            };
            if link.get_untracked() != key {
                link.set(key);
            }
        };
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
                    <div class="diagram-stack" style:width=format!("{width}px") style:height=format!("{height}px")>
                    <svg width=width height=height viewBox=format!("0 0 {width} {height}") role="img"
                        aria-label="the network unrolled over time"
                        on:mousemove=point on:mouseleave=move |_| link.set(None)>
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
                        {link_box}
                    </svg>
                    <canvas node_ref=strips class="diagram-strips" aria-hidden="true"
                        style:width=format!("{width}px") style:height=format!("{height}px")></canvas>
                    </div>
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
