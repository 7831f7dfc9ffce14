//! Which backend computes the big matrix products: WebGPU when the browser offers it (and a
//! measured crossover says the GPU is faster at that size), the CPU otherwise. Shown in the
//! header with a switch that forces the CPU; both persist in `localStorage` (they describe this
//! browser and machine, not the lesson, so they are not part of a shared link).

use std::cell::Cell;
use std::rc::Rc;

use leptos::prelude::*;

use crate::engine::matmul::{check_shapes, CpuMatmul, MatmulBackend, MatmulFuture, Offload};
use crate::engine::{Mat, Result};
use crate::gpu::{AdapterInfo, GpuMatmul};

const FORCE_CPU_KEY: &str = "nnviz.force-cpu";
const CROSSOVER_KEY: &str = "nnviz.gpu-crossover";

/// What the browser gave.
#[derive(Debug, Clone, PartialEq)]
pub enum BackendStatus {
    /// Still asking for an adapter.
    Detecting,
    /// No WebGPU (why, in words): everything runs on the CPU.
    Unavailable(String),
    /// A WebGPU device on this adapter.
    Ready(AdapterInfo),
    /// The device was lost (why): back on the CPU.
    Lost(String),
}

/// Which backend computed a product.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Used {
    /// nalgebra, f64.
    Cpu,
    /// WebGPU, f32.
    Gpu,
}

/// The crossover measured on an adapter, as stored in `localStorage`: "n<TAB>adapter", with
/// "-" for n when the GPU never won. (Plain text: the home page links no JSON parser.)
fn encode_measured(adapter: &str, crossover: Option<usize>) -> String {
    let n = crossover.map_or_else(|| "-".to_string(), |n| n.to_string());
    format!("{n}\t{adapter}")
}

/// The crossover stored for `adapter` (`None`: nothing stored for it, or unreadable).
fn decode_measured(stored: &str, adapter: &str) -> Option<Option<usize>> {
    let (n, name) = stored.split_once('\t')?;
    if name != adapter {
        return None;
    }
    match n {
        "-" => Some(None),
        n => n.parse().ok().map(Some),
    }
}

/// The app's compute backend, provided as context by the shell.
#[derive(Clone, Copy)]
pub struct Compute {
    /// What WebGPU gave.
    pub status: RwSignal<BackendStatus>,
    /// The student chose the CPU.
    pub force_cpu: RwSignal<bool>,
    /// The benchmark's crossover on this adapter: `None` = not measured or the GPU never won,
    /// so every product stays on the CPU.
    pub crossover: RwSignal<Option<usize>>,
    /// Whether the crossover was measured on this adapter.
    pub measured: RwSignal<bool>,
    /// Why the last GPU product failed (it was recomputed on the CPU).
    pub last_error: RwSignal<Option<String>>,
    gpu: StoredValue<Option<Rc<GpuMatmul>>, LocalStorage>,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

impl Compute {
    /// The GPU backend when it may be used now (present, not lost, not switched off).
    pub fn gpu(&self) -> Option<Rc<GpuMatmul>> {
        if self.force_cpu.get_untracked() {
            return None;
        }
        self.gpu_device()
    }

    /// The GPU backend whether or not the switch forces the CPU (the benchmark compares both).
    pub fn gpu_device(&self) -> Option<Rc<GpuMatmul>> {
        self.gpu
            .try_get_value()
            .flatten()
            .filter(|g| g.lost().is_none())
    }

    /// When products go to the GPU.
    pub fn offload(&self) -> Offload {
        Offload {
            crossover: self.crossover.get_untracked(),
        }
    }

    /// The GPU backend if an m×k by k×n product goes to it now: usable and past the crossover.
    pub fn route(&self, m: usize, k: usize, n: usize) -> Option<Rc<GpuMatmul>> {
        self.gpu().filter(|_| self.offload().wants_gpu(m, k, n))
    }

    /// C = A·B on the GPU when it is usable and the product is past the crossover, else (and
    /// whenever the GPU fails) on the CPU. The answer says which computed it.
    pub async fn matmul(self, a: &Mat, b: &Mat) -> Result<(Mat, Used)> {
        let (m, k, n) = check_shapes(a, b)?;
        if let Some(g) = self.route(m, k, n) {
            match g.matmul(a, b).await {
                Ok(c) => return Ok((c, Used::Gpu)),
                Err(e) => self.last_error.set(Some(e.to_string())),
            }
        }
        Ok((CpuMatmul.matmul(a, b).await?, Used::Cpu))
    }

    /// Records a measured crossover for the current adapter (the benchmark page calls it).
    pub fn record_crossover(&self, crossover: Option<usize>) {
        let Some(adapter) = self.gpu_device().map(|g| g.info().name.clone()) else {
            return;
        };
        self.crossover.set(crossover);
        self.measured.set(true);
        if let Some(s) = storage() {
            let _ = s.set_item(CROSSOVER_KEY, &encode_measured(&adapter, crossover));
        }
    }

    /// Switches the CPU-only setting (and remembers it).
    pub fn set_force_cpu(&self, on: bool) {
        self.force_cpu.set(on);
        if let Some(s) = storage() {
            let _ = if on {
                s.set_item(FORCE_CPU_KEY, "1")
            } else {
                s.remove_item(FORCE_CPU_KEY)
            };
        }
    }

