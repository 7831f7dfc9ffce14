//! Small helpers for the views' 2-D canvas drawings (heatmaps of many cells, the RNN diagram's
//! strips): a context scaled for the screen's pixel ratio, and rectangles filled grouped by
//! colour. Every call into the canvas API crosses from wasm to JavaScript (and a colour string
//! is decoded each time), so a few thousand cells cost milliseconds unless calls are shared.

use super::colour::Rgb;
use leptos::html::Canvas;
use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{
    CanvasRenderingContext2d, HtmlCanvasElement, ImageData, IntersectionObserver,
    IntersectionObserverEntry, IntersectionObserverInit,
};

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
    let (w, h) = ((width * dpr).round() as u32, (height * dpr).round() as u32);
    // Assigning a canvas's size, even the size it has, resets its context: every later
    // `font` then parses again (~2 ms of a 16-token attention edit). Callers clear what they
    // repaint, so a canvas of the right size is kept.
    let resized = (el.width(), el.height()) != (w, h);
    if resized {
        el.set_width(w);
        el.set_height(h);
    }
    let ctx = el
        .get_context("2d")
        .ok()
        .flatten()?
        .dyn_into::<CanvasRenderingContext2d>()
        .ok()?;
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    if !resized {
        ctx.set_global_alpha(1.0);
        ctx.clear_rect(0.0, 0.0, width, height);
    }
    Some(ctx)
}

/// Where a drawing is relative to the viewport, kept up to date by two
/// `IntersectionObserver`s. A lecture page holds a dozen heatmaps and charts, most of them
/// below the fold: painting only what is near the screen, and what is in sight first, is what
/// keeps an edit within a frame.
#[derive(Clone, Copy)]
pub struct Sight {
    /// On screen or within [`NEAR`] of it. Starts `true`, so a drawing is painted once when it
    /// is created; a canvas that reads it skips repainting while it is away and catches up
    /// when it comes near (the observer calls back before it is shown).
    pub near: Signal<bool>,
    /// Actually in the viewport (starts `true` as well).
    pub visible: Signal<bool>,
}

impl Sight {
    /// Runs `paint` now if the drawing is in sight, or else in a timer task once the browser
    /// has painted the frame: a drawing just outside the viewport (inside [`NEAR`]) is kept up
    /// to date for scrolling without its pixels being drawn, uploaded and committed inside the
    /// frame of the change (~1 ms per canvas in Chrome's trace of an RNN slider change). A
    /// deferred paint is dropped when a newer one (`generation`) has been asked for.
    pub fn paint(&self, generation: StoredValue<u64>, paint: impl FnOnce() + 'static) {
        let g = generation.get_value().wrapping_add(1);
        generation.set_value(g);
        if self.visible.get_untracked() {
            paint();
            return;
        }
        set_timeout(
            move || {
                if generation.try_get_value() == Some(g) {
                    paint();
                }
            },
            std::time::Duration::ZERO,
        );
    }
}

/// Whether `node` is on screen or near it (within [`NEAR`] of the viewport): [`Sight::near`].
pub fn on_screen(node: NodeRef<Canvas>) -> Signal<bool> {
    observe(node, NEAR)
}

/// Both [`Sight`] signals of `node`.
pub fn sight(node: NodeRef<Canvas>) -> Sight {
    Sight {
        near: observe(node, NEAR),
        visible: observe(node, "0px"),
    }
}

/// Whether `node` intersects the viewport grown by `margin` (a CSS margin).
fn observe(node: NodeRef<Canvas>, margin: &'static str) -> Signal<bool> {
    let shown = RwSignal::new(true);
    Effect::new(move |_| {
        let Some(el) = node.get() else { return };
        let seen = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            // Entries come oldest first; the last one is the current state.
            let last = entries.iter().last();
            if let Some(e) = last.and_then(|e| e.dyn_into::<IntersectionObserverEntry>().ok()) {
                let _ = shown.try_set(e.is_intersecting());
            }
        });
        let opts = IntersectionObserverInit::new();
        opts.set_root_margin(margin);
        let Ok(observer) =
            IntersectionObserver::new_with_options(seen.as_ref().unchecked_ref(), &opts)
        else {
            return; // no observer (very old browser): always paint
        };
        observer.observe(&el);
        let kept = StoredValue::new_local(Some((observer, seen)));
        on_cleanup(move || {
            if let Some((observer, _seen)) = kept.try_update_value(Option::take).flatten() {
                observer.disconnect();
            }
        });
    });
    shown.into()
}

/// How far outside the viewport a drawing still counts as on screen (a CSS margin): painted
/// before it scrolls in.
const NEAR: &str = "400px 0px";

