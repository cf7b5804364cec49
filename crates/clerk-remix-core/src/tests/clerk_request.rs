//! The request context (`@clerk/backend`'s `createAuthenticateContext` and `clerkRequest`): clerkUrl, the cookies (not pre-decoded), suffixed-cookie choice.

use serde_json::json;

use super::util::{b64, publishable};
use crate::clerk_request::{choose_cookies, clerk_url, read_inputs, Cookies, RequestParts};
use crate::generation::Generation;
use crate::publishable_key::PublishableKey;
use crate::Url;

const NOW_MS: f64 = 1_700_000_000_000.0;

/// `AuthenticateContext#usesSuffixedCookies`.
fn uses_suffixed_cookies(cookies: &Cookies<'_>, pk: &PublishableKey, now_ms: f64) -> bool {
    choose_cookies(cookies, pk, now_ms, &|_| None).suffixed
}

fn pk(prefix: &str, host: &str) -> PublishableKey {
    PublishableKey::parse(&publishable(prefix, host)).unwrap()
}

/// An unsigned token: usesSuffixedCookies only decodes, it never verifies.
fn tok(claims: serde_json::Value) -> String {
    format!("{}.{}.sig", b64(br#"{"alg":"RS256"}"#), b64(claims.to_string().as_bytes()))
}

fn parts(url: &str) -> RequestParts {
    RequestParts { url: url.into(), ..RequestParts::default() }
}

/// `clerk_url` as the Remix entry computes it (2.x, nothing pinned).
fn clerk_url2(parts: &RequestParts) -> Option<Url> {
    clerk_url(parts, None, Generation::Backend2)
}

#[test]
fn clerk_url_follows_forwarded_headers() {
    assert_eq!(clerk_url2(&parts("http://localhost:3000/a?b=1")).unwrap().as_str(), "http://localhost:3000/a?b=1");
    let mut p = parts("http://localhost:3000/a?b=1");
    p.forwarded_host = Some("app.example.com, proxy.internal".into());
    p.forwarded_proto = Some("https,http".into());
    assert_eq!(clerk_url2(&p).unwrap().as_str(), "https://app.example.com/a?b=1");
    let mut p = parts("http://localhost:3000/x");
    p.host = Some("other.test:8080".into());
    assert_eq!(clerk_url2(&p).unwrap().as_str(), "http://other.test:8080/x");
    let mut same = parts("http://localhost:3000/x");
    same.host = Some("localhost:3000".into());
    assert_eq!(clerk_url2(&same).unwrap().as_str(), "http://localhost:3000/x");
    assert!(clerk_url2(&parts("not a url")).is_none());
    // A `//` path never moves the request to another host (Clerk's `new URL('//evil.example/x', origin)` does).
    let mut p = parts("http://localhost:3000//evil.example/x?y=1");
    p.forwarded_host = Some("app.example".into());
    p.forwarded_proto = Some("https".into());
    assert_eq!(clerk_url2(&p).unwrap().as_str(), "https://app.example//evil.example/x?y=1");
}

#[test]
fn a_pinned_app_origin_wins_over_every_proxy_header() {
    let pinned = Url::parse("https://app.example.com").unwrap();
    let mut forged = parts("http://10.0.0.7:3000/a/b?c=1");
    forged.host = Some("10.0.0.7:3000".into());
    forged.forwarded_host = Some("evil.example".into());
    forged.forwarded_proto = Some("http".into());
    for generation in [Generation::Backend2, Generation::Backend3] {
        let url = clerk_url(&forged, Some(&pinned), generation).unwrap();
        assert_eq!(url.as_str(), "https://app.example.com/a/b?c=1");
        // Garbage that would throw (2.x) is not even read when pinned.
        let mut garbage = forged.clone();
        garbage.forwarded_host = Some("a b".into());
        assert_eq!(clerk_url(&garbage, Some(&pinned), generation).unwrap().as_str(), "https://app.example.com/a/b?c=1");
    }
    // Without the pin the forged header moves the URL, as Clerk's does (it is a syntactically valid host).
    assert_eq!(clerk_url2(&forged).unwrap().as_str(), "http://evil.example/a/b?c=1");
    // A pin equal to the request's own origin keeps the URL as it is.
    let own = Url::parse("http://10.0.0.7:3000/").unwrap();
    assert_eq!(
        clerk_url(&parts("http://10.0.0.7:3000/x#f"), Some(&own), Generation::Backend2).unwrap().as_str(),
        "http://10.0.0.7:3000/x#f"
    );
}

#[test]
fn proxy_headers_that_are_not_a_host_are_refused_as_clerk_refuses_a_bad_url() {
    // Values Clerk's `new URL` accepts (and follows: credentials, a path, a query) and values it cannot parse: the
    // Remix entry (2.x) throws its TypeError for both; the React Router entry (3.x) keeps the request's own URL, as
    // 3.x does when the URL cannot be built.
    for host in [
        "user@evil.example",
        "evil.example/path",
        "evil.example?q",
        "evil.example#h",
        "a b",
        "evil.example:99999",
        "evil.example:80:80",
        "h\u{f6}st.example",
        "a..b",
        "[::1",
        "[zz::1]:80",
        "evil.example\\@good.example",
        ".",
        "",
    ] {
        let mut p = parts("http://localhost:3000/a?b=1");
        p.forwarded_host = Some(host.into());
        if host.is_empty() {
            // An empty header is Clerk's own "no host": the request's URL, in both.
            assert_eq!(clerk_url2(&p).unwrap().as_str(), "http://localhost:3000/a?b=1");
            continue;
        }
        assert!(clerk_url2(&p).is_none(), "2.x believed {host:?}");
        assert_eq!(
            clerk_url(&p, None, Generation::Backend3).unwrap().as_str(),
            "http://localhost:3000/a?b=1",
            "3.x {host:?}"
        );
    }
    for proto in ["ftp", "javascript", "https:", "http/1.1"] {
        let mut p = parts("http://localhost:3000/a");
        p.forwarded_host = Some("app.example".into());
        p.forwarded_proto = Some(proto.into());
        assert!(clerk_url2(&p).is_none(), "2.x believed proto {proto:?}");
        assert_eq!(clerk_url(&p, None, Generation::Backend3).unwrap().as_str(), "http://localhost:3000/a");
    }
    // What a proxy sends is believed: names with ports, IPv4, IPv6, a trailing dot, an underscore, spaces around
    // the first element, any case.
    for (host, proto, want) in [
        ("app.example:8443", "https", "https://app.example:8443/a"),
        ("10.1.2.3", "http", "http://10.1.2.3/a"),
        ("[::1]:3000", "http", "http://[::1]:3000/a"),
        ("[2001:db8::1]", "https", "https://[2001:db8::1]/a"),
        ("app.example.", "https", "https://app.example./a"),
        ("my_service:8080", "http", "http://my_service:8080/a"),
        ("App.Example , lb.internal", "HTTPS", "https://app.example/a"),
        ("app.example:", "https", "https://app.example/a"),
    ] {
        let mut p = parts("http://localhost:3000/a");
        p.forwarded_host = Some(host.into());
        p.forwarded_proto = Some(proto.into());
        for generation in [Generation::Backend2, Generation::Backend3] {
            assert_eq!(clerk_url(&p, None, generation).map(String::from).as_deref(), Some(want), "{host:?} {proto:?}");
        }
    }
    // The Host header is checked the same way.
    let mut p = parts("http://localhost:3000/a");
    p.host = Some("evil.example/x".into());
    assert!(clerk_url2(&p).is_none());
    assert_eq!(clerk_url(&p, None, Generation::Backend3).unwrap().as_str(), "http://localhost:3000/a");
}

#[test]
fn cookie_header_is_not_predecoded_so_an_encoded_cookie_stays_inside_its_value() {
    // @clerk/backend 2.x decoded every `%XX` run of the whole header before parsing it: `%3B__session%3D` inside
    // another cookie's value became a `__session` cookie of its own, ahead of the browser's (C2). Read as 3.x reads
    // it, each value is decoded once, by the cookie parser, and stays that cookie's value.
    let header = "pref=x%3B__session%3Dattacker%3B__client_uat%3D9; __session=browser; __client_uat=1";
    let cookies = Cookies::new(Some(header));
    assert_eq!(cookies.get("__session").as_deref(), Some("browser"));
    assert_eq!(cookies.get("__client_uat").as_deref(), Some("1"));
    assert_eq!(cookies.get("pref").as_deref(), Some("x;__session=attacker;__client_uat=9"));
    // Names are never decoded: an encoded name is another cookie.
    let cookies = Cookies::new(Some("%5F%5Fsession=encoded-name"));
    assert_eq!(cookies.get("__session"), None);
    // Values are decoded once (`%2525` is `%25`), and left raw where `decodeURIComponent` would throw.
    let cookies = Cookies::new(Some("a=%2525; b=%C3%28; c=%ZZ; d=%41%42; e="));
    let got: Vec<_> = ["a", "b", "c", "d", "e"].iter().map(|n| cookies.get(n)).collect();
    assert_eq!(got, [Some("%25".into()), Some("%C3%28".into()), Some("%ZZ".into()), Some("AB".into()), None]);
    // The token of `verifyRequest` is read the same way.
    let found = crate::authorization_header::session_token(None, Some(header));
    assert_eq!(found.map(|(t, _)| t).as_deref(), Some("browser"));
}

#[test]
fn suffixed_cookie_choice() {
    let key = pk("pk_test_", "happy-cat-12.clerk.accounts.dev");
    let sfx = key.cookie_suffix.clone();
    let ours = |iat: i64| tok(json!({ "iss": "https://happy-cat-12.clerk.accounts.dev", "iat": iat, "exp": iat + 60 }));
    let case = |header: String| uses_suffixed_cookies(&Cookies::new(Some(&header)), &key, NOW_MS);

    assert!(!case(String::new()), "no cookies");
    assert!(!case(format!("__session={}", ours(10))), "only the un-suffixed session");
    assert!(case(format!("__session={}", tok(json!({ "iss": "https://other.example.com" })))), "foreign iss");
    assert!(!case("__session=aaaa.bbbb.cccc".into()), "undecodable session: un-suffixed");
    assert!(!case(format!("__session={}", tok(json!({ "sub": "x" })))), "no iss: un-suffixed");
    assert!(case(format!("__client_uat_{sfx}=5; __session_{sfx}={}", ours(10))), "only suffixed cookies");
    assert!(
        !case(format!("__session={}; __client_uat=5; __client_uat_{sfx}=5; __session_{sfx}={}", ours(20), ours(10))),
        "un-suffixed session newer"
    );
    assert!(!case(format!("__client_uat=5; __client_uat_{sfx}=0; __session_{sfx}={}", ours(10))), "suffixed uat 0");
    let expired = tok(json!({ "iss": "https://happy-cat-12.clerk.accounts.dev", "iat": 1, "exp": 2 }));
    assert!(!case(format!("__client_uat=0; __client_uat_{sfx}=5; __session_{sfx}={expired}")), "dev: expired suffixed");
    assert!(!case(format!("__session_{sfx}={}", ours(10))), "suffixed session without suffixed uat");
}

#[test]
fn inputs_are_read_as_clerk_reads_them() {
    let key = pk("pk_live_", "clerk.example.com");
    let url = reqwest::Url::parse("https://example.com/p?__clerk_db_jwt=dbq&__clerk_handshake_nonce=n1").unwrap();
    let mut p = parts(url.as_str());
    p.cookie = Some("__client_uat=1700000000xyz; __session=s1; __clerk_redirect_count=2; __clerk_db_jwt=dbc".into());
    p.authorization = Some("Bearer h1".into());
    let inputs = read_inputs(&p, &url, &key, NOW_MS, &|_| None);
    assert_eq!(inputs.token_in_header.as_deref(), Some("h1"));
    assert_eq!(inputs.session_token_in_cookie.as_deref(), Some("s1"));
    assert_eq!(inputs.client_uat, 1_700_000_000, "parseInt stops at the first non-digit");
    assert_eq!(inputs.redirect_loop_counter, 2.0);
    assert_eq!(inputs.dev_browser_token.as_deref(), Some("dbq"), "the query wins over the cookie");
    assert_eq!(inputs.handshake_nonce.as_deref(), Some("n1"));
    assert!(inputs.handshake_token.is_none());
    assert!(!inputs.uses_suffixed_cookies);

    p.cookie = Some("__client_uat=; __session=".into());
    p.authorization = Some("Basic x".into());
    let inputs = read_inputs(&p, &url, &key, NOW_MS, &|_| None);
    assert_eq!(inputs.client_uat, 0);
    assert!(inputs.session_token_in_cookie.is_none(), "an empty cookie counts as absent");
    assert!(inputs.token_in_header.is_none());
    assert_eq!(inputs.refresh_token_in_cookie, None);
}

#[test]
fn the_issuer_scheme_is_stripped_in_one_pass_as_javascripts_global_replace_does() {
    let key = pk("pk_live_", "clerk.example.test");
    let suffixed = |iss: &str| {
        let header = format!("__session={}", tok(json!({ "iss": iss, "iat": 1 })));
        uses_suffixed_cookies(&Cookies::new(Some(&header)), &key, NOW_MS)
    };
    assert!(!suffixed("https://clerk.example.test"));
    assert!(!suffixed("HTTPS://http://clerk.example.test"), "both leading schemes go, in any case");
    // `'hthttps://tps://x'.replace(/https?:\/\//gi, '')` is `'https://x'`: the removal does not make a new match.
    assert!(suffixed("hthttps://tps://clerk.example.test"), "a foreign issuer: the suffixed cookies are read");
}

#[test]
fn the_cookie_choice_reads_a_cached_tokens_claims_from_its_cache_entry() {
    use crate::jwt::{parse_members, CLAIM_MEMBERS, COOKIE_CHOICE_MEMBERS};
    use crate::token_cache::CachedToken;
    use std::sync::Arc;

    let key = pk("pk_live_", "clerk.example.test");
    let url = reqwest::Url::parse("https://example.test/").unwrap();
    let session = tok(json!({ "iss": "https://clerk.example.test", "iat": 5 }));
    let mut p = parts(url.as_str());
    p.cookie = Some(format!("__session={session}; __client_uat=1"));
    // An entry whose claims differ from the token's: only reading the entry can change the answers below.
    let entry = |claims: serde_json::Value| {
        Arc::new(CachedToken {
            key: Arc::clone(&super::util::key_2048().key),
            kid: None,
            claims: parse_members(claims.to_string().as_bytes(), &CLAIM_MEMBERS).unwrap(),
            payload: claims.to_string().into(),
            cookie_claims: parse_members(claims.to_string().as_bytes(), &COOKIE_CHOICE_MEMBERS).ok(),
            not_a_session: false,
        })
    };
    let later = entry(json!({ "iss": "https://clerk.example.test", "iat": 7 }));
    let foreign = entry(json!({ "iss": "https://other.example", "iat": 5 }));
    let lookup = |hit: &Arc<CachedToken>| {
        let hit = Arc::clone(hit);
        let token = session.clone();
        move |t: &str| (t == token).then(|| Arc::clone(&hit))
    };

    let decoded = read_inputs(&p, &url, &key, NOW_MS, &|_| None);
    assert_eq!(decoded.session_cookie_iat, Some(Some(5.0)));
    assert!(!decoded.uses_suffixed_cookies);
    assert_eq!(read_inputs(&p, &url, &key, NOW_MS, &lookup(&later)).session_cookie_iat, Some(Some(7.0)));
    assert!(read_inputs(&p, &url, &key, NOW_MS, &lookup(&foreign)).uses_suffixed_cookies);
}

#[test]
fn a_query_parameter_is_read_exactly_as_url_search_params_reads_it() {
    use crate::search_params;
    let queries = [
        "",
        "?",
        "?__clerk_x=1",
        "?a=1&__clerk_x=2&__clerk_x=3",
        "?__clerk_x",
        "?__clerk_x=",
        "?=v&__clerk_x=a=b",
        "?%5F_clerk_x=decoded-name",
        "?__clerk+x=plus-in-name",
        "?__clerk%20x=space",
        "?__clerk_x=%ZZ",
        "?__clerk_x=%C3%28",
        "?__clerk_x=+a+b+",
        "?__clerk_x=%E2%9C%93",
        "?&&__clerk_x=after-empties&",
        "?_data=routes%2Fdashboard",
        "?__clerk_xy=1&__clerk_x=2",
        "?__clerk_x%3D1=2",
        "?__clerk_x=1;__clerk_x=2",
    ];
    for query in queries {
        let url = reqwest::Url::parse(&format!("https://example.test/p{query}")).unwrap();
        for name in ["__clerk_x", "__clerk x", "a", "", "_data", "__clerk_x=1"] {
            let expected = url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
            assert_eq!(search_params::get(&url, name), expected, "{name:?} in {query:?}");
        }
    }
}

#[test]
fn host_naming_the_url_own_authority_keeps_the_url_and_any_other_spelling_is_rebased_or_refused() {
    // The request's own origin is recognised without building texts; every other spelling takes the general path,
    // which lands on the same URL when the host means the same origin.
    let cases: &[(&str, &str, Option<&str>)] = &[
        ("http://localhost:3000/a?b=1", "localhost:3000", Some("http://localhost:3000/a?b=1")),
        ("http://localhost:3000/a", "LOCALHOST:3000", Some("http://localhost:3000/a")),
        ("http://localhost:3000/a", "localhost:03000", Some("http://localhost:3000/a")),
        ("http://localhost/a", "localhost:80", Some("http://localhost/a")),
        ("http://localhost/a", "localhost", Some("http://localhost/a")),
        ("http://[::1]:3000/a", "[::1]:3000", Some("http://[::1]:3000/a")),
        ("https://app.example/a", "app.example:443", Some("https://app.example/a")),
        ("http://localhost:3000/a", "localhost:3001", Some("http://localhost:3001/a")),
        ("http://localhost:3000/a", "localhost:+3000", None),
        ("http://user:pw@localhost:3000/a", "localhost:3000", Some("http://user:pw@localhost:3000/a")),
    ];
    for (url, host, want) in cases {
        let mut p = parts(url);
        p.host = Some((*host).into());
        assert_eq!(clerk_url2(&p).map(String::from).as_deref(), *want, "{url} with Host {host}");
    }
}
