//! The handshake redirect URL and the redirect-count guard.

use reqwest::Url;

use crate::handshake::{redirect_count_cookie, redirect_url, HandshakeRequest};
use crate::search_params::without as without_query_params;

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

#[test]
fn redirect_url_has_clerks_parameters_in_clerks_order() {
    let clerk_url = url("http://localhost:3000/dashboard?x=1&__clerk_db_jwt=db&y=a%20b");
    let req = HandshakeRequest {
        frontend_api: "happy-cat-12.clerk.accounts.dev",
        clerk_url: &clerk_url,
        uses_suffixed_cookies: false,
        reason: "session-token-expired-refresh-non-eligible-no-refresh-cookie",
        session_token: Some("a.b.c"),
        dev_browser_token: Some("dbtoken"),
        clerk_api_version: "2025-11-10",
    };
    assert_eq!(
        redirect_url(&req).unwrap().as_str(),
        "https://happy-cat-12.clerk.accounts.dev/v1/client/handshake?redirect_url=http%3A%2F%2Flocalhost%3A3000%2Fdashboard%3Fx%3D1%26y%3Da%2Bb&__clerk_api_version=2025-11-10&suffixed_cookies=false&__clerk_hs_reason=session-token-expired-refresh-non-eligible-no-refresh-cookie&format=nonce&__session=a.b.c&__clerk_db_jwt=dbtoken"
    );
}

#[test]
fn proxy_urls_keep_their_path() {
    let clerk_url = url("https://app.example.com/");
    let req = HandshakeRequest {
        frontend_api: "https://app.example.com/__clerk/",
        clerk_url: &clerk_url,
        uses_suffixed_cookies: true,
        reason: "dev-browser-missing",
        session_token: None,
        dev_browser_token: None,
        clerk_api_version: "2025-11-10",
    };
    assert_eq!(
        redirect_url(&req).unwrap().as_str(),
        "https://app.example.com/__clerk/v1/client/handshake?redirect_url=https%3A%2F%2Fapp.example.com%2F&__clerk_api_version=2025-11-10&suffixed_cookies=true&__clerk_hs_reason=dev-browser-missing&format=nonce"
    );
}

#[test]
fn deleting_query_params_reserializes_like_urlsearchparams() {
    assert_eq!(
        without_query_params(&url("http://h/p?a=1&__dev_session=x"), &["__dev_session"]).as_str(),
        "http://h/p?a=1"
    );
    assert_eq!(without_query_params(&url("http://h/p?__dev_session=x"), &["__dev_session"]).as_str(), "http://h/p");
    assert_eq!(without_query_params(&url("http://h/p?q"), &["z"]).as_str(), "http://h/p?q=");
    assert_eq!(without_query_params(&url("http://h/p?a=%7E"), &["z"]).as_str(), "http://h/p?a=%7E");
    assert_eq!(without_query_params(&url("http://h/p"), &["z"]).as_str(), "http://h/p");
}

#[test]
fn redirect_loop_guard_gives_up_at_three() {
    assert_eq!(redirect_count_cookie(0.0).unwrap(), "__clerk_redirect_count=1; SameSite=Lax; HttpOnly; Max-Age=2");
    assert_eq!(redirect_count_cookie(2.0).unwrap(), "__clerk_redirect_count=3; SameSite=Lax; HttpOnly; Max-Age=2");
    assert_eq!(redirect_count_cookie(3.0), None);
    assert_eq!(redirect_count_cookie(4.0).unwrap(), "__clerk_redirect_count=5; SameSite=Lax; HttpOnly; Max-Age=2");
}
