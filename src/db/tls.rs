//! TLS for the Postgres connections Parlor opens itself with tokio-postgres (the realtime
//! broker's LISTEN/NOTIFY connection), with libpq's meaning of `sslmode` and `sslrootcert` in
//! `DATABASE_URL`. The diesel pool goes through libpq, which reads both parameters itself, so
//! one URL means the same thing to every connection.
//!
//! | `sslmode` | here, as in libpq |
//! | --- | --- |
//! | `disable` | plain TCP |
//! | `allow`, `prefer` (the default) | TLS when the server offers it, else plain; the certificate is not checked |
//! | `require` | TLS or no connection; the certificate is not checked, unless `sslrootcert` is given (then as `verify-ca`) |
//! | `verify-ca` | TLS, the chain checked against `sslrootcert` (or the webpki roots); any host name |
//! | `verify-full` | as `verify-ca`, and the certificate must name the host |
//!
//! `sslrootcert` is a PEM file; `system` (or leaving it out) means the webpki roots.

use std::{path::PathBuf, str::FromStr, sync::Arc};

use anyhow::{Context, bail};
use rustls::{
    ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
    client::{
        WebPkiServerVerifier,
        danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier},
    },
    crypto::WebPkiSupportedAlgorithms,
    pki_types::{CertificateDer, ServerName, UnixTime, pem::PemObject},
};
use tokio_postgres::{Client, Connection, Socket, tls::TlsStream};
use tokio_postgres_rustls::MakeRustlsConnect;

/// libpq's `sslmode` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SslMode {
    Disable,
    Allow,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl FromStr for SslMode {
    type Err = anyhow::Error;

    fn from_str(value: &str) -> anyhow::Result<Self> {
        Ok(match value {
            "disable" => Self::Disable,
            "allow" => Self::Allow,
            "prefer" => Self::Prefer,
            "require" => Self::Require,
            "verify-ca" => Self::VerifyCa,
            "verify-full" => Self::VerifyFull,
            other => bail!("DATABASE_URL has sslmode={other:?}; use disable, allow, prefer, require, verify-ca or verify-full"),
        })
    }
}

/// Where and how to connect: the tokio-postgres configuration and the TLS connector for it.
pub struct PgTarget {
    config: tokio_postgres::Config,
    tls: MakeRustlsConnect,
    pub mode: SslMode,
}

impl PgTarget {
    /// Reads `database_url` (a `postgres://` URL). tokio-postgres knows neither `sslrootcert`
    /// nor the `verify-*` modes, so both are taken out of the URL and applied here.
    pub fn from_url(database_url: &str) -> anyhow::Result<Self> {
        let (base, query) = database_url.split_once('?').unwrap_or((database_url, ""));
        let mut mode = SslMode::Prefer;
        let mut root_cert = None;
        let mut kept = Vec::new();
        for pair in query.split('&').filter(|pair| !pair.is_empty()) {
            let (key, value) = url::form_urlencoded::parse(pair.as_bytes()).next().unwrap_or_default();
            match key.as_ref() {
                "sslmode" => mode = value.parse()?,
                "sslrootcert" => root_cert = Some(value.into_owned()),
                _ => kept.push(pair),
            }
        }
        let url = if kept.is_empty() { base.to_string() } else { format!("{base}?{}", kept.join("&")) };
        let mut config = tokio_postgres::Config::from_str(&url).context("DATABASE_URL is not a Postgres URL tokio-postgres can read")?;
        config.ssl_mode(match mode {
            SslMode::Disable => tokio_postgres::config::SslMode::Disable,
            SslMode::Allow | SslMode::Prefer => tokio_postgres::config::SslMode::Prefer,
            SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => tokio_postgres::config::SslMode::Require,
        });
        // libpq: "require" with a root certificate checks the chain like "verify-ca".
        let checks = match (mode, &root_cert) {
            (SslMode::VerifyFull, _) => Checks::Full,
            (SslMode::VerifyCa, _) | (SslMode::Require, Some(_)) => Checks::ChainOnly,
            _ => Checks::None,
        };
        let tls = MakeRustlsConnect::new(client_config(checks, root_cert.filter(|path| path != "system").map(PathBuf::from))?);
        Ok(Self { config, tls, mode })
    }

