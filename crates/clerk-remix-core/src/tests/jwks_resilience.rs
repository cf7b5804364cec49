//! The remote key set when Clerk's Backend API is slow, down or rotating keys, against a real loopback HTTP server:
//! refresh ahead of the TTL off the request path, stale-if-error within `max_stale`, revocation by an answer,
//! single flight under 500 concurrent requests, and the jitter of refresh points.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::claims::ClaimRules;
use crate::error::Reason;
use crate::jwks::{JwksConfig, Lookup, RemoteJwks, REFRESH_WINDOW};
use crate::jwt::Alg;
use crate::testkit::{key_2048, other_key_2048, rsa_jwk, token_raw};
use crate::token_cache::TokenCache;
use crate::token_verifier::{Checked, KeySource, Network, Verifier};

/// What the loopback Backend API answers to `GET /v1/jwks`.
#[derive(Clone)]
enum Answer {
    Jwks(Value),
    Status(u16, &'static str),
    /// Accepts the connection and never answers (the client's timeout ends it).
    Hang,
    /// Answers `Jwks` only once `release` is called.
    Held(Value),
}

struct Server {
    url: String,
    answer: Mutex<Answer>,
    hits: AtomicUsize,
    released: (Mutex<bool>, Condvar),
    stop: AtomicBool,
}

impl Server {
    fn start(answer: Answer) -> Arc<Server> {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let server = Arc::new(Server {
            url,
            answer: Mutex::new(answer),
            hits: AtomicUsize::new(0),
            released: (Mutex::new(false), Condvar::new()),
            stop: AtomicBool::new(false),
        });
        let s = Arc::clone(&server);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if s.stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let s = Arc::clone(&s);
                std::thread::spawn(move || s.serve(stream));
            }
        });
        server
    }

    fn serve(&self, mut stream: TcpStream) {
        let mut request = Vec::new();
        let mut buf = [0u8; 4096];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => request.extend_from_slice(&buf[..n]),
            }
        }
        self.hits.fetch_add(1, Ordering::SeqCst);
        let answer = self.answer.lock().unwrap().clone();
        let (status, body) = match answer {
            Answer::Jwks(doc) => (200, doc.to_string()),
            Answer::Status(status, body) => (status, body.to_owned()),
            Answer::Hang => {
                std::thread::sleep(Duration::from_secs(5));
                return;
            }
            Answer::Held(doc) => {
                let (lock, cv) = &self.released;
                let _released = cv.wait_while(lock.lock().unwrap(), |r| !*r).unwrap();
                (200, doc.to_string())
            }
        };
        let head = format!(
            "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        let _ = stream.write_all(head.as_bytes());
        let _ = stream.write_all(body.as_bytes());
    }

    fn set(&self, answer: Answer) {
        *self.answer.lock().unwrap() = answer;
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }

    fn release(&self) {
        *self.released.0.lock().unwrap() = true;
        self.released.1.notify_all();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.release();
        let _ = TcpStream::connect(self.url.trim_start_matches("http://"));
    }
}

fn set_of(kids: &[&str]) -> Value {
    let pairs = [&key_2048().pair, &other_key_2048().pair];
    json!({ "keys": kids.iter().enumerate().map(|(i, kid)| rsa_jwk(pairs[i % 2], kid, json!({}))).collect::<Vec<_>>() })
}

fn jwks(server: &Server, ttl_ms: u64, max_stale_ms: u64) -> Arc<RemoteJwks> {
    jwks_timing_out(server, ttl_ms, max_stale_ms, 150)
}

