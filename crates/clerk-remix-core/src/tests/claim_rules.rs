//! `claims::check_claims` at the edges, with a frozen clock, and `time::utc_string` (JS `Date#toUTCString`).

use serde_json::{json, Map, Value};

use super::util::obj;
use crate::claims::{check_claims, ClaimRules, DEFAULT_CLOCK_SKEW_MS};
use crate::error::{action, Reason, VerifyError};
use crate::generation::Generation;
use crate::time::utc_string;

const NOW: f64 = 1_700_000_000_000.0; // Tue, 14 Nov 2023 22:13:20 GMT
const NOW_S: i64 = 1_700_000_000;

fn claims(extra: Value) -> Map<String, Value> {
    let mut m = obj(json!({ "sub": "user_1", "exp": NOW_S + 3600 }));
    for (k, v) in obj(extra) {
        if v.is_null() {
            m.remove(&k);
        } else {
            m.insert(k, v);
        }
    }
    m
}

fn check(extra: Value, now: f64) -> Result<(), VerifyError> {
    check_claims(&claims(extra), &ClaimRules::default(), now)
}

fn reason(extra: Value, now: f64) -> Option<Reason> {
    check(extra, now).err().map(|e| e.reason)
}

#[test]
fn default_skew_is_five_seconds() {
    assert_eq!(DEFAULT_CLOCK_SKEW_MS, 5_000.0);
    assert_eq!(ClaimRules::default().clock_skew_ms, 5_000.0);
}

/// Expired when exp·1000 <= now − skew.
#[test]
fn exp_edges() {
    // exp·1000 == now − skew → expired.
    assert_eq!(reason(json!({ "exp": NOW_S - 5 }), NOW), Some(Reason::TokenExpired));
    // One second further in the past → expired.
    assert_eq!(reason(json!({ "exp": NOW_S - 6 }), NOW), Some(Reason::TokenExpired));
    // One second later (now − skew + 1000) → fine.
    assert_eq!(reason(json!({ "exp": NOW_S - 4 }), NOW), None);
    // exp == now, exp == now + skew: fine (the skew only extends).
    assert_eq!(reason(json!({ "exp": NOW_S }), NOW), None);
    assert_eq!(reason(json!({ "exp": NOW_S + 5 }), NOW), None);
    // Sub-second clocks: now = …000.500, exp·1000 = now − skew − 500 → expired; +1 s → fine.
    assert_eq!(reason(json!({ "exp": NOW_S - 5 }), NOW + 500.0), Some(Reason::TokenExpired));
    assert_eq!(reason(json!({ "exp": NOW_S - 4 }), NOW + 500.0), None);
    // Fractional exp is truncated to whole seconds (Date#setUTCSeconds): (now − skew)/1000 + 0.9 → expired.
    assert_eq!(reason(json!({ "exp": (NOW_S - 5) as f64 + 0.9 }), NOW), Some(Reason::TokenExpired));
    assert_eq!(reason(json!({ "exp": (NOW_S - 4) as f64 + 0.1 }), NOW), None);
}

#[test]
fn expired_message_format() {
    let err = check_claims(&claims(json!({ "exp": 10 })), &ClaimRules::default(), 20_000.0).unwrap_err();
    assert_eq!(err.reason, Reason::TokenExpired);
    assert_eq!(
        err.message,
        "JWT is expired. Expiry date: Thu, 01 Jan 1970 00:00:10 GMT, Current date: Thu, 01 Jan 1970 00:00:20 GMT."
    );
    assert_eq!(err.action, None);
    // The current date drops milliseconds, as toUTCString does.
    let err = check(json!({ "exp": NOW_S - 3600 }), NOW + 999.0).unwrap_err();
    assert_eq!(
        err.message,
        "JWT is expired. Expiry date: Tue, 14 Nov 2023 21:13:20 GMT, Current date: Tue, 14 Nov 2023 22:13:20 GMT."
    );
    assert_eq!(err.full_message(None), format!("{} (reason=token-expired, token-carrier=undefined)", err.message));
}

