//! The remote key set: `GET {apiUrl}/{apiVersion}/jwks` from Clerk's Backend API, parsed once per fetch and cached
//! per (apiUrl, secret key, settings). One fetch at a time per cache (single flight), a TTL after which the set
//! must be fetched again, a cooldown that bounds how often an unknown `kid` can cause a refetch, and a short
//! back-off after a failed fetch so that a down server is not hammered.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::clerk_api::{CLERK_API_VERSION_HEADER, DEFAULT_API_VERSION};
use crate::error::{action, Reason, VerifyError};
use crate::http::{api_endpoint, exchange, http_client};
use crate::key::RsaKey;

pub const DEFAULT_TTL: Duration = Duration::from_secs(300);
pub const DEFAULT_KID_COOLDOWN: Duration = Duration::from_secs(30);
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;
/// After a failed fetch, requests within this window get the same error instead of a new fetch.
pub const FAILURE_BACKOFF: Duration = Duration::from_secs(1);

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct JwksConfig {
    pub api_url: String,
    pub api_version: String,
    pub secret_key: String,
    pub ttl: Duration,
    pub kid_cooldown: Duration,
    pub timeout: Duration,
    pub max_body_bytes: usize,
}

impl JwksConfig {
    pub fn new(api_url: &str, secret_key: &str) -> Self {
        JwksConfig {
            api_url: api_url.to_owned(),
            api_version: DEFAULT_API_VERSION.to_owned(),
            secret_key: secret_key.to_owned(),
            ttl: DEFAULT_TTL,
            kid_cooldown: DEFAULT_KID_COOLDOWN,
            timeout: DEFAULT_TIMEOUT,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }

    /// Clerk's `joinPaths(new URL(apiUrl).pathname, apiVersion, '/jwks')`: a path prefix in apiUrl is kept.
    pub fn jwks_url(&self) -> Result<reqwest::Url, VerifyError> {
        api_endpoint(&self.api_url, &self.api_version, &["jwks"]).ok_or_else(|| {
            VerifyError::new(
                Reason::JwkRemoteFailedToLoad,
                format!("The Clerk API URL {:?} is not a valid absolute URL.", self.api_url),
            )
            .with_action(action::CONTACT_SUPPORT)
        })
    }
}

/// One fetched key set: the usable keys, and the kids that were present but refused (with why).
#[derive(Debug, Default)]
pub struct KeySet {
    pub keys: HashMap<String, Arc<RsaKey>>,
    pub rejected: HashMap<String, String>,
    /// Every kid of the set, sorted and joined with ", " (for Clerk's kid-mismatch message).
    pub kid_list: String,
}

impl KeySet {
    /// Parses a JWKS document. `Err` when the body is not a JWKS at all or holds no keys.
    pub fn parse(body: &[u8]) -> Result<KeySet, VerifyError> {
        let doc: Value = serde_json::from_slice(body).map_err(|_| {
            VerifyError::new(Reason::JwkRemoteInvalid, "The JWKS response is not valid JSON.")
                .with_action(action::CONTACT_SUPPORT)
        })?;
        let entries = doc.get("keys").and_then(Value::as_array).ok_or_else(|| {
            VerifyError::new(Reason::JwkRemoteInvalid, "The JWKS response has no \"keys\" array.")
                .with_action(action::CONTACT_SUPPORT)
        })?;
        if entries.is_empty() {
            return Err(VerifyError::new(
                Reason::JwkRemoteFailedToLoad,
                "The JWKS endpoint did not contain any signing keys. Contact support@clerk.com.",
            )
            .with_action(action::CONTACT_SUPPORT));
        }
        let mut set = KeySet::default();
        let mut all_kids = BTreeSet::new();
        for entry in entries {
            let Some(jwk) = entry.as_object() else { continue };
            let Some(kid) = jwk.get("kid").and_then(Value::as_str) else { continue };
            let kid = kid.to_owned();
            if !all_kids.insert(kid.clone()) {
                // Two keys under one kid: which one is meant is ambiguous, so neither is used.
                set.keys.remove(&kid);
                set.rejected.insert(kid, "the JWKS lists this kid more than once".to_owned());
                continue;
            }
            match RsaKey::from_jwk(jwk) {
                Ok(key) => {
                    set.keys.insert(kid, Arc::new(key));
                }
                Err(why) => {
                    set.rejected.insert(kid, why);
                }
            }
        }
        set.kid_list = all_kids.into_iter().collect::<Vec<_>>().join(", ");
        Ok(set)
    }

