//! The opening handshake (RFC 6455 section 4): a server's check of an upgrade request and its
//! 101 answer, a client's request and its check of the answer, with the subprotocol and the
//! permessage-deflate parameters both sides then use.
//!
//! Invariant: a request that is not a valid WebSocket upgrade is refused with a reason naming the
//! field at fault, never answered 101.

use super::deflate::{self, Params};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha1::{Digest, Sha1};

const GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// `Sec-WebSocket-Accept` for a `Sec-WebSocket-Key`.
pub fn accept_key(key: &str) -> String {
    let mut sha = Sha1::new();
    sha.update(key.as_bytes());
    sha.update(GUID.as_bytes());
    STANDARD.encode(sha.finalize())
}

/// A fresh `Sec-WebSocket-Key`: 16 random bytes in base64.
pub fn new_key() -> String {
    let mut bytes = [0; 16];
    let _ = getrandom::fill(&mut bytes);
    STANDARD.encode(bytes)
}

/// Every value of a field (case-insensitive name), joined by commas.
fn field(headers: &[(String, String)], name: &str) -> Option<String> {
    let values: Vec<&str> = headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .collect();
    (!values.is_empty()).then(|| values.join(", "))
}

fn has_token(value: &str, token: &str) -> bool {
    value
        .split(',')
        .any(|t| t.trim().eq_ignore_ascii_case(token))
}

/// A refused upgrade: the status to answer and why.
#[derive(Debug, PartialEq, Eq)]
pub struct Refusal {
    pub status: u16,
    pub reason: String,
}

fn refuse(reason: impl Into<String>) -> Refusal {
    Refusal {
        status: 400,
        reason: reason.into(),
    }
}

/// What a server agreed to.
#[derive(Debug, PartialEq, Eq)]
pub struct Agreement {
    /// The 101 response, whole.
    pub response: Vec<u8>,
    pub protocol: Option<String>,
    pub deflate: Option<Params>,
}

/// Checks an upgrade request; `protocols` are the server's, in its order of preference (the
/// first the client also offers is chosen); `deflate` whether the server accepts compression.
pub fn accept(
    method: &str,
    minor_version: u8,
    headers: &[(String, String)],
    protocols: &[String],
    deflate: bool,
) -> Result<Agreement, Refusal> {
    if method != "GET" || minor_version < 1 {
        return Err(refuse("a WebSocket upgrade must be a GET over HTTP/1.1"));
    }
    if !field(headers, "upgrade").is_some_and(|v| has_token(&v, "websocket")) {
        return Err(refuse("the request has no 'Upgrade: websocket' field"));
    }
    if !field(headers, "connection").is_some_and(|v| has_token(&v, "upgrade")) {
        return Err(refuse(
            "the request's Connection field has no 'upgrade' token",
        ));
    }
    if field(headers, "sec-websocket-version").as_deref() != Some("13") {
        return Err(Refusal {
            status: 426,
            reason: "Sec-WebSocket-Version must be 13".into(),
        });
    }
    let key = field(headers, "sec-websocket-key").unwrap_or_default();
    if STANDARD.decode(key.trim()).map(|k| k.len()) != Ok(16) {
        return Err(refuse("Sec-WebSocket-Key is not 16 bytes in base64"));
    }
    let offered = field(headers, "sec-websocket-protocol").unwrap_or_default();
    let protocol = protocols
        .iter()
        .find(|p| offered.split(',').any(|o| o.trim() == p.as_str()))
        .cloned();
    let deflate = deflate
        .then(|| field(headers, "sec-websocket-extensions"))
        .flatten()
        .and_then(|offers| deflate::accept_offer(&offers));
    let mut response = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {}\r\n",
        accept_key(key.trim())
    );
    if let Some(protocol) = &protocol {
        response.push_str(&format!("Sec-WebSocket-Protocol: {protocol}\r\n"));
    }
    if let Some(params) = &deflate {
        response.push_str(&format!(
            "Sec-WebSocket-Extensions: {}\r\n",
            params.header()
        ));
    }
    response.push_str("\r\n");
    Ok(Agreement {
        response: response.into_bytes(),
        protocol,
        deflate,
    })
}

/// A client's upgrade request for `target` (path and query) on `host` (with its port).
pub fn request(
    host: &str,
    target: &str,
    key: &str,
    protocols: &[String],
    origin: Option<&str>,
) -> Vec<u8> {
    let mut head = format!(
        "GET {target} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: {}\r\n",
        deflate::OFFER
    );
    if !protocols.is_empty() {
        head.push_str(&format!(
            "Sec-WebSocket-Protocol: {}\r\n",
            protocols.join(", ")
        ));
    }
    if let Some(origin) = origin {
        head.push_str(&format!("Origin: {origin}\r\n"));
    }
    head.push_str("\r\n");
    head.into_bytes()
}

