//! Backpropagation through time: ‖∂L/∂h^(k)‖ for k = 0 … T on a log scale, vanilla RNN and
//! LSTM on the same input, with σ_max(W_hh), how much gradient survives, and clipping.

use super::state::{RnnState, RunRef};
use crate::widgets::chart::{ChartSpec, LineChart, Series};
use crate::widgets::colour::Rgb;
use crate::widgets::format::{fmt_num, sci};
use leptos::prelude::*;

/// The BPTT panel.
#[component]
pub fn GradientPanel(
    /// The engine run.
    run: Memo<Result<RunRef, String>>,
    /// The view state.
    state: RwSignal<RnnState>,
    /// The selected step.
    step: Memo<usize>,
) -> impl IntoView {
    let spec = Signal::derive(move || {
        let series = run.with(|r| match r {
            Ok(r) => vec![
                Series {
                    label: "vanilla RNN".into(),
                    points: r
                        .vanilla_bptt
                        .dh_norms
                        .iter()
                        .enumerate()
                        .map(|(k, n)| (k as f64, *n))
                        .collect(),
                    colour: Rgb(0x21, 0x66, 0xac),
                },
                Series {
                    label: "LSTM".into(),
                    points: r
                        .lstm_bptt
                        .dh_norms
                        .iter()
                        .enumerate()
                        .map(|(k, n)| (k as f64, *n))
                        .collect(),
                    colour: Rgb(0xb2, 0x18, 0x2b),
                },
            ],
            Err(_) => vec![],
        });
        ChartSpec {
            x_label: "time step k".into(),
            y_label: "‖∂L/∂h(k)‖".into(),
            log_y: true,
            series,
            marker_x: Some(step.get() as f64),
            x_range: Some((0.0, run.with(|r| r.as_ref().map_or(1, |r| r.len())) as f64)),
            ..Default::default()
        }
    });
    let stats = move || {
        let Ok(r) = run.get() else {
            return ().into_any();
        };
        let (v, l) = r.survival();
        let sigma = r.sigma_max;
        let verdict = if sigma > 1.0 {
            "> 1: the repeated factor W_hh can make gradients explode"
        } else {
            "< 1: repeated multiplication by W_hh makes gradients vanish"
        };
        let clip = state.with(|s| s.clip);
        let clip_line = (clip > 0.0).then(|| {
            let (a, b) = (r.vanilla_bptt.clip, r.lstm_bptt.clip);
            view! {
                <li data-stat="clip">
                    {format!(
                        "Clipping at {}: vanilla ‖g‖ {} → {}{}; LSTM ‖g‖ {} → {}",
                        fmt_num(clip, 2), sci(a.norm_before), sci(a.norm_after), if a.clipped { " (clipped)" } else { "" },
                        sci(b.norm_before), sci(b.norm_after)
                    )}
                </li>
            }
        });
        view! {
            <ul class="stats">
                <li data-stat="sigma" data-value=sigma.to_string()>
                    {format!("σ_max(W_hh) = {} {verdict} (seed 001).", fmt_num(sigma, 3))}
                </li>
                <li data-stat="survival" data-vanilla=v.to_string() data-lstm=l.to_string()>
                    {format!("‖∂L/∂h(0)‖ / ‖∂L/∂h(T)‖: vanilla {}, LSTM {}", sci(v), sci(l))}
                </li>
                {clip_line}
                {r.lstm_bptt.window.map(|k| view! {
                    <li data-stat="truncation">
                        {format!("Truncated BPTT, k = {k}: states before step {} get exactly 0 gradient, which a log axis cannot draw — the lines start where the gradient does.", r.len().saturating_sub(k))}
                    </li>
                })}
            </ul>
        }
        .into_any()
    };
    view! {
        <div class="panel gradients">
            <h2>"Backpropagation through time"</h2>
            <LineChart spec=spec name="grad-norms" label="gradient norm per time step, log scale, vanilla RNN and LSTM"/>
            {stats}
        </div>
    }
}
