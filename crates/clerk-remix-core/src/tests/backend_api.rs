//! The Backend API calls of the request decision against a real HTTP server on 127.0.0.1: every data segment of a
//! URL reaches it as one encoded segment, and each way the handshake-payload and session-refresh calls can fail
//! (no connection, no answer in time, a 5xx, a body that is not what the endpoint promises) answers the request as
//! Clerk's code does: a logged error and `session-token-missing`, or `session-token-expired-refresh-<reason>` (a
//! handshake for a document, bounded by the redirect-loop guard) — never a throw.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

use super::util::{key_2048, local_verifier, publishable, token, token_raw};
use crate::authenticate::{AuthStatus, Authenticator, AuthenticatorConfig, Decision, Outcome, RequestState};
use crate::bapi::{Bapi, BapiError, RefreshRequest};
use crate::claims::ClaimRules;
use crate::clerk_request::{RequestParts, Routing};
use crate::generation::Generation;
use crate::jwt::Alg;
use crate::publishable_key::{cookie_suffix, PublishableKey};
use crate::token_verifier::Network;

const NOW_S: i64 = 1_800_000_000;
const NOW_MS: f64 = NOW_S as f64 * 1000.0;
const FAPI: &str = "clerk.example.test";

/// What the loopback server does with a request.
#[derive(Clone)]
enum Answer {
    Reply(u16, &'static str, String),
    /// Reads the request and never answers (the connection stays open past the client's 5 s).
    Hang,
}

fn json_reply(status: u16, body: &str) -> Answer {
    Answer::Reply(status, "application/json", body.to_owned())
}

/// A one-route HTTP/1.1 server on 127.0.0.1 recording `METHOD target` of every request.
struct Loopback {
    url: String,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Loopback {
    fn start(answer: Answer) -> Loopback {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let (log, answer) = (Arc::clone(&log), answer.clone());
                std::thread::spawn(move || serve(stream, &answer, &log));
            }
        });
        Loopback { url, seen }
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

fn serve(mut stream: TcpStream, answer: &Answer, log: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    // Requests on one connection one after another (the client pools connections).
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let mut length = 0;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let target: Vec<&str> = request_line.split(' ').take(2).collect();
        log.lock().unwrap().push(target.join(" "));
        match answer {
            Answer::Reply(status, content_type, body) => {
                let head = format!(
                    "HTTP/1.1 {status} Status\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\r\n",
                    body.len()
                );
                if stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(body.as_bytes())).is_err() {
                    return;
                }
            }
            Answer::Hang => {
                std::thread::sleep(Duration::from_secs(8));
                return;
            }
        }
    }
}

/// A URL where nothing listens: a port that was bound, then released.
fn refusing_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}", listener.local_addr().unwrap())
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

fn bapi(api_url: &str) -> Bapi {
    Bapi {
        api_url: api_url.into(),
        api_version: "v1".into(),
        secret_key: "sk_live_loopback".into(),
        user_agent: "test".into(),
        clerk_api_version: Generation::Backend2.clerk_api_version(),
    }
}

/// A production (`pk_live_`) or development (`pk_test_`) instance whose Backend API is at `api_url`.
fn authenticator(prefix: &str, api_url: &str) -> Authenticator {
    let config = AuthenticatorConfig {
        routing: Routing::default(),
        sign_in_url: String::new(),
        bapi: bapi(api_url),
        generation: Generation::Backend2,
    };
    let pk = PublishableKey::parse(&publishable(prefix, FAPI)).unwrap();
    Authenticator::new(config, pk, local_verifier(&key_2048().key, ClaimRules::default()))
}

fn session(sid: &str, iat: i64) -> String {
    let claims = json!({ "sub": "user_1", "sid": sid, "iss": format!("https://{FAPI}"),
        "iat": iat, "nbf": iat - 10, "exp": iat + 60 });
    token(&key_2048().pair, Alg::RS256, &claims)
}

