//! The attack catalogue of issue 6 (docs/security.md "What is rejected and why"), for the cases the other test
//! files do not already pin. Tokens are built by hand and signed with generated keys (`util::key_2048` is the
//! genuine issuer, `util::other_key_2048` the attacker). Each case says what must happen and why; where the issue's
//! case is already covered elsewhere, docs/security.md names that test instead.
//!
//! Two levels: the verifier (`Verifier::verify_now` with the issuer's key as a local key) and the request decision
//! (`Authenticator`, offline, same key), where the question is only ever "signed in or not, and with which reason".

use std::io::ErrorKind;
use std::net::TcpListener;
use std::sync::Arc;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::signature::KeyPair as _;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use futures_util::FutureExt;
use serde_json::{json, Value};

use super::util::{
    b64, key_2048, local_verifier, offline_authenticator, other_key_2048, public_n_e, publishable, rsa_jwk, run, sign,
    spki_pem, token_raw,
};
use crate::authenticate::{AuthStatus, Authenticator, Outcome, RequestState};
use crate::claims::ClaimRules;
use crate::clerk_request::RequestParts;
use crate::error::{Reason, VerifyError};
use crate::jwks::{JwksConfig, KeySet, RemoteJwks};
use crate::jwt::{self, Alg, CLAIM_MEMBERS};
use crate::key::RsaKey;
use crate::token_verifier::{Checked, KeySource, Network, Verifier};

const NOW_S: i64 = 1_800_000_000;
const NOW: f64 = NOW_S as f64 * 1000.0;
const GOOD_HEADER: &str = r#"{"alg":"RS256","kid":"k1","typ":"JWT"}"#;

fn claims_text() -> String {
    format!(
        r#"{{"sub":"user_1","sid":"sess_1","iss":"https://clerk.example.test","iat":{},"nbf":{},"exp":{},"azp":"https://a.example"}}"#,
        NOW_S - 5,
        NOW_S - 10,
        NOW_S + 55
    )
}

fn rules() -> ClaimRules {
    ClaimRules { authorized_parties: vec!["https://a.example".into()], ..ClaimRules::default() }
}

fn verifier() -> Verifier {
    local_verifier(&key_2048().key, rules())
}

fn reject(token: &str) -> VerifyError {
    run(&verifier(), token, NOW).expect_err("must be rejected")
}

/// A token signed by the genuine key with the raw header and payload texts given.
fn genuine(header: &str, payload: &str) -> String {
    token_raw(&key_2048().pair, Alg::RS256, header, payload)
}

/// The genuine key's public modulus.
fn public_modulus() -> Vec<u8> {
    public_n_e(&key_2048().pair).0
}

/// A public JWK as a JWKS lists it (`use` "sig", `alg` RS256).
fn public_jwk(pair: &aws_lc_rs::rsa::KeyPair, kid: &str) -> Value {
    rsa_jwk(pair, kid, json!({ "use": "sig", "alg": "RS256" }))
}

// -------------------------------------------------------------------------------------------------------------
// Request decision (offline, local key): the outcome a browser's cookie gets.

const FAPI: &str = "clerk.example.test";

fn authenticator() -> Authenticator {
    offline_authenticator(&publishable("pk_live_", FAPI), verifier())
}

/// A data request (no handshake possible) with `__session=<token>` and a `__client_uat` before its `iat`.
fn cookie_state(token: &str) -> RequestState {
    data_request_state(format!("__session={token}"))
}

/// The state of a data request with the Cookie header `cookies; __client_uat=<before the tokens' iat>`.
fn data_request_state(cookies: String) -> RequestState {
    let parts = RequestParts {
        url: "http://localhost:3000/x".into(),
        method: "GET".into(),
        cookie: Some(format!("{cookies}; __client_uat={}", NOW_S - 100)),
        sec_fetch_dest: Some("empty".into()),
        accept: Some("*/*".into()),
        ..RequestParts::default()
    };
    let decision = authenticator()
        .authenticate(&parts, NOW, Network::Offline)
        .now_or_never()
        .expect("offline never waits")
        .expect("a local key never needs the network");
    match decision.outcome {
        Outcome::State(s) => s,
        other => panic!("expected a request state, got {other:?}"),
    }
}

/// Signed out with `reason`, whatever the token claims: never signed in, never a throw.
fn assert_signed_out(token: &str, reason: &str) {
    let s = cookie_state(token);
    assert_eq!(
        (s.status, s.reason.as_deref()),
        (AuthStatus::SignedOut, Some(reason)),
        "{}",
        &token[..token.len().min(80)]
    );
    assert!(s.token.is_none() && s.claims_json.is_none());
}

