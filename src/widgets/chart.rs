//! Line charts with plotters. [`draw_chart`] is generic over plotters' `DrawingBackend`: the app
//! draws on a `<canvas>` (plotters-canvas), native tests on an SVG string. The plotted numbers are
//! also written, as JSON, into the figure's `data-series` attribute so browser tests can check
//! exactly what is drawn.

use super::colour::Rgb;
use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde::Serialize;

/// One line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    /// Legend text.
    pub label: String,
    /// (x, y) points in order.
    pub points: Vec<(f64, f64)>,
    /// Line colour.
    #[serde(skip)]
    pub colour: Rgb,
}

/// How the series are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum ChartKind {
    /// Lines through the points.
    #[default]
    Lines,
    /// A dot per point (e.g. eigenvalues).
    Points,
    /// A bar from 0 to each point (e.g. a spectrum).
    Bars,
}

/// What a chart shows.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ChartSpec {
    /// Caption of the x axis.
    pub x_label: String,
    /// Caption of the y axis.
    pub y_label: String,
    /// Logarithmic y axis (points with y ≤ 0 or non-finite are left out and counted).
    pub log_y: bool,
    /// The lines.
    pub series: Vec<Series>,
    /// An x position to mark with a vertical line (e.g. the current step).
    pub marker_x: Option<f64>,
    /// A fixed x range (otherwise the data's).
    pub x_range: Option<(f64, f64)>,
    /// A fixed y range (otherwise the data's).
    pub y_range: Option<(f64, f64)>,
    /// Lines, points or bars.
    pub kind: ChartKind,
}

impl ChartSpec {
    /// The finite, plottable points of every series (y > 0 on a log axis).
    pub fn plottable(&self) -> Vec<Vec<(f64, f64)>> {
        self.series
            .iter()
            .map(|s| {
                s.points
                    .iter()
                    .copied()
                    .filter(|(x, y)| x.is_finite() && y.is_finite() && (!self.log_y || *y > 0.0))
                    .collect()
            })
            .collect()
    }

    /// (x range, y range) covering every plottable point, padded; sensible when empty.
    pub fn ranges(&self) -> ((f64, f64), (f64, f64)) {
        let pts: Vec<(f64, f64)> = self.plottable().into_iter().flatten().collect();
        let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for (x, y) in &pts {
            x0 = x0.min(*x);
            x1 = x1.max(*x);
            y0 = y0.min(*y);
            y1 = y1.max(*y);
        }
        if pts.is_empty() {
            return (
                self.x_range.unwrap_or((0.0, 1.0)),
                if self.log_y { (0.1, 10.0) } else { (0.0, 1.0) },
            );
        }
        if let Some((a, b)) = self.x_range {
            (x0, x1) = (a, b);
        }
        if x1 <= x0 {
            x1 = x0 + 1.0;
        }
        if self.log_y {
            (y0, y1) = (y0 / 2.0, y1 * 2.0);
        } else {
            if self.kind == ChartKind::Bars {
                (y0, y1) = (y0.min(0.0), y1.max(0.0));
            }
            let pad = ((y1 - y0) * 0.08).max(1e-9);
            // Room at the top for the legend of bars (lines' legends may cover a little).
            let legend = if self.kind == ChartKind::Bars && self.series.len() > 1 {
                (y1 - y0) * 0.3
            } else {
                0.0
            };
            (y0, y1) = (y0 - pad, y1 + pad + legend);
        }
        if let Some(r) = self.y_range {
            (y0, y1) = r;
        }
        ((x0, x1), (y0, y1))
    }
}

fn colour(c: Rgb) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

