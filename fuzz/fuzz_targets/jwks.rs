//! The JWKS document parser (`jwks::KeySet::parse`, and `parse_with_previous` over its own result): never panics;
//! every accepted key is an RSA key of 2048–8192 bits under a kid that is listed once; no kid is both accepted and
//! refused; a set with a private-key member anywhere is refused whole; an accepted JWK says `kty: RSA`, and its
//! `use`, `key_ops` and `alg` (when present) allow RS256/384/512 signature verification; reusing the previous
//! set's keys changes no answer.
#![no_main]

use std::collections::{BTreeSet, HashMap};

use clerk_remix_core::jwks::KeySet;
use clerk_remix_core::key::{MAX_MODULUS_BITS, MIN_MODULUS_BITS, PRIVATE_MEMBERS};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fn kids<V>(map: &HashMap<String, V>) -> BTreeSet<&str> {
    map.keys().map(String::as_str).collect()
}

fuzz_target!(|data: &[u8]| {
    let Ok(set) = KeySet::parse(data) else { return };
    let listed: Vec<&str> = if set.kid_list.is_empty() { Vec::new() } else { set.kid_list.split(", ").collect() };
    for (kid, key) in &set.keys {
        assert!((MIN_MODULUS_BITS..=MAX_MODULUS_BITS).contains(&key.modulus_bits), "{kid}: {}", key.modulus_bits);
        assert!(!set.rejected.contains_key(kid), "{kid} both accepted and refused");
        assert_eq!(key.kid.as_deref(), Some(kid.as_str()));
        // kid_list joins with ", ", so a kid containing ", " cannot be checked by splitting.
        if !kid.contains(", ") {
            assert!(listed.contains(&kid.as_str()), "{kid} not in {:?}", set.kid_list);
        }
    }
    let doc: Value = serde_json::from_slice(data).expect("an accepted JWKS is JSON");
    let entries = doc["keys"].as_array().expect("an accepted JWKS has a keys array");
    let objects = entries.iter().filter_map(Value::as_object);
    for jwk in objects.clone() {
        assert!(!PRIVATE_MEMBERS.iter().any(|m| jwk.contains_key(*m)), "private member in an accepted set");
    }
    for kid in set.keys.keys() {
        let mut same = objects.clone().filter(|j| j.get("kid").and_then(Value::as_str) == Some(kid.as_str()));
        let jwk = same.next().expect("an accepted kid is in the document");
        assert!(same.next().is_none(), "{kid} listed twice yet accepted");
        assert_eq!(jwk.get("kty"), Some(&Value::from("RSA")), "{kid}");
        assert!(jwk.get("use").is_none_or(|u| u == "sig"), "{kid}: use {:?}", jwk.get("use"));
        if let Some(ops) = jwk.get("key_ops") {
            assert!(ops.as_array().is_some_and(|o| o.contains(&Value::from("verify"))), "{kid}: key_ops {ops}");
        }
        if let Some(alg) = jwk.get("alg") {
            assert!(["RS256", "RS384", "RS512"].iter().any(|a| alg == a), "{kid}: alg {alg}");
        }
    }
    // With itself as the previous set, unchanged JWKs are reused: the same kids accepted and refused.
    let again = KeySet::parse_with_previous(data, Some(&set)).expect("the same document parses again");
    assert_eq!(kids(&again.keys), kids(&set.keys));
    assert_eq!(kids(&again.rejected), kids(&set.rejected));
    let _ = set.kid_mismatch(Some("x"));
    let _ = set.kid_mismatch(None);
});
