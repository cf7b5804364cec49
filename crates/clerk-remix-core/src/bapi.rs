//! The Backend API client: the two calls of the request decision, the handshake payload of a nonce
//! (`GET {apiUrl}/v1/clients/handshake_payload?nonce=…`) and the cookie refresh of an expired session
//! (`POST {apiUrl}/v1/sessions/{sid}/refresh`), with Clerk's error classification; and [`Bapi::request`], the calls
//! of the auth object and the resource loaders (`getToken({ template })`, `loadUser`, …), whose answer the JS layer
//! turns into Clerk's result or `ClerkAPIResponseError`. All with Clerk's headers.

use std::time::Duration;

use reqwest::{Method, Url};
use serde_json::{json, Value};

use crate::http::{api_endpoint, api_endpoint_with_path, exchange, http_client};

const TIMEOUT: Duration = Duration::from_secs(5);
const MAX_BODY_BYTES: usize = 256 * 1024;
/// Resources (a user with its metadata, an organization) can be larger than the decision's answers.
const MAX_RESOURCE_BYTES: usize = 1024 * 1024;

/// Clerk's text for a Backend API call that got no answer (`fetch`'s own words, which Clerk passes on).
pub const FETCH_FAILED: &str = "fetch failed";

/// A Backend API answer, whatever its status.
#[derive(Debug, Clone)]
pub struct BapiAnswer {
    pub status: u16,
    /// The status's reason phrase (`Not Found`).
    pub status_text: String,
    /// `Content-Type` is exactly `application/json` (Clerk parses the body as JSON only then).
    pub json: bool,
    pub body: String,
    pub retry_after: Option<String>,
    pub cf_ray: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Bapi {
    pub api_url: String,
    pub api_version: String,
    pub secret_key: String,
    pub user_agent: String,
    /// The `Clerk-API-Version` header: the `@clerk/backend` generation's.
    pub clerk_api_version: &'static str,
}

/// What `refreshSession` needs besides the session id.
pub struct RefreshRequest<'a> {
    pub suffixed_cookies: bool,
    pub expired_token: &'a str,
    pub refresh_token: &'a str,
    pub request_origin: &'a str,
    /// `{name: [value]}` of the request's headers, as JSON text from the caller (`{}` when not given).
    pub request_headers_json: Option<&'a str>,
}

/// A failed Backend API call, classified as Clerk's `refreshToken` does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BapiError {
    /// No answer (connection, timeout, size): Clerk's `unexpected_error` code, reported as `fetch-error`.
    Fetch(String),
    /// A non-2xx answer whose body names an error code (`errors[0].code`), with the answer's status.
    Code(String, u16),
    /// A non-2xx answer without a readable error code.
    Unexpected(u16),
    /// A 2xx answer whose body is not what the endpoint promises.
    Malformed,
}

impl BapiError {
    /// The `refreshError` part of `session-token-expired-refresh-<refreshError>`.
    pub fn refresh_reason(&self) -> String {
        match self {
            BapiError::Fetch(_) => "fetch-error".to_owned(),
            BapiError::Code(code, _) if code == "unexpected_error" => "fetch-error".to_owned(),
            BapiError::Code(code, _) => code.clone(),
            BapiError::Unexpected(_) => "unexpected-bapi-error".to_owned(),
            BapiError::Malformed => "unexpected-sdk-error".to_owned(),
        }
    }

    /// Text for the log line Clerk prints when the handshake payload cannot be fetched: its `ClerkAPIResponseError`
    /// carries the HTTP status text.
    pub fn describe(&self) -> String {
        let status_text = |status: &u16| {
            reqwest::StatusCode::from_u16(*status).ok().and_then(|s| s.canonical_reason()).unwrap_or("").to_owned()
        };
        match self {
            BapiError::Fetch(what) => format!("Error: {what}"),
            BapiError::Code(_, status) | BapiError::Unexpected(status) => {
                format!("ClerkAPIResponseError: {}", status_text(status))
            }
            BapiError::Malformed => "Error: the Backend API answer is not in the expected format".to_owned(),
        }
    }
}

impl Bapi {
    /// The endpoint of `segments`, as Clerk's `buildRequest` forms Backend API URLs.
    fn url(&self, segments: &[&str]) -> Result<Url, BapiError> {
        api_endpoint(&self.api_url, &self.api_version, segments).ok_or_else(|| {
            BapiError::Fetch("no Backend API URL can be formed (an invalid API URL, or a `.`/`..` path segment)".into())
        })
    }

