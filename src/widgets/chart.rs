//! Line charts with plotters. [`draw_chart`] is generic over plotters' `DrawingBackend`: the app
//! draws on a `<canvas>` (plotters-canvas), native tests on an SVG string. The plotted numbers are
//! also written, as JSON, into the figure's `data-series` attribute so browser tests can check
//! exactly what is drawn.

use super::colour::Rgb;
use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::prelude::*;
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
                let drawn = match spec.kind {
                    ChartKind::Lines => chart
                        .draw_series(LineSeries::new(pts, c.stroke_width(2)))
                        .map_err(err)?,
                    ChartKind::Points => chart
                        .draw_series(pts.into_iter().map(|p| Circle::new(p, 4, c.filled())))
                        .map_err(err)?,
                    ChartKind::Bars => {
                        let off = (k as f64 - (n_series - 1.0) / 2.0) * bar_w;
                        chart
                            .draw_series(pts.into_iter().map(|(x, y)| {
                                let (a, b) = (x + off - bar_w / 2.0, x + off + bar_w / 2.0);
                                Rectangle::new([(a, base), (b, y)], c.filled())
                            }))
                            .map_err(err)?
                    }
                };
                drawn.label(s.label.as_str()).legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(3))
                });
            }
            if spec.series.len() > 1 {
                chart
                    .configure_series_labels()
                    .background_style(WHITE.mix(0.85))
                    .border_style(RGBColor(200, 200, 200))
                    .position(SeriesLabelPosition::UpperLeft)
                    .draw()
                    .map_err(err)?;
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
        if let Some(x) = frame.get_value().x_at(px) {
            pick.run(x);
        }
    };
    Effect::new(move |_| {
        let s = spec.get();
        let Some(el) = canvas.get() else { return };
        let Some(backend) = plotters_canvas::CanvasBackend::with_canvas_object(el) else {
            error.set(Some("this browser cannot draw on a canvas".into()));
            return;
        };
        match draw_chart(&backend.into_drawing_area(), &s) {
            Ok(f) => {
                frame.set_value(f);
                error.set(None);
            }
            Err(e) => error.set(Some(e)),
        }
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
