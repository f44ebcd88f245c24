//! A server's certificates: one or more, each with its private key, chosen per connection by the
//! name the client asks for (SNI), and swapped whole by `setCertificates` without a restart.
//!
//! Invariants: the first certificate is the default (no SNI, or a name none matches), so a set
//! is never empty; a swap takes effect for handshakes that start after it (each resolves once,
//! holding its choice), never half of one set and half of another.

use super::pem;
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use std::sync::{Arc, RwLock};

/// One certificate as a program gives it: PEM text or paths, and the name SNI selects it by.
pub struct Entry {
    pub server_name: Option<String>,
    pub cert: String,
    pub key: String,
}

#[derive(Debug)]
struct Set {
    default: Arc<CertifiedKey>,
    /// Lowercase names (`*.example.com` matches one label) and their certificates, in order.
    named: Vec<(String, Arc<CertifiedKey>)>,
}

/// The resolver every connection of a server asks; shared by the server and its handle in JS.
#[derive(Debug)]
pub struct Certificates(RwLock<Arc<Set>>);

impl Certificates {
    pub fn new(entries: &[Entry]) -> Result<Arc<Certificates>, String> {
        Ok(Arc::new(Certificates(RwLock::new(Arc::new(load(
            entries,
        )?)))))
    }

    /// Replaces the whole set for new connections; on an error the old one stays.
    pub fn replace(&self, entries: &[Entry]) -> Result<(), String> {
        let set = Arc::new(load(entries)?);
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = set;
        Ok(())
    }

    /// A server configuration over these certificates: TLS 1.2 and 1.3, and `alpn` offered.
    pub fn server_config(
        self: &Arc<Self>,
        alpn: &[&[u8]],
    ) -> Result<Arc<rustls::ServerConfig>, String> {
        let mut config = rustls::ServerConfig::builder_with_provider(super::provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS: {e}"))?
            .with_no_client_auth()
            .with_cert_resolver(self.clone());
        config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
        Ok(Arc::new(config))
    }
}

impl ResolvesServerCert for Certificates {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let set = self.0.read().unwrap_or_else(|e| e.into_inner()).clone();
        let chosen = hello.server_name().and_then(|name| {
            let name = name.to_ascii_lowercase();
            set.named
                .iter()
                .find(|(pattern, _)| matches(pattern, &name))
        });
        Some(chosen.map_or(&set.default, |(_, key)| key).clone())
    }
}

fn matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_prefix("*.") {
        Some(parent) => name
            .split_once('.')
            .is_some_and(|(label, rest)| !label.is_empty() && rest == parent),
        None => pattern == name,
    }
}

fn load(entries: &[Entry]) -> Result<Set, String> {
    let provider = super::provider();
    let mut keys = Vec::with_capacity(entries.len());
    for (i, entry) in entries.iter().enumerate() {
        let at = |option: &str| match entries.len() {
            1 => format!("tls.{option}"),
            _ => format!("tls[{i}].{option}"),
        };
        let chain = pem::certificates(&at("cert"), &entry.cert)?;
        let key = pem::private_key(&at("key"), &entry.key)?;
        let certified = CertifiedKey::from_der(chain, key, &provider).map_err(|e| {
            let why = match e {
                rustls::Error::InconsistentKeys(_) => {
                    "the private key does not match the certificate".to_string()
                }
                e => e.to_string(),
            };
            format!("{} and {}: {why}", at("cert"), at("key"))
        })?;
        let name = entry.server_name.as_deref().map(str::to_ascii_lowercase);
        keys.push((name, Arc::new(certified)));
    }
    let Some((_, default)) = keys.first() else {
        return Err("tls: give at least one { cert, key }".into());
    };
    Ok(Set {
        default: default.clone(),
        named: keys
            .iter()
            .filter_map(|(name, key)| Some((name.clone()?, key.clone())))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn names_match_exactly_or_by_one_wildcard_label() {
        assert!(matches("a.test", "a.test"));
        assert!(!matches("a.test", "b.test"));
        assert!(matches("*.test", "a.test"));
        assert!(!matches("*.test", "a.b.test"));
        assert!(!matches("*.test", "test"));
    }
}
