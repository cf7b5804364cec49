//! clerk-remix-native's stand-in for `rustls-platform-verifier` 0.7 (see Cargo.toml for why it exists).
//!
//! Which roots a [`Verifier`] trusts:
//! - Linux (and other non-Apple Unixes): the system's roots, exactly as upstream loads them there
//!   (`rustls-native-certs`: the distribution's CA bundle, or `SSL_CERT_FILE` / `SSL_CERT_DIR` when set); no roots
//!   at all is an error, as upstream.
//! - macOS and Windows: Mozilla's root program, compiled in (`webpki-root-certs`). The keychain and the Windows
//!   certificate store are NOT consulted, so a root that an administrator installed there is not trusted.
//! - Everywhere, in addition: every certificate in the PEM file named by `NODE_EXTRA_CA_CERTS` (the variable Node
//!   itself reads for the same purpose), read when the verifier is built (once per process in clerk-remix-native).
//!   A file that cannot be read or parsed adds nothing and is not an error, as in Node (which only warns).
//!
//! Verification itself is rustls' WebPKI verifier in every case (upstream's Linux path).

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{WantsClientCert, WebPkiServerVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    ClientConfig, ConfigBuilder, DigitallySignedStruct, Error as TlsError, OtherError, SignatureScheme, WantsVerifier,
};

/// The environment variable whose PEM file adds roots (Node's own name for it).
pub const EXTRA_CA_CERTS_ENV: &str = "NODE_EXTRA_CA_CERTS";

/// A TLS server certificate verifier: rustls' WebPKI verifier over the roots described in the crate docs.
#[derive(Debug)]
pub struct Verifier {
    inner: Arc<WebPkiServerVerifier>,
}

impl Verifier {
    /// A verifier over this platform's roots (see the crate docs) and `NODE_EXTRA_CA_CERTS`.
    pub fn new(crypto_provider: Arc<CryptoProvider>) -> Result<Self, TlsError> {
        Self::new_with_extra_roots([], crypto_provider)
    }

    /// As [`Verifier::new`], also trusting `extra_roots` (an invalid one is an error, as upstream).
    pub fn new_with_extra_roots(
        extra_roots: impl IntoIterator<Item = CertificateDer<'static>>,
        crypto_provider: Arc<CryptoProvider>,
    ) -> Result<Self, TlsError> {
        let mut roots = rustls::RootCertStore::empty();
        for cert in extra_roots {
            roots.add(cert)?;
        }
        if let Some(path) = std::env::var_os(EXTRA_CA_CERTS_ENV).filter(|p| !p.is_empty()) {
            if let Ok(iter) = CertificateDer::pem_file_iter(&path) {
                roots.add_parsable_certificates(iter.filter_map(Result::ok));
            }
        }
        add_platform_roots(&mut roots)?;
        let inner = WebPkiServerVerifier::builder_with_provider(roots.into(), crypto_provider)
            .build()
            .map_err(|e| TlsError::Other(OtherError(Arc::new(e))))?;
        Ok(Self { inner })
    }
}

#[cfg(all(unix, not(target_vendor = "apple"), not(target_os = "android")))]
fn add_platform_roots(roots: &mut rustls::RootCertStore) -> Result<(), TlsError> {
    let loaded = rustls_native_certs::load_native_certs();
    roots.add_parsable_certificates(loaded.certs);
    // Upstream's rule: no roots from anywhere is an error (extra roots alone are enough).
    if roots.is_empty() {
        return Err(TlsError::General("No CA certificates were loaded from the system".to_owned()));
    }
    Ok(())
}

#[cfg(not(all(unix, not(target_vendor = "apple"), not(target_os = "android"))))]
fn add_platform_roots(roots: &mut rustls::RootCertStore) -> Result<(), TlsError> {
    roots.add_parsable_certificates(webpki_root_certs::TLS_SERVER_ROOT_CERTS.iter().cloned());
    Ok(())
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, TlsError> {
        self.inner.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// Upstream's extension: `ClientConfig::builder().with_platform_verifier()`.
pub trait BuilderVerifierExt {
    /// Sets [`Verifier::new`] as the certificate verifier.
    fn with_platform_verifier(self) -> Result<ConfigBuilder<ClientConfig, WantsClientCert>, TlsError>;
}

impl BuilderVerifierExt for ConfigBuilder<ClientConfig, WantsVerifier> {
    fn with_platform_verifier(self) -> Result<ConfigBuilder<ClientConfig, WantsClientCert>, TlsError> {
        let verifier = Verifier::new(self.crypto_provider().clone())?;
        Ok(self.dangerous().with_custom_certificate_verifier(Arc::new(verifier)))
    }
}

/// Upstream's extension: `ClientConfig::with_platform_verifier()`.
pub trait ConfigVerifierExt {
    /// A client config with the default provider, [`Verifier::new`] and no client certificate.
    fn with_platform_verifier() -> Result<ClientConfig, TlsError>;
}

impl ConfigVerifierExt for ClientConfig {
    fn with_platform_verifier() -> Result<ClientConfig, TlsError> {
        Ok(ClientConfig::builder().with_platform_verifier()?.with_no_client_auth())
    }
}
