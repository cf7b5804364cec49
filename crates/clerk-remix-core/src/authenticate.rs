//! Clerk's request decision (`@clerk/backend` `authenticateRequest` for session tokens): signed-in,
//! signed-out or handshake, with Clerk's reason strings, messages, response headers and log lines.
//!
//! Configuration that does not change between requests (the parsed publishable key, the cookie suffix, the key
//! source, the claim rules) is prepared once in `Authenticator::new`; a request brings only its own data. The decision
//! is one `async fn` that runs `Offline` (never waits: it answers, or says the network is needed) or `Online`
//! (fetches the JWKS, the handshake payload or a refreshed session when the request needs them).
//!
//! Where Clerk throws on hostile input (a `__session` whose parts are not JSON, a Cookie header escape that is not
//! UTF-8) the request is signed out instead; where Clerk trusts a token's claims before its signature, the signature
//! comes first (docs/compat.md).

use std::sync::{Arc, Mutex};

use futures_util::FutureExt;
use reqwest::Url;

use crate::authorization_header::Carrier;
use crate::bapi::{Bapi, RefreshRequest};
use crate::cache_control;
use crate::claims::{check_signature, ClaimRules};
use crate::clerk_api::{DEFAULT_API_URL, DEFAULT_API_VERSION, LEGACY_DEV_SUFFIXES};
use crate::clerk_request::{clerk_url, read_inputs, AuthInputs, RequestParts, Routing};
use crate::error::{ConfigError, Reason, VerifyError};
use crate::generation::Generation;
use crate::handshake::{
    check_token_age, development_return_url, directive_name, directive_value, is_header_value, redirect_count_cookie,
    redirect_url, refused_directive, token_directives, HandshakeRequest,
};
use crate::http::USER_AGENT;
use crate::jwt;
use crate::machine_token::{self, MachineCheck};
use crate::origin::{is_allowed_redirect, parse_allowed_origins, parse_app_origin};
use crate::publishable_key::{InstanceType, PublishableKey};
use crate::search_params;
use crate::token_kind;
use crate::token_verifier::{
    CacheLookup, Checked, NeedsNetwork, Network, Verification, Verified, Verifier, VerifierSettings,
};

/// Clock skew allowed when a development instance retries a handshake's session token (Clerk: one day).
const DEVELOPMENT_HANDSHAKE_SKEW_MS: f64 = 86_400_000.0;

const SATELLITE_LOOP_MESSAGE: &str = "Clerk: Satellite-domain authentication resulted in an infinite redirect loop. Check that this request is using a configured primary or satellite domain for the production instance. For preview deployments, use a development/staging Clerk instance or a supported configured preview-domain setup.";
const MISSING_AZP_WARNING: &str = "Clerk: Session token from cookie is missing the azp claim. In a future version of Clerk, this token will be considered invalid. Please contact Clerk support if you see this warning.";
/// `logger.warnOnce`: the missing-`azp` warning is printed once per process.
static MISSING_AZP_WARNED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
const REDIRECT_LOOP_MESSAGE: &str = "Clerk: Refreshing the session token resulted in an infinite redirect loop. This usually means that your Clerk instance keys do not match - make sure to copy the correct publishable and secret keys from the Clerk dashboard.";
const CLOCK_SKEW_MESSAGE: &str = "Clerk: Clock skew detected. This usually means that your system clock is inaccurate. Clerk will attempt to account for the clock skew in development.\n\nTo resolve this issue, make sure your system's clock is set to the correct time (e.g. turn off and on automatic time synchronization).\n\n---\n\n";

/// Lets the next missing-`azp` warning be printed again (tests of the warning).
#[cfg(test)]
pub(crate) fn forget_missing_azp_warning() {
    MISSING_AZP_WARNED.store(false, std::sync::atomic::Ordering::Relaxed);
}

/// The options of `rootAuthLoader` / `getAuth` that the decision reads, resolved, as plain values (the addon converts
/// its JS options into this). Empty strings take Clerk's defaults.
#[derive(Clone, Debug, Default)]
pub struct AuthenticatorSettings {
    pub secret_key: String,
    /// `CLERK_MACHINE_SECRET_KEY`: sent instead of the secret key when an opaque M2M token is checked.
    pub machine_secret_key: String,
    pub publishable_key: String,
    /// PEM public key (`CLERK_JWT_KEY`): networkless verification with this one key.
    pub jwt_key: String,
    /// Backend API base URL (`CLERK_API_URL` or derived from the publishable key). Default `https://api.clerk.com`.
    pub api_url: String,
    /// Default `v1`.
    pub api_version: String,
    pub sign_in_url: String,
    /// When non-empty, an `aud` claim must name one of these.
    pub audience: Vec<String>,
    /// When non-empty, `azp` must be one of these origins.
    pub authorized_parties: Vec<String>,
    /// `User-Agent` of the handshake-payload and refresh calls. Default `clerk-remix-native/<version>`.
    pub user_agent: String,
    /// How many verified tokens to keep (claims are re-checked on every use). Default 4096; 0 turns it off.
    pub token_cache_size: Option<usize>,
    /// Which `@clerk/backend` the decision follows (2.x for the Remix entry, 3.x for the React Router entry).
    pub generation: Generation,
    /// `appOrigin` / `CLERK_APP_ORIGIN`: the app's own origin, pinned (no proxy header is read then). Empty: none.
    pub app_origin: String,
    /// `allowedRedirectOrigins` / `CLERK_ALLOWED_REDIRECT_ORIGINS`: besides the app's own origin, where a development
    /// primary may send a satellite's browser back to (with its dev browser token).
    pub allowed_redirect_origins: Vec<String>,
}

/// The settings of one Clerk instance as `rootAuthLoader` / `getAuth` resolved them.
pub struct AuthenticatorConfig {
    /// Where the Frontend API is when a request names no routing of its own (`RequestParts::routing`).
    pub routing: Routing,
    pub sign_in_url: String,
    /// The Backend API, and with it the secret key.
    pub bapi: Bapi,
    pub generation: Generation,
}

