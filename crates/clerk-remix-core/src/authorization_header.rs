//! Where a request carries its session token: the Authorization header first (no fallback to cookies when it
//! names one), then the `__session` cookie (un-suffixed: the suffixed choice belongs to the request decision).

use crate::clerk_request::Cookies;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Carrier {
    Header,
    Cookie,
}

impl Carrier {
    /// Clerk's `TokenCarrier` strings.
    pub fn as_str(self) -> &'static str {
        match self {
            Carrier::Header => "header",
            Carrier::Cookie => "cookie",
        }
    }
}

/// `AuthenticateContext#parseAuthorizationHeader`: `value.split(' ', 2)`; no second part → the whole value is the
/// token; scheme exactly `Bearer` (case-sensitive) → the second part; any other scheme → none.
pub fn token_from_authorization(value: &str) -> Option<&str> {
    let mut parts = value.split(' ');
    let scheme = parts.next().unwrap_or("");
    let token = match parts.next() {
        None | Some("") => scheme,
        Some(token) if scheme == "Bearer" => token,
        Some(_) => return None,
    };
    (!token.is_empty()).then_some(token)
}

/// The session token of a request and where it came from.
pub fn session_token(authorization: Option<&str>, cookie_header: Option<&str>) -> Option<(String, Carrier)> {
    if let Some(token) = authorization.filter(|v| !v.is_empty()).and_then(token_from_authorization) {
        return Some((token.to_owned(), Carrier::Header));
    }
    // Read as the decision reads cookies (`cookie.parse`, empty meaning absent): one mechanism for every cookie.
    Some((Cookies::new(Some(cookie_header?)).get("__session")?, Carrier::Cookie))
}
