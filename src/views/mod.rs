//! The three teaching views. Views are wiring only: they turn engine traces into widget props
//! and never do matrix arithmetic themselves.

#[cfg(feature = "attention")]
pub mod attention;
#[cfg(any(feature = "gcn", feature = "gcn-learn"))]
pub mod gcn;
#[cfg(feature = "gpu-bench")]
pub mod gpu_bench;
#[cfg(feature = "rnn")]
pub mod rnn;
pub mod train_loop;

#[cfg(feature = "attention")]
pub use attention::AttentionView;
#[cfg(any(feature = "gcn", feature = "gcn-learn"))]
pub use gcn::GcnView;
#[cfg(feature = "gpu-bench")]
pub use gpu_bench::GpuBenchView;
#[cfg(feature = "rnn")]
pub use rnn::RnnView;

/// Brings `v` into `lo..=hi`; when it had to, says so in `notes` ("Hidden size 500 is outside
/// 1–128; using 128"). Every view's state sanitiser uses it for its counts.
pub fn clamp_noted(notes: &mut Vec<String>, name: &str, v: &mut usize, lo: usize, hi: usize) {
    let c = (*v).clamp(lo, hi);
    if c != *v {
        notes.push(format!("{name} {v} is outside {lo}–{hi}; using {c}"));
        *v = c;
    }
}

/// A shared value that compares by identity (a new run is a change), so an engine run can live
/// in a `Memo` without comparing its matrices.
#[derive(Debug)]
pub struct Shared<T>(pub std::sync::Arc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// A view's engine run, as the panels see it.
pub struct EngineRun<T: Send + Sync + 'static> {
    /// The run of the current state, or why it could not run.
    pub latest: leptos::prelude::Memo<Result<Shared<T>, String>>,
    /// The latest good run: panels keep showing it while the input has an error, so nothing
    /// the student sees is lost.
    pub run: leptos::prelude::Memo<Result<Shared<T>, String>>,
    /// How many times the engine ran (a test checks that stepping through time reuses the run).
    pub runs: leptos::prelude::RwSignal<usize>,
    /// How long the last run took, in ms (the browser benchmarks read it).
    pub ms: leptos::prelude::StoredValue<f64>,
}

/// Runs `f` on `model` each time it changes, timed with `performance.now()`.
pub fn use_engine_run<S, T>(
    model: leptos::prelude::Memo<S>,
    f: fn(&S) -> Result<T, String>,
) -> EngineRun<T>
where
    S: PartialEq + Send + Sync + 'static,
    T: Send + Sync + 'static,
{
    use leptos::prelude::*;
    let runs = RwSignal::new(0usize);
    let ms = StoredValue::new(0.0f64);
    let now = crate::hooks::now_ms;
    let latest = Memo::new(move |_| {
        runs.update_untracked(|n| *n += 1);
        let t0 = now();
        let r = model.with(f).map(|r| Shared(std::sync::Arc::new(r)));
        ms.set_value(now() - t0);
        r
    });
    let run =
        Memo::new(
            move |prev: Option<&Result<Shared<T>, String>>| match (latest.get(), prev) {
                (Ok(r), _) => Ok(r),
                (Err(_), Some(Ok(p))) => Ok(p.clone()),
                (Err(e), _) => Err(e),
            },
        );
    EngineRun {
        latest,
        run,
        runs,
        ms,
    }
}

/// The lines under a view's header: why the input could not run (the panels keep showing the
/// last good run, which `kept` says) or the notes about settings that were clamped.
#[leptos::component]
pub fn RunStatus(
    /// The run's notes, or its error.
    #[prop(into)]
    status: leptos::prelude::Signal<Result<Vec<String>, String>>,
    /// Appended to an error, e.g. " — still showing the last valid sequence."
    kept: &'static str,
) -> impl leptos::prelude::IntoView {
    use leptos::prelude::*;
    move || match status.get() {
        Err(e) => view! { <p class="error input-error" role="alert">{e}{kept}</p> }.into_any(),
        Ok(notes) => notes
            .into_iter()
            .map(|n| view! { <p class="note clamp-note" role="status">{n}</p> })
            .collect_view()
            .into_any(),
    }
}