/// What a [`Routing`] means for one instance, derived once per distinct routing.
#[derive(Debug)]
struct Routed {
    routing: Routing,
    /// `frontendApi`: the proxy URL, or `clerk.<domain>` for a production satellite, or the key's host.
    frontend_api: String,
    /// The referrer origins `isKnownClerkReferrer` accepts besides development Account Portals: the Frontend API's
    /// host (`None` when a proxy URL does not parse: Clerk's check then throws and answers "unknown"), and the origin
    /// of its Account Portal.
    fapi_host: Option<String>,
    accounts_origin: Option<String>,
    /// The publishable key, with `originalFrontendApi` (no proxy override) as its host: what a token's `iss` is
    /// compared with to choose between plain and suffixed cookies.
    cookie_key: PublishableKey,
}

impl Routed {
    fn new(routing: Routing, pk: &PublishableKey) -> Routed {
        let satellite_host =
            (pk.instance_type == InstanceType::Production && routing.is_satellite && !routing.domain.is_empty())
                .then(|| format!("clerk.{}", routing.domain));
        let original_frontend_api = satellite_host.unwrap_or_else(|| pk.frontend_api.clone());
        let frontend_api =
            if routing.proxy_url.is_empty() { original_frontend_api.clone() } else { routing.proxy_url.clone() };
        let fapi_host = if frontend_api.starts_with("http") {
            Url::parse(&frontend_api).ok().map(|u| u.host_str().unwrap_or("").to_owned())
        } else {
            Some(frontend_api.clone())
        };
        let accounts_origin = accounts_base_url(&frontend_api)
            .and_then(|u| Url::parse(&u).ok())
            .map(|u| u.origin().ascii_serialization());
        Routed {
            routing,
            frontend_api,
            fapi_host,
            accounts_origin,
            cookie_key: PublishableKey { frontend_api: original_frontend_api, ..pk.clone() },
        }
    }
}

pub struct Authenticator {
    generation: Generation,
    sign_in_url: String,
    bapi: Bapi,
    pk: PublishableKey,
    /// The configured routing, derived.
    configured: Arc<Routed>,
    /// The routing a request named last, derived (one entry: requests of an app name the same one, or each a new one
    /// when it depends on the request, which a cache would not help).
    last: Mutex<Option<Arc<Routed>>>,
    verifier: Verifier,
    /// The same keys with a one-day clock skew: a development instance's retry of a handshake session token.
    lenient: Verifier,
    /// Sent instead of the secret key to check an opaque M2M token, when not empty.
    machine_secret_key: String,
    /// The app's pinned origin (`appOrigin`): the request URL's origin whatever the proxy headers say.
    app_origin: Option<Url>,
    /// Serialized origins a development primary may redirect a satellite's browser to, besides the request's own.
    allowed_redirect_origins: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthStatus {
    SignedIn,
    SignedOut,
    Handshake,
}

impl AuthStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthStatus::SignedIn => "signed-in",
            AuthStatus::SignedOut => "signed-out",
            AuthStatus::Handshake => "handshake",
        }
    }
}

/// Clerk's `RequestState`, without what the JS layer adds from its options.
#[derive(Debug, Clone)]
pub struct RequestState {
    pub status: AuthStatus,
    /// `None` when signed in.
    pub reason: Option<String>,
    /// `None` when signed in.
    pub message: Option<String>,
    /// The verified session token (signed in only).
    pub token: Option<String>,
    /// The verified payload as JSON text (signed in only).
    pub claims_json: Option<String>,
    /// Response headers in append order (lower-case names); `set-cookie` may repeat.
    pub headers: Vec<(String, String)>,
    /// `None` for a session token; a machine token's type (`api_key`, `m2m_token`, `oauth_token`), whose verified
    /// fields are then in `claims_json`.
    pub token_type: Option<&'static str>,
}

/// A line Clerk prints on the console during the decision: `console[level](message, detail)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub level: &'static str,
    pub message: String,
    pub detail: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Outcome {
    State(RequestState),
    /// Clerk throws `new Error(message)` here (configuration errors, development handshake failures).
    Thrown(String),
    /// Clerk's `new URL(…)` throws a `TypeError` here (an unparsable request URL, sign-in URL or redirect URL).
    InvalidUrl,
}

#[derive(Debug, Clone)]
pub struct Decision {
    pub outcome: Outcome,
    pub logs: Vec<LogLine>,
}

type Step = Result<Outcome, NeedsNetwork>;

impl Authenticator {
    /// Parses the publishable key and prepares the key source once. `Err` with Clerk's message for a missing or
    /// invalid publishable key (checked first, as Clerk builds its context before it touches any key), or for an
    /// unusable `jwt_key`.
    pub fn from_settings(settings: AuthenticatorSettings) -> Result<Authenticator, ConfigError> {
        let or_default = |value: String, default: &str| if value.is_empty() { default.to_owned() } else { value };
        let api_version = or_default(settings.api_version, DEFAULT_API_VERSION);
        let api_url = or_default(settings.api_url, DEFAULT_API_URL);
        let pk = PublishableKey::parse(&settings.publishable_key).map_err(ConfigError::PublishableKey)?;
        let generation = settings.generation;
        let config = AuthenticatorConfig {
            routing: Routing::default(),
            sign_in_url: settings.sign_in_url,
            bapi: Bapi {
                api_url: api_url.clone(),
                api_version: api_version.clone(),
                secret_key: settings.secret_key.clone(),
                user_agent: or_default(settings.user_agent, USER_AGENT),
                clerk_api_version: generation.clerk_api_version(),
            },
            generation,
        };
        let verifier = Verifier::new(VerifierSettings {
            jwt_key: settings.jwt_key,
            secret_key: settings.secret_key,
            api_url,
            api_version,
            authorized_parties: settings.authorized_parties,
            audience: settings.audience,
            token_cache_size: settings.token_cache_size,
            generation,
            ..VerifierSettings::default()
        })?;
        let app_origin = parse_app_origin(&settings.app_origin)?;
        let allowed = parse_allowed_origins(&settings.allowed_redirect_origins)?;
        let machine_secret_key = settings.machine_secret_key;
        Ok(Authenticator { machine_secret_key, ..Authenticator::new(config, pk, verifier) }
            .with_origins(app_origin, allowed))
    }

