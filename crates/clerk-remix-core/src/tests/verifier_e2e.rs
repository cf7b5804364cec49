//! End to end through `token_verifier::Verifier` with a local key (`KeySource::Local`), tokens built by hand and signed
//! with generated keys; the strict decoding rules; the RSA key policy; error message formats.

use std::sync::Arc;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::signature::KeyPair as _;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};

use super::util::{
    b64, key_2048, key_3072, local_verifier, other_key_2048, public_n_e, run, sign, spki_pem, token, token_raw,
    ALL_ALGS,
};
use crate::claims::ClaimRules;
use crate::error::{action, Reason, VerifyError};
use crate::jwt::{self, Alg, MAX_TOKEN_BYTES};
use crate::key::RsaKey;
use crate::token_verifier::{Checked, KeySource, Verifier};

const NOW: f64 = 1_700_000_000_000.0;
const NOW_S: i64 = 1_700_000_000;

fn good_claims() -> Value {
    json!({ "sub": "user_1", "iat": NOW_S - 10, "nbf": NOW_S - 10, "exp": NOW_S + 60, "azp": "https://a.example" })
}

fn verifier() -> Verifier {
    local_verifier(&key_2048().key, ClaimRules::default())
}

fn reject(token: &str) -> VerifyError {
    run(&verifier(), token, NOW).expect_err("token should be rejected")
}

#[test]
fn valid_rs256_rs384_rs512_pass() {
    let v = verifier();
    for alg in ALL_ALGS {
        let t = token(&key_2048().pair, alg, &good_claims());
        let ok = run(&v, &t, NOW).unwrap_or_else(|e| panic!("{alg:?}: {e:?}"));
        let decoded = crate::jwt::decode(&t).unwrap();
        assert_eq!(decoded.jws.alg, alg);
        assert_eq!(decoded.jws.kid.as_deref(), Some("k1"));
        assert_eq!(claims_of(&ok)["sub"], "user_1");
        assert_eq!(serde_json::from_str::<Value>(&ok.payload_json).unwrap(), good_claims());
    }
}

