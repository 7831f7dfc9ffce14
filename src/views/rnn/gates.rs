//! The LSTM's internals as heatmaps (units × time): f, i, g, o, C and h around the selected
//! step, on the diverging colour-blind-safe scale.

use super::state::{RnnState, RunRef};
use crate::engine::Mat;
use crate::widgets::Heatmap;
use leptos::prelude::*;

/// Units and steps shown per heatmap.
pub const UNITS: usize = 12;
/// Steps shown per heatmap.
pub const STEPS: usize = 20;

/// The first step of the window of `STEPS` steps around `t` in a sequence of `t_len`.
pub fn window_start(t: usize, t_len: usize) -> usize {
    let len = STEPS.min(t_len);
    t.saturating_sub(len / 2).clamp(1, t_len + 1 - len)
}

/// The LSTM heatmaps.
#[component]
pub fn GateHeatmaps(
    /// The engine run.
    run: Memo<Result<RunRef, String>>,
    /// The view state.
    state: RwSignal<RnnState>,
    /// The selected step.
    step: Memo<usize>,
    /// The quantity pointed at, shared with the equations and the diagram.
    link: RwSignal<Option<&'static str>>,
) -> impl IntoView {
    let dims = Memo::new(move |_| {
        run.with(|r| {
            r.as_ref()
                .map_or((1, 1), |r| (r.lstm.cell.w_fh.nrows().min(UNITS), r.len()))
        })
    });
    let start = Memo::new(move |_| window_start(step.get(), dims.get().1));
    let pick = move |which: &'static str| {
        Signal::derive(move || {
            let (units, t_len) = dims.get();
            let s = start.get();
            let cols = STEPS.min(t_len);
            run.with(|r| match r {
                Ok(r) => Mat::from_fn(units, cols, |j, c| {
                    let t = s + c;
                    let st = &r.lstm_trace.steps[t - 1];
                    match which {
                        "f" => st.f[j],
                        "i" => st.i[j],
                        "g" => st.g[j],
                        "o" => st.o[j],
                        "C" => r.lstm_trace.states[t].c[j],
                        _ => r.lstm_trace.states[t].h[j],
                    }
                }),
                Err(_) => Mat::zeros(0, 0),
            })
        })
    };
    let rows = Signal::derive(move || {
        (1..=dims.get().0)
            .map(|j| j.to_string())
            .collect::<Vec<_>>()
    });
    let cols = Signal::derive(move || {
        let s = start.get();
        (s..s + STEPS.min(dims.get().1))
            .map(|t| t.to_string())
            .collect::<Vec<_>>()
    });
    let focus = Signal::derive(move || {
        let j = state.with(|s| s.unit).min(dims.get().0.saturating_sub(1));
        Some((j, step.get() - start.get()))
    });
    let names: [(&'static str, &'static str); 6] = [
        ("f", "forget gate f"),
        ("i", "input gate i"),
        ("g", "input node g"),
        ("o", "output gate o"),
        ("C", "cell state C"),
        ("h", "hidden state h"),
    ];
    view! {
        <section class="panel gates">
            <h2>"Inside the LSTM: units × time"</h2>
            <p class="note">
                {move || {
                    let (u, t_len) = dims.get();
                    let s = start.get();
                    format!("Units 1–{u} over steps {s}–{}; the outlined cell is unit j at the selected step.", s + STEPS.min(t_len) - 1)
                }}
            </p>
            <div class="gate-grid">
                {names
                    .into_iter()
                    .map(|(key, title)| {
                        // C⁽ᵗ⁻¹⁾ and h⁽ᵗ⁻¹⁾ in an equation point at the same heatmaps as C⁽ᵗ⁾, h⁽ᵗ⁾.
                        let linked = move || link.get().is_some_and(|l| l.trim_end_matches("prev") == key);
                        let own = super::equations::link_key(key);
                        view! {
                            <div class="gate-wrap" class:linked=linked data-gate=key
                                on:mouseenter=move |_| link.set(own) on:mouseleave=move |_| link.set(None)>
                                <Heatmap name=key values=pick(key) row_labels=rows col_labels=cols focus=focus digits=2>
                                    <span class="caption-title">{title}</span>
                                </Heatmap>
                            </div>
                        }
                    })
                    .collect_view()}
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_stays_inside_the_sequence() {
        assert_eq!(window_start(1, 50), 1);
        assert_eq!(window_start(30, 50), 20);
        assert_eq!(window_start(50, 50), 31);
        assert_eq!(window_start(3, 5), 1);
    }
}
