//! The whole request decision offline (`authenticate::Authenticator` with a local key, no network): arbitrary
//! Cookie and Authorization headers, URL and fetch metadata. Never panics; signed-in implies the token verifies with
//! the key and names a `sub`.
#![no_main]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use clerk_remix_core::authenticate::{AuthStatus, Authenticator, Outcome};
use clerk_remix_core::claims::ClaimRules;
use clerk_remix_core::clerk_request::RequestParts;
use clerk_remix_core::jwt::{self, Alg};
use clerk_remix_core::testkit::{local_verifier, offline_authenticator};
use clerk_remix_core::token_verifier::Network;
use fuzz_fixtures::{fixture, signed, PUBLISHABLE_KEYS};
use libfuzzer_sys::fuzz_target;

fn authenticator(development: bool) -> Authenticator {
    let verifier = local_verifier(&fixture().key, ClaimRules::default());
    offline_authenticator(PUBLISHABLE_KEYS[usize::from(development)], verifier)
}

/// A genuine session token (valid at NOW_MS), substituted for each `TOKEN` in the input so that the signed-in
/// branches are reachable.
fn genuine() -> &'static str {
    static T: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    T.get_or_init(|| {
        let claims = r#"{"sub":"user_1","sid":"sess_1","iss":"https://clerk.example.test","iat":1699999990,"nbf":1699999980,"exp":1700000050,"azp":"http://localhost:3000"}"#;
        signed(Alg::RS256, br#"{"alg":"RS256","kid":"k1","typ":"JWT"}"#, claims.as_bytes())
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let text = text.replace("TOKEN", genuine());
    // Fields separated by U+0001: cookie, authorization, url path+query, sec-fetch-dest, accept, referer, method.
    let mut f = text.split('\u{1}');
    let mut next = || f.next().filter(|s| !s.is_empty()).map(str::to_owned);
    let cookie = next();
    let authorization = next();
    let path = next().unwrap_or_default();
    let parts = RequestParts {
        url: format!("http://localhost:3000/{path}"),
        cookie,
        authorization,
        sec_fetch_dest: next(),
        accept: next(),
        referer: next(),
        method: next().unwrap_or_else(|| "GET".into()),
        ..RequestParts::default()
    };
    for development in [false, true] {
        let a = authenticator(development);
        // Polled once: an offline decision never waits.
        let decide = pin!(a.authenticate(&parts, 1_700_000_000_000.0, Network::Offline));
        let Poll::Ready(result) = decide.poll(&mut Context::from_waker(Waker::noop())) else {
            panic!("an offline decision never waits");
        };
        let Ok(decision) = result else { continue }; // needs the network (handshake nonce, refresh): fine
        if let Outcome::State(s) = decision.outcome {
            if s.status == AuthStatus::SignedIn {
                let token = s.token.as_deref().expect("signed in carries its token");
                let d = jwt::decode(token).expect("signed-in token decodes");
                assert!(fixture().key.verify(d.jws.alg, d.jws.signing_input, &d.jws.signature));
                let claims: serde_json::Value = serde_json::from_str(s.claims_json.as_deref().unwrap()).unwrap();
                assert!(claims.get("sub").is_some_and(serde_json::Value::is_string));
            }
        }
    }
});
