//! The handshake of spec §A7.6: the redirect to `https://<frontendApi or proxyUrl>/v1/client/handshake` with Clerk's
//! query parameters in Clerk's order, the redirect-count guard, and the pieces of its resolution: the payload of a
//! `__clerk_handshake` token, the session token among the `Set-Cookie` directives, the URL a development instance
//! returns to.

use reqwest::Url;

use crate::jwks::CLERK_API_VERSION_HEADER;

pub struct HandshakeRequest<'a> {
    /// `frontendApi` after the proxy/satellite override: a host, or an absolute URL when it is a proxy.
    pub frontend_api: &'a str,
    pub clerk_url: &'a Url,
    pub uses_suffixed_cookies: bool,
    pub reason: &'a str,
    /// `sessionTokenInCookie || tokenInHeader`.
    pub session_token: Option<&'a str>,
    /// Only sent by development instances.
    pub dev_browser_token: Option<&'a str>,
}

/// `URLSearchParams#delete` for each name: the query is re-serialized as `application/x-www-form-urlencoded`
/// whether or not anything was removed, and dropped when it ends up empty.
pub fn without_query_params(url: &Url, names: &[&str]) -> Url {
    let mut out = url.clone();
    if url.query().is_none() {
        return out;
    }
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !names.contains(&k.as_ref()))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        out.set_query(None);
    } else {
        out.query_pairs_mut().clear().extend_pairs(kept);
    }
    out
}

/// `HandshakeService#buildRedirectToHandshake`. `None` when the Frontend API does not form a URL.
pub fn redirect_url(req: &HandshakeRequest<'_>) -> Option<Url> {
    let redirect = without_query_params(req.clerk_url, &["__clerk_db_jwt", "__dev_session"]);
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
        q.append_pair("__clerk_api_version", CLERK_API_VERSION_HEADER);
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

/// `URLSearchParams#append` on a URL: the whole query is re-serialized (as a browser does), then the pair added.
pub fn with_query_param(url: &Url, name: &str, value: &str) -> Url {
    let mut out = url.clone();
    let pairs: Vec<(String, String)> = url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    out.query_pairs_mut().clear().extend_pairs(pairs).append_pair(name, value);
    out
}

/// Whether the query has `name` (`URLSearchParams#has`), and its first value (`#get`).
pub fn query_param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
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
    without_query_params(clerk_url, &["__clerk_handshake", "__clerk_help", "__clerk_db_jwt", "__clerk_handshake_nonce"])
}
