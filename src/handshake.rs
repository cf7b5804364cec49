//! The handshake redirect of spec §A7.6: `https://<frontendApi or proxyUrl>/v1/client/handshake` with Clerk's
//! query parameters in Clerk's order, and the redirect-count guard. Groundwork for the request decision (issue 3).

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
