//! The JS surface of the verifier (thin: conversion only). Failures come back as data, not exceptions, so that
//! the JS side can raise `TokenVerificationError`s with Clerk's shape (`ts/createTokenVerifier.ts`) or, in the request
//! decision, turn them into a signed-out state without a throw.

use std::sync::Arc;

use napi::bindgen_prelude::*;
use napi_derive::napi;

use clerk_remix_core::authorization_header::{self, Carrier};
use clerk_remix_core::error::{ConfigError, Reason, VerifyError};
use clerk_remix_core::generation::Generation;
use clerk_remix_core::time::now_ms as now_ms_fn;
use clerk_remix_core::token_verifier::{Checked, Verification, Verifier, VerifierSettings};

use crate::panic_guard::guarded;

/// How a `NativeVerifier` finds keys and checks claims. Settings that never change between requests live here,
/// so a request carries only its token across the boundary.
#[napi(object)]
pub struct VerifierOptions {
    /// PEM public key (`CLERK_JWT_KEY`): networkless verification with this one key, whatever the token's kid.
    pub jwt_key: Option<String>,
    /// Secret key (`CLERK_SECRET_KEY`), sent as `Authorization: Bearer` to fetch the JWKS.
    pub secret_key: Option<String>,
    /// Backend API base URL. Default `https://api.clerk.com`; a path prefix is kept.
    pub api_url: Option<String>,
    /// Backend API version path segment. Default `v1`.
    pub api_version: Option<String>,
    /// Allowed clock difference for exp/nbf/iat, in ms. Default 5000.
    pub clock_skew_ms: Option<f64>,
    /// When non-empty, `azp` must be one of these origins.
    pub authorized_parties: Option<Vec<String>>,
    /// When non-empty, an `aud` claim must name one of these.
    pub audience: Option<Vec<String>>,
    /// How long a fetched JWKS is used before it is fetched again, in ms. Default 300000 (5 minutes).
    pub jwks_cache_ttl_ms: Option<f64>,
    /// How long past its TTL the last fetched JWKS keeps verifying while the Backend API cannot be reached, in ms.
    /// Default 3600000 (one hour); 0 = never.
    pub jwks_max_stale_ms: Option<f64>,
    /// The least time between two fetches caused by unknown kids, in ms. Default 30000.
    pub kid_cooldown_ms: Option<f64>,
    /// Total time allowed for one JWKS fetch (connect, headers and body), in ms. Default 5000.
    pub timeout_ms: Option<f64>,
    /// How many verified tokens to keep, so that a repeat costs no RSA operation (claims are re-checked on every
    /// use). Default 4096; 0 turns the cache off.
    pub token_cache_size: Option<f64>,
}

impl From<VerifierOptions> for VerifierSettings {
    fn from(options: VerifierOptions) -> Self {
        VerifierSettings {
            jwt_key: options.jwt_key.unwrap_or_default(),
            secret_key: options.secret_key.unwrap_or_default(),
            api_url: options.api_url.unwrap_or_default(),
            api_version: options.api_version.unwrap_or_default(),
            clock_skew_ms: options.clock_skew_ms,
            authorized_parties: options.authorized_parties.unwrap_or_default(),
            audience: options.audience.unwrap_or_default(),
            jwks_cache_ttl_ms: options.jwks_cache_ttl_ms,
            jwks_max_stale_ms: options.jwks_max_stale_ms,
            kid_cooldown_ms: options.kid_cooldown_ms,
            timeout_ms: options.timeout_ms,
            token_cache_size: cache_size(options.token_cache_size),
            // The Remix entry's `verifyToken`: @clerk/backend 2.x's messages (its rules are 3.x's: a token without
            // `azp` fails `authorizedParties`, an M2M category is no session token; docs/compat.md V8, V9).
            generation: Generation::Backend2,
        }
    }
}

/// A JS number of cache entries; `None` (the default) unless finite and not negative (fractions are cut).
pub(crate) fn cache_size(value: Option<f64>) -> Option<usize> {
    value.filter(|n| n.is_finite() && *n >= 0.0).map(|n| n as usize)
}

/// The Error a constructor throws for a configuration the core refuses.
pub(crate) fn invalid_arg(e: ConfigError) -> Error {
    Error::new(Status::InvalidArg, e.to_string())
}

/// A verification that did not produce claims: `needsFetch` (only from the synchronous calls: the keys are not
/// cached yet, call the asynchronous variant), or a failure with Clerk's kebab-case `reason`, its `message` and
/// `action`. The header variants also carry the `token` found and its `carrier` (`header` or `cookie`), and
/// report their success here too (`ok` with `claims`).
#[napi(object)]
pub struct VerifyOutcome {
    pub ok: bool,
    pub needs_fetch: Option<bool>,
    /// The verified payload as JSON text (claim order kept).
    pub claims: Option<String>,
    pub reason: Option<String>,
    pub message: Option<String>,
    pub action: Option<String>,
    pub token: Option<String>,
    pub carrier: Option<String>,
}

