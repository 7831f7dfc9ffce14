//! Browser tests of the WebGPU matmul (wasm-bindgen-test in headless Chromium, which offers the
//! SwiftShader adapter with `--enable-unsafe-webgpu`, set in webdriver.json): the GPU result
//! equals nalgebra's within the f32 bound for square, rectangular, non-multiple-of-tile and 1×N
//! shapes; buffers are reused and grown; errors are reported; without `navigator.gpu` the app
//! says so and computes on the CPU. The "no WebGPU at all" browser is the Playwright suite's
//! (tests/e2e/gpu.test.mjs launches Chromium without the flag).
#![cfg(target_arch = "wasm32")]

mod common;

use common::{count, mount_at, query, tick};
use nnviz::engine::matmul::{f32_tolerance, max_abs_diff, MatmulBackend};
use nnviz::engine::rng::{rng, uniform};
use nnviz::engine::Mat;
use nnviz::gpu::{request, GpuMatmul};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn device() -> GpuMatmul {
    match request(|_| {}).await {
        Ok(g) => g,
        Err(e) => panic!("the test browser must offer WebGPU (SwiftShader): {e}"),
    }
}

/// C from the GPU against nalgebra's, within the f32 bound.
async fn check(g: &GpuMatmul, m: usize, k: usize, n: usize, seed: u64) {
    let mut r = rng(seed);
    let a = uniform(&mut r, m, k, 1.0);
    let b = uniform(&mut r, k, n, 1.0);
    let c = g.matmul(&a, &b).await.unwrap();
    assert_eq!(c.shape(), (m, n), "{m}×{k}·{k}×{n}");
    let err = max_abs_diff(&c, &(&a * &b));
    let tol = f32_tolerance(&a, &b);
    assert!(err <= tol, "{m}×{k}·{k}×{n}: max |Δ| {err} > {tol}");
    // Meaningful: entries of C are up to k in size; the bound is ~1e-5 of that.
    assert!(tol < 1e-2, "the bound is meaningful: {tol}");
}

#[wasm_bindgen_test]
async fn gpu_matches_nalgebra_on_every_shape() {
    let g = device().await;
    assert!(!g.info().name.is_empty());
    assert!(g.name().starts_with("WebGPU"));
    // Square (a multiple of the tile), rectangular, not multiples of 16, 1×N and N×1.
    for (i, &(m, k, n)) in [
        (64, 64, 64),
        (48, 80, 32),
        (17, 33, 5),
        (100, 7, 61),
        (1, 300, 1),
        (1, 50, 200),
        (200, 1, 3),
        (1, 1, 1),
    ]
    .iter()
    .enumerate()
    {
        check(&g, m, k, n, 40 + i as u64).await;
    }
}

#[wasm_bindgen_test]
async fn buffers_grow_and_are_reused_and_concurrent_calls_stay_apart() {
    let g = device().await;
    // Small, then larger (new buffers), then small again (the larger ones reused).
    check(&g, 8, 8, 8, 1).await;
    check(&g, 130, 70, 90, 2).await;
    check(&g, 9, 3, 11, 3).await;
    // Two calls in flight at once: the second gets its own buffers.
    let a = Mat::from_fn(20, 30, |i, j| (i as f64 - j as f64) * 0.01);
    let b = Mat::from_fn(30, 10, |i, j| (i * j) as f64 * 0.02 - 1.0);
    let a2 = Mat::from_fn(40, 30, |i, j| ((i + j) % 7) as f64);
    let (c1, c2) = futures_join(g.matmul(&a, &b), g.matmul(&a2, &b)).await;
    assert!(max_abs_diff(&c1.unwrap(), &(&a * &b)) <= f32_tolerance(&a, &b));
    assert!(max_abs_diff(&c2.unwrap(), &(&a2 * &b)) <= f32_tolerance(&a2, &b));
}

/// Awaits two futures concurrently (polls both until both are ready).
async fn futures_join<A: std::future::Future, B: std::future::Future>(
    a: A,
    b: B,
) -> (A::Output, B::Output) {
    use std::pin::pin;
    use std::task::Poll;
    let (mut a, mut b) = (pin!(a), pin!(b));
    let (mut ra, mut rb) = (None, None);
    std::future::poll_fn(move |cx| {
        if ra.is_none() {
            if let Poll::Ready(v) = a.as_mut().poll(cx) {
                ra = Some(v);
            }
        }
        if rb.is_none() {
            if let Poll::Ready(v) = b.as_mut().poll(cx) {
                rb = Some(v);
            }
        }
        if ra.is_some() && rb.is_some() {
            Poll::Ready((ra.take().unwrap(), rb.take().unwrap()))
        } else {
            Poll::Pending
        }
    })
    .await
}

