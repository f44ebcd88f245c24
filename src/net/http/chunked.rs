//! Incremental decoder of the chunked transfer coding of a request body (RFC 9112 §7.1).
//!
//! Invariants:
//! - input may arrive split at any byte: the decoder keeps its place between calls and the
//!   result never depends on where the splits fall;
//! - it consumes nothing past the end of the body (the last chunk and the trailer section), so
//!   the bytes after it are the next pipelined request's;
//! - it is strict where lenient readers disagree and smuggling hides (RFC 9112 §11.2): every
//!   line ends in CRLF (a bare CR or LF is an error), the chunk size is 1*HEXDIG that fits a
//!   u64, chunk data is followed by CRLF, extensions (after optional whitespace and `;`) and
//!   trailer lines hold only HTAB, visible ASCII, space and obs-text, and neither a chunk-size
//!   line nor the trailer section may exceed `MAX_HEAD_BYTES`;
//! - an error leaves the decoder's state as it was before the offending byte (the same input
//!   gets the same error again); the connection must then close, since where the body ends is
//!   unknown.

use super::parse::{MAX_HEAD_BYTES, Rejection};

/// Decodes one chunked body; make a new one per request.
#[derive(Debug, Default)]
pub struct ChunkedDecoder {
    state: State,
    /// Bytes of the current chunk-size line, or of the trailer section so far.
    line_bytes: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// In the hex digits of a chunk size; `digits` seen so far make `size`.
    Size {
        size: u64,
        digits: usize,
    },
    /// After the size: whitespace, then a chunk extension or the line end.
    SizeSpace {
        size: u64,
    },
    /// In a chunk extension, which is skipped up to the line end.
    Extension {
        size: u64,
    },
    /// The chunk-size line had its CR; LF next.
    SizeLf {
        size: u64,
    },
    /// In chunk data, `left` bytes to go.
    Data {
        left: u64,
    },
    /// After chunk data: CR next.
    DataCr,
    /// After chunk data and CR: LF next.
    DataLf,
    /// At the start of a trailer line or of the final empty line.
    TrailerStart,
    /// In a trailer field line, which is discarded.
    Trailer,
    /// A trailer line had its CR; LF next.
    TrailerLf,
    /// The final empty line had its CR; LF next, then the body is over.
    EndLf,
    Done,
}

impl Default for State {
    fn default() -> Self {
        State::Size { size: 0, digits: 0 }
    }
}

