//! Machine tokens in the `Authorization` header, as `@clerk/backend` 3.x checks them when any token type is accepted
//! (`@clerk/react-router`'s middleware asks for `acceptsToken: 'any'`): API keys (`ak_…`), M2M tokens (`mt_…`, or a
//! JWT whose `sub` starts with `mch_`) and OAuth access tokens (`oat_…`, or a JWT of type `at+jwt`). Opaque tokens
//! are checked by the Backend API's verify endpoints, JWTs with the instance's keys. A check answers what Clerk's
//! auth object reads of the verified token (`id`, `subject`, `scopes`, `claims`, `name`, `clientId`, as JSON text),
//! or Clerk's machine-token error: its code (the request state's reason) and message.

use serde_json::{json, Map, Value};

use crate::bapi::Bapi;
use crate::generation::Generation;
use crate::jwt::js_stringify;
use crate::token_kind::{is_jwt_format, peek, Peeked, M2M_CATEGORY, M2M_SUBJECT_PREFIX, OAUTH_TYPES};
use crate::token_verifier::{Checked, Network, Verifier};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MachineKind {
    ApiKey,
    M2mToken,
    OAuthToken,
}

impl MachineKind {
    /// Clerk's `TokenType` value.
    pub fn as_str(self) -> &'static str {
        match self {
            MachineKind::ApiKey => "api_key",
            MachineKind::M2mToken => "m2m_token",
            MachineKind::OAuthToken => "oauth_token",
        }
    }
}

const M2M_PREFIX: &str = "mt_";
const OAUTH_PREFIX: &str = "oat_";
const API_KEY_PREFIX: &str = "ak_";
/// Claims that are not an M2M token's custom claims.
const M2M_RESERVED_CLAIMS: [&str; 6] = ["iss", "sub", "exp", "nbf", "iat", "jti"];

/// Clerk's error codes of a machine-token check (`MachineTokenVerificationErrorCode`).
mod code {
    pub const TOKEN_INVALID: &str = "token-invalid";
    pub const INVALID_SECRET_KEY: &str = "secret-key-invalid";
    pub const UNEXPECTED: &str = "unexpected-error";
    pub const VERIFICATION_FAILED: &str = "token-verification-failed";
}

/// A machine token that did not verify: Clerk's `MachineTokenVerificationError`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MachineFailure {
    pub kind: MachineKind,
    pub code: &'static str,
    pub message: String,
    /// The Backend API's status, when it answered.
    pub status: Option<u16>,
}

impl MachineFailure {
    fn new(kind: MachineKind, code: &'static str, message: impl Into<String>) -> MachineFailure {
        MachineFailure { kind, code, message: message.into(), status: None }
    }

    /// `getFullMessage()`: the request state's message.
    pub fn full_message(&self) -> String {
        let status = self.status.map_or_else(|| "n/a".to_owned(), |s| s.to_string());
        format!("{} (code={}, status={status})", self.message, self.code)
    }
}

/// `isMachineJwt` (kept here too: machine-token callers ask this module).
pub use crate::token_kind::is_machine_jwt;

/// `getMachineTokenType` of a token that `isMachineToken`; `None` for any other token.
pub fn kind_of(token: &str) -> Option<MachineKind> {
    let peeked = peek(token);
    if token.starts_with(M2M_PREFIX) || peeked.as_ref().is_some_and(Peeked::is_m2m) {
        Some(MachineKind::M2mToken)
    } else if token.starts_with(OAUTH_PREFIX) || peeked.as_ref().is_some_and(Peeked::is_oauth) {
        Some(MachineKind::OAuthToken)
    } else if token.starts_with(API_KEY_PREFIX) {
        Some(MachineKind::ApiKey)
    } else {
        None
    }
}

/// What a machine-token check needs of the authenticator.
pub struct MachineCheck<'a> {
    pub verifier: &'a Verifier,
    pub bapi: &'a Bapi,
    /// Sent instead of the secret key to check an opaque M2M token, when not empty.
    pub machine_secret_key: &'a str,
    pub generation: Generation,
    pub audience: &'a [String],
    pub now_ms: f64,
    pub net: Network,
}

