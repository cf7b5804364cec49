//! `cookie::parse` / `cookie::get` against `cookie/cookie_parse_cases.json` (npm `cookie` 1.0.x, the version
//! `@clerk/backend` bundles), plus a no-panic sweep over pseudo-random headers.
//!
//! Expectation used per entry: `cases[].expected` (cookie ≥ 1.0; `expected_v0_7` is cookie 0.7's DQUOTE
//! stripping and is NOT ours). `extra_cases` carry only observed outputs: `observed_cookie_2_0_2`, which the file
//! notes is also cookie 1.0.x behaviour for these headers; `observed_cookie_0_7_2` (the `__proto__` case) is not
//! ours. The comparison is ordered: our `parse` keeps header order (first occurrence wins), and the JSON objects
//! keep theirs (serde_json `preserve_order`); none of the names is an integer-like key, which JS would reorder.

use serde_json::Value;

use super::util::load_json;
use crate::cookie;

fn expected_pairs(v: &Value) -> Vec<(String, String)> {
    v.as_object()
        .expect("expected map")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().expect("string value").to_owned()))
        .collect()
}

fn check(header: &str, expected: &[(String, String)], label: &str) {
    let got = cookie::parse(header);
    assert_eq!(got, expected, "{label}: header {header:?}");
    // `get` agrees with `parse` for every name, and says None for a name that is not there.
    for (name, value) in expected {
        assert_eq!(cookie::get(header, name).as_deref(), Some(value.as_str()), "{label}: get({name:?}) in {header:?}");
    }
    assert_eq!(cookie::get(header, "__absent_name__"), None, "{label}");
}

#[test]
fn cookie_parse_vectors() {
    let doc = load_json("cookie/cookie_parse_cases.json");
    let cases = doc["cases"].as_array().expect("cases");
    let extra = doc["extra_cases"].as_array().expect("extra_cases");
    assert_eq!((cases.len(), extra.len()), (26, 22));

    for (i, c) in cases.iter().enumerate() {
        let header = c["header"].as_str().unwrap();
        check(header, &expected_pairs(&c["expected"]), &format!("cases[{i}] {}", c["test"]));
        // Where 0.7 differs, make sure we are not accidentally 0.7.
        if let Some(v07) = c.get("expected_v0_7") {
            assert_ne!(cookie::parse(header), expected_pairs(v07), "cases[{i}] matches cookie 0.7");
        }
    }
    for (i, c) in extra.iter().enumerate() {
        let header = c["header"].as_str().unwrap();
        let expected = c.get("observed_cookie_1_0_2").or_else(|| c.get("observed_cookie_2_0_2")).expect("expectation");
        check(header, &expected_pairs(expected), &format!("extra_cases[{i}]"));
    }
    println!("cookie_parse_cases.json: {} cases + {} extra cases", cases.len(), extra.len());
}

/// The cases that matter for Clerk: `__session` is found, the first duplicate wins, suffixed names are distinct.
#[test]
fn cookie_session_lookups() {
    assert_eq!(cookie::get("__session=a; __session=b", "__session").as_deref(), Some("a"));
    assert_eq!(cookie::get("__session_abc=x; __session=y", "__session").as_deref(), Some("y"));
    assert_eq!(cookie::get("__session_abc=x", "__session"), None);
    assert_eq!(cookie::get("x__session=1", "__session"), None);
    assert_eq!(cookie::get("__session", "__session"), None, "a pair without = is skipped");
    assert_eq!(cookie::get("a=1; __session=%7B; b=2", "__session").as_deref(), Some("{"));
    assert_eq!(cookie::get("__session=%E0%A4%A", "__session").as_deref(), Some("%E0%A4%A"), "raw on decode error");
    // The value is a JWS: never changed by decoding.
    let jws = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln-_";
    assert_eq!(cookie::get(&format!("__session={jws}"), "__session").as_deref(), Some(jws));
}

#[test]
fn decode_uri_component_like_ecmascript() {
    use cookie::decode_uri_component as d;
    assert_eq!(d("a%20b").as_deref(), Some("a b"));
    assert_eq!(d("%C3%A9").as_deref(), Some("é"));
    assert_eq!(d("%e2%82%ac").as_deref(), Some("€"), "lower-case hex");
    assert_eq!(d("%F0%9F%98%80").as_deref(), Some("😀"));
    assert_eq!(d("100%").as_deref(), None, "a % without two hex digits throws");
    assert_eq!(d("%4").as_deref(), None);
    assert_eq!(d("%G0").as_deref(), None);
    assert_eq!(d("%C3").as_deref(), None, "an unfinished sequence throws");
    assert_eq!(d("%C3a").as_deref(), None, "a literal does not complete an escaped sequence");
    assert_eq!(d("%C3é").as_deref(), None);
    assert_eq!(d("%FF").as_deref(), None);
    assert_eq!(d("%C0%80").as_deref(), None, "overlong encodings throw");
    assert_eq!(d("%ED%A0%80").as_deref(), None, "encoded surrogates throw");
    assert_eq!(d("%2525").as_deref(), Some("%25"), "decoded once");
    assert_eq!(cookie::decode_value("no-percent+here"), "no-percent+here");
    assert!(matches!(cookie::decode_value("plain"), std::borrow::Cow::Borrowed(_)));
}

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const PIECES: [&str; 32] = [
    "%",
    ";",
    "=",
    " ",
    "\t",
    "\"",
    "'",
    ",",
    "a",
    "b",
    "__session",
    "%2",
    "%25",
    "%E2%82%AC",
    "%C3",
    "%zz",
    "é",
    "€",
    "😀",
    "\u{0}",
    "\u{7f}",
    "\\",
    "\r\n",
    "==",
    ";;",
    "%%",
    "x",
    "0",
    "%F0%9F",
    "A",
    "__session_x",
    ".",
];

fn random_header(rng: &mut Rng) -> String {
    let len = rng.below(24);
    (0..len).map(|_| PIECES[rng.below(PIECES.len())]).collect()
}

/// 10,000 pseudo-random headers: no panic, and `get` always agrees with `parse` (first occurrence, same decoding),
/// names and values are trimmed of SP/HTAB, names never contain `;` or `=`.
#[test]
fn cookie_fuzz_never_panics_and_get_agrees_with_parse() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut non_empty = 0;
    for _ in 0..10_000 {
        let header = random_header(&mut rng);
        let parsed = std::panic::catch_unwind(|| cookie::parse(&header))
            .unwrap_or_else(|_| panic!("cookie::parse panicked on {header:?}"));
        if !parsed.is_empty() {
            non_empty += 1;
        }
        for (name, value) in &parsed {
            assert_eq!(cookie::get(&header, name).as_deref(), Some(value.as_str()), "{header:?} / {name:?}");
            assert!(!name.contains(';') && !name.contains('='), "{header:?}: name {name:?}");
            assert_eq!(name.trim_matches([' ', '\t']), name, "{header:?}");
        }
        let names: Vec<&String> = parsed.iter().map(|(n, _)| n).collect();
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "{header:?}: duplicate names in parse output");
        for (_, raw) in cookie::pairs(&header) {
            assert_eq!(raw.trim_matches([' ', '\t']), raw, "{header:?}");
            assert!(!raw.contains(';'), "{header:?}");
        }
        let _ = cookie::get(&header, "__session");
        let _ = cookie::get(&header, "");
        let _ = cookie::decode_uri_component(&header);
    }
    assert!(non_empty > 1_000, "the generator hardly produced pairs ({non_empty})");
}
