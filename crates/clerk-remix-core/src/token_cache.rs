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
    /// The token says it is not a session token (a machine JWT, or a `cat` of another kind: `token_kind`), so that a
    /// repeat request answers the request decision's `token-type-mismatch` check without decoding it again.
    pub not_a_session: bool,
}

pub struct TokenCache {
    entries: Mutex<Entries>,
    capacity: NonZeroUsize,
}

/// The entries, grown as they are used (nothing is reserved up front: an idle or short-lived cache costs nothing),
/// and the bytes they hold, for reporting native memory to the JS engine.
struct Entries {
    lru: LruCache<Box<str>, Arc<CachedToken>>,
    bytes: usize,
}

/// What an entry costs besides its token and payload text: the map slot, the `Arc`, the claims.
const ENTRY_OVERHEAD: usize = 256;

fn entry_bytes(token: &str, entry: &CachedToken) -> usize {
    token.len() + entry.payload.len() + ENTRY_OVERHEAD
}

impl TokenCache {
    /// `None` for a capacity of 0 (no cache).
    pub fn new(capacity: usize) -> Option<TokenCache> {
        let capacity = NonZeroUsize::new(capacity)?;
        Some(TokenCache { entries: Mutex::new(Entries { lru: LruCache::unbounded(), bytes: 0 }), capacity })
    }

    pub fn get(&self, token: &str) -> Option<Arc<CachedToken>> {
        self.lock().lru.get(token).cloned()
    }

    pub fn insert(&self, token: &str, entry: CachedToken) {
        let mut entries = self.lock();
        let added = entry_bytes(token, &entry);
        if let Some(old) = entries.lru.put(token.into(), Arc::new(entry)) {
            entries.bytes -= entry_bytes(token, &old);
        } else if entries.lru.len() > self.capacity.get() {
            if let Some((evicted, old)) = entries.lru.pop_lru() {
                entries.bytes -= entry_bytes(&evicted, &old);
            }
        }
        entries.bytes += added;
    }

    pub fn remove(&self, token: &str) {
        let mut entries = self.lock();
        if let Some(old) = entries.lru.pop(token) {
            entries.bytes -= entry_bytes(token, &old);
        }
    }

    /// Bytes the entries hold (an estimate: texts plus a fixed overhead per entry).
    pub fn bytes(&self) -> usize {
        self.lock().bytes
    }

    /// How many tokens are kept.
    pub fn len(&self) -> usize {
        self.lock().lru.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lock().lru.is_empty()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
