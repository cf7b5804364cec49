#![cfg_attr(test, allow(dead_code))]
//! The `CLERK_*` variables of the process environment in one call. Node's `process.env` reads the C environment
//! (`getenv`) on every property access (≈ 0.1 µs each), and option resolution looks up about twenty names per
//! request, nearly all of them unset; walking the environment once here gives the same values for a fraction of that.
//! On the main thread `process.env` *is* the C environment (Node writes through with `setenv`/`unsetenv`); worker
//! threads have their own copy, so the JS side uses this only on the main thread.

use napi_derive::napi;

/// `[name0, value0, name1, value1, …]` for every environment variable whose name starts with `CLERK_`, in
/// environment order; `null` on platforms where the environment is not read this way (the caller then reads
/// `process.env`).
#[napi]
pub fn clerk_environment() -> Option<Vec<String>> {
    read()
}

#[cfg(all(unix, not(target_os = "macos")))]
fn read() -> Option<Vec<String>> {
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
            return Some(out);
        }
        while !(*entry).is_null() {
            let bytes = CStr::from_ptr(*entry).to_bytes();
            if bytes.starts_with(b"CLERK_") {
                if let Some(eq) = bytes.iter().position(|&b| b == b'=') {
                    out.push(String::from_utf8_lossy(&bytes[..eq]).into_owned());
                    out.push(String::from_utf8_lossy(&bytes[eq + 1..]).into_owned());
                }
            }
            entry = entry.add(1);
        }
    }
    Some(out)
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
fn read() -> Option<Vec<String>> {
    None
}
