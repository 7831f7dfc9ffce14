//! A labelled matrix heatmap in SVG: one coloured cell per entry with its value written in it
//! (when cells are large enough), row and column labels, a hover tooltip with the full value,
//! and a colour legend. Cells carry `data-row`, `data-col` and `data-value` so browser tests
//! can read exactly what is drawn.

use super::colour::{diverging, diverging_banded, max_abs};
use super::format::fmt_num;
use crate::engine::Mat;
use leptos::prelude::*;

/// Largest cell edge, in SVG units.
const MAX_CELL: f64 = 50.0;
/// Width the whole grid aims for when the matrix is large.
const GRID_BUDGET: f64 = 440.0;
/// Below this edge length the numbers no longer fit and only colours are drawn.
const MIN_CELL_FOR_TEXT: f64 = 30.0;
/// Room for the labels on the left and on top.
const LABEL: f64 = 24.0;
/// Matrices with more cells than this are drawn on a canvas: one SVG group per cell made the
/// RNN view's six 12 × 20 gate heatmaps 13 000 DOM nodes, most of a slider change's style,
/// layout and paint time.
pub const CANVAS_ABOVE: usize = 120;
/// Outline of the highlighted row and column (CSS --hl).
const HL: &str = "#111";
/// Outline of the focused entry.
const FOCUS: &str = "#f59e0b";

/// Edge length of one cell for an `n`-wide matrix.
pub fn cell_size(n: usize) -> f64 {
    if n == 0 {
        MAX_CELL
    } else {
        (GRID_BUDGET / n as f64).clamp(4.0, MAX_CELL)
    }
}

/// What one cell shows.
#[derive(Debug, Clone, PartialEq)]
struct CellShow {
    value: f64,
    fill: String,
    text_fill: &'static str,
    text: String,
    tip: String,
}

