//! The request decision with a local key, offline: the branches that need no network, the redirect loop
//! guard, hostile cookies, configuration errors, and that anything needing the network says so instead of waiting.
//! The differential tests against `@clerk/remix` itself live in `__test__/ssr-differential.test.mjs`.

use futures_util::FutureExt;
use serde_json::{json, Value};

use super::util::{key_2048, local_verifier, offline_config, other_key_2048, publishable, token};
use crate::authenticate::{AuthStatus, Authenticator, AuthenticatorConfig, Decision, Outcome, RequestState};
use crate::bapi::BapiError;
use crate::claims::ClaimRules;
use crate::clerk_request::{RequestParts, Routing};
use crate::jwt::Alg;
use crate::publishable_key::PublishableKey;
use crate::token_verifier::{KeySource, NeedsNetwork, Network, Verifier};
use crate::Url;

const NOW_S: i64 = 1_800_000_000;
const NOW_MS: f64 = NOW_S as f64 * 1000.0;
const FAPI: &str = "clerk.example.test";

struct Setup {
    prefix: &'static str,
    satellite: bool,
    domain: &'static str,
    proxy_url: &'static str,
    sign_in_url: &'static str,
    secret_key: &'static str,
    keys: Option<KeySource>,
}

impl Default for Setup {
    fn default() -> Self {
        Setup {
            prefix: "pk_live_",
            satellite: false,
            domain: "",
            proxy_url: "",
            sign_in_url: "",
            secret_key: "sk_live_x",
            keys: None,
        }
    }
}

fn authenticator(s: Setup) -> Authenticator {
    let config = AuthenticatorConfig {
        routing: Routing { domain: s.domain.into(), is_satellite: s.satellite, proxy_url: s.proxy_url.into() },
        sign_in_url: s.sign_in_url.into(),
        ..offline_config(s.secret_key)
    };
    let verifier = match s.keys {
        Some(keys) => Verifier { keys, rules: ClaimRules::default(), cache: None },
        None => local_verifier(&key_2048().key, ClaimRules::default()),
    };
    let pk = PublishableKey::parse(&publishable(s.prefix, FAPI)).expect("valid publishable key");
    Authenticator::new(config, pk, verifier)
}

fn claims(extra: Value) -> Value {
    let mut c = json!({ "sub": "user_1", "sid": "sess_1", "iss": format!("https://{FAPI}"),
        "iat": NOW_S - 5, "nbf": NOW_S - 10, "exp": NOW_S + 55 });
    c.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    c
}

fn session(extra: Value) -> String {
    token(&key_2048().pair, Alg::RS256, &claims(extra))
}

/// A document request to `/dashboard?tab=1` with `cookie` (shared with the token-kind tests).
pub(super) fn document(cookie: &str) -> RequestParts {
    RequestParts {
        url: "http://localhost:3000/dashboard?tab=1".into(),
        method: "GET".into(),
        cookie: Some(cookie.into()),
        sec_fetch_dest: Some("document".into()),
        accept: Some("text/html".into()),
        ..RequestParts::default()
    }
}

/// A data request (`fetch`) with `cookie`.
pub(super) fn data(cookie: &str) -> RequestParts {
    RequestParts { sec_fetch_dest: Some("empty".into()), accept: Some("*/*".into()), ..document(cookie) }
}

fn decide(a: &Authenticator, parts: &RequestParts) -> Result<Decision, NeedsNetwork> {
    a.authenticate(parts, NOW_MS, Network::Offline).now_or_never().expect("offline never waits")
}

fn state(a: &Authenticator, parts: &RequestParts) -> RequestState {
    match decide(a, parts).expect("answers offline").outcome {
        Outcome::State(s) => s,
        Outcome::Thrown(m) => panic!("threw {m}"),
        Outcome::InvalidUrl => panic!("threw a TypeError"),
    }
}

fn thrown(a: &Authenticator, parts: &RequestParts) -> String {
    match decide(a, parts).expect("answers offline").outcome {
        Outcome::Thrown(m) => m,
        other => panic!("expected a throw, got {other:?}"),
    }
}

fn header<'s>(s: &'s RequestState, name: &str) -> Vec<&'s str> {
    s.headers.iter().filter(|(n, _)| n == name).map(|(_, v)| v.as_str()).collect()
}

fn cookies(token: &str, client_uat: i64) -> String {
    format!("__session={token}; __client_uat={client_uat}")
}

#[test]
fn valid_cookie_is_signed_in_without_headers() {
    let a = authenticator(Setup::default());
    let t = session(json!({}));
    let s = state(&a, &document(&cookies(&t, NOW_S - 100)));
    assert_eq!(s.status, AuthStatus::SignedIn);
    assert_eq!(s.token.as_deref(), Some(t.as_str()));
    let payload: Value = serde_json::from_str(s.claims_json.as_deref().unwrap()).unwrap();
    assert_eq!(payload["sub"], "user_1");
    assert!(s.headers.is_empty() && s.reason.is_none() && s.message.is_none());
}

