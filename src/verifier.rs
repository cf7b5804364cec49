//! One configured verifier: where its keys come from (a local PEM, the remote JWKS cache, or nowhere) and the
//! claim rules. `verify_now` never waits: it answers, or says a fetch is needed; `verify` may fetch once.

use std::sync::Arc;

use crate::error::{action, Reason, VerifyError, VerifyResult};
use crate::jwks::{Lookup, RemoteJwks};
use crate::jwt::{self, DecodedJwt};
use crate::key::RsaKey;
use crate::verify::{check_claims, check_signature, ClaimRules};

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
}

#[derive(Debug)]
pub struct Verified {
    /// The payload exactly as the token carries it.
    pub payload_json: String,
}

pub enum Attempt {
    Done(VerifyResult<Verified>),
    /// The keys must be fetched first: call `Verifier::verify`.
    NeedsFetch,
}

impl Verifier {
    pub fn verify_now(&self, token: &str, now_ms: f64) -> Attempt {
        let jwt = match jwt::decode(token) {
            Ok(jwt) => jwt,
            Err(e) => return Attempt::Done(Err(e)),
        };
        match self.key_for(jwt.jws.kid.as_deref(), true) {
            Lookup::Key(key) => Attempt::Done(self.finish(jwt, &key, now_ms)),
            Lookup::Fetch(_) => Attempt::NeedsFetch,
            Lookup::Fail(e) => Attempt::Done(Err(e)),
        }
    }

    /// Verifies, fetching the key set at most once when the cache cannot answer.
    pub async fn verify(&self, token: &str, now_ms: impl Fn() -> f64) -> VerifyResult<Verified> {
        let jwt = jwt::decode(token)?;
        let kid = jwt.jws.kid.as_deref();
        let mut lookup = self.key_for(kid, true);
        if let (Lookup::Fetch(ticket), KeySource::Remote(remote)) = (&lookup, &self.keys) {
            remote.refresh(*ticket).await;
            lookup = self.key_for(kid, false);
        }
        match lookup {
            Lookup::Key(key) => self.finish(jwt, &key, now_ms()),
            Lookup::Fail(e) => Err(e),
            Lookup::Fetch(_) => unreachable!("a lookup that may not fetch never asks for a fetch"),
        }
    }

    /// The key for a token's kid, from whichever source this verifier has.
    fn key_for(&self, kid: Option<&str>, may_fetch: bool) -> Lookup {
        match &self.keys {
            KeySource::Local(key) => Lookup::Key(Arc::clone(key)),
            KeySource::Remote(remote) => remote.lookup(kid, may_fetch),
            KeySource::Unresolvable => Lookup::Fail(unresolvable()),
        }
    }

    fn finish(&self, jwt: DecodedJwt<'_>, key: &RsaKey, now_ms: f64) -> VerifyResult<Verified> {
        check_signature(&jwt.jws, key)?;
        check_claims(&jwt.claims, &self.rules, now_ms)?;
        Ok(Verified { payload_json: jwt.jws.payload })
    }
}

fn unresolvable() -> VerifyError {
    VerifyError::new(Reason::JwkFailedToResolve, "Failed to resolve JWK during verification.")
        .with_action(action::SET_CLERK_JWT_KEY)
}