/// nbf and iat: fine up to now + skew, rejected one second after.
#[test]
fn nbf_and_iat_edges() {
    assert_eq!(reason(json!({ "nbf": NOW_S + 5 }), NOW), None);
    assert_eq!(reason(json!({ "nbf": NOW_S + 6 }), NOW), Some(Reason::TokenNotActiveYet));
    assert_eq!(reason(json!({ "nbf": NOW_S + 4 }), NOW), None);
    assert_eq!(reason(json!({ "iat": NOW_S + 5 }), NOW), None);
    assert_eq!(reason(json!({ "iat": NOW_S + 6 }), NOW), Some(Reason::TokenIatInTheFuture));
    assert_eq!(reason(json!({ "iat": NOW_S - 100_000 }), NOW), None);
    // nbf before iat in Clerk's order: both in the future → nbf's error.
    assert_eq!(reason(json!({ "nbf": NOW_S + 60, "iat": NOW_S + 60 }), NOW), Some(Reason::TokenNotActiveYet));

    let err = check(json!({ "nbf": NOW_S + 6 }), NOW).unwrap_err();
    assert_eq!(
        err.message,
        "JWT cannot be used prior to not before date claim (nbf). Not before date: Tue, 14 Nov 2023 22:13:26 GMT; \
         Current date: Tue, 14 Nov 2023 22:13:20 GMT;"
    );
    let err = check(json!({ "iat": NOW_S + 6 }), NOW).unwrap_err();
    assert_eq!(
        err.message,
        "JWT issued at date claim (iat) is in the future. Issued at date: Tue, 14 Nov 2023 22:13:26 GMT; \
         Current date: Tue, 14 Nov 2023 22:13:20 GMT;"
    );
    // Not numbers → Clerk's "Expected number." failures.
    let err = check(json!({ "nbf": "soon" }), NOW).unwrap_err();
    assert_eq!(err.reason, Reason::TokenVerificationFailed);
    assert_eq!(err.message, "Invalid JWT not before date claim (nbf) \"soon\". Expected number.");
    let err = check(json!({ "iat": true }), NOW).unwrap_err();
    assert_eq!(err.message, "Invalid JWT issued at date claim (iat) true. Expected number.");
}

#[test]
fn custom_skew() {
    let zero = ClaimRules { clock_skew_ms: 0.0, ..ClaimRules::default() };
    let minute = ClaimRules { clock_skew_ms: 60_000.0, ..ClaimRules::default() };
    let at = |rules: &ClaimRules, extra: Value| check_claims(&claims(extra), rules, NOW).err().map(|e| e.reason);
    assert_eq!(at(&zero, json!({ "exp": NOW_S })), Some(Reason::TokenExpired));
    assert_eq!(at(&zero, json!({ "exp": NOW_S + 1 })), None);
    assert_eq!(at(&zero, json!({ "nbf": NOW_S })), None);
    assert_eq!(at(&zero, json!({ "nbf": NOW_S + 1 })), Some(Reason::TokenNotActiveYet));
    assert_eq!(at(&minute, json!({ "exp": NOW_S - 59 })), None);
    assert_eq!(at(&minute, json!({ "exp": NOW_S - 60 })), Some(Reason::TokenExpired));
    assert_eq!(at(&minute, json!({ "iat": NOW_S + 60 })), None);
    assert_eq!(at(&minute, json!({ "iat": NOW_S + 61 })), Some(Reason::TokenIatInTheFuture));
    // The default would have rejected these.
    assert_eq!(reason(json!({ "exp": NOW_S - 59 }), NOW), Some(Reason::TokenExpired));
}

#[test]
fn sub_required() {
    for (extra, shown) in [
        (json!({ "sub": null }), "undefined"),
        (json!({ "sub": 123 }), "123"),
        (json!({ "sub": ["a"] }), "[\"a\"]"),
        (json!({ "sub": false }), "false"),
    ] {
        let err = check(extra, NOW).unwrap_err();
        assert_eq!(err.reason, Reason::TokenVerificationFailed);
        assert_eq!(err.message, format!("Subject claim (sub) is required and must be a string. Received {shown}."));
        assert_eq!(err.action, Some(action::ENSURE_CLERK_JWT));
    }
    // JSON null is a value, not an absence: Received null.
    let mut with_null = claims(json!({}));
    with_null.insert("sub".into(), Value::Null);
    let err = check_claims(&with_null, &ClaimRules::default(), NOW).unwrap_err();
    assert_eq!(err.message, "Subject claim (sub) is required and must be a string. Received null.");
    // sub is checked first: a token without sub that is also expired reports the sub.
    let err = check(json!({ "sub": null, "exp": 1 }), NOW).unwrap_err();
    assert_eq!(err.reason, Reason::TokenVerificationFailed);
    // An empty string is a string.
    assert_eq!(reason(json!({ "sub": "" }), NOW), None);
}

