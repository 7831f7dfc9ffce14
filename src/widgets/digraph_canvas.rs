//! A weighted complete directed graph on a canvas: nodes on a circle, an arrow from node i to
//! node j drawn with opacity and width ∝ w_ij (weights in [0, 1], e.g. attention rows). With a
//! node selected only its outgoing arrows are drawn strongly. A canvas because n² arrows
//! (16 384 at 128 tokens) would be too many DOM nodes. The node under the pointer is reported.

use crate::engine::Mat;
use leptos::prelude::*;
use std::f64::consts::PI;

/// Drawing size in CSS pixels.
const SIZE: f64 = 420.0;
/// Weights below this are not drawn.
const MIN_WEIGHT: f64 = 0.02;
/// Distinct arrow weights drawn (opacity and width levels).
const LEVELS: usize = 20;

/// Position of node `i` of `n` on the circle, in drawing units (node 0 at the top, clockwise).
pub fn node_pos(i: usize, n: usize) -> (f64, f64) {
    let r = SIZE / 2.0 - 70.0;
    let a = -PI / 2.0 + 2.0 * PI * i as f64 / n.max(1) as f64;
    (SIZE / 2.0 + r * a.cos(), SIZE / 2.0 + r * a.sin())
}

/// The node nearest to (x, y) within 14 units, if any.
pub fn node_at(x: f64, y: f64, n: usize) -> Option<usize> {
    (0..n)
        .map(|i| {
            let (px, py) = node_pos(i, n);
            (i, (px - x).hypot(py - y))
        })
        .filter(|(_, d)| *d <= 14.0)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
}

