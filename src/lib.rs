//! clerk-remix-native: the napi binding of Clerk session verification and Clerk's request decision for Remix. The
//! logic is the `clerk_remix_core` crate (crates/clerk-remix-core); this crate converts napi objects into its
//! settings types and its answers back, one place per type (`napi_verifier`, `napi_authenticator`), and turns a
//! Rust panic into a JS error (`panic_guard`).

// The `#[napi]` functions are called from JavaScript only: the crate's own test build sees them as unused.
#![cfg_attr(test, allow(dead_code))]

mod napi_authenticator;
mod napi_backend_api;
mod napi_background;
mod napi_environment;
#[cfg(feature = "test-hooks")]
mod napi_test_hooks;
mod napi_verifier;
mod panic_guard;
