//! Strict decoding of a compact JWS before any key is looked up: size cap, exactly three parts, base64url without
//! padding or foreign characters (and canonical trailing bits), header and payload JSON objects without duplicate
//! members, and the header rules (`alg` RS256/384/512, `typ` absent or `JWT`, no `crit`, no `b64`). The header
//! members `jku`, `x5u`, `jwk` and `x5c` are never read.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use std::borrow::Cow;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::Value;

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

/// A compact JWS decoded for verification: the header rules passed, the payload is UTF-8 JSON text (kept as sent,
/// so claim order survives the trip to JS) and the checked claims are parsed out of it.
#[derive(Debug)]
pub struct DecodedJwt<'t> {
    pub jws: JwsParts<'t, String>,
    /// Only the claims the checks read; the rest stay in `jws.payload`.
    pub claims: Claims,
}

/// The header members that matter; any other member is skipped (but still counted for duplicates).
const HEADER_MEMBERS: [&str; 6] = ["typ", "alg", "crit", "b64", "kid", "cat"];
/// The claims `claims::check_claims` reads. Any other member (`iss` included) is skipped without building a value, so
/// a signed payload whose other members JSON cannot hold as values (a lone surrogate, `1e400`) still verifies, as in
/// Clerk.
pub const CLAIM_MEMBERS: [&str; 6] = ["sub", "aud", "azp", "exp", "nbf", "iat"];

pub type Claims = Members<6>;

/// The claims the suffixed-cookie choice reads from a session token, unverified (`clerk_request`).
pub const COOKIE_CHOICE_MEMBERS: [&str; 3] = ["iss", "iat", "exp"];

/// Selected top-level members of a JSON object, by position in the name list given to `parse_members`.
#[derive(Debug, Clone)]
pub struct Members<const N: usize> {
    names: &'static [&'static str; N],
    values: [Option<Value>; N],
}

impl<const N: usize> Members<N> {
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.names.iter().position(|n| *n == name).and_then(|i| self.values[i].as_ref())
    }

    pub fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
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

/// Members `names` of one base64url-encoded JSON object part (a header or a payload), read without verification;
/// `None` when the part is not strict base64url of a JSON object without duplicate members.
pub fn unverified_members<const N: usize>(part: &str, names: &'static [&'static str; N]) -> Option<Members<N>> {
    parse_members(&b64url_decode(part)?, names).ok()
}

/// Members `names` of a token's payload, unverified (Clerk's `decodeJwt`, where a decision reads a claim before any
/// verification: the cookie choice, the `iat` check, the refresh's `sid`). `Err` is Clerk's `token-invalid`.
pub fn unverified_payload<const N: usize>(token: &str, names: &'static [&'static str; N]) -> VerifyResult<Members<N>> {
    let (_, payload, _) = split(token).ok_or_else(invalid_form)?;
    unverified_members(payload, names).ok_or_else(|| invalid("Invalid JWT payload: not base64url-encoded JSON."))
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

/// A compact JWS whose header rules passed. From `decode_header_and_signature` the payload is only
/// base64url-decoded bytes (signatures over arbitrary bytes, as in JWS test vectors; claims are never read there, so
/// that path must not accept a session token); inside a `DecodedJwt` it is the checked JSON text.
#[derive(Debug)]
pub struct JwsParts<'t, P = Vec<u8>> {
    pub alg: Alg,
    pub kid: Option<String>,
    /// The header's `cat` (the category of Clerk's JWTs: `token_kind`), as sent.
    pub cat: Option<Value>,
    pub payload: P,
    /// `base64url(header) . base64url(payload)`: the bytes the signature covers.
    pub signing_input: &'t [u8],
    pub signature: Vec<u8>,
}

pub fn decode_header_and_signature(token: &str) -> VerifyResult<JwsParts<'_>> {
    decode_typed_header_and_signature(token, &["JWT"])
}

