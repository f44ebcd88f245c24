//! Which proxy a request goes through, from the environment as curl and undici's
//! EnvHttpProxyAgent read it: `HTTP_PROXY` for http:, `HTTPS_PROXY` for https: (lowercase names
//! first), except hosts `NO_PROXY` lists (`*`, a host, or a domain suffix, with an optional
//! port). Only http: proxies are supported: an https: URL goes through one by CONNECT.

use std::sync::OnceLock;
use url::Url;

/// The variables, read once: the process's environment never changes after start-up (see
/// process/env.rs), and a fetch would otherwise read it three times.
struct Settings {
    http: Option<Result<Url, String>>,
    https: Option<Result<Url, String>>,
    no_proxy: Option<String>,
}

impl Settings {
    fn get() -> &'static Settings {
        static SETTINGS: OnceLock<Settings> = OnceLock::new();
        SETTINGS.get_or_init(|| Settings {
            http: variable("http_proxy").map(parse),
            https: variable("https_proxy").map(parse),
            no_proxy: variable("no_proxy").map(|(_, list)| list),
        })
    }
}

/// The proxy for `url`, if any; an unparsable proxy URL is an error naming the variable.
pub fn proxy_for(url: &Url) -> Result<Option<Url>, String> {
    let settings = Settings::get();
    let proxy = match url.scheme() {
        "https" => &settings.https,
        _ => &settings.http,
    };
    let Some(proxy) = proxy else {
        return Ok(None);
    };
    if let Some(list) = &settings.no_proxy
        && excluded(list, url)
    {
        return Ok(None);
    }
    proxy.clone().map(Some)
}

/// A proxy variable's value as a URL (`http://` when it names no scheme); an error names the
/// variable.
fn parse((set, value): (String, String)) -> Result<Url, String> {
    let value = if value.contains("://") {
        value
    } else {
        format!("http://{value}")
    };
    let proxy = Url::parse(&value).map_err(|e| format!("{set}={value}: {e}"))?;
    if proxy.scheme() != "http" || proxy.host_str().is_none() {
        return Err(format!("{set}={value}: only http:// proxies are supported"));
    }
    Ok(proxy)
}

/// The variable `name` in lowercase, else in uppercase, when set and not empty.
fn variable(name: &str) -> Option<(String, String)> {
    [name.to_owned(), name.to_ascii_uppercase()]
        .into_iter()
        .find_map(|n| {
            std::env::var(&n)
                .ok()
                .filter(|v| !v.is_empty())
                .map(|v| (n, v))
        })
}

/// Whether the NO_PROXY list `list` names the host of `url`.
fn excluded(list: &str, url: &Url) -> bool {
    let host = url
        .host_str()
        .unwrap_or("")
        .trim_matches(['[', ']'])
        .to_ascii_lowercase();
    let port = url.port_or_known_default();
    list.split([',', ' '])
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .any(|entry| {
            if entry == "*" {
                return true;
            }
            let (name, entry_port) = match entry.rsplit_once(':') {
                Some((name, p)) if !name.contains(':') || name.ends_with(']') => {
                    (name, p.parse::<u16>().ok())
                }
                _ => (entry, None),
            };
            let name = name
                .trim_matches(['[', ']'])
                .trim_start_matches("*.")
                .trim_start_matches('.')
                .to_ascii_lowercase();
            let matches = host == name || host.ends_with(&format!(".{name}"));
            matches && entry_port.is_none_or(|p| Some(p) == port)
        })
}

#[cfg(test)]
mod tests {
    use super::excluded;
    use url::Url;

    #[test]
    fn no_proxy_entries() {
        let url = |s| Url::parse(s).unwrap();
        assert!(excluded("*", &url("http://a.b/")));
        assert!(excluded("example.com", &url("http://api.example.com/")));
        assert!(excluded(".example.com", &url("http://example.com/")));
        assert!(excluded(
            "x, localhost:8080",
            &url("http://localhost:8080/")
        ));
        assert!(!excluded("localhost:8080", &url("http://localhost:9/")));
        assert!(!excluded("ample.com", &url("http://example.com/")));
        assert!(excluded("[::1]", &url("http://[::1]:5/")));
    }
}