    /// Opens a connection; the caller drives the returned [`Connection`].
    pub async fn connect(&self) -> Result<(Client, Connection<Socket, impl TlsStream + Unpin + Send + 'static>), tokio_postgres::Error> {
        self.config.connect(self.tls.clone()).await
    }
}

/// How much of the server's certificate is checked.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Checks {
    None,
    ChainOnly,
    Full,
}

fn client_config(checks: Checks, root_cert: Option<PathBuf>) -> anyhow::Result<ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .context("the TLS provider offers no protocol version")?;
    if checks == Checks::None {
        let verifier = Arc::new(EncryptOnly { algorithms: provider.signature_verification_algorithms });
        return Ok(builder.dangerous().with_custom_certificate_verifier(verifier).with_no_client_auth());
    }
    let roots = match root_cert {
        Some(path) => {
            let mut roots = RootCertStore::empty();
            for cert in CertificateDer::pem_file_iter(&path).with_context(|| format!("cannot read sslrootcert {}", path.display()))? {
                roots.add(cert.with_context(|| format!("sslrootcert {} holds a bad certificate", path.display()))?)?;
            }
            if roots.is_empty() {
                bail!("sslrootcert {} holds no certificate", path.display());
            }
            roots
        }
        None => RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() },
    };
    let webpki =
        WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider).build().context("cannot build the certificate verifier")?;
    Ok(match checks {
        Checks::Full => builder.with_webpki_verifier(webpki).with_no_client_auth(),
        _ => builder.dangerous().with_custom_certificate_verifier(Arc::new(AnyHostName(webpki))).with_no_client_auth(),
    })
}

/// `require` without a root certificate, and `prefer`: encrypted, but any certificate is
/// accepted, as libpq does. The handshake signatures are still checked.
#[derive(Debug)]
struct EncryptOnly {
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for EncryptOnly {
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

/// `verify-ca`: the chain must lead to a trusted root, whatever host name the certificate gives.
#[derive(Debug)]
struct AnyHostName(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for AnyHostName {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        use rustls::{CertificateError, Error};
        // The name is checked last, after the chain: a name mismatch means the chain was good.
        match self.0.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
            Err(Error::InvalidCertificate(CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. })) => {
                Ok(ServerCertVerified::assertion())
            }
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sslmode_and_sslrootcert_are_taken_out_and_the_rest_kept() {
        let target = PgTarget::from_url("postgres://u:p@db.example:6543/parlor?application_name=x&sslmode=require").unwrap();
        assert_eq!(target.mode, SslMode::Require);
        assert_eq!(target.config.get_ssl_mode(), tokio_postgres::config::SslMode::Require);
        assert_eq!(target.config.get_application_name(), Some("x"));
        assert_eq!(target.config.get_ports(), &[6543]);

        let default = PgTarget::from_url("postgres://postgres@127.0.0.1/parlor").unwrap();
        assert_eq!(default.mode, SslMode::Prefer);
        assert_eq!(default.config.get_ssl_mode(), tokio_postgres::config::SslMode::Prefer);
        let plain = PgTarget::from_url("postgres://postgres@127.0.0.1/parlor?sslmode=disable").unwrap();
        assert_eq!(plain.config.get_ssl_mode(), tokio_postgres::config::SslMode::Disable);
        let full = PgTarget::from_url("postgres://postgres@127.0.0.1/parlor?sslmode=verify-full&sslrootcert=system").unwrap();
        assert_eq!(full.config.get_ssl_mode(), tokio_postgres::config::SslMode::Require);
    }

    #[test]
    fn a_bad_sslmode_or_a_missing_root_certificate_is_refused() {
        assert!(PgTarget::from_url("postgres://postgres@127.0.0.1/parlor?sslmode=always").is_err());
        let missing = PgTarget::from_url("postgres://postgres@127.0.0.1/parlor?sslmode=verify-ca&sslrootcert=/nonexistent/root.crt");
        assert!(missing.err().unwrap().to_string().contains("sslrootcert"));
    }
}