impl ChunkedDecoder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the whole body, trailers included, has been read.
    pub fn done(&self) -> bool {
        self.state == State::Done
    }

    /// Decodes from `input`, appending body bytes to `out`; returns how many input bytes it
    /// consumed, all of `input` unless the body ended inside it. Chunk extensions are skipped,
    /// trailer fields read and discarded.
    pub fn decode(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<usize, Rejection> {
        let mut at = 0;
        while at < input.len() {
            if let State::Data { left } = self.state {
                let available = input.len() - at;
                let take = usize::try_from(left).map_or(available, |left| left.min(available));
                out.extend_from_slice(&input[at..at + take]);
                at += take;
                let left = left - take as u64;
                self.state = if left == 0 {
                    State::DataCr
                } else {
                    State::Data { left }
                };
                continue;
            }
            if self.state == State::Done {
                break;
            }
            self.state = self.step(input[at])?;
            at += 1;
        }
        Ok(at)
    }

    /// The state after one byte of anything but chunk data; `self.state` is left alone on error.
    fn step(&mut self, byte: u8) -> Result<State, Rejection> {
        let in_size_line = matches!(
            self.state,
            State::Size { .. }
                | State::SizeSpace { .. }
                | State::Extension { .. }
                | State::SizeLf { .. }
        );
        let in_trailers = matches!(
            self.state,
            State::TrailerStart | State::Trailer | State::TrailerLf | State::EndLf
        );
        let counted = in_size_line || in_trailers;
        if counted && self.line_bytes == MAX_HEAD_BYTES {
            return Err(bad(if in_size_line {
                "chunk-size line too long"
            } else {
                "chunked trailer section too long"
            }));
        }
        let next = match self.state {
            State::Size { size, digits } => match byte {
                b'0'..=b'9' | b'a'..=b'f' | b'A'..=b'F' => {
                    let digit = u64::from(char::from(byte).to_digit(16).expect("a hex digit"));
                    let size = size
                        .checked_mul(16)
                        .and_then(|size| size.checked_add(digit))
                        .ok_or_else(|| bad("chunk size overflows 64 bits"))?;
                    State::Size {
                        size,
                        digits: digits + 1,
                    }
                }
                _ if digits == 0 => return Err(bad("invalid chunk size")),
                b' ' | b'\t' => State::SizeSpace { size },
                b';' => State::Extension { size },
                b'\r' => State::SizeLf { size },
                _ => return Err(bad("invalid chunk size")),
            },
            State::SizeSpace { size } => match byte {
                b' ' | b'\t' => State::SizeSpace { size },
                b';' => State::Extension { size },
                b'\r' => State::SizeLf { size },
                _ => return Err(bad("invalid chunk size")),
            },
            State::Extension { size } => match byte {
                b'\r' => State::SizeLf { size },
                b'\t' | b' '..=b'~' | 0x80..=0xff => State::Extension { size },
                _ => return Err(bad("control character in a chunk extension")),
            },
            State::SizeLf { size } => match byte {
                b'\n' if size == 0 => State::TrailerStart,
                b'\n' => State::Data { left: size },
                _ => return Err(bad("chunk-size line not ended by CRLF")),
            },
            State::DataCr => match byte {
                b'\r' => State::DataLf,
                _ => return Err(bad("chunk data not followed by CRLF")),
            },
            State::DataLf => match byte {
                b'\n' => State::Size { size: 0, digits: 0 },
                _ => return Err(bad("chunk data not followed by CRLF")),
            },
            State::TrailerStart => match byte {
                b'\r' => State::EndLf,
                b'\t' | b' '..=b'~' | 0x80..=0xff => State::Trailer,
                _ => return Err(bad("control character in a chunked trailer")),
            },
            State::Trailer => match byte {
                b'\r' => State::TrailerLf,
                b'\t' | b' '..=b'~' | 0x80..=0xff => State::Trailer,
                _ => return Err(bad("control character in a chunked trailer")),
            },
            State::TrailerLf => match byte {
                b'\n' => State::TrailerStart,
                _ => return Err(bad("chunked trailer line not ended by CRLF")),
            },
            State::EndLf => match byte {
                b'\n' => State::Done,
                _ => return Err(bad("chunked body not ended by CRLF")),
            },
            State::Data { .. } | State::Done => unreachable!("decode handles data and the end"),
        };
        // Each chunk-size line has its own limit; the trailer section has one for all its lines.
        if in_size_line && matches!(next, State::Data { .. } | State::TrailerStart) {
            self.line_bytes = 0;
        } else if counted {
            self.line_bytes += 1;
        }
        Ok(next)
    }
}

