//! Every JWK member RFC 7517 and RFC 7518 define, checked by `RsaKey::from_jwk`: types, `use`/`key_ops` rules,
//! Base64urlUInt integers, certificate members, and no private-key member.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};

use crate::key::{RsaKey, PRIVATE_MEMBERS};
use crate::testkit::{b64, key_2048, public_n_e, rsa_jwk};

fn check(extra: Value) -> Result<(), String> {
    RsaKey::from_jwk(rsa_jwk(&key_2048().pair, "k", extra).as_object().unwrap()).map(|_| ())
}

fn refused(extra: Value, why: &str) {
    let err = check(extra.clone()).expect_err(&format!("accepted {extra}"));
    assert!(err.contains(why), "{extra}: refused for {err:?}, expected {why:?}");
}

#[test]
fn use_and_key_ops_follow_rfc_7517() {
    for ok in [
        json!({}),
        json!({ "use": "sig" }),
        json!({ "key_ops": ["verify"] }),
        json!({ "use": "sig", "key_ops": ["sign", "verify"] }),
        // Without `use`, other operations may be listed beside `verify` (RFC 7517 §4.3 lets unknown values in).
        json!({ "key_ops": ["verify", "encrypt", "x-custom"] }),
    ] {
        assert_eq!(check(ok.clone()), Ok(()), "{ok}");
    }
    refused(json!({ "use": "enc" }), "\"use\" is \"enc\"");
    refused(json!({ "use": 1 }), "\"use\" is not a string");
    refused(json!({ "key_ops": "verify" }), "\"key_ops\" is not an array");
    refused(json!({ "key_ops": ["verify", 1] }), "not a string");
    refused(json!({ "key_ops": ["verify", "verify"] }), "lists \"verify\" twice");
    refused(json!({ "key_ops": ["sign"] }), "does not allow \"verify\"");
    refused(json!({ "key_ops": [] }), "does not allow \"verify\"");
    refused(
        json!({ "use": "sig", "key_ops": ["verify", "encrypt"] }),
        "allows \"encrypt\", which \"use\": \"sig\" does not",
    );
}

#[test]
fn members_have_their_types() {
    refused(json!({ "kid": 7 }), "\"kid\" is not a string");
    refused(json!({ "alg": ["RS256"] }), "\"alg\" is not a string");
    refused(json!({ "alg": "PS256" }), "only RS256, RS384 and RS512");
    refused(json!({ "x5u": {} }), "\"x5u\" is not a string");
    refused(json!({ "kty": "rsa" }), "only \"RSA\"");
    refused(json!({ "n": 5 }), "\"n\" is not a string");
    refused(json!({ "e": null }), "\"e\" is not a string");
    assert_eq!(check(json!({ "x5u": "https://example.test/cert.pem", "ext": true })), Ok(()), "x5u is never fetched");
}

#[test]
fn integers_are_base64url_uints_in_the_fewest_octets() {
    let (n, e) = public_n_e(&key_2048().pair);
    refused(json!({ "n": b64(&[&[0u8][..], &n].concat()) }), "\"n\" has a leading zero octet");
    refused(json!({ "e": b64(&[&[0u8][..], &e].concat()) }), "\"e\" has a leading zero octet");
    refused(json!({ "n": format!("{}=", b64(&n)) }), "\"n\" is not strict base64url");
}

#[test]
fn no_private_key_member() {
    for member in PRIVATE_MEMBERS {
        refused(json!({ member: "c2VjcmV0" }), &format!("private key member \"{member}\""));
        let err = check(json!({ member: "c2VjcmV0" })).unwrap_err();
        assert!(!err.contains("c2VjcmV0"), "the key material never reaches a message");
    }
}

#[test]
fn certificate_members_must_describe_this_key() {
    let (n, _) = public_n_e(&key_2048().pair);
    let (other_n, _) = public_n_e(&crate::testkit::other_key_2048().pair);
    // Stand-ins for DER certificates: only containment of the modulus and the digests are checked.
    let cert = [&b"\x30\x82cert-of"[..], &n, b"end"].concat();
    let other_cert = [&b"\x30\x82cert-of"[..], &other_n, b"end"].concat();
    let sha1 = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, &cert);
    let sha256 = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &cert);
    let x5c = json!([STANDARD.encode(&cert), STANDARD.encode(b"intermediate")]);
    assert_eq!(check(json!({ "x5c": x5c, "x5t": b64(sha1.as_ref()), "x5t#S256": b64(sha256.as_ref()) })), Ok(()));
    assert_eq!(check(json!({ "x5t": b64(sha1.as_ref()) })), Ok(()), "a thumbprint alone is only checked for form");
    refused(json!({ "x5c": [STANDARD.encode(&other_cert)] }), "is not for this key");
    refused(json!({ "x5c": [] }), "not a non-empty array");
    refused(json!({ "x5c": STANDARD.encode(&cert) }), "not a non-empty array");
    refused(json!({ "x5c": [b64(&[0xfb, 0xff, 0xfe])] }), "not a base64 certificate");
    refused(json!({ "x5c": [STANDARD.encode(&cert)], "x5t": b64(&[0u8; 20]) }), "not the thumbprint");
    refused(json!({ "x5c": [STANDARD.encode(&cert)], "x5t#S256": b64(&[0u8; 32]) }), "not the thumbprint");
    refused(json!({ "x5t": b64(&[0u8; 32]) }), "not a digest of the right length");
    refused(json!({ "x5t#S256": "!!" }), "not strict base64url");
}
