//! The JS surface of the request decision (thin: conversion only). One `NativeAuthenticator` per resolved option
//! set; one call per request: `authenticateValues` answers from cached keys without waiting, or says
//! `needsNetwork`, and `authenticate` may fetch.

use std::sync::Arc;

use napi::bindgen_prelude::*;
use napi_derive::napi;

use clerk_remix_core::authenticate::{
    AuthStatus, Authenticator, AuthenticatorSettings, Decision, Outcome, RequestState,
};
use std::sync::atomic::{AtomicI64, Ordering};

use clerk_remix_core::cache_control;
use clerk_remix_core::clerk_request::{clerk_url, RequestParts, Routing};
use clerk_remix_core::generation::Generation;
use clerk_remix_core::origin::{parse_allowed_origins, parse_app_origin};
use clerk_remix_core::token_verifier::{NeedsNetwork, Network};

use crate::napi_verifier::{cache_size, invalid_arg};
use crate::panic_guard::guarded;

/// The resolved options of `rootAuthLoader` / `getAuth` that the decision reads.
#[napi(object)]
pub struct AuthenticatorOptions {
    pub secret_key: String,
    pub publishable_key: String,
    /// PEM public key (`CLERK_JWT_KEY`): networkless verification with this one key.
    pub jwt_key: Option<String>,
    /// Backend API base URL (`CLERK_API_URL` or derived from the publishable key).
    pub api_url: String,
    /// Default `v1`.
    pub api_version: Option<String>,
    pub sign_in_url: Option<String>,
    /// When non-empty, an `aud` claim must name one of these.
    pub audience: Option<Vec<String>>,
    /// When non-empty, `azp` must be one of these origins.
    pub authorized_parties: Option<Vec<String>>,
    /// `User-Agent` of the handshake-payload and refresh calls. Default `clerk-remix-native/<version>`.
    pub user_agent: Option<String>,
    /// How many verified tokens to keep (claims are re-checked on every use). Default 4096; 0 turns it off.
    pub token_cache_size: Option<f64>,
    /// Which `@clerk/backend` the decision follows: 2 (default; the Remix entry) or 3 (the React Router entry).
    pub clerk_backend: Option<u32>,
    /// `CLERK_MACHINE_SECRET_KEY`: checks opaque M2M tokens instead of the secret key (React Router entry).
    pub machine_secret_key: Option<String>,
    /// `appOrigin` / `CLERK_APP_ORIGIN`: the app's origin, pinned (proxy headers are then not read).
    pub app_origin: Option<String>,
    /// `allowedRedirectOrigins` / `CLERK_ALLOWED_REDIRECT_ORIGINS`: where a development primary may send a
    /// satellite's browser back to, besides its own origin.
    pub allowed_redirect_origins: Option<Vec<String>>,
}

impl From<AuthenticatorOptions> for AuthenticatorSettings {
    fn from(options: AuthenticatorOptions) -> Self {
        AuthenticatorSettings {
            secret_key: options.secret_key,
            machine_secret_key: options.machine_secret_key.unwrap_or_default(),
            publishable_key: options.publishable_key,
            jwt_key: options.jwt_key.unwrap_or_default(),
            api_url: options.api_url,
            api_version: options.api_version.unwrap_or_default(),
            sign_in_url: options.sign_in_url.unwrap_or_default(),
            audience: options.audience.unwrap_or_default(),
            authorized_parties: options.authorized_parties.unwrap_or_default(),
            user_agent: options.user_agent.unwrap_or_default(),
            token_cache_size: cache_size(options.token_cache_size),
            generation: Generation::from_major(options.clerk_backend.unwrap_or(2)),
            app_origin: options.app_origin.unwrap_or_default(),
            allowed_redirect_origins: options.allowed_redirect_origins.unwrap_or_default(),
        }
    }
}

