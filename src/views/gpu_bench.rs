//! The GPU benchmark page: C = A·B for square sizes 64 to 2048 on the CPU (nalgebra, f64, in
//! slices between frames) and on WebGPU (f32, the kernel of `src/gpu`), GFLOP/s plotted, each GPU
//! result checked against the CPU's within the f32 error bound, the crossover found and
//! remembered for this adapter (the app sends products past it to the GPU), results as CSV.

use leptos::prelude::*;

use crate::engine::matmul::{
    crossover, f32_tolerance_cheap, gflops, max_abs_diff, timings_csv, MatmulBackend,
    SlicedProduct, Timing,
};
use crate::engine::rng::{rng, uniform};
use crate::engine::Mat;
use crate::hooks::compute::{use_compute, BackendStatus, Compute};
use crate::hooks::{now_ms, yield_to_browser};
use crate::widgets::chart::{ChartSpec, LineChart, Series};
use crate::widgets::colour::Rgb;
use crate::widgets::format::fmt_num;

/// The sizes measured, smallest first.
pub const SIZES: [usize; 6] = [64, 128, 256, 512, 1024, 2048];
/// A CPU slice aims at this many ms, so the page keeps painting.
const SLICE_MS: f64 = 6.0;
/// Seed of the benchmark's matrices (entries uniform in [−1, 1]).
const SEED: u64 = 2048;

/// One measured size.
#[derive(Debug, Clone, PartialEq, Default)]
struct Row {
    n: usize,
    cpu: Option<f64>,
    gpu: Option<f64>,
    /// max |C_gpu − C_cpu| and the f32 bound it must meet.
    check: Option<(f64, f64)>,
    gpu_error: Option<String>,
}

impl Row {
    fn timing(&self) -> Timing {
        Timing {
            n: self.n,
            cpu: self.cpu,
            gpu: self.gpu,
        }
    }
}

/// A·B on the CPU in slices of about [`SLICE_MS`], yielding to the browser between them; the
/// seconds spent computing (not waiting). `None` when the run was stopped.
async fn cpu_sliced(a: Mat, b: Mat, live: impl Fn() -> bool) -> Option<(Mat, f64)> {
    let mut p = SlicedProduct::new(a, b).ok()?;
    let mut work = 1usize << 20;
    let mut spent = 0.0;
    while !p.done() {
        if !live() {
            return None;
        }
        let t0 = now_ms();
        let done = p.step(work);
        let dt = now_ms() - t0;
        spent += dt;
        // Aim the next slice at SLICE_MS from this one's rate.
        work = ((done as f64 * SLICE_MS / dt.max(0.05)) as usize).clamp(1 << 16, 1 << 26);
        yield_to_browser().await;
    }
    Some((p.into_product(), spent / 1e3))
}

/// The median seconds of `reps` GPU runs and the last result.
async fn gpu_timed(
    g: &crate::gpu::GpuMatmul,
    a: &Mat,
    b: &Mat,
    reps: usize,
) -> Result<(Mat, f64), String> {
    let mut times = Vec::with_capacity(reps);
    let mut last = None;
    for _ in 0..reps.max(1) {
        let t0 = now_ms();
        let c = g.matmul(a, b).await.map_err(|e| e.to_string())?;
        times.push((now_ms() - t0) / 1e3);
        last = Some(c);
        yield_to_browser().await;
    }
    times.sort_by(f64::total_cmp);
    let c = last.ok_or("no run")?;
    Ok((c, times[times.len() / 2]))
}