    /// A call with Clerk's headers and an optional JSON body.
    fn prepare(&self, method: Method, url: Url, body: Option<String>) -> reqwest::RequestBuilder {
        let request = http_client()
            .request(method, url)
            .bearer_auth(&self.secret_key)
            .header("Clerk-API-Version", self.clerk_api_version)
            .header("User-Agent", &self.user_agent)
            .header("Content-Type", "application/json");
        match body {
            Some(body) => request.body(body),
            None => request,
        }
    }

    async fn call(&self, method: Method, url: Url, body: Option<String>) -> Result<Value, BapiError> {
        let request = self.prepare(method, url, body);
        let answer = exchange(request, TIMEOUT, MAX_BODY_BYTES).await.map_err(BapiError::Fetch)?;
        let (status, body) = (answer.status, answer.body);
        let doc: Option<Value> = serde_json::from_slice(&body).ok();
        if !status.is_success() {
            let code = doc
                .as_ref()
                .and_then(|d| d.get("errors")?.as_array()?.first()?.get("code")?.as_str().map(str::to_owned));
            let status = status.as_u16();
            return Err(code.map_or(BapiError::Unexpected(status), |code| BapiError::Code(code, status)));
        }
        doc.ok_or(BapiError::Malformed)
    }

    /// `{method} {apiUrl}/{apiVersion}{path}` with an optional JSON body: `path` already encoded (`/users/user_1`).
    /// `Err` when there is no answer ([`FETCH_FAILED`], as Clerk reports it); any status is an answer.
    pub async fn request(&self, method: &str, path: &str, body: Option<String>) -> Result<BapiAnswer, String> {
        let method = Method::from_bytes(method.as_bytes()).map_err(|_| FETCH_FAILED.to_owned())?;
        let url =
            api_endpoint_with_path(&self.api_url, &self.api_version, path).ok_or_else(|| FETCH_FAILED.to_owned())?;
        let request = self.prepare(method, url, body);
        let answer = exchange(request, TIMEOUT, MAX_RESOURCE_BYTES).await.map_err(|_| FETCH_FAILED.to_owned())?;
        let header = |name: &str| answer.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        Ok(BapiAnswer {
            status: answer.status.as_u16(),
            status_text: answer.status.canonical_reason().unwrap_or("").to_owned(),
            json: header("content-type").as_deref() == Some("application/json"),
            retry_after: header("retry-after"),
            cf_ray: header("cf-ray"),
            body: String::from_utf8_lossy(&answer.body).into_owned(),
        })
    }

    /// `POST {apiUrl}/{segments…}` with a JSON body, without the version segment (Clerk calls its machine-token checks
    /// so): the status and the body as JSON (`None` when it is not JSON), or `Err` when there is no answer.
    pub async fn post_unversioned(&self, segments: &[&str], body: &Value) -> Result<(u16, Option<Value>), String> {
        let url = api_endpoint(&self.api_url, "", segments).ok_or_else(|| FETCH_FAILED.to_owned())?;
        let request = self.prepare(Method::POST, url, Some(body.to_string()));
        let answer = exchange(request, TIMEOUT, MAX_BODY_BYTES).await.map_err(|_| FETCH_FAILED.to_owned())?;
        Ok((answer.status.as_u16(), serde_json::from_slice(&answer.body).ok()))
    }

    /// `clients.getHandshakePayload({ nonce })` → its `directives` (Set-Cookie values).
    pub async fn handshake_payload(&self, nonce: &str) -> Result<Vec<String>, BapiError> {
        let mut url = self.url(&["clients", "handshake_payload"])?;
        url.query_pairs_mut().append_pair("nonce", nonce);
        let doc = self.call(Method::GET, url, None).await?;
        strings(doc.get("directives")).ok_or(BapiError::Malformed)
    }

    /// `sessions.refreshSession(sid, { format: 'cookie', … })` → its `cookies` (Set-Cookie values).
    pub async fn refresh_session(&self, session_id: &str, req: &RefreshRequest<'_>) -> Result<Vec<String>, BapiError> {
        let mut url = self.url(&["sessions", session_id, "refresh"])?;
        if req.suffixed_cookies {
            // Clerk drops query parameters whose value is falsy: `false` is never sent.
            url.query_pairs_mut().append_pair("suffixed_cookies", "true");
        }
        let headers: Value = req.request_headers_json.and_then(|j| serde_json::from_str(j).ok()).unwrap_or(json!({}));
        let body = json!({
            "format": "cookie",
            "expired_token": req.expired_token,
            "refresh_token": req.refresh_token,
            "request_origin": req.request_origin,
            "request_headers": headers,
        });
        let doc = self.call(Method::POST, url, Some(body.to_string())).await?;
        strings(doc.get("cookies")).ok_or(BapiError::Malformed)
    }
}

/// An array of strings (other entries are skipped).
fn strings(v: Option<&Value>) -> Option<Vec<String>> {
    Some(v?.as_array()?.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect())
}