/// Draws `spec` on `root`.
pub fn draw_chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    spec: &ChartSpec,
) -> Result<Frame, String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| format!("chart: {e:?}");
    root.fill(&WHITE).map_err(err)?;
    let ((x0, x1), (y0, y1)) = spec.ranges();
    let data = spec.plottable();
    let frame: Frame;
    let mut builder = ChartBuilder::on(root);
    builder
        .margin(10)
        .x_label_area_size(34)
        .y_label_area_size(62);
    macro_rules! body {
        ($chart:expr) => {{
            let mut chart = $chart;
            let (px, py) = chart.plotting_area().get_pixel_range();
            frame = Frame {
                px: (f64::from(px.start), f64::from(px.end)),
                py: (f64::from(py.start), f64::from(py.end)),
                x: (x0, x1),
            };
            chart
                .configure_mesh()
                .x_desc(spec.x_label.as_str())
                .y_desc(spec.y_label.as_str())
                .y_labels(6)
                .y_label_formatter(&|v: &f64| {
                    if spec.log_y || v.abs() >= 1e5 {
                        format!("{v:.0e}").replace('-', "−")
                    } else {
                        crate::widgets::format::fmt_num(*v, 3)
                    }
                })
                .x_label_formatter(&|v: &f64| {
                    if v.fract() == 0.0 && v.abs() < 1e9 {
                        format!("{}", *v as i64)
                    } else {
                        crate::widgets::format::fmt_num(*v, 2)
                    }
                })
                // One light line between bold ones, not plotters' ten: the grid reads the same
                // on a projector, and each line is a canvas stroke (the gradient chart's ~100
                // strokes were ~0.7 ms of every RNN slider change).
                .max_light_lines(1)
                .light_line_style(RGBColor(238, 238, 238))
                .draw()
                .map_err(err)?;
            if let Some(mx) = spec.marker_x {
                chart
                    .draw_series(LineSeries::new(
                        vec![(mx, y0), (mx, y1)],
                        RGBColor(245, 158, 11).stroke_width(2),
                    ))
                    .map_err(err)?;
            }
            let n_series = spec.series.len().max(1) as f64;
            let bar_w = {
                let mut xs: Vec<f64> = data.iter().flatten().map(|p| p.0).collect();
                xs.sort_by(f64::total_cmp);
                let gap = xs
                    .windows(2)
                    .map(|w| w[1] - w[0])
                    .filter(|d| *d > 1e-9)
                    .fold(f64::MAX, f64::min);
                let gap = if gap == f64::MAX {
                    (x1 - x0) * 0.05
                } else {
                    gap.max((x1 - x0) * 0.004)
                };
                (gap * 0.8 / n_series).min((x1 - x0) * 0.05)
            };
            let base = if spec.log_y { y0 } else { 0.0f64.clamp(y0, y1) };
            for (k, (s, pts)) in spec.series.iter().zip(data).enumerate() {
                let c = colour(s.colour);
                match spec.kind {
                    ChartKind::Lines => {
                        chart
                            .draw_series(LineSeries::new(pts, c.stroke_width(2)))
                            .map_err(err)?;
                    }
                    ChartKind::Points => {
                        chart
                            .draw_series(pts.into_iter().map(|p| Circle::new(p, 4, c.filled())))
                            .map_err(err)?;
                    }
                    ChartKind::Bars => {
                        let off = (k as f64 - (n_series - 1.0) / 2.0) * bar_w;
                        chart
                            .draw_series(pts.into_iter().map(|(x, y)| {
                                let (a, b) = (x + off - bar_w / 2.0, x + off + bar_w / 2.0);
                                Rectangle::new([(a, base), (b, y)], c.filled())
                            }))
                            .map_err(err)?;
                    }
                }
            }
            if spec.series.len() > 1 {
                let (px, py) = chart.plotting_area().get_pixel_range();
                draw_legend(root, (px.start, py.start), &spec.series).map_err(err)?;
            }
        }};
    }
    if spec.log_y {
        body!(builder
            .build_cartesian_2d(x0..x1, (y0..y1).log_scale())
            .map_err(err)?);
    } else {
        body!(builder.build_cartesian_2d(x0..x1, y0..y1).map_err(err)?);
    }
    root.present().map_err(err)?;
    Ok(frame)
}

/// Legend text size, in pixels.
const LEGEND_FONT: f64 = 12.0;

/// About how wide `text` is at `size` px in a sans-serif font (digits and lower case are about
/// half an em). plotters' own legend measures each line by adding it to the page and reading its
/// size back, which forces a layout of the page per line (6 ms of each GCN edit); a legend box a
/// little too wide is harmless.
fn text_width(text: &str, size: f64) -> i32 {
    (text.chars().count() as f64 * size * 0.56).ceil() as i32
}