#[test]
fn cookie_flow_reasons_in_clerks_order() {
    let a = authenticator(Setup::default());
    let t = session(json!({}));
    let cases = [
        ("", AuthStatus::SignedOut, "session-token-and-uat-missing"),
        ("__client_uat=0", AuthStatus::SignedOut, "session-token-and-uat-missing"),
        (&format!("__session={t}") as &str, AuthStatus::Handshake, "session-token-but-no-client-uat"),
        (&format!("__session={t}; __client_uat=0"), AuthStatus::Handshake, "session-token-but-no-client-uat"),
        (&format!("__client_uat={}", NOW_S), AuthStatus::Handshake, "client-uat-but-no-session-token"),
        (&cookies(&t, NOW_S - 1), AuthStatus::Handshake, "session-token-iat-before-client-uat"),
    ];
    for (cookie, status, reason) in cases {
        let s = state(&a, &document(cookie));
        assert_eq!((s.status, s.reason.as_deref()), (status, Some(reason)), "cookie {cookie:?}");
        assert_eq!(header(&s, "x-clerk-auth-reason"), [reason]);
        assert_eq!(header(&s, "x-clerk-auth-status"), [status.as_str()]);
        // A data request never gets a handshake: the same reason, signed out.
        let d = state(&a, &data(cookie));
        assert_eq!((d.status, d.reason.as_deref()), (AuthStatus::SignedOut, Some(reason)), "data {cookie:?}");
        assert!(header(&d, "location").is_empty());
    }
}

#[test]
fn handshake_redirect_carries_location_no_store_and_the_loop_counter() {
    let a = authenticator(Setup::default());
    let expired = session(json!({ "iat": NOW_S - 120, "exp": NOW_S - 60 }));
    let s = state(&a, &document(&cookies(&expired, NOW_S - 200)));
    assert_eq!(s.status, AuthStatus::Handshake);
    assert_eq!(s.reason.as_deref(), Some("session-token-expired-refresh-non-eligible-no-refresh-cookie"));
    let location = header(&s, "location")[0];
    assert!(location.starts_with(&format!("https://{FAPI}/v1/client/handshake?redirect_url=")), "{location}");
    assert!(location.contains(&format!("&__session={expired}")));
    assert_eq!(header(&s, "cache-control"), ["no-store"]);
    assert_eq!(header(&s, "set-cookie"), ["__clerk_redirect_count=1; SameSite=Lax; HttpOnly; Max-Age=2"]);
    assert!(header(&s, "x-clerk-auth-message")[0].starts_with("JWT is expired. Expiry date: "));

    // The fourth redirect is refused: signed out with the same reason, no handshake headers, a log line.
    let looped = document(&format!("{}; __clerk_redirect_count=3", cookies(&expired, NOW_S - 200)));
    let decision = decide(&a, &looped).unwrap();
    assert!(decision.logs[0].message.contains("infinite redirect loop"));
    let Outcome::State(s) = decision.outcome else { panic!() };
    assert_eq!(s.status, AuthStatus::SignedOut);
    assert!(header(&s, "location").is_empty() && header(&s, "set-cookie").is_empty());
}

#[test]
fn nbf_and_iat_in_the_future_take_their_handshake_reasons() {
    let a = authenticator(Setup::default());
    let nbf = session(json!({ "nbf": NOW_S + 60 }));
    assert_eq!(state(&a, &document(&cookies(&nbf, NOW_S - 100))).reason.as_deref(), Some("session-token-nbf"));
    let iat = session(json!({ "iat": NOW_S + 60 }));
    assert_eq!(
        state(&a, &document(&cookies(&iat, NOW_S - 100))).reason.as_deref(),
        Some("session-token-iat-in-the-future")
    );
    let post = RequestParts { method: "POST".into(), ..data(&cookies(&session(json!({ "exp": NOW_S - 60 })), 1)) };
    assert_eq!(state(&a, &post).reason.as_deref(), Some("session-token-expired-refresh-non-eligible-non-get"));
}

#[test]
fn hostile_cookies_are_signed_out_token_invalid_never_a_throw() {
    let a = authenticator(Setup::default());
    for cookie in [
        "__session=aaaa.bbbb.cccc; __client_uat=1",
        "__session=aaaa.bbbb; __client_uat=1",
        "__session=abc%ZZdef; __client_uat=1",
        "__session=%C3%28.x.y; __client_uat=1",
        "__session=eyJhbGciOiJSUzI1NiJ9.bm90LWpzb24.x; __client_uat=1",
    ] {
        let s = state(&a, &document(cookie));
        assert_eq!((s.status, s.reason.as_deref()), (AuthStatus::SignedOut, Some("token-invalid")), "{cookie}");
        assert!(s.message.as_deref().unwrap().ends_with("(reason=token-invalid, token-carrier=cookie)"));
    }
}

#[test]
fn forged_tokens_fail_their_signature_before_any_claim_is_read() {
    let a = authenticator(Setup::default());
    let forged = token(&other_key_2048().pair, Alg::RS256, &claims(json!({ "exp": NOW_S - 60 })));
    let s = state(&a, &document(&cookies(&forged, NOW_S - 100)));
    assert_eq!((s.status, s.reason.as_deref()), (AuthStatus::SignedOut, Some("token-invalid-signature")));
}