/// A matrix drawn as a heatmap with numbers.
#[component]
pub fn Heatmap(
    /// Short machine-readable name, set as `data-matrix` (e.g. "P").
    #[prop(into)]
    name: String,
    /// The matrix drawn, one cell per entry.
    #[prop(into)]
    values: Signal<Mat>,
    /// Labels of the rows (left), one per row.
    #[prop(into)]
    row_labels: Signal<Vec<String>>,
    /// Labels of the columns (top), one per column.
    #[prop(into)]
    col_labels: Signal<Vec<String>>,
    /// Index whose row and column are emphasised (e.g. the selected node).
    #[prop(optional, into)]
    highlight: MaybeProp<usize>,
    /// The (row, col) entry shown in the formula, outlined.
    #[prop(optional, into)]
    focus: MaybeProp<(usize, usize)>,
    /// Called with (row, col) when the pointer enters a cell or it gets keyboard focus.
    #[prop(optional)]
    on_hover: Option<Callback<(usize, usize)>>,
    /// Decimals shown in the cells.
    #[prop(default = 3)]
    digits: usize,
    /// Caption above the matrix, typically its formula in MathML.
    children: Children,
) -> impl IntoView {
    // One evaluation of the caller's (possibly derived) signal per change, shared by all cells.
    let values = Memo::new(move |_| values.get());
    let name_attr = name.clone();
    let canvas_name = name.clone();
    let grad_id = format!("grad-{name}");
    let grad_url = format!("url(#{grad_id})");
    let scale = Memo::new(move |_| values.with(|m| max_abs(m.iter())));
    let dims = Memo::new(move |_| values.with(|m| (m.nrows(), m.ncols())));

    // The cells' DOM depends only on the matrix's shape; each cell's colour, number and tooltip
    // update in place when the values change (rebuilding thousands of nodes per edit is what
    // made interaction slow). Each cell reads its own signal, written by one effect per
    // heatmap: with every cell subscribed to the shared matrix instead, each update removed
    // thousands of subscribers from one list one by one (quadratic; 45 % of a slider change
    // at T = 50, h = 32 in a CPU profile).
    let cells = move || {
        let (rows, cols) = dims.get();
        let cs = cell_size(rows.max(cols));
        let show_text = cs >= MIN_CELL_FOR_TEXT;
        let name = name.clone();
        let compute =
            move |m: &Mat, scale: f64, rl: &[String], cl: &[String], i: usize, j: usize| {
                let v = m.get((i, j)).copied().unwrap_or(0.0);
                let c = diverging(v, scale);
                CellShow {
                    value: v,
                    fill: c.css(),
                    text_fill: c.text_colour(),
                    text: if show_text {
                        fmt_num(v, digits)
                    } else {
                        String::new()
                    },
                    tip: format!(
                        "{name}[{}, {}] = {}",
                        rl.get(i).map_or("?", String::as_str),
                        cl.get(j).map_or("?", String::as_str),
                        fmt_num(v, 6)
                    ),
                }
            };
        let all = move || {
            values.with(|m| {
                let (s, rl, cl) = (scale.get(), row_labels.get(), col_labels.get());
                (0..rows * cols)
                    .map(|k| compute(m, s, &rl, &cl, k / cols.max(1), k % cols.max(1)))
                    .collect::<Vec<_>>()
            })
        };
        let marks = move || {
            let (h, f) = (highlight.get(), focus.get());
            (0..rows * cols)
                .map(|k| {
                    let (i, j) = (k / cols.max(1), k % cols.max(1));
                    (h == Some(i) || h == Some(j), f == Some((i, j)))
                })
                .collect::<Vec<_>>()
        };
        let shows: Vec<RwSignal<CellShow>> = untrack(&all).into_iter().map(RwSignal::new).collect();
        let marked: Vec<RwSignal<(bool, bool)>> =
            untrack(marks).into_iter().map(RwSignal::new).collect();
        {
            let shows = shows.clone();
            Effect::new(move |_| {
                for (sig, new) in shows.iter().zip(all()) {
                    if sig.with_untracked(|old| *old != new) {
                        sig.set(new);
                    }
                }
            });
            let marked = marked.clone();
            Effect::new(move |_| {
                for (sig, new) in marked.iter().zip(marks()) {
                    if sig.get_untracked() != new {
                        sig.set(new);
                    }
                }
            });
        }
        let mut out = Vec::with_capacity(rows * cols);
        for i in 0..rows {
            for j in 0..cols {
                let (show, mark) = (shows[i * cols + j], marked[i * cols + j]);
                let (x, y) = (LABEL + j as f64 * cs, LABEL + i as f64 * cs);
                let text = show_text.then(|| {
                    view! {
                        <text x=x + cs / 2.0 y=y + cs / 2.0 fill=move || show.with(|c| c.text_fill)
                            text-anchor="middle" dominant-baseline="central" class="cell-text">
                            {move || show.with(|c| c.text.clone())}
                        </text>
                    }
                });
                out.push(view! {
                    <g class="cell" class:hl=move || mark.get().0 class:focus=move || mark.get().1
                        data-row=i data-col=j data-value=move || show.with(|c| c.value.to_string())
                        on:mouseenter=move |_| { if let Some(cb) = on_hover { cb.run((i, j)) } }
                        on:click=move |_| { if let Some(cb) = on_hover { cb.run((i, j)) } }>
                        <rect x=x y=y width=cs height=cs fill=move || show.with(|c| c.fill.clone())></rect>
                        {text}
                        <title>{move || show.with(|c| c.tip.clone())}</title>
                    </g>
                });
            }
        }
        out
    };
    let labels = move || {
        let (rows, cols) = dims.get();
        let cs = cell_size(rows.max(cols));
        let rl = row_labels.get();
        let cl = col_labels.get();
        let show = cs >= 12.0;
        let row_views = (0..rows).filter(|_| show).map(|i| {
            let hl = move || highlight.get() == Some(i);
            view! {
                <text class="axis-label" class:hl=hl x=LABEL - 6.0 y=LABEL + (i as f64 + 0.5) * cs
                    text-anchor="end" dominant-baseline="central">
                    {rl.get(i).cloned().unwrap_or_default()}
                </text>
            }
        });
        let col_views = (0..cols).filter(|_| show).map(|j| {
            let hl = move || highlight.get() == Some(j);
            view! {
                <text class="axis-label" class:hl=hl x=LABEL + (j as f64 + 0.5) * cs y=LABEL - 7.0
                    text-anchor="middle">
                    {cl.get(j).cloned().unwrap_or_default()}
                </text>
            }
        });
        (row_views.collect_view(), col_views.collect_view())
    };
    let size = move || {
        let (rows, cols) = dims.get();
        let cs = cell_size(rows.max(cols));
        (
            LABEL + cols as f64 * cs + 2.0,
            LABEL + rows as f64 * cs + 2.0,
        )
    };
    let legend_w = 120.0;
    view! {
        <figure class="heatmap" data-matrix=name_attr>
            <figcaption>{children()}</figcaption>
            {move || {
                let (rows, cols) = dims.get();
                if rows * cols > CANVAS_ABOVE {
                    view! {
                        <CanvasGrid name=canvas_name.clone() values=values scale=scale row_labels=row_labels
                            col_labels=col_labels highlight=highlight focus=focus on_hover=on_hover digits=digits/>
                    }
                    .into_any()
                } else {
                    view! {
                        <svg class="heatmap-svg" role="img"
                            width=move || size().0 height=move || size().1
                            viewBox=move || format!("0 0 {} {}", size().0, size().1)>
                            {labels}
                            {cells.clone()}
                        </svg>
                    }
                    .into_any()
                }
            }}
            <div class="legend">
                <span class="legend-end">{move || fmt_num(-scale.get(), 2)}</span>
                <svg width=legend_w height="10" aria-hidden="true">
                    <defs>
                        <linearGradient id=grad_id.clone()>
                            <stop offset="0%" stop-color=diverging(-1.0, 1.0).css()></stop>
                            <stop offset="50%" stop-color=diverging(0.0, 1.0).css()></stop>
                            <stop offset="100%" stop-color=diverging(1.0, 1.0).css()></stop>
                        </linearGradient>
                    </defs>
                    <rect width=legend_w height="10" fill=grad_url.clone()></rect>
                </svg>
                <span class="legend-end">{move || fmt_num(scale.get(), 2)}</span>
            </div>
        </figure>
    }
}

