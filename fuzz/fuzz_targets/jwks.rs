//! The JWKS document parser (`jwks::KeySet::parse`): never panics; every accepted key is an RSA key of 2048–8192
//! bits under a kid that is listed once; no kid is both accepted and refused.
#![no_main]

use clerk_remix_core::jwks::KeySet;
use clerk_remix_core::key::{MAX_MODULUS_BITS, MIN_MODULUS_BITS};
use libfuzzer_sys::fuzz_target;

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
    let _ = set.kid_mismatch(Some("x"));
    let _ = set.kid_mismatch(None);
});
