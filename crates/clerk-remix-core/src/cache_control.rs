//! The `Cache-Control` of a response that carries a user's Clerk state: the root loader's `clerkState` (the session's
//! claims, ids and settings of one browser) or Clerk's cookies (`Set-Cookie` of a refreshed session or a resolved
//! handshake, the redirect counter of a handshake redirect). No shared cache may keep such a response and hand it to
//! someone else. One rule for both entries; the TypeScript layers only say what a response carries.
//!
//! Clerk sets `no-store` on its handshake redirects (and on a development instance's handshake resolution) and nothing
//! elsewhere.

/// The `Cache-Control` value a response must have, given the one it has (`existing`) and what it carries; `None`:
/// leave the header as it is.
///
/// * a value with `no-store` is kept as it is (nothing is stricter; Clerk's `no-store` stays Clerk's);
/// * a response that sets Clerk's cookies, or has no `Cache-Control`, gets `private, no-store`;
/// * otherwise (the app's loader chose a policy for its `clerkState` response) the policy is kept for the browser and
///   taken from shared caches: `public`, `s-maxage`, `proxy-revalidate` and a field-qualified `private="…"` are
///   dropped and a bare `private` leads (`public, max-age=60, s-maxage=600` → `private, max-age=60`); when nothing is
///   left, `private, no-store` (or `private` when the app said just that).
pub fn for_clerk_response(existing: Option<&str>, carries_clerk_state: bool, sets_cookies: bool) -> Option<String> {
    if !carries_clerk_state && !sets_cookies {
        return None;
    }
    let directives = directives(existing.unwrap_or(""));
    if directives.iter().any(|d| name_of(d).eq_ignore_ascii_case("no-store")) {
        return None;
    }
    const STRICT: &str = "private, no-store";
    let wanted = if sets_cookies || directives.is_empty() {
        STRICT.to_owned()
    } else {
        let private = directives.iter().any(|d| d.eq_ignore_ascii_case("private"));
        let shared_only = ["public", "s-maxage", "proxy-revalidate", "private"];
        let kept: Vec<&str> = directives
            .into_iter()
            .filter(|d| !shared_only.iter().any(|s| name_of(d).eq_ignore_ascii_case(s)))
            .collect();
        match (kept.is_empty(), private) {
            (true, false) => STRICT.to_owned(),
            (true, true) => "private".to_owned(),
            (false, _) => format!("private, {}", kept.join(", ")),
        }
    };
    (existing != Some(wanted.as_str())).then_some(wanted)
}

/// The comma-separated directives of a `Cache-Control` value, trimmed, empty ones left out; a comma inside a
/// quoted string (`no-cache="set-cookie, x"`) does not split.
fn directives(value: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in value.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ',' if !quoted => {
                out.push(value[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(value[start..].trim());
    out.retain(|d| !d.is_empty());
    out
}

/// `max-age` of `max-age=60`.
fn name_of(directive: &str) -> &str {
    directive.split('=').next().unwrap_or("").trim()
}
