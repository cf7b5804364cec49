//! Where the core's background work runs in Node: napi's Tokio runtime (the one the asynchronous calls use). A
//! panic inside such a task is caught and dropped: it must not take the runtime down, and the cache it served
//! clears its own state (`jwks::InFlight`).

use std::panic::AssertUnwindSafe;

use futures_util::FutureExt;

use clerk_remix_core::background::{self, Task};

fn spawn_on_napi_runtime(task: Task) {
    napi::bindgen_prelude::spawn(async move {
        let _ = AssertUnwindSafe(task).catch_unwind().await;
    });
}

/// Installs the spawner (idempotent; called by every constructor that may verify).
pub(crate) fn install() {
    background::set_spawner(spawn_on_napi_runtime);
}
