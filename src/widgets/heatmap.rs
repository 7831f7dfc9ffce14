//! A labelled matrix heatmap in SVG: one coloured cell per entry with its value written in it
//! (when cells are large enough), row and column labels, a hover tooltip with the full value,
//! and a colour legend. Cells carry `data-row`, `data-col` and `data-value` so browser tests
//! can read exactly what is drawn.

use super::colour::{diverging, max_abs, Banded};
use super::format::fmt_num;
use crate::engine::Mat;
use leptos::prelude::*;

/// Largest cell edge, in SVG units.
const MAX_CELL: f64 = 50.0;
/// Width the whole grid aims for when the matrix is large.
const GRID_BUDGET: f64 = 440.0;
/// Smallest cell edge: a 500-node graph's matrices stay 500 px wide (canvas pixels are cheap;
/// at the earlier 4-unit minimum five 2000 × 2000 canvases made an edit cost ~0.5 s). Hovering
/// reads the exact entry.
const MIN_CELL: f64 = 1.0;
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

/// Longest label drawn in full; longer ones end in "…" (the tooltip has them whole).
const MAX_LABEL_CHARS: usize = 10;
/// Width of one label character, roughly, at the label font size.
const CHAR_W: f64 = 6.6;

/// Edge length of one cell for an `n`-wide matrix.
pub fn cell_size(n: usize) -> f64 {
    cell_size_in(n, GRID_BUDGET)
}

/// Edge length of one cell for an `n`-wide matrix in a grid about `budget` units wide.
pub fn cell_size_in(n: usize, budget: f64) -> f64 {
    if n == 0 {
        MAX_CELL
    } else {
        (budget / n as f64).clamp(MIN_CELL, MAX_CELL)
    }
}

/// A label as drawn: at most [`MAX_LABEL_CHARS`] characters.
pub fn short_label(l: &str) -> String {
    if l.chars().count() > MAX_LABEL_CHARS {
        l.chars().take(MAX_LABEL_CHARS - 1).chain(['…']).collect()
    } else {
        l.to_string()
    }
}

/// Where the grid sits: cell edge, room for the row labels (left) and the column labels (top),
/// and whether the column labels are turned upright because they are wider than a cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geometry {
    /// Rows of the matrix.
    pub rows: usize,
    /// Columns of the matrix.
    pub cols: usize,
    /// Cell edge.
    pub cs: f64,
    /// x of the first column.
    pub left: f64,
    /// y of the first row.
    pub top: f64,
    /// Column labels drawn rotated (reading upwards).
    pub upright: bool,
}

impl Geometry {
    /// The layout of a `rows × cols` grid with these labels, about `budget` units wide.
    pub fn new(rows: usize, cols: usize, rl: &[String], cl: &[String], budget: f64) -> Self {
        let cs = cell_size_in(rows.max(cols), budget);
        let chars = |ls: &[String]| {
            ls.iter()
                .map(|l| l.chars().count().min(MAX_LABEL_CHARS))
                .max()
                .unwrap_or(0) as f64
        };
        let room = |c: f64| (c * CHAR_W + 10.0).clamp(LABEL, 80.0);
        let show = cs >= 12.0;
        let col_w = chars(cl) * CHAR_W;
        let upright = show && col_w > cs - 2.0 && chars(cl) > 1.0;
        Geometry {
            rows,
            cols,
            cs,
            left: if show { room(chars(rl)) } else { LABEL },
            top: if upright { room(chars(cl)) } else { LABEL },
            upright,
        }
    }

    /// Whether labels are drawn at all (cells of 12 units and more).
    pub fn labels_shown(&self) -> bool {
        self.cs >= 12.0
    }

    /// Total width and height.
    pub fn size(&self) -> (f64, f64) {
        (
            self.left + self.cols as f64 * self.cs + 2.0,
            self.top + self.rows as f64 * self.cs + 2.0,
        )
    }

    /// Top-left corner of cell (i, j).
    pub fn cell(&self, i: usize, j: usize) -> (f64, f64) {
        (
            self.left + j as f64 * self.cs,
            self.top + i as f64 * self.cs,
        )
    }