/// What the decision reads from a request (header values as sent; absent when the header is absent).
#[napi(object)]
pub struct RequestInput {
    pub url: String,
    pub method: String,
    pub cookie: Option<String>,
    pub authorization: Option<String>,
    pub host: Option<String>,
    /// `x-forwarded-host`.
    pub forwarded_host: Option<String>,
    /// `x-forwarded-proto`.
    pub forwarded_proto: Option<String>,
    pub origin: Option<String>,
    pub referer: Option<String>,
    /// `sec-fetch-dest`.
    pub sec_fetch_dest: Option<String>,
    pub accept: Option<String>,
    /// JSON text `{name: [value]}` of all request headers: sent with a session refresh, as Clerk does.
    pub headers_json: Option<String>,
    /// The satellite domain for this request (options may be functions of the request).
    pub domain: Option<String>,
    pub is_satellite: Option<bool>,
    /// Absolute proxy URL for this request (a relative `proxyUrl` resolves against the request's host).
    pub proxy_url: Option<String>,
}

/// A console line Clerk prints during the decision: `console[level](message, detail)`.
#[napi(object)]
pub struct LogEntry {
    /// `log` or `error`.
    pub level: String,
    pub message: String,
    pub detail: Option<String>,
}

/// The request state (`status` `signed-in` / `signed-out` / `handshake`, Clerk's `reason` and `message`), or the
/// message of the Error Clerk throws (`error`), or — from `authenticateValues` only — `needsNetwork`.
#[napi(object)]
pub struct RequestOutcome {
    pub needs_network: bool,
    pub error: Option<String>,
    /// The kind of Error Clerk throws: `Error`, or `TypeError` where its `new URL(…)` fails.
    pub error_name: Option<String>,
    pub status: String,
    pub reason: Option<String>,
    pub message: Option<String>,
    /// The verified session token (signed in).
    pub token: Option<String>,
    /// The verified payload as JSON text (signed in; claim order kept).
    pub claims: Option<String>,
    /// Response headers, flat: `[name0, value0, name1, value1, …]` in append order; `set-cookie` may repeat.
    pub headers: Vec<String>,
    pub logs: Vec<LogEntry>,
    /// A machine token's type (`api_key`, `m2m_token`, `oauth_token`); absent for a session token. Signed in, `claims`
    /// holds the verified token's fields (`id`, `subject`, `scopes`, `claims`, `name`, `clientId`).
    pub token_type: Option<String>,
}

impl RequestOutcome {
    fn blank() -> Self {
        RequestOutcome {
            needs_network: false,
            error: None,
            error_name: None,
            status: String::new(),
            reason: None,
            message: None,
            token: None,
            claims: None,
            headers: Vec::new(),
            logs: Vec::new(),
            token_type: None,
        }
    }

    fn from_decision(result: std::result::Result<Decision, NeedsNetwork>) -> Self {
        let Ok(Decision { outcome, logs }) = result else {
            return RequestOutcome { needs_network: true, ..RequestOutcome::blank() };
        };
        let logs = logs
            .into_iter()
            .map(|l| LogEntry { level: l.level.to_owned(), message: l.message, detail: l.detail })
            .collect();
        match outcome {
            Outcome::Thrown(message) => RequestOutcome {
                error: Some(message),
                error_name: Some("Error".into()),
                logs,
                ..RequestOutcome::blank()
            },
            Outcome::InvalidUrl => RequestOutcome {
                error: Some("Invalid URL".into()),
                error_name: Some("TypeError".into()),
                logs,
                ..RequestOutcome::blank()
            },
            Outcome::State(s) => RequestOutcome {
                status: s.status.as_str().to_owned(),
                reason: s.reason,
                message: s.message,
                token: s.token,
                claims: s.claims_json,
                headers: s.headers.into_iter().flat_map(|(n, v)| [n, v]).collect(),
                logs,
                token_type: s.token_type.map(str::to_owned),
                ..RequestOutcome::blank()
            },
        }
    }
}