#[test]
fn header_flow() {
    let a = authenticator(Setup::default());
    let t = session(json!({}));
    let with_auth = |value: String| RequestParts { authorization: Some(value), ..data("") };
    assert_eq!(state(&a, &with_auth(format!("Bearer {t}"))).status, AuthStatus::SignedIn);
    assert_eq!(state(&a, &with_auth(t.clone())).status, AuthStatus::SignedIn);
    // Another scheme (or `bearer`) is no header token: the cookie flow answers.
    let other = state(&a, &with_auth(format!("bearer {t}")));
    assert_eq!(other.reason.as_deref(), Some("session-token-and-uat-missing"));
    // Machine tokens are refused before verification.
    let m2m = session(json!({ "sub": "mch_1" }));
    assert_eq!(state(&a, &with_auth(format!("Bearer {m2m}"))).reason.as_deref(), Some("token-type-mismatch"));
    let malformed = state(&a, &with_auth("Bearer aaaa.bbbb.cccc".into()));
    assert_eq!(malformed.reason.as_deref(), Some("token-invalid"));
    assert!(malformed.message.unwrap().ends_with("(reason=token-invalid, token-carrier=header)"));
    // An expired header token on a document request: handshake, `__session` = the header token.
    let expired = session(json!({ "exp": NOW_S - 60 }));
    let doc = RequestParts { authorization: Some(format!("Bearer {expired}")), ..document("") };
    let s = state(&a, &doc);
    assert_eq!(s.status, AuthStatus::Handshake);
    assert!(header(&s, "location")[0].contains(&format!("__session={expired}")));
}

#[test]
fn cross_origin_document_referrers_are_synced_once_unless_they_are_clerk_origins() {
    let a = authenticator(Setup::default());
    let cookie = cookies(&session(json!({})), NOW_S - 100);
    let from = |referer: &str| RequestParts { referer: Some(referer.into()), ..document(&cookie) };
    let s = state(&a, &from("https://www.google.com/search?q=x"));
    assert_eq!(s.reason.as_deref(), Some("primary-domain-cross-origin-sync"));
    assert_eq!(header(&s, "x-clerk-auth-message"), ["Cross-origin request from satellite domain requires handshake"]);
    for known in [
        "http://localhost:3000/other",
        &format!("https://{FAPI}/v1/x"),
        "https://accounts.example.test/sign-in",
        "https://happy-cat-12.accounts.dev/sign-in",
        "https://accounts.foo.lcl.dev/",
        "not a url",
    ] {
        assert_eq!(state(&a, &from(known)).status, AuthStatus::SignedIn, "{known}");
    }
    let counted =
        RequestParts { cookie: Some(format!("{cookie}; __clerk_redirect_count=1")), ..from("https://www.google.com/") };
    assert_eq!(state(&a, &counted).status, AuthStatus::SignedIn);
}

#[test]
fn development_instances_need_a_dev_browser() {
    let a = authenticator(Setup { prefix: "pk_test_", secret_key: "sk_test_x", ..Setup::default() });
    let t = session(json!({}));
    assert_eq!(state(&a, &document(&cookies(&t, NOW_S - 100))).reason.as_deref(), Some("dev-browser-missing"));
    let with_db = format!("{}; __clerk_db_jwt=dvb_1", cookies(&t, NOW_S - 100));
    assert_eq!(state(&a, &document(&with_db)).status, AuthStatus::SignedIn);
    let sync = RequestParts { url: "http://localhost:3000/?__clerk_db_jwt=dvb_2&x=1".into(), ..document(&with_db) };
    let s = state(&a, &sync);
    assert_eq!(s.reason.as_deref(), Some("dev-browser-sync"));
    let location = header(&s, "location")[0];
    assert!(location.contains("redirect_url=http%3A%2F%2Flocalhost%3A3000%2F%3Fx%3D1&"), "{location}");
    assert!(location.ends_with("&__clerk_db_jwt=dvb_2"), "{location}");
    // A primary answering a satellite's sync request sends the browser back with the dev browser and a marker, when
    // the satellite is one of its allowed origins.
    let back = RequestParts {
        url: "http://localhost:3000/?__clerk_redirect_url=https%3A%2F%2Fsat.example.test%2Fp%3Fa%3D1".into(),
        ..document(&with_db)
    };
    let a = a.with_origins(None, vec!["https://sat.example.test".into()]);
    let s = state(&a, &back);
    assert_eq!(s.reason.as_deref(), Some("primary-responds-to-syncing"));
    assert_eq!(header(&s, "location"), ["https://sat.example.test/p?a=1&__clerk_db_jwt=dvb_1&__clerk_synced=true"]);
}