    pub fn kid_mismatch(&self, kid: Option<&str>) -> VerifyError {
        VerifyError::new(
        Reason::JwkKidMismatch,
        format!(
            "Unable to find a signing key in JWKS that matches the kid='{}' of the provided session token. Please make sure that the __session cookie or the HTTP authorization header contain a Clerk-generated session JWT. The following kid is available: {}",
            kid.unwrap_or("undefined"),
            self.kid_list
        ),
    )
    .with_action(action::KID_MISMATCH)
    }
}

/// What the cache can say about a kid without waiting.
pub enum Lookup {
    Key(Arc<RsaKey>),
    Fail(VerifyError),
    /// The answer needs the network: the key set must be fetched first (pass the ticket to `RemoteJwks::refresh`).
    /// A caller that may not fetch, or has fetched already, answers `without_fetch`.
    NeedsNetwork {
        ticket: FetchTicket,
        without_fetch: VerifyError,
    },
}

#[derive(Clone, Copy, Debug)]
pub struct FetchTicket {
    /// The fetch generation the caller saw: if another fetch finishes first, this one is skipped.
    generation: u64,
    /// The fetch is for a kid the fresh set lacks: it starts a new kid cooldown window.
    unknown_kid: bool,
}

#[derive(Default)]
struct State {
    keys: Option<Arc<KeySet>>,
    fetched_at: Option<Instant>,
    last_attempt: Option<Instant>,
    last_error: Option<VerifyError>,
    /// The last fetch caused by an unknown kid; the cooldown counts from here (not from routine fetches, so a
    /// key rotated in just after a TTL refresh is picked up at once).
    last_kid_refetch: Option<Instant>,
    /// Counts finished fetch attempts; a waiter that saw an older value knows someone fetched meanwhile.
    generation: u64,
}

pub struct RemoteJwks {
    config: JwksConfig,
    state: Mutex<State>,
    fetch_gate: tokio::sync::Mutex<()>,
}

impl RemoteJwks {
    /// The cache shared by every verifier with the same configuration in this process.
    pub fn shared(config: JwksConfig) -> Arc<RemoteJwks> {
        static REGISTRY: OnceLock<Mutex<HashMap<JwksConfig, Weak<RemoteJwks>>>> = OnceLock::new();
        let mut registry = lock(REGISTRY.get_or_init(Default::default));
        if let Some(existing) = registry.get(&config).and_then(Weak::upgrade) {
            return existing;
        }
        registry.retain(|_, weak| weak.strong_count() > 0);
        let jwks = Arc::new(RemoteJwks::new(config.clone()));
        registry.insert(config, Arc::downgrade(&jwks));
        jwks
    }

    pub fn new(config: JwksConfig) -> RemoteJwks {
        RemoteJwks { config, state: Mutex::new(State::default()), fetch_gate: tokio::sync::Mutex::new(()) }
    }

    /// Where and how this cache fetches.
    pub fn config(&self) -> &JwksConfig {
        &self.config
    }