fn bad(why: &'static str) -> Rejection {
    Rejection::BadRequest(why)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes `input` in one call; returns the body and the bytes consumed.
    fn whole(input: &[u8]) -> Result<(Vec<u8>, usize), Rejection> {
        let mut decoder = ChunkedDecoder::new();
        let mut out = Vec::new();
        let used = decoder.decode(input, &mut out)?;
        assert!(
            decoder.done(),
            "{:?} did not finish",
            String::from_utf8_lossy(input)
        );
        Ok((out, used))
    }

    /// Decodes `input` in the given pieces, checking that each call consumes all of its piece
    /// until the body is done.
    fn in_pieces<'a>(
        pieces: impl Iterator<Item = &'a [u8]>,
    ) -> Result<(Vec<u8>, usize, bool), Rejection> {
        let mut decoder = ChunkedDecoder::new();
        let mut out = Vec::new();
        let mut used = 0;
        for piece in pieces {
            let n = decoder.decode(piece, &mut out)?;
            assert!(n <= piece.len());
            if n < piece.len() {
                assert!(decoder.done());
            }
            used += n;
            if decoder.done() {
                break;
            }
        }
        Ok((out, used, decoder.done()))
    }

    /// Every way of cutting `input` in two, and one byte at a time, agree with one call.
    fn assert_split_independent(input: &[u8]) {
        let expected = whole(input);
        for cut in 0..=input.len() {
            let (a, b) = input.split_at(cut);
            let got = in_pieces([a, b].into_iter()).map(|(out, used, _)| (out, used));
            assert_eq!(
                got,
                expected,
                "cut at {cut} of {:?}",
                String::from_utf8_lossy(input)
            );
        }
        let got = in_pieces(input.chunks(1)).map(|(out, used, _)| (out, used));
        assert_eq!(
            got,
            expected,
            "byte by byte: {:?}",
            String::from_utf8_lossy(input)
        );
    }

    /// Like `assert_split_independent` for input that is rejected somewhere.
    fn assert_rejected_at_every_split(input: &[u8], why: &'static str) {
        assert_eq!(whole(input), Err(bad(why)));
        for cut in 0..=input.len() {
            let (a, b) = input.split_at(cut);
            assert_eq!(
                in_pieces([a, b].into_iter()),
                Err(bad(why)),
                "cut at {cut} of {:?}",
                String::from_utf8_lossy(input)
            );
        }
        assert_eq!(in_pieces(input.chunks(1)), Err(bad(why)));
    }

    #[test]
    fn decodes_chunks() {
        let input = b"5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n";
        assert_eq!(whole(input), Ok((b"hello, world".to_vec(), input.len())));
        assert_split_independent(input);
    }

    #[test]
    fn empty_body() {
        assert_eq!(whole(b"0\r\n\r\n"), Ok((Vec::new(), 5)));
        assert_split_independent(b"0\r\n\r\n");
        assert_split_independent(b"000\r\n\r\n");
    }

    #[test]
    fn hex_sizes_in_either_case_with_leading_zeros() {
        let data = [b'x'; 0x1f];
        let mut input = b"001F\r\n".to_vec();
        input.extend_from_slice(&data);
        input.extend_from_slice(b"\r\n1f\r\n");
        input.extend_from_slice(&data);
        input.extend_from_slice(b"\r\n0\r\n\r\n");
        assert_eq!(whole(&input), Ok(([b'x'; 0x3e].to_vec(), input.len())));
        assert_split_independent(&input);
    }

    #[test]
    fn skips_extensions_and_trailers() {
        let input = b"4;name=value;quoted=\"a;b\"\r\nWiki\r\n5 ; x\r\npedia\r\n0;last\r\n\
                      Expires: never\r\nX-Sum: 12\r\n\r\n";
        assert_eq!(whole(input), Ok((b"Wikipedia".to_vec(), input.len())));
        assert_split_independent(input);
    }

    #[test]
    fn stops_at_the_end_of_the_body() {
        let body = b"3\r\nabc\r\n0\r\nT: 1\r\n\r\n";
        let mut input = body.to_vec();
        input.extend_from_slice(b"GET / HTTP/1.1\r\n\r\n");
        let mut decoder = ChunkedDecoder::new();
        let mut out = Vec::new();
        assert_eq!(decoder.decode(&input, &mut out), Ok(body.len()));
        assert!(decoder.done());
        assert_eq!(out, b"abc");
        assert_eq!(decoder.decode(&input[body.len()..], &mut out), Ok(0));
        assert_split_independent(&input);
    }

    #[test]
    fn waits_for_more_input() {
        let mut decoder = ChunkedDecoder::new();
        let mut out = Vec::new();
        assert_eq!(decoder.decode(b"a\r\n01234", &mut out), Ok(8));
        assert!(!decoder.done());
        assert_eq!(out, b"01234");
        assert_eq!(decoder.decode(b"", &mut out), Ok(0));
        assert_eq!(decoder.decode(b"56789\r\n0\r\n", &mut out), Ok(10));
        assert!(!decoder.done());
        assert_eq!(decoder.decode(b"\r\n", &mut out), Ok(2));
        assert!(decoder.done());
        assert_eq!(out, b"0123456789");
    }

    #[test]
    fn rejects_bad_sizes() {
        assert_rejected_at_every_split(b"\r\n\r\n", "invalid chunk size");
        assert_rejected_at_every_split(b";ext\r\n\r\n", "invalid chunk size");
        assert_rejected_at_every_split(b" 5\r\nhello\r\n0\r\n\r\n", "invalid chunk size");
        assert_rejected_at_every_split(b"5x\r\nhello\r\n0\r\n\r\n", "invalid chunk size");
        assert_rejected_at_every_split(b"5 x\r\nhello\r\n0\r\n\r\n", "invalid chunk size");
        assert_rejected_at_every_split(b"-5\r\nhello\r\n0\r\n\r\n", "invalid chunk size");
        assert_rejected_at_every_split(b"0x5\r\nhello\r\n0\r\n\r\n", "invalid chunk size");
        assert_rejected_at_every_split(b"g\r\n", "invalid chunk size");
        assert_rejected_at_every_split(b"ffffffffffffffff0\r\n", "chunk size overflows 64 bits");
        assert_rejected_at_every_split(b"10000000000000000\r\n", "chunk size overflows 64 bits");
    }

    #[test]
    fn largest_chunk_size_is_accepted() {
        let mut decoder = ChunkedDecoder::new();
        let mut out = Vec::new();
        assert_eq!(decoder.decode(b"ffffffffffffffff\r\nab", &mut out), Ok(20));
        assert_eq!(out, b"ab");
        assert!(!decoder.done());
    }

    #[test]
    fn rejects_bare_cr_and_lf() {
        assert_rejected_at_every_split(b"5\nhello\r\n0\r\n\r\n", "invalid chunk size");
        assert_rejected_at_every_split(
            b"5\rhello\r\n0\r\n\r\n",
            "chunk-size line not ended by CRLF",
        );
        assert_rejected_at_every_split(
            b"5;a\nhello\r\n0\r\n\r\n",
            "control character in a chunk extension",
        );
        assert_rejected_at_every_split(b"5\r\nhello\n0\r\n\r\n", "chunk data not followed by CRLF");
        assert_rejected_at_every_split(b"5\r\nhello\r0\r\n\r\n", "chunk data not followed by CRLF");
        assert_rejected_at_every_split(b"0\r\n\n", "control character in a chunked trailer");
        assert_rejected_at_every_split(b"0\r\n\rX", "chunked body not ended by CRLF");
        assert_rejected_at_every_split(
            b"0\r\nT: 1\n\r\n",
            "control character in a chunked trailer",
        );
        assert_rejected_at_every_split(
            b"0\r\nT: 1\rX\r\n\r\n",
            "chunked trailer line not ended by CRLF",
        );
    }

    #[test]
    fn rejects_data_longer_than_its_size() {
        assert_rejected_at_every_split(
            b"3\r\nhello\r\n0\r\n\r\n",
            "chunk data not followed by CRLF",
        );
    }

    #[test]
    fn rejects_control_characters_in_extensions() {
        assert_rejected_at_every_split(
            b"1;\x00\r\na\r\n0\r\n\r\n",
            "control character in a chunk extension",
        );
    }

    #[test]
    fn size_line_limit() {
        // Leading zeros are the one way to make a long, otherwise valid size line.
        let mut line = vec![b'0'; MAX_HEAD_BYTES - 3];
        line.extend_from_slice(b"1\r\n");
        assert_eq!(line.len(), MAX_HEAD_BYTES);
        let mut input = line.clone();
        input.extend_from_slice(b"a\r\n0\r\n\r\n");
        assert_eq!(whole(&input), Ok((b"a".to_vec(), input.len())));

        let mut long = vec![b'0'];
        long.extend_from_slice(&input);
        assert_eq!(whole(&long), Err(bad("chunk-size line too long")));
        let mut extension = b"1;".to_vec();
        extension.resize(MAX_HEAD_BYTES + 1, b'x');
        assert_eq!(whole(&extension), Err(bad("chunk-size line too long")));

        // The limit is per line: many lines at the limit are fine.
        let mut many = Vec::new();
        for _ in 0..3 {
            many.extend_from_slice(&line);
            many.extend_from_slice(b"a\r\n");
        }
        many.extend_from_slice(b"0\r\n\r\n");
        assert_eq!(whole(&many), Ok((b"aaa".to_vec(), many.len())));
    }

    #[test]
    fn trailer_section_limit() {
        let mut input = b"0\r\n".to_vec();
        let trailers = "T: 123456\r\n".repeat(MAX_HEAD_BYTES / 11);
        input.extend_from_slice(trailers.as_bytes());
        input.extend_from_slice(b"\r\n");
        assert_eq!(whole(&input), Ok((Vec::new(), input.len())));

        let mut over = b"0\r\n".to_vec();
        over.extend_from_slice("T: 123456\r\n".repeat(MAX_HEAD_BYTES / 11 + 1).as_bytes());
        over.extend_from_slice(b"\r\n");
        assert_eq!(whole(&over), Err(bad("chunked trailer section too long")));
    }

    #[test]
    fn an_error_is_returned_again() {
        let mut decoder = ChunkedDecoder::new();
        let mut out = Vec::new();
        assert_eq!(
            decoder.decode(b"5\r\nhelloX", &mut out),
            Err(bad("chunk data not followed by CRLF"))
        );
        assert_eq!(
            decoder.decode(b"X", &mut out),
            Err(bad("chunk data not followed by CRLF"))
        );
        assert!(!decoder.done());
    }
}