/// `verifyMachineAuthToken`: the verified token's auth fields as JSON text, or Clerk's error.
pub async fn verify(token: &str, check: &MachineCheck<'_>) -> Checked<String, MachineFailure> {
    if is_jwt_format(token) {
        return verify_jwt(token, check).await;
    }
    let (kind, segments, field, not_found): (_, &[&str], _, _) = if token.starts_with(M2M_PREFIX) {
        (MachineKind::M2mToken, &["m2m_tokens", "verify"], "token", "Machine token not found")
    } else if token.starts_with(OAUTH_PREFIX) {
        (
            MachineKind::OAuthToken,
            &["oauth_applications", "access_tokens", "verify"],
            "access_token",
            "OAuth token not found",
        )
    } else if token.starts_with(API_KEY_PREFIX) {
        (MachineKind::ApiKey, &["api_keys", "verify"], "secret", "API key not found")
    } else {
        let message = "Unknown machine token type";
        return Checked::Failed(MachineFailure::new(MachineKind::ApiKey, code::UNEXPECTED, message));
    };
    if check.net == Network::Offline {
        return Checked::NeedsNetwork;
    }
    let machine_bapi;
    let bapi = if kind == MachineKind::M2mToken && !check.machine_secret_key.is_empty() {
        machine_bapi = Bapi { secret_key: check.machine_secret_key.to_owned(), ..check.bapi.clone() };
        &machine_bapi
    } else {
        check.bapi
    };
    let answer = bapi.post_unversioned(segments, &json!({ field: token })).await;
    let unexpected =
        |status| MachineFailure { status, ..MachineFailure::new(kind, code::UNEXPECTED, "Unexpected error") };
    let doc = match answer {
        Ok((200..=299, Some(Value::Object(doc)))) => doc,
        Ok((200..=299, _)) | Err(_) => return Checked::Failed(unexpected(None)),
        Ok((status, body)) => {
            let failure = match status {
                401 => {
                    let first =
                        body.as_ref().and_then(|b| b.get("errors")?.as_array()?.first()?.get("message").cloned());
                    let message = match first {
                        Some(Value::String(m)) if !m.is_empty() => m,
                        _ => "Invalid secret key".to_owned(),
                    };
                    MachineFailure::new(kind, code::INVALID_SECRET_KEY, message)
                }
                404 => MachineFailure::new(kind, code::TOKEN_INVALID, not_found),
                _ => unexpected(None),
            };
            return Checked::Failed(MachineFailure { status: Some(status), ..failure });
        }
    };
    if kind == MachineKind::OAuthToken {
        if let Some(message) = oauth_audience_error(doc.get("aud"), check.audience) {
            return Checked::Failed(MachineFailure::new(kind, code::VERIFICATION_FAILED, message));
        }
    }
    Checked::Passed(Value::Object(fields_of_answer(&doc)).to_string())
}

/// An M2M or OAuth JWT, verified with the instance's keys (`verifyM2MJwt`, `verifyOAuthJwt`).
async fn verify_jwt(token: &str, check: &MachineCheck<'_>) -> Checked<String, MachineFailure> {
    let Some(peeked) = peek(token) else {
        let message = "Invalid JWT: its header or payload is not base64url-encoded JSON.";
        return Checked::Failed(MachineFailure::new(MachineKind::M2mToken, code::TOKEN_INVALID, message));
    };
    let (kind, types, with_audience): (_, &[&str], _) = if peeked.is_m2m() {
        if peeked.cat.as_ref().is_some_and(|cat| cat != M2M_CATEGORY) {
            let message = "Invalid M2M JWT category.";
            return Checked::Failed(MachineFailure::new(MachineKind::M2mToken, code::TOKEN_INVALID, message));
        }
        (MachineKind::M2mToken, &["JWT"], true)
    } else if peeked.is_oauth() {
        (MachineKind::OAuthToken, &OAUTH_TYPES, false)
    } else {
        let typ = match &peeked.typ {
            Some(Value::String(t)) => t.clone(),
            None | Some(Value::Null) => "missing".to_owned(),
            Some(other) => other.to_string(),
        };
        let message = format!(
            "Invalid JWT type: {typ}. Expected one of: {} for OAuth, or sub starting with '{M2M_SUBJECT_PREFIX}' for M2M",
            OAUTH_TYPES.join(", ")
        );
        return Checked::Failed(MachineFailure::new(MachineKind::OAuthToken, code::VERIFICATION_FAILED, message));
    };
    let verified = match check.verifier.check_machine_jwt(token, types, with_audience, check.now_ms, check.net).await {
        Checked::Passed(verified) => verified,
        Checked::NeedsNetwork => return Checked::NeedsNetwork,
        Checked::Failed(e) => {
            let message = check.generation.kid_mismatch_message(e.message);
            return Checked::Failed(MachineFailure::new(kind, code::VERIFICATION_FAILED, message));
        }
    };
    let Ok(payload) = serde_json::from_str::<Map<String, Value>>(&verified.payload_json) else {
        return Checked::Failed(MachineFailure::new(kind, code::TOKEN_INVALID, "Invalid JWT payload."));
    };
    if kind == MachineKind::OAuthToken {
        if let Some(message) = oauth_audience_error(payload.get("aud"), check.audience) {
            return Checked::Failed(MachineFailure::new(kind, code::VERIFICATION_FAILED, message));
        }
    }
    let fields = if kind == MachineKind::M2mToken { m2m_fields(&payload) } else { oauth_fields(&payload) };
    Checked::Passed(Value::Object(fields).to_string())
}