/// The grid of a large heatmap, drawn on a canvas: same colours, labels, highlight and focus
/// outlines as the SVG grid; the entry under the pointer is reported through `on_hover` and
/// written into the canvas's tooltip and `data-hover` (row, col, value) for tests.
#[component]
fn CanvasGrid(
    name: String,
    values: Memo<Mat>,
    scale: Memo<f64>,
    row_labels: Signal<Vec<String>>,
    col_labels: Signal<Vec<String>>,
    highlight: MaybeProp<usize>,
    focus: MaybeProp<(usize, usize)>,
    on_hover: Option<Callback<(usize, usize)>>,
    digits: usize,
) -> impl IntoView {
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let geometry = move || {
        values.with(|m| {
            let (rows, cols) = m.shape();
            let cs = cell_size(rows.max(cols));
            (
                rows,
                cols,
                cs,
                LABEL + cols as f64 * cs + 2.0,
                LABEL + rows as f64 * cs + 2.0,
            )
        })
    };
    Effect::new(move |_| {
        let Some(el) = canvas.get() else { return };
        let (rows, cols, cs, w, h) = geometry();
        let Some(ctx) = super::canvas::context(&el, w, h) else {
            return;
        };
        ctx.clear_rect(0.0, 0.0, w, h);
        let (sc, hl, fo) = (scale.get(), highlight.get(), focus.get());
        let (rl, cl) = (row_labels.get(), col_labels.get());
        let show_text = cs >= MIN_CELL_FOR_TEXT;
        ctx.set_text_align("center");
        ctx.set_text_baseline("middle");
        ctx.set_font("11.5px system-ui, sans-serif");
        values.with(|m| {
            let mut rects: Vec<super::canvas::Rect> = (0..rows * cols)
                .map(|k| {
                    let (i, j) = (k / cols, k % cols);
                    let c = diverging_banded(m[(i, j)], sc);
                    (
                        c,
                        LABEL + j as f64 * cs,
                        LABEL + i as f64 * cs,
                        cs - 1.0,
                        cs - 1.0,
                    )
                })
                .collect();
            super::canvas::fill_rects(&ctx, &mut rects);
            if show_text {
                for i in 0..rows {
                    for j in 0..cols {
                        let v = m[(i, j)];
                        let (x, y) = (LABEL + j as f64 * cs, LABEL + i as f64 * cs);
                        ctx.set_fill_style_str(diverging(v, sc).text_colour());
                        let _ = ctx.fill_text(&fmt_num(v, digits), x + cs / 2.0, y + cs / 2.0);
                    }
                }
            }
        });
        ctx.set_fill_style_str("#6b7280");
        ctx.set_font("12px system-ui, sans-serif");
        if cs >= 12.0 {
            ctx.set_text_align("end");
            for (i, l) in rl.iter().enumerate().take(rows) {
                let _ = ctx.fill_text(l, LABEL - 6.0, LABEL + (i as f64 + 0.5) * cs);
            }
            ctx.set_text_align("center");
            ctx.set_text_baseline("alphabetic");
            for (j, l) in cl.iter().enumerate().take(cols) {
                let _ = ctx.fill_text(l, LABEL + (j as f64 + 0.5) * cs, LABEL - 7.0);
            }
        }
        if let Some(k) = hl {
            ctx.set_stroke_style_str(HL);
            ctx.set_line_width(1.6);
            if k < rows {
                ctx.stroke_rect(LABEL, LABEL + k as f64 * cs, cols as f64 * cs, cs);
            }
            if k < cols {
                ctx.stroke_rect(LABEL + k as f64 * cs, LABEL, cs, rows as f64 * cs);
            }
        }
        if let Some((i, j)) = fo.filter(|(i, j)| *i < rows && *j < cols) {
            ctx.set_stroke_style_str(FOCUS);
            ctx.set_line_width(3.0);
            ctx.stroke_rect(
                LABEL + j as f64 * cs + 1.5,
                LABEL + i as f64 * cs + 1.5,
                cs - 4.0,
                cs - 4.0,
            );
        }
    });
    // The cell under the pointer, in the canvas's own units (it may be shown scaled down).
    let cell_at = move |ev: &web_sys::MouseEvent| -> Option<(usize, usize)> {
        let el = canvas.get_untracked()?;
        let (rows, cols, cs, w, _) = geometry();
        let shown = el.get_bounding_client_rect().width();
        let k = if shown > 0.0 { w / shown } else { 1.0 };
        let (x, y) = (
            ev.offset_x() as f64 * k - LABEL,
            ev.offset_y() as f64 * k - LABEL,
        );
        (x >= 0.0 && y >= 0.0)
            .then(|| ((y / cs) as usize, (x / cs) as usize))
            .filter(|(i, j)| *i < rows && *j < cols)
    };
    let last = StoredValue::new(None::<(usize, usize)>);
    let name = StoredValue::new(name);
    let hover = move |ev: web_sys::MouseEvent, click: bool| {
        let cell = cell_at(&ev);
        if cell == last.get_value() && !click {
            return;
        }
        last.set_value(cell);
        let Some(el) = canvas.get_untracked() else {
            return;
        };
        match cell {
            Some((i, j)) => {
                let v = values.with_untracked(|m| m[(i, j)]);
                let tip = format!(
                    "{}[{}, {}] = {}",
                    name.get_value(),
                    row_labels.with_untracked(|l| l.get(i).cloned().unwrap_or_default()),
                    col_labels.with_untracked(|l| l.get(j).cloned().unwrap_or_default()),
                    fmt_num(v, 6)
                );
                let _ = el.set_attribute("title", &tip);
                let _ = el.set_attribute("data-hover", &format!("{i},{j},{v}"));
                if let Some(cb) = on_hover {
                    cb.run((i, j));
                }
            }
            None => {
                let _ = el.remove_attribute("title");
                let _ = el.remove_attribute("data-hover");
            }
        }
    };
    view! {
        <canvas node_ref=canvas class="heatmap-canvas" role="img"
            style:width=move || format!("{}px", geometry().3)
            aria-label=move || { let (r, c, ..) = geometry(); format!("heatmap, {r} × {c}; hover a cell for its value") }
            data-shape=move || { let (r, c, ..) = geometry(); format!("{r}x{c}") }
            on:mousemove=move |ev| hover(ev, false)
            on:click=move |ev| hover(ev, true)
            on:mouseleave=move |_| { last.set_value(None); }></canvas>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_shrink_for_big_matrices_but_stay_visible() {
        assert_eq!(cell_size(6), MAX_CELL);
        assert!(cell_size(34) < MIN_CELL_FOR_TEXT);
        assert!(cell_size(10_000) >= 4.0);
    }
}
