//! permessage-deflate (RFC 7692): the negotiation of its parameters, and a message compressed or
//! inflated whole. flate2's raw deflate compresses with a fixed 32 KiB window (15 bits) and
//! inflates any: a side asked to compress with a smaller window accepts and sends every message
//! uncompressed (which RFC 7692 allows), rather than break the limit.
//!
//! Invariants: inflating stops as soon as the output passes the message limit (a small
//! compressed frame cannot make us allocate its inflated size); with "no context takeover" for a
//! side, that side's compressor starts every message afresh.

use super::Role;
use super::frame::Violation;
use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

/// The empty stored block a sync flush ends with: stripped from each message, put back to inflate.
const TAIL: [u8; 4] = [0x00, 0x00, 0xFF, 0xFF];

/// The negotiated parameters; a window below 15 bits means that side never compresses here.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Params {
    pub server_no_context_takeover: bool,
    pub client_no_context_takeover: bool,
    pub server_max_window_bits: Option<u8>,
    pub client_max_window_bits: Option<u8>,
}

impl Params {
    /// The `Sec-WebSocket-Extensions` value that states these parameters.
    pub fn header(&self) -> String {
        let mut value = String::from("permessage-deflate");
        if self.server_no_context_takeover {
            value.push_str("; server_no_context_takeover");
        }
        if self.client_no_context_takeover {
            value.push_str("; client_no_context_takeover");
        }
        if let Some(bits) = self.server_max_window_bits {
            value.push_str(&format!("; server_max_window_bits={bits}"));
        }
        value
    }
}

/// What a client offers: our default, which any server can accept as it is.
pub const OFFER: &str = "permessage-deflate; client_max_window_bits";

/// Splits `permessage-deflate; a; b=1, other` into extensions and their parameters.
fn extensions(value: &str) -> impl Iterator<Item = (&str, Vec<(&str, Option<&str>)>)> {
    value.split(',').map(|offer| {
        let mut parts = offer.split(';').map(str::trim);
        let name = parts.next().unwrap_or("");
        let params = parts
            .filter(|p| !p.is_empty())
            .map(|p| match p.split_once('=') {
                Some((k, v)) => (k.trim(), Some(v.trim().trim_matches('"'))),
                None => (p, None),
            })
            .collect();
        (name, params)
    })
}

/// The server's choice among a client's offers (`Sec-WebSocket-Extensions` values joined by
/// commas): the first it can honour, or None.
pub fn accept_offer(offers: &str) -> Option<Params> {
    extensions(offers)
        .filter(|(name, _)| name.eq_ignore_ascii_case("permessage-deflate"))
        .find_map(|(_, params)| {
            let mut chosen = Params::default();
            let mut seen = Vec::new();
            for (key, value) in params {
                if seen.contains(&key) {
                    return None;
                }
                seen.push(key);
                match (key, value) {
                    ("server_no_context_takeover", None) => {
                        chosen.server_no_context_takeover = true
                    }
                    ("client_no_context_takeover", None) => {
                        chosen.client_no_context_takeover = true
                    }
                    ("server_max_window_bits", Some(v)) if window_bits(v).is_some() => {
                        chosen.server_max_window_bits = window_bits(v);
                    }
                    // The client may use fewer bits; we inflate any window, and answer none.
                    ("client_max_window_bits", None) => {}
                    ("client_max_window_bits", Some(v)) if window_bits(v).is_some() => {}
                    _ => return None,
                }
            }
            Some(chosen)
        })
}

/// The parameters of a server's answer to [`OFFER`], or why the client must fail.
pub fn accept_answer(answer: &str) -> Result<Params, String> {
    let mut all = extensions(answer);
    let (name, params) = all.next().ok_or("an empty extension answer")?;
    if !name.eq_ignore_ascii_case("permessage-deflate") || all.next().is_some() {
        return Err(format!(
            "the server answered an extension not offered: {answer}"
        ));
    }
    let mut chosen = Params::default();
    for (key, value) in params {
        match (key, value) {
            ("server_no_context_takeover", None) => chosen.server_no_context_takeover = true,
            ("client_no_context_takeover", None) => chosen.client_no_context_takeover = true,
            ("server_max_window_bits", Some(v)) if window_bits(v).is_some() => {
                chosen.server_max_window_bits = window_bits(v);
            }
            ("client_max_window_bits", Some(v)) if window_bits(v).is_some() => {
                chosen.client_max_window_bits = window_bits(v);
            }
            _ => return Err(format!("unsupported permessage-deflate answer: {answer}")),
        }
    }
    Ok(chosen)
}

fn window_bits(value: &str) -> Option<u8> {
    value.parse().ok().filter(|bits| (8..=15).contains(bits))
}

/// One endpoint's compressor and decompressor.
pub struct Deflate {
    /// None when our side's window was limited below 15 bits.
    compress: Option<Compress>,
    decompress: Decompress,
    /// Start each outgoing message afresh (our side's "no context takeover").
    reset_compress: bool,
    reset_decompress: bool,
}

