//! One configured verifier: where its keys come from (a local PEM, the remote JWKS cache, or nowhere), the claim
//! rules and the token cache. Every verification answers one `Verification`: verified, failed with Clerk's reason,
//! or — only when it ran `Network::Offline` — `NeedsNetwork` (the key set must be fetched first; nothing was).
//! `verify_now` never waits; `verify` may fetch once; `check` does either, as its `Network` argument says.

use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt;
use serde_json::Value;

use crate::claims::{check_claims, check_signature, ClaimRules, DEFAULT_CLOCK_SKEW_MS};
use crate::clerk_api::DEFAULT_API_URL;
use crate::error::{action, ConfigError, Reason, VerifyError, VerifyResult};
use crate::generation::Generation;
use crate::jwks::{JwksConfig, Lookup, RemoteJwks};
use crate::jwt::{self, Claims, DecodedJwt};
use crate::key::RsaKey;
use crate::token_cache::{CachedToken, TokenCache, DEFAULT_CAPACITY};
use crate::token_kind;

#[derive(Clone)]
pub enum KeySource {
    /// `CLERK_JWT_KEY`: one key for every kid, as in Clerk.
    Local(Arc<RsaKey>),
    Remote(Arc<RemoteJwks>),
    /// Neither a JWT key nor a secret key was configured.
    Unresolvable,
}

pub struct Verifier {
    pub keys: KeySource,
    pub rules: ClaimRules,
    /// Tokens that verified (none when `None`).
    pub cache: Option<Arc<TokenCache>>,
}

/// How a verifier finds keys and checks claims, as plain values (the addon converts its JS options into this).
/// Empty strings, and numbers that cannot be used (not finite, or negative), take the defaults. Times are in
/// milliseconds, as the JS options give them.
#[derive(Clone, Debug, Default)]
pub struct VerifierSettings {
    /// PEM public key (`CLERK_JWT_KEY`): networkless verification with this one key, whatever the token's kid.
    pub jwt_key: String,
    /// Secret key (`CLERK_SECRET_KEY`), sent as `Authorization: Bearer` to fetch the JWKS.
    pub secret_key: String,
    /// Backend API base URL. Default `https://api.clerk.com`; a path prefix is kept.
    pub api_url: String,
    /// Backend API version path segment. Default `v1`.
    pub api_version: String,
    /// Allowed clock difference for exp/nbf/iat, in ms (default 5000, also for a value that is not finite and
    /// positive).
    pub clock_skew_ms: Option<f64>,
    /// When non-empty, `azp` must be one of these origins (empty entries are ignored).
    pub authorized_parties: Vec<String>,
    /// When non-empty, an `aud` claim must name one of these (empty entries are ignored).
    pub audience: Vec<String>,
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
    pub token_cache_size: Option<usize>,
    /// Whose messages the claim checks give (the Remix entry's 2.x by default).
    pub generation: Generation,
}

#[derive(Debug)]
pub struct Verified {
    /// The payload exactly as the token carries it.
    pub payload_json: String,
    /// The payload's `azp` is truthy as JavaScript reads it (present, not `null`, `false`, `0` or `""`).
    pub has_azp: bool,
}

impl Verified {
    fn new(payload_json: String, claims: &Claims) -> Verified {
        Verified { payload_json, has_azp: is_truthy(claims.get("azp")) }
    }
}

/// A claim as JavaScript's `!!value` reads it.
fn is_truthy(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Number(n)) => n.as_f64().is_some_and(|n| n != 0.0),
        Some(_) => true,
    }
}

/// Whether a call may use the network (fetch the JWKS, call the Backend API) or must answer from what it has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Network {
    Offline,
    Online,
}

/// An offline call could not answer without the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NeedsNetwork;

/// The answer of a step that may need the network: its value, its failure (by default a verification failure with
/// Clerk's reason), or — only from a step that ran `Network::Offline` — `NeedsNetwork`.
#[derive(Debug)]
pub enum Checked<T, E = VerifyError> {
    Passed(T),
    Failed(E),
    NeedsNetwork,
}

/// The answer to one verification.
pub type Verification = Checked<Verified>;

impl<T, E> Checked<T, E> {
    /// The answer as a `Result`; `None` when the network is needed.
    pub fn answered(self) -> Option<Result<T, E>> {
        match self {
            Checked::Passed(value) => Some(Ok(value)),
            Checked::Failed(e) => Some(Err(e)),
            Checked::NeedsNetwork => None,
        }
    }
}

impl<T, E> From<Result<T, E>> for Checked<T, E> {
    fn from(result: Result<T, E>) -> Self {
        match result {
            Ok(value) => Checked::Passed(value),
            Err(e) => Checked::Failed(e),
        }
    }
}

/// What the caller of [`Verifier::check_with`] knows of a token's cache entry.
pub enum CacheLookup {
    /// Not looked up: `check_with` looks.
    Pending,
    /// Looked up already: the entry, or `None` when the token is not cached (a miss is not looked up twice).
    Done(Option<Arc<CachedToken>>),
}