/// Sets `ctx`'s font unless it already has it. Assigning a font to a canvas in the page makes
/// the browser parse it and first bring the page's style up to date (~1 ms of a 16-token
/// attention edit for the heatmaps in sight); [`context`] keeps a canvas's context between
/// paints, so a repaint usually finds its font already set.
pub fn set_font(ctx: &CanvasRenderingContext2d, font: &str) {
    if ctx.font() != font {
        ctx.set_font(font);
    }
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

type Scratch = std::cell::RefCell<Option<(HtmlCanvasElement, CanvasRenderingContext2d)>>;

thread_local! {
    static SCRATCH: Scratch = const { std::cell::RefCell::new(None) };
    static CHART_SCRATCH: Scratch = const { std::cell::RefCell::new(None) };
}

/// The canvas (not in the page) kept in `slot`, created on first use, with its 2-D context.
fn detached(
    slot: &'static std::thread::LocalKey<Scratch>,
) -> Option<(HtmlCanvasElement, CanvasRenderingContext2d)> {
    slot.with(|cell| {
        if cell.borrow().is_none() {
            let tmp: HtmlCanvasElement = web_sys::window()?
                .document()?
                .create_element("canvas")
                .ok()?
                .dyn_into()
                .ok()?;
            let tctx = tmp
                .get_context("2d")
                .ok()
                .flatten()?
                .dyn_into::<CanvasRenderingContext2d>()
                .ok()?;
            *cell.borrow_mut() = Some((tmp, tctx));
        }
        cell.borrow().clone()
    })
}

/// A canvas outside the page, shared by every chart, to draw on before copying the picture to
/// the visible canvas. Setting a font on a canvas in the page makes the browser bring the whole
/// page's style up to date first (plotters sets it for every label: 2–3 ms of each GCN edit);
/// a canvas outside the page resolves fonts against the default style.
pub fn chart_scratch() -> Option<(HtmlCanvasElement, CanvasRenderingContext2d)> {
    detached(&CHART_SCRATCH)
}

/// Paints a `rows × cols` grid of cells of edge `cs` with its top-left corner at (x0, y0):
/// one pixel per cell in an `ImageData`, drawn scaled up without smoothing — one draw call
/// instead of one `fillRect` per cell (a 128-token attention view has 240 000 cells, and
/// fillRect alone took 43 ms per edit), then white separators when cells are wide enough.
pub fn paint_cells(
    ctx: &CanvasRenderingContext2d,
    (rows, cols): (usize, usize),
    (x0, y0, cs): (f64, f64, f64),
    colour: impl Fn(usize, usize) -> Rgb,
) -> Option<()> {
    if rows == 0 || cols == 0 {
        return Some(());
    }
    let mut px = vec![255u8; rows * cols * 4];
    // In 32 × 32 tiles: the image is row-major and the matrices column-major, so a plain row
    // loop read a 500-node matrix 4 KB apart at every step; within a tile both stay in cache.
    const TILE: usize = 32;
    for i0 in (0..rows).step_by(TILE) {
        for j0 in (0..cols).step_by(TILE) {
            for i in i0..(i0 + TILE).min(rows) {
                for j in j0..(j0 + TILE).min(cols) {
                    let c = colour(i, j);
                    let k = 4 * (i * cols + j);
                    px[k..k + 3].copy_from_slice(&[c.0, c.1, c.2]);
                }
            }
        }
    }
    let img = ImageData::new_with_u8_clamped_array_and_sh(
        wasm_bindgen::Clamped(&px),
        cols as u32,
        rows as u32,
    )
    .ok()?;
    // One scratch canvas for every heatmap: creating a canvas and its context per paint cost
    // more than the painting.
    let (tmp, tctx) = detached(&SCRATCH)?;
    if tmp.width() < cols as u32 || tmp.height() < rows as u32 {
        tmp.set_width(tmp.width().max(cols as u32));
        tmp.set_height(tmp.height().max(rows as u32));
    }
    // web-sys's unstable API set (on for wasm, for WebGPU) types the position as integers.
    #[cfg(web_sys_unstable_apis)]
    tctx.put_image_data(&img, 0, 0).ok()?;
    #[cfg(not(web_sys_unstable_apis))]
    tctx.put_image_data(&img, 0.0, 0.0).ok()?;
    ctx.set_image_smoothing_enabled(false);
    ctx.draw_image_with_html_canvas_element_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(
        &tmp,
        0.0,
        0.0,
        cols as f64,
        rows as f64,
        x0,
        y0,
        cols as f64 * cs,
        rows as f64 * cs,
    )
    .ok()?;
    if cs >= 6.0 {
        ctx.begin_path();
        for i in 1..rows {
            let y = y0 + i as f64 * cs - 0.5;
            ctx.move_to(x0, y);
            ctx.line_to(x0 + cols as f64 * cs, y);
        }
        for j in 1..cols {
            let x = x0 + j as f64 * cs - 0.5;
            ctx.move_to(x, y0);
            ctx.line_to(x, y0 + rows as f64 * cs);
        }
        ctx.set_stroke_style_str("#fff");
        ctx.set_line_width(1.0);
        ctx.stroke();
    }
    Some(())
}