/// What the client learned from a valid answer: the subprotocol and the extensions' parameters.
#[derive(Debug, PartialEq, Eq)]
pub struct Answer {
    pub protocol: String,
    pub extensions: String,
    pub deflate: Option<Params>,
}

/// Checks a server's answer to [`request`].
pub fn check_answer(
    status: u16,
    headers: &[(String, String)],
    key: &str,
    protocols: &[String],
) -> Result<Answer, String> {
    if status != 101 {
        return Err(format!(
            "the server answered {status}, not 101 Switching Protocols"
        ));
    }
    if !field(headers, "upgrade").is_some_and(|v| has_token(&v, "websocket"))
        || !field(headers, "connection").is_some_and(|v| has_token(&v, "upgrade"))
    {
        return Err(
            "the server's answer lacks 'Upgrade: websocket' or 'Connection: upgrade'".into(),
        );
    }
    if field(headers, "sec-websocket-accept").as_deref() != Some(accept_key(key).as_str()) {
        return Err("the server's Sec-WebSocket-Accept does not match the key".into());
    }
    let protocol = field(headers, "sec-websocket-protocol").unwrap_or_default();
    if !protocol.is_empty() && !protocols.contains(&protocol) {
        return Err(format!(
            "the server chose a subprotocol not offered: {protocol}"
        ));
    }
    let extensions = field(headers, "sec-websocket-extensions").unwrap_or_default();
    let deflate = if extensions.is_empty() {
        None
    } else {
        Some(deflate::accept_answer(&extensions)?)
    };
    Ok(Answer {
        protocol,
        extensions,
        deflate,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    fn upgrade() -> Vec<(String, String)> {
        headers(&[
            ("Host", "x"),
            ("Upgrade", "websocket"),
            ("Connection", "keep-alive, Upgrade"),
            ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
            ("Sec-WebSocket-Version", "13"),
            ("Sec-WebSocket-Protocol", "chat, superchat"),
            (
                "Sec-WebSocket-Extensions",
                "permessage-deflate; client_max_window_bits",
            ),
        ])
    }

    #[test]
    fn the_rfc_example_key() {
        assert_eq!(
            accept_key("dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
    }

    #[test]
    fn a_valid_request_is_answered_101() {
        let agreed = accept(
            "GET",
            1,
            &upgrade(),
            &["superchat".into(), "chat".into()],
            true,
        )
        .unwrap();
        let text = String::from_utf8(agreed.response).unwrap();
        assert!(text.starts_with("HTTP/1.1 101 "));
        assert!(text.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));
        assert!(text.contains("Sec-WebSocket-Protocol: superchat\r\n"));
        assert!(text.contains("Sec-WebSocket-Extensions: permessage-deflate\r\n"));
        assert_eq!(agreed.protocol.as_deref(), Some("superchat"));
        assert!(
            accept("GET", 1, &upgrade(), &[], false)
                .unwrap()
                .deflate
                .is_none()
        );
    }

    #[test]
    fn broken_requests_are_refused_naming_the_field() {
        assert!(
            accept("POST", 1, &upgrade(), &[], true)
                .unwrap_err()
                .reason
                .contains("GET")
        );
        let refused = |field: usize, value: &str| {
            let mut bad = upgrade();
            bad[field].1 = value.into();
            accept("GET", 1, &bad, &[], true).unwrap_err()
        };
        assert!(refused(3, "c2hvcnQ=").reason.contains("Sec-WebSocket-Key"));
        assert_eq!(refused(4, "8").status, 426);
        assert!(refused(2, "keep-alive").reason.contains("Connection"));
    }

    #[test]
    fn a_client_checks_the_answer() {
        let key = new_key();
        let agreed = accept(
            "GET",
            1,
            &headers(&[
                ("Upgrade", "websocket"),
                ("Connection", "Upgrade"),
                ("Sec-WebSocket-Key", &key),
                ("Sec-WebSocket-Version", "13"),
                ("Sec-WebSocket-Protocol", "a"),
                ("Sec-WebSocket-Extensions", deflate::OFFER),
            ]),
            &["a".into()],
            true,
        )
        .unwrap();
        let answer = headers(&[
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
            ("Sec-WebSocket-Accept", &accept_key(&key)),
            ("Sec-WebSocket-Protocol", "a"),
            ("Sec-WebSocket-Extensions", "permessage-deflate"),
        ]);
        let checked = check_answer(101, &answer, &key, &["a".into()]).unwrap();
        assert_eq!(checked.protocol, "a");
        assert_eq!(checked.deflate, agreed.deflate);
        assert!(check_answer(101, &answer, &new_key(), &["a".into()]).is_err());
        assert!(check_answer(101, &answer, &key, &[]).is_err());
        assert!(check_answer(200, &answer, &key, &["a".into()]).is_err());
    }
}
