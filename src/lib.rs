//! clerk-remix-native: Clerk session verification for Remix, in Rust.

mod cookie;
mod credentials;
mod error;
mod jwks;
mod jwt;
mod key;
mod napi_test_hooks;
mod napi_verifier;
mod time;
mod verifier;
mod verify;

#[cfg(test)]
mod tests;
