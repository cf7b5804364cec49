//! Unit tests (the crate is a cdylib, so they live here rather than in `tests/`). Vectors are read from
//! `src/tests/vectors/` (sources and licences in its README); see `util::VECTORS`.

mod attacks;
mod authenticate;
mod claims;
mod cookie_parse;
mod credentials_jwks;
mod handshake;
mod publishable_key;
mod request_context;
mod rfc_vectors;
mod token_cache;
mod util;
mod verifier_e2e;
mod wycheproof_jwk;
mod wycheproof_jws;
mod wycheproof_rsa;
