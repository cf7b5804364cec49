//! RFC 7515 Appendix A/E and RFC 7520 §4.1 examples.

use std::sync::Arc;

use serde_json::{json, Value};

use super::util::{jws_signature_ok, load_json, local_verifier, public_part, run, str_field, ALL_ALGS};
use crate::claims::{check_claims, check_signature, ClaimRules};
use crate::error::Reason;
use crate::jwks::KeySet;
use crate::jwt::{self, Alg};
use crate::key::RsaKey;

fn case<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["cases"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap_or_else(|| panic!("no case {id}"))
}

fn rfc7515_key(doc: &Value) -> RsaKey {
    RsaKey::from_jwk(case(doc, "rfc7515-A.2-RS256")["public_jwk"].as_object().unwrap()).expect("A.2 key")
}

/// A.2: RS256 over a payload with CRLF line breaks verifies with the appendix's JWK (2048 bits, no kid).
#[test]
fn rfc7515_a2_rs256_verifies() {
    let doc = load_json("rfc/rfc7515_appendix_A.json");
    let c = case(&doc, "rfc7515-A.2-RS256");
    let key = rfc7515_key(&doc);
    assert_eq!(key.modulus_bits, 2048);
    let token = str_field(c, "jws");
    let decoded = jwt::decode(token).expect("A.2 decodes");
    assert_eq!(decoded.jws.alg, Alg::RS256);
    assert_eq!(decoded.jws.kid, None);
    assert!(decoded.jws.payload.contains("\r\n"), "the payload is kept byte for byte");
    assert_eq!(serde_json::from_str::<Value>(&decoded.jws.payload).unwrap(), c["claims"]);
    check_signature(&decoded.jws, &key).expect("A.2 signature");
    // The same signature under RS384/RS512 does not verify.
    for alg in [Alg::RS384, Alg::RS512] {
        assert!(!key.verify(alg, decoded.jws.signing_input, &decoded.jws.signature));
    }
    // One changed byte in the signed input, or in the signature, breaks it.
    let mut input = decoded.jws.signing_input.to_vec();
    *input.last_mut().unwrap() ^= 1;
    assert!(!key.verify(Alg::RS256, &input, &decoded.jws.signature));
    let mut sig = decoded.jws.signature.clone();
    sig[0] ^= 0x80;
    assert!(!key.verify(Alg::RS256, decoded.jws.signing_input, &sig));
}

/// A.2 end to end: the signature verifies, then Clerk's claim rules apply. The example has no `sub`, which
/// Clerk requires (checked before exp): token-verification-failed even with the clock pinned before exp.
/// With a `sub` added after verification, exp=1300819380 is expired against a later clock, fine before it.
#[test]
fn rfc7515_a2_claims() {
    let doc = load_json("rfc/rfc7515_appendix_A.json");
    let token = str_field(case(&doc, "rfc7515-A.2-RS256"), "jws");
    let verifier = local_verifier(&Arc::new(rfc7515_key(&doc)), ClaimRules::default());
    let exp_ms = 1_300_819_380_000.0;
    let err = run(&verifier, token, exp_ms - 60_000.0).unwrap_err();
    assert_eq!(err.reason, Reason::TokenVerificationFailed);
    assert_eq!(err.message, "Subject claim (sub) is required and must be a string. Received undefined.");

    let mut claims: serde_json::Map<String, Value> =
        serde_json::from_str(&jwt::decode(token).unwrap().jws.payload).unwrap();
    claims.insert("sub".into(), json!("joe"));
    let rules = ClaimRules::default();
    check_claims(&claims, &rules, exp_ms - 60_000.0).expect("before exp");
    check_claims(&claims, &rules, exp_ms + 4_999.0).expect("within the 5 s skew");
    let err = check_claims(&claims, &rules, 1_700_000_000_000.0).unwrap_err();
    assert_eq!(err.reason, Reason::TokenExpired);
    assert_eq!(
        err.message,
        "JWT is expired. Expiry date: Tue, 22 Mar 2011 18:43:00 GMT, Current date: Tue, 14 Nov 2023 22:13:20 GMT."
    );
}

