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

/// What a chart shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
            let pad = ((y1 - y0) * 0.08).max(1e-9);
            (y0, y1) = (y0 - pad, y1 + pad);
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
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| format!("chart: {e:?}");
    root.fill(&WHITE).map_err(err)?;
    let ((x0, x1), (y0, y1)) = spec.ranges();
    let data = spec.plottable();
    let mut builder = ChartBuilder::on(root);
    builder
        .margin(10)
        .x_label_area_size(34)
        .y_label_area_size(62);
    macro_rules! body {
        ($chart:expr) => {{
            let mut chart = $chart;
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
            for (s, pts) in spec.series.iter().zip(data) {
                let c = colour(s.colour);
                chart
                    .draw_series(LineSeries::new(pts, c.stroke_width(2)))
                    .map_err(err)?
                    .label(s.label.as_str())
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(2))
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
    root.present().map_err(err)
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
) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let s = spec.get();
        let Some(el) = canvas.get() else { return };
        let Some(backend) = plotters_canvas::CanvasBackend::with_canvas_object(el) else {
            error.set(Some("this browser cannot draw on a canvas".into()));
            return;
        };
        error.set(draw_chart(&backend.into_drawing_area(), &s).err());
    });
    let data = move || serde_json::to_string(&spec.get().series).unwrap_or_default();
    view! {
        <figure class="chart" data-chart=name data-series=data>
            <canvas node_ref=canvas width=width height=height role="img" aria-label=label></canvas>
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
            x_range: None,
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
        };
        assert_eq!(s.ranges().0, (0.0, 50.0));
        draw_chart(&root, &s).unwrap();
    }
}
