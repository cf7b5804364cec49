//! The request as Clerk's `authenticateRequest` reads it (`@clerk/backend`'s `ClerkRequest` and
//! `AuthenticateContext`), computed once per request: the URL as the client saw it (`clerkUrl`), the cookies, the
//! suffixed-or-not cookie choice, the header token and the handshake values.

use std::ops::Range;
use std::sync::Arc;

use serde_json::Value;

use reqwest::Url;

use crate::authorization_header::token_from_authorization;
use crate::cookie;
use crate::generation::Generation;
use crate::jwt;
use crate::origin;
use crate::publishable_key::{InstanceType, PublishableKey};
use crate::search_params;
use crate::token_cache::CachedToken;

/// The request data the decision needs; everything else stays in JS.
#[derive(Clone, Debug, Default)]
pub struct RequestParts {
    pub url: String,
    pub method: String,
    pub cookie: Option<String>,
    pub authorization: Option<String>,
    pub host: Option<String>,
    pub forwarded_host: Option<String>,
    pub forwarded_proto: Option<String>,
    pub origin: Option<String>,
    pub referer: Option<String>,
    pub sec_fetch_dest: Option<String>,
    pub accept: Option<String>,
    /// `{name: [value]}` of every request header as JSON text: sent with a session refresh, as Clerk does.
    pub headers_json: Option<String>,
    /// Where the instance's Frontend API is for this request; `None`: the authenticator's configured routing.
    pub routing: Option<Routing>,
}

/// The options that say where an instance's Frontend API is. Clerk lets `domain`, `isSatellite` and `proxyUrl` be
/// functions of the request, and a relative proxy URL resolves against the request's host, so they travel with the
/// request rather than picking (and multiplying) authenticators.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Routing {
    pub domain: String,
    pub is_satellite: bool,
    /// Absolute, or empty.
    pub proxy_url: String,
}

/// `ClerkRequest#deriveUrlFromHeaders`: the first `x-forwarded-host` value (or `host`) and the first
/// `x-forwarded-proto` value (or the URL's scheme) make the origin; when it differs from the URL's own origin, the
/// path and query are re-based onto it. `None` when the URL does not parse (Clerk's `new URL` would throw).
///
/// Differences (docs/compat.md U1, U4, U5):
/// * a path starting with `//` stays a path;
/// * with `app_origin` (the app's pinned origin) the URL is re-based onto it and no header is read;
/// * the headers are believed only when the host is a `host[:port]` and the protocol `http` or `https`
///   ([`origin::is_host_header`], [`origin::is_proto_header`]); other values are handled as Clerk handles values
///   it cannot build a URL from: 2.x throws (`None`), 3.x keeps the request's own URL.
pub fn clerk_url(parts: &RequestParts, app_origin: Option<&Url>, generation: Generation) -> Option<Url> {
    let initial = Url::parse(&parts.url).ok()?;
    if let Some(pinned) = app_origin {
        return Some(if pinned.origin() == initial.origin() { initial } else { rebased(&initial, pinned) });
    }
    fn first(v: Option<&str>) -> Option<&str> {
        v.map(|v| v.split(',').next().unwrap_or("").trim_matches([' ', '\t']))
    }
    let host = first(parts.forwarded_host.as_deref()).or(parts.host.as_deref());
    let proto = first(parts.forwarded_proto.as_deref()).unwrap_or(initial.scheme());
    let (host, proto) = match host {
        Some(h) if !h.is_empty() && !proto.is_empty() => (h, proto),
        _ => return Some(initial),
    };
    if is_own_origin(&initial, proto, host) {
        return Some(initial);
    }
    let believed = origin::is_host_header(host) && origin::is_proto_header(proto);
    let origin = believed.then(|| Url::parse(&format!("{proto}://{host}")).ok()).flatten();
    match origin {
        Some(origin) => Some(rebased(&initial, &origin)),
        None if generation.is_3() => Some(initial),
        None => None,
    }
}

