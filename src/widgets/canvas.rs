//! Small helpers for the views' 2-D canvas drawings (heatmaps of many cells, the RNN diagram's
//! strips): a context scaled for the screen's pixel ratio, and rectangles filled grouped by
//! colour. Every call into the canvas API crosses from wasm to JavaScript (and a colour string
//! is decoded each time), so a few thousand cells cost milliseconds unless calls are shared.

use super::colour::Rgb;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// Sizes `el` for `width` × `height` CSS pixels at the device pixel ratio and returns its 2-D
/// context with that scale applied (None if the browser gives no 2-D context).
pub fn context(
    el: &HtmlCanvasElement,
    width: f64,
    height: f64,
) -> Option<CanvasRenderingContext2d> {
    let dpr = web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .max(1.0);
    el.set_width((width * dpr).round() as u32);
    el.set_height((height * dpr).round() as u32);
    let ctx = el
        .get_context("2d")
        .ok()
        .flatten()?
        .dyn_into::<CanvasRenderingContext2d>()
        .ok()?;
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    Some(ctx)
}

/// One filled rectangle: colour, x, y, width, height.
pub type Rect = (Rgb, f64, f64, f64, f64);

/// Fills `rects`, sorted so that each distinct colour sets `fillStyle` once.
pub fn fill_rects(ctx: &CanvasRenderingContext2d, rects: &mut [Rect]) {
    rects.sort_unstable_by_key(|r| (r.0 .0, r.0 .1, r.0 .2));
    let mut current = None;
    for &(c, x, y, w, h) in rects.iter() {
        if current != Some(c) {
            ctx.set_fill_style_str(&c.css());
            current = Some(c);
        }
        ctx.fill_rect(x, y, w, h);
    }
}
