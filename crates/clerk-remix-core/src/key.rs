//! RSA verification keys, parsed once into aws-lc's form and kept, with the key policy Clerk lacks:
//! RSA only, modulus of 2048 to 8192 bits, public exponent odd and at least 3.

use aws_lc_rs::signature::{
    ParsedPublicKey, RsaParameters, RsaPublicKeyComponents, RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_2048_8192_SHA384,
    RSA_PKCS1_2048_8192_SHA512,
};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{Map, Value};

use crate::jwt::{b64url_decode, Alg};

pub const MIN_MODULUS_BITS: usize = 2048;
pub const MAX_MODULUS_BITS: usize = 8192;

const PARAMS: [&RsaParameters; 3] =
    [&RSA_PKCS1_2048_8192_SHA256, &RSA_PKCS1_2048_8192_SHA384, &RSA_PKCS1_2048_8192_SHA512];

pub struct RsaKey {
    pub kid: Option<String>,
    /// The JWK's `alg`, when it names one: the key then verifies only that algorithm.
    pub alg: Option<Alg>,
    pub modulus_bits: usize,
    /// One parsed key per digest (aws-lc binds the digest to the parsed key), indexed by `Alg::index`.
    parsed: [ParsedPublicKey; 3],
}

impl std::fmt::Debug for RsaKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RsaKey")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .field("bits", &self.modulus_bits)
            .finish()
    }
}

impl RsaKey {
    /// From big-endian modulus and exponent.
    pub fn from_components(n: &[u8], e: &[u8], kid: Option<String>, alg: Option<Alg>) -> Result<RsaKey, String> {
        let n = strip_leading_zeros(n);
        let e = strip_leading_zeros(e);
        let modulus_bits = bit_length(n);
        if modulus_bits < MIN_MODULUS_BITS {
            return Err(format!("RSA modulus is {modulus_bits} bits; at least {MIN_MODULUS_BITS} are required"));
        }
        if modulus_bits > MAX_MODULUS_BITS {
            return Err(format!("RSA modulus is {modulus_bits} bits; at most {MAX_MODULUS_BITS} are supported"));
        }
        if n[n.len() - 1] & 1 == 0 {
            return Err("RSA modulus is even".to_owned());
        }
        if e.is_empty() || e.len() > 4 {
            return Err("RSA public exponent must be between 3 and 2^32 - 1".to_owned());
        }
        let e_value = e.iter().fold(0u64, |acc, &b| acc << 8 | u64::from(b));
        if e_value < 3 || e_value & 1 == 0 {
            return Err(format!("RSA public exponent {e_value} is not allowed; it must be odd and at least 3"));
        }
        let components = RsaPublicKeyComponents { n, e };
        let parse = |p: &'static RsaParameters| {
            components.to_parsed_public_key(p).map_err(|e| format!("RSA key rejected by aws-lc: {e}"))
        };
        let parsed = [parse(PARAMS[0])?, parse(PARAMS[1])?, parse(PARAMS[2])?];
        Ok(RsaKey { kid, alg, modulus_bits, parsed })
    }

    /// From a PEM public key (`BEGIN PUBLIC KEY` or `BEGIN RSA PUBLIC KEY`), or the bare base64 body of one, as
    /// `CLERK_JWT_KEY` holds it. Line breaks may be real or written as `\n`.
    pub fn from_pem(pem: &str) -> Result<RsaKey, String> {
        let mut text = pem.replace("\\n", "\n");
        for armour in [
            "-----BEGIN PUBLIC KEY-----",
            "-----END PUBLIC KEY-----",
            "-----BEGIN RSA PUBLIC KEY-----",
            "-----END RSA PUBLIC KEY-----",
        ] {
            text = text.replace(armour, "");
        }
        let body: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if body.is_empty() {
            return Err("the PEM key is empty".to_owned());
        }
        let der = STANDARD.decode(body.as_bytes()).map_err(|_| "the PEM key is not valid base64".to_owned())?;
        let public = aws_lc_rs::rsa::PublicKey::from_der(&der)
            .map_err(|_| "the PEM key is not an RSA public key (SubjectPublicKeyInfo or PKCS#1)".to_owned())?;
        let components = RsaPublicKeyComponents::<Vec<u8>>::from(&public);
        RsaKey::from_components(&components.n, &components.e, None, None)
    }

    /// From one JWK of a JWKS. `kty` must be `RSA`; `use`, when present, `sig`; `key_ops`, when present, must
    /// contain `verify`; `alg`, when present, RS256/RS384/RS512.
    pub fn from_jwk(jwk: &Map<String, Value>) -> Result<RsaKey, String> {
        let kid = match jwk.get("kid") {
            None => None,
            Some(Value::String(k)) => Some(k.clone()),
            Some(_) => return Err("\"kid\" is not a string".to_owned()),
        };
        match jwk.get("kty") {
            Some(Value::String(k)) if k == "RSA" => {}
            other => return Err(format!("\"kty\" is {}; only \"RSA\" keys are used", crate::jwt::js_stringify(other))),
        }
        match jwk.get("use") {
            None => {}
            Some(Value::String(u)) if u == "sig" => {}
            Some(other) => return Err(format!("\"use\" is {}; a signing key needs \"sig\"", other)),
        }
        if let Some(ops) = jwk.get("key_ops") {
            let verifies = ops.as_array().is_some_and(|ops| ops.iter().any(|o| o == "verify"));
            if !verifies {
                return Err("\"key_ops\" does not allow \"verify\"".to_owned());
            }
        }
        let alg = match jwk.get("alg") {
            None => None,
            Some(Value::String(a)) => {
                Some(Alg::parse(a).ok_or_else(|| format!("\"alg\" is {a:?}; only RS256, RS384 and RS512 are used"))?)
            }
            Some(_) => return Err("\"alg\" is not a string".to_owned()),
        };
        let component = |name: &str| -> Result<Vec<u8>, String> {
            match jwk.get(name) {
                Some(Value::String(s)) => b64url_decode(s).ok_or_else(|| format!("\"{name}\" is not strict base64url")),
                _ => Err(format!("\"{name}\" is missing")),
            }
        };
        let (n, e) = (component("n")?, component("e")?);
        RsaKey::from_components(&n, &e, kid, alg)
    }

    /// PKCS#1 v1.5 verification with the digest of `alg`. `false` also when the JWK pinned another algorithm.
    pub fn verify(&self, alg: Alg, message: &[u8], signature: &[u8]) -> bool {
        if self.alg.is_some_and(|pinned| pinned != alg) {
            return false;
        }
        self.parsed[alg.index()].verify_sig(message, signature).is_ok()
    }
}

fn strip_leading_zeros(b: &[u8]) -> &[u8] {
    let first = b.iter().position(|&x| x != 0).unwrap_or(b.len());
    &b[first..]
}

fn bit_length(b: &[u8]) -> usize {
    match b.first() {
        None => 0,
        Some(&top) => (b.len() - 1) * 8 + (8 - top.leading_zeros() as usize),
    }
}
