//! The `CLERK_*` variables option resolution reads, from the process environment in one call. The JS side names the
//! variables to watch as requests first read them (`ts/core/loadOptions.ts`), so the lookup covers what this app
//! reads — about twenty names for a configured app — not every name either entry could read. Node's `process.env`
//! costs a `getenv` plus a JS string per property access (≈ 0.2 µs), and option resolution looks up about twenty
//! names per request, nearly all of them unset; here the names are looked up together, compared with the last
//! answer in place, and handed to JS only when they changed. On the main thread `process.env` *is* the process
//! environment (Node writes through with `setenv`/`SetEnvironmentVariableW`); worker threads have their own copy, so
//! the JS side uses this only on the main thread. Lookups go through `std::env::var_os` (the standard library's
//! environment lock and the platform's own `getenv`), the same on every platform.

use std::ffi::OsString;
use std::sync::Mutex;

use napi_derive::napi;

struct Watched {
    names: Vec<String>,
    values: Vec<Option<OsString>>,
    generation: u32,
}

static WATCHED: Mutex<Watched> = Mutex::new(Watched { names: Vec::new(), values: Vec::new(), generation: 0 });

fn watched() -> std::sync::MutexGuard<'static, Watched> {
    WATCHED.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Sets the variable names that {@link clerkEnvironment} and {@link clerkEnvironmentGeneration} cover.
#[napi]
pub fn watch_environment(names: Vec<String>) {
    let mut w = watched();
    w.values = names.iter().map(std::env::var_os).collect();
    w.names = names;
    w.generation = w.generation.wrapping_add(1);
}

/// A number that changes whenever one of the watched variables changes: the caller asks `clerkEnvironment()` again
/// only when it differs from the last one. The lookups are compared with the last ones without copying them.
#[napi]
pub fn clerk_environment_generation() -> u32 {
    let mut w = watched();
    let Watched { names, values, generation } = &mut *w;
    let mut changed = false;
    for (name, last) in names.iter().zip(values.iter_mut()) {
        let now = std::env::var_os(name);
        if now != *last {
            *last = now;
            changed = true;
        }
    }
    if changed {
        *generation = generation.wrapping_add(1);
    }
    *generation
}

/// The watched variables that are set, as `NAME=value` entries each followed by a NUL (which no environment entry can
/// contain), in the order they were named. A value that is not Unicode is passed lossily, as Node's `process.env`
/// does.
#[napi]
pub fn clerk_environment() -> String {
    let w = watched();
    let mut out = String::new();
    for (name, value) in w.names.iter().zip(&w.values) {
        if let Some(value) = value {
            out.push_str(name);
            out.push('=');
            out.push_str(&value.to_string_lossy());
            out.push('\0');
        }
    }
    out
}
