//! The remote key set: `GET {apiUrl}/{apiVersion}/jwks` from Clerk's Backend API, parsed once per fetch and cached
//! per (apiUrl, secret key, settings).
//!
//! * **Refresh ahead**: a set is refreshed by one background fetch once it reaches a point drawn at random between
//!   70 % and 90 % of its TTL (so the processes of a fleet started together spread their fetches), while requests
//!   go on verifying with it. Only a cold cache, a set past its TTL that nothing is refreshing, or a token whose
//!   `kid` the set lacks make a request wait for the network.
//! * **Stale if error, bounded**: when a refresh gets no usable answer (refused, timeout, 5xx, a body that is not a
//!   usable JWKS), the last good set keeps verifying for at most `max_stale` past its TTL, retried in the background
//!   with a growing back-off; one log line per failure episode. After that bound, tokens fail as before.
//! * **Revocation is not weakened**: an answered set replaces the old one at once (a key it lacks stops verifying,
//!   and cached tokens with it), and an answer that says the secret key is refused, or that there are no keys, drops
//!   the set: neither is an outage.
//! * One fetch at a time per cache (single flight), and a cooldown that bounds how often unknown kids can cause one.

use std::collections::hash_map::RandomState;
use std::collections::{BTreeSet, HashMap};
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::background;
use crate::clerk_api::{CLERK_API_VERSION_HEADER, DEFAULT_API_VERSION};
use crate::error::{action, Reason, VerifyError};
use crate::http::{api_endpoint, exchange, http_client};
use crate::key::{RsaKey, PRIVATE_MEMBERS};

pub const DEFAULT_TTL: Duration = Duration::from_secs(300);
pub const DEFAULT_KID_COOLDOWN: Duration = Duration::from_secs(30);
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;
/// How long past its TTL a set keeps verifying while the Backend API cannot be reached (docs/security.md says why).
pub const DEFAULT_MAX_STALE: Duration = Duration::from_secs(3600);
/// After a failed fetch, no new attempt before this. During an outage it doubles with each further failure, up to
/// `MAX_BACKOFF` and to the TTL (but not below `MIN_RETRY`): a short-lived set is retried as often as it expires.
pub const FAILURE_BACKOFF: Duration = Duration::from_secs(1);
pub const MAX_BACKOFF: Duration = Duration::from_secs(30);
pub const MIN_RETRY: Duration = Duration::from_millis(100);
/// The refresh point of a set is drawn uniformly from this share of its TTL: ±10 % around 80 %, so that at least a
/// tenth of the TTL is left for some request to start the refresh before the set expires.
pub const REFRESH_WINDOW: (f64, f64) = (0.7, 0.9);

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct JwksConfig {
    pub api_url: String,
    pub api_version: String,
    pub secret_key: String,
    pub ttl: Duration,
    pub kid_cooldown: Duration,
    pub timeout: Duration,
    pub max_body_bytes: usize,
    /// How long past the TTL the last good set may verify while refreshes fail (`0`: never).
    pub max_stale: Duration,
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
            max_stale: DEFAULT_MAX_STALE,
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
    /// Each usable key's JWK text: a refresh that brings the same JWK keeps the same key (and the tokens cached
    /// with it stay hits).
    jwk_texts: HashMap<String, String>,
}

impl KeySet {
    /// Parses a JWKS document. `Err` when the body is not a JWKS at all, holds no keys, or carries private-key
    /// members.
    pub fn parse(body: &[u8]) -> Result<KeySet, VerifyError> {
        KeySet::parse_with_previous(body, None)
    }