#[test]
fn a_development_primary_sends_the_dev_browser_token_to_its_own_and_allowed_origins_only() {
    let dev = || authenticator(Setup { prefix: "pk_test_", secret_key: "sk_test_x", ..Setup::default() });
    let t = session(json!({}));
    let with_db = format!("{}; __clerk_db_jwt=dvb_1", cookies(&t, NOW_S - 100));
    let asking = |target: &str| RequestParts {
        url: format!(
            "http://localhost:3000/sign-in?__clerk_redirect_url={}",
            form_urlencoded::byte_serialize(target.as_bytes()).collect::<String>()
        ),
        ..document(&with_db)
    };
    // Anywhere else: decided as if the parameter were absent (signed in here), with a warning; no Location at all.
    let a = dev();
    for target in
        ["https://evil.example/steal", "http://localhost:3001/", "javascript:alert(1)", "https://sat.example.test/"]
    {
        let decision = decide(&a, &asking(target)).unwrap();
        let Outcome::State(s) = decision.outcome else { panic!("{target}: {:?}", decision.outcome) };
        assert_eq!(s.status, AuthStatus::SignedIn, "{target}");
        assert!(header(&s, "location").is_empty(), "{target}");
        assert_eq!(decision.logs.len(), 1, "{target}");
        assert_eq!(decision.logs[0].level, "warn");
        assert!(
            decision.logs[0].message.starts_with("Clerk: __clerk_redirect_url ignored: "),
            "{}",
            decision.logs[0].message
        );
        assert!(!decision.logs[0].message.contains("dvb_1"));
    }
    // A target that is not a URL still throws Clerk's TypeError (checked before the origin).
    assert!(matches!(decide(&a, &asking("not a url")).unwrap().outcome, Outcome::InvalidUrl));
    // The request's own origin needs no configuration.
    let s = state(&a, &asking("http://localhost:3000/after?x=1"));
    assert_eq!(header(&s, "location"), ["http://localhost:3000/after?x=1&__clerk_db_jwt=dvb_1&__clerk_synced=true"]);
    // allowedRedirectOrigins.
    let a = dev().with_origins(None, vec!["https://sat.example.test".into(), "http://localhost:3001".into()]);
    for (target, location) in [
        ("https://sat.example.test/p", "https://sat.example.test/p?__clerk_db_jwt=dvb_1&__clerk_synced=true"),
        ("http://localhost:3001/", "http://localhost:3001/?__clerk_db_jwt=dvb_1&__clerk_synced=true"),
    ] {
        let s = state(&a, &asking(target));
        assert_eq!(s.reason.as_deref(), Some("primary-responds-to-syncing"));
        assert_eq!(header(&s, "location"), [location]);
    }
    assert_eq!(state(&a, &asking("https://evil.example/")).status, AuthStatus::SignedIn);
    // Without a pin a forged X-Forwarded-Host makes that host the request's own origin, but only for the request
    // that carries it (a browser sends none); with the pin, the forged host is just another origin.
    let forged = |target: &str| RequestParts { forwarded_host: Some("evil.example".into()), ..asking(target) };
    assert_eq!(header(&state(&dev(), &forged("http://evil.example/x")), "location").len(), 1);
    let pinned = dev().with_origins(Some(Url::parse("http://localhost:3000").unwrap()), vec![]);
    assert!(header(&state(&pinned, &forged("http://evil.example/x")), "location").is_empty());
    assert_eq!(header(&state(&pinned, &forged("http://localhost:3000/x")), "location").len(), 1);
}

#[test]
fn a_pinned_app_origin_decides_where_the_handshake_returns() {
    let forged = |cookie: &str| RequestParts {
        url: "http://10.0.0.7:3000/dashboard?tab=1".into(),
        host: Some("10.0.0.7:3000".into()),
        forwarded_host: Some("evil.example".into()),
        forwarded_proto: Some("https".into()),
        ..document(cookie)
    };
    let handshake_return = |a: &Authenticator| {
        let s = state(a, &forged(&format!("__client_uat={NOW_S}")));
        assert_eq!(s.status, AuthStatus::Handshake);
        let location = Url::parse(header(&s, "location")[0]).unwrap();
        crate::search_params::get(&location, "redirect_url").unwrap()
    };
    // Clerk's behaviour without the pin: the handshake brings the browser back to the forged host.
    assert_eq!(handshake_return(&authenticator(Setup::default())), "https://evil.example/dashboard?tab=1");
    let pinned =
        authenticator(Setup::default()).with_origins(Some(Url::parse("https://app.example.com").unwrap()), vec![]);
    assert_eq!(handshake_return(&pinned), "https://app.example.com/dashboard?tab=1");
    assert_eq!(pinned.request_url(&forged("")).unwrap().as_str(), "https://app.example.com/dashboard?tab=1");
    // The cross-origin referrer check compares with the pinned origin too.
    let t = session(json!({}));
    let from_app =
        RequestParts { referer: Some("https://app.example.com/a".into()), ..forged(&cookies(&t, NOW_S - 100)) };
    assert_eq!(state(&pinned, &from_app).status, AuthStatus::SignedIn);
    // An unusable pin is refused when the authenticator is built, with a message that does not repeat it.
    let settings = |app_origin: &str| crate::authenticate::AuthenticatorSettings {
        publishable_key: publishable("pk_live_", FAPI),
        secret_key: "sk_live_x".into(),
        jwt_key: crate::testkit::spki_pem(&key_2048().pair),
        app_origin: app_origin.into(),
        ..Default::default()
    };
    let err = Authenticator::from_settings(settings("sk_live_secret/path")).err().expect("refused");
    assert!(err.to_string().starts_with("Clerk: appOrigin / CLERK_APP_ORIGIN must be an origin"), "{err}");
    assert!(!err.to_string().contains("sk_live_secret"));
    assert!(Authenticator::from_settings(settings("https://app.example.com")).is_ok());
    let bad_list = crate::authenticate::AuthenticatorSettings {
        allowed_redirect_origins: vec!["https://ok.example".into(), "nope".into()],
        ..settings("")
    };
    assert!(Authenticator::from_settings(bad_list).err().unwrap().to_string().contains("allowedRedirectOrigins"));
}