#[test]
fn control_the_genuine_token_signs_in() {
    let t = genuine(GOOD_HEADER, &claims_text());
    assert!(run(&verifier(), &t, NOW).is_ok());
    assert_eq!(cookie_state(&t).status, AuthStatus::SignedIn);
}

// -------------------------------------------------------------------------------------------------------------
// Algorithm confusion

/// `alg: none` in any casing, with no signature, an empty one, or a genuine RS256 signature carried along:
/// token-invalid-algorithm before any key is looked up (only RS256/384/512, exact spelling, are algorithms here).
#[test]
fn alg_none_in_any_casing() {
    let payload = b64(claims_text().as_bytes());
    for alg in ["none", "None", "NONE", "nOnE", "noNe", "none ", " none", "none\u{0}", "NoNe\t"] {
        let header = serde_json::to_string(&json!({ "alg": alg, "typ": "JWT", "kid": "k1" })).unwrap();
        let input = format!("{}.{payload}", b64(header.as_bytes()));
        let genuine_sig = b64(&sign(&key_2048().pair, Alg::RS256, input.as_bytes()));
        for sig in ["", "AA", genuine_sig.as_str()] {
            let t = format!("{input}.{sig}");
            assert_eq!(reject(&t).reason, Reason::TokenInvalidAlgorithm, "{alg:?} sig {sig:?}");
            assert_signed_out(&t, "token-invalid-algorithm");
        }
    }
    // Two parts (the "unsecured JWS" shape with its trailing dot dropped) is not even a JWS.
    let two = format!("{}.{payload}", b64(br#"{"alg":"none"}"#));
    assert_eq!(reject(&two).reason, Reason::TokenInvalid);
}

/// HS256/384/512 keyed with the issuer's public key in every form an attacker can get it in (SPKI PEM as served or
/// as `CLERK_JWT_KEY` holds it, its base64 body, the DER bytes, the JWK JSON text, the bare modulus): an HMAC
/// algorithm is never accepted, so the public key can never act as a shared secret.
#[test]
fn hs256_keyed_with_the_rsa_public_key() {
    let pem = spki_pem(&key_2048().pair);
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = key_2048().pair.public_key().as_der().unwrap().as_ref().to_vec();
    let jwk = public_jwk(&key_2048().pair, "k1");
    let n = public_modulus();
    let secrets: Vec<(&str, Vec<u8>)> = vec![
        ("PEM", pem.clone().into_bytes()),
        ("PEM without final newline", pem.trim_end().as_bytes().to_vec()),
        ("PEM with \\n escapes", pem.replace('\n', "\\n").into_bytes()),
        ("base64 body", body.into_bytes()),
        ("DER", der),
        ("JWK JSON", jwk.to_string().into_bytes()),
        ("JWK n/e only", json!({ "kty": "RSA", "n": jwk["n"], "e": jwk["e"] }).to_string().into_bytes()),
        ("modulus bytes", n),
    ];
    let payload = b64(claims_text().as_bytes());
    for (alg, hmac_alg) in [
        ("HS256", aws_lc_rs::hmac::HMAC_SHA256),
        ("HS384", aws_lc_rs::hmac::HMAC_SHA384),
        ("HS512", aws_lc_rs::hmac::HMAC_SHA512),
    ] {
        let header = format!(r#"{{"alg":"{alg}","typ":"JWT","kid":"k1"}}"#);
        let input = format!("{}.{payload}", b64(header.as_bytes()));
        for (form, secret) in &secrets {
            let tag = aws_lc_rs::hmac::sign(&aws_lc_rs::hmac::Key::new(hmac_alg, secret), input.as_bytes());
            let t = format!("{input}.{}", b64(tag.as_ref()));
            let err = reject(&t);
            assert_eq!(err.reason, Reason::TokenInvalidAlgorithm, "{alg} keyed with {form}");
            assert_signed_out(&t, "token-invalid-algorithm");
        }
    }
}

/// A genuine RS256 signature under a header that names another algorithm: a non-RS algorithm is refused as such
/// (token-invalid-algorithm); RS384/RS512 are algorithms we accept, so the signature is checked with their digest
/// and fails (token-invalid-signature): the header's alg is bound to the signature check, never guessed.
#[test]
fn rs256_signature_under_another_alg() {
    for (alg, reason) in [
        ("HS256", Reason::TokenInvalidAlgorithm),
        ("PS256", Reason::TokenInvalidAlgorithm),
        ("ES256", Reason::TokenInvalidAlgorithm),
        ("EdDSA", Reason::TokenInvalidAlgorithm),
        ("Rs256", Reason::TokenInvalidAlgorithm),
        ("RS256\u{0}", Reason::TokenInvalidAlgorithm),
        ("RS384", Reason::TokenInvalidSignature),
        ("RS512", Reason::TokenInvalidSignature),
    ] {
        let header = serde_json::to_string(&json!({ "alg": alg, "kid": "k1" })).unwrap();
        let t = genuine(&header, &claims_text());
        assert_eq!(reject(&t).reason, reason, "{alg:?}");
        assert_signed_out(&t, reason.as_str());
    }
}

// -------------------------------------------------------------------------------------------------------------
// kid

/// Injected kids (path traversal, URL, NUL, CR/LF, very long) are only ever a label: with a local key (one key for
/// every kid, as `CLERK_JWT_KEY`) a genuine token verifies whatever its kid says, and a forged one fails its
/// signature; a remote key source never touches the network from `verify_now` and never builds a URL from a kid
/// (the JWKS URL is fixed by the configuration; the Node test attacks.test.mjs shows the issuer only ever
/// sees `GET /v1/jwks`).
#[test]
fn injected_kids_are_labels_only() {
    let long = "k".repeat(8 * 1024);
    let kids: Vec<Value> = vec![
        json!("../../../../etc/passwd"),
        json!("..%2f..%2fv1%2fusers"),
        json!("https://attacker.example/jwks.json"),
        json!("k1\u{0}"),
        json!("\u{0}"),
        json!("k1\r\nx-injected: 1"),
        json!("' OR '1'='1"),
        json!("é\u{202e}"),
        json!(""),
        json!(long),
    ];
    let remote = Verifier {
        keys: KeySource::Remote(Arc::new(RemoteJwks::new(JwksConfig::new("http://127.0.0.1:9", "sk_test_x")))),
        rules: rules(),
        cache: None,
    };
    for kid in kids {
        let header = serde_json::to_string(&json!({ "alg": "RS256", "typ": "JWT", "kid": kid })).unwrap();
        let t = genuine(&header, &claims_text());
        let decoded = jwt::decode(&t).expect("a string kid decodes");
        assert_eq!(decoded.jws.kid.as_deref(), kid.as_str());
        assert!(run(&verifier(), &t, NOW).is_ok(), "genuine token with kid {kid}");
        let forged = token_raw(&other_key_2048().pair, Alg::RS256, &header, &claims_text());
        assert_eq!(reject(&forged).reason, Reason::TokenInvalidSignature, "forged with kid {kid}");
        assert_signed_out(&forged, "token-invalid-signature");
        assert!(matches!(remote.verify_now(&t, NOW), Checked::NeedsNetwork));
    }
    // A kid that is not a string is a malformed header: token-invalid.
    for kid in ["7", "null", "[\"k1\"]", "{\"k\":1}", "true"] {
        let t = genuine(&format!(r#"{{"alg":"RS256","kid":{kid}}}"#), &claims_text());
        let err = reject(&t);
        assert_eq!(err.reason, Reason::TokenInvalid, "kid {kid}");
        assert!(err.message.starts_with("Invalid JWT kid "), "{}", err.message);
        assert_signed_out(&t, "token-invalid");
    }
    // The same kid twice is a duplicate member (no first-wins / last-wins ambiguity).
    let t = genuine(r#"{"alg":"RS256","kid":"k1","kid":"../x"}"#, &claims_text());
    assert_eq!(reject(&t).reason, Reason::TokenInvalid);
}

// -------------------------------------------------------------------------------------------------------------
// crit / b64 / embedded keys

/// `crit` in any form (empty, naming an extension we do not know, naming a registered member, not an array) and
/// `b64` (RFC 7797 unencoded payloads) are refused: token-invalid. A verifier must not accept a token carrying a
/// critical extension it does not implement (RFC 7515 §4.1.11).
#[test]
fn crit_and_b64_in_every_form() {
    for header in [
        r#"{"alg":"RS256","crit":[]}"#,
        r#"{"alg":"RS256","crit":["http://attacker.example/ext"],"http://attacker.example/ext":true}"#,
        r#"{"alg":"RS256","crit":["exp"]}"#,
        r#"{"alg":"RS256","crit":"b64"}"#,
        r#"{"alg":"RS256","crit":null}"#,
        r#"{"alg":"RS256","b64":false}"#,
        r#"{"alg":"RS256","b64":null}"#,
    ] {
        let t = genuine(header, &claims_text());
        assert_eq!(reject(&t).reason, Reason::TokenInvalid, "{header}");
        assert_signed_out(&t, "token-invalid");
    }
    // RFC 7797 for real: the payload is not base64url-encoded (here it has a '.' and JSON characters in it).
    let input = format!("{}.{}", b64(br#"{"alg":"RS256","b64":false,"crit":["b64"]}"#), claims_text());
    let sig = sign(&key_2048().pair, Alg::RS256, input.as_bytes());
    assert_eq!(reject(&format!("{input}.{}", b64(&sig))).reason, Reason::TokenInvalid);
}

/// `jku`, `x5u`, `jwk` and `x5c` naming or carrying the attacker's key are never read: the attacker's token fails
/// the signature check against the configured key (token-invalid-signature), a genuine token carrying them still
/// verifies (they are ignored, not trusted), and the URLs are never contacted — a real listener on 127.0.0.1 that
/// the headers point at sees no connection.
#[test]
fn embedded_key_headers_are_never_used_or_fetched() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
    let attacker = &other_key_2048().pair;
    let attacker_der = STANDARD.encode(attacker.public_key().as_der().unwrap().as_ref());
    let attacker_jwk = public_jwk(attacker, "k1");
    let headers = [
        json!({ "alg": "RS256", "kid": "k1", "jku": url }),
        json!({ "alg": "RS256", "kid": "k1", "x5u": url }),
        json!({ "alg": "RS256", "kid": "k1", "jwk": attacker_jwk }),
        json!({ "alg": "RS256", "jwk": attacker_jwk }),
        json!({ "alg": "RS256", "kid": "k1", "x5c": [attacker_der] }),
        json!({ "alg": "RS256", "kid": "k1", "jku": url, "x5u": url, "jwk": attacker_jwk, "x5c": [attacker_der] }),
    ];
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    for header in headers {
        let header = header.to_string();
        let forged = token_raw(attacker, Alg::RS256, &header, &claims_text());
        assert_eq!(reject(&forged).reason, Reason::TokenInvalidSignature, "{header}");
        assert_signed_out(&forged, "token-invalid-signature");
        // The async path too (the one that may use the network).
        let online = rt.block_on(verifier().verify(&forged, || NOW)).answered().expect("online");
        assert_eq!(online.unwrap_err().reason, Reason::TokenInvalidSignature);
        let genuine_token = genuine(&header, &claims_text());
        assert!(run(&verifier(), &genuine_token, NOW).is_ok(), "{header}");
    }
    // Give a stray connection attempt time to land, then check the listener's backlog is empty.
    std::thread::sleep(std::time::Duration::from_millis(100));
    match listener.accept() {
        Err(e) if e.kind() == ErrorKind::WouldBlock => {}
        Ok((_, peer)) => panic!("the jku/x5u URL was contacted from {peer}"),
        Err(e) => panic!("accept failed: {e}"),
    }
}

// -------------------------------------------------------------------------------------------------------------
// Signatures

/// Signatures of the wrong length, truncated, all zeros, all ones, the modulus itself, or longer than the
/// modulus: token-invalid-signature (a PKCS#1 v1.5 signature is exactly the modulus length and below it).
#[test]
fn malformed_signatures() {
    let t = genuine(GOOD_HEADER, &claims_text());
    let (h, p, s) = jwt::split(&t).unwrap();
    let sig = jwt::b64url_decode(s).unwrap();
    let n = public_modulus();
    let mut n_plus_one = n.clone();
    *n_plus_one.last_mut().unwrap() += 1; // n is odd, so no carry
    let mut leading_zero = vec![0u8];
    leading_zero.extend(&sig);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("all zeros", vec![0; 256]),
        ("all ones", vec![0xff; 256]),
        ("one zero byte", vec![0]),
        ("255 bytes", sig[1..].to_vec()),
        ("half", sig[..128].to_vec()),
        ("257 bytes (leading zero)", leading_zero),
        ("512 bytes (doubled)", [sig.clone(), sig.clone()].concat()),
        ("the modulus", n.clone()),
        ("modulus + 1", n_plus_one),
        ("1", {
            let mut v = vec![0; 256];
            v[255] = 1;
            v
        }),
        ("reversed", sig.iter().rev().copied().collect()),
    ];
    for (what, bytes) in cases {
        let forged = format!("{h}.{p}.{}", b64(&bytes));
        assert_eq!(reject(&forged).reason, Reason::TokenInvalidSignature, "{what}");
        assert_signed_out(&forged, "token-invalid-signature");
    }
    // The signature of another token of the same issuer (a valid signature over a changed payload).
    let other = genuine(GOOD_HEADER, &claims_text().replace("user_1", "user_2"));
    let (_, _, other_sig) = jwt::split(&other).unwrap();
    assert_eq!(reject(&format!("{h}.{p}.{other_sig}")).reason, Reason::TokenInvalidSignature);
    // A payload changed in ways a lenient decoder would not notice: one claim added, whitespace added.
    for changed in [claims_text().replacen('{', r#"{"admin":true,"#, 1), claims_text().replacen(':', ": ", 1)] {
        let forged = format!("{h}.{}.{s}", b64(changed.as_bytes()));
        assert_eq!(reject(&forged).reason, Reason::TokenInvalidSignature, "{changed}");
        assert_signed_out(&forged, "token-invalid-signature");
    }
}

// -------------------------------------------------------------------------------------------------------------
// Keys

/// Weak RSA keys in a JWKS (512, 1024 and 2040 bits; exponent 1, 2 and 65536) are refused one by one, with the
/// reason, while the good key beside them stays usable (their tokens then fail jwk-remote-invalid: the
/// `__test__/keys-policy.test.mjs` and `src/tests/verifier_e2e.rs` `key_policy_from_components` cases).
#[test]
fn weak_rsa_keys_in_a_jwks_are_refused() {
    let odd_modulus = |bits: usize| {
        let mut m = vec![0xffu8; bits / 8];
        *m.last_mut().unwrap() |= 1;
        b64(&m)
    };
    let n = public_modulus();
    let good = public_jwk(&key_2048().pair, "good");
    let mut keys = vec![good];
    for bits in [512, 1024, 2040] {
        keys.push(json!({ "kty": "RSA", "kid": format!("bits{bits}"), "n": odd_modulus(bits), "e": "AQAB" }));
    }
    for (kid, e) in [("e1", vec![1u8]), ("e2", vec![2]), ("e65536", vec![1, 0, 0]), ("e0", vec![0])] {
        keys.push(json!({ "kty": "RSA", "kid": kid, "n": b64(&n), "e": b64(&e) }));
    }
    let set = KeySet::parse(json!({ "keys": keys }).to_string().as_bytes()).unwrap();
    assert_eq!(set.keys.keys().collect::<Vec<_>>(), ["good"]);
    for (kid, why) in [
        ("bits512", "512 bits; at least 2048"),
        ("bits1024", "1024 bits; at least 2048"),
        ("bits2040", "2040 bits; at least 2048"),
        ("e1", "exponent 1 is not allowed"),
        ("e2", "exponent 2 is not allowed"),
        ("e65536", "exponent 65536 is not allowed"),
        ("e0", "between 3 and 2^32 - 1"),
    ] {
        assert!(set.rejected[kid].contains(why), "{kid}: {}", set.rejected[kid]);
    }
    // As a PEM (`CLERK_JWT_KEY`): a key that is not RSA public key DER is refused too.
    assert!(RsaKey::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----").is_err());
}

// -------------------------------------------------------------------------------------------------------------
// Hostile JSON

fn nested(depth: usize, open: char, close: char) -> String {
    let mut s = String::with_capacity(depth * 2);
    (0..depth).for_each(|_| s.push(open));
    (0..depth).for_each(|_| s.push(close));
    s
}

/// JSON nested 10,000 (and 1,000,000) deep never exhausts the stack. A member the checks read (`sub`, `exp`, …,
/// `alg`, `kid`, every JWK member) is built as a value under serde_json's recursion limit (128 levels): refused,
/// token-invalid / jwk-remote-invalid. A member nobody reads is skipped by serde_json's iterative `ignore_value`
/// (no recursion, linear time), so it costs nothing and decides nothing: a forged token carrying it still fails its
/// signature, and only the issuer can make one that verifies (its payload then reaches JS, whose `JSON.parse` is
/// iterative too: `__test__/attacks.test.mjs`). Inside a token the 16 KiB cap bounds the depth to ~6,000 (5,000 here).
#[test]
fn deep_nesting_never_exhausts_the_stack() {
    for depth in [10_000, 1_000_000] {
        for (open, close) in [('[', ']'), ('{', '}')] {
            let inner = if open == '{' {
                format!("{}null{}", r#"{"a":"#.repeat(depth), "}".repeat(depth))
            } else {
                nested(depth, open, close)
            };
            // Unread member: skipped iteratively.
            let member = format!(r#"{{"alg":"RS256","x":{inner}}}"#);
            assert!(jwt::parse_members(member.as_bytes(), &CLAIM_MEMBERS).is_ok(), "{depth} {open}");
            // Read members: the recursion limit.
            for claim in ["sub", "exp", "aud"] {
                let err =
                    jwt::parse_members(format!(r#"{{"{claim}":{inner}}}"#).as_bytes(), &CLAIM_MEMBERS).unwrap_err();
                assert!(err.starts_with("recursion limit exceeded"), "{claim}: {err}");
            }
            let err = KeySet::parse(format!(r#"{{"keys":[{{"kty":"RSA","x":{inner}}}]}}"#).as_bytes()).unwrap_err();
            assert_eq!(err.reason, Reason::JwkRemoteInvalid);
            assert_eq!(KeySet::parse(inner.as_bytes()).unwrap_err().reason, Reason::JwkRemoteInvalid);
            // The whole document that deep: an array is refused at the first level; an object whose only member
            // is unread is an object (skipped below its first level).
            assert_eq!(jwt::parse_members(inner.as_bytes(), &CLAIM_MEMBERS).is_err(), open == '[');
        }
    }
    let deep = nested(5_000, '[', ']');
    // In a read claim: token-invalid.
    let in_sub = genuine(GOOD_HEADER, &format!(r#"{{"sub":{deep},"exp":{}}}"#, NOW_S + 55));
    assert!(in_sub.len() <= jwt::MAX_TOKEN_BYTES, "{}", in_sub.len());
    let err = reject(&in_sub);
    assert_eq!(err.reason, Reason::TokenInvalid);
    assert!(err.message.starts_with("Invalid JWT payload: recursion limit exceeded"), "{}", err.message);
    assert_signed_out(&in_sub, "token-invalid");
    let in_kid = genuine(&format!(r#"{{"alg":"RS256","kid":{deep}}}"#), &claims_text());
    assert_eq!(reject(&in_kid).reason, Reason::TokenInvalid);
    // In an unread member: a forged token fails its signature; the issuer's own verifies.
    let payload = format!(r#"{{"sub":"user_1","azp":"https://a.example","exp":{},"x":{deep}}}"#, NOW_S + 55);
    let forged = token_raw(&other_key_2048().pair, Alg::RS256, &format!(r#"{{"alg":"RS256","x":{deep}}}"#), &payload);
    assert!(forged.len() > jwt::MAX_TOKEN_BYTES || reject(&forged).reason == Reason::TokenInvalidSignature);
    let forged = token_raw(&other_key_2048().pair, Alg::RS256, GOOD_HEADER, &payload);
    assert_eq!(reject(&forged).reason, Reason::TokenInvalidSignature);
    assert_signed_out(&forged, "token-invalid-signature");
    assert!(run(&verifier(), &genuine(GOOD_HEADER, &payload), NOW).is_ok());
}

/// Several megabytes of token (in a cookie or a header) is refused by the 16 KiB cap before any decoding, in
/// linear time: token-invalid.
#[test]
fn megabyte_tokens_are_refused_by_the_size_cap() {
    let pad = "x".repeat(4 * 1024 * 1024);
    let big = genuine(
        GOOD_HEADER,
        &format!(r#"{{"sub":"user_1","azp":"https://a.example","exp":{},"pad":"{pad}"}}"#, NOW_S + 55),
    );
    let err = reject(&big);
    assert_eq!(err.reason, Reason::TokenInvalid);
    assert!(err.message.contains("at most 16384 bytes"), "{}", err.message);
    assert_signed_out(&big, "token-invalid");
    // A megabyte of dots and of non-ASCII: the same.
    assert_eq!(reject(&".".repeat(1 << 20)).reason, Reason::TokenInvalid);
    assert_eq!(reject(&"é".repeat(1 << 19)).reason, Reason::TokenInvalid);
}

// -------------------------------------------------------------------------------------------------------------
// Claims as raw JSON text, genuinely signed (so only the claim checks can refuse them)

/// Time claims written in every way JSON allows and some it does not. Numbers outside a JS `Date`
/// (1e308, 2^64) are token-verification-failed (Clerk's `NaN` comparison would let them through: docs/compat.md
/// V6); text that is not JSON (NaN, Infinity, 1e309 overflow, hex, leading zeros) is token-invalid; strings,
/// booleans, arrays and objects are "Expected number." failures; negative values are dates in 1969.
#[test]
fn time_claims_as_raw_json() {
    let base = |claim: &str, value: &str| {
        let mut c = format!(
            r#"{{"sub":"user_1","azp":"https://a.example","iat":{},"nbf":{},"exp":{}"#,
            NOW_S - 5,
            NOW_S - 10,
            NOW_S + 55
        );
        // Replace the claim by its new text (the others stay valid).
        let at = c.find(&format!("\"{claim}\":")).unwrap();
        let end = c[at..].find(',').map_or(c.len(), |e| at + e);
        c.replace_range(at..end, &format!("\"{claim}\":{value}"));
        c.push('}');
        c
    };
    use Reason::*;
    let cases: &[(&str, &str, Option<Reason>)] = &[
        ("exp", "\"1900000000\"", Some(TokenVerificationFailed)),
        ("exp", "1e308", Some(TokenVerificationFailed)),
        ("exp", "-1e308", Some(TokenVerificationFailed)),
        ("exp", "18446744073709551616", Some(TokenVerificationFailed)), // 2^64
        ("exp", "18446744073709551615", Some(TokenVerificationFailed)), // 2^64 - 1
        ("exp", "1e309", Some(TokenInvalid)),                           // not a finite JSON number
        ("exp", "NaN", Some(TokenInvalid)),
        ("exp", "Infinity", Some(TokenInvalid)),
        ("exp", "-Infinity", Some(TokenInvalid)),
        ("exp", "0x7fffffff", Some(TokenInvalid)),
        ("exp", "01900000000", Some(TokenInvalid)),
        ("exp", "true", Some(TokenVerificationFailed)),
        ("exp", "[1900000000]", Some(TokenVerificationFailed)),
        ("exp", "{}", Some(TokenVerificationFailed)),
        ("exp", "null", Some(TokenVerificationFailed)),
        ("exp", "-1", Some(TokenExpired)),
        ("exp", "-0", Some(TokenExpired)),
        ("exp", "0", Some(TokenExpired)),
        ("exp", "1.9e9", None),
        ("nbf", "\"0\"", Some(TokenVerificationFailed)),
        ("nbf", "1e308", Some(TokenVerificationFailed)),
        ("nbf", "18446744073709551616", Some(TokenVerificationFailed)),
        ("nbf", "-1", None),
        ("nbf", "-8640000000000", None), // the earliest Date
        ("iat", "\"now\"", Some(TokenVerificationFailed)),
        ("iat", "1e308", Some(TokenVerificationFailed)),
        ("iat", "18446744073709551616", Some(TokenVerificationFailed)),
        ("iat", "-1", None),
    ];
    for (claim, value, want) in cases {
        let t = genuine(GOOD_HEADER, &base(claim, value));
        let got = run(&verifier(), &t, NOW).err().map(|e| e.reason);
        assert_eq!(got, *want, "{claim}: {value}");
        let s = cookie_state(&t);
        match want {
            // A genuine token issued before the browser's `__client_uat` is not used: Clerk's handshake reason,
            // signed out on this data request.
            None if *claim == "iat" && value.starts_with('-') => assert_eq!(
                (s.status, s.reason.as_deref()),
                (AuthStatus::SignedOut, Some("session-token-iat-before-client-uat"))
            ),
            None => assert_eq!(s.status, AuthStatus::SignedIn, "{claim}: {value}"),
            Some(r) => {
                // An expired token would be a handshake on a document request; on this data request it is
                // signed out with the session-token reason. Everything else keeps its verification reason.
                let expected = if *r == TokenExpired {
                    "session-token-expired-refresh-non-eligible-no-refresh-cookie"
                } else {
                    r.as_str()
                };
                assert_eq!(
                    (s.status, s.reason.as_deref()),
                    (AuthStatus::SignedOut, Some(expected)),
                    "{claim}: {value}"
                );
            }
        }
    }
}

/// `sub` missing or not a string, `azp` and `aud` mismatches, on genuinely signed tokens: never signed in.
#[test]
fn subject_and_audience_claims() {
    let exp = NOW_S + 55;
    for payload in [
        format!(r#"{{"exp":{exp}}}"#),
        format!(r#"{{"sub":null,"exp":{exp}}}"#),
        format!(r#"{{"sub":1,"exp":{exp}}}"#),
        format!(r#"{{"sub":["user_1"],"exp":{exp}}}"#),
        format!(r#"{{"sub":{{"id":"user_1"}},"exp":{exp}}}"#),
        format!(r#"{{"Sub":"user_1","exp":{exp}}}"#),
        format!(r#"{{"sub\u0000":"user_1","exp":{exp}}}"#),
    ] {
        let t = genuine(GOOD_HEADER, &payload);
        assert_eq!(reject(&t).reason, Reason::TokenVerificationFailed, "{payload}");
        assert_signed_out(&t, "token-verification-failed");
    }
    // A `sub` written with escapes is the same string (JSON semantics), and verifies.
    let escaped = genuine(GOOD_HEADER, &format!(r#"{{"sub":"user\u005f1","azp":"https://a.example","exp":{exp}}}"#));
    assert_eq!(cookie_state(&escaped).status, AuthStatus::SignedIn);
    // azp: not one of the authorized parties (exact match only), or not a string.
    for azp in [
        r#""https://evil.example""#,
        r#""https://a.example.evil""#,
        r#""https://A.example""#,
        "1",
        "[\"https://a.example\"]",
    ] {
        let t = genuine(GOOD_HEADER, &format!(r#"{{"sub":"user_1","exp":{exp},"azp":{azp}}}"#));
        assert_eq!(reject(&t).reason, Reason::TokenInvalidAuthorizedParties, "{azp}");
        assert_signed_out(&t, "token-invalid-authorized-parties");
    }
    // aud with a configured audience: not listed, or malformed.
    let v = local_verifier(&key_2048().key, ClaimRules { audience: vec!["app".into()], ..ClaimRules::default() });
    for aud in [r#""other""#, r#"["other","x"]"#, "1", r#"{"app":true}"#, r#"["app",1]"#] {
        let t = genuine(GOOD_HEADER, &format!(r#"{{"sub":"user_1","exp":{exp},"aud":{aud}}}"#));
        assert_eq!(run(&v, &t, NOW).unwrap_err().reason, Reason::TokenVerificationFailed, "{aud}");
    }
    let t = genuine(GOOD_HEADER, &format!(r#"{{"sub":"user_1","exp":{exp},"aud":["x","app"]}}"#));
    assert!(run(&v, &t, NOW).is_ok());
}

// -------------------------------------------------------------------------------------------------------------
// Cookie headers of thousands of cookies

/// Tens of thousands of distinct cookies: the first occurrence of each name still wins — Clerk's `__*` names from the
/// pairs `Cookies::new` keeps, any other name from a walk of its own — and the header is read in linear time. (Before the
/// set, finding repeats was quadratic: 50,000 cookies in a 680 KB header held the event loop for 2.2 s in getAuth.)
/// The bound below is a generous "settles" bound (the quadratic scan takes minutes here, the linear one well under
/// a second in a debug build), not a benchmark.
#[test]
fn thousands_of_cookies_are_read_in_linear_time_first_occurrence_wins() {
    use crate::clerk_request::Cookies;
    let t = genuine(GOOD_HEADER, &claims_text());
    for n in [10, 31, 32, 33, 100, 1_000] {
        let mut parts: Vec<String> = (0..n).map(|i| format!("c{i}={i}")).collect();
        parts.insert(n / 2, format!("__session={t}"));
        parts.push("__session=second".into());
        parts.push(format!("c{}=repeat", n - 1));
        parts.push("c0=repeat".into());
        let header = parts.join("; ");
        let cookies = Cookies::new(Some(&header));
        assert_eq!(cookies.get("__session").as_deref(), Some(t.as_str()), "{n}");
        assert_eq!(cookies.get("c0").as_deref(), Some("0"), "{n}");
        assert_eq!(cookies.get(&format!("c{}", n - 1)).as_deref(), Some(format!("{}", n - 1).as_str()), "{n}");
        assert_eq!(cookies.get("missing"), None);
        // The request decision reads the right session cookie among them.
        assert_eq!(data_request_state(header).status, AuthStatus::SignedIn, "{n}");
    }
    let n = 200_000;
    let header: String = (0..n).map(|i| format!("c{i}={i}; ")).collect::<String>() + "c7=late";
    let start = std::time::Instant::now();
    let cookies = Cookies::new(Some(&header));
    assert_eq!(cookies.get("c7").as_deref(), Some("7"));
    assert_eq!(cookies.get(&format!("c{}", n - 1)).as_deref(), Some(format!("{}", n - 1).as_str()));
    assert!(start.elapsed() < std::time::Duration::from_secs(10), "{n} cookies took {:?}", start.elapsed());
}
