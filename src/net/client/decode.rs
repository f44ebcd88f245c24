//! Streaming decoding of a response's `Content-Encoding`: gzip, deflate and br, as browsers and
//! undici accept them. Each piece of body is decoded as it arrives, so a large body is never held
//! whole.
//!
//! Invariants: a coding this module does not know leaves the body as it came (fetch exposes it
//! undecoded, as undici does); a truncated or corrupt stream is an error at the piece that shows
//! it, or at [`Decoder::finish`].

use brotli_decompressor::DecompressorWriter;
use flate2::write::{DeflateDecoder, GzDecoder, ZlibDecoder};
use std::io::Write;

pub enum Decoder {
    Identity,
    Gzip(GzDecoder<Vec<u8>>),
    /// "deflate" is zlib-wrapped by the standard; some servers send it raw. Which one is known
    /// from the first byte.
    Deflate(Option<DeflateKind>),
    Br(Box<DecompressorWriter<Vec<u8>>>),
}

pub enum DeflateKind {
    Zlib(ZlibDecoder<Vec<u8>>),
    Raw(DeflateDecoder<Vec<u8>>),
}

impl Decoder {
    /// For the value of `Content-Encoding` (one coding; a list or an unknown one is left as is).
    pub fn new(encoding: Option<&str>) -> Decoder {
        match encoding.map(|e| e.trim().to_ascii_lowercase()).as_deref() {
            Some("gzip" | "x-gzip") => Decoder::Gzip(GzDecoder::new(Vec::new())),
            Some("deflate") => Decoder::Deflate(None),
            Some("br") => Decoder::Br(Box::new(DecompressorWriter::new(Vec::new(), 16 * 1024))),
            _ => Decoder::Identity,
        }
    }

    /// Decodes `input`; gives the bytes decoded so far.
    pub fn decode(&mut self, input: Vec<u8>) -> Result<Vec<u8>, String> {
        let failed = |e: std::io::Error| format!("cannot decode the body: {e}");
        match self {
            Decoder::Identity => Ok(input),
            Decoder::Gzip(d) => {
                d.write_all(&input).map_err(failed)?;
                Ok(std::mem::take(d.get_mut()))
            }
            Decoder::Deflate(kind) => {
                if input.is_empty() {
                    return Ok(input);
                }
                let kind = kind.get_or_insert_with(|| {
                    // A zlib header's first byte names method 8 (deflate) in its low nibble.
                    if input[0] & 0x0f == 8 {
                        DeflateKind::Zlib(ZlibDecoder::new(Vec::new()))
                    } else {
                        DeflateKind::Raw(DeflateDecoder::new(Vec::new()))
                    }
                });
                match kind {
                    DeflateKind::Zlib(d) => {
                        d.write_all(&input).map_err(failed)?;
                        Ok(std::mem::take(d.get_mut()))
                    }
                    DeflateKind::Raw(d) => {
                        d.write_all(&input).map_err(failed)?;
                        Ok(std::mem::take(d.get_mut()))
                    }
                }
            }
            Decoder::Br(d) => {
                d.write_all(&input).map_err(failed)?;
                Ok(std::mem::take(d.get_mut()))
            }
        }
    }

    /// The body ended: gives what the decoder still held; an unfinished stream is an error.
    pub fn finish(&mut self) -> Result<Vec<u8>, String> {
        let failed = |e: std::io::Error| format!("cannot decode the body: {e}");
        match self {
            Decoder::Identity | Decoder::Deflate(None) => Ok(Vec::new()),
            Decoder::Gzip(d) => {
                d.try_finish().map_err(failed)?;
                Ok(std::mem::take(d.get_mut()))
            }
            Decoder::Deflate(Some(DeflateKind::Zlib(d))) => {
                d.try_finish().map_err(failed)?;
                Ok(std::mem::take(d.get_mut()))
            }
            Decoder::Deflate(Some(DeflateKind::Raw(d))) => {
                d.try_finish().map_err(failed)?;
                Ok(std::mem::take(d.get_mut()))
            }
            Decoder::Br(d) => {
                d.close().map_err(failed)?;
                Ok(std::mem::take(d.get_mut()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::{DeflateEncoder, GzEncoder, ZlibEncoder};

    fn through(decoder: &mut Decoder, wire: &[u8], split: usize) -> Vec<u8> {
        let mut out = Vec::new();
        for piece in wire.chunks(split) {
            out.extend(decoder.decode(piece.to_vec()).unwrap());
        }
        out.extend(decoder.finish().unwrap());
        out
    }

    #[test]
    fn gzip_and_both_deflates_at_any_split() {
        let text = b"the quick brown fox ".repeat(500);
        let mut gzip = GzEncoder::new(Vec::new(), Compression::default());
        gzip.write_all(&text).unwrap();
        let gzip = gzip.finish().unwrap();
        let mut zlib = ZlibEncoder::new(Vec::new(), Compression::default());
        zlib.write_all(&text).unwrap();
        let zlib = zlib.finish().unwrap();
        let mut raw = DeflateEncoder::new(Vec::new(), Compression::default());
        raw.write_all(&text).unwrap();
        let raw = raw.finish().unwrap();
        for split in [1, 7, 4096] {
            assert_eq!(through(&mut Decoder::new(Some("gzip")), &gzip, split), text);
            assert_eq!(
                through(&mut Decoder::new(Some("deflate")), &zlib, split),
                text
            );
            assert_eq!(
                through(&mut Decoder::new(Some("deflate")), &raw, split),
                text
            );
        }
    }

    #[test]
    fn brotli() {
        // Python's `brotli.compress(b'hello hello hello')`.
        let wire = [
            0x1b, 0x10, 0x00, 0xf8, 0x8d, 0x94, 0x6e, 0xde, 0x44, 0x55, 0x86, 0x96, 0x6c, 0x20,
            0x6f, 0x01, 0x4f, 0x1c, 0x60, 0x1c,
        ];
        assert_eq!(
            through(&mut Decoder::new(Some("br")), &wire, 3),
            b"hello hello hello"
        );
    }

    #[test]
    fn truncated_and_unknown() {
        let mut gzip = GzEncoder::new(Vec::new(), Compression::default());
        gzip.write_all(b"some text").unwrap();
        let gzip = gzip.finish().unwrap();
        let mut decoder = Decoder::new(Some("gzip"));
        let _ = decoder.decode(gzip[..gzip.len() - 4].to_vec());
        assert!(decoder.finish().is_err());
        assert!(matches!(Decoder::new(Some("zstd")), Decoder::Identity));
    }
}
