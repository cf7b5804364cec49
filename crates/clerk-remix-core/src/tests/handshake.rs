//! The handshake redirect URL and the redirect-count guard; which `Set-Cookie` directives from Clerk are passed on,
//! and how long a handshake token is good for.

use reqwest::Url;
use serde_json::json;

use crate::error::Reason;
use crate::handshake::{check_token_age, redirect_count_cookie, redirect_url, refused_directive, HandshakeRequest};
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

// -------------------------------------------------------------------------------------------------------------
// Which Set-Cookie directives from Clerk are passed on (docs/compat.md H1)

/// 2024-02-01T21:19:19Z, the `__client_uat` of the example payload in Clerk's "Client handshake" documentation.
const DOC_NOW_MS: f64 = 1_706_822_359_000.0;

#[test]
fn directives_clerk_writes_are_accepted() {
    let accepted = |directive: &str, host: &str| {
        assert_eq!(refused_directive(directive, host, DOC_NOW_MS), None, "{directive} for {host}");
    };
    // The example payload of Clerk's documentation, for the apex and for a subdomain of it.
    for host in ["example.com", "app.example.com", "APP.Example.COM"] {
        accepted("__client_uat=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT", host);
        accepted("__clerk_handshake=; Path=/; Domain=example.com; Expires=Thu, 01 Jan 1970 00:00:00 GMT", host);
        accepted("__client_uat=1706822359; Path=/; Domain=example.com; Max-Age=315360000; Secure; SameSite=Lax", host);
        accepted("__session=a.b.c; Path=/; Expires=Wed, 05 Feb 2025 09:08:53 GMT; Secure", host);
        accepted("__session=a.b.c; Path=/; Domain=.example.com; SameSite=None; Secure; HttpOnly; Partitioned", host);
    }
    // The local issuer's directives, suffixed and plain; every cookie of Clerk's protocol; a Netscape date.
    for name in
        ["__session", "__client_uat", "__clerk_db_jwt", "__refresh", "__clerk_handshake", "__clerk_handshake_nonce"]
    {
        accepted(&format!("{name}=v; Path=/; SameSite=Lax; Secure"), "localhost");
        accepted(&format!("{name}_MqCvchyS=v; Path=/; Max-Age=0"), "localhost");
        accepted(&format!("{name}_a-_b9Z0x=; path=/; max-age=-1; samesite=strict"), "localhost");
    }
    accepted("__clerk_redirect_count=1; Path=/; SameSite=Lax; HttpOnly; Max-Age=2", "localhost");
    accepted("__session=x; Path=/; Expires=Thu, 01-Jan-1970 00:00:00 GMT", "localhost");
    accepted("__session=x; Path=/; Domain=localhost", "localhost");
    accepted("__session=x; Path=/; Domain=127.0.0.1", "127.0.0.1");
    accepted("__session=x;Path=/;;Secure;", "localhost");
    accepted("__session=x;\tPath = / ;\tSecure\t", "localhost");
}

