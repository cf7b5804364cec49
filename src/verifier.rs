//! One configured verifier: where its keys come from (a local PEM, the remote JWKS cache, or nowhere) and the
//! claim rules. `verify_now` never waits: it answers, or says a fetch is needed; `verify` may fetch once.

use std::sync::Arc;

use crate::error::{action, Reason, VerifyError, VerifyResult};
use crate::jwks::{FetchTicket, Lookup, RemoteJwks};
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
    NeedsFetch(FetchTicket),
}

impl Verifier {
    pub fn verify_now(&self, token: &str, now_ms: f64) -> Attempt {
        let jwt = match jwt::decode(token) {
            Ok(jwt) => jwt,
            Err(e) => return Attempt::Done(Err(e)),
        };
        let key = match &self.keys {
            KeySource::Local(key) => Arc::clone(key),
            KeySource::Unresolvable => return Attempt::Done(Err(unresolvable())),
            KeySource::Remote(remote) => match remote.lookup(jwt.kid.as_deref(), true) {
                Lookup::Key(key) => key,
                Lookup::Fetch(ticket) => return Attempt::NeedsFetch(ticket),
                Lookup::Fail(e) => return Attempt::Done(Err(e)),
            },
        };
        Attempt::Done(self.finish(jwt, &key, now_ms))
    }

    /// Verifies, fetching the key set at most once when the cache cannot answer.
    pub async fn verify(&self, token: &str, now_ms: impl Fn() -> f64) -> VerifyResult<Verified> {
        let ticket = match self.verify_now(token, now_ms()) {
            Attempt::Done(result) => return result,
            Attempt::NeedsFetch(ticket) => ticket,
        };
        let KeySource::Remote(remote) = &self.keys else { unreachable!("only a remote key source asks for a fetch") };
        remote.refresh(ticket).await;
        let jwt = jwt::decode(token)?;
        match remote.lookup(jwt.kid.as_deref(), false) {
            Lookup::Key(key) => self.finish(jwt, &key, now_ms()),
            Lookup::Fail(e) => Err(e),
            Lookup::Fetch(_) => unreachable!("lookup without fetching never asks for a fetch"),
        }
    }

    fn finish(&self, jwt: DecodedJwt<'_>, key: &RsaKey, now_ms: f64) -> VerifyResult<Verified> {
        check_signature(&jwt, key)?;
        check_claims(&jwt.claims, &self.rules, now_ms)?;
        Ok(Verified { payload_json: jwt.payload_json })
    }
}

fn unresolvable() -> VerifyError {
    VerifyError::new(Reason::JwkFailedToResolve, "Failed to resolve JWK during verification.")
        .with_action(action::SET_CLERK_JWT_KEY)
}
