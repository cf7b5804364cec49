//! The handshake of `@clerk/backend`'s `authenticateRequest`: the redirect to `https://<frontendApi or proxyUrl>/v1/client/handshake` with Clerk's
//! query parameters in Clerk's order, the redirect-count guard, and the pieces of its resolution: the payload of a
//! `__clerk_handshake` token, the session token among the `Set-Cookie` directives, the URL a development instance
//! returns to.

use reqwest::Url;

use crate::search_params::without;

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
