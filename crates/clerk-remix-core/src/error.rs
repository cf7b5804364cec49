//! Verification failures with Clerk's reason strings (`TokenVerificationErrorReason`) and action texts, so that
//! the JS side can reproduce `TokenVerificationError#getFullMessage()` to the letter, and the configuration errors
//! the constructors report. Messages never contain a secret key or a token.

use std::fmt;

/// Clerk's whole `TokenVerificationErrorReason` list; `jwk-local-missing` and `jwk-remote-missing` cannot occur here
/// (a missing PEM or key set is reported as `jwk-failed-to-resolve` / `jwk-remote-failed-to-load`, as in Clerk).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reason {
    TokenExpired,
    TokenInvalid,
    TokenInvalidAlgorithm,
    TokenInvalidAuthorizedParties,
    TokenInvalidSignature,
    TokenNotActiveYet,
    TokenIatInTheFuture,
    TokenVerificationFailed,
    SecretKeyInvalid,
    JwkLocalMissing,
    JwkRemoteFailedToLoad,
    JwkRemoteInvalid,
    JwkRemoteMissing,
    JwkFailedToResolve,
    JwkKidMismatch,
}

impl Reason {
    pub const ALL: [Reason; 15] = [
        Reason::TokenExpired,
        Reason::TokenInvalid,
        Reason::TokenInvalidAlgorithm,
        Reason::TokenInvalidAuthorizedParties,
        Reason::TokenInvalidSignature,
        Reason::TokenNotActiveYet,
        Reason::TokenIatInTheFuture,
        Reason::TokenVerificationFailed,
        Reason::SecretKeyInvalid,
        Reason::JwkLocalMissing,
        Reason::JwkRemoteFailedToLoad,
        Reason::JwkRemoteInvalid,
        Reason::JwkRemoteMissing,
        Reason::JwkFailedToResolve,
        Reason::JwkKidMismatch,
    ];

    /// Clerk's kebab-case reason string; also the JS error's `code`.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::TokenExpired => "token-expired",
            Reason::TokenInvalid => "token-invalid",
            Reason::TokenInvalidAlgorithm => "token-invalid-algorithm",
            Reason::TokenInvalidAuthorizedParties => "token-invalid-authorized-parties",
            Reason::TokenInvalidSignature => "token-invalid-signature",
            Reason::TokenNotActiveYet => "token-not-active-yet",
            Reason::TokenIatInTheFuture => "token-iat-in-the-future",
            Reason::TokenVerificationFailed => "token-verification-failed",
            Reason::SecretKeyInvalid => "secret-key-invalid",
            Reason::JwkLocalMissing => "jwk-local-missing",
            Reason::JwkRemoteFailedToLoad => "jwk-remote-failed-to-load",
            Reason::JwkRemoteInvalid => "jwk-remote-invalid",
            Reason::JwkRemoteMissing => "jwk-remote-missing",
            Reason::JwkFailedToResolve => "jwk-failed-to-resolve",
            Reason::JwkKidMismatch => "jwk-kid-mismatch",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Clerk's `TokenVerificationErrorAction` texts, appended to the message by `getFullMessage()`.
pub mod action {
    pub const CONTACT_SUPPORT: &str = "Contact support@clerk.com";
    pub const ENSURE_CLERK_JWT: &str = "Make sure that this is a valid Clerk-generated JWT.";
    pub const SET_CLERK_JWT_KEY: &str = "Set the CLERK_JWT_KEY environment variable.";
    pub const SET_CLERK_SECRET_KEY: &str = "Set the CLERK_SECRET_KEY environment variable.";
    pub const ENSURE_CLOCK_SYNC: &str =
        "Make sure your system clock is in sync (e.g. turn off and on automatic time synchronization).";
    pub const KID_MISMATCH: &str = "Go to your Dashboard and validate your secret and public keys are correct. Contact support@clerk.com if the issue persists.";
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyError {
    pub reason: Reason,
    pub message: String,
    pub action: Option<&'static str>,
}

impl VerifyError {
    pub fn new(reason: Reason, message: impl Into<String>) -> Self {
        VerifyError { reason, message: message.into(), action: None }
    }

    pub fn with_action(mut self, action: &'static str) -> Self {
        self.action = Some(action);
        self
    }

    /// `TokenVerificationError#getFullMessage()`: message and action, then reason and carrier.
    pub fn full_message(&self, carrier: Option<&str>) -> String {
        let mut out = String::with_capacity(self.message.len() + 64);
        out.push_str(&self.message);
        if let Some(action) = self.action {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(action);
        }
        out.push_str(" (reason=");
        out.push_str(self.reason.as_str());
        out.push_str(", token-carrier=");
        out.push_str(carrier.unwrap_or("undefined"));
        out.push(')');
        out
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for VerifyError {}

pub type VerifyResult<T> = Result<T, VerifyError>;

/// A configuration a verifier or an authenticator cannot be built from. The text is the message of the Error the
/// addon's constructors throw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigError {
    /// The publishable key is missing or not valid (Clerk's message, from `publishable_key`).
    PublishableKey(&'static str),
    /// `CLERK_JWT_KEY` / `jwtKey` is not a usable RSA public key (why not).
    JwtKey(String),
    /// `appOrigin` or `allowedRedirectOrigins` does not name origins.
    Origin(crate::origin::OriginSettingError),
}

impl From<crate::origin::OriginSettingError> for ConfigError {
    fn from(e: crate::origin::OriginSettingError) -> Self {
        ConfigError::Origin(e)
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::PublishableKey(message) => f.write_str(message),
            ConfigError::JwtKey(why) => write!(f, "CLERK_JWT_KEY / jwtKey cannot be used: {why}."),
            ConfigError::Origin(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ConfigError {}