#[test]
fn states_that_set_cookies_are_never_stored_by_shared_caches() {
    // A production handshake resolution sets the session cookies: private, no-store (Clerk sets nothing there).
    let a = authenticator(Setup::default());
    let fresh = session(json!({}));
    let payload = json!({
        "handshake": [format!("__session={fresh}; Path=/"), format!("__client_uat={NOW_S}; Path=/")],
        "iat": NOW_S,
    });
    let hs = token(&key_2048().pair, Alg::RS256, &payload);
    let parts = RequestParts { url: format!("http://localhost:3000/?__clerk_handshake={hs}"), ..document("") };
    let s = state(&a, &parts);
    assert_eq!(header(&s, "set-cookie").len(), 2);
    assert_eq!(header(&s, "cache-control"), ["private, no-store"]);
    // Handshake redirects keep Clerk's no-store (with the redirect counter's Set-Cookie).
    let s = state(&a, &document(&format!("__client_uat={NOW_S}")));
    assert_eq!(header(&s, "cache-control"), ["no-store"]);
    assert_eq!(header(&s, "set-cookie").len(), 1);
    // A state without cookies gets nothing (the response layer decides for clerkState).
    let s = state(&a, &document(&cookies(&fresh, NOW_S - 100)));
    assert!(s.headers.is_empty(), "{:?}", s.headers);
    let s = state(&a, &data(""));
    assert!(header(&s, "cache-control").is_empty());
}

#[test]
fn satellites() {
    let prod = authenticator(Setup { satellite: true, domain: "sat.example.test", ..Setup::default() });
    let s = state(&prod, &document(""));
    assert_eq!(s.reason.as_deref(), Some("satellite-needs-syncing"));
    assert!(header(&s, "location")[0].starts_with("https://clerk.sat.example.test/v1/client/handshake?"));

    let dev = authenticator(Setup {
        prefix: "pk_test_",
        secret_key: "sk_test_x",
        satellite: true,
        domain: "sat.example.test",
        sign_in_url: "https://primary.example.test/sign-in",
        ..Setup::default()
    });
    let s = state(&dev, &document(""));
    assert_eq!(
        header(&s, "location"),
        ["https://primary.example.test/sign-in?__clerk_redirect_url=http%3A%2F%2Flocalhost%3A3000%2Fdashboard%3Ftab%3D1"]
    );
    let synced = RequestParts { url: "http://localhost:3000/?__clerk_synced=true".into(), ..document("") };
    assert_eq!(state(&dev, &synced).reason.as_deref(), Some("dev-browser-missing"));

    // Clerk's configuration assertions, with its messages.
    let no_sign_in =
        authenticator(Setup { prefix: "pk_test_", secret_key: "sk_test_x", satellite: true, ..Setup::default() });
    assert_eq!(
        thrown(&no_sign_in, &document("")),
        "Missing signInUrl. Pass a signInUrl for dev instances if an app is satellite"
    );
    let same_origin = authenticator(Setup {
        satellite: true,
        domain: "d",
        sign_in_url: "http://localhost:3000/sign-in",
        ..Setup::default()
    });
    let with_origin = RequestParts { origin: Some("http://localhost:3000".into()), ..document("") };
    assert_eq!(
        thrown(&same_origin, &with_origin),
        "The signInUrl needs to be on a different origin than your satellite application."
    );
    let relative = authenticator(Setup { satellite: true, domain: "d", sign_in_url: "/sign-in", ..Setup::default() });
    assert_eq!(thrown(&relative, &with_origin), "The signInUrl needs to have a absolute url format.");
    let neither = authenticator(Setup { satellite: true, ..Setup::default() });
    assert_eq!(
        thrown(&neither, &document("")),
        "Missing domain and proxyUrl. A satellite application needs to specify a domain or a proxyUrl"
    );
}

#[test]
fn proxied_instances_hand_shake_through_the_proxy() {
    let a = authenticator(Setup { proxy_url: "https://app.example.test/__clerk/", ..Setup::default() });
    let s = state(&a, &document(&format!("__client_uat={NOW_S}")));
    assert!(header(&s, "location")[0].starts_with("https://app.example.test/__clerk/v1/client/handshake?"));
}

