//! The handshake's cookie and age rules and the request's origin, on arbitrary input:
//! * the `Set-Cookie` directives of a handshake payload (`handshake::refused_directive`, `is_header_value`), alone
//!   and through the whole offline decision with a `__clerk_handshake` token genuinely signed with the fixture key;
//! * the handshake token's age (`handshake::check_token_age`);
//! * the proxy headers (`origin::is_host_header`, `is_proto_header`, `clerk_request::clerk_url` for both
//!   `@clerk/backend` generations, with and without a pinned app origin) and the origin settings
//!   (`origin::parse_app_origin`, `parse_allowed_origins`);
//! * the Backend API URL of data (`http::api_endpoint`, `api_endpoint_with_path`).
//!
//! Never panics, and what is accepted satisfies the rules, restated here as a browser reads a cookie (RFC 6265bis
//! §5.6: attributes split at `;`, names and values trimmed of spaces and tabs only):
//! * an accepted directive sets one of Clerk's cookies (plain or `_` + 8 base64url characters) with `Path=/`, a
//!   `Domain` (if any) that is the request host or a dotted parent of it, a lifetime of at most ten years, and no
//!   attribute Clerk does not set or sets twice;
//! * a decision sets exactly the directives of the handshake token it resolved, all of them or none, and resolves
//!   only a token issued at most five minutes (plus the clock skew) before now;
//! * a URL rebuilt from proxy headers keeps the request's path and query, has no credentials, is http or https,
//!   and moves to another origin only for a header that is a plain `host[:port]`;
//! * a Backend API URL keeps the API host and version, has no query or fragment, and carries each data segment as
//!   exactly one path segment.
//!
//! Input: fields separated by U+0001: the directives (separated by U+0002; the field as a whole is also the Backend
//! API data), extra members of the handshake payload (raw JSON; `"iat"` 5 s ago when empty), the Cookie header, the
//! URL path and query, `Host`, `X-Forwarded-Host`, `X-Forwarded-Proto`, `Sec-Fetch-Dest`. `TOKEN` becomes a genuine
//! session token, then `HANDSHAKE` (in the Cookie header and the URL) the signed handshake token.
#![no_main]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use clerk_remix_core::authenticate::{Authenticator, Outcome};
use clerk_remix_core::claims::ClaimRules;
use clerk_remix_core::clerk_request::{clerk_url, read_inputs, RequestParts};
use clerk_remix_core::generation::Generation;
use clerk_remix_core::handshake::{check_token_age, is_header_value, refused_directive};
use clerk_remix_core::http::{api_endpoint, api_endpoint_with_path};
use clerk_remix_core::jwt::{self, Alg};
use clerk_remix_core::origin::{is_host_header, is_proto_header, parse_allowed_origins, parse_app_origin};
use clerk_remix_core::publishable_key::PublishableKey;
use clerk_remix_core::testkit::{local_verifier, offline_authenticator};
use clerk_remix_core::time::parse_cookie_date;
use clerk_remix_core::token_verifier::Network;
use clerk_remix_core::Url;
use fuzz_fixtures::{fixture, signed, PUBLISHABLE_KEYS};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const NOW_MS: f64 = 1_700_000_000_000.0;
const TEN_YEARS_S: i64 = 315_360_000;
const FIVE_MINUTES_MS: f64 = 300_000.0;
/// The clock skew of a production decision (Clerk's default) and of a development one (a day).
const SKEWS_MS: [f64; 2] = [5_000.0, 86_400_000.0];

fn genuine() -> &'static str {
    static T: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    T.get_or_init(|| {
        let claims = r#"{"sub":"user_1","sid":"sess_1","iss":"https://clerk.example.test","iat":1699999990,"nbf":1699999980,"exp":1700000050,"azp":"http://localhost:3000"}"#;
        signed(Alg::RS256, br#"{"alg":"RS256","kid":"k1","typ":"JWT"}"#, claims.as_bytes())
    })
}

/// RFC 6265bis WSP: what a browser trims around names and values.
fn wsp_trim(s: &str) -> &str {
    s.trim_matches([' ', '\t'])
}

