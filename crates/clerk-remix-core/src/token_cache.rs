//! Tokens that verified, so that a repeat request (Remix runs `rootAuthLoader` and a route's `getAuth` on the same
//! request; a browser sends the same session token for up to a minute) costs a lookup instead of an RSA operation.
//!
//! Only tokens whose signature verified are stored. A hit is used only while the key that verified it is still the
//! key the key source answers for its `kid` (a key that left the JWKS, or any refetch of the set, makes the entry a
//! miss), and the claims (`exp`, `nbf`, `iat`, `azp`, `aud`, `sub`) are checked again against the clock on every hit.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use lru::LruCache;

use crate::jwt::{Claims, Members};
use crate::key::RsaKey;

/// Entries kept by default: about 7 MiB (an entry is the token, ≈ 0.8 KiB, its payload text, ≈ 0.4 KiB, and the
/// claims the checks read). Session tokens live for a minute, so this covers a few thousand active sessions per
/// process.
pub const DEFAULT_CAPACITY: usize = 4_096;

#[derive(Debug)]
pub struct CachedToken {
    /// The key that verified the signature.
    pub key: Arc<RsaKey>,
    pub kid: Option<String>,
    pub claims: Claims,
    /// The payload JSON text as the token carries it (kept so that a hit decodes nothing).
    pub payload: Box<str>,
    /// `iss`, `iat` and `exp` exactly as the cookie choice's unverified decode reads them from this token (`None`
    /// where that decode fails), so that a repeat request decodes nothing for the choice either.
    pub cookie_claims: Option<Members<3>>,
}

pub struct TokenCache {
    entries: Mutex<LruCache<Box<str>, Arc<CachedToken>>>,
}

impl TokenCache {
    /// `None` for a capacity of 0 (no cache).
    pub fn new(capacity: usize) -> Option<TokenCache> {
        Some(TokenCache { entries: Mutex::new(LruCache::new(NonZeroUsize::new(capacity)?)) })
    }

    pub fn get(&self, token: &str) -> Option<Arc<CachedToken>> {
        self.lock().get(token).cloned()
    }

    pub fn insert(&self, token: &str, entry: CachedToken) {
        self.lock().put(token.into(), Arc::new(entry));
    }

    pub fn remove(&self, token: &str) {
        self.lock().pop(token);
    }

    /// How many tokens are kept.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LruCache<Box<str>, Arc<CachedToken>>> {
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
