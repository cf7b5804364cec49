//! Constants of Clerk's Backend API that the JWKS fetch, the Backend API calls and the handshake redirect share.

/// The `Clerk-API-Version` header of every Backend API call, and the `__clerk_api_version` of the handshake redirect.
pub const CLERK_API_VERSION_HEADER: &str = "2025-11-10";
/// The Backend API when no `apiUrl` / `CLERK_API_URL` is given.
pub const DEFAULT_API_URL: &str = "https://api.clerk.com";
/// The Backend API version path segment when no `apiVersion` / `CLERK_API_VERSION` is given.
pub const DEFAULT_API_VERSION: &str = "v1";
