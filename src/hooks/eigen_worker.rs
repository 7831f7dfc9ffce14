//! Large eigendecompositions in a Web Worker, so that an edit of a 500-node graph repaints the
//! matrices and message passing while L's spectrum is computed beside them, and no frame waits
//! for it (docs/performance.md).
//!
//! The worker runs this page's own WebAssembly module — no second build, nothing more to
//! download: a module worker, made from a short script in a Blob, imports the page's wasm-bindgen
//! glue (found from the `<link rel="modulepreload">` and wasm `<link rel="preload">` that trunk
//! writes into every page), instantiates the module (whose `main` does nothing outside a window)
//! and calls its `eigen_factor` export (src/main.rs) for each job. The factors come back as one
//! flat buffer (`nnviz_eigen::Factored::to_flat`), transferred rather than copied, and are
//! validated on arrival (`Factored::from_flat`). One job is in flight at a time; of the jobs asked
//! for meanwhile only the newest is kept — an older graph's spectrum is never wanted.
//!
//! Not on a single core (`navigator.hardwareConcurrency` < 2), where a worker could only take
//! turns with the page. On this project's 2-core VM an edit's spectrum comes a little sooner
//! than on the main thread (500 nodes, alternated in one slow spell: p50 81–86 against 90–91 ms)
//! and the main thread is free again after ~32 ms instead of ~90, so the other panels show and
//! the page takes input that much sooner; the job is posted ~3 ms after the key press, and the
//! decomposition itself (40–60 ms there) is what the spectrum waits for (docs/performance.md).
//!
//! The bookkeeping is JavaScript (below), not Rust through web-sys: the same logic in Rust was
//! 2.4 KB more of gzipped wasm on a page with 8 KB left in its budget. Where there is no worker
//! — a page without those links (the wasm-bindgen tests), a single core, a browser that refuses
//! module workers, a worker that fails — the callback hears `Err` and the caller decomposes on
//! the main thread, as it always did. Written by hand: no crate runs a function of the *same*
//! wasm-bindgen module in a worker without a second build (`gloo-worker` wants its own binary).

use nnviz_eigen::Factored;

/// What a job's caller hears: the factors, or why there are none (then it decomposes itself).
pub type Done = Box<dyn FnOnce(Result<Factored, String>)>;

/// Decomposes the symmetric `n`×`n` matrix `a` (column-major) in the worker and calls `done`
/// with the result — later, from the worker's reply, or at once with `Err` where there is no
/// worker. A job still waiting when a newer one arrives hears `Err("superseded")`.
pub fn factor(n: usize, a: &[f64], done: Done) {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        let reply =
            wasm_bindgen::closure::Closure::once_into_js(move |out: wasm_bindgen::JsValue| {
                done(match out.dyn_into::<js_sys::Float64Array>() {
                    Ok(flat) => Factored::from_flat(&flat.to_vec())
                        .filter(|f| f.n() == n)
                        .ok_or_else(|| {
                            "the worker's factors were damaged or it did not converge".into()
                        }),
                    Err(why) => Err(why.as_string().unwrap_or_default()),
                })
            });
        js::nnviz_factor(n as u32, a, &reply);
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (n, a);
        done(Err("no Web Worker outside the browser".into()));
    }
}

#[cfg(target_arch = "wasm32")]
mod js {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(inline_js = r#"
const SCRIPT = `let ready;
self.onmessage = async (e) => {
  const { glue, wasm, n, a } = e.data;
  try {
    ready ??= import(glue).then(async (m) => { await m.default({ module_or_path: wasm }); return m; });
    const out = (await ready).eigen_factor(n, a);
    self.postMessage({ out }, [out.buffer]);
  } catch (err) {
    self.postMessage({ error: String((err && err.message) || err) });
  }
};`;
let worker = null, broken = null, busy = null, queued = null;
function link(selector) {
  const l = document.querySelector(selector);
  return l && new URL(l.getAttribute('href'), document.baseURI).href;
}
function start() {
  const glue = link('link[rel="modulepreload"][href$=".js"]');
  const wasm = link('link[rel="preload"][href$="_bg.wasm"]');
  if (!glue || !wasm) throw new Error('the page names no module for a worker');
  const url = URL.createObjectURL(new Blob([SCRIPT], { type: 'text/javascript' }));
  const w = new Worker(url, { type: 'module' });
  URL.revokeObjectURL(url);
  w.onmessage = (e) => {
    if (e.data.error) return fail('the worker failed: ' + e.data.error);
    const job = busy;
    busy = null;
    if (queued) { send(queued); queued = null; }
    if (job) job.done(e.data.out);
  };
  w.onerror = () => fail('the worker stopped with an error');
  return { w, glue, wasm };
}
function send(job) {
  busy = job;
  try {
    worker.w.postMessage({ glue: worker.glue, wasm: worker.wasm, n: job.n, a: job.a }, [job.a.buffer]);
  } catch (e) {
    fail('could not post to the worker: ' + e);
  }
}
function fail(reason) {
  broken = reason;
  if (worker) worker.w.terminate();
  const jobs = [busy, queued];
  worker = busy = queued = null;
  for (const j of jobs) if (j) j.done(reason);
}
export function nnviz_factor(n, a, done) {
  if (!worker && !broken) {
    if ((navigator.hardwareConcurrency ?? 2) < 2) broken = 'one core: a worker would only take turns with the page';
    else try { worker = start(); } catch (e) { broken = String((e && e.message) || e); }
  }
  if (broken) return done(broken);
  // A copy: `a` is a view of the module's memory, valid only during this call. (`slice` copies
  // the bytes at once; `new Float64Array(a)` went element by element, ~2 ms at 500 nodes.)
  const job = { n, a: a.slice(), done };
  if (busy) {
    if (queued) queued.done('superseded');
    queued = job;
  } else {
    send(job);
  }
}
"#)]
    extern "C" {
        pub fn nnviz_factor(n: u32, a: &[f64], done: &JsValue);
    }
}