impl Deflate {
    pub fn new(params: Params, role: Role) -> Deflate {
        let (ours, theirs, bits) = match role {
            Role::Server => (
                params.server_no_context_takeover,
                params.client_no_context_takeover,
                params.server_max_window_bits,
            ),
            Role::Client => (
                params.client_no_context_takeover,
                params.server_no_context_takeover,
                params.client_max_window_bits,
            ),
        };
        Deflate {
            compress: bits
                .is_none_or(|bits| bits == 15)
                .then(|| Compress::new(Compression::fast(), false)),
            decompress: Decompress::new(false),
            reset_compress: ours,
            reset_decompress: theirs,
        }
    }

    /// A whole message's compressed payload (the sync flush's tail stripped), or None when this
    /// side sends uncompressed.
    pub fn compress(&mut self, data: &[u8]) -> Option<Vec<u8>> {
        let compress = self.compress.as_mut()?;
        let mut out = Vec::with_capacity(data.len() / 2 + 64);
        let start = compress.total_in();
        loop {
            let used = (compress.total_in() - start) as usize;
            if out.capacity() - out.len() < 64 {
                out.reserve(out.capacity().max(1024));
            }
            compress
                .compress_vec(&data[used..], &mut out, FlushCompress::Sync)
                .expect("deflating into a growing buffer cannot fail");
            let done = (compress.total_in() - start) as usize == data.len();
            if done && out.len() < out.capacity() {
                break;
            }
        }
        if out.ends_with(&TAIL) {
            out.truncate(out.len() - TAIL.len());
        }
        if self.reset_compress {
            compress.reset();
        }
        Some(out)
    }

    /// A whole message inflated, failing with 1009 once it passes `limit` bytes and with 1007 on
    /// corrupt data.
    pub fn decompress(&mut self, data: &[u8], limit: usize) -> Result<Vec<u8>, Violation> {
        let mut out = Vec::with_capacity((data.len() * 3).min(limit) + 64);
        for input in [data, &TAIL] {
            let start = self.decompress.total_in();
            loop {
                let used = (self.decompress.total_in() - start) as usize;
                if out.len() == out.capacity() {
                    out.reserve(out.capacity().max(1024));
                }
                let status = self
                    .decompress
                    .decompress_vec(&input[used..], &mut out, FlushDecompress::Sync)
                    .map_err(|e| Violation::new(1007, format!("bad compressed data: {e}")))?;
                if out.len() > limit {
                    return Err(too_big(limit));
                }
                let consumed = (self.decompress.total_in() - start) as usize == input.len();
                if status == Status::StreamEnd || (consumed && out.len() < out.capacity()) {
                    break;
                }
            }
        }
        if self.reset_decompress {
            self.decompress.reset(false);
        }
        Ok(out)
    }
}

pub fn too_big(limit: usize) -> Violation {
    Violation::new(1009, format!("a message is larger than {limit} bytes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offers_are_accepted_when_they_can_be_honoured() {
        assert_eq!(
            accept_offer("permessage-deflate; client_max_window_bits"),
            Some(Params::default())
        );
        let both = accept_offer(
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
        )
        .unwrap();
        assert!(both.server_no_context_takeover && both.client_no_context_takeover);
        let limited = accept_offer("permessage-deflate; server_max_window_bits=10").unwrap();
        assert_eq!(
            limited.header(),
            "permessage-deflate; server_max_window_bits=10"
        );
        assert!(Deflate::new(limited, Role::Server).compress(b"x").is_none());
        assert!(Deflate::new(limited, Role::Client).compress(b"x").is_some());
        assert_eq!(
            accept_offer("permessage-deflate; server_max_window_bits=7"),
            None
        );
        assert_eq!(
            accept_offer("permessage-deflate; server_max_window_bits=7, permessage-deflate"),
            Some(Params::default())
        );
        assert_eq!(accept_offer("x-webkit-deflate-frame"), None);
        assert_eq!(accept_offer("permessage-deflate; bogus"), None);
        assert_eq!(
            both.header(),
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover"
        );
    }

    #[test]
    fn answers_we_cannot_honour_fail() {
        assert!(accept_answer("permessage-deflate; server_max_window_bits=12").is_ok());
        let limited = accept_answer("permessage-deflate; client_max_window_bits=9").unwrap();
        assert!(Deflate::new(limited, Role::Client).compress(b"x").is_none());
        assert!(accept_answer("permessage-deflate; client_max_window_bits=16").is_err());
        assert!(accept_answer("other").is_err());
    }

    #[test]
    fn messages_round_trip_with_and_without_context() {
        for params in [
            Params::default(),
            Params {
                server_no_context_takeover: true,
                client_no_context_takeover: true,
                ..Params::default()
            },
        ] {
            let mut server = Deflate::new(params, Role::Server);
            let mut client = Deflate::new(params, Role::Client);
            for text in [
                "hello hello hello",
                "",
                "hello hello hello again",
                &"x".repeat(200_000),
            ] {
                let packed = server.compress(text.as_bytes()).unwrap();
                assert_eq!(
                    client.decompress(&packed, 1 << 20).unwrap(),
                    text.as_bytes()
                );
            }
        }
    }

    #[test]
    fn inflating_stops_at_the_limit() {
        let mut server = Deflate::new(Params::default(), Role::Server);
        let packed = server.compress(&vec![0; 1 << 20]).unwrap();
        assert!(packed.len() < 10_000);
        let mut client = Deflate::new(Params::default(), Role::Client);
        assert_eq!(client.decompress(&packed, 1000).unwrap_err().code, 1009);
    }
}