/// Whether `{proto}://{host}` is `url`'s own origin (Clerk's `origin === url.origin`), read from the parsed URL
/// without building either text: for http(s) a URL's serialized `host[:port]` (default port omitted, user info
/// excluded) is exactly its origin's. Other schemes have an opaque origin (`null`), which no such text equals.
fn is_own_origin(url: &Url, proto: &str, host: &str) -> bool {
    if !matches!(url.scheme(), "http" | "https") || url.scheme() != proto {
        return false;
    }
    let Some(rest) = url.host_str().and_then(|name| host.strip_prefix(name)) else { return false };
    match url.port() {
        None => rest.is_empty(),
        // The port as the URL serializes it: decimal, no sign, no leading zero.
        Some(port) => rest.strip_prefix(':').is_some_and(|digits| {
            digits.bytes().all(|b| b.is_ascii_digit())
                && !digits.starts_with('0')
                && digits.parse::<u16>().ok() == Some(port)
        }),
    }
}

/// `initial` with `origin`'s scheme, host and port. The path is set on the new origin, never joined to it: Clerk's
/// `new URL(pathname + search, origin)` lets a path starting with `//` name another host.
fn rebased(initial: &Url, origin: &Url) -> Url {
    let mut rebased = origin.clone();
    rebased.set_path(initial.path());
    rebased.set_query(initial.query());
    rebased.set_fragment(None);
    rebased
}

/// The cookie and header values of one request, read the way `AuthenticateContext` reads them.
#[derive(Clone, Debug, Default)]
pub struct AuthInputs {
    pub token_in_header: Option<String>,
    pub session_token_in_cookie: Option<String>,
    /// `iat` of that token when it decoded (unverified; `Some(None)`: it has no numeric `iat`); `None` when it did not
    /// decode (or there is none).
    pub session_cookie_iat: Option<Option<f64>>,
    /// The token cache entry the cookie choice found for that token (so that its verification looks it up once).
    pub session_cache_entry: Option<Arc<CachedToken>>,
    pub refresh_token_in_cookie: Option<String>,
    /// `parseInt(__client_uat) || 0`.
    pub client_uat: i64,
    pub dev_browser_token: Option<String>,
    pub handshake_token: Option<String>,
    /// The handshake token came from the query string (`__clerk_handshake=`), not from the cookie.
    pub handshake_token_in_query: bool,
    pub handshake_nonce: Option<String>,
    pub redirect_loop_counter: f64,
    pub uses_suffixed_cookies: bool,
}

/// The Cookie header as `cookie.parse` reads it. It is not pre-decoded as a whole: `@clerk/backend` 2.x's
/// `decodeCookieValue` turned an encoded `%3B__session%3D…` inside another cookie's value into a `__session` cookie
/// of its own, ahead of the browser's (3.x removed it; docs/compat.md C2).
pub struct Cookies<'h> {
    header: &'h str,
    /// (name, raw value) byte ranges of the pairs whose name starts with `__` (every cookie the decision reads:
    /// Clerk's), in header order: the header is walked once, and a browser's other cookies (analytics, preferences)
    /// are skipped rather than stored; a lookup takes the first pair of its name, which is `cookie.parse`'s "first
    /// occurrence wins" (and linear in the number of `__` pairs).
    clerk_pairs: Vec<(Range<usize>, Range<usize>)>,
}

/// The prefix of every cookie name the decision reads.
const CLERK_COOKIE_PREFIX: &str = "__";

impl<'h> Cookies<'h> {
    pub fn new(raw: Option<&'h str>) -> Self {
        let header = raw.unwrap_or("");
        let base = header.as_ptr() as usize;
        let range = |part: &str| {
            let start = part.as_ptr() as usize - base;
            start..start + part.len()
        };
        let clerk_pairs = cookie::pairs(header)
            .filter(|(name, _)| name.starts_with(CLERK_COOKIE_PREFIX))
            .map(|(name, value)| (range(name), range(value)))
            .collect();
        Cookies { header, clerk_pairs }
    }

    /// A cookie value, decoded as `cookie.parse` decodes it; empty counts as absent, as Clerk's `|| undefined` makes it.
    pub fn get(&self, name: &str) -> Option<String> {
        let value = if name.starts_with(CLERK_COOKIE_PREFIX) {
            let (_, value) = self.clerk_pairs.iter().find(|(n, _)| &self.header[n.clone()] == name)?;
            cookie::decode_value(&self.header[value.clone()])
        } else {
            // Not one of Clerk's names (only tests ask): the header walked for it alone.
            cookie::get(self.header, name)?
        };
        Some(value.into_owned()).filter(|v| !v.is_empty())
    }
}

