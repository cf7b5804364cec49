#![cfg_attr(test, allow(dead_code))]
//! The `CLERK_*` variables of the process environment in one call. Node's `process.env` reads the C environment
//! (`getenv`) on every property access (≈ 0.1 µs each), and option resolution looks up about twenty names per
//! request, nearly all of them unset; walking the environment once here gives the same values for a fraction of that.
//! On the main thread `process.env` *is* the C environment (Node writes through with `setenv`/`unsetenv`); worker
//! threads have their own copy, so the JS side uses this only on the main thread.

use napi_derive::napi;

/// Every environment variable whose name starts with `CLERK_`, in environment order, as `NAME=value` entries each
/// followed by a NUL (which no environment entry can contain): one string, the cheapest thing to hand over and to
/// compare with the previous answer. `null` on platforms where the environment is not read this way (the caller
/// then reads `process.env`).
#[napi]
pub fn clerk_environment() -> Option<String> {
    read()
}

#[cfg(all(unix, not(target_os = "macos")))]
fn read() -> Option<String> {
    use std::ffi::{c_char, CStr};

    extern "C" {
        static environ: *const *const c_char;
    }
    let mut out = Vec::new();
    // SAFETY: `environ` is a NULL-terminated array of NUL-terminated strings. It is read on the JS thread, the only
    // thread that changes the environment (Node's `process.env` writes); the addon's own threads never do.
    unsafe {
        let mut entry = environ;
        if entry.is_null() {
            return Some(String::new());
        }
        while !(*entry).is_null() {
            let bytes = CStr::from_ptr(*entry).to_bytes();
            if bytes.starts_with(b"CLERK_") && bytes.contains(&b'=') {
                out.extend_from_slice(bytes);
                out.push(0);
            }
            entry = entry.add(1);
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
fn read() -> Option<String> {
    None
}
