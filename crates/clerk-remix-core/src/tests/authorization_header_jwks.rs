//! Where the token comes from (`authorization_header`), and the JWKS document parser and URL (`jwks`), without network.

use serde_json::json;

use super::util::{key_2048, rsa_jwk as jwk_of, sign};
use crate::authorization_header::{session_token, token_from_authorization, Carrier};
use crate::error::{action, Reason};
use crate::jwks::{JwksConfig, KeySet};
use crate::jwt::Alg;

#[test]
fn authorization_header() {
    // Clerk's parseAuthorizationHeader: `value.split(' ', 2)`.
    assert_eq!(token_from_authorization("Bearer abc"), Some("abc"));
    assert_eq!(token_from_authorization("bearer abc"), None, "the scheme is case-sensitive");
    assert_eq!(token_from_authorization("abc"), Some("abc"), "no scheme: the whole value");
    assert_eq!(token_from_authorization("Basic xyz"), None);
    assert_eq!(token_from_authorization("Bearer a b"), Some("a"), "split(' ', 2) drops the rest");
    assert_eq!(token_from_authorization(""), None);
    // `Bearer ` has an empty second part, which is falsy in JS: the whole first part is returned, as in Clerk.
    assert_eq!(token_from_authorization("Bearer "), Some("Bearer"));
    assert_eq!(token_from_authorization(" abc"), None, "empty scheme, not Bearer");
    assert_eq!(token_from_authorization("Bearer  abc"), Some("Bearer"), "two spaces: second part empty");
    assert_eq!(token_from_authorization("Bearer\tabc"), Some("Bearer\tabc"), "only a space separates");
}

#[test]
fn session_token_sources() {
    let h = |a: Option<&str>, c: Option<&str>| session_token(a, c).map(|(t, carrier)| (t, carrier.as_str()));
    assert_eq!(h(Some("Bearer t1"), Some("__session=t2")), Some(("t1".into(), "header")));
    // An Authorization header with another scheme yields no header token, so the cookie is used (Clerk: no
    // `sessionTokenInHeader`, hence the cookie path).
    assert_eq!(h(Some("Basic xyz"), Some("__session=t2")), Some(("t2".into(), "cookie")));
    assert_eq!(h(Some("Basic xyz"), None), None);
    // A header token wins even when the cookie holds another one.
    assert_eq!(h(Some("t1"), Some("__session=t2")), Some(("t1".into(), "header")));
    // An empty Authorization header counts as absent.
    assert_eq!(h(Some(""), Some("__session=t2")), Some(("t2".into(), "cookie")));
    assert_eq!(h(None, Some("a=1; __session=t2; __session=t3")), Some(("t2".into(), "cookie")));
    assert_eq!(h(None, Some("__session=")), None, "an empty cookie is no token");
    assert_eq!(h(None, Some("__session_x=t")), None);
    assert_eq!(h(None, None), None);
    assert_eq!(Carrier::Header.as_str(), "header");
    assert_eq!(Carrier::Cookie.as_str(), "cookie");
}

/// The generated key's public JWK under `kid`.
fn rsa_jwk(kid: &str) -> serde_json::Value {
    with(kid, json!({}))
}

/// The same with the members of `extra` set on top.
fn with(kid: &str, extra: serde_json::Value) -> serde_json::Value {
    jwk_of(&key_2048().pair, kid, extra)
}

fn parse(keys: Vec<serde_json::Value>) -> KeySet {
    KeySet::parse(&serde_json::to_vec(&json!({ "keys": keys })).unwrap()).expect("a JWKS")
}

#[test]
fn keyset_policy() {
    let set = parse(vec![
        rsa_jwk("ok"),
        with("sig", json!({ "use": "sig", "alg": "RS256", "key_ops": ["verify"] })),
        rsa_jwk("dup"),
        rsa_jwk("dup"),
        with("ec", json!({ "kty": "EC" })),
        with("enc", json!({ "use": "enc" })),
        with("ops", json!({ "key_ops": ["sign"] })),
        with("ops_str", json!({ "key_ops": "verify" })),
        with("ps", json!({ "alg": "PS256" })),
        with("alg_num", json!({ "alg": 256 })),
        with("pinned", json!({ "alg": "RS384" })),
        with("bad_n", json!({ "n": "not base64url!" })),
        json!({ "kty": "RSA", "kid": "no_e", "n": rsa_jwk("x")["n"] }),
        json!({ "kty": "RSA", "n": rsa_jwk("x")["n"], "e": "AQAB" }), // no kid: unusable, skipped
        json!("not an object"),
    ]);
    let mut usable: Vec<&str> = set.keys.keys().map(String::as_str).collect();
    usable.sort();
    assert_eq!(usable, ["ok", "pinned", "sig"]);
    let why = |kid: &str| set.rejected.get(kid).map(String::as_str).unwrap_or_else(|| panic!("{kid} not rejected"));
    assert_eq!(why("dup"), "the JWKS lists this kid more than once");
    assert!(why("ec").contains("\"kty\" is \"EC\""), "{}", why("ec"));
    assert!(why("enc").contains("\"use\""));
    assert!(why("ops").contains("key_ops"));
    assert!(why("ops_str").contains("key_ops"));
    assert!(why("ps").contains("\"alg\" is \"PS256\""));
    assert!(why("alg_num").contains("\"alg\" is not a string"));
    assert!(why("bad_n").contains("\"n\" is not strict base64url"));
    assert!(why("no_e").contains("\"e\" is missing"));
    assert_eq!(set.kid_list, "alg_num, bad_n, dup, ec, enc, no_e, ok, ops, ops_str, pinned, ps, sig");

    // The pinned key verifies RS384 only.
    let msg = b"m";
    let pinned = &set.keys["pinned"];
    assert!(pinned.verify(Alg::RS384, msg, &sign(&key_2048().pair, Alg::RS384, msg)));
    assert!(!pinned.verify(Alg::RS256, msg, &sign(&key_2048().pair, Alg::RS256, msg)));

    // A duplicate kid removes a key that was accepted first, and stays refused however many copies follow.
    let set = parse(vec![rsa_jwk("k"), with("k", json!({ "kty": "EC" })), rsa_jwk("k")]);
    assert!(set.keys.is_empty());
    assert_eq!(set.rejected["k"], "the JWKS lists this kid more than once");
    assert_eq!(set.kid_list, "k");

    let err = set.kid_mismatch(Some("zzz"));
    assert_eq!(err.reason, Reason::JwkKidMismatch);
    assert_eq!(
        err.message,
        "Unable to find a signing key in JWKS that matches the kid='zzz' of the provided session token. Please make \
         sure that the __session cookie or the HTTP authorization header contain a Clerk-generated session JWT. The \
         following kid is available: k"
    );
    assert_eq!(err.action, Some(action::KID_MISMATCH));
    assert!(set.kid_mismatch(None).message.contains("kid='undefined'"));
}