/// A token that verified before, as the token cache has it (`None`: not cached).
pub type CachedLookup<'a> = &'a dyn Fn(&str) -> Option<Arc<CachedToken>>;

/// `AuthenticateContext#initHeaderValues`, `#initCookieValues`, `#initHandshakeValues`. The unverified claims the
/// cookie choice reads are taken from `cached` when a session cookie holds a token that verified before (the same
/// bytes decode to the same claims), so a repeat request decodes nothing.
pub fn read_inputs(
    parts: &RequestParts,
    url: &Url,
    pk: &PublishableKey,
    now_ms: f64,
    cached: CachedLookup<'_>,
) -> AuthInputs {
    let cookies = Cookies::new(parts.cookie.as_deref());
    let names = &pk.suffixed;
    let choice = choose_cookies(&cookies, pk, now_ms, cached);
    let uses_suffixed = choice.suffixed;
    let suffixed_or_not =
        |plain: &str, suffixed: &str| if uses_suffixed { cookies.get(suffixed) } else { cookies.get(plain) };
    let query = |name: &str| search_params::get(url, name).filter(|v| !v.is_empty());
    let handshake_in_query = query("__clerk_handshake");
    let handshake_token_in_query = handshake_in_query.is_some();
    let (session, claims) = if uses_suffixed {
        (choice.suffixed_session, choice.suffixed_claims)
    } else {
        (choice.session, choice.session_claims)
    };
    let session_iat = claims.as_ref().map(iat_of);
    let session_cache_entry = match claims {
        Some(CookieChoiceClaims::Cached(entry)) => Some(entry),
        _ => None,
    };

    AuthInputs {
        token_in_header: parts
            .authorization
            .as_deref()
            .filter(|v| !v.is_empty())
            .and_then(token_from_authorization)
            .map(str::to_owned),
        session_token_in_cookie: session,
        session_cookie_iat: session_iat,
        session_cache_entry,
        refresh_token_in_cookie: cookies.get(&names.refresh),
        client_uat: if uses_suffixed { choice.suffixed_client_uat } else { choice.client_uat }
            .map_or(0, |v| parse_int(&v)),
        dev_browser_token: query("__clerk_db_jwt").or_else(|| suffixed_or_not("__clerk_db_jwt", &names.dev_browser)),
        handshake_token: handshake_in_query.or_else(|| cookies.get("__clerk_handshake")),
        handshake_token_in_query,
        handshake_nonce: query("__clerk_handshake_nonce").or_else(|| cookies.get("__clerk_handshake_nonce")),
        redirect_loop_counter: cookies.get("__clerk_redirect_count").map_or(0.0, |v| js_number(&v)),
        uses_suffixed_cookies: uses_suffixed,
    }
}

/// The four cookies the plain-or-suffixed choice reads, the unverified claims of the two session tokens (each
/// decoded once, for the whole request), and the choice.
pub(crate) struct CookieChoice {
    pub(crate) suffixed: bool,
    session: Option<String>,
    suffixed_session: Option<String>,
    client_uat: Option<String>,
    suffixed_client_uat: Option<String>,
    session_claims: Option<CookieChoiceClaims>,
    suffixed_claims: Option<CookieChoiceClaims>,
}

/// The cookie choice (`AuthenticateContext#usesSuffixedCookies` is its `suffixed`).
pub(crate) fn choose_cookies(
    cookies: &Cookies<'_>,
    pk: &PublishableKey,
    now_ms: f64,
    cached: CachedLookup<'_>,
) -> CookieChoice {
    let session = cookies.get("__session");
    let suffixed_session = cookies.get(&pk.suffixed.session);
    let claims_of = |token: &str| match cached(token) {
        // An entry whose payload the unverified decode cannot read answers as that decode does: no claims.
        Some(entry) => entry.cookie_claims.is_some().then_some(CookieChoiceClaims::Cached(entry)),
        None => unverified_claims(token).map(CookieChoiceClaims::Decoded),
    };
    let mut choice = CookieChoice {
        suffixed: false,
        session_claims: session.as_deref().and_then(claims_of),
        suffixed_claims: suffixed_session.as_deref().and_then(claims_of),
        session,
        suffixed_session,
        client_uat: cookies.get("__client_uat"),
        suffixed_client_uat: cookies.get(&pk.suffixed.client_uat),
    };
    choice.suffixed = suffixed_rule(&choice, pk, now_ms);
    choice
}