fn request(url: &str, cookie: &str, document: bool) -> RequestParts {
    RequestParts {
        url: url.into(),
        method: "GET".into(),
        cookie: Some(cookie.into()),
        sec_fetch_dest: Some(if document { "document" } else { "empty" }.into()),
        accept: Some(if document { "text/html" } else { "*/*" }.into()),
        ..RequestParts::default()
    }
}

/// The cookies of a browser whose session token (session `sid`) expired a minute ago and that holds a refresh token.
fn expired_with_refresh(prefix: &str, sid: &str) -> String {
    let suffix = cookie_suffix(&publishable(prefix, FAPI));
    format!("__session={}; __client_uat={}; __refresh_{suffix}=rt_1", session(sid, NOW_S - 120), NOW_S - 200)
}

fn decide_online(a: &Authenticator, parts: &RequestParts) -> Decision {
    runtime().block_on(a.authenticate(parts, NOW_MS, Network::Online)).expect("online never needs the network again")
}

fn state_of(decision: &Decision) -> &RequestState {
    match &decision.outcome {
        Outcome::State(s) => s,
        other => panic!("expected a request state (never a throw), got {other:?}"),
    }
}

fn header<'s>(s: &'s RequestState, name: &str) -> Vec<&'s str> {
    s.headers.iter().filter(|(n, _)| n == name).map(|(_, v)| v.as_str()).collect()
}

fn refresh_request() -> RefreshRequest<'static> {
    RefreshRequest {
        suffixed_cookies: false,
        expired_token: "expired",
        refresh_token: "rt_1",
        request_origin: "http://localhost:3000",
        request_headers_json: None,
    }
}

// -------------------------------------------------------------------------------------------------------------
// URLs (docs/compat.md H3)

