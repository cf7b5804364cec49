//! Shared helpers: reading the test vectors (`src/tests/vectors/`, sources in its README), hex and base64url, generated RSA key pairs and
//! hand-built tokens.

use std::sync::{Arc, OnceLock};

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair, KeySize, PublicKeyComponents};
use aws_lc_rs::signature::{self, KeyPair as _};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::{json, Map, Value};

use crate::error::VerifyResult;
use crate::jwt::Alg;
use crate::key::RsaKey;
use crate::verifier::{Attempt, KeySource, Verified, Verifier};
use crate::verify::ClaimRules;

/// The vectors, with their sources and licences in `src/tests/vectors/README.md`.
pub const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/tests/vectors");

pub fn vector_path(relative: &str) -> String {
    format!("{VECTORS}/{relative}")
}

pub fn load_json(relative: &str) -> Value {
    let path = vector_path(relative);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read test vector {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"))
}

pub fn hex(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2), "odd-length hex {s:?}");
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex digit")).collect()
}

pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Lenient base64url for looking inside malformed vectors (padding and garbage tolerated by skipping them).
pub fn b64_lenient(s: &str) -> Option<Vec<u8>> {
    let cleaned: String = s.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
    base64::engine::general_purpose::GeneralPurpose::new(
        &base64::alphabet::URL_SAFE,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    )
    .decode(cleaned)
    .ok()
}

/// The string member `name` (`alg`, `kid`, …) of a compact token's header, read leniently (`None` when the header
/// is not a JSON object with a string `name`).
pub fn header_str(token: &str, name: &str) -> Option<String> {
    let header = b64_lenient(token.split('.').next()?)?;
    let v: Value = serde_json::from_slice(&header).ok()?;
    v.get(name)?.as_str().map(str::to_owned)
}

pub fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        other => panic!("expected a JSON object, got {other}"),
    }
}

pub fn str_field<'a>(v: &'a Value, name: &str) -> &'a str {
    v.get(name).and_then(Value::as_str).unwrap_or_else(|| panic!("missing string field {name:?} in {v}"))
}

pub fn alg_from_sha(sha: &str) -> Alg {
    match sha {
        "SHA-256" => Alg::RS256,
        "SHA-384" => Alg::RS384,
        "SHA-512" => Alg::RS512,
        other => panic!("unexpected hash {other}"),
    }
}

pub const ALL_ALGS: [Alg; 3] = [Alg::RS256, Alg::RS384, Alg::RS512];

/// A public JWK's `n` and `e` as an unpinned key (no kid, no alg, `use`/`key_ops` ignored).
pub fn key_from_n_e(jwk: &Value) -> Result<RsaKey, String> {
    let n = URL_SAFE_NO_PAD.decode(str_field(jwk, "n")).map_err(|e| e.to_string())?;
    let e = URL_SAFE_NO_PAD.decode(str_field(jwk, "e")).map_err(|e| e.to_string())?;
    RsaKey::from_components(&n, &e, None, None)
}

/// The public members of a JWK: every private member (RSA `d p q dp dq qi oth`, EC `d`, oct `k`) removed.
pub fn public_part(jwk: &Value) -> Value {
    let mut m = jwk.as_object().expect("a JWK is an object").clone();
    for private in ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] {
        m.remove(private);
    }
    Value::Object(m)
}

/// Generated key pairs, made once per test binary (key generation is slow in debug builds).
pub struct TestKey {
    pub pair: KeyPair,
    pub key: Arc<RsaKey>,
}

fn make(size: KeySize) -> TestKey {
    let pair = KeyPair::generate(size).expect("RSA key generation");
    let (n, e) = public_n_e(&pair);
    let key = RsaKey::from_components(&n, &e, None, None).expect("generated key is acceptable");
    TestKey { pair, key: Arc::new(key) }
}

/// The public modulus and exponent of `pair` (big-endian bytes).
pub fn public_n_e(pair: &KeyPair) -> (Vec<u8>, Vec<u8>) {
    let c = PublicKeyComponents::<Vec<u8>>::from(pair.public_key());
    (c.n, c.e)
}

/// The public JWK of `pair`, `{"kty":"RSA","kid":<kid>,"n":…,"e":…}`, with the members of `extra` set on top.
pub fn rsa_jwk(pair: &KeyPair, kid: &str, extra: Value) -> Value {
    let (n, e) = public_n_e(pair);
    let mut jwk = json!({ "kty": "RSA", "kid": kid, "n": b64(&n), "e": b64(&e) });
    for (k, v) in obj(extra) {
        jwk[k] = v;
    }
    jwk
}

