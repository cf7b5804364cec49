//! Fixtures the fuzz targets share. The code under test is the core crate itself (`clerk_remix_core`); key pairs and
//! signed tokens come from its `testkit`.

use clerk_remix_core::jwt::Alg;
use clerk_remix_core::testkit::{key_2048, signed_token, TestKey};

/// Publishable keys of a production and a development instance (`clerk.example.test`).
pub const PUBLISHABLE_KEYS: [&str; 2] = ["pk_live_Y2xlcmsuZXhhbXBsZS50ZXN0JA", "pk_test_Y2xlcmsuZXhhbXBsZS50ZXN0JA"];

/// One RSA key pair per fuzz process (generated once).
pub fn fixture() -> &'static TestKey {
    key_2048()
}

/// `b64(header).b64(payload).b64(RS256/384/512 signature)` with the fixture's key.
pub fn signed(alg: Alg, header: &[u8], payload: &[u8]) -> String {
    signed_token(&fixture().pair, alg, header, payload)
}