    /// What the cache can say about `kid` right now, without waiting.
    pub fn lookup(&self, kid: Option<&str>) -> Lookup {
        let now = Instant::now();
        let st = lock(&self.state);
        let fresh = st.fetched_at.is_some_and(|at| now.duration_since(at) < self.config.ttl);
        let recently_failed =
            st.last_error.is_some() && st.last_attempt.is_some_and(|at| now.duration_since(at) < FAILURE_BACKOFF);
        let keys = match (&st.keys, fresh) {
            (Some(keys), true) => keys,
            _ => {
                let error = st.last_error.clone().unwrap_or_else(|| {
                    VerifyError::new(Reason::JwkRemoteFailedToLoad, "Failed to load JWKS from Clerk Backend API.")
                        .with_action(action::CONTACT_SUPPORT)
                });
                return if recently_failed {
                    Lookup::Fail(error)
                } else {
                    let ticket = FetchTicket { generation: st.generation, unknown_kid: false };
                    Lookup::NeedsNetwork { ticket, without_fetch: error }
                };
            }
        };
        let Some(kid) = kid else { return Lookup::Fail(keys.kid_mismatch(None)) };
        if let Some(key) = keys.keys.get(kid) {
            return Lookup::Key(Arc::clone(key));
        }
        if let Some(why) = keys.rejected.get(kid) {
            return Lookup::Fail(
                VerifyError::new(
                    Reason::JwkRemoteInvalid,
                    format!("The signing key with kid='{kid}' in the JWKS was refused: {why}."),
                )
                .with_action(action::CONTACT_SUPPORT),
            );
        }
        let cooled_down = st.last_kid_refetch.is_none_or(|at| now.duration_since(at) >= self.config.kid_cooldown);
        let mismatch = keys.kid_mismatch(Some(kid));
        if cooled_down {
            let ticket = FetchTicket { generation: st.generation, unknown_kid: true };
            Lookup::NeedsNetwork { ticket, without_fetch: mismatch }
        } else {
            Lookup::Fail(mismatch)
        }
    }

    /// Fetches the key set unless another caller finished a fetch since the ticket was issued (single flight).
    pub async fn refresh(&self, ticket: FetchTicket) {
        let _gate = self.fetch_gate.lock().await;
        {
            let mut st = lock(&self.state);
            if st.generation != ticket.generation {
                return;
            }
            if ticket.unknown_kid {
                st.last_kid_refetch = Some(Instant::now());
            }
        }
        let result = self.fetch().await;
        let now = Instant::now();
        let mut st = lock(&self.state);
        st.generation += 1;
        st.last_attempt = Some(now);
        match result {
            Ok(set) => {
                st.keys = Some(Arc::new(set));
                st.fetched_at = Some(now);
                st.last_error = None;
            }
            Err(err) => st.last_error = Some(err),
        }
    }

    async fn fetch(&self) -> Result<KeySet, VerifyError> {
        let url = self.config.jwks_url()?;
        let request = http_client()
            .get(url.clone())
            .bearer_auth(&self.config.secret_key)
            .header("Clerk-API-Version", CLERK_API_VERSION_HEADER)
            .header("Content-Type", "application/json");
        let answer = exchange(request, self.config.timeout, self.config.max_body_bytes).await.map_err(|what| {
            VerifyError::new(Reason::JwkRemoteFailedToLoad, format!("Error loading Clerk JWKS from {url}: {what}."))
                .with_action(action::CONTACT_SUPPORT)
        })?;
        let (status, body) = (answer.status, answer.body);
        if !status.is_success() {
            if let Some(message) = invalid_secret_key_message(&body) {
                return Err(VerifyError::new(Reason::SecretKeyInvalid, message).with_action(action::CONTACT_SUPPORT));
            }
            return Err(VerifyError::new(
                Reason::JwkRemoteFailedToLoad,
                format!("Error loading Clerk JWKS from {url} with code={}", status.as_u16()),
            )
            .with_action(action::CONTACT_SUPPORT));
        }
        KeySet::parse(&body)
    }
}

/// The `message` of an `errors[]` entry with `code: "clerk_key_invalid"` in a BAPI error body.
fn invalid_secret_key_message(body: &[u8]) -> Option<String> {
    let doc: Value = serde_json::from_slice(body).ok()?;
    doc.get("errors")?.as_array()?.iter().find_map(|e| {
        (e.get("code")? == "clerk_key_invalid")
            .then(|| e.get("message").and_then(Value::as_str).unwrap_or("").to_owned())
    })
}

/// A poisoned lock only means another thread panicked mid-update; the cache state stays usable.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