    /// The same authenticator with the app's pinned origin (`None`: the request's, from its headers) and the origins
    /// a development primary may send a satellite's browser back to (serialized origins, as
    /// [`parse_allowed_origins`] gives them).
    pub fn with_origins(self, app_origin: Option<Url>, allowed_redirect_origins: Vec<String>) -> Authenticator {
        Authenticator { app_origin, allowed_redirect_origins, ..self }
    }

    /// `clerkUrl` of a request as this authenticator sees it (its pinned origin, its generation's handling of proxy
    /// headers it does not believe). `None` where Clerk's `new URL` throws.
    pub fn request_url(&self, parts: &RequestParts) -> Option<Url> {
        clerk_url(parts, self.app_origin.as_ref(), self.generation)
    }

    /// The instance of publishable key `pk`, with its key source and claim rules.
    pub fn new(config: AuthenticatorConfig, pk: PublishableKey, verifier: Verifier) -> Authenticator {
        let lenient = Verifier {
            keys: verifier.keys.clone(),
            rules: ClaimRules { clock_skew_ms: DEVELOPMENT_HANDSHAKE_SKEW_MS, ..verifier.rules.clone() },
            cache: None,
        };
        Authenticator {
            generation: config.generation,
            configured: Arc::new(Routed::new(config.routing, &pk)),
            last: Mutex::new(None),
            sign_in_url: config.sign_in_url,
            bapi: config.bapi,
            pk,
            verifier,
            lenient,
            machine_secret_key: String::new(),
            app_origin: None,
            allowed_redirect_origins: Vec::new(),
        }
    }

    /// The verifier of session tokens (tests look into its cache).
    #[cfg(test)]
    pub(crate) fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// Bytes the verified-token cache holds (for reporting native memory).
    pub fn cache_bytes(&self) -> usize {
        self.verifier.cache.as_ref().map_or(0, |cache| cache.bytes())
    }

    /// What the request's routing (or the configured one) means for this instance.
    fn routed(&self, requested: Option<&Routing>) -> Arc<Routed> {
        let Some(routing) = requested.filter(|r| **r != self.configured.routing) else {
            return self.configured.clone();
        };
        let mut last = self.last.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        match &*last {
            Some(routed) if routed.routing == *routing => routed.clone(),
            _ => {
                let routed = Arc::new(Routed::new(routing.clone(), &self.pk));
                *last = Some(routed.clone());
                routed
            }
        }
    }

    /// `authenticate` `Offline`, without waiting: the decision from cached keys, or `Err(NeedsNetwork)` when the JWKS,
    /// a handshake payload or a session refresh must be fetched first.
    pub fn authenticate_now(&self, parts: &RequestParts, now_ms: f64) -> Result<Decision, NeedsNetwork> {
        // An offline decision has nothing to wait for; were it ever to wait, it would be for the network.
        self.authenticate(parts, now_ms, Network::Offline).now_or_never().unwrap_or(Err(NeedsNetwork))
    }

    /// Decides one request. `Err(NeedsNetwork)` only `Offline`, before anything was fetched: call again `Online`.
    pub async fn authenticate(
        &self,
        parts: &RequestParts,
        now_ms: f64,
        net: Network,
    ) -> Result<Decision, NeedsNetwork> {
        let Some(url) = self.request_url(parts) else {
            return Ok(Decision { outcome: Outcome::InvalidUrl, logs: Vec::new() });
        };
        let routed = self.routed(parts.routing.as_ref());
        if let Some(message) = self.configuration_error(parts, &routed.routing) {
            return Ok(Decision { outcome: Outcome::Thrown(message.into()), logs: Vec::new() });
        }
        let inputs = read_inputs(parts, &url, &routed.cookie_key, now_ms, &|token| self.verifier.cached(token));
        let mut request = Request { auth: self, routed, parts, url, inputs, now_ms, net, logs: Vec::new() };
        let mut outcome = if request.inputs.token_in_header.is_some() {
            request.header_flow().await?
        } else {
            request.cookie_flow().await?
        };
        if let Outcome::State(state) = &mut outcome {
            keep_cookies_out_of_shared_caches(&mut state.headers);
        }
        Ok(Decision { outcome, logs: request.logs })
    }

    /// The assertions `authenticateRequest` makes before deciding.
    fn configuration_error(&self, parts: &RequestParts, routing: &Routing) -> Option<&'static str> {
        if !routing.is_satellite {
            return None;
        }
        let secret = &self.bapi.secret_key;
        let development_secret = secret.starts_with("test_") || secret.starts_with("sk_test_");
        if self.sign_in_url.is_empty() && development_secret {
            return Some("Missing signInUrl. Pass a signInUrl for dev instances if an app is satellite");
        }
        if let (false, Some(origin)) = (self.sign_in_url.is_empty(), parts.origin.as_deref().filter(|o| !o.is_empty()))
        {
            let Ok(sign_in) = Url::parse(&self.sign_in_url) else {
                return Some("The signInUrl needs to have a absolute url format.");
            };
            if sign_in.origin().ascii_serialization() == origin {
                return Some("The signInUrl needs to be on a different origin than your satellite application.");
            }
        }
        if routing.proxy_url.is_empty() && routing.domain.is_empty() {
            return Some(
                "Missing domain and proxyUrl. A satellite application needs to specify a domain or a proxyUrl",
            );
        }
        None
    }
}