#[wasm_bindgen_test]
async fn shape_errors_and_empty_products() {
    let g = device().await;
    let e = g
        .matmul(&Mat::zeros(2, 3), &Mat::zeros(2, 3))
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("2×3"), "{e}");
    // An empty inner dimension gives zeros (nothing to sum), an empty side an empty matrix.
    assert_eq!(
        g.matmul(&Mat::zeros(3, 0), &Mat::zeros(0, 2))
            .await
            .unwrap(),
        Mat::zeros(3, 2)
    );
    assert_eq!(
        g.matmul(&Mat::zeros(0, 4), &Mat::zeros(4, 2))
            .await
            .unwrap()
            .shape(),
        (0, 2)
    );
}

#[wasm_bindgen_test]
async fn the_header_names_the_adapter_and_the_switch_forces_the_cpu() {
    let root = mount_at("#/", nnviz::app::App).await;
    let mut kind = String::new();
    for _ in 0..100 {
        kind = query(&root, ".backend")
            .get_attribute("data-backend")
            .unwrap_or_default();
        if kind != "detecting" {
            break;
        }
        tick(50).await;
    }
    assert_eq!(kind, "webgpu");
    let label = query(&root, ".backend-label").text_content().unwrap();
    assert!(label.contains("WebGPU"), "{label}");
    assert_eq!(
        count(&root, ".backend-force.hidden"),
        0,
        "the switch is offered"
    );
    let input: web_sys::HtmlInputElement =
        wasm_bindgen::JsCast::unchecked_into(query(&root, "[data-control='force-cpu']"));
    input.click();
    tick(30).await;
    assert_eq!(
        query(&root, ".backend")
            .get_attribute("data-backend")
            .as_deref(),
        Some("cpu")
    );
    assert!(query(&root, ".backend-label")
        .text_content()
        .unwrap()
        .contains("CPU (forced)"));
    let stored = web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .get_item("nnviz.force-cpu")
        .unwrap();
    assert_eq!(stored.as_deref(), Some("1"), "remembered across reloads");
    input.click();
    tick(30).await;
    assert_eq!(
        query(&root, ".backend")
            .get_attribute("data-backend")
            .as_deref(),
        Some("webgpu")
    );
}

/// Waits until `compute` has found its WebGPU device (SwiftShader here).
async fn ready(compute: &nnviz::hooks::compute::Compute) {
    use leptos::prelude::GetUntracked;
    use nnviz::hooks::compute::BackendStatus;
    for _ in 0..100 {
        if compute.status.get_untracked() != BackendStatus::Detecting {
            break;
        }
        tick(50).await;
    }
    assert!(matches!(
        compute.status.get_untracked(),
        BackendStatus::Ready(_)
    ));
}

#[wasm_bindgen_test]
async fn products_go_to_the_gpu_only_past_the_measured_crossover() {
    use leptos::prelude::*;
    use nnviz::hooks::compute::{provide_compute, Used};
    let owner = Owner::new();
    let compute = owner.with(provide_compute);
    ready(&compute).await;
    let big = Mat::from_fn(32, 32, |i, j| (i + 2 * j) as f64 * 0.01);
    let small = Mat::from_fn(8, 8, |i, j| (i * j) as f64 * 0.1);
    // Nothing measured: everything on the CPU, exactly nalgebra's product.
    let (c, used) = compute.matmul(&big, &big).await.unwrap();
    assert_eq!((used, c), (Used::Cpu, &big * &big));
    // A crossover of 16: 32³ goes to the GPU (f32 rounding only), 8³ stays.
    compute.record_crossover(Some(16));
    let (c, used) = compute.matmul(&big, &big).await.unwrap();
    assert_eq!(used, Used::Gpu);
    assert!(max_abs_diff(&c, &(&big * &big)) <= f32_tolerance(&big, &big));
    assert_eq!(compute.matmul(&small, &small).await.unwrap().1, Used::Cpu);
    // The CPU-only switch wins over the crossover.
    compute.set_force_cpu(true);
    assert_eq!(compute.matmul(&big, &big).await.unwrap().1, Used::Cpu);
    compute.set_force_cpu(false);
    // A product the GPU refuses (a side above its limit) is recomputed on the CPU, and said so.
    let tall = Mat::from_element(nnviz::gpu::MAX_SIDE + 1, 1, 1.0);
    let one = Mat::from_element(1, 1, 2.0);
    let (c, used) = compute.matmul(&tall, &one).await.unwrap();
    assert_eq!((used, c[(0, 0)]), (Used::Cpu, 2.0));
    let err = compute.last_error.get_untracked().unwrap_or_default();
    assert!(err.contains("above"), "{err}");
    // Shape errors are errors, not a fallback.
    assert!(compute.matmul(&small, &tall).await.is_err());
    // The crossover is remembered for this adapter; leave the browser as it was.
    let store = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    assert!(store
        .get_item("nnviz.gpu-crossover")
        .unwrap()
        .unwrap()
        .starts_with("16\t"));
    store.remove_item("nnviz.gpu-crossover").unwrap();
    drop(owner);
}

