//! The wasm entry point: install the panic hook, mount the app — nothing else. In a Web Worker
//! (the same module, instantiated by src/hooks/eigen_worker.rs) there is no window: nothing is
//! mounted, and the worker calls `eigen_factor` instead.

#[cfg(target_arch = "wasm32")]
fn main() {
    if web_sys::window().is_none() {
        return;
    }
    nnviz::app::install_panic_hook();
    nnviz::app::mount();
}

/// The worker's job: `nnviz_eigen`'s decomposition of the symmetric `n`×`n` matrix `a`
/// (column-major) as its flat buffer — empty when it refuses the matrix or does not converge.
/// Exported from the binary, which is the module the page and the worker both instantiate; only
/// in builds with the GCN view (the other pages would carry the eigensolver for nothing).
#[cfg(all(target_arch = "wasm32", feature = "gcn"))]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn eigen_factor(n: u32, a: Vec<f64>) -> Vec<f64> {
    nnviz_eigen::self_adjoint_factored(n as usize, &a).map_or_else(Vec::new, |f| f.to_flat())
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("nnviz is a browser app: run scripts/serve.sh and open the printed address.");
}