impl Verifier {
    /// The key source, claim rules and token cache of `settings`. `Err` for an unusable `jwt_key`.
    pub fn new(settings: VerifierSettings) -> Result<Verifier, ConfigError> {
        let VerifierSettings {
            jwt_key,
            secret_key,
            api_url,
            api_version,
            clock_skew_ms,
            authorized_parties,
            audience,
            jwks_cache_ttl_ms,
            jwks_max_stale_ms,
            kid_cooldown_ms,
            timeout_ms,
            token_cache_size,
            generation,
        } = settings;
        let rules = ClaimRules {
            clock_skew_ms: clock_skew_ms.filter(|v| v.is_finite() && *v > 0.0).unwrap_or(DEFAULT_CLOCK_SKEW_MS),
            authorized_parties: authorized_parties.into_iter().filter(|p| !p.is_empty()).collect(),
            audience: audience.into_iter().filter(|a| !a.is_empty()).collect(),
            generation,
        };
        let keys = if !jwt_key.trim().is_empty() {
            KeySource::Local(Arc::new(RsaKey::from_pem(&jwt_key).map_err(ConfigError::JwtKey)?))
        } else if !secret_key.is_empty() {
            let mut config = JwksConfig::new(if api_url.is_empty() { DEFAULT_API_URL } else { &api_url }, &secret_key);
            if !api_version.is_empty() {
                config.api_version = api_version;
            }
            config.ttl = ms(jwks_cache_ttl_ms, config.ttl);
            config.max_stale = ms(jwks_max_stale_ms, config.max_stale);
            config.kid_cooldown = ms(kid_cooldown_ms, config.kid_cooldown);
            config.timeout = ms(timeout_ms, config.timeout);
            KeySource::Remote(RemoteJwks::shared(config))
        } else {
            KeySource::Unresolvable
        };
        let cache = TokenCache::new(token_cache_size.unwrap_or(DEFAULT_CAPACITY)).map(Arc::new);
        Ok(Verifier { keys, rules, cache })
    }

    /// Verifies without waiting: an answer from cached keys, or `NeedsNetwork`.
    pub fn verify_now(&self, token: &str, now_ms: f64) -> Verification {
        // An offline check has nothing to wait for; were it ever to wait, it would be for the network.
        self.check(token, || now_ms, Network::Offline).now_or_never().unwrap_or(Checked::NeedsNetwork)
    }

    /// Verifies, fetching the key set at most once when the cache cannot answer (never `NeedsNetwork`).
    pub async fn verify(&self, token: &str, now_ms: impl Fn() -> f64) -> Verification {
        self.check(token, now_ms, Network::Online).await
    }

    /// Decodes once, finds the key (fetching only when `net` allows), then signature and claims.
    pub async fn check(&self, token: &str, now_ms: impl Fn() -> f64, net: Network) -> Verification {
        self.check_with(token, CacheLookup::Pending, now_ms, net).await
    }

    /// `check` for a token whose cache entry the caller may have looked up already (then it is not looked up again).
    pub async fn check_with(
        &self,
        token: &str,
        lookup: CacheLookup,
        now_ms: impl Fn() -> f64,
        net: Network,
    ) -> Verification {
        let found = match lookup {
            CacheLookup::Pending => self.cached(token),
            CacheLookup::Done(found) => found,
        };
        if let Some(hit) = found {
            match self.key(hit.kid.as_deref(), net).await {
                Checked::Passed(key) if Arc::ptr_eq(&key, &hit.key) => {
                    let verified = || Verified::new(hit.payload.to_string(), &hit.claims);
                    return check_claims(&hit.claims, &self.rules, now_ms()).map(|()| verified()).into();
                }
                Checked::NeedsNetwork => return Checked::NeedsNetwork,
                // The key set changed since: verify again from the start.
                Checked::Passed(_) | Checked::Failed(_) => self.cache.iter().for_each(|cache| cache.remove(token)),
            }
        }
        match self.decoded_with_key(token, SESSION_TOKEN, net).await {
            Checked::Passed((jwt, key)) => self.finish(jwt, key, token, now_ms()).into(),
            Checked::Failed(e) => Checked::Failed(e),
            Checked::NeedsNetwork => Checked::NeedsNetwork,
        }
    }