#[test]
fn exp_must_be_a_usable_number() {
    let err = check(json!({ "exp": null }), NOW).unwrap_err();
    assert_eq!(err.reason, Reason::TokenVerificationFailed);
    assert_eq!(err.message, "Invalid JWT expiry date claim (exp) undefined. Expected number.");
    assert_eq!(err.action, Some(action::ENSURE_CLERK_JWT));
    let err = check(json!({ "exp": "1700000000" }), NOW).unwrap_err();
    assert_eq!(err.reason, Reason::TokenVerificationFailed);
    assert_eq!(err.message, "Invalid JWT expiry date claim (exp) \"1700000000\". Expected number.");
    // 1e308 would be NaN in a JS Date, where Clerk's comparison passes it; here it is refused.
    for big in [json!(1e308), json!(-1e308), json!(9e12), json!(u64::MAX)] {
        let err = check(json!({ "exp": big }), NOW).unwrap_err();
        assert_eq!(err.reason, Reason::TokenVerificationFailed, "{big}");
        assert!(err.message.ends_with("Expected a date between the years -271821 and 275760."), "{}", err.message);
    }
    // The largest Date (8.64e15 ms = 8.64e12 s) is still a date.
    assert_eq!(reason(json!({ "exp": 8_640_000_000_000i64 }), NOW), None);
    assert_eq!(reason(json!({ "nbf": 1e308 }), NOW), Some(Reason::TokenVerificationFailed));
}

#[test]
fn authorized_parties() {
    let rules = ClaimRules {
        authorized_parties: vec!["https://a.example".into(), "https://b.example".into()],
        ..ClaimRules::default()
    };
    let run = |extra: Value| check_claims(&claims(extra), &rules, NOW);
    let err = run(json!({ "azp": "https://evil.example" })).unwrap_err();
    assert_eq!(err.reason, Reason::TokenInvalidAuthorizedParties);
    assert_eq!(
        err.message,
        "Invalid JWT Authorized party claim (azp) \"https://evil.example\". Expected \"https://a.example,https://b.example\"."
    );
    assert!(run(json!({ "azp": "https://b.example" })).is_ok());
    // With parties configured a token must name one (`@clerk/backend` 3.x's `!azp || !includes(azp)`; 2.x let a
    // token without `azp` through): absent, `null`, empty or not a string fails, with Clerk's message.
    let mut with_null = claims(json!({}));
    with_null.insert("azp".into(), Value::Null);
    let missing = [
        (check_claims(&claims(json!({})), &rules, NOW), "undefined"),
        (check_claims(&with_null, &rules, NOW), "null"),
        (run(json!({ "azp": "" })), "\"\""),
        (run(json!({ "azp": 5 })), "5"),
        (run(json!({ "azp": false })), "false"),
    ];
    for (result, shown) in missing {
        let err = result.unwrap_err();
        assert_eq!(err.reason, Reason::TokenInvalidAuthorizedParties, "{shown}");
        let expected = format!(
            "Invalid JWT Authorized party claim (azp) {shown}. Expected \"https://a.example,https://b.example\"."
        );
        assert_eq!(err.message, expected);
    }
    // Parties given with an empty entry (the verifier drops them; here directly): "" never matches an empty azp.
    let with_empty = ClaimRules { authorized_parties: vec![String::new()], ..ClaimRules::default() };
    assert!(check_claims(&claims(json!({ "azp": "" })), &with_empty, NOW).is_err());
    // Exact match only.
    assert!(run(json!({ "azp": "https://a.example/" })).is_err());
    assert!(run(json!({ "azp": "HTTPS://A.EXAMPLE" })).is_err());
    // No parties configured: anything goes.
    assert!(check(json!({ "azp": "https://evil.example" }), NOW).is_ok());
}

