//! clerk-remix-native: Clerk session verification for Remix, in Rust.

mod cookie;
mod credentials;
mod error;
#[cfg_attr(not(test), allow(dead_code))]
mod handshake;
mod jwks;
mod jwt;
mod key;
mod napi_test_hooks;
mod napi_verifier;
// Groundwork for the request decision (issue 3): used by its tests until then.
#[cfg_attr(not(test), allow(dead_code))]
mod publishable_key;
// Partly groundwork for the request decision (issue 3): `Cookies` already serves `credentials`.
#[cfg_attr(not(test), allow(dead_code))]
mod request_context;
mod time;
mod verifier;
mod verify;

#[cfg(test)]
mod tests;
