//! The WebGPU implementation (browser only).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Float32Array, Reflect, Uint32Array};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    gpu_buffer_usage, gpu_map_mode, Gpu, GpuAdapter, GpuAutoLayoutMode, GpuBindGroup,
    GpuBindGroupDescriptor, GpuBindGroupEntry, GpuBuffer, GpuBufferDescriptor, GpuComputePipeline,
    GpuComputePipelineDescriptor, GpuDevice, GpuErrorFilter, GpuProgrammableStage,
    GpuShaderModuleDescriptor,
};

use super::{workgroups, AdapterInfo, MAX_SIDE, WGSL};
use crate::engine::matmul::{
    check_shapes, from_f32_row_major, to_f32_row_major, MatmulBackend, MatmulFuture,
};
use crate::engine::{EngineError, Mat, Result};

/// A WebGPU device with the matmul pipeline and its reusable buffers.
pub struct GpuMatmul {
    info: AdapterInfo,
    device: GpuDevice,
    pipeline: GpuComputePipeline,
    /// Buffers of the last call, reused while big enough.
    buffers: RefCell<Option<Rc<Buffers>>>,
    /// A call holds the kept buffers (between submit and readback): a second call meanwhile
    /// gets buffers of its own.
    busy: Rc<Cell<bool>>,
    /// Why the device was lost, once it was.
    lost: Rc<RefCell<Option<String>>>,
}

/// A, B, C, the readback copy of C, the dims uniform and the bind group over them.
struct Buffers {
    a: GpuBuffer,
    b: GpuBuffer,
    c: GpuBuffer,
    read: GpuBuffer,
    dims: GpuBuffer,
    group: GpuBindGroup,
    /// Capacities in bytes of a, b and c.
    cap: [u32; 3],
}

impl Drop for Buffers {
    fn drop(&mut self) {
        for b in [&self.a, &self.b, &self.c, &self.read, &self.dims] {
            b.destroy();
        }
    }
}

/// A JS exception or rejection as text.
fn js_err(e: JsValue) -> String {
    if let Some(s) = e.as_string() {
        return s;
    }
    Reflect::get(&e, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| format!("{e:?}"))
}

fn gpu_err(what: &str, e: impl std::fmt::Display) -> EngineError {
    EngineError::Invalid(format!("WebGPU {what}: {e}"))
}

/// Asks the browser for a WebGPU adapter and device and builds the pipeline. `on_lost` is
/// called once if the device is lost later (driver reset, tab in background too long, …).
pub async fn request(on_lost: impl Fn(String) + 'static) -> std::result::Result<GpuMatmul, String> {
    let window = web_sys::window().ok_or("no window")?;
    let nav = window.navigator();
    let gpu_val = Reflect::get(&nav, &JsValue::from_str("gpu")).map_err(js_err)?;
    if gpu_val.is_undefined() || gpu_val.is_null() {
        return Err("this browser offers no WebGPU (navigator.gpu is missing)".into());
    }
    let gpu: Gpu = gpu_val.unchecked_into();
    let adapter: GpuAdapter = gpu
        .request_adapter()
        .await
        .map_err(js_err)?
        .into_option()
        .ok_or("WebGPU is present but offers no adapter (no usable GPU)")?;
    let info = adapter_info(&adapter);
    let device: GpuDevice = adapter.request_device().await.map_err(js_err)?;
    let module = device.create_shader_module(&GpuShaderModuleDescriptor::new(WGSL));
    let stage = GpuProgrammableStage::new(&module);
    stage.set_entry_point("main");
    let desc = GpuComputePipelineDescriptor::new_with_gpu_auto_layout_mode(
        GpuAutoLayoutMode::Auto,
        &stage,
    );
    let pipeline: GpuComputePipeline = device
        .create_compute_pipeline_async(&desc)
        .await
        .map_err(|e| format!("the matmul shader did not compile: {}", js_err(e)))?;
    let lost = Rc::new(RefCell::new(None));
    let lost_flag = lost.clone();
    let lost_promise = device.lost();
    js_sys::futures::spawn_local(async move {
        let why = match lost_promise.await {
            Ok(info) => {
                let m = info.message();
                if m.is_empty() {
                    "the GPU device was lost".to_string()
                } else {
                    format!("the GPU device was lost: {m}")
                }
            }
            Err(e) => js_err(e),
        };
        *lost_flag.borrow_mut() = Some(why.clone());
        on_lost(why);
    });
    Ok(GpuMatmul {
        info,
        device,
        pipeline,
        buffers: RefCell::new(None),
        busy: Rc::new(Cell::new(false)),
        lost,
    })
}