/// The graph of `weights` (n × n) over `labels`.
#[component]
pub fn DigraphCanvas(
    /// One label per node.
    #[prop(into)]
    labels: Signal<Vec<String>>,
    /// w_ij, the weight of the arrow i → j, in [0, 1].
    #[prop(into)]
    weights: Signal<Mat>,
    /// The node whose outgoing arrows are emphasised.
    #[prop(optional, into)]
    selected: MaybeProp<usize>,
    /// Called with the node under the pointer.
    #[prop(optional)]
    on_hover: Option<Callback<usize>>,
) -> impl IntoView {
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let shown = super::canvas::on_screen(canvas);
    Effect::new(move |_| {
        let Some(el) = canvas.get() else { return };
        if !shown.get() {
            return; // repainted when it comes near the screen
        }
        let Some(ctx) = super::canvas::context(&el, SIZE, SIZE) else {
            return;
        };
        let sel = selected.get();
        labels.with(|ls| {
            weights.with(|w| {
                let n = ls.len().min(w.nrows()).min(w.ncols());
                ctx.clear_rect(0.0, 0.0, SIZE, SIZE);
                ctx.set_line_cap("round");
                // Arrows grouped by weight level (LEVELS of them): one path, one style and one
                // stroke per level instead of per arrow — 16 384 arrows at 128 tokens.
                let level =
                    |a: f64| ((a.clamp(0.0, 1.0) * LEVELS as f64).round() as usize).min(LEVELS);
                for lv in 1..=LEVELS {
                    let a = lv as f64 / LEVELS as f64;
                    for faded in [true, false] {
                        let alpha = if faded { 0.06 * a } else { a };
                        let style = format!("rgba(33,102,172,{alpha:.3})");
                        ctx.set_stroke_style_str(&style);
                        ctx.set_fill_style_str(&style);
                        ctx.set_line_width(0.5 + 5.0 * a);
                        ctx.begin_path();
                        let mut heads = Vec::new();
                        for i in (0..n).filter(|&i| sel.is_some_and(|s| s != i) == faded) {
                            let (x1, y1) = node_pos(i, n);
                            for j in 0..n {
                                let w_ij = w[(i, j)];
                                if w_ij.is_nan() || w_ij < MIN_WEIGHT || level(w_ij) != lv {
                                    continue;
                                }
                                if i == j {
                                    // A self-loop: a small circle outside the node.
                                    let (dx, dy) = (x1 - SIZE / 2.0, y1 - SIZE / 2.0);
                                    let d = dx.hypot(dy).max(1e-9);
                                    let (cx, cy) = (x1 + 18.0 * dx / d, y1 + 18.0 * dy / d);
                                    ctx.move_to(cx + 8.0, cy);
                                    let _ = ctx.arc(cx, cy, 8.0, 0.0, 2.0 * PI);
                                    continue;
                                }
                                let (x2, y2) = node_pos(j, n);
                                let (dx, dy) = (x2 - x1, y2 - y1);
                                let d = dx.hypot(dy).max(1e-9);
                                let (ux, uy) = (dx / d, dy / d);
                                // From the rim of node i to just before the rim of node j.
                                let (ex, ey) = (x2 - 12.0 * ux, y2 - 12.0 * uy);
                                ctx.move_to(x1 + 10.0 * ux, y1 + 10.0 * uy);
                                ctx.line_to(ex, ey);
                                heads.push((ex, ey, ux, uy));
                            }
                        }
                        ctx.stroke();
                        ctx.begin_path();
                        for (ex, ey, ux, uy) in heads {
                            ctx.move_to(ex + 4.0 * ux, ey + 4.0 * uy);
                            ctx.line_to(ex - 6.0 * ux - 4.0 * uy, ey - 6.0 * uy + 4.0 * ux);
                            ctx.line_to(ex - 6.0 * ux + 4.0 * uy, ey - 6.0 * uy - 4.0 * ux);
                        }
                        ctx.fill();
                    }
                }
                super::canvas::set_font(&ctx, "13px system-ui, sans-serif");
                ctx.set_text_baseline("middle");
                for (i, l) in ls.iter().enumerate().take(n) {
                    let (x, y) = node_pos(i, n);
                    ctx.begin_path();
                    let _ = ctx.arc(x, y, 6.0, 0.0, 2.0 * PI);
                    ctx.set_fill_style_str(if sel == Some(i) { "#f59e0b" } else { "#1d1d1f" });
                    ctx.fill();
                    // Labels outside the circle, reading away from the centre.
                    let right = x >= SIZE / 2.0;
                    ctx.set_text_align(if right { "start" } else { "end" });
                    let (dx, dy) = (x - SIZE / 2.0, y - SIZE / 2.0);
                    let d = dx.hypot(dy).max(1e-9);
                    let _ = ctx.fill_text(
                        &super::heatmap::short_label(l),
                        x + 14.0 * dx / d + if right { 4.0 } else { -4.0 },
                        y + 14.0 * dy / d,
                    );
                }
            })
        });
    });
    let hover = move |ev: web_sys::MouseEvent| {
        let Some(el) = canvas.get_untracked() else {
            return;
        };
        let shown = el.get_bounding_client_rect().width();
        let k = if shown > 0.0 { SIZE / shown } else { 1.0 };
        let n = labels.with_untracked(Vec::len);
        if let (Some(i), Some(cb)) = (
            node_at(ev.offset_x() as f64 * k, ev.offset_y() as f64 * k, n),
            on_hover,
        ) {
            let _ = el.set_attribute("data-hover", &i.to_string());
            cb.run(i);
        }
    };
    view! {
        <canvas node_ref=canvas class="digraph-canvas" role="img" style:width=format!("{SIZE}px")
            aria-label=move || format!("directed graph over {} nodes; arrow width is the weight", labels.with(Vec::len))
            data-selected=move || selected.get().map(|s| s.to_string()).unwrap_or_default()
            on:mousemove=hover on:click=hover></canvas>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_sit_on_a_circle_and_are_found_again() {
        let (x0, y0) = node_pos(0, 4);
        assert!(
            (x0 - SIZE / 2.0).abs() < 1e-9 && y0 < SIZE / 2.0,
            "node 0 at the top"
        );
        for n in [1, 5, 40] {
            for i in 0..n {
                let (x, y) = node_pos(i, n);
                assert_eq!(node_at(x + 3.0, y - 2.0, n), Some(i));
            }
        }
        assert_eq!(node_at(SIZE / 2.0, SIZE / 2.0, 6), None);
    }
}
