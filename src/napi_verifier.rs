//! The JS surface of the verifier (thin: conversion only). Failures come back as data, not exceptions, so that
//! the JS side can raise `TokenVerificationError`s with Clerk's shape (`ts/createTokenVerifier.ts`) or, in the request
//! decision, turn them into a signed-out state without a throw.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt;
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::credentials::{self, Carrier};
use crate::error::{VerifyError, VerifyResult};
use crate::jwks::{JwksConfig, RemoteJwks, DEFAULT_API_URL};
use crate::key::RsaKey;
use crate::time::now_ms as now_ms_fn;
use crate::token_cache::{TokenCache, DEFAULT_CAPACITY};
use crate::verifier::{Attempt, KeySource, Verified, Verifier};
use crate::verify::ClaimRules;

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
    /// The least time between two fetches caused by unknown kids, in ms. Default 30000.
    pub kid_cooldown_ms: Option<f64>,
    /// Total time allowed for one JWKS fetch (connect, headers and body), in ms. Default 5000.
    pub timeout_ms: Option<f64>,
    /// How many verified tokens to keep, so that a repeat costs no RSA operation (claims are re-checked on every
    /// use). Default 4096; 0 turns the cache off.
    pub token_cache_size: Option<f64>,
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

    fn needs_fetch() -> Self {
        VerifyOutcome { needs_fetch: Some(true), ..VerifyOutcome::empty() }
    }

    fn failed(VerifyError { reason, message, action }: VerifyError) -> Self {
        VerifyOutcome {
            reason: Some(reason.as_str().to_owned()),
            message: Some(message),
            action: action.map(str::to_owned),
            ..VerifyOutcome::empty()
        }
    }

    fn from_result(result: VerifyResult<Verified>) -> Self {
        match result {
            Ok(v) => VerifyOutcome { ok: true, claims: Some(v.payload_json), ..VerifyOutcome::empty() },
            Err(e) => VerifyOutcome::failed(e),
        }
    }

    fn with_credentials(mut self, token: String, carrier: Carrier) -> Self {
        self.token = Some(token);
        self.carrier = Some(carrier.as_str().to_owned());
        self
    }

    fn no_token() -> Self {
        VerifyOutcome::failed(VerifyError::new(
            crate::error::Reason::TokenInvalid,
            "No session token in the Authorization header or the __session cookie.",
        ))
    }
}

fn claims_or_outcome(result: VerifyResult<Verified>) -> ClaimsOrOutcome {
    match result {
        Ok(v) => Either::A(v.payload_json),
        Err(e) => Either::B(VerifyOutcome::failed(e)),
    }
}

/// The key source and claim rules of `options`. Throws on an unusable `jwtKey`.
pub(crate) fn build_verifier(options: VerifierOptions) -> Result<Verifier> {
    let rules = ClaimRules {
        clock_skew_ms: options
            .clock_skew_ms
            .filter(|v| v.is_finite() && *v > 0.0)
            .unwrap_or(crate::verify::DEFAULT_CLOCK_SKEW_MS),
        authorized_parties: options
            .authorized_parties
            .unwrap_or_default()
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect(),
        audience: options.audience.unwrap_or_default().into_iter().filter(|a| !a.is_empty()).collect(),
    };
    let keys = if let Some(pem) = options.jwt_key.filter(|k| !k.trim().is_empty()) {
        let key = RsaKey::from_pem(&pem)
            .map_err(|why| Error::new(Status::InvalidArg, format!("CLERK_JWT_KEY / jwtKey cannot be used: {why}.")))?;
        KeySource::Local(Arc::new(key))
    } else if let Some(secret) = options.secret_key.filter(|k| !k.is_empty()) {
        let mut config =
            JwksConfig::new(options.api_url.as_deref().filter(|u| !u.is_empty()).unwrap_or(DEFAULT_API_URL), &secret);
        if let Some(version) = options.api_version.filter(|v| !v.is_empty()) {
            config.api_version = version;
        }
        config.ttl = ms(options.jwks_cache_ttl_ms, config.ttl);
        config.kid_cooldown = ms(options.kid_cooldown_ms, config.kid_cooldown);
        config.timeout = ms(options.timeout_ms, config.timeout);
        KeySource::Remote(RemoteJwks::shared(config))
    } else {
        KeySource::Unresolvable
    };
    let capacity =
        options.token_cache_size.filter(|n| n.is_finite() && *n >= 0.0).map_or(DEFAULT_CAPACITY, |n| n as usize);
    Ok(Verifier { keys, rules, cache: TokenCache::new(capacity).map(Arc::new) })
}

/// Verifies Clerk session tokens (RS256/RS384/RS512) with cached keys.
#[napi]
pub struct NativeVerifier {
    inner: Arc<Verifier>,
}

fn ms(value: Option<f64>, default: Duration) -> Duration {
    match value {
        Some(v) if v.is_finite() && v >= 0.0 => Duration::from_secs_f64(v / 1000.0),
        _ => default,
    }
}

#[napi]
impl NativeVerifier {
    /// Parses the key (or prepares the shared JWKS cache) once. Throws on an unusable `jwtKey`.
    #[napi(constructor, catch_unwind)]
    pub fn new(options: VerifierOptions) -> Result<Self> {
        Ok(NativeVerifier { inner: Arc::new(build_verifier(options)?) })
    }

    /// Verifies without waiting: the claims JSON from cached keys, or an outcome (`needsFetch: true` when the
    /// keys must be fetched first). `nowMs` (for tests) replaces the clock used for exp/nbf/iat.
    #[napi(catch_unwind)]
    pub fn verify_sync(&self, token: String, now_ms: Option<f64>) -> ClaimsOrOutcome {
        match self.inner.verify_now(&token, now_ms.unwrap_or_else(now_ms_fn)) {
            Attempt::Done(result) => claims_or_outcome(result),
            Attempt::NeedsFetch => Either::B(VerifyOutcome::needs_fetch()),
        }
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
        match credentials::session_token(authorization.as_deref(), cookie.as_deref()) {
            None => VerifyOutcome::no_token(),
            Some((token, carrier)) => attempt(&self.inner, &token, now_ms).with_credentials(token, carrier),
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
        let found = credentials::session_token(authorization.as_deref(), cookie.as_deref());
        env.spawn_future(guarded(async move {
            match found {
                None => VerifyOutcome::no_token(),
                Some((token, carrier)) => VerifyOutcome::from_result(inner.verify(&token, clock(now_ms)).await)
                    .with_credentials(token, carrier),
            }
        }))
    }
}

fn attempt(verifier: &Verifier, token: &str, now: Option<f64>) -> VerifyOutcome {
    match verifier.verify_now(token, now.unwrap_or_else(now_ms_fn)) {
        Attempt::Done(result) => VerifyOutcome::from_result(result),
        Attempt::NeedsFetch => VerifyOutcome::needs_fetch(),
    }
}

fn clock(fixed: Option<f64>) -> impl Fn() -> f64 {
    move || fixed.unwrap_or_else(now_ms_fn)
}

/// A panic inside the future becomes a rejected Promise instead of unwinding through the runtime.
pub(crate) async fn guarded<T>(fut: impl std::future::Future<Output = T>) -> Result<T> {
    AssertUnwindSafe(fut)
        .catch_unwind()
        .await
        .map_err(|_| Error::new(Status::GenericFailure, "clerk-remix-native: internal error (a Rust panic was caught)"))
}
