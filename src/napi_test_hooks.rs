//! Test hooks that prove a Rust panic surfaces in Node as a JS error (sync) or a rejected Promise (async), never as
//! a crashed process (__test__/panic.test.mjs). Compiled only with the `test-hooks` cargo feature, which
//! `npm run build` never enables; even then inert unless `CLERK_REMIX_NATIVE_TEST_HOOKS=1` is set.

// A Rust test build registers no napi functions, so these look unused there.
#![cfg_attr(test, allow(dead_code))]

use napi::bindgen_prelude::*;
use napi_derive::napi;

fn hooks_enabled() -> Result<()> {
    if std::env::var("CLERK_REMIX_NATIVE_TEST_HOOKS").as_deref() == Ok("1") {
        Ok(())
    } else {
        Err(Error::new(Status::GenericFailure, "test hooks are disabled"))
    }
}

/// Panics inside a synchronous call (test hook).
#[napi(catch_unwind)]
pub fn panic_for_tests() -> Result<()> {
    hooks_enabled()?;
    panic!("panic_for_tests");
}

/// Panics inside a future on the shared runtime (test hook).
#[napi(ts_return_type = "Promise<void>")]
pub fn panic_for_tests_async(env: &Env) -> Result<PromiseRaw<'_, ()>> {
    hooks_enabled()?;
    env.spawn_future(crate::panic_guard::guarded(async { panic!("panic_for_tests_async") }))
}