/// What `verifySync` / `verify` return: the verified payload as JSON text (the cheapest thing to hand to JS, and
/// `JSON.parse` keeps claim order), or an outcome that says why not.
pub type ClaimsOrOutcome = Either<String, VerifyOutcome>;

impl VerifyOutcome {
    fn empty() -> Self {
        VerifyOutcome {
            ok: false,
            needs_fetch: None,
            claims: None,
            reason: None,
            message: None,
            action: None,
            token: None,
            carrier: None,
        }
    }

    fn failed(VerifyError { reason, message, action }: VerifyError) -> Self {
        VerifyOutcome {
            reason: Some(reason.as_str().to_owned()),
            message: Some(message),
            action: action.map(str::to_owned),
            ..VerifyOutcome::empty()
        }
    }

    fn with_credentials(mut self, token: String, carrier: Carrier) -> Self {
        self.token = Some(token);
        self.carrier = Some(carrier.as_str().to_owned());
        self
    }

    fn no_token() -> Self {
        VerifyOutcome::failed(VerifyError::new(
            Reason::TokenInvalid,
            "No session token in the Authorization header or the __session cookie.",
        ))
    }
}

impl From<Verification> for VerifyOutcome {
    fn from(verification: Verification) -> Self {
        match verification {
            Checked::Passed(v) => VerifyOutcome { ok: true, claims: Some(v.payload_json), ..VerifyOutcome::empty() },
            Checked::Failed(e) => VerifyOutcome::failed(e),
            Checked::NeedsNetwork => VerifyOutcome { needs_fetch: Some(true), ..VerifyOutcome::empty() },
        }
    }
}

fn claims_or_outcome(verification: Verification) -> ClaimsOrOutcome {
    match verification {
        Checked::Passed(v) => Either::A(v.payload_json),
        other => Either::B(VerifyOutcome::from(other)),
    }
}

/// Verifies Clerk session tokens (RS256/RS384/RS512) with cached keys.
#[napi]
pub struct NativeVerifier {
    inner: Arc<Verifier>,
}

#[napi]
impl NativeVerifier {
    /// Parses the key (or prepares the shared JWKS cache) once. Throws on an unusable `jwtKey`.
    #[napi(constructor, catch_unwind)]
    pub fn new(options: VerifierOptions) -> Result<Self> {
        crate::napi_background::install();
        let verifier = Verifier::new(VerifierSettings::from(options)).map_err(invalid_arg)?;
        Ok(NativeVerifier { inner: Arc::new(verifier) })
    }

    /// Verifies without waiting: the claims JSON from cached keys, or an outcome (`needsFetch: true` when the
    /// keys must be fetched first). `nowMs` (for tests) replaces the clock used for exp/nbf/iat.
    #[napi(catch_unwind)]
    pub fn verify_sync(&self, token: String, now_ms: Option<f64>) -> ClaimsOrOutcome {
        claims_or_outcome(self.inner.verify_now(&token, now_ms.unwrap_or_else(now_ms_fn)))
    }

    /// Verifies, fetching the JWKS first when needed (one fetch per cache, however many callers wait).
    #[napi(ts_return_type = "Promise<string | VerifyOutcome>")]
    pub fn verify<'env>(
        &self,
        env: &'env Env,
        token: String,
        now_ms: Option<f64>,
    ) -> Result<PromiseRaw<'env, ClaimsOrOutcome>> {
        let inner = Arc::clone(&self.inner);
        env.spawn_future(guarded(async move { claims_or_outcome(inner.verify(&token, clock(now_ms)).await) }))
    }

    /// `verifySync` for a request's Authorization and Cookie header values (header first, then `__session`).
    #[napi(catch_unwind)]
    pub fn verify_headers_sync(
        &self,
        authorization: Option<String>,
        cookie: Option<String>,
        now_ms: Option<f64>,
    ) -> VerifyOutcome {
        match authorization_header::session_token(authorization.as_deref(), cookie.as_deref()) {
            None => VerifyOutcome::no_token(),
            Some((token, carrier)) => {
                VerifyOutcome::from(self.inner.verify_now(&token, now_ms.unwrap_or_else(now_ms_fn)))
                    .with_credentials(token, carrier)
            }
        }
    }

    /// `verify` for a request's Authorization and Cookie header values.
    #[napi(ts_return_type = "Promise<VerifyOutcome>")]
    pub fn verify_headers<'env>(
        &self,
        env: &'env Env,
        authorization: Option<String>,
        cookie: Option<String>,
        now_ms: Option<f64>,
    ) -> Result<PromiseRaw<'env, VerifyOutcome>> {
        let inner = Arc::clone(&self.inner);
        let found = authorization_header::session_token(authorization.as_deref(), cookie.as_deref());
        env.spawn_future(guarded(async move {
            match found {
                None => VerifyOutcome::no_token(),
                Some((token, carrier)) => {
                    VerifyOutcome::from(inner.verify(&token, clock(now_ms)).await).with_credentials(token, carrier)
                }
            }
        }))
    }
}

fn clock(fixed: Option<f64>) -> impl Fn() -> f64 {
    move || fixed.unwrap_or_else(now_ms_fn)
}
