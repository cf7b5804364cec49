//! Shared helpers: reading the test vectors (the crate's `tests/vectors/`, sources in its README), hex and
//! base64url. Key pairs, signed tokens and offline verifiers come from `crate::testkit` (re-exported here).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{Map, Value};

use crate::jwt::Alg;
use crate::key::RsaKey;
pub use crate::testkit::*;

/// The vectors, with their sources and licences in `tests/vectors/README.md` (beside this crate's `src/`).
pub const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors");

pub fn vector_path(relative: &str) -> String {
    format!("{VECTORS}/{relative}")
}

pub fn load_json(relative: &str) -> Value {
    let path = vector_path(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read test vector {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"))
}

pub fn hex(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2), "odd-length hex {s:?}");
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex digit")).collect()
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

/// Signature check for parts whose payload was not parsed (no claims involved).
pub fn jws_signature_ok(parts: &crate::jwt::JwsParts<'_>, key: &RsaKey) -> bool {
    key.verify(parts.alg, parts.signing_input, &parts.signature)
}
