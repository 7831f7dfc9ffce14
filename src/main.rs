//! The wasm entry point: install the panic hook, mount the app — nothing else.

#[cfg(target_arch = "wasm32")]
fn main() {
    nnviz::app::install_panic_hook();
    nnviz::app::mount();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("nnviz is a browser app: run scripts/serve.sh and open the printed address.");
}
