use base64::Engine;

use super::util::publishable as pk;
use crate::publishable_key::{cookie_suffix, InstanceType, PublishableKey, MISSING, NOT_VALID};

#[test]
fn parses_live_and_test_keys() {
    let live = PublishableKey::parse(&pk("pk_live_", "clerk.example.com")).unwrap();
    assert_eq!(live.instance_type, InstanceType::Production);
    assert_eq!(live.frontend_api, "clerk.example.com");
    let test = PublishableKey::parse(&pk("pk_test_", "happy-cat-12.clerk.accounts.dev")).unwrap();
    assert_eq!(test.instance_type, InstanceType::Development);
    assert_eq!(test.frontend_api, "happy-cat-12.clerk.accounts.dev");
}

#[test]
fn rejects_keys_with_clerks_messages() {
    assert_eq!(PublishableKey::parse(""), Err(MISSING));
    for bad in [
        "sk_test_abc".to_owned(),
        "pk_test_".to_owned(),
        "pk_test_!!!".to_owned(),
        pk("pk_live_", "no-dot-host"),
        pk("pk_live_", "a$b.example.com"),
        format!("pk_live_{}", base64::engine::general_purpose::STANDARD.encode("clerk.example.com")),
        format!("{}_extra", pk("pk_live_", "clerk.example.com")),
    ] {
        assert_eq!(PublishableKey::parse(&bad), Err(NOT_VALID), "{bad}");
    }
}

#[test]
fn atob_is_forgiving_about_padding_and_whitespace() {
    let key = pk("pk_test_", "x.example.com");
    let unpadded = key.trim_end_matches('=').to_owned();
    assert_eq!(PublishableKey::parse(&unpadded).unwrap().frontend_api, "x.example.com");
}

#[test]
fn cookie_suffix_is_the_first_8_chars_of_base64url_sha1() {
    // SHA-1("abc") = a9993e36 4706816a ba3e2571 7850c26c 9cd0d89d → base64 "qZk+NkcGgWq6PiVxeFDCbJzQ2J0="
    assert_eq!(cookie_suffix("abc"), "qZk-NkcG");
    let key = pk("pk_test_", "happy-cat-12.clerk.accounts.dev");
    assert_eq!(PublishableKey::parse(&key).unwrap().cookie_suffix, cookie_suffix(&key));
    assert_eq!(cookie_suffix(&key).len(), 8);
}
