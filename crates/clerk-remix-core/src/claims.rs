//! Signature first, claims second: a token's claims are only read once its signature has verified (Clerk checks
//! them before the signature, so a forged expired token steers its request into a handshake).

use serde_json::{Map, Value};

use crate::jwt::Claims;

use crate::error::{action, Reason, VerifyError, VerifyResult};
use crate::generation::Generation;
use crate::jwt::{js_stringify, JwsParts};
use crate::key::RsaKey;
use crate::time::{utc_string, MAX_JS_DATE_MS};

pub const DEFAULT_CLOCK_SKEW_MS: f64 = 5_000.0;

#[derive(Clone, Debug)]
pub struct ClaimRules {
    pub clock_skew_ms: f64,
    /// Checked against `azp` when non-empty: a token must then carry one of these (`@clerk/backend` 3.x; 2.x let a
    /// token without `azp` through).
    pub authorized_parties: Vec<String>,
    /// Checked against `aud` when non-empty.
    pub audience: Vec<String>,
    /// Whose messages the audience check gives (the rule is the same for both).
    pub generation: Generation,
}

impl Default for ClaimRules {
    fn default() -> Self {
        ClaimRules {
            clock_skew_ms: DEFAULT_CLOCK_SKEW_MS,
            authorized_parties: Vec::new(),
            audience: Vec::new(),
            generation: Generation::default(),
        }
    }
}

pub fn check_signature<P>(jws: &JwsParts<'_, P>, key: &RsaKey) -> VerifyResult<()> {
    if key.alg.is_some_and(|pinned| pinned != jws.alg) {
        // Clerk's WebCrypto import refuses the key for another algorithm than its JWK `alg`; same reason and text.
        return Err(VerifyError::new(
            Reason::TokenVerificationFailed,
            "Error verifying JWT signature. Error: JWK \"alg\" does not match the requested algorithm",
        )
        .with_action(action::ENSURE_CLERK_JWT));
    }
    if key.verify(jws.alg, jws.signing_input, &jws.signature) {
        Ok(())
    } else {
        Err(VerifyError::new(Reason::TokenInvalidSignature, "JWT signature is invalid."))
    }
}

/// Where `check_claims` reads claims from: the decoded token's selected members, or a whole map (tests).
pub trait ClaimSource {
    fn get(&self, name: &str) -> Option<&Value>;
}

impl ClaimSource for Claims {
    fn get(&self, name: &str) -> Option<&Value> {
        Claims::get(self, name)
    }
}

impl ClaimSource for Map<String, Value> {
    fn get(&self, name: &str) -> Option<&Value> {
        Map::get(self, name)
    }
}

