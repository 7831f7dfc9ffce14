//! The spectrum panel (seed 001): the eigenvalues of L on [0, 2], the eigenvector of the one
//! picked coloured onto the nodes, the count of zero eigenvalues against the count of connected
//! components, and a node signal's graph Fourier transform x̂ = Uᵀx with a low-pass cut-off —
//! next to the transform after one propagation P·x, which scales frequency λ by 1 − λ.

use super::state::{
    signal_preset, signal_report, Colouring, GcnRun, GcnState, SignalReport, Spectral, Structure,
    SIGNALS,
};
use crate::engine::gcn::Spectrum;
use crate::graph::edit::MAX_NODES;
use crate::views::Shared;
use crate::widgets::chart::{ChartKind, ChartSpec, LineChart, Series};
use crate::widgets::colour::Rgb;
use crate::widgets::controls::{Select, Slider};
use crate::widgets::format::fmt_num;
use leptos::prelude::*;
use std::sync::Arc;

type Run = Memo<Result<Shared<GcnRun>, String>>;

/// The spectrum of the shown run (or, for a moment after an edit of a large graph, of the run
/// before), if any.
pub type SpectralSignal = RwSignal<Option<Shared<Spectral>>>;

/// From this many nodes on, L is decomposed in a Web Worker where there is one and more than
/// one core (src/hooks/eigen_worker.rs): at 200 nodes the decomposition takes a few ms, at 500
/// about half of an edit's 100 ms budget. Below, or without a worker, it is done at once.
pub const WORKER_MIN_NODES: usize = 200;

/// L's spectrum for the run shown: computed at once below [`WORKER_MIN_NODES`], else asked of
/// the worker for each new graph and shown when it comes — meanwhile the panel keeps the last
/// spectrum, marked as pending, and everything drawn from it stays with its own run. The second
/// value asks for the current graph's spectrum now: an edit calls it as soon as the graph has
/// changed, and for a large graph the job leaves with L built straight from the edge list,
/// before the run's other matrices are built (an effect would run after some panels, and the
/// whole run is ~7 ms at 500 nodes); each graph is asked for once.
pub fn use_spectrum(structure: Memo<Structure>, latest: Run) -> (SpectralSignal, impl Fn() + Copy) {
    let arrived = RwSignal::new(None::<Shared<Spectral>>);
    let asked = StoredValue::new(None::<Structure>);
    let keep = move |run: Shared<GcnRun>, answer: Option<Result<nnviz_eigen::Factored, String>>| {
        let spectrum = match answer {
            Some(Ok(f)) => Ok(Spectrum::from_factored(f)),
            // Small, or no worker (or the worker refused L: `spectrum` says why): here.
            _ => crate::engine::gcn::spectrum(&run.plain.l).map_err(|e| e.to_string()),
        };
        arrived.set(Some(Shared(Arc::new(Spectral { run, spectrum }))));
    };
    // This graph's run, if it is still the one shown and could be built.
    let current = move |s: &Structure| {
        let same = asked.with_value(|a| a.as_ref() == Some(s));
        same.then(|| latest.with_untracked(|r| r.as_ref().ok().cloned()))
            .flatten()
    };
    let ask = move || {
        let s = structure.with_untracked(Clone::clone);
        if asked.with_value(|a| a.as_ref() == Some(&s)) {
            return;
        }
        asked.set_value(Some(s.clone()));
        if s.n < WORKER_MIN_NODES || s.n > MAX_NODES {
            if let Some(r) = current(&s) {
                keep(r, None);
            }
            return;
        }
        let l = crate::engine::gcn::normalized_laplacian_of_edges(s.n, &s.edges);
        let n = s.n;
        crate::hooks::eigen_worker::factor(
            n,
            l.as_slice(),
            Box::new(move |answer| {
                // A late answer for an older graph is dropped.
                if let Some(r) = current(&s) {
                    keep(r, Some(answer));
                }
            }),
        );
    };
    Effect::new(move |_| {
        structure.track();
        ask();
    });
    (arrived, ask)
}