impl From<RequestInput> for RequestParts {
    fn from(r: RequestInput) -> Self {
        RequestParts {
            url: r.url,
            method: r.method,
            cookie: r.cookie,
            authorization: r.authorization,
            host: r.host,
            forwarded_host: r.forwarded_host,
            forwarded_proto: r.forwarded_proto,
            origin: r.origin,
            referer: r.referer,
            sec_fetch_dest: r.sec_fetch_dest,
            accept: r.accept,
            headers_json: r.headers_json,
            routing: Some(routing(r.proxy_url, r.domain, r.is_satellite)),
        }
    }
}

fn routing(proxy_url: Option<String>, domain: Option<String>, is_satellite: Option<bool>) -> Routing {
    Routing {
        proxy_url: proxy_url.unwrap_or_default(),
        domain: domain.unwrap_or_default(),
        is_satellite: is_satellite.unwrap_or(false),
    }
}

/// Native memory an authenticator holds besides its token cache (parsed keys, settings, derived URLs).
const BASE_BYTES: i64 = 16 * 1024;
/// Changes smaller than this are not reported (each report is a call into the engine).
const REPORT_STEP: i64 = 64 * 1024;

/// Clerk's request decision for one instance configuration. The native memory it holds (its verified-token cache
/// grows with use) is reported to the JS engine, so that garbage collection sees it.
#[napi(custom_finalize)]
pub struct NativeAuthenticator {
    inner: Arc<Authenticator>,
    /// Bytes reported to the engine so far.
    reported: AtomicI64,
}

impl NativeAuthenticator {
    /// Tells the engine how much native memory this authenticator holds now, when that moved by a step or more.
    fn report_memory(&self, env: &Env) {
        let now = BASE_BYTES + self.inner.cache_bytes() as i64;
        let reported = self.reported.load(Ordering::Relaxed);
        if (now - reported).abs() >= REPORT_STEP || reported == 0 {
            // A failed report changes nothing but the engine's estimate.
            if env.adjust_external_memory(now - reported).is_ok() {
                self.reported.store(now, Ordering::Relaxed);
            }
        }
    }
}

impl ObjectFinalize for NativeAuthenticator {
    fn finalize(self, env: Env) -> Result<()> {
        let reported = self.reported.load(Ordering::Relaxed);
        if reported != 0 {
            env.adjust_external_memory(-reported)?;
        }
        Ok(())
    }
}

#[napi]
impl NativeAuthenticator {
    /// Parses the publishable key and prepares the key source once. Throws an Error with Clerk's message for a
    /// missing or invalid publishable key, or for an unusable `jwtKey`.
    #[napi(constructor, catch_unwind)]
    pub fn new(env: Env, options: AuthenticatorOptions) -> Result<Self> {
        crate::napi_background::install();
        let authenticator = Authenticator::from_settings(AuthenticatorSettings::from(options)).map_err(invalid_arg)?;
        let authenticator = NativeAuthenticator { inner: Arc::new(authenticator), reported: AtomicI64::new(0) };
        authenticator.report_memory(&env);
        Ok(authenticator)
    }

    /// Decides without waiting: the outcome from cached keys, or `needsNetwork: true` when the JWKS, a handshake
    /// payload or a session refresh must be fetched first (call `authenticate`). `nowMs` is the clock (`Date.now()`).
    /// The request's values come as arguments (no object to read property by property); the most common answer —
    /// signed in, no headers to set, nothing logged — comes as just `[token, claimsJson]`.
    #[napi(catch_unwind, ts_return_type = "[string, string] | RequestOutcome")]
    #[allow(clippy::too_many_arguments)]
    pub fn authenticate_values(
        &self,
        env: Env,
        url: String,
        method: String,
        cookie: Option<String>,
        authorization: Option<String>,
        host: Option<String>,
        forwarded_host: Option<String>,
        forwarded_proto: Option<String>,
        origin: Option<String>,
        referer: Option<String>,
        sec_fetch_dest: Option<String>,
        accept: Option<String>,
        proxy_url: Option<String>,
        domain: Option<String>,
        is_satellite: Option<bool>,
        now_ms: f64,
    ) -> Either<Vec<String>, RequestOutcome> {
        let parts = RequestParts {
            url,
            method,
            cookie,
            authorization,
            host,
            forwarded_host,
            forwarded_proto,
            origin,
            referer,
            sec_fetch_dest,
            accept,
            headers_json: None,
            routing: Some(routing(proxy_url, domain, is_satellite)),
        };
        let decision = self.inner.authenticate_now(&parts, now_ms);
        self.report_memory(&env);
        match decision {
            Ok(Decision {
                outcome:
                    Outcome::State(RequestState {
                        status: AuthStatus::SignedIn,
                        token: Some(token),
                        claims_json: Some(claims),
                        headers,
                        token_type: None,
                        ..
                    }),
                logs,
            }) if headers.is_empty() && logs.is_empty() => Either::A(vec![token, claims]),
            other => Either::B(RequestOutcome::from_decision(other)),
        }
    }