#[wasm_bindgen_test]
async fn without_navigator_gpu_the_request_says_why() {
    // Hide WebGPU on this navigator object (as a browser without it), then restore it.
    let nav = web_sys::window().unwrap().navigator();
    let desc = js_sys::Object::new();
    js_sys::Reflect::set(&desc, &"value".into(), &JsValue::UNDEFINED).unwrap();
    js_sys::Reflect::set(&desc, &"configurable".into(), &JsValue::TRUE).unwrap();
    js_sys::Object::define_property(&nav, &"gpu".into(), &desc);
    let r = request(|_| {}).await;
    js_sys::Reflect::delete_property(&nav, &"gpu".into()).unwrap();
    match r {
        Ok(_) => panic!("no navigator.gpu must mean no device"),
        Err(e) => assert!(e.contains("no WebGPU"), "{e}"),
    }
    // And with it back, WebGPU is found again.
    assert!(request(|_| {}).await.is_ok());
}

/// Clicks "+1 step" and waits until the step has landed (a GPU step is asynchronous).
async fn one_training_step(root: &web_sys::Element) {
    let readout = query(root, ".train-readout");
    let before = readout.get_attribute("data-train-step").unwrap_or_default();
    wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(query(root, ".train-step"))
        .click();
    for _ in 0..200 {
        if readout.get_attribute("data-train-step").unwrap_or_default() != before {
            return;
        }
        tick(10).await;
    }
    panic!("the training step never landed");
}

#[wasm_bindgen_test]
async fn gcn_training_sends_its_graph_products_to_the_gpu_past_the_crossover() {
    use nnviz::hooks::compute::provide_compute;
    use nnviz::views::gcn::state::GcnState;
    let mut labels = vec![None; 34];
    labels[0] = Some(0);
    labels[33] = Some(1);
    let s = GcnState {
        graph: nnviz::graph::presets::preset("karate", 1).unwrap(),
        preset: "karate".into(),
        labels,
        ..Default::default()
    };
    let hash = nnviz::state::encode("#/gcn/learn", &s);
    let compute = std::rc::Rc::new(std::cell::Cell::new(None));
    let slot = compute.clone();
    let root = mount_at(&hash, move || {
        slot.set(Some(provide_compute()));
        leptos::view! { <nnviz::views::GcnView learn=true/> }
    })
    .await;
    let compute = compute.get().unwrap();
    ready(&compute).await;
    let note = || query(&root, ".train-backend").text_content().unwrap();
    assert!(note().contains("has not yet measured"), "{}", note());

    // Past a crossover of 8 (8³ < 34·34·2): all four graph-sized products of a step on the GPU.
    compute.record_crossover(Some(8));
    for _ in 0..2 {
        one_training_step(&root).await;
    }
    // Three quick clicks while the GPU works: none is lost.
    for _ in 0..3 {
        wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(query(&root, ".train-step"))
            .click();
    }
    for _ in 0..200 {
        let step = query(&root, ".train-readout").get_attribute("data-train-step");
        if step.as_deref() == Some("5") {
            break;
        }
        tick(10).await;
    }
    let gpu_products = query(&root, ".train-backend")
        .get_attribute("data-gpu-products")
        .unwrap();
    assert_eq!(gpu_products, "20", "{}", note());
    assert!(note().starts_with("WebGPU computed all 20"), "{}", note());
    let on_gpu = query(&root, ".train-readout").text_content().unwrap();
    assert!(on_gpu.starts_with("step 5 · loss"), "{on_gpu}");

    // The same five steps on the CPU (forced, model reset) read the same to the digits shown.
    compute.set_force_cpu(true);
    wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(query(&root, ".train-reset"))
        .click();
    tick(30).await;
    for _ in 0..5 {
        one_training_step(&root).await;
    }
    assert_eq!(
        query(&root, ".train-readout").text_content().unwrap(),
        on_gpu
    );
    assert!(note().contains("“CPU only” is ticked"), "{}", note());
    assert_eq!(
        query(&root, ".train-backend")
            .get_attribute("data-gpu-products")
            .as_deref(),
        Some("0")
    );
    compute.set_force_cpu(false);
    let store = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    store.remove_item("nnviz.gpu-crossover").unwrap();
    root.remove();
}
