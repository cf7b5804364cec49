//! A Rust panic must reach JS as an Error (a rejected Promise for the asynchronous calls), never unwind through the
//! runtime or abort the process. The synchronous calls get this from `#[napi(catch_unwind)]`; every future handed
//! to `Env::spawn_future` goes through `guarded`.

use std::future::Future;
use std::panic::AssertUnwindSafe;

use futures_util::FutureExt;
use napi::{Error, Result, Status};

/// The message of the Error a caught panic becomes.
pub const PANIC_MESSAGE: &str = "clerk-remix-native: internal error (a Rust panic was caught)";

/// A future panicked (its payload is dropped: it may hold anything, and no secret should reach a message).
#[derive(Debug, PartialEq, Eq)]
pub struct Panicked;

/// The future's output, or `Panicked` when polling it panicked.
pub async fn catch_panic<T>(fut: impl Future<Output = T>) -> std::result::Result<T, Panicked> {
    AssertUnwindSafe(fut).catch_unwind().await.map_err(|_| Panicked)
}

/// A panic inside the future becomes a rejected Promise instead of unwinding through the runtime.
pub async fn guarded<T>(fut: impl Future<Output = T>) -> Result<T> {
    catch_panic(fut).await.map_err(|Panicked| Error::new(Status::GenericFailure, PANIC_MESSAGE))
}

// The tests stay clear of `napi::Error` values: dropping one calls into Node, which a test binary does not link.
// __test__/panic.test.mjs covers `guarded` and `#[napi(catch_unwind)]` inside Node.
#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::task::{Context, Poll};

    use futures_util::FutureExt;

    use super::{catch_panic, Panicked};

    #[test]
    fn a_panicking_future_is_caught() {
        let caught = catch_panic(async { panic!("panic_guard test panic") }).now_or_never();
        assert_eq!(caught, Some(Err::<(), _>(Panicked)));
    }

    #[test]
    fn a_future_that_finishes_is_passed_through() {
        assert_eq!(catch_panic(async { 7 }).now_or_never(), Some(Ok(7)));
    }

    #[test]
    fn a_panic_on_a_later_poll_is_caught_too() {
        let mut polled = false;
        let fut = std::future::poll_fn(move |cx| {
            if polled {
                panic!("second poll");
            }
            polled = true;
            cx.waker().wake_by_ref();
            Poll::<()>::Pending
        });
        let mut caught = Box::pin(catch_panic(fut));
        let waker = futures_util::task::noop_waker();
        let mut cx = Context::from_waker(&waker);
        assert!(caught.as_mut().poll(&mut cx).is_pending());
        assert_eq!(caught.as_mut().poll(&mut cx), Poll::Ready(Err(Panicked)));
    }
}