    /// Decides, fetching what the request needs (one JWKS fetch per cache however many requests wait).
    #[napi(ts_return_type = "Promise<RequestOutcome>")]
    pub fn authenticate<'env>(
        &self,
        env: &'env Env,
        request: RequestInput,
        now_ms: f64,
    ) -> Result<PromiseRaw<'env, RequestOutcome>> {
        self.report_memory(env);
        let inner = Arc::clone(&self.inner);
        let parts = RequestParts::from(request);
        env.spawn_future(guarded(async move {
            RequestOutcome::from_decision(inner.authenticate(&parts, now_ms, Network::Online).await)
        }))
    }
}

/// `clerkUrl` of a request as the decision computes it (the URL as the client saw it: the pinned `appOrigin`, else
/// the first `x-forwarded-host` or `host` and the first `x-forwarded-proto` or the URL's scheme when they pass the
/// syntax check), for option resolution; `null` where the decision answers Clerk's `TypeError` (`clerkBackend` 2:
/// headers it cannot build a URL from; 3 keeps the request's URL then). `appOrigin` must have passed
/// `checkOriginSettings` (an invalid one is ignored here).
#[napi]
pub fn clerk_url_of(
    url: String,
    host: Option<String>,
    forwarded_host: Option<String>,
    forwarded_proto: Option<String>,
    app_origin: Option<String>,
    clerk_backend: Option<u32>,
) -> Option<String> {
    let parts = RequestParts { url, host, forwarded_host, forwarded_proto, ..RequestParts::default() };
    let pinned = app_origin.as_deref().and_then(|o| parse_app_origin(o).ok().flatten());
    clerk_url(&parts, pinned.as_ref(), Generation::from_major(clerk_backend.unwrap_or(2))).map(String::from)
}

/// Checks `appOrigin` and `allowedRedirectOrigins` as the authenticator will: `null` when both name origins (or are
/// unset), else `[reason, message]` (`app-origin-invalid` / `allowed-redirect-origins-invalid`, and a message that
/// does not repeat the value).
#[napi]
pub fn check_origin_settings(
    app_origin: Option<String>,
    allowed_redirect_origins: Option<Vec<String>>,
) -> Option<Vec<String>> {
    let checked = parse_app_origin(app_origin.as_deref().unwrap_or(""))
        .and_then(|_| parse_allowed_origins(allowed_redirect_origins.as_deref().unwrap_or(&[])));
    checked.err().map(|e| vec![e.reason().to_owned(), e.to_string()])
}

/// The `Cache-Control` a response must have (`null`: leave it as it is), given its own (`existing`), whether it carries
/// `clerkState` and whether it sets Clerk's cookies: `crates/clerk-remix-core/src/cache_control.rs`.
#[napi]
pub fn response_cache_control(
    existing: Option<String>,
    carries_clerk_state: bool,
    sets_cookies: bool,
) -> Option<String> {
    cache_control::for_clerk_response(existing.as_deref(), carries_clerk_state, sets_cookies)
}