/// The series' legend in the plotting area's upper-left corner: a line sample and the label per
/// series on a translucent white box.
fn draw_legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    (x0, y0): (i32, i32),
    series: &[Series],
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let (margin, sample, line_h) = (6, 26, 16);
    let text_w = series
        .iter()
        .map(|s| text_width(&s.label, LEGEND_FONT))
        .max()
        .unwrap_or(0);
    let (x, y) = (x0 + 6, y0 + 6);
    let (w, h) = (
        sample + text_w + 2 * margin,
        series.len() as i32 * line_h + 2 * margin - 2,
    );
    root.draw(&Rectangle::new(
        [(x, y), (x + w, y + h)],
        WHITE.mix(0.85).filled(),
    ))?;
    root.draw(&Rectangle::new(
        [(x, y), (x + w, y + h)],
        RGBColor(200, 200, 200),
    ))?;
    let font = ("sans-serif", LEGEND_FONT)
        .into_font()
        .color(&BLACK)
        .pos(Pos::new(HPos::Left, VPos::Center));
    for (k, s) in series.iter().enumerate() {
        let cy = y + margin + k as i32 * line_h + line_h / 2 - 1;
        let c = colour(s.colour);
        root.draw(&PathElement::new(
            vec![(x + margin, cy), (x + margin + 18, cy)],
            c.stroke_width(3),
        ))?;
        root.draw(&Text::new(
            s.label.as_str(),
            (x + margin + sample, cy),
            font.clone(),
        ))?;
    }
    Ok(())
}

/// Where the plotting area of a drawn chart lies, to map a click back to data coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Frame {
    /// Pixel columns of the plotting area [start, end).
    pub px: (f64, f64),
    /// Pixel rows of the plotting area [start, end).
    pub py: (f64, f64),
    /// The x range drawn.
    pub x: (f64, f64),
}

impl Frame {
    /// The data x under pixel column `px` (None outside the plotting area).
    pub fn x_at(&self, px: f64) -> Option<f64> {
        let w = self.px.1 - self.px.0;
        (w > 0.0 && (self.px.0..=self.px.1).contains(&px))
            .then(|| self.x.0 + (px - self.px.0) / w * (self.x.1 - self.x.0))
    }
}

/// Draws `spec` on a canvas outside the page (see [`super::canvas::chart_scratch`]) and copies
/// the picture onto `el`.
fn paint(
    el: &web_sys::HtmlCanvasElement,
    spec: &ChartSpec,
    (w, h): (u32, u32),
) -> Result<Frame, String> {
    use wasm_bindgen::JsCast;
    let no_canvas = || "this browser cannot draw on a canvas".to_string();
    let (tmp, _) = super::canvas::chart_scratch().ok_or_else(no_canvas)?;
    if (tmp.width(), tmp.height()) != (w, h) {
        tmp.set_width(w);
        tmp.set_height(h);
    }
    let backend =
        plotters_canvas::CanvasBackend::with_canvas_object(tmp.clone()).ok_or_else(no_canvas)?;
    let f = draw_chart(&backend.into_drawing_area(), spec)?;
    let ctx = el
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
        .ok_or_else(no_canvas)?;
    ctx.draw_image_with_html_canvas_element(&tmp, 0.0, 0.0)
        .map_err(|_| no_canvas())?;
    Ok(f)
}