/// `decode_header_and_signature` for a token whose `typ`, when present, is one of `types` (Clerk's `headerType`).
pub fn decode_typed_header_and_signature<'t>(token: &'t str, types: &[&str]) -> VerifyResult<JwsParts<'t>> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(invalid(format!(
            "Invalid JWT: the token is {} bytes long; at most {MAX_TOKEN_BYTES} bytes are accepted.",
            token.len()
        )));
    }
    let (h64, p64, s64) = split(token).ok_or_else(invalid_form)?;

    let header_bytes =
        b64url_decode(h64).ok_or_else(|| invalid("Invalid JWT header: not strict base64url (RFC 7515 §2)."))?;
    let header =
        parse_members(&header_bytes, &HEADER_MEMBERS).map_err(|why| invalid(format!("Invalid JWT header: {why}.")))?;

    // Clerk's order: typ, then alg.
    match header.get("typ") {
        None => {}
        Some(Value::String(t)) if types.contains(&t.as_str()) => {}
        Some(other) => {
            let expected = types.join(", ");
            return Err(invalid(format!("Invalid JWT type {}. Expected \"{expected}\".", js_stringify(Some(other))))
                .with_action(action::ENSURE_CLERK_JWT));
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
        Some(Value::String(k)) => Some(k.to_owned()),
        Some(other) => {
            return Err(invalid(format!("Invalid JWT kid {}. Expected a string.", js_stringify(Some(other)))))
        }
    };

    let payload =
        b64url_decode(p64).ok_or_else(|| invalid("Invalid JWT payload: not strict base64url (RFC 7515 §2)."))?;
    let signature =
        b64url_decode(s64).ok_or_else(|| invalid("Invalid JWT signature: not strict base64url (RFC 7515 §2)."))?;

    let cat = header.get("cat").cloned();
    let signing_input = &token.as_bytes()[..h64.len() + 1 + p64.len()];
    Ok(JwsParts { alg, kid, cat, payload, signing_input, signature })
}

/// `decode_header_and_signature`, then the payload must be UTF-8 JSON: an object without duplicate members.
pub fn decode(token: &str) -> VerifyResult<DecodedJwt<'_>> {
    decode_typed(token, &["JWT"])
}

/// `decode` for a token whose `typ`, when present, is one of `types`.
pub fn decode_typed<'t>(token: &'t str, types: &[&str]) -> VerifyResult<DecodedJwt<'t>> {
    let parts = decode_typed_header_and_signature(token, types)?;
    let claims =
        parse_members(&parts.payload, &CLAIM_MEMBERS).map_err(|why| invalid(format!("Invalid JWT payload: {why}.")))?;
    // Needed as well as the parse: serde_json does not check UTF-8 inside the members it skips.
    let payload = String::from_utf8(parts.payload).map_err(|_| invalid("Invalid JWT payload: not UTF-8."))?;
    let JwsParts { alg, kid, cat, signing_input, signature, .. } = parts;
    Ok(DecodedJwt { jws: JwsParts { alg, kid, cat, payload, signing_input, signature }, claims })
}

/// A JSON object without duplicate top-level members, keeping only the members named in `names` (the others are
/// validated and skipped without building values: the hot path reads six claims, not the whole payload).
pub fn parse_members<const N: usize>(bytes: &[u8], names: &'static [&'static str; N]) -> Result<Members<N>, String> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let values = de.deserialize_map(SelectedMembers { names }).map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())?;
    Ok(Members { names, values })
}

struct SelectedMembers<const N: usize> {
    names: &'static [&'static str; N],
}

impl<'de, const N: usize> Visitor<'de> for SelectedMembers<N> {
    type Value = [Option<Value>; N];

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut values: [Option<Value>; N] = std::array::from_fn(|_| None);
        let mut seen: Vec<Cow<'de, str>> = Vec::with_capacity(16);
        while let Some(KeyText(key)) = access.next_key::<KeyText<'de>>()? {
            if seen.contains(&key) {
                return Err(de::Error::custom(format_args!("duplicate member {key:?}")));
            }
            match self.names.iter().position(|n| *n == key) {
                Some(i) => values[i] = Some(access.next_value()?),
                None => {
                    access.next_value::<de::IgnoredAny>()?;
                }
            }
            seen.push(key);
        }
        Ok(values)
    }
}

/// A member name, borrowed from the input unless it contains escapes.
struct KeyText<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for KeyText<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = KeyText<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(KeyText(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(KeyText(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(KeyText(Cow::Owned(v)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// `JSON.stringify(v)` for the values that appear in Clerk's messages (`undefined` when absent).
pub fn js_stringify(v: Option<&Value>) -> String {
    match v {
        None => "undefined".to_owned(),
        Some(v) => serde_json::to_string(v).unwrap_or_else(|_| "undefined".to_owned()),
    }
}