#[test]
fn keyset_document_errors() {
    let err = KeySet::parse(br#"{"keys":[]}"#).unwrap_err();
    assert_eq!(err.reason, Reason::JwkRemoteFailedToLoad);
    assert_eq!(err.message, "The JWKS endpoint did not contain any signing keys. Contact support@clerk.com.");
    for body in [&b"not json"[..], b"", b"{\"keys\":[", b"\xff"] {
        let err = KeySet::parse(body).unwrap_err();
        assert_eq!(err.reason, Reason::JwkRemoteInvalid, "{body:?}");
        assert_eq!(err.message, "The JWKS response is not valid JSON.");
    }
    for body in [&br#"{}"#[..], br#"{"keys":{}}"#, br#"[]"#, br#"{"keys":null}"#] {
        let err = KeySet::parse(body).unwrap_err();
        assert_eq!(err.reason, Reason::JwkRemoteInvalid, "{body:?}");
        assert_eq!(err.message, "The JWKS response has no \"keys\" array.");
    }
    // Keys present but none usable: the set parses, with everything refused (lookups then explain why).
    let set = KeySet::parse(br#"{"keys":[{"kty":"EC","kid":"h","crv":"P-256","x":"AAAA","y":"AAAA"}]}"#).unwrap();
    assert!(set.keys.is_empty());
    assert!(set.rejected.contains_key("h"));
    // A set that carries private or symmetric key material is refused whole: it has leaked a key.
    for member in ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] {
        let body = format!(
            r#"{{"keys":[{{"kty":"RSA","kid":"a","n":"AQAB","e":"AQAB"}},{{"kid":"b","{member}":"c2VjcmV0"}}]}}"#
        );
        let err = KeySet::parse(body.as_bytes()).unwrap_err();
        assert_eq!(err.reason, Reason::JwkRemoteInvalid, "{member}");
        assert_eq!(
            err.message,
            format!("The JWKS response carries private key material (member \"{member}\"); it is refused.")
        );
        assert!(!err.message.contains("c2VjcmV0"), "the key material never reaches a message");
    }
}

#[test]
fn backend_api_endpoints_are_joined_as_clerks_join_paths_joins_them() {
    use crate::http::api_endpoint;
    let url = |api: &str, version: &str, segments: &[&str]| api_endpoint(api, version, segments).map(|u| u.to_string());
    let refresh = ["sessions", "sess_1", "refresh"];
    assert_eq!(
        url("https://api.clerk.com", "v1", &refresh).unwrap(),
        "https://api.clerk.com/v1/sessions/sess_1/refresh"
    );
    assert_eq!(url("http://h/prefix/", "v1", &refresh).unwrap(), "http://h/prefix/v1/sessions/sess_1/refresh");
    assert_eq!(
        url("http://h//prefix//", "/v2/", &["clients", "handshake_payload"]).unwrap(),
        "http://h/prefix/v2/clients/handshake_payload"
    );
    assert_eq!(url("http://h", "v1", &["a", "", "b"]).unwrap(), "http://h/v1/a/b", "an empty part adds nothing");
    assert_eq!(url("not a url", "v1", &["jwks"]), None);
}

#[test]
fn jwks_url_joining() {
    let url = |api: &str| JwksConfig::new(api, "sk").jwks_url().map(|u| u.to_string());
    assert_eq!(url("http://h/prefix").unwrap(), "http://h/prefix/v1/jwks");
    assert_eq!(url("http://h/prefix/").unwrap(), "http://h/prefix/v1/jwks");
    assert_eq!(url("https://api.clerk.com").unwrap(), "https://api.clerk.com/v1/jwks");
    assert_eq!(url("https://api.clerk.com/").unwrap(), "https://api.clerk.com/v1/jwks");
    assert_eq!(url("http://127.0.0.1:8080").unwrap(), "http://127.0.0.1:8080/v1/jwks");
    let mut config = JwksConfig::new("https://api.clerk.com", "sk");
    config.api_version = "v2".into();
    assert_eq!(config.jwks_url().unwrap().to_string(), "https://api.clerk.com/v2/jwks");
    let err = url("not a url").unwrap_err();
    assert_eq!(err.reason, Reason::JwkRemoteFailedToLoad);
    assert_eq!(err.message, "The Clerk API URL \"not a url\" is not a valid absolute URL.");
}