    /// The token decoded (its `typ`, when present, one of `types`) and the key for its kid. A session token
    /// (`types` is [`SESSION_TOKEN`]) of the M2M category is refused first, as `verifyToken` of 3.x refuses it
    /// before its header rules and key (a token that verified before cannot have it: a cache hit needs no check).
    async fn decoded_with_key<'t>(
        &self,
        token: &'t str,
        types: &[&str],
        net: Network,
    ) -> Checked<(DecodedJwt<'t>, Arc<RsaKey>)> {
        let session = std::ptr::eq(types, SESSION_TOKEN);
        let jwt = match jwt::decode_typed(token, types) {
            Ok(jwt) if session && jwt.jws.cat.as_ref().is_some_and(|cat| cat == token_kind::M2M_CATEGORY) => {
                return Checked::Failed(m2m_category())
            }
            Ok(jwt) => jwt,
            // Refused by a header rule 3.x checks after the category (`typ`, `alg`; `crit`, `b64`, V4): the category
            // answers, as in 3.x, when the token decodes and names it.
            Err(_) if session && token_kind::has_m2m_category(token) => return Checked::Failed(m2m_category()),
            Err(e) => return Checked::Failed(e),
        };
        match self.key(jwt.jws.kid.as_deref(), net).await {
            Checked::Passed(key) => Checked::Passed((jwt, key)),
            Checked::Failed(e) => Checked::Failed(e),
            Checked::NeedsNetwork => Checked::NeedsNetwork,
        }
    }

    /// Clerk's `verifyJwt` for a machine JWT (an M2M token, or an OAuth access token of one of `types`): the same
    /// keys, signature and claim checks as a session token, but no authorized parties, and the audience only when
    /// `with_audience` (an OAuth token's audience has its own rule, checked afterwards). Never cached.
    pub async fn check_machine_jwt(
        &self,
        token: &str,
        types: &[&str],
        with_audience: bool,
        now_ms: f64,
        net: Network,
    ) -> Verification {
        let (jwt, key) = match self.decoded_with_key(token, types, net).await {
            Checked::Passed(found) => found,
            Checked::Failed(e) => return Checked::Failed(e),
            Checked::NeedsNetwork => return Checked::NeedsNetwork,
        };
        let rules = ClaimRules {
            authorized_parties: Vec::new(),
            audience: if with_audience { self.rules.audience.clone() } else { Vec::new() },
            ..self.rules.clone()
        };
        let checked = check_signature(&jwt.jws, &key).and_then(|()| check_claims(&jwt.claims, &rules, now_ms));
        checked.map(|()| Verified::new(jwt.jws.payload, &jwt.claims)).into()
    }

    /// The cache entry of a token that verified before (its claims are not checked here).
    pub fn cached(&self, token: &str) -> Option<Arc<CachedToken>> {
        self.cache.as_ref()?.get(token)
    }

    /// The key for a token's kid, from whichever source this verifier has; the remote set is fetched at most once,
    /// and only `Online`.
    pub async fn key(&self, kid: Option<&str>, net: Network) -> Checked<Arc<RsaKey>> {
        let remote = match &self.keys {
            KeySource::Local(key) => return Checked::Passed(Arc::clone(key)),
            KeySource::Unresolvable => return Checked::Failed(unresolvable()),
            KeySource::Remote(remote) => remote,
        };
        let ticket = match remote.lookup(kid) {
            Lookup::Key(key) => return Checked::Passed(key),
            Lookup::Fail(e) => return Checked::Failed(e),
            Lookup::NeedsNetwork { .. } if net == Network::Offline => return Checked::NeedsNetwork,
            Lookup::NeedsNetwork { ticket, .. } => ticket,
        };
        remote.refresh(ticket).await;
        match remote.lookup(kid) {
            Lookup::Key(key) => Checked::Passed(key),
            // Fetched once already: no second fetch for this call.
            Lookup::Fail(e) | Lookup::NeedsNetwork { without_fetch: e, .. } => Checked::Failed(e),
        }
    }

    /// Signature, then claims; a token that passed both is cached.
    fn finish(&self, jwt: DecodedJwt<'_>, key: Arc<RsaKey>, token: &str, now_ms: f64) -> VerifyResult<Verified> {
        check_signature(&jwt.jws, &key)?;
        let claims_ok = check_claims(&jwt.claims, &self.rules, now_ms);
        let DecodedJwt { jws, claims } = jwt;
        let has_azp = is_truthy(claims.get("azp"));
        if let (Some(cache), Ok(())) = (&self.cache, &claims_ok) {
            let cookie_claims = jwt::parse_members(jws.payload.as_bytes(), &jwt::COOKIE_CHOICE_MEMBERS).ok();
            let payload = jws.payload.as_str().into();
            let not_a_session = token_kind::is_not_a_session_token_decoded(token, jws.cat.as_ref(), claims.get("sub"));
            cache.insert(token, CachedToken { key, kid: jws.kid, claims, payload, cookie_claims, not_a_session });
        }
        claims_ok.map(|()| Verified { payload_json: jws.payload, has_azp })
    }
}

/// Milliseconds as a `Duration`; `default` unless finite and not negative.
fn ms(value: Option<f64>, default: Duration) -> Duration {
    match value {
        Some(v) if v.is_finite() && v >= 0.0 => Duration::from_secs_f64(v / 1000.0),
        _ => default,
    }
}

/// The header types a session token may have (absent, or `JWT`).
const SESSION_TOKEN: &[&str] = &["JWT"];

fn m2m_category() -> VerifyError {
    VerifyError::new(Reason::TokenInvalid, "Invalid session token category.").with_action(action::ENSURE_CLERK_JWT)
}

fn unresolvable() -> VerifyError {
    VerifyError::new(Reason::JwkFailedToResolve, "Failed to resolve JWK during verification.")
        .with_action(action::SET_CLERK_JWT_KEY)
}