/// The payload text reaches JS byte for byte (member order and spacing kept).
#[test]
fn payload_json_is_verbatim() {
    let payload = format!(r#"{{ "z": 1, "sub": "user_1", "a": [1, 2], "exp": {} }}"#, NOW_S + 60);
    let t = token_raw(&key_2048().pair, Alg::RS256, r#"{"alg":"RS256"}"#, &payload);
    let ok = run(&verifier(), &t, NOW).unwrap();
    assert_eq!(ok.payload_json, payload);
    assert_eq!(claims_of(&ok).keys().collect::<Vec<_>>(), ["z", "sub", "a", "exp"]);
}

/// A token signed with one algorithm and relabelled with another fails (digest bound to the header's alg).
#[test]
fn alg_relabel_fails() {
    let relabelled = token_raw(&key_2048().pair, Alg::RS256, r#"{"alg":"RS384"}"#, &good_claims().to_string());
    let err = reject(&relabelled);
    assert_eq!(err.reason, Reason::TokenInvalidSignature);
}

#[test]
fn tampered_payload_fails_signature() {
    let t = token(&key_2048().pair, Alg::RS256, &good_claims());
    let (h, _, s) = jwt::split(&t).unwrap();
    let forged = json!({ "sub": "user_admin", "exp": NOW_S + 60 });
    let err = reject(&format!("{h}.{}.{s}", b64(forged.to_string().as_bytes())));
    assert_eq!(err.reason, Reason::TokenInvalidSignature);
    assert_eq!(err.message, "JWT signature is invalid.");
    // A flipped signature bit, a truncated signature, an empty signature.
    let mut sig = jwt::b64url_decode(s).unwrap();
    let (h, p, _) = jwt::split(&t).unwrap();
    sig[10] ^= 1;
    assert_eq!(reject(&format!("{h}.{p}.{}", b64(&sig))).reason, Reason::TokenInvalidSignature);
    assert_eq!(reject(&format!("{h}.{p}.{}", b64(&sig[1..]))).reason, Reason::TokenInvalidSignature);
    assert_eq!(reject(&format!("{h}.{p}.")).reason, Reason::TokenInvalidSignature);
}

/// Signature before claims (a deliberate difference from Clerk, which checks claims first): an expired token
/// signed by someone else is token-invalid-signature, not token-expired.
#[test]
fn forged_expired_token_is_a_signature_failure() {
    let expired = json!({ "sub": "user_1", "exp": NOW_S - 3600 });
    let forged = token(&other_key_2048().pair, Alg::RS256, &expired);
    assert_eq!(reject(&forged).reason, Reason::TokenInvalidSignature);
    // The same claims, genuinely signed, are token-expired.
    let genuine = token(&key_2048().pair, Alg::RS256, &expired);
    assert_eq!(reject(&genuine).reason, Reason::TokenExpired);
    // And a forged token with a bad sub / azp is a signature failure too.
    let rules = ClaimRules { authorized_parties: vec!["https://a.example".into()], ..ClaimRules::default() };
    let v = local_verifier(&key_2048().key, rules);
    let forged = token(&other_key_2048().pair, Alg::RS256, &json!({ "azp": "https://evil", "exp": 1 }));
    assert_eq!(run(&v, &forged, NOW).unwrap_err().reason, Reason::TokenInvalidSignature);
}

#[test]
fn other_algorithms_are_refused() {
    let payload = b64(good_claims().to_string().as_bytes());
    for (header, shown) in [
        (r#"{"alg":"none"}"#, "\"none\""),
        (r#"{"alg":"HS256","typ":"JWT"}"#, "\"HS256\""),
        (r#"{"alg":"PS256"}"#, "\"PS256\""),
        (r#"{"alg":"ES256"}"#, "\"ES256\""),
        (r#"{"alg":"rs256"}"#, "\"rs256\""),
        (r#"{"alg":"RS256 "}"#, "\"RS256 \""),
        (r#"{"alg":null}"#, "null"),
        (r#"{"alg":["RS256"]}"#, "[\"RS256\"]"),
        (r#"{"typ":"JWT"}"#, "undefined"),
    ] {
        for sig in ["", "c2ln"] {
            let t = format!("{}.{payload}.{sig}", b64(header.as_bytes()));
            let err = reject(&t);
            assert_eq!(err.reason, Reason::TokenInvalidAlgorithm, "{header}");
            assert_eq!(err.message, format!("Invalid JWT algorithm {shown}. Supported: RS256,RS384,RS512."));
            assert_eq!(err.action, Some(action::ENSURE_CLERK_JWT));
        }
    }
    // HS256 keyed with the RSA public key's bytes (the classic confusion) is refused before any key is used.
    let der = key_2048().pair.public_key().as_der().unwrap();
    let hmac_key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, der.as_ref());
    let input = format!("{}.{payload}", b64(br#"{"alg":"HS256"}"#));
    let tag = aws_lc_rs::hmac::sign(&hmac_key, input.as_bytes());
    assert_eq!(reject(&format!("{input}.{}", b64(tag.as_ref()))).reason, Reason::TokenInvalidAlgorithm);
}

#[test]
fn header_rules() {
    let pair = &key_2048().pair;
    let claims = good_claims().to_string();
    let mk = |header: &str| token_raw(pair, Alg::RS256, header, &claims);
    // typ: absent or "JWT" only.
    assert!(run(&verifier(), &mk(r#"{"alg":"RS256","typ":"JWT"}"#), NOW).is_ok());
    let err = reject(&mk(r#"{"alg":"RS256","typ":"at+jwt"}"#));
    assert_eq!(err.reason, Reason::TokenInvalid);
    assert_eq!(err.message, "Invalid JWT type \"at+jwt\". Expected \"JWT\".");
    assert_eq!(err.action, Some(action::ENSURE_CLERK_JWT));
    assert_eq!(reject(&mk(r#"{"alg":"RS256","typ":"jwt"}"#)).reason, Reason::TokenInvalid);
    assert_eq!(reject(&mk(r#"{"alg":"RS256","typ":null}"#)).reason, Reason::TokenInvalid);
    // typ is checked before alg, as in Clerk.
    assert_eq!(reject(&mk(r#"{"alg":"none","typ":"at+jwt"}"#)).reason, Reason::TokenInvalid);
    // crit and b64.
    let err = reject(&mk(r#"{"alg":"RS256","crit":["exp"]}"#));
    assert_eq!(err.reason, Reason::TokenInvalid);
    assert!(err.message.contains("\"crit\""));
    let err = reject(&mk(r#"{"alg":"RS256","b64":false,"crit":["b64"]}"#));
    assert_eq!(err.reason, Reason::TokenInvalid);
    assert!(reject(&mk(r#"{"alg":"RS256","b64":true}"#)).message.contains("\"b64\""));
    // kid must be a string when present.
    let err = reject(&mk(r#"{"alg":"RS256","kid":7}"#));
    assert_eq!((err.reason, err.message.as_str()), (Reason::TokenInvalid, "Invalid JWT kid 7. Expected a string."));
    // Duplicate members, in the header or the payload.
    let err = reject(&mk(r#"{"alg":"RS256","alg":"RS256"}"#));
    assert_eq!(err.reason, Reason::TokenInvalid);
    assert!(err.message.starts_with("Invalid JWT header: duplicate member \"alg\""), "{}", err.message);
    assert_eq!(reject(&mk(r#"{"alg":"none","alg":"RS256"}"#)).reason, Reason::TokenInvalid);
    let dup_sub = format!(r#"{{"sub":"user_1","sub":"user_admin","exp":{}}}"#, NOW_S + 60);
    let err = reject(&token_raw(pair, Alg::RS256, r#"{"alg":"RS256"}"#, &dup_sub));
    assert_eq!(err.reason, Reason::TokenInvalid);
    assert!(err.message.starts_with("Invalid JWT payload: duplicate member \"sub\""), "{}", err.message);
    // Header and payload must be JSON objects.
    for payload in ["[1,2]", "\"sub\"", "42", "null", "", "{\"sub\":\"u\"} x", "{\"sub\":\"u\",}"] {
        let err = reject(&token_raw(pair, Alg::RS256, r#"{"alg":"RS256"}"#, payload));
        assert_eq!(err.reason, Reason::TokenInvalid, "payload {payload:?}");
        assert!(err.message.starts_with("Invalid JWT payload: "), "{payload:?}: {}", err.message);
    }
    for header in ["[\"RS256\"]", "\"RS256\"", "", "{\"alg\":\"RS256\"", "\u{feff}{\"alg\":\"RS256\"}"] {
        let err = reject(&mk(header));
        assert_eq!(err.reason, Reason::TokenInvalid, "header {header:?}");
        assert!(err.message.starts_with("Invalid JWT header: "), "{header:?}: {}", err.message);
    }
    // JSON whitespace around members is fine (it is still one object).
    assert!(run(&verifier(), &mk(" {\n\"alg\" : \"RS256\"\t} "), NOW).is_ok());
}

#[test]
fn base64url_must_be_strict() {
    let t = token(&key_2048().pair, Alg::RS256, &good_claims());
    let (h, p, s) = jwt::split(&t).unwrap();
    let std_alphabet = |part: &str| part.replace('-', "+").replace('_', "/");
    let mut variants = vec![
        format!("{h}=.{p}.{s}"),
        format!("{h}.{p}=.{s}"),
        format!("{h}.{p}.{s}="),
        format!("{h}.{p}.{s}=="),
        format!(" {h}.{p}.{s}"),
        format!("{h}.{p}.{s} "),
        format!("{h}.{p}.{s}\n"),
        format!("{h}.{p} .{s}"),
        format!("{h}.{p}.{}", &s[..s.len() - 1]), // a length no base64 has, or a short signature
    ];
    if s.contains(['-', '_']) {
        variants.push(format!("{h}.{p}.{}", std_alphabet(s)));
    }
    // A signature with '+' and '/' in it for sure: any bytes, standard alphabet.
    variants.push(format!("{h}.{p}.{}", STANDARD.encode([0xfb_u8, 0xff, 0xbf, 0xfe]).trim_end_matches('=')));
    variants.push(format!("{h}.{p}.ab+/"));
    variants.push(format!("{h}+.{p}.{s}"));
    variants.push(format!("{h}.{p}/.{s}"));
    for v in &variants {
        let err = reject(v);
        if err.reason == Reason::TokenInvalidSignature {
            // Only a well-formed but wrong signature may get this far (the shortened one, if its length decodes).
            assert!(v.ends_with(&s[..s.len() - 1]), "{v:?}");
        } else {
            assert_eq!(err.reason, Reason::TokenInvalid, "{v:?}: {err:?}");
        }
    }
    // Non-canonical trailing bits: "e30" is "{}"; "e31" has the same bytes with non-zero unused bits.
    assert!(jwt::b64url_decode("e30").is_some());
    assert!(jwt::b64url_decode("e31").is_none());
    assert!(jwt::b64url_decode("e30=").is_none());
    assert!(jwt::b64url_decode("e3+").is_none() && jwt::b64url_decode("e3/").is_none());
    // A genuine token whose header has unused trailing bits: `{"alg":"RS256","kid":"k"}` is 25 bytes, so its
    // last base64url character carries 4 unused bits. Setting one decodes to the same bytes in a lenient decoder;
    // here it is refused as not strict base64url.
    let t = token_raw(&key_2048().pair, Alg::RS256, r#"{"alg":"RS256","kid":"k"}"#, &good_claims().to_string());
    assert!(run(&verifier(), &t, NOW).is_ok());
    let (h, p, s) = jwt::split(&t).unwrap();
    assert_eq!(h.len() % 4, 2);
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let idx = alphabet.find(h.chars().last().unwrap()).unwrap();
    let bumped = alphabet.as_bytes()[idx ^ 1] as char; // the lowest bit of the last character is unused
    let err = reject(&format!("{}{bumped}.{p}.{s}", &h[..h.len() - 1]));
    assert_eq!(err.reason, Reason::TokenInvalid);
    assert_eq!(err.message, "Invalid JWT header: not strict base64url (RFC 7515 §2).");
}

#[test]
fn form_and_size() {
    let t = token(&key_2048().pair, Alg::RS256, &good_claims());
    let form = "Invalid JWT form. A JWT consists of three parts separated by dots.";
    for bad in [format!("{t}.x"), format!("{t}."), t.replacen('.', "", 1), String::new(), "a.b".into(), "....".into()] {
        let err = reject(&bad);
        assert_eq!((err.reason, err.message.as_str()), (Reason::TokenInvalid, form), "{bad:?}");
    }
    // Over 16 KiB: refused before decoding, even when it is otherwise a genuine token.
    let big = json!({ "sub": "user_1", "exp": NOW_S + 60, "pad": "x".repeat(MAX_TOKEN_BYTES) });
    let t = token(&key_2048().pair, Alg::RS256, &big);
    assert!(t.len() > MAX_TOKEN_BYTES);
    let err = reject(&t);
    assert_eq!(err.reason, Reason::TokenInvalid);
    assert!(err.message.contains("at most 16384 bytes"), "{}", err.message);
    // Just under the cap is fine.
    let fill = MAX_TOKEN_BYTES
        - token(&key_2048().pair, Alg::RS256, &json!({ "sub": "user_1", "exp": NOW_S + 60, "pad": "" })).len();
    let pad = "x".repeat(fill * 3 / 4 - 2);
    let t = token(&key_2048().pair, Alg::RS256, &json!({ "sub": "user_1", "exp": NOW_S + 60, "pad": pad }));
    assert!(t.len() <= MAX_TOKEN_BYTES, "{}", t.len());
    assert!(run(&verifier(), &t, NOW).is_ok());
}

#[test]
fn decode_never_panics_on_noise() {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let pieces = ["e30", ".", "=", "+", "/", "-", "_", "eyJhbGciOiJSUzI1NiJ9", "AA", " ", "é", "\u{0}", "e3", "x"];
    for _ in 0..5_000 {
        let mut t = String::new();
        for _ in 0..(state % 12) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            t.push_str(pieces[(state % pieces.len() as u64) as usize]);
        }
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        assert!(run(&verifier(), &t, NOW).is_err(), "{t:?}");
        let _ = jwt::decode_header_and_signature(&t);
    }
}

#[test]
fn key_policy_from_components() {
    let odd = |bits: usize| -> Vec<u8> {
        let mut n = vec![0xffu8; bits / 8];
        *n.last_mut().unwrap() |= 1;
        n
    };
    let e = [0x01, 0x00, 0x01];
    for bits in [512, 1024, 2040] {
        let err = RsaKey::from_components(&odd(bits), &e, None, None).unwrap_err();
        assert!(err.contains("at least 2048"), "{bits}: {err}");
    }
    let err = RsaKey::from_components(&odd(8200), &e, None, None).unwrap_err();
    assert!(err.contains("at most 8192"), "{err}");
    // Leading zero bytes do not count (a 1024-bit modulus padded to 256 bytes is still 1024 bits).
    let mut padded = vec![0u8; 128];
    padded.extend(odd(1024));
    assert!(RsaKey::from_components(&padded, &e, None, None).unwrap_err().contains("1024 bits"));
    // Exponents.
    let (n, _) = public_n_e(&key_2048().pair);
    for (bad, why) in [
        (vec![1u8], "exponent 1 is not allowed"),
        (vec![0, 0, 1], "exponent 1 is not allowed"),
        (vec![2u8], "exponent 2 is not allowed"),
        (vec![1, 0, 0], "exponent 65536 is not allowed"),
        (vec![0u8], "between 3 and 2^32 - 1"),
        (vec![], "between 3 and 2^32 - 1"),
        (vec![1, 0, 0, 0, 1], "between 3 and 2^32 - 1"),
    ] {
        let err = RsaKey::from_components(&n, &bad, None, None).unwrap_err();
        assert!(err.contains(why), "{bad:?}: {err}");
    }
    // An even modulus.
    let mut even = n.clone();
    *even.last_mut().unwrap() &= 0xfe;
    assert_eq!(RsaKey::from_components(&even, &e, None, None).unwrap_err(), "RSA modulus is even");
    // The generated key itself, also with a leading zero byte (as DER integers carry it), and e = 3.
    let k = RsaKey::from_components(&n, &e, Some("kid".into()), Some(Alg::RS512)).unwrap();
    assert_eq!((k.modulus_bits, k.kid.as_deref(), k.alg), (2048, Some("kid"), Some(Alg::RS512)));
    let mut with_zero = vec![0u8];
    with_zero.extend(&n);
    assert_eq!(RsaKey::from_components(&with_zero, &[0, 1, 0, 1], None, None).unwrap().modulus_bits, 2048);
    assert!(RsaKey::from_components(&n, &[3], None, None).is_ok());
    // A pinned alg: the key verifies that algorithm only.
    let msg = b"message";
    let sig = sign(&key_2048().pair, Alg::RS256, msg);
    let pinned_384 = RsaKey::from_components(&n, &e, None, Some(Alg::RS384)).unwrap();
    assert!(!pinned_384.verify(Alg::RS256, msg, &sig));
    let pinned_256 = RsaKey::from_components(&n, &e, None, Some(Alg::RS256)).unwrap();
    assert!(pinned_256.verify(Alg::RS256, msg, &sig));
}

/// A 3072-bit PEM (`CLERK_JWT_KEY`) works end to end; Clerk's own networkless path only handles 2048-bit keys.
#[test]
fn pem_3072_end_to_end() {
    let pem = spki_pem(&key_3072().pair);
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    for text in [pem.clone(), pem.replace('\n', "\\n"), body.clone()] {
        let key = RsaKey::from_pem(&text).unwrap();
        assert_eq!(key.modulus_bits, 3072);
        let v = local_verifier(&Arc::new(key), ClaimRules::default());
        for alg in ALL_ALGS {
            let t = token(&key_3072().pair, alg, &good_claims());
            run(&v, &t, NOW).unwrap_or_else(|e| panic!("{alg:?}: {e:?}"));
        }
        // The 2048-bit key's tokens do not verify with it.
        let t = token(&key_2048().pair, Alg::RS256, &good_claims());
        assert_eq!(run(&v, &t, NOW).unwrap_err().reason, Reason::TokenInvalidSignature);
    }
}

#[test]
fn full_message_format() {
    let err = VerifyError::new(Reason::TokenInvalidSignature, "JWT signature is invalid.");
    assert_eq!(
        err.full_message(Some("cookie")),
        "JWT signature is invalid. (reason=token-invalid-signature, token-carrier=cookie)"
    );
    assert_eq!(
        err.full_message(None),
        "JWT signature is invalid. (reason=token-invalid-signature, token-carrier=undefined)"
    );
    let err = VerifyError::new(
        Reason::TokenVerificationFailed,
        "Subject claim (sub) is required and must be a string. Received undefined.",
    )
    .with_action(action::ENSURE_CLERK_JWT);
    assert_eq!(
        err.full_message(None),
        "Subject claim (sub) is required and must be a string. Received undefined. Make sure that this is a valid \
         Clerk-generated JWT. (reason=token-verification-failed, token-carrier=undefined)"
    );
    assert_eq!(
        err.full_message(Some("header")),
        "Subject claim (sub) is required and must be a string. Received undefined. Make sure that this is a valid \
         Clerk-generated JWT. (reason=token-verification-failed, token-carrier=header)"
    );
    // An empty message gets no leading space before the action.
    let err = VerifyError::new(Reason::JwkKidMismatch, "").with_action(action::CONTACT_SUPPORT);
    assert_eq!(err.full_message(None), "Contact support@clerk.com (reason=jwk-kid-mismatch, token-carrier=undefined)");
    assert_eq!(err.to_string(), "");
}

#[test]
fn reason_strings() {
    let all: Vec<&str> = Reason::ALL.iter().map(|r| r.as_str()).collect();
    assert_eq!(
        all,
        [
            "token-expired",
            "token-invalid",
            "token-invalid-algorithm",
            "token-invalid-authorized-parties",
            "token-invalid-signature",
            "token-not-active-yet",
            "token-iat-in-the-future",
            "token-verification-failed",
            "secret-key-invalid",
            "jwk-local-missing",
            "jwk-remote-failed-to-load",
            "jwk-remote-invalid",
            "jwk-remote-missing",
            "jwk-failed-to-resolve",
            "jwk-kid-mismatch",
        ]
    );
    assert_eq!(Reason::TokenExpired.to_string(), "token-expired");
    // Clerk's TokenVerificationErrorAction texts.
    assert_eq!(action::CONTACT_SUPPORT, "Contact support@clerk.com");
    assert_eq!(action::ENSURE_CLERK_JWT, "Make sure that this is a valid Clerk-generated JWT.");
    assert_eq!(action::SET_CLERK_JWT_KEY, "Set the CLERK_JWT_KEY environment variable.");
    assert_eq!(action::SET_CLERK_SECRET_KEY, "Set the CLERK_SECRET_KEY environment variable.");
    assert_eq!(
        action::ENSURE_CLOCK_SYNC,
        "Make sure your system clock is in sync (e.g. turn off and on automatic time synchronization)."
    );
    assert_eq!(
        action::KID_MISMATCH,
        "Go to your Dashboard and validate your secret and public keys are correct. Contact support@clerk.com if \
         the issue persists."
    );
}

#[test]
fn other_key_sources() {
    let t = token(&key_2048().pair, Alg::RS256, &good_claims());
    let none = Verifier { keys: KeySource::Unresolvable, rules: ClaimRules::default(), cache: None };
    let err = run(&none, &t, NOW).unwrap_err();
    assert_eq!(err.reason, Reason::JwkFailedToResolve);
    assert_eq!(err.message, "Failed to resolve JWK during verification.");
    assert_eq!(err.action, Some(action::SET_CLERK_JWT_KEY));
    // A malformed token is refused before the key source is consulted.
    assert_eq!(run(&none, "x", NOW).unwrap_err().reason, Reason::TokenInvalid);
    // A remote cache that has never fetched asks for a fetch (no network is touched by verify_now).
    let remote = crate::jwks::RemoteJwks::new(crate::jwks::JwksConfig::new("http://127.0.0.1:9", "sk_test"));
    let v = Verifier { keys: KeySource::Remote(Arc::new(remote)), rules: ClaimRules::default(), cache: None };
    assert!(matches!(v.verify_now(&t, NOW), Checked::NeedsNetwork));
    assert!(matches!(v.verify_now("a.b", NOW), Checked::Failed(ref e) if e.reason == Reason::TokenInvalid));
}

/// The async entry point with a local key answers without fetching, and reads the clock through the closure.
#[test]
fn async_verify_with_local_key() {
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let v = verifier();
    let t = token(&key_2048().pair, Alg::RS256, &good_claims());
    let ok = rt.block_on(v.verify(&t, || NOW)).answered().expect("online").unwrap();
    assert_eq!(claims_of(&ok)["sub"], "user_1");
    let err = rt.block_on(v.verify(&t, || NOW + 3_600_000.0)).answered().expect("online").unwrap_err();
    assert_eq!(err.reason, Reason::TokenExpired);
}

/// The verified payload as a map, in the order the token lists its claims.
fn claims_of(ok: &crate::token_verifier::Verified) -> serde_json::Map<String, serde_json::Value> {
    serde_json::from_str(&ok.payload_json).expect("verified payload is a JSON object")
}
