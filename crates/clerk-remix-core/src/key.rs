//! RSA verification keys, parsed once into aws-lc's form and kept, with the key policy Clerk lacks:
//! RSA only, modulus of 2048 to 8192 bits, public exponent odd and at least 3; and, for a JWK, every member RFC 7517
//! and RFC 7518 define checked (`RsaKey::from_jwk`).

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

    /// From one JWK of a JWKS, with every member RFC 7517/7518 defines checked:
    /// * `kty` is `RSA`; `kid`, `alg`, `use`, `x5u` are strings; `alg`, when present, RS256/RS384/RS512;
    /// * `use`, when present, is `sig`; `key_ops`, when present, is an array of distinct strings that contains
    ///   `verify` and, with `use`, only `sign`/`verify` (the two must agree, RFC 7517 §4.3);
    /// * `n` and `e` are strict base64url of unsigned integers in the fewest octets (RFC 7518 §2 Base64urlUInt);
    /// * `x5c` is an array of base64 (not base64url) certificates, the first containing this key's modulus;
    ///   `x5t` / `x5t#S256` are base64url SHA-1 / SHA-256 digests, of that certificate when there is one;
    /// * no private-key member (`d`, `p`, `q`, `dp`, `dq`, `qi`, `oth`, `k`): a JWK that has one is not a public key.
    pub fn from_jwk(jwk: &Map<String, Value>) -> Result<RsaKey, String> {
        if let Some(member) = PRIVATE_MEMBERS.iter().find(|m| jwk.contains_key(**m)) {
            return Err(format!("the JWK carries the private key member \"{member}\""));
        }
        let string = |name: &str| -> Result<Option<&str>, String> {
            match jwk.get(name) {
                None => Ok(None),
                Some(Value::String(s)) => Ok(Some(s)),
                Some(_) => Err(format!("\"{name}\" is not a string")),
            }
        };
        let kid = string("kid")?.map(str::to_owned);
        match jwk.get("kty") {
            Some(Value::String(k)) if k == "RSA" => {}
            other => return Err(format!("\"kty\" is {}; only \"RSA\" keys are used", crate::jwt::js_stringify(other))),
        }
        let key_use = string("use")?;
        if let Some(u) = key_use.filter(|u| *u != "sig") {
            return Err(format!("\"use\" is {u:?}; a signing key needs \"sig\""));
        }
        if let Some(ops) = jwk.get("key_ops") {
            let ops = ops.as_array().ok_or("\"key_ops\" is not an array")?;
            let mut seen = Vec::with_capacity(ops.len());
            for op in ops {
                let op = op.as_str().ok_or("\"key_ops\" holds a value that is not a string")?;
                if seen.contains(&op) {
                    return Err(format!("\"key_ops\" lists {op:?} twice"));
                }
                if key_use.is_some() && op != "sign" && op != "verify" {
                    return Err(format!("\"key_ops\" allows {op:?}, which \"use\": \"sig\" does not"));
                }
                seen.push(op);
            }
            if !seen.contains(&"verify") {
                return Err("\"key_ops\" does not allow \"verify\"".to_owned());
            }
        }
        let alg = match string("alg")? {
            None => None,
            Some(a) => {
                Some(Alg::parse(a).ok_or_else(|| format!("\"alg\" is {a:?}; only RS256, RS384 and RS512 are used"))?)
            }
        };
        let component = |name: &str| -> Result<Vec<u8>, String> {
            let text = string(name)?.ok_or_else(|| format!("\"{name}\" is missing"))?;
            let bytes = b64url_decode(text).ok_or_else(|| format!("\"{name}\" is not strict base64url"))?;
            if bytes.len() > 1 && bytes[0] == 0 {
                return Err(format!(
                    "\"{name}\" has a leading zero octet (RFC 7518 Base64urlUInt uses the fewest octets)"
                ));
            }
            Ok(bytes)
        };
        let (n, e) = (component("n")?, component("e")?);
        string("x5u")?;
        check_certificates(jwk, &n)?;
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

/// JWK members that only a private (or symmetric) key has (RFC 7518 §6.3.2, §6.4.1).
pub const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// `x5c`, `x5t` and `x5t#S256` (RFC 7517 §4.7-4.9). The certificates are not parsed or trusted (keys come from the
/// configured JWKS): the first must contain the JWK's modulus, and the thumbprints must be its digests.
fn check_certificates(jwk: &Map<String, Value>, n: &[u8]) -> Result<(), String> {
    let first = match jwk.get("x5c") {
        None => None,
        Some(Value::Array(chain)) if !chain.is_empty() => {
            let mut first = None;
            for cert in chain {
                let der = cert
                    .as_str()
                    .and_then(|c| STANDARD.decode(c).ok())
                    .ok_or("\"x5c\" holds a value that is not a base64 certificate")?;
                first.get_or_insert(der);
            }
            first
        }
        Some(_) => return Err("\"x5c\" is not a non-empty array".to_owned()),
    };
    if let Some(der) = &first {
        if memchr::memmem::find(der, n).is_none() {
            return Err("the first \"x5c\" certificate is not for this key".to_owned());
        }
    }
    for (name, algorithm) in
        [("x5t", &aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY), ("x5t#S256", &aws_lc_rs::digest::SHA256)]
    {
        let Some(value) = jwk.get(name) else { continue };
        let digest =
            value.as_str().and_then(b64url_decode).ok_or_else(|| format!("\"{name}\" is not strict base64url"))?;
        if digest.len() != algorithm.output_len() {
            return Err(format!("\"{name}\" is not a digest of the right length"));
        }
        if let Some(der) = &first {
            if aws_lc_rs::digest::digest(algorithm, der).as_ref() != digest.as_slice() {
                return Err(format!("\"{name}\" is not the thumbprint of the first \"x5c\" certificate"));
            }
        }
    }
    Ok(())
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
