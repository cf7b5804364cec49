//! The one HTTP client of the process (rustls on aws-lc, no redirects, no proxy discovery) and a bounded
//! request/response exchange shared by the JWKS fetch and every Backend API call.

use std::sync::OnceLock;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{StatusCode, Url};

pub const USER_AGENT: &str = concat!("clerk-remix-native/", env!("CARGO_PKG_VERSION"));

pub fn http_client() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(USER_AGENT)
            .no_proxy()
            .pool_idle_timeout(Duration::from_secs(30))
            .build()
            .expect("the HTTP client configuration is static and valid")
    })
}

/// A Backend API endpoint as Clerk forms it (`joinPaths(new URL(apiUrl).pathname, apiVersion, …segments)`): the
/// parts joined with `/` and every run of `/` collapsed, so a path prefix in the API URL is kept. `None` when the API
/// URL does not parse.
pub fn api_endpoint(api_url: &str, api_version: &str, segments: &[&str]) -> Option<Url> {
    let mut url = Url::parse(api_url).ok()?;
    let mut joined = url.path().to_owned();
    for part in std::iter::once(api_version).chain(segments.iter().copied()) {
        joined.push('/');
        joined.push_str(part);
    }
    let mut path = String::with_capacity(joined.len());
    for c in joined.chars() {
        if !(c == '/' && path.ends_with('/')) {
            path.push(c);
        }
    }
    url.set_path(&path);
    Some(url)
}

/// A whole answer.
pub struct Exchanged {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// Sends `request` and reads the whole answer, all within `timeout` (connect, headers and body) and at most
/// `max_body_bytes` of body. `Err` says in a few words what went wrong (never a URL's secrets: callers add the URL).
pub async fn exchange(
    request: reqwest::RequestBuilder,
    timeout: Duration,
    max_body_bytes: usize,
) -> Result<Exchanged, String> {
    let read = async {
        let mut response = request.timeout(timeout).send().await.map_err(|e| describe(&e))?;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        if let Some(len) = response.content_length() {
            if len > max_body_bytes as u64 {
                return Err(format!("the response is {len} bytes, over the {max_body_bytes} byte limit"));
            }
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| describe(&e))? {
            if body.len() + chunk.len() > max_body_bytes {
                return Err(format!("the response is over the {max_body_bytes} byte limit"));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Exchanged { status, headers, body })
    };
    tokio::time::timeout(timeout, read)
        .await
        .map_err(|_| format!("no complete answer within {} ms", timeout.as_millis()))?
}

fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "the request timed out".to_owned()
    } else if e.is_connect() {
        "could not connect".to_owned()
    } else if e.is_redirect() {
        "redirects are not followed".to_owned()
    } else if e.is_body() || e.is_decode() {
        "the response body could not be read".to_owned()
    } else {
        "the request failed".to_owned()
    }
}