/// Runs the benchmark up to `max_n`, publishing each row as it is measured (and stopping
/// quietly if the page's view is gone).
async fn run_benchmark(
    compute: Compute,
    max_n: usize,
    rows: RwSignal<Vec<Row>>,
    progress: RwSignal<String>,
    live: impl Fn() -> bool + Copy,
) {
    let gpu = compute.gpu_device();
    if let Some(g) = &gpu {
        // The first dispatch compiles and allocates: not part of any timing.
        let _ = progress.try_set("Warming up the GPU…".into());
        let w = Mat::from_element(64, 64, 1.0);
        let _ = g.matmul(&w, &w).await;
    }
    for n in SIZES.into_iter().filter(|&n| n <= max_n) {
        if !live() {
            return;
        }
        let mut r = rng(SEED ^ n as u64);
        let a = uniform(&mut r, n, n, 1.0);
        let b = uniform(&mut r, n, n, 1.0);
        let _ = progress.try_set(format!("n = {n}: CPU…"));
        yield_to_browser().await;
        // The median of 3 runs where a run is short (one run is at the mercy of a timer tick).
        let mut cpu_times = Vec::new();
        let mut c_cpu = Mat::zeros(0, 0);
        for _ in 0..if n <= 256 { 3 } else { 1 } {
            let Some((c, s)) = cpu_sliced(a.clone(), b.clone(), live).await else {
                return;
            };
            c_cpu = c;
            cpu_times.push(s);
        }
        cpu_times.sort_by(f64::total_cmp);
        let cpu_s = cpu_times[cpu_times.len() / 2];
        let mut row = Row {
            n,
            cpu: Some(cpu_s),
            ..Row::default()
        };
        let _ = rows.try_update(|v| v.push(row.clone()));
        if let Some(g) = &gpu {
            let _ = progress.try_set(format!("n = {n}: WebGPU…"));
            let reps = if n <= 256 { 5 } else { 1 };
            match gpu_timed(g, &a, &b, reps).await {
                Ok((c, s)) => {
                    row.gpu = Some(s);
                    row.check = Some((max_abs_diff(&c, &c_cpu), f32_tolerance_cheap(&a, &b)));
                }
                Err(e) => row.gpu_error = Some(e),
            }
            if !live() {
                return;
            }
            let _ = rows.try_update(|v| {
                if let Some(last) = v.last_mut() {
                    *last = row.clone();
                }
            });
        }
    }
    let Some(timings) = rows.try_with_untracked(|v| v.iter().map(Row::timing).collect::<Vec<_>>())
    else {
        return;
    };
    if gpu.is_some() {
        compute.record_crossover(crossover(&timings));
    }
    let _ = progress.try_set("Done.".into());
}

fn ms(s: Option<f64>) -> String {
    s.map(|s| fmt_num(s * 1e3, 3)).unwrap_or_else(|| "—".into())
}

fn rate(n: usize, s: Option<f64>) -> String {
    s.map(|s| fmt_num(gflops(n, n, n, s), 3))
        .unwrap_or_else(|| "—".into())
}

