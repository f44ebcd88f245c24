//! Why a fetch failed, in the words undici's `cause` uses: an errno code with the address and
//! port (`ECONNREFUSED`), `ENOTFOUND` with the host, a TLS certificate code with rustls's reason,
//! or a malformed answer. JS turns it into `TypeError('fetch failed', { cause })`.

use crate::io::IoError;
use std::net::SocketAddr;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchError {
    pub code: &'static str,
    pub message: String,
    /// The endpoint a socket failure happened at.
    pub address: Option<SocketAddr>,
    /// The host a name lookup failed for.
    pub host: Option<String>,
}

impl FetchError {
    pub fn new(code: &'static str, message: impl Into<String>) -> FetchError {
        FetchError {
            code,
            message: message.into(),
            address: None,
            host: None,
        }
    }

    /// A socket call failed at `address`.
    pub fn socket(error: &std::io::Error, syscall: &str, address: SocketAddr) -> FetchError {
        let io = IoError::net(error, syscall, address);
        FetchError {
            address: Some(address),
            ..FetchError::new(io.code, io.message)
        }
    }

    /// The name lookup of `host` failed.
    pub fn not_found(host: &str, why: impl std::fmt::Display) -> FetchError {
        FetchError {
            host: Some(host.to_owned()),
            ..FetchError::new("ENOTFOUND", format!("getaddrinfo ENOTFOUND {host}: {why}"))
        }
    }

    /// The TLS session with `host` failed; certificate errors get Node's codes.
    pub fn tls(host: &str, error: &rustls::Error) -> FetchError {
        use rustls::CertificateError as Cert;
        let code = match error {
            rustls::Error::InvalidCertificate(cert) => match cert {
                Cert::UnknownIssuer => "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
                Cert::Expired | Cert::ExpiredContext { .. } => "CERT_HAS_EXPIRED",
                Cert::NotValidForName | Cert::NotValidForNameContext { .. } => {
                    "ERR_TLS_CERT_ALTNAME_INVALID"
                }
                Cert::BadSignature => "CERT_SIGNATURE_FAILURE",
                _ => "ERR_TLS_CERT_INVALID",
            },
            _ => "ERR_TLS_HANDSHAKE",
        };
        FetchError {
            host: Some(host.to_owned()),
            ..FetchError::new(code, format!("TLS with {host}: {error}"))
        }
    }

    /// The answer broke HTTP/1.1's rules.
    pub fn malformed(why: impl Into<String>) -> FetchError {
        FetchError::new("UND_ERR_INVALID_RESPONSE", why)
    }

    /// The connection ended before the exchange did.
    pub fn closed(why: impl Into<String>) -> FetchError {
        FetchError::new("UND_ERR_SOCKET", why)
    }

    /// The request was aborted (its handle released) while this was pending.
    pub fn aborted() -> FetchError {
        FetchError::new("ABORT_ERR", "the request was aborted")
    }
}