/// One request being decided.
struct Request<'a> {
    auth: &'a Authenticator,
    /// Where the instance's Frontend API is for this request.
    routed: Arc<Routed>,
    parts: &'a RequestParts,
    /// `clerkUrl`: the URL as the client saw it.
    url: Url,
    inputs: AuthInputs,
    now_ms: f64,
    net: Network,
    logs: Vec<LogLine>,
}

fn state(status: AuthStatus, reason: &str, message: String, mut headers: Vec<(String, String)>) -> Outcome {
    // `withDebugHeaders`: set (not appended) after the state's own headers.
    if !message.is_empty() {
        set_header(&mut headers, "x-clerk-auth-message", &message);
    }
    set_header(&mut headers, "x-clerk-auth-reason", reason);
    set_header(&mut headers, "x-clerk-auth-status", status.as_str());
    Outcome::State(RequestState {
        status,
        reason: Some(reason.to_owned()),
        message: Some(message),
        token: None,
        claims_json: None,
        headers,
        token_type: None,
    })
}

fn signed_out(reason: &str, message: String, headers: Vec<(String, String)>) -> Outcome {
    state(AuthStatus::SignedOut, reason, message, headers)
}

fn signed_in(verified: Verified, token: String, headers: Vec<(String, String)>) -> Outcome {
    Outcome::State(RequestState {
        status: AuthStatus::SignedIn,
        reason: None,
        message: None,
        token: Some(token),
        claims_json: Some(verified.payload_json),
        headers,
        token_type: None,
    })
}

/// `Headers#set`: replaces every value of `name`, or appends. A value `Headers` would refuse is left out, as Clerk's
/// `try { headers.set(…) } catch {}` does.
fn set_header(headers: &mut Vec<(String, String)>, name: &str, value: &str) {
    if !is_header_value(value) {
        return;
    }
    headers.retain(|(n, _)| n != name);
    headers.push((name.to_owned(), value.to_owned()));
}

/// A state that sets cookies (a refresh, a resolved handshake, a handshake redirect's counter) is never kept by a
/// shared cache: its `Cache-Control` follows [`cache_control::for_clerk_response`] (Clerk's `no-store` stays).
fn keep_cookies_out_of_shared_caches(headers: &mut Vec<(String, String)>) {
    if !headers.iter().any(|(n, _)| n == "set-cookie") {
        return;
    }
    let existing = headers.iter().find(|(n, _)| n == "cache-control").map(|(_, v)| v.as_str());
    if let Some(value) = cache_control::for_clerk_response(existing, false, true) {
        set_header(headers, "cache-control", &value);
    }
}

/// Why a handshake could not be resolved.
enum HandshakeFailure {
    /// The `__clerk_handshake` token did not verify (a `TokenVerificationError` in Clerk).
    Token(VerifyError),
    /// Anything else (Clerk: a plain `Error`).
    Other(String),
}