/// `@clerk/backend`'s `constants.Cookies`, plain or with `_` and the 8-character base64url suffix.
fn is_clerk_name(name: &str) -> bool {
    const NAMES: [&str; 7] = [
        "__session",
        "__client_uat",
        "__clerk_db_jwt",
        "__refresh",
        "__clerk_handshake",
        "__clerk_handshake_nonce",
        "__clerk_redirect_count",
    ];
    let b = name.as_bytes();
    NAMES.iter().any(|n| {
        name == *n
            || (b.len() == n.len() + 9
                && b.starts_with(n.as_bytes())
                && b[n.len()] == b'_'
                && b[n.len() + 1..].iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_'))
    })
}

fn is_ip_host(host: &str) -> bool {
    host.starts_with('[') || host.parse::<std::net::Ipv4Addr>().is_ok()
}

/// Why a directive does not satisfy the rules as a browser would apply it to `host`, or `None`.
fn violation(directive: &str, host: &str) -> Option<String> {
    // A browser ignores a Set-Cookie with a control character other than HTAB (RFC 6265bis §5.6 step 1): nothing is
    // set.
    if directive.chars().any(|c| matches!(c, '\0'..='\u{8}' | '\u{a}'..='\u{1f}' | '\u{7f}')) {
        return None;
    }
    let mut parts = directive.split(';');
    let pair = parts.next().unwrap_or("");
    // Without `=`, a browser sets a cookie with an empty name and the whole pair as its value.
    let Some((name, _)) = pair.split_once('=') else { return Some("no = in the name-value pair".into()) };
    if !is_clerk_name(wsp_trim(name)) {
        return Some(format!("cookie {:?} is not Clerk's", wsp_trim(name)));
    }
    let mut seen = Vec::new();
    let mut path = false;
    for attribute in parts {
        let attribute = wsp_trim(attribute);
        if attribute.is_empty() {
            continue;
        }
        let (key, value) = attribute.split_once('=').map_or((attribute, ""), |(k, v)| (wsp_trim(k), wsp_trim(v)));
        let key = key.to_ascii_lowercase();
        if seen.contains(&key) {
            return Some(format!("{key} twice"));
        }
        match key.as_str() {
            "path" if value == "/" => path = true,
            "path" => return Some(format!("Path {value:?}")),
            "domain" => {
                let domain = value.strip_prefix('.').unwrap_or(value).to_ascii_lowercase();
                let host = host.to_ascii_lowercase();
                let parent = !is_ip_host(&host) && domain.contains('.') && host.ends_with(&format!(".{domain}"));
                if domain.is_empty() || (domain != host && !parent) {
                    return Some(format!("Domain {value:?} for host {host:?}"));
                }
            }
            "max-age" => match value.parse::<i64>() {
                Ok(age) if age <= TEN_YEARS_S => {}
                _ => return Some(format!("Max-Age {value:?}")),
            },
            "expires" => match parse_cookie_date(value) {
                Some(at) if at <= NOW_MS + (TEN_YEARS_S as f64) * 1000.0 + 86_400_000.0 => {}
                _ => return Some(format!("Expires {value:?}")),
            },
            "samesite" if ["lax", "strict", "none"].contains(&value.to_ascii_lowercase().as_str()) => {}
            "secure" | "httponly" | "partitioned" => {}
            _ => return Some(format!("attribute {attribute:?}")),
        }
        seen.push(key);
    }
    (!path).then(|| "no Path=/".into())
}

/// A `Headers#append` value: no NUL, CR, LF, nothing past Latin-1.
fn header_value(value: &str) -> bool {
    !value.chars().any(|c| matches!(c, '\0' | '\r' | '\n') || u32::from(c) > 0xff)
}

/// The redirect counter a handshake redirect sets (not from a payload).
fn is_counter(cookie: &str) -> bool {
    cookie
        .strip_prefix("__clerk_redirect_count=")
        .and_then(|rest| rest.strip_suffix("; SameSite=Lax; HttpOnly; Max-Age=2"))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether the age rule holds for a verified handshake payload (`skew_ms`, `iat_required`), restated.
fn age_ok(payload: &[u8], skew_ms: f64, iat_required: bool) -> bool {
    let claims = match serde_json::from_slice::<Value>(payload) {
        Ok(Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    let ms = |name: &str| claims.get(name).map(|v| v.as_f64().map(|s| s.trunc() * 1000.0));
    let in_date_range = |ms: f64| ms.is_finite() && ms.abs() <= 8.64e15;
    let exp_ok = match ms("exp") {
        None => true,
        Some(Some(exp)) => in_date_range(exp) && exp > NOW_MS - skew_ms,
        Some(None) => false,
    };
    let nbf_ok = match ms("nbf") {
        None => true,
        Some(Some(nbf)) => in_date_range(nbf) && nbf <= NOW_MS + skew_ms,
        Some(None) => false,
    };
    let iat_ok = match ms("iat") {
        None => !iat_required,
        Some(Some(iat)) => in_date_range(iat) && iat <= NOW_MS + skew_ms && iat >= NOW_MS - FIVE_MINUTES_MS - skew_ms,
        Some(None) => false,
    };
    exp_ok && nbf_ok && iat_ok
}

/// Percent-decoding of a path segment.
fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

fn first_element(v: Option<&str>) -> Option<&str> {
    v.map(|v| v.split(',').next().unwrap_or("").trim_matches([' ', '\t']))
}

fn decide(a: &Authenticator, parts: &RequestParts) -> Option<Outcome> {
    let decide = pin!(a.authenticate(parts, NOW_MS, Network::Offline));
    let Poll::Ready(result) = decide.poll(&mut Context::from_waker(Waker::noop())) else {
        panic!("an offline decision never waits");
    };
    result.ok().map(|d| d.outcome)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let text = text.replace("TOKEN", genuine());
    let fields: Vec<&str> = text.split('\u{1}').collect();
    let field = |i: usize| fields.get(i).copied().unwrap_or("");
    let some = |i: usize| Some(field(i)).filter(|s| !s.is_empty()).map(str::to_owned);
    let directives: Vec<&str> = if field(0).is_empty() { Vec::new() } else { field(0).split('\u{2}').collect() };

    // The Backend API URL of data.
    let data_segment = field(0);
    match api_endpoint("https://api.clerk.com", "v1", &["sessions", data_segment, "tokens"]) {
        None => assert!(matches!(data_segment, "." | ".."), "{data_segment:?} refused"),
        Some(url) => {
            assert_eq!((url.host_str(), url.query(), url.fragment()), (Some("api.clerk.com"), None, None), "{url}");
            let segments: Vec<&str> = url.path_segments().unwrap().collect();
            if data_segment.is_empty() {
                assert_eq!(segments, ["v1", "sessions", "tokens"], "{url}");
            } else {
                assert_eq!(segments.len(), 4, "{data_segment:?}: {url}");
                assert_eq!((segments[0], segments[1], segments[3]), ("v1", "sessions", "tokens"), "{url}");
                assert_eq!(percent_decode(segments[2]).as_deref(), Some(data_segment.as_bytes()), "{url}");
            }
        }
    }
    let path = format!("/users/{data_segment}");
    if let Some(url) = api_endpoint_with_path("https://api.clerk.com", "v1", &path) {
        assert_eq!((url.host_str(), url.query(), url.fragment()), (Some("api.clerk.com"), None, None), "{url}");
        let segments: Vec<&str> = url.path_segments().unwrap().filter(|s| !s.is_empty()).collect();
        let written = path.split('/').filter(|s| !s.is_empty()).count();
        assert_eq!(segments.first().copied(), Some("v1"), "{path:?}: {url}");
        assert_eq!(segments.get(1).copied(), Some("users"), "{path:?}: {url}");
        assert_eq!(segments.len(), 1 + written, "{path:?} became {url}");
    }

    // The proxy headers and the origin settings.
    let (host, forwarded_host, forwarded_proto) = (some(4), some(5), some(6));
    for value in [field(4), field(5)] {
        if is_host_header(value) {
            assert!(
                !value.is_empty() && value.bytes().all(|b| b.is_ascii_alphanumeric() || b".-_:[]".contains(&b)),
                "{value:?}"
            );
            if let Ok(url) = Url::parse(&format!("http://{value}/")) {
                assert!(url.username().is_empty() && url.password().is_none(), "{value:?}");
                assert_eq!((url.path(), url.query()), ("/", None), "{value:?}");
            }
        }
    }
    if is_proto_header(field(6)) {
        assert!(["http", "https"].contains(&field(6).to_ascii_lowercase().as_str()), "{:?}", field(6));
    }
    for value in [field(4), field(5)] {
        if let Ok(Some(origin)) = parse_app_origin(value) {
            assert!(matches!(origin.scheme(), "http" | "https"), "{value:?}");
            assert!(origin.host_str().is_some_and(|h| !h.is_empty()), "{value:?}");
            assert!(origin.username().is_empty() && origin.password().is_none(), "{value:?}");
            assert_eq!((origin.path(), origin.query(), origin.fragment()), ("/", None, None), "{value:?}");
        }
        if let Ok(origins) = parse_allowed_origins(&value.split(',').collect::<Vec<_>>()) {
            for o in origins {
                let url = Url::parse(&o).expect("an allowed origin parses");
                assert_eq!(url.origin().ascii_serialization(), o);
            }
        }
    }
    let mut parts = RequestParts {
        url: format!("http://localhost:3000/{}", field(3)),
        method: "GET".into(),
        host,
        forwarded_host,
        forwarded_proto,
        sec_fetch_dest: some(7),
        ..RequestParts::default()
    };
    let pinned = Url::parse("https://app.example.test").unwrap();
    let Ok(initial) = Url::parse(&parts.url) else { return };
    for generation in [Generation::Backend2, Generation::Backend3] {
        for pin in [None, Some(&pinned)] {
            let Some(url) = clerk_url(&parts, pin, generation) else {
                assert!(pin.is_none() && !generation.is_3(), "only 2.x fails on a header it cannot build a URL from");
                continue;
            };
            assert_eq!((url.path(), url.query()), (initial.path(), initial.query()), "{url}");
            assert!(url.username().is_empty() && url.password().is_none(), "{url}");
            assert!(matches!(url.scheme(), "http" | "https"), "{url}");
            if let Some(pin) = pin {
                assert_eq!(url.origin(), pin.origin());
            } else if url.origin() != initial.origin() {
                let host = first_element(parts.forwarded_host.as_deref()).or(parts.host.as_deref()).unwrap();
                let proto = first_element(parts.forwarded_proto.as_deref()).unwrap_or(initial.scheme());
                assert!(
                    !host.is_empty() && host.bytes().all(|b| b.is_ascii_alphanumeric() || b".-_:[]".contains(&b)),
                    "moved to {url} on Host {host:?}"
                );
                assert_eq!(url.scheme(), proto.to_ascii_lowercase(), "{url}");
            }
        }
    }

    // The directives alone, for the request's host and two others.
    let request_host = clerk_url(&parts, None, Generation::Backend3).and_then(|u| u.host_str().map(str::to_owned));
    for directive in &directives {
        assert_eq!(is_header_value(directive), header_value(directive), "{directive:?}");
        if !header_value(directive) {
            continue; // never set: the decision refuses the whole list first
        }
        for host in [request_host.as_deref().unwrap_or("localhost"), "app.example.test", "127.0.0.1"] {
            if refused_directive(directive, host, NOW_MS).is_none() {
                if let Some(why) = violation(directive, host) {
                    panic!("accepted {directive:?} for {host:?}: {why}");
                }
            }
        }
    }

    // The age rule alone.
    let extra = field(1);
    let payload = format!(
        "{{\"handshake\":{}{}}}",
        serde_json::to_string(&directives).unwrap(),
        if extra.is_empty() { ",\"iat\":1699999995".to_owned() } else { format!(",{extra}") }
    );
    for skew in SKEWS_MS {
        for required in [false, true] {
            if check_token_age(payload.as_bytes(), NOW_MS, skew, required).is_ok() {
                assert!(age_ok(payload.as_bytes(), skew, required), "{payload} accepted (skew {skew}, iat {required})");
            }
        }
    }

    // The whole decision, when the request carries the handshake token.
    let (cookie, url_tail) = (field(2), field(3));
    if !cookie.contains("HANDSHAKE") && !url_tail.contains("HANDSHAKE") {
        return;
    }
    let hs = signed(Alg::RS256, br#"{"alg":"RS256","kid":"k1","typ":"JWT"}"#, payload.as_bytes());
    parts.cookie = Some(cookie.replace("HANDSHAKE", &hs)).filter(|c| !c.is_empty());
    parts.url = format!("http://localhost:3000/{}", url_tail.replace("HANDSHAKE", &hs));
    for development in [false, true] {
        let pk_text = PUBLISHABLE_KEYS[usize::from(development)];
        let a = offline_authenticator(pk_text, local_verifier(&fixture().key, ClaimRules::default()));
        let Some(url) = a.request_url(&parts) else { continue };
        let Some(Outcome::State(state)) = decide(&a, &parts) else { continue };
        // The handshake token the decision read, and its directives.
        let pk = PublishableKey::parse(pk_text).unwrap();
        let inputs = read_inputs(&parts, &url, &pk, NOW_MS, &|_| None);
        let used = inputs.handshake_token.as_deref().and_then(|t| jwt::decode_header_and_signature(t).ok());
        let cookies: Vec<&str> =
            state.headers.iter().filter(|(n, _)| n == "set-cookie").map(|(_, v)| v.as_str()).collect();
        let set: Vec<&str> = cookies.iter().copied().filter(|c| !is_counter(c)).collect();
        let resolved = state.headers.iter().any(|(n, v)| n == "access-control-allow-origin" && v == "null");
        if !resolved {
            assert!(set.is_empty(), "cookies {set:?} set without a resolved handshake");
            continue;
        }
        let used = used.expect("a resolved handshake read a token");
        let skew = SKEWS_MS[usize::from(development)];
        assert!(
            age_ok(&used.payload, skew, !development && inputs.handshake_token_in_query),
            "resolved a handshake token outside the age rule: {}",
            String::from_utf8_lossy(&used.payload)
        );
        let listed: Vec<String> = serde_json::from_slice::<Value>(&used.payload)
            .ok()
            .and_then(|d| d.get("handshake")?.as_array().cloned())
            .map(|l| l.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
            .unwrap_or_default();
        assert_eq!(set, listed, "the decision set other cookies than the handshake lists");
        let host = url.host_str().unwrap_or("");
        for directive in &set {
            assert!(header_value(directive), "{directive:?}");
            if let Some(why) = violation(directive, host) {
                panic!("the decision set {directive:?} for {host:?}: {why}");
            }
        }
    }
});