    /// The cell under the point (x, y), if any.
    pub fn cell_at(&self, x: f64, y: f64) -> Option<(usize, usize)> {
        let (x, y) = (x - self.left, y - self.top);
        (x >= 0.0 && y >= 0.0)
            .then(|| ((y / self.cs) as usize, (x / self.cs) as usize))
            .filter(|(i, j)| *i < self.rows && *j < self.cols)
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
    /// Highlight only the row of `highlight` (for n × d matrices whose columns are features).
    #[prop(optional, into)]
    rows_only: Signal<bool>,
    /// About how wide the grid may be, in SVG units (smaller for small multiples).
    #[prop(default = GRID_BUDGET)]
    budget: f64,
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
    let geo = Memo::new(move |_| {
        let (rows, cols) = dims.get();
        row_labels.with(|rl| col_labels.with(|cl| Geometry::new(rows, cols, rl, cl, budget)))
    });

    // The cells' DOM depends only on the matrix's shape; each cell's colour, number and tooltip
    // update in place when the values change (rebuilding thousands of nodes per edit is what
    // made interaction slow). Each cell reads its own signal, written by one effect per
    // heatmap: with every cell subscribed to the shared matrix instead, each update removed
    // thousands of subscribers from one list one by one (quadratic; 45 % of a slider change
    // at T = 50, h = 32 in a CPU profile).
    let cells = move || {
        let g = geo.get();
        let (rows, cols, cs) = (g.rows, g.cols, g.cs);
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
            let (h, f, ro) = (highlight.get(), focus.get(), rows_only.get());
            (0..rows * cols)
                .map(|k| {
                    let (i, j) = (k / cols.max(1), k % cols.max(1));
                    (h == Some(i) || (!ro && h == Some(j)), f == Some((i, j)))
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
                let (x, y) = g.cell(i, j);
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
        let g = geo.get();
        let (rows, cols, cs) = (g.rows, g.cols, g.cs);
        let rl = row_labels.get();
        let cl = col_labels.get();
        let show = g.labels_shown();
        let row_views = (0..rows).filter(|_| show).map(|i| {
            let hl = move || highlight.get() == Some(i);
            view! {
                <text class="axis-label" class:hl=hl x=g.left - 6.0 y=g.top + (i as f64 + 0.5) * cs
                    text-anchor="end" dominant-baseline="central">
                    {rl.get(i).map(|l| short_label(l)).unwrap_or_default()}
                </text>
            }
        });
        let col_views = (0..cols).filter(|_| show).map(|j| {
            let hl = move || !rows_only.get() && highlight.get() == Some(j);
            let (x, y) = (g.left + (j as f64 + 0.5) * cs, g.top - 7.0);
            let text = cl.get(j).map(|l| short_label(l)).unwrap_or_default();
            if g.upright {
                view! {
                    <text class="axis-label" class:hl=hl x=x y=y text-anchor="start" dominant-baseline="central"
                        transform=format!("rotate(-90 {x} {y})")>{text}</text>
                }
                .into_any()
            } else {
                view! {
                    <text class="axis-label" class:hl=hl x=x y=y text-anchor="middle">{text}</text>
                }
                .into_any()
            }
        });
        (row_views.collect_view(), col_views.collect_view())
    };
    let size = move || geo.get().size();
    let legend_w = 120.0;
    // Keyboard: where entries can be pointed at, the figure takes focus and the arrow keys move
    // the pointed entry (from the focused one, or the top-left).
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let Some(cb) = on_hover else { return };
        let (rows, cols) = dims.get_untracked();
        let (i, j) = focus.get_untracked().unwrap_or((0, 0));
        let next = match ev.key().as_str() {
            "ArrowUp" => (i.saturating_sub(1), j),
            "ArrowDown" => (i + 1, j),
            "ArrowLeft" => (i, j.saturating_sub(1)),
            "ArrowRight" => (i, j + 1),
            _ => return,
        };
        ev.prevent_default();
        if rows > 0 && cols > 0 {
            cb.run((next.0.min(rows - 1), next.1.min(cols - 1)));
        }
    };
    view! {
        <figure class="heatmap" data-matrix=name_attr
            tabindex=on_hover.map(|_| "0")
            aria-keyshortcuts=on_hover.map(|_| "ArrowUp ArrowDown ArrowLeft ArrowRight")
            on:keydown=on_key>
            <figcaption>{children()}</figcaption>
            {move || {
                let (rows, cols) = dims.get();
                if rows * cols > CANVAS_ABOVE {
                    view! {
                        <CanvasGrid name=canvas_name.clone() values=values scale=scale row_labels=row_labels
                            col_labels=col_labels highlight=highlight focus=focus on_hover=on_hover digits=digits
                            geo=geo rows_only=rows_only/>
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
    geo: Memo<Geometry>,
    rows_only: Signal<bool>,
) -> impl IntoView {
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let geometry = move || {
        let g = geo.get();
        let (w, h) = g.size();
        (g.rows, g.cols, g.cs, w, h)
    };
    let sight = super::canvas::sight(canvas);
    let generation = StoredValue::new(0u64);
    Effect::new(move |_| {
        let Some(el) = canvas.get() else { return };
        if !sight.near.get() {
            return; // repainted when it comes near the screen
        }
        // Everything the picture depends on, read here (so the effect follows it), painted now
        // or just after the frame (`Sight::paint`).
        let g = geo.get();
        let (rows, cols, cs, w, h) = geometry();
        let (sc, hl, fo) = (scale.get(), highlight.get(), focus.get());
        let (rl, cl) = (row_labels.get(), col_labels.get());
        let rows_only = rows_only.get();
        let m = values.get();
        sight.paint(generation, move || {
            let Some(ctx) = super::canvas::context(&el, w, h) else {
                return;
            };
            ctx.clear_rect(0.0, 0.0, w, h);
            let show_text = cs >= MIN_CELL_FOR_TEXT;
            {
                let scale = Banded::new(sc);
                super::canvas::paint_cells(&ctx, (rows, cols), (g.left, g.top, cs), |i, j| {
                    scale.colour(m[(i, j)])
                });
                if show_text {
                    ctx.set_text_align("center");
                    ctx.set_text_baseline("middle");
                    super::canvas::set_font(&ctx, "12px system-ui, sans-serif");
                    for i in 0..rows {
                        for j in 0..cols {
                            let v = m[(i, j)];
                            let (x, y) = g.cell(i, j);
                            ctx.set_fill_style_str(diverging(v, sc).text_colour());
                            let _ = ctx.fill_text(&fmt_num(v, digits), x + cs / 2.0, y + cs / 2.0);
                        }
                    }
                }
            }
            if g.labels_shown() {
                ctx.set_fill_style_str("#6b7280");
                super::canvas::set_font(&ctx, "12px system-ui, sans-serif");
                ctx.set_text_align("end");
                ctx.set_text_baseline("middle");
                for (i, l) in rl.iter().enumerate().take(rows) {
                    let _ =
                        ctx.fill_text(&short_label(l), g.left - 6.0, g.top + (i as f64 + 0.5) * cs);
                }
                for (j, l) in cl.iter().enumerate().take(cols) {
                    let (x, y) = (g.left + (j as f64 + 0.5) * cs, g.top - 7.0);
                    if g.upright {
                        ctx.save();
                        let _ = ctx.translate(x, y);
                        let _ = ctx.rotate(-std::f64::consts::FRAC_PI_2);
                        ctx.set_text_align("start");
                        ctx.set_text_baseline("middle");
                        let _ = ctx.fill_text(&short_label(l), 0.0, 0.0);
                        ctx.restore();
                    } else {
                        ctx.set_text_align("center");
                        ctx.set_text_baseline("alphabetic");
                        let _ = ctx.fill_text(&short_label(l), x, y);
                    }
                }
            }
            if let Some(k) = hl {
                ctx.set_stroke_style_str(HL);
                ctx.set_line_width(1.6);
                if k < rows {
                    let (x, y) = g.cell(k, 0);
                    ctx.stroke_rect(x, y, cols as f64 * cs, cs);
                }
                if k < cols && !rows_only {
                    let (x, y) = g.cell(0, k);
                    ctx.stroke_rect(x, y, cs, rows as f64 * cs);
                }
            }
            if let Some((i, j)) = fo.filter(|(i, j)| *i < rows && *j < cols) {
                ctx.set_stroke_style_str(FOCUS);
                ctx.set_line_width(3.0);
                let (x, y) = g.cell(i, j);
                ctx.stroke_rect(x + 1.5, y + 1.5, cs - 4.0, cs - 4.0);
            }
        });
    });
    // The cell under the pointer, in the canvas's own units (it may be shown scaled down).
    let cell_at = move |ev: &web_sys::MouseEvent| -> Option<(usize, usize)> {
        let el = canvas.get_untracked()?;
        let g = geo.get_untracked();
        let shown = el.get_bounding_client_rect().width();
        let k = if shown > 0.0 { g.size().0 / shown } else { 1.0 };
        g.cell_at(ev.offset_x() as f64 * k, ev.offset_y() as f64 * k)
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
            data-grid=move || { let g = geo.get(); format!("{},{},{}", g.left, g.top, g.cs) }
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
        assert!(cell_size(10_000) >= MIN_CELL);
        assert!(
            cell_size(500) * 500.0 <= 500.0,
            "a 500-node matrix is at most 500 units wide"
        );
    }

    #[test]
    fn long_labels_get_room_and_stand_upright() {
        let short: Vec<String> = (1..=4).map(|k| k.to_string()).collect();
        let g = Geometry::new(4, 4, &short, &short, GRID_BUDGET);
        assert_eq!((g.left, g.top, g.upright), (LABEL, LABEL, false));
        let words: Vec<String> = ["The", "animal", "didn't", "internationalisation"]
            .map(String::from)
            .to_vec();
        let g = Geometry::new(4, 4, &words, &words, 200.0);
        assert!(g.upright && g.left > 60.0 && g.top == g.left);
        assert_eq!(short_label(&words[3]), "internati…");
        assert_eq!(g.cell_at(g.left + 1.0, g.top + g.cs + 1.0), Some((1, 0)));
        assert_eq!(g.cell_at(g.left - 1.0, g.top), None);
        assert_eq!(g.cell_at(g.size().0, g.top), None);
    }
}