impl Request<'_> {
    fn development(&self) -> bool {
        self.routed.cookie_key.instance_type == InstanceType::Development
    }

    fn log(&mut self, level: &'static str, message: impl Into<String>, detail: Option<String>) {
        self.logs.push(LogLine { level, message: message.into(), detail });
    }

    async fn verify(&self, verifier: &Verifier, token: &str) -> Verification {
        verifier.check(token, || self.now_ms, self.net).await
    }

    /// `sessionTokenInCookie || tokenInHeader`.
    fn session_token(&self) -> Option<&str> {
        self.inputs.session_token_in_cookie.as_deref().or(self.inputs.token_in_header.as_deref())
    }

    /// `authenticateRequestWithTokenInHeader`; with 3.x, `authenticateAnyRequestWithTokenInHeader` (machine tokens
    /// are checked as what they are).
    async fn header_flow(&mut self) -> Step {
        let token = self.inputs.token_in_header.clone().unwrap_or_default();
        // A token that verified as a session token before (and says it is one) is neither a machine token nor of
        // another category: its cache entry answers without decoding anything (as in the cookie flow).
        let found = self.auth.verifier.cached(&token).filter(|entry| !entry.not_a_session);
        // A machine token: 3.x checks it as one; 2.x refuses a machine JWT with the JWT templates (below).
        let not_a_session = if found.is_some() {
            false
        } else if self.auth.generation.accepts_machine_tokens() {
            if let Some(kind) = machine_token::kind_of(&token) {
                return self.machine_flow(kind, token).await;
            }
            token_kind::has_non_session_category(&token)
        } else {
            token_kind::is_not_a_session_token(&token)
        };
        // A JWT whose `cat` says it is no session token (a JWT template): not a session, in both entries (3.x's rule).
        if not_a_session {
            return Ok(signed_out("token-type-mismatch", String::new(), Vec::new()));
        }
        match self.auth.verifier.check_with(&token, CacheLookup::Done(found), || self.now_ms, self.net).await {
            Checked::Passed(verified) => Ok(signed_in(verified, token, Vec::new())),
            Checked::Failed(e) => self.session_token_error(e, Carrier::Header).await,
            Checked::NeedsNetwork => Err(NeedsNetwork),
        }
    }

    /// A machine token: signed in with its verified fields, or signed out with Clerk's machine-token error.
    async fn machine_flow(&mut self, kind: machine_token::MachineKind, token: String) -> Step {
        let check = MachineCheck {
            verifier: &self.auth.verifier,
            bapi: &self.auth.bapi,
            machine_secret_key: &self.auth.machine_secret_key,
            generation: self.auth.generation,
            audience: &self.auth.verifier.rules.audience,
            now_ms: self.now_ms,
            net: self.net,
        };
        match machine_token::verify(&token, &check).await {
            Checked::Passed(fields) => Ok(Outcome::State(RequestState {
                status: AuthStatus::SignedIn,
                reason: None,
                message: None,
                token: Some(token),
                claims_json: Some(fields),
                headers: Vec::new(),
                token_type: Some(kind.as_str()),
            })),
            Checked::Failed(failure) => {
                let mut outcome = signed_out(failure.code, failure.full_message(), Vec::new());
                if let Outcome::State(state) = &mut outcome {
                    state.token_type = Some(failure.kind.as_str());
                }
                Ok(outcome)
            }
            Checked::NeedsNetwork => Err(NeedsNetwork),
        }
    }

    /// `authenticateRequestWithTokenInCookie`, in Clerk's order.
    async fn cookie_flow(&mut self) -> Step {
        if self.inputs.handshake_nonce.is_some() || self.inputs.handshake_token.is_some() {
            match self.resolve_handshake().await {
                Checked::Passed(outcome) => return Ok(outcome),
                Checked::NeedsNetwork => return Err(NeedsNetwork),
                Checked::Failed(HandshakeFailure::Token(e)) if self.development() => {
                    return Ok(Outcome::Thrown(if e.reason == Reason::TokenInvalidSignature {
                        "Clerk: Handshake token verification failed due to an invalid signature. If you have switched Clerk keys locally, clear your cookies and try again.".to_owned()
                    } else {
                        format!("Clerk: Handshake token verification failed: {}.", e.full_message(None))
                    }));
                }
                Checked::Failed(HandshakeFailure::Token(e)) => {
                    // Clerk's TokenVerificationError keeps the name `Error`.
                    let detail = format!("Error: {}", e.message);
                    self.log("error", "Clerk: unable to resolve handshake:", Some(detail));
                }
                Checked::Failed(HandshakeFailure::Other(message)) => {
                    self.log("error", "Clerk: unable to resolve handshake:", Some(format!("Error: {message}")));
                }
            }
        }

        let is_satellite = self.routed.routing.is_satellite;
        let development = self.development();
        let document = self.parts.sec_fetch_dest.as_deref() == Some("document");
        let generation = self.auth.generation;
        let get = self.parts.method == "GET";
        let multi_domain_sync = is_satellite && document && (get || !generation.needs_get());
        if let Some(step) = self.satellite_sync(multi_domain_sync) {
            return step;
        }
        let return_to = search_params::get(&self.url, "__clerk_redirect_url").filter(|u| !u.is_empty());
        let return_to = match (development, is_satellite, return_to) {
            (true, false, Some(return_to)) => {
                let Ok(location) = Url::parse(&return_to) else { return Ok(Outcome::InvalidUrl) };
                self.allowed_return(location)
            }
            _ => None,
        };
        if let Some(mut location) = return_to {
            if let Some(db) = self.inputs.dev_browser_token.as_deref() {
                location = search_params::with_appended(&location, "__clerk_db_jwt", db);
            }
            location = if generation.is_3() {
                search_params::with_set(&location, "__clerk_synced", "true")
            } else {
                search_params::with_appended(&location, "__clerk_synced", "true")
            };
            return Ok(self.maybe_handshake("primary-responds-to-syncing", String::new(), Some(location)));
        }
        if development && search_params::get(&self.url, "__clerk_db_jwt").is_some() {
            return Ok(self.maybe_handshake("dev-browser-sync", String::new(), None));
        }
        if development && self.inputs.dev_browser_token.is_none() {
            return Ok(self.maybe_handshake("dev-browser-missing", String::new(), None));
        }

        let has_client = self.inputs.client_uat != 0;
        let Some(token) = self.inputs.session_token_in_cookie.clone() else {
            return Ok(if has_client {
                self.maybe_handshake("client-uat-but-no-session-token", String::new(), None)
            } else {
                signed_out("session-token-and-uat-missing", String::new(), Vec::new())
            });
        };
        if !has_client {
            return Ok(self.maybe_handshake("session-token-but-no-client-uat", String::new(), None));
        }
        // Clerk reads `iat` from the unverified token here; it can only send the request to a handshake.
        // Decoded once already, for the cookie choice; decoding again only explains a failure.
        let unverified_iat =
            || jwt::unverified_payload(&token, &["iat"]).map(|m| m.get("iat").and_then(|v| v.as_f64()));
        let iat = match self.inputs.session_cookie_iat.map_or_else(unverified_iat, Ok) {
            Ok(iat) => iat,
            Err(e) => return self.session_token_error(e, Carrier::Cookie).await,
        };
        // A machine JWT or a JWT of another category in the session cookie is not a session (3.x's rule, both
        // entries). A token that verified before says so from its cache entry.
        let not_a_session = match &self.inputs.session_cache_entry {
            Some(entry) => entry.not_a_session,
            None => token_kind::is_not_a_session_token(&token),
        };
        if not_a_session {
            return Ok(signed_out("token-type-mismatch", String::new(), Vec::new()));
        }
        if iat.is_some_and(|iat| iat < self.inputs.client_uat as f64) {
            return Ok(self.maybe_handshake("session-token-iat-before-client-uat", String::new(), None));
        }
        // The cookie choice looked the chosen session token up already (`read_inputs`); an entry it could not use (a
        // payload its unverified decode cannot read) is verified again, with the same answer.
        let found = CacheLookup::Done(self.inputs.session_cache_entry.clone());
        let verified = match self.auth.verifier.check_with(&token, found, || self.now_ms, self.net).await {
            Checked::Passed(verified) => verified,
            Checked::Failed(e) => return self.session_token_error(e, Carrier::Cookie).await,
            Checked::NeedsNetwork => return Err(NeedsNetwork),
        };
        if generation.is_3() && !verified.has_azp {
            self.warn_once_missing_azp();
        }
        let cross_origin_sync = !is_satellite
            && document
            && (get || !generation.needs_get())
            && self.inputs.redirect_loop_counter == 0.0
            && self.has_unknown_cross_origin_referrer();
        if cross_origin_sync {
            let message = "Cross-origin request from satellite domain requires handshake".to_owned();
            return Ok(self.maybe_handshake("primary-domain-cross-origin-sync", message, None));
        }
        Ok(signed_in(verified, token, Vec::new()))
    }

    /// A satellite's `__clerk_redirect_url` on a development primary, when the browser may be sent there with its dev
    /// browser token: the request's own origin (the pinned one) or one of `allowedRedirectOrigins`. Any other target
    /// is logged and the request decided as if the parameter were absent (docs/compat.md R10).
    fn allowed_return(&mut self, target: Url) -> Option<Url> {
        if is_allowed_redirect(&target, &self.url, &self.auth.allowed_redirect_origins) {
            return Some(target);
        }
        let message = format!(
            "Clerk: __clerk_redirect_url ignored: {} is neither this app's origin nor one of allowedRedirectOrigins \
             (CLERK_ALLOWED_REDIRECT_ORIGINS); the dev browser token is not sent there.",
            target.origin().ascii_serialization()
        );
        self.log("warn", message, None);
        None
    }

    /// The satellite's multi-domain sync (`None`: go on with the session cookies). 2.x sends every eligible request
    /// of a production satellite to a handshake, and a development one to its sign-in URL unless `__clerk_synced`
    /// is present. 3.x (with `satelliteAutoSync` off, as `@clerk/react-router` leaves it) syncs only when asked
    /// (`__clerk_synced=false`) or when the browser has no session cookies and no sync is done (`true`) — and then,
    /// without cookies and without a request for it, answers signed out instead.
    fn satellite_sync(&mut self, eligible: bool) -> Option<Step> {
        if !eligible {
            return None;
        }
        let development = self.development();
        let synced = search_params::get(&self.url, "__clerk_synced");
        if self.auth.generation.is_3() {
            if synced.as_deref() == Some("true") {
                return None;
            }
            let needs_sync = synced.as_deref() == Some("false");
            let has_cookies = self.inputs.session_token_in_cookie.is_some() || self.inputs.client_uat != 0;
            if !has_cookies && !needs_sync {
                return Some(Ok(signed_out("session-token-and-uat-missing", String::new(), Vec::new())));
            }
            if has_cookies && !needs_sync {
                return None;
            }
        } else if development && synced.is_some() {
            return None;
        }
        if !development {
            return Some(Ok(self.maybe_handshake("satellite-needs-syncing", String::new(), None)));
        }
        let Ok(sign_in) = Url::parse(&self.auth.sign_in_url) else { return Some(Ok(Outcome::InvalidUrl)) };
        let location = search_params::with_appended(&sign_in, "__clerk_redirect_url", self.url.as_str());
        Some(Ok(self.maybe_handshake("satellite-needs-syncing", String::new(), Some(location))))
    }

    fn warn_once_missing_azp(&mut self) {
        if !MISSING_AZP_WARNED.swap(true, std::sync::atomic::Ordering::Relaxed) {
            self.log("warn", MISSING_AZP_WARNING, None);
        }
    }

    /// `handleSessionTokenError`.
    async fn session_token_error(&mut self, err: VerifyError, carrier: Carrier) -> Step {
        let refresh_cookie = self.inputs.refresh_token_in_cookie.is_some();
        let get = self.parts.method == "GET";
        let refresh_error = if err.reason == Reason::TokenExpired && refresh_cookie && get {
            match self.attempt_refresh().await {
                Checked::Passed(outcome) => return Ok(outcome),
                Checked::Failed(reason) => Some(reason),
                Checked::NeedsNetwork => return Err(NeedsNetwork),
            }
        } else if !get {
            Some("non-eligible-non-get".to_owned())
        } else if !refresh_cookie {
            Some("non-eligible-no-refresh-cookie".to_owned())
        } else {
            None
        };
        let mut err = err;
        err.message = self.auth.generation.kid_mismatch_message(err.message);
        let message = err.full_message(Some(carrier.as_str()));
        let reason = match err.reason {
            Reason::TokenExpired => {
                format!("session-token-expired-refresh-{}", refresh_error.as_deref().unwrap_or("null"))
            }
            Reason::TokenNotActiveYet => "session-token-nbf".to_owned(),
            Reason::TokenIatInTheFuture => "session-token-iat-in-the-future".to_owned(),
            other => return Ok(signed_out(other.as_str(), message, Vec::new())),
        };
        Ok(self.maybe_handshake(&reason, message, None))
    }

    /// `attemptRefresh`: new session cookies from the Backend API for an expired token. `Failed` carries the
    /// `refreshError` reason.
    async fn attempt_refresh(&mut self) -> Checked<Outcome, String> {
        let Some(expired) = self.session_token().map(str::to_owned) else {
            return Checked::Failed("missing-session-token".into());
        };
        let Some(refresh) = self.inputs.refresh_token_in_cookie.clone() else {
            return Checked::Failed("missing-refresh-token".into());
        };
        let Ok(members) = jwt::unverified_payload(&expired, &["sid"]) else {
            return Checked::Failed("expired-session-token-decode-failed".into());
        };
        let Some(sid) = members.get("sid").and_then(|v| v.as_str()).filter(|s| !s.is_empty()) else {
            return Checked::Failed("expired-session-token-missing-sid-claim".into());
        };
        if self.net == Network::Offline {
            return Checked::NeedsNetwork;
        }
        let origin = self.url.origin().ascii_serialization();
        let request = RefreshRequest {
            suffixed_cookies: self.inputs.uses_suffixed_cookies,
            expired_token: &expired,
            refresh_token: &refresh,
            request_origin: &origin,
            request_headers_json: self.parts.headers_json.as_deref(),
        };
        let cookies = match self.auth.bapi.refresh_session(sid, &request).await {
            Ok(cookies) if !cookies.is_empty() => cookies,
            Ok(_) => return Checked::Failed("unexpected-sdk-error".into()),
            Err(e) => return Checked::Failed(e.refresh_reason()),
        };
        // A cookie Clerk's protocol does not set (H1) fails the refresh as an answer that is not what the endpoint
        // promises: Clerk's `unexpected-sdk-error`, and no cookie of it is set.
        let Ok((headers, session)) = set_cookie_headers(&cookies, self.url.host_str().unwrap_or(""), self.now_ms)
        else {
            return Checked::Failed("unexpected-sdk-error".into());
        };
        match self.verify(&self.auth.verifier, &session).await {
            Checked::Passed(verified) => Checked::Passed(signed_in(verified, session, headers)),
            Checked::Failed(_) => Checked::Failed("invalid-session-token".into()),
            Checked::NeedsNetwork => Checked::NeedsNetwork,
        }
    }

    /// `handleMaybeHandshakeStatus`: a handshake for a document request, signed-out otherwise or when the redirect
    /// loop guard gives up. `location` replaces the handshake URL (multi-domain sync).
    fn maybe_handshake(&mut self, reason: &str, message: String, location: Option<Url>) -> Outcome {
        if !self.is_eligible_for_handshake() {
            return signed_out(reason, message, Vec::new());
        }
        let location = match location {
            Some(url) => url,
            None => {
                let request = HandshakeRequest {
                    frontend_api: &self.routed.frontend_api,
                    clerk_url: &self.url,
                    clerk_api_version: self.auth.generation.clerk_api_version(),
                    uses_suffixed_cookies: self.inputs.uses_suffixed_cookies,
                    reason,
                    session_token: self.session_token(),
                    dev_browser_token: self.inputs.dev_browser_token.as_deref().filter(|_| self.development()),
                };
                match redirect_url(&request) {
                    Some(url) => url,
                    None => return Outcome::InvalidUrl,
                }
            }
        };
        let mut headers = vec![("location".to_owned(), location.to_string())];
        set_header(&mut headers, "cache-control", "no-store");
        match redirect_count_cookie(self.inputs.redirect_loop_counter) {
            None => {
                let loop_message = if self.auth.generation.is_3() && reason == "satellite-needs-syncing" {
                    SATELLITE_LOOP_MESSAGE
                } else {
                    REDIRECT_LOOP_MESSAGE
                };
                self.log("log", loop_message, None);
                signed_out(reason, message, Vec::new())
            }
            Some(cookie) => {
                headers.push(("set-cookie".to_owned(), cookie));
                state(AuthStatus::Handshake, reason, message, headers)
            }
        }
    }

    fn is_eligible_for_handshake(&self) -> bool {
        if self.auth.generation.needs_get() && self.parts.method != "GET" {
            return false;
        }
        match self.parts.sec_fetch_dest.as_deref().filter(|d| !d.is_empty()) {
            Some(dest) => dest == "document" || dest == "iframe",
            None => self.parts.accept.as_deref().is_some_and(|a| a.starts_with("text/html")),
        }
    }

    /// `isCrossOriginReferrer() && !isKnownClerkReferrer()`: a `Referer` on another origin than the request's that
    /// is not the Frontend API, its Account Portal, a development Account Portal or an `accounts.` host.
    fn has_unknown_cross_origin_referrer(&self) -> bool {
        let Some(referrer) = self.parts.referer.as_deref().filter(|r| !r.is_empty()).and_then(|r| Url::parse(r).ok())
        else {
            return false;
        };
        let origin = referrer.origin().ascii_serialization();
        if origin == self.url.origin().ascii_serialization() {
            return false;
        }
        let host = referrer.host_str().unwrap_or("");
        let Some(fapi_host) = &self.routed.fapi_host else { return true };
        if !self.routed.frontend_api.is_empty() && host == fapi_host {
            return false;
        }
        const CURRENT_DEV: [&str; 3] = [".accounts.dev", ".accountsstage.dev", ".accounts.lclclerk.com"];
        let generic = self.auth.generation.trusts_generic_accounts_host();
        let dev_portal = (generic || self.development())
            && LEGACY_DEV_SUFFIXES.iter().any(|s| host.starts_with("accounts.") && host.ends_with(s))
            || CURRENT_DEV.iter().any(|s| host.ends_with(s) && !host.ends_with(&format!(".clerk{s}")));
        let known = dev_portal
            || self.routed.accounts_origin.as_deref() == Some(origin.as_str())
            || (generic && host.starts_with("accounts."));
        !known
    }

    /// `HandshakeService#resolveHandshake`.
    async fn resolve_handshake(&mut self) -> Checked<Outcome, HandshakeFailure> {
        let directives = if let Some(nonce) = self.inputs.handshake_nonce.clone() {
            if self.net == Network::Offline {
                return Checked::NeedsNetwork;
            }
            match self.auth.bapi.handshake_payload(&nonce).await {
                Ok(directives) => directives,
                Err(e) => {
                    let message = "Clerk: HandshakeService: error getting handshake payload:";
                    self.log("error", message, Some(e.describe()));
                    Vec::new()
                }
            }
        } else {
            let token = self.inputs.handshake_token.clone().unwrap_or_default();
            match self.verify_handshake_token(&token).await {
                Checked::Passed(directives) => directives,
                Checked::Failed(e) => return Checked::Failed(HandshakeFailure::Token(e)),
                Checked::NeedsNetwork => return Checked::NeedsNetwork,
            }
        };

        let mut headers = vec![
            ("access-control-allow-origin".to_owned(), "null".to_owned()),
            ("access-control-allow-credentials".to_owned(), "true".to_owned()),
        ];
        // A directive Clerk's protocol does not set (a foreign cookie name, another site's Domain, a lifetime past ten
        // years: docs/compat.md H1) fails the whole handshake, as an invalid header value does in Clerk: no cookie
        // of the list is set, the failure is logged and the request is decided as if no handshake were there. Setting
        // the rest would apply half of a list whose signer wrote something Clerk never writes (a session without
        // its `__client_uat`, or the reverse, which only sends the browser round the handshake again); refusing it
        // whole costs nothing more: the browser is then signed out or sent to a new handshake, as with any
        // unresolved one, and the redirect-loop guard bounds that.
        let (cookies, session) = match set_cookie_headers(&directives, self.url.host_str().unwrap_or(""), self.now_ms) {
            Ok(found) => found,
            Err(DirectiveError::NotHeaderValue) => {
                let message = "Headers.append: a Set-Cookie directive is an invalid header value.".to_owned();
                return Checked::Failed(HandshakeFailure::Other(message));
            }
            Err(DirectiveError::Refused { index, count, why }) => {
                let message =
                    format!("handshake Set-Cookie directive {index} of {count} refused: {why}; no cookie of the handshake was set.");
                return Checked::Failed(HandshakeFailure::Other(message));
            }
        };
        headers.extend(cookies);
        if self.development() {
            headers.push(("location".to_owned(), development_return_url(&self.url).to_string()));
            set_header(&mut headers, "cache-control", "no-store");
        }
        if session.is_empty() {
            return Checked::Passed(signed_out("session-token-missing", String::new(), headers));
        }
        let error = match self.verify(&self.auth.verifier, &session).await {
            Checked::Passed(verified) => return Checked::Passed(signed_in(verified, session, headers)),
            Checked::Failed(e) => e,
            Checked::NeedsNetwork => return Checked::NeedsNetwork,
        };
        let clock = [Reason::TokenExpired, Reason::TokenNotActiveYet, Reason::TokenIatInTheFuture];
        if self.development() && clock.contains(&error.reason) {
            let message = format!("{CLOCK_SKEW_MESSAGE}{}", error.full_message(Some(Carrier::Cookie.as_str())));
            self.log("error", message, None);
            return match self.verify(&self.auth.lenient, &session).await {
                Checked::Passed(verified) => Checked::Passed(signed_in(verified, session, headers)),
                Checked::Failed(retry) => Checked::Failed(HandshakeFailure::Other(non_empty_or(
                    retry.message,
                    "Clerk: Handshake retry failed.",
                ))),
                Checked::NeedsNetwork => Checked::NeedsNetwork,
            };
        }
        Checked::Failed(HandshakeFailure::Other(non_empty_or(error.message, "Clerk: Handshake failed.")))
    }

    /// `verifyHandshakeToken`: header rules, key and signature; the payload's claims are not checked (as in Clerk).
    async fn verify_handshake_token(&self, token: &str) -> Checked<Vec<String>> {
        let jws = match jwt::decode_header_and_signature(token) {
            Ok(jws) => jws,
            Err(e) => return Checked::Failed(e),
        };
        // A handshake token of another category than a session's is refused (3.x's security fix; both entries).
        if token_kind::has_non_session_category(token) {
            let e = VerifyError::new(Reason::TokenInvalid, "Invalid handshake token category.")
                .with_action(crate::error::action::ENSURE_CLERK_JWT);
            return Checked::Failed(e);
        }
        let key = match self.auth.verifier.key(jws.kid.as_deref(), self.net).await {
            Checked::Passed(key) => key,
            Checked::Failed(e) => return Checked::Failed(e),
            Checked::NeedsNetwork => return Checked::NeedsNetwork,
        };
        if check_signature(&jws, &key).is_err() {
            return Checked::Failed(VerifyError::new(Reason::TokenInvalidSignature, "Handshake signature is invalid."));
        }
        // Clerk reads no claim of a handshake token, so one is good forever and can be replayed from a link (H2).
        // Development keeps Clerk's one-day tolerance of a wrong clock (as for the session token it carries).
        let development = self.development();
        let skew = if development { DEVELOPMENT_HANDSHAKE_SKEW_MS } else { self.auth.verifier.rules.clock_skew_ms };
        let iat_required = !development && self.inputs.handshake_token_in_query;
        match check_token_age(&jws.payload, self.now_ms, skew, iat_required) {
            Ok(()) => Checked::Passed(token_directives(&jws.payload)),
            Err(e) => Checked::Failed(e),
        }
    }
}

