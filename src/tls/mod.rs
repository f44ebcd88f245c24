//! TLS configuration, on rustls with ring: whom clients trust (`roots`: URL imports, `fetch` and
//! `Nexus.Net.TLS.connect` alike), which certificates servers present (`certificates`: chosen
//! by SNI, swapped without a restart) and where PEM comes from (`pem`: text or a file). The
//! sessions themselves run in `net::transport`.

pub mod certificates;
pub mod pem;
pub mod roots;

pub use roots::{client_config, custom_roots};

/// The one crypto provider of every TLS session in the process.
fn provider() -> std::sync::Arc<rustls::crypto::CryptoProvider> {
    std::sync::Arc::new(rustls::crypto::ring::default_provider())
}
