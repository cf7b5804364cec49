//! Wycheproof `json_web_signature_test.json`: compact JWS tokens with their JWKs.
//!
//! How each case is judged:
//! * The key of an RSA group is built by `RsaKey::from_jwk` from the group's `public` JWK (or the public members
//!   of `private` when there is no `public`), so `use`, `key_ops` and a pinned `alg` apply as they would to a key
//!   of a fetched JWKS. Groups with EC/oct keys have no RSA key at all.
//! * JWS level: `jwt::decode_header_and_signature` (every header and base64url rule of `decode`, payload not
//!   parsed) plus the signature. JWT level: `jwt::decode` plus `claims::check_signature` — the production path
//!   minus claims, which are not checked here because these payloads are not JWT claims sets.
//! * RS256/384/512 `valid` cases must pass at the JWS level. At the JWT level every one of them is rejected by our
//!   deliberately stricter policy, for one reason only: the payload is not a JSON object (`foo`, the empty
//!   string, zero bytes, `a`, `Test`, raw bytes 0xe0..0xff, RFC 7520's plain-text quote). They are listed by tcId
//!   in `RS_VALID_NON_JSON_PAYLOAD` and asserted to fail with token-invalid "Invalid JWT payload: …", after their
//!   signature was shown to verify.
//! * Every `invalid` case must fail at both levels.
//! * Every token whose header `alg` is not RS256/384/512 (HS*, ES*, PS*, none, NONE; or no readable header at all)
//!   must fail decoding — with token-invalid-algorithm whenever the header is a readable JSON object — whatever
//!   Wycheproof says about it. Below the header rules, its signature is also tried directly with every RSA key of
//!   the file under RS256/384/512: none verifies, except three PS512-labelled tokens that really carry an RS*
//!   signature (see the assertion at the end). This covers the groups with EC and oct keys: their tokens never
//!   verify with an RSA key. The Wycheproof-`valid` ones among them (HS256, ES256, PS256/384/512, ES512 with
//!   RFC 7520 keys, tcIds 1, 18, 272-275, 287, 288, 320-323, 325-328, 346-348, 350-352, 357-359, 372, 373,
//!   376-378) are rejected deliberately: Clerk issues RS256 only, and the verifier accepts RS256/384/512 only.

use std::collections::BTreeSet;

use serde_json::Value;

use super::util::{
    b64_lenient, header_str, jws_signature_ok, key_from_n_e, load_json, public_part, str_field, ALL_ALGS,
};
use crate::claims::check_signature;
use crate::error::Reason;
use crate::jwt::{self, Alg};
use crate::key::RsaKey;

/// RS* cases Wycheproof marks `valid` whose payload is not a JSON object: valid JWS, rejected as JWTs.
const RS_VALID_NON_JSON_PAYLOAD: [u64; 16] = [
    33,  // "foo"
    259, // empty payload (RS256)
    260, // 20 zero bytes
    261, // "a"
    262, // "Test"
    263, // bytes e0..ff (not even UTF-8)
    264, 265, 266, 267, // RS384: empty, zeros, "a", e0..ff
    268, 269, 270, 271, // RS512: empty, zeros, "a", e0..ff
    345, // RFC 7520 Figure 13 ("It’s a dangerous business, Frodo, …")
    349, // the same with key_ops ["verify"] on the public JWK
];

/// Invalid RS* cases that fail because the group's key is refused by `RsaKey::from_jwk`, with the refusal.
/// (With the bare n/e these signatures may well verify: the key metadata is what makes them invalid.)
const REFUSED_KEY: [(u64, &str); 5] = [
    (332, "\"alg\" is \"PS512\""), // RS256 signature by a key published for PS512 only
    (334, "\"alg\" is \"PS512\""),
    (336, "\"alg\" is \"PS512\""),
    (353, "\"use\" is \"enc\""),                    // group `rsa_encryption`: use enc
    (355, "\"key_ops\" does not allow \"verify\""), // key_ops [encrypt]
];

struct Group {
    policy_key: Option<Result<RsaKey, String>>,
}

fn rsa_jwk(group: &Value) -> Option<Value> {
    let jwk = group.get("public").or_else(|| group.get("private"))?;
    (jwk["kty"] == "RSA").then(|| public_part(jwk))
}

