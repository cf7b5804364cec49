//! The verified-token cache: only tokens that verified are kept, every use re-checks the claims against the clock,
//! a key that is no longer the key source's answer for the kid makes the entry a miss, and the size is bounded.

use std::sync::Arc;

use serde_json::json;

use super::util::{key_2048, other_key_2048, run, token};
use crate::claims::ClaimRules;
use crate::error::Reason;
use crate::jwt::Alg;
use crate::key::RsaKey;
use crate::token_cache::TokenCache;
use crate::token_verifier::{KeySource, Verifier};

const NOW_S: i64 = 1_700_000_000;
const NOW: f64 = NOW_S as f64 * 1000.0;

fn cached(key: &Arc<RsaKey>, capacity: usize) -> Verifier {
    Verifier {
        keys: KeySource::Local(Arc::clone(key)),
        rules: ClaimRules::default(),
        cache: TokenCache::new(capacity).map(Arc::new),
    }
}

fn session(exp: i64) -> String {
    token(&key_2048().pair, Alg::RS256, &json!({ "sub": "user_1", "iat": NOW_S - 10, "exp": exp }))
}

fn len(v: &Verifier) -> usize {
    v.cache.as_ref().unwrap().len()
}

#[test]
fn a_hit_gives_the_same_payload_and_rechecks_the_claims_against_the_clock() {
    let v = cached(&key_2048().key, 10);
    let t = session(NOW_S + 60);
    let first = run(&v, &t, NOW).unwrap();
    assert_eq!(len(&v), 1);
    let second = run(&v, &t, NOW + 1000.0).unwrap();
    assert_eq!(first.payload_json, second.payload_json);
    // The same cached token a few minutes later: expired, exactly as a fresh verification would say.
    let later = run(&v, &t, NOW + 120_000.0).unwrap_err();
    assert_eq!(later.reason, Reason::TokenExpired);
    assert!(later.message.starts_with("JWT is expired."), "{}", later.message);
}

#[test]
fn only_tokens_that_verified_are_kept() {
    let v = cached(&key_2048().key, 10);
    let forged = token(&other_key_2048().pair, Alg::RS256, &json!({ "sub": "user_1", "exp": NOW_S + 60 }));
    assert_eq!(run(&v, &forged, NOW).unwrap_err().reason, Reason::TokenInvalidSignature);
    assert_eq!(run(&v, &session(NOW_S - 60), NOW).unwrap_err().reason, Reason::TokenExpired);
    assert_eq!(len(&v), 0);
}

#[test]
fn an_entry_is_not_used_once_the_key_source_answers_with_another_key() {
    let t = session(NOW_S + 60);
    let v = cached(&key_2048().key, 10);
    run(&v, &t, NOW).unwrap();
    // Same cache, but the key source now holds another key: the cached entry must not vouch for the token.
    let rotated = Verifier { keys: KeySource::Local(Arc::clone(&other_key_2048().key)), ..v };
    assert_eq!(run(&rotated, &t, NOW).unwrap_err().reason, Reason::TokenInvalidSignature);
    assert_eq!(len(&rotated), 0, "the stale entry was dropped");
}

#[test]
fn the_size_is_bounded_and_zero_turns_the_cache_off() {
    let v = cached(&key_2048().key, 3);
    for i in 0..10 {
        run(&v, &session(NOW_S + 60 + i), NOW).unwrap();
    }
    assert_eq!(len(&v), 3);
    assert!(TokenCache::new(0).is_none());
}

#[test]
fn the_bytes_follow_the_entries_and_nothing_is_held_before_use() {
    let v = cached(&key_2048().key, 3);
    let cache = v.cache.clone().unwrap();
    assert_eq!(cache.bytes(), 0);
    let t = session(NOW_S + 60);
    run(&v, &t, NOW).unwrap();
    let one = cache.bytes();
    assert!(one > t.len(), "an entry counts at least its token: {one}");
    for i in 1..10 {
        run(&v, &session(NOW_S + 60 + i), NOW).unwrap();
    }
    let three = cache.bytes();
    assert!(three > 2 * one && three < 4 * one, "three entries of about the same size: {three} vs {one}");
    cache.remove(&session(NOW_S + 69));
    assert!(cache.bytes() < three);
}

#[test]
fn a_signed_payload_with_an_iss_json_values_cannot_hold_verifies_is_cached_and_reads_the_same_from_the_cache() {
    use super::util::token_raw;
    use crate::clerk_request::{read_inputs, RequestParts};
    use crate::publishable_key::PublishableKey;

    let key = key_2048();
    let v = cached(&key.key, 10);
    let header = r#"{"alg":"RS256","typ":"JWT"}"#;
    for iss in [r#""\ud800""#, "1e400"] {
        // Clerk never reads `iss` when it verifies, and `JSON.parse` takes both: so must the verification here.
        let payload = format!(r#"{{"sub":"user_1","iat":{},"exp":{},"iss":{iss}}}"#, NOW_S - 10, NOW_S + 60);
        let t = token_raw(&key.pair, Alg::RS256, header, &payload);
        let first = run(&v, &t, NOW).unwrap_or_else(|e| panic!("{iss}: {}", e.message));
        assert_eq!(first.payload_json, payload);
        assert_eq!(run(&v, &t, NOW).unwrap().payload_json, payload, "{iss}: the cached answer");

        // The cookie choice reads such a token the same way whether or not it is cached (its unverified decode fails).
        let pk = PublishableKey::parse("pk_live_Y2xlcmsuZXhhbXBsZS50ZXN0JA").unwrap();
        let url = reqwest::Url::parse("https://example.test/").unwrap();
        let parts = RequestParts {
            url: url.to_string(),
            cookie: Some(format!("__session={t}; __client_uat=1")),
            ..RequestParts::default()
        };
        let decoded = read_inputs(&parts, &url, &pk, NOW, &|_| None);
        let from_cache = read_inputs(&parts, &url, &pk, NOW, &|token| v.cached(token));
        assert!(v.cached(&t).is_some());
        assert_eq!(decoded.session_cookie_iat, from_cache.session_cookie_iat, "{iss}");
        assert_eq!(decoded.uses_suffixed_cookies, from_cache.uses_suffixed_cookies, "{iss}");
    }
}
