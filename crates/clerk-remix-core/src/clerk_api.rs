//! Constants of Clerk's Backend API that the JWKS fetch, the Backend API calls and the handshake redirect share, and
//! which Backend API a publishable key belongs to.

/// The `Clerk-API-Version` header of every Backend API call, and the `__clerk_api_version` of the handshake redirect.
pub const CLERK_API_VERSION_HEADER: &str = "2025-11-10";
/// The Backend API when no `apiUrl` / `CLERK_API_URL` is given.
pub const DEFAULT_API_URL: &str = "https://api.clerk.com";
/// The Backend API version path segment when no `apiVersion` / `CLERK_API_VERSION` is given.
pub const DEFAULT_API_VERSION: &str = "v1";
/// The Backend API of Clerk's local development environment.
pub const LOCAL_API_URL: &str = "https://api.lclclerk.com";
/// The Backend API of Clerk's staging environment.
pub const STAGING_API_URL: &str = "https://api.clerkstage.dev";
/// Host suffixes of Clerk's legacy development instances (`clerk.*.lcl.dev`, …) and their Account Portals.
pub const LEGACY_DEV_SUFFIXES: [&str; 3] = [".lcl.dev", ".lclstage.dev", ".lclclerk.com"];
/// Frontend API host suffixes served by the local Backend API (`lclstage.dev` without the dot is Clerk's spelling).
const LOCAL_ENV_SUFFIXES: [&str; 4] = [".lcl.dev", "lclstage.dev", ".lclclerk.com", ".accounts.lclclerk.com"];
/// Frontend API host suffixes served by the staging Backend API.
const STAGING_ENV_SUFFIXES: [&str; 1] = [".accountsstage.dev"];

/// `@clerk/shared`'s `apiUrlFromPublishableKey`: the Backend API of the environment the key's Frontend API host is
/// in. Legacy development hosts (`clerk.*.lcl.dev` and friends) and any key that does not parse: the production API.
pub fn api_url_from_publishable_key(publishable_key: &str) -> &'static str {
    let Ok(pk) = crate::publishable_key::PublishableKey::parse(publishable_key) else { return DEFAULT_API_URL };
    let host = pk.frontend_api.as_str();
    if host.starts_with("clerk.") && LEGACY_DEV_SUFFIXES.iter().any(|s| host.ends_with(s)) {
        DEFAULT_API_URL
    } else if LOCAL_ENV_SUFFIXES.iter().any(|s| host.ends_with(s)) {
        LOCAL_API_URL
    } else if STAGING_ENV_SUFFIXES.iter().any(|s| host.ends_with(s)) {
        STAGING_API_URL
    } else {
        DEFAULT_API_URL
    }
}