/// A.1 (HS256), A.3 (ES256), A.4 (ES512), A.5 (alg none) are refused for their algorithm, and none of their
/// signatures verifies with the A.2 RSA key under any RS algorithm.
#[test]
fn rfc7515_other_algorithms_rejected() {
    let doc = load_json("rfc/rfc7515_appendix_A.json");
    let key = rfc7515_key(&doc);
    let mut seen = 0;
    for (id, alg) in [
        ("rfc7515-A.1-HS256", "\"HS256\""),
        ("rfc7515-A.3-ES256", "\"ES256\""),
        ("rfc7515-A.4-ES512", "\"ES512\""),
        ("rfc7515-A.5-unsecured", "\"none\""),
    ] {
        let token = str_field(case(&doc, id), "jws");
        let err = jwt::decode(token).unwrap_err();
        assert_eq!(err.reason, Reason::TokenInvalidAlgorithm, "{id}: {}", err.message);
        assert_eq!(err.message, format!("Invalid JWT algorithm {alg}. Supported: RS256,RS384,RS512."), "{id}");
        assert_eq!(err.action, Some(crate::error::action::ENSURE_CLERK_JWT));
        let (h, p, s) = jwt::split(token).unwrap();
        let sig = jwt::b64url_decode(s).unwrap();
        for a in ALL_ALGS {
            assert!(!key.verify(a, format!("{h}.{p}").as_bytes(), &sig), "{id} verified as {a:?}");
        }
        // Through the whole verifier too.
        let verifier = local_verifier(&Arc::new(rfc7515_key(&doc)), ClaimRules::default());
        assert_eq!(run(&verifier, token, 0.0).unwrap_err().reason, Reason::TokenInvalidAlgorithm);
        seen += 1;
    }
    assert_eq!(seen, 4);
}

/// Appendix E: a `crit` header (with alg none, so refused for the algorithm first). The same `crit` under an RS256
/// header, validly signed, is refused for `crit` itself.
#[test]
fn rfc7515_appendix_e_crit_rejected() {
    let doc = load_json("rfc/rfc7515_appendix_A.json");
    let token = str_field(case(&doc, "rfc7515-E-crit"), "jws");
    let (h, _, _) = jwt::split(token).unwrap();
    let header: serde_json::Map<String, Value> = serde_json::from_slice(&jwt::b64url_decode(h).unwrap()).unwrap();
    assert!(header.contains_key("crit"));
    assert_eq!(jwt::decode(token).unwrap_err().reason, Reason::TokenInvalidAlgorithm);

    let pair = &super::util::key_2048().pair;
    let rs_crit = super::util::token_raw(
        pair,
        Alg::RS256,
        r#"{"alg":"RS256","crit":["http://example.com/UNDEFINED"],"http://example.com/UNDEFINED":true}"#,
        r#"{"sub":"user_1","exp":4000000000}"#,
    );
    let err = jwt::decode(&rs_crit).unwrap_err();
    assert_eq!(err.reason, Reason::TokenInvalid);
    assert_eq!(err.message, "Invalid JWT header: the \"crit\" member is not supported (RFC 7515 §4.1.11).");
    // Even an empty crit list is refused.
    let empty_crit = super::util::token_raw(pair, Alg::RS256, r#"{"alg":"RS256","crit":[]}"#, r#"{"sub":"u"}"#);
    assert_eq!(jwt::decode(&empty_crit).unwrap_err().reason, Reason::TokenInvalid);
}

/// RFC 7520 §4.1: the RS256 example verifies as a JWS (its payload is plain text, so `decode` refuses it as a
/// JWT: deliberately stricter, asserted below); the three derived negatives fail.
#[test]
fn rfc7520_4_1_rsa_v15() {
    let doc = load_json("rfc/rfc7520_4_1_rsa_v15.json");
    let cases = doc["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 4);
    // The private JWK's public members are the published key.
    let from_private = public_part(&doc["private_jwk"]);
    let (mut valid, mut invalid) = (0, 0);
    for c in cases {
        let id = str_field(c, "id");
        let token = str_field(c, "jws");
        let jwk = &c["public_jwk"];
        assert_eq!(jwk, &from_private, "{id}");
        let key = RsaKey::from_jwk(jwk.as_object().unwrap()).unwrap();
        assert_eq!(key.kid.as_deref(), Some("bilbo.baggins@hobbiton.example"));
        // Also as a fetched JWKS, selected by the token's kid.
        let set = KeySet::parse(&serde_json::to_vec(&json!({ "keys": [jwk] })).unwrap()).unwrap();

        let expected = c["expected_signature_valid"].as_bool().unwrap();
        let verified = match jwt::decode_header_and_signature(token) {
            Ok(parts) => {
                assert_eq!(parts.alg, Alg::RS256);
                let from_set = set.keys.get(parts.kid.as_deref().unwrap()).expect("kid found");
                let a = jws_signature_ok(&parts, &key);
                assert_eq!(a, jws_signature_ok(&parts, from_set), "{id}");
                a
            }
            Err(e) => {
                assert!(!expected, "{id}: {e:?}");
                false
            }
        };
        assert_eq!(verified, expected, "{id}");
        // As a JWT, all four are refused: the payload is not a JSON object (a derived case may fail earlier).
        let err = jwt::decode(token).unwrap_err();
        assert_eq!(err.reason, Reason::TokenInvalid, "{id}");
        if expected {
            assert!(err.message.starts_with("Invalid JWT payload: "), "{id}: {}", err.message);
            valid += 1;
        } else {
            invalid += 1;
        }
    }
    assert_eq!((valid, invalid), (1, 3));
}