/// Three parts, a strict-base64url header that is a JSON object, `typ` absent or "JWT": then the only header
/// rule left to break is the algorithm, and `decode` must say token-invalid-algorithm.
fn header_is_readable(token: &str) -> bool {
    let Some((h, _, _)) = jwt::split(token) else { return false };
    let Some(header) =
        jwt::b64url_decode(h).and_then(|b| serde_json::from_slice::<serde_json::Map<String, Value>>(&b).ok())
    else {
        return false;
    };
    token.len() <= jwt::MAX_TOKEN_BYTES && header.get("typ").is_none_or(|t| t == "JWT")
}

#[test]
fn wycheproof_json_web_signature() {
    let doc = load_json("wycheproof/json_web_signature_test.json");
    let groups = doc["testGroups"].as_array().expect("testGroups");

    // Every RSA public key in the file, without metadata: for the "never verifies with any RSA key" check.
    let all_rsa_keys: Vec<RsaKey> = groups
        .iter()
        .filter_map(rsa_jwk)
        .map(|jwk| key_from_n_e(&jwk).expect("every RSA key here is 2048-bit"))
        .collect();
    assert!(all_rsa_keys.len() >= 10, "expected the file's RSA keys, found {}", all_rsa_keys.len());

    let mut total = 0usize;
    let mut rs_valid_passed = BTreeSet::new();
    let mut non_json_seen = BTreeSet::new();
    let mut refused_seen = BTreeSet::new();
    let mut non_rs_rejected = 0usize;
    let mut wycheproof_valid_non_rs = Vec::new();
    let mut invalid_rejected = 0usize;
    let mut raw_rs_signatures = Vec::new();

    for (gi, g) in groups.iter().enumerate() {
        let group = Group { policy_key: rsa_jwk(g).map(|jwk| RsaKey::from_jwk(jwk.as_object().unwrap())) };
        for test in g["tests"].as_array().expect("tests") {
            total += 1;
            let tc = test["tcId"].as_u64().unwrap();
            let token = str_field(test, "jws");
            let result = str_field(test, "result");
            let alg = header_str(token, "alg");
            let is_rs = alg.as_deref().and_then(Alg::parse).is_some();

            let parts = jwt::decode_header_and_signature(token);
            let full = jwt::decode(token);
            let key = group.policy_key.as_ref().and_then(|k| k.as_ref().ok());
            let jws_ok = matches!((&parts, key), (Ok(p), Some(k)) if jws_signature_ok(p, k));
            let jwt_ok = matches!((&full, key), (Ok(d), Some(k)) if check_signature(&d.jws, k).is_ok());
            // The JWT level is never more permissive than the JWS level.
            assert!(!jwt_ok || jws_ok, "tc {tc}: JWT accepted but JWS refused");

            if !is_rs {
                // Not RS*: refused while decoding, before any key is involved.
                let err = parts.as_ref().err().unwrap_or_else(|| panic!("tc {tc}: alg {alg:?} decoded"));
                assert!(full.is_err(), "tc {tc}");
                if header_is_readable(token) {
                    assert_eq!(err.reason, Reason::TokenInvalidAlgorithm, "tc {tc}: {}", err.message);
                }
                // And below the header rules: no RSA key of the file verifies it under any RS algorithm.
                let mut it = token.split('.');
                if let (Some(h), Some(p), Some(s)) = (it.next(), it.next(), it.next()) {
                    let input = format!("{h}.{p}");
                    let sig = b64_lenient(s).unwrap_or_default();
                    for k in &all_rsa_keys {
                        for a in ALL_ALGS {
                            if k.verify(a, input.as_bytes(), &sig) {
                                raw_rs_signatures.push((tc, a));
                            }
                        }
                    }
                }
                non_rs_rejected += 1;
                if result == "valid" {
                    wycheproof_valid_non_rs.push(tc);
                }
                continue;
            }

            match result {
                "valid" => {
                    assert!(jws_ok, "tc {tc} (group {gi}, {}): valid RS* JWS refused: {parts:?}", test["comment"]);
                    if jwt_ok {
                        rs_valid_passed.insert(tc);
                    } else {
                        // Stricter policy: only the payload may be the reason.
                        let err = full.as_ref().expect_err("decoded and key present, so the signature failed?!");
                        assert_eq!(err.reason, Reason::TokenInvalid, "tc {tc}");
                        assert!(err.message.starts_with("Invalid JWT payload: "), "tc {tc}: {}", err.message);
                        assert!(
                            RS_VALID_NON_JSON_PAYLOAD.contains(&tc),
                            "tc {tc}: valid RS* case rejected for its payload but not listed"
                        );
                        non_json_seen.insert(tc);
                    }
                }
                "invalid" => {
                    assert!(!jws_ok, "tc {tc} (group {gi}, {}): invalid JWS accepted", test["comment"]);
                    assert!(!jwt_ok, "tc {tc}: invalid JWT accepted");
                    if let Some((_, why)) = REFUSED_KEY.iter().find(|(id, _)| *id == tc) {
                        let refusal = group.policy_key.as_ref().unwrap().as_ref().expect_err("key should be refused");
                        assert!(refusal.contains(why), "tc {tc}: key refused for {refusal:?}, expected {why:?}");
                        refused_seen.insert(tc);
                    }
                    invalid_rejected += 1;
                }
                other => panic!("tc {tc}: unexpected result {other}"),
            }
        }
    }

    // Below the header rules, exactly three non-RS* tokens carry a genuine PKCS#1 v1.5 signature: 331/333/335
    // ("UsingRS256/384/512", WrongPrimitive) label an RS256/384/512 signature by the PS512 key as PS512. They are
    // refused only because the header's alg is not RS*, which is the point: the header alg selects the
    // algorithm and PS512 is not one of ours. Every other non-RS* token (all the HS*/ES* ones from EC and oct
    // groups included) fails under every RSA key of the file with every RS algorithm.
    raw_rs_signatures.sort_by_key(|&(tc, a)| (tc, a.index()));
    raw_rs_signatures.dedup();
    assert_eq!(raw_rs_signatures, [(331, Alg::RS256), (333, Alg::RS384), (335, Alg::RS512)]);
    assert_eq!(total as u64, doc["numberOfTests"].as_u64().unwrap());
    assert_eq!(non_json_seen, RS_VALID_NON_JSON_PAYLOAD.into_iter().collect(), "the stricter-policy list is stale");
    assert_eq!(refused_seen, REFUSED_KEY.iter().map(|(t, _)| *t).collect(), "the refused-key list is stale");
    // No RS* valid case here has a JSON-object payload, so none passes the JWT level.
    assert!(rs_valid_passed.is_empty(), "unexpected JWT-level passes: {rs_valid_passed:?}");
    assert_eq!(
        wycheproof_valid_non_rs,
        [
            1, 18, 272, 273, 274, 275, 287, 288, 320, 321, 322, 323, 325, 326, 327, 328, 346, 347, 348, 350, 351, 352,
            357, 358, 359, 372, 373, 376, 377, 378
        ],
        "Wycheproof-valid tokens with another algorithm (deliberately rejected)"
    );
    assert_eq!(invalid_rejected + non_json_seen.len() + non_rs_rejected, total);
    println!(
        "json_web_signature_test.json: {total} cases; RS* valid: {} verify as JWS, all rejected as JWT (payload not \
         a JSON object); {invalid_rejected} RS* invalid rejected ({} by key policy); {non_rs_rejected} non-RS* \
         rejected (of which Wycheproof-valid: {wycheproof_valid_non_rs:?})",
        non_json_seen.len(),
        refused_seen.len()
    );
}

/// A valid RS256 JWS from the file, re-wrapped with a JSON payload signed by nobody, shows the JWT level does
/// check the signature (and not only the payload form): the re-wrapped token decodes and then fails the
/// signature check with token-invalid-signature.
#[test]
fn wycheproof_jws_payload_swap_fails_signature() {
    let doc = load_json("wycheproof/json_web_signature_test.json");
    let group = &doc["testGroups"][2];
    let test = &group["tests"][0];
    assert_eq!(test["tcId"], 33);
    let key = RsaKey::from_jwk(rsa_jwk(group).unwrap().as_object().unwrap()).unwrap();
    let token = str_field(test, "jws");
    let (h, _, s) = jwt::split(token).unwrap();
    let swapped = format!("{h}.{}.{s}", super::util::b64(br#"{"sub":"user_1"}"#));
    let decoded = jwt::decode(&swapped).expect("header and JSON payload are fine");
    assert_eq!(decoded.jws.kid.as_deref(), Some("kid-rsa-sign"));
    let err = check_signature(&decoded.jws, &key).unwrap_err();
    assert_eq!(err.reason, Reason::TokenInvalidSignature);
    assert_eq!(err.message, "JWT signature is invalid.");
}
