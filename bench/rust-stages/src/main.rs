//! Where the addon's time goes, stage by stage, in Rust (no napi boundary). Interleaved rounds, medians.
//! The key and the token (shaped like bench/verify.mjs's) are made by node, so nothing is checked in.
// The lean decode's fields are only there to be deserialized.
#![allow(dead_code)]

use clerk_remix_core::{claims, jwt, key, time};

use std::borrow::Cow;
use std::hint::black_box;
use std::process::Command;
use std::time::Instant;

const MAKE: &str = r#"
const c = require('crypto');
const { publicKey, privateKey } = c.generateKeyPairSync('rsa', { modulusLength: 2048 });
const b = (x) => Buffer.from(x).toString('base64url');
const now = Math.floor(Date.now() / 1000);
const si = b(JSON.stringify({ alg: 'RS256', kid: 'ins_bench2048', typ: 'JWT' })) + '.' + b(JSON.stringify({
  azp: 'http://localhost:3000', exp: now + 86400, fva: [0, -1], iat: now - 10, iss: 'https://clerk.bench.example.com',
  nbf: now - 20, sid: 'sess_2pZbENCHbenchBENCHbench0001', sub: 'user_2pZbENCHbenchBENCHbench0001', v: 2,
  o: { id: 'org_2pZbENCHbenchBENCHbench0001', rol: 'admin', slg: 'bench' } }));
console.log(JSON.stringify({
  pem: publicKey.export({ type: 'spki', format: 'pem' }),
  der: b(publicKey.export({ type: 'spki', format: 'der' })),
  token: si + '.' + b(c.sign('sha256', Buffer.from(si), privateKey)),
}));
"#;

/// What a leaner payload decode could read: only the claims the checks use, borrowed, the rest skipped.
#[derive(serde::Deserialize)]
struct LeanClaims<'a> {
    #[serde(borrow)]
    sub: Option<Cow<'a, str>>,
    #[serde(borrow)]
    azp: Option<Cow<'a, str>>,
    aud: Option<serde::de::IgnoredAny>,
    exp: Option<f64>,
    nbf: Option<f64>,
    iat: Option<f64>,
}

fn quantile(v: &[f64], q: f64) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.partial_cmp(b).unwrap());
    s[((s.len() - 1) as f64 * q).round() as usize]
}

fn main() {
    let out = Command::new("node").arg("-e").arg(MAKE).output().expect("node must be on PATH");
    let made: serde_json::Value = serde_json::from_slice(&out.stdout).expect("node made no key/token");
    let pem = made["pem"].as_str().unwrap();
    let token = made["token"].as_str().unwrap().to_owned();
    let der = jwt::b64url_decode(made["der"].as_str().unwrap()).unwrap();

    let key = key::RsaKey::from_pem(pem).unwrap();
    let rules = claims::ClaimRules::default();
    let now = time::now_ms();
    let d = jwt::decode(&token).unwrap();
    let input = d.jws.signing_input.to_vec();
    let sig = d.jws.signature.clone();
    let claims = d.claims.clone();
    let (h64, p64, _) = jwt::split(&token).unwrap();
    let (hb, pb) = (jwt::b64url_decode(h64).unwrap(), jwt::b64url_decode(p64).unwrap());
    let unparsed = aws_lc_rs::signature::UnparsedPublicKey::new(&aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA256, der);

    type Case<'a> = (&'static str, Box<dyn Fn() -> bool + 'a>);
    let cases: Vec<Case> = vec![
        ("full: decode + signature + claims", Box::new(|| {
            let j = jwt::decode(black_box(&token)).unwrap();
            claims::check_signature(&j.jws, &key).is_ok() && claims::check_claims(&j.claims, &rules, now).is_ok()
        })),
        ("RsaKey::verify (ParsedPublicKey, as shipped)", Box::new(|| key.verify(jwt::Alg::RS256, black_box(&input), black_box(&sig)))),
        ("UnparsedPublicKey::verify (key re-parsed per call)", Box::new(|| unparsed.verify(black_box(&input), black_box(&sig)).is_ok())),
        ("  of which SHA-256 of the signing input", Box::new(|| aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, black_box(&input)).as_ref()[0] != 0 || true)),
        ("jwt::decode (whole)", Box::new(|| jwt::decode(black_box(&token)).is_ok())),
        ("  split + base64url x3", Box::new(|| {
            let (h, p, s) = jwt::split(black_box(&token)).unwrap();
            jwt::b64url_decode(h).is_some() && jwt::b64url_decode(p).is_some() && jwt::b64url_decode(s).is_some()
        })),
        ("  header: serde_json::Map", Box::new(|| serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(black_box(&hb)).is_ok())),
        ("  payload: serde_json::Map (the old path)", Box::new(|| serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(black_box(&pb)).is_ok())),
        ("  payload: jwt::parse_members (as shipped)", Box::new(|| jwt::parse_members(black_box(&pb), &jwt::CLAIM_MEMBERS).is_ok())),
        ("  alternative: typed, borrowed claims struct", Box::new(|| serde_json::from_slice::<LeanClaims>(black_box(&pb)).map(|c| c.sub.is_some()).unwrap_or(false))),
        ("check_claims", Box::new(|| claims::check_claims(black_box(&claims), &rules, now).is_ok())),
        ("time::now_ms", Box::new(|| black_box(time::now_ms()) > 0.0)),
    ];

    let (ops, rounds) = (2000, 25);
    let mut per_op: Vec<Vec<f64>> = vec![Vec::new(); cases.len()];
    for (name, f) in &cases {
        assert!(f(), "{name} does not succeed on the bench token");
        for _ in 0..ops {
            black_box(f());
        }
    }
    for r in 0..rounds {
        for k in 0..cases.len() {
            let i = (r + k) % cases.len();
            let f = &cases[i].1;
            let t = Instant::now();
            let mut ok = 0u32;
            for _ in 0..ops {
                ok += f() as u32;
            }
            per_op[i].push(t.elapsed().as_secs_f64() * 1e6 / f64::from(ops));
            assert_eq!(ok, ops, "{} failed during timing", cases[i].0);
        }
    }
    println!("{rounds} rounds x {ops} ops, interleaved; {}-byte token", token.len());
    println!("| stage | median µs/op | p10 | p90 |\n|:--|--:|--:|--:|");
    for (i, (name, _)) in cases.iter().enumerate() {
        let v = &per_op[i];
        println!("| {name} | {:.3} | {:.3} | {:.3} |", quantile(v, 0.5), quantile(v, 0.1), quantile(v, 0.9));
    }
}
