//! Test material for this crate's tests and for other crates' (the fuzz targets): generated RSA key pairs, tokens
//! signed with them, and verifiers and request decisions over a local key that never touch the network. Compiled
//! for the crate's own tests and with the `testkit` feature; the addon never enables it.

use std::sync::{Arc, OnceLock};

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair, KeySize, PublicKeyComponents};
use aws_lc_rs::signature::{self, KeyPair as _};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::{json, Value};

use crate::authenticate::{Authenticator, AuthenticatorConfig};
use crate::bapi::Bapi;
use crate::claims::ClaimRules;
use crate::clerk_request::Routing;
use crate::error::VerifyResult;
use crate::generation::Generation;
use crate::jwt::Alg;
use crate::key::RsaKey;
use crate::publishable_key::PublishableKey;
use crate::token_verifier::{KeySource, Verified, Verifier};

/// Strict base64url without padding, as tokens use it.
pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A generated key pair and its public key as the verifier holds it (no kid, no pinned alg).
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

/// Made once per process (key generation is slow in debug builds).
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

/// The public modulus and exponent of `pair` (big-endian bytes).
pub fn public_n_e(pair: &KeyPair) -> (Vec<u8>, Vec<u8>) {
    let c = PublicKeyComponents::<Vec<u8>>::from(pair.public_key());
    (c.n, c.e)
}

/// The public JWK of `pair`, `{"kty":"RSA","kid":<kid>,"n":…,"e":…}`, with the members of `extra` set on top.
pub fn rsa_jwk(pair: &KeyPair, kid: &str, extra: Value) -> Value {
    let (n, e) = public_n_e(pair);
    let mut jwk = json!({ "kty": "RSA", "kid": kid, "n": b64(&n), "e": b64(&e) });
    let Value::Object(extra) = extra else { panic!("extra JWK members must be a JSON object, got {extra}") };
    for (k, v) in extra {
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

/// The RSASSA-PKCS1-v1_5 signature of `message` with the digest of `alg`.
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

/// `b64(header).b64(payload).b64(sign(b64(header).b64(payload)))` for header and payload bytes of any kind.
pub fn signed_token(pair: &KeyPair, alg: Alg, header: &[u8], payload: &[u8]) -> String {
    let input = format!("{}.{}", b64(header), b64(payload));
    let sig = sign(pair, alg, input.as_bytes());
    format!("{input}.{}", b64(&sig))
}

/// `signed_token` with the raw header and payload text given.
pub fn token_raw(pair: &KeyPair, alg: Alg, header: &str, payload: &str) -> String {
    signed_token(pair, alg, header.as_bytes(), payload.as_bytes())
}

/// A token whose header is `{"alg":<alg>,"kid":"k1","typ":"JWT"}`.
pub fn token(pair: &KeyPair, alg: Alg, payload: &Value) -> String {
    let header = format!(r#"{{"alg":"{}","kid":"k1","typ":"JWT"}}"#, alg.as_str());
    token_raw(pair, alg, &header, &payload.to_string())
}

/// A verifier with `key` for every kid and no token cache.
pub fn local_verifier(key: &Arc<RsaKey>, rules: ClaimRules) -> Verifier {
    Verifier { keys: KeySource::Local(Arc::clone(key)), rules, cache: None }
}

/// `verify_now` for a source that never needs the network.
pub fn run(verifier: &Verifier, token: &str, now_ms: f64) -> VerifyResult<Verified> {
    verifier.verify_now(token, now_ms).answered().expect("a local key source never needs the network")
}

/// A request-decision configuration with no satellite, no proxy and a Backend API nobody answers (offline tests).
pub fn offline_config(secret_key: &str) -> AuthenticatorConfig {
    AuthenticatorConfig {
        routing: Routing::default(),
        sign_in_url: String::new(),
        bapi: Bapi {
            api_url: "http://127.0.0.1:9".into(),
            api_version: "v1".into(),
            secret_key: secret_key.into(),
            user_agent: "test".into(),
            clerk_api_version: Generation::Backend2.clerk_api_version(),
        },
        generation: Generation::Backend2,
    }
}

/// The decision for publishable key `publishable` (which must be valid) over `verifier`, with `offline_config`.
pub fn offline_authenticator(publishable: &str, verifier: Verifier) -> Authenticator {
    let pk = PublishableKey::parse(publishable).expect("a valid publishable key");
    Authenticator::new(offline_config("sk_live_x"), pk, verifier)
}
