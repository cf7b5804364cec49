//! clerk-remix-core: Clerk session verification and Clerk's request decision (`@clerk/backend`'s
//! `authenticateRequest`), in plain Rust. No napi and no JS types: the addon's binding crate converts its napi
//! objects into the settings types here (`VerifierSettings`, `AuthenticatorSettings`, `RequestParts`) and the
//! answers (`Verification`, `Decision`) back.
//!
//! The pieces, in the order a request meets them:
//! * `clerk_request`: what Clerk reads from a request (`clerkUrl`, the Cookie header, the suffixed-cookie choice);
//!   `authorization_header`: the token of the Authorization header; `cookie`, `search_params`: the parsers beneath.
//! * `jwt`: strict decoding of a compact JWS; `key`: RSA keys and their policy; `claims`: Clerk's claim rules;
//!   `token_kind`: what a JWT says it is before it is verified (its `cat` category, the marks of a machine JWT).
//! * `token_verifier`: one configured verifier (key source, claim rules, token cache); `jwks`: the remote key set;
//!   `token_cache`: tokens that verified.
//! * `origin`: the app's own origin (pinned, or from proxy headers that pass a syntax check) and where a development
//!   primary may send a browser back to; `cache_control`: the `Cache-Control` of responses carrying Clerk's state.
//! * `authenticate`: the request decision; `handshake`, `bapi`: its redirect and its Backend API calls;
//!   `publishable_key`: the instance a key names.
//! * `clerk_api`, `http`: the Backend API's constants and the HTTP client; `error`, `time`: Clerk's failure reasons
//!   and JavaScript's date text.

pub mod authenticate;
pub mod authorization_header;
pub mod background;
pub mod bapi;
pub mod cache_control;
pub mod claims;
pub mod clerk_api;
pub mod clerk_request;
pub mod cookie;
pub mod error;
pub mod generation;
pub mod handshake;
pub mod http;
pub mod jwks;
pub mod jwt;
pub mod key;
pub mod machine_token;
pub mod origin;
pub mod publishable_key;
pub mod search_params;
pub mod time;
pub mod token_cache;
pub mod token_kind;
pub mod token_verifier;

#[cfg(any(test, feature = "testkit"))]
pub mod testkit;

/// The URL type of the API (`clerk_request::clerk_url`, `clerk_request::read_inputs`).
pub use reqwest::Url;

#[cfg(test)]
mod tests;
