//! Which `@clerk/backend` the request decision follows. The Remix entry follows 2.x (what `@clerk/remix` 4.x runs
//! on); the React Router entry follows 3.x (what `@clerk/react-router` 3.6 runs on). Each rule that differs between
//! the two asks this type, so the differences are named in one place.

use serde_json::Value;

use crate::jwt;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Generation {
    #[default]
    Backend2,
    Backend3,
}

/// The `cat` (category) header values of Clerk's JWTs: a session token, and one the check ignores.
const SESSION_CATEGORY: &str = "cl_B7d4PD111AAA";
const IGNORED_CATEGORY: &str = "cl_I7d4PD111III";

impl Generation {
    /// From the binding's option (`2` or `3`; anything else is 2.x).
    pub fn from_major(major: u32) -> Generation {
        if major == 3 {
            Generation::Backend3
        } else {
            Generation::Backend2
        }
    }

    pub fn is_3(self) -> bool {
        self == Generation::Backend3
    }

    /// `SUPPORTED_BAPI_VERSION`: the `Clerk-API-Version` header and the handshake's `__clerk_api_version`.
    pub fn clerk_api_version(self) -> &'static str {
        match self {
            Generation::Backend2 => "2025-11-10",
            Generation::Backend3 => "2026-05-12",
        }
    }

    /// 3.x hands only GET requests to the handshake (every other method is signed out with the same reason), and
    /// syncs satellites and checks cross-origin referrers on GET requests only.
    pub fn needs_get(self) -> bool {
        self.is_3()
    }

    /// 3.x refuses, as a session token, a JWT whose header names a category other than a session's.
    pub fn refuses_category(self, token: &str) -> bool {
        self.is_3() && has_non_session_category(token)
    }

    /// 3.x checks a machine token in the `Authorization` header as one (`@clerk/react-router`'s middleware accepts
    /// any token type); 2.x knows only session tokens.
    pub fn accepts_machine_tokens(self) -> bool {
        self.is_3()
    }

    /// 3.x's `authorizedParties` check needs an `azp` claim; 2.x lets a token without one through.
    pub fn requires_azp(self) -> bool {
        self.is_3()
    }

    /// 2.x's kid-mismatch message lists the key set's kids; 3.x no longer tells the sender which kids exist.
    pub fn kid_mismatch_message(self, message: String) -> String {
        match (self, message.find(" The following kid is available:")) {
            (Generation::Backend3, Some(at)) => message[..at].to_owned(),
            _ => message,
        }
    }

    /// 2.x trusts any `accounts.` Referer host and the development Account Portals on every instance; 3.x trusts
    /// neither the generic rule nor, on a production instance, the development portals.
    pub fn trusts_generic_accounts_host(self) -> bool {
        !self.is_3()
    }
}

/// `hasNonSessionJwtCategory`: a token whose header has a `cat` that is neither a session's nor the ignored one.
pub fn has_non_session_category(token: &str) -> bool {
    let Some((header, _, _)) = jwt::split(token) else { return false };
    let Some(members) = jwt::unverified_members(header, &["cat"]) else { return false };
    match members.get("cat") {
        None => false,
        Some(Value::String(cat)) => cat != SESSION_CATEGORY && cat != IGNORED_CATEGORY,
        Some(_) => true,
    }
}
