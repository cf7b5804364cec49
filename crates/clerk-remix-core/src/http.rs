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
/// parts joined with `/` and every run of `/` collapsed, so a path prefix in the API URL is kept. Each of `segments`
/// is data (a session id, a resource id) and becomes exactly one path segment, percent-encoded ([`path_segment`]);
/// an empty one adds nothing, as in Clerk. `None` when the API URL does not parse, or a segment is `.` or `..`
/// (which URL parsing would resolve away, so no URL can carry it as one segment).
pub fn api_endpoint(api_url: &str, api_version: &str, segments: &[&str]) -> Option<Url> {
    let mut encoded = String::new();
    for segment in segments {
        if matches!(*segment, "." | "..") {
            return None;
        }
        encoded.push('/');
        encoded.push_str(&path_segment(segment));
    }
    api_endpoint_with_path(api_url, api_version, &encoded)
}

/// [`api_endpoint`] for a path that is already encoded (`/users/user_1`, from the JS layer): joined as it is. `None`
/// when the API URL does not parse or a segment of `path` is a dot segment (`.`, `..`, or one spelled with `%2e`),
/// which URL parsing would resolve into another endpoint; also when `path` has a character URL parsing reads as
/// something else than itself and an encoded path never has: `\` (a segment separator in an http(s) URL, so
/// `..\..` is two dot segments) and tab, LF or CR (dropped, so `.\t.` is `..`).
pub fn api_endpoint_with_path(api_url: &str, api_version: &str, path: &str) -> Option<Url> {
    if path.contains(['\\', '\t', '\n', '\r']) || path.split('/').any(is_dot_segment) {
        return None;
    }
    let mut url = Url::parse(api_url).ok()?;
    let mut joined = url.path().to_owned();
    for part in [api_version, path] {
        joined.push('/');
        joined.push_str(part);
    }
    let mut collapsed = String::with_capacity(joined.len());
    for c in joined.chars() {
        if !(c == '/' && collapsed.ends_with('/')) {
            collapsed.push(c);
        }
    }
    url.set_path(&collapsed);
    Some(url)
}

/// One path segment, percent-encoded: every byte but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`) is
/// written `%XX`, so `/`, `?`, `#`, `%` and `\` in data never end, query or re-route the path.
pub fn path_segment(data: &str) -> String {
    let mut out = String::with_capacity(data.len());
    for b in data.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// WHATWG URL's single- and double-dot path segments (`.`, `..`, `%2e`, `.%2E`, …).
fn is_dot_segment(segment: &str) -> bool {
    let lower = segment.to_ascii_lowercase();
    matches!(lower.as_str(), "." | "%2e" | ".." | ".%2e" | "%2e." | "%2e%2e")
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