#[test]
fn directives_clerk_never_writes_are_refused() {
    let refused = |directive: &str, host: &str, why: &str| {
        let got = refused_directive(directive, host, DOC_NOW_MS);
        assert!(got.is_some_and(|g| g.contains(why)), "{directive} for {host}: {got:?}, wanted {why:?}");
    };
    let host = "app.example.com";
    // Names: anything but Clerk's cookies, plain or with an 8-character suffix.
    for name in [
        "evil",
        "session",
        "__sessionX",
        "__session_short",
        "__session_MqCvchyS9",
        "__session_Mq/vchyS",
        "__Host-__session",
        " __session",
        "__client",
        "__clerk_synced",
        "",
    ] {
        refused(&format!("{name}=1; Path=/"), host, "not one of Clerk's");
    }
    refused("no-equals-sign-at-all", host, "not one of Clerk's");
    // A pair without `=` is a cookie with an empty name and the pair as its value (RFC 6265bis §5.6), whatever the
    // pair says (the handshake fuzz target's rule check).
    refused("__session; Path=/", host, "not one of Clerk's");
    refused("__client_uat_MqCvchyS; Path=/; Max-Age=315360000", host, "not one of Clerk's");
    // Path.
    refused("__session=x", host, "no Path=/");
    refused("__session=x; Secure", host, "no Path=/");
    refused("__session=x; Path=/admin", host, "Path is not /");
    refused("__session=x; Path=", host, "Path is not /");
    // A browser trims spaces and tabs only: U+00A0 and U+0085 (Latin-1, so valid in a header) stay in the value.
    refused("__session=x; Path=/\u{a0}", host, "Path is not /");
    refused("__session=x; Path=\u{85}/", host, "Path is not /");
    // Domain: an unrelated domain, a single label, a suffix that is not a parent, a child, an IP's neighbours.
    for domain in ["evil.example", "com", ".com", "xample.com", "le.com", "a.app.example.com", "example.com.evil", ""] {
        refused(&format!("__session=x; Path=/; Domain={domain}"), host, "Domain");
    }
    refused("__session=x; Path=/; Domain=0.0.1", "127.0.0.1", "Domain");
    refused("__session=x; Path=/; Domain=0.1", "10.0.0.1", "Domain");
    refused("__session=x; Path=/; Domain=localhost", "app.localhost.evil", "Domain");
    // Lifetimes: ten years is the longest Clerk gives.
    assert_eq!(refused_directive("__client_uat=1; Path=/; Max-Age=315360000", host, DOC_NOW_MS), None);
    refused("__client_uat=1; Path=/; Max-Age=315360001", host, "Max-Age is longer");
    refused("__client_uat=1; Path=/; Max-Age=99999999999999999999", host, "Max-Age is not a number");
    refused("__client_uat=1; Path=/; Max-Age=1e9", host, "Max-Age is not a number");
    refused("__client_uat=1; Path=/; Max-Age=", host, "Max-Age is not a number");
    let ten_years_and_a_day = DOC_NOW_MS + 315_360_000_000.0 + 86_400_000.0;
    let at = |ms: f64| format!("__session=x; Path=/; Expires={}", crate::time::utc_string(ms));
    assert_eq!(refused_directive(&at(ten_years_and_a_day), host, DOC_NOW_MS), None, "just inside");
    refused(&at(ten_years_and_a_day + 1000.0), host, "more than ten years away");
    refused("__session=x; Path=/; Expires=Fri, 31 Dec 9999 23:59:59 GMT", host, "more than ten years away");
    for date in
        ["tomorrow", "Thu, 1 Jan 1970 00:00:00 GMT", "Thu, 01 Jan 1970 00:00:00 UTC", "01 Jan 1970 00:00:00 GMT", ""]
    {
        refused(&format!("__session=x; Path=/; Expires={date}"), host, "does not read");
    }
    // Other attributes.
    refused("__session=x; Path=/; SameSite=Sometimes", host, "SameSite");
    refused("__session=x; Path=/; Priority=High", host, "attribute Clerk does not set");
    refused("__session=x; Path=/; Path=/", host, "twice");
    refused("__session=x; Path=/; Max-Age=0; max-age=315360001", host, "twice");
}

#[test]
fn refusals_never_quote_the_directive() {
    let token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEifQ.c2lnbmF0dXJl";
    for directive in [
        token.to_owned(),
        format!("{token}=1; Path=/"),
        format!("__session={token}; Path=/; Domain=evil.example"),
        format!("__session={token}; Path=/; Expires={token}"),
        format!("__session={token}; Path=/; {token}"),
    ] {
        let why = refused_directive(&directive, "app.example.com", DOC_NOW_MS).expect("refused");
        assert!(!why.contains("eyJ") && !why.contains("evil"), "{why}");
    }
}

