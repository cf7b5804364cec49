//! The Cookie header as the request decision reads it: `cookie::pairs` / `cookie::parse`, `clerk_request::Cookies`
//! and the suffixed-or-not cookie choice (`read_inputs`). Never panics; the parsers agree with each other.
#![no_main]

use clerk_remix_core::clerk_request::{read_inputs, Cookies, RequestParts};
use clerk_remix_core::cookie;
use clerk_remix_core::publishable_key::PublishableKey;
use fuzz_fixtures::PUBLISHABLE_KEYS;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(header) = std::str::from_utf8(data) else { return };

    // Every pair is a slice of the header with no `;` in it, names never contain `=`.
    let mut names = Vec::new();
    for (name, value) in cookie::pairs(header) {
        assert!(!name.contains(';') && !value.contains(';'), "{name:?}={value:?}");
        assert!(!name.contains('='), "{name:?}");
        names.push(name);
    }
    // parse keeps the first occurrence of each name.
    let parsed = cookie::parse(header);
    for (name, value) in &parsed {
        assert_eq!(cookie::get(header, name).as_deref(), Some(value.as_str()));
    }
    let cookies = Cookies::new(Some(header));
    for (name, first) in parsed {
        // Cookies::get: the same value, empty counts as absent.
        assert_eq!(cookies.get(&name), Some(first).filter(|v| !v.is_empty()));
    }

    // The whole read of a request, production and development keys.
    let parts = RequestParts {
        url: "http://localhost:3000/".into(),
        method: "GET".into(),
        cookie: Some(header.to_owned()),
        ..RequestParts::default()
    };
    let url = clerk_remix_core::Url::parse(&parts.url).unwrap();
    for pk in PUBLISHABLE_KEYS {
        let pk = PublishableKey::parse(pk).expect("valid key");
        let _ = read_inputs(&parts, &url, &pk, 1_700_000_000_000.0, &|_| None);
    }
});
