//! The publishable key (`pk_live_…` / `pk_test_…`), decoded once per configuration: instance type, Frontend API
//! host, the cookie suffix Clerk derives from it.

use aws_lc_rs::digest::{digest, SHA1_FOR_LEGACY_USE_ONLY};
use base64::engine::general_purpose::URL_SAFE;
use base64::Engine;

const LIVE_PREFIX: &str = "pk_live_";
const TEST_PREFIX: &str = "pk_test_";

pub const MISSING: &str = "Publishable key is missing. Ensure that your publishable key is correctly configured. Double-check your environment configuration for your keys, or access them here: https://dashboard.clerk.com/last-active?path=api-keys";
pub const NOT_VALID: &str = "Publishable key not valid.";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstanceType {
    Production,
    Development,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishableKey {
    pub instance_type: InstanceType,
    /// The host encoded in the key, before any proxy or satellite override (`originalFrontendApi`).
    pub frontend_api: String,
    /// `base64url(SHA-1(key))[..8]`: the suffix of `__session_…`, `__client_uat_…`, `__refresh_…`.
    pub cookie_suffix: String,
    /// The suffixed cookie names, made once per key rather than per request.
    pub suffixed: SuffixedNames,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuffixedNames {
    pub session: String,
    pub client_uat: String,
    pub refresh: String,
    pub dev_browser: String,
}

impl SuffixedNames {
    fn new(suffix: &str) -> Self {
        SuffixedNames {
            session: format!("__session_{suffix}"),
            client_uat: format!("__client_uat_{suffix}"),
            refresh: format!("__refresh_{suffix}"),
            dev_browser: format!("__clerk_db_jwt_{suffix}"),
        }
    }
}

impl PublishableKey {
    /// `parsePublishableKey(key, { fatal: true })`; `Err` carries Clerk's message.
    pub fn parse(key: &str) -> Result<PublishableKey, &'static str> {
        if key.is_empty() {
            return Err(MISSING);
        }
        let instance_type = if key.starts_with(LIVE_PREFIX) {
            InstanceType::Production
        } else if key.starts_with(TEST_PREFIX) {
            InstanceType::Development
        } else {
            return Err(NOT_VALID);
        };
        let parts: Vec<&str> = key.split('_').collect();
        if parts.len() != 3 || parts[2].is_empty() {
            return Err(NOT_VALID);
        }
        let decoded = forgiving_atob(parts[2]).ok_or(NOT_VALID)?;
        let host = decoded.strip_suffix('$').ok_or(NOT_VALID)?;
        if host.contains('$') || !host.contains('.') {
            return Err(NOT_VALID);
        }
        let suffix = cookie_suffix(key);
        let suffixed = SuffixedNames::new(&suffix);
        Ok(PublishableKey { instance_type, frontend_api: host.to_owned(), cookie_suffix: suffix, suffixed })
    }
}

/// Clerk's `getCookieSuffix`: the first 8 characters of the base64url SHA-1 of the publishable key.
pub fn cookie_suffix(publishable_key: &str) -> String {
    let hash = digest(&SHA1_FOR_LEGACY_USE_ONLY, publishable_key.as_bytes());
    let mut encoded = URL_SAFE.encode(hash.as_ref());
    encoded.truncate(8);
    encoded
}

/// WHATWG forgiving-base64 decode (`atob`), bytes read as Latin-1 characters; `None` where `atob` throws.
fn forgiving_atob(input: &str) -> Option<String> {
    let mut data: Vec<u8> = input.bytes().filter(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\x0c' | b'\r')).collect();
    if data.len().is_multiple_of(4) {
        for _ in 0..2 {
            if data.last() == Some(&b'=') {
                data.pop();
            }
        }
    }
    if data.len() % 4 == 1 {
        return None;
    }
    let mut out = String::with_capacity(data.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for b in data {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        buffer = buffer << 6 | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(char::from((buffer >> bits) as u8));
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}
