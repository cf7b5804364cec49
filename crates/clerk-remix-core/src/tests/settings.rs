//! The settings the addon hands over (`VerifierSettings`, `AuthenticatorSettings`): defaults for absent and unusable
//! values, and the configuration errors with the texts the constructors throw.

use std::time::Duration;

use super::util::{key_2048, publishable, spki_pem};
use crate::authenticate::{Authenticator, AuthenticatorSettings};
use crate::claims::DEFAULT_CLOCK_SKEW_MS;
use crate::error::ConfigError;
use crate::generation::Generation;
use crate::jwks::{DEFAULT_KID_COOLDOWN, DEFAULT_MAX_STALE, DEFAULT_TIMEOUT, DEFAULT_TTL};
use crate::publishable_key::{MISSING, NOT_VALID};
use crate::token_verifier::{KeySource, Verifier, VerifierSettings};

fn remote_config(verifier: &Verifier) -> crate::jwks::JwksConfig {
    match &verifier.keys {
        KeySource::Remote(remote) => remote.config().clone(),
        _ => panic!("expected the remote key source"),
    }
}

#[test]
fn defaults() {
    let v = Verifier::new(VerifierSettings::default()).unwrap();
    assert!(matches!(v.keys, KeySource::Unresolvable));
    assert_eq!(v.rules.clock_skew_ms, DEFAULT_CLOCK_SKEW_MS);
    assert!(v.rules.authorized_parties.is_empty() && v.rules.audience.is_empty());
    assert!(v.cache.is_some());

    let v = Verifier::new(VerifierSettings { secret_key: "sk_test_defaults".into(), ..Default::default() }).unwrap();
    let config = remote_config(&v);
    assert_eq!((config.api_url.as_str(), config.api_version.as_str()), ("https://api.clerk.com", "v1"));
    assert_eq!((config.ttl, config.kid_cooldown, config.timeout), (DEFAULT_TTL, DEFAULT_KID_COOLDOWN, DEFAULT_TIMEOUT));
}

#[test]
fn values_and_unusable_numbers() {
    let settings = VerifierSettings {
        jwt_key: "  \n ".into(), // blank: no local key
        secret_key: "sk_test_values".into(),
        api_url: "https://bapi.example/prefix".into(),
        api_version: "v2".into(),
        clock_skew_ms: Some(250.0),
        authorized_parties: vec![String::new(), "https://a.example".into()],
        audience: vec!["aud1".into(), String::new()],
        jwks_cache_ttl_ms: Some(1500.0),
        jwks_max_stale_ms: Some(0.0),
        kid_cooldown_ms: Some(0.0),
        timeout_ms: Some(250.5),
        token_cache_size: Some(0),
        generation: Generation::Backend3,
    };
    let v = Verifier::new(settings).unwrap();
    assert_eq!(v.rules.clock_skew_ms, 250.0);
    assert_eq!(v.rules.authorized_parties, ["https://a.example"]);
    assert_eq!(v.rules.audience, ["aud1"]);
    assert_eq!(v.rules.generation, Generation::Backend3);
    assert!(v.cache.is_none(), "a cache size of 0 turns the cache off");
    let config = remote_config(&v);
    assert_eq!((config.api_url.as_str(), config.api_version.as_str()), ("https://bapi.example/prefix", "v2"));
    assert_eq!(config.ttl, Duration::from_millis(1500));
    assert_eq!(config.kid_cooldown, Duration::ZERO);
    assert_eq!(config.max_stale, Duration::ZERO, "0 turns serving a stale set off");
    assert_eq!(config.timeout, Duration::from_micros(250_500));

    for unusable in [f64::NAN, f64::INFINITY, -1.0] {
        let v = Verifier::new(VerifierSettings {
            secret_key: format!("sk_test_unusable_{unusable}"),
            clock_skew_ms: Some(unusable),
            jwks_cache_ttl_ms: Some(unusable),
            jwks_max_stale_ms: Some(unusable),
            kid_cooldown_ms: Some(unusable),
            timeout_ms: Some(unusable),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(v.rules.clock_skew_ms, DEFAULT_CLOCK_SKEW_MS, "{unusable}");
        let config = remote_config(&v);
        assert_eq!(
            (config.ttl, config.kid_cooldown, config.timeout, config.max_stale),
            (DEFAULT_TTL, DEFAULT_KID_COOLDOWN, DEFAULT_TIMEOUT, DEFAULT_MAX_STALE)
        );
    }
    // A clock skew of 0 is not usable either (the default applies), unlike a duration of 0.
    let v = Verifier::new(VerifierSettings { clock_skew_ms: Some(0.0), ..Default::default() }).unwrap();
    assert_eq!(v.rules.clock_skew_ms, DEFAULT_CLOCK_SKEW_MS);
}

#[test]
fn jwt_key_wins_and_must_parse() {
    let pem = spki_pem(&key_2048().pair);
    let settings = VerifierSettings { jwt_key: pem, secret_key: "sk_test_ignored".into(), ..Default::default() };
    assert!(matches!(Verifier::new(settings).unwrap().keys, KeySource::Local(_)));

    let bad = VerifierSettings { jwt_key: "not a key".into(), ..Default::default() };
    let err = Verifier::new(bad).err().expect("an unusable jwt key is refused");
    assert!(matches!(err, ConfigError::JwtKey(_)));
    assert!(err.to_string().starts_with("CLERK_JWT_KEY / jwtKey cannot be used: "), "{err}");
    assert!(err.to_string().ends_with('.'), "{err}");
}

#[test]
fn authenticator_settings() {
    let pk = publishable("pk_test_", "clerk.example.test");
    let ok =
        AuthenticatorSettings { publishable_key: pk.clone(), secret_key: "sk_test_x".into(), ..Default::default() };
    assert!(Authenticator::from_settings(ok).is_ok());

    let missing = AuthenticatorSettings::default();
    assert_eq!(Authenticator::from_settings(missing).err(), Some(ConfigError::PublishableKey(MISSING)));
    // The publishable key is checked before the JWT key, as Clerk builds its context first.
    let both_bad = AuthenticatorSettings {
        publishable_key: "pk_live_nope".into(),
        jwt_key: "not a key".into(),
        ..Default::default()
    };
    let err = Authenticator::from_settings(both_bad).err().unwrap();
    assert_eq!(err, ConfigError::PublishableKey(NOT_VALID));
    assert_eq!(err.to_string(), NOT_VALID);
    let bad_key = AuthenticatorSettings { publishable_key: pk, jwt_key: "not a key".into(), ..Default::default() };
    assert!(matches!(Authenticator::from_settings(bad_key).err(), Some(ConfigError::JwtKey(_))));
}
