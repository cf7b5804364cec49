//! Strict decoding of a compact JWS before any key is looked up: size cap, exactly three parts, base64url without
//! padding or foreign characters (and canonical trailing bits), header and payload JSON objects without duplicate
//! members, and the header rules (`alg` RS256/384/512, `typ` absent or `JWT`, no `crit`, no `b64`). The header
//! members `jku`, `x5u`, `jwk` and `x5c` are never read.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::{Map, Value};

use crate::error::{action, Reason, VerifyError, VerifyResult};

/// Tokens longer than this are rejected before any decoding (Clerk session tokens are well under 4 KiB).
pub const MAX_TOKEN_BYTES: usize = 16 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Alg {
    RS256,
    RS384,
    RS512,
}

impl Alg {
    pub fn parse(s: &str) -> Option<Alg> {
        match s {
            "RS256" => Some(Alg::RS256),
            "RS384" => Some(Alg::RS384),
            "RS512" => Some(Alg::RS512),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Alg::RS256 => "RS256",
            Alg::RS384 => "RS384",
            Alg::RS512 => "RS512",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

#[derive(Debug)]
pub struct DecodedJwt<'t> {
    pub alg: Alg,
    pub kid: Option<String>,
    /// The payload exactly as sent (decoded from base64url): handed to JS as is, so claim order survives.
    pub payload_json: String,
    pub payload: Map<String, Value>,
    /// `base64url(header) . base64url(payload)`: the bytes the signature covers.
    pub signing_input: &'t [u8],
    pub signature: Vec<u8>,
}

fn invalid(message: impl Into<String>) -> VerifyError {
    VerifyError::new(Reason::TokenInvalid, message)
}

pub fn invalid_form() -> VerifyError {
    invalid("Invalid JWT form. A JWT consists of three parts separated by dots.")
}

/// Strict base64url: the alphabet `A-Z a-z 0-9 - _` only, no `=`, no whitespace, unused trailing bits zero.
pub fn b64url_decode(part: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(part).ok()
}

/// Splits a compact JWS into its three parts; `None` unless there are exactly three.
pub fn split(token: &str) -> Option<(&str, &str, &str)> {
    let mut it = token.splitn(4, '.');
    let (h, p, s) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() {
        return None;
    }
    Some((h, p, s))
}

/// A compact JWS checked exactly as `decode` checks it, except that the payload is only base64url-decoded, not
/// parsed: for signatures over arbitrary bytes (JWS test vectors whose payload is not a JSON object). It never
/// reads claims, so it must not be used to accept a session token; `decode` is that path.
#[derive(Debug)]
pub struct JwsParts<'t> {
    pub alg: Alg,
    pub kid: Option<String>,
    pub payload: Vec<u8>,
    /// `base64url(header) . base64url(payload)`: the bytes the signature covers.
    pub signing_input: &'t [u8],
    pub signature: Vec<u8>,
}

pub fn decode_header_and_signature(token: &str) -> VerifyResult<JwsParts<'_>> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(invalid(format!(
            "Invalid JWT: the token is {} bytes long; at most {MAX_TOKEN_BYTES} bytes are accepted.",
            token.len()
        )));
    }
    let (h64, p64, s64) = split(token).ok_or_else(invalid_form)?;

    let header_bytes =
        b64url_decode(h64).ok_or_else(|| invalid("Invalid JWT header: not strict base64url (RFC 7515 §2)."))?;
    let header = parse_object(&header_bytes).map_err(|why| invalid(format!("Invalid JWT header: {why}.")))?;

    // Clerk's order: typ, then alg.
    match header.get("typ") {
        None => {}
        Some(Value::String(t)) if t == "JWT" => {}
        Some(other) => {
            return Err(invalid(format!("Invalid JWT type {}. Expected \"JWT\".", js_stringify(Some(other))))
                .with_action(action::ENSURE_CLERK_JWT))
        }
    }
    let alg = match header.get("alg") {
        Some(Value::String(a)) => Alg::parse(a),
        _ => None,
    }
    .ok_or_else(|| {
        VerifyError::new(
            Reason::TokenInvalidAlgorithm,
            format!("Invalid JWT algorithm {}. Supported: RS256,RS384,RS512.", js_stringify(header.get("alg"))),
        )
        .with_action(action::ENSURE_CLERK_JWT)
    })?;
    if header.contains_key("crit") {
        return Err(invalid("Invalid JWT header: the \"crit\" member is not supported (RFC 7515 §4.1.11)."));
    }
    if header.contains_key("b64") {
        return Err(invalid("Invalid JWT header: unencoded payloads (\"b64\", RFC 7797) are not supported."));
    }
    let kid = match header.get("kid") {
        None => None,
        Some(Value::String(k)) => Some(k.clone()),
        Some(other) => {
            return Err(invalid(format!(
                "Invalid JWT kid {}. Expected a string.",
                js_stringify(Some(other))
            )))
        }
    };

    let payload =
        b64url_decode(p64).ok_or_else(|| invalid("Invalid JWT payload: not strict base64url (RFC 7515 §2)."))?;
    let signature =
        b64url_decode(s64).ok_or_else(|| invalid("Invalid JWT signature: not strict base64url (RFC 7515 §2)."))?;

    Ok(JwsParts { alg, kid, payload, signing_input: &token.as_bytes()[..h64.len() + 1 + p64.len()], signature })
}

/// `decode_header_and_signature`, then the payload must be a JSON object without duplicate members.
pub fn decode(token: &str) -> VerifyResult<DecodedJwt<'_>> {
    let parts = decode_header_and_signature(token)?;
    let payload = parse_object(&parts.payload).map_err(|why| invalid(format!("Invalid JWT payload: {why}.")))?;
    // parse_object only accepts UTF-8 JSON, so this cannot fail; map the impossible case anyway.
    let payload_json = String::from_utf8(parts.payload).map_err(|_| invalid("Invalid JWT payload: not UTF-8."))?;

    Ok(DecodedJwt {
        alg: parts.alg,
        kid: parts.kid,
        payload_json,
        payload,
        signing_input: parts.signing_input,
        signature: parts.signature,
    })
}

/// A JSON object whose top-level members are unique (a duplicate member makes the meaning of a JWT ambiguous:
/// RFC 7515 §5.2 lets a verifier reject it, and we do). serde_json's recursion limit bounds nesting.
pub fn parse_object(bytes: &[u8]) -> Result<Map<String, Value>, String> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let obj = de.deserialize_map(UniqueObject).map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())?;
    Ok(obj)
}

struct UniqueObject;

impl<'de> Visitor<'de> for UniqueObject {
    type Value = Map<String, Value>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            if map.contains_key(&key) {
                return Err(de::Error::custom(format_args!("duplicate member {key:?}")));
            }
            let value: Value = access.next_value()?;
            map.insert(key, value);
        }
        Ok(map)
    }
}

/// `JSON.stringify(v)` for the values that appear in Clerk's messages (`undefined` when absent).
pub fn js_stringify(v: Option<&Value>) -> String {
    match v {
        None => "undefined".to_owned(),
        Some(v) => serde_json::to_string(v).unwrap_or_else(|_| "undefined".to_owned()),
    }
}
