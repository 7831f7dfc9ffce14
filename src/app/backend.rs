//! The header's compute-backend indicator (the backend itself, [`Compute`], is a hook in
//! `hooks::compute`, so that views can route products through it without importing the app).

use crate::hooks::compute::{BackendStatus, Compute};
use leptos::prelude::*;

/// The header's backend indicator and CPU-only switch.
#[component]
pub fn BackendIndicator(compute: Compute) -> impl IntoView {
    let kind = move || match compute.status.get() {
        BackendStatus::Ready(_) if !compute.force_cpu.get() => "webgpu",
        BackendStatus::Detecting => "detecting",
        _ => "cpu",
    };
    let has_gpu = move || matches!(compute.status.get(), BackendStatus::Ready(_));
    view! {
        <div class="backend" data-backend=kind>
            <span class="backend-label" title=move || compute.detail()>
                "Compute: " <strong>{move || compute.summary()}</strong>
            </span>
            <label class="backend-force" class:hidden=move || !has_gpu()>
                <input type="checkbox" data-control="force-cpu"
                    prop:checked=move || compute.force_cpu.get()
                    on:change=move |ev| compute.set_force_cpu(event_target_checked(&ev))/>
                "CPU only"
            </label>
        </div>
    }
}