/// The adapter's name and whether it is a software fallback (`info.isFallbackAdapter`, or the
/// older `adapter.isFallbackAdapter`).
fn adapter_info(adapter: &GpuAdapter) -> AdapterInfo {
    let info = adapter.info();
    let text = |k: &str| {
        Reflect::get(&info, &JsValue::from_str(k))
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    };
    let flag = |o: &JsValue| {
        Reflect::get(o, &JsValue::from_str("isFallbackAdapter"))
            .ok()
            .and_then(|v| v.as_bool())
    };
    let description = text("description");
    let name = if description.is_empty() {
        let parts: Vec<String> = [text("vendor"), text("architecture")]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect();
        if parts.is_empty() {
            "unnamed adapter".to_string()
        } else {
            parts.join(" ")
        }
    } else {
        description
    };
    let fallback = flag(&info).or_else(|| flag(adapter)).unwrap_or(false);
    AdapterInfo { name, fallback }
}

impl GpuMatmul {
    /// The adapter in use.
    pub fn info(&self) -> &AdapterInfo {
        &self.info
    }

    /// Why the device was lost, if it was.
    pub fn lost(&self) -> Option<String> {
        self.lost.borrow().clone()
    }

    fn buffer(&self, bytes: u32, usage: u32) -> Result<GpuBuffer> {
        self.device
            .create_buffer(&GpuBufferDescriptor::new(bytes.max(4), usage))
            .map_err(|e| gpu_err("buffer", js_err(e)))
    }

    /// Buffers big enough for `need` bytes of A, B and C, and whether they are the kept ones:
    /// the kept ones when they are free and big enough, else new ones (kept for later calls
    /// unless the kept ones are in use by a call in flight).
    fn buffers_for(&self, need: [u32; 3]) -> Result<(Rc<Buffers>, bool)> {
        if let Some(b) = self.buffers.borrow().as_ref() {
            if !self.busy.get() && (0..3).all(|i| b.cap[i] >= need[i]) {
                return Ok((b.clone(), true));
            }
        }
        // Room to grow: the next call of a similar size reuses these.
        let cap = need.map(|n| n.max(4).next_power_of_two());
        let storage = gpu_buffer_usage::STORAGE | gpu_buffer_usage::COPY_DST;
        let a = self.buffer(cap[0], storage)?;
        let b = self.buffer(cap[1], storage)?;
        let c = self.buffer(
            cap[2],
            gpu_buffer_usage::STORAGE | gpu_buffer_usage::COPY_SRC,
        )?;
        let read = self.buffer(
            cap[2],
            gpu_buffer_usage::MAP_READ | gpu_buffer_usage::COPY_DST,
        )?;
        let dims = self.buffer(16, gpu_buffer_usage::UNIFORM | gpu_buffer_usage::COPY_DST)?;
        let entries = [
            GpuBindGroupEntry::new_with_gpu_buffer(0, &a),
            GpuBindGroupEntry::new_with_gpu_buffer(1, &b),
            GpuBindGroupEntry::new_with_gpu_buffer(2, &c),
            GpuBindGroupEntry::new_with_gpu_buffer(3, &dims),
        ];
        let group = self.device.create_bind_group(&GpuBindGroupDescriptor::new(
            &entries,
            &self.pipeline.get_bind_group_layout(0),
        ));
        let fresh = Rc::new(Buffers {
            a,
            b,
            c,
            read,
            dims,
            group,
            cap,
        });
        let keep = !self.busy.get();
        if keep {
            *self.buffers.borrow_mut() = Some(fresh.clone());
        }
        Ok((fresh, keep))
    }

