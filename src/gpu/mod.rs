//! Matrix multiply on the GPU through WebGPU, behind the engine's
//! [`MatmulBackend`](crate::engine::matmul::MatmulBackend) trait, and the CPU fallback around it.
//!
//! **Why web-sys's WebGPU bindings and not wgpu.** In the browser wgpu is a wrapper over the same
//! WebGPU calls: its instance/adapter/device layer, wgpu-types and the dispatch between backends
//! are code a page downloads for nothing when only WebGPU exists there, and this module needs
//! ten of its calls (adapter, device, a compute pipeline, four buffers, one bind group, one
//! pass, one readback). With web-sys every call is one import of the JS glue: this module, the
//! header's indicator and the routing cost 9–10 KB gzipped per page (docs/performance.md),
//! keeping every page within the 350 KB gzipped budget (the GCN page had 15 KB left). The code reads as the WebGPU specification does, call for call.
//! The cost is web-sys's `web_sys_unstable_apis` cfg (set for wasm in `.cargo/config.toml`) and
//! that the kernel is tested in the browser (SwiftShader) rather than natively.
//!
//! "Get a device" ([`request`]) is split from "run the kernel" ([`GpuMatmul::matmul`]); results
//! come back asynchronously (`mapAsync`). The kernel (`matmul.wgsl`) is a 16×16 tiled multiply
//! with workgroup memory; buffers are kept and reused across calls while big enough.

#[cfg(target_arch = "wasm32")]
mod webgpu;
#[cfg(target_arch = "wasm32")]
pub use webgpu::{request, GpuMatmul};

/// The WGSL compute shader.
pub const WGSL: &str = include_str!("matmul.wgsl");

/// The kernel's tile: a workgroup computes a TILE×TILE block of C.
pub const TILE: u32 = 16;

/// Workgroups to dispatch for an m×n result: (along n, along m).
pub fn workgroups(m: usize, n: usize) -> (u32, u32) {
    let tiles = |d: usize| d.div_ceil(TILE as usize) as u32;
    (tiles(n), tiles(m))
}

/// The largest side the app sends to the GPU (4096² f32 = 64 MiB per buffer, within WebGPU's
/// default 128 MiB storage-binding limit); larger products stay on the CPU.
pub const MAX_SIDE: usize = 4096;

/// What adapter WebGPU gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdapterInfo {
    /// The adapter's name as the browser reports it (description, else vendor and architecture).
    pub name: String,
    /// A software adapter (e.g. SwiftShader): WebGPU works, but on the CPU.
    pub fallback: bool,
}

impl AdapterInfo {
    /// The name with "software" noted for a fallback adapter.
    pub fn label(&self) -> String {
        if self.fallback {
            format!("{} (software fallback)", self.name)
        } else {
            self.name.clone()
        }
    }
}

/// On native builds (tests, tools) there is no WebGPU: a type with no values, so code that
/// holds an `Option<GpuMatmul>` compiles and the `None` branch is the only one taken.
#[cfg(not(target_arch = "wasm32"))]
pub enum GpuMatmul {}

#[cfg(not(target_arch = "wasm32"))]
impl GpuMatmul {
    /// The adapter (never called: no value exists natively).
    pub fn info(&self) -> &AdapterInfo {
        match *self {}
    }

    /// Whether the device was lost (never called natively).
    pub fn lost(&self) -> Option<String> {
        match *self {}
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl crate::engine::matmul::MatmulBackend for GpuMatmul {
    fn name(&self) -> String {
        match *self {}
    }

    fn matmul(
        &self,
        _a: &crate::engine::Mat,
        _b: &crate::engine::Mat,
    ) -> crate::engine::matmul::MatmulFuture<'_> {
        match *self {}
    }
}

/// Natively WebGPU is never there.
#[cfg(not(target_arch = "wasm32"))]
pub async fn request(_on_lost: impl Fn(String) + 'static) -> Result<GpuMatmul, String> {
    Err("WebGPU exists only in a browser".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispatch_covers_every_entry_once() {
        assert_eq!(workgroups(16, 16), (1, 1));
        assert_eq!(workgroups(17, 1), (1, 2));
        assert_eq!(workgroups(1, 2048), (128, 1));
        assert_eq!(workgroups(100, 33), (3, 7));
    }

    #[test]
    fn the_shader_tiles_with_workgroup_memory() {
        assert!(WGSL.contains("var<workgroup> tile_a"));
        assert!(WGSL.contains("@workgroup_size(16, 16, 1)"));
        assert!(WGSL.contains("workgroupBarrier()"));
        assert!(WGSL.contains(&format!("const TILE: u32 = {TILE}u;")));
    }

    #[test]
    fn fallback_adapters_say_so() {
        let a = AdapterInfo {
            name: "SwiftShader".into(),
            fallback: true,
        };
        assert_eq!(a.label(), "SwiftShader (software fallback)");
    }
}