/// A chart drawn on a canvas whenever `spec` changes.
#[component]
pub fn LineChart(
    /// What to draw.
    #[prop(into)]
    spec: Signal<ChartSpec>,
    /// Short machine-readable name (`data-chart`).
    #[prop(into)]
    name: String,
    /// Accessible description of the chart.
    #[prop(into)]
    label: String,
    /// Canvas width in pixels.
    #[prop(default = 640)]
    width: u32,
    /// Canvas height in pixels.
    #[prop(default = 280)]
    height: u32,
    /// Called with the data x of a click inside the plotting area.
    #[prop(optional)]
    on_pick: Option<Callback<f64>>,
) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let error = RwSignal::new(None::<String>);
    let frame = StoredValue::new(Frame::default());
    let click = move |ev: web_sys::MouseEvent| {
        let (Some(pick), Some(el)) = (on_pick, canvas.get_untracked()) else {
            return;
        };
        let rect = el.get_bounding_client_rect();
        if rect.width() <= 0.0 {
            return;
        }
        let px = (f64::from(ev.client_x()) - rect.left()) * f64::from(width) / rect.width();
        // The x range of what is shown now: a chart out of sight is not repainted, so the
        // frame of its last picture may hold an older range.
        let mut f = frame.get_value();
        f.x = spec.with_untracked(|s| s.ranges().0);
        if let Some(x) = f.x_at(px) {
            pick.run(x);
        }
    };
    let sight = super::canvas::sight(canvas);
    let generation = StoredValue::new(0u64);
    Effect::new(move |_| {
        let Some(el) = canvas.get() else { return };
        if !sight.near.get() {
            return; // repainted when it comes near the screen
        }
        let s = spec.get();
        sight.paint(generation, move || match paint(&el, &s, (width, height)) {
            Ok(f) => {
                frame.try_set_value(f);
                error.try_set(None);
            }
            Err(e) => {
                error.try_set(Some(e));
            }
        });
    });
    let data = move || serde_json::to_string(&spec.get().series).unwrap_or_default();
    view! {
        <figure class="chart" data-chart=name data-series=data>
            <canvas node_ref=canvas width=width height=height role="img" aria-label=label
                class:pickable=on_pick.is_some() on:click=click></canvas>
            {move || error.get().map(|e| view! { <p class="error">{e}</p> })}
        </figure>
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn spec(log_y: bool) -> ChartSpec {
        ChartSpec {
            x_label: "step k".into(),
            y_label: "‖∂L/∂h‖".into(),
            log_y,
            series: vec![
                Series {
                    label: "RNN".into(),
                    points: vec![(0.0, 1e-6), (1.0, 1e-3), (2.0, 1.0), (3.0, 0.0)],
                    colour: Rgb(0x21, 0x66, 0xac),
                },
                Series {
                    label: "LSTM".into(),
                    points: vec![(0.0, 0.2), (1.0, 0.5), (2.0, f64::NAN)],
                    colour: Rgb(0xb2, 0x18, 0x2b),
                },
            ],
            marker_x: Some(1.0),
            ..Default::default()
        }
    }

    #[test]
    fn log_axis_drops_what_it_cannot_draw() {
        let s = spec(true);
        let p = s.plottable();
        assert_eq!(p[0].len(), 3, "y = 0 dropped on a log axis");
        assert_eq!(p[1].len(), 2, "NaN dropped");
        let (_, (y0, y1)) = s.ranges();
        assert!(y0 > 0.0 && y0 <= 1e-6 && y1 >= 1.0);
        assert_eq!(spec(false).plottable()[0].len(), 4);
    }

    #[test]
    fn draws_both_lines_and_the_legend_as_svg() {
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (640, 280)).into_drawing_area();
            draw_chart(&root, &spec(true)).unwrap();
        }
        assert!(svg.contains("<svg"));
        assert!(svg.contains("RNN") && svg.contains("LSTM"), "legend");
        assert!(
            svg.contains("#2166AC") || svg.contains("#2166ac"),
            "series colour"
        );
        assert!(
            svg.matches("<polyline").count() >= 3,
            "two series and the marker"
        );
    }

    #[test]
    fn empty_chart_still_draws() {
        let mut svg = String::new();
        let root = SVGBackend::with_string(&mut svg, (320, 200)).into_drawing_area();
        let s = ChartSpec {
            x_label: "x".into(),
            y_label: "y".into(),
            log_y: true,
            series: vec![],
            marker_x: None,
            x_range: Some((0.0, 50.0)),
            ..Default::default()
        };
        assert_eq!(s.ranges().0, (0.0, 50.0));
        draw_chart(&root, &s).unwrap();
    }
}
