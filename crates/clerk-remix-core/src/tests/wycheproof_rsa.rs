//! Wycheproof RSASSA-PKCS1-v1_5 vectors (RS256/384/512 over 2048/3072/4096-bit keys) through `RsaKey`.
//!
//! Policy for `acceptable` (each file has one, flagged `MissingNull`: a DigestInfo whose AlgorithmIdentifier
//! omits the NULL parameter): acceptable → rejected: aws-lc requires the canonical DigestInfo, and we keep it
//! that way (the JWS spec, RFC 7518 §3.3, names PKCS#1 v1.5 whose DigestInfo carries the NULL).
//!
//! The small-exponent groups (e = 3, flags `SmallPublicKey`, `SmallSignature`/`EdgeCaseSignature`) are within our
//! key policy (odd exponent ≥ 3, modulus ≥ 2048 bits), so their `valid` signatures must verify.

use serde_json::Value;

use super::util::{alg_from_sha, hex, key_from_n_e, load_json, str_field, ALL_ALGS};
use crate::jwt::Alg;
use crate::key::RsaKey;

#[derive(Default, Debug)]
struct Counts {
    valid: usize,
    invalid: usize,
    acceptable: usize,
}

fn run_file(name: &str) -> Counts {
    let doc = load_json(&format!("wycheproof/{name}"));
    assert_eq!(doc["algorithm"], "RSASSA-PKCS1-v1_5", "{name}");
    let groups = doc["testGroups"].as_array().expect("testGroups");
    assert!(!groups.is_empty(), "{name}: no test groups");
    let mut counts = Counts::default();
    let mut failures = Vec::new();

    for (gi, group) in groups.iter().enumerate() {
        let alg = alg_from_sha(str_field(group, "sha"));
        let jwk = &group["keyJwk"];
        assert_eq!(jwk["alg"], alg.as_str(), "{name} group {gi}: keyJwk alg vs sha");

        // The key both ways: from the JWK's n/e, and from the PEM. Both must be the same key (same size, and each
        // verifies what the other verifies: checked below for every test of the first group).
        let from_jwk = key_from_n_e(jwk).unwrap_or_else(|e| panic!("{name} group {gi}: n/e refused: {e}"));
        let from_pem = RsaKey::from_pem(str_field(group, "publicKeyPem"))
            .unwrap_or_else(|e| panic!("{name} group {gi}: PEM refused: {e}"));
        assert_eq!(from_jwk.modulus_bits, group["keySize"].as_u64().unwrap() as usize, "{name} group {gi}");
        assert_eq!(from_pem.modulus_bits, from_jwk.modulus_bits, "{name} group {gi}");
        // The group's modulus/exponent hex (with its DER sign byte) is the same key again.
        let modulus = hex(str_field(&group["publicKey"], "modulus"));
        let exponent = hex(str_field(&group["publicKey"], "publicExponent"));
        let from_hex = RsaKey::from_components(&modulus, &exponent, None, None)
            .unwrap_or_else(|e| panic!("{name} group {gi}: hex n/e refused: {e}"));

        for test in group["tests"].as_array().expect("tests") {
            let tc = test["tcId"].as_u64().unwrap();
            let msg = hex(str_field(test, "msg"));
            let sig = hex(str_field(test, "sig"));
            let result = str_field(test, "result");
            let verified = from_jwk.verify(alg, &msg, &sig);
            if gi == 0 {
                assert_eq!(from_pem.verify(alg, &msg, &sig), verified, "{name} tc {tc}: PEM key disagrees");
            }
            assert_eq!(from_hex.verify(alg, &msg, &sig), verified, "{name} tc {tc}: hex key disagrees");
            let expected = match result {
                "valid" => {
                    counts.valid += 1;
                    true
                }
                "invalid" => {
                    counts.invalid += 1;
                    false
                }
                "acceptable" => {
                    counts.acceptable += 1;
                    // acceptable → rejected: aws-lc requires the canonical DigestInfo.
                    let flags: Vec<&str> = test["flags"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
                    assert_eq!(flags, ["MissingNull"], "{name} tc {tc}: an acceptable case of a new kind");
                    false
                }
                other => panic!("{name} tc {tc}: unknown result {other}"),
            };
            if verified != expected {
                failures.push(format!("tc {tc} ({result}, {:?}): verified={verified}", test["comment"]));
            }
            // A valid signature is bound to its digest: the other two algorithms must refuse it.
            if expected {
                for other in ALL_ALGS.into_iter().filter(|&a| a != alg) {
                    assert!(!from_jwk.verify(other, &msg, &sig), "{name} tc {tc}: verified under {other:?}");
                }
            }
        }
    }
    assert!(failures.is_empty(), "{name}: {} failures:\n{}", failures.len(), failures.join("\n"));
    let total = counts.valid + counts.invalid + counts.acceptable;
    assert!(total > 0 && counts.valid > 0 && counts.invalid > 0, "{name}: no cases ran: {counts:?}");
    assert_eq!(total as u64, doc["numberOfTests"].as_u64().unwrap(), "{name}: numberOfTests");
    println!(
        "{name}: {total} cases: {} valid verified, {} invalid rejected, {} acceptable rejected",
        counts.valid, counts.invalid, counts.acceptable
    );
    counts
}

macro_rules! wycheproof_file {
    ($test:ident, $file:literal) => {
        #[test]
        fn $test() {
            let counts = run_file($file);
            // Every file has exactly one acceptable (MissingNull) case, rejected by policy.
            assert_eq!(counts.acceptable, 1);
        }
    };
}

wycheproof_file!(rsa_2048_sha256, "rsa_signature_2048_sha256_test.json");
wycheproof_file!(rsa_2048_sha384, "rsa_signature_2048_sha384_test.json");
wycheproof_file!(rsa_2048_sha512, "rsa_signature_2048_sha512_test.json");
wycheproof_file!(rsa_3072_sha256, "rsa_signature_3072_sha256_test.json");
wycheproof_file!(rsa_3072_sha384, "rsa_signature_3072_sha384_test.json");
wycheproof_file!(rsa_3072_sha512, "rsa_signature_3072_sha512_test.json");
wycheproof_file!(rsa_4096_sha256, "rsa_signature_4096_sha256_test.json");
wycheproof_file!(rsa_4096_sha384, "rsa_signature_4096_sha384_test.json");
wycheproof_file!(rsa_4096_sha512, "rsa_signature_4096_sha512_test.json");

/// The vector keys also pass `RsaKey::from_jwk` (kid "none", alg pinned to the file's algorithm), and the pin
/// holds: the JWK-built key refuses the other algorithms even before looking at the signature.
#[test]
fn wycheproof_rsa_keys_through_from_jwk() {
    let doc = load_json("wycheproof/rsa_signature_2048_sha256_test.json");
    let group = &doc["testGroups"][0];
    let key = RsaKey::from_jwk(group["keyJwk"].as_object().unwrap()).expect("keyJwk accepted");
    assert_eq!(key.alg, Some(Alg::RS256));
    assert_eq!(key.kid.as_deref(), Some("none"));
    let valid = group["tests"].as_array().unwrap().iter().find(|t| t["result"] == "valid").unwrap();
    let (msg, sig) = (hex(str_field(valid, "msg")), hex(str_field(valid, "sig")));
    assert!(key.verify(Alg::RS256, &msg, &sig));
    assert!(!key.verify(Alg::RS384, &msg, &sig));
    assert!(!key.verify(Alg::RS512, &msg, &sig));
}

/// `from_pem` also takes a PKCS#1 `RSA PUBLIC KEY`, the bare base64 body, and `\n` written as two characters.
#[test]
fn wycheproof_rsa_pem_variants() {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;
    let doc = load_json("wycheproof/rsa_signature_3072_sha256_test.json");
    let group = &doc["testGroups"][0];
    let valid = group["tests"].as_array().unwrap().iter().find(|t| t["result"] == "valid").unwrap();
    let (msg, sig) = (hex(str_field(valid, "msg")), hex(str_field(valid, "sig")));
    let pem = str_field(group, "publicKeyPem");
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let pkcs1 = STANDARD.encode(hex(str_field(group, "publicKeyAsn")));
    let variants = [
        pem.to_owned(),
        pem.replace('\n', "\\n"),
        body.clone(),
        format!("-----BEGIN RSA PUBLIC KEY-----\n{pkcs1}\n-----END RSA PUBLIC KEY-----\n"),
        pkcs1,
    ];
    for (i, text) in variants.iter().enumerate() {
        let key = RsaKey::from_pem(text).unwrap_or_else(|e| panic!("variant {i}: {e}"));
        assert_eq!(key.modulus_bits, 3072, "variant {i}");
        assert!(key.verify(Alg::RS256, &msg, &sig), "variant {i}");
    }
    for bad in ["", "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----", "not base64 !!", "AAAA"] {
        assert!(RsaKey::from_pem(bad).is_err(), "{bad:?} accepted");
    }
    // A corrupted body (one byte changed inside the DER) is refused or is another key: never this one.
    let mut broken = body.into_bytes();
    broken[40] = if broken[40] == b'A' { b'B' } else { b'A' };
    if let Ok(key) = RsaKey::from_pem(std::str::from_utf8(&broken).unwrap()) {
        assert!(!key.verify(Alg::RS256, &msg, &sig));
    }
}
