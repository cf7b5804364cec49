//! The handshake of `@clerk/backend`'s `authenticateRequest`: the redirect to `https://<frontendApi or proxyUrl>/v1/client/handshake` with Clerk's
//! query parameters in Clerk's order, the redirect-count guard, and the pieces of its resolution: the payload of a
//! `__clerk_handshake` token, the session token among the `Set-Cookie` directives, the URL a development instance
//! returns to.
//!
//! Two rules Clerk does not have (docs/compat.md H1, H2): a `Set-Cookie` directive from Clerk is only passed on when it
//! is one of the cookies Clerk's protocol sets, with the attributes Clerk sets them with ([`refused_directive`]); and a
//! handshake token is only good for a few minutes after it was issued ([`check_token_age`]).

use reqwest::Url;
use serde_json::{Map, Value};

use crate::claims::date_claim;
use crate::error::{Reason, VerifyError, VerifyResult};
use crate::search_params::without;
use crate::time::{parse_cookie_date, utc_string};

pub struct HandshakeRequest<'a> {
    /// `frontendApi` after the proxy/satellite override: a host, or an absolute URL when it is a proxy.
    pub frontend_api: &'a str,
    pub clerk_url: &'a Url,
    /// `__clerk_api_version`: the `@clerk/backend` generation's.
    pub clerk_api_version: &'a str,
    pub uses_suffixed_cookies: bool,
    pub reason: &'a str,
    /// `sessionTokenInCookie || tokenInHeader`.
    pub session_token: Option<&'a str>,
    /// Only sent by development instances.
    pub dev_browser_token: Option<&'a str>,
}

/// `HandshakeService#buildRedirectToHandshake`. `None` when the Frontend API does not form a URL.
pub fn redirect_url(req: &HandshakeRequest<'_>) -> Option<Url> {
    let redirect = without(req.clerk_url, &["__clerk_db_jwt", "__dev_session"]);
    let base = if req.frontend_api.starts_with("http") {
        req.frontend_api.to_owned()
    } else {
        format!("https://{}", req.frontend_api)
    };
    let base = format!("{}/", base.trim_end_matches('/'));
    let mut url = Url::parse(&base).ok()?.join("v1/client/handshake").ok()?;
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("redirect_url", redirect.as_str());
        q.append_pair("__clerk_api_version", req.clerk_api_version);
        q.append_pair("suffixed_cookies", if req.uses_suffixed_cookies { "true" } else { "false" });
        q.append_pair("__clerk_hs_reason", req.reason);
        q.append_pair("format", "nonce");
        if let Some(token) = req.session_token {
            q.append_pair("__session", token);
        }
        if let Some(db) = req.dev_browser_token {
            q.append_pair("__clerk_db_jwt", db);
        }
    }
    Some(url)
}

/// `HandshakeService#checkAndTrackRedirectLoop`: `None` when the loop guard gives up (the count reached 3),
/// otherwise the `Set-Cookie` value that counts this redirect.
pub fn redirect_count_cookie(counter: f64) -> Option<String> {
    if counter == 3.0 {
        return None;
    }
    Some(format!("__clerk_redirect_count={}; SameSite=Lax; HttpOnly; Max-Age=2", js_number_text(counter + 1.0)))
}

/// `String(n)` for the small counters used here.
fn js_number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e21 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// `getCookieName`: `directive.split(';')[0].split('=')[0]`.
pub fn directive_name(directive: &str) -> &str {
    directive.split(';').next().unwrap_or("").split('=').next().unwrap_or("")
}

/// `getCookieValue`: `directive.split(';')[0].split('=')[1]`; a value containing `=` is cut there, as in Clerk.
pub fn directive_value(directive: &str) -> &str {
    directive.split(';').next().unwrap_or("").split('=').nth(1).unwrap_or("")
}

/// Whether `Headers#append` takes this value: no NUL, CR or LF, and only Latin-1 characters.
pub fn is_header_value(value: &str) -> bool {
    value.chars().all(|c| c != '\0' && c != '\r' && c != '\n' && (c as u32) <= 0xFF)
}

