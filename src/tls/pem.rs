//! PEM given by a program: the text itself (it starts with `-----BEGIN`) or a file's path. Every
//! error names the option (`tls.cert`, `ca`, …) and the file, or says the text was at fault.

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

/// Where some PEM came from, for errors: the path, or that it was given as text.
struct Source<'a> {
    option: &'a str,
    path: Option<&'a str>,
}

impl std::fmt::Display for Source<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.path {
            Some(path) => write!(f, "{} ({path})", self.option),
            None => write!(f, "{} (PEM text)", self.option),
        }
    }
}

/// The PEM bytes of `value` (text or a path), and where they came from.
fn load<'a>(option: &'a str, value: &'a str) -> Result<(Vec<u8>, Source<'a>), String> {
    if value.trim_start().starts_with("-----BEGIN") {
        return Ok((value.as_bytes().to_vec(), Source { option, path: None }));
    }
    let source = Source {
        option,
        path: Some(value),
    };
    let bytes = std::fs::read(value).map_err(|e| {
        format!(
            "{source}: cannot read the file: {e} \
             (give a path, or PEM text starting with -----BEGIN)"
        )
    })?;
    Ok((bytes, source))
}

/// Every certificate in `value`; at least one.
pub fn certificates(option: &str, value: &str) -> Result<Vec<CertificateDer<'static>>, String> {
    let (bytes, source) = load(option, value)?;
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{source}: bad PEM: {e}"))?;
    if certs.is_empty() {
        return Err(format!("{source} holds no PEM certificate"));
    }
    Ok(certs)
}

/// The private key in `value` (PKCS#8, PKCS#1 or SEC1).
pub fn private_key(option: &str, value: &str) -> Result<PrivateKeyDer<'static>, String> {
    let (bytes, source) = load(option, value)?;
    PrivateKeyDer::from_pem_slice(&bytes).map_err(|e| match e {
        rustls_pki_types::pem::Error::NoItemsFound => {
            format!("{source} holds no PEM private key")
        }
        e => format!("{source}: bad PEM: {e}"),
    })
}
