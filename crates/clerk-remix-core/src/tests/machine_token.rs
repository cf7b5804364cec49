//! Machine tokens (`@clerk/backend` 3.x with any token type accepted): which tokens are machine tokens, the checks of
//! machine JWTs with the instance's keys, and Clerk's error codes and messages.

use serde_json::{json, Value};

use crate::claims::ClaimRules;
use crate::generation::Generation;
use crate::jwt::Alg;
use crate::machine_token::{is_machine_jwt, kind_of, verify, MachineCheck, MachineKind};
use crate::testkit::{key_2048, local_verifier, offline_config, other_key_2048, token_raw};
use crate::token_verifier::{Checked, Network};

const NOW_MS: f64 = 1_768_478_400_000.0;
const NOW_S: f64 = NOW_MS / 1000.0;

fn jwt(header: Value, payload: Value) -> String {
    token_raw(&key_2048().pair, Alg::RS256, &header.to_string(), &payload.to_string())
}

fn m2m_payload() -> Value {
    json!({ "sub": "mch_a", "iat": NOW_S - 5.0, "exp": NOW_S + 60.0, "jti": "mt_1", "scopes": "mch_b mch_c", "plan": "pro" })
}

fn check(token: &str, audience: &[String]) -> Checked<String, crate::machine_token::MachineFailure> {
    let verifier = local_verifier(&key_2048().key, ClaimRules::default());
    let bapi = offline_config("sk_live_x").bapi;
    let check = MachineCheck {
        verifier: &verifier,
        bapi: &bapi,
        machine_secret_key: "",
        generation: Generation::Backend3,
        audience,
        now_ms: NOW_MS,
        net: Network::Offline,
    };
    futures_util::FutureExt::now_or_never(verify(token, &check)).expect("an offline check does not wait")
}

#[test]
fn kinds_by_prefix_and_by_jwt() {
    assert_eq!(kind_of("ak_123"), Some(MachineKind::ApiKey));
    assert_eq!(kind_of("mt_123"), Some(MachineKind::M2mToken));
    assert_eq!(kind_of("oat_123"), Some(MachineKind::OAuthToken));
    assert_eq!(kind_of("sk_123"), None);
    let m2m = jwt(json!({ "alg": "RS256", "typ": "JWT" }), m2m_payload());
    let oauth = jwt(json!({ "alg": "RS256", "typ": "at+jwt" }), json!({ "sub": "user_1" }));
    let session = jwt(json!({ "alg": "RS256", "typ": "JWT" }), json!({ "sub": "user_1" }));
    assert_eq!(kind_of(&m2m), Some(MachineKind::M2mToken));
    assert_eq!(kind_of(&oauth), Some(MachineKind::OAuthToken));
    assert_eq!(kind_of(&session), None);
    assert!(is_machine_jwt(&m2m) && is_machine_jwt(&oauth) && !is_machine_jwt(&session));
    // Not of the JWT alphabet (padding): not a machine JWT, as Clerk's `isJwtFormat` says.
    assert!(!is_machine_jwt(&format!("{m2m}=")));
}

#[test]
fn an_m2m_jwt_gives_its_fields() {
    let Checked::Passed(fields) = check(&jwt(json!({ "alg": "RS256", "typ": "JWT" }), m2m_payload()), &[]) else {
        panic!("a valid M2M JWT verifies")
    };
    let fields: Value = serde_json::from_str(&fields).unwrap();
    assert_eq!(
        fields,
        json!({ "id": "mt_1", "subject": "mch_a", "scopes": ["mch_b", "mch_c"], "claims": { "scopes": "mch_b mch_c", "plan": "pro" } })
    );
}

#[test]
fn an_oauth_jwt_gives_its_fields_and_its_audience_rule() {
    let payload = json!({ "sub": "user_1", "iat": NOW_S - 5.0, "exp": NOW_S + 60.0, "client_id": "c_1", "scope": "email profile", "aud": "api" });
    let token = jwt(json!({ "alg": "RS256", "typ": "at+jwt" }), payload);
    let Checked::Passed(fields) = check(&token, &[]) else { panic!("a valid OAuth JWT verifies") };
    let fields: Value = serde_json::from_str(&fields).unwrap();
    assert_eq!(fields, json!({ "id": "", "clientId": "c_1", "subject": "user_1", "scopes": ["email", "profile"] }));
    let Checked::Failed(f) = check(&token, &["other".to_owned()]) else { panic!("another audience is refused") };
    assert_eq!(f.code, "token-verification-failed");
    assert_eq!(
        f.message,
        r#"OAuth audience mismatch. Verification expected audience ["other"], but incoming token has aud "api"."#
    );
}

#[test]
fn refusals_carry_clerks_codes() {
    let cat = jwt(json!({ "alg": "RS256", "typ": "JWT", "cat": "cl_B7d4PD111AAA" }), m2m_payload());
    let Checked::Failed(f) = check(&cat, &[]) else { panic!() };
    assert_eq!(
        (f.kind, f.code, f.full_message().as_str()),
        (MachineKind::M2mToken, "token-invalid", "Invalid M2M JWT category. (code=token-invalid, status=n/a)")
    );

    let forged =
        token_raw(&other_key_2048().pair, Alg::RS256, r#"{"alg":"RS256","typ":"JWT"}"#, &m2m_payload().to_string());
    let Checked::Failed(f) = check(&forged, &[]) else { panic!() };
    assert_eq!((f.code, f.message.as_str()), ("token-verification-failed", "JWT signature is invalid."));

    let mut expired = m2m_payload();
    expired["exp"] = json!(NOW_S - 60.0);
    let Checked::Failed(f) = check(&jwt(json!({ "alg": "RS256" }), expired), &[]) else { panic!() };
    assert!(f.message.starts_with("JWT is expired."), "{}", f.message);

    // A prefixed token in JWT form whose header does not decode: an invalid M2M token, as Clerk's decode failure.
    let odd = format!("oat_{}", &jwt(json!({ "alg": "RS256", "typ": "JWT" }), json!({ "sub": "user_1" }))[..]);
    let Checked::Failed(f) = check(&odd, &[]) else { panic!() };
    assert_eq!((f.kind, f.code), (MachineKind::M2mToken, "token-invalid"));
}

#[test]
fn an_opaque_token_needs_the_backend_api() {
    assert!(matches!(check("ak_123", &[]), Checked::NeedsNetwork));
}
