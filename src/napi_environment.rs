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
    let block = read()?;
    Some(String::from_utf8_lossy(&block).into_owned())
}

/// A number that changes whenever the `CLERK_*` entries of the environment change (it is the count of changes this
/// process has seen): the caller asks `clerkEnvironment()` again only when it differs from the last one. Comparing
/// the entries in place costs a walk of the environment and no allocation; `null` where `clerkEnvironment()` is.
#[napi]
pub fn clerk_environment_generation() -> Option<u32> {
    use std::sync::Mutex;
    static LAST: Mutex<(Vec<u8>, u32)> = Mutex::new((Vec::new(), 0));
    let mut last = LAST.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let (block, generation) = &mut *last;
    if !same_as(block)? {
        *block = read()?;
        *generation = generation.wrapping_add(1);
    }
    Some(*generation)
}

/// Calls `f` with each environment entry (`NAME=value` bytes) whose name starts with `CLERK_`, in order.
#[cfg(all(unix, not(target_os = "macos")))]
fn for_each_clerk_entry(mut f: impl FnMut(&[u8])) -> Option<()> {
    use std::ffi::{c_char, CStr};

    extern "C" {
        static environ: *const *const c_char;
    }
    // SAFETY: `environ` is a NULL-terminated array of NUL-terminated strings, read here on the main JS thread, which
    // is where Node's `process.env` writes happen; the addon's own threads never write it. The prefix is compared
    // byte by byte before the length is taken, so no read passes an entry's NUL. Not covered: a thread that changes
    // the environment at the same moment (a worker started with `env: SHARE_ENV` writing `process.env`, or native
    // code calling `setenv`) could free the array under this walk. Node's own mutex cannot be taken from an addon;
    // such writes are already unsafe in any Node process, whose libuv threads read the environment without that
    // mutex (`getaddrinfo`, `localtime`), so this adds no new kind of hazard.
    unsafe {
        let mut entry = environ;
        if entry.is_null() {
            return Some(());
        }
        while !(*entry).is_null() {
            let start = (*entry).cast::<u8>();
            if (0..6).all(|i| *start.add(i) == b"CLERK_"[i]) {
                let bytes = CStr::from_ptr(*entry).to_bytes();
                if bytes.contains(&b'=') {
                    f(bytes);
                }
            }
            entry = entry.add(1);
        }
    }
    Some(())
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
fn for_each_clerk_entry(_f: impl FnMut(&[u8])) -> Option<()> {
    None
}

/// The `CLERK_*` entries, each followed by a NUL.
fn read() -> Option<Vec<u8>> {
    let mut out = Vec::new();
    for_each_clerk_entry(|bytes| {
        out.extend_from_slice(bytes);
        out.push(0);
    })?;
    Some(out)
}

/// Whether the environment's `CLERK_*` entries are exactly `block` (as `read` made it), without copying them.
fn same_as(block: &[u8]) -> Option<bool> {
    let mut at = 0;
    let mut same = true;
    for_each_clerk_entry(|bytes| {
        let end = at + bytes.len();
        same = same && block.get(at..end) == Some(bytes) && block.get(end) == Some(&0);
        at = end + 1;
    })?;
    Some(same && at == block.len())
}
