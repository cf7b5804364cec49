//! The `CLERK_*` variables option resolution reads, from the process environment in one call. Node's `process.env`
//! costs a `getenv` plus a JS string per property access (≈ 0.2 µs), and option resolution looks up about twenty
//! names per request, nearly all of them unset; here the names are looked up together, compared with the last
//! answer in place, and handed to JS only when they changed. On the main thread `process.env` *is* the process
//! environment (Node writes through with `setenv`/`SetEnvironmentVariableW`); worker threads have their own copy, so
//! the JS side uses this only on the main thread.
//!
//! On Unix the environment is read in one pass over `environ` (each entry's name matched against the watched ones,
//! the first entry of a name winning, as `getenv` answers): a `getenv` per name scans the whole environment each
//! time, fifty-odd scans per request, which made this check most of option resolution's cost. Elsewhere (Windows)
//! each name goes through `std::env::var_os`.

use std::collections::HashMap;
use std::ffi::OsString;
use std::sync::Mutex;

use napi_derive::napi;

struct Watched {
    names: Vec<String>,
    values: Vec<Option<OsString>>,
    generation: u32,
    /// The one-pass lookup, made on first use after `watch_environment`.
    index: Option<NameIndex>,
    /// Per pass: whether a name's first entry was met already.
    seen: Vec<bool>,
}

/// Watched name → its index in `names`, behind a filter that turns most other names away without hashing them: their
/// first byte or their length is no watched name's.
struct NameIndex {
    map: HashMap<Vec<u8>, usize>,
    /// `(index, index of the first equal name)` for a name watched twice: it gets the first one's value.
    duplicates: Vec<(usize, usize)>,
    first_bytes: [bool; 256],
    /// Bit `n` set: a watched name is `n` bytes long (names of 128 bytes or more are always looked up).
    lengths: u128,
    longest: usize,
}

impl NameIndex {
    fn new(names: &[String]) -> Self {
        let mut index = NameIndex {
            map: HashMap::with_capacity(names.len()),
            duplicates: Vec::new(),
            first_bytes: [false; 256],
            lengths: 0,
            longest: 0,
        };
        for (i, name) in names.iter().enumerate() {
            let bytes = name.as_bytes();
            let first = *index.map.entry(bytes.to_vec()).or_insert(i);
            if first != i {
                index.duplicates.push((i, first));
            }
            if let Some(&b) = bytes.first() {
                index.first_bytes[b as usize] = true;
            }
            index.lengths |= 1u128.checked_shl(bytes.len() as u32).unwrap_or(0);
            index.longest = index.longest.max(bytes.len());
        }
        index
    }

    fn get(&self, name: &[u8]) -> Option<usize> {
        let first = *name.first()?;
        if !self.first_bytes[first as usize] || (name.len() < 128 && self.lengths & (1u128 << name.len()) == 0) {
            return None;
        }
        self.map.get(name).copied()
    }
}

static WATCHED: Mutex<Watched> =
    Mutex::new(Watched { names: Vec::new(), values: Vec::new(), generation: 0, index: None, seen: Vec::new() });

fn watched() -> std::sync::MutexGuard<'static, Watched> {
    WATCHED.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Brings `values` up to date with the process environment; true when one of them changed. The values are compared
/// in place: nothing is allocated unless a value changed.
#[cfg(unix)]
fn refresh(w: &mut Watched) -> bool {
    use std::os::unix::ffi::{OsStrExt, OsStringExt};
    let Watched { names, values, index, seen, .. } = w;
    let index = index.get_or_insert_with(|| NameIndex::new(names));
    let longest = index.longest;
    seen.clear();
    seen.resize(names.len(), false);
    let mut changed = false;
    // SAFETY: as `getenv`, which `std::env::var_os` calls: this runs on Node's main thread, the thread that writes the
    // process environment (`process.env`); entries are NUL-terminated strings, the array is NULL-terminated.
    unsafe {
        raw::for_each_entry(|entry| {
            // The name: the bytes before the first `=` (no longer than the longest watched name, or it is not one).
            let mut len = 0;
            loop {
                let b = *entry.add(len);
                if b == b'=' {
                    break;
                }
                if b == 0 || len > longest {
                    return;
                }
                len += 1;
            }
            let name = std::slice::from_raw_parts(entry, len);
            let Some(i) = index.get(name) else { return };
            if seen[i] {
                return;
            }
            seen[i] = true;
            let value = std::ffi::CStr::from_ptr(entry.add(len + 1).cast()).to_bytes();
            if values[i].as_deref().map(OsStrExt::as_bytes) != Some(value) {
                values[i] = Some(OsString::from_vec(value.to_vec()));
                changed = true;
            }
        });
    }
    // A name watched twice takes the first one's value below, whether or not it was met.
    for &(i, _) in &index.duplicates {
        seen[i] = true;
    }
    for (value, &met) in values.iter_mut().zip(seen.iter()) {
        if !met && value.is_some() {
            *value = None;
            changed = true;
        }
    }
    for &(i, first) in &index.duplicates {
        if values[i] != values[first] {
            values[i] = values[first].clone();
            changed = true;
        }
    }
    changed
}

#[cfg(not(unix))]
fn refresh(w: &mut Watched) -> bool {
    let mut changed = false;
    for (name, last) in w.names.iter().zip(w.values.iter_mut()) {
        let now = std::env::var_os(name);
        if now != *last {
            *last = now;
            changed = true;
        }
    }
    changed
}

#[cfg(unix)]
mod raw {
    use std::ffi::c_char;

    #[cfg(not(target_vendor = "apple"))]
    extern "C" {
        static environ: *const *const c_char;
    }
    #[cfg(target_vendor = "apple")]
    extern "C" {
        fn _NSGetEnviron() -> *mut *const *const c_char;
    }

    /// Calls `f` with a pointer to each `NAME=value` entry of the process environment (a NUL-terminated string), in
    /// order.
    ///
    /// # Safety
    /// No other thread may change the environment meanwhile (the same condition as `getenv`).
    pub(super) unsafe fn for_each_entry(mut f: impl FnMut(*const u8)) {
        #[cfg(not(target_vendor = "apple"))]
        let mut entry = environ;
        #[cfg(target_vendor = "apple")]
        let mut entry = *_NSGetEnviron();
        if entry.is_null() {
            return;
        }
        while !(*entry).is_null() {
            f((*entry).cast());
            entry = entry.add(1);
        }
    }
}

/// Sets the variable names that {@link clerkEnvironment} and {@link clerkEnvironmentGeneration} cover.
#[napi]
pub fn watch_environment(names: Vec<String>) {
    let mut w = watched();
    w.values = vec![None; names.len()];
    w.names = names;
    w.index = None;
    refresh(&mut w);
    w.generation = w.generation.wrapping_add(1);
}

/// A number that changes whenever one of the watched variables changes: the caller asks `clerkEnvironment()` again
/// only when it differs from the last one. The lookups are compared with the last ones without copying them.
#[napi]
pub fn clerk_environment_generation() -> u32 {
    let mut w = watched();
    if refresh(&mut w) {
        w.generation = w.generation.wrapping_add(1);
    }
    w.generation
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