#[test]
fn a_request_names_its_own_routing() {
    // The routing a request carries (a proxy URL resolved against its host, a satellite domain from a function
    // option) decides as the same routing configured on the authenticator, and never changes the authenticator.
    let configured = authenticator(Setup { proxy_url: "https://app.example.test/__clerk/", ..Setup::default() });
    let plain = authenticator(Setup::default());
    for host in ["a.example.test", "b.example.test", "a.example.test"] {
        let routing = Routing { proxy_url: format!("https://{host}/__clerk/"), ..Routing::default() };
        let request = RequestParts { routing: Some(routing), ..document(&format!("__client_uat={NOW_S}")) };
        let decided = state(&plain, &request);
        let location = &header(&decided, "location")[0];
        assert!(location.starts_with(&format!("https://{host}/__clerk/v1/client/handshake?")), "{location}");
    }
    let same = Routing { proxy_url: "https://app.example.test/__clerk/".into(), ..Routing::default() };
    let by_request = RequestParts { routing: Some(same), ..document(&format!("__client_uat={NOW_S}")) };
    let by_config = document(&format!("__client_uat={NOW_S}"));
    assert_eq!(header(&state(&plain, &by_request), "location"), header(&state(&configured, &by_config), "location"));
    // A satellite named by the request is checked as a configured one is.
    let satellite =
        RequestParts { routing: Some(Routing { is_satellite: true, ..Routing::default() }), ..document("") };
    match decide(&plain, &satellite).expect("decided").outcome {
        Outcome::Thrown(message) => assert!(message.starts_with("Missing domain and proxyUrl"), "{message}"),
        other => panic!("expected the satellite configuration error, got {other:?}"),
    }
}

#[test]
fn what_needs_the_network_says_so_offline() {
    // A remote key set that was never fetched.
    let remote = crate::jwks::RemoteJwks::shared(crate::jwks::JwksConfig::new("http://127.0.0.1:9", "sk_offline_test"));
    let a = authenticator(Setup { keys: Some(KeySource::Remote(remote)), ..Setup::default() });
    let t = session(json!({}));
    assert_eq!(decide(&a, &document(&cookies(&t, NOW_S - 100))).err(), Some(NeedsNetwork));
    // Branches decided before any key is needed still answer.
    assert_eq!(state(&a, &document("")).reason.as_deref(), Some("session-token-and-uat-missing"));

    let local = authenticator(Setup::default());
    let nonce = RequestParts { url: "http://localhost:3000/?__clerk_handshake_nonce=n1".into(), ..document("") };
    assert_eq!(decide(&local, &nonce).err(), Some(NeedsNetwork));
    let expired = session(json!({ "exp": NOW_S - 60 }));
    let refresh = document(&format!("{}; __refresh_{}=rt", cookies(&expired, 1), suffix()));
    assert_eq!(decide(&local, &refresh).err(), Some(NeedsNetwork));
}

fn suffix() -> String {
    crate::publishable_key::cookie_suffix(&publishable("pk_live_", FAPI))
}

#[test]
fn handshake_tokens_resolve_offline_with_a_local_key() {
    let a = authenticator(Setup::default());
    let fresh = session(json!({}));
    let payload = json!({ "handshake": [format!("__session={fresh}; Path=/"), format!("__client_uat={NOW_S}; Path=/")],
        "iat": NOW_S - 1 });
    let hs = token(&key_2048().pair, Alg::RS256, &payload);
    let parts = RequestParts { url: format!("http://localhost:3000/?__clerk_handshake={hs}"), ..document("") };
    let s = state(&a, &parts);
    assert_eq!(s.status, AuthStatus::SignedIn);
    assert_eq!(s.token.as_deref(), Some(fresh.as_str()));
    assert_eq!(header(&s, "set-cookie").len(), 2);
    assert_eq!(header(&s, "access-control-allow-origin"), ["null"]);
    assert!(header(&s, "location").is_empty(), "production: no redirect");

    // A forged handshake token is logged and the request decided as if it were absent.
    let forged = token(&other_key_2048().pair, Alg::RS256, &payload);
    let parts = RequestParts { url: format!("http://localhost:3000/?__clerk_handshake={forged}"), ..document("") };
    let decision = decide(&a, &parts).unwrap();
    assert_eq!(decision.logs[0].message, "Clerk: unable to resolve handshake:");
    let Outcome::State(s) = decision.outcome else { panic!() };
    assert_eq!(s.reason.as_deref(), Some("session-token-and-uat-missing"));

    // Development: a forged token is an error (Clerk throws to stop a loop), a good one redirects to the clean URL.
    let dev = authenticator(Setup { prefix: "pk_test_", secret_key: "sk_test_x", ..Setup::default() });
    assert!(thrown(&dev, &parts).contains("invalid signature"));
    let ok = RequestParts { url: format!("http://localhost:3000/p?__clerk_handshake={hs}&keep=1"), ..document("") };
    let s = state(&dev, &ok);
    assert_eq!(header(&s, "location"), ["http://localhost:3000/p?keep=1"]);
    assert_eq!(header(&s, "cache-control"), ["no-store"]);

    // A directive that is not a valid header value is refused as Clerk's Headers#append would refuse it.
    let bad = token(&key_2048().pair, Alg::RS256, &json!({ "handshake": ["__session=a\r\nx: y"], "iat": NOW_S }));
    let parts = RequestParts { url: format!("http://localhost:3000/?__clerk_handshake={bad}"), ..document("") };
    let decision = decide(&a, &parts).unwrap();
    assert_eq!(decision.logs.len(), 1);
    assert!(matches!(decision.outcome, Outcome::State(RequestState { status: AuthStatus::SignedOut, .. })));
}