fn jwks_timing_out(server: &Server, ttl_ms: u64, max_stale_ms: u64, timeout_ms: u64) -> Arc<RemoteJwks> {
    let mut config = JwksConfig::new(&server.url, "sk_test_resilience");
    config.ttl = Duration::from_millis(ttl_ms);
    config.max_stale = Duration::from_millis(max_stale_ms);
    config.timeout = Duration::from_millis(timeout_ms);
    config.kid_cooldown = Duration::from_secs(60);
    Arc::new(RemoteJwks::new(config))
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

/// The key for `kid`, fetching when the cache asks for it (as a request does).
async fn key_for(jwks: &Arc<RemoteJwks>, kid: &str) -> Result<(), Reason> {
    let verifier = Verifier { keys: KeySource::Remote(Arc::clone(jwks)), rules: ClaimRules::default(), cache: None };
    match verifier.key(Some(kid), Network::Online).await {
        Checked::Passed(_) => Ok(()),
        Checked::Failed(e) => Err(e.reason),
        Checked::NeedsNetwork => unreachable!("an online lookup answers"),
    }
}

fn is_key(lookup: Lookup) -> bool {
    matches!(lookup, Lookup::Key(_))
}

/// Sleeps on the runtime, so that background refreshes run meanwhile.
async fn pause(ms: u64) {
    tokio::time::sleep(Duration::from_millis(ms)).await;
}

#[test]
fn an_outage_longer_than_the_ttl_signs_nobody_out_until_the_bound_then_the_next_refresh_recovers() {
    let server = Server::start(Answer::Jwks(set_of(&["a"])));
    let jwks = jwks(&server, 800, 1_200);
    runtime().block_on(async {
        assert_eq!(key_for(&jwks, "a").await, Ok(()));
        let fetched = Instant::now();
        // Down in three ways in turn: a body that is not a JWKS, no answer within the timeout, an error status.
        let mut answered_without_network = 0;
        while fetched.elapsed() < Duration::from_millis(1_900) {
            server.set(match fetched.elapsed().as_millis() {
                0..1200 => Answer::Jwks(json!({ "nokeys": true })),
                1200..1700 => Answer::Hang,
                _ => Answer::Status(503, "{}"),
            });
            // Every lookup answers from the cache: no request waits for the network.
            assert!(is_key(jwks.lookup(Some("a"))), "signed out {:?} after the fetch", fetched.elapsed());
            answered_without_network += 1;
            pause(10).await;
        }
        assert!(answered_without_network > 40);
        assert!(server.hits() >= 3, "the background retried: {} fetches", server.hits());
        let stats = jwks.stats();
        assert_eq!(stats.failure_episodes, 1, "one log line for the whole outage");
        assert!(stats.background_refreshes >= 2);

        // Past TTL + max_stale: the set is not used any more; the fetch a request then makes fails as before.
        server.set(Answer::Status(503, "{}"));
        while fetched.elapsed() < Duration::from_millis(2_100) {
            pause(20).await;
        }
        assert!(!is_key(jwks.lookup(Some("a"))));
        assert_eq!(key_for(&jwks, "a").await, Err(Reason::JwkRemoteFailedToLoad));

        // The server comes back with a rotated set: the next fetch takes it.
        server.set(Answer::Jwks(set_of(&["b"])));
        let back = Instant::now();
        let result = loop {
            let result = key_for(&jwks, "b").await;
            if result.is_ok() || back.elapsed() > Duration::from_secs(40) {
                break result;
            }
            pause(100).await;
        };
        assert_eq!(result, Ok(()));
        assert_eq!(key_for(&jwks, "a").await, Err(Reason::JwkKidMismatch));
    });
}

#[test]
fn a_max_stale_of_zero_keeps_todays_strict_ttl() {
    let server = Server::start(Answer::Jwks(set_of(&["a"])));
    let jwks = jwks(&server, 150, 0);
    runtime().block_on(async {
        assert_eq!(key_for(&jwks, "a").await, Ok(()));
        server.set(Answer::Status(503, "{}"));
        pause(200).await;
        assert_eq!(key_for(&jwks, "a").await, Err(Reason::JwkRemoteFailedToLoad));
    });
}

#[test]
fn rotation_while_up_a_new_key_verifies_and_a_removed_key_is_refused_within_one_refresh() {
    let server = Server::start(Answer::Jwks(set_of(&["a", "b"])));
    let jwks = jwks(&server, 400, 60_000);
    let verifier = Verifier {
        keys: KeySource::Remote(Arc::clone(&jwks)),
        rules: ClaimRules::default(),
        cache: TokenCache::new(16).map(Arc::new),
    };
    let now_ms = crate::time::now_ms();
    let claims = json!({ "sub": "user_1", "iat": (now_ms / 1000.0) as i64 - 1, "exp": (now_ms / 1000.0) as i64 + 600 });
    let header = |kid: &str| format!(r#"{{"alg":"RS256","kid":"{kid}","typ":"JWT"}}"#);
    let token_a = token_raw(&key_2048().pair, Alg::RS256, &header("a"), &claims.to_string());
    runtime().block_on(async {
        assert!(matches!(verifier.verify(&token_a, || now_ms).await, Checked::Passed(_)));
        assert!(verifier.cached(&token_a).is_some());
        // An unchanged set keeps the same key objects: cached tokens stay hits across refreshes.
        let before = verifier.cached(&token_a).unwrap().key.clone();
        let fetches = jwks.stats().fetches;
        while jwks.stats().fetches == fetches {
            let _ = key_for(&jwks, "a").await;
            pause(10).await;
        }
        match jwks.lookup(Some("a")) {
            Lookup::Key(key) => assert!(Arc::ptr_eq(&key, &before), "an unchanged JWK keeps its key"),
            _ => panic!("a is still in the set"),
        }

        // Clerk removes a: the next refresh withdraws it, and the cached token signed with it with it.
        server.set(Answer::Jwks(set_of(&["c", "b"])));
        let fetches = jwks.stats().fetches;
        while jwks.stats().fetches == fetches {
            let _ = key_for(&jwks, "a").await;
            pause(10).await;
        }
        assert_eq!(jwks.stats().fetches, fetches + 1);
        assert!(!is_key(jwks.lookup(Some("a"))));
        match verifier.verify(&token_a, || now_ms).await {
            Checked::Failed(e) => assert_eq!(e.reason, Reason::JwkKidMismatch),
            other => panic!("a removed key still verified: {:?}", other.answered().map(|r| r.is_ok())),
        }
        assert_eq!(key_for(&jwks, "c").await, Ok(()), "the new key verifies");
    });
}

#[test]
fn an_answer_that_refuses_the_secret_key_or_lists_no_keys_is_not_an_outage() {
    let refused = r#"{"errors":[{"code":"clerk_key_invalid","message":"The secret key is invalid."}]}"#;
    for (answer, reason) in [
        (Answer::Status(401, refused), Reason::SecretKeyInvalid),
        (Answer::Status(401, "{}"), Reason::JwkRemoteFailedToLoad),
        (Answer::Status(403, "{}"), Reason::JwkRemoteFailedToLoad),
        (Answer::Jwks(json!({ "keys": [] })), Reason::JwkRemoteFailedToLoad),
    ] {
        let server = Server::start(Answer::Jwks(set_of(&["a"])));
        let jwks = jwks(&server, 100, 60_000);
        runtime().block_on(async {
            assert_eq!(key_for(&jwks, "a").await, Ok(()));
            server.set(answer);
            let fetches = jwks.stats().fetches;
            while jwks.stats().fetches == fetches {
                let _ = key_for(&jwks, "a").await;
                pause(10).await;
            }
            // The keys are withdrawn at once, however stale-tolerant the cache is.
            assert!(!is_key(jwks.lookup(Some("a"))));
            assert_eq!(key_for(&jwks, "a").await, Err(reason));
            assert_eq!(jwks.stats().failure_episodes, 0, "not logged as an outage");
        });
    }
}

#[test]
fn five_hundred_concurrent_requests_across_a_refresh_make_one_fetch_and_none_waits_for_it() {
    let server = Server::start(Answer::Jwks(set_of(&["a"])));
    // The held refresh must outlast the 500 verifications however loaded the machine is (with 150 ms, the refresh
    // timed out after the 100 ms pause and ~50 ms of unoptimized verifications, and the test failed at random).
    let jwks = jwks_timing_out(&server, 400, 60_000, 5_000);
    let verifier = Arc::new(Verifier {
        keys: KeySource::Remote(Arc::clone(&jwks)),
        rules: ClaimRules::default(),
        cache: TokenCache::new(1024).map(Arc::new),
    });
    let now_ms = crate::time::now_ms();
    let header = r#"{"alg":"RS256","kid":"a","typ":"JWT"}"#;
    let tokens: Vec<String> = (0..500)
        .map(|i| {
            let claims = json!({ "sub": format!("user_{i}"), "iat": (now_ms / 1000.0) as i64 - 1, "exp": (now_ms / 1000.0) as i64 + 600 });
            token_raw(&key_2048().pair, Alg::RS256, header, &claims.to_string())
        })
        .collect();
    runtime().block_on(async {
        assert_eq!(key_for(&jwks, "a").await, Ok(()));
        // The refresh will be held by the server until every request has been answered. Requests go on until the
        // set is due (between 70 % and 90 % of its TTL) and one of them starts the refresh.
        server.set(Answer::Held(set_of(&["a"])));
        while jwks.stats().background_refreshes == 0 {
            assert!(is_key(jwks.lookup(Some("a"))));
            pause(5).await;
        }
        pause(100).await; // and past the TTL: the set is stale, and still verifies while the refresh is under way
        let handles: Vec<_> = tokens
            .iter()
            .cloned()
            .map(|t| {
                let v = Arc::clone(&verifier);
                tokio::spawn(async move { matches!(v.verify(&t, || now_ms).await, Checked::Passed(_)) })
            })
            .collect();
        for handle in handles {
            assert!(handle.await.unwrap(), "every request verified");
        }
        // Give the background fetch time to reach the server, then check it is the only one and is still held.
        let started = Instant::now();
        while server.hits() < 2 && started.elapsed() < Duration::from_secs(5) {
            pause(10).await;
        }
        assert_eq!(server.hits(), 2, "the first fetch and one refresh");
        assert_eq!(jwks.stats().fetches, 1, "the refresh had not answered while the 500 requests were served");
        server.release();
        while jwks.stats().fetches < 2 && started.elapsed() < Duration::from_secs(5) {
            pause(10).await;
        }
        assert_eq!(jwks.stats().fetches, 2);
        assert_eq!(server.hits(), 2);
    });
}

#[test]
fn refresh_points_of_a_thousand_caches_started_together_spread_over_the_jitter_window() {
    let server = Server::start(Answer::Jwks(set_of(&["a"])));
    let caches: Vec<_> = (0..1000).map(|_| jwks(&server, 300_000, 0)).collect();
    let shares: Vec<f64> = runtime().block_on(async {
        let mut shares = Vec::new();
        for cache in &caches {
            assert_eq!(key_for(cache, "a").await, Ok(()));
            shares.push(cache.refresh_share().unwrap());
        }
        shares
    });
    let (lo, hi) = REFRESH_WINDOW;
    assert!(shares.iter().all(|s| (lo..=hi).contains(s)), "every refresh point in [{lo}, {hi}] of the TTL");
    let mut buckets = [0usize; 10];
    for s in &shares {
        buckets[(((s - lo) / (hi - lo)) * 10.0).min(9.0) as usize] += 1;
    }
    // Uniform over the window: each tenth holds 100 ± a wide margin (p < 1e-6 of failing by chance).
    assert!(buckets.iter().all(|&n| (50..=150).contains(&n)), "refresh points per tenth of the window: {buckets:?}");
    let min = shares.iter().cloned().fold(f64::MAX, f64::min);
    let max = shares.iter().cloned().fold(f64::MIN, f64::max);
    println!("jitter: 1000 caches, refresh at {min:.3}..{max:.3} of the TTL, per tenth of the window {buckets:?}");
}
