//! Remote modules (http: and https: URLs): downloaded once into the cache, checked against
//! `nexus.lock`, then read from the cache, so later runs work offline.
//!
//! Invariants:
//! - A URL is verified at most once per process (`State::ready`); after that its cached body is
//!   the one the lock names, or the run was told to accept a new one (`--reload`).
//! - A body whose sha256 differs from the lock is never used without `--reload`.
//! - The lock file is rewritten (atomically) only when an entry is added or changed.
//! - A module reached through redirects keys by the URL as imported; where it ended is kept
//!   beside its cached body (`.location`) and is the base for its relative imports.
//!
//! Loading runs inside the engine's synchronous fetch hook, so a download blocks the worker thread
//! running that realm until it ends (bounded by the timeouts below). Other realms and native work
//! keep running on the other workers.

use super::cache;
use super::lock::Lock;
use crate::say::say;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::{LazyLock, Mutex, OnceLock};
use std::time::Duration;
use url::Url;

/// Redirects followed before a download fails.
const MAX_REDIRECTS: u32 = 5;
/// The largest module body accepted.
const MAX_BODY: u64 = 64 << 20;

/// How this process treats remote modules (set once from the command line).
#[derive(Debug, Clone)]
pub struct Settings {
    /// `nexus.lock` beside the entry module.
    pub lock: PathBuf,
    /// The cache root (`$NEXUS_CACHE_DIR`); modules go under `modules/`.
    pub cache: PathBuf,
    /// Download every remote module again and record the new hashes.
    pub reload: bool,
    /// Refuse any URL the lock does not list.
    pub frozen: bool,
}

impl Settings {
    /// `nexus.lock` beside `entry`, the default cache, neither `--reload` nor `--frozen`.
    pub fn for_entry(entry: &std::path::Path) -> Settings {
        let dir = entry.parent().unwrap_or(std::path::Path::new("."));
        Settings {
            lock: dir.join("nexus.lock"),
            cache: cache::default_dir(),
            reload: false,
            frozen: false,
        }
    }
}

static SETTINGS: OnceLock<Settings> = OnceLock::new();

/// Sets the process's settings; later calls are ignored.
pub fn configure(settings: Settings) {
    let _ = SETTINGS.set(settings);
}

fn settings() -> &'static Settings {
    SETTINGS.get_or_init(|| {
        Settings::for_entry(&std::env::current_dir().unwrap_or_default().join("main.js"))
    })
}

/// Why a remote module could not be loaded, with Node's kind of error code.
pub struct Failure {
    pub code: &'static str,
    pub reason: String,
}

fn failure(code: &'static str, reason: String) -> Failure {
    Failure { code, reason }
}

pub fn is_remote(url: &Url) -> bool {
    matches!(url.scheme(), "http" | "https")
}

#[derive(Default)]
struct State {
    lock: Option<Lock>,
    ready: HashSet<String>,
}

/// One lock for all of it: loads are rare and the lock file must see one writer at a time.
static STATE: LazyLock<Mutex<State>> = LazyLock::new(Default::default);

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn cache_path(url: &Url) -> PathBuf {
    settings()
        .cache
        .join("modules")
        .join(sha256(url.as_str().as_bytes()))
}

/// Where a redirected module really lives, kept beside its cached body so offline runs know it.
fn location_path(url: &Url) -> PathBuf {
    let mut path = cache_path(url).into_os_string();
    path.push(".location");
    PathBuf::from(path)
}

/// The URL relative imports inside `url` resolve against: where its redirects ended, if they
/// did, else itself.
pub fn base_of(url: &Url) -> Url {
    std::fs::read_to_string(location_path(url))
        .ok()
        .and_then(|text| Url::parse(text.trim()).ok())
        .unwrap_or_else(|| url.clone())
}

/// The cached text of `url`, if any.
pub fn cached(url: &Url) -> Option<String> {
    std::fs::read_to_string(cache_path(url)).ok()
}

/// The verified text of `url`: from the cache when it matches the lock, downloaded otherwise.
pub fn load(url: &Url) -> Result<String, Failure> {
    let settings = settings();
    let mut state = STATE.lock().unwrap_or_else(|e| e.into_inner());
    let path = cache_path(url);
    if !state.ready.contains(url.as_str()) {
        verify(&mut state, settings, url, &path)?;
        state.ready.insert(url.to_string());
    }
    let bytes = std::fs::read(&path).map_err(|e| {
        failure(
            "ERR_MODULE_UNREADABLE",
            format!("cannot read the cached copy {}: {e}", path.display()),
        )
    })?;
    String::from_utf8(bytes).map_err(|e| {
        failure(
            "ERR_MODULE_UNREADABLE",
            format!("{url} is not UTF-8 text ({e})"),
        )
    })
}