const BLUE: Rgb = Rgb(0x21, 0x66, 0xac);
const RED: Rgb = Rgb(0xb2, 0x18, 0x2b);

/// The signal report of the state's signal and cut-off, computed once per change of those or of
/// the graph (not when a node only moves), shared by the panel and the node colours.
pub fn use_report(
    state: RwSignal<GcnState>,
    spectral: SpectralSignal,
) -> Memo<Option<SignalReport>> {
    let input = Memo::new(move |_| state.with(|s| (s.signal_vec(), s.cutoff)));
    Memo::new(move |_| {
        input.with(|(x, cutoff)| {
            spectral.with(|s| s.as_ref().and_then(|s| signal_report(s, x, *cutoff)))
        })
    })
}

/// The spectrum and graph-Fourier panel.
#[component]
pub fn SpectrumPanel(
    state: RwSignal<GcnState>,
    run: Run,
    labels: Memo<Vec<String>>,
    /// Where the "one node" signal goes: the selected node, else the hovered one, else the first.
    node: Signal<Option<usize>>,
    /// L's spectrum, possibly of an earlier run while the worker computes this one's.
    spectral: SpectralSignal,
    report: Memo<Option<SignalReport>>,
) -> impl IntoView {
    let values = Memo::new(move |_| {
        spectral.with(|s| match s.as_ref().map(|s| &s.spectrum) {
            Some(Ok(sp)) => Ok(sp.values.iter().copied().collect::<Vec<_>>()),
            Some(Err(e)) => Err(e.clone()),
            None => Err("still being computed".to_string()),
        })
    });
    // The spectrum shown is not yet the graph's: an edit of a large graph, in the worker.
    let pending = Memo::new(move |_| {
        let shown = spectral.with(|s| s.as_ref().map(|s| s.run.clone()));
        run.with(|r| r.as_ref().ok().cloned()) != shown
    });
    let n = Memo::new(move |_| values.with(|v| v.as_ref().map_or(0, Vec::len)));
    let eig = Memo::new(move |_| state.with(|s| s.eig).min(n.get().saturating_sub(1)));
    let pick = Callback::new(move |k: usize| {
        state.update(|s| {
            s.eig = k;
            s.colour = Colouring::Eigenvector;
        })
    });
    let eig_chart = Signal::derive(move || ChartSpec {
        x_label: "k".into(),
        y_label: "eigenvalue λₖ of L".into(),
        series: vec![Series {
            label: "λₖ".into(),
            points: values.with(|v| {
                v.as_ref()
                    .map(|v| {
                        v.iter()
                            .enumerate()
                            .map(|(k, l)| ((k + 1) as f64, *l))
                            .collect()
                    })
                    .unwrap_or_default()
            }),
            colour: BLUE,
        }],
        marker_x: (n.get() > 0).then(|| (eig.get() + 1) as f64),
        x_range: Some((0.5, n.get().max(1) as f64 + 0.5)),
        y_range: Some((0.0, 2.0)),
        kind: ChartKind::Points,
        ..Default::default()
    });
    let counts = move || {
        spectral.with(|s| {
            s.as_ref().map(|s| {
                let zeros = s.spectrum.as_ref().map_or(0, |s| s.zero_count());
                (zeros, s.run.n_components)
            })
        })
    };
    let count_text = move || {
        counts().map(|(z, c)| {
            let s = |k: usize| if k == 1 { "" } else { "s" };
            let verdict = if z == c { "equal, as they must be" } else { "they differ: a numerical problem" };
            view! {
                <p class="zero-count" data-zeros=z data-components=c>
                    <strong>{format!("{z} zero eigenvalue{}", s(z))}</strong>
                    {format!(" and {c} connected component{} — {verdict}: each piece of the graph has its own constant eigenvector (the multiplicity of λ = 0 counts the pieces).", s(c))}
                </p>
            }
        })
    };
    let eig_text = move || {
        let k = eig.get();
        values.with(|v| match v {
            Ok(v) if !v.is_empty() => {
                let l = v.get(k).copied().unwrap_or(0.0);
                let kind = if l < 1e-9 {
                    "constant on each component (the lowest frequency)"
                } else if k == 1 {
                    "the Fiedler vector: the smoothest non-constant signal, its sign splits the graph in two"
                } else if l > 1.5 {
                    "a high frequency: neighbours mostly have opposite signs"
                } else {
                    "a middle frequency"
                };
                format!("u{} with λ{} = {}: {kind}.", sub_digits(k + 1), sub_digits(k + 1), fmt_num(l, 4))
            }
            Ok(_) => "The graph is empty: no eigenvalues.".to_string(),
            Err(e) => format!("No spectrum: {e}"),
        })
    };

    // Bars over k, in the order of the eigenvalue chart (repeated eigenvalues stay apart); the
    // marker sits between the last frequency kept by the cut-off and the first one dropped.
    let gft_chart = Signal::derive(move || {
        let at_k = |v: &crate::engine::Vector| -> Vec<(f64, f64)> {
            v.iter()
                .enumerate()
                .map(|(k, y)| ((k + 1) as f64, *y))
                .collect()
        };
        let series = report.with(|rep| match rep {
            Some(rep) => vec![
                Series {
                    label: "x̂ = Uᵀx".into(),
                    points: at_k(&rep.x_hat),
                    colour: BLUE,
                },
                Series {
                    label: "after one propagation: the transform of P·x".into(),
                    points: at_k(&rep.propagated_hat),
                    colour: RED,
                },
            ],
            None => vec![],
        });
        let cutoff = state.with(|s| s.cutoff);
        let kept = values.with(|v| {
            v.as_ref()
                .map_or(0, |v| v.iter().filter(|l| **l <= cutoff + 1e-9).count())
        });
        ChartSpec {
            x_label: "k (frequency λₖ increasing)".into(),
            y_label: "x̂ₖ".into(),
            series,
            marker_x: Some(kept as f64 + 0.5),
            x_range: Some((0.5, n.get().max(1) as f64 + 0.5)),
            kind: ChartKind::Bars,
            ..Default::default()
        }
    });
    let signal_key = RwSignal::new(String::new());
    let set_signal = Callback::new(move |key: String| {
        signal_key.set(key.clone());
        let node = node.get_untracked().unwrap_or(0);
        let current = run.with_untracked(|r| r.as_ref().ok().cloned());
        let v = current.and_then(|r| {
            spectral.with_untracked(|s| {
                // The spectrum only when it is this graph's.
                let sp = s
                    .as_ref()
                    .filter(|s| s.run == r)
                    .and_then(|s| s.spectrum.as_ref().ok());
                signal_preset(&key, &r, sp, node)
            })
        });
        if let Some(v) = v {
            state.update(|s| {
                s.signal = v;
                s.colour = Colouring::Signal;
            });
        }
    });
    let signal_text = move || {
        let x = state.with(|s| s.signal_vec());
        if x.is_empty() {
            return String::new();
        }
        if x.len() > 16 {
            return format!("x has {} entries (colours on the nodes).", x.len());
        }
        labels.with(|l| {
            let parts: Vec<String> = x
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    format!(
                        "{}: {}",
                        l.get(i).map_or("?", String::as_str),
                        fmt_num(*v, 3)
                    )
                })
                .collect();
            format!("x = ({})", parts.join(", "))
        })
    };
    let kept_text = move || {
        report.with(|r| {
            r.as_ref().map(|r| {
                format!(
                    "The low-pass filter keeps {} % of the signal's energy ‖x‖².",
                    fmt_num(100.0 * r.kept, 3)
                )
            })
        })
    };
    let colour_value = Signal::derive(move || {
        match state.with(|s| s.colour) {
            Colouring::None => "none",
            Colouring::Eigenvector => "eigenvector",
            Colouring::Signal => "signal",
            Colouring::Filtered => "filtered",
            Colouring::Features => "features",
            Colouring::Prediction => "prediction",
        }
        .to_string()
    });
    view! {
        // "pending": the spectrum shown is the previous graph's (the stylesheet dims it and says so).
        <div class="panel spectrum-panel" id="gcn-spectrum"
            data-spectrum=move || if pending.get() { "pending" } else { "ready" }>
            <h2>"The spectrum of L = I − D"<sup>"−½"</sup>"AD"<sup>"−½"</sup></h2>
            <p class="lede">
                "L = UΛUᵀ: its eigenvalues lie in [0, 2] and its eigenvectors are the graph's
                frequencies — small λ varies slowly along edges, large λ flips sign across them.
                Click an eigenvalue (or use the slider) to colour the nodes by its eigenvector."
            </p>
            {count_text}
            <div class="spectrum-row">
                <LineChart spec=eig_chart name="eigenvalues" label="eigenvalues of L against their index"
                    width=520 height=240 on_pick=Callback::new(move |x: f64| {
                        let k = (x.round() as i64 - 1).clamp(0, n.get_untracked().saturating_sub(1) as i64);
                        pick.run(k as usize);
                    })/>
                <div class="spectrum-controls">
                    <Slider label="Eigenvector k" name="eig" min=1.0
                        max=Signal::derive(move || n.get().max(1) as f64)
                        step=1.0 value=Signal::derive(move || (eig.get() + 1) as f64)
                        on_input=Callback::new(move |v: f64| pick.run((v as usize).saturating_sub(1)))/>
                    <p class="eig-text" aria-live="polite">{eig_text}</p>
                    <Select label="Colour the nodes by" name="colour"
                        options=vec![("none", "nothing"), ("eigenvector", "the eigenvector uₖ"), ("signal", "the signal x"), ("filtered", "the low-pass filtered x"), ("features", "the features h⁽ᵏ⁾ (message passing)")]
                        value=colour_value
                        on_change=Callback::new(move |v: String| {
                            let c = match v.as_str() {
                                "eigenvector" => Colouring::Eigenvector,
                                "signal" => Colouring::Signal,
                                "filtered" => Colouring::Filtered,
                                "features" => Colouring::Features,
                                "prediction" => Colouring::Prediction,
                                _ => Colouring::None,
                            };
                            state.update(|s| s.colour = c);
                        })/>
                </div>
            </div>
            <h3>"Graph Fourier transform of a node signal"</h3>
            <p class="note">
                "x̂ = Uᵀx says how much of each frequency the signal x contains; x = Ux̂ puts it back.
                Draw x by ticking “Draw a signal” above and clicking nodes, or pick one:"
            </p>
            <div class="spectrum-row">
                <div class="spectrum-controls">
                    <Select label="Signal" name="signal"
                        options=std::iter::once(("", "(drawn by hand)")).chain(SIGNALS).collect()
                        value=Signal::derive(move || signal_key.get())
                        on_change=set_signal/>
                    <p class="signal-text">{signal_text}</p>
                    <Slider label="Low-pass cut-off on λ" name="cutoff" min=0.0 max=2.0 step=0.05
                        value=Signal::derive(move || state.with(|s| s.cutoff))
                        on_input=Callback::new(move |v: f64| state.update(|s| {
                            s.cutoff = v;
                            s.colour = Colouring::Filtered;
                        }))/>
                    <p class="kept-text">{kept_text}</p>
                </div>
                <LineChart spec=gft_chart name="gft" label="graph Fourier transform of the signal, before and after one propagation"
                    width=560 height=260/>
            </div>
            <p class="note">
                "Since P = I − L, one propagation P·x multiplies frequency k by 1 − λₖ: low frequencies
                (λ near 0) pass almost unchanged, middle ones are damped — a GCN layer is a low-pass
                filter. Near λ = 2 the factor approaches −1 (the sign flips), which is why Kipf & Welling
                add self-loops: with Ã = A + I the eigenvalues shrink and the response stays within
                (−1, 1]. (An isolated node has a zero row in P, so P·x drops it: its λ = 0 bar goes to 0.)"
            </p>
        </div>
    }
}

/// `k` in subscript digits (u₁₂).
fn sub_digits(k: usize) -> String {
    k.to_string()
        .chars()
        .map(|c| char::from_u32(0x2080 + c.to_digit(10).unwrap_or(0)).unwrap_or(c))
        .collect()
}