/// The benchmark page.
#[component]
pub fn GpuBenchView() -> impl IntoView {
    let Some(compute) = use_compute() else {
        return view! { <p class="error">"The compute backend is missing."</p> }.into_any();
    };
    let max_n = RwSignal::new(1024usize);
    let rows = RwSignal::new(Vec::<Row>::new());
    let progress = RwSignal::new(String::new());
    let running = RwSignal::new(false);
    let run_id = StoredValue::new(0u64);
    let copied = RwSignal::new(None::<String>);

    let start = move |_| {
        run_id.update_value(|i| *i += 1);
        let id = run_id.get_value();
        let live = move || {
            running.try_get_untracked().unwrap_or(false) && run_id.try_get_value() == Some(id)
        };
        rows.set(Vec::new());
        copied.set(None);
        running.set(true);
        let max = max_n.get_untracked();
        leptos::task::spawn_local(async move {
            run_benchmark(compute, max, rows, progress, live).await;
            if run_id.try_get_value() == Some(id) {
                let _ = running.try_set(false);
            }
        });
    };
    let stop = move |_| {
        running.set(false);
        progress.set("Stopped.".into());
    };

    let timings = move || rows.with(|v| v.iter().map(Row::timing).collect::<Vec<_>>());
    let csv = Memo::new(move |_| timings_csv(&timings()));
    let chart = Signal::derive(move || {
        let pts = |gpu: bool| {
            rows.with(|v| {
                v.iter()
                    .filter_map(|r| {
                        let s = if gpu { r.gpu } else { r.cpu }?;
                        Some(((r.n as f64).log2(), gflops(r.n, r.n, r.n, s)))
                    })
                    .collect::<Vec<_>>()
            })
        };
        ChartSpec {
            x_label: "log₂ n  (n×n · n×n)".into(),
            y_label: "GFLOP/s (log scale)".into(),
            series: vec![
                Series {
                    label: "CPU · nalgebra f64".into(),
                    points: pts(false),
                    colour: Rgb(0x21, 0x66, 0xac),
                },
                Series {
                    label: "WebGPU · f32".into(),
                    points: pts(true),
                    colour: Rgb(0xb2, 0x18, 0x2b),
                },
            ],
            log_y: true,
            x_range: Some((5.5, 11.5)),
            ..Default::default()
        }
    });
    let verdict = move || {
        let t = timings();
        let both = t
            .iter()
            .filter(|t| t.cpu.is_some() && t.gpu.is_some())
            .count();
        if both == 0 {
            return None;
        }
        Some(match crossover(&t) {
            Some(n) => format!(
                "Crossover: the GPU is faster from n = {n} on (at every larger size measured)."
            ),
            None => "The GPU was slower than the CPU at every size measured: products stay on \
                     the CPU."
                .to_string(),
        })
    };
    let copy = move |_| {
        let text = csv.get_untracked();
        let clip = web_sys::window().map(|w| w.navigator().clipboard());
        match clip {
            Some(c) => {
                let p = c.write_text(&text);
                leptos::task::spawn_local(async move {
                    let msg = match p.await {
                        Ok(_) => "Copied to the clipboard.".to_string(),
                        Err(_) => "The browser refused the clipboard: select the text above \
                                   and copy it."
                            .to_string(),
                    };
                    let _ = copied.try_set(Some(msg));
                });
            }
            None => copied.set(Some(
                "No clipboard here: select the text and copy it.".into(),
            )),
        }
    };
    let no_gpu = move || match compute.status.get() {
        BackendStatus::Unavailable(_) | BackendStatus::Lost(_) => {
            Some("Only the CPU is measured here: this browser gave no WebGPU device.")
        }
        _ => None,
    };

    view! {
        <section class="view gpu-bench">
            <h1>"Matrix multiply: CPU vs WebGPU"</h1>
            <p class="lede">
                "C = A·B for square n×n matrices with entries drawn from a fixed seed. The CPU
                computes in f64 with nalgebra, in slices between frames; the GPU runs the tiled
                WGSL kernel in f32 — upload, compute and readback all timed. Each GPU result is
                compared with the CPU's: the difference must stay within the f32 rounding bound
                2(k+2)u·maxᵢ‖Aᵢ‖₁·max|B|, u = 2⁻²⁴."
            </p>
            <p class="note backend-detail" role="status">{move || compute.detail()}</p>
            {move || no_gpu().map(|m| view! { <p class="note no-gpu">{m}</p> })}
            <div class="controls">
                <label class="control select" data-control="max-n">
                    <span class="control-label">"Largest n"</span>
                    <select prop:value=move || max_n.get().to_string()
                        on:change=move |ev| {
                            if let Ok(n) = event_target_value(&ev).parse::<usize>() {
                                max_n.set(n);
                            }
                        }>
                        {SIZES.into_iter().skip(2).map(|n| view! {
                            <option value=n.to_string() selected=move || max_n.get() == n>{n.to_string()}</option>
                        }).collect_view()}
                    </select>
                </label>
                <button class="run" data-action="run" on:click=start disabled=move || running.get()>"Run benchmark"</button>
                <button data-action="stop" on:click=stop disabled=move || !running.get()>"Stop"</button>
                <span class="progress" role="status" data-running=move || running.get().to_string()>{move || progress.get()}</span>
            </div>
            <div class="table-scroll">
            <table class="bench-table">
                <thead><tr>
                    <th scope="col">"n"</th><th scope="col">"CPU ms"</th><th scope="col">"CPU GFLOP/s"</th>
                    <th scope="col">"GPU ms"</th><th scope="col">"GPU GFLOP/s"</th><th scope="col">"GPU vs CPU"</th>
                </tr></thead>
                <tbody>
                    {move || rows.get().into_iter().map(|r| {
                        let check = match (&r.gpu_error, r.check) {
                            (Some(e), _) => format!("failed: {e}"),
                            (None, Some((d, tol))) if d <= tol => format!("max |Δ| {d:.1e} ≤ {tol:.1e} ✓"),
                            (None, Some((d, tol))) => format!("max |Δ| {d:.1e} > {tol:.1e} ✗"),
                            (None, None) => "—".to_string(),
                        };
                        let ok = r.check.is_some_and(|(d, tol)| d <= tol);
                        view! {
                            <tr data-n=r.n.to_string() data-check=if ok { "ok" } else if r.check.is_some() { "bad" } else { "none" }>
                                <td>{r.n.to_string()}</td>
                                <td>{ms(r.cpu)}</td><td class="cpu-gflops">{rate(r.n, r.cpu)}</td>
                                <td>{ms(r.gpu)}</td><td class="gpu-gflops">{rate(r.n, r.gpu)}</td>
                                <td class="check">{check}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            </div>
            {move || verdict().map(|v| view! { <p class="verdict" role="status">{v}</p> })}
            <LineChart spec=chart name="gflops" label="GFLOP/s of the CPU and the GPU against log₂ n"/>
            <h2>"Results as CSV"</h2>
            <textarea class="csv" readonly rows="8" prop:value=move || csv.get()></textarea>
            <div class="controls">
                <button data-action="copy-csv" on:click=copy>"Copy CSV"</button>
                {move || copied.get().map(|m| view! { <span class="note" role="status">{m}</span> })}
            </div>
        </section>
    }
    .into_any()
}
