//! clerk-remix-native: Clerk session verification and Clerk's request decision for Remix, in Rust.

mod authenticate;
mod bapi;
mod cookie;
mod credentials;
mod error;
mod handshake;
mod http;
mod jwks;
mod jwt;
mod key;
mod napi_authenticator;
mod napi_environment;
mod napi_test_hooks;
mod napi_verifier;
mod publishable_key;
mod request_context;
mod search_params;
mod time;
mod token_cache;
mod verifier;
mod verify;

#[cfg(test)]
mod tests;