fn verify(
    state: &mut State,
    settings: &Settings,
    url: &Url,
    path: &std::path::Path,
) -> Result<(), Failure> {
    if state.lock.is_none() {
        state.lock = Some(Lock::read(&settings.lock).map_err(|e| failure("ERR_NEXUS_LOCK", e))?);
    }
    let lock = state.lock.get_or_insert_with(Lock::default);
    let locked = lock.get(url.as_str()).map(str::to_string);
    if settings.frozen && locked.is_none() {
        return Err(failure(
            "ERR_NEXUS_LOCK",
            format!(
                "{url} is not in {} and --frozen refuses new URLs (run once without --frozen to add it)",
                settings.lock.display()
            ),
        ));
    }
    if !settings.reload
        && let Ok(body) = std::fs::read(path)
    {
        let hash = sha256(&body);
        match &locked {
            Some(expected) if *expected == hash => return Ok(()),
            None => return record(lock, settings, url, &hash),
            // The cache holds another version (another project reloaded it): ask the server.
            Some(_) => {}
        }
    }
    let (body, location) = download(url)?;
    let hash = sha256(&body);
    if let Some(expected) = &locked
        && *expected != hash
        && !settings.reload
    {
        return Err(failure(
            "ERR_NEXUS_INTEGRITY",
            format!(
                "the body of {url} changed: {} records sha256 {expected}, the server sent sha256 {hash}. \
                 Run with --reload to accept the new version",
                settings.lock.display()
            ),
        ));
    }
    let cache_failed = |e: std::io::Error| {
        failure(
            "ERR_MODULE_CACHE",
            format!("cannot write {url} into the cache {}: {e}", path.display()),
        )
    };
    cache::write_atomic(path, &body).map_err(cache_failed)?;
    if location == *url {
        let _ = std::fs::remove_file(location_path(url));
    } else {
        cache::write_atomic(&location_path(url), location.as_str().as_bytes())
            .map_err(cache_failed)?;
    }
    if locked.as_deref() == Some(hash.as_str()) {
        return Ok(());
    }
    record(lock, settings, url, &hash)
}

fn record(lock: &mut Lock, settings: &Settings, url: &Url, hash: &str) -> Result<(), Failure> {
    lock.insert(url.as_str(), hash);
    cache::write_atomic(&settings.lock, lock.render().as_bytes()).map_err(|e| {
        failure(
            "ERR_NEXUS_LOCK",
            format!("cannot write {}: {e}", settings.lock.display()),
        )
    })
}

/// The HTTP client: bounded redirects and time, rustls with Mozilla's roots, or with the roots in
/// `$NEXUS_CA_CERTS` instead when it is set.
fn agent() -> Result<&'static ureq::Agent, Failure> {
    static AGENT: OnceLock<Result<ureq::Agent, String>> = OnceLock::new();
    AGENT
        .get_or_init(build_agent)
        .as_ref()
        .map_err(|e| failure("ERR_NEXUS_TLS", e.clone()))
}

fn build_agent() -> Result<ureq::Agent, String> {
    use ureq::tls::{Certificate, RootCerts, TlsConfig};
    let mut tls = TlsConfig::builder();
    if let Some(certs) = crate::tls::custom_roots()? {
        let certs: Vec<_> = certs
            .iter()
            .map(|c| Certificate::from_der(c.as_ref()).to_owned())
            .collect();
        tls = tls.root_certs(RootCerts::new_with_certs(&certs));
    }
    Ok(ureq::Agent::config_builder()
        .max_redirects(MAX_REDIRECTS)
        .http_status_as_error(false)
        .timeout_connect(Some(Duration::from_secs(10)))
        .timeout_global(Some(Duration::from_secs(120)))
        .tls_config(tls.build())
        .build()
        .into())
}

/// The body of `url` and the URL it came from after redirects.
fn download(url: &Url) -> Result<(Vec<u8>, Url), Failure> {
    use ureq::ResponseExt;
    let failed = |e: ureq::Error| {
        let why = match e {
            ureq::Error::TooManyRedirects => format!("more than {MAX_REDIRECTS} redirects"),
            e => e.to_string(),
        };
        failure(
            "ERR_MODULE_DOWNLOAD",
            format!("downloading {url} failed: {why}"),
        )
    };
    let mut response = agent()?.get(url.as_str()).call().map_err(failed)?;
    let status = response.status();
    if !status.is_success() {
        return Err(failure(
            "ERR_MODULE_DOWNLOAD",
            format!("GET {url} answered HTTP {status}"),
        ));
    }
    let body = response
        .body_mut()
        .with_config()
        .limit(MAX_BODY)
        .read_to_vec()
        .map_err(failed)?;
    if std::io::stderr().is_terminal() {
        say!("Download {url} ({} bytes)", body.len());
    }
    let location = Url::parse(&response.get_uri().to_string()).unwrap_or_else(|_| url.clone());
    Ok((body, location))
}