    /// Writes A, B and the dims, records the dispatch and the copy of C, and submits.
    fn submit(&self, bufs: &Buffers, a: &[f32], b: &[f32], mkn: [usize; 3]) -> Result<()> {
        let [m, k, n] = mkn;
        let queue = self.device.queue();
        let write = |buf: &GpuBuffer, data: &js_sys::Object| {
            queue
                .write_buffer_with_u32_and_buffer_source(buf, 0, data)
                .map_err(|e| gpu_err("upload", js_err(e)))
        };
        if !a.is_empty() {
            write(&bufs.a, &Float32Array::from(a))?;
        }
        if !b.is_empty() {
            write(&bufs.b, &Float32Array::from(b))?;
        }
        write(
            &bufs.dims,
            &Uint32Array::from(&[m as u32, k as u32, n as u32, 0][..]),
        )?;
        let encoder = self.device.create_command_encoder();
        let pass = encoder.begin_compute_pass();
        pass.set_pipeline(&self.pipeline);
        pass.set_bind_group(0, Some(&bufs.group));
        let (gx, gy) = workgroups(m, n);
        if gx > 0 && gy > 0 {
            pass.dispatch_workgroups_with_workgroup_count_y(gx, gy);
        }
        pass.end();
        let c_bytes = (m * n * 4) as u32;
        if c_bytes > 0 {
            encoder
                .copy_buffer_to_buffer_with_u32_and_u32_and_u32(&bufs.c, 0, &bufs.read, 0, c_bytes)
                .map_err(|e| gpu_err("copy", js_err(e)))?;
        }
        queue.submit(&[encoder.finish()]);
        Ok(())
    }

    /// Uploads A and B, dispatches the kernel, copies C out and reads it back.
    async fn run(&self, a: Vec<f32>, b: Vec<f32>, m: usize, k: usize, n: usize) -> Result<Mat> {
        if let Some(why) = self.lost() {
            return Err(gpu_err("device", why));
        }
        if m.max(k).max(n) > MAX_SIDE {
            return Err(gpu_err(
                "limit",
                format!("{m}×{k}·{k}×{n} has a side above {MAX_SIDE}"),
            ));
        }
        let bytes = |len: usize| (len * 4) as u32;
        let c_bytes = bytes(m * n);
        let (bufs, kept) = self.buffers_for([bytes(a.len()), bytes(b.len()), c_bytes])?;
        self.device.push_error_scope(GpuErrorFilter::Validation);
        self.device.push_error_scope(GpuErrorFilter::OutOfMemory);
        let submitted = self.submit(&bufs, &a, &b, [m, k, n]);
        // Until this call ends, the kept buffers are its own (no await came before this).
        let _release = (kept && submitted.is_ok()).then(|| {
            self.busy.set(true);
            Release(self.busy.clone())
        });
        // Both scopes are always popped, so none is left on the device's stack.
        let mut first = submitted.err();
        for _ in 0..2 {
            let popped = match self.device.pop_error_scope().await {
                Ok(e) => e.into_option().map(|e| gpu_err("error", e.message())),
                Err(e) => Some(gpu_err("error", js_err(e))),
            };
            first = first.or(popped);
        }
        if let Some(e) = first {
            return Err(e);
        }
        if c_bytes == 0 {
            return Ok(Mat::zeros(m, n));
        }
        bufs.read
            .map_async_with_u32_and_u32(gpu_map_mode::READ, 0, c_bytes)
            .await
            .map_err(|e| gpu_err("readback", js_err(e)))?;
        let range = bufs
            .read
            .get_mapped_range_with_u32_and_u32(0, c_bytes)
            .map_err(|e| gpu_err("readback", js_err(e)));
        let data = range.map(|r| Float32Array::new(&r).to_vec());
        bufs.read.unmap();
        from_f32_row_major(m, n, &data?)
    }
}

/// Clears the busy flag when a call ends, however it ends.
struct Release(Rc<Cell<bool>>);

impl Drop for Release {
    fn drop(&mut self) {
        self.0.set(false);
    }
}

impl MatmulBackend for GpuMatmul {
    fn name(&self) -> String {
        format!("WebGPU · {} (f32)", self.info.label())
    }

    fn matmul(&self, a: &Mat, b: &Mat) -> MatmulFuture<'_> {
        let shapes = check_shapes(a, b);
        let (pa, pb) = (to_f32_row_major(a), to_f32_row_major(b));
        Box::pin(async move {
            let (m, k, n) = shapes?;
            self.run(pa, pb, m, k, n).await
        })
    }
}
