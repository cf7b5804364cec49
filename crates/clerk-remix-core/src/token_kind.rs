//! What a JWT says it is, read before any verification: the `cat` (category) header member of Clerk's JWTs, and the
//! marks of a machine JWT (an OAuth access token's `typ: at+jwt`, an M2M token's `sub` starting with `mch_`). A token
//! that says it is something else than a session token is refused as one (`@clerk/backend` 3.x; both entries here).
//!
//! Nothing here is trusted as a credential: these answers can only refuse a token, never accept one.

use serde_json::Value;

use crate::jwt;

/// The `cat` header values of Clerk's JWTs: a session token, an M2M token, and one the checks ignore.
pub const SESSION_CATEGORY: &str = "cl_B7d4PD111AAA";
pub const M2M_CATEGORY: &str = "cl_B7d4PD333AAA";
pub const IGNORED_CATEGORY: &str = "cl_I7d4PD111III";

pub(crate) const M2M_SUBJECT_PREFIX: &str = "mch_";
pub(crate) const OAUTH_TYPES: [&str; 2] = ["at+jwt", "application/at+jwt"];

/// `isJwtFormat`: three non-empty parts of the base64url alphabet.
pub(crate) fn is_jwt_format(token: &str) -> bool {
    let mut parts = 0;
    for part in token.split('.') {
        parts += 1;
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            return false;
        }
    }
    parts == 3
}

/// The header's `typ` and `cat` and the payload's `sub` of a token whose header and payload are base64url JSON
/// objects (`None` otherwise: Clerk's `decodeJwt` fails), and whether it has the JWT format.
pub(crate) struct Peeked {
    pub(crate) jwt_format: bool,
    pub(crate) typ: Option<Value>,
    pub(crate) cat: Option<Value>,
    pub(crate) sub: Option<Value>,
}

pub(crate) fn peek(token: &str) -> Option<Peeked> {
    let (h, p, _) = jwt::split(token)?;
    let header = jwt::unverified_members(h, &["typ", "cat"])?;
    let payload = jwt::unverified_members(p, &["sub"])?;
    Some(Peeked {
        jwt_format: is_jwt_format(token),
        typ: header.get("typ").cloned(),
        cat: header.get("cat").cloned(),
        sub: payload.get("sub").cloned(),
    })
}

impl Peeked {
    /// `isM2MJwt`.
    pub(crate) fn is_m2m(&self) -> bool {
        self.jwt_format && matches!(&self.sub, Some(Value::String(s)) if s.starts_with(M2M_SUBJECT_PREFIX))
    }

    /// `isOAuthJwt`.
    pub(crate) fn is_oauth(&self) -> bool {
        self.jwt_format && matches!(&self.typ, Some(Value::String(t)) if OAUTH_TYPES.contains(&t.as_str()))
    }

    /// `isNonSessionJwtCategory(header.cat)`.
    pub(crate) fn has_non_session_category(&self) -> bool {
        self.cat.as_ref().is_some_and(is_non_session_category)
    }
}

/// `isMachineJwt`: an OAuth access token (`typ: at+jwt`) or an M2M token (`sub` starting with `mch_`).
pub fn is_machine_jwt(token: &str) -> bool {
    peek(token).is_some_and(|p| p.is_m2m() || p.is_oauth())
}

/// The header's `cat`, read alone (`None`: absent, or the header is not a base64url JSON object). The category
/// checks read this small part first, and the rest of the token only when it names a category.
fn header_category(token: &str) -> Option<Value> {
    let (header, _, _) = jwt::split(token)?;
    jwt::unverified_members(header, &["cat"])?.get("cat").cloned()
}

/// `hasNonSessionJwtCategory`: a token that decodes and whose header has a `cat` of another kind than a session's.
pub fn has_non_session_category(token: &str) -> bool {
    header_category(token).is_some_and(|cat| is_non_session_category(&cat)) && peek(token).is_some()
}

/// A token that decodes and whose header names the M2M category (`verifyToken` refuses it as a session token).
pub fn has_m2m_category(token: &str) -> bool {
    header_category(token).is_some_and(|cat| cat == M2M_CATEGORY) && peek(token).is_some()
}

/// `isMachineJwt(token) || hasNonSessionJwtCategory(token)`: a token that says it is not a session token, which the
/// request decision refuses as one (`token-type-mismatch`) before verifying it. One decode for both questions.
pub fn is_not_a_session_token(token: &str) -> bool {
    peek(token).is_some_and(|p| p.is_m2m() || p.is_oauth() || p.has_non_session_category())
}

/// `is_not_a_session_token` of a token that decoded as a session token (its `typ` absent or `JWT`, so no OAuth
/// access token), from its header's `cat` and its `sub`: nothing is decoded again.
pub fn is_not_a_session_token_decoded(token: &str, cat: Option<&Value>, sub: Option<&Value>) -> bool {
    let m2m = matches!(sub, Some(Value::String(s)) if s.starts_with(M2M_SUBJECT_PREFIX)) && is_jwt_format(token);
    m2m || cat.is_some_and(is_non_session_category)
}

/// `isNonSessionJwtCategory` of a `cat` that is present: neither a session's nor the ignored one (any value that is
/// not one of those strings, `null` included).
fn is_non_session_category(cat: &Value) -> bool {
    match cat {
        Value::String(cat) => cat != SESSION_CATEGORY && cat != IGNORED_CATEGORY,
        _ => true,
    }
}