/// Clerk's claim assertions in Clerk's order (sub, aud, azp, exp, nbf, iat), with Clerk's messages.
pub fn check_claims(claims: &impl ClaimSource, rules: &ClaimRules, now_ms: f64) -> VerifyResult<()> {
    let failed = |message: String| {
        VerifyError::new(Reason::TokenVerificationFailed, message).with_action(action::ENSURE_CLERK_JWT)
    };

    if !matches!(claims.get("sub"), Some(Value::String(_))) {
        return Err(failed(format!(
            "Subject claim (sub) is required and must be a string. Received {}.",
            js_stringify(claims.get("sub"))
        )));
    }

    if !rules.audience.is_empty() {
        let aud = claims.get("aud");
        // The audiences the token names, empty ones left out (Clerk's `[aud].flat().filter(Boolean)`); `None` for an
        // `aud` that is neither a string nor an array of strings, which Clerk lets through and this refuses (V7, RR9).
        let named: Option<Vec<&str>> = match aud {
            None | Some(Value::Null) => Some(Vec::new()),
            Some(Value::String(s)) => Some([s.as_str()].into_iter().filter(|a| !a.is_empty()).collect()),
            Some(Value::Array(items)) => items
                .iter()
                .map(Value::as_str)
                .collect::<Option<Vec<_>>>()
                .map(|all| all.into_iter().filter(|a| !a.is_empty()).collect()),
            Some(_) => None,
        };
        let ok = match &named {
            // No audience in the token: Clerk does not check (its session tokens carry `azp`, not `aud`).
            Some(list) if list.is_empty() => true,
            Some(list) => list.iter().any(|a| rules.audience.iter().any(|want| want == a)),
            None => false,
        };
        if !ok {
            let expected = serde_json::to_string(&rules.audience).unwrap_or_default();
            // 2.x checks (and names) a string `aud` as a one-element array; 3.x names the string itself.
            let as_array = rules.generation.names_string_aud_as_array();
            let (what, shown) = match aud {
                Some(Value::String(s)) if as_array => ("claim array", serde_json::to_string(&[s]).unwrap_or_default()),
                Some(Value::String(_)) => ("claim", js_stringify(aud)),
                other => ("claim array", js_stringify(other)),
            };
            let message = format!("Invalid JWT audience {what} (aud) {shown}. Is not included in \"{expected}\".");
            return Err(failed(message));
        }
    }

    if !rules.authorized_parties.is_empty() {
        let azp = claims.get("azp");
        // Clerk's `!azp || !authorizedParties.includes(azp)`: absent, empty or not a string fails.
        let ok =
            matches!(azp, Some(Value::String(s)) if !s.is_empty() && rules.authorized_parties.iter().any(|p| p == s));
        if !ok {
            return Err(VerifyError::new(
                Reason::TokenInvalidAuthorizedParties,
                format!(
                    "Invalid JWT Authorized party claim (azp) {}. Expected \"{}\".",
                    js_stringify(azp),
                    rules.authorized_parties.join(",")
                ),
            ));
        }
    }

    let skew = rules.clock_skew_ms;
    let now_text = || utc_string(now_ms);

    let exp_ms = date_claim(claims, "exp", "expiry date", true)?.expect("required claim");
    if exp_ms <= now_ms - skew {
        return Err(VerifyError::new(
            Reason::TokenExpired,
            format!("JWT is expired. Expiry date: {}, Current date: {}.", utc_string(exp_ms), now_text()),
        ));
    }
    if let Some(nbf_ms) = date_claim(claims, "nbf", "not before date", false)? {
        if nbf_ms > now_ms + skew {
            return Err(VerifyError::new(
                Reason::TokenNotActiveYet,
                format!(
                    "JWT cannot be used prior to not before date claim (nbf). Not before date: {}; Current date: {};",
                    utc_string(nbf_ms),
                    now_text()
                ),
            ));
        }
    }
    if let Some(iat_ms) = date_claim(claims, "iat", "issued at date", false)? {
        if iat_ms > now_ms + skew {
            return Err(VerifyError::new(
                Reason::TokenIatInTheFuture,
                format!(
                    "JWT issued at date claim (iat) is in the future. Issued at date: {}; Current date: {};",
                    utc_string(iat_ms),
                    now_text()
                ),
            ));
        }
    }
    Ok(())
}

/// A NumericDate claim as the milliseconds Clerk compares (`Date#setUTCSeconds` truncates to whole seconds).
/// Not a number → Clerk's "Expected number" failure; a number no `Date` can hold (1e308, ±2^64·1000…) fails too,
/// where Clerk's comparison with `NaN` would silently pass it.
pub(crate) fn date_claim(
    claims: &impl ClaimSource,
    name: &str,
    label: &str,
    required: bool,
) -> VerifyResult<Option<f64>> {
    let value = claims.get(name);
    let failed = |detail: &str| {
        VerifyError::new(
            Reason::TokenVerificationFailed,
            format!("Invalid JWT {label} claim ({name}) {}. {detail}", js_stringify(value)),
        )
        .with_action(action::ENSURE_CLERK_JWT)
    };
    match value {
        None if !required => Ok(None),
        Some(Value::Number(n)) => {
            let seconds = n.as_f64().filter(|s| s.is_finite()).ok_or_else(|| failed("Expected number."))?;
            let ms = seconds.trunc() * 1000.0;
            if ms.abs() > MAX_JS_DATE_MS {
                return Err(failed("Expected a date between the years -271821 and 275760."));
            }
            Ok(Some(ms))
        }
        _ => Err(failed("Expected number.")),
    }
}