#[test]
fn refresh_failures_map_to_clerks_reasons() {
    assert_eq!(BapiError::Fetch("x".into()).refresh_reason(), "fetch-error");
    assert_eq!(BapiError::Code("unexpected_error".into(), 422).refresh_reason(), "fetch-error");
    assert_eq!(BapiError::Code("refresh_token_invalid".into(), 422).refresh_reason(), "refresh_token_invalid");
    assert_eq!(BapiError::Unexpected(500).refresh_reason(), "unexpected-bapi-error");
    assert_eq!(BapiError::Malformed.refresh_reason(), "unexpected-sdk-error");
    assert_eq!(BapiError::Code("resource_not_found".into(), 404).describe(), "ClerkAPIResponseError: Not Found");
}

#[test]
fn invalid_publishable_keys_are_refused_with_clerks_messages() {
    // Checked before an authenticator is built (the napi constructor throws these texts).
    assert!(PublishableKey::parse("").err().unwrap().starts_with("Publishable key is missing."));
    assert_eq!(PublishableKey::parse("pk_live_x").err(), Some("Publishable key not valid."));
}

/// A document request carrying `__clerk_handshake=<token>` in its query string (`in_query`) or in its cookie.
fn with_handshake_token(token: &str, in_query: bool) -> RequestParts {
    if in_query {
        RequestParts { url: format!("http://app.example.test/p?__clerk_handshake={token}"), ..document("") }
    } else {
        RequestParts { url: "http://app.example.test/p".into(), ..document(&format!("__clerk_handshake={token}")) }
    }
}

fn handshake_token(directives: &[String], claims: Value) -> String {
    let mut payload = json!({ "handshake": directives });
    payload.as_object_mut().unwrap().extend(claims.as_object().unwrap().clone());
    token(&key_2048().pair, Alg::RS256, &payload)
}

fn fresh_directives(fresh: &str) -> Vec<String> {
    vec![
        format!("__session={fresh}; Path=/; SameSite=Lax; Secure"),
        format!("__client_uat={NOW_S}; Path=/; Domain=example.test; Max-Age=315360000; SameSite=Lax; Secure"),
    ]
}

#[test]
fn a_handshake_with_a_directive_outside_clerks_protocol_sets_no_cookie_at_all() {
    let a = authenticator(Setup::default());
    let fresh = session(json!({}));
    let good = fresh_directives(&fresh);
    // Control: Clerk's directives resolve the handshake (signed in, both cookies set).
    let s = state(&a, &with_handshake_token(&handshake_token(&good, json!({ "iat": NOW_S })), true));
    assert_eq!(s.status, AuthStatus::SignedIn);
    assert_eq!(header(&s, "set-cookie"), [good[0].as_str(), good[1].as_str()]);

    let extra = [
        "evil=1; Path=/".to_owned(),
        format!("__session={fresh}; Path=/; Domain=evil.example"),
        format!("__client_uat={NOW_S}; Path=/; Domain=test; Max-Age=1"),
        format!("__client_uat={NOW_S}; Path=/; Max-Age=315360001"),
        format!("__session={fresh}; Path=/admin"),
        format!("__session={fresh}; Path=/; Expires=Fri, 31 Dec 9999 23:59:59 GMT"),
    ];
    for (i, bad) in extra.iter().enumerate() {
        // Wherever it is in the list.
        let mut directives = good.clone();
        directives.insert(i % 3, bad.clone());
        for in_query in [true, false] {
            let parts = with_handshake_token(&handshake_token(&directives, json!({ "iat": NOW_S })), in_query);
            let decision = decide(&a, &parts).unwrap();
            let Outcome::State(s) = &decision.outcome else { panic!("{:?}", decision.outcome) };
            assert_eq!(s.status, AuthStatus::SignedOut, "{bad}");
            assert_eq!(s.reason.as_deref(), Some("session-token-and-uat-missing"), "{bad}");
            assert!(header(s, "set-cookie").is_empty(), "{bad}: {:?}", s.headers);
            assert_eq!(decision.logs.len(), 1, "{bad}");
            assert_eq!(decision.logs[0].message, "Clerk: unable to resolve handshake:");
            let detail = decision.logs[0].detail.as_deref().unwrap();
            let position = format!("directive {} of 3 refused", i % 3 + 1);
            assert!(
                detail.starts_with("Error: handshake Set-Cookie directive") && detail.contains(&position),
                "{detail}"
            );
            assert!(!detail.contains(&fresh) && !detail.contains("evil"), "the log never quotes a directive: {detail}");
        }
    }
    // Development too: no cookie, and no redirect to a clean URL claiming the handshake resolved.
    let dev = authenticator(Setup { prefix: "pk_test_", secret_key: "sk_test_x", ..Setup::default() });
    let mut directives = good.clone();
    directives.push("evil=1; Path=/".into());
    let s = state(&dev, &with_handshake_token(&handshake_token(&directives, json!({ "iat": NOW_S })), true));
    assert!(header(&s, "set-cookie").iter().all(|c| c.starts_with("__clerk_redirect_count=")), "{:?}", s.headers);
    assert_eq!(s.reason.as_deref(), Some("dev-browser-missing"));
}