/// The `handshake` directives of a verified `__clerk_handshake` payload (`[]` when there are none).
pub fn token_directives(payload: &[u8]) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_slice(payload).unwrap_or_default();
    doc.get("handshake")
        .and_then(|h| h.as_array())
        .map(|list| list.iter().filter_map(|d| d.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

/// Where a development instance sends the browser after a resolved handshake: the URL without the handshake
/// parameters.
pub fn development_return_url(clerk_url: &Url) -> Url {
    without(clerk_url, &["__clerk_handshake", "__clerk_help", "__clerk_db_jwt", "__clerk_handshake_nonce"])
}

/// The cookies Clerk's protocol sets through handshake and refresh answers, `@clerk/backend`'s `constants.Cookies`
/// (session, client "updated at", dev browser, refresh, the handshake token and nonce, the redirect counter), each
/// plain or with the 8-character suffix of the publishable key (`getCookieSuffix`).
const CLERK_COOKIES: [&str; 7] = [
    "__session",
    "__client_uat",
    "__clerk_db_jwt",
    "__refresh",
    "__clerk_handshake",
    "__clerk_handshake_nonce",
    "__clerk_redirect_count",
];

/// The longest lifetime Clerk gives a cookie: `__client_uat`'s `Max-Age=315360000` (ten years; the example payload of
/// Clerk's "Client handshake" documentation, and the local issuer's directives).
pub const MAX_COOKIE_AGE_S: i64 = 315_360_000;

/// Leeway for an `Expires` date written by the Frontend API's clock (one day).
const EXPIRES_LEEWAY_MS: f64 = 86_400_000.0;

/// Whether `name` is one of [`CLERK_COOKIES`], plain or `_<suffix>` (8 characters of base64url).
fn is_clerk_cookie(name: &str) -> bool {
    CLERK_COOKIES.iter().any(|base| match name.strip_prefix(base) {
        Some("") => true,
        Some(rest) => rest.strip_prefix('_').is_some_and(|suffix| {
            suffix.len() == 8 && suffix.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        }),
        None => false,
    })
}

/// Why a `Set-Cookie` directive from Clerk (a handshake payload, a refresh answer) is refused, or `None` when it is
/// one Clerk's protocol sets: a cookie of [`CLERK_COOKIES`] (a `name=value` pair) with `Path=/`; a `Domain` (if any)
/// that is `host` or a parent domain of it with at least one dot (never a single label such as `com`, never an
/// unrelated domain; for an IP address, only the address itself); `Max-Age` at most [`MAX_COOKIE_AGE_S`] and
/// `Expires` at most that far after `now_ms` (plus a day for the Frontend API's clock); `SameSite=Lax|Strict|None`,
/// `Secure`, `HttpOnly`, `Partitioned`. Any other attribute, an attribute given twice, or a value that does not read
/// is refused too. Attributes are read as a browser reads them (only spaces and tabs trimmed). The reason never
/// quotes the directive (it may carry a token).
pub fn refused_directive(directive: &str, host: &str, now_ms: f64) -> Option<&'static str> {
    let mut parts = directive.split(';');
    // A pair without `=` sets a cookie with an empty name whose value is the whole pair (RFC 6265bis §5.6), so
    // `__session; Path=/` is not Clerk's `__session`.
    let name = parts.next().unwrap_or("").split_once('=').map_or("", |(name, _)| name);
    if !is_clerk_cookie(name) {
        return Some("it sets a cookie that is not one of Clerk's");
    }
    let mut path = false;
    let mut seen: Vec<String> = Vec::new();
    // Trimmed as a browser trims them: spaces and tabs only (RFC 6265bis WSP), so `Path=/\u{a0}` is not `Path=/`.
    fn wsp(s: &str) -> &str {
        s.trim_matches([' ', '\t'])
    }
    for attribute in parts {
        let attribute = wsp(attribute);
        if attribute.is_empty() {
            continue;
        }
        let (key, value) = attribute.split_once('=').map_or((attribute, ""), |(k, v)| (wsp(k), wsp(v)));
        let key = key.to_ascii_lowercase();
        if seen.contains(&key) {
            return Some("an attribute is given twice");
        }
        let refused = match key.as_str() {
            "path" => {
                path = value == "/";
                (!path).then_some("its Path is not /")
            }
            "domain" => (!domain_matches(value, host))
                .then_some("its Domain is neither the request host nor a parent domain of it"),
            "max-age" => match value.parse::<i64>() {
                Ok(age) if age <= MAX_COOKIE_AGE_S => None,
                Ok(_) => Some("its Max-Age is longer than ten years"),
                Err(_) => Some("its Max-Age is not a number"),
            },
            "expires" => match parse_cookie_date(value) {
                Some(at) if at <= now_ms + MAX_COOKIE_AGE_S as f64 * 1000.0 + EXPIRES_LEEWAY_MS => None,
                Some(_) => Some("its Expires date is more than ten years away"),
                None => Some("its Expires date does not read as an HTTP date"),
            },
            "samesite" => (!["lax", "strict", "none"].iter().any(|v| value.eq_ignore_ascii_case(v)))
                .then_some("its SameSite is not Lax, Strict or None"),
            "secure" | "httponly" | "partitioned" => None,
            _ => Some("it has an attribute Clerk does not set"),
        };
        if refused.is_some() {
            return refused;
        }
        seen.push(key);
    }
    (!path).then_some("it has no Path=/")
}

/// Whether a cookie `Domain` attribute matches `host` (a URL's `host_str`): the host itself, or a parent domain of it
/// (RFC 6265 §5.1.3 domain-match, a leading dot ignored) that is not a single label. An IP address matches only
/// itself.
fn domain_matches(value: &str, host: &str) -> bool {
    let domain = value.strip_prefix('.').unwrap_or(value).to_ascii_lowercase();
    let host = host.to_ascii_lowercase();
    if domain.is_empty() {
        return false;
    }
    if host == domain {
        return true;
    }
    let address = host.starts_with('[') || host.parse::<std::net::Ipv4Addr>().is_ok();
    !address && domain.contains('.') && host.ends_with(&format!(".{domain}"))
}

/// How long after it was issued a handshake token is accepted (Clerk: forever).
pub const HANDSHAKE_TOKEN_MAX_AGE_MS: f64 = 5.0 * 60_000.0;

/// The age rule of a handshake token's verified payload, at `now_ms` with `skew_ms` of clock skew: `iat` at most
/// [`HANDSHAKE_TOKEN_MAX_AGE_MS`] in the past and not in the future, `exp` and `nbf` honoured when present. A token
/// without `iat` is refused only when `iat_required` (a production instance reading it from the query string, where
/// a link can carry a replayed token; the Frontend API hands production tokens over in a cookie).
pub fn check_token_age(payload: &[u8], now_ms: f64, skew_ms: f64, iat_required: bool) -> VerifyResult<()> {
    let claims = match serde_json::from_slice::<Value>(payload) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    let now = || utc_string(now_ms);
    if let Some(exp) = date_claim(&claims, "exp", "expiry date", false)? {
        if exp <= now_ms - skew_ms {
            let message =
                format!("Handshake token is expired. Expiry date: {}, Current date: {}.", utc_string(exp), now());
            return Err(VerifyError::new(Reason::TokenExpired, message));
        }
    }
    if let Some(nbf) = date_claim(&claims, "nbf", "not before date", false)? {
        if nbf > now_ms + skew_ms {
            let message = format!(
                "Handshake token cannot be used prior to its not before date (nbf). Not before date: {}; Current date: {};",
                utc_string(nbf),
                now()
            );
            return Err(VerifyError::new(Reason::TokenNotActiveYet, message));
        }
    }
    match date_claim(&claims, "iat", "issued at date", false)? {
        Some(iat) if iat > now_ms + skew_ms => {
            let message = format!(
                "Handshake token issued at date claim (iat) is in the future. Issued at date: {}; Current date: {};",
                utc_string(iat),
                now()
            );
            Err(VerifyError::new(Reason::TokenIatInTheFuture, message))
        }
        Some(iat) if iat < now_ms - HANDSHAKE_TOKEN_MAX_AGE_MS - skew_ms => {
            let message = format!(
                "Handshake token is too old: issued at {}, more than {} seconds before the current date {}.",
                utc_string(iat),
                HANDSHAKE_TOKEN_MAX_AGE_MS / 1000.0,
                now()
            );
            Err(VerifyError::new(Reason::TokenExpired, message))
        }
        Some(_) => Ok(()),
        None if iat_required => Err(VerifyError::new(
            Reason::TokenInvalid,
            "Handshake token has no issued at date claim (iat): a production instance accepts a handshake token from the query string only with one.",
        )),
        None => Ok(()),
    }
}
