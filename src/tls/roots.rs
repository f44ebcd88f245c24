//! The trusted roots of every TLS client in the process, URL imports, `fetch` and
//! `Nexus.Net.TLS.connect` alike: Mozilla's (webpki-roots), or the PEM certificates in
//! `$NEXUS_CA_CERTS` instead when it is set. One place, so an import and a fetch of the same host
//! never disagree about whom to trust; a TLS socket's `ca` adds to them, for that socket only.

use super::pem;
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// The certificates of `$NEXUS_CA_CERTS`, or None when it is unset (Mozilla's roots apply).
pub fn custom_roots() -> Result<Option<Vec<CertificateDer<'static>>>, String> {
    let Some(file) = std::env::var_os("NEXUS_CA_CERTS").filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let file = PathBuf::from(file);
    let pem = std::fs::read(&file)
        .map_err(|e| format!("cannot read NEXUS_CA_CERTS {}: {e}", file.display()))?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("NEXUS_CA_CERTS {}: {e}", file.display()))?;
    if certs.is_empty() {
        return Err(format!(
            "NEXUS_CA_CERTS {} holds no PEM certificate",
            file.display()
        ));
    }
    Ok(Some(certs))
}

/// The rustls configuration of the native HTTP client (HTTP/1.1 only), made once.
pub fn client_config() -> Result<Arc<rustls::ClientConfig>, String> {
    static CONFIG: OnceLock<Result<Arc<rustls::ClientConfig>, String>> = OnceLock::new();
    CONFIG.get_or_init(build_client_config).clone()
}

fn build_client_config() -> Result<Arc<rustls::ClientConfig>, String> {
    let mut config = config_with(roots()?)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// The configuration of a TLS socket (`Nexus.Net.TLS.connect`): no ALPN, and `ca` (PEM text or
/// a path) trusted beside the process's roots.
pub fn socket_config(ca: Option<&str>) -> Result<Arc<rustls::ClientConfig>, String> {
    let mut roots = roots()?;
    for cert in ca
        .map(|ca| pem::certificates("ca", ca))
        .transpose()?
        .into_iter()
        .flatten()
    {
        roots.add(cert).map_err(|e| format!("ca: {e}"))?;
    }
    Ok(Arc::new(config_with(roots)?))
}

fn roots() -> Result<rustls::RootCertStore, String> {
    let mut roots = rustls::RootCertStore::empty();
    match custom_roots()? {
        Some(certs) => {
            for cert in certs {
                roots
                    .add(cert)
                    .map_err(|e| format!("NEXUS_CA_CERTS: {e}"))?;
            }
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    Ok(roots)
}

fn config_with(roots: rustls::RootCertStore) -> Result<rustls::ClientConfig, String> {
    Ok(
        rustls::ClientConfig::builder_with_provider(super::provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS: {e}"))?
            .with_root_certificates(roots)
            .with_no_client_auth(),
    )
}