/// The SubjectPublicKeyInfo PEM of `pair`, 64 characters a line, as a `CLERK_JWT_KEY` holds it.
pub fn spki_pem(pair: &KeyPair) -> String {
    let der = pair.public_key().as_der().expect("SPKI DER");
    let body = STANDARD.encode(der.as_ref());
    let lines: Vec<&str> = body.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).unwrap()).collect();
    format!("-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n", lines.join("\n"))
}

/// A publishable key for the Frontend API `host`: `prefix` (`pk_live_` / `pk_test_`) + base64(`host$`).
pub fn publishable(prefix: &str, host: &str) -> String {
    format!("{prefix}{}", STANDARD.encode(format!("{host}$")))
}

pub fn key_2048() -> &'static TestKey {
    static K: OnceLock<TestKey> = OnceLock::new();
    K.get_or_init(|| make(KeySize::Rsa2048))
}

/// A second, unrelated key: the forger's.
pub fn other_key_2048() -> &'static TestKey {
    static K: OnceLock<TestKey> = OnceLock::new();
    K.get_or_init(|| make(KeySize::Rsa2048))
}

pub fn key_3072() -> &'static TestKey {
    static K: OnceLock<TestKey> = OnceLock::new();
    K.get_or_init(|| make(KeySize::Rsa3072))
}

pub fn sign(pair: &KeyPair, alg: Alg, message: &[u8]) -> Vec<u8> {
    let padding: &'static dyn signature::RsaEncoding = match alg {
        Alg::RS256 => &signature::RSA_PKCS1_SHA256,
        Alg::RS384 => &signature::RSA_PKCS1_SHA384,
        Alg::RS512 => &signature::RSA_PKCS1_SHA512,
    };
    let mut sig = vec![0u8; pair.public_modulus_len()];
    pair.sign(padding, &SystemRandom::new(), message, &mut sig).expect("RSA signing");
    sig
}

/// `b64(header).b64(payload).b64(sign(b64(header).b64(payload)))` with the raw header and payload text given.
pub fn token_raw(pair: &KeyPair, alg: Alg, header: &str, payload: &str) -> String {
    let input = format!("{}.{}", b64(header.as_bytes()), b64(payload.as_bytes()));
    let sig = sign(pair, alg, input.as_bytes());
    format!("{input}.{}", b64(&sig))
}

/// A token whose header is `{"alg":<alg>,"kid":"k1","typ":"JWT"}`.
pub fn token(pair: &KeyPair, alg: Alg, payload: &Value) -> String {
    let header = format!(r#"{{"alg":"{}","kid":"k1","typ":"JWT"}}"#, alg.as_str());
    token_raw(pair, alg, &header, &payload.to_string())
}

pub fn local_verifier(key: &Arc<RsaKey>, rules: ClaimRules) -> Verifier {
    Verifier { keys: KeySource::Local(Arc::clone(key)), rules, cache: None }
}

/// `verify_now` for a source that never needs a fetch.
pub fn run(verifier: &Verifier, token: &str, now_ms: f64) -> VerifyResult<Verified> {
    match verifier.verify_now(token, now_ms) {
        Attempt::Done(result) => result,
        Attempt::NeedsFetch => panic!("a local key source never asks for a fetch"),
    }
}

/// Signature check for parts whose payload was not parsed (no claims involved).
pub fn jws_signature_ok(parts: &crate::jwt::JwsParts<'_>, key: &RsaKey) -> bool {
    key.verify(parts.alg, parts.signing_input, &parts.signature)
}

/// A request-decision configuration with no satellite, no proxy and a Backend API nobody answers (offline tests).
pub fn offline_config(secret_key: &str) -> crate::authenticate::AuthenticatorConfig {
    crate::authenticate::AuthenticatorConfig {
        domain: String::new(),
        is_satellite: false,
        proxy_url: String::new(),
        sign_in_url: String::new(),
        bapi: crate::bapi::Bapi {
            api_url: "http://127.0.0.1:9".into(),
            api_version: "v1".into(),
            secret_key: secret_key.into(),
            user_agent: "test".into(),
        },
    }
}

/// The decision for publishable key `publishable` (which must be valid) over `verifier`, with `offline_config`.
pub fn offline_authenticator(publishable: &str, verifier: Verifier) -> crate::authenticate::Authenticator {
    let pk = crate::publishable_key::PublishableKey::parse(publishable).expect("a valid publishable key");
    crate::authenticate::Authenticator::new(offline_config("sk_live_x"), pk, verifier)
}