    /// `parse`, reusing the keys of `previous` whose JWK is unchanged.
    pub fn parse_with_previous(body: &[u8], previous: Option<&KeySet>) -> Result<KeySet, VerifyError> {
        let invalid =
            |message: String| VerifyError::new(Reason::JwkRemoteInvalid, message).with_action(action::CONTACT_SUPPORT);
        let doc: Value =
            serde_json::from_slice(body).map_err(|_| invalid("The JWKS response is not valid JSON.".to_owned()))?;
        let entries = doc
            .get("keys")
            .and_then(Value::as_array)
            .ok_or_else(|| invalid("The JWKS response has no \"keys\" array.".to_owned()))?;
        if entries.is_empty() {
            return Err(no_signing_keys());
        }
        // A key set that carries a private-key member has leaked a key: none of it is used.
        for entry in entries {
            if let Some(member) =
                entry.as_object().and_then(|jwk| PRIVATE_MEMBERS.iter().find(|m| jwk.contains_key(**m)))
            {
                return Err(invalid(format!(
                    "The JWKS response carries private key material (member \"{member}\"); it is refused."
                )));
            }
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
                set.jwk_texts.remove(&kid);
                set.rejected.insert(kid, "the JWKS lists this kid more than once".to_owned());
                continue;
            }
            let text = entry.to_string();
            let unchanged = previous
                .filter(|p| p.jwk_texts.get(&kid) == Some(&text))
                .and_then(|p| p.keys.get(&kid))
                .map(Arc::clone);
            match unchanged.map_or_else(|| RsaKey::from_jwk(jwk).map(Arc::new), Ok) {
                Ok(key) => {
                    set.keys.insert(kid.clone(), key);
                    set.jwk_texts.insert(kid, text);
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

/// Counters of one cache, for tests and reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct JwksStats {
    /// Fetches that ran to an answer or a failure.
    pub fetches: u64,
    /// Refreshes started in the background (ahead of the TTL, or retrying during an outage).
    pub background_refreshes: u64,
    /// Runs of failed fetches between two answers (each logs one line).
    pub failure_episodes: u64,
}

#[derive(Default)]
struct State {
    keys: Option<Arc<KeySet>>,
    fetched_at: Option<Instant>,
    /// When the set is refreshed ahead of its TTL (drawn in `REFRESH_WINDOW`).
    refresh_at: Option<Instant>,
    last_error: Option<VerifyError>,
    /// After a failure, no new fetch before this.
    retry_at: Option<Instant>,
    /// Failed fetches since the last answer: more than 0 while a failure episode is under way.
    failures: u32,
    /// A fetch is under way (in the background, or for a request).
    in_flight: bool,
    /// The last fetch caused by an unknown kid; the cooldown counts from here (not from routine fetches, so a
    /// key rotated in just after a refresh is picked up at once).
    last_kid_refetch: Option<Instant>,
    /// Counts finished fetch attempts; a waiter that saw an older value knows someone fetched meanwhile.
    generation: u64,
    stats: JwksStats,
}

/// How a fetch failed: with an answer that withdraws the keys, or without a usable answer (an outage).
enum FetchFailure {
    Answered(VerifyError),
    Outage(VerifyError),
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

    pub fn stats(&self) -> JwksStats {
        lock(&self.state).stats
    }

    /// The share of the TTL after which the current set is refreshed ahead (`None` before the first answer).
    pub fn refresh_share(&self) -> Option<f64> {
        let st = lock(&self.state);
        let (fetched, refresh) = (st.fetched_at?, st.refresh_at?);
        Some(refresh.duration_since(fetched).as_secs_f64() / self.config.ttl.as_secs_f64())
    }

    /// What the cache can say about `kid` right now, without waiting. Starts a background refresh when the set is
    /// due for one.
    pub fn lookup(self: &Arc<Self>, kid: Option<&str>) -> Lookup {
        let now = Instant::now();
        let mut st = lock(&self.state);
        let may_fetch = st.retry_at.is_none_or(|at| now >= at);
        let Some(keys) = self.usable(&st, now) else {
            let error = st.last_error.clone().unwrap_or_else(|| {
                VerifyError::new(Reason::JwkRemoteFailedToLoad, "Failed to load JWKS from Clerk Backend API.")
                    .with_action(action::CONTACT_SUPPORT)
            });
            return if may_fetch {
                let ticket = FetchTicket { generation: st.generation, unknown_kid: false };
                Lookup::NeedsNetwork { ticket, without_fetch: error }
            } else {
                Lookup::Fail(error)
            };
        };
        let due = st.refresh_at.is_none_or(|at| now >= at);
        if due && may_fetch && !st.in_flight {
            self.refresh_in_background(&mut st);
        }
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
        if cooled_down && may_fetch {
            let ticket = FetchTicket { generation: st.generation, unknown_kid: true };
            Lookup::NeedsNetwork { ticket, without_fetch: mismatch }
        } else {
            Lookup::Fail(mismatch)
        }
    }

    /// The set requests may verify with now: within its TTL; or past it by at most `max_stale` while a fetch is
    /// under way or the last ones failed without an answer. `None`: the request must wait for a fetch.
    fn usable(&self, st: &State, now: Instant) -> Option<Arc<KeySet>> {
        let (keys, fetched_at) = (st.keys.as_ref()?, st.fetched_at?);
        let age = now.duration_since(fetched_at);
        let stale_allowed = (st.in_flight || st.failures > 0) && age < self.config.ttl + self.config.max_stale;
        (age < self.config.ttl || stale_allowed).then(|| Arc::clone(keys))
    }

    /// Starts one fetch off the request path (nothing happens when there is nowhere to run it: the set is then
    /// fetched by the first request past its TTL).
    fn refresh_in_background(self: &Arc<Self>, st: &mut State) {
        let ticket = FetchTicket { generation: st.generation, unknown_kid: false };
        let this = Arc::clone(self);
        st.in_flight = true;
        if background::spawn(async move { this.run_fetch(ticket, true).await }) {
            st.stats.background_refreshes += 1;
        } else {
            st.in_flight = false;
        }
    }

    /// Fetches the key set unless another caller finished a fetch since the ticket was issued (single flight).
    pub async fn refresh(&self, ticket: FetchTicket) {
        self.run_fetch(ticket, false).await
    }

    async fn run_fetch(&self, ticket: FetchTicket, background: bool) {
        let _gate = self.fetch_gate.lock().await;
        {
            let mut st = lock(&self.state);
            if st.generation != ticket.generation {
                if background {
                    st.in_flight = false;
                }
                return;
            }
            if ticket.unknown_kid {
                st.last_kid_refetch = Some(Instant::now());
            }
            st.in_flight = true;
        }
        // Whatever happens to this future (a panic in the fetch), the cache must not stay "in flight".
        let mut settled = InFlight { jwks: self, recorded: false };
        let previous = lock(&self.state).keys.clone();
        let result = self.fetch(previous.as_deref()).await;
        settled.recorded = true;
        self.record(result);
    }

    /// Stores what a fetch brought: a new set, a withdrawal, or one more failure of an episode.
    fn record(&self, result: Result<KeySet, FetchFailure>) {
        let now = Instant::now();
        let mut log_line = None;
        {
            let mut st = lock(&self.state);
            st.generation += 1;
            st.in_flight = false;
            st.stats.fetches += 1;
            match result {
                Ok(set) => {
                    st.keys = Some(Arc::new(set));
                    st.fetched_at = Some(now);
                    st.refresh_at = Some(now + self.config.ttl.mul_f64(refresh_share()));
                    st.last_error = None;
                    st.retry_at = None;
                    st.failures = 0;
                }
                Err(FetchFailure::Answered(error)) => {
                    st.keys = None;
                    st.fetched_at = None;
                    st.refresh_at = None;
                    st.last_error = Some(error);
                    st.retry_at = Some(now + FAILURE_BACKOFF);
                    st.failures = 0;
                }
                Err(FetchFailure::Outage(error)) => {
                    st.failures = st.failures.saturating_add(1);
                    let backoff = FAILURE_BACKOFF
                        .saturating_mul(1 << (st.failures - 1).min(16))
                        .min(MAX_BACKOFF)
                        .min(self.config.ttl.max(MIN_RETRY));
                    st.retry_at = Some(now + backoff);
                    if st.failures == 1 {
                        st.stats.failure_episodes += 1;
                        log_line = Some(self.outage_line(&st, &error, now));
                    }
                    st.last_error = Some(error);
                }
            }
        }
        if let Some(line) = log_line {
            background::log(&line);
        }
    }

    fn outage_line(&self, st: &State, error: &VerifyError, now: Instant) -> String {
        let what = error.message.trim_end_matches('.');
        let usable_until =
            st.fetched_at.filter(|_| st.keys.is_some()).map(|at| at + self.config.ttl + self.config.max_stale);
        match usable_until {
            Some(until) if until > now && !self.config.max_stale.is_zero() => format!(
                "clerk-remix-native: {what}. The last key set keeps verifying for up to {} s more while refreshes are retried.",
                until.duration_since(now).as_secs()
            ),
            _ => format!("clerk-remix-native: {what}. Tokens fail until a JWKS fetch succeeds."),
        }
    }

    async fn fetch(&self, previous: Option<&KeySet>) -> Result<KeySet, FetchFailure> {
        let url = self.config.jwks_url().map_err(FetchFailure::Outage)?;
        let request = http_client()
            .get(url.clone())
            .bearer_auth(&self.config.secret_key)
            .header("Clerk-API-Version", CLERK_API_VERSION_HEADER)
            .header("Content-Type", "application/json");
        let answer = exchange(request, self.config.timeout, self.config.max_body_bytes).await.map_err(|what| {
            FetchFailure::Outage(
                VerifyError::new(
                    Reason::JwkRemoteFailedToLoad,
                    format!("Error loading Clerk JWKS from {url}: {what}."),
                )
                .with_action(action::CONTACT_SUPPORT),
            )
        })?;
        let (status, body) = (answer.status, answer.body);
        if !status.is_success() {
            if let Some(message) = invalid_secret_key_message(&body) {
                let error = VerifyError::new(Reason::SecretKeyInvalid, message).with_action(action::CONTACT_SUPPORT);
                return Err(FetchFailure::Answered(error));
            }
            let error = VerifyError::new(
                Reason::JwkRemoteFailedToLoad,
                format!("Error loading Clerk JWKS from {url} with code={}", status.as_u16()),
            )
            .with_action(action::CONTACT_SUPPORT);
            // The Backend API refused the secret key: an answer, not an outage.
            let refused = status == reqwest::StatusCode::UNAUTHORIZED || status == reqwest::StatusCode::FORBIDDEN;
            return Err(if refused { FetchFailure::Answered(error) } else { FetchFailure::Outage(error) });
        }
        // `{"keys": []}` (`jwk-remote-failed-to-load`) is an answer: every key withdrawn. A body that is not a usable
        // JWKS (`jwk-remote-invalid`) is not.
        KeySet::parse_with_previous(&body, previous).map_err(|error| match error.reason {
            Reason::JwkRemoteFailedToLoad => FetchFailure::Answered(error),
            _ => FetchFailure::Outage(error),
        })
    }
}

/// Clears `in_flight` if a fetch ends without recording its result.
struct InFlight<'a> {
    jwks: &'a RemoteJwks,
    recorded: bool,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        if !self.recorded {
            lock(&self.jwks.state).in_flight = false;
        }
    }
}

/// Where in `REFRESH_WINDOW` a set is refreshed: uniform, drawn per fetch from the standard library's randomly
/// keyed hasher (no dependency needed for spreading, which is all this is for).
fn refresh_share() -> f64 {
    static DRAWS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let draw = DRAWS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let unit = (RandomState::new().hash_one(draw) >> 11) as f64 / (1u64 << 53) as f64;
    REFRESH_WINDOW.0 + (REFRESH_WINDOW.1 - REFRESH_WINDOW.0) * unit
}

fn no_signing_keys() -> VerifyError {
    VerifyError::new(
        Reason::JwkRemoteFailedToLoad,
        "The JWKS endpoint did not contain any signing keys. Contact support@clerk.com.",
    )
    .with_action(action::CONTACT_SUPPORT)
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
