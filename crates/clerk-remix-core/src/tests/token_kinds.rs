//! The checks `@clerk/backend` 3.x added that protect a session, in both entries (`Generation::Backend2`, the Remix
//! entry, adopts them; docs/compat.md V9–V10, R11–R14): a JWT whose `cat` names another kind of token, or a machine
//! JWT, is no session token (`token-type-mismatch`) in the header and the cookie; `verifyToken` refuses the M2M
//! category; a handshake token of another category is refused; `authorizedParties` needs an `azp`; the missing-`azp`
//! warning reads `azp` as JavaScript does; an encoded cookie inside another cookie's value stays there.

use std::sync::Arc;

use futures_util::FutureExt;
use serde_json::{json, Value};

use crate::authenticate::{forget_missing_azp_warning, AuthStatus, Authenticator, AuthenticatorConfig, Decision};
use crate::authenticate::{Outcome, RequestState};
use crate::claims::ClaimRules;
use crate::clerk_request::RequestParts;
use crate::error::{action, Reason};
use crate::generation::Generation;
use crate::jwt::Alg;
use crate::publishable_key::PublishableKey;
use crate::testkit::{key_2048, offline_config, publishable, run, token_raw};
use crate::token_cache::TokenCache;
use crate::token_kind::{self, M2M_CATEGORY};
use crate::token_verifier::{Checked, KeySource, Network, Verifier, VerifierSettings};

use super::authenticate::{data, document};

const NOW_S: i64 = 1_800_000_000;
const NOW_MS: f64 = NOW_S as f64 * 1000.0;
const FAPI: &str = "clerk.example.test";
const APP: &str = "https://app.example";
const BOTH: [Generation; 2] = [Generation::Backend2, Generation::Backend3];
/// The category of a JWT template (neither a session's nor an M2M token's).
const TEMPLATE: &str = "cl_B7d4PD222AAA";

fn verifier(generation: Generation, rules: ClaimRules) -> Verifier {
    Verifier {
        keys: KeySource::Local(Arc::clone(&key_2048().key)),
        rules: ClaimRules { generation, ..rules },
        cache: TokenCache::new(64).map(Arc::new),
    }
}

fn instance(generation: Generation, prefix: &str, rules: ClaimRules) -> Authenticator {
    let config = AuthenticatorConfig { generation, ..offline_config("sk_live_x") };
    let pk = PublishableKey::parse(&publishable(prefix, FAPI)).unwrap();
    Authenticator::new(config, pk, verifier(generation, rules))
}

fn production(generation: Generation) -> Authenticator {
    instance(generation, "pk_live_", ClaimRules::default())
}

fn claims(extra: Value) -> Value {
    let mut c = json!({ "sub": "user_1", "sid": "sess_1", "iss": format!("https://{FAPI}"), "azp": APP,
        "iat": NOW_S - 5, "nbf": NOW_S - 10, "exp": NOW_S + 55 });
    for (k, v) in extra.as_object().unwrap() {
        if v == "<absent>" {
            c.as_object_mut().unwrap().remove(k);
        } else {
            c[k] = v.clone();
        }
    }
    c
}

/// A token signed with the instance's key, header `{alg, kid, typ}` plus `header`'s members.
fn jwt(header: Value, payload: Value) -> String {
    let mut h = json!({ "alg": "RS256", "kid": "k1", "typ": "JWT" });
    for (k, v) in header.as_object().unwrap() {
        h[k] = v.clone();
    }
    token_raw(&key_2048().pair, Alg::RS256, &h.to_string(), &payload.to_string())
}

fn session(extra: Value) -> String {
    jwt(json!({}), claims(extra))
}

fn of_category(cat: Value) -> String {
    jwt(json!({ "cat": cat }), claims(json!({})))
}

fn bearer(token: &str) -> RequestParts {
    RequestParts { authorization: Some(format!("Bearer {token}")), ..data("") }
}

fn cookies(token: &str) -> String {
    format!("__session={token}; __client_uat={}", NOW_S - 100)
}

fn decide(a: &Authenticator, parts: &RequestParts) -> Decision {
    a.authenticate(parts, NOW_MS, Network::Offline).now_or_never().expect("offline").expect("answers offline")
}

fn state(a: &Authenticator, parts: &RequestParts) -> RequestState {
    match decide(a, parts).outcome {
        Outcome::State(s) => s,
        other => panic!("expected a request state, got {other:?}"),
    }
}

fn reason(s: &RequestState) -> (AuthStatus, Option<&str>) {
    (s.status, s.reason.as_deref())
}

