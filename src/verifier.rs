//! One configured verifier: where its keys come from (a local PEM, the remote JWKS cache, or nowhere) and the
//! claim rules. `verify_now` never waits: it answers, or says a fetch is needed; `verify` may fetch once; `check`
//! does either, as its `Network` argument says.

use std::sync::Arc;

use futures_util::FutureExt;

use crate::error::{action, Reason, VerifyError, VerifyResult};
use crate::jwks::{Lookup, RemoteJwks};
use crate::jwt::{self, DecodedJwt};
use crate::key::RsaKey;
use crate::token_cache::{CachedToken, TokenCache};
use crate::verify::{check_claims, check_signature, ClaimRules};

#[derive(Clone)]
pub enum KeySource {
    /// `CLERK_JWT_KEY`: one key for every kid, as in Clerk.
    Local(Arc<RsaKey>),
    Remote(Arc<RemoteJwks>),
    /// Neither a JWT key nor a secret key was configured.
    Unresolvable,
}

pub struct Verifier {
    pub keys: KeySource,
    pub rules: ClaimRules,
    /// Tokens that verified (none when `None`).
    pub cache: Option<Arc<TokenCache>>,
}

#[derive(Debug)]
pub struct Verified {
    /// The payload exactly as the token carries it.
    pub payload_json: String,
}

/// Whether a call may use the network (fetch the JWKS, call the Backend API) or must answer from what it has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Network {
    Offline,
    Online,
}

/// An offline call could not answer without the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NeedsNetwork;

pub enum Attempt {
    Done(VerifyResult<Verified>),
    /// The keys must be fetched first: call `Verifier::verify`.
    NeedsFetch,
}

impl Verifier {
    /// Verifies without waiting: an answer from cached keys, or `NeedsFetch`.
    pub fn verify_now(&self, token: &str, now_ms: f64) -> Attempt {
        match self.check(token, || now_ms, Network::Offline).now_or_never() {
            Some(Ok(result)) => Attempt::Done(result),
            Some(Err(NeedsNetwork)) => Attempt::NeedsFetch,
            None => unreachable!("an offline check never waits"),
        }
    }

    /// Verifies, fetching the key set at most once when the cache cannot answer.
    pub async fn verify(&self, token: &str, now_ms: impl Fn() -> f64) -> VerifyResult<Verified> {
        match self.check(token, now_ms, Network::Online).await {
            Ok(result) => result,
            Err(NeedsNetwork) => unreachable!("an online check never asks for the network"),
        }
    }

    /// Decodes once, finds the key (fetching only when `net` allows), then signature and claims.
    pub async fn check(
        &self,
        token: &str,
        now_ms: impl Fn() -> f64,
        net: Network,
    ) -> Result<VerifyResult<Verified>, NeedsNetwork> {
        self.check_with(token, None, now_ms, net).await
    }

    /// `check` for a token whose cache entry the caller may have found already (`None`: it is looked up here).
    pub async fn check_with(
        &self,
        token: &str,
        found: Option<Arc<CachedToken>>,
        now_ms: impl Fn() -> f64,
        net: Network,
    ) -> Result<VerifyResult<Verified>, NeedsNetwork> {
        if let Some(hit) = found.or_else(|| self.cached(token)) {
            match self.key(hit.kid.as_deref(), net).await? {
                Ok(key) if Arc::ptr_eq(&key, &hit.key) => {
                    let payload_json = hit.payload.to_string();
                    return Ok(check_claims(&hit.claims, &self.rules, now_ms()).map(|()| Verified { payload_json }));
                }
                // The key set changed since: verify again from the start.
                _ => self.cache.iter().for_each(|cache| cache.remove(token)),
            }
        }
        let jwt = match jwt::decode(token) {
            Ok(jwt) => jwt,
            Err(e) => return Ok(Err(e)),
        };
        let key = match self.key(jwt.jws.kid.as_deref(), net).await? {
            Ok(key) => key,
            Err(e) => return Ok(Err(e)),
        };
        Ok(self.finish(jwt, key, token, now_ms()))
    }

    /// The cache entry of a token that verified before (its claims are not checked here).
    pub fn cached(&self, token: &str) -> Option<Arc<CachedToken>> {
        self.cache.as_ref()?.get(token)
    }

    /// The key for a token's kid, from whichever source this verifier has; the remote set is fetched at most once,
    /// and only `Online`.
    pub async fn key(&self, kid: Option<&str>, net: Network) -> Result<VerifyResult<Arc<RsaKey>>, NeedsNetwork> {
        let mut lookup = self.key_for(kid, true);
        if let (Lookup::Fetch(ticket), KeySource::Remote(remote)) = (&lookup, &self.keys) {
            if net == Network::Offline {
                return Err(NeedsNetwork);
            }
            remote.refresh(*ticket).await;
            lookup = self.key_for(kid, false);
        }
        Ok(match lookup {
            Lookup::Key(key) => Ok(key),
            Lookup::Fail(e) => Err(e),
            Lookup::Fetch(_) => unreachable!("a lookup that may not fetch never asks for a fetch"),
        })
    }

    fn key_for(&self, kid: Option<&str>, may_fetch: bool) -> Lookup {
        match &self.keys {
            KeySource::Local(key) => Lookup::Key(Arc::clone(key)),
            KeySource::Remote(remote) => remote.lookup(kid, may_fetch),
            KeySource::Unresolvable => Lookup::Fail(unresolvable()),
        }
    }

    /// Signature, then claims; a token that passed both is cached.
    fn finish(&self, jwt: DecodedJwt<'_>, key: Arc<RsaKey>, token: &str, now_ms: f64) -> VerifyResult<Verified> {
        check_signature(&jwt.jws, &key)?;
        let claims_ok = check_claims(&jwt.claims, &self.rules, now_ms);
        let DecodedJwt { jws, claims } = jwt;
        if let (Some(cache), Ok(())) = (&self.cache, &claims_ok) {
            let cookie_claims = jwt::parse_members(jws.payload.as_bytes(), &jwt::COOKIE_CHOICE_MEMBERS).ok();
            let payload = jws.payload.as_str().into();
            cache.insert(token, CachedToken { key, kid: jws.kid, claims, payload, cookie_claims });
        }
        claims_ok.map(|()| Verified { payload_json: jws.payload })
    }
}

fn unresolvable() -> VerifyError {
    VerifyError::new(Reason::JwkFailedToResolve, "Failed to resolve JWK during verification.")
        .with_action(action::SET_CLERK_JWT_KEY)
}