#[test]
fn cookie_dates_read_as_browsers_read_clerks() {
    use crate::time::{parse_cookie_date, utc_string};
    assert_eq!(parse_cookie_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0.0));
    assert_eq!(parse_cookie_date("Thu, 01-Jan-1970 00:00:01 GMT"), Some(1000.0));
    assert_eq!(parse_cookie_date("Wed, 05 Feb 2025 09:08:53 GMT"), Some(1_738_746_533_000.0));
    // The inverse of `Date#toUTCString` over three centuries, leap days included.
    for ms in [951_782_400_000.0, 1_709_164_800_000.0, 4_107_542_399_000.0, -2_208_988_800_000.0, DOC_NOW_MS] {
        assert_eq!(parse_cookie_date(&utc_string(ms)), Some(ms), "{}", utc_string(ms));
    }
    for text in [
        "",
        "Thu, 01 Jan 1970",
        "Thu, 01 Jan 70 00:00:00 GMT",
        "Thu, 01 Foo 1970 00:00:00 GMT",
        "Thu, 32 Jan 1970 00:00:00 GMT",
        "Thu, 01 Jan 1970 24:00:00 GMT",
        "Thu,01 Jan 1970 00:00:00 GMT",
        "Thu, 01 Jan 1970 00:00:00 GMT extra",
        "Thursday, 01 Jan 1970 00:00:00 GMT",
    ] {
        assert_eq!(parse_cookie_date(text), None, "{text}");
    }
}

// -------------------------------------------------------------------------------------------------------------
// How long a handshake token is good for (docs/compat.md H2)

const NOW_S: i64 = 1_800_000_000;
const NOW_MS: f64 = NOW_S as f64 * 1000.0;
const SKEW_MS: f64 = 5_000.0;

fn age(payload: serde_json::Value, iat_required: bool) -> Result<(), (Reason, String)> {
    check_token_age(payload.to_string().as_bytes(), NOW_MS, SKEW_MS, iat_required).map_err(|e| (e.reason, e.message))
}

#[test]
fn handshake_tokens_are_good_for_five_minutes_and_the_clock_skew() {
    let directives = json!(["__session=x; Path=/"]);
    let with = |claims: serde_json::Value| {
        let mut payload = json!({ "handshake": directives });
        payload.as_object_mut().unwrap().extend(claims.as_object().unwrap().clone());
        payload
    };
    // iat: at most 300 s + 5 s old, at most 5 s ahead.
    assert_eq!(age(with(json!({ "iat": NOW_S })), true), Ok(()));
    assert_eq!(age(with(json!({ "iat": NOW_S - 305 })), true), Ok(()), "just inside");
    let old = age(with(json!({ "iat": NOW_S - 306 })), true).unwrap_err();
    assert_eq!(old.0, Reason::TokenExpired);
    assert!(old.1.starts_with("Handshake token is too old: issued at "), "{}", old.1);
    assert_eq!(age(with(json!({ "iat": NOW_S + 5 })), true), Ok(()), "just inside");
    assert_eq!(age(with(json!({ "iat": NOW_S + 6 })), true).unwrap_err().0, Reason::TokenIatInTheFuture);
    // exp and nbf are honoured when present.
    assert_eq!(age(with(json!({ "iat": NOW_S, "exp": NOW_S - 4 })), true), Ok(()), "within the skew");
    let expired = age(with(json!({ "iat": NOW_S - 60, "exp": NOW_S - 5 })), true).unwrap_err();
    assert_eq!(expired.0, Reason::TokenExpired);
    assert!(expired.1.starts_with("Handshake token is expired."), "{}", expired.1);
    assert_eq!(age(with(json!({ "exp": NOW_S - 5 })), false).unwrap_err().0, Reason::TokenExpired);
    assert_eq!(age(with(json!({ "iat": NOW_S, "nbf": NOW_S + 5 })), true), Ok(()));
    assert_eq!(age(with(json!({ "iat": NOW_S, "nbf": NOW_S + 6 })), true).unwrap_err().0, Reason::TokenNotActiveYet);
    // No iat: refused only where the caller requires one.
    assert_eq!(age(with(json!({})), false), Ok(()));
    let missing = age(with(json!({})), true).unwrap_err();
    assert_eq!(missing.0, Reason::TokenInvalid);
    assert!(missing.1.contains("no issued at date claim (iat)"), "{}", missing.1);
    assert_eq!(age(with(json!({ "exp": NOW_S + 60 })), true).unwrap_err().0, Reason::TokenInvalid);
    // A claim that is not a date fails as Clerk's claim checks fail.
    for bad in [json!({ "iat": "now" }), json!({ "iat": null }), json!({ "exp": [1] }), json!({ "iat": 1e300 })] {
        assert_eq!(age(with(bad.clone()), false).unwrap_err().0, Reason::TokenVerificationFailed, "{bad}");
    }
}
