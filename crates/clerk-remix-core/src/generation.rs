//! Which `@clerk/backend` the request decision follows. The Remix entry follows 2.x (what `@clerk/remix` 4.x runs
//! on); the React Router entry follows 3.x (what `@clerk/react-router` 3.6 runs on). Each rule that differs between
//! the two asks this type, so the differences are named in one place.

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Generation {
    #[default]
    Backend2,
    Backend3,
}

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

    /// 3.x checks a machine token in the `Authorization` header as one (`@clerk/react-router`'s middleware accepts
    /// any token type); 2.x knows only session tokens.
    pub fn accepts_machine_tokens(self) -> bool {
        self.is_3()
    }

    /// 2.x wraps a string `aud` into an array before its audience check, so its message names a claim array
    /// (`["x"]`); 3.x names the string (`"x"`).
    pub fn names_string_aud_as_array(self) -> bool {
        !self.is_3()
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
