//! The origin settings (`appOrigin`, `allowedRedirectOrigins`), the syntax a proxy header needs to be believed, where
//! a development primary may send a browser back to, and the `Cache-Control` of responses carrying Clerk's state.

use crate::cache_control::for_clerk_response;
use crate::origin::{
    is_allowed_redirect, is_host_header, is_proto_header, parse_allowed_origins, parse_app_origin, OriginSettingError,
};
use crate::Url;

#[test]
fn app_origin_is_an_origin_or_a_configuration_error() {
    assert_eq!(parse_app_origin(""), Ok(None));
    assert_eq!(parse_app_origin("  "), Ok(None));
    for (value, origin) in [
        ("https://app.example.com", "https://app.example.com"),
        ("https://app.example.com/", "https://app.example.com"),
        ("http://localhost:3000", "http://localhost:3000"),
        ("HTTPS://App.Example.COM:443", "https://app.example.com"),
        (" https://[::1]:8443 ", "https://[::1]:8443"),
    ] {
        let parsed = parse_app_origin(value).unwrap().unwrap();
        assert_eq!(parsed.origin().ascii_serialization(), origin, "{value}");
    }
    for value in [
        "app.example.com",
        "/app",
        "ftp://app.example.com",
        "https://app.example.com/base",
        "https://app.example.com?",
        "https://app.example.com/?x=1",
        "https://app.example.com#top",
        "https://user:pass@app.example.com",
        "https://",
        "javascript:alert(1)",
        "sk_live_0123456789abcdef",
    ] {
        let err = parse_app_origin(value).unwrap_err();
        assert_eq!(err, OriginSettingError::AppOrigin, "{value}");
        assert_eq!(err.reason(), "app-origin-invalid");
        // One message for every value: it explains and never repeats the value (which may be a key put in the wrong
        // variable).
        assert_eq!(
            err.to_string(),
            "Clerk: appOrigin / CLERK_APP_ORIGIN must be an origin such as https://app.example.com: http or https, a \
             host and an optional port, without a path, query, fragment or credentials."
        );
    }
}

#[test]
fn allowed_redirect_origins_are_origins() {
    let list =
        parse_allowed_origins(&["https://sat.example.com/", " http://localhost:3001 ", "", "HTTPS://B.example:443"]);
    assert_eq!(list.unwrap(), ["https://sat.example.com", "http://localhost:3001", "https://b.example"]);
    assert_eq!(parse_allowed_origins::<&str>(&[]), Ok(vec![]));
    for bad in [&["https://sat.example.com/path"][..], &["sat.example.com"], &["https://ok.example", "*"]] {
        let err = parse_allowed_origins(bad).unwrap_err();
        assert_eq!(err.reason(), "allowed-redirect-origins-invalid");
        assert!(err
            .to_string()
            .starts_with("Clerk: allowedRedirectOrigins / CLERK_ALLOWED_REDIRECT_ORIGINS must list"));
    }
}

#[test]
fn host_headers_are_host_and_port_only() {
    for good in [
        "a",
        "app.example.com",
        "APP.example.com",
        "app.example.com.",
        "my_service",
        "10.0.0.1",
        "x-y.z:1",
        "app.example:65535",
        "app.example:",
        "[::1]",
        "[::1]:3000",
        "[2001:db8::1]:443",
        "xn--nxasmq6b.example",
    ] {
        assert!(is_host_header(good), "{good}");
    }
    let long_label = format!("{}.example", "a".repeat(64));
    let long_name = format!("{}a", "a.".repeat(127));
    for bad in [
        "",
        ":80",
        "a b",
        "a\tb",
        "user@app.example",
        "app.example/x",
        "app.example?x",
        "app.example#x",
        "app.example:65536",
        "app.example:123456",
        "app.example:8o",
        "a:1:2",
        "[::1",
        "::1",
        "[::1]x",
        "[::1]:x",
        "[app.example]",
        "..",
        "a..b",
        ".a",
        "h\u{f6}st",
        "a,b",
        "a;b",
        "a\\b",
        "%61pp.example",
        long_label.as_str(),
        long_name.as_str(),
    ] {
        assert!(!is_host_header(bad), "{bad:?}");
    }
    for good in ["http", "https", "HTTPS", "Http"] {
        assert!(is_proto_header(good));
    }
    for bad in ["", "ftp", "https:", "ws", "http s"] {
        assert!(!is_proto_header(bad));
    }
}

