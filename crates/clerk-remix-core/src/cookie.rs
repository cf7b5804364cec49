//! The Cookie header, parsed the way the npm `cookie` package 1.0.2 (bundled in `@clerk/backend`) parses it:
//! pairs split on `;`, name and value trimmed of spaces and tabs, a pair without `=` skipped, the first occurrence
//! of a name wins, names never decoded, a value percent-decoded only when it contains `%` and left raw when that
//! decoding fails. Nothing here can panic or fail on any input.

use std::borrow::Cow;

/// Every (name, raw value) pair in header order, duplicates included, exactly as `cookie.parse` walks the header.
pub fn pairs(header: &str) -> Pairs<'_> {
    Pairs { s: header, index: if header.len() < 2 { header.len() } else { 0 } }
}

pub struct Pairs<'a> {
    s: &'a str,
    index: usize,
}

impl<'a> Iterator for Pairs<'a> {
    type Item = (&'a str, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        let s = self.s;
        let bytes = s.as_bytes();
        let len = bytes.len();
        while self.index < len {
            let index = self.index;
            let eq = find(bytes, b'=', index)?;
            let end = find(bytes, b';', index).unwrap_or(len);
            if eq > end {
                // A pair without `=`: resume after the last `;` before this `=` (cookie's backtracking).
                self.index = after_last(bytes, b';', eq);
                continue;
            }
            let key_start = skip_ows_forward(bytes, index, eq);
            let key_end = skip_ows_backward(bytes, eq, key_start);
            let val_start = skip_ows_forward(bytes, eq + 1, end);
            let val_end = skip_ows_backward(bytes, end, val_start);
            self.index = end + 1;
            // All delimiters are ASCII, so these byte offsets are char boundaries.
            return Some((&s[key_start..key_end], &s[val_start..val_end]));
        }
        None
    }
}

fn find(bytes: &[u8], needle: u8, from: usize) -> Option<usize> {
    memchr::memchr(needle, &bytes[from..]).map(|p| p + from)
}

/// `str.lastIndexOf(needle, before - 1) + 1`: the index just after the last `needle` before `before`, or 0.
fn after_last(bytes: &[u8], needle: u8, before: usize) -> usize {
    bytes[..before].iter().rposition(|&b| b == needle).map_or(0, |p| p + 1)
}

fn is_ows(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn skip_ows_forward(bytes: &[u8], mut i: usize, max: usize) -> usize {
    while i < max && is_ows(bytes[i]) {
        i += 1;
    }
    i.min(max)
}

fn skip_ows_backward(bytes: &[u8], mut i: usize, min: usize) -> usize {
    while i > min && is_ows(bytes[i - 1]) {
        i -= 1;
    }
    i
}

/// The value of the first cookie named `name`, decoded as `cookie.parse` decodes it (the request decision reads
/// many names from one header through `clerk_request::Cookies`, which walks the header once).
pub fn get<'a>(header: &'a str, name: &str) -> Option<Cow<'a, str>> {
    pairs(header).find(|(k, _)| *k == name).map(|(_, v)| decode_value(v))
}

/// The whole header as `cookie.parse` returns it: first occurrence wins, values decoded.
pub fn parse(header: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (k, v) in pairs(header) {
        if !out.iter().any(|(seen, _)| seen == k) {
            out.push((k.to_owned(), decode_value(v).into_owned()));
        }
    }
    out
}

/// cookie's default `decode`: `decodeURIComponent` when the value contains `%`, the raw value when that throws.
pub fn decode_value(value: &str) -> Cow<'_, str> {
    if !value.contains('%') {
        return Cow::Borrowed(value);
    }
    match decode_uri_component(value) {
        Some(decoded) => Cow::Owned(decoded),
        None => Cow::Borrowed(value),
    }
}

/// ECMAScript `decodeURIComponent`; `None` where it would throw `URIError` (a `%` not followed by two hex digits,
/// or escapes that do not form UTF-8). Literal characters never merge with escaped bytes: a literal character's
/// UTF-8 starts with a lead byte, so an unfinished escaped sequence followed by one fails the UTF-8 check too.
pub fn decode_uri_component(input: &str) -> Option<String> {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hi = hex_value(*bytes.get(i + 1)?)?;
            let lo = hex_value(*bytes.get(i + 2)?)?;
            out.push(hi << 4 | lo);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}
