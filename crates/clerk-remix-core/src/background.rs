//! Work that runs off the request path (the JWKS refresh ahead of its TTL), and the one line a background failure
//! may log. The core has no runtime of its own: inside a Tokio runtime a task is spawned there; otherwise on the
//! spawner the embedding installed (the addon hands in napi's runtime), and with neither the task is not run (the
//! caller then falls back to fetching on the request path).

use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;

pub type Task = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

static SPAWNER: OnceLock<fn(Task)> = OnceLock::new();
static LOGGER: OnceLock<fn(&str)> = OnceLock::new();

/// Installs the spawner used outside a Tokio runtime (the first call wins).
pub fn set_spawner(spawner: fn(Task)) {
    let _ = SPAWNER.set(spawner);
}

/// Installs where background log lines go (the first call wins; default: standard error).
pub fn set_logger(logger: fn(&str)) {
    let _ = LOGGER.set(logger);
}

/// Runs `task` in the background. `false` when there is nowhere to run it.
pub fn spawn(task: impl Future<Output = ()> + Send + 'static) -> bool {
    if let Ok(handle) = tokio::runtime::Handle::try_current() {
        handle.spawn(task);
        true
    } else if let Some(spawner) = SPAWNER.get() {
        spawner(Box::pin(task));
        true
    } else {
        false
    }
}

/// One log line about background work (never a secret: callers name URLs and reasons only).
pub fn log(line: &str) {
    match LOGGER.get() {
        Some(logger) => logger(line),
        None => eprintln!("{line}"),
    }
}
