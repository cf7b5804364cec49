//! The token decoder and the verifier with a local key. The first byte picks a mode:
//! * raw: the rest is the token text, through `jwt::decode` and `Verifier::verify_now`;
//! * signed: the rest is split at the first 0xff into header and payload bytes, which are base64url-encoded and
//!   genuinely signed with the fixture key, so the claim checks after a good signature are reached too.
//! Never panics, and whatever verifies has a signature that verifies independently, a JSON object payload and a
//! string `sub`.
#![no_main]

use std::sync::Arc;

use clerk_remix_core::claims::ClaimRules;
use clerk_remix_core::jwt::{self, Alg};
use clerk_remix_core::token_cache::TokenCache;
use clerk_remix_core::token_verifier::{KeySource, Verifier};
use fuzz_fixtures::{fixture, signed};
use libfuzzer_sys::fuzz_target;

const NOW_MS: f64 = 1_700_000_000_000.0;

fn verifier(cache: bool) -> Verifier {
    Verifier {
        keys: KeySource::Local(Arc::clone(&fixture().key)),
        rules: ClaimRules {
            authorized_parties: vec!["https://a.example".into()],
            audience: vec!["aud1".into()],
            ..ClaimRules::default()
        },
        cache: if cache { TokenCache::new(16).map(Arc::new) } else { None },
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let token = if mode & 1 == 0 {
        let Ok(text) = std::str::from_utf8(rest) else { return };
        text.to_owned()
    } else {
        let cut = rest.iter().position(|&b| b == 0xff).unwrap_or(rest.len());
        let (header, payload) = (&rest[..cut], rest.get(cut + 1..).unwrap_or(&[]));
        let alg = [Alg::RS256, Alg::RS384, Alg::RS512][(mode as usize >> 1) % 3];
        signed(alg, header, payload)
    };
    let _ = jwt::decode_header_and_signature(&token);
    let decoded = jwt::decode(&token);
    for cache in [false, true] {
        let v = verifier(cache);
        let verify = || v.verify_now(&token, NOW_MS).answered().expect("a local key never needs the network");
        // Twice: with a cache, the second answer comes from it and must be the same.
        let (first, second) = (verify(), verify());
        assert_eq!(first.is_ok(), second.is_ok());
        if let (Err(a), Err(b)) = (&first, &second) {
            assert_eq!(a.reason, b.reason);
        }
        if let Ok(ok) = first {
            let d = decoded.as_ref().expect("verified implies decoded");
            assert!(fixture().key.verify(d.jws.alg, d.jws.signing_input, &d.jws.signature));
            let payload: serde_json::Value = serde_json::from_str(&ok.payload_json).expect("payload is JSON");
            assert!(payload.is_object());
            assert!(payload.get("sub").is_some_and(serde_json::Value::is_string), "{payload}");
        }
    }
});
