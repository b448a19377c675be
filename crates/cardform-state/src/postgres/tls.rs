//! TLS for the PostgreSQL connection, over rustls (the stack the HTTP client already
//! uses): the `MakeTlsConnect` glue the `postgres` crate asks for, and the certificate
//! checks each `sslmode` makes. A failed check says which one failed and what to set.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use ::postgres::Socket;
use ::postgres::tls::{ChannelBinding, MakeTlsConnect, TlsConnect, TlsStream};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::target::{RootCerts, SslMode, TlsOptions};

/// Makes a rustls connection for each host the client connects to.
#[derive(Clone)]
pub(super) struct MakeRustls {
    config: Arc<ClientConfig>,
    context: Arc<FailureContext>,
}

/// What a failure message needs to know.
struct FailureContext {
    mode: SslMode,
    root_from: String,
    client_cert: bool,
}

impl MakeRustls {
    /// The rustls configuration for `tls`.
    ///
    /// # Errors
    /// A message naming the file or setting that cannot be used.
    pub(super) fn new(tls: &TlsOptions) -> Result<MakeRustls, String> {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let builder = ClientConfig::builder_with_provider(Arc::clone(&provider))
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("cannot set up TLS: {e}"))?;
        let algorithms = provider.signature_verification_algorithms;
        let verifier: Arc<dyn ServerCertVerifier> = match (&tls.root, tls.mode) {
            (None, _) => Arc::new(Unchecked { algorithms }),
            (Some(root), mode) => {
                let roots = load_roots(root, &tls.root_from)?;
                let webpki = WebPkiServerVerifier::builder_with_provider(
                    Arc::new(roots),
                    Arc::clone(&provider),
                )
                .build()
                .map_err(|e| format!("cannot use the CA of {}: {e}", tls.root_from))?;
                Arc::new(Checked {
                    webpki,
                    check_name: mode == SslMode::VerifyFull,
                })
            }
        };
        let builder = builder
            .dangerous()
            .with_custom_certificate_verifier(verifier);
        let config = match &tls.client {
            None => builder.with_no_client_auth(),
            Some((cert, key)) => {
                let certs = CertificateDer::pem_file_iter(cert)
                    .and_then(|it| it.collect::<Result<Vec<_>, _>>())
                    .map_err(|e| {
                        format!(
                            "sslcert={}: cannot read a PEM certificate: {e}",
                            cert.display()
                        )
                    })?;
                if certs.is_empty() {
                    return Err(format!(
                        "sslcert={}: no PEM certificate in it",
                        cert.display()
                    ));
                }
                let key = PrivateKeyDer::from_pem_file(key).map_err(|e| {
                    format!(
                        "sslkey={}: cannot read an unencrypted PEM private key: {e}",
                        key.display()
                    )
                })?;
                builder.with_client_auth_cert(certs, key).map_err(|e| {
                    format!("sslcert/sslkey cannot be used (the key must fit the certificate, an X.509 v3 PEM): {e}")
                })?
            }
        };
        Ok(MakeRustls {
            config: Arc::new(config),
            context: Arc::new(FailureContext {
                mode: tls.mode,
                root_from: tls.root_from.clone(),
                client_cert: tls.client.is_some(),
            }),
        })
    }
}

fn load_roots(root: &RootCerts, from: &str) -> Result<RootCertStore, String> {
    let mut store = RootCertStore::empty();
    match root {
        RootCerts::File(path) => {
            let certs = CertificateDer::pem_file_iter(path)
                .and_then(|it| it.collect::<Result<Vec<_>, _>>())
                .map_err(|e| format!("{from}: cannot read PEM certificates: {e}"))?;
            let (added, _) = store.add_parsable_certificates(certs);
            if added == 0 {
                return Err(format!(
                    "{from}: no usable CA certificate in it (expected PEM `-----BEGIN CERTIFICATE-----` blocks)"
                ));
            }
        }
        RootCerts::System => {
            let found = rustls_native_certs::load_native_certs();
            let (added, _) = store.add_parsable_certificates(found.certs);
            if added == 0 {
                return Err(
                    "sslrootcert=system: no trusted CA certificates found on this system; give the CA file with sslrootcert=/path/to/ca.pem"
                        .into(),
                );
            }
        }
    }
    Ok(store)
}