/// Why a list of `Set-Cookie` directives from Clerk is not set.
enum DirectiveError {
    /// Not a valid header value (Clerk's `Headers#append` throws there).
    NotHeaderValue,
    /// Directive `index` (from 1) of `count` is not one Clerk's protocol sets ([`refused_directive`]).
    Refused { index: usize, count: usize, why: &'static str },
}

/// `Set-Cookie` headers for the directives, and the value of the last `__session…` one (`""` when there is none);
/// `Err` when one of them may not be set (then none is), for a request to `host` at `now_ms`.
fn set_cookie_headers(
    directives: &[String],
    host: &str,
    now_ms: f64,
) -> Result<(Vec<(String, String)>, String), DirectiveError> {
    let mut session = String::new();
    let mut headers = Vec::with_capacity(directives.len());
    for (i, directive) in directives.iter().enumerate() {
        if !is_header_value(directive) {
            return Err(DirectiveError::NotHeaderValue);
        }
        if let Some(why) = refused_directive(directive, host, now_ms) {
            return Err(DirectiveError::Refused { index: i + 1, count: directives.len(), why });
        }
        headers.push(("set-cookie".to_owned(), directive.clone()));
        if directive_name(directive).starts_with("__session") {
            session = directive_value(directive).to_owned();
        }
    }
    Ok((headers, session))
}

fn non_empty_or(message: String, fallback: &str) -> String {
    if message.is_empty() {
        fallback.to_owned()
    } else {
        message
    }
}

/// `buildAccountsBaseUrl`: the Account Portal of a Frontend API host.
fn accounts_base_url(frontend_api: &str) -> Option<String> {
    if frontend_api.is_empty() {
        return None;
    }
    let staged = frontend_api.replacen("clerk.accountsstage.", "accountsstage.", 1);
    let host = match (staged.find("clerk.accounts."), staged.find("clerk.")) {
        (Some(a), Some(b)) if a <= b => format!("{}accounts.{}", &staged[..a], &staged[a + "clerk.accounts.".len()..]),
        (_, Some(b)) => format!("{}accounts.{}", &staged[..b], &staged[b + "clerk.".len()..]),
        _ => staged,
    };
    Some(format!("https://{host}"))
}