#[test]
fn a_development_primary_sends_browsers_back_to_its_own_origin_and_the_allowed_ones_only() {
    let request = Url::parse("https://primary.example/sign-in?x=1").unwrap();
    let allowed = vec!["https://sat.example".to_owned()];
    let to = |u: &str| Url::parse(u).unwrap();
    assert!(is_allowed_redirect(&to("https://primary.example/anything?y"), &request, &[]));
    assert!(is_allowed_redirect(&to("https://sat.example/p?q"), &request, &allowed));
    assert!(is_allowed_redirect(&to("https://SAT.example:443/p"), &request, &allowed));
    for bad in [
        "https://sat.example/p",
        "http://primary.example/",
        "https://primary.example:444/",
        "https://evil.example/",
        "https://sat.example.evil.example/",
        "javascript:alert(1)",
        "data:text/html,x",
        "file:///etc/passwd",
    ] {
        let list: &[String] = if bad == "https://sat.example/p" { &[] } else { &allowed };
        assert!(!is_allowed_redirect(&to(bad), &request, list), "{bad}");
    }
}

#[test]
fn responses_with_clerk_state_or_cookies_stay_out_of_shared_caches() {
    let strict = Some("private, no-store".to_owned());
    // Nothing of Clerk's in it: left alone.
    assert_eq!(for_clerk_response(Some("public, max-age=600"), false, false), None);
    assert_eq!(for_clerk_response(None, false, false), None);
    // No Cache-Control yet.
    assert_eq!(for_clerk_response(None, true, false), strict);
    assert_eq!(for_clerk_response(Some(""), false, true), strict);
    assert_eq!(for_clerk_response(Some(" , "), true, false), strict);
    // no-store already (Clerk's handshake redirect): kept as it is, whatever else it says.
    assert_eq!(for_clerk_response(Some("no-store"), true, true), None);
    assert_eq!(for_clerk_response(Some("public, NO-STORE"), true, true), None);
    assert_eq!(for_clerk_response(Some("private, no-store"), true, true), None);
    // Clerk's cookies: never stored, the app's policy notwithstanding.
    assert_eq!(for_clerk_response(Some("public, max-age=600"), true, true), strict);
    assert_eq!(for_clerk_response(Some("private, max-age=60"), false, true), strict);
    // clerkState under the app's own policy: kept for the browser, taken from shared caches.
    assert_eq!(
        for_clerk_response(Some("public, max-age=60, s-maxage=600"), true, false).as_deref(),
        Some("private, max-age=60")
    );
    assert_eq!(
        for_clerk_response(Some("max-age=60, stale-while-revalidate=30, Proxy-Revalidate"), true, false).as_deref(),
        Some("private, max-age=60, stale-while-revalidate=30")
    );
    assert_eq!(
        for_clerk_response(Some("private=\"set-cookie, x-a\", max-age=5"), true, false).as_deref(),
        Some("private, max-age=5")
    );
    assert_eq!(
        for_clerk_response(Some("no-cache=\"set-cookie, x\""), true, false).as_deref(),
        Some("private, no-cache=\"set-cookie, x\"")
    );
    assert_eq!(for_clerk_response(Some("public"), true, false), strict);
    assert_eq!(for_clerk_response(Some("S-MAXAGE=60"), true, false), strict);
    // Already private: nothing to change.
    assert_eq!(for_clerk_response(Some("private, max-age=60"), true, false), None);
    assert_eq!(for_clerk_response(Some("private"), true, false), None);
    // Applying the rule twice changes nothing the second time.
    for existing in ["public, max-age=1", "", "max-age=0, must-revalidate", "no-store"] {
        let once = for_clerk_response(Some(existing), true, false).unwrap_or_else(|| existing.to_owned());
        assert_eq!(for_clerk_response(Some(&once), true, false), None, "{existing}");
    }
}
