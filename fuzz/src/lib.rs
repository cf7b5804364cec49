//! The addon's core, compiled from `../../src/*.rs` through `#[path]` (everything but the napi glue), so the fuzz
//! targets run the shipped code. Shared fixtures for the targets live in `fixtures`.
#![allow(dead_code, clippy::all)]

#[path = "../../src/authenticate.rs"]
pub mod authenticate;
#[path = "../../src/bapi.rs"]
pub mod bapi;
#[path = "../../src/cookie.rs"]
pub mod cookie;
#[path = "../../src/credentials.rs"]
pub mod credentials;
#[path = "../../src/error.rs"]
pub mod error;
#[path = "../../src/handshake.rs"]
pub mod handshake;
#[path = "../../src/http.rs"]
pub mod http;
#[path = "../../src/jwks.rs"]
pub mod jwks;
#[path = "../../src/jwt.rs"]
pub mod jwt;
#[path = "../../src/key.rs"]
pub mod key;
#[path = "../../src/publishable_key.rs"]
pub mod publishable_key;
#[path = "../../src/request_context.rs"]
pub mod request_context;
#[path = "../../src/search_params.rs"]
pub mod search_params;
#[path = "../../src/time.rs"]
pub mod time;
#[path = "../../src/token_cache.rs"]
pub mod token_cache;
#[path = "../../src/verifier.rs"]
pub mod verifier;
#[path = "../../src/verify.rs"]
pub mod verify;

pub mod fixtures {
    //! One RSA key pair per fuzz process (generated once), and tokens signed with it.
    use std::sync::{Arc, OnceLock};

    use aws_lc_rs::rand::SystemRandom;
    use aws_lc_rs::rsa::{KeyPair, KeySize, PublicKeyComponents};
    use aws_lc_rs::signature::{self, KeyPair as _};
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;

    use crate::jwt::Alg;
    use crate::key::RsaKey;

    /// Publishable keys of a production and a development instance (`clerk.example.test`).
    pub const PUBLISHABLE_KEYS: [&str; 2] =
        ["pk_live_Y2xlcmsuZXhhbXBsZS50ZXN0JA", "pk_test_Y2xlcmsuZXhhbXBsZS50ZXN0JA"];

    pub struct Fixture {
        pub pair: KeyPair,
        pub key: Arc<RsaKey>,
    }

    pub fn fixture() -> &'static Fixture {
        static F: OnceLock<Fixture> = OnceLock::new();
        F.get_or_init(|| {
            let pair = KeyPair::generate(KeySize::Rsa2048).expect("RSA key generation");
            let c = PublicKeyComponents::<Vec<u8>>::from(pair.public_key());
            let key = RsaKey::from_components(&c.n, &c.e, Some("k1".into()), None).expect("generated key");
            Fixture { pair, key: Arc::new(key) }
        })
    }

    pub fn b64(bytes: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// `b64(header).b64(payload).b64(RS256/384/512 signature)` with the fixture's key.
    pub fn signed(alg: Alg, header: &[u8], payload: &[u8]) -> String {
        let input = format!("{}.{}", b64(header), b64(payload));
        let padding: &'static dyn signature::RsaEncoding = match alg {
            Alg::RS256 => &signature::RSA_PKCS1_SHA256,
            Alg::RS384 => &signature::RSA_PKCS1_SHA384,
            Alg::RS512 => &signature::RSA_PKCS1_SHA512,
        };
        let pair = &fixture().pair;
        let mut sig = vec![0u8; pair.public_modulus_len()];
        pair.sign(padding, &SystemRandom::new(), input.as_bytes(), &mut sig).expect("RSA signing");
        format!("{input}.{}", b64(&sig))
    }
}