#[test]
fn every_data_segment_reaches_the_backend_api_as_one_encoded_segment() {
    let server = Loopback::start(json_reply(200, r#"{"object":"cookies","cookies":[]}"#));
    let rt = runtime();
    let api = bapi(&server.url);
    for (sid, path) in [
        ("sess_2abc", "/v1/sessions/sess_2abc/refresh"),
        ("../../users/user_1", "/v1/sessions/..%2F..%2Fusers%2Fuser_1/refresh"),
        ("a/b?c#d", "/v1/sessions/a%2Fb%3Fc%23d/refresh"),
        ("..%2F..", "/v1/sessions/..%252F../refresh"),
        ("%2e%2e", "/v1/sessions/%252e%252e/refresh"),
        ("a\\b c\u{fc}", "/v1/sessions/a%5Cb%20c%C3%BC/refresh"),
        ("...", "/v1/sessions/.../refresh"),
    ] {
        assert_eq!(rt.block_on(api.refresh_session(sid, &refresh_request())), Ok(Vec::new()), "{sid}");
        assert_eq!(server.seen().last().map(String::as_str), Some(format!("POST {path}").as_str()), "{sid}");
    }
    // A segment no URL can carry (URL parsing resolves `.` and `..` away): no request at all.
    let before = server.seen().len();
    for sid in [".", ".."] {
        assert!(matches!(rt.block_on(api.refresh_session(sid, &refresh_request())), Err(BapiError::Fetch(_))));
    }
    assert_eq!(server.seen().len(), before);
    // The suffixed-cookies query parameter and a path prefix in the API URL are kept.
    let prefixed = bapi(&format!("{}/prefix/", server.url));
    let suffixed = RefreshRequest { suffixed_cookies: true, ..refresh_request() };
    rt.block_on(prefixed.refresh_session("x/y", &suffixed)).unwrap();
    assert_eq!(server.seen().last().unwrap(), "POST /prefix/v1/sessions/x%2Fy/refresh?suffixed_cookies=true");
    // The nonce is a query parameter, encoded as one.
    let _ = rt.block_on(api.handshake_payload("n&x=1#f"));
    assert_eq!(server.seen().last().unwrap(), "GET /v1/clients/handshake_payload?nonce=n%26x%3D1%23f");
}

#[test]
fn already_encoded_paths_from_the_js_layer_are_sent_as_they_are_but_never_dot_segments() {
    let server = Loopback::start(json_reply(200, "{}"));
    let rt = runtime();
    let api = bapi(&server.url);
    for path in ["/users/user_1", "/sessions/sess_1/tokens/a%2Fb", "/organizations/org_1%3Fx%3D1"] {
        let answer = rt.block_on(api.request("GET", path, None)).unwrap();
        assert_eq!(answer.status, 200);
        assert_eq!(server.seen().last().unwrap(), &format!("GET /v1{path}"));
    }
    let before = server.seen().len();
    for path in ["/users/..", "/users/../sessions", "/sessions/./x", "/users/%2e%2E", "/users/.%2e/x", "/users/%2E"] {
        assert_eq!(rt.block_on(api.request("GET", path, None)).unwrap_err(), "fetch failed", "{path}");
    }
    // URL parsing reads `\` as `/` in an http(s) URL and drops tab, LF and CR, which would make dot segments (or
    // split one) where the path has none; an encoded path never has them (found by the handshake fuzz target).
    for path in ["/users/..\\..\\x", "/users/a\\b", "/users/.\t./x", "/users/.\n.", "/users/%2e\r%2e", "/users/a\tb"] {
        assert_eq!(rt.block_on(api.request("GET", path, None)).unwrap_err(), "fetch failed", "{path:?}");
    }
    assert_eq!(server.seen().len(), before, "no request for a path with a dot segment");
}

#[test]
fn no_encoded_path_leaves_the_api_version() {
    use crate::http::api_endpoint_with_path;
    assert_eq!(api_endpoint_with_path("https://api.clerk.com", "v1", "/users/..\\..\\x"), None);
    assert_eq!(api_endpoint_with_path("https://api.clerk.com", "v1", "/users/.\t./..\n./x"), None);
    let url = api_endpoint_with_path("https://api.clerk.com", "v1", "/users/a%5Cb").unwrap();
    assert_eq!(url.as_str(), "https://api.clerk.com/v1/users/a%5Cb");
}

#[test]
fn an_expired_session_whose_sid_looks_like_a_path_is_refreshed_at_its_own_url() {
    let sid = "../../users/user_1";
    let fresh = session(sid, NOW_S - 1);
    let cookies = json!({ "object": "cookies", "cookies": [
        format!("__session={fresh}; Path=/; SameSite=Lax; Secure"),
        format!("__client_uat={}; Path=/; Max-Age=315360000; SameSite=Lax; Secure", NOW_S - 1),
    ] });
    let server = Loopback::start(json_reply(200, &cookies.to_string()));
    let a = authenticator("pk_live_", &server.url);
    let decision = decide_online(&a, &request("http://localhost:3000/", &expired_with_refresh("pk_live_", sid), false));
    let s = state_of(&decision);
    assert_eq!(s.status, AuthStatus::SignedIn);
    assert_eq!(s.token.as_deref(), Some(fresh.as_str()));
    assert_eq!(header(s, "set-cookie").len(), 2);
    assert_eq!(server.seen(), ["POST /v1/sessions/..%2F..%2Fusers%2Fuser_1/refresh"]);
}

// -------------------------------------------------------------------------------------------------------------
// Failures of the two calls

/// The ways a call can fail other than by timing out: (what, where the Backend API is).
fn failing_backends() -> Vec<(&'static str, String, Option<Loopback>)> {
    let server = |answer| {
        let s = Loopback::start(answer);
        (s.url.clone(), Some(s))
    };
    let mut out = vec![("connection refused", refusing_url(), None)];
    for (what, answer) in [
        ("500 with Clerk's error body", json_reply(500, r#"{"errors":[{"code":"unexpected_error","message":"x"}]}"#)),
        ("502 with another error code", json_reply(502, r#"{"errors":[{"code":"bad_gateway"}]}"#)),
        ("503 without a body", Answer::Reply(503, "text/plain", String::new())),
        ("200 that is not JSON", Answer::Reply(200, "text/html", "<html>maintenance</html>".into())),
        ("200 JSON of another shape", json_reply(200, r#"{"directives":"nope","cookies":{"a":1}}"#)),
        ("200 JSON array", json_reply(200, "[1,2,3]")),
    ] {
        let (url, s) = server(answer);
        out.push((what, url, s));
    }
    out
}

/// A production and a development instance with a handshake nonce whose payload cannot be had: Clerk logs the error
/// and resolves the handshake with no directives (signed out, `session-token-missing`; development sends the
/// browser to the URL without the nonce).
fn assert_payload_failure_answered(what: &str, api_url: &str) {
    for prefix in ["pk_live_", "pk_test_"] {
        let a = authenticator(prefix, api_url);
        let parts = request("http://localhost:3000/p?__clerk_handshake_nonce=n1&keep=1", "", true);
        let decision = decide_online(&a, &parts);
        let s = state_of(&decision);
        assert_eq!(s.status, AuthStatus::SignedOut, "{what} ({prefix})");
        assert_eq!(s.reason.as_deref(), Some("session-token-missing"), "{what} ({prefix})");
        assert!(header(s, "set-cookie").is_empty(), "{what}: {:?}", s.headers);
        assert_eq!(header(s, "access-control-allow-origin"), ["null"]);
        let location = if prefix == "pk_test_" { vec!["http://localhost:3000/p?keep=1"] } else { vec![] };
        assert_eq!(header(s, "location"), location, "{what} ({prefix})");
        assert_eq!(decision.logs.len(), 1, "{what}: {:?}", decision.logs);
        assert_eq!(decision.logs[0].level, "error");
        assert_eq!(decision.logs[0].message, "Clerk: HandshakeService: error getting handshake payload:");
        let detail = decision.logs[0].detail.as_deref().unwrap();
        assert!(!detail.contains("sk_live_loopback") && !detail.contains("n1"), "{detail}");
    }
}

/// An expired session with a refresh token whose refresh fails: `session-token-expired-refresh-<reason>`, signed
/// out for a data request, a handshake for a document (one more redirect counted), signed out once the loop guard
/// gives up.
fn assert_refresh_failure_answered(what: &str, api_url: &str, reason: &str) {
    let a = authenticator("pk_live_", api_url);
    let cookies = expired_with_refresh("pk_live_", "sess_1");
    let full = format!("session-token-expired-refresh-{reason}");

    let decision = decide_online(&a, &request("http://localhost:3000/", &cookies, false));
    let s = state_of(&decision);
    assert_eq!((s.status, s.reason.as_deref()), (AuthStatus::SignedOut, Some(full.as_str())), "{what}");
    assert!(header(s, "set-cookie").is_empty(), "{what}");

    let s = decide_online(&a, &request("http://localhost:3000/", &cookies, true));
    let s = state_of(&s);
    assert_eq!((s.status, s.reason.as_deref()), (AuthStatus::Handshake, Some(full.as_str())), "{what}");
    assert!(header(s, "location")[0].starts_with(&format!("https://{FAPI}/v1/client/handshake?")));
    assert_eq!(header(s, "set-cookie"), ["__clerk_redirect_count=1; SameSite=Lax; HttpOnly; Max-Age=2"]);

    let looped =
        decide_online(&a, &request("http://localhost:3000/", &format!("{cookies}; __clerk_redirect_count=3"), true));
    let s = state_of(&looped);
    assert_eq!((s.status, s.reason.as_deref()), (AuthStatus::SignedOut, Some(full.as_str())), "{what}");
    assert!(looped.logs.iter().any(|l| l.message.contains("infinite redirect loop")), "{what}");
}

#[test]
fn handshake_payload_failures_resolve_the_handshake_with_no_cookies() {
    for (what, url, _server) in failing_backends() {
        assert_payload_failure_answered(what, &url);
    }
}

#[test]
fn refresh_failures_take_clerks_refresh_reasons() {
    let reasons = [
        "fetch-error",
        "fetch-error",
        "bad_gateway",
        "unexpected-bapi-error",
        "unexpected-sdk-error",
        "unexpected-sdk-error",
        "unexpected-sdk-error",
    ];
    for ((what, url, server), reason) in failing_backends().into_iter().zip(reasons) {
        assert_refresh_failure_answered(what, &url, reason);
        if let Some(server) = server {
            assert!(
                server.seen().iter().all(|r| r == "POST /v1/sessions/sess_1/refresh"),
                "{what}: {:?}",
                server.seen()
            );
        }
    }
}

#[test]
fn refreshed_cookies_outside_clerks_protocol_fail_the_refresh() {
    let fresh = session("sess_1", NOW_S - 1);
    for extra in
        ["evil=1; Path=/", "__client_uat=1; Path=/; Domain=evil.example", "__client_uat=1; Path=/; Max-Age=999999999"]
    {
        let cookies = json!({ "object": "cookies", "cookies": [format!("__session={fresh}; Path=/"), extra] });
        let server = Loopback::start(json_reply(200, &cookies.to_string()));
        assert_refresh_failure_answered(extra, &server.url, "unexpected-sdk-error");
    }
}

#[test]
fn a_refreshed_session_token_of_the_m2m_category_fails_the_refresh() {
    // `verifyToken` of 3.x refuses the M2M category (both entries): the refresh's `invalid-session-token`.
    let claims = json!({ "sub": "user_1", "sid": "sess_1", "iss": format!("https://{FAPI}"),
        "iat": NOW_S - 1, "nbf": NOW_S - 11, "exp": NOW_S + 59 });
    let header = r#"{"alg":"RS256","kid":"k1","typ":"JWT","cat":"cl_B7d4PD333AAA"}"#;
    let m2m = token_raw(&key_2048().pair, Alg::RS256, header, &claims.to_string());
    let cookies =
        json!({ "object": "cookies", "cookies": [format!("__session={m2m}; Path=/"), "__client_uat=1; Path=/"] });
    let server = Loopback::start(json_reply(200, &cookies.to_string()));
    assert_refresh_failure_answered("M2M category", &server.url, "invalid-session-token");
    // Control: the same answer with a session token's category refreshes.
    let header = r#"{"alg":"RS256","kid":"k1","typ":"JWT","cat":"cl_B7d4PD111AAA"}"#;
    let fresh = token_raw(&key_2048().pair, Alg::RS256, header, &claims.to_string());
    let cookies =
        json!({ "object": "cookies", "cookies": [format!("__session={fresh}; Path=/"), "__client_uat=1; Path=/"] });
    let server = Loopback::start(json_reply(200, &cookies.to_string()));
    let a = authenticator("pk_live_", &server.url);
    let decision =
        decide_online(&a, &request("http://localhost:3000/", &expired_with_refresh("pk_live_", "sess_1"), false));
    assert_eq!(state_of(&decision).status, AuthStatus::SignedIn);
}

#[test]
fn calls_that_get_no_answer_give_up_after_five_seconds() {
    let server = Loopback::start(Answer::Hang);
    let started = Instant::now();
    // Both calls at once (each waits its 5 s).
    let payload = std::thread::spawn({
        let url = server.url.clone();
        move || assert_payload_failure_answered("no answer", &url)
    });
    let a = authenticator("pk_live_", &server.url);
    let decision =
        decide_online(&a, &request("http://localhost:3000/", &expired_with_refresh("pk_live_", "sess_1"), false));
    let s = state_of(&decision);
    assert_eq!(s.reason.as_deref(), Some("session-token-expired-refresh-fetch-error"));
    payload.join().unwrap();
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(4900) && elapsed < Duration::from_secs(12), "{elapsed:?}");
}