/// `prefer`/`require` without a root certificate: encryption without checking whose
/// certificate it is (as libpq). The handshake signatures are still checked.
#[derive(Debug)]
struct Unchecked {
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for Unchecked {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// The chain must lead to the root certificates; with `check_name` (verify-full) the
/// certificate must also name the host. webpki checks the chain before the name, so
/// a name error means the chain passed.
#[derive(Debug)]
struct Checked {
    webpki: Arc<WebPkiServerVerifier>,
    check_name: bool,
}

impl ServerCertVerifier for Checked {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self.webpki.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        ) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) if !self.check_name => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}

/// A TLS failure, saying which check failed and what to set.
#[derive(Debug)]
pub(super) struct TlsFailure(String);

impl std::fmt::Display for TlsFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TlsFailure {}

impl FailureContext {
    fn explain(&self, host: &str, e: &io::Error) -> TlsFailure {
        let mode = self.mode.as_str();
        let inner = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>());
        let text = match inner {
            Some(rustls::Error::InvalidCertificate(c)) => match c {
                CertificateError::UnknownIssuer => format!(
                    "certificate chain check failed (sslmode={mode}): the server's certificate is not signed by the CA in {}. Set sslrootcert to the CA certificate your database provider publishes for this server",
                    self.root_from
                ),
                CertificateError::NotValidForName
                | CertificateError::NotValidForNameContext { .. } => format!(
                    "host name check failed (sslmode={mode}): the server's certificate is not valid for `{host}` ({c}). Connect with a host name the certificate carries, or use sslmode=verify-ca to check the chain only"
                ),
                CertificateError::Expired | CertificateError::ExpiredContext { .. } => format!(
                    "certificate validity check failed (sslmode={mode}): the server's certificate has expired ({c}); renew it on the server, or check this machine's clock"
                ),
                CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                    format!(
                        "certificate validity check failed (sslmode={mode}): the server's certificate is not valid yet ({c}); check this machine's clock"
                    )
                }
                other => format!(
                    "certificate check failed (sslmode={mode}): {other}. Check sslrootcert ({})",
                    self.root_from
                ),
            },
            Some(rustls::Error::AlertReceived(alert)) if !self.client_cert => format!(
                "the server ended the TLS handshake ({alert:?}); if it asks for a client certificate, set sslcert and sslkey"
            ),
            Some(other) => format!("TLS handshake failed (sslmode={mode}): {other}"),
            None => format!("TLS handshake failed (sslmode={mode}): {e}"),
        };
        TlsFailure(text)
    }
}

impl MakeTlsConnect<Socket> for MakeRustls {
    type Stream = RustlsStream;
    type TlsConnect = RustlsConnect;
    type Error = TlsFailure;

    fn make_tls_connect(&mut self, domain: &str) -> Result<RustlsConnect, TlsFailure> {
        let name = ServerName::try_from(domain.to_string()).map_err(|e| {
            TlsFailure(format!(
                "`{domain}` cannot be checked against a certificate ({e})"
            ))
        })?;
        Ok(RustlsConnect {
            config: Arc::clone(&self.config),
            context: Arc::clone(&self.context),
            host: domain.to_string(),
            name,
        })
    }
}

/// One connection's handshake.
pub(super) struct RustlsConnect {
    config: Arc<ClientConfig>,
    context: Arc<FailureContext>,
    host: String,
    name: ServerName<'static>,
}

impl TlsConnect<Socket> for RustlsConnect {
    type Stream = RustlsStream;
    type Error = TlsFailure;
    type Future = Pin<Box<dyn Future<Output = Result<RustlsStream, TlsFailure>> + Send>>;

    fn connect(self, stream: Socket) -> Self::Future {
        Box::pin(async move {
            tokio_rustls::TlsConnector::from(self.config)
                .connect(self.name, stream)
                .await
                .map(|s| RustlsStream(Box::new(s)))
                .map_err(|e| self.context.explain(&self.host, &e))
        })
    }
}

/// An established TLS session.
pub(super) struct RustlsStream(Box<tokio_rustls::client::TlsStream<Socket>>);

impl TlsStream for RustlsStream {
    fn channel_binding(&self) -> ChannelBinding {
        // SCRAM's channel binding (tls-server-end-point) would need the certificate's
        // signature hash; without it the client uses SCRAM without binding, as the
        // server allows by default.
        ChannelBinding::none()
    }
}

impl AsyncRead for RustlsStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for RustlsStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut *self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_shutdown(cx)
    }
}