#[test]
fn handshake_tokens_are_good_for_five_minutes_in_production_and_a_day_in_development() {
    let prod = authenticator(Setup::default());
    let dev = authenticator(Setup { prefix: "pk_test_", secret_key: "sk_test_x", ..Setup::default() });
    let fresh = session(json!({}));
    let directives = fresh_directives(&fresh);
    let hs = |claims: Value| handshake_token(&directives, claims);
    let outcome = |a: &Authenticator, parts: &RequestParts| decide(a, parts).unwrap();
    let signed_in = |a: &Authenticator, parts: &RequestParts| match outcome(a, parts).outcome {
        Outcome::State(s) => s.status == AuthStatus::SignedIn,
        _ => false,
    };

    for in_query in [true, false] {
        // Production: iat at most 5 min + the 5 s clock skew old, not in the future.
        assert!(signed_in(&prod, &with_handshake_token(&hs(json!({ "iat": NOW_S - 305 })), in_query)));
        assert!(signed_in(&prod, &with_handshake_token(&hs(json!({ "iat": NOW_S + 5 })), in_query)));
        for (claims, detail) in [
            (json!({ "iat": NOW_S - 306 }), "Error: Handshake token is too old"),
            (json!({ "iat": NOW_S + 6 }), "Error: Handshake token issued at date claim (iat) is in the future"),
            (json!({ "iat": NOW_S - 10, "exp": NOW_S - 5 }), "Error: Handshake token is expired"),
        ] {
            let decision = outcome(&prod, &with_handshake_token(&hs(claims.clone()), in_query));
            assert_eq!(decision.logs[0].message, "Clerk: unable to resolve handshake:", "{claims}");
            assert!(decision.logs[0].detail.as_deref().unwrap().starts_with(detail), "{:?}", decision.logs);
            let Outcome::State(s) = decision.outcome else { panic!() };
            assert_eq!(s.reason.as_deref(), Some("session-token-and-uat-missing"), "{claims}");
            assert!(header(&s, "set-cookie").is_empty());
        }
        // Development keeps Clerk's one-day tolerance of a wrong clock; past it, Clerk's development error.
        let a_day = 86_400;
        // (Without the Domain of app.example.test, which localhost may not set: see the test above.)
        let dev_directives = [directives[0].clone(), format!("__client_uat={NOW_S}; Path=/; Max-Age=315360000")];
        let dev_parts = |iat: i64| {
            let mut parts = with_handshake_token(&handshake_token(&dev_directives, json!({ "iat": iat })), in_query);
            parts.url = format!("http://localhost:3000/{}", parts.url.split_once("/p").unwrap().1);
            parts
        };
        let s = state(&dev, &dev_parts(NOW_S - 300 - a_day));
        assert_eq!(s.status, AuthStatus::SignedIn);
        assert_eq!(s.token.as_deref(), Some(fresh.as_str()));
        assert!(state(&dev, &dev_parts(NOW_S + a_day)).status == AuthStatus::SignedIn);
        let thrown_message = thrown(&dev, &dev_parts(NOW_S - 301 - a_day));
        assert!(
            thrown_message.starts_with("Clerk: Handshake token verification failed: Handshake token is too old"),
            "{thrown_message}"
        );
    }

    // No iat: refused from a production query string (where a link can carry a replayed token), taken from the
    // cookie the Frontend API sets, and in development (the query string is its transport).
    let none = hs(json!({}));
    let decision = outcome(&prod, &with_handshake_token(&none, true));
    assert!(
        decision.logs[0].detail.as_deref().unwrap().contains("no issued at date claim (iat)"),
        "{:?}",
        decision.logs
    );
    assert!(!signed_in(&prod, &with_handshake_token(&none, true)));
    assert!(signed_in(&prod, &with_handshake_token(&none, false)));
    let dev_none = handshake_token(&[directives[0].clone()], json!({}));
    let dev_query =
        RequestParts { url: format!("http://localhost:3000/?__clerk_handshake={dev_none}"), ..document("") };
    assert!(signed_in(&dev, &dev_query));
}