    /// The indicator's text: which backend computes products right now.
    pub fn summary(&self) -> String {
        match self.status.get() {
            BackendStatus::Detecting => "CPU · checking for WebGPU…".into(),
            BackendStatus::Unavailable(_) => "CPU · no WebGPU".into(),
            BackendStatus::Lost(_) => "CPU · GPU lost".into(),
            BackendStatus::Ready(info) if self.force_cpu.get() => {
                format!("CPU (forced) · WebGPU {} off", info.label())
            }
            BackendStatus::Ready(info) => format!("WebGPU · {}", info.label()),
        }
    }

    /// The indicator's longer explanation (its tooltip and the benchmark page's note).
    pub fn detail(&self) -> String {
        let routing = match (self.measured.get(), self.crossover.get()) {
            (false, _) => "Products stay on the CPU until the GPU benchmark has measured where \
                           the GPU becomes faster on this adapter."
                .to_string(),
            (true, None) => "The GPU benchmark found the GPU slower than the CPU at every size \
                             measured, so products stay on the CPU."
                .to_string(),
            (true, Some(n)) => format!(
                "Products of at least {n}×{n}×{n} multiply-adds go to the GPU (the crossover \
                 measured by the GPU benchmark); smaller ones stay on the CPU."
            ),
        };
        match self.status.get() {
            BackendStatus::Detecting => "Asking the browser for a WebGPU adapter.".into(),
            BackendStatus::Unavailable(why) => {
                format!("Every product is computed on the CPU (f64): {why}.")
            }
            BackendStatus::Lost(why) => {
                format!("Every product is computed on the CPU (f64): {why}.")
            }
            BackendStatus::Ready(_) if self.force_cpu.get() => {
                "Every product is computed on the CPU (f64): switched on in the header.".into()
            }
            BackendStatus::Ready(info) => format!("WebGPU on {}. {routing}", info.label()),
        }
    }
}

/// [`Compute`] as the engine's [`MatmulBackend`], for the engine's backend-generic training
/// steps: each product goes where [`Compute::matmul`] would send it, and is counted.
pub struct Routed {
    compute: Compute,
    gpu: Cell<usize>,
    cpu: Cell<usize>,
}

impl Routed {
    /// Routes through `compute`, counts at zero.
    pub fn new(compute: Compute) -> Self {
        Routed {
            compute,
            gpu: Cell::new(0),
            cpu: Cell::new(0),
        }
    }

    /// Products computed so far: (on the GPU, on the CPU).
    pub fn counts(&self) -> (usize, usize) {
        (self.gpu.get(), self.cpu.get())
    }
}

impl MatmulBackend for Routed {
    fn name(&self) -> String {
        "CPU or WebGPU by size".to_string()
    }

    fn matmul(&self, a: &Mat, b: &Mat) -> MatmulFuture<'_> {
        let gpu = check_shapes(a, b)
            .ok()
            .and_then(|(m, k, n)| self.compute.route(m, k, n));
        let Some(g) = gpu else {
            self.cpu.set(self.cpu.get() + 1);
            return Box::pin(std::future::ready(check_shapes(a, b).map(|_| a * b)));
        };
        // Owned copies: the future outlives the borrow, and a failed GPU product is redone here.
        let (a, b) = (a.clone(), b.clone());
        Box::pin(async move {
            match g.matmul(&a, &b).await {
                Ok(c) => {
                    self.gpu.set(self.gpu.get() + 1);
                    Ok(c)
                }
                Err(e) => {
                    let _ = self.compute.last_error.try_set(Some(e.to_string()));
                    self.cpu.set(self.cpu.get() + 1);
                    Ok(a * b)
                }
            }
        })
    }
}

/// Creates the backend, provides it as context and starts asking for WebGPU.
pub fn provide_compute() -> Compute {
    let force = storage()
        .and_then(|s| s.get_item(FORCE_CPU_KEY).ok().flatten())
        .is_some_and(|v| v == "1");
    let compute = Compute {
        status: RwSignal::new(BackendStatus::Detecting),
        force_cpu: RwSignal::new(force),
        crossover: RwSignal::new(None),
        measured: RwSignal::new(false),
        last_error: RwSignal::new(None),
        gpu: StoredValue::new_local(None),
    };
    provide_context(compute);
    leptos::task::spawn_local(async move {
        let status = compute.status;
        let on_lost = move |why: String| {
            let _ = status.try_set(BackendStatus::Lost(why));
        };
        match crate::gpu::request(on_lost).await {
            Ok(g) => {
                let info = g.info().clone();
                let saved = storage()
                    .and_then(|s| s.get_item(CROSSOVER_KEY).ok().flatten())
                    .and_then(|v| decode_measured(&v, &info.name));
                if let Some(crossover) = saved {
                    let _ = compute.crossover.try_set(crossover);
                    let _ = compute.measured.try_set(true);
                }
                compute.gpu.set_value(Some(Rc::new(g)));
                let _ = status.try_set(BackendStatus::Ready(info));
            }
            Err(why) => {
                let _ = status.try_set(BackendStatus::Unavailable(why));
            }
        }
    });
    compute
}

/// The app's backend (the shell provides it).
pub fn use_compute() -> Option<Compute> {
    use_context::<Compute>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_crossover_round_trips_and_belongs_to_its_adapter() {
        for c in [None, Some(512)] {
            let v = encode_measured("NVIDIA\tH100", c);
            assert_eq!(decode_measured(&v, "NVIDIA\tH100"), Some(c));
        }
        assert_eq!(decode_measured(&encode_measured("a", Some(64)), "b"), None);
        assert_eq!(decode_measured("garbage", "a"), None);
        assert_eq!(decode_measured("x\ta", "a"), None);
    }
}