#[test]
fn audience() {
    let rules = ClaimRules { audience: vec!["y".into()], ..ClaimRules::default() };
    let run = |extra: Value| check_claims(&claims(extra), &rules, NOW);
    let err = run(json!({ "aud": ["x"] })).unwrap_err();
    assert_eq!(err.reason, Reason::TokenVerificationFailed);
    assert_eq!(err.message, "Invalid JWT audience claim array (aud) [\"x\"]. Is not included in \"[\"y\"]\".");
    // A string `aud`: 2.x (the Remix entry) checks and names it as a one-element array, 3.x (React Router) as itself.
    let err = run(json!({ "aud": "x" })).unwrap_err();
    assert_eq!(err.message, "Invalid JWT audience claim array (aud) [\"x\"]. Is not included in \"[\"y\"]\".");
    let rules3 = ClaimRules { generation: Generation::Backend3, ..rules.clone() };
    let run3 = |extra: Value| check_claims(&claims(extra), &rules3, NOW);
    let err = run3(json!({ "aud": "x" })).unwrap_err();
    assert_eq!(err.reason, Reason::TokenVerificationFailed);
    assert_eq!(err.message, "Invalid JWT audience claim (aud) \"x\". Is not included in \"[\"y\"]\".");
    let err = run3(json!({ "aud": ["x", ""] })).unwrap_err();
    assert_eq!(err.message, "Invalid JWT audience claim array (aud) [\"x\",\"\"]. Is not included in \"[\"y\"]\".");
    for run in [&run as &dyn Fn(Value) -> Result<(), VerifyError>, &run3] {
        assert!(run(json!({ "aud": "y" })).is_ok());
        assert!(run(json!({ "aud": ["x", "y"] })).is_ok());
        assert!(run(json!({})).is_ok(), "no aud in the token: not checked");
        // Empty audiences do not count (Clerk's `filter(Boolean)`): nothing left, nothing checked.
        assert!(run(json!({ "aud": "" })).is_ok());
        assert!(run(json!({ "aud": [] })).is_ok());
        assert!(run(json!({ "aud": [""] })).is_ok());
        assert!(run(json!({ "aud": ["", "y"] })).is_ok());
        // An `aud` that is neither a string nor an array of strings: Clerk lets it through, refused here (V7, RR9).
        for malformed in [json!(7), json!(true), json!(false), json!({ "y": 1 }), json!(["y", 7])] {
            let err = run(json!({ "aud": malformed })).unwrap_err();
            assert_eq!(err.reason, Reason::TokenVerificationFailed, "{malformed}");
            assert!(
                err.message.starts_with(&format!("Invalid JWT audience claim array (aud) {malformed}.")),
                "{}",
                err.message
            );
        }
    }
    // Without configured audiences nothing is checked.
    assert!(check(json!({ "aud": ["x"] }), NOW).is_ok());
    // Order: aud before azp before exp.
    let both = ClaimRules { authorized_parties: vec!["https://a.example".into()], ..rules.clone() };
    let err = check_claims(&claims(json!({ "aud": "x", "azp": "https://evil", "exp": 1 })), &both, NOW).unwrap_err();
    assert_eq!(err.reason, Reason::TokenVerificationFailed);
    let err = check_claims(&claims(json!({ "azp": "https://evil", "exp": 1 })), &both, NOW).unwrap_err();
    assert_eq!(err.reason, Reason::TokenInvalidAuthorizedParties);
}

#[test]
fn utc_string_matches_js_to_utc_string() {
    // Values checked against node's `new Date(ms).toUTCString()`.
    for (ms, text) in [
        (0.0, "Thu, 01 Jan 1970 00:00:00 GMT"),
        (1_700_000_000_000.0, "Tue, 14 Nov 2023 22:13:20 GMT"),
        (951_782_400_000.0, "Tue, 29 Feb 2000 00:00:00 GMT"),
        (10_000.0, "Thu, 01 Jan 1970 00:00:10 GMT"),
        (999.0, "Thu, 01 Jan 1970 00:00:00 GMT"),
        (-1.0, "Wed, 31 Dec 1969 23:59:59 GMT"),
        (1_300_819_380_000.0, "Tue, 22 Mar 2011 18:43:00 GMT"),
        (4_107_542_400_000.0, "Mon, 01 Mar 2100 00:00:00 GMT"),
        (8.64e15, "Sat, 13 Sep 275760 00:00:00 GMT"),
        (-8.64e15, "Tue, 20 Apr -271821 00:00:00 GMT"),
        (253_402_300_800_000.0, "Sat, 01 Jan 10000 00:00:00 GMT"),
        (-62_135_596_800_000.0, "Mon, 01 Jan 0001 00:00:00 GMT"),
        (-62_167_219_200_000.0, "Sat, 01 Jan 0000 00:00:00 GMT"),
        // Negative years: sign, then at least four digits (not the six of toISOString).
        (-62_198_755_200_000.0, "Fri, 01 Jan -0001 00:00:00 GMT"),
        (-100_000_000_000_000.0, "Thu, 15 Feb -1199 14:13:20 GMT"),
    ] {
        assert_eq!(utc_string(ms), text, "{ms}");
    }
    for bad in [f64::NAN, f64::INFINITY, 8.64e15 + 1.0, -8.64e15 - 1.0] {
        assert_eq!(utc_string(bad), "Invalid Date");
    }
}

#[test]
fn now_ms_is_sane() {
    let now = crate::time::now_ms();
    assert!(now > 1_700_000_000_000.0 && now < 8.64e15, "{now}");
}
