//! The Backend API calls of the auth object and the resource loaders (`getToken({ template })`, `loadUser`, …)
//! through the core's client: the same HTTP client, headers, timeout and size cap as the request decision's calls.
//! The JS side turns the answer into Clerk's result or `ClerkAPIResponseError` (ts/core/authObject.ts).

use napi::bindgen_prelude::*;
use napi_derive::napi;

use clerk_remix_core::bapi::Bapi;
use clerk_remix_core::clerk_api::{DEFAULT_API_URL, DEFAULT_API_VERSION};
use clerk_remix_core::generation::Generation;
use clerk_remix_core::http::USER_AGENT;

use crate::panic_guard::guarded;

/// The User-Agent of every Backend API call this package makes (`clerk-remix-native/<version>`).
#[napi]
pub fn user_agent() -> &'static str {
    USER_AGENT
}

/// Where and as whom to call the Backend API.
#[napi(object)]
pub struct BackendApiSettings {
    pub secret_key: String,
    /// Default `https://api.clerk.com`.
    pub api_url: Option<String>,
    /// Default `v1`.
    pub api_version: Option<String>,
    /// Default `clerk-remix-native/<version>`.
    pub user_agent: Option<String>,
    /// The `@clerk/backend` major whose `Clerk-API-Version` to send: 2 (default) or 3.
    pub clerk_backend: Option<u32>,
}

impl From<BackendApiSettings> for Bapi {
    fn from(s: BackendApiSettings) -> Self {
        let or =
            |value: Option<String>, default: &str| value.filter(|v| !v.is_empty()).unwrap_or_else(|| default.into());
        Bapi {
            api_url: or(s.api_url, DEFAULT_API_URL),
            api_version: or(s.api_version, DEFAULT_API_VERSION),
            secret_key: s.secret_key,
            user_agent: or(s.user_agent, USER_AGENT),
            clerk_api_version: Generation::from_major(s.clerk_backend.unwrap_or(2)).clerk_api_version(),
        }
    }
}

/// A Backend API answer, whatever its status.
#[napi(object)]
pub struct BackendApiAnswer {
    pub status: u32,
    /// The status's reason phrase.
    pub status_text: String,
    /// `Content-Type` is exactly `application/json`.
    pub json: bool,
    pub body: String,
    pub retry_after: Option<String>,
    pub cf_ray: Option<String>,
}

/// `{method} {apiUrl}/{apiVersion}{path}` (`path` already encoded) with an optional JSON body. Rejects with
/// `fetch failed` when no answer came (connection, 5 s timeout, a body over 1 MiB, a redirect).
#[napi(ts_return_type = "Promise<BackendApiAnswer>")]
pub fn backend_api_request<'env>(
    env: &'env Env,
    settings: BackendApiSettings,
    method: String,
    path: String,
    body: Option<String>,
) -> Result<PromiseRaw<'env, BackendApiAnswer>> {
    let bapi = Bapi::from(settings);
    env.spawn_future(async move {
        let answer = guarded(async move { bapi.request(&method, &path, body).await }).await?;
        let answer = answer.map_err(Error::from_reason)?;
        Ok(BackendApiAnswer {
            status: u32::from(answer.status),
            status_text: answer.status_text,
            json: answer.json,
            body: answer.body,
            retry_after: answer.retry_after,
            cf_ray: answer.cf_ray,
        })
    })
}

/// The Backend API a publishable key belongs to (`@clerk/shared`'s `apiUrlFromPublishableKey`), for option
/// resolution when `CLERK_API_URL` is not set.
#[napi]
pub fn api_url_from_publishable_key(publishable_key: String) -> &'static str {
    clerk_remix_core::clerk_api::api_url_from_publishable_key(&publishable_key)
}