/// `assertOAuthAudienceClaim`: with an audience configured, the token's `aud` (a string or a list of non-empty
/// strings) must name one of it.
fn oauth_audience_error(aud: Option<&Value>, audience: &[String]) -> Option<String> {
    let wanted: Vec<&String> = audience.iter().filter(|a| !a.is_empty()).collect();
    if wanted.is_empty() {
        return None;
    }
    let listed: Option<Vec<&str>> = match aud {
        Some(Value::String(s)) if !s.is_empty() => Some(vec![s.as_str()]),
        Some(Value::Array(items)) => items.iter().map(|i| i.as_str().filter(|s| !s.is_empty())).collect(),
        _ => None,
    };
    let Some(listed) = listed else {
        return Some(format!(
            "Invalid OAuth audience claim (aud) {}. Expected a non-empty string or a non-empty array of non-empty strings.",
            js_stringify(aud)
        ));
    };
    if listed.iter().any(|a| wanted.iter().any(|w| w == a)) {
        return None;
    }
    Some(format!(
        "OAuth audience mismatch. Verification expected audience {}, but incoming token has aud {}.",
        serde_json::to_string(&wanted).unwrap_or_default(),
        js_stringify(aud)
    ))
}

/// The auth fields of a verify endpoint's object (`APIKey`, `M2MToken`, `IdPOAuthAccessToken` `.fromJSON`); a member
/// the answer lacks stays absent.
fn fields_of_answer(doc: &Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    for (from, to) in [
        ("id", "id"),
        ("subject", "subject"),
        ("scopes", "scopes"),
        ("claims", "claims"),
        ("name", "name"),
        ("client_id", "clientId"),
    ] {
        if let Some(value) = doc.get(from) {
            out.insert(to.to_owned(), value.clone());
        }
    }
    out
}

/// `x ?? fallback`: a member that is absent or `null` takes the fallback.
fn or_else(payload: &Map<String, Value>, name: &str, fallback: impl FnOnce() -> Value) -> Value {
    match payload.get(name) {
        None | Some(Value::Null) => fallback(),
        Some(value) => value.clone(),
    }
}

/// A space-separated string as a list; `None` for anything else.
fn split_scopes(value: Option<&Value>) -> Option<Value> {
    let Some(Value::String(s)) = value else { return None };
    Some(Value::Array(s.split(' ').map(|p| Value::String(p.to_owned())).collect()))
}

/// `M2MToken.fromJwtPayload`'s auth fields.
fn m2m_fields(payload: &Map<String, Value>) -> Map<String, Value> {
    let claims: Map<String, Value> = payload
        .iter()
        .filter(|(k, _)| !M2M_RESERVED_CLAIMS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let scopes = split_scopes(payload.get("scopes")).unwrap_or_else(|| or_else(payload, "aud", || json!([])));
    let mut out = Map::new();
    out.insert("id".into(), or_else(payload, "jti", || json!("")));
    out.insert("subject".into(), payload.get("sub").cloned().unwrap_or(Value::Null));
    out.insert("scopes".into(), scopes);
    out.insert("claims".into(), if claims.is_empty() { Value::Null } else { Value::Object(claims) });
    out
}

/// `IdPOAuthAccessToken.fromJwtPayload`'s auth fields.
fn oauth_fields(payload: &Map<String, Value>) -> Map<String, Value> {
    let scopes = or_else(payload, "scp", || split_scopes(payload.get("scope")).unwrap_or_else(|| json!([])));
    let mut out = Map::new();
    out.insert("id".into(), or_else(payload, "jti", || json!("")));
    out.insert("clientId".into(), or_else(payload, "client_id", || json!("")));
    out.insert("subject".into(), payload.get("sub").cloned().unwrap_or(Value::Null));
    out.insert("scopes".into(), scopes);
    out
}