fn suffixed_rule(c: &CookieChoice, pk: &PublishableKey, now_ms: f64) -> bool {
    let number = |claims: &Option<CookieChoiceClaims>, name: &str| claims.as_ref()?.get(name)?.as_f64();
    if c.session.is_some() {
        let iss =
            c.session_claims.as_ref().and_then(|c| c.get("iss")).and_then(|v| v.as_str()).filter(|s| !s.is_empty());
        match iss {
            None => return false,
            Some(iss) if strip_scheme(iss) != pk.frontend_api => return true,
            Some(_) => {}
        }
    }
    if c.suffixed_client_uat.is_none() && c.suffixed_session.is_none() {
        return false;
    }
    let session_iat = number(&c.session_claims, "iat").unwrap_or(0.0);
    let suffixed_iat = number(&c.suffixed_claims, "iat").unwrap_or(0.0);
    let (s_uat, uat) = (c.suffixed_client_uat.as_deref(), c.client_uat.as_deref());
    if s_uat != Some("0") && uat != Some("0") && session_iat > suffixed_iat {
        return false;
    }
    if s_uat == Some("0") && uat != Some("0") {
        return false;
    }
    if pk.instance_type != InstanceType::Production {
        let expired = number(&c.suffixed_claims, "exp").is_some_and(|exp| exp <= (now_ms / 1000.0).trunc());
        if s_uat != Some("0") && uat == Some("0") && expired {
            return false;
        }
    }
    if s_uat.is_none() && c.suffixed_session.is_some() {
        return false;
    }
    true
}

fn iat_of(claims: &CookieChoiceClaims) -> Option<f64> {
    claims.get("iat").and_then(|v| v.as_f64())
}

/// `iss`, `iat` and `exp` of a session cookie's token: decoded (unverified), or those of its token cache entry.
// Two of these live on the stack for one request's cookie choice; boxing the decoded claims would allocate per request.
#[allow(clippy::large_enum_variant)]
enum CookieChoiceClaims {
    Decoded(jwt::Members<3>),
    Cached(Arc<CachedToken>),
}

impl CookieChoiceClaims {
    fn get(&self, name: &str) -> Option<&Value> {
        match self {
            CookieChoiceClaims::Decoded(members) => members.get(name),
            CookieChoiceClaims::Cached(entry) => entry.cookie_claims.as_ref()?.get(name),
        }
    }
}

/// `iss`, `iat` and `exp` of a token, unverified (used only to choose cookies and for the `iat` check).
fn unverified_claims(token: &str) -> Option<jwt::Members<3>> {
    jwt::unverified_payload(token, &jwt::COOKIE_CHOICE_MEMBERS).ok()
}

/// `iss.replace(/https?:\/\//gi, '')`: every match removed in one left-to-right pass (a removal never makes a new
/// match count), schemes compared case-insensitively.
fn strip_scheme(iss: &str) -> String {
    let mut out = String::with_capacity(iss.len());
    let mut rest = iss;
    while !rest.is_empty() {
        let scheme = ["https://", "http://"]
            .into_iter()
            .find(|s| rest.get(..s.len()).is_some_and(|head| head.eq_ignore_ascii_case(s)));
        match scheme {
            Some(s) => rest = &rest[s.len()..],
            None => {
                let c = rest.chars().next().unwrap_or_default();
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    out
}

/// `Number.parseInt(v) || 0` for the decimal strings `__client_uat` holds.
fn parse_int(v: &str) -> i64 {
    let t = v.trim_start();
    let (sign, digits) = match t.as_bytes().first() {
        Some(b'-') => (-1, &t[1..]),
        Some(b'+') => (1, &t[1..]),
        _ => (1, t),
    };
    let end = digits.bytes().position(|b| !b.is_ascii_digit()).unwrap_or(digits.len());
    digits[..end].parse::<i64>().map_or(0, |n| sign * n)
}

/// `Number(v) || 0` for `__clerk_redirect_count`.
fn js_number(v: &str) -> f64 {
    v.trim().parse::<f64>().ok().filter(|n| n.is_finite()).unwrap_or(0.0)
}
