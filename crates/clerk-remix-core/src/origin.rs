//! Whose origin a request is on, and where the decision may send a browser: the app origin an app can pin
//! (`appOrigin` / `CLERK_APP_ORIGIN`: no Clerk equivalent), the syntax a proxy header must have to be believed
//! (`X-Forwarded-Host` / `Host`, `X-Forwarded-Proto`), and the origins a development primary may send its dev browser
//! token back to (`allowedRedirectOrigins` / `CLERK_ALLOWED_REDIRECT_ORIGINS`, after clerk-js's option of that name).

use std::fmt;

use reqwest::Url;

/// A setting that must name origins and does not. The message never repeats the value (it may be anything that was
/// put in the wrong variable, a key included).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OriginSettingError {
    /// `appOrigin` / `CLERK_APP_ORIGIN`.
    AppOrigin,
    /// One entry of `allowedRedirectOrigins` / `CLERK_ALLOWED_REDIRECT_ORIGINS`.
    AllowedRedirectOrigins,
}

impl OriginSettingError {
    /// A kebab-case name of the failure, for the JS error's `code`.
    pub fn reason(self) -> &'static str {
        match self {
            OriginSettingError::AppOrigin => "app-origin-invalid",
            OriginSettingError::AllowedRedirectOrigins => "allowed-redirect-origins-invalid",
        }
    }
}

impl fmt::Display for OriginSettingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            OriginSettingError::AppOrigin => "appOrigin / CLERK_APP_ORIGIN must be",
            OriginSettingError::AllowedRedirectOrigins => {
                "allowedRedirectOrigins / CLERK_ALLOWED_REDIRECT_ORIGINS must list"
            }
        };
        write!(
            f,
            "Clerk: {name} an origin such as https://app.example.com: http or https, a host and an optional port, \
             without a path, query, fragment or credentials."
        )
    }
}

impl std::error::Error for OriginSettingError {}

/// An origin setting as written (`https://app.example.com`, a trailing `/` allowed), as a URL with an empty path.
fn parse_origin(value: &str) -> Option<Url> {
    let url = Url::parse(value.trim()).ok()?;
    let plain = matches!(url.scheme(), "http" | "https")
        && url.host_str().is_some_and(|h| !h.is_empty())
        && url.username().is_empty()
        && url.password().is_none()
        && url.path() == "/"
        && url.query().is_none()
        && url.fragment().is_none();
    // `Url::parse` drops an empty query or fragment (`https://a.example?`): those are not origins either.
    let written = value.trim();
    (plain && !written.contains(['?', '#'])).then_some(url)
}

/// `appOrigin` / `CLERK_APP_ORIGIN`: `None` for an empty setting (no pin).
pub fn parse_app_origin(value: &str) -> Result<Option<Url>, OriginSettingError> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    parse_origin(value).map(Some).ok_or(OriginSettingError::AppOrigin)
}

/// `allowedRedirectOrigins` / `CLERK_ALLOWED_REDIRECT_ORIGINS` (each entry an origin; empty entries are skipped):
/// the origins in their serialized form (`https://sat.example.com`, default ports left out).
pub fn parse_allowed_origins<S: AsRef<str>>(entries: &[S]) -> Result<Vec<String>, OriginSettingError> {
    entries
        .iter()
        .map(|e| e.as_ref().trim())
        .filter(|e| !e.is_empty())
        .map(|e| {
            parse_origin(e)
                .map(|url| url.origin().ascii_serialization())
                .ok_or(OriginSettingError::AllowedRedirectOrigins)
        })
        .collect()
}

/// Whether a `Host` / `X-Forwarded-Host` value (its first comma-separated element) is a host a URL can be rebuilt on:
/// `host[:port]` with `host` a DNS name (ASCII letters, digits, `-`, `_`, dot-separated labels of 1–63 characters,
/// an optional final dot), an IPv4 address (a name made of digits) or a bracketed IPv6 address, and `port` at most
/// five digits up to 65535. Anything else (credentials, a path, a query, spaces, non-ASCII, an empty label) is a
/// header no browser sends and no proxy should forward.
pub fn is_host_header(value: &str) -> bool {
    let (host_ok, port) = match value.strip_prefix('[') {
        Some(rest) => {
            let Some((inside, after)) = rest.split_once(']') else { return false };
            let port = match after {
                "" => None,
                _ => match after.strip_prefix(':') {
                    Some(port) => Some(port),
                    None => return false,
                },
            };
            (inside.parse::<std::net::Ipv6Addr>().is_ok(), port)
        }
        None => match value.split_once(':') {
            Some((host, port)) => (is_dns_name(host), Some(port)),
            None => (is_dns_name(value), None),
        },
    };
    host_ok && port.is_none_or(is_port)
}

/// `*DIGIT` of RFC 9110's `Host` (an empty port means the scheme's), at most 65535.
fn is_port(port: &str) -> bool {
    port.len() <= 5
        && port.bytes().all(|b| b.is_ascii_digit())
        && (port.is_empty() || port.parse::<u32>().is_ok_and(|n| n <= 65535))
}

fn is_dns_name(host: &str) -> bool {
    let name = host.strip_suffix('.').unwrap_or(host);
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// Whether an `X-Forwarded-Proto` value (its first comma-separated element) is a scheme a browser can be sent to:
/// `http` or `https`, in any case.
pub fn is_proto_header(value: &str) -> bool {
    value.eq_ignore_ascii_case("http") || value.eq_ignore_ascii_case("https")
}

/// Where a development primary may send the browser (and its dev browser token) back to when a satellite asks with
/// `__clerk_redirect_url`: the request's own origin (the pinned one when pinned) or one of `allowed`.
pub fn is_allowed_redirect(target: &Url, request_url: &Url, allowed: &[String]) -> bool {
    if !matches!(target.scheme(), "http" | "https") {
        return false;
    }
    let origin = target.origin().ascii_serialization();
    origin == request_url.origin().ascii_serialization() || allowed.contains(&origin)
}