fn user(s: &RequestState) -> Option<String> {
    let claims: Value = serde_json::from_str(s.claims_json.as_deref()?).ok()?;
    claims["sub"].as_str().map(str::to_owned)
}

const MISMATCH: (AuthStatus, Option<&str>) = (AuthStatus::SignedOut, Some("token-type-mismatch"));

#[test]
fn a_jwt_of_another_category_is_no_session_token_in_the_header_or_the_cookie_of_either_entry() {
    for generation in BOTH {
        let a = production(generation);
        for cat in [json!(TEMPLATE), json!(M2M_CATEGORY), json!("other"), json!(null), json!(5), json!({})] {
            let t = of_category(cat.clone());
            for parts in [bearer(&t), data(&cookies(&t)), document(&cookies(&t))] {
                let s = state(&a, &parts);
                assert_eq!(reason(&s), MISMATCH, "{generation:?} cat {cat}");
                assert_eq!(s.message.as_deref(), Some(""));
            }
            // The cookie is refused before its `iat` is compared with `__client_uat` (3.x's order).
            let later_client = format!("__session={t}; __client_uat={}", NOW_S);
            assert_eq!(reason(&state(&a, &document(&later_client))), MISMATCH);
        }
        // A session's category and the ignored one are session tokens.
        for cat in [token_kind::SESSION_CATEGORY, token_kind::IGNORED_CATEGORY] {
            let t = of_category(json!(cat));
            assert_eq!(state(&a, &bearer(&t)).status, AuthStatus::SignedIn, "{generation:?} {cat}");
            assert_eq!(state(&a, &data(&cookies(&t))).status, AuthStatus::SignedIn, "{generation:?} {cat}");
        }
        // A header naming a category over a payload that does not decode: Clerk's `decodeJwt` fails first.
        let header = crate::testkit::b64(format!(r#"{{"alg":"RS256","cat":"{TEMPLATE}"}}"#).as_bytes());
        let broken = format!("{header}.bm90LWpzb24.c2ln");
        assert_eq!(reason(&state(&a, &bearer(&broken))), (AuthStatus::SignedOut, Some("token-invalid")));
    }
}

#[test]
fn a_machine_jwt_in_the_session_cookie_is_no_session_in_either_entry() {
    let m2m = session(json!({ "sub": "mch_1" }));
    let oauth = jwt(json!({ "typ": "at+jwt" }), claims(json!({})));
    for generation in BOTH {
        let a = production(generation);
        for t in [&m2m, &oauth] {
            assert_eq!(reason(&state(&a, &data(&cookies(t)))), MISMATCH, "{generation:?}");
            assert_eq!(reason(&state(&a, &document(&cookies(t)))), MISMATCH, "{generation:?}");
        }
    }
    // In the header, 2.x refuses them too; 3.x checks them as machine tokens (tests/machine_token.rs).
    let remix = production(Generation::Backend2);
    assert_eq!(reason(&state(&remix, &bearer(&m2m))), MISMATCH);
    assert_eq!(reason(&state(&remix, &bearer(&oauth))), MISMATCH);
}

/// A handshake token whose payload sets `__session` to `session`.
fn handshake_with(session: &str, header: Value) -> String {
    let payload = json!({ "handshake": [
        format!("__session={session}; Path=/; SameSite=Lax; Secure"),
        format!("__client_uat={NOW_S}; Path=/; Max-Age=315360000; SameSite=Lax; Secure"),
    ], "iat": NOW_S - 1 });
    jwt(header, payload)
}

fn with_handshake(token: &str) -> RequestParts {
    RequestParts { url: format!("http://localhost:3000/?__clerk_handshake={token}"), ..document("") }
}

#[test]
fn a_token_that_verified_before_answers_the_type_check_from_its_cache_entry() {
    for generation in BOTH {
        let a = production(generation);
        // `verifyToken` refuses only the M2M category: a template's token from a handshake signs in (as in 3.x)…
        let template = of_category(json!(TEMPLATE));
        let s = state(&a, &with_handshake(&handshake_with(&template, json!({}))));
        assert_eq!(s.status, AuthStatus::SignedIn, "{generation:?}");
        let entry = a.verifier().cached(&template).expect("the verified token is cached");
        assert!(entry.not_a_session);
        // …and the next request that sends it as the session cookie is refused, from the cache entry.
        assert_eq!(reason(&state(&a, &data(&cookies(&template)))), MISMATCH, "{generation:?}");
        // A session token's entry says it is one.
        let good = session(json!({}));
        assert_eq!(state(&a, &data(&cookies(&good))).status, AuthStatus::SignedIn);
        assert!(!a.verifier().cached(&good).unwrap().not_a_session);
        assert_eq!(state(&a, &data(&cookies(&good))).status, AuthStatus::SignedIn, "a cache hit");
    }
}

#[test]
fn verify_token_refuses_the_m2m_category_before_its_header_rules_and_key() {
    let v = verifier(Generation::Backend2, ClaimRules::default());
    let category = |t: &str| {
        let e = run(&v, t, NOW_MS).expect_err("refused");
        assert_eq!((e.reason, e.message.as_str()), (Reason::TokenInvalid, "Invalid session token category."), "{t}");
        assert_eq!(e.action, Some(action::ENSURE_CLERK_JWT));
    };
    category(&of_category(json!(M2M_CATEGORY)));
    // Before the `typ` and `alg` rules (a 3.x `verifyToken` answers the category first).
    category(&jwt(json!({ "cat": M2M_CATEGORY, "typ": "at+jwt" }), claims(json!({}))));
    category(&jwt(json!({ "cat": M2M_CATEGORY, "alg": "HS256" }), claims(json!({}))));
    category(&jwt(json!({ "cat": M2M_CATEGORY, "crit": ["x"] }), claims(json!({}))));
    // Not before decoding: a payload that is not JSON fails as such.
    let header = crate::testkit::b64(format!(r#"{{"alg":"RS256","cat":"{M2M_CATEGORY}"}}"#).as_bytes());
    let e = run(&v, &format!("{header}.bm90LWpzb24.c2ln"), NOW_MS).unwrap_err();
    assert!(e.message.starts_with("Invalid JWT payload"), "{}", e.message);
    // The other categories are not this check's (the request decision's `token-type-mismatch` is theirs).
    assert!(run(&v, &of_category(json!(TEMPLATE)), NOW_MS).is_ok());
    // A machine JWT is checked by its own rules: the M2M category is what it should have.
    let m2m = jwt(json!({ "cat": M2M_CATEGORY }), claims(json!({ "sub": "mch_1" })));
    let checked = v.check_machine_jwt(&m2m, &["JWT"], true, NOW_MS, Network::Offline).now_or_never().unwrap();
    assert!(matches!(checked, Checked::Passed(_)), "{checked:?}");
}

#[test]
fn a_session_token_of_the_m2m_category_from_a_handshake_is_refused_in_either_entry() {
    for generation in BOTH {
        let a = production(generation);
        let m2m = of_category(json!(M2M_CATEGORY));
        let decision = decide(&a, &with_handshake(&handshake_with(&m2m, json!({}))));
        assert_eq!(decision.logs.len(), 1, "{:?}", decision.logs);
        assert_eq!(decision.logs[0].message, "Clerk: unable to resolve handshake:");
        assert_eq!(decision.logs[0].detail.as_deref(), Some("Error: Invalid session token category."));
        let Outcome::State(s) = &decision.outcome else { panic!() };
        assert_eq!(reason(s), (AuthStatus::SignedOut, Some("session-token-and-uat-missing")), "{generation:?}");
        assert!(s.headers.iter().all(|(n, _)| n != "set-cookie"), "{:?}", s.headers);
    }
}

#[test]
fn a_handshake_token_of_another_category_is_refused_in_either_entry() {
    let fresh = session(json!({}));
    for generation in BOTH {
        let a = production(generation);
        for cat in [json!(TEMPLATE), json!(M2M_CATEGORY), json!(null)] {
            let decision = decide(&a, &with_handshake(&handshake_with(&fresh, json!({ "cat": cat }))));
            assert_eq!(decision.logs[0].message, "Clerk: unable to resolve handshake:");
            assert_eq!(decision.logs[0].detail.as_deref(), Some("Error: Invalid handshake token category."));
            let Outcome::State(s) = &decision.outcome else { panic!() };
            assert_eq!(reason(s), (AuthStatus::SignedOut, Some("session-token-and-uat-missing")), "{generation:?}");
        }
        // A session's category is a handshake's too.
        let ok = handshake_with(&fresh, json!({ "cat": token_kind::SESSION_CATEGORY }));
        assert_eq!(state(&a, &with_handshake(&ok)).status, AuthStatus::SignedIn);
        // Development: Clerk's handshake error.
        let dev = instance(generation, "pk_test_", ClaimRules::default());
        let refused = with_handshake(&handshake_with(&fresh, json!({ "cat": TEMPLATE })));
        let Outcome::Thrown(message) = decide(&dev, &refused).outcome else { panic!("development throws") };
        assert_eq!(
            message,
            "Clerk: Handshake token verification failed: Invalid handshake token category. Make sure that this is a \
             valid Clerk-generated JWT. (reason=token-invalid, token-carrier=undefined)."
        );
    }
}

#[test]
fn authorized_parties_need_an_azp_in_either_entry_and_in_verify_token() {
    let rules = ClaimRules { authorized_parties: vec![APP.into()], ..ClaimRules::default() };
    for generation in BOTH {
        let a = instance(generation, "pk_live_", rules.clone());
        assert_eq!(state(&a, &data(&cookies(&session(json!({}))))).status, AuthStatus::SignedIn);
        for (azp, shown) in [(json!("<absent>"), "undefined"), (json!(null), "null"), (json!(""), "\"\"")] {
            let t = session(json!({ "azp": azp }));
            for (parts, carrier) in [(bearer(&t), "header"), (data(&cookies(&t)), "cookie")] {
                let s = state(&a, &parts);
                assert_eq!(reason(&s), (AuthStatus::SignedOut, Some("token-invalid-authorized-parties")));
                let message = format!(
                    "Invalid JWT Authorized party claim (azp) {shown}. Expected \"{APP}\". \
                     (reason=token-invalid-authorized-parties, token-carrier={carrier})"
                );
                assert_eq!(s.message.as_deref(), Some(message.as_str()), "{generation:?}");
            }
        }
    }
    // `createTokenVerifier` / `verifyToken` of the Remix entry: the same rule (V9).
    let settings = VerifierSettings {
        jwt_key: crate::testkit::spki_pem(&key_2048().pair),
        authorized_parties: vec![APP.into()],
        ..VerifierSettings::default()
    };
    let v = Verifier::new(settings).unwrap();
    assert_eq!(v.rules.generation, Generation::Backend2);
    assert!(run(&v, &session(json!({})), NOW_MS).is_ok());
    let e = run(&v, &session(json!({ "azp": "<absent>" })), NOW_MS).unwrap_err();
    assert_eq!(e.reason, Reason::TokenInvalidAuthorizedParties);
}

#[test]
fn the_missing_azp_warning_reads_azp_as_javascript_does() {
    let warned = |a: &Authenticator, t: &str| {
        forget_missing_azp_warning();
        let decision = decide(a, &data(&cookies(t)));
        assert!(matches!(decision.outcome, Outcome::State(RequestState { status: AuthStatus::SignedIn, .. })));
        decision.logs.iter().any(|l| l.level == "warn" && l.message.contains("missing the azp claim"))
    };
    let rr = production(Generation::Backend3);
    for azp in [json!("<absent>"), json!(null), json!(""), json!(0), json!(false)] {
        assert!(warned(&rr, &session(json!({ "azp": azp }))), "{azp}");
    }
    // Present: no warning. Absent, with the text `"azp"` elsewhere in the payload: a warning (the claim is read, not
    // the payload's text).
    assert!(!warned(&rr, &session(json!({ "azp": APP }))));
    assert!(warned(&rr, &session(json!({ "azp": "<absent>", "note": "azp" }))));
    // A cache hit answers the same.
    let t = session(json!({ "azp": "" }));
    assert!(warned(&rr, &t) && warned(&rr, &t));
    // Once per process.
    forget_missing_azp_warning();
    let first = decide(&rr, &data(&cookies(&t)));
    let second = decide(&rr, &data(&cookies(&t)));
    assert_eq!((first.logs.len(), second.logs.len()), (1, 0));
    // 2.x has no such warning.
    assert!(!warned(&production(Generation::Backend2), &session(json!({ "azp": "<absent>" }))));
}

#[test]
fn an_encoded_cookie_inside_another_cookie_value_is_no_cookie_in_either_entry() {
    let victim = session(json!({}));
    let attacker = session(json!({ "sub": "user_attacker", "sid": "sess_attacker" }));
    for generation in BOTH {
        let a = production(generation);
        // 2.x pre-decoded the whole header: the `pref` value put the attacker's session ahead of the browser's.
        let planted = format!("pref=x%3B__session%3D{attacker}; {}", cookies(&victim));
        let s = state(&a, &data(&planted));
        assert_eq!(s.status, AuthStatus::SignedIn);
        assert_eq!(user(&s).as_deref(), Some("user_1"), "{generation:?}");
        // A browser without a session is not signed in as the attacker.
        let alone = format!("pref=x%3B__session%3D{attacker}%3B__client_uat%3D{}", NOW_S - 100);
        assert_eq!(reason(&state(&a, &data(&alone))), (AuthStatus::SignedOut, Some("session-token-and-uat-missing")));
    }
}
