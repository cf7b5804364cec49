//! Unit tests of the core (inside the crate: several read private items). Vectors are read from the crate's
//! `tests/vectors/` (sources and licences in its README); see `util::VECTORS`. Key pairs and signed tokens come from
//! `crate::testkit`.

mod attacks;
mod authenticate;
mod authorization_header_jwks;
mod backend_api;
mod claim_rules;
mod clerk_request;
mod cookie_parse;
mod handshake;
mod jwk_members;
mod jwks_resilience;
mod machine_token;
mod origin;
mod publishable_key;
mod rfc_vectors;
mod settings;
mod token_cache;
mod token_kinds;
mod util;
mod verifier_e2e;
mod wycheproof_jwk;
mod wycheproof_jws;
mod wycheproof_rsa;
